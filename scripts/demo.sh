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

say "PCRs 0-8 are the kernel's: an administrator cannot claim a measurement there"
runsh "$tvmctl pcr extend web-1 0 --data x || true"
runsh "$tvmctl pcr extend web-1 9 --type 0x544d0008 --data 'a SLOT event' || true"

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
run "$tvmctl" verify /tmp/q --ak /tmp/ak.pub.pem --tpm-ak /tmp/q/tpm-ak.pem --policy /tmp/web-2.json --nonce 5eed0f7e4a11ce00 --vm web-2

say "... and a log edited after the fact is caught"
# The last event, the policy web-2 was launched under (TVM_EV_POLICY), has
# its SHA-256 digest end 160 bytes before the end of the log (its SHA-384
# and SM3 digests, the size and 72 bytes of data follow).
runsh "cp -r /tmp/q /tmp/q-bad && printf 'X' | dd of=/tmp/q-bad/log.bin bs=1 seek=\$((\$(wc -c < /tmp/q-bad/log.bin) - 171)) conv=notrunc 2>/dev/null"
runsh "$tvmctl verify /tmp/q-bad --ak /tmp/ak.pub.pem --nonce 5eed0f7e4a11ce00 --vm web-2 || echo \"exit status \$?\""

# --- Real KVM VMs (tvm_kvm.ko) ------------------------------------------

minivmm=build/selftests/minivmm
hello=build/selftests/guest/hello.bin

# wait_for FILE TEXT: up to 30 s for TEXT to appear in FILE; else say so.
wait_for() {
	_i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		if [ $_i -gt 300 ]; then
			echo "demo: '$2' never appeared in $1:" >&2
			cat "$1" >&2
			return 1
		fi
		sleep 0.1
	done
}

# le N BYTES: N as BYTES raw little-endian bytes.
le() {
	_i=0
	while [ $_i -lt "$2" ]; do
		# shellcheck disable=SC2059
		printf "\\$(printf %03o $(($1 >> (8 * _i) & 255)))"
		_i=$((_i + 1))
	done
}

# slot_event IMAGE ENTRY KIB: what tvm_kvm logs in PCR 9 for minivmm's one
# slot (slot 0, flags 0, GPA 0, KIB KiB) holding IMAGE at ENTRY, from the
# image alone (Documentation/kvm.rst, ABI 13): SHA-256 over the digests of
# its 2 MiB chunks, 32 zero bytes for a chunk all zero, else SHA-256 of
# its bytes.  Prints the slot as `tvmctl log` decodes it; leaves struct
# tvm_ev_slot in /tmp/slot.ev.
slot_event() {
	dd if=/dev/zero of=/tmp/slot.mem bs=1024 count="$3" 2>/dev/null
	dd if="$1" of=/tmp/slot.mem bs=1 seek=$(($2)) conv=notrunc 2>/dev/null
	_c=0
	while [ $((_c * 2097152)) -lt $(($3 * 1024)) ]; do
		dd if=/tmp/slot.mem of=/tmp/slot.chunk bs=2097152 skip=$_c count=1 2>/dev/null
		if [ "$(tr -d '\000' < /tmp/slot.chunk | head -c 1 | wc -c)" -eq 0 ]; then
			head -c 32 /dev/zero
		else
			sha256sum < /tmp/slot.chunk | cut -c1-64 | xxd -r -p
		fi
		_c=$((_c + 1))
	done > /tmp/slot.digests
	_pages=$(od -An -v -w4096 -tx8 /tmp/slot.mem | grep -c '[1-9a-f]')
	_content=$(sha256sum < /tmp/slot.digests | cut -c1-64)
	{ le 0 4; le 0 4; le 0 8; le $(($3 * 1024)) 8; le "$_pages" 8
	  echo "$_content" | xxd -r -p; } > /tmp/slot.ev
	echo "slot 0 gpa 0x0 size $(($3 * 1024)) flags 0x0 pages $_pages sha256 $_content"
}

