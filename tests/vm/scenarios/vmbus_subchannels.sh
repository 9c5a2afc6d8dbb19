# SPDX-License-Identifier: GPL-2.0-only
#
# Sub-channels (same class and instance, sub_channel_index > 0) attach to
# their primary instead of becoming devices, show in channel_vp_mapping, and
# go away with a rescind of their own or with their primary, also while a
# driver holds one open.

CLASS=6876ab5f-3c64-4c8b-9a2f-687669730001
INST=aaaaaaaa-0000-4000-8000-000000000001
D=/sys/bus/vmbus/devices/$INST

hvis_insmod hvis_sim ics=0 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"

hvsim offer $CLASS $INST --relid 10 || fail "offer primary"
wait_for 10 [ -d $D ] || fail "primary not on the bus"
hvsim offer $CLASS $INST --relid 11 --sub 1 || fail "offer sub 1"
hvsim offer $CLASS $INST --relid 12 --sub 2 || fail "offer sub 2"
wait_for 10 eval '[ "$(wc -l <$D/channel_vp_mapping)" = 3 ]' ||
	fail "channel_vp_mapping: $(cat $D/channel_vp_mapping)"
[ "$(cat $D/channel_vp_mapping | tr '\n' ' ')" = "10:0 11:0 12:0 " ] ||
	fail "channel_vp_mapping: $(cat $D/channel_vp_mapping)"
ndevices_is 1 || fail "sub-channels became devices"
for r in 10 11 12; do
	[ "$(cat $D/channels/$r/subchannel_id)" = $((r - 10)) ] || fail "channels/$r/subchannel_id"
	[ "$(cat $D/channels/$r/cpu)" = 0 ] || fail "channels/$r/cpu"
done

hvsim rescind 11 || fail "rescind sub"
wait_for 10 eval '[ "$(cat $D/channel_vp_mapping | tr "\n" " ")" = "10:0 12:0 " ]' ||
	fail "after rescinding 11: $(cat $D/channel_vp_mapping)"
[ -e $D/channels/11 ] && fail "channels/11 still in sysfs"

# A driver holding a sub-channel open when the host rescinds it: the core
# closes it, and the driver's own close later is a no-op on a channel that
# still exists (freed with its primary); opening it again is refused.  On
# the debug kernel KASAN watches the struct.
hvis_insmod hvis_test_driver || fail "insmod hvis_test_driver: $INSMOD_OUT"
wait_for 10 [ -e $D/driver ] || fail "primary not bound to the test driver"
echo 2 >$D/hold || fail "open sub-channel 2 and keep it"
hvsim rescind 12 || fail "rescind sub 2"
wait_for 10 eval '[ "$(cat $D/channel_vp_mapping | tr "\n" " ")" = "10:0 " ]' ||
	fail "after rescinding 12: $(cat $D/channel_vp_mapping)"
echo 0 >$D/hold || fail "close the rescinded sub-channel"
hvsim offer $CLASS $INST --relid 13 --sub 2 || fail "offer sub 2 again"
wait_for 10 eval '[ "$(cat $D/channel_vp_mapping | tr "\n" " ")" = "10:0 13:0 " ]' ||
	fail "sub 2 not back: $(cat $D/channel_vp_mapping)"
echo 2 >$D/hold || fail "the re-offered sub-channel does not open"
echo 0 >$D/hold || fail "close the re-offered sub-channel"
rmmod hvis_test_driver || fail "rmmod hvis_test_driver"

hvsim rescind 13 || fail "rescind sub 2"
hvsim rescind 10 || fail "rescind primary"
wait_for 10 ndevices_is 0 || fail "primary still there"
wait_for 10 eval '[ "$(hvsim list | tail -n +2 | wc -l)" = 0 ]' ||
	fail "relids not released: $(hvsim list)"

rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod"
exit 0
