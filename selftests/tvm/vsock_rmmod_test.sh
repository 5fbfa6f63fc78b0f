#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Loading and unloading tvm_vsock with VMs and vhost-vsock devices live
# (Documentation/vsock.rst): rmmod is refused while a guest CID is bound,
# and works while devices without a binding are open; `tvmctl vm show`
# lists the bound CID, and the VM's log has the binding in PCR 14; load
# and unload cycles leave no binding, no reference and no VM behind; a
# CID set while tvm_vsock was out is not bound when it comes back until
# its guest sends, and then it is adopted for its owner's VM, logged as
# such in PCR 14, and what follows is measured; without vhost_vsock,
# tvm_vsock refuses to load and names the function it lacks; vhost_vsock
# unloaded under it takes the hooks out, and nothing breaks.  Leaves
# tvm_vsock loaded as it found it.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
. "$dir/tvm_modules.sh"
pids=
was_loaded=
[ -d /sys/module/tvm_vsock ] && was_loaded=1
vsockvmm=$dir/vsockvmm
vsockflow=$dir/vsockflow
vstats=/sys/module/tvm_vsock/stats

tvmctl=$dir/../tvmctl
[ -x "$tvmctl" ] || tvmctl=$(command -v tvmctl)

CID=8279970
CID2=8279971
PORT=5124

cleanup() {
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	[ -d /sys/module/vhost_vsock ] || modprobe vhost_vsock
	[ -n "$was_loaded" ] && [ ! -d /sys/module/tvm_vsock ] &&
		tvm_load tvm_vsock
	rm -rf "$tmp"
}
trap cleanup EXIT

names="rmmod_refused_while_a_cid_is_bound
vm_show_lists_the_cid
vm_show_json_lists_the_cid
the_binding_is_logged_in_pcr_14
rmmod_works_once_the_device_is_closed
rmmod_works_with_an_unbound_device_open
load_unload_cycles_leave_nothing
a_cid_set_while_unloaded_is_not_bound
load_refused_without_vhost_vsock
vhost_vsock_unloaded_under_it_is_safe
a_cid_set_while_unloaded_is_adopted_at_its_first_packet"

ktap_plan 11
tvm_need_kvm
[ -d /sys/module/tvm_vsock ] || ktap_skip_all "tvm_vsock not loaded"
[ -c /dev/vhost-vsock ] || ktap_skip_all "no /dev/vhost-vsock"
[ -x "$vsockvmm" ] || ktap_skip_all "vsockvmm not built (make selftests)"
[ -x "$vsockflow" ] || ktap_skip_all "vsockflow not built (make selftests)"
[ -n "$tvmctl" ] || ktap_skip_all "no tvmctl (make tvmctl)"

# start NAME ARG...: vsockvmm ARG... in the background, its pid in $vmm;
# false (and why on stdout) unless it says "ready".
start() {
	_n=$1
	shift
	rm -f "$tmp/$_n.out"	# not the "ready" of the last one
	"$vsockvmm" "$@" > "$tmp/$_n.out" 2> "$tmp/$_n.err" &
	vmm=$!
	pids="$pids $vmm"
	wait_for "$tmp/$_n.out" ready && return 0
	echo "# vsockvmm $*: $(cat "$tmp/$_n.err")"
	return 1
}

# stop PID: end it and reap it (its device is released by then).
stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# unload: rmmod tvm_vsock, giving a just-closed device a moment.
unload() {
	tvm_unload tvm_vsock
}

# vm_of PID: the name of PID's KVM VM, from `tvmctl vm list`.
vm_of() {
	"$tvmctl" vm list | awk -v p="$1" '$9 == p && $10 == "yes" { n = $2 } END { print n }'
}

vms=$(stat_of vms)
tvm_refs=$(cat /sys/module/tvm/refcnt)

