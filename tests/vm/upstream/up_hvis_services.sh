# SPDX-License-Identifier: GPL-2.0-only
#
# hvis's services on Linux's own hv_vmbus, beside its hv_utils (WS2022):
# loaded first, hvis's drivers take all six classes and hv_utils, loaded
# after, binds none of them and creates no /dev/vmbus device; lsvmbus shows
# the hvis-ic line of each; as the control, once hvis's services are gone,
# hv_utils serves the same devices; and they go back to hvis once hv_utils
# is removed, on the running guest.

# Devices hv_utils has bound.
hv_utils_devices() {
	ls -d /sys/bus/vmbus/drivers/hv_utils/*-* 2>/dev/null | wc -l
}

hvis_insmod hvis_sim profile=WS2022 || fail "insmod hvis_sim: $INSMOD_OUT"
up_insmod hv_vmbus || fail "insmod hv_vmbus: $INSMOD_OUT"
for m in hvis_ic hvis_ic_hv $IC_SERVICES; do
	hvis_insmod "$m" || fail "insmod $m: $INSMOD_OUT"
done
wait_for 20 ic_all_bound || fail "not every hvis service bound on hv_vmbus"
wait_for 20 ic_all_ok || fail "not every service OK: $(hvsim get-integration-services)"
dmesg | grep -q 'hvis_kvp [0-9a-f-]*: Key-Value Pair Exchange on hv_vmbus$' ||
	fail "no load line naming the kernel's bus"

# The char devices, by name and number: hvis's, before and after.
chardevs() {
	for c in kvp vss fcopy; do echo "$c $(cat "/sys/class/misc/vmbus!hv_$c/dev" 2>/dev/null)"; done
}
chardevs >/tmp/chardevs.before
[ "$(grep -c ' [0-9]*:[0-9]*$' /tmp/chardevs.before)" = 3 ] || fail "hvis made no char devices: $(cat /tmp/chardevs.before)"
up_insmod hv_utils || fail "insmod hv_utils beside hvis: $INSMOD_OUT"
[ "$(hv_utils_devices)" = 0 ] || fail "hv_utils bound $(hv_utils_devices) devices beside hvis"
ic_all_bound || fail "a service lost its device to hv_utils"
chardevs | cmp -s - /tmp/chardevs.before || fail "the char devices changed: $(chardevs)"
n=$(lsvmbus -vv | grep -c '^	hvis-ic: ')
[ "$n" = 6 ] || fail "lsvmbus -vv shows $n hvis-ic lines on hv_vmbus, not 6"
echo "beside hv_utils: hvis keeps 6 devices, hv_utils has $(hv_utils_devices)"

# The control: without hvis, hv_utils takes the same devices (no
# Copy-VMFile from 6.10 on: uio_hv_generic's, not hv_utils').
for m in hvis_fcopy hvis_vss hvis_kvp hvis_timesync hvis_shutdown hvis_heartbeat \
	 hvis_ic_hv hvis_ic hv_utils; do
	rmmod "$m" || fail "rmmod $m"
done
want=6
case $(uname -r) in 6.1[0-9].*) want=5 ;; esac
up_insmod hv_utils || fail "insmod hv_utils: $INSMOD_OUT"
wait_for 20 eval '[ "$(hv_utils_devices)" = $want ]' ||
	fail "without hvis, hv_utils bound $(hv_utils_devices) devices, not $want"
wait_for 20 ic_ok Heartbeat || fail "without hvis, Heartbeat '$(ic_host Heartbeat primary)'"
echo "without hvis: hv_utils has $(hv_utils_devices) devices"

# The switch on a running guest (README, "Installing"): hv_utils out,
# hvis's binding in, and the services take the devices at once.
rmmod hv_utils || fail "rmmod hv_utils"
for m in hvis_ic hvis_ic_hv $IC_SERVICES; do
	hvis_insmod "$m" || fail "insmod $m: $INSMOD_OUT"
done
wait_for 20 ic_all_bound || fail "after hv_utils, not every hvis service bound"
wait_for 20 ic_all_ok || fail "after hv_utils, not every service OK: $(hvsim get-integration-services)"
for m in hvis_fcopy hvis_vss hvis_kvp hvis_timesync hvis_shutdown hvis_heartbeat \
	 hvis_ic_hv hvis_ic; do
	rmmod "$m" || fail "rmmod $m"
done
up_down
