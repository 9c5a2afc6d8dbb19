# SPDX-License-Identifier: GPL-2.0-only
#
# Every host profile of the simulator: hvis_vmbus negotiates the newest
# version that host speaks, the integration-service channels that host
# generation has appear on the bus (VSS and Guest Services came with
# WS2012R2: before it, four), and unloading sends UNLOAD (hosts from 3.0
# on) and leaves nothing; an older host refuses a second connection.

LOG=/sys/kernel/debug/hvis_sim/log

while read -r prof want nchan; do
	echo "--- profile $prof, expecting VMBus $want"
	hvis_insmod hvis_sim profile="$prof" || fail "insmod hvis_sim: $INSMOD_OUT"
	hvis_insmod hvis_vmbus || fail "$prof: insmod hvis_vmbus: $INSMOD_OUT"
	got=$(cat /sys/bus/vmbus/hvis_protocol_version)
	[ "$got" = "$want" ] || fail "$prof: negotiated $got, expected $want"
	n=$(ls /sys/bus/vmbus/devices | wc -l)
	[ "$n" = "$nchan" ] || fail "$prof: $n devices on the bus, expected $nchan"
	rmmod hvis_vmbus || fail "$prof: rmmod hvis_vmbus"
	[ -e /sys/bus/vmbus ] && fail "$prof: /sys/bus/vmbus left behind"
	case $want in
	0.13 | 1.1 | 2.4)
		grep -q 'G->H UNLOAD' "$LOG" && fail "$prof: UNLOAD sent to a $want host"
		# A host older than 3.0 cannot reconnect: a second contact is
		# refused, and the guest says so instead of waiting.
		hvis_insmod hvis_vmbus && fail "$prof: hvis_vmbus connected twice to a $want host"
		grep -q 'INITIATE_CONTACT.*refused (already connected' "$LOG" ||
			fail "$prof: the host did not refuse the second contact"
		;;
	*) grep -q 'G->H UNLOAD' "$LOG" || fail "$prof: no UNLOAD on unload" ;;
	esac
	grep -c 'G->H RELID_RELEASED' "$LOG" | grep -qx "$nchan" || fail "$prof: relids not all released"
	rmmod hvis_sim || fail "$prof: rmmod hvis_sim"
done <<'EOF2'
WS2008 0.13 4
WS2008R2 1.1 4
WS2012 2.4 4
WS2012R2 3.0 6
WS2016 4.0 6
4.1 4.1 6
5.0 5.0 6
5.1 5.1 6
WS2019 5.2 6
WS2022 5.3 6
6.0 6.0 6
EOF2
exit 0
