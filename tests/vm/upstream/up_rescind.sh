# SPDX-License-Identifier: GPL-2.0-only
#
# Linux's own hv_vmbus and hv_utils with a rescinded channel: the guest
# closes it (CLOSECHANNEL) and releases its relid (RELID_RELEASED), and
# sends no GPADL_TEARDOWN, since the host revoked the channel's GPADLs
# itself.  Five times disabling and enabling Heartbeat from the host
# leave the host holding as many GPADLs as before.  (tests/vm/scenarios/
# ic_rescind.sh checks the same with hvis.)

# rescind_went_right RELID: in the host's log, after its last rescind of
# RELID, a CLOSECHANNEL and then RELID_RELEASED for it, and no teardown.
rescind_went_right() {
	hvsim log | awk -v r="$1" '
		$0 ~ "RESCIND_CHANNELOFFER relid=" r "$" { on = 1; closed = 0; bad = 0; done = 0; next }
		!on { next }
		$0 ~ "GPADL_TEARDOWN relid=" r " " { bad = 1 }
		$0 ~ "CLOSECHANNEL relid=" r "$" { closed = 1 }
		$0 ~ "RELID_RELEASED relid=" r "$" { done = 1; on = 0 }
		END { exit !(done && closed && !bad) }'
}

up_up
wait_for 20 ic_ok Heartbeat || fail "heartbeat never OK: $(ic_host Heartbeat primary)"
g0=$(sim_stat gpadls)
for i in 1 2 3 4 5; do
	relid=$(ic_host Heartbeat relid)
	hvsim disable Heartbeat || fail "hvsim disable Heartbeat"
	wait_for 20 rescind_went_right "$relid" || {
		hvsim log | tail -n 20
		fail "cycle $i: relid $relid not closed and released (or torn down) after its rescind"
	}
	hvsim enable Heartbeat || fail "hvsim enable Heartbeat"
	wait_for 20 ic_ok Heartbeat || fail "cycle $i: '$(ic_host Heartbeat primary)' after enable"
done
g1=$(sim_stat gpadls)
[ "$g1" = "$g0" ] || fail "the host holds $g1 GPADLs after five rescinds, $g0 before"
echo "5 rescinds: CLOSECHANNEL and RELID_RELEASED each time, no GPADL_TEARDOWN; GPADLs $g0 -> $g1"
up_down
exit 0
