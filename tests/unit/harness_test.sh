#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The VM harness's judges (scan-log.sh, ktap.sh, verdict.sh) on recorded
# guest output: every kind of kernel trouble must fail a run, a clean run
# must pass, and KTAP must be read case by case.
set -u
vm=$(cd "$(dirname "$0")/../vm" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0

check() { # check NAME CONDITION...
	local name=$1
	shift
	if "$@" >/dev/null; then
		echo "PASS unit/harness/$name"
	else
		echo "FAIL unit/harness/$name"
		rc=1
	fi
}

clean_log='[    1.0] Run /init as init process
=== scenario vmbus_refuse
[    1.5] hvis_vmbus: not loading: no Hyper-V hypervisor found
[    1.9] reboot: Power down'
printf '%s\n' "$clean_log" >"$tmp/clean"
check scan-clean-log-passes "$vm/scan-log.sh" "$tmp/clean"

i=0
while IFS= read -r bad; do
	i=$((i + 1))
	printf '%s\n%s\n' "$clean_log" "$bad" >"$tmp/bad$i"
	check "scan-catches-$(echo "$bad" | sed 's/^\[[^]]*\] //' | tr -cs 'a-zA-Z0-9\n' '-' | cut -c1-32)" \
		eval '! "$vm/scan-log.sh" "$tmp/bad$i"'
done <<'EOF2'
[    2.1] WARNING: CPU: 0 PID: 61 at drivers/vmbus/main.c:70 hvis_vmbus_init+0x1/0x2
[    2.1] BUG: KASAN: slab-out-of-bounds in hvis_ring_read+0x1c/0x90
[    2.1] BUG: kernel NULL pointer dereference, address: 0000000000000008
[    2.1] Kernel panic - not syncing: Fatal exception
[    2.1] WARNING: possible circular locking dependency detected
[    2.1] kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
[    2.1] INFO: task insmod:71 blocked for more than 120 seconds.
[    2.1] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [insmod:71]
[    2.1] UBSAN: array-index-out-of-bounds in drivers/vmbus/ring.c:40:9
[    2.1] BUG: sleeping function called from invalid context at mm/slab.h:723
[    2.1] Call Trace:
EOF2

ktap_ok='KTAP version 1
1..1
    KTAP version 1
    # Subtest: hvis_guid
    1..3
    ok 1 guid_a
    ok 2 - guid_b
    ok 3 guid_c # SKIP not on this kernel
ok 1 hvis_guid'
out=$(printf '%s\n' "$ktap_ok" | "$vm/ktap.sh" hvis_guid)
check ktap-pass-lines [ "$out" = "PASS kunit/hvis_guid/guid_a
PASS kunit/hvis_guid/guid_b
SKIP kunit/hvis_guid/guid_c" ]

out=$(printf '%s\n' "$ktap_ok" | sed 's/ok 2 - guid_b/not ok 2 - guid_b/; s/^ok 1 hvis/not ok 1 hvis/' |
	"$vm/ktap.sh" hvis_guid)
check ktap-failed-case [ "$(echo "$out" | grep -c '^FAIL kunit/hvis_guid/guid_b$')" = 1 ]

out=$(printf '%s\n' "$ktap_ok" | grep -v 'ok 3' | "$vm/ktap.sh" hvis_guid)
check ktap-short-plan eval 'echo "$out" | grep -q "^FAIL kunit/hvis_guid/(plan 3, reported 2)"'

out=$(printf 'KTAP version 1\n1..1\n' | "$vm/ktap.sh" hvis_guid)
check ktap-no-cases eval 'echo "$out" | grep -q "^FAIL kunit/hvis_guid/(no test cases reported)"'

out=$(printf '%s\n' "$ktap_ok" | grep -v '^ok 1 hvis' | "$vm/ktap.sh" hvis_guid)
check ktap-truncated eval 'echo "$out" | grep -q "^FAIL kunit/hvis_guid/(no suite result line)"'

# verdict.sh on a whole run directory.
mkrun() { # mkrun DIR RESULT-LINES CONSOLE-FILE
	mkdir -p "$1"
	printf '%b' "$2" >"$1/result.log"
	cp "$3" "$1/console.log"
}
mkrun "$tmp/r1" 'boot x\r\nscenario a pass\r\nscenario b skip\r\nkmemleak 0\r\ndone\r\n' "$tmp/clean"
out=$("$vm/verdict.sh" k "$tmp/r1" 0)
check verdict-clean-run [ "$out" = "PASS vm/k/a
SKIP vm/k/b
PASS vm/k/guest-health" ]

mkrun "$tmp/r2" 'boot x\nscenario a pass\n' "$tmp/clean"
check verdict-no-done-fails eval '! "$vm/verdict.sh" k "$tmp/r2" 0 2>/dev/null | grep -q "^PASS vm/k/guest-health"'

mkrun "$tmp/r3" 'boot x\nscenario a pass\nkmemleak 2\ndone\n' "$tmp/clean"
check verdict-kmemleak-fails eval '"$vm/verdict.sh" k "$tmp/r3" 0 2>/dev/null | grep -q "^FAIL vm/k/guest-health.*kmemleak: 2"'

mkrun "$tmp/r4" 'boot x\nscenario a pass\ndone\n' "$tmp/bad1"
check verdict-warn-fails eval '"$vm/verdict.sh" k "$tmp/r4" 0 2>/dev/null | grep -q "^FAIL vm/k/guest-health.*WARNING"'

mkrun "$tmp/r5" 'boot x\nscenario a fail (exit 1)\ndone\n' "$tmp/clean"
check verdict-scenario-fails eval '! "$vm/verdict.sh" k "$tmp/r5" 0 >/dev/null 2>&1'

# A scenario that was asked for and never reported (the guest went down
# in the middle of it) fails by name.
mkrun "$tmp/r6" 'boot x\nscenario a pass\ndone\n' "$tmp/clean"
printf 'a\nb\n' >"$tmp/r6/order"
check verdict-missing-scenario-fails eval '"$vm/verdict.sh" k "$tmp/r6" 0 2>/dev/null | grep -q "^FAIL vm/k/b (no result)"'

exit $rc
