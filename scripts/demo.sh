#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: install hvis with DKMS for Debian's 6.1 kernel (into a staging
# root), boot that kernel in QEMU (TCG) with the simulated Hyper-V host,
# and show the main job: modprobe, lsvmbus, the host's view of the
# services, a KVP exchange, a Copy-VMFile, a time sync, and a graceful
# shutdown from the host.  Fetches and builds what it needs the first time.
#
#   demo.sh [KERNEL]      5.10, 6.1 (default) or 6.12
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
k=${1:-6.1}
mkdir -p build
echo "== Kernel $k: fetching and preparing it (first time: a few minutes)"
scripts/kernels.sh prepare "$k" >build/demo-prepare.log 2>&1 ||
	{ tail -n 20 build/demo-prepare.log; exit 1; }
eval "$(scripts/kernels.sh env "$k")"
echo "== Building the simulated host (a test module, never installed) and the tools"
scripts/build.sh "$KDIR" "build/$k" $MAKEVARS >build/demo-build.log 2>&1 ||
	{ tail -n 20 build/demo-build.log; exit 1; }
make -s -C tools >>build/demo-build.log 2>&1 || { tail -n 20 build/demo-build.log; exit 1; }

echo "== dkms add, build, install for $KREL (into build/demo/root, as on a guest)"
scripts/dkms-stage.sh "$k" build/demo/root
scripts/dkms-stage.sh -c build/demo/root status -m hvis -k "$KREL"
mkdir -p build/demo/sim
cp "build/$k/src/drivers/sim/hvis_sim.ko" build/demo/sim/

echo "== Booting $KREL with that /lib/modules (QEMU, software emulation)"
verdict=$(HVIS_VM_MODS=$top/build/demo/sim tests/vm/run.sh -r build/demo/root \
	-o build/vm/demo "$k" demo) || true
# The scenario's own lines, and the kernel's last words.
tr -d '\r' <build/vm/demo/console.log | sed -n '/^=== scenario demo/,$p' |
	grep -v -e '^=== scenario' -e 'hvis-test: mark' |
	sed -E -n '/^\[/{/(host asked|reboot: Power down)/s/^\[[^]]*\] /  kernel: /p;d};p'
echo
if echo "$verdict" | grep -q '^PASS vm/demo/demo$' && ! echo "$verdict" | grep -q '^FAIL'; then
	echo "Demo finished; the whole console is in build/vm/demo/console.log."
else
	echo "$verdict"
	exit 1
fi
