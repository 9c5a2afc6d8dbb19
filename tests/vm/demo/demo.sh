# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: the main job of hvis, narrated.  Runs in the VM on the tree
# scripts/demo.sh installed with DKMS; make demo prints its part of the
# console.  Ends with the host shutting the guest down (an ending scenario).

say() {
	echo
	echo "### $*"
}
run() {	# show a command, then run it
	echo "\$ $*"
	"$@"
}
D=/sys/bus/vmbus/devices

# udev's part in loading modules (lib.sh).
autoload_start

hostname demo-guest
say "The host: a simulated Windows Server 2022 (hvis_sim stands in for Hyper-V)"
hvis_insmod hvis_sim profile=WS2022 || fail "hvis_sim: $INSMOD_OUT"

say "Load hvis as DKMS installed it; udev loads the services (hvis_ic_vmbus brings all six)"
echo "DKMS put the modules in /lib/modules/$(uname -r)/updates/dkms:"
ls "/lib/modules/$(uname -r)/updates/dkms"
run modprobe hvis_vmbus || fail "modprobe hvis_vmbus"
wait_for 30 ic_all_bound || fail "not every service driver was loaded"
echo "\$ lsmod"
lsmod | grep -E '^(Module|hvis_)'
echo "(and no in-tree hv_* module: $(grep -c '^hv_' /proc/modules) loaded)"

say "lsvmbus -vv: the devices on the bus, and the versions each service agreed"
run lsvmbus -vv

say "The daemons of Data Exchange and Guest Services start"
daemon_start hvis kvp
daemon_start hvis fcopy
echo "hvis-kvp-daemon and hvis-fcopy-daemon registered"

say "On the host: Get-VMIntegrationService"
wait_for 30 ic_all_ok || fail "not every service is OK on the host"
run hvsim get-integration-services

say "Data Exchange: the host reads what the guest publishes, and writes a value"
echo "\$ hvsim kvp list --pool auto"
hvsim kvp list --pool auto | grep -E '^(FullyQualifiedDomainName|OSName|OSVersion|OSBuildNumber|IntegrationServicesVersion) '
run hvsim kvp set Greeting "Hello from the host" --pool 0 || fail "kvp set"
run hvsim kvp get Greeting --pool 0 || fail "kvp get"

say "Copy-VMFile: 16 MiB from the host to /srv/incoming in the guest"
echo "(QEMU here emulates every instruction: the rate says little about Hyper-V.)"
dd if=/dev/urandom of=/tmp/report.bin bs=1M count=16 2>/dev/null
# (The progress line, every quarter.)
echo "\$ hvsim copy-file /tmp/report.bin /srv/incoming/report.bin --create-path"
hvsim copy-file /tmp/report.bin /srv/incoming/report.bin --create-path 2>&1 |
	tr '\r' '\n' | grep -E '\((0|25|50|75|100)%\)|^copied [0-9]+ bytes'
sha256sum /tmp/report.bin /srv/incoming/report.bin
[ "$(sha256sum </tmp/report.bin)" = "$(sha256sum </srv/incoming/report.bin)" ] ||
	fail "the copy differs"

say "Time synchronization: the host's clock is an hour ahead, and says so"
echo "guest clock before: $(date -u '+%F %T') UTC"
dmesg_mark demo-time
run hvsim time sync --offset 3600 || fail "time sync"
wait_for 10 eval 'dmesg_since demo-time | grep -q "host SYNC"' || fail "no SYNC seen"
echo "guest clock after:  $(date -u '+%F %T') UTC"
dmesg_since demo-time | grep -o 'host SYNC.*'
hvsim time sync --offset 0 >/dev/null

say "Graceful shutdown: Stop-VM on the host; the guest powers off the orderly way"
echo poweroff >/tmp/expect-orderly
run hvsim shutdown || fail "hvsim shutdown"
sleep 60
fail "still running 60 s after the host asked for a poweroff"
