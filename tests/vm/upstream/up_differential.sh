# SPDX-License-Identifier: GPL-2.0-only
#
# Differential: the same scripted host session played twice, once to
# hvis's guest (hvis_vmbus and the six services) and once to Linux's own
# hv_vmbus and hv_utils, both with Debian's daemons, each run captured on
# the wire by hvis_sim (hvsim capture) and the two captures compared field
# by field by hvcapdiff.
#
# On every host profile both guests speak to, a connect session: the
# offers, every channel opened and negotiated, a heartbeat, unload.  On the
# newest profile both share (WS2022; WS2019 for 5.10, whose newest VMBus is
# 5.2), the whole session: a Data Exchange SET, GET and ENUMERATE (external
# and auto pools), a Copy-VMFile, a backup freezing a real filesystem, the
# services' error answers (a message type no service knows, a request with
# no daemon, a daemon that stays silent past the guest's deadline), a
# rescind and a new offer of Shutdown, unload.  A difference nobody
# declared fails the scenario; the declared ones are printed with their
# reason.
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
# The whole session runs where both guests end up on one VMBus version.
# Upstream's oldest host: 5.10's list goes down to WS2008, 6.1's and
# 6.12's stop at WS2012 (up_services.sh).
full=WS2022 profiles="WS2012 WS2012R2 WS2016 4.1 5.0 5.1 WS2019 WS2022 6.0"
# 6.12 connects as 6.1 does: there, the oldest host, the whole session and
# the newest (every profile once per kernel would cost a minute more).
case $(uname -r) in
5.10.*) full=WS2019 profiles="WS2008 WS2008R2 $profiles" ;;
6.1[0-9].*) profiles="WS2012 WS2022 6.0" ;;
esac

released() {
	! hvsim list | grep -q ' rescinded '
}

hb_answered() {
	[ "$(ic_host Heartbeat answered)" -ge "$1" ] 2>/dev/null
}

# offered NAME: the host's profile has the service (WS2008 to WS2012 have
# no VSS and no Guest Services), and a guest of this kernel serves it.
offered() {
	[ "$1" != "Guest Service Interface" ] || [ $fcopy = yes ] || return 1
	! ic_host "$1" secondary | grep -q '^Not offered'
}

# every_offered_ok: every service the host offers is OK on its side.
every_offered_ok() {
	echo "$IC_NAMES" | while IFS= read -r n; do
		offered "$n" || continue
		ic_ok "$n" || return 1
	done
}

# guest_up GUEST: hvis's stack or upstream's, with Debian's daemons for
# the services the host offers.
guest_up() {
	local m
	if [ "$1" = hvis ]; then
		hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
		for m in $IC_MODULES; do
			hvis_insmod "$m" || fail "insmod $m: $INSMOD_OUT"
		done
		wait_for 20 eval "ic_dev hvis_kvp >/dev/null" || fail "hvis: no device for hvis_kvp"
		daemon_start debian kvp
		! offered VSS || daemon_start debian vss
		! offered "Guest Service Interface" || daemon_start debian fcopy
	else
		up_insmod hv_vmbus || fail "insmod hv_vmbus: $INSMOD_OUT"
		up_insmod hv_utils || fail "insmod hv_utils: $INSMOD_OUT"
		up_daemon_start kvp
		! offered VSS || up_daemon_start vss
		! offered "Guest Service Interface" || up_daemon_start fcopy
	fi
}

guest_down() {
	local m
	for m in kvp vss fcopy; do daemon_stop $m; done
	if [ "$1" = hvis ]; then
		for m in hvis_fcopy hvis_vss hvis_kvp hvis_timesync hvis_shutdown hvis_heartbeat \
			 hvis_ic_vmbus hvis_ic hvis_vmbus; do
			rmmod "$m" || fail "rmmod $m"
		done
	else
		rmmod hv_utils || fail "rmmod hv_utils"
		rmmod hv_vmbus || fail "rmmod hv_vmbus"
	fi
}

