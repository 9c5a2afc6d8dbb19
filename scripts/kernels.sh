#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel matrix: Debian kernels fetched from Debian's archive with a
# private apt configuration (the system's sources are never touched), plus
# two kernels built here from Debian's linux-source packages.  Everything
# lives under $HVIS_CACHE, outside the repository, and is reused across runs.
#
#   kernels.sh list                 names of the whole matrix
#   kernels.sh prepare NAME...      fetch/unpack/build what NAME needs
#   kernels.sh env NAME             shell assignments: KDIR KREL VMLINUZ MODDIR MAKEVARS
#   kernels.sh pkg NAME SUITE       a Debian package of SUITE (newest there),
#                                   unpacked under the cache; prints its root
#   kernels.sh source SERIES        Debian's linux-source of a stock series at the
#                                   version of its image, unpacked; prints the tree
#
# Names: 5.10 6.1 6.12 (stock, bootable), 5.10-cloud ... 6.12-rt (headers
# only), debug (6.1 built with KUnit and the debug options, bootable), newest
# (Debian's newest linux-source, prepared for out-of-tree builds only).
#
# Pins: HVIS_ABI_5_10=5.10.0-44, HVIS_ABI_6_1=6.1.0-55, HVIS_ABI_6_12=6.12.111
# choose another ABI than the newest; HVIS_NEWEST=7.2 another linux-source.
set -euo pipefail

HVIS_CACHE=${HVIS_CACHE:-/var/cache/hvis}
TOP=$(cd "$(dirname "$0")/.." && pwd)
APTDIR=$HVIS_CACHE/apt
KDIRS=$HVIS_CACHE/kernels
JOBS=${JOBS:-$(nproc)}

STOCK="5.10 6.1 6.12"
FLAVOURS="amd64 cloud-amd64 rt-amd64"

log() { printf 'kernels: %s\n' "$*" >&2; }
die() { printf 'kernels: error: %s\n' "$*" >&2; exit 1; }

matrix_names() {
	local s
	for s in $STOCK; do printf '%s %s-cloud %s-rt ' "$s" "$s" "$s"; done
	printf 'debug newest\n'
}

# --- private apt ------------------------------------------------------------

apt_setup() {
	mkdir -p "$APTDIR"/{lists/partial,cache/archives/partial,debs}
	cat >"$APTDIR/sources.list" <<-EOF
	deb http://deb.debian.org/debian bullseye main
	deb http://deb.debian.org/debian-security bullseye-security main
	deb http://deb.debian.org/debian bookworm main
	deb http://deb.debian.org/debian-security bookworm-security main
	deb http://deb.debian.org/debian bookworm-backports main
	deb http://deb.debian.org/debian trixie-backports main
	EOF
	cat >"$APTDIR/apt.conf" <<-EOF
	Dir::Etc::SourceList "$APTDIR/sources.list";
	Dir::Etc::SourceParts "/nonexistent";
	Dir::State::Lists "$APTDIR/lists";
	Dir::Cache "$APTDIR/cache";
	Dir::State::status "/dev/null";
	APT::Architecture "amd64";
	APT::Sandbox::User "root";
	Acquire::Languages "none";
	EOF
	export APT_CONFIG=$APTDIR/apt.conf
	# Refresh at most once a day: "newest ABI" should follow the archive,
	# but a warm run must not depend on the network.
	local stamp=$APTDIR/lists/.updated
	if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
		log "updating the private package lists"
		if apt-get -q update >"$APTDIR/update.log" 2>&1; then
			touch "$stamp"
		elif [ -e "$stamp" ]; then
			log "archive unreachable, using the lists from $(date -r "$stamp")"
		else
			cat "$APTDIR/update.log" >&2
			die "cannot reach Debian's archive"
		fi
	fi
}

# Download package NAME (candidate version) into the deb cache, print path.
deb_get() {
	local name=$1 f
	f=$(find "$APTDIR/debs" -maxdepth 1 -name "${name}_*.deb" | sort -V | tail -n1)
	if [ -z "$f" ]; then
		(cd "$APTDIR/debs" && apt-get -q download "$name" >/dev/null 2>&1) ||
			die "apt-get download $name failed"
		f=$(find "$APTDIR/debs" -maxdepth 1 -name "${name}_*.deb" | sort -V | tail -n1)
	fi
	printf '%s\n' "$f"
}

