/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvm's client: every request tvmctl makes of tvm.ko, built, sent and its
 * reply decoded into a struct, so that a caller never sees an attribute.
 * Each function takes an open connection (tvm_nl_open(), nl.h), which
 * one command may use for several requests, and returns 0 or -errno;
 * tvm_nl_extack() on the connection then has the kernel's message, if it
 * sent one.  -EPROTO: a reply was not as include/uapi/linux/tvm.h has it.
 */
#ifndef _TVM_CLIENT_H
#define _TVM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/tvm.h>

#include "nl.h"
#include "parse.h"
#include "policy_json.h"
#include "quote_fmt.h"

/* A VM, as VM_GET, VM_CREATE, VM_LAUNCH and VM_MEASURE reply with it. */
struct vm_info {
	uint32_t id;
	char name[TVM_NAME_MAX + 1];
	uint8_t uuid[TVM_UUID_SIZE];
	uint32_t banks;
	uint32_t state;
	uint32_t log_max;
	uint64_t log_count;
	uint64_t log_bytes;
	uint64_t log_refused;
	/* ABI 3: trust (when @has_trust), reasons (oldest first), policy. */
	bool has_trust;
	uint32_t trust;
	uint64_t policy_gen;
	unsigned int nreasons;
	char reasons[TVM_REASONS_MAX][TVM_REASON_MAX + 1];
	/* ABI 5: the VMM's pid (0: none, made with VM_CREATE), a KVM VM. */
	uint32_t pid;
	bool kvm;
	/* ABI 8: the vhost-vsock guest CIDs bound to it (tvm_vsock). */
	unsigned int ncids;
	uint32_t cids[TVM_VM_CIDS_MAX];
	/* ABI 9: its integrity level (when @has_level), 0-4. */
	bool has_level;
	uint32_t level;
	/* ABI 10: where it is in a migration (enum tvm_mig_state), if it is. */
	bool has_migration;
	uint32_t migration;
};

/* The text of an enum tvm_vm_state. */
const char *vm_state_name(uint32_t state);
/* The text of an enum tvm_trust: "pending", "trusted", ... */
const char *vm_trust_name(uint32_t trust);

/* What VM_CREATE is given: a name, and what else is set. */
struct vm_create_args {
	const char *name;
	bool has_uuid, has_banks, has_log_max;
	uint8_t uuid[TVM_UUID_SIZE];
	uint32_t banks;
	uint32_t log_max;
};

int tvm_client_vm_create(struct tvm_nl *nl, const struct vm_create_args *a,
			 struct vm_info *vm);
/* Every VM, to @fn in turn; its first negative return stops the dump. */
int tvm_client_vm_list(struct tvm_nl *nl,
		       int (*fn)(const struct vm_info *vm, void *arg),
		       void *arg);
/* The VM @sel selects, as it is now, or after the command. */
int tvm_client_vm_get(struct tvm_nl *nl, const struct vm_sel *sel,
		      struct vm_info *vm);
int tvm_client_vm_launch(struct tvm_nl *nl, const struct vm_sel *sel,
			 struct vm_info *vm);
int tvm_client_vm_measure(struct tvm_nl *nl, const struct vm_sel *sel,
			  struct vm_info *vm);
/* A VM reply's attributes into @vm, as every VM request decodes them. */
int tvm_client_vm_decode(struct nlattr **tb, struct vm_info *vm);
/* VM_DELETE replies with nothing: @vm is left alone (may be NULL). */
int tvm_client_vm_delete(struct tvm_nl *nl, const struct vm_sel *sel,
			 struct vm_info *vm);
/**
 * struct bind_file - a file a binding measures into its VM's PCR 9
 * @name: the event's name
 * @fd: the file, open for reading
 */
struct bind_file {
	const char *name;
	int fd;
};

/*
 * Bind the process @pid to a new VM @name with @uuid (VM_BIND), and with
 * the @nfiles files of @files (ABI 12; none when @nfiles is 0).
 */
int tvm_client_vm_bind(struct tvm_nl *nl, pid_t pid, const char *name,
		       const uint8_t uuid[TVM_UUID_SIZE],
		       const struct bind_file *files, unsigned int nfiles);
/*
 * The late bind (ABI 11): the KVM VM @pid created already, which never
 * ran, takes @name and @uuid; the VM of the reply into @vm.
 */
int tvm_client_vm_bind_created(struct tvm_nl *nl, pid_t pid, const char *name,
			       const uint8_t uuid[TVM_UUID_SIZE],
			       struct vm_info *vm);
