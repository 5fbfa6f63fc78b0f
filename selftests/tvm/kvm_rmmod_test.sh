#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unloading tvm_kvm with real VMs: rmmod is refused while a VM it tracks
# exists (a vCPU looping in the guest, or a halted VM its VMM still
# holds); once the VMMs are gone it unloads, leaves no instance behind,
# loads again, tracks the next VM, and adopts a VM created while it was
# out as UNKNOWN without stopping it, even under an enforcing default
# policy.  Leaves tvm_kvm loaded.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
. "$dir/tvm_modules.sh"
vmm=
was_loaded=
[ -d /sys/module/tvm_kvm ] && was_loaded=1

tvmctl=$dir/../tvmctl
[ -x "$tvmctl" ] || tvmctl=$(command -v tvmctl)

cleanup() {
	[ -n "$vmm" ] && kill -KILL "$vmm" 2>/dev/null && wait "$vmm" 2>/dev/null
	[ -n "$policy" ] && "$tvmctl" policy delete default 2>/dev/null
	[ -n "$was_loaded" ] && [ ! -d /sys/module/tvm_kvm ] && tvm_load tvm_kvm
	rm -rf "$tmp"
}
trap cleanup EXIT

names="rmmod_refused_while_a_vcpu_is_in_the_guest
rmmod_refused_while_a_halted_vm_is_held
rmmod_works_once_the_vms_are_gone
no_instance_left_behind
tvm_kvm_loads_again
a_new_vm_is_tracked_again
a_vm_from_before_the_load_is_adopted_and_runs"

ktap_plan 7
tvm_need_kvm
[ -x "$minivmm" ] && [ -r "$dir/guest/spin.bin" ] ||
	ktap_skip_all "minivmm or its guests not built (make selftests)"
[ -n "$tvmctl" ] || ktap_skip_all "no tvmctl (make tvmctl)"

# stop: SIGTERM the VMM and reap it.
stop() {
	kill "$vmm" 2>/dev/null
	wait "$vmm" 2>/dev/null
	vmm=
}

# refused: rmmod fails and the module stays.
refused() {
	if rmmod tvm_kvm > "$tmp/rmmod" 2>&1; then
		echo "# rmmod tvm_kvm succeeded with a VM alive"
		return 1
	fi
	echo "# rmmod said: $(cat "$tmp/rmmod")"
	[ -d /sys/module/tvm_kvm ]
}

vms=$(stat_of vms)

# refused_while NAME TEXT ARG...: with "minivmm ARG..." running and
# TEXT in its output, rmmod is refused; then stop it.
refused_while() {
	_name=$1
	_text=$2
	shift 2
	"$minivmm" "$@" > "$tmp/out" 2> "$tmp/err" &
	vmm=$!
	if ! wait_for "$tmp/out" "$_text"; then
		ktap_fail "$_name" "the guest did not say \"$_text\": $(cat "$tmp/err")"
	elif refused; then
		ktap_pass "$_name"
	else
		ktap_fail "$_name"
	fi
	stop
}

# 1. A vCPU loops in the guest, inside KVM_RUN.
refused_while rmmod_refused_while_a_vcpu_is_in_the_guest r \
	"$dir/guest/spin.bin"

# 2. The guest halted; its VMM holds the VM without running it.
refused_while rmmod_refused_while_a_halted_vm_is_held hello \
	--hold 60 "$dir/guest/hello.bin"

# 3. Both VMMs are gone (give the VMs' destruction a few seconds).
i=0
while ! rmmod tvm_kvm > "$tmp/rmmod" 2>&1 && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done
if [ ! -d /sys/module/tvm_kvm ]; then
	ktap_pass "rmmod_works_once_the_vms_are_gone"
else
	ktap_fail "rmmod_works_once_the_vms_are_gone" "$(cat "$tmp/rmmod")"
fi

# 4. The instances of both VMs went with them.
if [ "$(stat_of vms)" = "$vms" ]; then
	ktap_pass "no_instance_left_behind"
else
	ktap_fail "no_instance_left_behind" "vms: $(stat_of vms), before: $vms"
fi

# 5, 6. Loaded again, it tracks a new VM: one more instance created, and
# deleted when the VM ends.  7. A VM created while tvm_kvm was out (its
# VMM waits for a file the test makes after 6, not for a time that a
# loaded host may outlast) is adopted at its first KVM_RUN after the
# load: UNKNOWN, and not stopped by an enforcing default policy.
policy=
"$minivmm" --wait-for "$tmp/go" --hold 5 "$dir/guest/hello.bin" \
	> "$tmp/early" 2> "$tmp/early-err" &
vmm=$!
sleep 1
if tvm_load tvm_kvm; then
	ktap_pass "tvm_kvm_loads_again"
	if hello_vm_creates 1; then
		ktap_pass "a_new_vm_is_tracked_again"
	else
		ktap_fail "a_new_vm_is_tracked_again" "$why"
	fi

	echo '{"version": 1, "selector": {"default": true}, "mode": "enforce"}' \
		> "$tmp/enforce.json"
	"$tvmctl" policy load "$tmp/enforce.json" > /dev/null && policy=1
	touch "$tmp/go"
	# Its instance, while its VMM holds it: kvm, its pid, unknown, why.
	adopted=
	i=0
	while [ $i -lt 100 ] && [ -z "$adopted" ]; do
		"$tvmctl" vm list > "$tmp/list"
		grep -E " $vmm +yes +adopted" "$tmp/list" | grep -q " unknown " &&
			adopted=1
		i=$((i + 1))
		sleep 0.1
	done
	wait "$vmm"
	rc=$?
	vmm=
	if [ -z "$policy" ]; then
		ktap_fail "a_vm_from_before_the_load_is_adopted_and_runs" \
			"could not load an enforcing default policy"
	elif [ -n "$adopted" ] && [ $rc = 0 ] &&
	     grep -q "hello from a measured guest" "$tmp/early" &&
	     [ "$(stat_of vms_created)" = $((created + 2)) ]; then
		ktap_pass "a_vm_from_before_the_load_is_adopted_and_runs"
	else
		ktap_fail "a_vm_from_before_the_load_is_adopted_and_runs" \
			"adopted: ${adopted:-no}; minivmm exit $rc: $(cat "$tmp/early-err"); created $(stat_of vms_created) (before $created); $(cat "$tmp/list")"
	fi
else
	ktap_fail "tvm_kvm_loads_again" "$(cat "$tmp/load")"
	touch "$tmp/go"
	ktap_skip "a_new_vm_is_tracked_again" "tvm_kvm did not load"
	ktap_skip "a_vm_from_before_the_load_is_adopted_and_runs" \
		"tvm_kvm did not load"
fi
[ -n "$policy" ] && "$tvmctl" policy delete default > /dev/null && policy=
if [ "$(stat_of vms)" != "$vms" ]; then
	echo "# instances left: $(stat_of vms), before: $vms"
fi

ktap_finish
