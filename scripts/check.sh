#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check: static checks, userspace unit tests, VM scenarios and KUnit,
# ending with one line "N passed, N failed".
#
#   check.sh [KERNEL...]    default: the whole matrix
#
# Static checks (W=1 -Werror builds) run for every named kernel and, for a
# stock series, its cloud and rt flavours; sparse for each named kernel;
# checkpatch once.  VM scenarios run on the bootable ones (5.10 6.1 6.12
# debug); KUnit runs inside the debug kernel's VM.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
ks=${*:-5.10 6.1 6.12 debug newest}
logs=$top/build/check
rm -rf "$logs" && mkdir -p "$logs"
results=$logs/results
: >"$results"
t0=$(date +%s)

record() { # record PASS|FAIL|SKIP name [detail]
	echo "$*" >>"$results"
	echo "$*"
}
stage() { printf '\n== %s (%ds)\n' "$*" $(($(date +%s) - t0)); }
logname() { echo "$logs/$(echo "$*" | tr '/ ' '__').log"; }

# Record the PASS/FAIL/SKIP lines a command prints; a failing command that
# printed no FAIL line is a failure of NAME.
run_lines() { # run_lines NAME command...
	local name=$1 log
	shift
	log=$(logname "$name")
	"$@" >"$log" 2>&1
	local rc=$?
	grep -E '^(PASS|FAIL|SKIP) ' "$log" | while read -r l; do record $l; done
	grep '^INFO ' "$log"
	if [ $rc != 0 ] && ! grep -q '^FAIL ' "$log"; then
		record FAIL "$name (exit $rc, see $log)"
		tail -n 20 "$log"
	fi
}

expand() { # the static-check names for the kernels asked for
	local k
	for k in $ks; do
		case $k in
		5.10 | 6.1 | 6.12) echo "$k $k-cloud $k-rt" ;;
		*) echo "$k" ;;
		esac
	done
}

stage "kernels"
for k in $(expand); do
	scripts/kernels.sh prepare "$k" >"$(logname "prepare $k")" 2>&1 ||
		{ record FAIL "kernel/$k (cannot prepare, see $(logname "prepare $k"))"; }
done

stage "W=1 -Werror builds"
for k in $(expand); do
	log=$(logname "build $k")
	if env_out=$(scripts/kernels.sh env "$k" 2>/dev/null) && eval "$env_out" &&
		scripts/build.sh "$KDIR" "build/$k" $MAKEVARS W=1 KCFLAGS=-Werror >"$log" 2>&1; then
		record PASS "build/$k ($KREL)"
		# The probes must find the kernel's Hyper-V support on every Debian
		# kernel, or hvis would refuse real Hyper-V there.
		if [ "$k" != debug ]; then
			# No grep -q: under pipefail, nm killed by SIGPIPE would read as a miss.
			if nm "build/$k/src/drivers/vmbus/hvis_vmbus.ko" |
				grep ' hvis_real_hypercall$' >/dev/null; then
				record PASS "real-backend/$k"
			else
				record FAIL "real-backend/$k (compiled out: a probe missed the kernel's Hyper-V API)"
			fi
		fi
	else
		record FAIL "build/$k (see $log)"
		tail -n 20 "$log"
	fi
done

stage "sparse"
for k in $ks; do
	[ -d "build/$k/src" ] || continue
	log=$(logname "sparse $k")
	eval "$(scripts/kernels.sh env "$k")"
	make -C "$KDIR" M="$top/build/$k/src" HVIS_CONFIG="$top/build/$k/hvis_config.h" \
		$MAKEVARS C=2 CHECK=sparse modules >"$log" 2>&1
	# Only what sparse says about our own files counts.
	if grep -q 'sparse is not available or not up to date' "$log"; then
		record SKIP "sparse/$k (this kernel needs a newer sparse than Debian 12 has)"
	elif grep -E "(^|/)(drivers|tests/kunit|include/hvis)/[^:]*:[0-9]+:[0-9]+: (warning|error):" "$log"; then
		record FAIL "sparse/$k"
	elif ! grep -q '^  CHECK ' "$log"; then
		record FAIL "sparse/$k (sparse did not run, see $log)"
	else
		record PASS "sparse/$k"
	fi
done

stage "checkpatch --strict"
cp_pl=$(ls -d "${HVIS_CACHE:-/var/cache/hvis}"/src/linux-source-6.1_*/linux/scripts/checkpatch.pl 2>/dev/null | head -n1)
if [ -z "$cp_pl" ]; then
	scripts/kernels.sh prepare debug >/dev/null 2>&1
	cp_pl=$(ls -d "${HVIS_CACHE:-/var/cache/hvis}"/src/linux-source-6.1_*/linux/scripts/checkpatch.pl | head -n1)
