/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest for minivmm that never stops: it says "r" and a newline on port
 * 0x3f8, so a test knows it runs, then loops inside KVM_RUN until its VMM
 * is killed.  For tests of what happens while a vCPU is in the guest.
 */
	.code16
	.text
	.globl	_start
_start:
	mov	$0x3f8, %dx
	mov	$'r', %al
	out	%al, (%dx)
	mov	$'\n', %al
	out	%al, (%dx)
1:	jmp	1b
