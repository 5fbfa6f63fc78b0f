#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# packaging/libvirt-hook (ABI 11), run exactly as libvirt runs it:
# "DOMAIN started begin -" as arguments, the domain XML on stdin, QEMU's
# pid in <run dir>/DOMAIN.pid.  QEMU is minivmm, started as libvirt starts
# QEMU: its vCPUs are let run before the hook runs, and tvm_kvm's
# hold_unbound_ms holds their first KVM_RUN until the hook bound the VM.
#
#  - a direct-boot domain under an enforcing policy (from its metadata):
#    bound to its name and UUID, kernel, initrd and command line measured
#    into PCR 9 with their own digests, and it runs, trusted;
#  - its kernel file changed, under a policy whose os level lists the
#    kernel's digest: the hook fails with the reason, and the guest never
#    runs an instruction;
#  - a domain with no policy: bound, under no policy (or the default
#    one), and it runs;
#  - /etc/tvm/policies/<uuid>.json that the kernel holds already is not
#    loaded again;
#  - failures (no pid file, XML that does not parse, metadata naming a
#    policy by a path) fail the start;
#    other operations do nothing;
#  - the instance goes with QEMU (virsh destroy).
#
# The real thing, under libvirt in the real host image, is left to
# tests/host/ (Documentation/install.rst, "libvirt").

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/../.." && pwd)
tvmctl=${TVMCTL:-$dir/../tvmctl}
[ -x "$tvmctl" ] || tvmctl=tvmctl
hook=${TVM_LIBVIRT_HOOK:-$top/packaging/libvirt-hook}
minivmm=$dir/minivmm
hold=/sys/module/tvm_kvm/parameters/hold_unbound_ms
tmp=$(mktemp -d)
bg=
old_hold=

cleanup() {
	[ -n "$bg" ] && kill -KILL $bg 2>/dev/null && wait $bg 2>/dev/null
	for p in name=lh-good name=lh-bad uuid=$uuid_pre; do
		"$tvmctl" policy delete $p > /dev/null 2>&1
	done
	[ -n "$old_hold" ] && echo "$old_hold" > $hold
	rm -rf "$tmp"
}
trap cleanup EXIT

names="hook_binds_and_measures_a_direct_boot_domain
hook_refuses_a_changed_kernel_under_enforce
hook_binds_a_domain_without_a_policy
hook_keeps_a_policy_the_kernel_holds
hook_fails_without_a_pid_file
hook_fails_on_xml_that_does_not_parse
hook_does_nothing_for_other_operations
instance_goes_with_qemu
hook_refuses_a_policy_path_in_metadata"

uuid_good=3f6c1e2a-8b4d-4c5e-9f10-2a3b4c5d6e7f
uuid_bad=4a7d2f3b-9c5e-4d6f-a021-3b4c5d6e7f80
uuid_none=5b8e3a4c-ad6f-4e70-b132-4c5d6e7f8091
uuid_pre=6c9f4b5d-be70-4f81-8243-5d6e7f8091a2

ktap_plan 9
[ -d /sys/kernel/security/tvm ] || ktap_skip_all "tvm.ko is not loaded"
[ "$(cat /sys/kernel/security/tvm/version)" -ge 11 ] ||
	ktap_skip_all "tvm.ko is older than ABI 11"
[ -w "$hold" ] || ktap_skip_all "tvm_kvm is not loaded"
[ -r /dev/kvm ] || ktap_skip_all "no /dev/kvm"
[ -x "$minivmm" ] && [ -r "$dir/guest/hello.bin" ] ||
	ktap_skip_all "minivmm or its guests not built (make selftests)"
command -v xmllint > /dev/null || ktap_skip_all "no xmllint (libxml2-utils)"
old_hold=$(cat $hold)
echo 20000 > $hold

mkdir -p "$tmp/etc/policies" "$tmp/run"
export TVM_ETC=$tmp/etc TVM_LIBVIRT_RUN=$tmp/run TVMCTL=$tvmctl
head -c 70000 /dev/urandom > "$tmp/vmlinuz"
head -c 30000 /dev/urandom > "$tmp/initrd.img"
cmdline='console=ttyS0 root=/dev/vda quiet'
exe_sha=$(sha256sum "$minivmm" | cut -c1-64)
kernel_sha=$(sha256sum "$tmp/vmlinuz" | cut -c1-64)
initrd_sha=$(sha256sum "$tmp/initrd.img" | cut -c1-64)
cmdline_sha=$(printf '%s' "$cmdline" | sha256sum | cut -c1-64)

