#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check: static checks, userspace unit tests, VM scenarios and KUnit,
# ending with one line "N passed, N failed".
#
#   check.sh [KERNEL...]    default: the whole matrix
#
# Static checks (W=1 -Werror builds with sparse) run for every named
# kernel, checkpatch once; the cloud and rt flavours of a stock series get
# their W=1 -Werror build from the DKMS stage, which builds them that way.  VM scenarios run on the bootable ones (5.10 6.1 6.12
# debug); KUnit runs inside the debug kernel's VM.
#
# A TCG VM run keeps less than one host core busy, so from the first VM
# run on the work goes in units (see unit_bg): VM runs and DKMS builds two
# at a time in the background (HVIS_CHECK_JOBS), beside what runs in the
# foreground; the debug kernel builds in the background from the start.
# Each unit's output and results are passed on in the order the units were
# started, never interleaved, so the output reads the same whatever ends
# first.
#
# The VM runs are declared by the scenarios that end them (tests/vm/ending/,
# and tests/vm/selftest/ for the harness's own), in header lines; a new
# ending is a new file, and nothing here changes:
#
#   # check-name: NAME            the result it records; %k is the kernel
#   # check-stage: STAGE          where it runs: vm, upstream, selftest, unload
#   # check-kernels: K...         on which kernels (of those asked for)
#   # check-first: SCENARIO...    what the same VM runs before it (@all, ...)
#   # check-dir: DIR              output in build/vm/DIR (default %k-FILE)
#   # check-options: OPTION...    for run.sh (-x)
#   # check-verdict: WHAT         the run's own results: record (the run
#                                 ends cleanly), ignore (it ends in a panic
#                                 on purpose) or fail (it must fail)
#   # expect-console: PATTERN     console lines, in this order (grep -E)
#   # expect-no-console: PATTERN  no console line may match
#   # expect-output: PATTERN      lines of run.sh's output, in this order
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
	# (In a unit, to the unit's results: ures, see unit_bg.)
	echo "$*" >>"${ures:-$results}"
	echo "$*"
}
logname() { echo "$logs/$(echo "$*" | tr '/ ' '__').log"; }

# --- units --------------------------------------------------------------------
# unit_bg runs a command in the background (at most $par at once), unit_fg
# runs one now; either way its output and results go to files of the unit,
# and flush passes them on (output to stdout, results to $results) once
# every unit started before it has been passed on.
par=${HVIS_CHECK_JOBS:-2}
udir=$logs/units
mkdir -p "$udir"
nu=0        # units started
nflushed=0  # units passed on
declare -A upid=() # running background units: pid -> unit
udone=()           # unit -> 1 once it has ended
declare -A kuse=() # kernel -> the background units that read build/KERNEL

