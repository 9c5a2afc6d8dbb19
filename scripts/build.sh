#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the modules for one kernel tree, out of the source directory:
#   build.sh KDIR OUTDIR [make variables...]
# The sources are mirrored into OUTDIR/src (Kbuild builds in place, and one
# checkout serves the whole matrix), the compile probes write
# OUTDIR/hvis_config.h, then Kbuild runs with that header.
set -euo pipefail

kdir=$1 out=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)

[ -e "$kdir/Makefile" ] || {
	echo "build.sh: no kernel build tree at $kdir (set KDIR, or see 'make kernels')" >&2
	exit 1
}
mkdir -p "$out/src"
out=$(cd "$out" && pwd)

# Only sources travel; objects already in OUTDIR/src stay for incremental
# builds.  The DKMS sources have no tests/ and no drivers/sim/, and a DKMS
# machine need not have rsync.
srcs=()
for d in Kbuild include drivers tests; do [ -e "$top/$d" ] && srcs+=("$top/$d"); done
if command -v rsync >/dev/null; then
	rsync -a --delete --include='*/' --include='*.[ch]' --include='Kbuild' \
		--exclude='*' "${srcs[@]}" "$out/src/"
else
	(cd "$top" && find "${srcs[@]#"$top"/}" \( -name '*.[ch]' -o -name Kbuild \) -print0 |
		tar -cf - --null -T -) | tar -xf - -C "$out/src"
fi
[ -d "$out/src/tests" ] &&
	find "$out/src/tests" -mindepth 1 -maxdepth 1 ! -name kunit ! -name modules -exec rm -rf {} +

"$top/scripts/probe.sh" "$kdir" "$out/hvis_config.h" "$@"

version=$(git -C "$top" describe --always --dirty 2>/dev/null || true)
# Parallel always: DKMS calls us from a make whose jobserver a plain
# recipe line does not pass on (the sub-make would fall back to -j1).
make -j"${JOBS:-$(nproc)}" -C "$kdir" M="$out/src" HVIS_CONFIG="$out/hvis_config.h" \
	HVIS_VERSION="$version" "$@" modules
