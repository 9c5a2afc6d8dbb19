# SPDX-License-Identifier: GPL-2.0-only
#
# Moving an open channel to another CPU needs MODIFYCHANNEL (VMBus 4.1):
# a 4.0 host gets a clear refusal, and the channel keeps working.
[ -e /sys/devices/system/cpu/cpu1 ] || skip "one CPU only"
D=/sys/bus/vmbus/devices
I=6876ab5f-0000-0000-0000-000000000000

hvis_insmod hvis_sim profile=WS2016 ics=0 extra_offers=1 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
hvis_insmod hvis_test_driver || fail "insmod hvis_test_driver: $INSMOD_OUT"
C=$D/$I/channels/$(cat $D/$I/id)
dmesg_mark modify
out=$(echo 1 2>&1 >$C/cpu) && fail "MODIFYCHANNEL accepted by a 4.0 host"
case $out in *"not supported"*) ;; *) fail "unexpected error: $out" ;; esac
dmesg_since modify | grep -q 'needs a host with VMBus 4.1 or newer (this one speaks 4.0)' ||
	fail "no explanation in the kernel log"
[ "$(cat $C/cpu)" = 0 ] || fail "cpu changed anyway"
echo "50 1000 1" >$D/$I/echo && [ "$(cat $D/$I/echo)" = "ok 50" ] || fail "echo after refusal"
rmmod hvis_test_driver && rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod"
exit 0
