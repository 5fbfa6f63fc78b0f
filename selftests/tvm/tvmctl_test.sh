#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tvmctl end to end, as an administrator uses it: create, extend, read,
# log (text and binary, checked by tpm2_eventlog), delete; and its errors:
# the exit status and the offending token on stderr.

. "$(dirname "$0")/ktap.sh"

tvmctl=${TVMCTL:-$(dirname "$0")/../tvmctl}
[ -x "$tvmctl" ] || tvmctl=tvmctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_plan 16
if [ ! -d /sys/kernel/security/tvm ]; then
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do ktap_skip "tvmctl_$i" "tvm.ko is not loaded"; done
	ktap_finish
fi

"$tvmctl" vm delete cli-t > /dev/null 2>&1
if expect_status 0 "$tvmctl" vm create cli-t --banks sha256,sm3_256 &&
   expect_status 0 "$tvmctl" -j vm show cli-t &&
   grep -q '"name": *"cli-t"' "$tmp/out"; then
	ktap_pass tvmctl_vm_create_and_show
else
	ktap_fail tvmctl_vm_create_and_show
fi

# PCR 9 after extending with "hello" is SHA-256(0^32 || SHA-256("hello")).
want=$( (printf '%064d' 0; printf hello | sha256sum | cut -d' ' -f1) |
	xxd -r -p | sha256sum | cut -d' ' -f1)
if expect_status 0 "$tvmctl" pcr extend cli-t 9 --data hello &&
   expect_status 0 "$tvmctl" pcr read cli-t --bank sha256 --pcrs 9 &&
   grep -q "$want" "$tmp/out"; then
	ktap_pass tvmctl_pcr_extend_and_read
else
	ktap_fail tvmctl_pcr_extend_and_read "want $want, got: $(cat "$tmp/out")"
fi

# The binary log replays, in tpm2_eventlog, to what tvmctl reads.
if expect_status 0 "$tvmctl" log cli-t --binary &&
   cp "$tmp/out" "$tmp/log.bin" &&
   tpm2_eventlog "$tmp/log.bin" > "$tmp/yaml" 2>&1 &&
   grep -A 30 '^pcrs:' "$tmp/yaml" | grep -q "9 *: 0x$want"; then
	ktap_pass tvmctl_binary_log_replays_in_tpm2_eventlog
else
	ktap_fail tvmctl_binary_log_replays_in_tpm2_eventlog "$(tail -n 5 "$tmp/yaml" 2>/dev/null)"
fi

# Nine events at creation, the extend is the tenth: --from 9 gives it alone.
if expect_status 0 "$tvmctl" log cli-t --from 9 &&
   [ "$(wc -l < "$tmp/out")" -eq 1 ] && grep -q '^9 9 .* hello$' "$tmp/out"; then
	ktap_pass tvmctl_log_from_returns_only_new_events
else
	ktap_fail tvmctl_log_from_returns_only_new_events "$(cat "$tmp/out")"
fi

if expect_status 2 "$tvmctl" pcr extend cli-t 24 --data x &&
   grep -q "'24'" "$tmp/err"; then
	ktap_pass tvmctl_bad_pcr_is_a_usage_error
else
	ktap_fail tvmctl_bad_pcr_is_a_usage_error "$(cat "$tmp/err")"
fi

# 4097 bytes of event data are a usage error (exit 2, nothing sent) that
# says how much is allowed, whichever option gives them.
head -c 4097 /dev/zero | tr '\0' a > "$tmp/big"
big=$(cat "$tmp/big")
bighex=$(od -An -v -tx1 "$tmp/big" | tr -d ' \n')
for opt in data data-hex data-file; do
	name=tvmctl_$(echo "$opt" | tr - _)_of_4097_bytes_is_a_usage_error
	case $opt in
	data) arg=$big ;;
	data-hex) arg=$bighex ;;
	data-file) arg=$tmp/big ;;
	esac
	if expect_status 2 "$tvmctl" pcr extend cli-t 9 --$opt "$arg" &&
	   grep -q -- "--$opt.* more than 4096" "$tmp/err" &&
	   expect_status 0 "$tvmctl" log cli-t --from 10 && [ ! -s "$tmp/out" ]; then
		ktap_pass "$name"
	else
		ktap_fail "$name" \
			"$(head -c 300 "$tmp/err")"
	fi
done

if expect_status 1 "$tvmctl" pcr reset cli-t 9 &&
   grep -q "not resettable" "$tmp/err"; then
	ktap_pass tvmctl_reset_of_pcr9_refused_with_reason
else
	ktap_fail tvmctl_reset_of_pcr9_refused_with_reason "$(cat "$tmp/err")"
fi

if expect_status 1 "$tvmctl" vm show cli-nosuch && grep -q "cli-nosuch" "$tmp/err"; then
	ktap_pass tvmctl_unknown_vm_named_in_error
