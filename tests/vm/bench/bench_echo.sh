# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: echo throughput through one channel for 64 B, 1 KiB and 4 KiB
# packets, beside an in-VM memcpy of the same bytes, and the interrupts and
# signals it took.  Prints figures; judges nothing but that the run worked.

D=/sys/bus/vmbus/devices
I=6876ab5f-0000-0000-0000-000000000000
hvis_insmod hvis_sim ics=0 extra_offers=1 || fail "insmod hvis_sim: $INSMOD_OUT"
hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
hvis_insmod hvis_test_driver || fail "insmod hvis_test_driver: $INSMOD_OUT"

for size in 64 1024 4096; do
	echo "20000 $size" >$D/$I/bench || fail "bench $size"
	v=$(cat $D/$I/echo)
	case $v in ok*) ;; *) fail "bench $size: $v" ;; esac
	info "bench-echo $v"
done
rmmod hvis_test_driver && rmmod hvis_vmbus && rmmod hvis_sim || fail "rmmod"
exit 0