# 1-4: one VMM, its VM and a bound CID.
if start a "$CID"; then
	a=$vmm
	if rmmod tvm_vsock > "$tmp/rmmod" 2>&1; then
		ktap_fail rmmod_refused_while_a_cid_is_bound "rmmod succeeded"
		tvm_load tvm_vsock
	elif [ -d /sys/module/tvm_vsock ] && [ "$(cat $vstats/bound)" -ge 1 ]; then
		echo "# rmmod said: $(cat "$tmp/rmmod")"
		ktap_pass rmmod_refused_while_a_cid_is_bound
	else
		ktap_fail rmmod_refused_while_a_cid_is_bound "bound: $(cat $vstats/bound)"
	fi
	name=$(vm_of "$a")
	"$tvmctl" vm show "$name" > "$tmp/show" 2>&1
	if grep -qx "cids:" "$tmp/show" && grep -qx "  $CID" "$tmp/show"; then
		ktap_pass vm_show_lists_the_cid
	else
		ktap_fail vm_show_lists_the_cid "VM '$name': $(cat "$tmp/show")"
	fi
	"$tvmctl" -j vm show "$name" > "$tmp/json" 2>&1
	if tr -d ' \n' < "$tmp/json" | grep -q "\"cids\":\[$CID\]"; then
		ktap_pass vm_show_json_lists_the_cid
	else
		ktap_fail vm_show_json_lists_the_cid "$(cat "$tmp/json")"
	fi
	"$tvmctl" log "$name" > "$tmp/log" 2>&1
	if [ "$(grep -c "^[0-9]* 14 VSOCK_CID .*flags 0 cid $CID\$" "$tmp/log")" = 1 ]; then
		ktap_pass the_binding_is_logged_in_pcr_14
	else
		ktap_fail the_binding_is_logged_in_pcr_14 "$(cat "$tmp/log")"
	fi
	stop "$a"
	if unload; then
		ktap_pass rmmod_works_once_the_device_is_closed
	else
		ktap_fail rmmod_works_once_the_device_is_closed "$(cat "$tmp/rmmod")"
	fi
else
	ktap_fail rmmod_refused_while_a_cid_is_bound "no VMM"
	ktap_fail vm_show_lists_the_cid "no VMM"
	ktap_fail vm_show_json_lists_the_cid "no VMM"
	ktap_fail the_binding_is_logged_in_pcr_14 "no VMM"
	ktap_fail rmmod_works_once_the_device_is_closed "no VMM"
fi
[ -d /sys/module/tvm_vsock ] || tvm_load tvm_vsock

# 5. A device of a process without a VM: unbound, so nothing to refuse.
if start b -n 0 "$CID"; then
	b=$vmm
	if [ "$(cat $vstats/bound)" = 0 ] && unload; then
		ktap_pass rmmod_works_with_an_unbound_device_open
	else
		ktap_fail rmmod_works_with_an_unbound_device_open \
			"bound $(cat $vstats/bound 2>/dev/null): $(cat "$tmp/rmmod")"
	fi
	tvm_load tvm_vsock || cat "$tmp/load"
	stop "$b"
else
	ktap_fail rmmod_works_with_an_unbound_device_open "no VMM"
fi

# 6. Five cycles of load, bind, close, unload: tvm holds no reference
# of tvm_vsock's and no VM is left.
ok=1
for i in 1 2 3 4 5; do
	[ -d /sys/module/tvm_vsock ] || tvm_load tvm_vsock || { ok=; echo "# load: $(cat "$tmp/load")"; break; }
	start c "$CID" || { ok=; break; }
	[ "$(cat $vstats/bound)" = 1 ] || {
		ok=
		echo "# cycle $i: bound $(cat $vstats/bound), others $(cat $vstats/*)"
		dmesg | grep tvm_vsock | tail -3
	}
	stop "$vmm"
	[ "$(cat $vstats/bound)" = 0 ] || { ok=; echo "# cycle $i: bound $(cat $vstats/bound) after close"; }
	unload || { ok=; echo "# cycle $i: $(cat "$tmp/rmmod")"; break; }
