#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A real Linux guest on the real host (Documentation/testing.rst, "Tests
# of the real host"): Debian's kernel and tvm's tiny initramfs
# (build/guest/initrd.img, `make guest`), direct-booted by the real QEMU
# under `tvmctl launch --file` (ABI 12), which measures the kernel, the
# initrd and the command line into PCR 9 before the VM's first KVM_RUN.
#
#  1. it boots ("tvm-guest: up"); tvm's first PCR 9 events are FILE
#     kernel, initrd and cmdline with the SHA-256 of the files as
#     sha256sum computes it, and PCR 9 replays from the log;
#  2. under an enforcing policy listing the files and fixing that PCR 9,
#     a second boot of the same files is trusted and runs;
#  3. with one byte of the initramfs changed, it is refused: QEMU's
#     KVM_RUN fails, the guest never says "up", the log's initrd event
#     carries the changed file's digest, and so does the VM's reason;
#  4. runtime ranges over the guest kernel's text (nokaslr: physical
#     0x1000000): measured on `tvmctl measure`, equal to what QEMU's
#     gdbstub reads; a one-byte write through the gdbstub (HMP has no
#     memory write) makes the next measure untrusted, naming the range,
#     and, enforced, stops the guest.
#
# A guest QEMU's emulation of SVM wedged (tests/host/wedge.sh) is booted
# again, eleven times at most, and said so; any other guest that does not come
# up fails.
#
# KTAP; run by tests/host/run after service.sh.  Uses the tree's modules
# when none are loaded (service.sh leaves the installed ones loaded: the
# same build), and the tree's tvmctl.
dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/../.." && pwd)
. "$top/selftests/tvm/ktap.sh"
. "$dir/wedge.sh"
tmp=$(mktemp -d)
PATH=$PATH:/usr/sbin:/sbin
qpids=
cleanup() {
	for p in $qpids; do kill -KILL "$p" 2> /dev/null; done
	wait 2> /dev/null
	for n in g-file g-good g-bad; do "$tvmctl" policy delete name=$n \
		> /dev/null 2>&1; done
	rm -rf "$tmp"
}
trap cleanup EXIT

[ "${TVM_REAL_HOST:-}" = 1 ] || {
	echo "guest.sh runs inside the real host: tests/host/run" >&2
	exit 2
}
names='guest_boots_and_its_files_are_pcr9s_first_events guest_pcr9_replays_from_the_log guest_trusted_under_enforce guest_tampered_initrd_refused_under_enforce guest_kernel_text_range_measures_as_read guest_gdbstub_write_to_kernel_text_caught_and_stopped guest_instances_go_with_qemu'
# shellcheck disable=SC2086
ktap_plan $(echo $names | wc -w)
tvmctl=$top/build/tvmctl
initrd=$top/build/guest/initrd.img
kernel=/boot/vmlinuz-$(uname -r)
append="nokaslr quiet"
text=0x1000000		# the guest kernel's text, physical, with nokaslr
textlen=4096		# .head.text: run once, at boot (one vCPU)
poke=0x1000800		# a byte inside it

[ -x "$tvmctl" ] || ktap_skip_all "no $tvmctl: make all"
[ -r "$initrd" ] || ktap_skip_all "no $initrd: make guest"
[ -r "$kernel" ] || ktap_skip_all "no $kernel"
command -v qemu-system-x86_64 > /dev/null || ktap_skip_all "no QEMU"
command -v cc > /dev/null || ktap_skip_all "no C compiler for gdbpoke"
cc -O2 -Wall -o "$tmp/gdbpoke" "$dir/gdbpoke.c" 2> "$tmp/cc" ||
	ktap_skip_all "gdbpoke does not build: $(cat "$tmp/cc")"
modprobe kvm_amd 2> /dev/null || modprobe kvm_intel 2> /dev/null
[ -c /dev/kvm ] || ktap_skip_all "no /dev/kvm after modprobe kvm_amd"

# tvm: what service.sh left loaded, else the tree's modules.
if [ ! -d /sys/module/tvm_kvm ]; then
	modprobe vhost_vsock 2> /dev/null
	for ko in core/tvm kvm/tvm_kvm; do
		m=$top/kernel/$ko.ko
		for d in $(modinfo -F depends "$m" | tr , ' '); do
			case "$d" in tvm*) ;; *) modprobe "$d" ;; esac
		done
		insmod "$m" || ktap_skip_all "insmod $m failed"
	done
fi
abi=$(cat /sys/kernel/security/tvm/version)
[ "$abi" -ge 12 ] || ktap_skip_all "tvm.ko is ABI $abi, --file needs 12"
echo "# tvm ABI $abi, kernel $kernel, initrd $initrd"