# domain_xml NAME UUID [METADATA]: a direct-boot domain, as libvirt
# formats it (metadata as given; &amp; stands for one '&').
domain_xml() {
	cat <<EOF
<domain type='kvm' id='7'>
  <name>$1</name>
  <uuid>$2</uuid>
  <metadata>
    <other:note xmlns:other="urn:example:other">
      <kernel>/boot/not-this-one</kernel>
    </other:note>
    ${3:-}
  </metadata>
  <memory unit='KiB'>65536</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>
    <kernel>$tmp/vmlinuz</kernel>
    <initrd>$tmp/initrd.img</initrd>
    <cmdline>$cmdline</cmdline>
  </os>
  <devices>
    <emulator>$minivmm</emulator>
  </devices>
</domain>
EOF
}

# until CMD...: up to 10 s for CMD to succeed.
until_ok() {
	_i=0
	while ! "$@" > /dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -gt 100 ] && return 1
		sleep 0.1
	done
}

vm_trust() {
	"$tvmctl" vm show "$1" | grep -qx "trust: $2"
}

meta() {
	echo "<tvm:policy xmlns:tvm=\"urn:tvm:libvirt:1\">$1</tvm:policy>"
}

# qemu NAME: "QEMU" (minivmm) for domain NAME, its vCPU let run at once
# (held by hold_unbound_ms until the bind), its pid in the pid file.
qemu() {
	"$minivmm" --hold 30 "$dir/guest/hello.bin" > "$tmp/$1.out" 2>&1 &
	bg=$!
	echo $bg > "$tmp/run/$1.pid"
	# Until its VM exists (tvm lists it by the VMM's pid).
	until_ok sh -c "'$tvmctl' vm list | awk '\$9 == $bg' | grep -q ."
}

# hook NAME [OP]: the hook as libvirt runs it, the XML in $tmp/NAME.xml.
hook() {
	"$hook" "$1" "${2:-started}" begin - < "$tmp/$1.xml" > "$tmp/hook.out" 2> "$tmp/hook.err"
}

stop_qemu() {
	[ -n "$bg" ] || return 0
	kill -TERM $bg 2>/dev/null
	wait $bg 2>/dev/null
	bg=
}

# 1. A good domain, under an enforcing policy for its VMM (the metadata
# names the file).
cat > "$tmp/etc/policies/lh-good.json" <<EOF
{"version": 1, "selector": {"name": "lh-good"}, "mode": "enforce",
 "levels": {"vmm": {"events": {"$minivmm": ["sha256:$exe_sha"]}},
            "os": {"events": {"kernel": ["sha256:$kernel_sha"],
                              "initrd": ["sha256:$initrd_sha"],
                              "cmdline": ["sha256:$cmdline_sha"]}}}}
EOF
domain_xml lh-good $uuid_good "$(meta lh-good.json)" > "$tmp/lh-good.xml"
qemu lh-good
if hook lh-good && until_ok vm_trust lh-good trusted &&
   "$tvmctl" vm show lh-good > "$tmp/show" &&
   grep -qx "uuid: $uuid_good" "$tmp/show" &&
   grep -qx "pid: $bg" "$tmp/show" &&
   "$tvmctl" log lh-good > "$tmp/log.txt" &&
   grep -q " 9 FILE sha256:$kernel_sha .* kernel\$" "$tmp/log.txt" &&
   grep -q " 9 FILE sha256:$initrd_sha .* initrd\$" "$tmp/log.txt" &&
   grep -q " 9 FILE sha256:$cmdline_sha .* cmdline\$" "$tmp/log.txt" &&
   until_ok grep -q . "$tmp/lh-good.out"; then
	ktap_pass hook_binds_and_measures_a_direct_boot_domain
else
	ktap_fail hook_binds_and_measures_a_direct_boot_domain \
		"$(cat "$tmp/hook.err" "$tmp/show" "$tmp/log.txt" "$tmp/lh-good.out" 2>/dev/null)"
fi

# 8. virsh destroy: QEMU killed, the instance goes with its KVM VM.
kill -KILL $bg; wait $bg 2>/dev/null; bg=
if until_ok sh -c "! '$tvmctl' vm show lh-good"; then
	ktap_pass instance_goes_with_qemu
else
	ktap_fail instance_goes_with_qemu "$("$tvmctl" vm show lh-good 2>&1)"
fi

# 2. The kernel file changed since its digest went into the policy.
cat > "$tmp/etc/policies/lh-bad.json" <<EOF
{"version": 1, "selector": {"name": "lh-bad"}, "mode": "enforce",
 "levels": {"os": {"events": {"kernel": ["sha256:$kernel_sha"]}}}}
EOF
domain_xml lh-bad $uuid_bad "$(meta lh-bad.json)" > "$tmp/lh-bad.xml"
printf 'x' | dd of="$tmp/vmlinuz" bs=1 seek=4096 conv=notrunc 2>/dev/null
qemu lh-bad
hook lh-bad
hook_rc=$?
if [ $hook_rc != 0 ] &&
   grep -q "domain 'lh-bad' not started" "$tmp/hook.err" &&
   grep -q 'pcr 9 event "kernel" digest sha256' "$tmp/hook.err" &&
   until_ok grep -q 'KVM_RUN: Permission denied' "$tmp/lh-bad.out" &&
   ! grep -qv 'KVM_RUN' "$tmp/lh-bad.out"; then
	ktap_pass hook_refuses_a_changed_kernel_under_enforce
