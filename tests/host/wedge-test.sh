#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/host/wedge.sh's recogniser, on the monitor's output of a guest the
# emulator really wedged (tests/host/wedge-data: "info registers", "x
# /256gx" from RSP, and the entry stubs' lines of that kernel's kallsyms),
# and on that output changed so that it must not match.  KTAP; run by
# scripts/check on the build machine.
dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/../.." && pwd)
. "$top/selftests/tvm/ktap.sh"
. "$dir/wedge.sh"
d=$dir/wedge-data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TVM_KALLSYMS=$d/kallsyms
export TVM_KALLSYMS
ktap_plan 5

# wedge NAME REGS STACK WANT: the recogniser's verdict is WANT (0: wedged).
wedge() {
	cp "$2" "$tmp/regs"
	irq_with_if_clear "$tmp/regs" "$3" > "$tmp/out" 2>&1
	rc=$?
	if [ $rc = "$4" ]; then ktap_pass "$1"
	else ktap_fail "$1" "exit $rc, want $4: $(cat "$tmp/out")"; fi
}

sed 's/RFL=00000002/RFL=00000202/' "$d/regs" > "$tmp/regs.if"
sed 's/CPL=0/CPL=3/' "$d/regs" > "$tmp/regs.user"
sed 's/0x0000000000000096/0x0000000000000296/' "$d/stack" > "$tmp/stack.if"
sed 's/0xffffffff81c00f06/0xffffffff81a5a025/' "$d/stack" > "$tmp/stack.nostub"
wedge wedge_recognises_an_interrupt_taken_with_if_clear "$d/regs" "$d/stack" 0
wedge wedge_not_when_the_vcpu_has_if_set "$tmp/regs.if" "$d/stack" 1
wedge wedge_not_in_user_mode "$tmp/regs.user" "$d/stack" 1
wedge wedge_not_when_the_interrupted_code_had_if_set "$d/regs" "$tmp/stack.if" 1
wedge wedge_not_without_an_interrupt_entry_stub_on_the_stack "$d/regs" "$tmp/stack.nostub" 1
ktap_finish