/*
 * Hand tvm the open file @fd to measure into PCR 9 of the VM @sel under
 * @name; the VM's id and the event's sequence number come back.
 */
int tvm_client_measure_file(struct tvm_nl *nl, const struct vm_sel *sel,
			    int fd, const char *name, uint32_t *id,
			    uint64_t *seq);

/* Which PCRs: bank @bank when >= 0 (else all), PCRs @mask if @has_mask. */
struct pcr_sel {
	int bank;
	bool has_mask;
	uint32_t mask;
};

/* What a PCR read returned, by bank and index. */
struct pcr_values {
	uint32_t id;
	uint64_t log_count;
	uint32_t have[__TVM_BANK_MAX];	/* PCRs returned, per bank */
	uint8_t digest[__TVM_BANK_MAX][TVM_NUM_PCRS][TVM_DIGEST_MAX];
};

int tvm_client_pcr_read(struct tvm_nl *nl, const struct vm_sel *sel,
			const struct pcr_sel *ps, struct pcr_values *pv);

/* The event an extend logs. */
struct pcr_event {
	bool has_type;
	uint32_t type;
	const uint8_t *data;
	size_t data_len;
	uint32_t digest_banks;
	uint8_t digests[__TVM_BANK_MAX][TVM_DIGEST_MAX];
};

/* Extend PCR @pcr with @ev, or reset it; *@seq: the event logged. */
int tvm_client_pcr_extend(struct tvm_nl *nl, const struct vm_sel *sel,
			  unsigned int pcr, const struct pcr_event *ev,
			  uint64_t *seq);
int tvm_client_pcr_reset(struct tvm_nl *nl, const struct vm_sel *sel,
			 unsigned int pcr, uint64_t *seq);

/* One event of a batched extend (ABI 13): VM @sel's PCR @pcr, with @ev. */
struct pcr_batch_event {
	struct vm_sel sel;
	unsigned int pcr;
	struct pcr_event ev;
};

/* Where an event of a batch was logged. */
struct pcr_batch_done {
	uint32_t id;
	uint64_t seq;
};

/*
 * Log and extend the @n (1 to TVM_BATCH_MAX) events of @evs, in order,
 * in one request; @done[i] says where event i went.  On an error,
 * *@failed is the index of the event that failed (those before it were
 * done, it and those after it were not), or -1 when the kernel refused
 * the request whole (nothing was done).
 */
int tvm_client_pcr_extend_batch(struct tvm_nl *nl,
				const struct pcr_batch_event *evs, size_t n,
				struct pcr_batch_done *done, long *failed);

struct tvm_event;
/*
 * The events of the VM @sel's log from @from on, each to @fn as the
 * struct tvm_event tvm_log.c encodes (valid during the call), in order
 * and without a gap (else -EPROTO); @fn's first negative return stops.
 */
int tvm_client_log_dump(struct tvm_nl *nl, const struct vm_sel *sel,
			uint64_t from,
			int (*fn)(const struct tvm_event *ev, void *arg),
			void *arg);

/* The attestation key as AK_SET and AK_GET return it. */
struct ak_info {
	char desc[TVM_KEY_DESC_MAX + 1];
	uint32_t alg;		/* TVM_AK_ALG_RSASSA or TVM_AK_ALG_ECDSA */
	uint32_t bits;
	uint8_t n[512];		/* RSA */
	size_t n_len;
	uint8_t e[8];
	size_t e_len;
	uint8_t x[TVM_AK_EC_BYTES];	/* ECDSA: the P-256 point */
	uint8_t y[TVM_AK_EC_BYTES];
	/* Built from @n and @e or @x and @y: the key, its PEM and its name. */
	struct evp_pkey_st *key;
	char *pem;
	uint8_t name[32];
};

/*
 * The AK now, or after setting it to key @desc, of scheme @alg
 * (TVM_AK_ALG_*; 0 sends none: RSA, and works with a kernel before ABI
 * 13); ak_info_free() it.
 */
int tvm_client_ak_get(struct tvm_nl *nl, struct ak_info *ak);
int tvm_client_ak_set(struct tvm_nl *nl, const char *desc, uint32_t alg,
		      struct ak_info *ak);
void ak_info_free(struct ak_info *ak);

/*
 * A quote: the signed TPMS_ATTEST, its signature, the quoted PCRs.  @sig
 * is the TPMT_SIGNATURE, whichever the scheme @sig_alg (TVM_AK_ALG_*):
 * what goes into quote.sig.
 */