# Newest ABI of a stock series, e.g. 6.1 -> 6.1.0-56, 6.12 -> 6.12.117+deb12.
newest_abi() {
	local series=$1 re
	case $series in
	5.10) re='^linux-headers-(5\.10\.0-[0-9]+)-amd64$' ;;
	6.1) re='^linux-headers-(6\.1\.0-[0-9]+)-amd64$' ;;
	6.12) re='^linux-headers-(6\.12\.[0-9]+\+deb12)-amd64$' ;;
	*) die "unknown series $series" ;;
	esac
	apt-cache search --names-only "^linux-headers-$series" | awk '{print $1}' |
		sed -nE "s/$re/\\1/p" | sort -V | tail -n1
}

series_abi() {
	local series=$1 var abi
	var=HVIS_ABI_${series//./_}
	abi=${!var:-}
	[ -n "$abi" ] || abi=$(newest_abi "$series")
	[ -n "$abi" ] || die "no linux-headers for $series in the archive"
	# The 6.12 pin may be given without the +deb12 suffix.
	case $series:$abi in 6.12:*+deb12) ;; 6.12:*) abi=$abi+deb12 ;; esac
	printf '%s\n' "$abi"
}

# --- stock kernels ------------------------------------------------------------

# The image package of an ABI: the signed one, or where the archive has only
# the unsigned build yet (a security upload publishes it first), that: the
# same kernel, and QEMU does not check signatures.
image_pkg() {
	local p=linux-image-$1-amd64
	if [ -z "$(apt-cache show "$p" 2>/dev/null | sed -n 's/^Version: //p')" ]; then
		p=$p-unsigned
	fi
	printf '%s\n' "$p"
}

prepare_stock() {
	local series=$1 abi root pkgs p f kb
	apt_setup
	abi=$(series_abi "$series")
	root=$KDIRS/$series/$abi
	if [ ! -e "$root/.done" ]; then
		log "fetching Debian $series ($abi): headers, kbuild, image"
		case $series in
		6.12) kb=linux-kbuild-$abi ;;
		*) kb=linux-kbuild-$series ;;
		esac
		pkgs="linux-headers-$abi-common linux-headers-$abi-common-rt $kb"
		for p in $FLAVOURS; do pkgs="$pkgs linux-headers-$abi-$p"; done
		pkgs="$pkgs $(image_pkg "$abi")"
		rm -rf "$root" && mkdir -p "$root"
		for p in $pkgs; do
			f=$(deb_get "$p")
			dpkg -x "$f" "$root/fs"
		done
		# The flavour Makefiles include the -common tree by absolute path.
		for f in "$root"/fs/usr/src/linux-headers-"$abi"-*/Makefile; do
			sed -i "s#^include /usr/src/#include $root/fs/usr/src/#" "$f"
		done
		# Only the image's vmlinuz and kernel modules are used.
		rm -rf "$root"/fs/usr/share/doc "$root"/fs/usr/lib/linux/triggers
		touch "$root/.done"
		# Older ABIs of this series are of no further use.
		find "$KDIRS/$series" -mindepth 1 -maxdepth 1 ! -name "$abi" -exec rm -rf {} +
	fi
	ln -sfn "$abi" "$KDIRS/$series/current"
}

# --- kernels built from linux-source ---------------------------------------------

# Unpack Debian's linux-source-VER (the newest, or package version PV) once;
# print the source tree.
source_tree() {
	local ver=$1 pv=${2:-} f dir
	apt_setup
	if [ -z "$pv" ]; then
		f=$(deb_get "linux-source-$ver")
	else
		f=$(find "$APTDIR/debs" -maxdepth 1 -name "linux-source-${ver}_${pv//:/%3a}_all.deb")
		if [ -z "$f" ]; then
			(cd "$APTDIR/debs" && apt-get -q download "linux-source-$ver=$pv" >/dev/null 2>&1) ||
				die "apt-get download linux-source-$ver=$pv failed"
			f=$(find "$APTDIR/debs" -maxdepth 1 -name "linux-source-${ver}_${pv//:/%3a}_all.deb")
		fi
	fi
	dir=$HVIS_CACHE/src/$(basename "$f" .deb)
	if [ ! -e "$dir/.done" ]; then
		log "unpacking $(basename "$f")"
		rm -rf "$dir" && mkdir -p "$dir"
		dpkg -x "$f" "$dir/deb"
		tar -C "$dir" -xaf "$dir"/deb/usr/src/linux-source-"$ver".tar.*
		mv "$dir/linux-source-$ver" "$dir/linux"
		rm -rf "$dir/deb"
		touch "$dir/.done"
	fi
	printf '%s\n' "$dir/linux"
}

