#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one matrix kernel in QEMU (TCG) with our modules and run scenarios.
#
#   run.sh [-o OUTDIR] [-t SECONDS] [-x] [-r ROOT] [-b BUS] KERNEL [SCENARIO...]
#
# KERNEL is a matrix name (5.10, 6.1, 6.12, debug).  The modules must have
# been built into build/KERNEL (scripts/build.sh).  Without SCENARIO, every
# tests/vm/scenarios/*.sh runs; "@all" in the list stands for them too,
# "@ic" for those of the integration services (ic_*.sh).
# tests/vm/ending/ holds scenarios that end the VM (an orderly poweroff or
# reboot): name them, last.  "@upstream" stands for tests/vm/upstream/*.sh,
# the scenarios of Linux's own drivers/hv on the simulated host (built into
# build/upstream/KERNEL by tests/upstream/build.sh).  -x makes tests/vm/selftest/ (the harness's
# own failure checks, which must fail) available by name.  -r ROOT puts
# ROOT/lib/modules (an installed tree, e.g. from DKMS) into the guest's
# /lib/modules, with kmod's modprobe, depmod and modinfo in /usr/local/sbin,
# and makes tests/vm/install/ available by name.  -b hv runs the IC
# scenarios on the kernel's own bus: Linux's hv_vmbus (built into
# build/upstream/KERNEL) under hvis's services, instead of hvis_vmbus.
# Prints one line per result, "PASS|FAIL|SKIP name", and
# exits non-zero if anything failed, including a guest that crashed, hung,
# or logged a WARN, BUG, KASAN, lockdep or kmemleak report anywhere.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
timeout=${VM_TIMEOUT:-}
out=
selftest=0
instroot=
icbus=hvis
while getopts o:t:xr:b: opt; do
	case $opt in
	b) case $OPTARG in hvis | hv) icbus=$OPTARG ;; *) echo "run.sh: -b hvis or -b hv" >&2; exit 2 ;; esac ;;
	o) out=$OPTARG ;;
	r) instroot=$(realpath "$OPTARG") ;;
	t) timeout=$OPTARG ;;
	x) selftest=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: run.sh [-o OUTDIR] [-t SECONDS] [-x] [-r ROOT] [-b BUS] KERNEL [SCENARIO...]" >&2; exit 2; }
kname=$1
shift
eval "$("$top/scripts/kernels.sh" env "$kname")"
# The debug kernel (KASAN, lockdep, kmemleak under TCG) runs 3-4 times slower.
[ -n "$timeout" ] || { [ "$kname" = debug ] && timeout=1500 || timeout=600; }
[ -n "$VMLINUZ" ] || { echo "run.sh: kernel $kname is not bootable" >&2; exit 2; }
out=$(realpath -m "${out:-$top/build/vm/$kname}")
mods=${HVIS_VM_MODS:-$top/build/$kname/src}
[ -d "$mods" ] || { echo "run.sh: build the modules for $kname first" >&2; exit 2; }

rm -rf "$out" && mkdir -p "$out"
root=$out/initramfs
mkdir -p "$root"/{bin,sbin,lib/hvis/modules,scenarios,dev,proc,sys,tmp}

cp /bin/busybox "$root/bin/busybox"
cp "$here/init.sh" "$root/init"
cp "$here/lib.sh" "$root/lib/hvis/lib.sh"
find "$mods" -name '*.ko' -exec cp {} "$root/lib/hvis/modules/" \;
# Linux's own drivers/hv for this kernel, built to run on hvis_sim
# (tests/upstream/build.sh), for the scenarios in tests/vm/upstream/.
ups=${HVIS_VM_UPSTREAM:-$top/build/upstream/$kname}
if [ -d "$ups" ]; then
	mkdir -p "$root/lib/hvis/upstream"
	find "$ups" -name '*.ko' -exec cp {} "$root/lib/hvis/upstream/" \;
fi

