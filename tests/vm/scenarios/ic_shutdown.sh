# SPDX-License-Identifier: GPL-2.0-only
#
# Shutdown requests that do not end the VM: hibernate (a uevent for udev,
# or a refusal where hibernation is off), and a host asking a guest whose
# shutdown service is gone.  ending/ic_poweroff and ending/ic_reboot do the
# rest.
ic_up
wait_for 20 ic_ok Shutdown || fail "shutdown never OK: $(ic_host Shutdown primary)"
dev=$(ic_dev hvis_shutdown)

# Hibernate: with hibernation, the answer is OK and udev gets EVENT=hibernate.
echo 1 >/sys/module/hvis_shutdown/parameters/hibernate
uevent sh -c 'env >>/tmp/uevents; echo >>/tmp/uevents' &
uev=$!
# The listener is up once it sees an event of our own making.
listening() {
	echo change >"$dev/uevent"
	grep -q '^ACTION=change' /tmp/uevents 2>/dev/null
}
wait_for 10 listening || fail "the uevent listener never started"
hvsim shutdown --hibernate || fail "hibernate request refused with hibernate=1"
wait_for 10 grep -q '^EVENT=hibernate' /tmp/uevents || fail "no EVENT=hibernate uevent"
grep -q "^DEVPATH=.*/$(basename "$dev")\$" /tmp/uevents || fail "the uevent is not the device's"
# The host asking again at once is answered, but udev hears of it once a
# minute at most.  Uevents arrive in order: once a marker of our own sent
# after the requests has come, so has any uevent the requests made.
for i in 1 2 3 4 5; do
	hvsim shutdown --hibernate || fail "repeated hibernate request $i refused"
done
echo "change 00000000-0000-4000-8000-000000000001 MARK=repeat" >"$dev/uevent"
wait_for 10 grep -q '^SYNTH_ARG_MARK=repeat' /tmp/uevents || fail "the marker uevent never came"
n=$(grep -c '^EVENT=hibernate' /tmp/uevents)
[ "$n" = 1 ] || fail "six hibernate requests in a row made $n uevents"
kill $uev

# Without hibernation, the host is told no.
echo 0 >/sys/module/hvis_shutdown/parameters/hibernate
if hvsim shutdown --hibernate 2>/tmp/err; then
	fail "hibernate accepted with hibernate=0"
fi
cat /tmp/err
grep -q 'hibernate request refused' "$dev/ic/last_error" ||
	fail "last_error is '$(cat "$dev/ic/last_error")'"
wait_for 5 ic_ok Shutdown || fail "shutdown not OK after a refused request"

# No guest service: the host gets a clear error, not a hang.
rmmod hvis_shutdown || fail "rmmod hvis_shutdown"
if hvsim shutdown 2>/tmp/err; then
	fail "shutdown 'accepted' with no shutdown driver"
fi
cat /tmp/err
ic_host_is Shutdown primary "Lost Communication" ||
	fail "host shows '$(ic_host Shutdown primary)' for a closed shutdown channel"
hvis_insmod hvis_shutdown || fail "insmod hvis_shutdown: $INSMOD_OUT"
wait_for 20 ic_ok Shutdown || fail "shutdown not OK after reload"
ic_down
