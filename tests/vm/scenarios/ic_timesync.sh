# SPDX-License-Identifier: GPL-2.0-only
#
# Time Synchronization: SYNC moves the guest clock, SAMPLE feeds the PTP
# clock "hyperv" (for chrony) without touching the system clock; the
# policy parameters change that; old samples stop the PTP clock.
P=/sys/module/hvis_timesync/parameters

near() {	# A B TOLERANCE: |A - B| <= TOLERANCE
	[ $(($1 - $2)) -le "$3" ] && [ $(($2 - $1)) -le "$3" ]
}
phc_off() {	# PTP clock minus system clock, in seconds (rounded)
	phcread | awk '{ printf "%d\n", ($6 >= 0 ? $6 + 500 : $6 - 500) / 1000 }'
}
phc_off_is() {
	o=$(phc_off) && [ -n "$o" ] && near "$o" "$1" 1
}
clock_is() {	# the system clock is about A seconds ahead of the boot clock base
	near "$(($(date +%s) - $(cut -d. -f1 /proc/uptime)))" "$1" 2
}

ic_up
wait_for 20 ic_ok "Time Synchronization" || fail "timesync never OK"
[ "$(ic_guest hvis_timesync message_version)" = 4.0 ] || fail "not at 4.0"
ls /sys/class/ptp/*/clock_name >/dev/null 2>&1 || fail "no PTP clock"
grep -qx hyperv /sys/class/ptp/*/clock_name || fail "no PTP clock named hyperv"
base=$(($(date +%s) - $(cut -d. -f1 /proc/uptime)))
wait_for 10 phc_off_is 0 || fail "PTP clock off by $(phc_off) s at start"

# A sample moves the PTP clock only.
hvsim time sample --offset 100 || fail "hvsim time sample"
wait_for 10 phc_off_is 100 || fail "PTP clock $(phc_off) s off after a +100 s sample"
clock_is "$base" || fail "a sample moved the system clock"

# SYNC sets the clock: an hour ahead.
hvsim time sync --offset 3600 || fail "hvsim time sync"
wait_for 10 clock_is $((base + 3600)) || fail "SYNC +3600 did not move the clock"
wait_for 10 phc_off_is 0 || fail "PTP clock $(phc_off) s off after SYNC"
dmesg | grep -q 'host SYNC: clock moved by 36' || fail "no log line for the SYNC"

# apply_sync=0: the host's SYNC no longer sets the clock.
echo 0 >$P/apply_sync
hvsim time sync --offset 0 || fail "hvsim time sync"
wait_for 10 phc_off_is -3600 || fail "PTP clock $(phc_off) s off, expected -3600"
clock_is $((base + 3600)) || fail "SYNC set the clock with apply_sync=0"
echo 1 >$P/apply_sync

# implicit_sync_ms: a sample that far off sets the clock (host resumed).
echo 5000 >$P/implicit_sync_ms
hvsim time sample --offset 0 || fail "hvsim time sample"
wait_for 10 clock_is "$base" || fail "implicit_sync_ms did not bring the clock back"
echo 0 >$P/implicit_sync_ms

# A host that sets the clock over and over is obeyed every time, but the
# log hears of five settings a minute at most.
dmesg_mark syncs
for i in $(seq 12); do
	hvsim time sync --offset 0 >/dev/null || fail "SYNC $i of a row refused"
done
n=$(dmesg_since syncs | grep -c 'host SYNC: clock moved by')
[ "$n" -le 5 ] || fail "12 SYNCs in a row logged $n lines"

# Old samples: the PTP clock refuses to read (ESTALE) rather than drift.
echo 1 >$P/sample_max_age_s
wait_for 10 sh -c '! phcread 2>/tmp/phc.err' || fail "PTP clock still reads with a 1 s age limit"
grep -q 'Stale' /tmp/phc.err || fail "PTP clock error is '$(cat /tmp/phc.err)', not ESTALE"
echo 600 >$P/sample_max_age_s
wait_for 10 phc_off_is 0 || fail "PTP clock does not come back"
ic_down

# A host before 4.0 (no reference stamp) still sets the clock.
ic_up profile=WS2012R2
wait_for 20 ic_ok "Time Synchronization" || fail "WS2012R2: timesync never OK"
[ "$(ic_guest hvis_timesync message_version)" = 3.0 ] || fail "WS2012R2: not at 3.0"
hvsim time sync --offset 120 || fail "WS2012R2: hvsim time sync"
wait_for 10 clock_is $((base + 120)) || fail "WS2012R2: SYNC +120 did not move the clock"
wait_for 10 phc_off_is 0 || fail "WS2012R2: PTP clock $(phc_off) s off"
hvsim time sync --offset 0 || fail "WS2012R2: hvsim time sync"
wait_for 10 clock_is "$base" || fail "WS2012R2: clock not restored"
ic_down
