#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A policy's dataflow section through tvmctl (Documentation/policy.rst,
# "Dataflow"): bad sections refused before anything reaches the kernel,
# with the line and column or the key path; a section loaded, shown as
# text and as JSON that loads again to the same digest; an owner-signed
# section taken, and the same signature over an altered section refused;
# and a VM's integrity level, what a rule's min_level asks of a sender,
# in `tvmctl vm show`.

. "$(dirname "$0")/ktap.sh"

tvmctl=${TVMCTL:-$(cd "$(dirname "$0")/.." && pwd)/tvmctl}
[ -x "$tvmctl" ] || tvmctl=$(command -v tvmctl)
tmp=$(mktemp -d)
own=df-own-$$
cleanup() {
	"$tvmctl" vm delete df-lvl > /dev/null 2>&1
	for p in df-rx df-lvl; do "$tvmctl" policy delete name=$p > /dev/null 2>&1; done
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 5
if [ ! -d /sys/kernel/security/tvm ] || ! command -v keyctl > /dev/null; then
	for i in 1 2 3 4 5; do
		ktap_skip "tvmctl_dataflow_$i" "tvm.ko or keyctl missing"
	done
	ktap_finish
fi
cd "$tmp" || exit 1

# Each bad file: exit 2, nothing loaded, and exactly this message.
bad() {
	printf '%s\n' "$1" > bad.json
	if ! expect_status 2 "$tvmctl" policy load bad.json ||
	   [ "$(cat err)" != "tvmctl: policy load: bad.json: $2" ]; then
		echo "# $1: $(cat err)"
		return 1
	fi
}
sel='"version": 1, "selector": {"name": "df-rx"}'
if bad "{$sel, \"dataflow\": {\"default\": \"drop\"}}" \
	"dataflow.default: unknown action 'drop' (block, taint or measure)" &&
   bad "{$sel, \"dataflow\": {\"rules\": [{\"from\": \"host\", \"ports\": [\"30-20\"]}]}}" \
	"dataflow.rules[0].ports[0]: bad port range '30-20': it ends below its first port" &&
   bad "{$sel, \"dataflow\": {\"rules\": [{\"ports\": [22]}]}}" \
	"dataflow.rules[0]: missing key 'from' (any, host, a VM name or a VM UUID)" &&
   bad "{$sel, \"dataflow\": {\"rules\": [{\"from\": \"host\", \"min_trust\": \"high\"}]}}" \
	"dataflow.rules[0].min_trust: unknown trust state 'high' (trusted, unknown, pending or untrusted)" &&
   bad "{$sel, \"dataflow\": {\"rules\": [{\"from\": \"host\", \"min_level\": 5}]}}" \
	"dataflow.rules[0].min_level: level 5 is out of range (0 to 4)" &&
   bad "{$sel, \"dataflow\": {\"rules\": [{\"from\": \"host\",}]}}" \
	"line 1, column 86: expected a key in double quotes" &&
   bad "{$sel,
 \"dataflow\": {\"rules\": [{\"from\": \"host\"} {\"from\": \"any\"}]}}" \
	"line 2, column 42: expected ',' or ']'" &&
   expect_status 1 "$tvmctl" policy show name=df-rx; then
	ktap_pass tvmctl_dataflow_bad_files_refused
else
	ktap_fail tvmctl_dataflow_bad_files_refused
fi

cat > rx.json <<JSON
{"version": 1, "selector": {"name": "df-rx"},
 "dataflow": {"checkpoint_bytes": 1048576, "per_message": true,
  "rules": [
   {"from": "web-1", "ports": [5432, "8000-8099"], "min_trust": "trusted",
    "min_level": 2, "action": "taint"},
   {"from": "host", "ports": [22]},
   {"from": "name=any", "action": "measure"},
   {"from": "0b1e8f6e-3c2a-4d5b-9e7f-1a2b3c4d5e6f", "min_trust": "unknown"}]}}
JSON
if expect_status 0 "$tvmctl" policy load rx.json &&
   expect_status 0 "$tvmctl" policy show df-rx &&
   grep -q '^dataflow (pcr 14):$' out && grep -q '^  default: block$' out &&
   grep -q '^  checkpoint bytes: 1048576$' out &&
   grep -q '^  checkpoint ms: 0$' out && grep -q '^  per message: yes$' out &&
   grep -q '^    from web-1 ports 5432,8000-8099 min_trust trusted min_level 2 action taint$' out &&
   grep -q '^    from host ports 22 min_trust untrusted min_level 0 action block$' out &&
   grep -q '^    from name=any ports all min_trust untrusted min_level 0 action measure$' out &&
   grep -q '^    from 0b1e8f6e-3c2a-4d5b-9e7f-1a2b3c4d5e6f ports all min_trust unknown min_level 0 action block$' out; then
	ktap_pass tvmctl_dataflow_show_text
else
	ktap_fail tvmctl_dataflow_show_text "$(cat out err)"
fi

# -j gives the section back as a file says it; that file loads again to
# the same policy (the same digest).
if expect_status 0 "$tvmctl" -j policy show df-rx && cp out shown.json &&
   digest=$(sed -n 's/^ *"digest": *"\([0-9a-f]*\)".*/\1/p' shown.json) &&
   [ -n "$digest" ] &&
   awk '/"policy": *\{/ { f = 1; print "{"; next }
	f { line[n++] = $0 }
	END { for (i = 0; i < n - 1; i++) print line[i] }' shown.json > again.json &&
   grep -q '"from": *"name=any"' again.json &&
   grep -q '"8000-8099"' again.json && grep -q '"per_message": *true' again.json &&
   expect_status 0 "$tvmctl" -j policy load again.json &&
   grep -q "\"digest\": *\"$digest\"" out; then
	ktap_pass tvmctl_dataflow_show_json_loads_again
else
	ktap_fail tvmctl_dataflow_show_json_loads_again "$(cat out err)"
fi

# The owner's signature covers the section: altered, it no longer verifies.
printf '[req]\ndistinguished_name = dn\n[dn]\n[v3]\nsubjectKeyIdentifier = hash\n' > req.cnf
openssl req -x509 -newkey rsa:2048 -nodes -keyout owner.pem -out owner.der \
	-outform DER -subj /CN=owner -days 1 -config req.cnf -extensions v3 \
	> /dev/null 2>&1
keyid=$("$tvmctl" -j policy keyid owner.der | sed -n 's/.*"key_id": *"\([0-9a-f]*\)".*/\1/p')
keyctl padd asymmetric "$keyid" %:.tvm_owner < owner.der > /dev/null
sed -e "s/\"df-rx\"}/\"$own\"}, \"owner_key\": \"$keyid\", \"revision\": 1/" rx.json > own.json
sed -e 's/"action": "taint"/"action": "measure"/' own.json > altered.json
if expect_status 0 "$tvmctl" policy sign own.json --key owner.pem &&
   expect_status 0 "$tvmctl" policy load own.json && grep -q '^signed: yes$' out &&
   sed -e 's/"revision": 1/"revision": 2/' own.json > own2.json &&
   expect_status 0 "$tvmctl" policy sign own2.json --key owner.pem &&
   sed -e 's/"revision": 1/"revision": 2/' altered.json > altered2.json &&
   expect_status 1 "$tvmctl" policy load altered2.json --sig own2.json.sig &&
   grep -q "does not verify" err &&
   expect_status 0 "$tvmctl" policy show "name=$own" &&
   grep -q 'min_level 2 action taint$' out && grep -q '^revision: 1$' out; then
	ktap_pass tvmctl_dataflow_signature_covers_section
else
	ktap_fail tvmctl_dataflow_signature_covers_section "$(cat out err)"
fi

# The integrity level of a VM: 0 pending; os checked and matched: 1.
cat > lvl.json <<JSON
{"version": 1, "selector": {"name": "df-lvl"},
 "levels": {"os": {"events": {"kernel": ["sha256:$(printf kernel | sha256sum | cut -d' ' -f1)"]}}}}
JSON
if expect_status 0 "$tvmctl" policy load lvl.json &&
   expect_status 0 "$tvmctl" vm create df-lvl --banks sha256 &&
   expect_status 0 "$tvmctl" vm show df-lvl && grep -q '^level: 0$' out &&
   expect_status 0 "$tvmctl" pcr extend df-lvl 9 --data kernel &&
   expect_status 0 "$tvmctl" vm launch df-lvl && grep -q '^trust: trusted$' out &&
   grep -q '^level: 1$' out &&
   expect_status 0 "$tvmctl" -j vm show df-lvl && grep -q '"level": *1' out &&
   expect_status 0 "$tvmctl" pcr extend df-lvl 9 --data rootkit &&
   expect_status 0 "$tvmctl" vm show df-lvl && grep -q '^level: 0$' out; then
	ktap_pass tvmctl_vm_show_integrity_level
else
	ktap_fail tvmctl_vm_show_integrity_level "$(cat out err)"
fi

ktap_finish
