# SPDX-License-Identifier: GPL-2.0-only
#
# The host shuts the guest down: the guest answers, then powers off the
# orderly way (the kernel runs /sbin/poweroff, init ends the run).  Ends the
# VM: run it last.
ic_up
wait_for 20 ic_ok Shutdown || fail "shutdown never OK: $(ic_host Shutdown primary)"
echo poweroff >/tmp/expect-orderly
hvsim shutdown || fail "hvsim shutdown"
# init takes over from here; reaching the end of this is the failure.
sleep 60
fail "still running 60 s after the host asked for a poweroff"
