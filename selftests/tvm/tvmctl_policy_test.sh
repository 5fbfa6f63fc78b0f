#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tvmctl policies end to end, as a VM owner and an administrator use them:
# a policy signed with the owner's key (added to tvm's owner keyring with
# keyctl, as Documentation/policy.rst says), loaded, a VM launched trusted
# and turned untrusted by a later mismatch, enforce mode refusing a
# launch, the owner's higher revision and signed delete taken while an
# older revision and an unsigned delete are not, tvmctl monitor seeing it
# all, bad policy files refused before anything reaches the kernel, and
# `policy load --check`, which checks a file as load does and loads nothing.

. "$(dirname "$0")/ktap.sh"

tvmctl=${TVMCTL:-$(cd "$(dirname "$0")/.." && pwd)/tvmctl}
[ -x "$tvmctl" ] || tvmctl=$(command -v tvmctl)
tmp=$(mktemp -d)
monitor=
cleanup() {
	[ -n "$monitor" ] && kill "$monitor" 2>/dev/null
	for vm in pol-a pol-b; do "$tvmctl" vm delete $vm > /dev/null 2>&1; done
	for p in pol-a pol-b; do "$tvmctl" policy delete name=$p > /dev/null 2>&1; done
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 10
if [ ! -d /sys/kernel/security/tvm ] || ! command -v keyctl > /dev/null; then
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ktap_skip "tvmctl_policy_$i" "tvm.ko or keyctl missing"
	done
	ktap_finish
fi

sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# The owner: an RSA key and a self-signed certificate for the keyring.
cd "$tmp" || exit 1
printf '[req]\ndistinguished_name = dn\n[dn]\n[v3]\nsubjectKeyIdentifier = hash\n' > req.cnf
openssl req -x509 -newkey rsa:2048 -nodes -keyout owner.pem -out owner.der \
	-outform DER -subj /CN=owner -days 1 -config req.cnf -extensions v3 \
	> /dev/null 2>&1
keyid=$("$tvmctl" -j policy keyid owner.der | sed -n 's/.*"key_id": *"\([0-9a-f]*\)".*/\1/p')
cat > a.json <<JSON
{
  "version": 1,
  "selector": {"name": "pol-a"},
  "mode": "audit",
  "owner_key": "$keyid",
  "revision": 1,
  "levels": {"os": {"events": {"kernel": ["sha256:$(sha kernel-image)"]}}}
}
JSON

"$tvmctl" monitor > monitor.log 2>&1 &
monitor=$!
sleep 1

# Unsigned: refused by the kernel; signed but the key is not loaded: too.
if expect_status 1 "$tvmctl" policy load a.json && grep -qi "not signed\|signature" err &&
   expect_status 0 "$tvmctl" policy sign a.json --key owner.pem && [ -s a.json.sig ] &&
   expect_status 1 "$tvmctl" policy load a.json && grep -q "key" err; then
	ktap_pass tvmctl_policy_needs_signature_and_key
else
	ktap_fail tvmctl_policy_needs_signature_and_key
fi

keyctl padd asymmetric "$keyid" %:.tvm_owner < owner.der > /dev/null
if expect_status 0 "$tvmctl" policy load a.json &&
   expect_status 0 "$tvmctl" -j policy show pol-a && grep -q '"signed": *true' out &&
   grep -q "\"owner_key\": *\"$keyid\"" out && grep -q '"revision": *1' out; then
	ktap_pass tvmctl_policy_signed_load
else
	ktap_fail tvmctl_policy_signed_load "$(cat out)"
fi

# A tampered signature is rejected, and the loaded policy stays.
cp a.json.sig bad.sig
printf '\001' | dd of=bad.sig bs=1 seek=20 conv=notrunc 2> /dev/null
if expect_status 1 "$tvmctl" policy load a.json --sig bad.sig && grep -qi "verif" err &&
   expect_status 0 "$tvmctl" -j policy show pol-a && grep -q '"signed": *true' out; then
	ktap_pass tvmctl_policy_tampered_signature_rejected
else
	ktap_fail tvmctl_policy_tampered_signature_rejected "$(cat err)"
fi

# The image the policy names: trusted at launch; a later rootkit: untrusted.
if expect_status 0 "$tvmctl" vm create pol-a --banks sha256 &&
   expect_status 0 "$tvmctl" pcr extend pol-a 9 --data kernel \
	--digest sha256="$(sha kernel-image)" &&
   expect_status 0 "$tvmctl" vm launch pol-a && grep -qi "trusted" out &&
   ! grep -qi "untrusted" out &&
   expect_status 0 "$tvmctl" pcr extend pol-a 9 --data rootkit &&
   expect_status 0 "$tvmctl" vm show pol-a && grep -qi "untrusted" out &&
   grep -q 'event "rootkit" not in policy' out; then
	ktap_pass tvmctl_launch_trusted_then_mismatch_untrusted
else
	ktap_fail tvmctl_launch_trusted_then_mismatch_untrusted "$(cat out err)"
fi

# Enforce mode: a VM whose kernel is not the one named cannot launch.
sed -e 's/pol-a/pol-b/' -e 's/"audit"/"enforce"/' -e '/owner_key/d' a.json > b.json
if expect_status 0 "$tvmctl" policy load b.json &&
   expect_status 0 "$tvmctl" vm create pol-b &&
   expect_status 0 "$tvmctl" pcr extend pol-b 9 --data kernel &&
   expect_status 1 "$tvmctl" vm launch pol-b &&
   grep -q "not in policy" err && grep -qi "untrusted" out; then
	ktap_pass tvmctl_enforce_refuses_launch
else
	ktap_fail tvmctl_enforce_refuses_launch "$(cat out err)"
fi

sleep 1
kill "$monitor"
wait "$monitor" 2> /dev/null
monitor=
if grep -q "pol-a.*pending -> trusted" monitor.log &&
   grep -q "pol-a.*trusted -> untrusted" monitor.log &&
   grep -q "pol-b.*pending -> untrusted" monitor.log &&
   grep -q "policy.*pol-a.*load" monitor.log; then
	ktap_pass tvmctl_monitor_sees_changes_in_order
else
	ktap_fail tvmctl_monitor_sees_changes_in_order "$(cat monitor.log)"
fi

# Bad files never reach the kernel: exit 2, the key named.
printf '{"version": 1, "selector": {"name": "x"}, "mdoe": "audit"}\n' > typo.json
printf '{"version": 1, "version": 1, "selector": {"name": "x"}}\n' > dup.json
if expect_status 2 "$tvmctl" policy load typo.json && grep -q "mdoe" err &&
   expect_status 2 "$tvmctl" policy load dup.json && grep -q "version" err; then
	ktap_pass tvmctl_policy_bad_file_names_the_key
else
	ktap_fail tvmctl_policy_bad_file_names_the_key "$(cat err)"
fi

if expect_status 0 "$tvmctl" policy delete name=pol-b &&
   expect_status 1 "$tvmctl" policy show name=pol-b; then
	ktap_pass tvmctl_policy_delete
else
	ktap_fail tvmctl_policy_delete "$(cat err)"
fi

# The owner's policy: no unsigned delete, no rollback; the owner's next
# revision and signed delete are taken, and revision 1 stays out after.
sed -e 's/"revision": 1/"revision": 2/' -e 's/"audit"/"enforce"/' a.json > a2.json
cat > del.json <<JSON
{"version": 1, "selector": {"name": "pol-a"}, "owner_key": "$keyid",
 "revision": 3, "delete": true}
JSON
if expect_status 1 "$tvmctl" policy delete name=pol-a && grep -q "pinned" err &&
   expect_status 0 "$tvmctl" policy sign a2.json --key owner.pem &&
   expect_status 0 "$tvmctl" policy load a2.json &&
   expect_status 1 "$tvmctl" policy load a.json && grep -q "rollback" err &&
   expect_status 0 "$tvmctl" policy sign del.json --key owner.pem &&
   expect_status 0 "$tvmctl" policy delete --signed del.json &&
   expect_status 1 "$tvmctl" policy show name=pol-a &&
   expect_status 1 "$tvmctl" policy load a2.json && grep -q "rollback" err; then
	ktap_pass tvmctl_policy_owner_revisions_and_signed_delete
else
	ktap_fail tvmctl_policy_owner_revisions_and_signed_delete "$(cat out err)"
fi

# --check: a good file passes and is not loaded; a bad one and a signed
# one without its signature fail, as tvm.service relies on.
printf '{"version": 1, "selector": {"name": "pol-c"}, "mode": "audit"}\n' > c.json
cp a.json nosig.json
if expect_status 0 "$tvmctl" policy load --check c.json &&
   grep -q "name=pol-c" out && grep -q "signed: no" out &&
   expect_status 1 "$tvmctl" policy show name=pol-c &&
   expect_status 2 "$tvmctl" policy load --check typo.json &&
   expect_status 2 "$tvmctl" policy load --check nosig.json &&
   grep -q "no signature" err; then
	ktap_pass tvmctl_policy_load_check_loads_nothing
else
	ktap_fail tvmctl_policy_load_check_loads_nothing "$(cat out err)"
fi

ktap_finish