# The debug kernel: tinyconfig + tests/vm/debug.config, rebuilt only when the
# fragment (or the source) changes.
prepare_debug() {
	local src frag hash out
	src=$(source_tree 6.1)
	frag=$TOP/tests/vm/debug.config
	hash=$( (cat "$frag"; echo "$src") | sha256sum | cut -c1-12)
	out=$KDIRS/debug/$hash
	if [ ! -e "$out/.done" ]; then
		# The build takes a quarter of an hour on two cores, and make check
		# runs it in the background: meanwhile hold only a lock of the debug
		# kernel's own, so that the rest of the matrix can be prepared and
		# queried.  (Its file is outside $KDIRS/debug, which is pruned
		# below.)  Never wait for one lock while holding the other.
		flock -u 9
		exec 8>"$HVIS_CACHE/.lock-debug"
		flock 8
		build_debug "$src" "$frag" "$hash" "$out"
		exec 8>&-
		flock 9
	fi
	ln -sfn "$hash" "$KDIRS/debug/current"
}

build_debug() { # build_debug SRC FRAGMENT HASH OUT, under the debug lock
	local src=$1 frag=$2 hash=$3 out=$4
	# Another run may have built it while this one waited for the lock.
	if [ ! -e "$out/.done" ]; then
		log "building the debug kernel (6.1, config $hash): several minutes"
		rm -rf "$out" && mkdir -p "$out"
		make -s -C "$src" O="$out" CC=gcc tinyconfig >/dev/null
		(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
			"$out/.config" "$frag" >/dev/null)
		make -s -C "$src" O="$out" CC=gcc olddefconfig >/dev/null
		# Every line of the fragment must have survived olddefconfig.
		local missing
		missing=$(grep -E '^CONFIG_' "$frag" | while read -r l; do
			grep -qxF "$l" "$out/.config" || echo "$l"; done)
		[ -z "$missing" ] || die "debug.config options not taken: $missing"
		make -C "$src" O="$out" CC=gcc -j"$JOBS" bzImage modules >"$out/build.log" 2>&1 ||
			{ tail -n 30 "$out/build.log" >&2; die "debug kernel build failed"; }
		touch "$out/.done"
		find "$KDIRS/debug" -mindepth 1 -maxdepth 1 ! -name "$hash" ! -name current \
			-exec rm -rf {} +
	fi
}

# The newest kernel Debian ships: its own Debian config, prepared by our gcc.
newest_series() {
	apt_setup
	if [ -n "${HVIS_NEWEST:-}" ]; then
		printf '%s\n' "$HVIS_NEWEST"
		return
	fi
	apt-cache search --names-only '^linux-source-[0-9]' | awk '{print $1}' |
		sed -n 's/^linux-source-//p' | sort -V | tail -n1
}

prepare_newest() {
	local ver src abi hdr out
	ver=$(newest_series)
	src=$(source_tree "$ver")
	# Debian's config and Module.symvers for this series come from the
	# headers package of its newest ABI.
	abi=$(apt-cache search --names-only "^linux-headers-$ver\\.[0-9]+\\+deb[0-9]+-amd64\$" |
		awk '{print $1}' | sed -E 's/^linux-headers-(.*)-amd64$/\1/' | sort -V | tail -n1)
	[ -n "$abi" ] || die "no linux-headers for $ver"
	out=$KDIRS/newest/$abi
	if [ ! -e "$out/.done" ]; then
		log "preparing $ver ($abi) from linux-source with Debian's config"
		rm -rf "$out" && mkdir -p "$out/hdr"
		hdr=$(deb_get "linux-headers-$abi-amd64")
		dpkg -x "$hdr" "$out/hdr"
		cp "$out/hdr/usr/src/linux-headers-$abi-amd64/.config" "$out/.config"
		cp "$out/hdr/usr/src/linux-headers-$abi-amd64/Module.symvers" "$out/"
		rm -rf "$out/hdr"
		# Debian signs modules with a key we do not have.
		sed -i -e '/^CONFIG_MODULE_SIG_KEY=/d' -e '/^CONFIG_SYSTEM_TRUSTED_KEYS=/d' \
			"$out/.config"
		make -s -C "$src" O="$out" CC=gcc olddefconfig >"$out/build.log" 2>&1
		make -C "$src" O="$out" CC=gcc -j"$JOBS" modules_prepare >>"$out/build.log" 2>&1 ||
			{ tail -n 30 "$out/build.log" >&2; die "modules_prepare for $ver failed"; }
		touch "$out/.done"
		find "$KDIRS/newest" -mindepth 1 -maxdepth 1 ! -name "$abi" -exec rm -rf {} +
	fi
	ln -sfn "$abi" "$KDIRS/newest/current"
}

