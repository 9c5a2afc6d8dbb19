#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The man pages: every program `make -C tools install` installs has one
# (installed with it), groff and man render it without a warning, and every
# option the program's own -h prints appears in it, so an option added
# without documentation fails here.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
T=unit/man

pass() { echo "PASS $T/$1"; }
fail() {
	echo "FAIL $T/$1${2:+ ($2)}"
	rc=1
}

if ! make -s -C "$top/tools" install DESTDIR="$tmp/root" >"$tmp/install.log" 2>&1; then
	fail install
	cat "$tmp/install.log"
	exit 1
fi
man_dir=$tmp/root/usr/share/man

progs=0
for bin in "$tmp"/root/usr/sbin/* "$tmp"/root/usr/bin/*; do
	[ -x "$bin" ] || continue
	p=$(basename "$bin")
	progs=$((progs + 1))
	page=
	for f in "$man_dir"/man8/"$p".8 "$man_dir"/man1/"$p".1; do
		[ -f "$f" ] && page=$f
	done
	if [ -z "$page" ]; then
		fail "$p/page-installed"
		continue
	fi
	pass "$p/page-installed"

	# Section 8 for what sbin holds, 1 for bin.
	case $bin/$page in
	*/sbin/*/man8/* | */bin/*/man1/*) pass "$p/section" ;;
	*) fail "$p/section" "$page for $bin" ;;
	esac

	warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
	if [ -z "$warn" ]; then pass "$p/groff-clean"; else fail "$p/groff-clean" "$warn"; fi
	if command -v man >/dev/null; then
		warn=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
		if [ -z "$warn" ]; then pass "$p/man-clean"; else fail "$p/man-clean" "$warn"; fi
	fi
	groff -man -Tascii "$page" 2>/dev/null | col -b >"$tmp/$p.txt"
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" "SEE ALSO"; do
		grep -qx "$s" "$tmp/$p.txt" || fail "$p/has-section" "$s"
	done

	# Every option the usage text names: -x, -xx, --long-name.
	if ! "$bin" -h >"$tmp/$p.usage" 2>&1; then
		fail "$p/usage" "-h exits non-zero"
		continue
	fi
	missing=
	for o in $(grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z0-9][A-Za-z0-9-]*' "$tmp/$p.usage" |
		sed 's/^[^-]*//' | sort -u); do
		grep -qE -- "(^|[^A-Za-z0-9_-])$o([^A-Za-z0-9_-]|\$)" "$tmp/$p.txt" ||
			missing="$missing $o"
	done
	if [ -z "$missing" ]; then
		pass "$p/options-documented"
	else
		fail "$p/options-documented" "missing:$missing"
	fi
done
# The five programs, at least: a broken install must not pass by finding none.
if [ "$progs" -ge 5 ]; then pass programs-found; else fail programs-found "$progs"; fi
exit $rc
