#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One policy, one decision.  tvm.ko judges a VM by its policy as it is
# extended and launched; `tvmctl verify --policy` judges the VM's quote by
# the same policy file.  Both run kernel/lib/policy_eval.c, and they must
# decide alike: for each case, a VM under a policy (loaded before its
# first extend, so the kernel sees every event as verify does) is
# extended, launched, perhaps extended again, and quoted; the kernel's
# trust and verify's verdict must be equal, and what the case expects (so
# that each case tests what it names).  The cases: events that match;
# a digest, a name, a bank the VM lacks that do not; levels without an
# allow-list, which nothing judges; tvm's own PCR 8 records under a VMM
# allow-list; final PCR values that match and that do not; and extends
# after launch.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tvmctl=${TVMCTL:-$dir/../tvmctl}
[ -x "$tvmctl" ] || tvmctl=tvmctl
tmp=$(mktemp -d)
vm=pv-t
ref=pv-ref
cleanup() {
	"$tvmctl" vm delete $vm > /dev/null 2>&1
	"$tvmctl" vm delete $ref > /dev/null 2>&1
	"$tvmctl" policy delete name=$vm > /dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
N=12
nonce=8899aabbccddeeff

ktap_plan $N
if [ ! -d /sys/kernel/security/tvm ]; then
	i=0; while [ $i -lt $N ]; do i=$((i + 1)); ktap_skip "policy_verify_$i" "tvm.ko is not loaded"; done
	ktap_finish
fi

# The AK: the one set already (its public key is all verify needs), else
# a fresh one.
if ! "$tvmctl" ak show --pem > "$tmp/akpub.pem" 2> /dev/null; then
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/ak.pem" 2>/dev/null
	openssl pkcs8 -topk8 -nocrypt -in "$tmp/ak.pem" -outform DER -out "$tmp/ak.pk8"
	openssl pkey -in "$tmp/ak.pem" -pubout -out "$tmp/akpub.pem"
	keyctl padd asymmetric tvm-test:pv-ak @u < "$tmp/ak.pk8" > /dev/null
	"$tvmctl" ak set tvm-test:pv-ak > /dev/null 2> "$tmp/err" ||
		echo "# ak set: $(cat "$tmp/err")"
fi

extend() { # VM PCR:DATA...
	_v=$1
	shift
	for _e in "$@"; do
		"$tvmctl" pcr extend $_v "${_e%%:*}" --data "${_e#*:}" > /dev/null ||
			return 1
	done
}

# judge NAME BANKS WANT LEVELS BEFORE [AFTER]: a VM of BANKS under a
# policy of LEVELS (its "levels" object), extended with BEFORE (a list of
# PCR:DATA), launched, extended with AFTER; the kernel's trust and
# verify's verdict must both be WANT.
judge() {
	_name=$1 _banks=$2 _want=$3 _levels=$4 _before=$5 _after=${6:-}
	"$tvmctl" vm delete $vm > /dev/null 2>&1
	"$tvmctl" policy delete name=$vm > /dev/null 2>&1
	printf '{"version": 1, "selector": {"name": "%s"}, "mode": "audit",\n "levels": %s}\n' \
		$vm "$_levels" > "$tmp/policy.json"
	rm -rf "$tmp/q"
	if ! "$tvmctl" policy load "$tmp/policy.json" > /dev/null 2> "$tmp/err" ||
	   ! "$tvmctl" vm create $vm --banks $_banks > /dev/null 2>> "$tmp/err" ||
	   ! extend $vm $_before 2>> "$tmp/err" ||
	   ! "$tvmctl" vm launch $vm > /dev/null 2>> "$tmp/err" ||
	   ! extend $vm $_after 2>> "$tmp/err" ||
	   ! "$tvmctl" quote $vm --nonce $nonce --pcrs all --out "$tmp/q" > /dev/null 2>> "$tmp/err"; then
		ktap_fail "$_name" "setting up: $(head -c 400 "$tmp/err")"
		return
	fi
	_kernel=$("$tvmctl" vm show $vm | sed -n 's/^trust: //p')
	"$tvmctl" verify "$tmp/q" --ak "$tmp/akpub.pem" --nonce $nonce --vm $vm \
		--policy "$tmp/policy.json" > "$tmp/out" 2>&1
	_rc=$?
	case $_rc in
	0) _verify=trusted ;;
	1) _verify=untrusted ;;
	*) _verify="error $_rc" ;;
	esac
	if [ "$_kernel" = "$_verify" ] && [ "$_kernel" = "$_want" ]; then
		ktap_pass "$_name"
	else
		ktap_fail "$_name" "kernel: $_kernel, verify: $_verify, want $_want: $(tr '\n' ' ' < "$tmp/out" | head -c 600)"
	fi
}

