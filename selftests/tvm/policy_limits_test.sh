#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The max_policies limits of Documentation/policy.rst, which only the
# kernel can check: with tvm loaded with max_policies=2, a third policy
# is refused with ENOSPC while replacing one of the two is taken, and a
# third selector pinned to an owner key is refused with ENOSPC even once
# a policy was deleted (pins outlive their policies).  Ends with tvm (and
# tvm_kvm, if it was) loaded again with their defaults.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tvmctl=${TVMCTL:-$dir/../tvmctl}
[ -x "$tvmctl" ] || tvmctl=$(command -v tvmctl)
tmp=$(mktemp -d)
. "$dir/tvm_modules.sh"
reloaded=

names="policies_beyond_max_policies_refused
replacing_at_max_policies_taken
pins_beyond_max_policies_refused"

cleanup() {
	if [ -n "$reloaded" ]; then
		tvm_reload > "$tmp/why" ||
			echo "# could not load tvm back with its defaults: $(cat "$tmp/why")"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 3
[ -d /sys/kernel/security/tvm ] || ktap_skip_all "tvm.ko is not loaded"
[ -x "$tvmctl" ] || ktap_skip_all "no tvmctl"
command -v keyctl > /dev/null || ktap_skip_all "no keyctl"

reloaded=1
tvm_reload max_policies=2 > "$tmp/why" ||
	ktap_fail_all "cannot reload tvm with max_policies=2: $(cat "$tmp/why")"

cd "$tmp" || exit 1
d=$(printf 'k' | sha256sum | cut -d' ' -f1)
# policy NAME [KEY REVISION]: a policy file NAME.json, signed when KEY.
policy() {
	key=
	[ -n "${2:-}" ] && key="\"owner_key\": \"$2\", \"revision\": $3,"
	cat > "$1.json" <<JSON
{"version": 1, "selector": {"name": "$1"}, $key
 "levels": {"os": {"events": {"k": ["sha256:$d"]}}}}
JSON
}

# Two policies fill the module; a third is refused, and is not there.
policy pl-a
policy pl-b
policy pl-c
if expect_status 0 "$tvmctl" policy load pl-a.json &&
   expect_status 0 "$tvmctl" policy load pl-b.json &&
   expect_status 1 "$tvmctl" policy load pl-c.json &&
   grep -q "max_policies policies are loaded already" err &&
   grep -q "No space left on device" err &&
   expect_status 1 "$tvmctl" policy show name=pl-c; then
	ktap_pass policies_beyond_max_policies_refused
else
	ktap_fail policies_beyond_max_policies_refused "$(cat err)"
fi

# A replacement takes no room.
if expect_status 0 "$tvmctl" -j policy load pl-a.json &&
   grep -q '"generation": *3' out; then
	ktap_pass replacing_at_max_policies_taken
else
	ktap_fail replacing_at_max_policies_taken "$(cat out err)"
fi

# Two owner-signed selectors pin both places; after the owner deletes one
# policy there is room for a policy but not for a third pin.
printf '[req]\ndistinguished_name = dn\n[dn]\n[v3]\nsubjectKeyIdentifier = hash\n' > req.cnf
openssl req -x509 -newkey rsa:2048 -nodes -keyout owner.pem -out owner.der \
	-outform DER -subj /CN=owner -days 1 -config req.cnf -extensions v3 \
	> /dev/null 2>&1
keyid=$("$tvmctl" -j policy keyid owner.der | sed -n 's/.*"key_id": *"\([0-9a-f]*\)".*/\1/p')
keyctl padd asymmetric "$keyid" %:.tvm_owner < owner.der > /dev/null
policy pl-s1 "$keyid" 1
policy pl-s2 "$keyid" 1
policy pl-s3 "$keyid" 1
cat > del.json <<JSON
{"version": 1, "selector": {"name": "pl-s1"}, "owner_key": "$keyid",
 "revision": 2, "delete": true}
JSON
if expect_status 0 "$tvmctl" policy delete name=pl-a &&
   expect_status 0 "$tvmctl" policy delete name=pl-b &&
   expect_status 0 "$tvmctl" policy sign pl-s1.json --key owner.pem &&
   expect_status 0 "$tvmctl" policy sign pl-s2.json --key owner.pem &&
   expect_status 0 "$tvmctl" policy sign pl-s3.json --key owner.pem &&
   expect_status 0 "$tvmctl" policy sign del.json --key owner.pem &&
   expect_status 0 "$tvmctl" policy load pl-s1.json &&
   expect_status 0 "$tvmctl" policy load pl-s2.json &&
   expect_status 0 "$tvmctl" policy delete --signed del.json &&
   expect_status 1 "$tvmctl" policy load pl-s3.json &&
   grep -q "selectors are pinned already" err &&
   expect_status 1 "$tvmctl" policy show name=pl-s3 &&
   expect_status 0 "$tvmctl" policy load pl-c.json; then
	ktap_pass pins_beyond_max_policies_refused
else
	ktap_fail pins_beyond_max_policies_refused "$(cat out err)"
fi

ktap_finish
