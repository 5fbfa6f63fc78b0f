# SPDX-License-Identifier: GPL-2.0
#
# Sourced by what boots a Linux guest under the real QEMU in the real host
# (guest.sh, libvirt.sh, scripts/demo-host.sh).  The real host is itself a guest of QEMU's
# TCG, which emulates SVM for it, so those Linux guests are nested, and
# that emulation sometimes delivers an interrupt to the nested guest while
# the guest's RFLAGS.IF is clear.  Debian's kernel then deadlocks on a lock
# the interrupted code holds (the timer tick's runqueue lock, the
# timekeeping seqcount): the guest is wedged before its init runs.  It
# happens without tvm loaded, with no KVM injection before it
# (kvm:kvm_inj_virq), and for roughly 1 boot in 8 (Documentation/
# testing.rst, "Nested guests the emulator wedges").
#
# irq_with_if_clear REGS STACK: REGS is QEMU's "info registers" of the
# guest, STACK its "x /256gx" from RSP on.  Succeeds, and says where, if
# the vCPU is in kernel mode with IF clear and the stack holds both an
# entry frame (orig_ax -1, kernel RIP, kernel CS 0x10) whose saved RFLAGS
# has IF clear and a return address into the kernel's external-interrupt
# entry stubs (asm_common_interrupt, asm_sysvec_*): an interrupt taken
# where none can be, which no guest code and nothing of tvm's can cause.
# The stubs' addresses are the real host's /proc/kallsyms: the guest runs
# the same kernel, both with nokaslr.  Fails otherwise: a guest stuck for
# any other reason is the test's failure.
irq_with_if_clear() {
	grep -q '^RIP=.*CPL=0' "$1" || return 1
	# "START END" of each entry stub, in hex without 0x.
	awk '$2 ~ /^[tT]$/' "${TVM_KALLSYMS:-/proc/kallsyms}" | sort | awk '
		s != "" { print s, $1; s = "" }
		$3 ~ /^asm_(common_interrupt|spurious_interrupt|sysvec_)/ { s = $1 }' \
		> "$1.stubs"
	[ -s "$1.stubs" ] || return 1
	awk '
		function hex(s,  i, v) { v = 0; s = tolower(s); sub(/^0x/, "", s)
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v }
		BEGIN { ns = n = 0 }
		# "k": compared as strings (mawk reads "0x..." as numbers).
		FILENAME == ARGV[1] { lo[ns] = "k0x" $1; hi[ns++] = "k0x" $2; next }
		FILENAME == ARGV[2] && /^RIP=/ {
			for (i = 1; i <= NF; i++) if ($i ~ /^RFL=/) rfl = hex(substr($i, 5))
			rip = substr($1, 5)
			next }
		FILENAME == ARGV[3] && /^[0-9a-f]+: / {
			for (i = 2; i <= NF; i++) q[n++] = tolower($i) }
		END {
			if (rfl == "" || int(rfl / 512) % 2) exit 1
			for (i = 0; i < n && !stub; i++)
				for (j = 0; j < ns; j++)
					if ("k" q[i] >= lo[j] && "k" q[i] < hi[j]) { stub = 1; break }
			if (!stub) exit 1
			for (i = 0; i + 3 < n; i++)
				if (q[i] == "0xffffffffffffffff" && q[i + 1] ~ /^0xffffffff8/ &&
				    q[i + 2] == "0x0000000000000010" &&
				    q[i + 3] ~ /^0x000000000000[0-9a-f][0-9a-f][0-9a-f][0-9a-f]$/ &&
				    int(hex(q[i + 3]) / 512) % 2 == 0 && int(hex(q[i + 3]) / 2) % 2) {
					printf "vCPU spinning at %s with IF clear; an interrupt was taken at %s with RFLAGS %s (IF clear)\n",
						rip, q[i + 1], q[i + 3]
					exit 0
				}
			exit 1
		}' "$1.stubs" "$1" "$2"
}

# wedged_via HMP NAME DIR: NAME's guest is one the emulator wedged
# (irq_with_if_clear); says how.  "HMP NAME COMMAND" prints what QEMU's
# human monitor of NAME answers to COMMAND; the answers are kept in DIR.
wedged_via() {
	"$1" "$2" 'info registers' 2>&1 | tr -d '\r' > "$3/$2.wregs"
	_rsp=$(sed -n 's/.*RSP=\([0-9a-f]*\).*/\1/p' "$3/$2.wregs")
	[ -n "$_rsp" ] || return 1
	"$1" "$2" "x /256gx 0x$_rsp" 2>&1 | tr -d '\r' > "$3/$2.wstack"
	irq_with_if_clear "$3/$2.wregs" "$3/$2.wstack"
}

# virsh_hmp DOMAIN COMMAND: libvirt's passthrough to QEMU's monitor.
virsh_hmp() {
	virsh -c qemu:///system qemu-monitor-command --hmp "$1" "$2"
}

# domain_wedged DOMAIN DIR: wedged_via for a libvirt domain.
domain_wedged() {
	wedged_via virsh_hmp "$1" "$2"
}