else
	# What decides it last, nearest the verdict: a harness that shows
	# only the lines before "not ok" shows these.
	"$tvmctl" vm show lh-bad > "$tmp/show" 2>&1
	ktap_fail hook_refuses_a_changed_kernel_under_enforce \
		"$(echo "kernel log:"; dmesg | grep -E 'tvm|minivmm' | tail -n 8
		   echo "the VM now:"; cat "$tmp/show"
		   echo "minivmm:"; cat "$tmp/lh-bad.out"
		   echo "the hook (exit $hook_rc):"; cat "$tmp/hook.err")"
fi
stop_qemu	# libvirt kills QEMU when the hook fails

# 3. No metadata and no <uuid>.json: bound all the same.
domain_xml lh-none $uuid_none > "$tmp/lh-none.xml"
qemu lh-none
if hook lh-none &&
   "$tvmctl" vm show lh-none > "$tmp/show" &&
   grep -qx "uuid: $uuid_none" "$tmp/show" &&
   until_ok grep -q . "$tmp/lh-none.out" &&
   until_ok vm_trust lh-none unknown; then
	ktap_pass hook_binds_a_domain_without_a_policy
else
	ktap_fail hook_binds_a_domain_without_a_policy \
		"$(cat "$tmp/hook.err" "$tmp/show" "$tmp/lh-none.out" 2>/dev/null)"
fi
stop_qemu

# 4. /etc/tvm/policies/<uuid>.json, loaded already (at boot, by
# tvm-start): the hook leaves it as it is (same generation).
cat > "$tmp/etc/policies/$uuid_pre.json" <<EOF
{"version": 1, "selector": {"uuid": "$uuid_pre"}, "mode": "audit"}
EOF
"$tvmctl" policy load "$tmp/etc/policies/$uuid_pre.json" > "$tmp/pre" 2>&1
gen=$(sed -n 's/^generation: //p' "$tmp/pre")
domain_xml lh-pre $uuid_pre > "$tmp/lh-pre.xml"
qemu lh-pre
if [ -n "$gen" ] && hook lh-pre &&
   "$tvmctl" policy show uuid=$uuid_pre > "$tmp/pol" &&
   grep -qx "generation: $gen" "$tmp/pol" &&
   "$tvmctl" vm show lh-pre > "$tmp/show" &&
   grep -qx "uuid: $uuid_pre" "$tmp/show"; then
	ktap_pass hook_keeps_a_policy_the_kernel_holds
else
	ktap_fail hook_keeps_a_policy_the_kernel_holds \
		"$(cat "$tmp/pre" "$tmp/hook.err" "$tmp/pol" "$tmp/show" 2>/dev/null)"
fi
stop_qemu

# 5-6. What the hook cannot do fails the start, with a message.
domain_xml lh-nopid $uuid_none > "$tmp/lh-nopid.xml"
if ! hook lh-nopid && grep -q "no pid file" "$tmp/hook.err"; then
	ktap_pass hook_fails_without_a_pid_file
else
	ktap_fail hook_fails_without_a_pid_file "$(cat "$tmp/hook.err")"
fi
printf '<domain><name>lh-broken</name><uuid>x</uuid>' > "$tmp/lh-broken.xml"
echo 1 > "$tmp/run/lh-broken.pid"
if ! hook lh-broken && grep -q "does not parse" "$tmp/hook.err"; then
	ktap_pass hook_fails_on_xml_that_does_not_parse
else
	ktap_fail hook_fails_on_xml_that_does_not_parse "$(cat "$tmp/hook.err")"
fi

# 7. stopped, release, prepare...: nothing to do, not even tvmctl.
ok=yes
for op in prepare start stopped release migrate restore reconnect attach; do
	TVMCTL=/nonexistent/tvmctl "$hook" lh-none $op begin - \
		< "$tmp/lh-none.xml" > /dev/null 2>&1 || ok=
done
if [ -n "$ok" ]; then
	ktap_pass hook_does_nothing_for_other_operations
else
	ktap_fail hook_does_nothing_for_other_operations
fi

# 9. The metadata names a file under policies/, not a path to any file.
domain_xml lh-path $uuid_none "$(meta ../../../etc/passwd)" > "$tmp/lh-path.xml"
echo 1 > "$tmp/run/lh-path.pid"
if ! hook lh-path && grep -q "is not a file name under" "$tmp/hook.err"; then
	ktap_pass hook_refuses_a_policy_path_in_metadata
else
	ktap_fail hook_refuses_a_policy_path_in_metadata "$(cat "$tmp/hook.err")"
fi

ktap_finish
