#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lsvmbus against the kernel's own Python lsvmbus (tools/hv/lsvmbus of
# Debian's linux-source, which make check unpacks for the debug kernel).
# Both read a fake /sys/bus/vmbus/devices, shaped like what our bus
# exports, on a tmpfs mounted over /sys/bus in a private mount namespace
# (root only).  Ours must print the same bytes without options, and the
# same with -v/-vv once its "<TAB>hvis-ic: " lines are taken out; those
# lines must carry what ic/ says.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
T=unit/lsvmbus

pass() { echo "PASS $T/$1"; }
fail() {
	echo "FAIL $T/$1"
	rc=1
}
# same NAME FILE1 FILE2: the two files are byte-identical.
same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1"
		diff -u "$2" "$3" | head -n 40
	fi
}

if ! make -s -C "$top/tools" bin/lsvmbus >"$tmp/build.log" 2>&1; then
	fail build
	cat "$tmp/build.log"
	exit 1
fi
ours=$top/tools/bin/lsvmbus

# --- options (no sysfs needed) ----------------------------------------------------

"$ours" -h >"$tmp/h.out" 2>"$tmp/h.err"
if [ $? -eq 0 ] && grep -q '^usage: lsvmbus' "$tmp/h.out" && [ ! -s "$tmp/h.err" ]; then
	pass help
else
	fail help
fi
"$ours" --bogus >"$tmp/u.out" 2>"$tmp/u.err"
if [ $? -eq 2 ] && grep -q '^usage: lsvmbus' "$tmp/u.err" && [ ! -s "$tmp/u.out" ]; then
	pass unknown-option
else
	fail unknown-option
fi
"$ours" extra >/dev/null 2>&1
if [ $? -eq 2 ]; then pass extra-argument; else fail extra-argument; fi

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	echo "SKIP $T/sysfs (needs root for a mount namespace)"
	exit $rc
fi

# --- the fake sysfs -----------------------------------------------------------------

# Real sysfs has /sys/bus/vmbus/devices/<GUID> as symlinks to the device
# directories; the trees here do the same, inside the tmpfs.
# dev TREE NAME RELID CLASS MAPPING...: one device with our bus's base
# attributes; MAPPING: the lines of channel_vp_mapping ("relid:cpu"), each
# also a channels/<relid>/ directory.
dev() {
	local tree=$1 name=$2 relid=$3 class=$4 d m
	shift 4
	d=$tree/.devices/$name
	mkdir -p "$d/channels" "$tree/vmbus/devices"
	ln -s "../../.devices/$name" "$tree/vmbus/devices/$name"
	echo "$relid" >"$d/id"
	echo "{$class}" >"$d/class_id"
	echo "{$name}" >"$d/device_id"
	echo "vmbus:$(echo "$class" | tr -d -)" >"$d/modalias"
	echo 3 >"$d/state"
	echo 0 >"$d/numa_node"
	echo 0x1414 >"$d/vendor"
	echo 0x0 >"$d/device"
	echo >"$d/driver_override"
	: >"$d/channel_vp_mapping"
	for m in "$@"; do
		echo "$m" >>"$d/channel_vp_mapping"
		mkdir -p "$d/channels/${m%%:*}"
		echo "${m#*:}" >"$d/channels/${m%%:*}/cpu"
		for a in interrupts events out_full_total read_avail write_avail monitor_id \
			subchannel_id; do
			echo 0 >"$d/channels/${m%%:*}/$a"
		done
	done
}

# ic TREE NAME SERVICE FW MSG NEGOTIATIONS MESSAGES ERRORS LAST_ERROR
ic() {
	local d=$1/.devices/$2
	mkdir -p "$d/ic"
	printf '%s\n' "$3" >"$d/ic/service"
	printf '%s\n' "$4" >"$d/ic/framework_version"
	printf '%s\n' "$5" >"$d/ic/message_version"
	printf '%s\n' "$6" >"$d/ic/negotiations"
	printf '%s\n' "$7" >"$d/ic/messages"
	printf '%s\n' "$8" >"$d/ic/errors"
	printf '%s\n' "$9" >"$d/ic/last_error"
}

