# SPDX-License-Identifier: GPL-2.0-only
#
# Ends the VM: a panic must still send UNLOAD to the host (the simulator
# prints what the guest posts; make check reads the console).
[ -e /proc/sysrq-trigger ] || skip "kernel without sysrq"
hvis_insmod hvis_sim console=1 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
echo c >/proc/sysrq-trigger
fail "still alive after sysrq-c"
