# SPDX-License-Identifier: GPL-2.0-only
#
# A host that corrupts a channel's ring: an index past the ring, a
# misaligned index, a descriptor claiming more than was written.  Each time
# the guest stops the channel with one line in the log, reads nothing out of
# bounds (KASAN on the debug kernel), and a reopen gives a working channel.
# A packet larger than the reader's buffer is refused without being lost, and
# a completion for a transaction the guest never started is dropped.

D=/sys/bus/vmbus/devices
I=6876ab5f-0000-0000-0000-000000000000

hvis_insmod hvis_sim ics=0 extra_offers=1 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
hvis_insmod hvis_test_driver || fail "insmod hvis_test_driver: $INSMOD_OUT"
relid=$(cat $D/$I/id)

for kind in index misaligned desc; do
	dmesg_mark $kind
	hvsim corrupt "$relid" $kind || fail "corrupt $kind"
	echo "1 100 1" >$D/$I/echo
	case $(cat $D/$I/echo) in
	"fail: send 0: -5" | "fail: recv 0: -5") ;;
	*) fail "$kind: the channel kept going: $(cat $D/$I/echo)" ;;
	esac
	dmesg_since $kind | grep -q "relid $relid: the host corrupted the inbound ring; channel stopped" ||
		fail "$kind: no line in the kernel log"
	echo 1 >$D/$I/reopen || fail "$kind: reopen"
	echo "20 500 2" >$D/$I/echo
	[ "$(cat $D/$I/echo)" = "ok 20" ] || fail "$kind: after reopen: $(cat $D/$I/echo)"
done

# Completions: each one hands back its request; one the guest never asked
# for is dropped with a line in the log, and traffic goes on.
echo 200 >$D/$I/request
[ "$(cat $D/$I/echo)" = "ok 200" ] || fail "requests: $(cat $D/$I/echo)"
dmesg_mark comp
hvsim corrupt "$relid" comp || fail "corrupt comp"
echo "5 100 3" >$D/$I/echo
[ "$(cat $D/$I/echo)" = "ok 5" ] || fail "after a bogus completion: $(cat $D/$I/echo)"
dmesg_since comp | grep -q "relid $relid: completion for unknown transaction id 57005 dropped" ||
	fail "bogus completion not reported"

# Too big for the reader: refused with the size needed, and still there.
hvsim corrupt "$relid" big || fail "corrupt big"
echo "1 100 1" >$D/$I/echo
case $(cat $D/$I/echo) in "fail: recv 0: -105") ;; *) fail "big: $(cat $D/$I/echo)" ;; esac
[ "$(cat $D/$I/channels/$relid/read_avail)" -gt 8192 ] || fail "the big packet was dropped"

rmmod hvis_test_driver && rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod"
exit 0
