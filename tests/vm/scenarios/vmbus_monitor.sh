# SPDX-License-Identifier: GPL-2.0-only
#
# Monitored notifications with hvis's guest.  The host offers two test-class
# channels with monitor ids (extra_monitored=1) and one more by hvsim offer
# --monitor; the integration services get none, as on Hyper-V.  The echo
# device works over the monitored channels, the guest's signals reach the
# host through its monitor page (the host's poller takes them; no
# HvSignalEvent is counted for those channels), and sysfs shows the monitor
# id and what the host wrote into the pages when the channel opened.  An
# unmonitored channel beside them still signals with HvSignalEvent.

D=/sys/bus/vmbus/devices
CLS=6876ab5f-3c64-4c8b-9a2f-687669730001
I0=6876ab5f-0000-0000-0000-000000000000
I1=6876ab5f-0000-0000-0000-000000000001
IM=6876ab5f-0000-0000-0000-0000000000a0
IU=6876ab5f-0000-0000-0000-0000000000b0
MON=/sys/kernel/debug/hvis_sim/monitor
STATS=/sys/kernel/debug/hvis_sim/chanstats

# mon_field ID COLUMN: a column of the host's monitor line for ID
# (2 relid, 3 notifications taken, 4 connection id, 5 latency).
mon_field() {
	awk -v id="$1" -v c="$2" 'NR > 1 && $1 == id { print $c }' $MON
}

# signals RELID: HvSignalEvent calls the host counted for RELID.
signals() {
	awk -v r="$1" '$1 == r { print $2 }' $STATS | grep . || echo 0
}

run_echo() {
	echo "$2" >$D/$1/echo || fail "$1: echo $2: write failed"
	v=$(cat $D/$1/echo)
	[ "$v" = "ok ${2%% *}" ] || fail "$1: echo $2: $v"
}

hvis_insmod hvis_sim extra_offers=2 extra_monitored=1 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
wait_for 10 test -e $D/$I1 || fail "test-class devices missing"
hvsim offer $CLS $IM --monitor || fail "hvsim offer --monitor"
hvsim offer $CLS $IU || fail "hvsim offer"
wait_for 10 eval "[ -e $D/$IM ] && [ -e $D/$IU ]" || fail "hvsim's offers not seen"

