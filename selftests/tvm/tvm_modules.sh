# SPDX-License-Identifier: GPL-2.0
#
# Loading tvm's modules in the shell selftests; source it after ktap.sh,
# with $dir (the tests' directory) and $tmp (the test's own directory):
#   tvm_load MODULE [PARAM...]  modprobe, else the .ko built in the tree
#                               the tests come from (mounted at the same
#                               path in the emulated host); errors in
#                               $tmp/load
#   tvm_unload MODULE           rmmod MODULE if loaded, waiting up to 5 s
#                               for VMs or devices just closed to go;
#                               errors in $tmp/rmmod
#   tvm_unload_kvm              tvm_unload tvm_kvm
#   tvm_reload [PARAM...]       tvm_vsock and tvm_kvm out, tvm loaded
#                               again with PARAMs, then tvm_kvm and
#                               tvm_vsock if they were loaded when this
#                               file was sourced; what failed on stdout
#   stat_of NAME                the counter NAME of tvm's stats file
#   tvm_need_kvm                ktap_skip_all unless tvm, tvm_kvm and
#                               /dev/kvm are there
#   hello_vm_creates N          run minivmm's hello guest: true if it ran
#                               and tvm's vms_created went up by N; the
#                               count before in $created, else why in $why
# Sets $minivmm (the test VMM) and $stats.  POSIX sh, like ktap.sh.

minivmm=$dir/minivmm
stats=/sys/kernel/security/tvm/stats

tvm_had_kvm=
[ -d /sys/module/tvm_kvm ] && tvm_had_kvm=1
tvm_had_vsock=
[ -d /sys/module/tvm_vsock ] && tvm_had_vsock=1

tvm_load() {
	_m=$1
	shift
	modprobe "$_m" "$@" 2>"$tmp/load" && return 0
	for _ko in "$dir/../../kernel/core/$_m.ko" "$dir/../../kernel/kvm/$_m.ko" \
		   "$dir/../../kernel/vsock/$_m.ko" \
		   "$dir/../../../kernel/core/$_m.ko" "$dir/../../../kernel/kvm/$_m.ko" \
		   "$dir/../../../kernel/vsock/$_m.ko"; do
		[ -r "$_ko" ] && insmod "$_ko" "$@" 2>>"$tmp/load" && return 0
	done
	return 1
}

tvm_unload() {
	[ -d "/sys/module/$1" ] || return 0
	_i=0
	while ! rmmod "$1" 2>"$tmp/rmmod"; do
		_i=$((_i + 1))
		[ $_i -gt 50 ] && return 1
		sleep 0.1
	done
}

tvm_unload_kvm() {
	tvm_unload tvm_kvm
}

tvm_reload() {
	if [ -d /sys/module/tvm_vsock ]; then
		rmmod tvm_vsock 2>"$tmp/rmmod" || { cat "$tmp/rmmod"; return 1; }
	fi
	tvm_unload_kvm || { cat "$tmp/rmmod"; return 1; }
	rmmod tvm 2>"$tmp/rmmod" || { cat "$tmp/rmmod"; return 1; }
	tvm_load tvm "$@" || { cat "$tmp/load"; return 1; }
	[ -z "$tvm_had_kvm" ] || tvm_load tvm_kvm || { cat "$tmp/load"; return 1; }
	[ -z "$tvm_had_vsock" ] || tvm_load tvm_vsock || { cat "$tmp/load"; return 1; }
}

stat_of() {
	sed -n "s/^$1: *//p" "$stats"
}

tvm_need_kvm() {
	[ -d /sys/kernel/security/tvm ] || ktap_skip_all "tvm.ko is not loaded"
	[ -d /sys/module/tvm_kvm ] || ktap_skip_all "tvm_kvm not loaded"
	[ -c /dev/kvm ] || ktap_skip_all "no /dev/kvm"
}

hello_vm_creates() {
	created=$(stat_of vms_created)
	"$minivmm" "$dir/guest/hello.bin" > "$tmp/out" 2> "$tmp/err" &&
		grep -q "hello from a measured guest" "$tmp/out" &&
		[ "$(stat_of vms_created)" = $((created + $1)) ] && return 0
	why="created $(stat_of vms_created) (before $created): $(cat "$tmp/err")"
	return 1
}
