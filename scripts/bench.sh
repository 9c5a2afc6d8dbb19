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
out=$(tests/vm/run.sh -o build/vm/bench "$k" bench_echo bench_daemons)
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

echo
echo "Daemons side by side (ours / Debian bookworm's hyperv-daemons), same VM, alternating, best of 2:"
best() { # best SET KIND: the smallest time (centiseconds) of the rounds
	echo "$out" | sed -n "s/^INFO vm\/[^/]*\/bench-$2 $1 round [0-9]* //p" |
		awk '{ if (min == "" || $4 < min) { min = $4; n = $2 } } END { print n, min }'
}
read -r fb_h fc_h < <(best hvis fcopy)
read -r fb_d fc_d < <(best debian fcopy)
read -r ko_h kc_h < <(best hvis kvp)
read -r ko_d kc_d < <(best debian kvp)
awk -v bh="$fb_h" -v ch="$fc_h" -v bd="$fb_d" -v cd="$fc_d" \
    -v oh="$ko_h" -v kh="$kc_h" -v od="$ko_d" -v kd="$kc_d" 'BEGIN {
	mh = bh / 1048576 / (ch / 100); md = bd / 1048576 / (cd / 100)
	rh = oh / (kh / 100); rd = od / (kd / 100)
	printf "%-32s %10s %10s %8s\n", "", "hvis", "debian", "ratio"
	printf "%-32s %10.1f %10.1f %8.2f\n", "Copy-VMFile 64 MiB, MiB/s", mh, md, mh / md
	printf "%-32s %10.1f %10.1f %8.2f\n", "KVP SET+GET via hvsim, ops/s", rh, rd, rh / rd
}'
echo "ratio = hvis / debian."
