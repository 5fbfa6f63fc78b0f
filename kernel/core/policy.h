/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policies: what a VM's measurements must be (ARCHITECTURE 4).  Stored by
 * selector (a UUID, a name, or the default), replaced atomically, read
 * under RCU.
 */
#ifndef _TVM_POLICY_H
#define _TVM_POLICY_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <net/netlink.h>
#include <linux/tvm.h>

#include "api.h"
#include "policy_df.h"
#include "policy_enc.h"
#include "policy_eval.h"

struct key;
struct key_type;
struct netlink_ext_ack;
struct nla_policy;
struct public_key;
union key_payload;
struct nlattr;
struct sk_buff;
struct tvm_event;
struct tvm_vm;

/**
 * struct tvm_selector - which VMs a policy is for
 * @kind: by UUID, by name, or every VM no other policy selects
 * @uuid: with %TVM_SEL_UUID
 * @name: with %TVM_SEL_NAME
 */
struct tvm_selector {
	enum tvm_selector_kind kind;
	u8 uuid[TVM_UUID_SIZE];
	char name[TVM_NAME_MAX + 1];
};

/**
 * struct tvm_policy - one loaded policy; immutable once published
 * @node: in the policy list, under tvm_policy_lock; read under RCU
 * @hnode: in the hash table of its selector kind (UUID or name), under
 *	tvm_policy_lock; read under RCU
 * @ref: one for the policy list while @node is in it, plus one per
 *	tvm_policy_get() not yet put; the last tvm_policy_put() frees the
 *	policy after a grace period, so that an RCU reader may still read it,
 *	or take a reference with refcount_inc_not_zero()
 * @rcu: frees the policy after a grace period
 * @sel: which VMs it is for
 * @mode: enum tvm_policy_mode
 * @is_signed: the signature was verified with the key @key_id
 * @tombstone: a signed delete (TVM_A_POLICY_TOMBSTONE), never published
 * @revision: TVM_A_POLICY_REVISION
 * @key_id: the owner key's id (SHA-256 of its public key), with @is_signed
 * @gen: generation, unique per load
 * @digest: SHA-256 of the canonical encoding, what the owner signed
 * @payload: the TVM_A_POLICY payload as loaded, echoed by POLICY_GET
 * @payload_len: its length
 * @levels: levels 0-4 at index 0-4 (kernel/lib/policy_eval.h judges them)
 * @nranges: entries of @ranges
 * @ranges: runtime ranges (TVM_A_POLICY_RUNTIME), in the order given
 * @df: the dataflow section (TVM_A_POLICY_DATAFLOW; kernel/lib/policy_df.h
 *	judges it), its rules a separate allocation
 * @mig: the migration section (TVM_A_POLICY_MIGRATION; kernel/lib/policy_mig.h
 *	judges it)
 */
struct tvm_policy {
	struct list_head node;
	struct hlist_node hnode;
	refcount_t ref;
	struct rcu_head rcu;
	struct tvm_selector sel;
	u32 mode;
	bool is_signed;
	bool tombstone;
	u32 revision;
	u8 key_id[TVM_KEY_ID_SIZE];
	u64 gen;
	u8 digest[32];
	void *payload;
	u32 payload_len;
	struct tvm_policy_level levels[TVM_POLICY_LEVELS + 1];
	unsigned int nranges;
	struct tvm_range ranges[TVM_POLICY_RANGES_MAX];
	struct tvm_df_section df;
	struct tvm_mig_section mig;
};

extern unsigned int tvm_max_policies;
extern const struct nla_policy tvm_policy_attr_policy[TVM_A_POLICY_MAX + 1];

/* The owner keyring (TVM_OWNER_KEYRING). */
int tvm_policy_init(void);
void tvm_policy_uninit(void);

/* An asymmetric key's RSA public key, or NULL for any other key. */
const struct public_key *tvm_rsa_public(const struct key_type *type,
					const union key_payload *payload);
