/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attestation helpers on libcrypto (OpenSSL 3): the attestation key's
 * public half from its modulus and exponent (RSA) or point (P-256), its
 * PEM form and name, and verification of RSASSA-PKCS1-v1_5 and ECDSA
 * SHA-256 signatures; and whole-file reads (quote
 * directories, policies and their signatures) and writes; and the check
 * of a policy's runtime ranges against a quoted log (tvmctl verify).
 * Every function returns 0 or -errno unless it says otherwise.
 */
#ifndef _TVM_ATTEST_H
#define _TVM_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/evp.h>

#include <linux/tvm.h>

/* Bytes of an AK's name: SHA-256 of its DER SubjectPublicKeyInfo. */
#define ATTEST_NAME_SIZE	32

/* An RSA public key from big-endian @n and @e; NULL on failure. */
EVP_PKEY *attest_rsa_pub(const uint8_t *n, size_t n_len, const uint8_t *e,
			 size_t e_len);
/* A P-256 public key from its point's big-endian @x and @y; NULL on failure. */
EVP_PKEY *attest_ec_pub(const uint8_t x[32], const uint8_t y[32]);
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
 * Verify the TPMT_SIGNATURE @tpmt over @msg (quote_fmt.h, qf_tpmt_parse()):
 * RSASSA with an RSA @key, ECDSA with a P-256 one, SHA-256 either way.
 * 1 good, 0 bad (a malformed signature, or one of the other scheme than
 * @key's, is bad), -errno when it could not be checked.
 */
int attest_verify_tpmt(EVP_PKEY *key, const uint8_t *msg, size_t msg_len,
		       const uint8_t *tpmt, size_t tpmt_len);

/*
 * All of @path into *@buf (free()), at most @max bytes (-EFBIG), with a
 * NUL after them that *@len does not count.
 */
int attest_read_file(const char *path, size_t max, uint8_t **buf,
		     size_t *len);
/* @path (mode 0644) holds exactly @buf: written to a temporary, renamed. */
int attest_write_file(const char *path, const void *buf, size_t len);
/*
 * read() into @buf until it holds @len bytes or the file ends, and
 * write() all of @buf, each again after EINTR: the bytes read, and 0;
 * or -errno.
 */
ssize_t attest_read_full(int fd, void *buf, size_t len);
int attest_write_all(int fd, const void *buf, size_t len);

struct qf_log;
struct tvm_range;

/* Longest message a check hands its sink, with the NUL. */
#define ATTEST_MSG_MAX		256

/**
 * struct attest_sink - where a check reports what it finds, one line each
 * @fail: a failed check: the verdict is "untrusted"
 * @note: worth telling the verifier, but no failure
 * @arg: passed to both
 */
struct attest_sink {
	void (*fail)(void *arg, const char *msg);
	void (*note)(void *arg, const char *msg);
	void *arg;
};

/*
 * A policy's runtime ranges against events 0 .. @count - 1 of @log (which
 * must have at least @count events).  Every TVM_EV_RUNTIME event of PCR 13
 * must carry a struct tvm_ev_runtime; one whose gpa and len are those of
 * one of @ranges must be that struct with the range's SHA-256, in data and
 * in digests: in each bank of the log, its digest must be H_bank of it
 * (the policy fixes the data, and so the digests, as a level's event list
 * fixes names and digests).  Each event that does not is a "runtime
 * mismatch" fail naming the range and the event's sequence number.  An
 * event of a range not in @ranges, and a range with no event, are notes.
 * Returns how many events matched a range (checked, passed or not).
 */
unsigned int attest_check_runtime(const struct qf_log *log, size_t count,
				  const struct tvm_range *ranges,
				  unsigned int nranges,
				  const struct attest_sink *sink);

/*
 * What only the kernel logs, against events 0 .. @count - 1 of @log (at
 * most its length), whatever any policy says:
 * - events 0-7 must be TVM_EV_HOST_PCR of PCRs 0-7 and event 8 PCR 8's
 *   TVM_EV_TVM_VERSION (tvm_vm_create() logs them before the VM can be
 *   found); later events in PCRs 0-8 are "foreign event" fails, but for
 *   one TVM_EV_VMM_EXE in PCR 8 when @kvm (the quote says a KVM VM) and
 *   the policy identities (TVM_EV_POLICY) of PCR 8;
 * - an event of one of tvm's types in a PCR the kernel never logs it in,
 *   and an EV_NO_ACTION event that is not tvm's reset marker of PCR 16
 *   or 23 (zero digests), are "foreign event" fails;
 * - the data of each type with a structure must have its size, and
 *   HOST_PCR's magic and PCR, else "log forged";
 * - for each type whose digests the kernel computes from its data
 *   (Documentation/eventlog.rst: all but VMM_EXE, FILE and EXTEND), each
 *   bank's digest must be that, else "log forged" naming the bank: an
 *   edited event that kept its digests replays, and only this sees it.
 * A reserved type this tvmctl does not know is a note.  Returns how many
 * events' digests were checked against their data.
 */
unsigned int attest_check_kernel_events(const struct qf_log *log,
					size_t count, bool kvm,
					const struct attest_sink *sink);

/* tvm's name of an event type ("SLOT"), else "0x%08x" in @buf. */
const char *attest_type_name(uint32_t type, char buf[16]);

/* How a quoted VM's launch was measured, from the signed quote and log. */
enum attest_launch {
	ATTEST_LAUNCH_UNKNOWN,	/* firmwareVersion's ABI < 6: no flags */
	ATTEST_LAUNCH_ADMIN,	/* not a KVM VM: an administrator's extends */
	ATTEST_LAUNCH_ADOPTED,	/* a KVM VM running before tvm_kvm saw it */
	ATTEST_LAUNCH_NOT_YET,	/* a KVM VM with no SLOT event quoted yet */
	ATTEST_LAUNCH_KVM,	/* tvm_kvm measured it: SLOT events in PCR 9 */
};

/*
 * From a quote's firmwareVersion (TVM_QUOTE_FW_*) and events 0 .. @count
 * - 1 of @log (NULL: none): a KVM VM's launch is measured once PCR 9 has
 * its SLOT events, which only the kernel logs (ABI 6).
 */
enum attest_launch attest_launch(uint64_t firmware, const struct qf_log *log,
				 size_t count);
const char *attest_launch_name(enum attest_launch l);

/*
 * An owner key's id (Documentation/policy.rst): SHA-256 of its DER
 * RSAPublicKey.  -EOPNOTSUPP for a key that is not RSA.
 */
int attest_key_id(EVP_PKEY *key, uint8_t id[TVM_KEY_ID_SIZE]);
/*
 * The key id of the key in @path: a certificate (DER or PEM), a PEM
 * public key or a PEM private key; -EBADMSG if it holds none.
 */
int attest_read_key_id(const char *path, uint8_t id[TVM_KEY_ID_SIZE]);

struct policy;
struct tvm_ev_policy;

/* SHA-256 of @p's canonical encoding: the policy's digest. */
int attest_policy_digest(const struct policy *p, uint8_t digest[32]);
/* The TVM_EV_POLICY data tvm logs for @p, whose digest is @digest. */
void attest_policy_identity(const struct policy *p, const uint8_t digest[32],
			    struct tvm_ev_policy *id);

/*
 * The policy identity events (TVM_EV_POLICY, PCR 8) of events 0 ..
 * @count - 1 of @log against @want: each must be @want (a fail names the
 * one that is not), but for an earlier revision signed with the same key
 * (a note); the last must be @want; none at all is a fail.  An event whose
 * digests are not H_bank of its data fails.  Returns how many there were.
 */
unsigned int attest_check_policy_id(const struct qf_log *log, size_t count,
				    const struct tvm_ev_policy *want,
				    const struct attest_sink *sink);

/*
 * The vsock flows the VM received (TVM_EV_FLOW, PCR 14) of events 0 ..
 * @count - 1 of @log against @df, the dataflow section of the VM's policy
 * (none: the policy has none, and everything is measured): each flow's
 * action (what was done: measured, tainted, blocked) must be one the
 * section could have taken for its sender (the host, a VM by UUID, or a
 * CID no VM held) and port, the sender's trust at the time not being in
 * the log (kernel/lib/policy_df.c, tvm_df_possible()).  A flow the
 * section would have blocked that was delivered, or one it treated
 * otherwise, is a "dataflow mismatch" fail naming the event; a FLOW event
 * whose data is not a struct tvm_ev_flow is a fail too.  Returns how many
 * flows were checked.
 */
struct tvm_df_section;
unsigned int attest_check_flows(const struct qf_log *log, size_t count,
				const struct tvm_df_section *df,
				const struct attest_sink *sink);

/*
 * A VM's migrations, from its PCR 15 (TVM_EV_MIGRATION events; their
 * digests are attest_check_kernel_events()'s): one step each.
 */
struct attest_mig_step {
	uint64_t seq;
	uint32_t flags;			/* one TVM_EV_MIG_* */
	uint8_t id[TVM_MIG_ID_SIZE];
	uint8_t source[TVM_MIG_HOST_ID_SIZE];
	uint8_t dest[TVM_MIG_HOST_ID_SIZE];
};

#define ATTEST_MIG_MAX	32

/*
 * The migration events of events 0 .. @count - 1 of @log, in order, into
 * @steps (the first ATTEST_MIG_MAX); returns how many there were.  They
 * must tell one story, else a "migration" fail naming the event: an IN
 * continues the OUT before it (same id, source and destination), a COMMIT
 * the IN before it; an ABORT or OVERRIDE ends the OUT before it, on its
 * source; an OUT leaves the host the VM is on (the destination of the IN
 * before it, if any).  Data that is not a struct tvm_ev_migration with one
 * step is a fail too.  With @host (the quoting AK's host id, as
 * attest_key_id() makes it): a VM that migrated must be on @host (the
 * last IN's destination).  An OVERRIDE is a note that starts with
 * "WARNING": the source's administrator unfroze the VM without the
 * destination's receipt, which may hold a live copy.  A log that ends
 * with an OUT (the VM is frozen or gone here) or an IN (imported, not
 * committed) is a note.
 */
unsigned int attest_check_migrations(const struct qf_log *log, size_t count,
				     const uint8_t *host,
				     struct attest_mig_step *steps,
				     const struct attest_sink *sink);

#endif /* _TVM_ATTEST_H */