k=$(printf kernel | sha256sum | cut -c1-64)
i=$(printf initrd | sha256sum | cut -c1-64)
os_events='"os": {"events": {"kernel": ["sha256:'$k'"], "initrd": ["sha256:'$i'"]}}'

# PCR 9 after kernel and initrd, from a VM no test policy selects
"$tvmctl" vm delete $ref > /dev/null 2>&1
"$tvmctl" vm create $ref --banks sha256 > /dev/null &&
	extend $ref 9:kernel 9:initrd &&
	p9=$("$tvmctl" pcr read $ref --bank sha256 --pcrs 9 | sed -n 's/^  9: //p')
"$tvmctl" vm delete $ref > /dev/null 2>&1
[ ${#p9} = 64 ] || echo "# no PCR 9 value of the reference VM: '$p9'"
os_pcr='"os": {"pcr": ["sha256:'$p9'"]}'

judge events_match sha256,sm3_256 trusted "{$os_events}" "9:kernel 9:initrd"
judge event_digest_not_in_policy sha256,sm3_256 untrusted \
	'{"os": {"events": {"kernel": ["sha256:'$i'"], "initrd": ["sha256:'$i'"]}}}' \
	"9:kernel 9:initrd"
judge event_name_not_in_policy sha256,sm3_256 untrusted "{$os_events}" \
	"9:kernel 9:rootkit 9:initrd"
judge event_lists_no_bank_the_vm_has sha256 untrusted \
	'{"os": {"events": {"kernel": ["sm3_256:'$k'"], "initrd": ["sha256:'$i'"]}}}' \
	"9:kernel 9:initrd"
judge levels_without_allow_list_are_not_judged sha256,sm3_256 trusted \
	"{$os_events}" "9:kernel 10:virtio_net 9:initrd 11:app 12:anything"
judge vmm_allow_list_skips_tvms_own_records sha256,sm3_256 trusted \
	'{"vmm": {"events": {"qemu": ["sha256:'$k'"]}}, '"$os_events}" \
	"9:kernel 9:initrd"
judge pcr_value_matches sha256 trusted "{$os_pcr}" "9:kernel 9:initrd"
judge pcr_value_not_in_policy sha256 untrusted "{$os_pcr}" "9:initrd 9:kernel"
judge pcr_value_with_events sha256,sm3_256 trusted \
	'{"os": {"events": {"kernel": ["sha256:'$k'"], "initrd": ["sha256:'$i'"]}, "pcr": ["sha256:'$p9'"]}}' \
	"9:kernel 9:initrd"
judge unlisted_event_after_launch sha256,sm3_256 untrusted "{$os_events}" \
	"9:kernel 9:initrd" "9:rootkit"
judge pcr_changed_after_launch sha256 untrusted "{$os_pcr}" \
	"9:kernel 9:initrd" "9:kernel"
judge unjudged_level_after_launch sha256,sm3_256 trusted "{$os_events}" \
	"9:kernel 9:initrd" "10:virtio_net 12:anything"

ktap_finish
