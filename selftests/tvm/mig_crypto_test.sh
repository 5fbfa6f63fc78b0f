#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Migration peers and host ids (Documentation/migration.rst): the host id
# tvmctl ak show prints is the SHA-256 of the AK's DER RSAPublicKey as
# OpenSSL computes it; tvmctl migrate peer add files a certificate or a
# bare RSA public key (PEM or DER, SubjectPublicKeyInfo or RSAPublicKey)
# in the .tvm_migration keyring under its id, list shows it, del removes
# it; the keyring itself refuses what is not an RSA public key (an EC
# certificate, an RSA private key, a user key, a keyring), whoever adds
# it; tvmctl refuses a non-RSA key and bad ids itself.  The kernel's own
# uses of the keyring (tvm_mig_verify) are migrate_test's; HKDF, AES-GCM,
# host ids and ECDH are checked by tvm.ko's self-test at load.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tvmctl=${TVMCTL:-$dir/../tvmctl}
[ -x "$tvmctl" ] || tvmctl=tvmctl
tmp=$(mktemp -d)
ring=.tvm_migration
cleanup() {
	for id in $ids; do "$tvmctl" migrate peer del "$id" > /dev/null 2>&1; done
	keyctl unlink "%asymmetric:tvm-mig-test:ak" @u > /dev/null 2>&1
	[ -n "$plain" ] && keyctl unlink "$plain" @u > /dev/null 2>&1
	rm -rf "$tmp"
}
ids=
plain=
trap cleanup EXIT
N=9

ktap_plan $N
if [ ! -d /sys/kernel/security/tvm ] || ! command -v keyctl > /dev/null ||
   ! grep -q " keyring *$ring:" /proc/keys; then
	i=0; while [ $i -lt $N ]; do i=$((i + 1)); ktap_skip "mig_crypto_$i" "tvm.ko with $ring or keyctl missing"; done
	ktap_finish
fi

check() {
	if [ "$1" = 0 ]; then ktap_pass "$2"; else ktap_fail "$2" "$(head -c 600 "$tmp/err")"; fi
}

# The id OpenSSL gives a public key: SHA-256 of its DER RSAPublicKey.
openssl_id() { # PUBLIC-PEM
	openssl rsa -pubin -in "$1" -RSAPublicKey_out -outform DER 2> /dev/null |
		sha256sum | cut -c1-64
}

# The keyring's serial, from /proc/keys; how many links it holds.
ring_serial() {
	awk -v r="$ring:" '$8 == "keyring" && $9 == r { print $1 }' /proc/keys
}
ring_count() {
	keyctl list "0x$(ring_serial)" 2> /dev/null | grep -c '^ *[0-9][0-9]*:'
}

cd "$tmp" || exit 1
printf '[req]\ndistinguished_name = dn\n[dn]\n' > req.cnf
key() { # NAME: an RSA-2048 private key NAME.pem, its public NAME.pub
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.pem" 2> /dev/null &&
		openssl pkey -in "$1.pem" -pubout -out "$1.pub"
}

# 1: the AK's host id, as OpenSSL computes it from the AK's public key
key ak
openssl pkcs8 -topk8 -nocrypt -in ak.pem -outform DER -out ak.pk8
keyctl padd asymmetric tvm-mig-test:ak @u < ak.pk8 > /dev/null
akid=$(openssl_id ak.pub)
expect_status 0 "$tvmctl" ak set tvm-mig-test:ak &&
	expect_status 0 "$tvmctl" ak show && grep -qx "host id: *$akid" out &&
	expect_status 0 "$tvmctl" -j ak show && grep -q "\"host_id\": *\"$akid\"" out &&
	[ ${#akid} = 64 ]
check $? ak_show_host_id_is_sha256_of_rsapublickey

# 2: the AK's self-signed certificate as a peer: filed under its id
openssl req -config req.cnf -x509 -new -key ak.pem -subj /CN=mig-ak -days 1 \
	-outform DER -out ak.der 2> err
before=$(ring_count)
expect_status 0 "$tvmctl" migrate peer add ak.der && grep -q "$akid" out &&
	ids="$ids $akid" &&
	[ "$(ring_count)" = $((before + 1)) ] &&
	keyctl list "0x$(ring_serial)" | grep -q "asymmetric: $akid\$" &&
	expect_status 0 "$tvmctl" migrate peer list && grep -q "host id: *$akid" out &&
	expect_status 0 "$tvmctl" -j migrate peer list && grep -q "\"host_id\": *\"$akid\"" out
check $? peer_add_certificate_files_it_under_its_id

# 3: bare RSA public keys, PEM and DER, SubjectPublicKeyInfo and RSAPublicKey
ok=0
n=0
for form in spki-pem spki-der pkcs1-pem pkcs1-der; do
	n=$((n + 1))
	key p$n
	case $form in
	spki-pem) cp p$n.pub p$n.in ;;
	spki-der) openssl pkey -pubin -in p$n.pub -outform DER -out p$n.in ;;
	pkcs1-pem) openssl rsa -pubin -in p$n.pub -RSAPublicKey_out -out p$n.in 2> /dev/null ;;
	pkcs1-der) openssl rsa -pubin -in p$n.pub -RSAPublicKey_out -outform DER -out p$n.in 2> /dev/null ;;
	esac
	id=$(openssl_id p$n.pub)
	if expect_status 0 "$tvmctl" -j migrate peer add p$n.in &&
	   grep -q "\"host_id\": *\"$id\"" out && ids="$ids $id" &&
	   expect_status 0 "$tvmctl" migrate peer list && grep -q "$id" out; then
		:
	else
		echo "# $form: $(cat err)"
		ok=1
	fi
