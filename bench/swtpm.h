/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small client for swtpm in socket mode, as QEMU's tpm-emulator backend
 * drives it: one process started per instance, its control channel
 * (swtpm_ioctls(3): a big-endian command code, then the command's request;
 * the reply is the command's response) and its data channel (raw TPM 2.0
 * commands and responses) each a persistent UnixIO connection.
 *
 * Every call returns 0 (or a length), -errno when the connection or the
 * protocol failed, or a positive TPM result code (a control command's
 * ptm_res, a TPM command's responseCode).
 */
#ifndef _TVM_BENCH_SWTPM_H
#define _TVM_BENCH_SWTPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Control command codes (swtpm_ioctls(3), "CMD_..."). */
#define SWTPM_CMD_GET_CAPABILITY	0x01
#define SWTPM_CMD_INIT			0x02
#define SWTPM_CMD_SHUTDOWN		0x03
#define SWTPM_CMD_GET_STATEBLOB		0x0c
#define SWTPM_CMD_SET_STATEBLOB		0x0d
#define SWTPM_CMD_STOP			0x0e

/* CMD_INIT's init_flags: resume from the volatile state, then delete it. */
#define SWTPM_INIT_DELETE_VOLATILE	0x1

/* State blob types, in the order QEMU saves and loads them. */
#define SWTPM_BLOB_PERMANENT		1
#define SWTPM_BLOB_VOLATILE		2
#define SWTPM_BLOB_SAVESTATE		3
#define SWTPM_BLOBS			3

/* state_flags: asked of GET, reported by GET and given back to SET. */
#define SWTPM_STATE_DECRYPTED		0x1
#define SWTPM_STATE_ENCRYPTED		0x2

struct swtpm {
	pid_t pid;		/* the swtpm process, 0 once it is gone */
	int ctrl;		/* control channel connection */
	int data;		/* data channel (TPM commands) connection */
	char dir[200];		/* its state directory, sockets and log */
};

/* One state blob: what CMD_GET_STATEBLOB gave, CMD_SET_STATEBLOB takes. */
struct swtpm_blob {
	uint32_t type;		/* SWTPM_BLOB_* */
	uint32_t flags;		/* state_flags of the GET reply */
	uint32_t len;		/* 0: the TPM has no such blob */
	uint8_t *data;		/* malloc()ed, @len bytes */
};

/* A TPM's whole state, as QEMU puts it in the migration stream. */
struct swtpm_state {
	struct swtpm_blob blob[SWTPM_BLOBS];	/* permanent, volatile, savestate */
};

/*
 * Start `swtpm socket --tpm2` with its state in @dir (made if missing;
 * sockets ctrl.sock and data.sock and swtpm.log in it), flags
 * startup-clear (TPM2_Startup(SU_CLEAR) sent by swtpm itself), and connect
 * to both channels.  0 or -errno; on failure nothing is left running.
 */
int swtpm_start(struct swtpm *t, const char *dir);

/* CMD_SHUTDOWN, then wait for the process (SIGKILL after 10 s). */
int swtpm_stop(struct swtpm *t);

/* Remove a stopped swtpm's directory and everything in it. */
void swtpm_remove_dir(const char *dir);

/*
 * One control command: @cmd and @req_len bytes of request (already
 * big-endian) out, exactly @resp_len bytes of response in.  0 or -errno;
 * the response's own result is the caller's to read.
 */
int swtpm_ctrl(struct swtpm *t, uint32_t cmd, const void *req, size_t req_len,
	       void *resp, size_t resp_len);

/*
 * One TPM command on the data channel: @len bytes out, the whole response
 * (its header's size) into @resp.  The response's length, or -errno
 * (-EMSGSIZE when it does not fit in @size).
 */
ssize_t swtpm_transceive(struct swtpm *t, const void *cmd, size_t len,
			 void *resp, size_t size);

/* CMD_INIT with @flags, CMD_STOP: 0, -errno or the ptm_res. */
int swtpm_init(struct swtpm *t, uint32_t flags);
int swtpm_stop_tpm(struct swtpm *t);

/*
 * CMD_GET_STATEBLOB of @type, decrypted, into @b (its data malloc()ed):
 * the first reply says the total length and carries what it can, further
 * requests at the next offset fetch the rest.  A blob the TPM does not
 * have (a non-fatal result, e.g. no savestate) is returned empty.
 */
int swtpm_get_blob(struct swtpm *t, uint32_t type, struct swtpm_blob *b);

/* CMD_SET_STATEBLOB of @b (header and data in one message); TPM stopped. */
int swtpm_set_blob(struct swtpm *t, const struct swtpm_blob *b);

/* QEMU's save: the permanent, volatile and savestate blobs, in that order. */
int swtpm_get_state(struct swtpm *t, struct swtpm_state *s);

/*
 * QEMU's load: CMD_STOP, CMD_SET_STATEBLOB of each non-empty blob; then
 * swtpm_init(t, SWTPM_INIT_DELETE_VOLATILE) resumes the TPM from them.
 */
int swtpm_set_state(struct swtpm *t, const struct swtpm_state *s);

/* The bytes of all of @s's blobs; freeing them. */
size_t swtpm_state_bytes(const struct swtpm_state *s);
void swtpm_state_free(struct swtpm_state *s);

/*
 * TPM 2.0 commands (Part 3), authorised by a password session with the
 * empty password where one is needed; SHA-256 bank.
 */
int swtpm_pcr_extend(struct swtpm *t, uint32_t pcr, const uint8_t digest[32]);
int swtpm_pcr_read(struct swtpm *t, uint32_t pcr, uint8_t digest[32]);
/* A primary ECC NIST P-256 storage key (restricted decrypt, AES-128-CFB)
 * in the owner hierarchy, its transient handle into @handle. */
int swtpm_create_primary(struct swtpm *t, uint32_t *handle);
/* A primary restricted signing key in the owner hierarchy, as an
 * attestation key is: RSA-2048 RSASSA-SHA256, or with @ecc ECC NIST P-256
 * ECDSA-SHA256; its transient handle into @handle. */
int swtpm_create_ak(struct swtpm *t, bool ecc, uint32_t *handle);
/* TPM2_Quote by @handle over SHA-256 PCRs 0-23 with @nonce (at most 64
 * bytes) as qualifyingData; -EPROTO unless the quoted TPMS_ATTEST's
 * extraData is @nonce; the signature's sigAlg into @sig_alg. */
int swtpm_quote(struct swtpm *t, uint32_t handle, const uint8_t *nonce,
		size_t nonce_len, uint16_t *sig_alg);
/* TPM2_EvictControl by the owner: @handle persisted as @persistent. */
int swtpm_evict_control(struct swtpm *t, uint32_t handle, uint32_t persistent);
/* TPM2_ReadPublic: the object's name (nameAlg and digest) into @name,
 * whose size @len gives; the name's length into @len. */
int swtpm_read_name(struct swtpm *t, uint32_t handle, uint8_t *name,
		    size_t *len);

#endif /* _TVM_BENCH_SWTPM_H */