printf '%s' "$append" > "$tmp/cmdline"
cp "$initrd" "$tmp/initrd.img"
cp "$initrd" "$tmp/bad.img"
# One byte of the tampered copy, inside the gzip'd data.
printf '\125' | dd of="$tmp/bad.img" bs=1 seek=200 conv=notrunc 2> /dev/null
cmp -s "$tmp/initrd.img" "$tmp/bad.img" && ktap_skip_all "tampering failed"

sha() { sha256sum "$1" | cut -d ' ' -f 1; }
k_sha=$(sha "$kernel")
i_sha=$(sha "$tmp/initrd.img")
b_sha=$(sha "$tmp/bad.img")
c_sha=$(sha "$tmp/cmdline")

# boot NAME INITRD [POLICY]: QEMU under tvmctl launch, in the background;
# serial on $tmp/NAME.serial, gdbstub on $tmp/NAME.gdb, QEMU's own
# output in $tmp/NAME.out.
boot() {
	pol=
	rm -f "$tmp/$1.serial" "$tmp/$1.gdb" "$tmp/$1.mon"
	[ -n "${3:-}" ] && pol="--policy $3"
	# shellcheck disable=SC2086
	"$tvmctl" launch --name "$1" $pol --file kernel="$kernel" \
		--file initrd="$2" --file cmdline="$tmp/cmdline" -- \
		qemu-system-x86_64 -enable-kvm -cpu host -m 128 -smp 1 \
		-kernel "$kernel" -initrd "$2" -append "$append" \
		-display none -no-reboot -nodefaults \
		-serial "file:$tmp/$1.serial" \
		-gdb "unix:$tmp/$1.gdb,server,nowait" \
		-monitor "unix:$tmp/$1.mon,server,nowait" \
		> "$tmp/$1.out" 2>&1 &
	qpids="$qpids $!"
	last=$!
}

# wait_up NAME SECONDS: the guest said "up".
wait_up() {
	i=0
	while [ $i -lt "$2" ]; do
		grep -q 'tvm-guest: up' "$tmp/$1.serial" 2> /dev/null && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}

# hmp NAME COMMAND...: QEMU's human monitor of NAME, one command after
# another; what it answered, without the escapes of its line editor.
hmp() {
	m=$tmp/$1.mon; shift
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => shift) or die "monitor: $!\n";
		$s->autoflush(1);
		sleep 1;
		for (@ARGV) { print $s "$_\n"; sleep 1; }
		$s->blocking(0);
		my ($b, $all) = ("", "");
		$all .= $b while sysread($s, $b, 65536);
		$all =~ s/\e\[[0-9;]*[A-Za-z]//g; $all =~ s/\r//g;
		print $all;' "$m" "$@"
}

# stuck NAME: where a guest that never said "up" is: QEMU's state, the
# vCPU's registers twice, and the guest kernel's symbol of each RIP (the
# real host runs the same kernel, both nokaslr: its kallsyms names them).
stuck() {
	map=/proc/kallsyms
	for n in 1 2; do
		hmp "$1" "info status" "info registers" > "$tmp/$1.regs$n" 2>&1
		grep -E '^VM status|^RIP|^CR0|^EFER' "$tmp/$1.regs$n"
		rip=$(sed -n 's/^RIP=\([0-9a-f]*\) .*/\1/p' "$tmp/$1.regs$n")
		[ -n "$rip" ] && [ -r "$map" ] && awk -v r="$rip" '
			function h(s,  i, v) { v = 0; s = tolower(s)
				for (i = 1; i <= length(s); i++)
					v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
				return v }
			BEGIN { r = tolower(r) }
			$2 ~ /^[tTwW]$/ { if (($1 "") <= r) { best = $3; at = $1 } else exit }
			END { if (best != "") printf "RIP in %s+0x%x\n", best,
				h(substr(r, 9)) - h(substr(at, 9)) }' "$map"
		sleep 2
	done
	echo "serial: $(wc -c < "$tmp/$1.serial" 2> /dev/null) bytes; $1.out:"
	tail -n 5 "$tmp/$1.out"
}

# wedged NAME: the emulator wedged NAME's guest (tests/host/wedge.sh);
# says how.
wedged() {
	wedged_via hmp "$1" "$tmp"
}

# boot_up NAME INITRD [POLICY]: boot, and wait (120 s) until it says "up".
# A guest the emulator wedged is stopped and booted again, eleven times at most,
# each time said in a comment; a guest stuck for any other reason is not.
boot_up() {
	for try in 1 2 3 4 5 6 7 8 9 10 11 12; do
		boot "$@"
		waited=0
		while [ $waited -lt 120 ]; do
			wait_up "$1" 15 && return 0
			waited=$((waited + 15))
			# Boots take 10 to 40 s here; a wedge never ends, and
			# a slow boot never matches it (wedge.sh).
			why=$(wedged "$1") || continue
			echo "# $1: boot $try wedged by the emulator: $why (Documentation/testing.rst); booted again"
			stop "$1" $last
			gone "$1"
			continue 2
		done
		return 1
	done
	return 1
}

