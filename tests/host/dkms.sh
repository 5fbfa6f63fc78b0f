#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DKMS on the real host (Documentation/install.rst, "DKMS"): `make dkms`
# builds tvm, tvm_kvm and tvm_vsock for the running kernel and installs
# them under /lib/modules/KVER/updates/dkms, signed with DKMS's key, with
# the running kernel's vermagic and kernel/core/version.h's version;
# modprobe loads those files and they work; a kernel update (what
# Debian's linux-image postinst runs: /etc/kernel/postinst.d/dkms KVER)
# builds and installs them again for a kernel that has none; `dkms
# remove` takes them out.  KTAP; run by tests/host/run, last: it unloads
# whatever tvm the tests before it left loaded, and replaces make
# install's modules with DKMS's.
#
# Both builds are whole DKMS builds, but the kernel update's compiles the
# same files with the same command lines as the first: tests/host/cc-cache
# hands it the first build's objects instead of running gcc again (each
# compile under TCG is what makes a DKMS build take minutes).
# TVM_DKMS_CC_CACHE=DIR keeps that cache in DIR across runs, so that the
# first build is quick too (for working on this test, not for make check).
dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/../.." && pwd)
. "$top/selftests/tvm/ktap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PATH=$PATH:/usr/sbin:/sbin

[ "${TVM_REAL_HOST:-}" = 1 ] || {
	echo "dkms.sh runs inside the real host: tests/host/run" >&2
	exit 2
}
ktap_plan 8
kver=$(uname -r)
ver=$(sed -n 's/^#define TVM_VERSION "\(.*\)"/\1/p' "$top/kernel/core/version.h")
abi=$(sed -n 's/^#define TVM_ABI_VERSION \([0-9]*\)$/\1/p' "$top/include/uapi/linux/tvm.h")
mods="tvm tvm_kvm tvm_vsock"
dest=/lib/modules/$kver/updates/dkms
dkms_tree=/var/lib/dkms/tvm/$ver
splat='BUG:|WARNING:|Oops|general protection fault|Call Trace:'
t0=$(date +%s)
echo "# uptime at start: $(cut -d ' ' -f 1 /proc/uptime) s, tvm $ver, kernel $kver"

# What the tests before left: tvm.service, the modules loaded, make
# install's copies in /lib/modules/KVER/extra/kernel.  Unloaded; the
# copies stay: make dkms must replace them (DKMS keeps a module of the
# same version it finds in the kernel's tree instead of installing its own).
systemctl stop tvm > /dev/null 2>&1
for m in tvm_vsock tvm_kvm tvm; do
	[ -d "/sys/module/$m" ] && { rmmod "$m" || echo "# cannot unload $m: $(lsmod | grep "^$m ")"; }
done
x=/lib/modules/$kver/extra/kernel
extra=$(ls "$x/core/tvm.ko" "$x/kvm/tvm_kvm.ko" "$x/vsock/tvm_vsock.ko" \
	2> /dev/null | tr '\n' ' ')
echo "# make install's modules: ${extra:-none}"

# The compiler cache (tests/host/cc-cache) as gcc-12 ahead of the real one.
real_cc=$(command -v gcc-12)
mkdir -p "$tmp/bin"
ln -s "$dir/cc-cache" "$tmp/bin/gcc-12"
CC_CACHE_DIR=${TVM_DKMS_CC_CACHE:-$tmp/cc}
mkdir -p "$CC_CACHE_DIR"
CC_CACHE_REAL=$real_cc
CC_CACHE_SCOPE=$dkms_tree/build
export CC_CACHE_DIR CC_CACHE_REAL CC_CACHE_SCOPE
PATH=$tmp/bin:$PATH
# The compiles since the last call: "HITS MISSES".
cc_count() {
	touch "$CC_CACHE_DIR/log"
	h=$(grep -c '^hit ' "$CC_CACHE_DIR/log")
	m=$(grep -c '^miss ' "$CC_CACHE_DIR/log")
	: > "$CC_CACHE_DIR/log"
	echo "$h $m"
}
cc_count > /dev/null

