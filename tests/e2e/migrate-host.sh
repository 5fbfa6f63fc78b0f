#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One host of the two-host trusted migration test (tests/e2e/migrate.sh
# boots two emulated hosts, each running this with its role):
#
#   tests/e2e/migrate-host.sh A|B DIR
#
# A is the source, B the destination.  They meet only through DIR, a
# directory of the tree both share over 9p: each writes a file whole
# (tvmctl -o writes and renames) and the other polls for it.  A host that
# cannot go on writes DIR/<role>.failed, and the other stops waiting.
#
#   B: AK, PREPARE                      -> B.pub.pem, B.id, prepare.blob
#   A: AK, B's key in .tvm_migration; a measured, trusted counter guest
#      (minivmm) under an enforcing policy whose migration section names
#      B; the guest stopped and saved, then EXPORT
#                                       -> A.pub.pem, guest.save, A.log,
#                                          A.saved, export.blob
#   B: the owner's policy (A's policy.json) loaded; IMPORT; launch
#      --incoming ID -- minivmm --restore; COMMIT
#                                       -> receipt.blob
#   B: the guest counts on from A's count; B's quote verifies (a launch
#      the kernel measured, on A, under A's policy; not with A's key) and
#      its log is A's, continued through PCR 15
#   A: the COMMIT receipt wipes A's copy: it can neither run nor extend
#
# KTAP on stdout, one result per step.  POSIX sh (the emulated host's).

