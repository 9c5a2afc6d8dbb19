# SPDX-License-Identifier: GPL-2.0-only
#
# Tracepoints: channel messages sent and received show in the hvis_vmbus
# trace events.  (Read before rmmod: unloading a module drops its events
# from the trace buffer.)

T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs tracefs $T 2>/dev/null
[ -d $T/events ] || skip "kernel without tracefs"
I=dddddddd-0000-4000-8000-000000000001

hvis_insmod hvis_sim || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
# Without this, enabling the first event also hooks sched_switch, patching
# __schedule while the other CPU runs it; QEMU's TCG has been seen to leave
# a CPU spinning on the int3 of that patch (an RCU stall), which is not
# what this scenario tests.
echo 0 >$T/options/record-cmd
echo 1 >$T/events/hvis_vmbus/enable || fail "no hvis_vmbus trace events"
echo >$T/trace
hvsim offer 6876ab5f-3c64-4c8b-9a2f-687669730001 $I || fail "offer"
wait_for 10 [ -d /sys/bus/vmbus/devices/$I ] || fail "no device"
hvsim rescind "$(cat /sys/bus/vmbus/devices/$I/id)" || fail "rescind"
wait_for 10 eval '[ ! -e /sys/bus/vmbus/devices/$I ]' || fail "device stayed"
wait_for 10 grep -q 'hvis_chanmsg_send: type 13 (RELID_RELEASED) len 12' $T/trace ||
	fail "release not traced"
grep -q 'hvis_chanmsg_recv: type 1 (OFFERCHANNEL) len 196' $T/trace || fail "offer not traced"
grep -q 'hvis_chanmsg_recv: type 2 (RESCIND_CHANNELOFFER) len 12' $T/trace ||
	fail "rescind not traced"
echo 0 >$T/events/hvis_vmbus/enable
rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod"
exit 0