# The modules are DKMS's files for this kernel: there, found by modinfo
# (so depmod ran), this kernel's vermagic, tvm's version, DKMS's signer.
installed() {
	ok=0
	for m in $mods; do
		f=$dest/$m.ko
		if [ ! -f "$f" ]; then
			echo "# $f: missing ($(ls "$dest" 2>&1 | tr '\n' ' '))"
			ok=1
			continue
		fi
		n=$(modinfo -n "$m" 2>&1)
		[ "$n" = "$f" ] || { echo "# modinfo -n $m: '$n', not $f"; ok=1; }
	done
	return $ok
}
built_right() {
	ok=0
	for m in $mods; do
		f=$dest/$m.ko
		v=$(modinfo -F vermagic "$f" 2>&1 | cut -d ' ' -f 1)
		[ "$v" = "$kver" ] || { echo "# $f: vermagic '$v', not $kver"; ok=1; }
		v=$(modinfo -F version "$f" 2>&1)
		[ "$m" != tvm ] || [ "$v" = "$ver" ] || { echo "# $f: version '$v', not $ver"; ok=1; }
		s=$(modinfo -F signer "$f" 2>&1)
		[ "$s" = "DKMS module signing key" ] || { echo "# $f: signer '$s'"; ok=1; }
	done
	[ -s /var/lib/dkms/mok.pub ] || { echo "# no /var/lib/dkms/mok.pub"; ok=1; }
	return $ok
}
# dkms status for this kernel: "installed", "built", "added" or "".
# ("tvm/VER, KVER, ARCH: installed"; "tvm/VER: added" names no kernel.)
status() {
	dkms status -m tvm -v "$ver" -k "$kver" 2> /dev/null |
		sed -n 's/^tvm[^:]*: \([a-z]*\).*/\1/p' | head -n 1
}
# modprobe loads DKMS's files (the same build ID as the file in $dest,
# the only tvm on the system besides), tvm answers, they unload cleanly.
load_work_unload() {
	ok=0
	dmesg > "$tmp/dmesg.before"
	if ! modprobe -a $mods 2> "$tmp/load"; then
		sed 's/^/# modprobe: /' "$tmp/load"
		return 1
	fi
	for m in $mods; do
		objcopy -O binary --only-section=.note.gnu.build-id "$dest/$m.ko" "$tmp/id" 2> /dev/null
		cmp -s "$tmp/id" "/sys/module/$m/notes/.note.gnu.build-id" ||
			{ echo "# /sys/module/$m: not the build of $dest/$m.ko"; ok=1; }
	done
	tvmctl vm list > "$tmp/out" 2>&1 || { sed 's/^/# tvmctl vm list: /' "$tmp/out"; ok=1; }
	# (securityfs files have no size: read it.)
	v=$(cat /sys/kernel/security/tvm/version 2>&1)
	[ "$v" = "$abi" ] || { echo "# /sys/kernel/security/tvm/version: '$v', not $abi"; ok=1; }
	modprobe -r -a tvm_vsock tvm_kvm tvm 2> "$tmp/unload" || { sed 's/^/# modprobe -r: /' "$tmp/unload"; ok=1; }
	for m in $mods; do
		[ -d "/sys/module/$m" ] && { echo "# $m still loaded"; ok=1; }
	done
	dmesg > "$tmp/dmesg.after"
	tail -n "+$(($(wc -l < "$tmp/dmesg.before") + 1))" "$tmp/dmesg.after" > "$tmp/dmesg.new"
	grep -q "tvm: loaded, version $ver," "$tmp/dmesg.new" ||
		{ echo "# no 'tvm: loaded, version $ver' in the kernel log"; ok=1; }
	if grep -Eq "$splat" "$tmp/dmesg.new"; then
		grep -E -A 20 "$splat" "$tmp/dmesg.new" | head -n 40 | sed 's/^/# dmesg: /'
		ok=1
	fi
	return $ok
}

# 1. make dkms, as install.rst tells an administrator.
t=$(date +%s)
if make -C "$top" -s dkms > "$tmp/make" 2>&1 && [ "$(status)" = installed ]; then
	ktap_pass "dkms: make dkms builds and installs tvm $ver for $kver"
else
	sed 's/^/# /' "$tmp/make" | tail -n 30
	cat "$dkms_tree/build/make.log" 2> /dev/null | tail -n 20 | sed 's/^/# make.log: /'
	ktap_fail "dkms: make dkms builds and installs tvm $ver for $kver" \
		"dkms status: '$(dkms status 2>&1)'"
fi
first=$(cc_count)
echo "# make dkms: $(( $(date +%s) - t )) s; compiles (cache hits, misses): $first"

# 2-3. Where and what.
for f in $extra; do
	[ -e "$f" ] && { echo "# make dkms left make install's $f"; }
done
if installed; then
	ktap_pass "dkms: the modules are in $dest, modinfo finds them there"
else
	ktap_fail "dkms: the modules are in $dest, modinfo finds them there"
fi
if [ -n "$extra" ]; then
	rm -f $extra
	depmod -a "$kver"
