/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 under one interface for the kernel and userspace builds of
 * kernel/lib/: the kernel's library functions of <crypto/sha2.h>
 * (lib/crypto/sha256.c, CONFIG_CRYPTO_LIB_SHA256; sha256_update and
 * sha256_final are exported, sha256_init is inline), OpenSSL's in
 * userspace (link with -lcrypto).
 *
 * Apart from tvm_lib.h because <crypto/sha2.h> declares a global sha256()
 * and OpenSSL is not something every user of tvm_lib.h links: include it
 * only where SHA-256 is used.
 */
#ifndef _TVM_SHA256_H
#define _TVM_SHA256_H

#include "tvm_lib.h"

#define TVM_SHA256_DIGEST_SIZE	32

#ifdef __KERNEL__

#include <crypto/sha2.h>

struct tvm_sha256 {
	struct sha256_state st;
};

static inline void tvm_sha256_init(struct tvm_sha256 *ctx)
{
	sha256_init(&ctx->st);
}

static inline void tvm_sha256_update(struct tvm_sha256 *ctx, const u8 *data,
				     size_t len)
{
	sha256_update(&ctx->st, data, len);
}

static inline void tvm_sha256_final(struct tvm_sha256 *ctx,
				    u8 out[TVM_SHA256_DIGEST_SIZE])
{
	sha256_final(&ctx->st, out);
}

#else /* !__KERNEL__ */

#include <openssl/sha.h>

/*
 * OpenSSL's low-level calls: deprecated in OpenSSL 3 but still there, and
 * unlike EVP they need no allocation, so they cannot fail.
 */
struct tvm_sha256 {
	SHA256_CTX st;
};

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static inline void tvm_sha256_init(struct tvm_sha256 *ctx)
{
	SHA256_Init(&ctx->st);
}

static inline void tvm_sha256_update(struct tvm_sha256 *ctx, const u8 *data,
				     size_t len)
{
	SHA256_Update(&ctx->st, data, len);
}

static inline void tvm_sha256_final(struct tvm_sha256 *ctx,
				    u8 out[TVM_SHA256_DIGEST_SIZE])
{
	SHA256_Final(out, &ctx->st);
}

#pragma GCC diagnostic pop

#endif /* __KERNEL__ */

#endif /* _TVM_SHA256_H */
