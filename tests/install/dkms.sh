#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# DKMS, the way an admin uses it, into a staging root per matrix kernel:
#
#   dkms.sh [KERNEL...]        default: 5.10 6.1 6.12 with their cloud and rt
#                              flavours, and newest
#
# For each kernel, scripts/dkms-stage.sh installs hvis with plain DKMS
# into ROOT (build/dkms/KERNEL/root) next to the kernel's own drivers/hv,
# the build made with W=1 -Werror (KMAKEVARS, which our Makefile takes from
# the environment): for the cloud and rt flavours this is the W=1 build
# make check has, and a plain build succeeds wherever this one does;
# then the checks an admin would make (dkms status, updates/dkms,
# vermagic, signer, aliases, in-tree modules untouched, uninstall), and
# for the kernels we boot (the generic flavours: cloud and rt are headers
# only in the matrix) a VM with that /lib/modules tree, in which
# tests/vm/install/dkms_modprobe.sh loads everything with modprobe and by
# MODALIAS as udev does.
# Prints "PASS|FAIL|INFO ..." lines; exits non-zero if anything failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
ks=${*:-5.10 5.10-cloud 5.10-rt 6.1 6.1-cloud 6.1-rt 6.12 6.12-cloud 6.12-rt newest}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
mods="hvis_vmbus hvis_ic hvis_ic_vmbus hvis_ic_hv hvis_heartbeat hvis_shutdown hvis_timesync hvis_kvp
	hvis_vss hvis_fcopy"
nmods=$(echo $mods | wc -w)
failed=0