HB=57164f39-9115-4e78-ab55-382f3bd5422d
SD=0e0b6031-5213-4934-818b-38d90ced39db
TS=9527e630-d0ae-497b-adce-e80ab0175caf
KVP=a9a0f4e7-5a45-4d96-b827-8a841e8c03e6
VSS=35fa2e29-ea23-4236-96ae-3a6ebacba440
FC=34d14be3-dee4-41c8-9ae7-6b174977c192
NET=f8615163-df3e-46c5-913f-f2d2f965ed0e
SCSI=ba6163d9-04a1-4d29-b605-72e2ffb1dc7f
DM=525074dc-8985-46e2-8057-a307dc18a502
ECHO=1f8c0a8b-3a0e-4a34-8b6d-6f0b2d4b5e71

# base TREE: the devices of a guest with all services, a network adapter
# and a SCSI controller with sub-channels (the mapping in our bus's order:
# primary first), dynamic memory and a class nobody knows; relids from 1 to
# 120, so both "%2s" padding and wider ids show.
base() {
	dev "$1" 9b2a1f35-1c52-4b8e-9a5c-0d6a3b1e7f01 2 $SD 2:0
	dev "$1" 2dd1ce17-079e-403c-b352-a1921ee207ee 3 $TS 3:0
	dev "$1" fd149e91-82e0-4a7d-afa6-2a4166cbd7c0 1 $HB 1:1
	dev "$1" 242ff919-07db-4180-9c2e-b86cb68c8c55 4 $KVP 4:0
	dev "$1" 3ab1bbcb-5e77-4c6b-9f0a-12a3e5f2c3d4 5 $VSS 5:1
	dev "$1" 5a2c6c1e-8d24-4b1b-b6c8-7e3f0a9d1b22 6 $FC 6:0
	dev "$1" 0e8b5a2f-8c3b-4a5e-a0f7-33c2e4d5f6a7 14 $NET 14:0 17:1 15:1 16:0
	dev "$1" f8b3781b-1e82-4818-a1c3-63d806ec15bb 10 $SCSI 10:1 11:0
	dev "$1" 1eccfd72-4b41-45ef-b73a-4a6e44c12924 7 $DM
	dev "$1" 7d6c8a1e-0b9f-4c2d-8e3a-5b4f6c7d8e9f 120 $ECHO 120:0 121:1
}

mkdir -p "$tmp/hvis" "$tmp/intree" "$tmp/odd" "$tmp/empty" "$tmp/out"
base "$tmp/hvis"
ic "$tmp/hvis" 9b2a1f35-1c52-4b8e-9a5c-0d6a3b1e7f01 Shutdown 3.0 3.2 1 0 0 ''
ic "$tmp/hvis" 2dd1ce17-079e-403c-b352-a1921ee207ee "Time Synchronization" 3.0 4.0 1 37 0 ''
ic "$tmp/hvis" fd149e91-82e0-4a7d-afa6-2a4166cbd7c0 Heartbeat 3.0 3.0 2 120 0 ''
ic "$tmp/hvis" 242ff919-07db-4180-9c2e-b86cb68c8c55 "Key-Value Pair Exchange" none none 1 0 1 \
	'no version in common with the host'
ic "$tmp/hvis" 3ab1bbcb-5e77-4c6b-9f0a-12a3e5f2c3d4 VSS none none 0 0 0 ''
# Guest Service Interface: offered but no driver bound, so no ic/.

# The in-tree hv_vmbus: the same devices, no ic/ anywhere.
base "$tmp/intree"

