#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the VM that tests/pkg/debian.sh boots with systemd from the
# chroot where hvis-dkms and hvis-tools are installed (started by
# hvis-pkgtest.service once the boot is under way).  Results go to the
# second serial port, one PASS/FAIL/INFO line each, then "done".
#   1. the boot, with no Hyper-V: none of our units ran, nothing waited;
#   2. the simulated host (hvis_sim, a test module) and the DKMS-built
#      modules, loaded by name: udev starts the three daemons, which
#      register with the devices;
#      the host's side (hvsim) gets KVP, Copy-VMFile and a backup through
#      them; a daemon killed is restarted;
#   3. a service module removed: its daemon stops (and does not fail or
#      restart in a loop); loaded again: the daemon is back;
#   4. hvis-tools upgraded (daemons restarted), removed (stopped) and
#      installed again with the devices present (udev starts them);
#   5. the kernel's own bus, as on a real guest: Linux's hv_vmbus (built
#      with the simulator's shim, a test module) in place of hvis_vmbus;
#      udev loads hvis_ic_hv and the services by the vmbus: aliases, never
#      hv_utils (blacklisted by hvis-dkms), and the daemons start again.

out=/dev/ttyS1
say() { echo "$*" >"$out"; }
pass() { say "PASS pkg/boot/$*"; }
fail() { say "FAIL pkg/boot/$*"; }
state() { systemctl show -P ActiveState "$1"; }
# wait_for SECONDS command...: poll until the command succeeds
wait_for() {
	n=$(($1 * 5))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}
all_in() { # all_in STATE: the three daemons are all in STATE
	for d in kvp vss fcopy; do
		[ "$(state "hvis-$d-daemon.service")" = "$1" ] || return 1
	done
}

# --- 1. the boot --------------------------------------------------------------------

systemctl is-system-running --wait >/dev/null 2>&1
say "INFO pkg: boot: $(systemd-analyze time 2>&1 | head -n1)"
say "INFO pkg: boot state $(systemctl is-system-running)"
jobs=$(systemctl list-jobs --no-legend 2>/dev/null)
if [ -z "$jobs" ]; then pass "no-hyperv/no-job-waiting"; else fail "no-hyperv/no-job-waiting ($jobs)"; fi
if all_in inactive; then
	pass "no-hyperv/daemons-not-started"
else
	fail "no-hyperv/daemons-not-started ($(systemctl list-units --all --no-legend 'hvis-*' | tr '\n' ';'))"
fi
ran=$(journalctl -b --no-pager -o cat 2>/dev/null | grep -E 'hvis-(kvp|vss|fcopy)-daemon|dev-vmbus' | head -n3)
if [ -z "$ran" ]; then pass "no-hyperv/nothing-in-the-journal"; else fail "no-hyperv/nothing-in-the-journal ($ran)"; fi

# --- 2. devices appear: udev starts the daemons ------------------------------------

# hvis-vmbus.service (hvis-dkms) is enabled, and skipped: no Hyper-V here.
if [ "$(systemctl is-enabled hvis-vmbus.service 2>&1)" = enabled ] &&
	[ "$(systemctl show -P ConditionResult hvis-vmbus.service)" = no ] &&
	[ "$(state hvis-vmbus.service)" = inactive ]; then
	pass "no-hyperv/hvis-vmbus-skipped (enabled, condition false)"
else
	fail "no-hyperv/hvis-vmbus-skipped ($(systemctl is-enabled hvis-vmbus.service 2>&1)," \
		"condition $(systemctl show -P ConditionResult hvis-vmbus.service), $(state hvis-vmbus.service))"
fi

# The core by name; systemd-udevd loads every service driver from its
# device's MODALIAS.
services="hvis_heartbeat hvis_shutdown hvis_timesync hvis_kvp hvis_vss hvis_fcopy"
all_loaded() {
	for m in $services hvis_ic; do grep -q "^$m " /proc/modules || return 1; done
}
if insmod /root/hvis_sim.ko && modprobe hvis_vmbus; then
	pass "devices/modprobe-hvis_vmbus (the DKMS-built module)"
else
	fail "devices/modprobe-hvis_vmbus"
