/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attestation helpers on libcrypto (OpenSSL 3): the attestation key's
 * public half from its modulus and exponent, its PEM form and name, and
 * RSASSA-PKCS1-v1_5 SHA-256 verification; and whole-file reads (quote
 * directories, policies and their signatures) and writes.  Every
 * function returns 0 or -errno unless it says otherwise.
 */
#ifndef _TVM_ATTEST_H
#define _TVM_ATTEST_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* Bytes of an AK's name: SHA-256 of its DER SubjectPublicKeyInfo. */
#define ATTEST_NAME_SIZE	32

/* An RSA public key from big-endian @n and @e; NULL on failure. */
EVP_PKEY *attest_rsa_pub(const uint8_t *n, size_t n_len, const uint8_t *e,
			 size_t e_len);
/* The key's SubjectPublicKeyInfo as PEM, NUL-terminated, in *@pem (free()). */
int attest_pub_pem(EVP_PKEY *key, char **pem);
/* SHA-256 of the key's DER SubjectPublicKeyInfo. */
int attest_pub_name(EVP_PKEY *key, uint8_t name[ATTEST_NAME_SIZE]);
/* A public key from a PEM file (SubjectPublicKeyInfo); -EBADMSG if none. */
int attest_read_pub(const char *path, EVP_PKEY **key);
/*
 * Verify @sig over @msg, RSASSA-PKCS1-v1_5 with SHA-256: 1 good, 0 bad,
 * -errno when it could not be checked.
 */
int attest_verify(EVP_PKEY *key, const uint8_t *msg, size_t msg_len,
		  const uint8_t *sig, size_t sig_len);

/*
 * All of @path into *@buf (free()), at most @max bytes (-EFBIG), with a
 * NUL after them that *@len does not count.
 */
int attest_read_file(const char *path, size_t max, uint8_t **buf,
		     size_t *len);
/* @path (mode 0644) holds exactly @buf: written to a temporary, renamed. */
int attest_write_file(const char *path, const void *buf, size_t len);

#endif /* _TVM_ATTEST_H */
