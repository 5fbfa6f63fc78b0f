/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvm's client for the migration commands (TVM_CMD_MIGRATE_*, ABI 10;
 * the deep quote, ABI 11; Documentation/migration.rst), as client.h is for
 * the others: each function returns 0 or -errno, tvm_nl_extack() then has
 * the kernel's message.  Blobs are opaque here but for their 16-byte
 * header, which mig_blob_kind() and mig_blob_len() read so that tvmctl can
 * name a blob given to the wrong command and split a PREPARE blob from its
 * deep quote; the kernel checks everything itself.
 */
#ifndef _TVM_MIG_CLIENT_H
#define _TVM_MIG_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tvm.h>

#include "client.h"

/* The blob header (migration.rst, "Blobs"). */
#define MIG_BLOB_HDR		16
#define MIG_KIND_PREPARE	1
#define MIG_KIND_EXPORT		2
#define MIG_KIND_COMMIT		3
#define MIG_KIND_ABORT		4

/*
 * The kind of the blob @buf of @len bytes (MIG_KIND_*), 0 when it does
 * not start with a tvm migration blob header.
 */
unsigned int mig_blob_kind(const uint8_t *buf, size_t len);
/*
 * The length of the blob at the start of @buf (@len bytes) as its header
 * and signature length say; 0 when they do not fit in @len.  What follows
 * a PREPARE blob is its deep quote.
 */
size_t mig_blob_len(const uint8_t *buf, size_t len);

/* The deep quote (migration.rst, "The deep quote"): its 8-byte header. */
#define MIG_DEEP_HDR		8
/*
 * Encode a deep quote into @out (TVM_MIG_DEEP_MAX bytes): "TVMQ", version
 * 1, then the TPM key (DER RSAPublicKey), the TPMS_ATTEST and the
 * TPMT_SIGNATURE, each after its u16 length.  0, or -E2BIG.
 */
int mig_deep_encode(const uint8_t *key, size_t key_len,
		    const uint8_t *attest, size_t attest_len,
		    const uint8_t *sig, size_t sig_len, uint8_t *out,
		    size_t *len);
/* "a PREPARE blob", "an EXPORT blob", "a COMMIT receipt", "an ABORT receipt". */
const char *mig_kind_name(unsigned int kind);
/* The text of an enum tvm_mig_state ("frozen", "imported", ...). */
const char *mig_state_name(uint32_t state);
/* The text of an enum tvm_mig_role: "source", "destination". */
const char *mig_role_name(uint32_t role);

/* A migration as MIGRATE_GET gives it. */
struct mig_info {
	uint8_t id[TVM_MIG_ID_SIZE];
	uint32_t role, state;
	bool has_peer, has_vm, has_expires;
	uint8_t peer[TVM_MIG_HOST_ID_SIZE];
	uint32_t vm_id;
	uint32_t expires;
};

/*
 * PREPARE: a new id (TTL @ttl seconds, 0: the kernel's default) and its
 * PREPARE blob, at most TVM_MIG_BLOB_MAX bytes, into @blob.
 */
int tvm_client_mig_prepare(struct tvm_nl *nl, uint32_t ttl,
			   uint8_t id[TVM_MIG_ID_SIZE], uint8_t *blob,
			   size_t *len);
/*
 * EXPORT the VM @sel for the PREPARE blob @blob, with its deep quote
 * @deep (NULL: none): the EXPORT blob is written into the file @fd from
 * offset 0; its size in *@size.
 */
int tvm_client_mig_export(struct tvm_nl *nl, const struct vm_sel *sel,
			  const uint8_t *blob, size_t len, const uint8_t *deep,
			  size_t deep_len, int fd,
			  uint8_t id[TVM_MIG_ID_SIZE], uint64_t *size);
/* IMPORT the EXPORT blob in the file @fd; the VM restored in @vm. */
int tvm_client_mig_import(struct tvm_nl *nl, int fd,
			  uint8_t id[TVM_MIG_ID_SIZE], struct vm_info *vm);
/*
 * COMMIT or ABORT (@cmd): on the destination of @id (@blob NULL), the
 * receipt into @rcpt (TVM_MIG_BLOB_MAX bytes); on the source, the receipt
 * @blob; *@id gets the migration's id either way.
 */
int tvm_client_mig_end(struct tvm_nl *nl, uint8_t cmd,
		       uint8_t id[TVM_MIG_ID_SIZE], const uint8_t *blob,
		       size_t len, uint8_t *rcpt, size_t *rcpt_len);
/* The administrator's override of the frozen VM @sel (MIGRATE_ABORT). */
int tvm_client_mig_override(struct tvm_nl *nl, const struct vm_sel *sel,
			    uint8_t id[TVM_MIG_ID_SIZE]);
/* Every migration, to @fn in turn; its first negative return stops. */
int tvm_client_mig_list(struct tvm_nl *nl,
			int (*fn)(const struct mig_info *m, void *arg),
			void *arg);
/* VM_BIND: the next VM process @pid creates takes migration @id's VM. */
int tvm_client_vm_bind_incoming(struct tvm_nl *nl, pid_t pid,
				const uint8_t id[TVM_MIG_ID_SIZE]);

#endif /* _TVM_MIG_CLIENT_H */
