# SPDX-License-Identifier: GPL-2.0-only
#
# The DKMS-installed tree at work (tests/install/dkms.sh boots it): plain
# modprobe finds hvis in updates/dkms with its dependencies, and udev-style
# autoload (a uevent listener running "modprobe $MODALIAS", as udev's kmod
# builtin does) binds every service, on coldplug and on hotplug, without
# ever loading the in-tree hv_* modules that sit in the same tree.
K=/lib/modules/$(uname -r)
D=/sys/bus/vmbus/devices

modprobe --version | grep -q '^kmod' || fail "modprobe is not kmod's: $(modprobe --version 2>&1)"
[ -e "$K/modules.dep" ] || fail "no depmod'ed tree at $K"
for m in hvis_vmbus hvis_ic hvis_ic_vmbus hvis_ic_hv hvis_heartbeat hvis_shutdown hvis_timesync \
	 hvis_kvp hvis_vss hvis_fcopy; do
	f=$(modinfo -F filename "$m") || fail "modinfo $m: not in the tree"
	case $f in "$K"/updates/dkms/*) ;; *) fail "$m is $f, not in updates/dkms" ;; esac
done
ls "$K"/kernel/drivers/hv/hv_utils.ko* >/dev/null 2>&1 || fail "the in-tree hv_utils is not in the tree"

no_hv() {
	! grep -E '^hv_(vmbus|utils|balloon) ' /proc/modules
}

hvis_insmod hvis_sim profile=WS2022 || fail "insmod hvis_sim: $INSMOD_OUT"

# 1. Coldplug: the core by name, nothing listening; the devices wait
# driverless (the kernel itself loads nothing), then "udevadm trigger".
modprobe hvis_vmbus || fail "modprobe hvis_vmbus"
wait_for 20 eval '[ "$(ndevices)" -ge 6 ]' || fail "only $(ndevices) devices"
for d in "$D"/*; do
	[ -e "$d/driver" ] && fail "$(cat "$d/modalias") bound with nothing loaded"
	case $(cat "$d/modalias") in
	hvis_vmbus:*) ;;
	*) fail "$d: modalias $(cat "$d/modalias")" ;;
	esac
done
autoload_start
for u in "$D"/*/uevent; do echo add >"$u"; done
wait_for 30 ic_all_bound || fail "coldplug: not all services bound: $(cat /tmp/autoload.log)"
wait_for 30 ic_all_ok || fail "coldplug: not every service OK on the host: $(hvsim get-integration-services)"
no_hv || fail "coldplug loaded in-tree modules"
# One alias brings every service (the binding's softdep), so the devices
# are bound before the listener has run modprobe for the others: wait for
# each of the six add events to have found a module.
wait_for 20 eval '[ "$(grep -c " loaded\$" /tmp/autoload.log)" -ge 6 ]' ||
	fail "autoload log: $(cat /tmp/autoload.log)"
grep -q '^hvis_ic ' /proc/modules || fail "hvis_ic not pulled in as a dependency"
grep -q '^hvis_ic_hv ' /proc/modules && fail "the kernel's bus binding loaded on hvis's bus"
echo "coldplug: $(grep -c ' loaded$' /tmp/autoload.log) aliases loaded a module"

# 2. Hotplug: a service module gone, the host offers its device again.
out=$(modprobe -r hvis_heartbeat 2>&1) || fail "modprobe -r hvis_heartbeat: $out"
hvsim disable heartbeat || fail "hvsim disable"
wait_for 10 eval '! ic_dev hvis_heartbeat >/dev/null' || fail "heartbeat device stays after disable"
: >/tmp/autoload.log
hvsim enable heartbeat || fail "hvsim enable"
wait_for 20 eval 'ic_dev hvis_heartbeat >/dev/null' ||
	fail "hotplug: heartbeat not autoloaded: $(cat /tmp/autoload.log /tmp/autoload.err)"
wait_for 20 ic_ok Heartbeat || fail "hotplug: Heartbeat '$(ic_host Heartbeat primary)'"
grep -q '^hvis_vmbus:57164f3991154e78ab55382f3bd5422d loaded$' /tmp/autoload.log ||
	fail "hotplug: no autoload event: $(cat /tmp/autoload.log)"
no_hv || fail "hotplug loaded in-tree modules"
autoload_stop

# 3. Plain modprobe -r takes it all away, dependencies included.
modprobe -r hvis_heartbeat hvis_shutdown hvis_timesync hvis_kvp hvis_vss hvis_fcopy \
	hvis_ic_vmbus || fail "modprobe -r the services and their binding"
grep -q '^hvis_ic ' /proc/modules && fail "hvis_ic still loaded after modprobe -r"
# (modprobe -r also takes the core if nothing uses it any more.)
if grep -q '^hvis_vmbus ' /proc/modules; then
	modprobe -r hvis_vmbus || fail "modprobe -r hvis_vmbus"
fi
grep -q '^hvis_vmbus ' /proc/modules && fail "hvis_vmbus still loaded"

# 4. And plain modprobe of the binding brings the core, the framework and
# every service.
modprobe hvis_ic_vmbus || fail "modprobe hvis_ic_vmbus"
grep -q '^hvis_vmbus ' /proc/modules && grep -q '^hvis_ic ' /proc/modules ||
	fail "modprobe hvis_ic_vmbus did not load its dependencies"
wait_for 20 ic_all_ok || fail "not every service OK after modprobe hvis_ic_vmbus"
no_hv || fail "in-tree modules loaded"
modprobe -r $IC_SERVICES hvis_ic_vmbus || fail "modprobe -r the services and hvis_ic_vmbus"
grep -q '^hvis_vmbus ' /proc/modules && modprobe -r hvis_vmbus
grep '^hvis_[a-z_]* ' /proc/modules | grep -v '^hvis_sim ' && fail "modules left after modprobe -r"
rmmod hvis_sim
exit 0
