/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest for minivmm: prints a line on port 0x3f8 and halts.  Raw 16-bit
 * real-mode code that runs at any entry address (it finds its string from
 * its own IP); its one CALL pushes at SS:SP = 0:0xfffe, so the guest needs
 * minivmm's default 64 KiB of memory.
 */
	.code16
	.text
	.globl	_start
_start:
	call	1f
1:	pop	%si
	add	$(msg - 1b), %si
	mov	$0x3f8, %dx
2:	lodsb	%cs:(%si), %al
	test	%al, %al
	jz	3f
	out	%al, (%dx)
	jmp	2b
3:	hlt

msg:	.asciz	"hello from a measured guest\n"