# extend_from_zero HEX: SHA-256(32 zero bytes || HEX), a PCR's first extend.
extend_from_zero() {
	{ printf '%064d\n' 0; echo "$1"; } | xxd -r -p | sha256sum | cut -c1-64
}

# short: a `tvmctl log` line without its digests (the banks' columns), so
# that it fits a terminal.
short() {
	sed 's/ [a-z0-9_]*:[0-9a-f]\{40,\}//g'
}

say "tvm_kvm.ko hooks KVM: every KVM VM on the host gets a tvm instance"
runsh 'lsmod | grep -E "^(tvm|tvm_kvm|kvm|kvm_amd) "'
echo "A VMM started by hand (build/selftests/minivmm, the smallest VMM there is),"
echo "its guest halted and the VM kept for a while.  tvm_kvm names it after its pid:"
printf '$ %s --hold 600 %s &\n' "$minivmm" "$hello"
"$minivmm" --hold 600 "$hello" > /tmp/keeper.out 2>&1 &
keeper=$!
wait_for /tmp/keeper.out hello
run cat /tmp/keeper.out
run "$tvmctl" vm list
# This VM stays until the end of the KVM steps: under TCG, creating the
# host's first KVM VM and destroying its last, over and over, can freeze
# the emulated host (Documentation/testing.rst).

say "The VM's owner computes its launch PCR 9 from the guest image alone"
run od -A d -c "$hello"
echo "minivmm loads it at 0x1000 in one 64 KiB slot at GPA 0; tvm_kvm hashes the"
echo "slot in 2 MiB chunks, and extends PCR 9 with the slot (kvm.rst):"
slot_event "$hello" 0x1000 64
pcr9=$(extend_from_zero "$(sha256sum < /tmp/slot.ev | cut -c1-64)")
echo "PCR 9, sha256 bank: $pcr9"

say "The owner's policy: PCR 9 must be that, enforced; a runtime range too"
# The page at 0x1000 holds the guest's code: it must not change while the
# guest runs.  tvm re-hashes it every second into PCR 13.
dd if=/tmp/slot.mem of=/tmp/slot.page bs=4096 skip=1 count=1 2>/dev/null
code=$(sha256sum < /tmp/slot.page | cut -c1-64)
cat > /tmp/hello.json <<JSON
{
  "version": 1,
  "mode": "enforce",
  "levels": {"os": {"pcr": ["sha256:$pcr9"]}},
  "runtime": [{"gpa": "0x1000", "length": 4096, "interval_ms": 1000,
               "sha256": "$code"}]
}
JSON
run cat /tmp/hello.json
echo "(no selector: tvmctl launch loads it for the name it launches)"
"$tvmctl" monitor > /tmp/kvm-monitor.log 2>&1 &
monitor=$!
sleep 1

say "The VMM launched under that policy: measured before its first instruction"
printf '$ %s launch --name hello-1 --policy /tmp/hello.json -- %s --hold 600 %s &\n' \
	"$tvmctl" "$minivmm" "$hello"
"$tvmctl" launch --name hello-1 --policy /tmp/hello.json -- \
	"$minivmm" --hold 600 "$hello" > /tmp/hello-1.out 2>&1 &
good=$!
wait_for /tmp/hello-1.out hello
run cat /tmp/hello-1.out
run "$tvmctl" vm show hello-1
run "$tvmctl" pcr read hello-1 --bank sha256 --pcrs 8,9,12,13
echo "The owner's PCR 9: $pcr9"

say "Its log: the VMM in PCR 8, the VM's shape in PCR 12, its memory in PCR 9"
printf '$ %s log hello-1\n' "$tvmctl"
echo "(here without the three banks' digests, to fit; tvmctl log prints them)"
"$tvmctl" log hello-1 | short