struct quote_reply {
	uint32_t id;
	uint64_t log_count;
	uint8_t attest[QF_ATTEST_MAX];
	size_t attest_len;
	uint32_t sig_alg;
	uint8_t sig[6 + QF_SIG_MAX];
	size_t sig_len;
	struct qf_pcrs pcrs;
};

/*
 * Quote the PCRs @ps (its bank >= 0: one bank, whose values alone may
 * come back) of the VM @sel with @nonce.
 */
int tvm_client_quote(struct tvm_nl *nl, const struct vm_sel *sel,
		     const uint8_t *nonce, size_t nonce_len,
		     const struct pcr_sel *ps, struct quote_reply *q);

/*
 * An encoded policy as POLICY_LOAD and a signed POLICY_DELETE send it:
 * the TVM_A_POLICY attribute policy_encode() made, and its owner's
 * signature if @sig (over policy_canonical()'s bytes).
 */
struct policy_msg {
	const uint8_t *attr;
	size_t len;
	const uint8_t *sig;
	size_t sig_len;
};

/* Load @pm; @reply: the policy's selector, generation and digest. */
int tvm_client_policy_load(struct tvm_nl *nl, const struct policy_msg *pm,
			   struct policy *reply);
/* The whole policy of @sel into @p (policy_free() it), as loaded. */
int tvm_client_policy_get(struct tvm_nl *nl, const struct policy_sel *sel,
			  struct policy *p);
/*
 * Every policy's head (selector, generation, digest, signed; no levels)
 * to @fn in turn, valid during the call; its first negative return stops
 * the dump.  tvm_client_policy_get() has the rest.
 */
int tvm_client_policy_list(struct tvm_nl *nl,
			   int (*fn)(const struct policy *p, void *arg),
			   void *arg);
/* Delete the policy of @sel, or with @pm, the owner's signed delete. */
int tvm_client_policy_delete(struct tvm_nl *nl, const struct policy_sel *sel);
int tvm_client_policy_delete_signed(struct tvm_nl *nl,
				    const struct policy_msg *pm);

/* A notification of the events group, decoded. */
/* A vsock flow, as FLOW_GET and EVENT_FLOW give it (ABI 9). */
struct flow_info {
	uint64_t id;
	uint32_t src_cid, src_port, dst_cid, dst_port;
	bool has_rx, has_tx;		/* else the host, or an unbound CID */
	uint32_t rx_vm, tx_vm;		/* VM ids */
	bool tx_host;			/* the host sends */
	bool measured;			/* the receiver's PCR 14 gets it */
	uint64_t bytes, events;
	uint32_t action;		/* enum tvm_df_action */
	uint32_t state;			/* enum tvm_flow_state */
};

/* The text of an enum tvm_df_action, of an enum tvm_flow_state. */
const char *flow_action_name(uint32_t action);
const char *flow_state_name(uint32_t state);

/*
 * The live flows (of the VM @sel selects, or every one with @sel NULL),
 * to @fn in turn; its first negative return stops the dump.
 */
int tvm_client_flow_list(struct tvm_nl *nl, const struct vm_sel *sel,
			 int (*fn)(const struct flow_info *f, void *arg),
			 void *arg);

struct tvm_notice {
	uint8_t cmd;	/* TVM_CMD_EVENT_TRUST, _POLICY or _FLOW */
	/* TRUST: the VM, its trust before and now, why, its policy. */
	uint32_t id;
	char name[TVM_NAME_MAX + 1];
	bool has_uuid;
	uint8_t uuid[TVM_UUID_SIZE];
	uint32_t trust_old, trust;
	char reason[TVM_REASON_MAX + 1];	/* POLICY: "load", "delete" */
	uint64_t policy_gen;
	/* POLICY: the policy's selector and generation. */
	struct policy policy;
	/* FLOW: the flow blocked or tainted (its action), and why (reason). */
	struct flow_info flow;
};

/*
 * Join the events group: -ENOENT when tvm.ko has none (older than ABI
 * 3).  Then poll tvm_nl_fd() and read what came with
 * tvm_client_notices(): each notification that decodes to @fn (others
 * are passed over), its first negative return stops and is returned;
 * -ENOBUFS: some were lost.
 */
int tvm_client_subscribe(struct tvm_nl *nl);
int tvm_client_notices(struct tvm_nl *nl,
		       int (*fn)(const struct tvm_notice *n, void *arg),
		       void *arg);

#endif /* _TVM_CLIENT_H */
