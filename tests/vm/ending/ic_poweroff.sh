# SPDX-License-Identifier: GPL-2.0-only
#
# The host shuts the guest down: the guest answers, then powers off the
# orderly way (the kernel runs /sbin/poweroff, init ends the run).  Ends the
# VM: run it last.  make check runs it at the end of the main VM run (every
# scenario first) and reads the console for the order below.
#
# check-name: ic/%k/host-shutdown-powers-off
# check-stage: vm
# check-kernels: 5.10 6.1 6.12 debug
# check-first: @all
# check-dir: %k
# check-verdict: record
# expect-console: the host asked for a poweroff
# expect-console: init: orderly poweroff requested
# expect-console: reboot: Power down
ic_up
wait_for 20 ic_ok Shutdown || fail "shutdown never OK: $(ic_host Shutdown primary)"
echo poweroff >/tmp/expect-orderly
hvsim shutdown || fail "hvsim shutdown"
# init takes over from here; reaching the end of this is the failure.
sleep 60
fail "still running 60 s after the host asked for a poweroff"