done
[ $ok = 0 ]
check $ok peer_add_bare_public_keys_in_every_form

# 4: del removes exactly the one peer; a second del finds nothing
id=$(openssl_id p1.pub)
before=$(ring_count)
expect_status 0 "$tvmctl" migrate peer del "$id" &&
	[ "$(ring_count)" = $((before - 1)) ] &&
	expect_status 0 "$tvmctl" migrate peer list && ! grep -q "$id" out &&
	grep -q "$akid" out &&
	expect_status 1 "$tvmctl" migrate peer del "$id" && grep -q "no peer" err
check $? peer_del_removes_only_that_peer

# 5: upper-case ids are the same id; bad ids are usage errors
id=$(openssl_id p2.pub)
expect_status 0 "$tvmctl" migrate peer del "$(echo "$id" | tr a-f A-F)" &&
	expect_status 2 "$tvmctl" migrate peer del "${id%?}" && grep -q "64 hex" err &&
	expect_status 2 "$tvmctl" migrate peer del "${id%?}g" &&
	expect_status 2 "$tvmctl" migrate peer nosuch && grep -q "unknown subcommand" err &&
	expect_status 2 "$tvmctl" migrate nosuch && grep -q "unknown subcommand" err
check $? peer_del_takes_any_case_refuses_bad_ids

# 6: tvmctl refuses a non-RSA key and a file with no key, adding nothing
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem 2> /dev/null
openssl req -config req.cnf -x509 -new -key ec.pem -subj /CN=mig-ec -days 1 \
	-outform DER -out ec.der 2> err
echo "not a key" > junk
before=$(ring_count)
expect_status 2 "$tvmctl" migrate peer add ec.der && grep -q "not an RSA key" err &&
	expect_status 2 "$tvmctl" migrate peer add junk && grep -q "neither" err &&
	expect_status 1 "$tvmctl" migrate peer add nosuch.pem &&
	[ "$(ring_count)" = "$before" ]
check $? peer_add_refuses_non_rsa_and_junk

# 7: the keyring itself refuses an EC certificate, even under a good id.
# Issued by the AK's key, not self-signed: the kernel parses it without
# checking a signature, and a plain keyring takes it.
openssl req -config req.cnf -new -key ec.pem -subj /CN=mig-ec -out ec.csr 2> err
openssl x509 -req -in ec.csr -CA ak.der -CAform DER -CAkey ak.pem -days 1 \
	-set_serial 7 -outform DER -out ec-by-ak.der 2> err
plain=$(keyctl newring tvm-mig-test @u)
expect_status 0 keyctl padd asymmetric tvm-mig-test:ec "$plain" < ec-by-ak.der &&
	expect_status 1 keyctl padd asymmetric "$akid" "%:$ring" < ec-by-ak.der &&
	grep -q "not permitted" err &&
	expect_status 1 keyctl padd asymmetric "$akid" "%:$ring" < ec.der &&
	[ "$(ring_count)" = "$before" ]
check $? keyring_refuses_ec_certificate

# 8: ... an RSA private key, a user key and a keyring, which a plain
# keyring takes
key priv
openssl pkcs8 -topk8 -nocrypt -in priv.pem -outform DER -out priv.pk8
privid=$(openssl_id priv.pub)
expect_status 0 keyctl padd asymmetric tvm-mig-test:priv "$plain" < priv.pk8 &&
	expect_status 1 keyctl padd asymmetric "$privid" "%:$ring" < priv.pk8 &&
	grep -q "not permitted" err &&
	expect_status 0 keyctl add user "$akid" secret "$plain" &&
	expect_status 1 keyctl add user "$akid" secret "%:$ring" &&
	grep -q "not permitted" err &&
	expect_status 1 keyctl newring tvm-mig-test "%:$ring" &&
	grep -q "not permitted" err &&
	[ "$(ring_count)" = "$before" ]
check $? keyring_refuses_private_user_and_keyring
keyctl unlink "$plain" @u > /dev/null 2>&1

# 9: an RSA certificate added with keyctl directly is listed as tvmctl
# added it, and del removes it
id=$(openssl_id p3.pub)
openssl req -config req.cnf -x509 -new -key p3.pem -subj /CN=mig-p3 -days 1 \
	-outform DER -out p3.der 2> err
"$tvmctl" migrate peer del "$id" > /dev/null 2>&1
expect_status 0 keyctl padd asymmetric "$id" "%:$ring" < p3.der &&
	expect_status 0 "$tvmctl" -j migrate peer list && grep -q "\"host_id\": *\"$id\"" out &&
	expect_status 0 "$tvmctl" migrate peer del "$id" &&
	expect_status 0 "$tvmctl" migrate peer list && ! grep -q "$id" out
check $? peer_list_and_del_see_keys_keyctl_added

ktap_finish
