# SPDX-License-Identifier: GPL-2.0-only
#
# lsvmbus on a live bus: with the simulated host offering the six
# services, a network adapter with two sub-channels and a device of a class
# lsvmbus does not know, every offered device is listed once with its class
# name and relid, -v shows each channel with its target CPU, -vv the device
# GUID and sysfs path, and the "hvis-ic:" line of each service agrees with
# ic/ in sysfs and with what the host shows (hvsim get-integration-services).

NET=f8615163-df3e-46c5-913f-f2d2f965ed0e
NETI=cccccccc-0000-4000-8000-000000000001
ODD=6876ab5f-3c64-4c8b-9a2f-687669730001
ODDI=cccccccc-0000-4000-8000-000000000002
P='	hvis-ic: '

ic_up
hvsim offer $NET $NETI --relid 40 || fail "offer network adapter"
hvsim offer $NET $NETI --relid 41 --sub 1 || fail "offer sub-channel 1"
hvsim offer $NET $NETI --relid 42 --sub 2 || fail "offer sub-channel 2"
hvsim offer $ODD $ODDI --relid 50 || fail "offer the unknown class"
wait_for 10 eval '[ "$(wc -l </sys/bus/vmbus/devices/$NETI/channel_vp_mapping)" = 3 ]' ||
	fail "network adapter's sub-channels: $(cat /sys/bus/vmbus/devices/$NETI/channel_vp_mapping)"
wait_for 10 [ -d /sys/bus/vmbus/devices/$ODDI ] || fail "unknown class not on the bus"
# One sub-channel on the second CPU, so target_cpu is not 0 everywhere.
echo 1 >/sys/bus/vmbus/devices/$NETI/channels/41/cpu || fail "move channel 41 to CPU 1"
grep -qx 41:1 /sys/bus/vmbus/devices/$NETI/channel_vp_mapping ||
	fail "channel 41 not on CPU 1: $(cat /sys/bus/vmbus/devices/$NETI/channel_vp_mapping)"
wait_for 20 ic_all_ok || fail "not every service OK on the host: $(hvsim get-integration-services)"

lsvmbus >/tmp/lsv0 2>/tmp/lsv.err || fail "lsvmbus failed: $(cat /tmp/lsv.err)"
lsvmbus -v >/tmp/lsv1 2>>/tmp/lsv.err || fail "lsvmbus -v failed: $(cat /tmp/lsv.err)"
lsvmbus -vv >/tmp/lsv2 2>>/tmp/lsv.err || fail "lsvmbus -vv failed: $(cat /tmp/lsv.err)"
[ -s /tmp/lsv.err ] && fail "lsvmbus wrote to stderr: $(cat /tmp/lsv.err)"
hvsim get-integration-services -v >/tmp/gis || fail "hvsim get-integration-services -v"
for f in 0 1 2; do
	echo "--- lsvmbus $f"
	cat /tmp/lsv$f
done
cat /tmp/gis

# The class names lsvmbus must give the classes offered here.
desc() {
	case $1 in
	57164f39-9115-4e78-ab55-382f3bd5422d) echo "[Heartbeat]" ;;
	0e0b6031-5213-4934-818b-38d90ced39db) echo "[Operating system shutdown]" ;;
	9527e630-d0ae-497b-adce-e80ab0175caf) echo "[Time Synchronization]" ;;
	a9a0f4e7-5a45-4d96-b827-8a841e8c03e6) echo "[Data Exchange]" ;;
	35fa2e29-ea23-4236-96ae-3a6ebacba440) echo "[Backup (volume checkpoint)]" ;;
	34d14be3-dee4-41c8-9ae7-6b174977c192) echo "[Guest services]" ;;
	$NET) echo "Synthetic network adapter" ;;
	*) echo Unknown ;;
	esac
}

# block FILE RELID: the lines of one device in lsvmbus -v/-vv output, from
# its "VMBUS ID" line to the blank line that ends it.
block() {
	awk -v h="$(printf 'VMBUS ID %2s:' "$2")" '
		index($0, h) == 1 { on = 1 }
		on { print }
		on && $0 == "" { exit }' "$1"
}

