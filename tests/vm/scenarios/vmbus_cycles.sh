# SPDX-License-Identifier: GPL-2.0-only
#
# 50 load/unload cycles (10 on the debug kernel) of hvis_vmbus against the
# simulated host: each one negotiates, registers the six devices, unloads
# with UNLOAD and leaves nothing behind.  kmemleak (debug kernel) is read by the harness at the end.

hvis_insmod hvis_sim || fail "insmod hvis_sim: $INSMOD_OUT"
n=$(sized 50 10) i=0
while [ $i -lt $n ]; do
	i=$((i + 1))
	hvis_insmod hvis_vmbus || fail "cycle $i: insmod: $INSMOD_OUT"
	ndevices_is 6 || fail "cycle $i: $(ndevices) devices"
	rmmod hvis_vmbus || fail "cycle $i: rmmod"
	[ -e /sys/bus/vmbus ] && fail "cycle $i: bus left behind"
done
[ "$(grep -c 'G->H UNLOAD$' /sys/kernel/debug/hvis_sim/log)" = $n ] ||
	fail "$(grep -c 'G->H UNLOAD$' /sys/kernel/debug/hvis_sim/log) UNLOADs for $n unloads"
rmmod hvis_sim || fail "rmmod hvis_sim"
exit 0
