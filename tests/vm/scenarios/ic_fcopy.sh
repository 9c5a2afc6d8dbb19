# SPDX-License-Identifier: GPL-2.0-only
#
# Copy-VMFile, with our daemon and Debian's hv_fcopy_daemon: a 64 MiB file
# (8 MiB on the debug kernel, and on the kernel's bus, where the copy shows
# the path works and make bench measures its speed: on 5.10 it takes four
# minutes there) arrives byte-exact; an existing file is refused without --overwrite;
# --create-path makes the directories; without a daemon the host is told
# at once.
ic_up
wait_for 20 ic_ok "Guest Service Interface" || fail "Guest Service Interface never OK"
mib=$(sized 64 8)
[ "$IC_BUS" = hv ] && mib=8
head -c $((mib << 20)) /dev/urandom >/tmp/src.bin
sum=$(sha256sum </tmp/src.bin)

if hvsim copy-file /tmp/src.bin /tmp/none.bin 2>/tmp/err; then fail "copied without a daemon"; fi
[ ! -e /tmp/none.bin ] || fail "a file appeared without a daemon"

for set in hvis debian; do
	rm -rf /tmp/dst && mkdir -p /tmp/dst
	daemon_start $set fcopy
	t0=$(now_cs)
	hvsim copy-file /tmp/src.bin /tmp/dst/big.bin 2>/tmp/progress || fail "$set: copy failed: $(tail -c 200 /tmp/progress)"
	t1=$(now_cs)
	[ "$(sha256sum </tmp/dst/big.bin)" = "$sum" ] || fail "$set: $mib MiB copy differs"
	info "fcopy/$set $mib MiB in $(((t1 - t0) * 10)) ms"
	if hvsim copy-file /tmp/src.bin /tmp/dst/big.bin 2>/tmp/err; then
		fail "$set: overwrote without --overwrite"
	fi
	grep -qi 'exists' /tmp/err || fail "$set: refusal says '$(cat /tmp/err)'"
	echo small >/tmp/small.txt
	hvsim copy-file /tmp/small.txt /tmp/dst/big.bin --overwrite || fail "$set: --overwrite"
	[ "$(cat /tmp/dst/big.bin)" = small ] || fail "$set: overwrite did not replace"
	hvsim copy-file /tmp/small.txt /tmp/dst/a/b/c.txt --create-path ||
		fail "$set: --create-path"
	[ "$(cat /tmp/dst/a/b/c.txt)" = small ] || fail "$set: created path"
	if hvsim copy-file /tmp/small.txt /tmp/dst/x/y.txt 2>/dev/null; then
		fail "$set: made a directory without --create-path"
	fi
	daemon_stop fcopy
done
rm -f /tmp/src.bin /tmp/dst/big.bin
ic_down