flush() {
	while [ "$nflushed" -lt "$nu" ] && [ -n "${udone[$((nflushed + 1))]:-}" ]; do
		nflushed=$((nflushed + 1))
		cat "$udir/$nflushed.out"
		cat "$udir/$nflushed.res" >>"$results"
	done
}
reap() { # wait for one background unit to end
	local p=
	wait -n -p p "${!upid[@]}"
	if [ -z "$p" ]; then
		# (Not expected: wait -n found none of them. Wait for one by name.)
		for p in "${!upid[@]}"; do break; done
		wait "$p"
	fi
	udone[${upid[$p]}]=1
	unset "upid[$p]"
}
unit_bg() { # unit_bg COMMAND...
	while [ ${#upid[@]} -ge "$par" ]; do reap; done
	nu=$((nu + 1))
	: >"$udir/$nu.res"
	ures=$udir/$nu.res "$@" >"$udir/$nu.out" 2>&1 </dev/null &
	upid[$!]=$nu
	flush
}
unit_fg() { # unit_fg COMMAND...: its exit status
	local rc
	nu=$((nu + 1))
	: >"$udir/$nu.res"
	ures=$udir/$nu.res "$@" >"$udir/$nu.out" 2>&1 </dev/null
	rc=$?
	udone[nu]=1
	flush
	return $rc
}
await() { # await UNIT...: until these have ended
	local n
	for n; do
		while [ -z "${udone[$n]:-}" ]; do reap; done
	done
	flush
}
drain() {
	while [ ${#upid[@]} -gt 0 ]; do reap; done
	flush
}

# At most $par VM runs at once, the debug kernel's chain's included: more
# starve each other of the two cores (measured under other load: with
# three runs at once beside a build, 5.10's and 6.1's 180 s runs took
# 583 s and 600 s, run.sh's limit).  A FIFO holds one byte for each free slot.
mkfifo "$udir/slots"
exec 6<>"$udir/slots"
printf '%*s' "$par" '' | tr ' ' x >&6
vm_slot() { # vm_slot COMMAND...: COMMAND once a VM slot is free
	local rc
	read -r -n1 -u 6 _
	"$@"
	rc=$?
	printf x >&6
	return $rc
}

# The time is taken now, when the stage starts, not when its line is passed on.
stage() { unit_fg printf '\n== %s (%ds)\n' "$*" $(($(date +%s) - t0)); }

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

# sparse runs inside the W=1 build of each kernel asked for by name (C=2:
# every file, compiled now or not), so no file is compiled twice; the
# flavours build once, in the DKMS stage.
sparse_verdict() { # sparse_verdict KERNEL LOG
	# Only what sparse says about our own files counts.
	if grep -q 'sparse is not available or not up to date' "$2"; then
		record SKIP "sparse/$1 (this kernel needs a newer sparse than Debian 12 has)"
	elif grep -E "(^|/)(drivers|tests/kunit|include/hvis)/[^:]*:[0-9]+:[0-9]+: (warning|error):" "$2"; then
		record FAIL "sparse/$1"
	elif ! grep -q '^  CHECK ' "$2"; then
		record FAIL "sparse/$1 (sparse did not run, see $2)"
	else
		record PASS "sparse/$1"
	fi
}

w1_build() { # w1_build KERNEL
	local k=$1 log env_out
	log=$(logname "build $k")
	if env_out=$(scripts/kernels.sh env "$k" 2>/dev/null) && eval "$env_out" &&
		scripts/build.sh "$KDIR" "build/$k" $MAKEVARS W=1 KCFLAGS=-Werror \
			C=2 CHECK=sparse >"$log" 2>&1; then
		record PASS "build/$k ($KREL)"
		sparse_verdict "$k" "$log"
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
}

checkpatch() {
	local cp_pl d f out
	# Any unpacked linux-source-6.1 has the checkpatch.pl we use (.done:
	# kernels.sh may be unpacking one in the background); if none is, the
	# stock 6.1's source, which the upstream stage unpacks anyway.
	cp_pl=
	for d in "${HVIS_CACHE:-/var/cache/hvis}"/src/linux-source-6.1_*; do
		[ -e "$d/.done" ] && [ -e "$d/linux/scripts/checkpatch.pl" ] &&
			{ cp_pl=$d/linux/scripts/checkpatch.pl; break; }
	done
	[ -n "$cp_pl" ] ||
		cp_pl=$(scripts/kernels.sh source 6.1 2>"$(logname "checkpatch source")")/scripts/checkpatch.pl
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
}

# in_order FILE PATTERN...: the patterns match lines of FILE in this order.
in_order() {
	local f=$1 p line=0 n
	shift
	for p in "$@"; do
		n=$(tail -n +$((line + 1)) "$f" | grep -n -m1 -E -e "$p" | cut -d: -f1)
		[ -n "$n" ] || return 1
		line=$((line + n))
	done
}

# The declared runs (see the top), in file-name order.
ending_files() { ls tests/vm/ending/*.sh tests/vm/selftest/*.sh 2>/dev/null; }
hdr() { sed -n "s/^# $2: //p" "$1"; } # hdr FILE KEY: the values, one a line
endings() { # endings STAGE KERNEL: the files that run in STAGE on KERNEL
	local f
	for f in $(ending_files); do
		[ "$(hdr "$f" check-stage)" = "$1" ] || continue
		case " $(hdr "$f" check-kernels) " in *" $2 "*) echo "$f" ;; esac
	done
}

# run_ending FILE KERNEL: one VM run, ended by FILE's scenario; then what
# FILE expects of it.
run_ending() {
	local f=$1 k=$2 s name dir out log verdict rc=0 why=() p pats
	s=$(basename "$f" .sh)
	name=$(hdr "$f" check-name | sed "s/%k/$k/g")
	dir=$(hdr "$f" check-dir | sed "s/%k/$k/g")
	out=build/vm/${dir:-$k-$s}
	log=$(logname "vm/${dir:-$k-$s}")
	verdict=$(hdr "$f" check-verdict)
	[ -n "$name" ] || { name=check/$f; why+=("no check-name"); }
	# shellcheck disable=SC2046 # options and scenario names are words
	set -- tests/vm/run.sh $(hdr "$f" check-options) -o "$out" "$k" $(hdr "$f" check-first) "$s"
	case ${verdict:-record} in
	record) vm_slot run_lines "vm/${dir:-$k-$s}" "$@" ;;
	ignore | fail) vm_slot "$@" >"$log" 2>&1 || rc=$? ;;
	*) why+=("check-verdict '$verdict' in $f") ;;
	esac
	echo "   $k: $s VM run $(cat "$out/seconds" 2>/dev/null)s"

	[ "$verdict" != fail ] || [ $rc != 0 ] || why+=("run.sh passed, see $log")
	mapfile -t pats < <(hdr "$f" expect-console)
	[ ${#pats[@]} = 0 ] || in_order "$out/console.log" "${pats[@]}" ||
		why+=("see $out/console.log")
	while read -r p; do
		grep -q -E -e "$p" "$out/console.log" 2>/dev/null && why+=("console has '$p', see $out/console.log")
	done < <(hdr "$f" expect-no-console)
	mapfile -t pats < <(hdr "$f" expect-output)
	[ ${#pats[@]} = 0 ] || in_order "$log" "${pats[@]}" ||
		why+=("run.sh exit $rc, see $log")
	[ -n "$(hdr "$f" expect-console)$(hdr "$f" expect-output)" ] ||
		why+=("$f expects nothing of the console or of run.sh")
	if [ ${#why[@]} = 0 ]; then
		record PASS "$name"
	else
		record FAIL "$name ($(IFS=';'; echo "${why[*]}"))"
	fi
}

# run_endings STAGE KERNEL: every run declared for STAGE on KERNEL.
run_endings() {
	local f
	for f in $(endings "$1" "$2"); do
		unit_bg run_ending "$f" "$2"
		kuse[$2]+=" $nu"
	done
}

# vm_runs KERNEL [seq]: the vm stage's runs of KERNEL, as background units
# (seq: one after the other, here).
vm_runs() {
	local k=$1 f
	[ -n "$(endings vm "$k")" ] || return 0
	if [ ! -d "build/$k/src" ]; then
		if [ "${2:-}" = seq ]; then record FAIL "vm/$k (modules did not build)"; else
			unit_fg record FAIL "vm/$k (modules did not build)"; fi
		return 0
	fi
	if [ "${2:-}" = seq ]; then
		for f in $(endings vm "$k"); do run_ending "$f" "$k"; done
	else
		run_endings vm "$k"
	fi
}

# The modules only the harness's self-test loads, built outside the tree
# (tests/pkg/debian.sh asserts that nothing else changes it, and may be
# running meanwhile).
selftest_build() { # selftest_build KERNEL
	local k=$1 src=$top/build/$1/selftest-src
	rm -rf "$src" "build/$k/selftest" && mkdir -p "$src" "build/$k/selftest"
	cp tests/vm/selftest/Kbuild tests/vm/selftest/*.c "$src/"
	(eval "$(scripts/kernels.sh env "$k")" &&
		make -s -C "$KDIR" M="$src" $MAKEVARS modules) >"$(logname "selftest-build $k")" 2>&1
	mv "$src"/*.ko "build/$k/selftest/" 2>/dev/null
}

# The debug kernel's chain, from its build (cold, the longest step) to its
# VM runs, in the background from the start; its output is passed on
# before the UNLOAD stage's.  Its VM runs take VM slots (vm_slot) like
# every other run, but no background unit's place.
debug_chain() {
	local f
	nice -n 10 scripts/kernels.sh prepare debug >"$(logname "prepare debug")" 2>&1 ||
		record FAIL "kernel/debug (cannot prepare, see $(logname "prepare debug"))"
	printf '\n== the debug kernel, ready after %ds: W=1 -Werror build, sparse, VM scenarios\n' \
		$(($(date +%s) - t0))
	w1_build debug
	vm_runs debug seq
	[ -n "$(endings selftest debug)" ] || return 0
	printf '\n== harness self-test on debug (%ds)\n' $(($(date +%s) - t0))
	selftest_build debug
	for f in $(endings selftest debug); do run_ending "$f" debug; done
}

# A run declared for no stage, or none that exists, would never run.
for f in $(ending_files); do
	st=$(hdr "$f" check-stage)
	case $f:$st in
	tests/vm/selftest/*:) ;;
	*:vm | *:upstream | *:selftest | *:unload) ;;
	*) record FAIL "check/$f (check-stage '$st': none of vm, upstream, selftest, unload)" ;;
	esac
done

# The tools first, before anything that may start a VM run: every run
# copies tools/bin.
stage "tools"
if make -C tools >"$(logname tools)" 2>&1; then
	record PASS "tools/build"
else
	record FAIL "tools/build (see $(logname tools))"
fi

stage "userspace unit tests"
run_lines unit tests/unit/run.sh

stage "kernels"
# The debug kernel's chain (see debug_chain) starts now; kernels.sh holds
# the cache lock only while it unpacks the source, not while it builds.
dbg_pid=
case " $ks " in *" debug "*)
	(ures=$udir/debug.res debug_chain; touch "$udir/debug.done") \
		>"$udir/debug.out" 2>&1 </dev/null &
	dbg_pid=$!
	;;
esac
# The download of Debian's hv_fcopy_uio_daemon (network-bound),
# waited for before the first VM run (see there).
fcu_pid='' fcu_rc=0
case " $ks " in *" 6.12 "*)
	tests/upstream/fcopy-uio.sh >"$(logname fcopy-uio)" 2>&1 &
	fcu_pid=$!
	;;
esac
for k in $(expand); do
	[ "$k" != debug ] || continue
	scripts/kernels.sh prepare "$k" >"$(logname "prepare $k")" 2>&1 ||
		{ record FAIL "kernel/$k (cannot prepare, see $(logname "prepare $k"))"; }
done
# The package test's chroot, network-bound when it is made (once): now, in
# the background.  tests/pkg/debian.sh waits for it (a lock), and makes it
# itself if this failed, so its status is of no interest here.
case " $ks " in *" 6.1 "*)
	tests/pkg/debian.sh --chroot >"$(logname "pkg chroot")" 2>&1 &
	;;
esac

# run.sh gives a 6.12 VM Debian's hv_fcopy_uio_daemon if it has been
# unpacked: so that every such VM gets the same whether the download has
# ended or not, it ends before the first one starts.
if [ -n "$fcu_pid" ]; then
	wait "$fcu_pid"
	fcu_rc=$?
fi

# Each kernel's VM runs go in the background once its W=1 build is done,
# while the next kernel builds.
stage "W=1 -Werror builds, sparse; their VM scenarios in the background"
for k in $ks; do
	[ "$k" != debug ] || continue
	unit_fg w1_build "$k"
	vm_runs "$k"
done

stage "checkpatch --strict"
unit_fg checkpatch

upstream_build() { # upstream_build KERNEL: fails if there is nothing to boot
	local k=$1 log direct
	log=$(logname "upstream build $k")
	# 6.12: Debian's hv_fcopy_uio_daemon for Copy-VMFile over uio_hv_generic.
	if [ "$k" = 6.12 ] && [ "$fcu_rc" != 0 ]; then
		record FAIL "upstream/6.12/fcopy-uio-daemon (cannot fetch, see $(logname fcopy-uio))"
	fi
	if tests/upstream/build.sh "$k" "build/upstream/$k" >"$log" 2>&1; then
		record PASS "upstream/$k/build ($(grep -c '\.ko$' "$log") modules from $(basename "$(dirname "$(scripts/kernels.sh source "$k")")"))"
	else
		record FAIL "upstream/$k/build (see $log)"
		tail -n 20 "$log"
		return 1
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
}

stage "Linux's own drivers/hv on the simulated host"
for k in $ks; do
	case $k in 5.10 | 6.1 | 6.12) ;; *) continue ;; esac
	[ -d "build/$k/src" ] || continue
	# Every VM run of a kernel copies build/upstream/KERNEL (run.sh), which
	# this rebuilds: not while one of them may be starting.
	# shellcheck disable=SC2086 # unit numbers
	await ${kuse[$k]:-}
	unit_fg upstream_build "$k" || continue
	run_endings upstream "$k"
done

# One unit a kernel: tests/install/dkms.sh's kernels are independent of
# each other (a staging root, a log and a VM directory each).
stage "DKMS into a staging root, booted"
for k in $(expand); do
	[ "$k" != debug ] || continue
	unit_bg run_lines "dkms $k" tests/install/dkms.sh "$k"
	kuse[$k]+=" $nu"
done

case " $ks " in *" 6.1 "*)
	stage "Debian packages: build, install in a chroot, boot it with systemd"
	unit_fg run_lines pkg tests/pkg/debian.sh
	;;
esac

demo() {
	if scripts/demo.sh 6.1 >"$(logname demo)" 2>&1; then
		record PASS "demo/6.1 (build/vm/demo/console.log)"
	else
		record FAIL "demo/6.1 (see $(logname demo))"
		tail -n 20 "$(logname demo)"
	fi
}
case " $ks " in *" 6.1 "*)
	stage "make demo"
	# demo.sh builds build/6.1 again, as make demo does: not while a run
	# of 6.1 may be copying its modules.
	# shellcheck disable=SC2086 # unit numbers
	await ${kuse[6.1]:-}
	unit_fg demo
	;;
esac

# The runs that must fail, with the modules only they load (the debug
# kernel's are in its chain).
first=1
for k in $ks; do
	[ "$k" != debug ] || continue
	[ -n "$(endings selftest "$k")" ] || continue
	[ $first = 0 ] || stage "harness self-test"
	first=0
	unit_fg selftest_build "$k"
	run_endings selftest "$k"
done

# The debug kernel's chain takes its turn here.
if [ -n "$dbg_pid" ]; then
	nu=$((nu + 1))
	ln -s debug.out "$udir/$nu.out"
	touch "$udir/debug.res" && ln -s debug.res "$udir/$nu.res"
	if [ -e "$udir/debug.done" ]; then
		wait "$dbg_pid"
		udone[nu]=1
	else
		upid[$dbg_pid]=$nu
	fi
	flush
fi

# Runs that end the VM on purpose: UNLOAD must still reach the host.
first=1
for k in $ks; do
	[ -n "$(endings unload "$k")" ] || continue
	[ $first = 0 ] || stage "UNLOAD on panic and restart"
	first=0
	run_endings unload "$k"
done

drain
pass=$(grep -c '^PASS ' "$results")
fail=$(grep -c '^FAIL ' "$results")
skip=$(grep -c '^SKIP ' "$results")
stage "done"
if [ "$fail" != 0 ]; then
	echo "Failures:"
	grep '^FAIL ' "$results"
fi
echo "$skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
