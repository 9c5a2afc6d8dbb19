# SPDX-License-Identifier: GPL-2.0-only
#
# Linux's own hv_vmbus and hv_utils on every host profile of the simulator:
# the VMBus version each kernel negotiates (5.10 down to WS2008; 6.1 and
# 6.12 refuse the hosts older than WS2012, as their version lists end at
# 2.4), the six offers as devices bound to hv_utils, and every service in
# the host's Get-VMIntegrationService view at the versions upstream and the
# host share, with Debian's daemons for the three that need one.

case $(uname -r) in
5.10.*) newest=5.2 oldest=0.13 ;;
*) newest=5.3 oldest=2.4 ;;
esac
# From 6.10 on, hv_utils has no Copy-VMFile (uio_hv_generic and a daemon of
# its own serve it; Debian ships no such daemon): nobody opens the channel.
fcopy=yes
case $(uname -r) in 6.1[0-9].*) fcopy=no ;; esac

# profile host-max  heartbeat shutdown timesync kvp vss fcopy
expect="
WS2008   0.13 1.0 1.0 1.0 1.0 - -
WS2008R2 1.1  3.0 3.0 3.0 3.0 - -
WS2012   2.4  3.0 3.0 3.0 3.0 - -
WS2012R2 3.0  3.0 3.0 3.0 3.0 5.0 1.1
WS2016   4.0  3.0 3.1 4.0 4.0 5.0 1.1
4.1      4.1  3.0 3.1 4.0 4.0 5.0 1.1
5.0      5.0  3.0 3.1 4.0 4.0 5.0 1.1
5.1      5.1  3.0 3.1 4.0 4.0 5.0 1.1
WS2019   5.2  3.0 3.2 4.0 4.0 5.0 1.1
WS2022   5.3  3.0 3.2 4.0 4.0 5.0 1.1
6.0      6.0  3.0 3.2 4.0 4.0 5.0 1.1
"

# The lower of two versions "M.m".
vmin() {
	printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n | head -n1
}

check() {	# NAME MSG
	if [ "$2" = - ]; then
		ic_host_is "$1" primary "No Contact" ||
			fail "$p: $1 is '$(ic_host "$1" primary)', expected No Contact"
		return
	fi
	wait_for 20 ic_ok "$1" ||
		fail "$p: $1 is '$(ic_host "$1" primary)' on the host, not OK"
	[ "$(ic_host "$1" msg)" = "$2" ] ||
		fail "$p: $1 negotiated message version $(ic_host "$1" msg), expected $2"
}

echo "$expect" | while read -r p hmax hb sd ts kvp vss fc; do
	[ -n "$p" ] || continue
	want=$(vmin "$hmax" "$newest")
	if [ "$(vmin "$hmax" "$oldest")" != "$oldest" ]; then
		# The host is older than anything this kernel speaks.
		hvis_insmod hvis_sim profile="$p" || fail "insmod hvis_sim: $INSMOD_OUT"
		up_insmod hv_vmbus && fail "$p: hv_vmbus loaded on a host it cannot speak to"
		[ "$(sim_stat version)" = 0.0 ] || fail "$p: host shows version $(sim_stat version)"
		echo "$p: refused, as expected ($INSMOD_OUT)"
		rmmod hvis_sim
		continue
	fi
	up_up profile="$p"
	[ "$(sim_stat version)" = "$want" ] ||
		fail "$p: negotiated $(sim_stat version), expected $want"
	# A host offers only the services it has (none of the two before WS2012R2).
	offers=6
	[ "$vss" != - ] || offers=$((offers - 1))
	[ "$fc" != - ] || offers=$((offers - 1))
	[ $fcopy = yes ] || fc=-
	up_daemon_start kvp
	[ "$vss" = - ] || up_daemon_start vss
	[ "$fc" = - ] || up_daemon_start fcopy
	wait_for 20 ndevices_is $offers || fail "$p: $(ndevices) devices, expected $offers"
	n=$(ls /sys/bus/vmbus/drivers/hv_utils | grep -c -- '-')
	check Heartbeat "$hb"
	check Shutdown "$sd"
	check "Time Synchronization" "$ts"
	check "Key-Value Pair Exchange" "$kvp"
	check VSS "$vss"
	check "Guest Service Interface" "$fc"
	echo "$p: VMBus $want, $n devices on hv_utils"
	hvsim get-integration-services
	for s in kvp vss fcopy; do daemon_stop $s; done
	up_down
done || exit 1