done
tvm_load tvm_vsock
i=0
while [ "$(stat_of vms)" != "$vms" ] && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done
if [ -n "$ok" ] && [ "$(stat_of vms)" = "$vms" ] &&
   [ "$(cat /sys/module/tvm/refcnt)" = "$tvm_refs" ] &&
   [ "$(cat $vstats/bound)" = 0 ]; then
	ktap_pass load_unload_cycles_leave_nothing
else
	ktap_fail load_unload_cycles_leave_nothing \
		"vms $(stat_of vms) (before $vms), tvm refcnt $(cat /sys/module/tvm/refcnt) (before $tvm_refs)"
fi

# 7. Unloaded while a VMM sets its CID; loaded again: not bound (it was
# not seen, and its guest sends nothing), and closing it later is
# harmless.
unload
if start d "$CID"; then
	tvm_load tvm_vsock
	name=$(vm_of "$vmm")
	"$tvmctl" -j vm show "$name" > "$tmp/json" 2>&1
	if tr -d ' \n' < "$tmp/json" | grep -q '"cids":\[\]' &&
	   [ "$(cat $vstats/bound)" = 0 ]; then
		ktap_pass a_cid_set_while_unloaded_is_not_bound
	else
		ktap_fail a_cid_set_while_unloaded_is_not_bound "$(cat "$tmp/json")"
	fi
	stop "$vmm"
else
	ktap_fail a_cid_set_while_unloaded_is_not_bound "no VMM"
fi
[ -d /sys/module/tvm_vsock ] || tvm_load tvm_vsock

# 8. Without vhost_vsock there is nothing to hook: insmod fails, and the
# kernel log names the function and the module.
ko=$(modinfo -n tvm_vsock 2>/dev/null)
[ -r "$ko" ] || ko=$dir/../../kernel/vsock/tvm_vsock.ko
if ! unload; then
	ktap_fail load_refused_without_vhost_vsock "rmmod: $(cat "$tmp/rmmod")"
elif ! rmmod vhost_vsock 2> "$tmp/rmmod"; then
	ktap_skip load_refused_without_vhost_vsock "vhost_vsock cannot be unloaded here: $(cat "$tmp/rmmod")"
else
	dmesg -c > /dev/null
	if insmod "$ko" 2> "$tmp/insmod"; then
		ktap_fail load_refused_without_vhost_vsock "insmod succeeded"
		rmmod tvm_vsock
	else
		dmesg > "$tmp/dmesg"
		if grep -q "vhost_vsock:vhost_vsock_.*no such function" "$tmp/dmesg" &&
		   grep -q "refusing to load: vhost_vsock is not loaded" "$tmp/dmesg" &&
		   [ ! -d /sys/module/tvm_vsock ]; then
			echo "# insmod said: $(cat "$tmp/insmod")"
			ktap_pass load_refused_without_vhost_vsock
		else
			ktap_fail load_refused_without_vhost_vsock "$(cat "$tmp/insmod") / $(grep tvm_vsock "$tmp/dmesg")"
		fi
	fi
	modprobe vhost_vsock
fi
[ -d /sys/module/tvm_vsock ] || tvm_load tvm_vsock

# 9. vhost_vsock unloaded while tvm_vsock is loaded (no device open):
# the hooks come out; vhost_vsock loaded again works unhooked, and
# tvm_vsock unloads, loads again and binds once more.
ok=
dmesg -c > /dev/null
if rmmod vhost_vsock 2> "$tmp/rmmod"; then
	dmesg | grep -q "vhost_vsock unloaded: no longer binding" || echo "# no message"
	modprobe vhost_vsock
	if start e "$CID" && [ "$(cat $vstats/bound)" = 0 ]; then
		stop "$vmm"
		if unload && tvm_load tvm_vsock && start f "$CID" &&
		   [ "$(cat $vstats/bound)" = 1 ]; then
			ok=1
		fi
		stop "$vmm"
	fi
	if [ -n "$ok" ]; then
		ktap_pass vhost_vsock_unloaded_under_it_is_safe
	else
		ktap_fail vhost_vsock_unloaded_under_it_is_safe "bound $(cat $vstats/bound 2>/dev/null): $(cat "$tmp/rmmod" "$tmp/load" 2>/dev/null)"
	fi
