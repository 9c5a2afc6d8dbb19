# SPDX-License-Identifier: GPL-2.0-only
#
# A host that sends garbage: every malformed message class is refused with
# a (ratelimited) line in the kernel log, nothing crashes (KASAN and lockdep
# watch on the debug kernel), and the bus still takes offers afterwards.
# Last, a host that never answers: loading fails after the timeout, cleanly,
# also when it offered channels before answering.

CLASS=6876ab5f-3c64-4c8b-9a2f-687669730001
D=/sys/bus/vmbus/devices
n=0

# The bus still works: a fresh offer becomes a device, its rescind removes it.
bus_works() {
	n=$((n + 1))
	inst=bbbbbbbb-0000-4000-8000-$(printf %012d $n)
	hvsim offer $CLASS $inst || fail "offer after $1"
	wait_for 10 [ -d $D/$inst ] || fail "bus dead after $1"
	relid=$(cat $D/$inst/id)
	hvsim rescind "$relid" || fail "rescind after $1"
	wait_for 10 eval "[ ! -e $D/$inst ]" || fail "rescind ignored after $1"
}

# expect TAG PATTERN: the kernel logged PATTERN since mark TAG.
expect() {
	wait_for 10 eval "dmesg_since $1 | grep -q \"$2\"" || fail "$1: no \"$2\" in the kernel log"
}

hvis_insmod hvis_sim || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
ndevices_is 6 || fail "start: $(ndevices) devices"

dmesg_mark truncated
hvsim offer $CLASS cccccccc-0000-4000-8000-000000000001 --size 100 || fail "truncated offer"
expect truncated "dropped bad channel message: type 1 (OFFERCHANNEL), 100 bytes: bad length"
[ -e $D/cccccccc-0000-4000-8000-000000000001 ] && fail "truncated offer became a device"
# The host still counts it as offered; take it back so a later guest does not get it whole.
hvsim rescind "$(hvsim list | grep cccccccc-0000-4000-8000-000000000001 | cut -d' ' -f1)" ||
	fail "rescind the truncated offer"
bus_works truncated

dmesg_mark oversized
hvsim inject 1 250 || fail "inject"
expect oversized "dropped bad channel message: type 1 (OFFERCHANNEL), 250 bytes: bad length"
bus_works oversized

dmesg_mark unknown
hvsim inject 99 16 || fail "inject"
expect unknown "dropped bad channel message: type 99 (unknown)"
bus_works unknown-type

dmesg_mark direction
hvsim inject 14 40 || fail "inject"
expect direction "type 14 (INITIATE_CONTACT), 40 bytes: not a host message"
bus_works guest-only-type

dmesg_mark unexpected
hvsim inject 15 16 || fail "inject"
expect unexpected "dropped unexpected VERSION_RESPONSE: nothing is waiting for it"
bus_works unexpected-response

# Results for requests nobody made: a GPADL, an open, a teardown.
for t in "10 20 GPADL_CREATED" "6 20 OPENCHANNEL_RESULT" "12 12 GPADL_TORNDOWN"; do
	set -- $t
	dmesg_mark unknown$1
	hvsim inject $1 $2 || fail "inject $3"
	expect unknown$1 "dropped unexpected $3: nothing is waiting for it"
done
bus_works unknown-results

dmesg_mark duplicate
used=$(cat $D/fd149e91-82e0-4a7d-afa6-2a4166cbd7c0/id)
hvsim offer $CLASS cccccccc-0000-4000-8000-000000000002 --relid "$used" || fail "dup offer"
expect duplicate "offer: relid $used is already in use, offer dropped"
[ -d $D/fd149e91-82e0-4a7d-afa6-2a4166cbd7c0 ] || fail "duplicate relid removed the first device"
bus_works duplicate-relid

# An instance that is a device already, under another class: the sysfs name
# is taken, so the offer is refused with one line (no stack dump) and the
# host told (RELID_RELEASED).
dmesg_mark instance
hvsim offer $CLASS fd149e91-82e0-4a7d-afa6-2a4166cbd7c0 || fail "offer of a taken instance"
expect instance "a second primary channel for fd149e91-82e0-4a7d-afa6-2a4166cbd7c0, refused"
wait_for 10 eval 'hvsim list | grep -q " refused $CLASS fd149e91-82e0-4a7d-afa6-2a4166cbd7c0 "' ||
	fail "host was not told (RELID_RELEASED) of the refused instance"
bus_works duplicate-instance

dmesg_mark range
hvsim offer $CLASS cccccccc-0000-4000-8000-000000000003 --relid 5000 || fail "range offer"
expect range "offer: relid 5000 out of range"
bus_works relid-out-of-range

dmesg_mark orphan
hvsim offer $CLASS cccccccc-0000-4000-8000-000000000004 --sub 3 || fail "orphan offer"
expect orphan "sub-channel 3 of cccccccc-0000-4000-8000-000000000004 without a primary, refused"
wait_for 10 eval 'hvsim list | grep -q " refused .*cccccccc-0000-4000-8000-000000000004"' ||
	fail "host was not told (RELID_RELEASED) of the refused sub-channel"
bus_works orphan-sub-channel

dmesg_mark rescind
hvsim rescind 999 || fail "rescind"
expect rescind "rescind of unknown relid 999 ignored"
bus_works unknown-rescind

ndevices_is 6 || fail "end: $(ndevices) devices, expected the 6 we started with"
rmmod hvis_vmbus || fail "rmmod hvis_vmbus"

# A host that never answers: a clean failure after msg_timeout_ms, no hang.
hvsim mute on || fail "mute"
dmesg_mark mute
hvis_insmod hvis_vmbus msg_timeout_ms=300 && fail "hvis_vmbus loaded without a host answering"
expect mute "the host did not answer INITIATE_CONTACT for version 6.0 within 300 ms"
[ -e /sys/bus/vmbus ] && fail "bus left behind after a failed load"
hvsim mute off || fail "unmute"
hvis_insmod hvis_vmbus || fail "no recovery once the host answers: $INSMOD_OUT"
ndevices_is 6 || fail "after recovery: $(ndevices) devices"
rmmod hvis_vmbus || fail "rmmod hvis_vmbus"

# A host that offers its channels before any version is agreed, then never
# answers: the offers are dropped (a device made then could not be removed
# in order once the load fails), and the load fails cleanly.  Then the same
# host answering: the early offers dropped again, REQUESTOFFERS brings them.
hvsim early on || fail "early on"
hvsim mute on || fail "mute"
dmesg_mark early
hvis_insmod hvis_vmbus msg_timeout_ms=300 && fail "hvis_vmbus loaded without a host answering"
expect early "dropped OFFERCHANNEL: no VMBus version is agreed yet"
[ -e /sys/bus/vmbus ] && fail "bus left behind after offers before the version"
hvsim mute off || fail "unmute"
hvis_insmod hvis_vmbus || fail "early offers, then an answer: $INSMOD_OUT"
ndevices_is 6 || fail "early offers, then an answer: $(ndevices) devices"
hvsim early off || fail "early off"
rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod"
exit 0
