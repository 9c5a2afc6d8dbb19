#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Userspace unit tests: every tests/unit/*_test.sh, each printing
# "PASS|FAIL name" lines.  Exits non-zero if any failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
rc=0
for t in "$here"/*_test.sh; do
	bash "$t" || rc=1
done
exit $rc
