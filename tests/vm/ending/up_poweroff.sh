# SPDX-License-Identifier: GPL-2.0-only
#
# Linux's own hv_utils: the host shuts the guest down and the guest powers
# off the orderly way (make check reads the console for the order below,
# after every upstream scenario).  Ends the VM: run it last.
#
# check-name: upstream/%k/host-shutdown-powers-off
# check-stage: upstream
# check-kernels: 5.10 6.1 6.12
# check-first: @upstream
# check-dir: %k-upstream
# check-verdict: record
# expect-console: hvis-test: upstream poweroff
# expect-console: hv_utils: Shutdown request received
# expect-console: init: orderly poweroff requested
# expect-console: reboot: Power down
up_up
wait_for 20 ic_ok Shutdown || fail "shutdown never OK: $(ic_host Shutdown primary)"
echo poweroff >/tmp/expect-orderly
echo "hvis-test: upstream poweroff" >/dev/kmsg
hvsim shutdown || fail "hvsim shutdown"
# init takes over from here; reaching the end of this is the failure.
sleep 60
fail "still running 60 s after the host asked for a poweroff"
