# SPDX-License-Identifier: GPL-2.0-only
#
# A late answer is never taken for the answer to a later request: the test
# program plays host and KVP daemon, answers request A after its deadline,
# once plainly and once from a read() that stalled while copying A out
# (userfaultfd) until the host had sent request B.  Each late answer is
# counted in ic/late and dropped; B gets its own answer.
ic_up
wait_for 20 ic_ok "Key-Value Pair Exchange" || fail "KVP never OK"
kvp_abuse late >/tmp/late.log 2>&1 || { cat /tmp/late.log; fail "kvp_abuse late"; }
cat /tmp/late.log
grep -q "no userfaultfd" /tmp/late.log && info "no userfaultfd in this kernel: the stalled read was not forced"
ic_down
