# SPDX-License-Identifier: GPL-2.0-only
#
# Harness self-test: this scenario "passes", but the module WARNs, so the
# harness must judge the run a failure (panic_on_warn, kernel log scan).
#
# check-name: harness/catches-a-WARN
# check-stage: selftest
# check-kernels: debug
# check-options: -x
# check-dir: selftest
# check-verdict: fail
# expect-output: ^FAIL vm/selftest/guest-health.*WARNING
insmod "$MODDIR/hvis_selftest_warn.ko"
exit 0
