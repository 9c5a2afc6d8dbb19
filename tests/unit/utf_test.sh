#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The one UTF-16LE/UTF-8 converter (drivers/ic/utf.c, in hvis_ic and in
# hvsim), built in userspace as tools/Makefile builds it and driven by
# utf_cases.c: surrogate pairs, invalid and overlong sequences, strings
# that do not fit, truncation.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
T=unit/utf

if ! ${CC:-cc} -O1 -g -Wall -Wextra -Werror -std=gnu11 -I"$top/include" \
	-o "$tmp/utf_cases" "$top/tests/unit/utf_cases.c" "$top/drivers/ic/utf.c" \
	>"$tmp/cc.log" 2>&1; then
	echo "FAIL $T/build"
	cat "$tmp/cc.log"
	exit 1
fi
echo "PASS $T/build"
"$tmp/utf_cases"
