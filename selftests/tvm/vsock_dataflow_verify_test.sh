#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `tvmctl verify --policy` against the flows a VM received
# (Documentation/attestation.rst, "Flows received"): a VMM run under a
# policy whose dataflow section lets the host send on one port, with a
# fake guest that receives a host-to-guest flow there (vsockflow) and
# checkpoints in PCR 14 every 4 KiB; its quote checked with that policy
# finds the flows and no dataflow mismatch, and checked with a section
# that would have blocked the host there, a mismatch naming the flow;
# and no flow left once the VMM is stopped.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
. "$dir/tvm_modules.sh"
vsockflow=$dir/vsockflow
tvmctl=$dir/../tvmctl
[ -x "$tvmctl" ] || tvmctl=$(command -v tvmctl)
vmm=

CID=8280077
PORT=5127
BYTES=12345
VM=df-verify-$$

# SIGTERM: vsockflow then kills its host child, which holds the VM and
# the device too (a SIGKILL would leave the child, the VM and its flows).
stop_vmm() {
	[ -n "$vmm" ] || return 0
	kill "$vmm" 2>/dev/null && wait "$vmm" 2>/dev/null
	vmm=
}

cleanup() {
	stop_vmm
	"$tvmctl" policy delete name=$VM > /dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 4
tvm_need_kvm
[ -d /sys/module/tvm_vsock ] || ktap_skip_all "tvm_vsock not loaded"
[ -c /dev/vhost-vsock ] || ktap_skip_all "no /dev/vhost-vsock"
[ -x "$vsockflow" ] || ktap_skip_all "vsockflow not built (make selftests)"
[ -n "$tvmctl" ] || ktap_skip_all "no tvmctl (make tvmctl)"

if ! "$tvmctl" ak show --pem > "$tmp/akpub.pem" 2> /dev/null; then
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/ak.pem" 2>/dev/null
	openssl pkcs8 -topk8 -nocrypt -in "$tmp/ak.pem" -outform DER -out "$tmp/ak.pk8"
	openssl pkey -in "$tmp/ak.pem" -pubout -out "$tmp/akpub.pem"
	keyctl padd asymmetric tvm-test:dfv-ak @u < "$tmp/ak.pk8" > /dev/null
	"$tvmctl" ak set tvm-test:dfv-ak > /dev/null 2> "$tmp/err" ||
		echo "# ak set: $(cat "$tmp/err")"
fi
nonce=0123456789abcdef0123456789abcdef

# The policy `tvmctl launch` loads for the VM (its selector given by
# --name), and the same with its selector, for verify.
section() { # HOST_PORT
	printf '"dataflow": {"checkpoint_bytes": 4096, "rules": [{"from": "host", "ports": [%s]}]}' "$1"
}
printf '{"version": 1, %s}\n' "$(section $PORT)" > "$tmp/launch.json"
printf '{"version": 1, "selector": {"name": "%s"}, %s}\n' $VM "$(section $PORT)" > "$tmp/allow.json"
printf '{"version": 1, "selector": {"name": "%s"}, %s}\n' $VM "$(section $((PORT + 1)))" > "$tmp/block.json"

"$tvmctl" launch --name $VM --policy "$tmp/launch.json" -- \
	"$vsockflow" $CID $PORT $BYTES > "$tmp/vmm.out" 2> "$tmp/vmm.err" &
vmm=$!
wait_for "$tmp/vmm.out" ready ||
	ktap_fail_all "launch vsockflow: $(cat "$tmp/vmm.err")"

# 12345 bytes, a checkpoint every 4096: three flow events in PCR 14.
if expect_status 0 "$tvmctl" log $VM && [ "$(grep -c 'FLOW' "$tmp/out")" -ge 3 ] &&
   expect_status 0 "$tvmctl" quote $VM --nonce $nonce --pcrs all --out "$tmp/q"; then
	ktap_pass dataflow_verify_flows_logged_and_quoted
else
	ktap_fail dataflow_verify_flows_logged_and_quoted "$(cat "$tmp/out" "$tmp/err")"
fi

"$tvmctl" verify "$tmp/q" --ak "$tmp/akpub.pem" --nonce $nonce --vm $VM \
	--policy "$tmp/allow.json" > "$tmp/out" 2>&1
if grep -Eq '^flow events checked: ([3-9]|[1-9][0-9]+)$' "$tmp/out" &&
   ! grep -q "dataflow mismatch" "$tmp/out"; then
	ktap_pass dataflow_verify_allowed_flows_pass
else
	ktap_fail dataflow_verify_allowed_flows_pass "$(cat "$tmp/out")"
fi

"$tvmctl" verify "$tmp/q" --ak "$tmp/akpub.pem" --nonce $nonce --vm $VM \
	--policy "$tmp/block.json" > "$tmp/out" 2>&1
rc=$?
if [ $rc = 1 ] &&
   grep -Eq "dataflow mismatch: event [0-9]+: flow from the host to port $PORT was measured; the policy's dataflow section would block it" "$tmp/out"; then
	ktap_pass dataflow_verify_blocked_sender_reported
else
	ktap_fail dataflow_verify_blocked_sender_reported "exit $rc: $(cat "$tmp/out")"
fi

# Nothing left behind: no flow of this VMM once it is gone (the tests
# after this one unload tvm_vsock).
stop_vmm
if expect_status 0 "$tvmctl" flows && ! grep -q ":$PORT " "$tmp/out"; then
	ktap_pass dataflow_verify_leaves_no_flow
else
	ktap_fail dataflow_verify_leaves_no_flow "$(cat "$tmp/out")"
fi

ktap_finish
