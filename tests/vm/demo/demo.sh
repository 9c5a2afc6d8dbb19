# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: what hvis does today, narrated.  Runs in the VM; make demo
# prints its part of the console.

say() {
	echo
	echo "### $*"
}

name_of() {
	case $1 in
	"{57164f39-9115-4e78-ab55-382f3bd5422d}") echo Heartbeat ;;
	"{a9a0f4e7-5a45-4d96-b827-8a841e8c03e6}") echo "Data Exchange (KVP)" ;;
	"{0e0b6031-5213-4934-818b-38d90ced39db}") echo Shutdown ;;
	"{9527e630-d0ae-497b-adce-e80ab0175caf}") echo "Time Synchronization" ;;
	"{35fa2e29-ea23-4236-96ae-3a6ebacba440}") echo "Backup (VSS)" ;;
	"{34d14be3-dee4-41c8-9ae7-6b174977c192}") echo "Guest Services (Copy-VMFile)" ;;
	"{6876ab5f-3c64-4c8b-9a2f-687669730001}") echo "hvis echo (test device)" ;;
	*) echo "unknown class" ;;
	esac
}

D=/sys/bus/vmbus/devices
say "modprobe: the simulated host (Windows Server 2022) and the VMBus core"
hvis_insmod hvis_sim profile=WS2022 extra_offers=1 || fail "hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "hvis_vmbus: $INSMOD_OUT"
dmesg | grep 'hvis_vmbus:' | sed 's/^\[[^]]*\] //'
echo "negotiated VMBus protocol: $(cat /sys/bus/vmbus/hvis_protocol_version)"

say "The devices on bus vmbus (sysfs, as lsvmbus reads it)"
for d in $D/*; do
	printf 'VMBUS ID %3s: Class_ID = %s - %s\n' "$(cat $d/id)" "$(cat $d/class_id)" \
		"$(name_of "$(cat $d/class_id)")"
done

say "The host's view (hvsim list): relid, state, class, instance, sub-channel, open"
hvsim list

say "A channel at work: 1,000 packets through the echo device, each checked"
hvis_insmod hvis_test_driver || fail "hvis_test_driver: $INSMOD_OUT"
e=$D/6876ab5f-0000-0000-0000-000000000000
echo "1000 4000 1" >$e/echo
echo "verdict: $(cat $e/echo)"
r=$(cat $e/id)
for f in interrupts events write_avail; do echo "channels/$r/$f: $(cat $e/channels/$r/$f)"; done

say "The host takes the echo device back (rescind)"
hvsim rescind "$r"
wait_for 10 eval "[ ! -e $e ]" && echo "device $e is gone"

say "Unload: the guest says UNLOAD, the host answers"
rmmod hvis_test_driver
rmmod hvis_vmbus
hvsim log | tail -n 4
rmmod hvis_sim
exit 0
