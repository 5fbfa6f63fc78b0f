/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trusted migration (Documentation/migration.rst).
 *
 * migrate.c: the records, the netlink commands, freezing and restoring a
 * VM, following the transition table of ../lib/mig_lts.h.
 * mig_crypto.c: the cryptography those steps use: ephemeral ECDH P-256
 * keys, HKDF-SHA256, AES-256-GCM, signatures by this host's attestation
 * key and their verification against the %TVM_MIGRATION_KEYRING keyring.
 */
#ifndef _TVM_MIGRATE_H
#define _TVM_MIGRATE_H

#include <linux/types.h>
#include <linux/tvm.h>

struct netlink_ext_ack;
struct tvm_vm;

/* An uncompressed P-256 public key without its 0x04 prefix: X || Y. */
#define TVM_MIG_PUB_SIZE	64
#define TVM_MIG_SECRET_SIZE	32
#define TVM_MIG_KEY_SIZE	32
#define TVM_MIG_IV_SIZE		12
#define TVM_MIG_TAG_SIZE	16
#define TVM_MIG_PLATFORM_PCRS	8

/* mig_crypto.c */

struct tvm_mig_key;

int tvm_mig_crypto_init(void);
void tvm_mig_crypto_exit(void);

/**
 * tvm_mig_key_new - a new ephemeral ECDH P-256 key pair
 * @key: set to the key pair; free with tvm_mig_key_free()
 * @pub: its public key
 *
 * Return: 0 or a negative errno.
 */
int tvm_mig_key_new(struct tvm_mig_key **key, u8 pub[TVM_MIG_PUB_SIZE]);

/**
 * tvm_mig_key_secret - the ECDH shared secret of @key and a peer's key
 * @key: our key pair
 * @peer: the peer's public key
 * @secret: the shared secret (the X coordinate)
 *
 * Return: 0, -EBADMSG when @peer is not a point of the curve, or another
 * negative errno.
 */
int tvm_mig_key_secret(struct tvm_mig_key *key,
		       const u8 peer[TVM_MIG_PUB_SIZE],
		       u8 secret[TVM_MIG_SECRET_SIZE]);

/* Wipe and free @key; NULL is fine. */
void tvm_mig_key_free(struct tvm_mig_key *key);

/**
 * tvm_mig_kdf - the sealing key of a migration: HKDF-SHA256 (RFC 5869)
 *	with the shared secret as input keying material, the migration id as
 *	salt and "tvm migration v1" || @source || @dest as info
 * @secret: the ECDH shared secret
 * @id: the migration id
 * @source: the source's host id
 * @dest: the destination's host id
 * @key: the AES-256-GCM key
 *
 * Return: 0 or a negative errno.
 */
int tvm_mig_kdf(const u8 secret[TVM_MIG_SECRET_SIZE],
		const u8 id[TVM_MIG_ID_SIZE],
		const u8 source[TVM_MIG_HOST_ID_SIZE],
		const u8 dest[TVM_MIG_HOST_ID_SIZE],
		u8 key[TVM_MIG_KEY_SIZE]);

/**
 * tvm_mig_seal - AES-256-GCM encryption in place
 * @key: the key
 * @iv: the nonce
 * @aad: the additional authenticated data
 * @aad_len: its length
 * @buf: @len bytes of plaintext, and room for %TVM_MIG_TAG_SIZE more;
 *	kmalloc'ed or vmalloc'ed (kvmalloc)
 * @len: the plaintext's length
 *
 * Return: 0 (@buf holds the ciphertext and then the tag) or a negative
 * errno.
 */
int tvm_mig_seal(const u8 key[TVM_MIG_KEY_SIZE],
		 const u8 iv[TVM_MIG_IV_SIZE], const u8 *aad, size_t aad_len,
		 u8 *buf, size_t len);

/**
 * tvm_mig_open - AES-256-GCM decryption in place
 * @key: the key
 * @iv: the nonce
 * @aad: the additional authenticated data
 * @aad_len: its length
 * @buf: @len bytes of ciphertext and tag; kvmalloc'ed
 * @len: the ciphertext's length with its tag
 *
 * Return: 0 (@buf holds @len - %TVM_MIG_TAG_SIZE bytes of plaintext),
 * -EBADMSG when the tag does not match, or another negative errno.
 */
int tvm_mig_open(const u8 key[TVM_MIG_KEY_SIZE],
		 const u8 iv[TVM_MIG_IV_SIZE], const u8 *aad, size_t aad_len,
		 u8 *buf, size_t len);

/**
 * tvm_mig_host_id - this host's id: SHA-256 of its attestation key's DER
 *	RSAPublicKey
 * @id: the id
 *
 * Return: 0, or -ENOKEY when no attestation key is set.
 */
int tvm_mig_host_id(u8 id[TVM_MIG_HOST_ID_SIZE]);

/**
 * tvm_mig_sign - sign with this host's attestation key,
 *	RSASSA-PKCS1-v1_5 SHA-256
 * @data: what is signed
 * @len: its length
 * @sig: the signature, %TVM_SIGNATURE_MAX bytes of room
 * @sig_len: its length
 *
 * Return: 0, -ENOKEY when no attestation key is set, or another negative
 * errno.
 */
int tvm_mig_sign(const void *data, size_t len, u8 *sig, u16 *sig_len);

/**
 * tvm_mig_verify - check a peer's signature
 * @host: the peer's host id: its key is the one filed under this id (in
 *	hex) in the %TVM_MIGRATION_KEYRING keyring, and must hash to it
 * @data: what was signed
 * @len: its length
 * @sig: the signature
 * @sig_len: its length
 * @extack: for the reason
 *
 * Return: 0, -ENOKEY when no such key is in the keyring, -EKEYREJECTED
 * when the signature does not verify.
 */
