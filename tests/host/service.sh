#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tvm.service under the real host's systemd (Documentation/install.rst):
# `make install` lays it out and enables it; it starts, loading the
# modules (with modprobe.d's options), the attestation key and the
# policies under /etc/tvm/policies; a restart loads nothing twice; an
# invalid policy makes it fail with the file named in the journal, and
# then nothing new is loaded.  KTAP; run by tests/host/run after smoke.sh
# (which leaves the modules unloaded).  The image is a snapshot: what this
# installs is gone at the next boot.
dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/../.." && pwd)
. "$top/selftests/tvm/ktap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PATH=$PATH:/usr/sbin:/sbin

[ "${TVM_REAL_HOST:-}" = 1 ] || {
	echo "service.sh runs inside the real host: tests/host/run" >&2
	exit 2
}
ktap_plan 4

policy() {
	printf '{"version": 1, "selector": {"name": "%s"}, "mode": "audit"}\n' "$1"
}

# The lines tvm.service logged since mark(), by count (a unit that logged
# nothing yet has no cursor to start from).
journal() { journalctl -b -u tvm --no-pager -o cat 2> /dev/null; }
mark() { journal | wc -l > "$tmp/mark"; }
since() { journal | tail -n +$(( $(cat "$tmp/mark") + 1 )); }

# 1. make install: the files, the unit enabled.
if make -C "$top" -s modules_install install-userspace PREFIX=/usr \
		> "$tmp/install" 2>&1 &&
   [ -x /usr/sbin/tvmctl ] && [ -x /usr/lib/tvm/tvm-start ] &&
   [ -d /etc/tvm/policies ] &&
   [ "$(systemctl is-enabled tvm.service 2>&1)" = enabled ] &&
   modinfo -n tvm_kvm > /dev/null 2>&1; then
	ktap_pass "service: make install lays out and enables tvm.service"
else
	ktap_fail "service: make install lays out and enables tvm.service" \
		"$(tail -20 "$tmp/install"; systemctl is-enabled tvm.service 2>&1)"
fi

# 2. It starts: modules, AK, policies.
policy svc-1 > /etc/tvm/policies/svc-1.json
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$tmp/ak.pem" 2> /dev/null &&
	openssl pkcs8 -topk8 -nocrypt -in "$tmp/ak.pem" -outform DER \
		-out /etc/tvm/ak.pk8
mark
if systemctl start tvm > "$tmp/out" 2>&1 &&
   [ "$(systemctl is-active tvm)" = active ] &&
   lsmod | grep -q '^tvm_kvm ' && lsmod | grep -q '^tvm_vsock ' &&
   [ "$(cat /sys/module/tvm_kvm/parameters/hold_unbound_ms)" = 30000 ] &&
   tvmctl policy show name=svc-1 > /dev/null 2>&1 &&
   tvmctl ak show | grep -q 'description: tvm:ak' &&
   since | grep -q "1 policies loaded from /etc/tvm/policies, 0 already loaded"; then
	ktap_pass "service: starts, loads the modules, the AK and the policies"
else
	ktap_fail "service: starts, loads the modules, the AK and the policies" \
		"$(cat "$tmp/out"; since; lsmod | grep tvm)"
fi

# 3. A restart loads nothing again (the same policies, the same digests).
mark
if systemctl restart tvm > "$tmp/out" 2>&1 &&
   since | grep -q "0 policies loaded from /etc/tvm/policies, 1 already loaded"; then
	ktap_pass "service: a restart loads no policy twice"
else
	ktap_fail "service: a restart loads no policy twice" "$(cat "$tmp/out"; since)"
fi

# 4. An invalid policy: the start fails, the journal names the file, and
# the good new policy beside it is not loaded either.
policy svc-2 > /etc/tvm/policies/svc-2.json
printf '{"version": 1, "selector": {"name": "x"}, "mdoe": "audit"}\n' \
	> /etc/tvm/policies/svc-bad.json
mark
if ! systemctl restart tvm > "$tmp/out" 2>&1 &&
   [ "$(systemctl is-active tvm)" = failed ] &&
   since | grep -q "policy /etc/tvm/policies/svc-bad.json is invalid" &&
   since | grep -q "unknown key 'mdoe'" &&
   ! tvmctl policy show name=svc-2 > /dev/null 2>&1 &&
   tvmctl policy show name=svc-1 > /dev/null 2>&1; then
	ktap_pass "service: an invalid policy fails the start, named, nothing loaded"
else
	ktap_fail "service: an invalid policy fails the start, named, nothing loaded" \
		"$(cat "$tmp/out"; since)"
fi
rm -f /etc/tvm/policies/svc-*.json /etc/tvm/ak.pk8

ktap_finish