fi
if wait_for 30 all_loaded; then
	pass "devices/udev-autoloads-services (MODALIAS hvis_vmbus:...)"
else
	fail "devices/udev-autoloads-services ($(grep -o '^hvis_[a-z_]*' /proc/modules | tr '\n' ' '))"
fi
if wait_for 30 all_in active; then
	pass "devices/daemons-started (udev, SYSTEMD_WANTS)"
else
	fail "devices/daemons-started ($(systemctl list-units --all --no-legend 'hvis-*' | tr '\n' ';'))"
	journalctl -b --no-pager -u 'hvis-*' 2>&1 | tail -n 20 | while read -r l; do say "INFO pkg: $l"; done
fi
kvp_daemon() { cat /sys/bus/vmbus/devices/*/kvp/daemon 2>/dev/null; }
registered() { [ "$(kvp_daemon)" = registered ]; }
if wait_for 10 registered; then
	pass "devices/kvp-registered (sysfs kvp/daemon)"
else
	fail "devices/kvp-registered (kvp/daemon: $(kvp_daemon))"
fi
main=$(systemctl show -P MainPID hvis-vss-daemon.service)
cmd=$(tr '\0' ' ' <"/proc/$main/cmdline" 2>/dev/null)
case $cmd in
*hvis-vss-daemon\ -n\ -t\ 300*) pass "devices/vss-foreground ($cmd)" ;;
*) fail "devices/vss-foreground (main process: $cmd)" ;;
esac

# The services end to end, the host's side played by hvsim (installed with
# hvis-tools): the daemons as systemd runs them do their work.
if hvsim kvp set pkgtest "from the host" --pool 0 &&
	[ "$(hvsim kvp get pkgtest --pool 0)" = "from the host" ] &&
	[ -f /var/lib/hvis-kvp/.kvp_pool_0 ]; then
	pass "services/kvp (set, get, pool in /var/lib/hvis-kvp)"
else
	fail "services/kvp ($(hvsim kvp get pkgtest --pool 0 2>&1); $(ls -a /var/lib/hvis-kvp 2>&1 | tr '\n' ' '))"
fi
head -c 1048576 /dev/urandom >/tmp/src.bin
if hvsim copy-file /tmp/src.bin /root/copied.bin 2>/tmp/copy.err && cmp -s /tmp/src.bin /root/copied.bin; then
	pass "services/fcopy (1 MiB, byte-exact)"
else
	fail "services/fcopy ($(tail -c 200 /tmp/copy.err))"
fi
if hvsim backup >/tmp/backup.out 2>&1; then
	pass "services/vss (hvsim backup)"
	# The VM's root is the initramfs (tmpfs), which cannot be frozen.
	say "INFO pkg: backup in the VM (nothing freezable there): $(tail -n 2 /tmp/backup.out | tr '\n' ' ')"
else
	fail "services/vss ($(tail -n 3 /tmp/backup.out | tr '\n' ' '))"
fi
# A daemon that dies is restarted (Restart=on-failure) and registers again.
main=$(systemctl show -P MainPID hvis-kvp-daemon.service)
kill -9 "$main"
restarted() { [ "$(systemctl show -P NRestarts hvis-kvp-daemon.service)" -ge 1 ] &&
	[ "$(state hvis-kvp-daemon.service)" = active ] && registered; }
if wait_for 20 restarted; then
	pass "services/kvp-killed-restarted"
else
	fail "services/kvp-killed-restarted ($(state hvis-kvp-daemon.service), $(kvp_daemon))"
fi

# --- 3. a device goes away and comes back ----------------------------------------

modprobe -r hvis_kvp
kvp_down() { [ "$(state hvis-kvp-daemon.service)" = inactive ]; }
if wait_for 15 kvp_down; then
	pass "devices/kvp-removed-daemon-stopped"
else
	fail "devices/kvp-removed-daemon-stopped ($(state hvis-kvp-daemon.service))"
fi
n0=$(systemctl show -P NRestarts hvis-kvp-daemon.service)
sleep 6 # longer than RestartSec: a restart loop would show now
st=$(state hvis-kvp-daemon.service)
n=$(systemctl show -P NRestarts hvis-kvp-daemon.service)
if [ "$st" = inactive ] && [ "$n" = "$n0" ]; then
	pass "devices/no-restart-without-device"
else
	fail "devices/no-restart-without-device ($st, NRestarts=$n)"
fi
modprobe hvis_kvp
kvp_up() { [ "$(state hvis-kvp-daemon.service)" = active ]; }
if wait_for 15 kvp_up && wait_for 10 registered; then
	pass "devices/kvp-back"
else
	fail "devices/kvp-back ($(state hvis-kvp-daemon.service), $(kvp_daemon))"
fi

# --- 4. the package's own scripts, with systemd running ---------------------------

pid() { systemctl show -P MainPID "hvis-$1-daemon.service"; }
old=$(pid kvp)
dpkg -i /root/hvis-tools.deb >/tmp/dpkg.log 2>&1
new_up() { [ "$(pid kvp)" != "$old" ] && [ "$(pid kvp)" != 0 ] && all_in active && registered; }
if wait_for 20 new_up; then
	pass "package/upgrade-restarts (dpkg -i again: the daemons restarted)"
else
	fail "package/upgrade-restarts (kvp pid $old -> $(pid kvp); $(tail -n 3 /tmp/dpkg.log | tr '\n' ' '))"
fi
dpkg -r hvis-tools >/tmp/dpkg.log 2>&1
if all_in inactive && [ -c /dev/vmbus/hv_kvp ]; then
	pass "package/remove-stops (dpkg -r: the daemons stopped, the devices still there)"
else
	fail "package/remove-stops ($(systemctl list-units --all --no-legend 'hvis-*' | tr '\n' ';'))"
fi
dpkg -i /root/hvis-tools.deb >/tmp/dpkg.log 2>&1
if wait_for 20 all_in active && wait_for 10 registered; then
	pass "package/install-starts (dpkg -i with the devices present: udev starts the daemons)"
else
	fail "package/install-starts ($(systemctl list-units --all --no-legend 'hvis-*' | tr '\n' ';'))"
fi

# --- 5. the kernel's own bus -------------------------------------------------------

modprobe -r $services hvis_ic_vmbus && modprobe -r hvis_vmbus && rmmod hvis_sim ||
	fail "kernel-bus/hvis-bus-down ($(grep -o '^hvis_[a-z_]*' /proc/modules | tr '\n' ' '))"
on_kernel_bus() {
	grep -q '^hvis_ic_hv ' /proc/modules && all_loaded &&
		[ -d /sys/bus/vmbus/drivers/hvis_kvp ] &&
		[ -n "$(ls -d /sys/bus/vmbus/drivers/hvis_kvp/*-* 2>/dev/null)" ]
}
if insmod /root/hvis_sim.ko && insmod /root/hv_vmbus-sim.ko && wait_for 30 on_kernel_bus; then
	pass "kernel-bus/udev-loads-hvis_ic_hv (MODALIAS vmbus:..., hv_utils blacklisted)"
else
	fail "kernel-bus/udev-loads-hvis_ic_hv ($(grep -o '^h[a-z_]*' /proc/modules | tr '\n' ' '))"
fi
if grep -q '^hv_utils ' /proc/modules || [ -d /sys/bus/vmbus/drivers/hv_utils ]; then
	fail "kernel-bus/no-hv_utils (hv_utils loaded)"
else
	pass "kernel-bus/no-hv_utils"
fi
if wait_for 30 all_in active && wait_for 10 registered; then
	pass "kernel-bus/daemons-started (udev, SYSTEMD_WANTS)"
else
	fail "kernel-bus/daemons-started ($(systemctl list-units --all --no-legend 'hvis-*' | tr '\n' ';'))"
fi
if hvsim kvp set onkbus "kernel bus" --pool 0 &&
	[ "$(hvsim kvp get onkbus --pool 0)" = "kernel bus" ] &&
	hvsim copy-file /tmp/src.bin /root/copied2.bin 2>/tmp/copy.err && cmp -s /tmp/src.bin /root/copied2.bin; then
	pass "kernel-bus/kvp-and-fcopy (through the daemons)"
else
	fail "kernel-bus/kvp-and-fcopy ($(hvsim kvp get onkbus --pool 0 2>&1); $(tail -c 200 /tmp/copy.err))"
fi

say done
systemctl poweroff --no-block
