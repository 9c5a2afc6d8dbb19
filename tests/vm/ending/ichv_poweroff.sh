# SPDX-License-Identifier: GPL-2.0-only
#
# hvis's services on the kernel's own bus (run.sh -b hv: Linux's hv_vmbus
# on the simulated host, hvis's services in the place of hv_utils): every
# IC scenario first, with the assertions it makes on hvis's own bus, then
# the host shuts the guest down and the guest powers off the orderly way.
# Ends the VM: run it last.
#
# check-name: ic-hv/%k/host-shutdown-powers-off
# check-stage: upstream
# check-kernels: 5.10 6.1 6.12
# check-first: @ic
# check-options: -b hv -t 1200
# check-dir: %k-ichv
# check-verdict: record
# expect-console: hvis_shutdown [0-9a-f-]+: Shutdown on hv_vmbus
# expect-console: the host asked for a poweroff
# expect-console: init: orderly poweroff requested
# expect-console: reboot: Power down
# expect-no-console: hvis_vmbus: 
[ "$IC_BUS" = hv ] || fail "not on the kernel's bus: run with -b hv"
ic_up
wait_for 20 ic_ok Shutdown || fail "shutdown never OK: $(ic_host Shutdown primary)"
echo poweroff >/tmp/expect-orderly
hvsim shutdown || fail "hvsim shutdown"
# init takes over from here; reaching the end of this is the failure.
sleep 60
fail "still running 60 s after the host asked for a poweroff"
