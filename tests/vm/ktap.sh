#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ktap.sh SUITE < KTAP: turn one suite's KTAP results into "PASS|FAIL|SKIP
# kunit/SUITE/CASE" lines.  A suite whose plan and results disagree, whose
# own result line is "not ok", or that has no cases at all, fails as a whole.
set -u
suite=$1
awk -v suite="$suite" '
function emit(v, n) { print v " kunit/" suite "/" n; if (v == "FAIL") bad = 1 }
/^[ \t]+1\.\.[0-9]+/ { sub(/^[ \t]+1\.\./, ""); plan = $0 + 0; next }
/^[ \t]+(not )?ok [0-9]+ / {
	line = $0
	sub(/^[ \t]+/, "", line)
	v = (line ~ /^not ok/) ? "FAIL" : "PASS"
	sub(/^(not )?ok [0-9]+ (- )?/, "", line)
	if (line ~ /# *SKIP/) v = "SKIP"
	sub(/ *#.*$/, "", line)
	emit(v, line)
	cases++
	next
}
/^(not )?ok [0-9]+ / { top = ($0 ~ /^not ok/) ? "not ok" : "ok"; next }
END {
	if (cases == 0) { emit("FAIL", "(no test cases reported)") }
	else if (plan != cases) { emit("FAIL", "(plan " plan ", reported " cases ")") }
	else if (top == "not ok") { emit("FAIL", "(suite result not ok)") }
	else if (top == "") { emit("FAIL", "(no suite result line)") }
	exit bad
}'
