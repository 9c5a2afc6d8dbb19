# SPDX-License-Identifier: GPL-2.0-only
#
# Every host profile: Heartbeat, Shutdown and Time Synchronization reach
# "OK" on the host at the highest versions both sides speak, and the guest's
# ic/ directory in sysfs agrees with the host.  Where the host speaks a
# newer version than hvis, the host says so in the secondary status.

# profile  framework heartbeat shutdown timesync  heartbeat-mismatch
expect="
WS2008   1.0 1.0 1.0 1.0 no
WS2008R2 3.0 3.0 3.0 3.0 no
WS2012   3.0 3.0 3.0 3.0 no
WS2012R2 3.0 3.0 3.0 3.0 no
WS2016   3.0 3.0 3.1 4.0 no
4.1      3.0 3.0 3.1 4.0 no
5.0      3.0 3.0 3.1 4.0 no
5.1      3.0 3.0 3.1 4.0 no
WS2019   3.0 3.0 3.2 4.0 no
WS2022   3.0 3.0 3.2 4.0 yes
6.0      3.0 3.0 3.2 4.0 yes
"

check() {	# NAME DRIVER FW MSG
	wait_for 20 ic_ok "$1" ||
		fail "$p: $1 is '$(ic_host "$1" primary)' on the host, not OK"
	[ "$(ic_host "$1" fw)/$(ic_host "$1" msg)" = "$3/$4" ] ||
		fail "$p: $1 negotiated $(ic_host "$1" fw)/$(ic_host "$1" msg), expected $3/$4"
	[ "$(ic_guest "$2" framework_version)/$(ic_guest "$2" message_version)" = "$3/$4" ] ||
		fail "$p: the guest's ic/ for $1 says $(ic_guest "$2" framework_version)/$(ic_guest "$2" message_version)"
	[ "$(ic_guest "$2" errors)" = 0 ] ||
		fail "$p: $1: guest counted errors: $(ic_guest "$2" last_error)"
}

echo "$expect" | while read -r p fw hb sd ts mism; do
	[ -n "$p" ] || continue
	ic_up profile="$p"
	check Heartbeat hvis_heartbeat "$fw" "$hb"
	check Shutdown hvis_shutdown "$fw" "$sd"
	check "Time Synchronization" hvis_timesync "$fw" "$ts"
	sec=$(ic_host Heartbeat secondary)
	case $mism in
	yes) echo "$sec" | grep -q 'mismatch' ||
		fail "$p: heartbeat 3.1 offered, 3.0 negotiated, but no mismatch shown ('$sec')" ;;
	no) [ -z "$sec" ] || fail "$p: unexpected heartbeat secondary status '$sec'" ;;
	esac
	for s in Shutdown "Time Synchronization"; do
		[ -z "$(ic_host "$s" secondary)" ] ||
			fail "$p: $s secondary status '$(ic_host "$s" secondary)'"
	done
	# Services without a guest driver yet are offered but never answer.
	ic_host_is VSS primary "No Contact" || fail "$p: VSS is '$(ic_host VSS primary)'"
	# What the administrator reads.
	hvsim get-integration-services >/tmp/gis || fail "$p: hvsim get-integration-services failed"
	grep -E '^Heartbeat +True +OK' /tmp/gis >/dev/null || { cat /tmp/gis; fail "$p: table"; }
	ic_down
done || exit 1
cat /tmp/gis
