# SPDX-License-Identifier: GPL-2.0-only
#
# Linux's own hv_utils with Debian's daemons on the simulated host (WS2022):
# Data Exchange round trips in the pools the host writes (read back by
# ENUMERATE: upstream's GET answers success with an empty value, see
# README "Conformance"), the Auto pool, a backup that freezes and thaws a
# real filesystem, and Copy-VMFile of 16 MiB byte for byte (where hv_utils
# still has it: not from 6.10 on).
[ -b /dev/vda ] || skip "no virtio disk"
mke2fs -q /dev/vda || fail "mke2fs"
mkdir -p /mnt/d && mount -t ext4 /dev/vda /mnt/d || fail "mount ext4"
rm -rf /var/lib/hyperv
up_up
up_daemon_start kvp
up_daemon_start vss
[ -e /sys/bus/vmbus/drivers/hv_utils ] || fail "hv_utils has no driver directory"
wait_for 20 ic_ok "Key-Value Pair Exchange" || fail "KVP never OK (daemon running)"

for pool in 0 1 3 4; do
	hvsim kvp set "k$pool" "value in pool $pool" --pool $pool || fail "set in pool $pool"
	hvsim kvp list --pool $pool >/tmp/list || fail "list pool $pool"
	grep -qx "k$pool = value in pool $pool" /tmp/list ||
		{ cat /tmp/list; fail "pool $pool lacks k$pool"; }
done
hvsim kvp set "Grüße" "€ 😀 ☃" --pool 0 || fail "UTF-8 set"
hvsim kvp list --pool 0 | grep -qx 'Grüße = € 😀 ☃' || fail "UTF-8 round trip"
hvsim kvp delete k0 --pool 0 || fail "delete"
if hvsim kvp list --pool 0 | grep -q '^k0 = '; then fail "deleted key still listed"; fi
# What the host would have read with GET: upstream's known empty answer.
v=$(hvsim kvp get k1 --pool 1 2>&1) && info "upstream kvp GET k1 answered '$v'"
hvsim kvp list --pool auto >/tmp/auto || fail "auto pool"
for k in FullyQualifiedDomainName IntegrationServicesVersion OSName OSVersion; do
	grep -q "^$k = " /tmp/auto || { cat /tmp/auto; fail "auto pool lacks $k"; }
done

wait_for 20 ic_ok VSS || fail "VSS never OK"
frozen() {
	if fsfreeze --freeze /mnt/d 2>/dev/null; then
		fsfreeze --unfreeze /mnt/d
		return 1
	fi
	return 0
}
hvsim backup >/tmp/backup.log 2>&1 || { cat /tmp/backup.log; fail "backup failed"; }
frozen && fail "still frozen after the backup"
hvsim backup --no-thaw >/dev/null 2>&1 || fail "freeze"
frozen || fail "FREEZE answered OK but /mnt/d is not frozen"
fsfreeze --unfreeze /mnt/d

if [ -e "$UPDIR/uio_hv_generic.ko" ]; then
	# 6.10+: hv_utils leaves the class alone; Copy-VMFile is uio_hv_generic
	# bound to the Guest Service Interface device plus Debian's
	# hv_fcopy_uio_daemon (trixie-backports' hyperv-daemons, the first to
	# ship it, on trixie's libc: /opt/trixie, tests/upstream/fcopy-uio.sh).
	ic_host_is "Guest Service Interface" primary "No Contact" ||
		fail "fcopy is '$(ic_host "Guest Service Interface" primary)' without a driver"
	if [ -x /opt/trixie/sbin/hv_fcopy_uio_daemon ]; then
		# The daemon looks only at this instance (Hyper-V's fixed one).
		fcdev=eb765408-105f-49b6-b4aa-c123b64d17d4
		fcclass=34d14be3-dee4-41c8-9ae7-6b174977c192
		uio=/sys/bus/vmbus/drivers/uio_hv_generic
		up_insmod uio_hv_generic || fail "insmod uio_hv_generic: $INSMOD_OUT"
		# No driver has the class: new_id alone makes uio_hv_generic probe it.
		echo "$fcclass" >"$uio/new_id" || fail "new_id $fcclass refused"
		wait_for 10 test -d "/sys/bus/vmbus/devices/$fcdev/uio" ||
			fail "uio_hv_generic did not bind $fcdev"
		/opt/trixie/lib64/ld-linux-x86-64.so.2 --library-path /opt/trixie/lib/x86_64-linux-gnu \
			/opt/trixie/sbin/hv_fcopy_uio_daemon -n >>/tmp/fcopy-daemon.log 2>&1 &
		echo $! >/tmp/fcopy-daemon.pid
		if ! wait_for 20 ic_ok "Guest Service Interface"; then
			kill -0 "$(cat /tmp/fcopy-daemon.pid)" 2>/dev/null && echo "daemon running" || echo "daemon gone"
			ls -l /dev/uio* "/sys/bus/vmbus/devices/$fcdev/channels/"*
			grep "Guest Service" /sys/kernel/debug/hvis_sim/ics
			cat /sys/kernel/debug/hvis_sim/chanstats
			tail -n 25 /sys/kernel/debug/hvis_sim/log
			fail "fcopy '$(ic_host "Guest Service Interface" primary)' with hv_fcopy_uio_daemon: $(tail -c 300 /tmp/fcopy-daemon.log)"
		fi
		head -c 16777216 /dev/urandom >/tmp/src.bin
		mkdir -p /tmp/dst
		hvsim copy-file /tmp/src.bin /tmp/dst/big.bin 2>/tmp/progress ||
			fail "uio copy failed: $(tail -c 200 /tmp/progress)"
		[ "$(sha256sum </tmp/dst/big.bin)" = "$(sha256sum </tmp/src.bin)" ] ||
			fail "16 MiB copy through uio_hv_generic differs"
		rm -f /tmp/src.bin /tmp/dst/big.bin
		daemon_stop fcopy
		echo -n "$fcdev" >"$uio/unbind" || fail "unbind $fcdev"
		echo "$fcclass" >"$uio/remove_id" || fail "remove_id $fcclass"
		[ -e "/sys/bus/vmbus/devices/$fcdev/uio" ] && fail "$fcdev still has uio after unbind"
		info "upstream $(uname -r): Copy-VMFile by uio_hv_generic and $(head -n1 /opt/trixie/ORIGIN)"
	else
		info "upstream $(uname -r): no /opt/trixie (tests/upstream/fcopy-uio.sh): Copy-VMFile untested"
	fi
else
	up_daemon_start fcopy
	wait_for 20 ic_ok "Guest Service Interface" || fail "fcopy never OK"
	head -c 16777216 /dev/urandom >/tmp/src.bin
	mkdir -p /tmp/dst
	hvsim copy-file /tmp/src.bin /tmp/dst/big.bin 2>/tmp/progress ||
		fail "copy failed: $(tail -c 200 /tmp/progress)"
	[ "$(sha256sum </tmp/dst/big.bin)" = "$(sha256sum </tmp/src.bin)" ] || fail "16 MiB copy differs"
	rm -f /tmp/src.bin /tmp/dst/big.bin
fi
for s in kvp vss fcopy; do daemon_stop $s; done
up_down
umount /mnt/d
