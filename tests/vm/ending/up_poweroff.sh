# SPDX-License-Identifier: GPL-2.0-only
#
# Linux's own hv_utils: the host shuts the guest down and the guest powers
# off the orderly way (scripts/check.sh checks the console's order).  Ends
# the VM: run it last.
up_up
wait_for 20 ic_ok Shutdown || fail "shutdown never OK: $(ic_host Shutdown primary)"
echo poweroff >/tmp/expect-orderly
echo "hvis-test: upstream poweroff" >/dev/kmsg
hvsim shutdown || fail "hvsim shutdown"
# init takes over from here; reaching the end of this is the failure.
sleep 60
fail "still running 60 s after the host asked for a poweroff"
