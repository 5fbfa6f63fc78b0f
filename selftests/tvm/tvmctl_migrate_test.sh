#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tvmctl migrate on one host (ABI 10), what tvmctl itself adds to the
# kernel's checks (selftests/tvm/migrate_test.c has those): blobs written
# whole to -o FILE with the report on stdout; a blob of the wrong kind,
# or none, named before anything is sent; each kernel errno said with its
# meaning (a tampered PREPARE blob: the signature; an export the VM's
# policy does not allow: the policy, and the VM is not frozen; a receipt
# of an id never imported: made for another host); the
# destination's ABORT receipt; migrate list; launch --incoming of an id
# with nothing imported runs nothing; bad ids and options are usage
# errors; no blob is written to a terminal without --tty; an export the
# policy allows freezes the VM, the administrator's
# override resumes it with a warning, tvmctl log names the PCR 15 steps and
# tvmctl verify reports the override as a WARNING note.  With a TPM (ABI
# 11): prepare --deep | export carries the TPM's deep quote end to end,
# which a policy listing the TPM key (migrate tpm-key) requires.  The
# host is its own peer: its AK's public key is in its own .tvm_migration
# keyring.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tvmctl=${TVMCTL:-$dir/../tvmctl}
[ -x "$tvmctl" ] || tvmctl=tvmctl
tmp=$(mktemp -d)
vm=mt-vm