else
	ktap_skip vhost_vsock_unloaded_under_it_is_safe "vhost_vsock cannot be unloaded here: $(cat "$tmp/rmmod")"
fi
[ -d /sys/module/tvm_vsock ] || tvm_load tvm_vsock

# 10. A guest that set its CID and received data while tvm_vsock was out:
# loaded again, the CID is unbound until the guest sends; its first
# packet adopts it for the VM of the device's owner, PCR 14 says so
# (VSOCK_CID, flags 1 = adopted), and data sent to it from then on is
# measured.  vsockflow: SIGUSR2 makes the guest send, SIGUSR1 the host.
why=
if ! unload; then
	why="rmmod: $(cat "$tmp/rmmod" 2>/dev/null)"
else
	"$vsockflow" $CID2 $PORT 1000 > "$tmp/flow.out" 2> "$tmp/flow.err" &
	flow=$!
	pids="$pids $flow"
	wait_for "$tmp/flow.out" ready || why="vsockflow: $(cat "$tmp/flow.err")"
	tvm_load tvm_vsock
	name=$(vm_of "$flow")
	[ -z "$why" ] && [ -z "$name" ] && why="no VM of pid $flow"
	if [ -z "$why" ]; then
		adopted=$(cat $vstats/adopted)
		"$tvmctl" -j vm show "$name" > "$tmp/json" 2>&1
		tr -d ' \n' < "$tmp/json" | grep -q '"cids":\[\]' ||
			why="bound before any packet: $(cat "$tmp/json")"
	fi
	if [ -z "$why" ]; then
		kill -USR2 "$flow"
		_i=0
		while [ "$(cat $vstats/adopted)" = "$adopted" ] && [ $_i -lt 100 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		"$tvmctl" -j vm show "$name" > "$tmp/json" 2>&1
		"$tvmctl" log "$name" > "$tmp/log" 2>&1
		if [ "$(cat $vstats/adopted)" != $((adopted + 1)) ]; then
			why="adopted $(cat $vstats/adopted), was $adopted"
		elif ! tr -d ' \n' < "$tmp/json" | grep -q "\"cids\":\[$CID2\]"; then
			why="not listed: $(cat "$tmp/json")"
		elif ! grep -q "^[0-9]* 14 VSOCK_CID .*flags 1 cid $CID2" "$tmp/log"; then
			why="no adoption event: $(grep ' 14 ' "$tmp/log")"
		fi
	fi
	if [ -z "$why" ]; then
		kill -USR1 "$flow"
		_i=0
		while ! "$tvmctl" flows "$name" 2>&1 | grep -q " 5 " &&
		      [ $_i -lt 100 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		"$tvmctl" -j flows "$name" > "$tmp/flows" 2>&1
		tr -d ' \n' < "$tmp/flows" |
			grep -q "\"dst_cid\":$CID2,\"dst_port\":$PORT,[^}]*\"tx_host\":true,\"bytes\":5,[^}]*\"measured\":true" ||
			why="the host's 5 bytes not measured: $(cat "$tmp/flows")"
	fi
	stop "$flow"
fi
if [ -z "$why" ]; then
	ktap_pass a_cid_set_while_unloaded_is_adopted_at_its_first_packet
else
	ktap_fail a_cid_set_while_unloaded_is_adopted_at_its_first_packet "$why"
fi
[ -d /sys/module/tvm_vsock ] || tvm_load tvm_vsock

ktap_finish
