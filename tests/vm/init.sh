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

exec 3>/dev/ttyS1
report() { echo "$*" >&3; }

report "boot $(uname -r)"
echo 8 >/proc/sys/kernel/printk
# Leaks from before the tests are the kernel's own business.
[ -e /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak

for s in $(cat /scenarios/ORDER); do
	echo "=== scenario $s"
	(cd /tmp && . /lib/hvis/lib.sh && . "/scenarios/$s.sh")
	rc=$?
	# A failed scenario must not take the next one down with it.
	for pass in 1 2 3; do	# users before the modules they use
		for m in $(grep -o '^hvis_[a-z_]*' /proc/modules); do
			rmmod "$m" 2>/dev/null
		done
	done
	case $rc in
	0) report "scenario $s pass" ;;
	77) report "scenario $s skip" ;;
	*) report "scenario $s fail (exit $rc)" ;;
	esac
done

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
poweroff -f
