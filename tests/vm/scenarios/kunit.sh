# SPDX-License-Identifier: GPL-2.0-only
#
# KUnit suites (debug kernel only): load each suite module, hand its KTAP
# results to the host, which parses them, and unload it again.

[ -d /sys/kernel/debug/kunit ] || skip "kernel without KUnit"
n=0
for ko in "$MODDIR"/*_kunit.ko; do
	[ -e "$ko" ] || continue
	m=$(basename "$ko" .ko)
	insmod "$ko" || fail "insmod $m"
	for r in /sys/kernel/debug/kunit/*/results; do
		suite=$(basename "$(dirname "$r")")
		case $suite in hvis_*) ;; *) continue ;; esac
		report_lines "ktap $suite" <"$r"
		n=$((n + 1))
	done
	rmmod "$m" || fail "rmmod $m"
done
[ $n -gt 0 ] || fail "no KUnit suite ran"
exit 0