fi
for f in $(git ls-files '*.c' '*.h' | grep -v -E '^(tools|tests/unit|tests/vm/progs)/'); do
	# --terse prints one "FILE:LINE: TYPE:..." line per finding.
	out=$(perl "$cp_pl" --strict --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f "$f" 2>&1 | grep -E "^$f:[0-9]+: ")
	if [ -z "$out" ]; then
		record PASS "checkpatch/$f"
	else
		echo "$out"
		record FAIL "checkpatch/$f"
	fi
done

stage "tools"
if make -C tools >"$(logname tools)" 2>&1; then
	record PASS "tools/build"
else
	record FAIL "tools/build (see $(logname tools))"
fi

stage "userspace unit tests"
run_lines unit tests/unit/run.sh

# in_order FILE PATTERN...: the patterns match lines of FILE in this order.
in_order() {
	local f=$1 p line=0 n
	shift
	for p in "$@"; do
		n=$(tail -n +$((line + 1)) "$f" | grep -n -m1 -E "$p" | cut -d: -f1)
		[ -n "$n" ] || return 1
		line=$((line + n))
	done
}

stage "VM scenarios"
for k in $ks; do
	case $k in 5.10 | 6.1 | 6.12 | debug) ;; *) continue ;; esac
	[ -d "build/$k/src" ] || { record FAIL "vm/$k (modules did not build)"; continue; }
	# The run ends with the host shutting the guest down.
	run_lines "vm/$k" tests/vm/run.sh "$k" @all ic_poweroff
	echo "   $k: VM run $(cat "build/vm/$k/seconds" 2>/dev/null)s"
	if in_order "build/vm/$k/console.log" 'the host asked for a poweroff' \
		'init: orderly poweroff requested' 'reboot: Power down'; then
		record PASS "ic/$k/host-shutdown-powers-off"
	else
		record FAIL "ic/$k/host-shutdown-powers-off (see build/vm/$k/console.log)"
	fi
	run_lines "vm/$k-reboot" tests/vm/run.sh -o "build/vm/$k-reboot" "$k" ic_reboot
	if in_order "build/vm/$k-reboot/console.log" 'the host asked for a reboot' \
		'init: orderly reboot requested' 'reboot: Restarting system'; then
		record PASS "ic/$k/host-restart-reboots"
	else
		record FAIL "ic/$k/host-restart-reboots (see build/vm/$k-reboot/console.log)"
	fi
done

