# SPDX-License-Identifier: GPL-2.0-only
#
# The driver API: a driver registered for a class GUID is probed for the
# devices of that class already on the bus and for later offers, removed on
# rescind and on unbind, and driver_override steers binding.  Offers of
# classes nobody drives stay unbound.

CLASS=6876ab5f-3c64-4c8b-9a2f-687669730001
D=/sys/bus/vmbus/devices
P=/sys/module/hvis_test_driver/parameters
first=6876ab5f-0000-0000-0000-000000000000
second=6876ab5f-0000-0000-0000-000000000001

hvis_insmod hvis_sim extra_offers=2 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
hvis_insmod hvis_test_driver || fail "insmod hvis_test_driver: $INSMOD_OUT"

[ "$(cat $P/probed)" = 2 ] || fail "probed $(cat $P/probed) devices, expected 2"
for i in $first $second; do
	[ "$(basename "$(readlink $D/$i/driver)")" = hvis_test_driver ] || fail "$i not bound"
done
# The integration-service devices have no driver here.
[ -e $D/fd149e91-82e0-4a7d-afa6-2a4166cbd7c0/driver ] && fail "heartbeat bound to something"

# A later offer is probed too; its rescind removes it.
hvsim offer $CLASS eeeeeeee-0000-4000-8000-000000000001 || fail "offer"
wait_for 10 [ -e $D/eeeeeeee-0000-4000-8000-000000000001/driver ] || fail "late offer not bound"
hvsim rescind eeeeeeee-0000-4000-8000-000000000001 || fail "rescind by instance"
wait_for 10 eval '[ "$(cat $P/removed)" = 1 ]' || fail "rescind did not call remove"

# Unbind, then driver_override keeps it from binding again.
echo $first >/sys/bus/vmbus/drivers/hvis_test_driver/unbind || fail "unbind"
[ "$(cat $P/removed)" = 2 ] || fail "unbind did not call remove"
echo nobody >$D/$first/driver_override
echo $first >/sys/bus/vmbus/drivers_probe
[ -e $D/$first/driver ] && fail "bound despite driver_override"
echo hvis_test_driver >$D/$first/driver_override
echo $first >/sys/bus/vmbus/drivers_probe
[ -e $D/$first/driver ] || fail "driver_override naming the driver did not bind"

rmmod hvis_test_driver || fail "rmmod hvis_test_driver"
[ "$(ls /sys/bus/vmbus/drivers | wc -l)" = 0 ] || fail "driver left on the bus"
rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod"
exit 0
