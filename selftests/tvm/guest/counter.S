/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest for minivmm that counts forever: a 32-bit counter at 0x3000
 * (DS = 0), incremented in memory; each time it reaches a multiple of
 * 65536 the guest writes it to port 0x3fa (a 4-byte OUT), which minivmm
 * prints as "count N".  Its whole state is that memory and its registers:
 * restored elsewhere (minivmm --save, --restore), it goes on counting
 * from where it was, not from 0.
 */
	.code16
	.text
	.globl	_start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
1:	incl	0x3000
	movl	0x3000, %eax
	testl	$0xffff, %eax
	jnz	1b
	mov	$0x3fa, %dx
	outl	%eax, (%dx)
	jmp	1b
