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

say "A tvm instance: its own banks of 24 virtual PCRs, in host kernel memory"
run "$tvmctl" vm create web-1 --banks sha256,sha384,sm3_256
run "$tvmctl" vm list

say "PCRs 0-7 start from the host TPM's, PCR 8 records tvm itself"
run "$tvmctl" pcr read web-1 --bank sha256 --pcrs 0-9

say "Measurements extend PCRs as a TPM 2.0 does, and every one is logged first"
run "$tvmctl" pcr extend web-1 9 --data "vmlinuz-6.1 sha256:0123abcd"
run "$tvmctl" pcr extend web-1 12 --data "memslot 0 gpa 0x0 size 0x10000"
run "$tvmctl" pcr read web-1 --pcrs 9,12
run "$tvmctl" log web-1 --from 9

say "The log is a TCG crypto-agile event log: tpm2_eventlog replays it"
runsh "tpm2_eventlog /sys/kernel/security/tvm/vms/1/binary_measurements | sed -n '/^pcrs:/,\$p' | head -n 14"

say "PCR 9 cannot be reset; the debug PCR 16 can, and the reset is logged"
runsh "$tvmctl pcr reset web-1 9 || true"
run "$tvmctl" pcr reset web-1 16

say "Bounded: a log that fills refuses further extends, visibly"
run "$tvmctl" vm create tiny --log-max 16
runsh "for i in 1 2 3 4 5 6 7 8; do $tvmctl pcr extend tiny 23 --data x\$i > /dev/null || break; done"
run "$tvmctl" vm show tiny
runsh "grep log_ /sys/kernel/security/tvm/stats"

say "JSON for scripts, from every command"
run "$tvmctl" -j vm show web-1

say "The owner's policy: what level 1 (OS, PCR 9) must contain; enforced"
k=$(printf 'vmlinuz-6.1' | sha256sum | cut -d' ' -f1)
cat > /tmp/web-2.json <<JSON
{
  "version": 1,
  "selector": {"name": "web-2"},
  "mode": "enforce",
  "levels": {"os": {"events": {"vmlinuz-6.1": ["sha256:$k"]}}}
}
JSON
run cat /tmp/web-2.json
"$tvmctl" monitor > /tmp/monitor.log 2>&1 &
monitor=$!
sleep 1
run "$tvmctl" policy load /tmp/web-2.json

say "A VM whose image matches is trusted at launch"
run "$tvmctl" vm create web-2
run "$tvmctl" pcr extend web-2 9 --data vmlinuz-6.1
run "$tvmctl" vm launch web-2

say "A tampered image is noted as it is measured, and launch is refused"
sed 's/web-2/web-3/' /tmp/web-2.json > /tmp/web-3.json
run "$tvmctl" policy load /tmp/web-3.json
run "$tvmctl" vm create web-3
run "$tvmctl" pcr extend web-3 9 --data vmlinuz-6.1-evil
runsh "$tvmctl vm launch web-3 || echo \"exit status \$?\""
run cat /sys/kernel/security/tvm/vms/4/trust

say "Every change went out on the events group (tvmctl monitor)..."
sleep 1
kill "$monitor"
run cat /tmp/monitor.log

say "... and into the host's IMA log, anchored in its TPM PCR 10"
runsh "grep -E ' tvm-(trust|policy) ' /sys/kernel/security/ima/ascii_runtime_measurements | cut -c1-100"
echo "The same records, their data decoded:"
grep -E ' tvm-(trust|policy) ' /sys/kernel/security/ima/ascii_runtime_measurements |
	while read -r _pcr _hash _template _digest name data; do
		echo "  $name: $(echo "$data" | xxd -r -p)"
	done

say "Attestation: the host's attestation key, loaded into a keyring"
runsh "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out /tmp/ak.pem 2>/dev/null && openssl pkcs8 -topk8 -nocrypt -in /tmp/ak.pem -outform DER -out /tmp/ak.pk8"
runsh "keyctl padd asymmetric tvm-demo:ak @u < /tmp/ak.pk8 > /dev/null"
run "$tvmctl" ak set tvm-demo:ak
runsh "$tvmctl ak show --pem > /tmp/ak.pub.pem && head -n 2 /tmp/ak.pub.pem"

say "A VM owner's nonce, a quote of web-2, and a deep quote from the host TPM"
run "$tvmctl" quote web-2 --nonce 5eed0f7e4a11ce00 --pcrs 0-12 --deep --out /tmp/q
run ls /tmp/q

say "tpm2_checkquote, a tool nobody here wrote, accepts it"
runsh "cd /tmp/q && tpm2_checkquote -u ak.pem -m quote.msg -s quote.sig -f quote.pcrs -g sha256 -q nonce.bin | head -n 3"

say "tvmctl verify: signatures, nonce, log replay, the owner's policy, offline"
run "$tvmctl" verify /tmp/q --ak /tmp/ak.pub.pem --tpm-ak /tmp/q/tpm-ak.pem --policy /tmp/web-2.json --nonce 5eed0f7e4a11ce00

say "... and a log edited after the fact is caught"
# The last event's SHA-256 digest ends 99 bytes before the end of the log
# (its SHA-384 and SM3 digests, the size and 11 bytes of data follow).
runsh "cp -r /tmp/q /tmp/q-bad && printf 'X' | dd of=/tmp/q-bad/log.bin bs=1 seek=\$((\$(wc -c < /tmp/q-bad/log.bin) - 110)) conv=notrunc 2>/dev/null"
runsh "$tvmctl verify /tmp/q-bad --ak /tmp/ak.pub.pem --nonce 5eed0f7e4a11ce00 || echo \"exit status \$?\""

say "tvm unloads cleanly and comes back"
run rmmod tvm
runsh 'ls /sys/kernel/security/tvm 2>&1 || true'
run modprobe tvm
run "$tvmctl" version

printf '\nDemo done.\n'
