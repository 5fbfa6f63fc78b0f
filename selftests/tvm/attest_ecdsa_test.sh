#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Attestation with an ECDSA P-256 attestation key (ABI 13), end to end as
# a hypervisor's administrator does it: an EC key made with openssl, its
# private scalar loaded as a logon key, `tvmctl ak set --ecdsa`; `tvmctl ak
# show` names the algorithm and gives the EC public key; quotes that
# tpm2_checkquote and tvmctl verify accept with it, and reject tampered
# (message, r, s), with another EC key or with the RSA AK; a bad scalar
# and a description the logon type refuses, as tvmctl reports them; a
# migration, which needs an RSA AK, refused; and back to an RSA AK, whose
# quotes verify as before.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tvmctl=${TVMCTL:-$dir/../tvmctl}
[ -x "$tvmctl" ] || tvmctl=tvmctl
tmp=$(mktemp -d)
cleanup() {
	"$tvmctl" vm delete $vm > /dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
N=15
nonce=00112233445566778899
vm=att-ec

ktap_plan $N
if [ ! -d /sys/kernel/security/tvm ]; then
	i=0; while [ $i -lt $N ]; do i=$((i + 1)); ktap_skip "attest_ecdsa_$i" "tvm.ko is not loaded"; done
	ktap_finish
fi
for t in keyctl openssl tpm2_checkquote; do
	if ! command -v $t > /dev/null; then
		i=0; while [ $i -lt $N ]; do i=$((i + 1)); ktap_skip "attest_ecdsa_$i" "no $t"; done
		ktap_finish
	fi
done

check() {
	if [ "$1" = 0 ]; then ktap_pass "$2"; else ktap_fail "$2" "$(head -c 600 "$tmp/err")"; fi
}

checkquote() { # DIR [AKPEM]
	tpm2_checkquote -u "${2:-$1/ak.pem}" -m "$1/quote.msg" -s "$1/quote.sig" \
		-f "$1/quote.pcrs" -g sha256 -q $nonce > "$tmp/cq" 2>&1
}

flip() { # FILE OFFSET: flip the low bit of the byte at OFFSET
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((_b ^ 1)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}

# The private scalar of an EC key: the 32 bytes of the OCTET STRING at
# offset 7 of its DER ECPrivateKey without the public key (RFC 5915).
scalar() { # PEM OUT
	openssl ec -in "$1" -no_public -outform DER 2> /dev/null |
		tail -c +8 | head -c 32 > "$2"
}

"$tvmctl" vm delete $vm > /dev/null 2>&1
"$tvmctl" vm create $vm > /dev/null
"$tvmctl" pcr extend $vm 9 --data kernel > /dev/null
"$tvmctl" pcr extend $vm 10 --data virtio_net > /dev/null

# 1-2: the key, loaded as an administrator does; show names it
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ak.key" 2> /dev/null
openssl ec -in "$tmp/ak.key" -pubout -out "$tmp/akpub.pem" 2> /dev/null
scalar "$tmp/ak.key" "$tmp/ak.d"
keyctl padd logon tvm-test:ak-ec @u < "$tmp/ak.d" > /dev/null
expect_status 0 "$tvmctl" ak set --ecdsa tvm-test:ak-ec &&
	expect_status 0 "$tvmctl" ak show --pem && cmp -s "$tmp/out" "$tmp/akpub.pem"
check $? ak_set_ecdsa_gives_the_ec_public_key
expect_status 0 "$tvmctl" ak show && grep -q "^algorithm: *ecdsa-p256" "$tmp/out" &&
	! grep -q "host id" "$tmp/out" &&
	expect_status 0 "$tvmctl" -j ak show &&
	grep -q '"algorithm": *"ecdsa-p256"' "$tmp/out" && grep -q '"bits": *256' "$tmp/out" &&
	grep -q "\"name\": *\"$(openssl pkey -pubin -in "$tmp/akpub.pem" -outform DER | sha256sum | cut -c1-64)\"" "$tmp/out"
check $? ak_show_names_the_ecdsa_algorithm

# 3-4: a quote; tpm2_checkquote and tvmctl verify accept it
q=$tmp/q
expect_status 0 "$tvmctl" quote $vm --nonce $nonce --out "$q" &&
	cmp -s "$q/ak.pem" "$tmp/akpub.pem" && checkquote "$q"
ret=$?
[ $ret = 0 ] || sed 's/^/# /' "$tmp/cq" | head -5
check $ret tpm2_checkquote_accepts_an_ecdsa_quote
expect_status 0 "$tvmctl" verify "$q" --ak "$tmp/akpub.pem" --nonce $nonce --vm $vm &&
	grep -q trusted "$tmp/out"
check $? verify_accepts_an_ecdsa_quote

# 5: quote.sig is a TPM's TPMT_SIGNATURE: ECDSA, SHA-256, r and s of 32
[ "$(od -An -tx1 -N6 "$q/quote.sig" | tr -d ' ')" = 0018000b0020 ] &&
	[ "$(od -An -tx1 -j38 -N2 "$q/quote.sig" | tr -d ' ')" = 0020 ] &&
	[ "$(stat -c %s "$q/quote.sig")" = 72 ]
check $? quote_sig_is_a_tpmt_signature_ecdsa_sha256

# 6-9: what both reject: a flipped bit of the message, of r, of s; another key
both_reject() { # NAME DIR AKPEM
	cq=1; tv=1
	checkquote "$2" "$3" && cq=0
	expect_status 1 "$tvmctl" verify "$2" --ak "$3" --nonce $nonce --vm $vm || tv=0
	if [ $cq = 1 ] && [ $tv = 1 ] && grep -q "bad signature" "$tmp/out"; then
		ktap_pass "$1"
	else
		ktap_fail "$1" "checkquote rejected: $cq, verify: $(cat "$tmp/out")"
	fi
}
copy() { rm -rf "$tmp/$1"; cp -r "$q" "$tmp/$1"; echo "$tmp/$1"; }
d=$(copy msgbit); flip "$d/quote.msg" 40
both_reject both_reject_flipped_message_bit "$d" "$tmp/akpub.pem"
d=$(copy rbit); flip "$d/quote.sig" 20
both_reject both_reject_flipped_r_bit "$d" "$tmp/akpub.pem"
d=$(copy sbit); flip "$d/quote.sig" 60
both_reject both_reject_flipped_s_bit "$d" "$tmp/akpub.pem"
openssl ecparam -name prime256v1 -genkey -noout 2> /dev/null |
	openssl ec -pubout -out "$tmp/other.pem" 2> /dev/null
d=$(copy otherkey)
both_reject both_reject_another_ec_key "$d" "$tmp/other.pem"

# 10-11: bad keys: a scalar of 0, a logon description without a prefix
head -c 32 /dev/zero > "$tmp/zero.d"
keyctl padd logon tvm-test:ak-zero @u < "$tmp/zero.d" > /dev/null
expect_status 1 "$tvmctl" ak set --ecdsa tvm-test:ak-zero &&
	grep -q "not a P-256 private key" "$tmp/err" &&
	expect_status 0 "$tvmctl" ak show && grep -q "tvm-test:ak-ec" "$tmp/out"
check $? ak_set_ecdsa_zero_scalar_is_refused_keeping_the_ak
expect_status 2 "$tvmctl" ak set --ecdsa noprefix && grep -q "PREFIX:NAME" "$tmp/err"
check $? ak_set_ecdsa_names_a_logon_description

# 12: migration blobs are signed RSA: refused, saying why
expect_status 1 "$tvmctl" migrate prepare -o "$tmp/prep" &&
	grep -q "migration needs an RSA attestation key" "$tmp/err"
check $? migrate_prepare_with_an_ecdsa_ak_is_refused

# 13: revoked: no more quotes
id=$(keyctl search @u logon tvm-test:ak-ec)
keyctl revoke "$id"
expect_status 1 "$tvmctl" quote $vm --nonce $nonce --out "$tmp/revoked" &&
	grep -q "revoked" "$tmp/err"
check $? revoked_ecdsa_ak_signs_nothing

# 14-15: back to RSA; its quote verifies, the EC quote no more with it
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/rsa.pem" 2> /dev/null
openssl pkcs8 -topk8 -nocrypt -in "$tmp/rsa.pem" -outform DER -out "$tmp/rsa.pk8"
openssl pkey -in "$tmp/rsa.pem" -pubout -out "$tmp/rsapub.pem"
keyctl padd asymmetric tvm-test:ak-rsa @u < "$tmp/rsa.pk8" > /dev/null
expect_status 0 "$tvmctl" ak set tvm-test:ak-rsa &&
	expect_status 0 "$tvmctl" ak show && grep -q "^algorithm: *rsa" "$tmp/out" &&
	expect_status 0 "$tvmctl" quote $vm --nonce $nonce --out "$tmp/qr" &&
	checkquote "$tmp/qr" &&
	expect_status 0 "$tvmctl" verify "$tmp/qr" --ak "$tmp/rsapub.pem" --nonce $nonce --vm $vm
check $? back_to_rsa_quotes_verify
d=$(copy rsakey)
both_reject both_reject_ecdsa_quote_with_the_rsa_key "$d" "$tmp/rsapub.pem"

keyctl unlink "$(keyctl search @u logon tvm-test:ak-zero)" @u > /dev/null 2>&1
keyctl unlink "$id" @u > /dev/null 2>&1
ktap_finish