fi
if built_right; then
	ktap_pass "dkms: vermagic $kver, version $ver, signed with DKMS's key"
else
	ktap_fail "dkms: vermagic $kver, version $ver, signed with DKMS's key"
fi

# 4. They load, work and unload.
if load_work_unload; then
	ktap_pass "dkms: modprobe loads DKMS's tvm, tvm_kvm, tvm_vsock; they work, unload clean"
else
	ktap_fail "dkms: modprobe loads DKMS's tvm, tvm_kvm, tvm_vsock; they work, unload clean"
fi

# 5. A kernel update.  A new kernel has nothing of tvm built or installed
# for it, only tvm added to DKMS: make the running kernel look so (it is
# the one kernel whose headers are here), then run what Debian's
# linux-image postinst runs for it (run-parts /etc/kernel/postinst.d with
# the version and the image's path; the dkms part alone, the initramfs
# one is not DKMS's).
t=$(date +%s)
dkms uninstall -m tvm -v "$ver" -k "$kver" > "$tmp/un" 2>&1
dkms unbuild -m tvm -v "$ver" -k "$kver" >> "$tmp/un" 2>&1
gone=1
for m in $mods; do
	[ -e "$dest/$m.ko" ] && gone=0
	modinfo -n "$m" > /dev/null 2>&1 && gone=0
done
before=$(status)
touch "$tmp/mark"
sleep 1
/etc/kernel/postinst.d/dkms "$kver" "/boot/vmlinuz-$kver" > "$tmp/postinst" 2>&1
rc=$?
second=$(cc_count)
echo "# kernel update: $(( $(date +%s) - t )) s; compiles (cache hits, misses): $second"
new=1
for m in $mods; do
	[ -n "$(find "$dest/$m.ko" -newer "$tmp/mark" 2> /dev/null)" ] || new=0
done
[ -n "$(find "$dkms_tree/$kver/x86_64/log/make.log" -newer "$tmp/mark" 2> /dev/null)" ] || new=0
if [ $gone = 1 ] && [ "$before" = added ] && [ $rc = 0 ] &&
   [ "$(status)" = installed ] && [ $new = 1 ] &&
   [ "$(echo "$second" | awk '{ print $1 + $2 }')" = "$(echo "$first" | awk '{ print $1 + $2 }')" ] &&
   installed && built_right; then
	ktap_pass "dkms: a kernel update (/etc/kernel/postinst.d/dkms) builds and installs them again"
else
	sed 's/^/# uninstall, unbuild: /' "$tmp/un" | tail -n 10
	sed 's/^/# postinst: /' "$tmp/postinst" | tail -n 30
	ktap_fail "dkms: a kernel update (/etc/kernel/postinst.d/dkms) builds and installs them again" \
		"before: gone $gone, status '$before'; after: exit $rc, status '$(status)', new files $new, compiles $first then $second"
fi

# 6. What the kernel update installed loads and works.
if load_work_unload; then
	ktap_pass "dkms: the rebuilt modules load, work, unload clean"
else
	ktap_fail "dkms: the rebuilt modules load, work, unload clean"
fi

# 7. dkms status, as an administrator reads it.
dkms status > "$tmp/status" 2>&1
if grep -q "^tvm/$ver, $kver, [^:]*: installed" "$tmp/status"; then
	ktap_pass "dkms: dkms status says tvm/$ver installed for $kver"
else
	sed 's/^/# dkms status: /' "$tmp/status"
	ktap_fail "dkms: dkms status says tvm/$ver installed for $kver"
fi

# 8. dkms remove: no file left, modprobe finds nothing, DKMS forgot it.
dkms remove -m tvm -v "$ver" --all > "$tmp/rm" 2>&1
rc=$?
left=
for m in $mods; do
	[ -e "$dest/$m.ko" ] && left="$left $dest/$m.ko"
	modinfo -n "$m" > /dev/null 2>&1 && left="$left modinfo:$m"
done
if [ $rc = 0 ] && [ -z "$left" ] && [ ! -e "$dkms_tree" ] &&
   [ -z "$(dkms status -m tvm 2> /dev/null)" ]; then
	ktap_pass "dkms: dkms remove takes them out"
else
	sed 's/^/# dkms remove: /' "$tmp/rm" | tail -n 10
	ktap_fail "dkms: dkms remove takes them out" \
		"exit $rc, left:${left:- none}; dkms status: $(dkms status -m tvm 2> /dev/null)"
fi
echo "# dkms.sh: $(( $(date +%s) - t0 )) s"
ktap_finish