else
	ktap_fail tvmctl_unknown_vm_named_in_error "$(cat "$tmp/err")"
fi

if expect_status 2 "$tvmctl" frobnicate && grep -q "'frobnicate'" "$tmp/err"; then
	ktap_pass tvmctl_unknown_command_is_a_usage_error
else
	ktap_fail tvmctl_unknown_command_is_a_usage_error "$(cat "$tmp/err")"
fi

# extend-batch (ABI 13): one event a line, comments and blank lines
# skipped, quoted words, each event's line, VM and sequence number in
# the JSON; the log holds them in order.
"$tvmctl" vm delete cli-b > /dev/null 2>&1
d16=$(printf 'batch' | sha256sum | cut -d' ' -f1)
{
	echo '# three events of cli-b'
	echo 'cli-b 16 --data one'
	echo
	echo 'cli-b 23 --data "two \"quoted\" words"'
	echo "cli-b 16 --type 0xd --digest sha256=$d16"
} > "$tmp/batch"
if expect_status 0 "$tvmctl" vm create cli-b --banks sha256 &&
   expect_status 0 "$tvmctl" -j pcr extend-batch "$tmp/batch" &&
   tr -d ' \n' < "$tmp/out" > "$tmp/flat" &&
   grep -q '"line":2,"id":[0-9]*,"seq":9}' "$tmp/flat" &&
   grep -q '"line":4,"id":[0-9]*,"seq":10}' "$tmp/flat" &&
   grep -q '"line":5,"id":[0-9]*,"seq":11}' "$tmp/flat" &&
   expect_status 0 "$tvmctl" log cli-b --from 9 &&
   [ "$(wc -l < "$tmp/out")" -eq 3 ] &&
   sed -n 2p "$tmp/out" | grep -q '^10 23 .* two "quoted" words$' &&
   sed -n 3p "$tmp/out" | grep -q "^11 16 0x0000000d sha256:$d16"; then
	ktap_pass tvmctl_extend_batch_from_a_file
else
	ktap_fail tvmctl_extend_batch_from_a_file "$(cat "$tmp/out" "$tmp/err")"
fi

printf 'cli-b 16 --data from-stdin\n' > "$tmp/in"
if expect_status 0 sh -c '"$0" pcr extend-batch - < "$1"' "$tvmctl" "$tmp/in" &&
   grep -q '12' "$tmp/out" &&
   expect_status 0 "$tvmctl" log cli-b --from 12 &&
   grep -q '^12 16 .* from-stdin$' "$tmp/out"; then
	ktap_pass tvmctl_extend_batch_from_stdin
else
	ktap_fail tvmctl_extend_batch_from_stdin "$(cat "$tmp/out" "$tmp/err")"
fi

# A line that does not parse: exit 2, its line number and token, and
# nothing of the batch sent.
printf 'cli-b 16 --data ok\ncli-b 99 --data bad\n' > "$tmp/badline"
if expect_status 2 "$tvmctl" pcr extend-batch "$tmp/badline" &&
   grep -q "line 2: .*'99'" "$tmp/err" &&
   expect_status 0 "$tvmctl" log cli-b --from 13 && [ ! -s "$tmp/out" ]; then
	ktap_pass tvmctl_extend_batch_bad_line_named_nothing_sent
else
	ktap_fail tvmctl_extend_batch_bad_line_named_nothing_sent "$(cat "$tmp/err")"
fi

# An event the kernel refuses (PCR 8): exit 1, its line and the kernel's
# reason; the event before it is logged, the one after it is not.
printf 'cli-b 16 --data before\ncli-b 8 --data kernel-only\ncli-b 16 --data after\n' > "$tmp/refused"
if expect_status 1 "$tvmctl" pcr extend-batch "$tmp/refused" &&
   grep -q "line 2.*PCRs 0-8" "$tmp/err" &&
   expect_status 0 "$tvmctl" log cli-b --from 13 &&
   [ "$(wc -l < "$tmp/out")" -eq 1 ] && grep -q '^13 16 .* before$' "$tmp/out"; then
	ktap_pass tvmctl_extend_batch_refused_event_named_earlier_kept
else
	ktap_fail tvmctl_extend_batch_refused_event_named_earlier_kept "$(cat "$tmp/err" "$tmp/out")"
fi
"$tvmctl" vm delete cli-b > /dev/null 2>&1

if expect_status 0 "$tvmctl" vm delete cli-t &&
   expect_status 0 "$tvmctl" vm list && ! grep -qw "cli-t" "$tmp/out"; then
	ktap_pass tvmctl_vm_delete
else
	ktap_fail tvmctl_vm_delete "$(cat "$tmp/out" "$tmp/err")"
fi

ktap_finish
