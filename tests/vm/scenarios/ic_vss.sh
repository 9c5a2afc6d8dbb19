# SPDX-License-Identifier: GPL-2.0-only
#
# Backup (VSS), with our daemon and Debian's hv_vss_daemon: a host backup
# freezes a real filesystem (ext4 on a virtio disk) and thaws it; without a
# daemon the host is told at once; a daemon stopped while frozen thaws; ours
# thaws by itself when the host never sends THAW, and when killed -9.
[ -b /dev/vda ] || skip "no virtio disk"
mke2fs -q /dev/vda || fail "mke2fs"
mkdir -p /mnt/d && mount -t ext4 /dev/vda /mnt/d || fail "mount ext4"
ic_up
wait_for 20 ic_ok VSS || fail "VSS never OK"

# Frozen?  Freezing again fails (EBUSY) only if it is; never blocks.
frozen() {
	if fsfreeze --freeze /mnt/d 2>/dev/null; then
		fsfreeze --unfreeze /mnt/d
		return 1
	fi
	return 0
}
thawed() { ! frozen; }

if hvsim backup 2>/tmp/err; then fail "backup without a daemon"; fi
thawed || fail "frozen without a daemon"

for set in hvis debian; do
	daemon_start $set vss
	hvsim backup >/tmp/backup.log 2>&1 || { cat /tmp/backup.log; fail "$set: backup failed"; }
	cat /tmp/backup.log
	dmesg_since "$(cat /tmp/vss-daemon.mark)" | grep -q 'VSS: filesystems frozen' || fail "$set: never frozen"
	dmesg_since "$(cat /tmp/vss-daemon.mark)" | grep -q 'VSS: filesystems thawed' || fail "$set: never thawed"
	thawed || fail "$set: still frozen after the backup"
	# The host freezes and holds: /mnt/d is frozen until something thaws it.
	hvsim backup --no-thaw >/dev/null 2>&1 || fail "$set: freeze"
	frozen || fail "$set: FREEZE answered OK but /mnt/d is not frozen"
	daemon_stop vss TERM
	if [ $set = debian ]; then
		# Debian's daemon does not thaw on exit: that is what ours adds.
		frozen && info "vss/debian leaves the filesystem frozen when stopped"
		fsfreeze --unfreeze /mnt/d 2>/dev/null
	else
		wait_for 10 thawed || fail "$set: stopped while frozen, left it frozen"
	fi
done

# Ours thaws by itself when the host never sends THAW, and when killed -9.
daemon_start hvis vss -t 3
hvsim backup --no-thaw >/dev/null 2>&1 || fail "freeze"
frozen || fail "not frozen"
wait_for 10 thawed || fail "the watchdog did not thaw"
hvsim backup --no-thaw >/dev/null 2>&1 || fail "freeze again"
frozen || fail "not frozen again"
daemon_stop vss KILL
wait_for 10 thawed || fail "killed -9 while frozen, left it frozen"
ic_down
umount /mnt/d || fail "umount"
