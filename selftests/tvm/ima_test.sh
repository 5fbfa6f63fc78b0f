#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# IMA in the emulated host runs the policy vm-run's init writes: critical
# data labelled "tvm" (tvm's trust-state records), executables and modules.
# The policy cannot be read back on this kernel, so the test looks at what
# it measured: the boot-time critical_data policy alone measures no
# executable, so a measured /usr/bin/kmod shows the custom policy is active.

. "$(dirname "$0")/ktap.sh"

log=/sys/kernel/security/ima/ascii_runtime_measurements
ktap_plan 3
if [ ! -r $log ]; then
	for t in ima_log_readable ima_measures_executables ima_boot_aggregate_on_pcr10; do
		ktap_skip $t "no $log"
	done
	ktap_finish
fi

ktap_pass ima_log_readable

if grep -q ' /usr/bin/kmod *$' $log; then
	ktap_pass ima_measures_executables
else
	ktap_fail ima_measures_executables "no record for /usr/bin/kmod: custom policy not loaded"
fi

first=$(head -n 1 $log)
case "$first" in
"10 "*" boot_aggregate"*) ktap_pass ima_boot_aggregate_on_pcr10 ;;
*) ktap_fail ima_boot_aggregate_on_pcr10 "first record: $first" ;;
esac

ktap_finish
