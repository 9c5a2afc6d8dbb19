#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# debian/hvis-vmbus-load, which hvis-vmbus.service runs at boot on Hyper-V
# guests: it loads hvis_vmbus only where no VMBus driver is up and the
# kernel has none of its own, or has it blacklisted.  modinfo and modprobe
# are stand-ins that record what they were asked.
set -u
here=$(cd "$(dirname "$0")" && pwd)
script=$here/../../debian/hvis-vmbus-load
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
rc=0

mkdir -p "$t/bin"
cat >"$t/bin/modinfo" <<'STUB'
#!/bin/sh
[ -e "$T/has-hv_vmbus" ] && [ "$2" = hv_vmbus ] && { echo /lib/modules/x/hv_vmbus.ko; exit 0; }
exit 1
STUB
cat >"$t/bin/modprobe" <<'STUB'
#!/bin/sh
if [ "$1" = -c ]; then cat "$T/modprobe.conf" 2>/dev/null; exit 0; fi
echo "$*" >>"$T/loaded"
STUB
chmod +x "$t/bin/"*

case_() { # NAME EXPECT(load|none) SETUP...
	local name=$1 want=$2
	shift 2
	rm -rf "$t/sys" "$t/loaded" "$t/has-hv_vmbus" "$t/modprobe.conf"
	"$@"
	out=$(T=$t PATH=$t/bin:$PATH HVIS_VMBUS_SYSFS=$t/sys/bus/vmbus sh "$script" 2>&1)
	got=none
	grep -qx hvis_vmbus "$t/loaded" 2>/dev/null && got=load
	if [ "$got" = "$want" ]; then
		echo "PASS unit/vmbus-load/$name"
	else
		echo "FAIL unit/vmbus-load/$name (wanted $want, got $got: $out)"
		rc=1
	fi
}
nothing() { :; }
bus_up() { mkdir -p "$t/sys/bus/vmbus"; }
intree() { touch "$t/has-hv_vmbus"; }
intree_blacklisted() { intree; echo "blacklist hv_vmbus" >"$t/modprobe.conf"; }

case_ kernel-without-vmbus-loads-hvis load nothing
case_ bus-already-up-loads-nothing none bus_up
case_ kernel-with-hv_vmbus-loads-nothing none intree
case_ hv_vmbus-blacklisted-loads-hvis load intree_blacklisted
exit $rc
