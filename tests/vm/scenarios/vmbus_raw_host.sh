# SPDX-License-Identifier: GPL-2.0-only
#
# The raw host endpoint: hvsim plays the host for an open channel byte for
# byte.  The packet the guest sends is read raw (descriptor and payload as in
# the ring), written back unchanged, and the guest accepts it as its echo; a
# packet with a lying descriptor, sent the same way, stops the channel.

D=/sys/bus/vmbus/devices
I=6876ab5f-0000-0000-0000-000000000000

hvis_insmod hvis_sim ics=0 extra_offers=1 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
hvis_insmod hvis_test_driver || fail "insmod hvis_test_driver: $INSMOD_OUT"
relid=$(cat $D/$I/id)

# The host attaches first (until then the echo device answers), then the
# guest sends one 40-byte packet and waits for it to come back.
hvsim recv "$relid" >/tmp/pkt &
host=$!
wait_for 10 grep -q "raw endpoint attached to relid $relid" /sys/kernel/debug/hvis_sim/log ||
	fail "attach"
echo "1 40 9" >$D/$I/echo &
guest=$!
wait $host || fail "recv"
# Descriptor: type 6 (in-band), 2 qwords of header, 7 qwords in all, id 0x1000.
[ "$(od -An -tx1 -N16 /tmp/pkt | tr -d ' \n')" = 0600020007000000"0010000000000000" ] ||
	fail "descriptor: $(od -An -tx1 -N16 /tmp/pkt)"
[ "$(wc -c </tmp/pkt)" = 56 ] || fail "packet of $(wc -c </tmp/pkt) bytes"
hvsim send "$relid" </tmp/pkt || fail "send"
wait $guest
[ "$(cat $D/$I/echo)" = "ok 1" ] || fail "the guest did not take the raw echo: $(cat $D/$I/echo)"

# offset8 = 1: a header shorter than a descriptor.
dmesg_mark lying
printf '\006\000\001\000\002\000\000\000\000\000\000\000\000\000\000\000' >/tmp/bad
hvsim send "$relid" </tmp/bad || fail "send bad"
echo "1 8 1" >$D/$I/echo
dmesg_since lying | grep -q "relid $relid: the host corrupted the inbound ring" ||
	fail "lying descriptor not caught"
rmmod hvis_test_driver && rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod"
exit 0
