// SPDX-License-Identifier: GPL-2.0
/*
 * SM3 cryptographic hash, written from GB/T 32905-2016 (GM/T 0004-2012).
 *
 * Section and symbol names in the comments follow the standard: V is the
 * chaining value, W[0..67] and W'[0..63] the expanded message, T_j the round
 * constants, FF_j/GG_j the boolean functions and P0/P1 the permutations.
 *
 * Shared between the kernel and the userspace unit tests (see tvm_lib.h).
 * Symbols are not exported here; the module that links this file decides.
 * The kernel uses it only where its crypto API has no "sm3", as on the
 * target kernel (kernel/core/Kbuild).
 */

#include "sm3.h"

/* Round constants T_j (spec 4.2). */
#define SM3_T_LO	0x79cc4519U	/* 0 <= j <= 15 */
#define SM3_T_HI	0x7a879d8aU	/* 16 <= j <= 63 */

/* Initial value IV (spec 4.1). */
static const u32 sm3_iv[8] = {
	0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600,
	0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
};

/* Boolean functions (spec 4.3); the _lo forms are for 0 <= j <= 15. */
static inline u32 sm3_ff_lo(u32 x, u32 y, u32 z)
{
	return x ^ y ^ z;
}

static inline u32 sm3_ff_hi(u32 x, u32 y, u32 z)
{
	return (x & y) | (x & z) | (y & z);
}

static inline u32 sm3_gg_lo(u32 x, u32 y, u32 z)
{
	return x ^ y ^ z;
}

static inline u32 sm3_gg_hi(u32 x, u32 y, u32 z)
{
	return (x & y) | (~x & z);
}

/* Permutations (spec 4.4). */
static inline u32 sm3_p0(u32 x)
{
	return x ^ rol32(x, 9) ^ rol32(x, 17);
}

static inline u32 sm3_p1(u32 x)
{
	return x ^ rol32(x, 15) ^ rol32(x, 23);
}

/*
 * One round of the compression function CF (spec 5.3.3).  FF and GG are
 * the boolean functions for this round, t the constant T_j already rotated
 * left by j mod 32, and wj/wpj the expanded words W_j and W'_j.  The
 * register renaming at the end of the round is done by the caller's
 * variable order, so this expands in place with no per-round calls.
 */
#define SM3_ROUND(FF, GG, t, wj, wpj)					\
	do {								\
		u32 a12 = rol32(a, 12);					\
		u32 ss1 = rol32(a12 + e + (t), 7);			\
		u32 ss2 = ss1 ^ a12;					\
		u32 tt1 = FF(a, b, c) + d + ss2 + (wpj);		\
		u32 tt2 = GG(e, f, g) + h + ss1 + (wj);			\
									\
		d = c;							\
		c = rol32(b, 9);					\
		b = a;							\
		a = tt1;						\
		h = g;							\
		g = rol32(f, 19);					\
		f = e;							\
		e = sm3_p0(tt2);					\
	} while (0)

/**
 * sm3_blocks - compress whole 64-byte blocks into the chaining value
 * @state: chaining value V_i, updated to V_(i+n)
 * @data: @nblocks consecutive message blocks, any alignment
 * @nblocks: number of blocks
 *
 * Implements message expansion (spec 5.3.2) and the compression function
 * CF (spec 5.3.3) for each block.  The expanded message is wiped before
 * returning.
 */
static void sm3_blocks(u32 state[8], const u8 *data, size_t nblocks)
{
	u32 w[68];
	u32 a, b, c, d, e, f, g, h;
	unsigned int j;

	while (nblocks--) {
		/* Message expansion: W_0..W_15 are the block, big-endian. */
		for (j = 0; j < 16; j++)
			w[j] = get_unaligned_be32(data + 4 * j);
		for (j = 16; j < 68; j++)
			w[j] = sm3_p1(w[j - 16] ^ w[j - 9] ^
				      rol32(w[j - 3], 15)) ^
			       rol32(w[j - 13], 7) ^ w[j - 6];

		a = state[0];
		b = state[1];
		c = state[2];
		d = state[3];
		e = state[4];
		f = state[5];
		g = state[6];
		h = state[7];

		/* W'_j = W_j ^ W_(j+4) is formed on the fly. */
		for (j = 0; j < 16; j++)
			SM3_ROUND(sm3_ff_lo, sm3_gg_lo, rol32(SM3_T_LO, j),
				  w[j], w[j] ^ w[j + 4]);
		for (j = 16; j < 64; j++)
			SM3_ROUND(sm3_ff_hi, sm3_gg_hi,
				  rol32(SM3_T_HI, j % 32),
				  w[j], w[j] ^ w[j + 4]);

		/* V_(i+1) = ABCDEFGH ^ V_i */
		state[0] ^= a;
		state[1] ^= b;
		state[2] ^= c;
		state[3] ^= d;
		state[4] ^= e;
		state[5] ^= f;
		state[6] ^= g;
		state[7] ^= h;

		data += TVM_SM3_BLOCK_SIZE;
	}

	memzero_explicit(w, sizeof(w));
}

