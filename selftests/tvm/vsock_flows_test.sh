#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `tvmctl flows` (Documentation/vsock.rst, "Flows"): with a VMM whose
# fake guest holds a host-to-guest flow open (vsockflow), the text table
# and the JSON array list both directions of the connection with their
# bytes, receivers and verdicts, and of one VM only when it is named;
# rmmod tvm_vsock is refused while the flow is open; a dataflow policy
# that blocks the host, loaded mid-flow, blocks the next packet and
# `tvmctl monitor` prints it (text and -j); once the VMM is gone no flow
# is listed; without tvm_vsock, `tvmctl flows` fails and says why.
# Leaves tvm_vsock loaded as it found it.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
. "$dir/tvm_modules.sh"
pids=
vsockflow=$dir/vsockflow

tvmctl=$dir/../tvmctl
[ -x "$tvmctl" ] || tvmctl=$(command -v tvmctl)

CID=8280071
PORT=5123
BYTES=12345

cleanup() {
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	[ -d /sys/module/tvm_vsock ] || tvm_load tvm_vsock
	[ -n "$vmname" ] && "$tvmctl" policy delete "$vmname" > /dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

names="flows_text_lists_both_directions
flows_json_lists_both_directions
flows_of_a_vm
flows_of_another_vm_is_empty
rmmod_refused_with_a_flow_open
monitor_prints_a_block
monitor_json_prints_a_block
no_flow_once_the_vmm_is_gone
flows_without_tvm_vsock_fails"

ktap_plan 9
tvm_need_kvm
[ -d /sys/module/tvm_vsock ] || ktap_skip_all "tvm_vsock not loaded"
[ -c /dev/vhost-vsock ] || ktap_skip_all "no /dev/vhost-vsock"
[ -x "$vsockflow" ] || ktap_skip_all "vsockflow not built (make selftests)"
[ -n "$tvmctl" ] || ktap_skip_all "no tvmctl (make tvmctl)"

"$vsockflow" $CID $PORT $BYTES > "$tmp/vmm.out" 2> "$tmp/vmm.err" &
vmm=$!
pids="$pids $vmm"
wait_for "$tmp/vmm.out" ready ||
	ktap_fail_all "vsockflow: $(cat "$tmp/vmm.err")"
vm=$("$tvmctl" vm list | awk -v p=$vmm '$9 == p { print $1 }')
vmname=$("$tvmctl" vm list | awk -v p=$vmm '$9 == p { print $2 }')
[ -n "$vm" ] || ktap_fail_all "no VM of pid $vmm: $("$tvmctl" vm list)"

# The host-to-guest row: to CID:PORT, received by the VM, sent by the
# host, all the bytes, measured; and the guest's reply direction.
if expect_status 0 "$tvmctl" flows &&
   head -1 "$tmp/out" | grep -q "^ID  *FROM  *TO  *RX  *TX  *BYTES  *EVENTS  *ACTION  *STATE  *MEASURED$" &&
   grep -Eq "^[0-9]+ +2:[0-9]+ +$CID:$PORT +$vm +host +$BYTES +[0-9]+ +measure +open +yes$" "$tmp/out" &&
   grep -Eq "^[0-9]+ +$CID:$PORT +2:[0-9]+ +host +$vm +0 +0 +measure +open +no$" "$tmp/out"; then
	ktap_pass flows_text_lists_both_directions
else
	ktap_fail flows_text_lists_both_directions "$(cat "$tmp/out")"
fi

if expect_status 0 "$tvmctl" flows -j &&
   tr -d ' \n' < "$tmp/out" > "$tmp/json" &&
   grep -q "^\[{" "$tmp/json" &&
   grep -q "\"dst_cid\":$CID,\"dst_port\":$PORT,\"rx_vm\":$vm,\"tx_vm\":null,\"tx_host\":true,\"bytes\":$BYTES,\"events\":[0-9]*,\"action\":\"measure\",\"state\":\"open\",\"measured\":true}" "$tmp/json" &&
   grep -q "\"src_cid\":$CID,\"src_port\":$PORT,\"dst_cid\":2,\"dst_port\":[0-9]*,\"rx_vm\":null,\"tx_vm\":$vm,\"tx_host\":false,\"bytes\":0,\"events\":0,\"action\":\"measure\",\"state\":\"open\",\"measured\":false}" "$tmp/json"; then
	ktap_pass flows_json_lists_both_directions
else
	ktap_fail flows_json_lists_both_directions "$(cat "$tmp/out")"
fi

if expect_status 0 "$tvmctl" -j flows "$vm" &&
   [ "$(tr -d ' \n' < "$tmp/out" | grep -o '"id":' | wc -l)" = 2 ]; then
	ktap_pass flows_of_a_vm
else
	ktap_fail flows_of_a_vm "$(cat "$tmp/out")"
fi

# Another VM has no flow: the filter is the VM's, not everything.
other=$("$tvmctl" vm create flows-other-$$ | sed -n 's/^id: *//p')
if [ -n "$other" ] && expect_status 0 "$tvmctl" -j flows "$other" &&
   [ "$(tr -d ' \n' < "$tmp/out")" = "[]" ]; then
	ktap_pass flows_of_another_vm_is_empty
else
	ktap_fail flows_of_another_vm_is_empty "VM '$other': $(cat "$tmp/out")"
fi
[ -n "$other" ] && "$tvmctl" vm delete "$other" > /dev/null

if rmmod tvm_vsock 2> "$tmp/rmmod"; then
	ktap_fail rmmod_refused_with_a_flow_open "rmmod succeeded"
	tvm_load tvm_vsock
elif grep -qi "in use\|busy" "$tmp/rmmod" && [ -d /sys/module/tvm_vsock ]; then
	ktap_pass rmmod_refused_with_a_flow_open
else
	ktap_fail rmmod_refused_with_a_flow_open "$(cat "$tmp/rmmod")"
fi

# A policy blocking the host, then one more packet from it.
"$tvmctl" monitor > "$tmp/mon" 2>&1 &
mon=$!
"$tvmctl" monitor -j > "$tmp/monj" 2>&1 &
monj=$!
pids="$pids $mon $monj"
sleep 1
cat > "$tmp/policy.json" <<EOP
{ "version": 1, "selector": { "name": "$vmname" },
  "dataflow": { "default": "block" } }
EOP
"$tvmctl" policy load "$tmp/policy.json" > "$tmp/load.out" 2>&1 ||
	echo "# policy load: $(cat "$tmp/load.out")"
kill -USR1 "$vmm"
if wait_for "$tmp/mon" "^flow [0-9]* block 2:[0-9]* -> $CID:$PORT (host -> vm $vm) after $BYTES bytes: dataflow from the host to port $PORT: "; then
	ktap_pass monitor_prints_a_block
else
	ktap_fail monitor_prints_a_block "$(cat "$tmp/mon")"
fi
if wait_for "$tmp/monj" '"event":"flow","action":"block"' &&
   grep '"event":"flow"' "$tmp/monj" | grep -q "\"dst_cid\":$CID,\"dst_port\":$PORT,\"rx_vm\":$vm,\"tx_vm\":null,\"tx_host\":true,\"bytes\":$BYTES,\"state\":\"closed\",\"reason\":\"dataflow from the host"; then
	ktap_pass monitor_json_prints_a_block
else
	ktap_fail monitor_json_prints_a_block "$(cat "$tmp/monj")"
fi
kill "$mon" "$monj" 2>/dev/null
"$tvmctl" policy delete "$vmname" > /dev/null 2>&1

kill "$vmm"
wait "$vmm"
if expect_status 0 "$tvmctl" flows &&
   [ "$(wc -l < "$tmp/out")" = 1 ] &&
   [ "$(cat /sys/module/tvm_vsock/stats/flows)" = 0 ] &&
   expect_status 0 "$tvmctl" -j flows &&
   [ "$(tr -d ' \n' < "$tmp/out")" = "[]" ]; then
	ktap_pass no_flow_once_the_vmm_is_gone
else
	ktap_fail no_flow_once_the_vmm_is_gone "$(cat "$tmp/out")"
fi

if ! tvm_unload tvm_vsock; then
	ktap_fail flows_without_tvm_vsock_fails "rmmod: $(cat "$tmp/rmmod")"
elif expect_status 1 "$tvmctl" flows &&
     grep -q "tvm_vsock is not loaded" "$tmp/err"; then
	ktap_pass flows_without_tvm_vsock_fails
else
	ktap_fail flows_without_tvm_vsock_fails "$(cat "$tmp/err")"
fi
tvm_load tvm_vsock || echo "# reloading tvm_vsock: $(cat "$tmp/load")"

ktap_finish