# Every primary channel the host offered is a device, listed exactly once;
# sub-channels are not devices.
hvsim list | tail -n +2 >/tmp/offers
nprim=0
while read -r relid state class inst sub open; do
	[ "$sub" = 0 ] || continue
	nprim=$((nprim + 1))
	line=$(printf 'VMBUS ID %2s: %s' "$relid" "$(desc "$class")")
	[ "$(grep -cxF "$line" /tmp/lsv0)" = 1 ] ||
		fail "lsvmbus does not list '$line' once (offer $relid $class $state)"
	d=/sys/bus/vmbus/devices/$inst
	[ "$(cat $d/id)" = "$relid" ] || fail "$inst: id $(cat $d/id), host says $relid"
	block /tmp/lsv1 "$relid" >/tmp/b1
	block /tmp/lsv2 "$relid" >/tmp/b2
	head -n 1 /tmp/b1 | grep -qxF "$(printf 'VMBUS ID %2s: Class_ID = {%s} - %s' "$relid" \
		"$class" "$(desc "$class")")" || fail "lsvmbus -v header of $relid: $(head -n 1 /tmp/b1)"
	sed -n 2p /tmp/b2 | grep -qxF "	Device_ID = {$inst}" ||
		fail "lsvmbus -vv Device_ID of $relid: $(sed -n 2p /tmp/b2)"
	sed -n 3p /tmp/b2 | grep -qxF "	Sysfs path: /sys/bus/vmbus/devices/$inst" ||
		fail "lsvmbus -vv sysfs path of $relid: $(sed -n 3p /tmp/b2)"
	# One Rel_ID line per channel of this instance (primary and subs),
	# in relid order, with the CPU sysfs gives.
	awk -v i="$inst" '$4 == i { print $1 }' /tmp/offers | sort -n >/tmp/rel.expected
	: >/tmp/rel.got
	for f in /tmp/b1 /tmp/b2; do
		grep '^	Rel_ID=' $f | sed 's/^	Rel_ID=\([0-9]*\), target_cpu=.*/\1/' >/tmp/rel.got
		cmp -s /tmp/rel.expected /tmp/rel.got ||
			fail "channels of $relid in $f: $(tr '\n' ' ' </tmp/rel.got), host: $(tr '\n' ' ' </tmp/rel.expected)"
	done
	for r in $(cat /tmp/rel.expected); do
		grep -qxF "	Rel_ID=$r, target_cpu=$(cat $d/channels/$r/cpu)" /tmp/b1 ||
			fail "Rel_ID line of $r: $(grep "Rel_ID=$r," /tmp/b1)"
	done
	# The hvis-ic line: only on devices with ic/, just before the blank line.
	if [ -d $d/ic ]; then
		[ "$(grep -c "^$P" /tmp/b1)" = 1 ] && [ "$(grep -c "^$P" /tmp/b2)" = 1 ] ||
			fail "$relid has ic/ but not one hvis-ic line"
		tail -n 2 /tmp/b1 | head -n 1 | grep -q "^$P" || fail "$relid: hvis-ic line not last"
	else
		grep -q "^$P" /tmp/b1 && fail "$relid has no ic/ but an hvis-ic line"
	fi
done </tmp/offers
[ "$(grep -c '^VMBUS ID' /tmp/lsv0)" = "$nprim" ] && [ "$nprim" = "$(ndevices)" ] &&
	[ "$nprim" = 8 ] ||
	fail "lsvmbus lists $(grep -c '^VMBUS ID' /tmp/lsv0) devices, host offered $nprim, sysfs has $(ndevices)"
grep -qxF "	Rel_ID=41, target_cpu=1" /tmp/lsv1 || fail "channel 41 not shown on CPU 1"
[ "$(grep -c "^$P" /tmp/lsv1)" = 6 ] || fail "not six hvis-ic lines"
grep -q "$P" /tmp/lsv0 && fail "hvis-ic lines without -v"

# Each service: its line sits under the device of the relid the host
# shows, and says what ic/ and the host say.
for s in heartbeat:Heartbeat shutdown:Shutdown "timesync:Time Synchronization" \
	"kvp:Key-Value Pair Exchange" vss:VSS "fcopy:Guest Service Interface"; do
	drv=hvis_${s%%:*} name=${s#*:}
	relid=$(ic_host "$name" relid)
	fw=$(ic_host "$name" fw) msg=$(ic_host "$name" msg)
	grep "^$name " /tmp/gis | grep -q " $fw/$msg  *$relid " ||
		fail "hvsim get-integration-services -v row of $name does not show $fw/$msg, relid $relid"
	[ "$(ic_guest $drv framework_version)/$(ic_guest $drv message_version)" = "$fw/$msg" ] ||
		fail "$name: ic/ says $(ic_guest $drv framework_version)/$(ic_guest $drv message_version), host $fw/$msg"
	line=$(block /tmp/lsv1 "$relid" | grep "^$P")
	want="${P}service=\"$name\" status=negotiated framework=$fw message=$msg negotiations=$(ic_guest $drv negotiations) messages="
	case $line in
	"$want"*" errors=$(ic_guest $drv errors) last_error=\"$(ic_guest $drv last_error)\"") ;;
	*) fail "$name (relid $relid): '$line', expected '$want... errors=$(ic_guest $drv errors)'" ;;
	esac
	# The message count is a snapshot: between none and what ic/ says now.
	n=${line#*messages=}
	n=${n%% *}
	[ "$n" -le "$(ic_guest $drv messages)" ] || fail "$name: lsvmbus counted $n messages"
	[ "$(block /tmp/lsv2 "$relid" | grep "^$P" | sed 's/messages=[0-9]*//')" = \
		"$(echo "$line" | sed 's/messages=[0-9]*//')" ] || fail "$name: -vv line differs from -v"
done

hvsim rescind 42 && hvsim rescind 41 && hvsim rescind 40 && hvsim rescind 50 ||
	fail "rescind the extra offers"
wait_for 10 ndevices_is 6 || fail "extra devices still there"
ic_down
exit 0
