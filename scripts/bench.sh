#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: figures measured side by side in one VM run (TCG, so absolute
# numbers are those of an emulated CPU; the ratios are the point).  Never
# passes or fails on speed; fails only if a run did not work.
#
#   bench.sh [KERNEL]     default 6.1
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
k=${1:-6.1}
eval "$(scripts/kernels.sh env "$k")"
scripts/build.sh "$KDIR" "build/$k" $MAKEVARS >/dev/null
make -s -C tools
out=$(tests/vm/run.sh -o build/vm/bench "$k" bench_echo)
echo "$out" | grep -E '^(FAIL|SKIP) ' && exit 1

echo "Echo through one channel (16 KiB rings each way), kernel $KREL, QEMU TCG:"
printf '%8s %10s %10s %12s %10s %12s %12s\n' size packets/s MB/s memcpy-MB/s ratio irq/1000pkt sig/1000pkt
echo "$out" | sed -n 's/^INFO vm\/[^/]*\/bench-echo ok //p' | while read -r n _ size _ ns _ cns _ irq _ sig; do
	awk -v n="$n" -v s="$size" -v ns="$ns" -v cns="$cns" -v irq="$irq" -v sig="$sig" 'BEGIN {
		pps = n / (ns / 1e9); mbs = n * s / (ns / 1e9) / 1e6
		# memcpy moved the bytes twice (out and back), as the echo does.
		cmbs = 2 * n * s / (cns / 1e9) / 1e6
		printf "%8d %10.0f %10.1f %12.1f %10.4f %12.1f %12.1f\n", s, pps, mbs, cmbs,
		       2 * mbs / cmbs, irq * 1000 / n, sig * 1000 / n
	}'
done
echo "ratio = echo bytes moved (both ways) / memcpy bytes per second, same VM, same run."
