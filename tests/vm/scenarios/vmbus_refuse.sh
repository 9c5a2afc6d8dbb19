# SPDX-License-Identifier: GPL-2.0-only
#
# Without Hyper-V (plain QEMU) and without the simulator, hvis_vmbus must
# refuse to load with one clear line, leave nothing behind, and do the same
# again on a second try.

for try in 1 2; do
	dmesg_mark refuse$try
	hvis_insmod hvis_vmbus && fail "hvis_vmbus loaded without Hyper-V"
	echo "insmod said: $INSMOD_OUT"
	case $INSMOD_OUT in
	*"No such device"*) ;;
	*) fail "expected ENODEV, insmod said: $INSMOD_OUT" ;;
	esac
	dmesg_since refuse$try | grep -q 'hvis_vmbus: not loading: no Hyper-V hypervisor found' ||
		fail "no refusal line in the kernel log"
	[ -e /sys/module/hvis_vmbus ] && fail "/sys/module/hvis_vmbus left behind"
	[ -e /sys/bus/vmbus ] && fail "/sys/bus/vmbus left behind"
done
exit 0
