#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A KVM VM that tvm cannot track is never created.  With tvm loaded with
# max_vms=1 and one VM alive, the next KVM_CREATE_VM fails with ENOSPC:
# the refusal is counted, leaves no instance behind, and the VM that
# exists runs on.  (Before, the VM was created untracked and only its
# KVM_RUN failed, and a VM tvm_kvm failed to track was later adopted, so
# never gated.)
#
# One user cannot take every slot (ABI 7): with max_vms_per_user=1, a
# second VM of "nobody" (uid 65534, group kvm, as a VMM runs on a Debian
# host) fails with EDQUOT while root still creates one.  A refused
# creation reads nothing from the host TPM (kprobes on tpm_pcr_read and
# tpm_send count the reads): limits come before the costly work.  Ends
# with tvm and tvm_kvm loaded again with their defaults.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
. "$dir/tvm_modules.sh"
vmm=

names="kvm_create_vm_refused_at_max_vms
refusal_is_counted_and_leaves_no_instance
the_tracked_vm_runs_on
no_tpm_read_when_refused_at_max_vms
user_refused_at_max_vms_per_user
no_tpm_read_when_refused_per_user
other_users_create_past_one_users_limit"

cleanup() {
	[ -n "$vmm" ] && kill -KILL "$vmm" 2>/dev/null && wait "$vmm" 2>/dev/null
	if [ -n "$probe" ]; then
		echo 0 > "$tr/events/tvm_limits/enable" 2>/dev/null
		echo "-:tvm_limits/pcr_read" >> "$tr/kprobe_events" 2>/dev/null
		echo "-:tvm_limits/tpm_send" >> "$tr/kprobe_events" 2>/dev/null
	fi
	if [ -n "$reloaded" ]; then
		tvm_reload > "$tmp/why" ||
			echo "# could not load tvm back with its defaults: $(cat "$tmp/why")"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# Kprobes on tpm_pcr_read and tpm_send, to count the host TPM reads tvm
# makes (one TPM2_PCR_Read through tpm_send, PCR by PCR what it did not
# return).
tr=/sys/kernel/tracing
probe=
probe_on() {
	[ -e "$tr/kprobe_events" ] || mount -t tracefs nodev "$tr" 2>/dev/null
	echo "p:tvm_limits/pcr_read tpm_pcr_read" >> "$tr/kprobe_events" &&
		probe=1 &&
		echo "p:tvm_limits/tpm_send tpm_send" >> "$tr/kprobe_events" &&
		echo 1 > "$tr/events/tvm_limits/enable"
}
# tpm_reads CMD...: run CMD; how many tpm_pcr_read and tpm_send calls it
# made (set in $reads; CMD's status is returned).
tpm_reads() {
	echo > "$tr/trace"
	"$@"
	_st=$?
	reads=$(grep -c "pcr_read:\|tpm_send:" "$tr/trace")
	return $_st
}

# As a VMM user on a Debian host: nobody, in group kvm (guest-init gives
# /dev/kvm to kvm, 0660).  A prefix, not a function: "$!" of a function
# run in the background is a shell, and killing it leaves the VMM running.
as_vmm_user="setpriv --reuid=65534 --regid=65534 --groups=kvm --"

ktap_plan 7
tvm_need_kvm
[ -x "$minivmm" ] && [ -r "$dir/guest/spin.bin" ] ||
	ktap_skip_all "minivmm or its guests not built (make selftests)"

reloaded=1
tvm_reload max_vms=1 > "$tmp/why" ||
	ktap_fail_all "cannot reload tvm with max_vms=1: $(cat "$tmp/why")"

# One VM, tracked, its vCPU looping in the guest.
"$minivmm" "$dir/guest/spin.bin" > "$tmp/spin" 2> "$tmp/spin-err" &
vmm=$!
wait_for "$tmp/spin" r
refused=$(stat_of vms_refused)

# The second VM is refused at KVM_CREATE_VM, not at KVM_RUN.
if expect_status 1 "$minivmm" "$dir/guest/hello.bin" &&
   grep -q "creating the VM: No space left on device" "$tmp/err"; then
	ktap_pass "kvm_create_vm_refused_at_max_vms"
else
	ktap_fail "kvm_create_vm_refused_at_max_vms" \
		"minivmm said: $(head -c 300 "$tmp/err")"
fi

if [ "$(stat_of vms_refused)" = $((refused + 1)) ] &&
   [ "$(stat_of vms)" = 1 ]; then
	ktap_pass "refusal_is_counted_and_leaves_no_instance"
else
	ktap_fail "refusal_is_counted_and_leaves_no_instance" \
		"vms_refused $(stat_of vms_refused) (before $refused), vms $(stat_of vms)"
fi

if grep -q r "$tmp/spin" && kill -0 "$vmm" 2>/dev/null; then
	ktap_pass "the_tracked_vm_runs_on"
else
	ktap_fail "the_tracked_vm_runs_on" "$(cat "$tmp/spin-err")"
fi

if ! probe_on 2> "$tmp/probe"; then
	ktap_fail no_tpm_read_when_refused_at_max_vms "no kprobe: $(cat "$tmp/probe")"
elif ! [ -e /dev/tpm0 ]; then
	ktap_fail no_tpm_read_when_refused_at_max_vms "no host TPM to watch"
elif tpm_reads expect_status 1 "$minivmm" "$dir/guest/hello.bin" &&
     [ "$reads" = 0 ]; then
	ktap_pass no_tpm_read_when_refused_at_max_vms
else
	ktap_fail no_tpm_read_when_refused_at_max_vms "$reads host TPM reads"
fi
kill "$vmm" 2>/dev/null
wait "$vmm" 2>/dev/null
vmm=

tvm_reload max_vms_per_user=1 > "$tmp/why" ||
	ktap_fail_all "cannot reload tvm with max_vms_per_user=1: $(cat "$tmp/why")" \
		user_refused_at_max_vms_per_user no_tpm_read_when_refused_per_user \
		other_users_create_past_one_users_limit

# nobody's first VM, looping; its second is refused, with no TPM read.
# (A file of its own: the first VM's output says "r" already.)
$as_vmm_user "$minivmm" "$dir/guest/spin.bin" > "$tmp/spin2" 2> "$tmp/spin-err" &
vmm=$!
wait_for "$tmp/spin2" r
refused=$(stat_of vms_refused)
if ! grep -q r "$tmp/spin2"; then
	ktap_fail user_refused_at_max_vms_per_user \
		"nobody's first VM does not run: $(head -c 300 "$tmp/spin-err")"
	ktap_fail no_tpm_read_when_refused_per_user "no first VM"
elif tpm_reads expect_status 1 $as_vmm_user "$minivmm" "$dir/guest/hello.bin"; then
	if grep -q "creating the VM: Disk quota exceeded" "$tmp/err" &&
	   [ "$(stat_of vms_refused)" = $((refused + 1)) ]; then
		ktap_pass user_refused_at_max_vms_per_user
	else
		ktap_fail user_refused_at_max_vms_per_user \
			"minivmm said: $(head -c 300 "$tmp/err"); vms_refused $(stat_of vms_refused) (before $refused)"
	fi
	if [ "$reads" = 0 ]; then
		ktap_pass no_tpm_read_when_refused_per_user
	else
		ktap_fail no_tpm_read_when_refused_per_user "$reads host TPM reads"
	fi
else
	ktap_fail user_refused_at_max_vms_per_user "nobody's second VM was created"
	ktap_fail no_tpm_read_when_refused_per_user "not refused"
fi

# Root, another user, creates and runs a VM meanwhile (and its creation
# does read the TPM: the probe sees what it should).
if tpm_reads expect_status 0 "$minivmm" "$dir/guest/hello.bin" &&
   grep -q hello "$tmp/out" && [ "$reads" -gt 0 ]; then
	ktap_pass other_users_create_past_one_users_limit
else
	ktap_fail other_users_create_past_one_users_limit \
		"root's VM: $(head -c 300 "$tmp/err"); $reads TPM reads"
fi
kill "$vmm" 2>/dev/null
wait "$vmm" 2>/dev/null
vmm=
ktap_finish
