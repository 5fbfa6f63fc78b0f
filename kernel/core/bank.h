/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCR banks: the hash algorithm behind each enum tvm_bank, and TPM 2.0
 * extend.  The algorithms are allocated once at module init and shared by
 * every VM; hashing uses a descriptor of the caller's own (on its stack,
 * or in its tvm_multihash), so any number of callers may hash at once.
 */
#ifndef _TVM_BANK_H
#define _TVM_BANK_H

#include <linux/types.h>
#include <linux/tvm.h>

int tvm_bank_init(void);
void tvm_bank_uninit(void);

/* @out = H_bank(@data). */
int tvm_bank_hash(unsigned int bank, const void *data, size_t len, u8 *out);

/* TPM 2.0 extend: @out = H_bank(@pcr || @digest); @out may be @pcr. */
int tvm_bank_extend(unsigned int bank, const u8 *pcr, const u8 *digest,
		    u8 *out);

/*
 * A hash of a stream in every bank of a mask at once, for data too large
 * to hold (a file): alloc, update any number of times, final, free.
 */
struct tvm_multihash;

struct tvm_multihash *tvm_multihash_alloc(u32 banks);
int tvm_multihash_update(struct tvm_multihash *h, const void *data,
			 size_t len);
/* The digest of every bank of the mask, to @out[bank]. */
int tvm_multihash_final(struct tvm_multihash *h,
			u8 out[][TVM_DIGEST_MAX]);
void tvm_multihash_free(struct tvm_multihash *h);

#endif /* _TVM_BANK_H */
