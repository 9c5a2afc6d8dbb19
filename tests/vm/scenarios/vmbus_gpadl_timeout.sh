# SPDX-License-Identifier: GPL-2.0-only
#
# A host that stops reading the guest's messages while a channel opens: no
# GPADL_CREATED comes, and the host may still make the GPADL later and map
# the ring pages.  The open fails after msg_timeout_ms, the teardown is not
# confirmed either, and the guest keeps the pages (one line says so) rather
# than free them under the host.  Once the host reads again, the bus works.

CLASS=6876ab5f-3c64-4c8b-9a2f-687669730001
D=/sys/bus/vmbus/devices
late=eeeeeeee-0000-4000-8000-0000000000a1

hvis_insmod hvis_sim ics=0 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus msg_timeout_ms=500 || fail "insmod hvis_vmbus: $INSMOD_OUT"
hvis_insmod hvis_test_driver || fail "insmod hvis_test_driver: $INSMOD_OUT"

dmesg_mark stall
hvsim stall on || fail "stall"
hvsim offer $CLASS $late || fail "offer"
wait_for 20 eval "dmesg_since stall | grep -q 'GPADL .* unconfirmed, not torn down: .* bytes kept'" ||
	fail "no line for the ring memory kept after the GPADL timeout"
[ -e $D/$late/driver ] && fail "the device is bound though its channel never opened"
hvsim stall off || fail "unstall"

# The host catches up; the bus and the driver work on.
hvsim rescind $late || fail "rescind"
wait_for 10 eval "[ ! -e $D/$late ]" || fail "rescinded device still there"
hvsim offer $CLASS eeeeeeee-0000-4000-8000-0000000000a2 || fail "offer after the stall"
wait_for 10 [ -e $D/eeeeeeee-0000-4000-8000-0000000000a2/driver ] || fail "no driver after the stall"
rmmod hvis_test_driver && rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod"
exit 0