# The services' answers to a host that gets things wrong or waits in vain.
error_answers() {
	local g=$1 t0 tmo=/sys/module/hvis_sim/parameters/daemon_timeout_ms hto
	# A message type the service does not know: refused, or dropped.
	hvsim icbad heartbeat unknown || fail "$g: icbad heartbeat unknown"
	hvsim icbad kvp unknown || fail "$g: icbad kvp unknown"

	# A daemon that stays silent: the guest fails the request at its
	# deadline (upstream's is 30 s; hvis's is cut to 3 s here, the wire is
	# the same), before the host's own (35 s) runs out.
	[ ! -w /sys/module/hvis_kvp/parameters/daemon_timeout_ms ] ||
		echo 3000 >/sys/module/hvis_kvp/parameters/daemon_timeout_ms
	kill -STOP "$(cat /tmp/kvp-daemon.pid)"
	hvsim kvp set Silent x >/dev/null 2>&1 && fail "$g: a SET to a stopped daemon succeeded"
	kill -CONT "$(cat /tmp/kvp-daemon.pid)"
	wait_for 20 eval 'hvsim kvp set Awake yes >/dev/null 2>&1' || fail "$g: no SET works after the daemon woke"

	# No daemon: VSS fails the backup at once on both guests.
	daemon_stop vss
	hvsim backup >/dev/null 2>&1 && fail "$g: a backup without a daemon succeeded"
	# KVP with no daemon: hvis fails at once, upstream leaves the request
	# in the ring for a daemon to come (the host gives up after 3 s here).
	daemon_stop kvp
	hto=$(cat $tmo)
	echo 3000 >$tmo
	t0=$(now_cs)
	hvsim kvp set NoDaemon x >/dev/null 2>&1 && fail "$g: a SET without a daemon succeeded"
	[ "$g" = up ] || [ $(($(now_cs) - t0)) -lt 250 ] ||
		fail "$g: a SET without a daemon took $(($(now_cs) - t0)) cs"
	echo "$hto" >$tmo
}

# session GUEST PROFILE [full]: one guest through the script, captured to
# /tmp/cap-PROFILE-GUEST.
session() {
	local g=$1 p=$2 n t0
	t0=$(now_cs)
	rm -rf /var/lib/hyperv /tmp/copied.txt
	mkdir -p /var/lib/hyperv
	# Time samples every minute: the one at opening is all a run sees.
	hvis_insmod hvis_sim profile="$p" timesync_ms=60000 || fail "insmod hvis_sim: $INSMOD_OUT"
	hvsim capture start || fail "$g: capture start"
	guest_up "$g"
	wait_for 30 every_offered_ok || { hvsim get-integration-services; fail "$g/$p: not every service OK"; }
	# hvcapdiff compares the first heartbeat exchange: one is enough.
	wait_for 20 hb_answered 1 || fail "$g/$p: no heartbeat answered"

	if [ "${3:-}" = full ]; then
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

		error_answers "$g"

		# Rescind: the device goes, the guest gives the relid back.
		n=$(ndevices)
		hvsim disable shutdown || fail "$g: disable shutdown"
		wait_for 20 ndevices_is $((n - 1)) || fail "$g: the rescinded device is still there"
		wait_for 20 released || { hvsim list; fail "$g: the rescinded relid never released"; }
		hvsim enable shutdown || fail "$g: enable shutdown"
		wait_for 20 ndevices_is "$n" || fail "$g: no device for the new offer"
		wait_for 30 ic_ok Shutdown || fail "$g: Shutdown not OK after the new offer"
	fi

	guest_down "$g"
	hvsim capture stop || fail "$g: capture stop"
	hvsim capture dump "/tmp/cap-$p-$g" || fail "$g: capture dump"
	rmmod hvis_sim || fail "rmmod hvis_sim"
	info "differential: $p $g session ${3:-connect} $(($(now_cs) - t0)) cs"
}

