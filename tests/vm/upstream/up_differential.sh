# SPDX-License-Identifier: GPL-2.0-only
#
# Differential: the same scripted host session played twice on the WS2022
# host (WS2019 for 5.10, whose newest VMBus is 5.2), once to hvis's guest
# (hvis_vmbus and the six services) and once to Linux's own hv_vmbus and
# hv_utils, both with Debian's daemons, each run captured on the wire by
# hvis_sim (hvsim capture) and the two captures compared field by field by
# hvcapdiff.  The session: connect with the six offers, every channel
# opened and negotiated, heartbeats, a Data Exchange SET, GET and ENUMERATE
# (external and auto pools), a Copy-VMFile of a small file, a backup
# freezing a real filesystem, a rescind and a new offer of Shutdown,
# unload.  A difference nobody declared below fails the scenario; the
# declared ones are printed with their reason.
[ -b /dev/vda ] || skip "no virtio disk"
[ -e "$UPDIR/hv_vmbus.ko" ] || skip "no upstream drivers/hv built for $(uname -r)"
command -v hvcapdiff >/dev/null || fail "no hvcapdiff in the VM (make -C tools)"
mke2fs -q /dev/vda || fail "mke2fs"
mkdir -p /mnt/d && mount -t ext4 /dev/vda /mnt/d || fail "mount ext4"
printf 'a small file for Copy-VMFile\n' >/tmp/small.txt

# From 6.10 on hv_utils has no Copy-VMFile (see up_services.sh): nobody
# opens that channel on upstream's side, so the file copy is left out.
fcopy=yes
case $(uname -r) in 6.1[0-9].*) fcopy=no ;; esac
# Both guests must end up on one VMBus version: 5.10's newest is 5.2, so
# there the host is a WS2019 one.
profile=WS2022
case $(uname -r) in 5.10.*) profile=WS2019 ;; esac

released() {
	! hvsim list | grep -q ' rescinded '
}

hb_answered() {
	[ "$(ic_host Heartbeat answered)" -ge "$1" ] 2>/dev/null
}

# session hvis|up: one guest through the whole script, captured to /tmp/cap-GUEST.
session() {
	local g=$1 m n
	rm -rf /var/lib/hyperv /tmp/copied.txt
	mkdir -p /var/lib/hyperv
	# Time samples every minute: the one at opening is all a run sees.
	hvis_insmod hvis_sim profile=$profile timesync_ms=60000 || fail "insmod hvis_sim: $INSMOD_OUT"
	hvsim capture start || fail "$g: capture start"
	if [ "$g" = hvis ]; then
		hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
		for m in $IC_MODULES; do
			hvis_insmod "$m" || fail "insmod $m: $INSMOD_OUT"
		done
		wait_for 20 ic_all_bound || fail "hvis: not every service bound"
		daemon_start debian kvp
		daemon_start debian vss
		[ $fcopy = no ] || daemon_start debian fcopy
	else
		up_insmod hv_vmbus || fail "insmod hv_vmbus: $INSMOD_OUT"
		up_insmod hv_utils || fail "insmod hv_utils: $INSMOD_OUT"
		up_daemon_start kvp
		up_daemon_start vss
		[ $fcopy = no ] || up_daemon_start fcopy
	fi
	if [ $fcopy = yes ]; then
		wait_for 30 ic_all_ok || { hvsim get-integration-services; fail "$g: not every service OK"; }
	else
		for m in Heartbeat Shutdown "Time Synchronization" "Key-Value Pair Exchange" VSS; do
			wait_for 30 ic_ok "$m" || fail "$g: $m never OK"
		done
	fi
	wait_for 20 hb_answered 3 || fail "$g: fewer than three heartbeats answered"

	hvsim kvp set DiffKey "a value to compare" || fail "$g: kvp set"
	hvsim kvp get DiffKey >"/tmp/$g.get" 2>&1 || fail "$g: kvp get"
	hvsim kvp list >"/tmp/$g.list" || fail "$g: kvp list"
	grep -qx 'DiffKey = a value to compare' "/tmp/$g.list" ||
		{ cat "/tmp/$g.list"; fail "$g: ENUMERATE lacks DiffKey"; }
	hvsim kvp list --pool auto >"/tmp/$g.auto" || fail "$g: kvp list --pool auto"

	if [ $fcopy = yes ]; then
		hvsim copy-file /tmp/small.txt /tmp/copied.txt >/dev/null || fail "$g: copy-file"
		cmp -s /tmp/small.txt /tmp/copied.txt || fail "$g: the copy differs"
	fi

	hvsim backup >"/tmp/$g.backup" 2>&1 || { cat "/tmp/$g.backup"; fail "$g: backup"; }

	# Rescind: the device goes, the guest gives the relid back.
	n=$(ndevices)
	hvsim disable shutdown || fail "$g: disable shutdown"
	wait_for 20 ndevices_is $((n - 1)) || fail "$g: the rescinded device is still there"
	wait_for 20 released || { hvsim list; fail "$g: the rescinded relid never released"; }
	hvsim enable shutdown || fail "$g: enable shutdown"
	wait_for 20 ndevices_is "$n" || fail "$g: no device for the new offer"
	wait_for 30 ic_ok Shutdown || fail "$g: Shutdown not OK after the new offer"

	for m in kvp vss fcopy; do daemon_stop $m; done
	if [ "$g" = hvis ]; then
		for m in hvis_fcopy hvis_vss hvis_kvp hvis_timesync hvis_shutdown hvis_heartbeat \
			 hvis_ic hvis_vmbus; do
			rmmod "$m" || fail "rmmod $m"
		done
	else
		rmmod hv_utils || fail "rmmod hv_utils"
		rmmod hv_vmbus || fail "rmmod hv_vmbus"
	fi
	hvsim capture stop || fail "$g: capture stop"
	hvsim capture stats
	hvsim capture dump "/tmp/cap-$g" || fail "$g: capture dump"
	rmmod hvis_sim || fail "rmmod hvis_sim"
}

