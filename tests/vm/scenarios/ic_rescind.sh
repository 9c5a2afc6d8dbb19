# SPDX-License-Identifier: GPL-2.0-only
#
# A rescinded channel, the way a real host expects it to go: the guest
# closes it (CLOSECHANNEL) and releases its relid (RELID_RELEASED), and
# sends no GPADL_TEARDOWN, since the host revoked the channel's GPADLs
# itself.  Five times disabling and enabling Heartbeat from the host
# (rescind_cycles in lib.sh) leave the host holding as many GPADLs as
# before.  (tests/vm/upstream/up_rescind.sh checks the same with Linux's own hv_vmbus.)

ic_up
rescind_cycles
ic_down
exit 0
