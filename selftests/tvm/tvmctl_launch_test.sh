#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tvmctl launch, measure and measure-file end to end (ABI 5): the child
# that runs the command is the process bound; its exit status comes back;
# a command that cannot run, a name that is taken and a policy for another
# VM are refused before anything runs; the VM a real VMM (minivmm) creates
# under launch gets the name, the UUID and the pid; measure-file extends
# PCR 9 by the file's hash; measure refuses a VM that is not a KVM VM;
# --file (ABI 12): bad uses refused before anything runs, and the files
# are the first PCR 9 events of the KVM VM the command creates.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tvmctl=${TVMCTL:-$dir/../tvmctl}
[ -x "$tvmctl" ] || tvmctl=tvmctl
minivmm=$dir/minivmm
tmp=$(mktemp -d)
bg=

cleanup() {
	[ -n "$bg" ] && kill -KILL $bg 2>/dev/null && wait $bg 2>/dev/null
	for v in lt-taken lt-mf; do "$tvmctl" vm delete $v >/dev/null 2>&1; done
	"$tvmctl" policy delete name=lt-pol >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

names="launch_passes_the_exit_status_through
launch_reports_the_signal_that_killed_the_command
launch_of_a_missing_command_exits_127
launch_json_names_the_pid_that_runs_the_command
launch_refuses_a_name_a_vm_has
launch_refuses_a_name_another_binding_has
launch_forwards_sigterm_to_the_command
launch_refuses_a_policy_for_another_vm
launch_loads_the_policy_under_the_vms_name
vm_list_shows_pid_and_kvm_columns
measure_file_extends_pcr9_by_the_files_hash
measure_refuses_a_vm_that_is_not_kvm
launch_names_the_kvm_vm_the_command_creates
launch_file_usage_errors_run_nothing
launch_file_measures_files_into_pcr9_before_the_vm_runs"

ktap_plan 15
[ -d /sys/kernel/security/tvm ] || ktap_skip_all "tvm.ko is not loaded"
if [ "$(cat /sys/kernel/security/tvm/version)" -lt 5 ]; then
	ktap_skip_all "tvm.ko is older than ABI 5"
fi

# json_field KEY FILE: the value of "KEY" on the first line that has it.
json_field() {
	sed -n "s/.*\"$1\": *\"\{0,1\}\([^\",}]*\).*/\1/p" "$2" | head -n 1
}

if expect_status 7 "$tvmctl" launch --name lt-st -- sh -c 'exit 7' &&
   [ ! -s "$tmp/out" ]; then
	ktap_pass launch_passes_the_exit_status_through
else
	ktap_fail launch_passes_the_exit_status_through "$(cat "$tmp/out" "$tmp/err")"
fi

if expect_status 143 "$tvmctl" launch --name lt-sig -- sh -c 'kill -TERM $$'; then
	ktap_pass launch_reports_the_signal_that_killed_the_command
else
	ktap_fail launch_reports_the_signal_that_killed_the_command
fi

if expect_status 127 "$tvmctl" launch --name lt-nx -- /nonexistent/vmm &&
   grep -q "cannot run '/nonexistent/vmm': No such file" "$tmp/err"; then
	ktap_pass launch_of_a_missing_command_exits_127
else
	ktap_fail launch_of_a_missing_command_exits_127 "$(cat "$tmp/err")"
fi

# The pid bound is the command's own: its $$ (exec keeps the pid).
uuid=7c1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0
if expect_status 0 "$tvmctl" -j launch --name lt-j --uuid $uuid -- sh -c 'echo "child $$"' &&
   pid=$(json_field pid "$tmp/out") && [ -n "$pid" ] &&
   grep -q "^child $pid\$" "$tmp/out" &&
   [ "$(json_field uuid "$tmp/out")" = $uuid ] &&
   [ "$(json_field vm "$tmp/out")" = lt-j ] &&
   [ "$(head -n 1 "$tmp/out" | cut -c1)" = "{" ]; then
	ktap_pass launch_json_names_the_pid_that_runs_the_command
else
	ktap_fail launch_json_names_the_pid_that_runs_the_command "$(cat "$tmp/out" "$tmp/err")"
fi

# Refusals: tvmctl exits 1 (2 for a bad file), with why, and the command
# never runs.
"$tvmctl" vm create lt-taken > /dev/null
if expect_status 1 "$tvmctl" launch --name lt-taken -- touch "$tmp/ran" &&
   grep -q "binding pid [0-9]* to VM 'lt-taken'" "$tmp/err" &&
   grep -q "File exists" "$tmp/err" && [ ! -e "$tmp/ran" ]; then
	ktap_pass launch_refuses_a_name_a_vm_has
else
	ktap_fail launch_refuses_a_name_a_vm_has "$(cat "$tmp/err")"
fi

# A launch whose command waits: its binding holds the name meanwhile.
"$tvmctl" launch -v --name lt-dup -- sleep 30 > /dev/null 2> "$tmp/dup" &
bg=$!
for i in $(seq 50); do
	grep -q "bound to VM 'lt-dup'" "$tmp/dup" && break
	sleep 0.1
done
if expect_status 1 "$tvmctl" launch --name lt-dup -- touch "$tmp/ran" &&
   grep -q "another binding has this name" "$tmp/err" && [ ! -e "$tmp/ran" ]; then
	ktap_pass launch_refuses_a_name_another_binding_has
else
	ktap_fail launch_refuses_a_name_another_binding_has "$(cat "$tmp/dup" "$tmp/err")"
fi
# SIGTERM to tvmctl reaches the command; tvmctl exits as it did.
kill -TERM $bg
wait $bg
st=$?
bg=
if [ $st = 143 ]; then
	ktap_pass launch_forwards_sigterm_to_the_command
else
	ktap_fail launch_forwards_sigterm_to_the_command "exited $st, expected 143"
fi

printf '{"version": 1, "selector": {"name": "other"}}\n' > "$tmp/other.json"
if expect_status 2 "$tvmctl" launch --name lt-pol --policy "$tmp/other.json" -- touch "$tmp/ran" &&
   grep -q "selects name=other, not the VM launched" "$tmp/err" &&
   [ ! -e "$tmp/ran" ]; then
	ktap_pass launch_refuses_a_policy_for_another_vm
else
	ktap_fail launch_refuses_a_policy_for_another_vm "$(cat "$tmp/err")"
fi

# No selector: the policy is loaded for the name, before the command runs.
printf '{"version": 1, "mode": "audit", "runtime": [{"gpa": "0x1000", "length": 4096, "sha256": "%s"}]}\n' \
	ad7facb2586fc6e966c004d7d1d16b024f5805ff7cb47c7a85dabd8b48892ca7 > "$tmp/pol.json"
if expect_status 0 "$tvmctl" -j launch --name lt-pol --policy "$tmp/pol.json" -- \
	"$tvmctl" -j policy show name=lt-pol &&
   gen=$(json_field policy_gen "$tmp/out") && [ -n "$gen" ] &&
   [ "$(json_field generation "$tmp/out")" = "$gen" ] &&
   grep -q '"gpa": "0x1000"' "$tmp/out"; then
	ktap_pass launch_loads_the_policy_under_the_vms_name
else
	ktap_fail launch_loads_the_policy_under_the_vms_name "$(cat "$tmp/out" "$tmp/err")"
fi

"$tvmctl" vm create lt-mf > /dev/null
if expect_status 0 "$tvmctl" vm list &&
   head -n 1 "$tmp/out" | grep -q "PID *KVM *REASON" &&
   grep -q "lt-mf .* - *no" "$tmp/out" &&
   expect_status 0 "$tvmctl" -j vm show lt-mf &&
   grep -q '"pid": null' "$tmp/out" && grep -q '"kvm": false' "$tmp/out"; then
	ktap_pass vm_list_shows_pid_and_kvm_columns
else
	ktap_fail vm_list_shows_pid_and_kvm_columns "$(cat "$tmp/out" "$tmp/err")"
fi

# PCR 9 after measure-file is SHA-256(PCR 9 before || SHA-256(file)).
pcr9() {
	"$tvmctl" -j pcr read lt-mf --bank sha256 --pcrs 9 |
		grep -o '[0-9a-f]\{64\}' | head -n 1
}
printf 'a kernel image\n' > "$tmp/kernel"
before=$(pcr9)
want=$( (echo "$before"; sha256sum "$tmp/kernel" | cut -d' ' -f1) |
	xxd -r -p | sha256sum | cut -d' ' -f1)
if expect_status 0 "$tvmctl" -j measure-file lt-mf "$tmp/kernel" --name kernel &&
   seq=$(json_field seq "$tmp/out") && [ -n "$seq" ] &&
   [ "$(pcr9)" = "$want" ] &&
   expect_status 0 "$tvmctl" log lt-mf --from "$seq" &&
   grep -q "^$seq 9 FILE .* kernel\$" "$tmp/out"; then
	ktap_pass measure_file_extends_pcr9_by_the_files_hash
else
	ktap_fail measure_file_extends_pcr9_by_the_files_hash "want $want, got $(pcr9): $(cat "$tmp/out" "$tmp/err")"
fi

if expect_status 1 "$tvmctl" measure lt-mf &&
   grep -q "measuring VM 'lt-mf': .*(Operation not supported)" "$tmp/err"; then
	ktap_pass measure_refuses_a_vm_that_is_not_kvm
else
	ktap_fail measure_refuses_a_vm_that_is_not_kvm "$(cat "$tmp/err")"
fi

# A real KVM VM, created by minivmm under launch, held for a while.
if [ ! -d /sys/module/tvm_kvm ]; then
	ktap_skip launch_names_the_kvm_vm_the_command_creates "tvm_kvm is not loaded"
elif [ ! -c /dev/kvm ]; then
	ktap_skip launch_names_the_kvm_vm_the_command_creates "no /dev/kvm"
elif [ ! -x "$minivmm" ] || [ ! -r "$dir/guest/hello.bin" ]; then
	ktap_skip launch_names_the_kvm_vm_the_command_creates "minivmm or its guests not built (make selftests)"
else
	uuid=5d3c2b1a-0f1e-4d2c-8b3a-291807f6e5d4
	"$tvmctl" -j launch --name lt-kvm --uuid $uuid -- \
		"$minivmm" --hold 20 "$dir/guest/hello.bin" > "$tmp/kvm" 2>&1 &
	bg=$!
	ok=
	for i in $(seq 50); do
		if "$tvmctl" -j vm show lt-kvm > "$tmp/show" 2>/dev/null; then
			ok=1
			break
		fi
		sleep 0.2
	done
	pid=$(json_field pid "$tmp/kvm")
	if [ -n "$ok" ] && grep -q '"kvm": true' "$tmp/show" &&
	   [ -n "$pid" ] && [ "$(json_field pid "$tmp/show")" = "$pid" ] &&
	   [ "$(json_field uuid "$tmp/show")" = $uuid ] &&
	   "$tvmctl" vm list | grep -q "lt-kvm .* $pid *yes"; then
		ktap_pass launch_names_the_kvm_vm_the_command_creates
	else
		ktap_fail launch_names_the_kvm_vm_the_command_creates "$(cat "$tmp/kvm" "$tmp/show")"
	fi
	kill -TERM $bg
	wait $bg
	bg=
fi


# --file NAME=PATH: usage errors (exit 2) and a missing file (exit 1),
# all before anything runs (the command would leave a mark).
printf x > "$tmp/f1"
ok=1
for args in "--file f1" "--file =$tmp/f1" "--file a=" \
	    "--file a=$tmp/f1 --file a=$tmp/f1" \
	    "--file a=$tmp/f1 --file b=$tmp/f1 --file c=$tmp/f1 --file d=$tmp/f1 --file e=$tmp/f1"; do
	# shellcheck disable=SC2086
	expect_status 2 "$tvmctl" launch --name lt-f $args -- touch "$tmp/ran" || ok=
done
expect_status 1 "$tvmctl" launch --name lt-f --file a="$tmp/nonexistent" -- touch "$tmp/ran" || ok=
grep -q 'nonexistent: No such file' "$tmp/err" || ok=
if [ -n "$ok" ] && [ ! -e "$tmp/ran" ]; then
	ktap_pass launch_file_usage_errors_run_nothing
else
	ktap_fail launch_file_usage_errors_run_nothing "$(cat "$tmp/err")"
fi

if [ "$(cat /sys/kernel/security/tvm/version)" -lt 12 ]; then
	ktap_skip launch_file_measures_files_into_pcr9_before_the_vm_runs "tvm.ko is older than ABI 12"
elif [ ! -d /sys/module/tvm_kvm ] || [ ! -c /dev/kvm ] || [ ! -x "$minivmm" ]; then
	ktap_skip launch_file_measures_files_into_pcr9_before_the_vm_runs "no tvm_kvm, /dev/kvm or minivmm"
else
	head -c 100000 /dev/urandom > "$tmp/kernel"
	printf '%s' "console=ttyS0 quiet" > "$tmp/cmdline"
	"$tvmctl" launch --name lt-file --file kernel="$tmp/kernel" \
		--file cmdline="$tmp/cmdline" -- \
		"$minivmm" --hold 20 "$dir/guest/hello.bin" > "$tmp/kvm" 2>&1 &
	bg=$!
	for i in $(seq 50); do
		"$tvmctl" log lt-file --raw > "$tmp/log" 2>/dev/null && break
		sleep 0.2
	done
	k=$(sha256sum "$tmp/kernel" | cut -d ' ' -f 1)
	c=$(sha256sum "$tmp/cmdline" | cut -d ' ' -f 1)
	awk '$2 == 9' "$tmp/log" > "$tmp/log9"
	if sed -n 1p "$tmp/log9" | grep -q "^[0-9]* 9 0x544d0009 sha256:$k .* kernel\$" &&
	   sed -n 2p "$tmp/log9" | grep -q "^[0-9]* 9 0x544d0009 sha256:$c .* cmdline\$"; then
		ktap_pass launch_file_measures_files_into_pcr9_before_the_vm_runs
	else
		ktap_fail launch_file_measures_files_into_pcr9_before_the_vm_runs "$(cat "$tmp/log" "$tmp/kvm")"
	fi
	kill -TERM $bg
	wait $bg
	bg=
fi

ktap_finish
