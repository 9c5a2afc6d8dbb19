# SPDX-License-Identifier: GPL-2.0-only
#
# Daemons killed -9 at random points under traffic, our set and Debian's:
# every host request either succeeds with the right answer or fails
# promptly; none hangs; a restarted daemon serves again; a copy cut short
# leaves no file at the destination (ours; Debian's writes in place).
ic_up
wait_for 20 ic_ok "Key-Value Pair Exchange" || fail "KVP never OK"
wait_for 20 ic_ok "Guest Service Interface" || fail "Guest Service Interface never OK"
head -c 8388608 /dev/urandom >/tmp/src.bin

rnd() {	# a random number of centiseconds below $1
	echo $(($(od -An -N2 -tu2 /dev/urandom) % $1))
}

for set in hvis debian; do
	rm -rf /tmp/hvis-kvp /var/lib/hyperv
	daemon_start $set kvp
	# Traffic: SET then GET of the same key, checked, as long as the file exists.
	: >/tmp/traffic.ok
	(
		i=0
		while [ -e /tmp/traffic.ok ]; do
			t0=$(now_cs)
			if hvsim kvp set "t$i" "v$i" --pool 1 2>/dev/null; then
				v=$(hvsim kvp get "t$i" --pool 1 2>/dev/null) &&
					[ "$v" != "v$i" ] && echo "wrong value for t$i: $v" >>/tmp/traffic.bad
			fi
			[ $(($(now_cs) - t0)) -le 500 ] || echo "request took $(($(now_cs) - t0)) cs" >>/tmp/traffic.bad
			i=$((i + 1))
		done
	) &
	traffic=$!
	for round in 1 2 3 4 5; do
		sleep "0.$(rnd 100)"
		daemon_stop kvp KILL
		daemon_start $set kvp
	done
	rm -f /tmp/traffic.ok
	wait $traffic
	[ ! -s /tmp/traffic.bad ] || fail "$set: $(head -n 3 /tmp/traffic.bad)"
	hvsim kvp set after "kill" --pool 1 || fail "$set: KVP after the kills"
	daemon_stop kvp

	# A copy cut short by a killed daemon: the host hears, nothing is left.
	rm -rf /tmp/dst && mkdir -p /tmp/dst
	daemon_start $set fcopy
	hvsim copy-file /tmp/src.bin /tmp/dst/cut.bin 2>/tmp/copy.err &
	copy=$!
	sleep "0.$(rnd 100)"
	daemon_stop fcopy KILL
	if wait $copy; then
		info "fcopy/$set: the copy finished before the kill"
	elif [ -e /tmp/dst/cut.bin ]; then
		# Debian's daemon writes in place: what ours adds is the temporary file.
		[ $set = debian ] || fail "$set: a cut copy left /tmp/dst/cut.bin"
		info "fcopy/debian leaves a partial file when killed mid-copy"
	fi
	daemon_start $set fcopy
	hvsim copy-file /tmp/src.bin /tmp/dst/cut.bin --overwrite || fail "$set: copy after the kill"
	cmp /tmp/src.bin /tmp/dst/cut.bin || fail "$set: copy after the kill differs"
	daemon_stop fcopy
done
ic_down
