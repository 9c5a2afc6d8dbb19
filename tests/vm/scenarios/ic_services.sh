# SPDX-License-Identifier: GPL-2.0-only
#
# Every host profile: all six services reach "OK" on the host at the highest
# versions both sides speak ("-": the host speaks none of the guest's, or
# the service needs a newer host: "No Contact"), and the guest's ic/
# directory in sysfs agrees.  Where the host speaks a newer version than
# hvis, the host says so in the secondary status (the services named in
# the last column).

# profile  fw  heartbeat shutdown timesync kvp vss fcopy  mismatch
expect="
WS2008   1.0 1.0 1.0 1.0 1.0 - -     none
WS2008R2 3.0 3.0 3.0 3.0 3.0 - -     none
WS2012   3.0 3.0 3.0 3.0 3.0 - -     none
WS2012R2 3.0 3.0 3.0 3.0 3.0 5.0 1.1 none
WS2016   3.0 3.0 3.1 4.0 4.0 5.0 1.1 kvp
4.1      3.0 3.0 3.1 4.0 4.0 5.0 1.1 kvp
5.0      3.0 3.0 3.1 4.0 4.0 5.0 1.1 kvp
5.1      3.0 3.0 3.1 4.0 4.0 5.0 1.1 kvp
WS2019   3.0 3.0 3.2 4.0 4.0 5.0 1.1 kvp,vss
WS2022   3.0 3.0 3.2 4.0 4.0 5.0 1.1 kvp,vss,heartbeat
6.0      3.0 3.0 3.2 4.0 4.0 5.0 1.1 kvp,vss,heartbeat
"

check() {	# NAME DRIVER SHORT FW MSG MISMATCH
	if [ "$5" = - ]; then
		# Bound or not (VSS needs VMBus 3.0), no versions were agreed
		# (a host with none to offer does not even try).
		if ic_dev "$2" >/dev/null; then
			[ "$(ic_guest "$2" message_version)" = none ] ||
				fail "$p: $1 agreed on $(ic_guest "$2" message_version)"
		fi
		ic_host_is "$1" primary "No Contact" ||
			fail "$p: $1 is '$(ic_host "$1" primary)', expected No Contact"
		return
	fi
	wait_for 20 ic_ok "$1" ||
		fail "$p: $1 is '$(ic_host "$1" primary)' on the host, not OK"
	[ "$(ic_host "$1" fw)/$(ic_host "$1" msg)" = "$4/$5" ] ||
		fail "$p: $1 negotiated $(ic_host "$1" fw)/$(ic_host "$1" msg), expected $4/$5"
	[ "$(ic_guest "$2" framework_version)/$(ic_guest "$2" message_version)" = "$4/$5" ] ||
		fail "$p: the guest's ic/ for $1 says $(ic_guest "$2" framework_version)/$(ic_guest "$2" message_version)"
	[ "$(ic_guest "$2" errors)" = 0 ] ||
		fail "$p: $1: guest counted errors: $(ic_guest "$2" last_error)"
	sec=$(ic_host "$1" secondary)
	case ",$6," in
	*",$3,"*) echo "$sec" | grep -q 'mismatch' ||
		fail "$p: $1: host speaks newer than $5, but no mismatch shown ('$sec')" ;;
	*) [ -z "$sec" ] || fail "$p: $1: unexpected secondary status '$sec'" ;;
	esac
}

# The debug kernel: the oldest host, one without VSS, the newest before
# 2022 and the newest.
expect=$(sized "$expect" "$(echo "$expect" | grep -E '^(WS2008|WS2012|WS2019|6\.0) ')")
echo "$expect" | while read -r p fw hb sd ts kvp vss fc mism; do
	[ -n "$p" ] || continue
	ic_bus_speaks "$p" || { echo "$p: not a host the $IC_VMBUS under test speaks to"; continue; }
	ic_up profile="$p"
	check Heartbeat hvis_heartbeat heartbeat "$fw" "$hb" "$mism"
	check Shutdown hvis_shutdown shutdown "$fw" "$sd" "$mism"
	check "Time Synchronization" hvis_timesync timesync "$fw" "$ts" "$mism"
	check "Key-Value Pair Exchange" hvis_kvp kvp "$fw" "$kvp" "$mism"
	check VSS hvis_vss vss "$fw" "$vss" "$mism"
	check "Guest Service Interface" hvis_fcopy fcopy "$fw" "$fc" "$mism"
	# What the administrator reads.
	hvsim get-integration-services >/tmp/gis || fail "$p: hvsim get-integration-services failed"
	grep -E '^Heartbeat +True +OK' /tmp/gis >/dev/null || { cat /tmp/gis; fail "$p: table"; }
	ic_down
done || exit 1
cat /tmp/gis
