# SPDX-License-Identifier: GPL-2.0-only
#
# Data Exchange, with our daemon and with Debian's hv_kvp_daemon unchanged:
# round trips in every pool the host writes, UTF-8, numbers, the Auto pool
# the host reads, deletes; no daemon and a daemon killed mid-way fail only
# what they must, promptly, and service resumes with the next daemon.
ic_up
wait_for 20 ic_ok "Key-Value Pair Exchange" || fail "KVP never OK"

# No daemon at all: a prompt failure, not a hang.
t0=$(cut -d. -f1 /proc/uptime)
if hvsim kvp get Anything --pool 0 2>/tmp/err; then fail "GET answered without a daemon"; fi
[ $(($(cut -d. -f1 /proc/uptime) - t0)) -le 5 ] || fail "no-daemon failure took too long"
grep -q 'E_FAIL\|0x80004005' /tmp/err || fail "no-daemon error: $(cat /tmp/err)"

for set in hvis debian; do
	rm -rf /tmp/hvis-kvp /var/lib/hyperv
	daemon_start $set kvp
	for pool in 0 1 3 4; do
		hvsim kvp set "k$pool" "value in pool $pool" --pool $pool ||
			fail "$set: set in pool $pool"
		[ "$(hvsim kvp get "k$pool" --pool $pool)" = "value in pool $pool" ] ||
			fail "$set: get in pool $pool: '$(hvsim kvp get "k$pool" --pool $pool 2>&1)'"
	done
	hvsim kvp set "Grüße" "€ 😀 ☃" --pool 0 || fail "$set: UTF-8 set"
	[ "$(hvsim kvp get "Grüße" --pool 0)" = "€ 😀 ☃" ] || fail "$set: UTF-8 round trip"
	hvsim kvp set Count 4294967295 --pool 0 --u32 || fail "$set: u32 set"
	[ "$(hvsim kvp get Count --pool 0)" = 4294967295 ] || fail "$set: u32 round trip"
	hvsim kvp set Big 18446744073709551615 --pool 0 --u64 || fail "$set: u64 set"
	[ "$(hvsim kvp get Big --pool 0)" = 18446744073709551615 ] || fail "$set: u64 round trip"
	long=$(head -c 1000 /dev/zero | tr '\0' x)
	hvsim kvp set Long "$long" --pool 1 || fail "$set: 1000-character value"
	[ "$(hvsim kvp get Long --pool 1)" = "$long" ] || fail "$set: long value"
	hvsim kvp list --pool 0 >/tmp/list || fail "$set: list"
	grep -q '^Grüße = € 😀 ☃$' /tmp/list || { cat /tmp/list; fail "$set: list lacks the UTF-8 pair"; }
	hvsim kvp delete k0 --pool 0 || fail "$set: delete"
	if hvsim kvp get k0 --pool 0 2>/dev/null; then fail "$set: deleted key still there"; fi
	# The Auto pool: what the host shows as the guest's intrinsic items.
	hvsim kvp list --pool auto >/tmp/auto || fail "$set: auto pool"
	for k in FullyQualifiedDomainName IntegrationServicesVersion OSName OSVersion \
		 OSMajorVersion ProcessorArchitecture; do
		grep -q "^$k = " /tmp/auto || { cat /tmp/auto; fail "$set: auto pool lacks $k"; }
	done
	grep -q "^OS[A-Za-z]* = .*$(uname -r)" /tmp/auto || fail "$set: no OS item names $(uname -r)"
	# Killed mid-way: that request fails, the next daemon carries on.
	daemon_stop kvp KILL
	if hvsim kvp get k1 --pool 1 2>/dev/null; then fail "$set: answered with the daemon dead"; fi
	daemon_start $set kvp
	[ "$(hvsim kvp get k1 --pool 1)" = "value in pool 1" ] ||
		fail "$set: pool 1 lost across a daemon restart"
	daemon_stop kvp
	info "kvp/$set ok"
done
[ "$(ic_guest hvis_kvp errors)" = 0 ] || fail "guest errors: $(ic_guest hvis_kvp last_error)"
ic_down
