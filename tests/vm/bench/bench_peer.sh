# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: the peer benchmark.  hvis's whole stack (hvis_vmbus, the six
# hvis services, our daemons) beside upstream's (Linux's own hv_vmbus and
# hv_utils, built unchanged by tests/upstream/build.sh, with Debian
# bookworm's daemons), each on a freshly loaded hvis_sim (WS2022), in this
# one VM, in the order hvis upstream, upstream hvis, hvis upstream.  Per
# stack and round:
#
#   up      ms from the insmod of the bus module to the host seeing all six
#           services OK.  The daemons are waiting before that insmod: each
#           is a background job that starts the moment its char device
#           appears (upstream's KVP answers the host's NEGOTIATE only once
#           its daemon has registered).  icwait polls the host's view every
#           millisecond.
#   fcopy   Copy-VMFile of 64 MiB (hvsim copy-file), ms, byte-exact
#   kvp     N SET + ENUMERATE pairs (hvsim kvp bench --enumerate: 6.1's
#           hv_utils answers GET with an empty value), ms
#
# and for the fcopy and kvp phases, counted by the host on that service's
# channel (debugfs hvis_sim/chanstats): guest->host signals, host->guest
# interrupts, packets both ways.  Prints figures as INFO lines; judges
# nothing but that each stack came up and every copy and value was right.

[ -e "$UPDIR/hv_vmbus.ko" ] || skip "no upstream drivers/hv built for $(uname -r)"
# From 6.10 on hv_utils has no Copy-VMFile: no peer for two of the figures.
[ -e "$UPDIR/uio_hv_generic.ko" ] && skip "upstream $(uname -r) has no Copy-VMFile in hv_utils"

STATS=/sys/kernel/debug/hvis_sim/chanstats
N=300

# peer_daemons SET: kvp, vss and fcopy daemons of SET (hvis: ours;
# upstream: Debian's), each waiting in the background for its char device.
peer_daemons() {
	local svc bin
	rm -rf /var/lib/hyperv /tmp/hvis-kvp && mkdir -p /var/lib/hyperv
	for svc in kvp vss fcopy; do
		case $1/$svc in
		hvis/kvp) bin="hvis-kvp-daemon -n -s /tmp/hvis-kvp" ;;
		hvis/*) bin="hvis-$svc-daemon -n" ;;
		*) bin="/opt/debian/sbin/hv_${svc}_daemon -n" ;;
		esac
		# shellcheck disable=SC2086 # $bin is a command and its options
		(
			until [ -c "/dev/vmbus/hv_$svc" ]; do usleep 1000; done
			exec $bin >>"/tmp/$svc-daemon.log" 2>&1
		) &
		echo $! >"/tmp/$svc-daemon.pid"
	done
}

# stack_up SET: the host, the daemons, then the guest's stack; $UP_MS.
stack_up() {
	local t0 m
	hvis_insmod hvis_sim profile=WS2022 || fail "insmod hvis_sim: $INSMOD_OUT"
	peer_daemons "$1"
	t0=$(icwait)
	if [ "$1" = hvis ]; then
		hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
		for m in $IC_MODULES; do
			hvis_insmod "$m" || fail "insmod $m: $INSMOD_OUT"
		done
	else
		up_insmod hv_vmbus || fail "insmod hv_vmbus: $INSMOD_OUT"
		up_insmod hv_utils || fail "insmod hv_utils: $INSMOD_OUT"
	fi
	UP_MS=$(icwait "$t0" 30) || {
		hvsim get-integration-services
		fail "$1: not all six services OK within 30 s"
	}
}

stack_down() {
	local s
	for s in kvp vss fcopy; do daemon_stop $s; done
	if [ "$1" = hvis ]; then ic_down; else up_down; fi
}

# chanstat RELID: "signals interrupts packets" (both ways) so far.
chanstat() {
	awk -v r="$1" '$1 == r { s = $2; i = $3; p = $4 + $5 }
		END { print s + 0, i + 0, p + 0 }' $STATS
}

# phase NAME SERVICE COMMAND...: run COMMAND on SERVICE's channel; appends
# "NAME_ms T NAME_sig S NAME_irq I NAME_pkts P" to $FIGS.
phase() {
	local name=$1 relid t0 t1 s0 i0 p0 s1 i1 p1
	relid=$(ic_host "$2" relid)
	shift 2
	read -r s0 i0 p0 <<EOF
$(chanstat "$relid")
EOF
	t0=$(icwait)
	"$@" || return 1
	t1=$(icwait)
	read -r s1 i1 p1 <<EOF
$(chanstat "$relid")
EOF
	FIGS="$FIGS ${name}_ms $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
	FIGS="$FIGS ${name}_sig $((s1 - s0)) ${name}_irq $((i1 - i0)) ${name}_pkts $((p1 - p0))"
}

copy() {
	hvsim copy-file /tmp/src.bin /tmp/dst/big.bin 2>/dev/null
}

kvp_bench() {
	hvsim kvp bench $N --pool 1 --enumerate >/tmp/kvp-bench 2>&1
}

head -c 67108864 /dev/urandom >/tmp/src.bin
sum=$(sha256sum </tmp/src.bin)

i=0
for set in hvis upstream upstream hvis hvis upstream; do
	round=$((i / 2 + 1)) i=$((i + 1))
	rm -rf /tmp/dst && mkdir -p /tmp/dst
	stack_up $set
	FIGS="up_ms $UP_MS"
	[ -e "$STATS" ] || fail "no $STATS"
	phase fcopy "Guest Service Interface" copy || fail "$set: copy failed"
	[ "$(sha256sum </tmp/dst/big.bin)" = "$sum" ] || fail "$set: the copy differs"
	rm -f /tmp/dst/big.bin
	phase kvp "Key-Value Pair Exchange" kvp_bench ||
		fail "$set: kvp bench: $(cat /tmp/kvp-bench)"
	stack_down $set
	info "bench-peer $set round $round fcopy_bytes 67108864 kvp_ops $((2 * N)) $FIGS"
done
rm -rf /tmp/src.bin /tmp/dst