# The integration services are offered without a monitor id (as OpenVMM and
# Hyper-V do) and show no monitor attributes, monitor_id included (as
# Linux's own bus, tests/vm/upstream/up_monitor.sh).
nic=0
for d in $D/*; do
	[ "$(cat $d/class_id)" = "{$CLS}" ] && continue
	nic=$((nic + 1))
	[ -e $d/monitor_id ] && fail "$(basename $d): monitor_id $(cat $d/monitor_id) shown"
	for c in $d/channels/*; do
		[ -e $c/monitor_id ] && fail "$(basename $d): channels/$(basename $c)/monitor_id shown"
	done
	[ -e $d/server_monitor_latency ] && fail "$(basename $d): monitor attributes without a monitor id"
done
[ $nic -ge 4 ] || fail "only $nic integration services offered"
[ -e $D/$IU/monitor_id ] && fail "unmonitored offer: monitor_id $(cat $D/$IU/monitor_id) shown"
[ -e $D/$IU/client_monitor_pending ] && fail "unmonitored offer shows monitor attributes"

# Ids in offer order, lowest free first.
[ "$(cat $D/$I0/monitor_id)" = 0 ] || fail "$I0: monitor_id $(cat $D/$I0/monitor_id)"
[ "$(cat $D/$I1/monitor_id)" = 1 ] || fail "$I1: monitor_id $(cat $D/$I1/monitor_id)"
[ "$(cat $D/$IM/monitor_id)" = 2 ] || fail "$IM: monitor_id $(cat $D/$IM/monitor_id)"
# Closed: the host has not filled in anything yet.
[ "$(cat $D/$IM/server_monitor_conn_id)" = 0 ] || fail "entry filled before the channel opened"

hvis_insmod hvis_test_driver || fail "insmod hvis_test_driver: $INSMOD_OUT"
for i in $I0 $I1 $IM $IU; do
	wait_for 10 test -e $D/$i/driver || fail "$i: test driver not bound"
done
hvsim log | grep -q "relid $(cat $D/$IU/id) monitored" && fail "unmonitored channel registered with the monitor"

for i in $I0 $I1 $IM; do
	relid=$(cat $D/$i/id)
	id=$(cat $D/$i/monitor_id)
	conn=$((relid | 0x2000))
	run_echo $i "300 4000 7"
	run_echo $i "2000 64 3"
	# What the host put in both pages for this id when the channel opened.
	for side in server client; do
		[ "$(cat $D/$i/${side}_monitor_conn_id)" = $conn ] ||
			fail "$i: ${side}_monitor_conn_id $(cat $D/$i/${side}_monitor_conn_id), host offered $conn"
		[ "$(cat $D/$i/${side}_monitor_latency)" = "$(mon_field $id 5)" ] ||
			fail "$i: ${side}_monitor_latency $(cat $D/$i/${side}_monitor_latency), host wrote $(mon_field $id 5)"
	done
	[ "$(mon_field $id 4)" = $conn ] || fail "$i: host's page says conn $(mon_field $id 4)"
	[ "$(mon_field $id 2)" = "$relid" ] || fail "$i: host has id $id for relid $(mon_field $id 2)"
	[ "$(cat $D/$i/server_monitor_pending)" = 0 ] || fail "$i: host's pending bit set"
	# The host's poller has taken every bit the guest set.
	wait_for 5 eval "[ \"\$(cat $D/$i/client_monitor_pending)\" = 0 ]" ||
		fail "$i: the guest's pending bit never taken"
	n=$(mon_field $id 3)
	[ "${n:-0}" -gt 0 ] || fail "$i: no notification taken from the monitor page"
	[ "$(signals $relid)" = 0 ] || fail "$i: $(signals $relid) HvSignalEvent calls on a monitored channel"
	[ "$(cat $D/$i/channels/$relid/events)" -gt 0 ] || fail "$i: guest counted no signals"
	echo "$i: relid $relid monitor id $id conn $conn latency $(mon_field $id 5): $n notifications through the monitor page, 0 HvSignalEvent"
done

# The unmonitored channel signals the old way.
run_echo $IU "300 4000 7"
[ "$(signals "$(cat $D/$IU/id)")" -gt 0 ] || fail "unmonitored channel: no HvSignalEvent counted"

# Reopened many times over the same id; then closed: the host clears its entry.
echo 200 >$D/$IM/reopen || fail "reopen"
[ "$(cat $D/$IM/echo)" = "ok 200" ] || fail "reopen: $(cat $D/$IM/echo)"
run_echo $IM "100 1000 5"
echo $IM >/sys/bus/vmbus/drivers/hvis_test_driver/unbind || fail "unbind"
[ "$(cat $D/$IM/server_monitor_conn_id)" = 0 ] || fail "entry kept after close"
[ "$(mon_field 2 2)" = 0 ] || fail "host keeps id 2 registered after close"

# A rescinded monitored offer gives its id back to the next one.
r=$(cat $D/$IM/id)
hvsim rescind $IM || fail "rescind"
wait_for 10 eval "hvsim log | grep -q 'RELID_RELEASED relid=$r\$'" || fail "relid $r not released"
hvsim offer $CLS $IM --monitor || fail "offer again"
wait_for 10 test -e $D/$IM || fail "offer again not seen"
[ "$(cat $D/$IM/monitor_id)" = 2 ] || fail "id not reused: $(cat $D/$IM/monitor_id)"
wait_for 10 test -e $D/$IM/driver || fail "not bound again"
run_echo $IM "100 1000 5"

rmmod hvis_test_driver && rmmod hvis_vmbus || fail "rmmod"
grep -q "pages valid" $MON && fail "host kept the guest's monitor pages after UNLOAD"
rmmod hvis_sim || fail "rmmod hvis_sim"

# VMBus 0.13 (WS2008): the same through the monitor page, beside the
# channel's bit in the shared interrupt page.
hvis_insmod hvis_sim profile=WS2008 extra_offers=1 extra_monitored=1 ||
	fail "insmod hvis_sim WS2008: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
hvis_insmod hvis_test_driver || fail "insmod hvis_test_driver: $INSMOD_OUT"
wait_for 10 test -e $D/$I0/driver || fail "WS2008: test driver not bound"
run_echo $I0 "300 4000 7"
relid=$(cat $D/$I0/id)
[ "$(mon_field 0 3)" -gt 0 ] || fail "WS2008: no notification through the monitor page"
[ "$(signals $relid)" = 0 ] || fail "WS2008: $(signals $relid) HvSignalEvent calls"
echo "WS2008: relid $relid: $(mon_field 0 3) notifications through the monitor page"
rmmod hvis_test_driver && rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod (WS2008)"
exit 0