# gone NAME: NAME's instance went with its QEMU (10 s).
gone() {
	i=0
	while [ $i -lt 10 ] && "$tvmctl" vm show "$1" > /dev/null 2>&1; do
		sleep 1; i=$((i + 1))
	done
}

# stop NAME PID: QEMU (the VM's pid; tvmctl cannot forward a SIGKILL),
# then tvmctl launch (PID), which exits with it.
stop() {
	q=$("$tvmctl" vm show "$1" 2> /dev/null | sed -n 's/^pid: //p')
	[ -n "$q" ] && kill -KILL "$q" 2> /dev/null
	kill -TERM "$2" 2> /dev/null
	wait "$2" 2> /dev/null
}

# PCR 9's events in the sha256 bank, in order: "NAME DIGEST" for FILE
# events, "- DIGEST" for others.
pcr9_events() {
	"$tvmctl" log "$1" --raw | awk '$2 == 9 {
		d = ""; for (i = 4; i <= NF; i++) if ($i ~ /^sha256:/) d = substr($i, 8)
		print ($3 == "0x544d0009" ? $NF : "-"), d }'
}

# Replay "NAME DIGEST" lines (stdin) into a SHA-256 PCR, from zero.
replay() {
	pcr=0000000000000000000000000000000000000000000000000000000000000000
	while read -r _ d; do
		pcr=$(perl -e 'print pack("H*", $ARGV[0])' "$pcr$d" |
			sha256sum | cut -d ' ' -f 1)
	done
	echo "$pcr"
}

pcr9() {
	"$tvmctl" pcr read "$1" --bank sha256 --pcrs 9 | awk '$1 == "9:" { print $2 }'
}
trust() { "$tvmctl" vm show "$1" 2> /dev/null | sed -n 's/^trust: //p'; }

start=$(date +%s)

# 1. Boot under tvmctl launch --file, no policy.
up=0; boot_up g-file "$tmp/initrd.img" && up=1
echo "# g-file: up after $(($(date +%s) - start)) s"
pcr9_events g-file > "$tmp/ev" 2>&1
head -n 3 "$tmp/ev" > "$tmp/files"
printf 'kernel %s\ninitrd %s\ncmdline %s\n' "$k_sha" "$i_sha" "$c_sha" > "$tmp/want"
if [ $up = 1 ] && cmp -s "$tmp/files" "$tmp/want" &&
   [ "$(grep -c '^-' "$tmp/ev")" -ge 1 ]; then
	ktap_pass guest_boots_and_its_files_are_pcr9s_first_events
else
	ktap_fail guest_boots_and_its_files_are_pcr9s_first_events \
		"$(echo want:; cat "$tmp/want"; echo got:; cat "$tmp/ev"
		   stuck g-file)"
fi
good=$(replay < "$tmp/ev")
have=$(pcr9 g-file)
if [ -n "$have" ] && [ "$good" = "$have" ]; then
	ktap_pass guest_pcr9_replays_from_the_log
else
	ktap_fail guest_pcr9_replays_from_the_log \
		"replayed $good, tvm has $have"
fi
stop g-file $last

# 2. Enforce, the files listed by name and PCR 9 fixed to the good
# files' launch (so QEMU's firmware too): trusted, runs.
cat > "$tmp/good.json" <<EOF
{"version": 1, "selector": {"name": "g-good"}, "mode": "enforce",
 "levels": {"os": {"events": {"kernel": ["sha256:$k_sha"],
                              "initrd": ["sha256:$i_sha"],
                              "cmdline": ["sha256:$c_sha"]},
                   "pcr": ["sha256:$good"]}}}
EOF
up=0; boot_up g-good "$tmp/initrd.img" "$tmp/good.json" && up=1
good_pid=$last
if [ $up = 1 ] && [ "$(trust g-good)" = trusted ]; then
	ktap_pass guest_trusted_under_enforce
else
	ktap_fail guest_trusted_under_enforce \
		"$("$tvmctl" vm show g-good 2>&1; stuck g-good)"
fi

# 3. The tampered initramfs under enforce, the policy of 2: refused
# before the guest runs; the log names the initrd as what changed (its
# event carries the changed file's digest, the kernel's and the command
# line's are the good ones), and so do the VM's reasons: the allow-list
# judges the files, not the slot events (Documentation/policy.rst).
sed 's/g-good/g-bad/' "$tmp/good.json" > "$tmp/bad.json"
printf 'kernel %s\ninitrd %s\ncmdline %s\n' "$k_sha" "$b_sha" "$c_sha" > "$tmp/want.bad"
boot g-bad "$tmp/bad.img" "$tmp/bad.json"
bad_pid=$last
i=0
while [ $i -lt 60 ] && kill -0 $bad_pid 2> /dev/null &&
      ! grep -q 'KVM_RUN\|kvm run failed' "$tmp/g-bad.out"; do
	sleep 1; i=$((i + 1))
