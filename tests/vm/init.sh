#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the test initramfs.  Runs every scenario in /scenarios (the list
# in /scenarios/ORDER), reports on the result port /dev/ttyS1, powers off.
# The console (/dev/ttyS0) carries only the kernel log and scenario chatter;
# the host never decides pass or fail from it alone.

/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mkdir -p /proc /sys /dev /tmp /run
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# Where the kernel looks for the commands of an orderly poweroff or reboot.
for c in poweroff reboot halt; do ln -sf /bin/busybox /sbin/$c; done

exec 3>/dev/ttyS1
report() { echo "$*" >&3; }

report "boot $(uname -r)"
echo 8 >/proc/sys/kernel/printk
# Kernel modules we depend on where this kernel has them as modules.
for m in $(cat /lib/hvis/kmod/ORDER 2>/dev/null); do
	insmod "/lib/hvis/kmod/$m.ko" || echo "init: insmod $m failed"
done
# Leaks from before the tests are the kernel's own business.
[ -e /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak

finish() {
	if [ -e /sys/kernel/debug/kmemleak ]; then
		# kmemleak reports an object only once it is older than its minimum
		# age (5 s) and has been seen unreferenced by a scan: scan, let the
		# last test's objects age, scan again.
		echo scan >/sys/kernel/debug/kmemleak
		sleep 6
		echo scan >/sys/kernel/debug/kmemleak
		n=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
		cat /sys/kernel/debug/kmemleak
		report "kmemleak $n"
	fi
	report "done"
	sync
}

orderly() {
	echo "=== init: orderly $1 requested"
	kill "$pid" 2>/dev/null
	want=$(cat /tmp/expect-orderly 2>/dev/null)
	if [ "$want" = "$1" ]; then
		report "scenario $s pass"
	else
		report "scenario $s fail (orderly $1, expected '${want:-none}')"
	fi
	finish
	"$1" -f
}
trap 'orderly poweroff' USR2
trap 'orderly reboot' TERM
trap 'orderly halt' USR1

for s in $(cat /scenarios/ORDER); do
	echo "=== scenario $s"
	# In the background, so that init (waiting) takes signals at once.
	(cd /tmp && . /lib/hvis/lib.sh && . "/scenarios/$s.sh") &
	pid=$!
	wait $pid
	rc=$?
	# A failed scenario must not take the next one down with it.
	for pass in 1 2 3; do	# users before the modules they use
		for m in $(grep -o -E '^(hvis_[a-z_]*|hv_utils|hv_vmbus|uio_hv_generic)' /proc/modules); do
			rmmod "$m" 2>/dev/null
		done
	done
	case $rc in
	0) report "scenario $s pass" ;;
	77) report "scenario $s skip" ;;
	*) report "scenario $s fail (exit $rc)" ;;
	esac
done

finish
poweroff -f
