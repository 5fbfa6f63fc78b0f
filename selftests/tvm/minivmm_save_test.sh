#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# minivmm --save and --restore, which the two-host migration test
# (tests/e2e/migrate.sh) relies on to carry a guest from one host to the
# other: the counter guest, stopped by SIGUSR1 and saved, goes on counting
# from the count it was saved after when restored (its first count is the
# next multiple of 65536, where a fresh guest starts at 65536); a stopped
# VMM runs its guest again on a second SIGUSR1; a file that is not a
# saved guest is refused.  No migration: tvm_kvm only tracks the VMs.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
. "$dir/tvm_modules.sh"
vmm=

cleanup() {
	[ -n "$vmm" ] && kill -KILL "$vmm" 2>/dev/null && wait "$vmm" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

names="save_on_sigusr1_keeps_the_vm
restored_guest_goes_on_counting
second_sigusr1_runs_the_saved_guest_again
not_a_saved_guest_is_refused"

ktap_plan 4
[ -c /dev/kvm ] || ktap_skip_all "no /dev/kvm"
[ -x "$minivmm" ] && [ -r "$dir/guest/counter.bin" ] ||
	ktap_skip_all "minivmm or its guests not built (make selftests)"

# The last "count N" of FILE, as N.
last_count() {
	sed -n 's/^count \([0-9]*\)$/\1/p' "$1" | tail -n 1
}

"$minivmm" --save "$tmp/saved" "$dir/guest/counter.bin" \
	> "$tmp/a.out" 2> "$tmp/a.err" &
vmm=$!
saved=
if ! wait_for "$tmp/a.out" "^count 131072$"; then
	ktap_fail_all "the counter guest did not count: $(head -c 300 "$tmp/a.err")"
fi
kill -USR1 "$vmm"
if wait_for "$tmp/a.err" "saved after count" && [ -s "$tmp/saved" ] &&
   kill -0 "$vmm" 2>/dev/null; then
	saved=$(sed -n 's/^minivmm: saved after count \([0-9]*\)$/\1/p' "$tmp/a.err")
	# Stopped: no count after the one it was saved after.
	sleep 1
	if [ "$(last_count "$tmp/a.out")" = "$saved" ]; then
		ktap_pass save_on_sigusr1_keeps_the_vm
	else
		ktap_fail save_on_sigusr1_keeps_the_vm \
			"saved after $saved, but counted on to $(last_count "$tmp/a.out")"
	fi
else
	ktap_fail save_on_sigusr1_keeps_the_vm "$(head -c 300 "$tmp/a.err")"
fi

if [ -z "$saved" ]; then
	ktap_fail restored_guest_goes_on_counting "nothing saved"
elif expect_status 0 "$minivmm" --restore "$tmp/saved" --counts 2; then
	first=$(sed -n '1s/^count //p' "$tmp/out")
	if [ "$first" = $((saved + 65536)) ]; then
		ktap_pass restored_guest_goes_on_counting
	else
		ktap_fail restored_guest_goes_on_counting \
			"saved after $saved, restored guest counted $first first"
	fi
else
	ktap_fail restored_guest_goes_on_counting
fi

# The stopped VMM goes on when told (the source of an aborted migration).
n=$(last_count "$tmp/a.out")
kill -USR1 "$vmm"
if wait_for "$tmp/a.out" "^count $((n + 65536))$"; then
	ktap_pass second_sigusr1_runs_the_saved_guest_again
else
	ktap_fail second_sigusr1_runs_the_saved_guest_again \
		"$(tail -n 2 "$tmp/a.out") $(head -c 300 "$tmp/a.err")"
fi
kill "$vmm" 2>/dev/null
wait "$vmm" 2>/dev/null
vmm=

head -c 4096 /dev/zero > "$tmp/zero"
if expect_status 1 "$minivmm" --restore "$tmp/zero" &&
   grep -q "Bad message" "$tmp/err"; then
	ktap_pass not_a_saved_guest_is_refused
else
	ktap_fail not_a_saved_guest_is_refused "$(cat "$tmp/err")"
fi

ktap_finish
