/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Portability shim for the shared code under kernel/lib/.
 *
 * A .c file in kernel/lib/ includes this header instead of kernel headers
 * directly, so that the same file builds both into a module (__KERNEL__
 * defined) and into the userspace unit tests under tests/unit/.  In the
 * kernel this only pulls in the real headers; in userspace it provides the
 * small subset of kernel helpers that the shared code relies on, and no
 * more: a helper goes in here with its first user.
 */
#ifndef _TVM_LIB_H
#define _TVM_LIB_H

#ifdef __KERNEL__

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/unaligned.h>

#else /* !__KERNEL__ */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#endif

#ifndef noinline
#define noinline __attribute__((__noinline__))
#endif

#ifndef BIT
#define BIT(nr) (1UL << (nr))
#endif

/**
 * __ffs - the index of the lowest set bit
 * @word: the value; must not be 0
 *
 * Return: the lowest set bit's index, from 0.
 */
static inline unsigned long __ffs(unsigned long word)
{
	return (unsigned long)__builtin_ctzl(word);
}

/**
 * rol32 - rotate a 32-bit value left
 * @word: value to rotate
 * @shift: bits to rotate by; only the low five bits are used
 *
 * Return: @word rotated left by @shift bits.  A @shift of 0 is allowed.
 */
static inline u32 rol32(u32 word, unsigned int shift)
{
	return (word << (shift & 31)) | (word >> ((-shift) & 31));
}

/**
 * hweight32 - the number of bits set in a 32-bit value
 * @w: the value
 *
 * Return: how many of @w's bits are 1.
 */
static inline unsigned int hweight32(u32 w)
{
	return (unsigned int)__builtin_popcount(w);
}

static inline u32 get_unaligned_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline void put_unaligned_be32(u32 val, void *p)
{
	u8 *b = p;

	b[0] = val >> 24;
	b[1] = val >> 16;
	b[2] = val >> 8;
	b[3] = val;
}

static inline u64 get_unaligned_be64(const void *p)
{
	const u8 *b = p;

	return (u64)get_unaligned_be32(b) << 32 | get_unaligned_be32(b + 4);
}

static inline void put_unaligned_be64(u64 val, void *p)
{
	u8 *b = p;

	put_unaligned_be32(val >> 32, b);
	put_unaligned_be32(val, b + 4);
}

static inline u16 get_unaligned_le16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] | b[1] << 8);
}

static inline u32 get_unaligned_le32(const void *p)
{
	const u8 *b = p;

	return b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static inline void put_unaligned_le16(u16 val, void *p)
{
	u8 *b = p;

	b[0] = val;
	b[1] = val >> 8;
}

static inline void put_unaligned_le32(u32 val, void *p)
{
	u8 *b = p;

	b[0] = val;
	b[1] = val >> 8;
	b[2] = val >> 16;
	b[3] = val >> 24;
}

/**
 * memzero_explicit - zero memory in a way the compiler may not elide
 * @s: memory to clear
 * @count: number of bytes
 *
 * Like the kernel's helper: the empty asm takes @s as an input and
 * clobbers memory, so the compiler must assume the zeroed bytes are read
 * and cannot drop the memset() as a dead store.
 */
static inline void memzero_explicit(void *s, size_t count)
{
	memset(s, 0, count);
	__asm__ __volatile__("" : : "r"(s) : "memory");
}

#endif /* __KERNEL__ */

#endif /* _TVM_LIB_H */
