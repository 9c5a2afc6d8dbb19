#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The KVP daemon's helper scripts (tools/scripts/hv_*) on a fake root
# (HVIS_HELPER_ROOT): DHCP detection per interface, and the ifupdown file
# hv_set_ifconfig writes from the daemon's ifcfg file, or its refusal.
# Run with dash, the /bin/sh of Debian.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
s=$top/tools/scripts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
T=unit/kvp-scripts
sh=$(command -v dash || echo sh)

check() { # check NAME CONDITION...
	local name=$1
	shift
	if "$@"; then
		echo "PASS $T/$name"
	else
		echo "FAIL $T/$name"
		rc=1
	fi
}

# --- hv_get_dhcp_info -----------------------------------------------------------------

r=$tmp/root
mkdir -p "$r/etc/network/interfaces.d" "$r/sys/class/net/eth2" "$r/run/systemd/netif/leases" \
	"$r/var/lib/NetworkManager" "$r/proc/101" "$r/proc/102" "$r/proc/103"
cat >"$r/etc/network/interfaces" <<'EOF'
source /etc/network/interfaces.d/*
auto lo
iface lo inet loopback
allow-hotplug eth0
iface eth0 inet dhcp
iface eth1 inet static
	address 10.0.0.2/24
EOF
echo 7 >"$r/sys/class/net/eth2/ifindex"
echo "ADDRESS=10.1.1.5" >"$r/run/systemd/netif/leases/7"
printf 'dhclient\0-4\0-v\0eth3\0' >"$r/proc/101/cmdline"
printf '/sbin/udhcpc\0-i\0eth4\0-f\0' >"$r/proc/102/cmdline"
printf 'sleep\0eth5\0' >"$r/proc/103/cmdline"
echo lease >"$r/var/lib/NetworkManager/internal-3c1e-eth6.lease"

dhcp() { HVIS_HELPER_ROOT=$r "$sh" "$s/hv_get_dhcp_info" "$1"; }
for c in eth0:Enabled eth1:Disabled eth2:Enabled eth3:Enabled eth4:Enabled eth5:Disabled \
	eth6:Enabled eth30:Disabled lo:Disabled; do
	check "dhcp-${c%%:*}-${c#*:}" [ "$(dhcp "${c%%:*}")" = "${c#*:}" ]
done
check dhcp-no-argument eval '! HVIS_HELPER_ROOT=$r "$sh" "$s/hv_get_dhcp_info" 2>/dev/null'

# --- hv_set_ifconfig ------------------------------------------------------------------

setif() { HVIS_HELPER_ROOT=$r "$sh" "$s/hv_set_ifconfig" "$1" 2>"$tmp/err"; }
d=$r/etc/network/interfaces.d

# What hvis-kvp-daemon writes (guest.c write_config) for two IPv4
# addresses, two IPv6 ones, gateways and DNS servers.
cat >"$tmp/ifcfg-eth7" <<'EOF'
HWADDR=00:15:5d:00:00:07
DEVICE=eth7
ONBOOT=yes
BOOTPROTO=none
IPADDR=192.168.7.10
NETMASK=255.255.255.0
IPADDR1=10.7.0.10
NETMASK1=255.255.240.0
IPV6ADDR=fd00::7/64
IPV6ADDR1=fd00:1::7/48
IPV6INIT=yes
GATEWAY=192.168.7.1
IPV6_DEFAULTGW=fd00::1
DNS1=192.168.7.53
DNS2=fd00::53
EOF
cat >"$tmp/expected-eth7" <<'EOF'
# Written by hv_set_ifconfig (hvis) from the Hyper-V host's settings.
# The next change from the host replaces this file.
auto eth7
iface eth7 inet static
	address 192.168.7.10/24
	gateway 192.168.7.1
	dns-nameservers 192.168.7.53 fd00::53
	up ip addr add 10.7.0.10/20 dev eth7
iface eth7 inet6 static
	address fd00::7/64
	gateway fd00::1
	up ip -6 addr add fd00:1::7/48 dev eth7
EOF
check set-static-exit-0 setif "$tmp/ifcfg-eth7"
check set-static-file cmp "$tmp/expected-eth7" "$d/hvis-eth7"
# Applied again (the host changes its mind): replaced, not appended to.
printf 'DEVICE=eth7\nBOOTPROTO=dhcp\nHWADDR=00:15:5d:00:00:07\n' >"$tmp/ifcfg-eth7"
check set-dhcp-exit-0 setif "$tmp/ifcfg-eth7"
check set-dhcp-file [ "$(grep -v '^#' "$d/hvis-eth7")" = "$(printf 'auto eth7\niface eth7 inet dhcp')" ]
check set-dhcp-then-reads-enabled [ "$(dhcp eth7)" = Enabled ]

# Refusals: nothing written, exit 1, a reason on stderr.
printf 'DEVICE=eth1\nBOOTPROTO=dhcp\n' >"$tmp/ifcfg-eth1"
check set-refuses-configured-iface eval '! setif "$tmp/ifcfg-eth1" && [ ! -e "$d/hvis-eth1" ] &&
	grep -q "already configured" "$tmp/err"'
printf 'DEVICE=eth8\nBOOTPROTO=none\nIPADDR=10.0.0.8;reboot\nNETMASK=255.0.0.0\n' >"$tmp/ifcfg-eth8"
check set-refuses-odd-value eval '! setif "$tmp/ifcfg-eth8" && [ ! -e "$d/hvis-eth8" ]'
printf 'DEVICE=eth8\nBOOTPROTO=none\nIPADDR=10.0.0.8\nNETMASK=255.0.255.0\n' >"$tmp/ifcfg-eth8"
check set-refuses-bad-netmask eval '! setif "$tmp/ifcfg-eth8" && [ ! -e "$d/hvis-eth8" ]'
printf 'DEVICE=eth8\nBOOTPROTO=none\n' >"$tmp/ifcfg-eth8"
check set-refuses-no-address eval '! setif "$tmp/ifcfg-eth8" && [ ! -e "$d/hvis-eth8" ]'
sed -i '/^source/d' "$r/etc/network/interfaces"
printf 'DEVICE=eth9\nBOOTPROTO=dhcp\n' >"$tmp/ifcfg-eth9"
check set-refuses-without-interfaces-d eval '! setif "$tmp/ifcfg-eth9" &&
	[ ! -e "$d/hvis-eth9" ] && grep -q "does not read interfaces.d" "$tmp/err"'
rm "$r/etc/network/interfaces"
check set-refuses-without-ifupdown eval '! setif "$tmp/ifcfg-eth9" && [ ! -e "$d/hvis-eth9" ]'
exit $rc
