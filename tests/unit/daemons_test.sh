#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The KVP, VSS and file-copy daemons against a kernel played by
# daemons_kernel.c over socket pairs: no VM, no char device, and nothing
# is really frozen (VSS runs with -X or on /proc only).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Only our three programs: another tool's build trouble is not ours.
if ! make -s -C "$top/tools" bin/hvis-kvp-daemon bin/hvis-vss-daemon \
	bin/hvis-fcopy-daemon >"$tmp/build.log" 2>&1; then
	echo "FAIL unit/daemons/build"
	cat "$tmp/build.log"
	exit 1
fi
if ! ${CC:-cc} -O1 -g -Wall -Wextra -Werror -std=gnu11 -I"$top/include/uapi" \
	-o "$tmp/daemons_kernel" "$top/tests/unit/daemons_kernel.c" >"$tmp/cc.log" 2>&1; then
	echo "FAIL unit/daemons/test-driver-build"
	cat "$tmp/cc.log"
	exit 1
fi
mkdir "$tmp/t"
"$tmp/daemons_kernel" "$top/tools/bin" "$tmp/t"
