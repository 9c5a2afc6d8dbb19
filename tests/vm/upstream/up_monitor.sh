# SPDX-License-Identifier: GPL-2.0-only
#
# Linux's own hv_vmbus on channels offered with monitor ids.  Its sysfs
# shows the monitor id the host gave and, for the monitor attributes, what
# is in the two monitor pages it handed over in INITIATE_CONTACT; they must
# agree with the host's own view (debugfs monitor).  The integration
# services have no monitor id (hv_utils binds them as before), and upstream
# then shows no monitor attributes at all, monitor_id included.  Upstream
# has no driver for the test class, so its channels stay closed and the
# host has filled in no entry for them: everything reads 0.
# (tests/vm/scenarios/vmbus_monitor.sh runs traffic over them with hvis.)

D=/sys/bus/vmbus/devices
CLS=6876ab5f-3c64-4c8b-9a2f-687669730001
I0=6876ab5f-0000-0000-0000-000000000000
IM=6876ab5f-0000-0000-0000-0000000000a0
MON=/sys/kernel/debug/hvis_sim/monitor

up_up extra_offers=1 extra_monitored=1
wait_for 20 ic_ok Heartbeat || fail "heartbeat never OK: $(ic_host Heartbeat primary)"
hvsim offer $CLS $IM --monitor || fail "hvsim offer --monitor"
wait_for 10 eval "[ -e $D/$I0 ] && [ -e $D/$IM ]" || fail "test-class devices missing"

for d in $D/*; do
	[ "$(cat $d/class_id)" = "{$CLS}" ] && continue
	# Upstream hides monitor_id too when there is none (so does hvis).
	[ -e $d/monitor_id ] && fail "$(basename $d): monitor_id $(cat $d/monitor_id) shown"
	[ -e $d/server_monitor_pending ] && fail "$(basename $d): monitor attributes without a monitor id"
done
[ "$(cat $D/$I0/monitor_id)" = 0 ] || fail "$I0: monitor_id $(cat $D/$I0/monitor_id)"
[ "$(cat $D/$IM/monitor_id)" = 1 ] || fail "$IM: monitor_id $(cat $D/$IM/monitor_id)"
grep -q "pages valid" $MON || fail "host did not take upstream's monitor pages: $(head -n 1 $MON)"
for i in $I0 $IM; do
	id=$(cat $D/$i/monitor_id)
	host=$(awk -v id="$id" 'NR > 1 && $1 == id { print $4 " " $5 }' $MON)
	for side in server client; do
		for a in pending latency conn_id; do
			f=$D/$i/${side}_monitor_$a
			[ -e $f ] || fail "$i: no ${side}_monitor_$a"
			[ "$(cat $f)" = 0 ] || fail "$i: ${side}_monitor_$a $(cat $f) on a closed channel"
		done
	done
	# Closed: the host registered nothing for the id (no line, or zeros).
	[ -z "$host" ] || [ "$host" = "0 0" ] || fail "$i: host's page has '$host' for closed id $id"
	echo "$i: monitor id $id; pages agree with the host (closed: no entry)"
done
rmmod hv_utils && rmmod hv_vmbus || fail "rmmod"
# 5.10 sends no UNLOAD at module unload; after one, the pages are the guest's.
if hvsim log | grep -q "G->H UNLOAD$"; then
	grep -q "pages none" $MON || fail "host kept the pages after UNLOAD"
fi
up_down
exit 0