role=${1:?usage: migrate-host.sh A|B DIR}
D=${2:?usage: migrate-host.sh A|B DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/tvm/ktap.sh"

tvmctl=$top/build/tvmctl
minivmm=$top/build/selftests/minivmm
counter=$top/build/selftests/guest/counter.bin
tmp=$(mktemp -d)
vm=mig-vm
nonce=6d6967726174696f6e
# How long a host waits for the other's next file, in seconds: both boot
# at once, and a loaded machine boots slowly.
patience=${TVM_E2E_PATIENCE:-600}
bg=
vmm=

cleanup() {
	[ -n "$vmm" ] && kill -KILL "$vmm" 2>/dev/null
	[ -n "$bg" ] && wait "$bg" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

if [ "$role" = A ]; then
	other=B
	names="a_ak_set a_peer_b_added a_launched_trusted_and_counting
a_guest_stopped_and_saved a_export_freezes_the_vm a_commit_receipt_wipes_the_vm
a_moved_vm_cannot_run a_moved_vm_cannot_extend"
	ktap_plan 8
else
	other=A
	names="b_ak_set b_peer_a_added b_prepare b_owner_policy_loaded
b_import_restores_the_vm
b_incoming_vmm_binds b_commit_activates_and_signs_a_receipt
b_guest_counts_on_from_the_source b_quote_verifies_with_pcr15_history
b_log_continues_the_sources"
	ktap_plan 10
fi

# give_up WHY: fail the rest, tell the other host, and end.
give_up() {
	echo "# $role: giving up: $1"
	: > "$D/$role.failed"
	_rest=
	_skip=$ktap_n
	for _n in $names; do
		if [ "$_skip" -gt 0 ]; then
			_skip=$((_skip - 1))
		else
			_rest="$_rest $_n"
		fi
	done
	# shellcheck disable=SC2086 # one word a name
	ktap_fail_all "$1" $_rest
}

# step NAME OK [WHY]: the result of a step; a failed one ends the host.
step() {
	if [ "$2" = 0 ]; then
		ktap_pass "$1"
	else
		ktap_fail "$1" "${3:-$(head -c 600 "$tmp/err" 2>/dev/null)}"
		: > "$D/$role.failed"
		give_up "step $1 failed"
	fi
}

# await FILE: until FILE exists; fails when the other host gave up or
# $patience seconds pass.
await() {
	_i=0
	while [ ! -e "$1" ]; do
		if [ -e "$D/$other.failed" ]; then
			give_up "host $other gave up before writing ${1##*/}"
		fi
		_i=$((_i + 1))
		[ $_i -gt $((patience * 5)) ] &&
			give_up "no ${1##*/} from host $other after ${patience}s"
		sleep 0.2
	done
}

# json_field KEY FILE: the value of "KEY" on the first line that has it.
json_field() {
	sed -n "s/.*\"$1\": *\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" "$2" | head -n 1
}

# le VALUE BYTES: VALUE little-endian, as raw bytes.
le() {
	_i=0
	while [ $_i -lt "$2" ]; do
		# shellcheck disable=SC2059
		printf "\\$(printf %03o $(($1 >> (8 * _i) & 255)))"
		_i=$((_i + 1))
	done
}

sha() {
	sha256sum | cut -c1-64
}

# The attestation key: a fresh RSA key, its public half and host id into
# DIR for the other host (the id: SHA-256 of its DER RSAPublicKey).
make_ak() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		-out "$tmp/ak.pem" 2>/dev/null &&
	openssl pkcs8 -topk8 -nocrypt -in "$tmp/ak.pem" -outform DER \
		-out "$tmp/ak.pk8" &&
	keyctl padd asymmetric "tvm-e2e:$role" @u < "$tmp/ak.pk8" > /dev/null &&
	expect_status 0 "$tvmctl" ak set "tvm-e2e:$role" &&
	openssl pkey -in "$tmp/ak.pem" -pubout -out "$tmp/pub.pem" &&
	printf '[req]\ndistinguished_name = dn\n[dn]\n[v3]\nsubjectKeyIdentifier = hash\n' \
		> "$tmp/req.cnf" &&
	openssl req -x509 -new -key "$tmp/ak.pem" -subj "/CN=tvm-e2e-$role" \
		-days 1 -config "$tmp/req.cnf" -extensions v3 -outform DER \
		-out "$tmp/cert.der" 2> /dev/null &&
	openssl rsa -pubin -in "$tmp/pub.pem" -RSAPublicKey_out -outform DER \
		2>/dev/null | sha > "$tmp/id" &&
	mv "$tmp/pub.pem" "$D/$role.pub.pem" &&
	mv "$tmp/cert.der" "$D/$role.cert.der" && mv "$tmp/id" "$D/$role.id"
}

# The other host's key into .tvm_migration, filed under its host id:
# with tvmctl migrate peer add where this tvmctl has it, else as tvmctl
# does it (its certificate, keyctl).
add_peer() {
	await "$D/$other.id"
	if "$tvmctl" migrate peer -h > /dev/null 2>&1; then
		expect_status 0 "$tvmctl" migrate peer add "$D/$other.pub.pem" &&
		expect_status 0 "$tvmctl" migrate peer list &&
		grep -q "$(cat "$D/$other.id")" "$tmp/out"
	else
		keyctl padd asymmetric "$(cat "$D/$other.id")" %:.tvm_migration \
			< "$D/$other.cert.der" > "$tmp/out" 2> "$tmp/err"
	fi
}

# PCR 9 of the counter guest at launch, as the owner computes it from the
# image (Documentation/kvm.rst): minivmm loads it at 0x1000 of one 64 KiB
# slot; its only non-zero page is that one.  The slot is one chunk (less
# than 2 MiB): its content digest is SHA-256 of that chunk's SHA-256.
launch_pcr9() {
	_size=$(wc -c < "$counter")
	{ cat "$counter"; head -c $((4096 - _size)) /dev/zero; } > "$tmp/page"
	_chunk=$({ head -c 4096 /dev/zero; cat "$tmp/page"
		   head -c $((65536 - 8192)) /dev/zero; } | sha)
	_content=$(echo "$_chunk" | xxd -r -p | sha)
	_slot=$({ le 0 4; le 0 4; le 0 8; le 65536 8; le 1 8
		  echo "$_content" | xxd -r -p; } | sha)
	{ printf '%064d\n' 0; echo "$_slot"; } | xxd -r -p | sha
}

host_a() {
	make_ak
	step a_ak_set $?
	add_peer
	step a_peer_b_added $?

	cat > "$tmp/policy.json" <<JSON
{"version": 1, "selector": {"name": "$vm"}, "mode": "enforce",
 "levels": {"os": {"pcr": ["sha256:$(launch_pcr9)"]}},
 "migration": {"peers": ["$(cat "$D/B.id")"]}}
JSON
	cp "$tmp/policy.json" "$D/policy.json.tmp" &&
		mv "$D/policy.json.tmp" "$D/policy.json"
	"$tvmctl" -j launch --name $vm --policy "$tmp/policy.json" -- \
		"$minivmm" --save "$D/guest.save" "$counter" \
		> "$tmp/a.out" 2> "$tmp/a.err" &
	bg=$!
	wait_for "$tmp/a.out" "^count 131072$" &&
		vmm=$(json_field pid "$tmp/a.out") && [ -n "$vmm" ] &&
		expect_status 0 "$tvmctl" -j vm show $vm &&
		grep -q '"trust": "trusted"' "$tmp/out"
	step a_launched_trusted_and_counting $? \
		"$(cat "$tmp/a.err" "$tmp/out" "$tmp/policy.json" 2>/dev/null | head -c 900)"

	# Stop-and-copy: the guest stops and is saved, then its trust state
	# leaves; its log as it was, for B to compare with.
	await "$D/prepare.blob"
	kill -USR1 "$vmm"
	wait_for "$tmp/a.err" "saved after count" &&
		sed -n 's/^minivmm: saved after count //p' "$tmp/a.err" \
			> "$D/A.saved.tmp" && mv "$D/A.saved.tmp" "$D/A.saved" &&
		"$tvmctl" log $vm --binary > "$D/A.log.tmp" &&
		mv "$D/A.log.tmp" "$D/A.log"
	step a_guest_stopped_and_saved $? "$(cat "$tmp/a.err")"

	expect_status 0 "$tvmctl" migrate export $vm -i "$D/prepare.blob" \
		-o "$D/export.blob" &&
		expect_status 0 "$tvmctl" -j vm show $vm &&
		grep -q '"migration": "frozen"' "$tmp/out" &&
		expect_status 1 "$tvmctl" pcr extend $vm 16 --data after-export &&
		grep -q "busy" "$tmp/err"
	step a_export_freezes_the_vm $?

	await "$D/receipt.blob"
	expect_status 0 "$tvmctl" migrate commit -i "$D/receipt.blob" &&
		expect_status 0 "$tvmctl" -j vm show $vm &&
		grep -q '"migration": "gone"' "$tmp/out"
	step a_commit_receipt_wipes_the_vm $?

	# The saved guest's VMM tries to run it again: refused.
	kill -USR1 "$vmm"
	wait "$bg"
	rc=$?
	bg=
	vmm=
	[ $rc = 3 ] && grep -q "KVM_RUN: Permission denied" "$tmp/a.err"
	step a_moved_vm_cannot_run $? "minivmm exit $rc: $(cat "$tmp/a.err")"
	expect_status 1 "$tvmctl" pcr extend $vm 16 --data after-commit
	step a_moved_vm_cannot_extend $?
}

host_b() {
	make_ak
	step b_ak_set $?
	add_peer
	step b_peer_a_added $?
	expect_status 0 "$tvmctl" migrate prepare --ttl 900 -o "$D/prepare.blob" &&
		[ -s "$D/prepare.blob" ]
	step b_prepare $?

	# The destination runs the VM under its owner's policy too: loaded
	# before the import, so the import logs no other policy identity.
	await "$D/policy.json"
	expect_status 0 "$tvmctl" policy load "$D/policy.json"
	step b_owner_policy_loaded $?

	await "$D/export.blob"
	expect_status 0 "$tvmctl" -j migrate import -i "$D/export.blob" &&
		id=$(json_field id "$tmp/out") && [ ${#id} = 32 ] &&
		expect_status 0 "$tvmctl" -j vm show $vm &&
		grep -q '"migration": "imported"' "$tmp/out"
	step b_import_restores_the_vm $?

	"$tvmctl" -j launch --incoming "$id" -- "$minivmm" --restore \
		"$D/guest.save" --wait-for "$tmp/go" > "$tmp/b.out" 2> "$tmp/b.err" &
	bg=$!
	wait_for "$tmp/b.out" '"pid"' && vmm=$(json_field pid "$tmp/b.out") &&
		_i=0 && while [ $_i -lt 100 ]; do
			"$tvmctl" -j vm show $vm > "$tmp/out" 2>&1
			[ "$(json_field pid "$tmp/out")" = "$vmm" ] && break
			_i=$((_i + 1))
			sleep 0.2
		done && [ "$(json_field pid "$tmp/out")" = "$vmm" ]
	step b_incoming_vmm_binds $? "$(cat "$tmp/b.out" "$tmp/b.err" "$tmp/out")"

	expect_status 0 "$tvmctl" migrate commit "$id" -o "$D/receipt.blob" &&
		expect_status 0 "$tvmctl" -j migrate list &&
		grep -q '"state": "active"' "$tmp/out"
	step b_commit_activates_and_signs_a_receipt $?

	: > "$tmp/go"
	saved=$(cat "$D/A.saved")
	wait_for "$tmp/b.out" "^count " &&
		first=$(sed -n 's/^count //p' "$tmp/b.out" | head -n 1) &&
		[ "$first" = $((saved + 65536)) ]
	step b_guest_counts_on_from_the_source $? \
		"A saved after count $saved; B counted ${first:-nothing} first: $(cat "$tmp/b.err")"

	expect_status 0 "$tvmctl" quote $vm --nonce $nonce --out "$tmp/q" &&
		expect_status 0 "$tvmctl" verify "$tmp/q" --ak "$D/B.pub.pem" \
			--nonce $nonce --vm $vm --require-kvm &&
		grep -q "^verdict: trusted" "$tmp/out" &&
		grep -q "^launch: measured by the kernel (KVM)" "$tmp/out" &&
		grep -q "seq [0-9]* out id $id source $(cat "$D/A.id") dest $(cat "$D/B.id")" "$tmp/out" &&
		grep -q "seq [0-9]* in id $id" "$tmp/out" &&
		grep -q "seq [0-9]* commit id $id" "$tmp/out" &&
		cp "$tmp/out" "$tmp/verdict" &&
		expect_status 0 "$tvmctl" verify "$tmp/q" --ak "$D/B.pub.pem" \
			--nonce $nonce --vm $vm --policy "$D/policy.json" &&
		grep -q "^verdict: trusted" "$tmp/out" &&
		expect_status 1 "$tvmctl" verify "$tmp/q" --ak "$D/A.pub.pem" \
			--nonce $nonce --vm $vm &&
		grep -q "bad signature" "$tmp/out"
	step b_quote_verifies_with_pcr15_history $? \
		"$(head -c 1200 "$tmp/verdict" 2>/dev/null; head -c 1500 "$tmp/out"; head -c 300 "$tmp/err")"

	n=$(wc -c < "$D/A.log")
	"$tvmctl" log $vm --binary > "$tmp/B.log" &&
		[ "$(wc -c < "$tmp/B.log")" -gt "$n" ] &&
		head -c "$n" "$tmp/B.log" | cmp -s - "$D/A.log"
	step b_log_continues_the_sources $? \
		"A's log ($n bytes) is not where B's ($(wc -c < "$tmp/B.log") bytes) begins"
	kill "$vmm" 2>/dev/null
	wait "$bg" 2>/dev/null
	bg=
	vmm=
}

if [ ! -d /sys/module/tvm_kvm ] || [ ! -c /dev/kvm ]; then
	ktap_fail_all "no tvm_kvm or /dev/kvm in the emulated host"
fi
if [ "$role" = A ]; then host_a; else host_b; fi
: > "$D/$role.done"
ktap_finish
