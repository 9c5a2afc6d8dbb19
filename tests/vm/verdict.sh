#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Judge one VM run:  verdict.sh KERNEL OUTDIR QEMU_EXIT_CODE
# Reads OUTDIR/result.log (the guest's result port) and OUTDIR/console.log,
# prints "PASS|FAIL|SKIP name" lines, exits 1 if anything failed.
set -uo pipefail

kname=$1 out=$2 qrc=$3
here=$(cd "$(dirname "$0")" && pwd)
res=$out/result.log
con=$out/console.log
failed=0

say() {
	echo "$*"
	case $1 in FAIL) failed=1 ;; esac
}

touch "$out/result.log" "$con"
# The serial line may add carriage returns.
tr -d '\r' <"$out/result.log" >"$out/result.txt"
res=$out/result.txt

# Scenario results.
while read -r _ name verdict rest; do
	case $verdict in
	pass) say PASS "vm/$kname/$name" ;;
	skip) say SKIP "vm/$kname/$name" ;;
	*) say FAIL "vm/$kname/$name $rest" ;;
	esac
done < <(grep '^scenario ' "$res")

# Every scenario asked for must have said something.
if [ -e "$out/order" ]; then
	while read -r name; do
		grep -q "^scenario $name " "$res" || say FAIL "vm/$kname/$name (no result)"
	done <"$out/order"
fi

# Figures measured in the guest, shown and never judged.
sed -n 's/^info /INFO vm\/'"$kname"'\//p' "$res"

# KUnit: KTAP from debugfs, forwarded as "ktap SUITE LINE".
for suite in $(sed -n 's/^ktap \([^ ]*\) .*/\1/p' "$res" | sort -u); do
	sed -n "s/^ktap $suite //p" "$res" | "$here/ktap.sh" "$suite" || failed=1
done

# The guest as a whole: it must have finished, cleanly.
health=()
grep -qx done "$res" || health+=("no 'done' on the result port (crash, hang or timeout; qemu exit $qrc)")
[ "$qrc" = 124 ] && health+=("timed out")
if bad=$("$here/scan-log.sh" "$con"); then :; else
	health+=("kernel log: $(echo "$bad" | head -n 3 | tr '\n' '|')")
fi
leaks=$(sed -n 's/^kmemleak //p' "$res")
[ -n "$leaks" ] && [ "$leaks" != 0 ] && health+=("kmemleak: $leaks unreferenced objects")
if [ ${#health[@]} -eq 0 ]; then
	say PASS "vm/$kname/guest-health"
else
	say FAIL "vm/$kname/guest-health: ${health[*]}"
	echo "--- last lines of $con:" >&2
	tail -n 40 "$con" >&2
fi
exit $failed
