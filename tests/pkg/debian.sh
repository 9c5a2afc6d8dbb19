#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian packages, built and installed the way a user would:
#  1. dpkg-buildpackage -b on a clean copy of the tree (build/pkg/), so no
#     build artefact lands in the checkout;
#  2. a bookworm chroot (debootstrap) with dkms, gcc, make and the headers
#     of the matrix's 6.1 kernel, cached as a tarball under
#     $HVIS_CACHE/chroot/ and unpacked afresh for every run;
#  3. in it: install hvis-dkms and hvis-tools with apt (DKMS builds the
#     modules), look at what landed, verify the units, remove and purge,
#     and look again.
# Prints PASS/FAIL/SKIP/INFO lines; exits non-zero if anything failed.
#
#   debian.sh --chroot    only make the chroot's tarball, if it is missing
#                         (make check runs this early, in the background:
#                         debootstrap is network-bound); a later run waits
#                         for it, and makes the tarball itself if it failed
#
# Needs root (chroot, mounts).  Scratch space: build/pkg/ (--chroot:
# build/pkg-chroot/) and $HVIS_CACHE/chroot/ only; everything mounted is
# unmounted on any exit.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
HVIS_CACHE=${HVIS_CACHE:-/var/cache/hvis}
export HVIS_CACHE
work=$top/build/pkg
cdir=$HVIS_CACHE/chroot
root=$cdir/run
t_start=$(date +%s)
failed=0
mounts=()

pass() { echo "PASS pkg/$*"; }
fail() { echo "FAIL pkg/$*"; failed=1; }
info() { echo "INFO pkg: $*"; }
# check NAME command...: PASS or FAIL by the command's status
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}
now() { date +%s; }
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

# --- mounts -------------------------------------------------------------------