# Scenarios: the named ones, or all; selftests only with -x.
dirs=("$here/scenarios" "$here/ending" "$here/bench" "$here/demo" "$here/upstream")
[ $selftest = 1 ] && dirs+=("$here/selftest")
[ -n "$instroot" ] && dirs+=("$here/install")
order=()
[ $# -gt 0 ] || set -- @all
for s in "$@"; do
	if [ "$s" = @all ]; then
		for f in "$here"/scenarios/*.sh; do order+=("$(basename "$f" .sh)"); done
	elif [ "$s" = @upstream ]; then
		for f in "$here"/upstream/*.sh; do order+=("$(basename "$f" .sh)"); done
	elif [ "$s" = @ic ]; then
		# The integration services' scenarios: those that run on either bus (-b).
		for f in "$here"/scenarios/ic_*.sh; do order+=("$(basename "$f" .sh)"); done
	else
		order+=("$s")
	fi
done
for d in "${dirs[@]}"; do cp "$d"/*.sh "$root/scenarios/"; done
for s in "${order[@]}"; do
	[ -e "$root/scenarios/$s.sh" ] || { echo "run.sh: no scenario $s" >&2; exit 2; }
done
printf '%s\n' "${order[@]}" >"$root/scenarios/ORDER"
cp "$root/scenarios/ORDER" "$out/order"
# Kernel modules the scenarios need, where this kernel builds them as
# modules: PTP (5.10) for timesync; loop, virtio-blk and ext4 for
# filesystems VSS can freeze.  Dependencies first; init loads them in ORDER.
mkdir -p "$root/lib/hvis/kmod"
kmod_seen=" "
kmod_add() {
	local m=$1 f d
	case $kmod_seen in *" $m "*) return 0 ;; esac
	kmod_seen="$kmod_seen$m "
	f=$(find "$MODDIR" \( -name "$m.ko" -o -name "$m.ko.xz" \) 2>/dev/null | head -n1)
	[ -n "$f" ] || return 0
	for d in $(modinfo -F depends "$f" | tr ',' ' '); do kmod_add "$d"; done
	case $f in
	*.xz) xz -dc "$f" >"$root/lib/hvis/kmod/$m.ko" ;;
	*) cp "$f" "$root/lib/hvis/kmod/$m.ko" ;;
	esac
	echo "$m" >>"$root/lib/hvis/kmod/ORDER"
}
if [ -n "$MODDIR" ] && [ -d "$MODDIR/kernel" ]; then
	for m in ptp loop crc32c_generic ext4 virtio_pci virtio_blk uio; do kmod_add "$m"; done
fi

# Debian's own daemons (bookworm's hyperv-daemons), to prove our char
# devices serve them unchanged: /opt/debian/{sbin,libexec}.
debd=$("$top/scripts/kernels.sh" pkg hyperv-daemons bookworm)
mkdir -p "$root/opt/debian/sbin" "$root/usr/libexec"
cp "$debd"/usr/sbin/hv_* "$root/opt/debian/sbin/"
cp -r "$debd/usr/libexec/hypervkvpd" "$root/usr/libexec/"

# 6.12 only: Debian's hv_fcopy_uio_daemon with the trixie libc it needs
# (tests/upstream/fcopy-uio.sh unpacked them; not fetched here), for
# up_data's Copy-VMFile through uio_hv_generic: /opt/trixie.
if [ "$kname" = 6.12 ]; then
	fcu=$(ls -d "${HVIS_CACHE:-/var/cache/hvis}"/pkgs/fcopy-uio_* 2>/dev/null | tail -n1 || true)
	if [ -n "$fcu" ] && [ -x "$fcu/sbin/hv_fcopy_uio_daemon" ]; then cp -a "$fcu" "$root/opt/trixie"; fi
fi

# An installed module tree and the real kmod to use it.
if [ -n "$instroot" ]; then
	mkdir -p "$root/lib/modules" "$root/usr/local/sbin"
	cp -a "$instroot/lib/modules/." "$root/lib/modules/"
	cp "$(command -v kmod)" "$root/usr/local/sbin/kmod"
	for t in modprobe depmod modinfo lsmod; do ln -s kmod "$root/usr/local/sbin/$t"; done
fi

# Modules only the harness's self-test uses.
if [ $selftest = 1 ] && [ -d "$top/build/$kname/selftest" ]; then
	find "$top/build/$kname/selftest" -name '*.ko' -exec cp {} "$root/lib/hvis/modules/" \;
fi

# Our tools, Debian's daemons, and the shared libraries they need.
[ -d "$top/tools/bin" ] && cp "$top"/tools/bin/* "$root/bin/"
# Test programs that play host and daemon at once.
for c in "$here"/progs/*.c; do
	cc -O2 -Wall -Wextra -Werror -std=gnu11 -I"$top/include/uapi" \
		-o "$root/bin/$(basename "$c" .c)" "$c" ||
		{ echo "run.sh: cannot build $c" >&2; exit 2; }
done
for b in "$top"/tools/bin/* "$root"/opt/debian/sbin/* "$root"/bin/*_abuse \
	"$root"/usr/local/sbin/kmod; do
	[ -x "$b" ] || continue
	# (A static binary has no libraries: ldd fails, nothing to copy.)
	{ ldd "$b" 2>/dev/null || true; } | { grep -o '/[^ ]*' || true; } | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done

(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$out/initrd.gz"

# A blank disk (/dev/vda) for the scenarios that need a real block device.
truncate -s 64M "$out/disk.img"

append="console=ttyS0,115200 rdinit=/init panic=-1 panic_on_warn=1 oops=panic"
append="$append softlockup_panic=1 loglevel=7 kmemleak=on hvis_kernel=$kname hvis_icbus=$icbus"
start=$(date +%s.%N)
rc=0
timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
	-accel tcg -machine q35 -cpu max -smp 2 -m 1G \
	-nodefaults -nographic -no-reboot \
	-kernel "$VMLINUZ" -initrd "$out/initrd.gz" -append "$append" \
	-drive file="$out/disk.img",if=virtio,format=raw \
	-chardev file,id=con,path="$out/console.log" -serial chardev:con \
	-chardev file,id=res,path="$out/result.log" -serial chardev:res \
	</dev/null >"$out/qemu.log" 2>&1 || rc=$?
end=$(date +%s.%N)
rm -f "$out/disk.img"
printf '%s\n' "$(echo "$end - $start" | bc)" >"$out/seconds"

# Results are named after the kernel, or after the output directory when
# it is not the default one (several runs on one kernel).
label=$kname
[ "$out" = "$(realpath -m "$top/build/vm/$kname")" ] || label=$(basename "$out")
"$here/verdict.sh" "$label" "$out" "$rc"