/* A keyring restriction: RSA public keys only (-EPERM for anything else). */
int tvm_restrict_rsa_public(struct key *keyring, const struct key_type *type,
			    const union key_payload *payload,
			    struct key *restriction_key);

/* A keyring of RSA public keys only, root's, which tvm searches. */
struct key *tvm_rsa_keyring_alloc(const char *name);
/*
 * The RSA public key filed in @keyring under @id in lower-case hex, with a
 * reference: ERR_PTR(-ENOKEY) when none is, ERR_PTR(-EKEYREJECTED) when
 * the key filed there does not hash to @id (SHA-256 of its public key).
 */
struct key *tvm_rsa_key_by_id(struct key *keyring,
			      const u8 id[TVM_KEY_ID_SIZE]);

/* Load (or replace) the policy in @attr, checking @sig against its key. */
int tvm_policy_load(const struct nlattr *attr, const struct nlattr *sig,
		    u64 *gen, struct tvm_selector *sel,
		    struct netlink_ext_ack *extack);
/*
 * Delete the policy @attr selects; @attr is a bare selector, or with @sig
 * a signed tombstone (needed when the selector is pinned to a key).
 */
int tvm_policy_delete(const struct nlattr *attr, const struct nlattr *sig,
		      struct netlink_ext_ack *extack);
/* Parse a selector-only TVM_A_POLICY. */
int tvm_policy_parse_selector(const struct nlattr *attr,
			      struct tvm_selector *sel,
			      struct netlink_ext_ack *extack);

/* The policy for @vm (by UUID, name, default), or NULL; under RCU. */
const struct tvm_policy *tvm_policy_for(const struct tvm_vm *vm);
/* The policy with exactly @sel, or NULL; under RCU. */
const struct tvm_policy *tvm_policy_find(const struct tvm_selector *sel);
/*
 * The policy with exactly @sel, with a reference, or NULL; needs no RCU
 * and may sleep while it holds it.  tvm_policy_put() drops it.
 */
const struct tvm_policy *tvm_policy_get(const struct tvm_selector *sel);
void tvm_policy_put(const struct tvm_policy *p);
/*
 * For a dump: the @index-th policy in the list (0-based), or NULL, under
 * RCU; tvm_policy_generation() changes whenever the list does.
 */
const struct tvm_policy *tvm_policy_nth(unsigned long index);
unsigned int tvm_policy_generation(void);

/*
 * Whether @p has any launch reference (events or PCR values of a level).
 * Runtime ranges are not: they are checked after launch, on PCR 13.
 */
bool tvm_policy_has_references(const struct tvm_policy *p);

/*
 * Check @ev against @p's allow-list for its level; 0 if it matches or the
 * level has no allow-list, else -EPERM with the reason in @reason.
 */
int tvm_policy_check_event(const struct tvm_policy *p,
			   const struct tvm_event *ev, u32 vm_banks,
			   char *reason, size_t len);
/* Check the final PCR values; same return convention. */
int tvm_policy_check_pcrs(const struct tvm_policy *p, u32 vm_banks,
			  u8 pcrs[][TVM_NUM_PCRS][TVM_DIGEST_MAX],
			  char *reason, size_t len);
/* The same for PCR @pcr alone; 0 for a PCR no level's values cover. */
int tvm_policy_check_pcr(const struct tvm_policy *p, unsigned int pcr,
			 u32 vm_banks, u8 pcrs[][TVM_NUM_PCRS][TVM_DIGEST_MAX],
			 char *reason, size_t len);

int tvm_policy_put_selector(struct sk_buff *skb,
			    const struct tvm_selector *sel);

/* The TVM_EV_POLICY data of @p (NULL: no policy). */
void tvm_policy_identity(const struct tvm_policy *p, struct tvm_ev_policy *id);

#endif /* _TVM_POLICY_H */
