#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The two-host trusted migration test: boots two emulated hosts at once
# (scripts/vm-run --name mig-a and --name mig-b, each with its own swtpm),
# which run tests/e2e/migrate-host.sh A and B and meet through a directory
# of the shared tree, build/e2e/migrate.  A's measured, trusted guest goes
# to B and goes on counting there; B's quote verifies, A's copy is dead.
#
#   tests/e2e/migrate.sh          (after make all; scripts/check runs it)
#
# KTAP on stdout: each host's steps as the subtests of one result per host
# ("e2e: migrate: host A"), which fails too when that emulated host did not
# end cleanly (vm-run's exit: froze, timed out, a kernel splat).  Exits 1
# if anything failed.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
out=$top/build/e2e
dir=$out/migrate
timeout=${TVM_E2E_TIMEOUT:-900}
rm -rf "$dir"
mkdir -p "$dir" || exit 1
start=$(date +%s)

pids=()
for role in A B; do
	host=mig-$(echo $role | tr AB ab)
	scripts/vm-run --name "$host" --strict --timeout "$timeout" -- \
		tests/e2e/migrate-host.sh "$role" "$dir" \
		> "$out/$role.ktap" 2> "$out/$role.err" &
	pids+=($!)
done
rc=()
for p in "${pids[@]}"; do
	wait "$p"
	rc+=($?)
done
took=$(( $(date +%s) - start ))

echo "TAP version 13"
echo "1..2"
i=0
failed=0
for role in A B; do
	r=${rc[$i]}
	i=$((i + 1))
	echo "# e2e: migrate: host $role"
	sed 's/^/    /' "$out/$role.ktap"
	sed 's/^/    # /' "$out/$role.err"
	case "$r" in
	0) echo "ok $i e2e: migrate: host $role" ;;
	*)
		failed=1
		case "$r" in
		1) why="a step failed" ;;
		123) why="froze (build/vm-run/mig-${role,,}/hang-report.txt)" ;;
		124) why="timed out after ${timeout}s" ;;
		126) why="kernel log shows a problem (build/vm-run/mig-${role,,}/console.log)" ;;
		*) why="vm-run exit $r" ;;
		esac
		echo "# host $role: $why"
		echo "not ok $i e2e: migrate: host $role"
		;;
	esac
done
echo "# e2e: migrate: both hosts took ${took}s, boots included"
exit $failed
