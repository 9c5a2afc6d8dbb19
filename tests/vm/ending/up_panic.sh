# SPDX-License-Identifier: GPL-2.0-only
#
# Ends the VM: Linux's own hv_vmbus panics.  Its panic notifier posts
# UNLOAD and then polls the message pages for UNLOAD_RESPONSE (for up to
# 100 s, saying "Waiting for VMBus UNLOAD to complete" every 10 s), and the
# simulated host must answer it from the hypercall, as a real host does,
# since its work item never runs again.  The console shows it: after
# 'Kernel panic - not syncing', hvis_sim's 'guest posted type 16' and
# 'UNLOAD from a panicking guest answered at once', and none of hv_vmbus's
# waiting lines.
[ -e /proc/sysrq-trigger ] || skip "kernel without sysrq"
up_up console=1
[ "$(sim_stat version)" != 0.0 ] || fail "hv_vmbus not connected"
echo "hvis-test: upstream panic" >/dev/kmsg
echo c >/proc/sysrq-trigger
fail "still alive after sysrq-c"
