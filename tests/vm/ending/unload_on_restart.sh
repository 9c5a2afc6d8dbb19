# SPDX-License-Identifier: GPL-2.0-only
#
# Ends the VM: a restart (the path kexec takes too) must send UNLOAD and get
# the host's answer before the kernel goes down.
#
# check-name: vmbus/unload-on-restart
# check-stage: unload
# check-kernels: 6.1
# check-dir: unload_on_restart
# check-verdict: ignore
# expect-console: hvis-test: restarting
# expect-console: hvis_sim: guest posted type 16,
# expect-console: reboot: Restarting system
# expect-no-console: did not answer UNLOAD
hvis_insmod hvis_sim console=1 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
echo "hvis-test: restarting" >/dev/kmsg
reboot -f
fail "still alive after reboot -f"
