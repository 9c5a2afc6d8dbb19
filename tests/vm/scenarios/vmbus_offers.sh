# SPDX-License-Identifier: GPL-2.0-only
#
# 64 offers (16 on the debug kernel) become as many devices on bus vmbus
# with the sysfs contents upstream Linux shows; rescinding them removes them and releases every relid; a
# relid the host reuses after a rescind works again.  Also measures the time
# from insmod to all offers registered, for 1 and for 256 offers.

TEST_CLASS=6876ab5f-3c64-4c8b-9a2f-687669730001
D=/sys/bus/vmbus/devices

n=$(sized 64 16)
hvis_insmod hvis_sim ics=0 extra_offers=$n || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
# insmod returns once the host's initial offers are all on the bus.
ndevices_is $n || fail "$(ndevices) devices, expected $n"

hvsim list | tail -n +2 >/tmp/offers
[ "$(grep -c ' offered ' /tmp/offers)" = $n ] || fail "host does not show $n offered channels"
while read -r relid state class inst sub; do
	d=$D/$inst
	[ -d "$d" ] || fail "no device $inst"
	[ "$(cat "$d/id")" = "$relid" ] || fail "$inst: id $(cat "$d/id"), host says $relid"
	[ "$(cat "$d/class_id")" = "{$class}" ] || fail "$inst: class_id $(cat "$d/class_id")"
	[ "$(cat "$d/device_id")" = "{$inst}" ] || fail "$inst: device_id $(cat "$d/device_id")"
	[ "$(cat "$d/state")" = 1 ] || fail "$inst: state"
	# Offered without a monitor id: no monitor_id file, as on Linux's bus.
	[ -e "$d/monitor_id" ] && fail "$inst: monitor_id $(cat "$d/monitor_id") shown"
	[ "$(cat "$d/vendor")" = 0x1414 ] || fail "$inst: vendor"
	[ "$(cat "$d/channel_vp_mapping")" = "$relid:0" ] || fail "$inst: channel_vp_mapping"
done </tmp/offers

# modalias: "hvis_vmbus:" and the class GUID's hex digits as written (not
# upstream's "vmbus:" form, which would make udev load the in-tree hv_*).
one=$(head -n 1 /tmp/offers | cut -d' ' -f4)
want=hvis_vmbus:6876ab5f3c644c8b9a2f687669730001
[ "$(cat $D/$one/modalias)" = "$want" ] || fail "modalias $(cat $D/$one/modalias), expected $want"
grep -qx "MODALIAS=$want" $D/$one/uevent || fail "uevent lacks MODALIAS"
[ "$(cat /sys/bus/vmbus/devices/$one/subsystem/drivers_autoprobe)" = 1 ] || fail "bus not autoprobing"
[ -d $D/$one/channels/"$(cat $D/$one/id)" ] || fail "no channels/<relid> directory"
# Channels without a monitor id have no monitor attributes (nothing to read).
[ -e $D/$one/server_monitor_pending ] && fail "monitor attributes without a monitor id"
echo hvis_none >$D/$one/driver_override || fail "driver_override write"
[ "$(cat $D/$one/driver_override)" = hvis_none ] || fail "driver_override read back"
echo >$D/$one/driver_override || fail "driver_override clear"
[ -z "$(cat $D/$one/driver_override)" ] || fail "driver_override not cleared"

# Rescind all of them: the devices go, every relid comes back to the host.
cut -d' ' -f1 /tmp/offers | while read -r relid; do hvsim rescind "$relid" || exit 1; done ||
	fail "hvsim rescind"
wait_for 20 ndevices_is 0 || fail "$(ndevices) devices left after rescinding all"
wait_for 20 eval '[ "$(hvsim list | tail -n +2 | wc -l)" = 0 ]' ||
	fail "host still holds relids: $(hvsim list | tail -n +2 | head -n 3)"

# A relid reused after its release works like new.
hvsim offer $TEST_CLASS 11111111-2222-3333-4444-555555555555 --relid 1 || fail "re-offer"
wait_for 10 [ -d $D/11111111-2222-3333-4444-555555555555 ] || fail "re-offered device missing"
[ "$(cat $D/11111111-2222-3333-4444-555555555555/id)" = 1 ] || fail "re-offer has wrong id"

rmmod hvis_vmbus || fail "rmmod hvis_vmbus"
rmmod hvis_sim || fail "rmmod hvis_sim"

# Time from insmod to all offers registered (the core logs it).
for n in 1 256; do
	hvis_insmod hvis_sim ics=0 extra_offers=$n || fail "insmod hvis_sim: $INSMOD_OUT"
	dmesg_mark timing$n
	hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
	ndevices_is $n || fail "$(ndevices) devices, expected $n"
	line=$(dmesg_since timing$n | grep -o '[0-9]* devices on the bus [0-9]* ms after load')
	[ -n "$line" ] || fail "no timing line"
	info "offers-to-bus: $line"
	rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod"
done
exit 0