# What the extra lines must say for $tmp/hvis, in relid order.
P='	hvis-ic: '
cat >"$tmp/ic.expected" <<EOF
${P}service="Heartbeat" status=negotiated framework=3.0 message=3.0 negotiations=2 messages=120 errors=0 last_error=""
${P}service="Shutdown" status=negotiated framework=3.0 message=3.2 negotiations=1 messages=0 errors=0 last_error=""
${P}service="Time Synchronization" status=negotiated framework=3.0 message=4.0 negotiations=1 messages=37 errors=0 last_error=""
${P}service="Key-Value Pair Exchange" status=no-common-version framework=none message=none negotiations=1 messages=0 errors=1 last_error="no version in common with the host"
${P}service="VSS" status=waiting framework=none message=none negotiations=0 messages=0 errors=0 last_error=""
EOF

# Odd trees: a device without id (left out), one without class_id or
# channel_vp_mapping, an ic/ with files missing and a last error that needs
# quoting.
dev "$tmp/odd" 11111111-2222-3333-4444-555555555555 3 $HB 3:0
ic "$tmp/odd" 11111111-2222-3333-4444-555555555555 Heartbeat 3.0 3.0 1 5 2 'a "quoted" \ error'
dev "$tmp/odd" 22222222-2222-3333-4444-555555555555 4 $SD 4:0
ic "$tmp/odd" 22222222-2222-3333-4444-555555555555 Shutdown 3.0 3.2 1 0 0 ''
rm "$tmp/odd/.devices/22222222-2222-3333-4444-555555555555/ic/errors" \
	"$tmp/odd/.devices/22222222-2222-3333-4444-555555555555/ic/framework_version"
dev "$tmp/odd" 33333333-2222-3333-4444-555555555555 5 $NET 5:0
rm "$tmp/odd/.devices/33333333-2222-3333-4444-555555555555/class_id" \
	"$tmp/odd/.devices/33333333-2222-3333-4444-555555555555/channel_vp_mapping"
dev "$tmp/odd" 44444444-2222-3333-4444-555555555555 6 $NET 6:0
rm "$tmp/odd/.devices/44444444-2222-3333-4444-555555555555/id"

upstream=$(ls -d "${HVIS_CACHE:-/var/cache/hvis}"/src/linux-source-6.1_*/linux/tools/hv/lsvmbus \
	2>/dev/null | head -n1)
python=$(command -v python3 || true)

# Everything that reads /sys runs here, in one private mount namespace; the
# outputs land in $tmp/out/TREE.WHO.OPT (.rc: exit status).
cat >"$tmp/inside.sh" <<'EOF'
set -u
tmp=$1 ours=$2 upstream=$3 python=$4
for tree in hvis intree odd empty; do
	mount -t tmpfs hvis-lsvmbus-test /sys/bus || exit 1
	cp -a "$tmp/$tree/." /sys/bus/
	for opt in 0 1 2; do
		case $opt in 0) a= ;; 1) a=-v ;; 2) a=-vv ;; esac
		"$ours" $a >"$tmp/out/$tree.ours.$opt" 2>"$tmp/out/$tree.ours.$opt.err"
		echo $? >"$tmp/out/$tree.ours.$opt.rc"
		if [ -n "$upstream" ] && [ "$tree" != odd ] && [ "$tree" != empty ]; then
			"$python" "$upstream" $a >"$tmp/out/$tree.up.$opt" 2>"$tmp/out/$tree.up.$opt.err"
			echo $? >"$tmp/out/$tree.up.$opt.rc"
		fi
	done
	umount /sys/bus || exit 1
done
EOF
if ! unshare -m --propagation private bash "$tmp/inside.sh" "$tmp" "$ours" "$upstream" \
	"$python"; then
	fail namespace
	exit 1
fi
o=$tmp/out

# --- against upstream --------------------------------------------------------------

if [ -z "$upstream" ] || [ -z "$python" ]; then
	echo "SKIP $T/upstream (no linux-source tools/hv/lsvmbus or python3:" \
		"scripts/kernels.sh prepare debug unpacks it)"
