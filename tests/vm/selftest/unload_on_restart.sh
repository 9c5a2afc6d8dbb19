# SPDX-License-Identifier: GPL-2.0-only
#
# Ends the VM: a restart (the path kexec takes too) must send UNLOAD and get
# the host's answer before the kernel goes down.
hvis_insmod hvis_sim console=1 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
echo "hvis-test: restarting" >/dev/kmsg
reboot -f
fail "still alive after reboot -f"