session hvis
session up
umount /mnt/d

# What hvis does differently on purpose (README), each with its reason.
# The protocol's own variable fields (handles, PFNs, transaction ids,
# times, sequence numbers) are hvcapdiff's built-in rules.
cat >/tmp/rules <<'EOF'
ignore ctl.g2h INITIATE_CONTACT/6.0 -  hvis_vmbus asks for VMBus 6.0 first (its newest, README); upstream 6.1's list starts at 5.3
ignore ctl.h2g VERSION_RESPONSE/refused -  the WS2022 host's refusal of that 6.0 request
ignore ctl.*.g2h GPADL_HEADER len  hvis's service rings are 16 KiB each way (drivers/ic/ic.c), hv_utils' 12 KiB: a bigger GPADL
ignore ctl.*.g2h GPADL_HEADER range_buflen  the same bigger ring GPADL
ignore ctl.*.g2h GPADL_HEADER byte_count  the same bigger ring GPADL
ignore ctl.*.g2h GPADL_HEADER pfns  the same bigger ring GPADL
ignore ctl.*.g2h OPENCHANNEL downstream_page_offset  the receive ring starts after hvis's bigger send ring
ignore kvp.g2h KVP/GET* kvp.value*  upstream's GET (5.10, 6.1, 6.12) answers success with an empty value: an upstream bug (README Conformance)
ignore vss.g2h VSS/HOT_BACKUP* vss.flags  upstream bug: in its uapi hv_vss_msg the daemon's error overlays the operation, so hv_vss never sees HOT_BACKUP come back and never sets NO_AUTO_RECOVERY (5); hvis does
EOF
if [ $profile = WS2019 ]; then
	echo 'ignore ctl.g2h INITIATE_CONTACT/5.3 -  hvis_vmbus walks down from 6.0; 5.10 starts at 5.2' >>/tmp/rules
	# 5.10's vmbus_exit marks the connection gone before vmbus_disconnect(),
	# whose UNLOAD then returns at once (6.1 sends it).
	echo 'ignore ctl.g2h UNLOAD -  upstream 5.10 bug: removing hv_vmbus never sends UNLOAD (conn_state set DISCONNECTED first); hvis does' >>/tmp/rules
	echo 'ignore ctl.h2g UNLOAD_RESPONSE -  the answer to that UNLOAD' >>/tmp/rules
fi
if [ $fcopy = no ]; then
	echo 'ignore *fcopy* * - upstream has no Copy-VMFile in hv_utils from 6.10 on' >>/tmp/rules
fi

hvcapdiff -v -r /tmp/rules /tmp/cap-hvis /tmp/cap-up >/tmp/diff.out 2>&1
rc=$?
grep -v '^declared: ' /tmp/diff.out
info "differential: $(grep -c '^declared: ' /tmp/diff.out) declared differences"
if [ $rc != 0 ]; then
	# Every stream with a difference, decoded, from both guests.
	for st in $(sed -n 's/^DIFF \([^,]*\), .*/\1/p' /tmp/diff.out | sort -u); do
		for g in hvis up; do
			hvcapdiff -p "/tmp/cap-$g" | grep -F "$st #" | sed "s/^/$g: /"
		done
	done
fi
[ $rc = 0 ] || fail "hvcapdiff: undeclared differences between hvis and upstream (exit $rc)"
