/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCR banks: the hash algorithm behind each enum tvm_bank, and TPM 2.0
 * extend.  The algorithms are allocated once at module init and shared by
 * every VM; hashing uses a descriptor on the caller's stack, so any number
 * of callers may hash at once.
 */
#ifndef _TVM_BANK_H
#define _TVM_BANK_H

#include <linux/types.h>
#include <linux/tvm.h>

int tvm_bank_init(void);
void tvm_bank_uninit(void);

/* Whether the crypto API provides SM3 (else tvm's own is used). */
bool tvm_bank_sm3_is_crypto_api(void);

/* @out = H_bank(@data). */
int tvm_bank_hash(unsigned int bank, const void *data, size_t len, u8 *out);

/* TPM 2.0 extend: @pcr = H_bank(@pcr || @digest), in place. */
int tvm_bank_extend(unsigned int bank, u8 *pcr, const u8 *digest);

#endif /* _TVM_BANK_H */