say "At runtime: the guest's code page re-hashed into PCR 13, on a timer or now"
run "$tvmctl" measure hello-1
echo "Unchanged since the launch: still trusted.  A range is logged when first"
echo "measured and whenever its digest changes, not at every measurement:"
printf '$ %s log hello-1 | grep " 13 RUNTIME "\n' "$tvmctl"
"$tvmctl" log hello-1 | grep " 13 RUNTIME " | short

say "A quote of it says its launch was measured by the kernel, not claimed"
run "$tvmctl" quote hello-1 --nonce 5eed0f7e4a11ce01 --pcrs 0-13 --out /tmp/qk
run "$tvmctl" verify /tmp/qk --ak /tmp/ak.pub.pem --nonce 5eed0f7e4a11ce01 --vm hello-1 --require-kvm
echo "web-2 was only extended by an administrator: --require-kvm refuses it"
runsh "$tvmctl verify /tmp/q --ak /tmp/ak.pub.pem --nonce 5eed0f7e4a11ce00 --vm web-2 --require-kvm | grep -A1 '^reasons' || true"

say "A tampered image: one byte changed, under the same enforcing policy"
cp "$hello" /tmp/hello-evil.bin
# The greeting is at the end of the image, NUL-terminated; its 'h' becomes 'H'.
off=$(($(wc -c < "$hello") - $(printf 'hello from a measured guest\n' | wc -c) - 1))
printf H | dd of=/tmp/hello-evil.bin bs=1 seek="$off" conv=notrunc 2>/dev/null
runsh "cmp -l $hello /tmp/hello-evil.bin || true"
slot_event /tmp/hello-evil.bin 0x1000 64
runsh "$tvmctl launch --name hello-2 --policy /tmp/hello.json -- $minivmm --hold 600 /tmp/hello-evil.bin || echo \"exit status \$?\""
echo "KVM_RUN failed before the guest's first instruction: no greeting.  Why:"
runsh "dmesg | grep 'KVM_RUN refused' | tail -n 1"
sleep 1
runsh "grep hello-2 /tmp/kvm-monitor.log"

say "In audit mode the tampered VM runs, and its state says why it is untrusted"
sed 's/"enforce"/"audit"/' /tmp/hello.json > /tmp/hello-audit.json
printf '$ %s launch --name hello-3 --policy /tmp/hello-audit.json -- %s --hold 600 /tmp/hello-evil.bin &\n' \
	"$tvmctl" "$minivmm"
"$tvmctl" launch --name hello-3 --policy /tmp/hello-audit.json -- \
	"$minivmm" --hold 600 /tmp/hello-evil.bin > /tmp/hello-3.out 2>&1 &
audited=$!
wait_for /tmp/hello-3.out Hello
run cat /tmp/hello-3.out
run "$tvmctl" vm show hello-3
echo "(its code page is not the owner's either: the runtime range says so too)"
run "$tvmctl" vm list
runsh "grep '^vms' /sys/kernel/security/tvm/stats"

say "tvm_kvm cannot be unloaded while a VM it tracks exists"
runsh "rmmod tvm_kvm || echo \"exit status \$?\""
echo "The VMMs exit; their VMs and their instances go with them:"
kill "$good" "$audited"
wait "$good" "$audited" 2>/dev/null || true
kill "$keeper"
wait "$keeper" 2>/dev/null || true
kill "$monitor"
sleep 1
run "$tvmctl" vm list
runsh "grep '^vms' /sys/kernel/security/tvm/stats"

say "tvm_kvm and tvm unload cleanly, and come back"
# The VMs' destruction may take a moment to finish.
i=0
until rmmod tvm_kvm 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || { rmmod tvm_kvm; exit 1; }
	sleep 0.1
done
echo '$ rmmod tvm_kvm'
run rmmod tvm_vsock
run rmmod tvm
runsh 'ls /sys/kernel/security/tvm 2>&1 || true'
run modprobe tvm
run modprobe tvm_kvm
run modprobe tvm_vsock
runsh 'lsmod | grep -E "^tvm"'
run "$tvmctl" version

printf '\nDemo done.\n'
