# SPDX-License-Identifier: GPL-2.0-only
#
# The host restarts the guest (forced): the guest answers, then reboots the
# orderly way (the kernel runs /sbin/reboot).  Ends the VM: run it last.
#
# check-name: ic/%k/host-restart-reboots
# check-stage: vm
# check-kernels: 5.10 6.1 6.12 debug
# check-dir: %k-reboot
# check-verdict: record
# expect-console: the host asked for a reboot
# expect-console: init: orderly reboot requested
# expect-console: reboot: Restarting system
ic_up
wait_for 20 ic_ok Shutdown || fail "shutdown never OK: $(ic_host Shutdown primary)"
echo reboot >/tmp/expect-orderly
hvsim shutdown --reboot --force || fail "hvsim shutdown --reboot --force"
sleep 60
fail "still running 60 s after the host asked for a reboot"
