#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install hvis with DKMS into a staging root, for a matrix kernel:
#
#   dkms-stage.sh KERNEL ROOT          a fresh ROOT, then dkms add/build/install
#   dkms-stage.sh -c ROOT ARGS...      run "dkms ARGS" against ROOT's trees
#
# ROOT gets what a machine with that kernel and hvis-dkms installed has:
# /usr/src/hvis-VERSION (make dkms-src), the kernel's own drivers/hv and
# module lists in /lib/modules/KREL, DKMS's tree in /var/lib/dkms, and
# hvis under /lib/modules/KREL/updates/dkms, signed by DKMS, depmod'ed.
# DKMS runs unmodified; its trees point into ROOT, and ROOT/etc/dkms (the
# signing setup) is mounted over /etc/dkms in a private mount namespace,
# so the machine's own DKMS is never touched.  The log is ROOT.log.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

dk() { # dk ROOT ARGS...
	local root=$1
	shift
	unshare -m sh -c 'mount --bind "$0" /etc/dkms && exec "$@"' "$root/etc/dkms" \
		dkms "$@" --dkmstree "$root/var/lib/dkms" --sourcetree "$root/usr/src" \
		--installtree "$root/lib/modules"
}

if [ "${1:-}" = -c ]; then
	root=$(realpath "$2")
	shift 2
	dk "$root" "$@"
	exit
fi
[ $# = 2 ] || { echo "usage: dkms-stage.sh KERNEL ROOT | -c ROOT DKMS-ARGS..." >&2; exit 2; }
k=$1
root=$(realpath -m "$2")
command -v dkms >/dev/null || { echo "dkms-stage: no dkms (make deps installs it)" >&2; exit 1; }
eval "$("$top/scripts/kernels.sh" env "$k")"
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
lm=$root/lib/modules/$KREL
log=$root.log

rm -rf "$root" && mkdir -p "$lm" "$root/etc/dkms" "$root/var/lib/dkms"
: >"$log"
# The kernel as its package installs it: its own Hyper-V modules (which
# must stay untouched and never be pulled in by our aliases), its lists.
if [ -n "$MODDIR" ]; then
	mkdir -p "$lm/kernel/drivers"
	cp -r "$MODDIR/kernel/drivers/hv" "$lm/kernel/drivers/"
	cp "$MODDIR"/modules.builtin* "$MODDIR/modules.order" "$lm/"
else
	touch "$lm/modules.order" "$lm/modules.builtin" "$lm/modules.builtin.modinfo"
fi
depmod -b "$root" "$KREL"

make -s -C "$top" dkms-src DESTDIR="$root/usr/src/hvis-$ver"
# The kernel's own sign-file, unless it cannot run on this machine
# (bullseye's wants OpenSSL 1.1): then the 6.1 one, the same tool.
sf=$KDIR/scripts/sign-file
# (ldd's output whole first: under pipefail, grep -q closing the pipe early
# can make ldd die of SIGPIPE and the test read as false.)
if [ ! -x "$sf" ] || { ldd "$sf" 2>/dev/null || true; } | grep 'not found' >/dev/null; then
	sf=$(eval "$("$top/scripts/kernels.sh" env 6.1)" && echo "$KDIR/scripts/sign-file")
	echo "dkms-stage: $k's sign-file needs libraries this machine lacks; signing with $sf" \
		>>"$log"
fi
cat >"$root/etc/dkms/framework.conf" <<EOF
sign_file="$sf"
mok_signing_key="$root/var/lib/dkms/mok.key"
mok_certificate="$root/var/lib/dkms/mok.pub"
EOF

# dkms would run "depmod KREL" on the machine's own /lib/modules: depmod -b
# does that job for ROOT.
{
	dk "$root" add -m hvis -v "$ver" &&
		dk "$root" build -m hvis -v "$ver" -k "$KREL" --kernelsourcedir "$KDIR" &&
		dk "$root" install -m hvis -v "$ver" -k "$KREL" --kernelsourcedir "$KDIR" --no-depmod &&
		depmod -b "$root" "$KREL"
} >>"$log" 2>&1 || { tail -n 20 "$log" >&2; exit 1; }