stage "Linux's own drivers/hv on the simulated host"
for k in $ks; do
	case $k in 5.10 | 6.1 | 6.12) ;; *) continue ;; esac
	[ -d "build/$k/src" ] || continue
	log=$(logname "upstream build $k")
	# 6.12: Debian's hv_fcopy_uio_daemon for Copy-VMFile over uio_hv_generic.
	if [ "$k" = 6.12 ] && ! tests/upstream/fcopy-uio.sh >"$(logname fcopy-uio)" 2>&1; then
		record FAIL "upstream/6.12/fcopy-uio-daemon (cannot fetch, see $(logname fcopy-uio))"
	fi
	if tests/upstream/build.sh "$k" "build/upstream/$k" >"$log" 2>&1; then
		record PASS "upstream/$k/build ($(grep -c '\.ko$' "$log") modules from $(basename "$(dirname "$(scripts/kernels.sh source "$k")")"))"
	else
		record FAIL "upstream/$k/build (see $log)"
		tail -n 20 "$log"
		continue
	fi
	# The shim must have bent every way to the hypervisor onto hvis_sim:
	# no MSR or hypercall instruction, no use of the kernel's hypercall page.
	direct=$(for m in build/upstream/"$k"/drivers/*/*.ko; do
		objdump -d "$m" | grep -E -c '[[:space:]](rdmsr|wrmsr|vmcall|vmmcall)([[:space:]]|$)'
		nm -u "$m" | grep -c -w hv_hypercall_pg
	done | paste -sd+ | bc)
	if [ "$direct" = 0 ]; then
		record PASS "upstream/$k/no-direct-hypervisor-access"
	else
		record FAIL "upstream/$k/no-direct-hypervisor-access ($direct MSR or hypercall sites left)"
	fi
	run_lines "vm/$k-upstream" tests/vm/run.sh -o "build/vm/$k-upstream" "$k" @upstream up_poweroff
	echo "   $k: upstream VM run $(cat "build/vm/$k-upstream/seconds" 2>/dev/null)s"
	if in_order "build/vm/$k-upstream/console.log" 'hvis-test: upstream poweroff' \
		'hv_utils: Shutdown request received' 'init: orderly poweroff requested' \
		'reboot: Power down'; then
		record PASS "upstream/$k/host-shutdown-powers-off"
	else
		record FAIL "upstream/$k/host-shutdown-powers-off (see build/vm/$k-upstream/console.log)"
	fi
	# A panicking upstream guest posts UNLOAD and polls for the answer: the
	# host answers at once (the run itself ends in the panic, on purpose).
	tests/vm/run.sh -o "build/vm/$k-up-panic" "$k" up_panic >"$(logname "upstream panic $k")" 2>&1
	c=build/vm/$k-up-panic/console.log
	if in_order "$c" 'hvis-test: upstream panic' 'Kernel panic - not syncing' \
		'hvis_sim: guest posted type 16,' 'UNLOAD from a panicking guest answered' &&
		! grep -q 'Waiting for VMBus UNLOAD' "$c"; then
		record PASS "upstream/$k/unload-on-panic-answered"
	else
		record FAIL "upstream/$k/unload-on-panic-answered (see $c)"
	fi
done

stage "DKMS into a staging root, booted"
dk=$(for k in $(expand); do case $k in debug) ;; *) echo "$k" ;; esac; done)
[ -z "$dk" ] || run_lines dkms tests/install/dkms.sh $dk

case " $ks " in *" 6.1 "*)
	stage "Debian packages: build, install in a chroot, boot it with systemd"
	run_lines pkg tests/pkg/debian.sh
	;;
esac

case " $ks " in *" 6.1 "*)
	stage "make demo"
	if scripts/demo.sh 6.1 >"$(logname demo)" 2>&1; then
		record PASS "demo/6.1 (build/vm/demo/console.log)"
	else
		record FAIL "demo/6.1 (see $(logname demo))"
		tail -n 20 "$(logname demo)"
	fi
	;;
esac

case " $ks " in *" debug "*)
	stage "harness self-test"
	eval "$(scripts/kernels.sh env debug)"
	make -s -C "$KDIR" M="$top/tests/vm/selftest" $MAKEVARS modules >"$(logname selftest-build)" 2>&1
	mkdir -p build/debug/selftest && mv tests/vm/selftest/*.ko build/debug/selftest/ 2>/dev/null
	make -s -C "$KDIR" M="$top/tests/vm/selftest" clean >/dev/null 2>&1
	log=$(logname selftest-run)
	tests/vm/run.sh -x -o build/vm/selftest debug harness_warn >"$log" 2>&1
	rc=$?
	# The scenario itself says pass; only the harness can catch the WARN.
	if [ $rc != 0 ] && grep -q '^FAIL vm/selftest/guest-health.*WARNING' "$log"; then
		record PASS "harness/catches-a-WARN"
	else
		record FAIL "harness/catches-a-WARN (run.sh exit $rc, see $log)"
	fi
	;;
esac


# Runs that end the VM on purpose: UNLOAD must still reach the host.
case " $ks " in *" 6.1 "*)
	stage "UNLOAD on panic and restart"
	tests/vm/run.sh -x -o build/vm/unload_on_panic 6.1 unload_on_panic \
		>"$(logname unload-panic)" 2>&1
	if in_order build/vm/unload_on_panic/console.log 'Kernel panic - not syncing' \
		'hvis_sim: guest posted type 16,'; then
		record PASS "vmbus/unload-on-panic"
	else
		record FAIL "vmbus/unload-on-panic (see build/vm/unload_on_panic/console.log)"
	fi
	tests/vm/run.sh -x -o build/vm/unload_on_restart 6.1 unload_on_restart \
		>"$(logname unload-restart)" 2>&1
	if in_order build/vm/unload_on_restart/console.log 'hvis-test: restarting' \
		'hvis_sim: guest posted type 16,' 'reboot: Restarting system' &&
		! grep -q 'did not answer UNLOAD' build/vm/unload_on_restart/console.log; then
		record PASS "vmbus/unload-on-restart"
	else
		record FAIL "vmbus/unload-on-restart (see build/vm/unload_on_restart/console.log)"
	fi
	;;
esac

pass=$(grep -c '^PASS ' "$results")
fail=$(grep -c '^FAIL ' "$results")
skip=$(grep -c '^SKIP ' "$results")
stage "done"
if [ "$fail" != 0 ]; then
	echo "Failures:"
	grep '^FAIL ' "$results"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