# What hvis does differently on purpose (README), each with its reason.
# The protocol's own variable fields (handles, PFNs, transaction ids,
# times, sequence numbers) are hvcapdiff's built-in rules.
cat >/tmp/rules <<'EOF'
ignore ctl.g2h INITIATE_CONTACT/6.0 -  hvis_vmbus asks for VMBus 6.0 first (its newest, README); upstream's list starts at 5.3 (5.2 on 5.10)
ignore ctl.h2g VERSION_RESPONSE/refused -  the host's refusal of a version one guest asks for and the other does not
ignore ctl.*.g2h GPADL_HEADER len  hvis's service rings are 16 KiB each way (drivers/ic/ic.c), hv_utils' 12 KiB: a bigger GPADL
ignore ctl.*.g2h GPADL_HEADER range_buflen  the same bigger ring GPADL
ignore ctl.*.g2h GPADL_HEADER byte_count  the same bigger ring GPADL
ignore ctl.*.g2h GPADL_HEADER pfns  the same bigger ring GPADL
ignore ctl.*.g2h OPENCHANNEL downstream_page_offset  the receive ring starts after hvis's bigger send ring
ignore kvp.g2h KVP/GET* kvp.value*  upstream's GET (5.10, 6.1, 6.12) answers success with an empty value: an upstream bug (README Conformance)
ignore kvp.g2h IC42* -  a message type KVP does not know (icbad unknown): hvis answers E_FAIL, as for every service; upstream's hv_kvp logs it and never answers, so the host times out (README Conformance)
limit kvp.g2h KVP/SET* 3  the fourth SET comes with no daemon: hvis fails it at once, upstream's hv_kvp leaves it unread in the ring until a daemon registers (README Conformance)
ignore vss.g2h VSS/HOT_BACKUP* vss.flags  upstream bug: in its uapi hv_vss_msg the daemon's error overlays the operation, so hv_vss never sees HOT_BACKUP come back and never sets NO_AUTO_RECOVERY (5); hvis does
EOF
case $(uname -r) in 5.10.*)
	echo 'ignore ctl.g2h INITIATE_CONTACT/5.3 -  hvis_vmbus walks down from 6.0; 5.10 starts at 5.2' >>/tmp/rules
	# 5.10's vmbus_exit marks the connection gone before vmbus_disconnect(),
	# whose UNLOAD then returns at once (6.1 sends it).
	echo 'ignore ctl.g2h UNLOAD -  upstream 5.10 bug: removing hv_vmbus never sends UNLOAD (conn_state set DISCONNECTED first); hvis does' >>/tmp/rules
	echo 'ignore ctl.h2g UNLOAD_RESPONSE -  the answer to that UNLOAD' >>/tmp/rules
	# 5.10's services look only for NEGOTIATE: anything else is their one
	# message (6.1 checks the type).
	echo 'ignore heartbeat.g2h IC42* ic.status  upstream 5.10 answers a message type it does not know as a heartbeat (6.1 refuses it, as hvis does)' >>/tmp/rules
	echo 'ignore heartbeat.g2h IC42* body  the same: 5.10 wrote a heartbeat sequence number into the unknown body' >>/tmp/rules
	echo 'ignore kvp.g2h IC42* ic.status  upstream 5.10 hands a message type it does not know to the KVP daemon as a KVP request and returns its error (6.1 drops it)' >>/tmp/rules
	;;
esac
if [ $fcopy = no ]; then
	echo 'ignore *fcopy* * - upstream has no Copy-VMFile in hv_utils from 6.10 on' >>/tmp/rules
fi

# compare PROFILE: the two captures of one profile; prints every difference.
compare() {
	local p=$1 rc st g
	cp /tmp/rules "/tmp/rules-$p"
	case $p in
	WS2022 | 6.0)
		case $(uname -r) in 5.10.*)
			# Upstream 5.10 tops out at 5.2: on a newer host the two
			# guests negotiate different VMBus versions.
			echo 'ignore ctl.g2h INITIATE_CONTACT/* -  5.10 negotiates 5.2 where hvis negotiates the host'"'"'s newest' >>"/tmp/rules-$p"
			echo 'ignore ctl.h2g VERSION_RESPONSE/* -  the answers to those requests' >>"/tmp/rules-$p"
			;;
		esac
		;;
	esac
	if [ "$p" = 6.0 ]; then
		echo 'ignore ctl.g2h INITIATE_CONTACT/* -  hvis negotiates 6.0 (its newest) where upstream stops at 5.3' >>"/tmp/rules-$p"
		echo 'ignore ctl.h2g VERSION_RESPONSE/* -  the answers to those requests' >>"/tmp/rules-$p"
	fi
	hvcapdiff -v -r "/tmp/rules-$p" "/tmp/cap-$p-hvis" "/tmp/cap-$p-up" >"/tmp/diff-$p.out" 2>&1
	rc=$?
	grep -v '^declared: ' "/tmp/diff-$p.out" | sed "s/^/$p: /"
	info "differential: $p: $(grep -c '^declared: ' "/tmp/diff-$p.out") declared differences, exit $rc"
	if [ $rc != 0 ]; then
		# Every stream with a difference, decoded, from both guests.
		for st in $(sed -n 's/^DIFF \([^,]*\), .*/\1/p' "/tmp/diff-$p.out" | sort -u); do
			for g in hvis up; do
				hvcapdiff -p "/tmp/cap-$p-$g" | grep -F "$st #" | sed "s/^/$p $g: /"
			done
		done
		bad="$bad $p"
	fi
}

bad=
for p in $profiles; do
	mode=
	[ "$p" != "$full" ] || mode=full
	session hvis "$p" $mode
	session up "$p" $mode
	compare "$p"
	rm -f "/tmp/cap-$p-hvis" "/tmp/cap-$p-up"
done
umount /mnt/d
[ -z "$bad" ] || fail "hvcapdiff: undeclared differences between hvis and upstream on:$bad"
