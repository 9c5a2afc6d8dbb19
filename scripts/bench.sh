#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: figures measured side by side in one VM run (TCG, so absolute
# numbers are those of an emulated CPU; the ratios are the point).  Never
# passes or fails on speed; fails only if a run did not work.
#
#   bench.sh [KERNEL]     default 6.1
#
# Builds into directories of its own, build/bench-KERNEL (hvis) and
# build/bench-up-KERNEL (Linux's own drivers/hv for the peer benchmark,
# rebuilt when hvis_sim's exports change); HVIS_VM_MODS and
# HVIS_VM_UPSTREAM name ready-built ones instead (as for tests/vm/run.sh).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
k=${1:-6.1}
eval "$(scripts/kernels.sh env "$k")"
if [ -z "${HVIS_VM_MODS:-}" ]; then
	# shellcheck disable=SC2086
	scripts/build.sh "$KDIR" "build/bench-$k" $MAKEVARS >/dev/null
	export HVIS_VM_MODS=$top/build/bench-$k/src
fi
if [ -z "${HVIS_VM_UPSTREAM:-}" ]; then
	case $k in
	5.10 | 6.1 | 6.12)
		up=$top/build/bench-up-$k
		if ! cmp -s "$HVIS_VM_MODS/Module.symvers" "$up/sim.symvers"; then
			HVIS_SIM_SYMVERS=$HVIS_VM_MODS/Module.symvers \
				tests/upstream/build.sh "$k" "$up" >/dev/null
			cp "$HVIS_VM_MODS/Module.symvers" "$up/sim.symvers"
		fi
		export HVIS_VM_UPSTREAM=$up
		;;
	esac
fi
make -s -C tools
out=$(tests/vm/run.sh -o "build/vm/bench-$k" -t 1200 "$k" bench_echo bench_daemons bench_peer)
echo "$out" | grep -E '^FAIL ' && exit 1
# The peer benchmark skips where there is no peer (no upstream build, 6.12).
echo "$out" | grep -E '^SKIP ' | grep -v '/bench_peer$' && exit 1

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

echo
echo "Peer: hvis's stack (hvis_vmbus, six hvis services, our daemons) / upstream's (Linux's"
echo "hv_vmbus + hv_utils unchanged, Debian bookworm's daemons), both on hvis_sim (WS2022),"
echo "same VM, alternating (hvis upstream upstream hvis hvis upstream), median of 3:"
peer=$(echo "$out" | sed -n 's/^INFO vm\/[^/]*\/bench-peer //p')
if [ -z "$peer" ]; then
	echo "  skipped: $(echo "$out" | grep -E '^SKIP .*/bench_peer$' || echo "no figures")"
	exit 0
fi
echo "$peer" | awk '
	function med(set, f, n, i, j, t, a) {
		n = cnt[set]
		for (i = 1; i <= n; i++) a[i] = v[set, f, i]
		for (i = 2; i <= n; i++)	# insertion sort: three values
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function per(x, n) { return n ? x * 1000 / n : 0 }
	{
		set = $1; delete kv
		for (i = 4; i < NF; i += 2) kv[$i] = $(i + 1)
		r = ++cnt[set]
		v[set, "fcopy", r] = kv["fcopy_bytes"] / 1048576 / (kv["fcopy_ms"] / 1000)
		v[set, "kvp", r] = kv["kvp_ops"] / (kv["kvp_ms"] / 1000)
		v[set, "up", r] = kv["up_ms"]
		v[set, "fsig", r] = per(kv["fcopy_sig"], kv["fcopy_pkts"])
		v[set, "firq", r] = per(kv["fcopy_irq"], kv["fcopy_pkts"])
		v[set, "ksig", r] = per(kv["kvp_sig"], kv["kvp_pkts"])
		v[set, "kirq", r] = per(kv["kvp_irq"], kv["kvp_pkts"])
	}
	function row(label, f, fmt, h, u) {
		h = med("hvis", f); u = med("upstream", f)
		printf "%-44s " fmt " " fmt " %8s\n", label, h, u, u ? sprintf("%.2f", h / u) : "-"
	}
	END {
		printf "%-44s %10s %10s %8s\n", "", "hvis", "upstream", "ratio"
		row("Copy-VMFile 64 MiB, MiB/s", "fcopy", "%10.1f")
		row("KVP SET+ENUMERATE via hvsim, ops/s", "kvp", "%10.1f")
		row("insmod bus to six services OK, ms", "up", "%10.1f")
		row("Copy-VMFile: signals to host / 1000 pkts", "fsig", "%10.1f")
		row("Copy-VMFile: interrupts to guest / 1000 pkts", "firq", "%10.1f")
		row("KVP: signals to host / 1000 pkts", "ksig", "%10.1f")
		row("KVP: interrupts to guest / 1000 pkts", "kirq", "%10.1f")
	}'
echo "ratio = hvis / upstream; packets = both ways on that service's channel, counted"
echo "by the host (hvis_sim/chanstats)."