# The source of a stock series at exactly the version of its kernel image,
# so that what is built from it is the booted kernel's own code.
stock_source() {
	local series=$1 abi pv img
	prepare_stock "$series"
	abi=$(series_abi "$series")
	img=$(image_pkg "$abi")
	pv=$(apt-cache show "$img" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n1)
	[ -n "$pv" ] || die "no version for $img"
	source_tree "$series" "$pv"
}

# --- queries ----------------------------------------------------------------------

prepare() {
	local name=$1
	apt_setup
	case $name in
	5.10 | 6.1 | 6.12) prepare_stock "$name" ;;
	*-cloud | *-rt) prepare_stock "${name%-*}" ;;
	debug) prepare_debug ;;
	newest) prepare_newest ;;
	*) die "unknown kernel '$name' (one of: $(matrix_names))" ;;
	esac
}

# Print KDIR, KREL, VMLINUZ (empty if not bootable), MODDIR, MAKEVARS.
kenv() {
	local name=$1 series flav root abi kdir krel vmlinuz="" moddir=""
	prepare "$name"
	case $name in
	*-cloud) series=${name%-cloud} flav=cloud-amd64 ;;
	*-rt) series=${name%-rt} flav=rt-amd64 ;;
	*) series=$name flav=amd64 ;;
	esac
	case $name in
	debug | newest)
		kdir=$(readlink -f "$KDIRS/$name/current")
		krel=$(cat "$kdir/include/config/kernel.release")
		if [ "$name" = debug ]; then
			vmlinuz=$kdir/arch/x86/boot/bzImage
			moddir=$kdir
		fi
		;;
	*)
		root=$(readlink -f "$KDIRS/$series/current")
		abi=$(basename "$root")
		kdir=$root/fs/usr/src/linux-headers-$abi-$flav
		krel=$abi-$flav
		if [ "$flav" = amd64 ]; then
			vmlinuz=$root/fs/boot/vmlinuz-$krel
			moddir=$root/fs/lib/modules/$krel
		fi
		;;
	esac
	printf 'KDIR=%q\nKREL=%q\nVMLINUZ=%q\nMODDIR=%q\n' "$kdir" "$krel" "$vmlinuz" "$moddir"
	# Debian's 5.10 headers name gcc-10; gcc 12 builds the same modules.
	printf 'MAKEVARS=%q\n' "CC=gcc"
}

# A package from one suite (e.g. Debian's own hyperv-daemons of bookworm,
# which the tests run against our char devices), unpacked once.
pkg() {
	local name=$1 suite=$2 ver f root
	apt_setup
	ver=$(apt-cache madison "$name" | awk -F'|' -v s="$suite" '
		$3 ~ " " s "(-security|-updates)?/" { gsub(/ /, "", $2); print $2 }' |
		sort -V | tail -n1)
	[ -n "$ver" ] || die "no $name in $suite"
	root=$HVIS_CACHE/pkgs/${name}_$ver
	if [ ! -e "$root/.done" ]; then
		f=$(find "$APTDIR/debs" -maxdepth 1 -name "${name}_${ver//:/%3a}_*.deb" | head -n1)
		if [ -z "$f" ]; then
			(cd "$APTDIR/debs" && apt-get -q download "$name=$ver" >/dev/null 2>&1) ||
				die "apt-get download $name=$ver failed"
			f=$(find "$APTDIR/debs" -maxdepth 1 -name "${name}_*${ver#*:}_*.deb" | head -n1)
		fi
		rm -rf "$root" && mkdir -p "$root"
		dpkg -x "$f" "$root"
		touch "$root/.done"
	fi
	printf '%s\n' "$root"
}

lock() {
	mkdir -p "$HVIS_CACHE"
	exec 9>"$HVIS_CACHE/.lock"
	flock 9
}

cmd=${1:-list}
shift || true
case $cmd in
list) matrix_names ;;
pkg)
	[ $# -eq 2 ] || die "usage: kernels.sh pkg NAME SUITE"
	lock
	pkg "$1" "$2"
	;;
prepare)
	lock
	for n in "$@"; do prepare "$n"; done
	;;
source)
	[ $# -eq 1 ] || die "usage: kernels.sh source 5.10|6.1|6.12"
	case $1 in 5.10 | 6.1 | 6.12) ;; *) die "no stock series $1" ;; esac
	lock
	stock_source "$1"
	;;
env)
	[ $# -eq 1 ] || die "usage: kernels.sh env NAME"
	lock
	kenv "$1"
	;;
*) die "usage: kernels.sh list | prepare NAME... | env NAME | pkg NAME SUITE | source SERIES" ;;
esac
