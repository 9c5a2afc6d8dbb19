# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: our daemons beside Debian's (hyperv-daemons, bookworm), in one
# VM run, alternating so that neither gets the warmer machine: Copy-VMFile
# of a 64 MiB file, and KVP SET+GET pairs (hvsim kvp bench: one process,
# each value read back and compared).  Prints figures;
# judges nothing but that the copies are byte-exact and the values come back.
ic_up
wait_for 20 ic_ok "Guest Service Interface" || fail "Guest Service Interface never OK"
wait_for 20 ic_ok "Key-Value Pair Exchange" || fail "KVP never OK"
head -c 67108864 /dev/urandom >/tmp/src.bin
sum=$(sha256sum </tmp/src.bin)
N=300

for round in 1 2; do
	for set in hvis debian; do
		rm -rf /tmp/dst /tmp/hvis-kvp /var/lib/hyperv && mkdir -p /tmp/dst
		daemon_start $set fcopy
		t0=$(now_cs)
		hvsim copy-file /tmp/src.bin /tmp/dst/big.bin 2>/dev/null || fail "$set: copy"
		t1=$(now_cs)
		[ "$(sha256sum </tmp/dst/big.bin)" = "$sum" ] || fail "$set: copy differs"
		daemon_stop fcopy
		rm -f /tmp/dst/big.bin
		info "bench-fcopy $set round $round bytes 67108864 cs $((t1 - t0))"

		daemon_start $set kvp
		t0=$(now_cs)
		hvsim kvp bench $N --pool 1 >/tmp/kvp-bench || fail "$set: kvp bench: $(cat /tmp/kvp-bench)"
		t1=$(now_cs)
		daemon_stop kvp
		info "bench-kvp $set round $round ops $((2 * N)) cs $((t1 - t0))"
	done
done
rm -f /tmp/src.bin
ic_down
