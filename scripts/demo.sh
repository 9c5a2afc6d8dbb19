#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: boot a VM (Debian's 6.1 kernel, QEMU TCG) with the simulated
# Hyper-V host and show hvis at work.  Installs and fetches what it needs.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
k=${1:-6.1}
echo "Preparing kernel $k and building (first time: a few minutes)..."
eval "$(scripts/kernels.sh env "$k")"
scripts/build.sh "$KDIR" "build/$k" $MAKEVARS >"build/demo-build.log" 2>&1 ||
	{ tail -n 20 build/demo-build.log; exit 1; }
make -s -C tools
echo "Booting the VM..."
verdict=$(tests/vm/run.sh -o build/vm/demo "$k" demo) || true
tr -d '\r' <build/vm/demo/console.log | sed -n '/^=== scenario demo/,$p' |
	grep -v -e '^=== ' -e '^\[' -e 'hvis-test: mark'
echo
echo "$verdict" | grep -q '^PASS vm/.*/demo$' || { echo "$verdict"; exit 1; }
echo "Demo finished; the whole console is in build/vm/demo/console.log."