do_mount() { # do_mount TARGET mount-args...
	local target=$1
	shift
	mkdir -p "$target"
	mount "$@" "$target" && mounts+=("$target")
}
mount_root() {
	do_mount "$root/proc" -t proc proc &&
		do_mount "$root/sys" -t sysfs -o ro sysfs &&
		do_mount "$root/dev" --bind /dev &&
		do_mount "$root/dev/pts" --bind /dev/pts
}
umount_all() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}"
	done
	mounts=()
}
# Remove an unpacked root, but never through a mount still inside it.
remove_root() { # remove_root DIR
	local dir=$1
	[ -e "$dir" ] || return 0
	if findmnt -rn -o TARGET | grep -q "^$dir\(/\|$\)"; then
		echo "FAIL pkg/cleanup (something is still mounted under $dir; not removing it)"
		return 1
	fi
	rm -rf --one-file-system "$dir"
}
vm_pid=
cleanup() {
	[ -z "$vm_pid" ] || { kill "$vm_pid" 2>/dev/null; wait "$vm_pid" 2>/dev/null; }
	umount_all
	remove_root "$root" || true
	remove_root "$cdir/new" || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- prerequisites ----------------------------------------------------------------

if [ "$(id -u)" != 0 ]; then
	echo "SKIP pkg (needs root: chroot and mounts)"
	exit 0
fi
missing=""
for c in dpkg-buildpackage dh dh_dkms fakeroot debootstrap zstd git; do
	command -v "$c" >/dev/null || missing="$missing $c"
done
if [ -n "$missing" ]; then
	fail "prerequisites (missing:$missing; run 'make deps')"
	exit 1
fi
mkdir -p "$cdir"
exec 8>"$cdir/.lock"
flock 8
prep=
if [ "${1:-}" = --chroot ]; then
	prep=1
	work=$top/build/pkg-chroot
	rm -rf "$work" && mkdir -p "$work"
fi

# --- 1. build ----------------------------------------------------------------------

if [ -z "$prep" ]; then
	t0=$(now)
	rm -rf "$work" && mkdir -p "$work"
	before=$(git status --porcelain --ignored 2>/dev/null | grep -v '^!! build/$')
	version=$(dpkg-parsechangelog -l debian/changelog -S Version)
	upstream=${version%-*}
	src=$work/hvis-$upstream
	mkdir -p "$src"
	# The tracked files and the new ones not ignored: the working tree as it
	# would be committed, without build/, objects or tools/bin.
	git ls-files -z -co --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$src" -xf -
	if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
		info "building the working tree with its uncommitted changes ($(git rev-parse --short HEAD)+)"
	else
		info "building $(git rev-parse --short HEAD)"
	fi
	if (cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
		pass "build (dpkg-buildpackage -b, $version)"
	else
		tail -n 30 "$work/build.log"
		fail "build (see $work/build.log)"
		exit 1
	fi
	debs=()
	for p in hvis-dkms_${version}_all hvis-tools_${version}_amd64; do
		if [ -e "$work/$p.deb" ]; then debs+=("$work/$p.deb"); else fail "build/$p.deb (missing)"; fi
	done
	[ ${#debs[@]} -eq 2 ] || exit 1
	after=$(git status --porcelain --ignored 2>/dev/null | grep -v '^!! build/$')
	check "build/tree-untouched (git status the same before and after)" [ "$before" = "$after" ]
	if command -v lintian >/dev/null; then
		lintian --tag-display-limit 0 "$work"/hvis_"${version}"_amd64.changes >"$work/lintian.log" 2>&1
		info "lintian: $(grep -c '^E:' "$work/lintian.log") errors, $(grep -c '^W:' "$work/lintian.log") warnings, $(grep -c '^I:' "$work/lintian.log") info ($work/lintian.log)"
		check "lintian (no errors)" sh -c "! grep -q '^E:' '$work/lintian.log'"
	else
		info "lintian not installed, not run"
	fi
	t_build=$(($(now) - t0))
fi

# --- 2. the chroot ---------------------------------------------------------------

t0=$(now)
if ! kenv=$(scripts/kernels.sh env 6.1 2>"$work/kernels.log"); then
	cat "$work/kernels.log"
	fail "chroot (scripts/kernels.sh env 6.1 failed)"
	exit 1
fi
eval "$kenv"
want_krel=$KREL
# The archive the machine itself uses (deb822 sources), or Debian's.
mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/\?$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
mirror=${HVIS_MIRROR:-${mirror:-http://deb.debian.org/debian}}
secmirror=${mirror%/debian}/debian-security
# systemd and udev: what the units need, and what the VM boots with.
base_pkgs="dkms gcc make kmod systemd udev"
tarball=$cdir/bookworm-$want_krel-$(echo "$base_pkgs" | sha256sum | cut -c1-8).tar.zst
cold=warm

make_tarball() {
	local new=$cdir/new hdr
	remove_root "$new" || return 1
	info "creating the bookworm chroot (debootstrap from $mirror): a few minutes, once"
	debootstrap --variant=minbase bookworm "$new" "$mirror" >"$work/debootstrap.log" 2>&1 || {
		tail -n 20 "$work/debootstrap.log"
		return 1
	}
	cat >"$new/etc/apt/sources.list" <<-EOF
	deb $mirror bookworm main
	deb $mirror bookworm-updates main
	deb $secmirror bookworm-security main
	EOF
	cp /etc/resolv.conf "$new/etc/resolv.conf"
	local saved=$root
	root=$new
	mount_root || { root=$saved; return 1; }
	hdr=linux-headers-$want_krel
	{
		in_root apt-get -q update &&
			if ! in_root apt-cache show "$hdr" >/dev/null 2>&1; then
				echo "no $hdr in the archive: using bookworm's current linux-headers-amd64"
				hdr=linux-headers-amd64
			fi &&
			in_root apt-get -q upgrade -y &&
			in_root apt-get -q install -y --no-install-recommends $base_pkgs "$hdr" &&
			in_root apt-get clean
	} >"$work/chroot-setup.log" 2>&1
	local rc=$?
	umount_all
	root=$saved
	if [ $rc != 0 ]; then
		tail -n 20 "$work/chroot-setup.log"
		return 1
	fi
	grep '^no linux-headers' "$work/chroot-setup.log" | while read -r l; do info "$l"; done
	rm -f "$new/etc/resolv.conf"
	tar --one-file-system -C "$new" -cf - . | zstd -q -T0 -3 -o "$tarball.tmp" &&
		mv "$tarball.tmp" "$tarball" || return 1
	remove_root "$new"
	# Older kernels' tarballs are of no further use.
	find "$cdir" -maxdepth 1 -name 'bookworm-*.tar.zst' ! -name "$(basename "$tarball")" -delete
}

if [ ! -e "$tarball" ]; then
	cold=cold
	make_tarball || { fail "chroot (creating $tarball, see $work/)"; exit 1; }
	[ -z "$prep" ] || touch "$tarball.early"
fi
[ -z "$prep" ] || exit 0
# Made by an earlier --chroot run for this one: still a cold cache.
if [ -e "$tarball.early" ]; then
	cold="cold, made beforehand by --chroot"
	rm -f "$tarball.early"
fi
remove_root "$root" || exit 1
mkdir -p "$root"
zstd -q -dc "$tarball" | tar -C "$root" -xf - || { fail "chroot (unpacking $tarball)"; exit 1; }
krel=$(ls "$root/lib/modules" | head -n1)
if [ "$krel" != "$want_krel" ]; then
	info "the matrix's 6.1 kernel is $want_krel, the chroot has $krel (not in the archive)"
fi
# The headers come without the image, so depmod's index files would first
# appear with our modules and stay after them (dkms remove runs depmod
# again); on a real system the image's postinst has made them already.
in_root depmod "$krel" 2>/dev/null
# Nothing the packages install may start a service here.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
mount_root || { fail "chroot (mounting proc, sys, dev)"; exit 1; }
t_chroot=$(($(now) - t0))
pass "chroot (bookworm, $krel, $cold)"

# What the root holds besides the state dpkg and apt keep: compared after
# removal and purge, so nothing of ours may be left.
snapshot() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp \
		-o -path ./run -o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/log \
		-o -path ./var/cache -o -path ./usr/sbin/policy-rc.d \) -prune -o -print) | sort
}
snapshot >"$work/before.list"

# --- 3. install ------------------------------------------------------------------

t0=$(now)
mkdir -p "$root/tmp/debs"
cp "${debs[@]}" "$root/tmp/debs/"
if in_root apt-get -q install -y --no-install-recommends \
	$(for d in "${debs[@]}"; do echo "/tmp/debs/$(basename "$d")"; done) >"$work/install.log" 2>&1; then
	pass "install (apt-get install hvis-dkms hvis-tools)"
	# The cached root has every dependency: a warm run needs no network.
	! grep -q '^Get:[0-9]* http' "$work/install.log" ||
		info "install fetched: $(grep '^Get:[0-9]* http' "$work/install.log" | cut -d' ' -f4 | tr '\n' ' ')"
else
	tail -n 40 "$work/install.log"
	fail "install (see $work/install.log)"
fi
t_install=$(($(now) - t0))
grep -E '^(Building for|Building initial|Error|Skipped)' "$work/install.log" | while read -r l; do info "dkms: $l"; done

# --- 4. what landed -----------------------------------------------------------------

t0=$(now)
src_dir=/usr/src/hvis-$upstream
check "files/dkms.conf ($src_dir)" [ -f "$root$src_dir/dkms.conf" ]
for f in Makefile Kbuild scripts/build.sh scripts/probe.sh drivers/vmbus/main.c drivers/ic/ic.c \
	include/hvis/vmbus.h compat/probes; do
	[ -e "$root$src_dir/$f" ] || fail "files/source ($src_dir/$f missing)"
done
# The simulator and the tests stay out.
extra=$(cd "$root$src_dir" 2>/dev/null && find drivers/sim tests 2>/dev/null)
check "files/no-sim-no-tests (in $src_dir)" [ -z "$extra" ]
[ -z "$extra" ] || info "shipped but should not be: $extra"
for d in hvis-kvp-daemon hvis-vss-daemon hvis-fcopy-daemon; do
	check "files/$d" [ -x "$root/usr/sbin/$d" ]
	check "files/$d.service" [ -f "$root/lib/systemd/system/$d.service" ]
	check "daemon-runs/$d (-h)" in_root "/usr/sbin/$d" -h >/dev/null 2>&1
done
check "files/udev-rule" grep -q 'SYSTEMD_WANTS' "$root/lib/udev/rules.d/60-hvis-tools.rules"
check "files/hvis-vmbus.service (hvis-dkms)" [ -f "$root/lib/systemd/system/hvis-vmbus.service" ]
check "files/hvis-vmbus-load" [ -x "$root/usr/libexec/hvis/hvis-vmbus-load" ]
check "units/hvis-vmbus-enabled (sysinit.target.wants)" [ -L "$root/etc/systemd/system/sysinit.target.wants/hvis-vmbus.service" ]
[ -e "$src/tools/lsvmbus" ] && check "files/lsvmbus" [ -x "$root/usr/sbin/lsvmbus" ]
mans=$(in_root dpkg -L hvis-tools | grep -c '^/usr/share/man/man[18]/.*\.gz$')
if [ -d "$src/tools/man" ]; then
	check "files/man-pages ($mans)" [ "$mans" -gt 0 ]
else
	info "no man pages in this tree yet (tools/man/)"
fi

# DKMS built and installed the ten modules for the chroot's kernel.
status=$(in_root dkms status 2>&1)
info "dkms status: $(echo "$status" | tr '\n' ' ')"
check "dkms/status (hvis/$upstream, $krel: installed)" \
	grep -Eq "^hvis/$upstream, $krel, x86_64: installed" <<<"$status"
moddir=/lib/modules/$krel/updates/dkms
for m in hvis_vmbus hvis_ic hvis_ic_vmbus hvis_ic_hv hvis_heartbeat hvis_shutdown hvis_timesync \
	hvis_kvp hvis_vss hvis_fcopy; do
	ko=$(ls "$root$moddir/$m.ko"* 2>/dev/null | head -n1)
	if [ -z "$ko" ]; then
		fail "dkms/$m (not in $moddir)"
		continue
	fi
	ko=${ko#"$root"}
	vermagic=$(in_root modinfo -F vermagic "$ko" | awk '{print $1}')
	name=$(in_root modinfo -F name "$ko")
	deps=$(in_root modinfo -F depends "$ko")
	modver=$(in_root modinfo -F version "$ko")
	# Only the kernel's bus binding depends on something not ours: that bus.
	bad=$(echo "$name,$deps" | tr ',' '\n' | grep -v '^hvis_' | grep -v '^$')
	[ "$m:$bad" != hvis_ic_hv:hv_vmbus ] || bad=
	if [ "$vermagic" = "$krel" ] && [ -z "$bad" ] && [ "$modver" = "$upstream" ]; then
		pass "dkms/$m (vermagic $vermagic, version $modver, depends: ${deps:-none})"
	else
		fail "dkms/$m (vermagic '$vermagic', version '$modver', name $name, depends '$deps')"
	fi
done
# modprobe finds them under their own names (modules.dep is in order).
check "dkms/depmod (modprobe --show-depends hvis_ic_vmbus)" \
	sh -c "chroot '$root' modprobe -S '$krel' --show-depends hvis_ic_vmbus 2>/dev/null | grep -q 'updates/dkms/hvis_vmbus.ko'"
# hv_utils is kept from the kernel's bus while hvis-dkms is installed.
check "modprobe.d/blacklists-hv_utils (lib/modprobe.d/hvis-ic.conf)" \
	sh -c "chroot '$root' modprobe -c 2>/dev/null | grep -qx 'blacklist hv_utils'"

# The units: accepted by systemd, and nothing pulls them into the boot.
units=$(for d in kvp vss fcopy; do echo "/lib/systemd/system/hvis-$d-daemon.service"; done)
if in_root systemd-analyze verify --man=no $units >"$work/verify.log" 2>&1 && [ ! -s "$work/verify.log" ]; then
	pass "units/verify (systemd-analyze verify)"
elif grep -qiE 'hvis-|\.service' "$work/verify.log"; then
	cat "$work/verify.log"
	fail "units/verify (systemd-analyze verify, see $work/verify.log)"
else
	info "systemd-analyze verify in the chroot: $(head -n1 "$work/verify.log")"
	pass "units/verify (nothing about our units)"
fi
for d in kvp vss fcopy; do
	u=$root/lib/systemd/system/hvis-$d-daemon.service
	check "units/hvis-$d-daemon/no-install (no [Install], WantedBy, RequiredBy)" \
		sh -c "! grep -Eq '^\[Install\]|^(WantedBy|RequiredBy|UpheldBy)=' '$u'"
	check "units/hvis-$d-daemon/bound-to-device" \
		sh -c "grep -qx 'BindsTo=dev-vmbus-hv_$d.device' '$u' && grep -qx 'After=dev-vmbus-hv_$d.device' '$u' &&
			grep -qx 'ConditionPathExists=/dev/vmbus/hv_$d' '$u' && grep -q '^ExecStart=.* -n' '$u'"
	check "units/hvis-$d-daemon/udev-wants" \
		grep -q "KERNEL==\"vmbus/hv_$d\".*TAG+=\"systemd\".*SYSTEMD_WANTS}+=\"hvis-$d-daemon.service\"" \
		"$root/lib/udev/rules.d/60-hvis-tools.rules"
done
enabled=$(cd "$root" && ls -d etc/systemd/system/*.wants/hvis-*-daemon.service 2>/dev/null)
check "units/daemons-not-enabled (no .wants symlinks)" [ -z "$enabled" ]
# A stop timeout shorter than the VSS daemon's own thaw timeout (-t) would
# SIGKILL it and its watchdog while the filesystems may be frozen.
vss=$root/lib/systemd/system/hvis-vss-daemon.service
t=$(sed -n 's/^ExecStart=.* -t \([0-9]*\).*/\1/p' "$vss")
stop=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)$/\1/p' "$vss")
longer() { [ -n "$stop" ] && [ "$stop" -gt "${t:-300}" ]; }
check "units/vss-stop-timeout (TimeoutStopSec=${stop:-default} > -t ${t:-300})" longer
t_checks=$(($(now) - t0))

# --- 5. boot it ---------------------------------------------------------------------------
# The installed chroot, booted with systemd under QEMU with the 6.1 kernel
# it built the modules for: no Hyper-V first (nothing of ours may start or
# be waited for), then hvis_sim (the simulated host, a test module that is
# not packaged, built here) and the DKMS-built modules: udev must start the
# daemons (tests/pkg/boot-check.sh, in the VM, says what it saw).

t0=$(now)
vm=$work/vm
boot_vm() {
	local simout=$top/build/pkg-sim vmroot=$vm/root
	local simko=$top/build/6.1/src/drivers/sim/hvis_sim.ko
	# make check has built it for this kernel already; alone, build it.
	if [ "$(modinfo -F vermagic "$simko" 2>/dev/null | cut -d' ' -f1)" != "$krel" ]; then
		simko=$simout/src/drivers/sim/hvis_sim.ko
		scripts/build.sh "$KDIR" "$simout" $MAKEVARS >"$vm/sim-build.log" 2>&1 || {
			tail -n 20 "$vm/sim-build.log"
			fail "boot/sim-build (see $vm/sim-build.log)"
			return 1
		}
	fi
	# Linux's own hv_vmbus, built with the simulator's shim (the upstream
	# stage of make check has it; alone, build it), for the kernel's-bus mode.
	local upko=$top/build/upstream/6.1/drivers/hv/hv_vmbus.ko
	if [ "$(modinfo -F vermagic "$upko" 2>/dev/null | cut -d' ' -f1)" != "$krel" ]; then
		upko=$top/build/pkg-upstream/drivers/hv/hv_vmbus.ko
		HVIS_SIM_SYMVERS=$(dirname "$simko")/../../Module.symvers \
			tests/upstream/build.sh 6.1 "$top/build/pkg-upstream" >"$vm/upstream-build.log" 2>&1 || {
			tail -n 20 "$vm/upstream-build.log"
			fail "boot/upstream-build (see $vm/upstream-build.log)"
			return 1
		}
	fi
	mkdir -p "$vmroot"
	# Everything but the compiler, the headers and documentation.
	tar -C "$root" --one-file-system --exclude=./usr/src --exclude=./usr/lib/gcc \
		--exclude=./usr/libexec/gcc --exclude=./usr/share/doc --exclude=./usr/share/man \
		--exclude=./usr/share/locale --exclude=./var/lib/apt/lists --exclude=./var/cache/apt \
		--exclude=./usr/lib/x86_64-linux-gnu/perl --exclude=./usr/share/perl \
		--exclude=./tmp/debs --exclude=./usr/sbin/policy-rc.d -cf - . | tar -C "$vmroot" -xf -
	cp "$simko" "$vmroot/root/"
	cp "$upko" "$vmroot/root/hv_vmbus-sim.ko"
	cp "${debs[1]}" "$vmroot/root/hvis-tools.deb"
	install -m 0755 "$top/tests/pkg/boot-check.sh" "$vmroot/usr/local/sbin/hvis-pkgtest"
	cat >"$vmroot/etc/systemd/system/hvis-pkgtest.service" <<-EOF
	[Unit]
	Description=hvis package test (tests/pkg/boot-check.sh)
	After=multi-user.target

	[Service]
	Type=exec
	ExecStart=/usr/local/sbin/hvis-pkgtest
	EOF
	mkdir -p "$vmroot/etc/systemd/system/multi-user.target.wants"
	ln -s ../hvis-pkgtest.service "$vmroot/etc/systemd/system/multi-user.target.wants/"
	echo hvis-pkgtest >"$vmroot/etc/hostname"
	(cd "$vmroot" && find . | cpio -o -H newc -R 0:0 --quiet | zstd -q -T0 -3) >"$vm/initrd.zst"
	rm -rf --one-file-system "$vmroot"
	local start=$(now) rc=0
	# In the background, so that a signal to us is handled at once (bash
	# runs traps only between commands) and the trap can stop the VM.
	timeout -k 10 "${HVIS_PKG_VM_TIMEOUT:-420}" qemu-system-x86_64 \
		-accel tcg -machine q35 -cpu max -smp 2 -m 2G \
		-nodefaults -nographic -no-reboot \
		-kernel "$VMLINUZ" -initrd "$vm/initrd.zst" \
		-append "console=ttyS0,115200 rdinit=/lib/systemd/systemd systemd.unit=multi-user.target panic=-1 oops=panic" \
		-chardev file,id=con,path="$vm/console.log" -serial chardev:con \
		-chardev file,id=res,path="$vm/result.log" -serial chardev:res \
		</dev/null >"$vm/qemu.log" 2>&1 &
	vm_pid=$!
	wait $vm_pid || rc=$?
	vm_pid=
	rm -f "$vm/initrd.zst"
	tr -d '\r' <"$vm/result.log" | grep -E '^(PASS|FAIL|INFO) ' | while read -r l; do
		echo "$l"
	done
	if tr -d '\r' <"$vm/result.log" | grep -qx done; then
		info "boot: VM run ${rc:+exit $rc, }$(($(now) - start))s under TCG (console: $vm/console.log)"
	else
		tail -n 20 "$vm/console.log"
		fail "boot/vm (no 'done' from the VM: exit $rc, see $vm/console.log)"
		return 1
	fi
	! tr -d '\r' <"$vm/result.log" | grep -q '^FAIL '
}
if [ -z "$VMLINUZ" ] || [ "$krel" != "$want_krel" ]; then
	info "boot skipped: the chroot's kernel $krel is not the matrix's bootable $want_krel"
else
	mkdir -p "$vm"
	boot_vm || failed=1
fi
t_boot=$(($(now) - t0))

# --- reinstall: what an upgrade does (old DKMS build removed, new one made) ----------

t0=$(now)
if in_root apt-get -q install -y --reinstall \
	$(for d in "${debs[@]}"; do echo "/tmp/debs/$(basename "$d")"; done) >"$work/reinstall.log" 2>&1 &&
	in_root dkms status | grep -Eq "^hvis/$upstream, $krel, x86_64: installed" &&
	[ "$(ls "$root$moddir"/hvis_*.ko* 2>/dev/null | wc -l)" = 10 ]; then
	pass "reinstall (apt-get install --reinstall: rebuilt, ten modules installed)"
else
	tail -n 20 "$work/reinstall.log"
	fail "reinstall (see $work/reinstall.log)"
fi
t_reinstall=$(($(now) - t0))

# --- 6. remove and purge ---------------------------------------------------------------

t0=$(now)
in_root dpkg -L hvis-tools >"$work/tools.list" 2>/dev/null
if in_root dpkg -r hvis-dkms >"$work/remove.log" 2>&1; then
	pass "remove/hvis-dkms (dpkg -r)"
else
	tail -n 20 "$work/remove.log"
	fail "remove/hvis-dkms (see $work/remove.log)"
fi
left=$(ls "$root$moddir"/hvis_*.ko* 2>/dev/null; in_root dkms status 2>/dev/null | grep '^hvis/')
check "remove/modules-gone (no hvis in dkms status or $moddir)" [ -z "$left" ]
[ -z "$left" ] || info "left after dpkg -r hvis-dkms: $left"
check "remove/modprobe-forgets (depmod)" \
	sh -c "! chroot '$root' modprobe -S '$krel' --show-depends hvis_vmbus >/dev/null 2>&1"
check "remove/hv_utils-back (no blacklist left)" \
	sh -c "! chroot '$root' modprobe -c 2>/dev/null | grep -qx 'blacklist hv_utils'"
# The KVP daemon's state, as a run on Hyper-V would leave it.
mkdir -p "$root/var/lib/hvis-kvp" && echo x >"$root/var/lib/hvis-kvp/.kvp_pool_0"
if in_root dpkg --purge hvis-tools hvis-dkms >>"$work/remove.log" 2>&1; then
	pass "purge (dpkg --purge hvis-tools hvis-dkms)"
else
	tail -n 20 "$work/remove.log"
	fail "purge (see $work/remove.log)"
fi
snapshot >"$work/after.list"
leftover=$(comm -13 "$work/before.list" "$work/after.list")
check "purge/nothing-left (the root as before the installation)" [ -z "$leftover" ]
[ -z "$leftover" ] || info "left behind: $(echo "$leftover" | head -n 20 | tr '\n' ' ')"
t_remove=$(($(now) - t0))

umount_all
remove_root "$root"
total=$(($(now) - t_start))
info "timings ($cold chroot): build ${t_build}s, chroot ${t_chroot}s, install with DKMS build ${t_install}s, checks ${t_checks}s, VM boot ${t_boot}s, reinstall ${t_reinstall}s, remove+purge ${t_remove}s, total ${total}s"
exit $failed