pass() { echo "PASS dkms/$k/$*"; }
fail() {
	echo "FAIL dkms/$k/$*"
	failed=1
}
check() { # check NAME COMMAND...: PASS or FAIL NAME by the command's status
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

dk() { scripts/dkms-stage.sh -c "$root" "$@"; }

# The module files DKMS installed (it compresses them where the kernel does).
installed() { find "$lm/updates/dkms" -name 'hvis_*.ko*' 2>/dev/null | sort; }

for k in $ks; do
	eval "$(scripts/kernels.sh env "$k")" || { fail "env"; continue; }
	root=$top/build/dkms/$k/root
	lm=$root/lib/modules/$KREL
	log=$root.log
	t0=$(date +%s)
	if KMAKEVARS="$MAKEVARS W=1 KCFLAGS=-Werror" scripts/dkms-stage.sh "$k" "$root"; then
		pass "install ($KREL, built with W=1 -Werror)"
	else
		fail "install ($KREL, see $log)"
		continue
	fi
	grep '^dkms-stage:' "$log" | sed "s|^dkms-stage:|INFO dkms/$k:|"
	# The kernel's own modules, as its package has them.
	intree_sum=
	[ -z "$MODDIR" ] ||
		intree_sum=$(cd "$MODDIR" && find kernel/drivers/hv -type f -exec sha256sum {} + | sort)
	echo "INFO dkms/$k: add+build+install $(($(date +%s) - t0)) s"
	# The probes must find the kernel's Hyper-V support on every Debian
	# kernel, or hvis would refuse real Hyper-V there.  (No grep -q: under
	# pipefail, nm killed by SIGPIPE would read as a miss.)
	built=$root/var/lib/dkms/hvis/$ver/$KREL/x86_64/module/hvis_vmbus.ko
	check "real-backend (hvis_real_hypercall in the built hvis_vmbus)" eval \
		'nm "$built" | grep " hvis_real_hypercall\$" >/dev/null'

	st=$(dk status -m hvis -v "$ver" -k "$KREL" 2>&1)
	check "status-installed" grep -q "^hvis/$ver, $KREL, x86_64: installed" <<<"$st"
	n=0
	for m in $mods; do
		f=$(installed | grep "/$m\.ko")
		[ -n "$f" ] && n=$((n + 1))
	done
	check "$nmods-modules-in-updates-dkms ($n of $nmods)" [ "$n" = "$nmods" ]
	# Nothing else: never the simulator, the tests, or an hv_* name.
	check "nothing-but-the-$nmods" [ "$(installed | wc -l)" = "$nmods" ]
	bad=
	for f in $(installed); do
		vm=$(modinfo -F vermagic "$f")
		[ "${vm%% *}" = "$KREL" ] || bad="$bad $(basename "$f"):vermagic=${vm%% *}"
		# Signed by DKMS's key (ROOT/var/lib/dkms/mok.pub, made on first use).
		[ -n "$(modinfo -F signer "$f")" ] || bad="$bad $(basename "$f"):unsigned"
	done
	check "vermagic-and-signature${bad:+ ($bad)}" [ -z "$bad" ]
	echo "INFO dkms/$k: signer '$(modinfo -F signer "$(installed | head -n1)")'"
	check "in-tree-modules-untouched" [ "$intree_sum" = \
		"$(cd "$lm" && find kernel -type f -exec sha256sum {} + 2>/dev/null | sort)" ]

	# What modprobe and udev will make of the tree.
	mp() { modprobe -d "$root" -S "$KREL" "$@"; }
	# A binding brings its bus, the framework and (softdep) the services.
	deps=$(mp --show-depends hvis_ic_vmbus 2>&1)
	check "modprobe-resolves-dependencies" eval \
		'grep -q "updates/dkms/hvis_vmbus.ko" <<<"$deps" &&
		 grep -q "updates/dkms/hvis_ic.ko" <<<"$deps" &&
		 grep -q "updates/dkms/hvis_kvp.ko" <<<"$deps"'
	# Where the staging root has the kernel's own modules (not for the
	# flavours, whose modules package is not fetched), the kernel's bus
	# binding resolves to them and never to hvis_vmbus.
	if [ -n "$MODDIR" ]; then
		deps=$(mp --show-depends hvis_ic_hv 2>&1)
		check "kernel-bus-binding-uses-hv_vmbus" eval \
			'grep -q "kernel/drivers/hv/hv_vmbus.ko" <<<"$deps" &&
			 ! grep -q "updates/dkms/hvis_vmbus.ko" <<<"$deps"'
	fi
	# A service and its bus's binding answer each alias.  hvis's bus's
	# aliases load hvis alone; the kernel's bus's (vmbus:) also match
	# hv_utils, which hvis-dkms blacklists.
	bad=
	for f in $(installed | grep -v -e hvis_vmbus -e 'hvis_ic\.ko'); do
		m=$(basename "${f%%.ko*}")
		for a in $(modinfo -F alias "$f"); do
			r=$(mp --show-depends "$a" 2>&1)
			grep -q "/$m.ko" <<<"$r" || bad="$bad $a:$m-unresolved"
			case $a in
			hvis_vmbus:*)
				grep -q "/hvis_ic_vmbus.ko" <<<"$r" || bad="$bad $a:no-binding"
				grep -q '/hv_[a-z]*\.ko' <<<"$r" && bad="$bad $a:pulls-in-tree"
				;;
			vmbus:*) grep -q "/hvis_ic_hv.ko" <<<"$r" || bad="$bad $a:no-binding" ;;
			*) bad="$bad $a:unknown-form" ;;
			esac
		done
	done
	[ "$(modinfo -F alias "$lm"/updates/dkms/hvis_ic_hv.ko* | wc -l)" = 6 ] ||
		bad="$bad hvis_ic_hv:not-six-classes"
	check "aliases-load-only-hvis${bad:+ ($bad)}" [ -z "$bad" ]
	if [ -n "$MODDIR" ]; then
		# The control: upstream's alias form (Heartbeat's class bytes) does
		# resolve to the in-tree hv_utils here, so the test above can fail.
		r=$(mp --show-depends vmbus:394f16571591784eab55382f3bd5422d 2>&1)
		check "control-upstream-alias-pulls-hv_utils" grep -q '/hv_utils\.ko' <<<"$r"
	fi

	# Uninstall takes exactly our modules away; install puts them back.
	dk uninstall -m hvis -v "$ver" -k "$KREL" --no-depmod >>"$log" 2>&1
	check "uninstall-removes-modules" [ -z "$(installed)" ]
	check "uninstall-keeps-in-tree-modules" [ "$intree_sum" = \
		"$(cd "$lm" && find kernel -type f -exec sha256sum {} + 2>/dev/null | sort)" ]
	dk install -m hvis -v "$ver" -k "$KREL" --kernelsourcedir "$KDIR" --no-depmod >>"$log" 2>&1 &&
		depmod -b "$root" "$KREL"
	check "reinstall" [ "$(installed | wc -l)" = "$nmods" ]

	# Boot it: the simulated host comes from the developer build (DKMS never
	# ships it), everything else from the installed tree.
	[ -n "$VMLINUZ" ] || continue
	sim=$top/build/dkms/$k/sim
	mkdir -p "$sim"
	cp "$top/build/$k/src/drivers/sim/hvis_sim.ko" "$sim/" 2>/dev/null ||
		{ fail "vm (no build/$k/src/drivers/sim/hvis_sim.ko: build the modules first)"; continue; }
	HVIS_VM_MODS=$sim tests/vm/run.sh -r "$root" -o "$top/build/vm/$k-dkms" "$k" dkms_modprobe ||
		failed=1
done
exit $failed
