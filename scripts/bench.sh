#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: every benchmark, in the emulated host, each printing tvm's
# figures beside the reference tool's from the same run.
set -eu
[ "${TVM_GUEST:-}" = 1 ] || { echo "bench.sh runs inside the emulated host: make bench" >&2; exit 2; }
echo "== extend: tvm through netlink vs TPM2_PCR_Extend on swtpm (same CPU) and on the host TPM"
build/bench/extend_bench
echo "== quote: tvm in the kernel vs TPM2_Quote on swtpm (same CPU) and on the host TPM"
build/bench/quote_bench
echo "== scale: 1 and 1,000 instances: extend, quote, memory, vm list, LOG_DUMP"
build/bench/scale_bench
echo "== launch: tvm_kvm's launch measurement vs sha256sum; KVM_RUN with and without tvm_kvm"
# --unload: rmmod tvm_kvm for the figures without it, modprobe it again.
build/bench/launch_bench --unload
echo "== vsock: vhost-vsock throughput and latency with and without tvm_vsock; guest-to-guest"
# --unload: rmmod tvm_vsock for the figures without it, modprobe it again.
build/bench/vsock_bench --unload
echo "== migrate: export and import of a VM with 10,000 events vs swtpm's state save and load (QEMU's way)"
build/bench/migrate_bench 10000 3
