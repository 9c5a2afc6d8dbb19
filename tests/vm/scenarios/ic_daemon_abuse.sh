# SPDX-License-Identifier: GPL-2.0-only
#
# The char devices against a hostile host and a hostile daemon at once
# (tests/vm/progs): every size, string, status and ordering a daemon or a
# host can get wrong is refused, and the host always gets an answer.  Then
# each module is removed under a daemon blocked in read() with a request
# pending: the daemon sees POLLERR|POLLHUP and EBADF, the module goes.
ic_up
for s in "Key-Value Pair Exchange" VSS "Guest Service Interface"; do
	wait_for 20 ic_ok "$s" || fail "$s never OK"
done
kvp_abuse all || fail "kvp_abuse"
vss_fcopy_abuse vss "$(ic_host VSS relid)" || fail "vss_fcopy_abuse vss"
vss_fcopy_abuse fcopy "$(ic_host "Guest Service Interface" relid)" ||
	fail "vss_fcopy_abuse fcopy"

# Removal under an open, blocked, registered daemon.
kvp_abuse hold >/tmp/hold-kvp.log 2>&1 &
h=$!
wait_for 10 grep -q holding /tmp/hold-kvp.log || { cat /tmp/hold-kvp.log; fail "kvp hold"; }
rmmod hvis_kvp || fail "rmmod hvis_kvp with its device open"
wait $h || { cat /tmp/hold-kvp.log; fail "kvp: the held file did not see the device go"; }
[ ! -e /dev/vmbus/hv_kvp ] || fail "/dev/vmbus/hv_kvp still there"
for svc in vss fcopy; do
	case $svc in vss) name=VSS ;; fcopy) name="Guest Service Interface" ;; esac
	# A log of its own: the job's redirection may come after our first look.
	vss_fcopy_abuse hold $svc "$(ic_host "$name" relid)" >/tmp/hold-$svc.log 2>&1 &
	h=$!
	wait_for 10 grep -q READY /tmp/hold-$svc.log || { cat /tmp/hold-$svc.log; fail "$svc hold"; }
	rmmod hvis_$svc || fail "rmmod hvis_$svc with its device open"
	wait $h || { cat /tmp/hold-$svc.log; fail "$svc: the held file did not see the device go"; }
done
for m in hvis_kvp hvis_vss hvis_fcopy; do
	hvis_insmod $m || fail "insmod $m again: $INSMOD_OUT"
done
ic_down