done
sleep 3
"$tvmctl" vm show g-bad > "$tmp/bad.show" 2>&1
pcr9_events g-bad > "$tmp/bad.ev" 2>&1
head -n 3 "$tmp/bad.ev" > "$tmp/bad.files"
if grep -qi 'permission denied' "$tmp/g-bad.out" &&
   ! grep -q 'tvm-guest: up' "$tmp/g-bad.serial" 2> /dev/null &&
   cmp -s "$tmp/bad.files" "$tmp/want.bad" &&
   grep -qx 'trust: untrusted' "$tmp/bad.show" &&
   grep -q "pcr 9 event \"initrd\" digest sha256:$(echo "$b_sha" | cut -c1-16)" "$tmp/bad.show"; then
	ktap_pass guest_tampered_initrd_refused_under_enforce
else
	ktap_fail guest_tampered_initrd_refused_under_enforce \
		"$(cat "$tmp/bad.show" "$tmp/bad.ev"; tail -n 5 "$tmp/g-bad.out" "$tmp/g-bad.serial" 2>&1)"
fi
stop g-bad $bad_pid

# 4. Runtime ranges over the guest kernel's text, on g-good (the kernel
# is there: the text is not all zero bytes).
"$tmp/gdbpoke" "$tmp/g-good.gdb" read $text $textlen > "$tmp/text1" 2> "$tmp/poke.err"
sleep 2
"$tmp/gdbpoke" "$tmp/g-good.gdb" read $text $textlen > "$tmp/text2" 2>> "$tmp/poke.err"
t_sha=$(sha "$tmp/text1")
cat > "$tmp/rt.json" <<EOF
{"version": 1, "selector": {"name": "g-good"}, "mode": "enforce",
 "levels": {"os": {"pcr": ["sha256:$good"]}},
 "runtime": [{"gpa": "$text", "length": $textlen, "sha256": "$t_sha"}]}
EOF
if [ "$(wc -c < "$tmp/text1")" = $textlen ] && cmp -s "$tmp/text1" "$tmp/text2" &&
   [ "$(tr -d "\\000" < "$tmp/text1" | wc -c)" -gt 0 ] &&
   "$tvmctl" policy load "$tmp/rt.json" > "$tmp/rt.load" 2>&1 &&
   "$tvmctl" measure g-good > "$tmp/m1" 2>&1 && grep -qx 'trust: trusted' "$tmp/m1" &&
   "$tvmctl" measure g-good > "$tmp/m2" 2>&1 && grep -qx 'trust: trusted' "$tmp/m2"; then
	ktap_pass guest_kernel_text_range_measures_as_read
else
	ktap_fail guest_kernel_text_range_measures_as_read \
		"$(cat "$tmp/poke.err" "$tmp/rt.load" "$tmp/m1" "$tmp/m2" 2>&1)"
fi

ticks() { grep -c 'tvm-guest: tick' "$tmp/g-good.serial"; }
old=$(od -An -tx1 -j $((poke - text)) -N 1 "$tmp/text1" | tr -d ' ')
new=$(printf '%02x' $(( 0x$old ^ 0xff )))
t0=$(ticks)
"$tmp/gdbpoke" "$tmp/g-good.gdb" write $poke "$new" 2> "$tmp/poke.err"
"$tvmctl" measure g-good > "$tmp/m3" 2>&1
sleep 3
t1=$(ticks); sleep 3; t2=$(ticks)
if grep -qx 'trust: untrusted' "$tmp/m3" &&
   grep -q "runtime: range $text+$textlen does not match its digest" "$tmp/m3" &&
   [ "$t0" -gt 0 ] && [ "$t1" = "$t2" ]; then
	ktap_pass guest_gdbstub_write_to_kernel_text_caught_and_stopped
else
	ktap_fail guest_gdbstub_write_to_kernel_text_caught_and_stopped \
		"$(cat "$tmp/poke.err" "$tmp/m3"; echo "ticks $t0 before the write, $t1 then $t2 after"; tail -n 3 "$tmp/g-good.out")"
fi
stop g-good $good_pid

# 5. Nothing of the guests is left behind.
sleep 1
if ! "$tvmctl" vm list 2>&1 | grep -q ' g-\(file\|good\|bad\) '; then
	ktap_pass guest_instances_go_with_qemu
else
	ktap_fail guest_instances_go_with_qemu "$("$tvmctl" vm list 2>&1)"
fi
echo "# guest.sh took $(($(date +%s) - start)) s"
ktap_finish
