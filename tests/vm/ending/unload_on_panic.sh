# SPDX-License-Identifier: GPL-2.0-only
#
# Ends the VM: a panic must still send UNLOAD to the host (the simulator
# prints what the guest posts; make check reads the console).  The run
# itself ends in the panic, on purpose: only the console counts.
#
# check-name: vmbus/unload-on-panic
# check-stage: unload
# check-kernels: 6.1
# check-dir: unload_on_panic
# check-verdict: ignore
# expect-console: Kernel panic - not syncing
# expect-console: hvis_sim: guest posted type 16,
[ -e /proc/sysrq-trigger ] || skip "kernel without sysrq"
hvis_insmod hvis_sim console=1 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
echo c >/proc/sysrq-trigger
fail "still alive after sysrq-c"
