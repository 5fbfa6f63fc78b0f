#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: a walk through what tvm does so far, run inside the emulated
# hypervisor host by scripts/vm-run.  Each step says what it shows, then
# runs the commands an administrator would type.  It grows with tvm.
set -eu

tvmctl=${TVMCTL:-build/tvmctl}
step=0

say() {
	step=$((step + 1))
	printf '\n=== %d. %s\n' "$step" "$*"
}

# run CMD ARGS...: show the command, then run it.
run() {
	printf '$ %s\n' "$*"
	"$@"
}

# runsh 'PIPELINE': the same for a shell pipeline.
runsh() {
	printf '$ %s\n' "$1"
	sh -c "$1"
}

[ "${TVM_GUEST:-}" = 1 ] ||
	{ echo "demo.sh runs inside the emulated host: make demo" >&2; exit 2; }

say "The emulated hypervisor host: Debian's kernel, KVM nested under TCG"
run uname -r
runsh 'grep -o -m1 -w svm /proc/cpuinfo'
run ls -l /dev/kvm /dev/vhost-vsock /dev/tpm0 /dev/tpmrm0

say "tvm.ko is loaded and reports its ABI version in securityfs"
runsh 'lsmod | grep -w ^tvm'
run cat /sys/kernel/security/tvm/version
run "$tvmctl" version
run "$tvmctl" --json version

say "The host TPM that anchors every VM: its PCRs 0-7 seed each VM's bank"
run tpm2_pcrread sha256:0,1,2,3,4,5,6,7

say "IMA measures the host and will carry tvm's trust-state records"
runsh 'head -n 3 /sys/kernel/security/ima/ascii_runtime_measurements'
runsh 'wc -l < /sys/kernel/security/ima/ascii_runtime_measurements'

say "tvm unloads cleanly and comes back"
run rmmod tvm
runsh 'ls /sys/kernel/security/tvm 2>&1 || true'
run modprobe tvm
run "$tvmctl" version

printf '\nDemo done.\n'