else
	for opt in 0 1 2; do
		if [ "$(cat "$o/hvis.up.$opt.rc")" != 0 ] || [ -s "$o/hvis.up.$opt.err" ]; then
			fail "upstream-runs-$opt"
			cat "$o/hvis.up.$opt.err"
			continue
		fi
		grep -v "^$P" "$o/hvis.ours.$opt" >"$o/hvis.ours.$opt.base"
		same "hvis-tree-opt$opt-equals-upstream" "$o/hvis.up.$opt" "$o/hvis.ours.$opt.base"
		same "intree-tree-opt$opt-byte-identical" "$o/intree.up.$opt" "$o/intree.ours.$opt"
	done
	# Without options nothing is added, not even on hvis.
	same hvis-tree-no-option-byte-identical "$o/hvis.up.0" "$o/hvis.ours.0"
	# The upstream output really lists what the tree has (not two empty files).
	if [ "$(grep -c '^VMBUS ID' "$o/hvis.up.0")" = 10 ] &&
		grep -q '^	Rel_ID=17, target_cpu=1$' "$o/hvis.up.1"; then
		pass upstream-sees-the-tree
	else
		fail upstream-sees-the-tree
	fi
fi

# --- our extra lines ---------------------------------------------------------------

for opt in 1 2; do
	grep "^$P" "$o/hvis.ours.$opt" >"$o/hvis.ic.$opt"
	same "ic-lines-opt$opt" "$tmp/ic.expected" "$o/hvis.ic.$opt"
	# Each one closes its device's block: right before the blank line.
	if awk -v p="$P" 'index($0, p) == 1 { want = 1; next }
		want { if ($0 != "") bad = 1; want = 0 }
		END { exit bad || want }' "$o/hvis.ours.$opt"; then
		pass "ic-lines-opt$opt-end-their-block"
	else
		fail "ic-lines-opt$opt-end-their-block"
	fi
done
# ...and under the right device.
if grep -B2 "^${P}service=\"Key-Value Pair Exchange\"" "$o/hvis.ours.1" |
	grep -q '^VMBUS ID  4: Class_ID = {a9a0f4e7-5a45-4d96-b827-8a841e8c03e6} - \[Data Exchange\]$'; then
	pass ic-line-under-its-device
else
	fail ic-line-under-its-device
fi
if ! grep -q "$P" "$o/hvis.ours.0" && ! grep -q "$P" "$o/intree.ours.1" &&
	! grep -q "$P" "$o/intree.ours.2"; then
	pass no-ic-lines-without-ic
else
	fail no-ic-lines-without-ic
fi
ok=1
for t in hvis intree; do
	for opt in 0 1 2; do
		{ [ "$(cat "$o/$t.ours.$opt.rc")" = 0 ] && [ ! -s "$o/$t.ours.$opt.err" ]; } || ok=
	done
done
if [ -n "$ok" ]; then pass exit-0-and-quiet; else fail exit-0-and-quiet; fi

# --- odd trees -----------------------------------------------------------------------

cat >"$tmp/odd.expected" <<EOF
VMBUS ID  3: Class_ID = {$HB} - [Heartbeat]
	Rel_ID=3, target_cpu=0
${P}service="Heartbeat" status=negotiated framework=3.0 message=3.0 negotiations=1 messages=5 errors=2 last_error="a \\"quoted\\" \\\\ error"

VMBUS ID  4: Class_ID = {$SD} - [Operating system shutdown]
	Rel_ID=4, target_cpu=0
${P}service="Shutdown" status=unknown framework=? message=3.2 negotiations=1 messages=0 errors=? last_error=""

VMBUS ID  5: Class_ID =  - Unknown

EOF
same odd-tree "$tmp/odd.expected" "$o/odd.ours.1"
if [ "$(cat "$o/odd.ours.1.rc")" = 0 ] &&
	grep -q '44444444-2222-3333-4444-555555555555: no readable id' "$o/odd.ours.1.err"; then
	pass odd-tree-device-without-id-left-out
else
	fail odd-tree-device-without-id-left-out
fi
if [ "$(cat "$o/empty.ours.0.rc")" = 1 ] &&
	grep -q "^/sys/bus/vmbus/devices doesn't exist: exiting...$" "$o/empty.ours.0.err"; then
	pass no-vmbus
else
	fail no-vmbus
fi
exit $rc