/**
 * tvm_sm3_init - start a new SM3 computation
 * @ctx: context to initialise
 */
void tvm_sm3_init(struct tvm_sm3_ctx *ctx)
{
	memcpy(ctx->state, sm3_iv, sizeof(ctx->state));
	ctx->count = 0;
	memset(ctx->buf, 0, sizeof(ctx->buf));
}

/**
 * tvm_sm3_update - hash more message bytes
 * @ctx: context started with tvm_sm3_init()
 * @data: message bytes; may be NULL if @len is 0
 * @len: number of bytes at @data
 *
 * May be called any number of times with any split of the message; the
 * result depends only on the concatenation of all @data.
 */
void tvm_sm3_update(struct tvm_sm3_ctx *ctx, const u8 *data, size_t len)
{
	size_t used = ctx->count % TVM_SM3_BLOCK_SIZE;
	size_t nblocks;

	if (!len)
		return;

	ctx->count += len;

	if (used) {
		size_t fill = TVM_SM3_BLOCK_SIZE - used;

		if (len < fill) {
			memcpy(ctx->buf + used, data, len);
			return;
		}
		memcpy(ctx->buf + used, data, fill);
		sm3_blocks(ctx->state, ctx->buf, 1);
		data += fill;
		len -= fill;
	}

	nblocks = len / TVM_SM3_BLOCK_SIZE;
	if (nblocks) {
		sm3_blocks(ctx->state, data, nblocks);
		data += nblocks * TVM_SM3_BLOCK_SIZE;
		len -= nblocks * TVM_SM3_BLOCK_SIZE;
	}

	if (len)
		memcpy(ctx->buf, data, len);
}

/**
 * tvm_sm3_final - finish an SM3 computation
 * @ctx: context; wiped on return and must be re-initialised before reuse
 * @out: receives the 32-byte digest
 *
 * Applies the padding of spec 5.2: a single 1 bit, zero bits up to 448 mod
 * 512, then the message length in bits as a 64-bit big-endian integer.
 * The length is taken mod 2^64 bits, as the standard limits messages to
 * fewer than 2^64 bits.
 */
void tvm_sm3_final(struct tvm_sm3_ctx *ctx, u8 out[TVM_SM3_DIGEST_SIZE])
{
	const size_t len_off = TVM_SM3_BLOCK_SIZE - sizeof(u64);
	size_t used = ctx->count % TVM_SM3_BLOCK_SIZE;
	unsigned int i;

	ctx->buf[used++] = 0x80;
	if (used > len_off) {
		/* No room for the length: pad out this block, use another. */
		memset(ctx->buf + used, 0, TVM_SM3_BLOCK_SIZE - used);
		sm3_blocks(ctx->state, ctx->buf, 1);
		used = 0;
	}
	memset(ctx->buf + used, 0, len_off - used);
	put_unaligned_be64(ctx->count << 3, ctx->buf + len_off);
	sm3_blocks(ctx->state, ctx->buf, 1);

	for (i = 0; i < ARRAY_SIZE(ctx->state); i++)
		put_unaligned_be32(ctx->state[i], out + 4 * i);

	memzero_explicit(ctx, sizeof(*ctx));
}

/**
 * tvm_sm3_digest - hash a whole message in one call
 * @data: message; may be NULL if @len is 0
 * @len: message length in bytes
 * @out: receives the 32-byte digest
 */
void tvm_sm3_digest(const u8 *data, size_t len,
		    u8 out[TVM_SM3_DIGEST_SIZE])
{
	struct tvm_sm3_ctx ctx;

	tvm_sm3_init(&ctx);
	tvm_sm3_update(&ctx, data, len);
	tvm_sm3_final(&ctx, out);
}