int tvm_mig_verify(const u8 host[TVM_MIG_HOST_ID_SIZE], const void *data,
		   size_t len, const u8 *sig, size_t sig_len,
		   struct netlink_ext_ack *extack);

/**
 * tvm_mig_tpm_key_check - check a TPM key a deep quote carries
 * @der: the key: a DER RSAPublicKey, exactly as OpenSSL's i2d_PublicKey
 *	writes it (minimal lengths and integers, nothing after)
 * @len: its length
 * @id: its id: SHA-256 of @der, as host ids are made
 *
 * Return: 0, or -EBADMSG when @der is not such a key of 2048 to 4096 bits.
 */
int tvm_mig_tpm_key_check(const u8 *der, size_t len, u8 id[32]);

/**
 * tvm_mig_tpm_verify - check a TPM's signature with a key it carries
 * @der: the key, checked by tvm_mig_tpm_key_check()
 * @der_len: its length
 * @data: what was signed (a TPMS_ATTEST)
 * @len: its length
 * @sig: the RSASSA-PKCS1-v1_5 SHA-256 signature
 * @sig_len: its length
 *
 * Return: 0, -EKEYREJECTED when the signature does not verify, or
 * -ENOMEM.
 */
int tvm_mig_tpm_verify(const u8 *der, size_t der_len, const void *data,
		       size_t len, const u8 *sig, size_t sig_len);

/* policy.c */

/**
 * tvm_policy_migration_allows - may @vm go to host @dest?
 * @vm: the VM
 * @dest: the destination's host id
 * @mask: the platform PCRs @platform holds, bit i for PCR i (0-7)
 * @platform: the destination's platform PCR values (SHA-256), indexed by PCR
 * @tpm_key: the id of the TPM key of a deep quote that vouched for them
 *	(checked already), or NULL
 * @extack: for the reason
 *
 * Judged against the migration section of the policy that selects @vm
 * now (Documentation/policy.rst, "Migration").
 *
 * Return: 0, or -EPERM with the reason in @extack.
 */
int tvm_policy_migration_allows(struct tvm_vm *vm,
				const u8 dest[TVM_MIG_HOST_ID_SIZE], u32 mask,
				const u8 platform[TVM_MIG_PLATFORM_PCRS][32],
				const u8 *tpm_key,
				struct netlink_ext_ack *extack);

/* migrate.c: the commands (include/uapi/linux/tvm.h, "Migration") */

int tvm_migrate_init(void);
void tvm_migrate_exit(void);
/* The migration records held now (securityfs stats; read without a lock). */
unsigned int tvm_mig_count(void);

struct file;

/*
 * Each returns 0 or a negative errno with @extack set; the blobs it gives
 * (*@blob, *@len bytes) are the caller's to kfree().
 */
int tvm_mig_prepare(u32 ttl, u8 id[TVM_MIG_ID_SIZE], u8 **blob, size_t *len,
		    struct netlink_ext_ack *extack);
/* @deep, @dlen: the deep quote, or NULL. */
int tvm_mig_export(struct tvm_vm *vm, const u8 *pblob, size_t plen,
		   const u8 *deep, size_t dlen, struct file *out,
		   u8 id[TVM_MIG_ID_SIZE], u64 *size,
		   struct netlink_ext_ack *extack);
/* The imported VM with a reference, or an ERR_PTR. */
struct tvm_vm *tvm_mig_import(struct file *in, u8 id[TVM_MIG_ID_SIZE],
			      struct netlink_ext_ack *extack);
int tvm_mig_commit_dest(const u8 id[TVM_MIG_ID_SIZE], u8 **blob, size_t *len,
			struct netlink_ext_ack *extack);
int tvm_mig_commit_src(const u8 *blob, size_t len, u8 id[TVM_MIG_ID_SIZE],
		       struct netlink_ext_ack *extack);
int tvm_mig_abort_dest(const u8 id[TVM_MIG_ID_SIZE], u8 **blob, size_t *len,
		       struct netlink_ext_ack *extack);
int tvm_mig_abort_src(const u8 *blob, size_t len, u8 id[TVM_MIG_ID_SIZE],
		      struct netlink_ext_ack *extack);
int tvm_mig_override(struct tvm_vm *vm, u8 id[TVM_MIG_ID_SIZE],
		     struct netlink_ext_ack *extack);
/* VM_BIND with TVM_A_MIG_ID: process @pid's next KVM VM takes the VM. */
int tvm_mig_bind(pid_t pid, const u8 id[TVM_MIG_ID_SIZE],
		 struct netlink_ext_ack *extack);

/**
 * struct tvm_mig_info - one record, as MIGRATE_GET shows it
 * @id: the migration id
 * @role: enum tvm_mig_role
 * @state: enum tvm_mig_state
 * @peer_known: @peer is set
 * @peer: the other host's id
 * @vm_id: the VM's id, 0 for none
 * @has_expires: @expires is set (a prepared id)
 * @expires: seconds until it expires
 */
struct tvm_mig_info {
	u8 id[TVM_MIG_ID_SIZE];
	u32 role;
	u32 state;
	bool peer_known;
	u8 peer[TVM_MIG_HOST_ID_SIZE];
	u32 vm_id;
	bool has_expires;
	u32 expires;
};

/* The @n-th record, oldest first: 0, or -ENOENT past the last. */
int tvm_mig_info(unsigned long n, struct tvm_mig_info *info);

#endif /* _TVM_MIGRATE_H */
