# SPDX-License-Identifier: GPL-2.0-only
#
# Linux's own hv_vmbus and hv_utils with a rescinded channel: the guest
# closes it (CLOSECHANNEL) and releases its relid (RELID_RELEASED), and
# sends no GPADL_TEARDOWN, since the host revoked the channel's GPADLs
# itself.  Five times disabling and enabling Heartbeat from the host
# (rescind_cycles in lib.sh) leave the host holding as many GPADLs as
# before.  (tests/vm/scenarios/ic_rescind.sh checks the same with hvis.)

up_up
rescind_cycles
up_down
exit 0
