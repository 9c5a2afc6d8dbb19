#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch and unpack Debian's hv_fcopy_uio_daemon (the userspace half of
# Copy-VMFile from Linux 6.10 on, beside uio_hv_generic) with the C
# library it was linked against, and print the root they were unpacked in:
#
#   fcopy-uio.sh            ->  $HVIS_CACHE/pkgs/fcopy-uio_<daemons>_<libc6>
#
# The root holds sbin/hv_fcopy_uio_daemon, lib64/ld-linux-x86-64.so.2 and
# lib/x86_64-linux-gnu/, so the guest runs it with that loader:
#
#   ROOT/lib64/ld-linux-x86-64.so.2 --library-path ROOT/lib/x86_64-linux-gnu \
#       ROOT/sbin/hv_fcopy_uio_daemon -n
#
# Where the daemon comes from: trixie's own hyperv-daemons (6.12.117-1)
# ships only hv_kvp_daemon and hv_vss_daemon, and so does bookworm-backports'
# 6.12.95; the first Debian package with hv_fcopy_uio_daemon is
# trixie-backports' 7.3.x.  It needs glibc >= 2.38 (bookworm has 2.36),
# hence trixie's libc6.  FCOPY_UIO_SUITE and FCOPY_UIO_LIBC_SUITE override.
#
# apt runs with a private configuration (the cached one plus trixie main,
# its own lists and cache under $HVIS_CACHE/apt-fcopy-uio); the system's
# apt sources are never read or changed.
set -euo pipefail

cache=${HVIS_CACHE:-/var/cache/hvis}
dsuite=${FCOPY_UIO_SUITE:-trixie-backports}
lsuite=${FCOPY_UIO_LIBC_SUITE:-trixie}
die() { echo "fcopy-uio.sh: $*" >&2; exit 1; }

a=$cache/apt-fcopy-uio
mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/debs"
cat >"$a/apt.conf" <<EOF
Dir::Etc::SourceList "$a/sources.list";
Dir::Etc::SourceParts "/nonexistent";
Dir::State::Lists "$a/lists";
Dir::Cache "$a/cache";
Dir::State::status "/dev/null";
APT::Architecture "amd64";
APT::Sandbox::User "root";
Acquire::Languages "none";
EOF
cat >"$a/sources.list" <<EOF
deb http://deb.debian.org/debian trixie main
deb http://deb.debian.org/debian trixie-backports main
EOF
export APT_CONFIG=$a/apt.conf

# Lists older than a day are fetched again.
if [ -z "$(find "$a/lists" -maxdepth 1 -name '*_Packages' -mtime -1 2>/dev/null)" ]; then
	apt-get -q update >"$a/update.log" 2>&1 || { tail -n 5 "$a/update.log" >&2; die "apt-get update failed"; }
fi

# newest SUITE PACKAGE: the newest version of PACKAGE in SUITE.
newest() {
	apt-cache madison "$2" | awk -F' [|] ' -v s="/debian $1/" \
		'index($3, s) { gsub(/ /, "", $2); print $2; exit }'
}
dver=$(newest "$dsuite" hyperv-daemons)
lver=$(newest "$lsuite" libc6)
[ -n "$dver" ] || die "no hyperv-daemons in $dsuite"
[ -n "$lver" ] || die "no libc6 in $lsuite"

root=$cache/pkgs/fcopy-uio_${dver}_${lver}
if [ ! -x "$root/sbin/hv_fcopy_uio_daemon" ]; then
	(cd "$a/debs" && apt-get -q download "hyperv-daemons=$dver" "libc6=$lver" >/dev/null) ||
		die "apt-get download failed"
	mkdir -p "$cache/pkgs"
	tmp=$(mktemp -d "$cache/pkgs/.fcopy-uio.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dpkg -x "$a/debs/hyperv-daemons_${dver//:/%3a}_amd64.deb" "$tmp/d"
	dpkg -x "$a/debs/libc6_${lver//:/%3a}_amd64.deb" "$tmp/l"
	[ -x "$tmp/d/usr/sbin/hv_fcopy_uio_daemon" ] ||
		die "hyperv-daemons $dver ($dsuite) has no hv_fcopy_uio_daemon"
	mkdir -p "$tmp/r/sbin" "$tmp/r/lib64" "$tmp/r/lib/x86_64-linux-gnu"
	cp "$tmp/d/usr/sbin/hv_fcopy_uio_daemon" "$tmp/r/sbin/"
	# trixie is merged-/usr: the libraries are under usr/lib.  The daemon
	# needs libc.so.6 only (and the loader).
	cp "$tmp/l/usr/lib/x86_64-linux-gnu/"{ld-linux-x86-64.so.2,libc.so.6} \
		"$tmp/r/lib/x86_64-linux-gnu/"
	ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$tmp/r/lib64/ld-linux-x86-64.so.2"
	printf 'hyperv-daemons %s (%s)\nlibc6 %s (%s)\n' "$dver" "$dsuite" "$lver" "$lsuite" \
		>"$tmp/r/ORIGIN"
	rm -rf "$root"
	mv "$tmp/r" "$root"
fi
echo "$root"
