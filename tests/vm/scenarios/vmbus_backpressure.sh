# SPDX-License-Identifier: GPL-2.0-only
#
# HvPostMessage back-pressure: a host that stops reading its 16 message
# buffers answers HV_STATUS_INSUFFICIENT_BUFFERS; the guest backs off and
# retries, and once the host reads again nothing has been lost.

LOG=/sys/kernel/debug/hvis_sim/log

hvis_insmod hvis_sim ics=0 extra_offers=40 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
ndevices_is 40 || fail "$(ndevices) devices"

hvsim stall on || fail "stall"
# Unloading releases 40 relids and sends UNLOAD: more than 16 buffers hold.
rmmod hvis_vmbus &
pid=$!
wait_for 20 eval '[ "$(sim_stat busy)" -gt 0 ]' ||
	fail "the host never ran out of buffers"
hvsim stall off || fail "unstall"
wait $pid || fail "rmmod hvis_vmbus failed"

[ "$(grep -c 'G->H RELID_RELEASED' $LOG)" = 40 ] ||
	fail "$(grep -c 'G->H RELID_RELEASED' $LOG) of 40 RELID_RELEASED arrived"
grep -q 'G->H UNLOAD$' $LOG || fail "UNLOAD lost"
info "backpressure: host answered INSUFFICIENT_BUFFERS $(sim_stat busy) times, nothing lost"
rmmod hvis_sim || fail "rmmod hvis_sim"
exit 0