cleanup() {
	"$tvmctl" vm delete $vm > /dev/null 2>&1
	"$tvmctl" policy delete name=$vm > /dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

names="usage_errors_exit_2
no_blob_or_the_wrong_kind_is_named_before_sending
prepare_writes_a_prepare_blob_and_reports_the_id
list_shows_the_prepared_id
tampered_blob_is_a_signature_error_with_its_meaning
export_the_policy_refuses_leaves_the_vm_unfrozen
destination_abort_writes_an_abort_receipt_again_and_again
receipt_of_an_id_never_imported_names_another_source
launch_incoming_without_an_import_runs_nothing
export_freezes_and_the_override_resumes_with_a_warning
log_names_the_migration_steps
verify_flags_the_override_as_a_warning
no_blob_to_a_terminal_unless_tty
prepare_deep_export_end_to_end"

ktap_plan 14
[ -d /sys/kernel/security/tvm ] || ktap_skip_all "tvm.ko is not loaded"
if [ "$(cat /sys/kernel/security/tvm/version)" -lt 10 ]; then
	ktap_skip_all "tvm.ko is older than ABI 10"
fi

# json_field KEY FILE: the value of "KEY" on the first line that has it.
json_field() {
	sed -n "s/.*\"$1\": *\"\{0,1\}\([^\",}]*\).*/\1/p" "$2" | head -n 1
}

# kind FILE: the kind field of a blob's header (bytes 6-7, big-endian).
kind() {
	od -An -tu1 -j 6 -N 2 "$1" | awk '{ print $1 * 256 + $2 }'
}

flip() { # FILE OFFSET: flip the low bit of the byte at OFFSET
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "$(printf '\\%03o' $((_b ^ 1)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}

id0=00112233445566778899aabbccddeeff
if expect_status 2 "$tvmctl" migrate commit 1234 &&
   grep -q "bad migration id '1234'" "$tmp/err" &&
   expect_status 2 "$tvmctl" migrate export --ttl 5 $vm &&
   grep -q "option '--ttl' is not one of this command's" "$tmp/err" &&
   expect_status 2 "$tvmctl" migrate prepare --ttl 3601 &&
   expect_status 2 "$tvmctl" migrate abort --force &&
   expect_status 2 "$tvmctl" migrate commit $id0 -i /dev/null &&
   expect_status 2 "$tvmctl" launch --incoming $id0 --name x -- true; then
	ktap_pass usage_errors_exit_2
else
	ktap_fail usage_errors_exit_2
fi

printf 'TVMG\000\001\000\003xxxxxxxx' > "$tmp/receipt-like"
if expect_status 1 "$tvmctl" migrate import -i /dev/null &&
   grep -q "is empty, not an EXPORT blob" "$tmp/err" &&
   expect_status 1 "$tvmctl" migrate export $vm -i "$tmp/receipt-like" \
	-o "$tmp/x" &&
   grep -q "is a COMMIT receipt, not a PREPARE blob" "$tmp/err" &&
   [ ! -e "$tmp/x" ]; then
	ktap_pass no_blob_or_the_wrong_kind_is_named_before_sending
else
	ktap_fail no_blob_or_the_wrong_kind_is_named_before_sending
fi

# This host's AK, and its public key as its own peer.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$tmp/ak.pem" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$tmp/ak.pem" -outform DER -out "$tmp/ak.pk8"
openssl pkey -in "$tmp/ak.pem" -pubout -out "$tmp/pub.pem"
keyctl padd asymmetric tvm-test:mig-ak @u < "$tmp/ak.pk8" > /dev/null
"$tvmctl" ak set tvm-test:mig-ak > /dev/null
printf '[req]\ndistinguished_name = dn\n[dn]\n[v3]\nsubjectKeyIdentifier = hash\n' \
	> "$tmp/req.cnf"
openssl req -x509 -new -key "$tmp/ak.pem" -subj /CN=tvm-test-mig -days 1 \
	-config "$tmp/req.cnf" -extensions v3 -outform DER -out "$tmp/cert.der" \
	2> /dev/null
hostid=$(openssl rsa -pubin -in "$tmp/pub.pem" -RSAPublicKey_out -outform DER \
	2>/dev/null | sha256sum | cut -c1-64)
keyctl padd asymmetric "$hostid" %:.tvm_migration < "$tmp/cert.der" > /dev/null

if expect_status 0 "$tvmctl" -j migrate prepare --ttl 600 -o "$tmp/prep" &&
   id=$(json_field id "$tmp/out") && [ ${#id} = 32 ] &&
   [ "$(head -c 4 "$tmp/prep")" = TVMG ] && [ "$(kind "$tmp/prep")" = 1 ] &&
   [ ! -e "$tmp/prep.tmp" ]; then
	ktap_pass prepare_writes_a_prepare_blob_and_reports_the_id
else
	ktap_fail prepare_writes_a_prepare_blob_and_reports_the_id \
		"$(cat "$tmp/out" "$tmp/err")"
fi

if expect_status 0 "$tvmctl" -j migrate list &&
   grep -A 2 "\"id\": \"$id\"" "$tmp/out" | grep -q '"state": "prepared"' &&
   expect_status 0 "$tvmctl" migrate list &&
   grep -q "^$id destination prepared" "$tmp/out"; then
	ktap_pass list_shows_the_prepared_id
else
	ktap_fail list_shows_the_prepared_id "$(cat "$tmp/out" "$tmp/err")"
fi

"$tvmctl" vm create $vm > /dev/null
cp "$tmp/prep" "$tmp/bad"
flip "$tmp/bad" $(($(wc -c < "$tmp/bad") - 1))
if expect_status 1 "$tvmctl" migrate export $vm -i "$tmp/bad" -o "$tmp/exp" &&
   grep -q "Key was rejected by service" "$tmp/err" &&
   grep -q "the blob was changed after it was signed" "$tmp/err" &&
   [ ! -e "$tmp/exp" ]; then
	ktap_pass tampered_blob_is_a_signature_error_with_its_meaning
else
	ktap_fail tampered_blob_is_a_signature_error_with_its_meaning
fi

# A VM with no policy (no migration section) goes nowhere.
if expect_status 1 "$tvmctl" migrate export $vm -i "$tmp/prep" -o "$tmp/exp" &&
   grep -q "Operation not permitted" "$tmp/err" &&
   grep -q "does not allow that destination, or wants a deep quote .*; nothing was frozen" "$tmp/err" &&
   [ ! -e "$tmp/exp" ] && expect_status 0 "$tvmctl" -j vm show $vm &&
   ! grep -q '"migration"' "$tmp/out"; then
	ktap_pass export_the_policy_refuses_leaves_the_vm_unfrozen
else
	ktap_fail export_the_policy_refuses_leaves_the_vm_unfrozen
fi

if expect_status 0 "$tvmctl" migrate abort "$id" -o "$tmp/r1" &&
   [ "$(kind "$tmp/r1")" = 4 ] &&
   expect_status 0 "$tvmctl" migrate abort "$id" -o "$tmp/r2" &&
   [ "$(kind "$tmp/r2")" = 4 ] &&
   expect_status 0 "$tvmctl" -j migrate list &&
   grep -A 2 "\"id\": \"$id\"" "$tmp/out" | grep -q '"state": "aborted"'; then
	ktap_pass destination_abort_writes_an_abort_receipt_again_and_again
else
	ktap_fail destination_abort_writes_an_abort_receipt_again_and_again \
		"$(cat "$tmp/out" "$tmp/err")"
fi

if expect_status 1 "$tvmctl" migrate abort -i "$tmp/r1" &&
   grep -q "out of order" "$tmp/err"; then
	ktap_pass receipt_of_an_id_never_imported_names_another_source
else
	ktap_fail receipt_of_an_id_never_imported_names_another_source
fi

if expect_status 1 "$tvmctl" launch --incoming $id0 -- touch "$tmp/ran" &&
   grep -q "binding pid [0-9]* to migration $id0" "$tmp/err" &&
   [ ! -e "$tmp/ran" ]; then
	ktap_pass launch_incoming_without_an_import_runs_nothing
else
	ktap_fail launch_incoming_without_an_import_runs_nothing
fi

# A policy whose migration section names this host: the export is let
# through (ABI 10's policy section), then the administrator's override.
printf '{"version": 1, "selector": {"name": "%s"}, "mode": "audit", "migration": {"peers": ["%s"]}}\n' \
	$vm "$hostid" > "$tmp/pol.json"
if expect_status 0 "$tvmctl" policy load "$tmp/pol.json" &&
   expect_status 0 "$tvmctl" migrate prepare -o "$tmp/prep2" &&
   expect_status 0 "$tvmctl" -j migrate export $vm -i "$tmp/prep2" -o "$tmp/exp2" &&
   [ "$(kind "$tmp/exp2")" = 2 ] &&
   [ "$(json_field bytes "$tmp/out")" = "$(wc -c < "$tmp/exp2")" ] &&
   expect_status 0 "$tvmctl" -j vm show $vm &&
   grep -q '"migration": "frozen"' "$tmp/out" &&
   expect_status 0 "$tvmctl" migrate abort --force $vm &&
   grep -q "without a receipt: the destination may hold a live copy" "$tmp/err" &&
   expect_status 0 "$tvmctl" -j vm show $vm &&
   ! grep -q '"migration"' "$tmp/out"; then
	ktap_pass export_freezes_and_the_override_resumes_with_a_warning
else
	ktap_fail export_freezes_and_the_override_resumes_with_a_warning \
		"$(cat "$tmp/out" "$tmp/err")"
fi

if expect_status 0 "$tvmctl" log $vm &&
   grep -q " 15 MIGRATION .* migration out id [0-9a-f]\{32\} source $hostid dest $hostid platform " "$tmp/out" &&
   grep -q " 15 MIGRATION .* migration override id " "$tmp/out"; then
	ktap_pass log_names_the_migration_steps
else
	ktap_fail log_names_the_migration_steps "$(grep MIGRATION "$tmp/out")"
fi

if expect_status 0 "$tvmctl" quote $vm --nonce 0011223344556677 --out "$tmp/q" &&
   expect_status 0 "$tvmctl" verify "$tmp/q" --ak "$tmp/pub.pem" \
	--nonce 0011223344556677 --vm $vm &&
   grep -q "^verdict: trusted" "$tmp/out" &&
   grep -q "WARNING: migration override at event [0-9]*: the administrator of host" "$tmp/out" &&
   grep -q "^migration override: yes" "$tmp/out" &&
   grep -q "seq [0-9]* override id " "$tmp/out" &&
   expect_status 0 "$tvmctl" -j verify "$tmp/q" --ak "$tmp/pub.pem" \
	--nonce 0011223344556677 --vm $vm &&
   grep -q '"migration_override": true' "$tmp/out"; then
	ktap_pass verify_flags_the_override_as_a_warning
else
	ktap_fail verify_flags_the_override_as_a_warning "$(cat "$tmp/out" "$tmp/err")"
fi

# script(1) gives tvmctl a terminal for its standard output.
if ! command -v script > /dev/null; then
	ktap_skip no_blob_to_a_terminal_unless_tty "no script(1) to make a terminal"
elif script -qc "$tvmctl migrate prepare; echo rc=\$?; $tvmctl migrate commit $id; echo rc=\$?; $tvmctl migrate prepare --tty; echo; echo rc=\$?" \
	/dev/null < /dev/null > "$tmp/tty" 2>&1 &&
   [ "$(grep -ac "not writing a binary blob to a terminal; redirect standard output, use -o FILE, or --tty" "$tmp/tty")" = 2 ] &&
   [ "$(grep -ac "^rc=2" "$tmp/tty")" = 2 ] && grep -aq "^rc=0" "$tmp/tty" && grep -aq TVMG "$tmp/tty"; then
	ktap_pass no_blob_to_a_terminal_unless_tty
else
	ktap_fail no_blob_to_a_terminal_unless_tty "$(cat "$tmp/tty")"
fi

# The deep quote: this host's TPM vouches for its platform PCRs.
if [ "$(cat /sys/kernel/security/tvm/version)" -lt 11 ]; then
	ktap_skip prepare_deep_export_end_to_end "tvm.ko is older than ABI 11"
elif [ ! -c /dev/tpmrm0 ] && [ -z "${TPM2TOOLS_TCTI:-}" ]; then
	ktap_skip prepare_deep_export_end_to_end "no TPM"
elif expect_status 0 "$tvmctl" -j migrate tpm-key &&
   tpmkey=$(json_field tpm_key "$tmp/out") && [ ${#tpmkey} = 64 ] &&
   printf '{"version": 1, "selector": {"name": "%s"}, "mode": "audit", "migration": {"peers": ["%s"], "tpm_keys": ["%s"]}}\n' \
	$vm "$hostid" "$tpmkey" > "$tmp/pol.json" &&
   expect_status 0 "$tvmctl" policy load "$tmp/pol.json" &&
   expect_status 0 "$tvmctl" policy show name=$vm &&
   grep -q "$tpmkey" "$tmp/out" &&
   # Without the deep quote: the policy's refusal, nothing frozen.
   "$tvmctl" migrate prepare -o "$tmp/prep3" > /dev/null &&
   expect_status 1 "$tvmctl" migrate export $vm -i "$tmp/prep3" -o "$tmp/exp3" &&
   grep -q "requires a deep quote" "$tmp/err" &&
   expect_status 0 "$tvmctl" -j vm show $vm &&
   ! grep -q '"migration"' "$tmp/out" &&
   # prepare --deep | export: the blob and its quote through a pipe.
   "$tvmctl" -j migrate prepare --deep -v 2> "$tmp/prep.err" |
	"$tvmctl" -j migrate export $vm -o "$tmp/exp3" > "$tmp/out" 2> "$tmp/err" &&
   grep -q '"deep": true' "$tmp/prep.err" &&
   grep -q "\"tpm_key\": \"$tpmkey\"" "$tmp/prep.err" &&
   grep -q '"deep": true' "$tmp/out" &&
   [ "$(kind "$tmp/exp3")" = 2 ] &&
   expect_status 0 "$tvmctl" -j vm show $vm &&
   grep -q '"migration": "frozen"' "$tmp/out" &&
   expect_status 0 "$tvmctl" migrate abort --force $vm; then
	ktap_pass prepare_deep_export_end_to_end
else
	ktap_fail prepare_deep_export_end_to_end \
		"$(cat "$tmp/out" "$tmp/err" "$tmp/prep.err" 2>/dev/null)"
fi

ktap_finish
