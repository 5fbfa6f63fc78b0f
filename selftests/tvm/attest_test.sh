#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Attestation end to end: the attestation key (tvmctl ak), quotes that
# tpm2_checkquote and tvmctl verify accept, and everything both must
# reject: a flipped bit in the message or signature, a wrong nonce, another
# key, PCR values that do not match; what tvmctl verify alone sees: a log
# edited, truncated or reordered, an event of tvm's edited with its old
# digests kept, a quote of another VM, a policy mismatch, a VM that ran
# under another policy than the one given (its PCR 8 policy identity
# event), a runtime event of PCR 13 other than the policy's range digest
# (a real KVM VM's, which tvm_kvm measured), a launch the kernel did not
# measure under --require-kvm, a deep quote over another vquote; that
# verify demands the verifier's nonce and VM; quotes taken while the VM
# is extended; and the kernel's errors (ENOKEY, ERANGE, EOPNOTSUPP, EPERM
# for PCRs 0-8) as tvmctl reports them.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tvmctl=${TVMCTL:-$dir/../tvmctl}
[ -x "$tvmctl" ] || tvmctl=tvmctl
minivmm=$dir/minivmm
hello=$dir/guest/hello.bin
tmp=$(mktemp -d)
kbg=
cleanup() {
	[ -n "$kbg" ] && kill -TERM $kbg 2>/dev/null && wait $kbg 2>/dev/null
	"$tvmctl" policy delete name=att-kvm > /dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
N=38
nonce=0011223344556677
vm=att-t

ktap_plan $N
if [ ! -d /sys/kernel/security/tvm ]; then
	i=0; while [ $i -lt $N ]; do i=$((i + 1)); ktap_skip "attest_$i" "tvm.ko is not loaded"; done
	ktap_finish
fi

# check NAME: pass if the last command succeeded, else fail with $tmp/err.
check() {
	if [ "$1" = 0 ]; then ktap_pass "$2"; else ktap_fail "$2" "$(head -c 600 "$tmp/err")"; fi
}

checkquote() { # DIR [NONCE]
	tpm2_checkquote -u "$1/ak.pem" -m "$1/quote.msg" -s "$1/quote.sig" \
		-f "$1/quote.pcrs" -g sha256 -q "${2:-$nonce}" > "$tmp/cq" 2>&1
}

flip() { # FILE OFFSET: flip the low bit of the byte at OFFSET
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((_b ^ 1)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}

# The AK is global to the module: "no AK" runs first, on a fresh boot.
"$tvmctl" vm delete $vm > /dev/null 2>&1
"$tvmctl" vm create $vm --banks sha256,sm3_256 > /dev/null
"$tvmctl" pcr extend $vm 9 --data kernel > /dev/null
"$tvmctl" pcr extend $vm 9 --data initrd > /dev/null
"$tvmctl" pcr extend $vm 10 --data virtio_net > /dev/null

# 1: no AK yet
if "$tvmctl" ak show > /dev/null 2>&1; then
	ktap_skip quote_without_ak_is_enokey "an AK is set already (reload tvm)"
else
expect_status 1 "$tvmctl" quote $vm --nonce $nonce --out "$tmp/q0" &&
	grep -q "ak set" "$tmp/err"
check $? quote_without_ak_is_enokey
fi

# 2: the AK: a fresh RSA-2048 private key, loaded as PKCS#8
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/ak.pem" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$tmp/ak.pem" -outform DER -out "$tmp/ak.pk8"
openssl pkey -in "$tmp/ak.pem" -pubout -out "$tmp/akpub.pem"
keyctl padd asymmetric tvm-test:ak @u < "$tmp/ak.pk8" > /dev/null
expect_status 0 "$tvmctl" ak set tvm-test:ak &&
	expect_status 0 "$tvmctl" ak show --pem &&
	cmp -s "$tmp/out" "$tmp/akpub.pem" &&
	expect_status 0 "$tvmctl" -j ak show &&
	grep -q "\"name\": *\"$(openssl pkey -pubin -in "$tmp/akpub.pem" -outform DER | sha256sum | cut -c1-64)\"" "$tmp/out"
check $? ak_set_and_show_give_the_public_key_and_name

# 3: a key of the wrong type: public only (an X.509 certificate)
printf '[req]\ndistinguished_name = dn\n[dn]\n' > "$tmp/req.cnf"
openssl req -config "$tmp/req.cnf" -x509 -new -key "$tmp/ak.pem" -subj /CN=tvm-test \
	-days 1 -outform DER -out "$tmp/cert.der" 2> "$tmp/err" || sed 's/^/# /' "$tmp/err"
keyctl padd asymmetric tvm-test:cert @u < "$tmp/cert.der" > /dev/null
expect_status 1 "$tvmctl" ak set tvm-test:cert && grep -q "Operation not supported" "$tmp/err"
check $? ak_set_public_only_key_is_eopnotsupp

# 4: an unknown key
expect_status 1 "$tvmctl" ak set tvm-test:nosuch && grep -q "tvm-test:nosuch" "$tmp/err" &&
	grep -q "key" "$tmp/err"
check $? ak_set_unknown_key_is_enokey

# 5, 6: nonces of 7 and 65 bytes: ERANGE from the kernel
expect_status 1 "$tvmctl" quote $vm --nonce 00112233445566 --out "$tmp/q7" &&
	grep -q "out of range" "$tmp/err"
check $? quote_rejects_7_byte_nonce
expect_status 1 "$tvmctl" quote $vm --nonce "$(printf '%0130d' 0)" --out "$tmp/q65" &&
	grep -q "out of range" "$tmp/err"
check $? quote_rejects_65_byte_nonce

# 7: a quote tpm2_checkquote accepts
q=$tmp/q
expect_status 0 "$tvmctl" quote $vm --nonce $nonce --pcrs 0-12 --out "$q" && checkquote "$q"
ret=$?
[ $ret = 0 ] || cat "$tmp/cq" | sed 's/^/# /' | head -5
check $ret tpm2_checkquote_accepts_a_tvm_quote

# 8: and tvmctl verify
expect_status 0 "$tvmctl" verify "$q" --ak "$tmp/akpub.pem" --nonce $nonce --vm $vm &&
	grep -q trusted "$tmp/out" &&
	grep -q "^launch: administrator's extends (not a KVM VM)" "$tmp/out" &&
	grep -q "^kernel events checked: 9" "$tmp/out"
check $? verify_accepts_a_tvm_quote

# 8a-8d: verify wants the verifier's own nonce and the VM it expects, and
# binds the quote to that VM (qualifiedSigner: SHA-256 of UUID and name)
expect_status 2 "$tvmctl" verify "$q" --ak "$tmp/akpub.pem" --vm $vm &&
	grep -q -- "--nonce HEX is required" "$tmp/err"
check $? verify_without_nonce_is_usage_error
expect_status 2 "$tvmctl" verify "$q" --ak "$tmp/akpub.pem" --nonce $nonce &&
	grep -q -- "--vm NAME or --uuid UUID is required" "$tmp/err"
check $? verify_without_vm_is_usage_error
uuid=$("$tvmctl" -j vm show $vm | sed -n 's/.*"uuid": *"\([^"]*\)".*/\1/p')
expect_status 1 "$tvmctl" verify "$q" --ak "$tmp/akpub.pem" --nonce $nonce --vm att-other &&
	grep -q 'wrong VM: quote.msg.s qualifiedSigner is not VM "att-other"' "$tmp/out" &&
	expect_status 1 "$tvmctl" verify "$q" --ak "$tmp/akpub.pem" --nonce $nonce \
		--uuid 00000000-0000-4000-8000-000000000000 &&
	grep -q "wrong VM" "$tmp/out" &&
	expect_status 0 "$tvmctl" verify "$q" --ak "$tmp/akpub.pem" --nonce $nonce --uuid "$uuid" &&
	expect_status 0 "$tvmctl" verify "$q" --ak "$tmp/akpub.pem" --nonce $nonce --uuid "$uuid" --vm $vm
check $? verify_rejects_a_quote_of_another_vm
# quote.json renamed: the name it gives is not the one signed
d=$tmp/renamed; rm -rf "$d"; cp -r "$q" "$d"
sed -i "s/\"$vm\"/\"att-u\"/" "$d/quote.json"
expect_status 1 "$tvmctl" verify "$d" --ak "$tmp/akpub.pem" --nonce $nonce --uuid "$uuid" &&
	grep -q 'wrong VM: .*"att-u"' "$tmp/out"
check $? verify_rejects_quote_json_naming_another_vm

# 8e: an event of tvm's own edited, its old digests kept: the replay still
# matches, but PCR 8's TVM_VERSION digest is no longer its data's hash.
# Banks sha256 and sm3_256: the Spec ID event is 72 bytes, each event 84
# plus its data; events 0-7 (HOST_PCR) carry 40 bytes: event 8's data
# starts at 72 + 8 * 124 + 84.
d=$tmp/forged; rm -rf "$d"; cp -r "$q" "$d"
flip "$d/log.bin" $((72 + 8 * 124 + 84))
expect_status 1 "$tvmctl" verify "$d" --ak "$tmp/akpub.pem" --nonce $nonce --vm $vm &&
	grep -q "log forged: event 8, TVM_VERSION in PCR 8: its sha256 digest is not the hash of its data" "$tmp/out" &&
	! grep -q "log edited" "$tmp/out"
check $? verify_rejects_kernel_event_edited_with_old_digests

# 8f: PCRs 0-8 and tvm's event types are the kernel's: refused (EPERM)
expect_status 1 "$tvmctl" pcr extend $vm 0 --data x &&
	grep -q "PCRs 0-8 are measured by the kernel only" "$tmp/err" &&
	expect_status 1 "$tvmctl" pcr extend $vm 9 --type 0x544d0008 --data x &&
	grep -q "logged by the kernel only" "$tmp/err"
check $? pcr_extend_of_the_kernels_pcrs_and_types_is_refused

# 9-13: what both reject
both_reject() { # NAME DIR NONCE AKPEM REASON
	cq=1; tv=1
	cp "$4" "$2/ak.pem"
	checkquote "$2" "$3" && cq=0
	expect_status 1 "$tvmctl" verify "$2" --ak "$4" --nonce "$3" --vm $vm || tv=0
	if [ $cq = 1 ] && [ $tv = 1 ] && grep -q "$5" "$tmp/out"; then
		ktap_pass "$1"
	else
		ktap_fail "$1" "checkquote rejected: $cq, verify: $(cat "$tmp/out")"
	fi
}
copy() { rm -rf "$tmp/$1"; cp -r "$q" "$tmp/$1"; echo "$tmp/$1"; }

d=$(copy msgbit); flip "$d/quote.msg" 40
both_reject both_reject_flipped_message_bit "$d" $nonce "$tmp/akpub.pem" "bad signature"
d=$(copy sigbit); flip "$d/quote.sig" 100
both_reject both_reject_flipped_signature_bit "$d" $nonce "$tmp/akpub.pem" "bad signature"
d=$(copy wrongnonce)
both_reject both_reject_wrong_nonce "$d" 0011223344556678 "$tmp/akpub.pem" "wrong nonce"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null |
	openssl pkey -pubout -out "$tmp/other.pem"
d=$(copy otherkey)
both_reject both_reject_another_key "$d" $nonce "$tmp/other.pem" "bad signature"
d=$(copy pcrval); flip "$d/quote.pcrs" $((132 + 4 + 4 + 2 + 5))
both_reject both_reject_pcr_value_mismatch "$d" $nonce "$tmp/akpub.pem" "PCR values"

# 14-16: the log, edited, truncated, reordered
"$tvmctl" quote $vm --nonce $nonce --out "$q" > /dev/null
events=$("$tvmctl" -j quote $vm --nonce $nonce --out "$q" | sed -n 's/.*"log_count": *\([0-9]*\).*/\1/p')
d=$(copy edited)
# the last event's SHA-256 digest sits 36 + 10 bytes ("virtio_net") before its end... flip
# a byte inside its data-independent digest: event layout is fixed, find it from the end
size=$(stat -c %s "$d/log.bin")
# last event: pcr, type, count (12), sha256 id+32, sm3 id+32, size 4, data 10
flip "$d/log.bin" $((size - 10 - 4 - 34 - 34 + 2 + 5))
expect_status 1 "$tvmctl" verify "$d" --ak "$tmp/akpub.pem" --nonce $nonce --vm $vm && grep -q "log edited" "$tmp/out"
check $? verify_rejects_edited_log
d=$(copy truncated)
head -c $((size - 10 - 4 - 34 - 34 - 12)) "$q/log.bin" > "$d/log.bin"
expect_status 1 "$tvmctl" verify "$d" --ak "$tmp/akpub.pem" --nonce $nonce --vm $vm && grep -q "log truncated" "$tmp/out"
check $? verify_rejects_truncated_log
# PCR 9's two events (the 2 events before the last) swapped: each is
# 12 + 34 + 34 + 4 + 6 bytes ("kernel", "initrd")
d=$(copy reordered)
e=$((12 + 34 + 34 + 4 + 6)); last=$((12 + 34 + 34 + 4 + 10))
start=$((size - last - 2 * e))
{ head -c $start "$q/log.bin"
  tail -c $((last + e)) "$q/log.bin" | head -c $e
  tail -c $((last + 2 * e)) "$q/log.bin" | head -c $e
  tail -c $last "$q/log.bin"; } > "$d/log.bin"
expect_status 1 "$tvmctl" verify "$d" --ak "$tmp/akpub.pem" --nonce $nonce --vm $vm && grep -q "log reordered" "$tmp/out"
check $? verify_rejects_reordered_log

# 17: a log with more events than the quote covers is a valid prefix
d=$(copy longer)
"$tvmctl" pcr extend $vm 11 --data later > /dev/null
"$tvmctl" log $vm --binary > "$d/log.bin"
expect_status 0 "$tvmctl" verify "$d" --ak "$tmp/akpub.pem" --nonce $nonce --vm $vm
check $? verify_accepts_longer_log_as_prefix

# 18, 19: policy, on a VM launched under it (PCR 8 records which)
k=$(printf kernel | sha256sum | cut -c1-64)
i=$(printf initrd | sha256sum | cut -c1-64)
pvm=att-p
cat > "$tmp/good.json" <<JSON
{"version": 1, "selector": {"name": "$pvm"}, "mode": "audit",
 "levels": {"os": {"events": {"kernel": ["sha256:$k"], "initrd": ["sha256:$i"]}}}}
JSON
cat > "$tmp/bad.json" <<JSON
{"version": 1, "selector": {"name": "$pvm"}, "mode": "audit",
 "levels": {"os": {"events": {"kernel": ["sha256:$i"], "initrd": ["sha256:$i"]}}}}
JSON
# The same events, in enforce mode: another policy.
sed 's/"audit"/"enforce"/' "$tmp/good.json" > "$tmp/other.json"
pq=$tmp/pq
oq=$tmp/oq
for v in $pvm att-o; do
	"$tvmctl" vm delete $v > /dev/null 2>&1
	"$tvmctl" vm create $v --banks sha256,sm3_256 > /dev/null
	"$tvmctl" pcr extend $v 9 --data kernel > /dev/null
	"$tvmctl" pcr extend $v 9 --data initrd > /dev/null
done
"$tvmctl" policy load "$tmp/good.json" > /dev/null
"$tvmctl" vm launch $pvm > /dev/null
"$tvmctl" quote $pvm --nonce $nonce --pcrs all --out "$pq" > /dev/null
sed 's/"att-p"/"att-o"/' "$tmp/other.json" > "$tmp/other-o.json"
"$tvmctl" policy load "$tmp/other-o.json" > /dev/null
"$tvmctl" vm launch att-o > /dev/null
"$tvmctl" quote att-o --nonce $nonce --pcrs all --out "$oq" > /dev/null
expect_status 0 "$tvmctl" verify "$pq" --ak "$tmp/akpub.pem" --nonce $nonce --vm $pvm --policy "$tmp/good.json"
check $? verify_accepts_matching_policy
expect_status 1 "$tvmctl" verify "$pq" --ak "$tmp/akpub.pem" --nonce $nonce --vm $pvm --policy "$tmp/bad.json" &&
	grep -q "policy mismatch" "$tmp/out"
check $? verify_rejects_policy_mismatch
# 19c: its events match good.json, but it ran under another policy
expect_status 1 "$tvmctl" verify "$oq" --ak "$tmp/akpub.pem" --nonce $nonce --vm att-o --policy "$tmp/good.json" &&
	grep -q "the VM ran under digest" "$tmp/out"
check $? verify_rejects_vm_run_under_another_policy
"$tvmctl" vm delete $pvm > /dev/null
"$tvmctl" vm delete att-o > /dev/null

# 19a-19d: a KVM VM, which tvm_kvm measured: minivmm under tvmctl launch
# with a runtime range of its code (gpa 0x1000, 64 bytes: the image's
# first 64); `tvmctl measure` logs it in PCR 13 as TVM_EV_RUNTIME
rtnames="verify_accepts_matching_runtime_range verify_rejects_runtime_range_mismatch
verify_require_kvm_accepts_a_kvm_measured_launch verify_require_kvm_rejects_an_administrators_vm"
if [ ! -d /sys/module/tvm_kvm ] || [ ! -c /dev/kvm ] || [ ! -x "$minivmm" ] ||
   [ ! -r "$hello" ]; then
	for n in $rtnames; do ktap_skip "$n" "no tvm_kvm, /dev/kvm or minivmm"; done
else
	code=$({ cat "$hello"; head -c 64 /dev/zero; } | head -c 64 | sha256sum | cut -c1-64)
	bb=$(printf '%064d' 0 | tr 0 b)
	for h in $code $bb; do
		cat > "$tmp/rt-$h.json" <<JSON
{"version": 1, "selector": {"name": "att-kvm"}, "mode": "audit",
 "runtime": [{"gpa": 4096, "length": 64, "sha256": "$h"}]}
JSON
	done
	"$tvmctl" launch --name att-kvm --policy "$tmp/rt-$code.json" -- \
		"$minivmm" --hold 120 "$hello" > "$tmp/kvm.out" 2>&1 &
	kbg=$!
	i=0
	while ! grep -q hello "$tmp/kvm.out" && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
	"$tvmctl" measure att-kvm > /dev/null 2>&1
	rt=$tmp/rt
	"$tvmctl" quote att-kvm --nonce $nonce --pcrs all --out "$rt" > /dev/null 2>&1
	seq=$("$tvmctl" log att-kvm --raw 2>/dev/null | awk '$2 == 13 && $3 == "0x544d000a" { print $1; exit }')
	expect_status 0 "$tvmctl" -j verify "$rt" --ak "$tmp/akpub.pem" --nonce $nonce --vm att-kvm \
		--policy "$tmp/rt-$code.json" &&
		grep -q '"runtime_checked": *1' "$tmp/out"
	check $? verify_accepts_matching_runtime_range
	expect_status 1 "$tvmctl" verify "$rt" --ak "$tmp/akpub.pem" --nonce $nonce --vm att-kvm \
		--policy "$tmp/rt-$bb.json" &&
		[ -n "$seq" ] && grep -q "runtime mismatch: range 0x1000+64, event $seq:" "$tmp/out"
	check $? verify_rejects_runtime_range_mismatch
	expect_status 0 "$tvmctl" verify "$rt" --ak "$tmp/akpub.pem" --nonce $nonce --vm att-kvm --require-kvm &&
		grep -q "^launch: measured by the kernel (KVM)" "$tmp/out"
	check $? verify_require_kvm_accepts_a_kvm_measured_launch
	expect_status 1 "$tvmctl" verify "$q" --ak "$tmp/akpub.pem" --nonce $nonce --vm $vm --require-kvm &&
		grep -q "launch not measured: the VM's launch was administrator's extends" "$tmp/out"
	check $? verify_require_kvm_rejects_an_administrators_vm
	kill -TERM $kbg; wait $kbg 2>/dev/null; kbg=
	"$tvmctl" policy delete name=att-kvm > /dev/null 2>&1
fi

# 20: JSON verdict
expect_status 1 "$tvmctl" -j verify "$tmp/edited" --ak "$tmp/akpub.pem" --nonce $nonce --vm $vm &&
	grep -q '"trusted": *false' "$tmp/out"
check $? verify_json_verdict

# 21: usage errors exit 2 and quote the token
expect_status 2 "$tvmctl" quote $vm --nonce zz --out "$tmp/x" && grep -q "'zz'" "$tmp/err"
check $? quote_bad_nonce_is_usage_error
expect_status 2 "$tvmctl" verify "$tmp/nosuch" && grep -q "ak" "$tmp/err"
check $? verify_without_ak_is_usage_error

# 23: quotes while another process extends: each verifies against its prefix
( j=0; while [ $j -lt 60 ]; do "$tvmctl" pcr extend $vm 12 --data "c$j" > /dev/null; j=$((j + 1)); done ) &
ext=$!
ok=0; bad=0; j=0
while [ $j -lt 8 ]; do
	rm -rf "$tmp/c"
	if "$tvmctl" quote $vm --nonce $nonce --pcrs all --out "$tmp/c" > /dev/null 2> "$tmp/err" &&
	   "$tvmctl" verify "$tmp/c" --ak "$tmp/akpub.pem" --nonce $nonce --vm $vm > "$tmp/out" 2>&1 &&
	   checkquote "$tmp/c"; then ok=$((ok + 1)); else bad=$((bad + 1)); cat "$tmp/out" "$tmp/err" | sed 's/^/# /' | head -5; fi
	j=$((j + 1))
done
wait $ext
[ $bad = 0 ]
check $? quotes_during_extends_verify_against_their_prefix

# 24-26: deep quote
if [ -c /dev/tpmrm0 ] || [ -c /dev/tpm0 ] || [ -n "${TPM2TOOLS_TCTI:-}" ]; then
	d=$tmp/deep
	expect_status 0 "$tvmctl" quote $vm --nonce $nonce --deep --out "$d" &&
		tpm2_checkquote -u "$d/tpm-ak.pem" -m "$d/tpm-quote.msg" -s "$d/tpm-quote.sig" \
			-f "$d/tpm-quote.pcrs" -g sha256 -q "$(sha256sum < "$d/quote.msg" | cut -c1-64)" > "$tmp/cq" 2>&1
	check $? deep_quote_checks_with_tpm2_checkquote
	expect_status 0 "$tvmctl" verify "$d" --ak "$tmp/akpub.pem" --tpm-ak "$d/tpm-ak.pem" --nonce $nonce --vm $vm
	check $? verify_accepts_deep_quote
	d2=$tmp/deep2
	# Another vquote: another nonce (the same nonce and log would sign
	# the same TPMS_ATTEST, whose deep quote this would rightly be).
	"$tvmctl" quote $vm --nonce ${nonce}ff --out "$d2" > /dev/null
	cp "$d"/tpm-* "$d2"/
	expect_status 1 "$tvmctl" verify "$d2" --ak "$tmp/akpub.pem" --tpm-ak "$d/tpm-ak.pem" --nonce ${nonce}ff --vm $vm &&
		grep -q "qualifying data" "$tmp/out"
	check $? verify_rejects_deep_quote_of_another_vquote
else
	ktap_skip deep_quote_checks_with_tpm2_checkquote "no TPM"
	ktap_skip verify_accepts_deep_quote "no TPM"
	ktap_skip verify_rejects_deep_quote_of_another_vquote "no TPM"
fi

# 27: a later AK_SET replaces the key; quotes verify with the new one only
"$tvmctl" vm delete $vm > /dev/null
expect_status 1 "$tvmctl" quote $vm --nonce $nonce --out "$tmp/gone" && grep -q "$vm" "$tmp/err"
check $? quote_of_unknown_vm_names_it

keyctl purge asymmetric > /dev/null 2>&1
"$tvmctl" policy delete name=$vm > /dev/null 2>&1
"$tvmctl" policy delete name=$pvm > /dev/null 2>&1
"$tvmctl" policy delete name=att-o > /dev/null 2>&1
ktap_finish
