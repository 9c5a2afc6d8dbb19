# SPDX-License-Identifier: GPL-2.0-only
#
# Channels end to end against the simulator's echo device: GPADL, open,
# packets of random sizes echoed byte for byte through both rings (many
# times round them), 1,000 close/open cycles, statistics in
# channels/<relid>/, and close on unbind and on rescind.

D=/sys/bus/vmbus/devices
I=6876ab5f-0000-0000-0000-000000000000
LOG=/sys/kernel/debug/hvis_sim/log

hvis_insmod hvis_sim ics=0 extra_offers=1 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
hvis_insmod hvis_test_driver || fail "insmod hvis_test_driver: $INSMOD_OUT"
relid=$(cat $D/$I/id)
hvsim list | grep -q "^$relid offered .* open$" || fail "host does not show the channel open"
grep -q 'H->G GPADL_CREATED .* status=0x0' $LOG || fail "no GPADL"

run_echo() {
	echo "$1" >$D/$I/echo || fail "echo $1: write failed"
	v=$(cat $D/$I/echo)
	[ "$v" = "ok ${1%% *}" ] || fail "echo $1: $v"
}
run_echo "300 4000 7"
run_echo "3000 64 3"
run_echo "40 8192 11"

C=$D/$I/channels/$relid
[ "$(cat $C/interrupts)" -gt 0 ] || fail "no interrupts counted"
[ "$(cat $C/events)" -gt 0 ] || fail "no signals to the host counted"
[ "$(cat $C/read_avail)" = 0 ] || fail "read_avail $(cat $C/read_avail) after draining"
[ "$(cat $C/write_avail)" -gt 16000 ] || fail "write_avail $(cat $C/write_avail)"

# Move the channel's interrupts to CPU 1 (MODIFYCHANNEL) and back.
if [ -e /sys/devices/system/cpu/cpu1 ]; then
	echo 1 >$C/cpu || fail "cpu 1 refused"
	[ "$(cat $C/cpu)" = 1 ] || fail "cpu reads $(cat $C/cpu)"
	[ "$(cat $D/$I/channel_vp_mapping)" = "$relid:1" ] || fail "channel_vp_mapping not moved"
	grep -q "G->H MODIFYCHANNEL relid=$relid target_vp=1" $LOG || fail "no MODIFYCHANNEL"
	run_echo "200 2000 9"
	echo 0 >$C/cpu || fail "cpu 0 refused"
fi
echo 99 >$C/cpu 2>/dev/null && fail "an offline CPU was accepted"

echo 1000 >$D/$I/reopen || fail "reopen: $(cat $D/$I/echo)"
[ "$(cat $D/$I/echo)" = "ok 1000" ] || fail "reopen: $(cat $D/$I/echo)"
[ "$(sim_stat gpadls)" = 1 ] || fail "$(sim_stat gpadls) GPADLs held by the host after 1000 reopens"
run_echo "100 1000 5"

# Sub-channels open, carry traffic and close like primaries.
hvsim offer 6876ab5f-3c64-4c8b-9a2f-687669730001 $I --sub 1 || fail "offer sub-channel"
hvsim offer 6876ab5f-3c64-4c8b-9a2f-687669730001 $I --sub 2 || fail "offer sub-channel"
wait_for 10 eval '[ "$(wc -l <$D/$I/channel_vp_mapping)" = 3 ]' || fail "sub-channels missing"
for sub in 1 2; do
	echo "$sub 100" >$D/$I/sub || fail "sub $sub"
	[ "$(cat $D/$I/echo)" = "ok 100" ] || fail "sub-channel $sub: $(cat $D/$I/echo)"
done
[ "$(sim_stat gpadls)" = 1 ] || fail "sub-channel GPADLs not given back"
# The host rescinds a sub-channel its driver holds open: the core closes it.
echo "2 0" >$D/$I/sub && [ "$(cat $D/$I/echo)" = "ok 0" ] || fail "open sub-channel 2"
[ "$(sim_stat gpadls)" = 2 ] || fail "sub-channel 2 not open"
hvsim rescind "$(hvsim list | awk '$5 == 2 { print $1 }')" || fail "rescind sub-channel 2"
wait_for 10 eval '[ "$(sim_stat gpadls)" = 1 ]' || fail "rescinded open sub-channel not closed"

# Unbind closes the channel and gives the GPADL back.
echo $I >/sys/bus/vmbus/drivers/hvis_test_driver/unbind || fail "unbind"
hvsim list | grep -q "^$relid offered .* closed$" || fail "channel still open after unbind"
[ "$(sim_stat gpadls)" = 0 ] || fail "$(sim_stat gpadls) GPADLs still held after unbind"

# Rescinding an open channel: the driver goes, the host gets the GPADL back.
echo $I >/sys/bus/vmbus/drivers_probe
[ -e $D/$I/driver ] || fail "rebind"
hvsim rescind $I || fail "rescind"
wait_for 10 eval "[ ! -e $D/$I ]" || fail "device stayed after rescind"
wait_for 10 eval '[ "$(sim_stat gpadls)" = 0 ]' || fail "GPADL of the rescinded channel not torn down"

rmmod hvis_test_driver && rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod"
exit 0
