/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SM3 cryptographic hash, GB/T 32905-2016 (GM/T 0004-2012).
 *
 * Builds both in the kernel and in userspace; see tvm_lib.h.
 */
#ifndef _TVM_SM3_H
#define _TVM_SM3_H

#include "tvm_lib.h"

#define TVM_SM3_DIGEST_SIZE	32
#define TVM_SM3_BLOCK_SIZE	64

/**
 * struct tvm_sm3_ctx - state of an incremental SM3 computation
 * @state: chaining value V_i, eight 32-bit words
 * @count: total number of message bytes hashed so far
 * @buf: message bytes not yet compressed; the first
 *	 @count % %TVM_SM3_BLOCK_SIZE bytes are valid
 */
struct tvm_sm3_ctx {
	u32 state[8];
	u64 count;
	u8 buf[TVM_SM3_BLOCK_SIZE];
};

void tvm_sm3_init(struct tvm_sm3_ctx *ctx);
void tvm_sm3_update(struct tvm_sm3_ctx *ctx, const u8 *data, size_t len);
void tvm_sm3_final(struct tvm_sm3_ctx *ctx, u8 out[TVM_SM3_DIGEST_SIZE]);
void tvm_sm3_digest(const u8 *data, size_t len,
		    u8 out[TVM_SM3_DIGEST_SIZE]);

#endif /* _TVM_SM3_H */
