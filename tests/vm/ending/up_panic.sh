# SPDX-License-Identifier: GPL-2.0-only
#
# Ends the VM: Linux's own hv_vmbus panics.  Its panic notifier posts
# UNLOAD and then polls the message pages for UNLOAD_RESPONSE (for up to
# 100 s, saying "Waiting for VMBus UNLOAD to complete" every 10 s), and the
# simulated host must answer it from the hypercall, as a real host does,
# since its work item never runs again.  The console shows it: after
# 'Kernel panic - not syncing', hvis_sim's 'guest posted type 16' and
# 'UNLOAD from a panicking guest answered at once', and none of hv_vmbus's
# waiting lines.  The run itself ends in the panic, on purpose: only the
# console counts.
#
# check-name: upstream/%k/unload-on-panic-answered
# check-stage: upstream
# check-kernels: 5.10 6.1 6.12
# check-dir: %k-up-panic
# check-verdict: ignore
# expect-console: hvis-test: upstream panic
# expect-console: Kernel panic - not syncing
# expect-console: hvis_sim: guest posted type 16,
# expect-console: UNLOAD from a panicking guest answered
# expect-no-console: Waiting for VMBus UNLOAD
[ -e /proc/sysrq-trigger ] || skip "kernel without sysrq"
up_up console=1
[ "$(sim_stat version)" != 0.0 ] || fail "hv_vmbus not connected"
echo "hvis-test: upstream panic" >/dev/kmsg
echo c >/proc/sysrq-trigger
fail "still alive after sysrq-c"
