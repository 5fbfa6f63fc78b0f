// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "tvm".  include/uapi/linux/tvm.h draws each
 * command's attributes and lists the errors.  Every operation has its own
 * strict policy; attributes an operation does not take are rejected.
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include <linux/tvm.h>

#include "api.h"
#include "bind.h"
#include "hooks.h"
#include "migrate.h"
#include "netlink.h"
#include "policy.h"
#include "quote.h"
#include "registry.h"
#include "trust.h"
#include "tvm_log.h"
#include "vm.h"

static struct genl_family tvm_family;

/* --- policies ------------------------------------------------------------ */

#define SELECTOR_POLICY							\
	[TVM_A_VM_ID] = NLA_POLICY_MIN(NLA_U32, 1),			\
	[TVM_A_VM_NAME] = { .type = NLA_NUL_STRING, .len = TVM_NAME_MAX }, \
	[TVM_A_VM_UUID] = NLA_POLICY_EXACT_LEN(TVM_UUID_SIZE)

static const struct nla_policy create_policy[TVM_A_MAX + 1] = {
	[TVM_A_VM_NAME] = { .type = NLA_NUL_STRING, .len = TVM_NAME_MAX },
	[TVM_A_VM_UUID] = NLA_POLICY_EXACT_LEN(TVM_UUID_SIZE),
	[TVM_A_VM_BANKS] = NLA_POLICY_MASK(NLA_U32, TVM_BANKS_ALL),
	[TVM_A_VM_LOG_MAX] = NLA_POLICY_MIN(NLA_U32, 16),
};

static const struct nla_policy selector_policy[TVM_A_MAX + 1] = {
	SELECTOR_POLICY,
};

static const struct nla_policy pcr_read_policy[TVM_A_MAX + 1] = {
	SELECTOR_POLICY,
	[TVM_A_PCR_BANK] = NLA_POLICY_MAX(NLA_U32, TVM_BANK_MAX),
	[TVM_A_PCR_MASK] = NLA_POLICY_MASK(NLA_U32, TVM_PCR_MASK_ALL),
};

const struct nla_policy tvm_digest_entry_policy[TVM_A_DIGEST_ENTRY_MAX + 1] = {
	[TVM_A_DIGEST_BANK] = NLA_POLICY_MAX(NLA_U32, TVM_BANK_MAX),
	[TVM_A_DIGEST_VALUE] = { .type = NLA_BINARY, .len = TVM_DIGEST_MAX },
};

const struct nla_policy tvm_digest_list_policy[TVM_A_DIGEST + 1] = {
	[TVM_A_DIGEST] = NLA_POLICY_NESTED(tvm_digest_entry_policy),
};

static const struct nla_policy pcr_extend_policy[TVM_A_MAX + 1] = {
	SELECTOR_POLICY,
	[TVM_A_PCR_INDEX] = NLA_POLICY_MAX(NLA_U32, TVM_NUM_PCRS - 1),
	[TVM_A_EVENT_TYPE] = { .type = NLA_U32 },
	[TVM_A_EVENT_DATA] = { .type = NLA_BINARY, .len = TVM_EVENT_DATA_MAX },
	[TVM_A_EVENT_DIGESTS] = NLA_POLICY_NESTED(tvm_digest_list_policy),
};

/*
 * The highest attribute pcr_extend_policy admits, and so the highest an
 * event of a batch can hold once the request is validated.
 */
#define BATCH_EVENT_ATTR_MAX	TVM_A_EVENT_DIGESTS

/* Each event of a batch holds what a single extend holds. */
static const struct nla_policy batch_list_policy[TVM_A_BATCH_EVENT + 1] = {
	[TVM_A_BATCH_EVENT] = NLA_POLICY_NESTED(pcr_extend_policy),
};

static const struct nla_policy pcr_extend_batch_policy[TVM_A_MAX + 1] = {
	[TVM_A_BATCH] = NLA_POLICY_NESTED(batch_list_policy),
};

static const struct nla_policy pcr_reset_policy[TVM_A_MAX + 1] = {
	SELECTOR_POLICY,
	[TVM_A_PCR_INDEX] = NLA_POLICY_MAX(NLA_U32, TVM_NUM_PCRS - 1),
};

static const struct nla_policy log_dump_policy[TVM_A_MAX + 1] = {
	SELECTOR_POLICY,
	[TVM_A_LOG_FROM] = { .type = NLA_U64 },
};

static const struct nla_policy policy_load_policy[TVM_A_MAX + 1] = {
	[TVM_A_POLICY] = NLA_POLICY_NESTED(tvm_policy_attr_policy),
	[TVM_A_POLICY_SIGNATURE] = NLA_POLICY_RANGE(NLA_BINARY, 1,
						    TVM_SIGNATURE_MAX),
};

/* Operations that take no attributes at all. */
static const struct nla_policy empty_policy[TVM_A_MAX + 1] = {};

static const struct nla_policy ak_set_policy[TVM_A_MAX + 1] = {
	[TVM_A_AK_DESC] = { .type = NLA_NUL_STRING, .len = TVM_KEY_DESC_MAX },
	/* The two values between; ak_set_doit() refuses the others. */
	[TVM_A_AK_ALG] = NLA_POLICY_RANGE(NLA_U32, TVM_AK_ALG_RSASSA,
					  TVM_AK_ALG_ECDSA),
};

static const struct nla_policy quote_policy[TVM_A_MAX + 1] = {
	SELECTOR_POLICY,
	[TVM_A_QUOTE_NONCE] = NLA_POLICY_RANGE(NLA_BINARY, TVM_NONCE_MIN,
					       TVM_NONCE_MAX),
	[TVM_A_PCR_BANK] = NLA_POLICY_MAX(NLA_U32, TVM_BANK_MAX),
	[TVM_A_PCR_MASK] = NLA_POLICY_MASK(NLA_U32, TVM_PCR_MASK_ALL),
};

static const struct nla_policy bfile_entry_policy[TVM_A_BFILE_ENTRY_MAX + 1] = {
	[TVM_A_BFILE_FD] = { .type = NLA_U32 },
	[TVM_A_BFILE_NAME] = { .type = NLA_NUL_STRING,
			       .len = TVM_EVENT_NAME_MAX },
};

static const struct nla_policy bfile_list_policy[TVM_A_BFILE + 1] = {
	[TVM_A_BFILE] = NLA_POLICY_NESTED(bfile_entry_policy),
};

static const struct nla_policy bind_policy[TVM_A_MAX + 1] = {
	[TVM_A_VM_PID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TVM_A_VM_NAME] = { .type = NLA_NUL_STRING, .len = TVM_NAME_MAX },
	[TVM_A_VM_UUID] = NLA_POLICY_EXACT_LEN(TVM_UUID_SIZE),
	[TVM_A_MIG_ID] = NLA_POLICY_EXACT_LEN(TVM_MIG_ID_SIZE),
	[TVM_A_VM_BIND_CREATED] = { .type = NLA_FLAG },
	[TVM_A_VM_BIND_FILES] = NLA_POLICY_NESTED(bfile_list_policy),
};

#define MIG_BLOB_POLICY	NLA_POLICY_RANGE(NLA_BINARY, 1, TVM_MIG_BLOB_MAX)

static const struct nla_policy mig_prepare_policy[TVM_A_MAX + 1] = {
	[TVM_A_MIG_TTL] = NLA_POLICY_RANGE(NLA_U32, TVM_MIG_TTL_MIN,
					   TVM_MIG_TTL_MAX),
};

static const struct nla_policy mig_export_policy[TVM_A_MAX + 1] = {
	SELECTOR_POLICY,
	[TVM_A_MIG_BLOB] = MIG_BLOB_POLICY,
	[TVM_A_MIG_FD] = { .type = NLA_U32 },
	[TVM_A_MIG_DEEP] = NLA_POLICY_RANGE(NLA_BINARY, 1, TVM_MIG_DEEP_MAX),
};

static const struct nla_policy mig_import_policy[TVM_A_MAX + 1] = {
	[TVM_A_MIG_FD] = { .type = NLA_U32 },
};

static const struct nla_policy mig_commit_policy[TVM_A_MAX + 1] = {
	[TVM_A_MIG_ID] = NLA_POLICY_EXACT_LEN(TVM_MIG_ID_SIZE),
	[TVM_A_MIG_BLOB] = MIG_BLOB_POLICY,
};

static const struct nla_policy mig_abort_policy[TVM_A_MAX + 1] = {
	SELECTOR_POLICY,
	[TVM_A_MIG_ID] = NLA_POLICY_EXACT_LEN(TVM_MIG_ID_SIZE),
	[TVM_A_MIG_BLOB] = MIG_BLOB_POLICY,
	[TVM_A_MIG_FORCE] = { .type = NLA_FLAG },
};

static const struct nla_policy measure_file_policy[TVM_A_MAX + 1] = {
	SELECTOR_POLICY,
	[TVM_A_FILE_FD] = { .type = NLA_U32 },
	[TVM_A_FILE_NAME] = { .type = NLA_NUL_STRING,
			      .len = TVM_EVENT_NAME_MAX },
};

static const struct nla_policy policy_sel_policy[TVM_A_MAX + 1] = {
	[TVM_A_POLICY] = NLA_POLICY_NESTED(tvm_policy_attr_policy),
};

/* --- helpers ------------------------------------------------------------- */

/*
 * tvm_pre_doit()'s CAP_SYS_ADMIN check for a dump, which pre_doit does not
 * see: from its first dumpit call, made in the caller's context like a
 * doit (__netlink_dump_start()), before anything is dumped, and with an
 * extack to explain a refusal, which a start callback lacks on 6.1.
 */
static int dump_admin(struct netlink_callback *cb)
{
	if (netlink_capable(cb->skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG(cb->extack, "needs CAP_SYS_ADMIN");
	return -EPERM;
}

/* The request lacks @type: say which, and what it is for; -EINVAL. */
#define missing(info, type, msg) ({					\
	struct netlink_ext_ack *__ext = (info)->extack;			\
									\
	NL_SET_ERR_ATTR_MISS(__ext, NULL, (type));			\
	NL_SET_ERR_MSG(__ext, msg);					\
	-EINVAL;							\
})

/*
 * The VM the request names with exactly one of id, name or UUID, with a
 * reference, or an ERR_PTR with the extack set.
 */
static struct tvm_vm *vm_from_attrs(struct nlattr **attrs,
				    struct netlink_ext_ack *extack)
{
	struct nlattr *sel = NULL;
	struct tvm_vm *vm;
	int n = 0;

	if (attrs[TVM_A_VM_ID]) {
		sel = attrs[TVM_A_VM_ID];
		n++;
	}
	if (attrs[TVM_A_VM_NAME]) {
		sel = attrs[TVM_A_VM_NAME];
		n++;
	}
	if (attrs[TVM_A_VM_UUID]) {
		sel = attrs[TVM_A_VM_UUID];
		n++;
	}
	if (!n) {
		NL_SET_ERR_MSG(extack, "name the VM by id, name or UUID");
		return ERR_PTR(-EINVAL);
	}
	if (n > 1) {
		NL_SET_ERR_MSG_ATTR(extack, sel,
				    "name the VM by only one of id, name and UUID");
		return ERR_PTR(-EINVAL);
	}

	switch (nla_type(sel)) {
	case TVM_A_VM_ID:
		vm = tvm_vm_get_by_id(nla_get_u32(sel));
		break;
	case TVM_A_VM_NAME:
		vm = tvm_vm_get_by_name(nla_data(sel));
		break;
	default:
		vm = tvm_vm_get_by_uuid(nla_data(sel));
		break;
	}
	if (!vm) {
		NL_SET_ERR_MSG_ATTR(extack, sel, "no such VM");
		return ERR_PTR(-ENOENT);
	}
	return vm;
}

static int put_u64(struct sk_buff *skb, int type, u64 v)
{
	return nla_put_u64_64bit(skb, type, v, TVM_A_PAD);
}

/* The attributes of TVM_CMD_VM_GET's reply. */
static int fill_vm(struct sk_buff *skb, struct tvm_vm *vm)
{
	char name[TVM_NAME_MAX + 1];
	u8 uuid[TVM_UUID_SIZE];
	u64 count, bytes, refused;
	enum tvm_vm_state state;
	struct nlattr *list;
	unsigned int i;
	u8 mig;
	int ret = -EMSGSIZE;

	mutex_lock(&vm->lock);
	state = vm->state;
	mig = vm->mig_state;
	count = vm->log_count;
	bytes = vm->log_bytes;
	refused = vm->log_refused;
	if (nla_put_u32(skb, TVM_A_VM_TRUST, vm->trust) ||
	    nla_put_u32(skb, TVM_A_VM_LEVEL,
			vm->trust == TVM_TRUST_TRUSTED ? vm->level : 0) ||
	    put_u64(skb, TVM_A_VM_POLICY_GEN, vm->policy_gen))
		goto unlock;
	list = nla_nest_start(skb, TVM_A_VM_REASONS);
	if (!list)
		goto unlock;
	for (i = 0; i < vm->nreasons; i++)
		if (nla_put_string(skb, TVM_A_REASON, vm->reasons[i]))
			goto unlock;
	nla_nest_end(skb, list);
	list = nla_nest_start(skb, TVM_A_VM_CIDS);
	if (!list)
		goto unlock;
	for (i = 0; i < vm->ncids; i++)
		if (nla_put_u32(skb, TVM_A_VM_CID, vm->cids[i]))
			goto unlock;
	nla_nest_end(skb, list);
	ret = 0;
unlock:
	mutex_unlock(&vm->lock);
	if (ret)
		return ret;

	tvm_vm_ident(vm, name, uuid);	/* a late bind may rename it */
	if (nla_put_u32(skb, TVM_A_VM_ID, vm->id) ||
	    nla_put_string(skb, TVM_A_VM_NAME, name) ||
	    nla_put(skb, TVM_A_VM_UUID, TVM_UUID_SIZE, uuid) ||
	    nla_put_u32(skb, TVM_A_VM_BANKS, vm->banks) ||
	    nla_put_u32(skb, TVM_A_VM_STATE, state) ||
	    nla_put_u32(skb, TVM_A_VM_LOG_MAX, vm->log_max) ||
	    put_u64(skb, TVM_A_VM_LOG_COUNT, count) ||
	    put_u64(skb, TVM_A_VM_LOG_BYTES, bytes) ||
	    put_u64(skb, TVM_A_VM_LOG_REFUSED, refused) ||
	    nla_put_u32(skb, TVM_A_VM_PID, READ_ONCE(vm->pid)) ||
	    (READ_ONCE(vm->kvm) && nla_put_flag(skb, TVM_A_VM_KVM)) ||
	    ((mig == TVM_MIG_S_FROZEN || mig == TVM_MIG_S_GONE ||
	      mig == TVM_MIG_D_IMPORTED) &&
	     nla_put_u32(skb, TVM_A_VM_MIGRATION, mig)))
		return -EMSGSIZE;
	return 0;
}

/*
 * A reply to @info's request, of its command, with room for @size bytes
 * of attributes and its header in *@hdr; or an ERR_PTR.  reply_send()
 * sends or frees it.
 */
static struct sk_buff *reply_new(struct genl_info *info, size_t size,
				 void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	*hdr = genlmsg_put_reply(msg, info, &tvm_family, 0, info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	return msg;
}

/* Send @msg, or when filling it failed with @ret, free it and say so. */
static int reply_send(struct genl_info *info, struct sk_buff *msg, void *hdr,
		      int ret)
{
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int reply_vm(struct genl_info *info, struct tvm_vm *vm)
{
	struct sk_buff *msg;
	void *hdr;

	msg = reply_new(info, NLMSG_DEFAULT_SIZE, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return reply_send(info, msg, hdr, fill_vm(msg, vm));
}

/* A reply of the VM's id and one sequence number. */
static int reply_seq(struct genl_info *info, struct tvm_vm *vm, u64 seq)
{
	struct sk_buff *msg;
	void *hdr;

	msg = reply_new(info, NLMSG_DEFAULT_SIZE, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return reply_send(info, msg, hdr,
			  nla_put_u32(msg, TVM_A_VM_ID, vm->id) ||
			  put_u64(msg, TVM_A_EVENT_SEQ, seq) ? -EMSGSIZE : 0);
}

/* --- VM commands --------------------------------------------------------- */

static int vm_create_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct tvm_vm_params p = {};
	struct tvm_vm *vm;
	int ret;

	if (!attrs[TVM_A_VM_NAME])
		return missing(info, TVM_A_VM_NAME, "a new VM needs a name");
	p.name = nla_data(attrs[TVM_A_VM_NAME]);
	if (attrs[TVM_A_VM_UUID])
		p.uuid = nla_data(attrs[TVM_A_VM_UUID]);
	p.banks = attrs[TVM_A_VM_BANKS] ?
		  nla_get_u32(attrs[TVM_A_VM_BANKS]) : TVM_BANKS_DEFAULT;
	if (attrs[TVM_A_VM_LOG_MAX])
		p.log_max = nla_get_u32(attrs[TVM_A_VM_LOG_MAX]);

	vm = tvm_vm_create(&p, info->extack);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	ret = reply_vm(info, vm);
	tvm_vm_put(vm);
	return ret;
}

static int vm_delete_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tvm_vm *vm = info->user_ptr[0];
	int ret;

	if (vm->kvm) {
		NL_SET_ERR_MSG(info->extack,
			       "the VM is a KVM VM; it goes when its VMM destroys it");
		return -EBUSY;
	}
	ret = tvm_vm_delete(vm);
	if (ret)
		NL_SET_ERR_MSG(info->extack, "VM was deleted meanwhile");
	return ret;
}

static int vm_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return reply_vm(info, info->user_ptr[0]);
}

/*
 * Checks that belong to a dump's start are made in its first dumpit call:
 * on 6.1, a start callback has no extack to explain a rejection.
 */
static int vm_get_first(struct netlink_callback *cb)
{
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;
	int i, ret;

	ret = dump_admin(cb);
	if (ret)
		return ret;
	for (i = 0; i <= TVM_A_MAX; i++) {
		if (attrs[i]) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[i],
					    "a VM dump takes no attributes");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * cb->args[0]: the cursor of tvm_vm_get_next(), the next id to dump, 0
 * when done; cb->args[1]: set after the first call.
 */
static int vm_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tvm_vm *vm;
	void *hdr;
	int ret;
	u32 id;

	if (!cb->args[1]) {
		ret = vm_get_first(cb);
		if (ret)
			return ret;
		cb->args[0] = 1;
		cb->args[1] = 1;
	}
	id = cb->args[0];
	cb->seq = tvm_vm_generation();
	while ((vm = tvm_vm_get_next(&id))) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &tvm_family, NLM_F_MULTI,
				  TVM_CMD_VM_GET);
		ret = hdr ? fill_vm(skb, vm) : -EMSGSIZE;
		if (ret) {
			/* The message is full: this VM comes first next time. */
			if (hdr)
				genlmsg_cancel(skb, hdr);
			id = vm->id;
			tvm_vm_put(vm);
			break;
		}
		tvm_vm_put(vm);
		genl_dump_check_consistent(cb, hdr);
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = id;
	return skb->len;
}

/* --- PCR commands -------------------------------------------------------- */

static size_t pcr_read_size(unsigned int nbanks, unsigned int npcrs)
{
	size_t entry = nla_total_size(0) + 2 * nla_total_size(sizeof(u32)) +
		       nla_total_size(TVM_DIGEST_MAX);

	return nla_total_size(sizeof(u32)) + nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(0) + nbanks * npcrs * entry;
}

/* TVM_A_PCR_VALUES: the PCRs of @mask in each bank of @banks. */
static int put_pcr_values(struct sk_buff *msg, u32 banks, u32 mask,
			  u8 pcrs[][TVM_NUM_PCRS][TVM_DIGEST_MAX])
{
	struct nlattr *list, *entry;
	unsigned int b, i;

	list = nla_nest_start(msg, TVM_A_PCR_VALUES);
	if (!list)
		return -EMSGSIZE;
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(banks & BIT(b)))
			continue;
		for (i = 0; i < TVM_NUM_PCRS; i++) {
			if (!(mask & BIT(i)))
				continue;
			entry = nla_nest_start(msg, TVM_A_PCRV);
			if (!entry ||
			    nla_put_u32(msg, TVM_A_PCRV_BANK, b) ||
			    nla_put_u32(msg, TVM_A_PCRV_INDEX, i) ||
			    nla_put(msg, TVM_A_PCRV_DIGEST, tvm_banks[b].size,
				    pcrs[b][i]))
				return -EMSGSIZE;
			nla_nest_end(msg, entry);
		}
	}
	nla_nest_end(msg, list);
	return 0;
}

static int pcr_read_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	u32 mask = TVM_PCR_MASK_ALL, banks;
	struct tvm_vm *vm = info->user_ptr[0];
	struct tvm_pcr_snapshot *snap;
	struct sk_buff *msg;
	unsigned int b;
	void *hdr;
	int ret;

	banks = vm->banks;
	if (attrs[TVM_A_PCR_BANK]) {
		b = nla_get_u32(attrs[TVM_A_PCR_BANK]);
		if (!(vm->banks & BIT(b))) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[TVM_A_PCR_BANK],
					    "the VM has no such bank");
			return -EINVAL;
		}
		banks = BIT(b);
	}
	if (attrs[TVM_A_PCR_MASK])
		mask = nla_get_u32(attrs[TVM_A_PCR_MASK]);

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	msg = reply_new(info, pcr_read_size(hweight32(banks), hweight32(mask)),
			&hdr);
	if (IS_ERR(msg)) {
		ret = PTR_ERR(msg);
		goto out;
	}
	tvm_vm_snapshot(vm, snap);
	ret = reply_send(info, msg, hdr,
			 nla_put_u32(msg, TVM_A_VM_ID, vm->id) ||
			 put_u64(msg, TVM_A_VM_LOG_COUNT, snap->log_count) ||
			 put_pcr_values(msg, banks, mask, snap->pcrs) ?
			 -EMSGSIZE : 0);
out:
	kfree(snap);
	return ret;
}

/*
 * tvm_digest_parse(), validating @entry against @policy, or not at all if
 * @policy is NULL because the request's policy validated it already.
 */
static const u8 *digest_parse(const struct nlattr *entry,
			      const struct nla_policy *policy, u32 banks,
			      u32 *seen, unsigned int *bank,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TVM_A_DIGEST_ENTRY_MAX + 1];
	unsigned int b;
	int ret;

	ret = __nla_parse(tb, TVM_A_DIGEST_ENTRY_MAX, nla_data(entry),
			  nla_len(entry), policy, NL_VALIDATE_STRICT, extack);
	if (ret)
		return ERR_PTR(ret);
	if (!tb[TVM_A_DIGEST_BANK] || !tb[TVM_A_DIGEST_VALUE]) {
		NL_SET_ERR_MSG_ATTR(extack, entry,
				    "a digest needs a bank and a value");
		return ERR_PTR(-EINVAL);
	}
	b = nla_get_u32(tb[TVM_A_DIGEST_BANK]);
	if (b >= __TVM_BANK_MAX || !(banks & BIT(b))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_DIGEST_BANK],
				    "the VM has no such bank");
		return ERR_PTR(-EINVAL);
	}
	if (seen && (*seen & BIT(b))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_DIGEST_BANK],
				    "two digests for one bank");
		return ERR_PTR(-EINVAL);
	}
	if (nla_len(tb[TVM_A_DIGEST_VALUE]) != tvm_banks[b].size) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_DIGEST_VALUE],
				    "digest size does not match its bank");
		return ERR_PTR(-EINVAL);
	}
	if (seen)
		*seen |= BIT(b);
	*bank = b;
	return nla_data(tb[TVM_A_DIGEST_VALUE]);
}

/**
 * tvm_digest_parse() - one %TVM_A_DIGEST of a digest list
 * @entry: the %TVM_A_DIGEST
 * @banks: the banks it may be of ("the VM has no such bank" otherwise)
 * @seen: NULL, or the banks given already, which it may not repeat; its
 *	bank is added
 * @bank: its bank, set on success
 * @extack: what a rejection is explained in
 *
 * Both the list's attributes are required, and the value is the bank's
 * digest size.
 *
 * Return: the digest, or an ERR_PTR with @extack set.
 */
const u8 *tvm_digest_parse(const struct nlattr *entry, u32 banks, u32 *seen,
			   unsigned int *bank, struct netlink_ext_ack *extack)
{
	return digest_parse(entry, tvm_digest_entry_policy, banks, seen, bank,
			    extack);
}

/*
 * Fill @ev's digests from TVM_A_EVENT_DIGESTS: one per bank of @vm.  The
 * list comes from a request whose policy nests tvm_digest_list_policy
 * (pcr_extend_policy, alone or in a batch), and genetlink validated every
 * nested level of the request strictly before the doit ran: the entries
 * are parsed here without being validated again.
 */
static int parse_digests(struct tvm_vm *vm, struct tvm_event *ev,
			 struct nlattr *list, struct netlink_ext_ack *extack)
{
	const struct nlattr *entry;
	const u8 *digest;
	unsigned int b;
	u32 seen = 0;
	int rem;

	nla_for_each_nested(entry, list, rem) {
		digest = digest_parse(entry, NULL, vm->banks, &seen, &b,
				      extack);
		if (IS_ERR(digest))
			return PTR_ERR(digest);
		memcpy(tvm_event_digest_mut(ev, b), digest, tvm_banks[b].size);
	}
	if (seen != vm->banks) {
		NL_SET_ERR_MSG_ATTR(extack, list,
				    "a digest is needed for every bank of the VM");
		return -EINVAL;
	}
	return 0;
}

/*
 * What an administrator may extend (Documentation/eventlog.rst): PCRs 9-23
 * only, and only the types of TVM_EV_ADMIN_TYPES.  PCRs 0-8 and tvm's
 * reserved types hold what the kernel measured, so that a verifier knows
 * an event there was not claimed by an administrator (EPERM); other types
 * are refused (EINVAL) because TCG tools parse their data by the types'
 * structures, and reject a whole log whose data does not follow one.
 */
static int extend_allowed(struct nlattr **attrs, u32 pcr, u32 type,
			  struct netlink_ext_ack *extack)
{
	static const u32 admin_types[] = TVM_EV_ADMIN_TYPES;
	struct nlattr *type_attr = attrs[TVM_A_EVENT_TYPE];
	unsigned int i;

	if (pcr < TVM_FIRST_ADMIN_PCR) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[TVM_A_PCR_INDEX],
				    "PCRs 0-8 are measured by the kernel only");
		return -EPERM;
	}
	if (type == TVM_EV_NO_ACTION) {
		NL_SET_ERR_MSG_ATTR(extack, type_attr,
				    "EV_NO_ACTION events are never extended");
		return -EINVAL;
	}
	if (type >= TVM_EV_RESERVED_FIRST && type <= TVM_EV_RESERVED_LAST &&
	    type != TVM_EV_EXTEND) {
		NL_SET_ERR_MSG_ATTR(extack, type_attr,
				    "tvm's event types are logged by the kernel only");
		return -EPERM;
	}
	for (i = 0; i < ARRAY_SIZE(admin_types); i++)
		if (type == admin_types[i])
			return 0;
	NL_SET_ERR_MSG_ATTR(extack, type_attr,
			    "event type not extendable (TVM_EXTEND, EV_COMPACT_HASH, EV_IPL are)");
	return -EINVAL;
}

static u32 extend_type(struct nlattr **attrs)
{
	struct nlattr *type = attrs[TVM_A_EVENT_TYPE];

	return type ? nla_get_u32(type) : TVM_EV_EXTEND;
}

/*
 * An extend's checks before its VM is looked up, for one request
 * (tvm_pre_doit()) or one event of a batch: @nest is NULL, or the event's
 * nest, which a missing attribute is missing from.
 */
static int extend_check(struct nlattr **attrs, const struct nlattr *nest,
			struct netlink_ext_ack *extack)
{
	if (!attrs[TVM_A_PCR_INDEX]) {
		NL_SET_ERR_ATTR_MISS(extack, nest, TVM_A_PCR_INDEX);
		NL_SET_ERR_MSG(extack, "which PCR to extend?");
		return -EINVAL;
	}
	return extend_allowed(attrs, nla_get_u32(attrs[TVM_A_PCR_INDEX]),
			      extend_type(attrs), extack);
}

static int pcr_extend_check(struct genl_info *info)
{
	return extend_check(info->attrs, NULL, info->extack);
}

/*
 * The event an extend's @attrs describe for @vm, its digests given or
 * computed from its data; or an ERR_PTR with @extack set.
 */
static struct tvm_event *extend_event(struct tvm_vm *vm, struct nlattr **attrs,
				      struct netlink_ext_ack *extack)
{
	struct tvm_event *ev;
	u32 len = 0;
	int ret;

	if (attrs[TVM_A_EVENT_DATA])
		len = nla_len(attrs[TVM_A_EVENT_DATA]);
	ev = tvm_event_alloc(vm, nla_get_u32(attrs[TVM_A_PCR_INDEX]),
			     extend_type(attrs), len);
	if (!ev)
		return ERR_PTR(-ENOMEM);
	if (len)
		memcpy((u8 *)tvm_event_data(ev),
		       nla_data(attrs[TVM_A_EVENT_DATA]), len);
	if (attrs[TVM_A_EVENT_DIGESTS])
		ret = parse_digests(vm, ev, attrs[TVM_A_EVENT_DIGESTS], extack);
	else
		ret = tvm_event_hash_data(ev);
	if (ret) {
		tvm_event_free(ev);
		return ERR_PTR(ret);
	}
	return ev;
}

/* Explain why tvm_vm_extend() refused with @ret. */
static void extend_refused(int ret, struct netlink_ext_ack *extack)
{
	if (ret == -ENOSPC)
		NL_SET_ERR_MSG(extack, "event log is full");
	else if (ret == -ENOENT)
		NL_SET_ERR_MSG(extack, "VM was deleted meanwhile");
	else if (ret == -EBUSY)
		NL_SET_ERR_MSG(extack,
			       "the VM is frozen: it was exported (migration)");
	else if (ret == -ESTALE)
		NL_SET_ERR_MSG(extack, "the VM migrated away");
}

static int pcr_extend_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tvm_vm *vm = info->user_ptr[0];
	struct tvm_event *ev;
	u64 seq;
	int ret;

	ev = extend_event(vm, info->attrs, info->extack);
	if (IS_ERR(ev))
		return PTR_ERR(ev);
	ret = tvm_vm_extend(vm, ev);	/* takes @ev */
	if (ret) {
		extend_refused(ret, info->extack);
		return ret;
	}
	seq = ev->seq;	/* @ev lives as long as the VM now */
	return reply_seq(info, vm, seq);
}

/* --- batched extend ------------------------------------------------------ */

/* Before anything is done: the batch's size, 1 to TVM_BATCH_MAX events. */
static int pcr_extend_batch_check(struct genl_info *info)
{
	struct nlattr *list = info->attrs[TVM_A_BATCH];
	const struct nlattr *entry;
	int n = 0, rem;

	if (!list)
		return missing(info, TVM_A_BATCH, "no events (TVM_A_BATCH)");
	nla_for_each_nested(entry, list, rem) {
		if (++n > TVM_BATCH_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, entry,
					    "more events than TVM_BATCH_MAX");
			return -E2BIG;
		}
	}
	if (!n) {
		NL_SET_ERR_MSG_ATTR(info->extack, list, "an empty batch");
		return -EINVAL;
	}
	return 0;
}

/*
 * One event of a batch, checked as a single extend is (tvm_pre_doit(),
 * pcr_extend_doit()) and extended within @b; its VM's id and sequence
 * number into @id and @seq.  The policy checked @entry already.
 */
static int batch_event(struct tvm_vm_batch *b, const struct nlattr *entry,
		       struct netlink_ext_ack *extack, u32 *id, u64 *seq)
{
	struct nlattr *attrs[BATCH_EVENT_ATTR_MAX + 1];
	struct tvm_event *ev;
	struct tvm_vm *vm;
	int ret;

	/*
	 * Not validated again: genetlink validated the whole request against
	 * pcr_extend_batch_policy, strictly and through every nested level,
	 * before this doit ran, so @entry holds only attributes of
	 * pcr_extend_policy, each valid, and all at most
	 * BATCH_EVENT_ATTR_MAX (enum tvm_attr only grows at its end); one
	 * past it would be refused here as unknown, not read past @attrs.
	 */
	ret = __nla_parse(attrs, BATCH_EVENT_ATTR_MAX, nla_data(entry),
			  nla_len(entry), NULL, NL_VALIDATE_STRICT, extack);
	if (ret)
		return ret;
	ret = extend_check(attrs, entry, extack);
	if (ret)
		return ret;
	vm = vm_from_attrs(attrs, extack);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	ev = extend_event(vm, attrs, extack);
	if (IS_ERR(ev)) {
		tvm_vm_put(vm);
		return PTR_ERR(ev);
	}
	*id = vm->id;
	ret = tvm_vm_batch_extend(b, vm, ev);	/* takes @vm and @ev */
	if (ret) {
		extend_refused(ret, extack);
		return ret;
	}
	*seq = ev->seq;	/* logged: lives as long as the VM */
	return 0;
}

/* Room for the reply to a batch of @n events. */
static size_t batch_reply_size(int n)
{
	return nla_total_size(sizeof(u32)) + nla_total_size(0) +
	       n * (nla_total_size(0) + nla_total_size(sizeof(u32)) +
		    nla_total_size_64bit(sizeof(u64)));
}

/*
 * The events in order, each VM's lock held across a run of its events;
 * the first failure stops, and its extack names the event
 * (NLMSGERR_ATTR_OFFS) and gives its index (the cookie).  The reply is
 * built as the events go, so that nothing can fail after the last one.
 */
static int pcr_extend_batch_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *list = info->attrs[TVM_A_BATCH];
	struct netlink_ext_ack *extack = info->extack;
	struct tvm_vm_batch b = { NULL };
	const struct nlattr *entry;
	struct nlattr *out, *one;
	struct sk_buff *msg;
	u32 done = 0, id;
	int rem, ret = 0;
	void *hdr;
	u64 seq;

	nla_for_each_nested(entry, list, rem)
		done++;
	msg = reply_new(info, batch_reply_size(done), &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	done = 0;
	out = nla_nest_start(msg, TVM_A_BATCH);
	if (!out)
		goto too_small;

	nla_for_each_nested(entry, list, rem) {
		ret = batch_event(&b, entry, extack, &id, &seq);
		if (ret)
			break;
		done++;
		one = nla_nest_start(msg, TVM_A_BATCH_EVENT);
		if (!one || nla_put_u32(msg, TVM_A_VM_ID, id) ||
		    put_u64(msg, TVM_A_EVENT_SEQ, seq)) {
			/* batch_reply_size() is wrong: a bug, not an input. */
			tvm_vm_batch_end(&b);
			goto too_small;
		}
		nla_nest_end(msg, one);
	}
	tvm_vm_batch_end(&b);
	if (ret) {
		if (!extack->bad_attr)
			NL_SET_BAD_ATTR(extack, entry);
		BUILD_BUG_ON(sizeof(done) > NETLINK_MAX_COOKIE_LEN);
		memcpy(extack->cookie, &done, sizeof(done));
		extack->cookie_len = sizeof(done);
		nlmsg_free(msg);
		return ret;
	}
	nla_nest_end(msg, out);
	return reply_send(info, msg, hdr,
			  nla_put_u32(msg, TVM_A_BATCH_DONE, done) ?
			  -EMSGSIZE : 0);

too_small:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int pcr_reset_check(struct genl_info *info)
{
	if (!info->attrs[TVM_A_PCR_INDEX])
		return missing(info, TVM_A_PCR_INDEX, "which PCR to reset?");
	return 0;
}

static int pcr_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tvm_vm *vm = info->user_ptr[0];
	u64 seq;
	int ret;

	ret = tvm_vm_reset(vm, nla_get_u32(info->attrs[TVM_A_PCR_INDEX]), &seq,
			   info->extack);
	return ret ?: reply_seq(info, vm, seq);
}

/* --- log dump ------------------------------------------------------------ */

/*
 * cb->args[0]: the VM's id, found in the first call (see vm_get_first());
 * cb->args[1]: the next sequence number.
 */
static struct tvm_vm *log_dump_vm(struct netlink_callback *cb)
{
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;
	struct tvm_vm *vm;

	if (cb->args[0]) {
		vm = tvm_vm_get_by_id(cb->args[0]);
		if (!vm) {
			NL_SET_ERR_MSG(cb->extack,
				       "VM was deleted during the dump");
			return ERR_PTR(-ENOENT);
		}
		return vm;
	}
	if (dump_admin(cb))
		return ERR_PTR(-EPERM);
	vm = vm_from_attrs(attrs, cb->extack);
	if (IS_ERR(vm))
		return vm;
	cb->args[0] = vm->id;
	cb->args[1] = attrs[TVM_A_LOG_FROM] ?
		      nla_get_u64(attrs[TVM_A_LOG_FROM]) : 0;
	return vm;
}

static int fill_event(struct sk_buff *skb, u32 id, const struct tvm_event *ev)
{
	struct nlattr *list, *entry;
	unsigned int b;

	if (nla_put_u32(skb, TVM_A_VM_ID, id) ||
	    put_u64(skb, TVM_A_EVENT_SEQ, ev->seq) ||
	    nla_put_u32(skb, TVM_A_PCR_INDEX, ev->pcr) ||
	    nla_put_u32(skb, TVM_A_EVENT_TYPE, ev->type))
		return -EMSGSIZE;
	list = nla_nest_start(skb, TVM_A_EVENT_DIGESTS);
	if (!list)
		return -EMSGSIZE;
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(ev->banks & BIT(b)))
			continue;
		entry = nla_nest_start(skb, TVM_A_DIGEST);
		if (!entry || nla_put_u32(skb, TVM_A_DIGEST_BANK, b) ||
		    nla_put(skb, TVM_A_DIGEST_VALUE, tvm_banks[b].size,
			    tvm_event_digest(ev, b)))
			return -EMSGSIZE;
		nla_nest_end(skb, entry);
	}
	nla_nest_end(skb, list);
	if (nla_put(skb, TVM_A_EVENT_DATA, ev->data_len, tvm_event_data(ev)))
		return -EMSGSIZE;
	return 0;
}

/*
 * Every dump message must fit one event of the largest size.  A dump's
 * messages are as large as the reader's largest recv() so far, or
 * NLMSG_GOODSIZE (under a page) on a socket that has read nothing yet,
 * which an event with TVM_EVENT_DATA_MAX bytes of data does not fit.
 */
static int log_dump_start(struct netlink_callback *cb)
{
	size_t digests = 0;
	unsigned int b;

	for (b = 0; b < __TVM_BANK_MAX; b++)
		digests += nla_total_size(nla_total_size(sizeof(u32)) +
					  nla_total_size(tvm_banks[b].size));
	cb->min_dump_alloc = NLMSG_ALIGN(NLMSG_HDRLEN + GENL_HDRLEN) +
		nla_total_size(sizeof(u32)) +		/* VM_ID */
		nla_total_size_64bit(sizeof(u64)) +	/* EVENT_SEQ */
		2 * nla_total_size(sizeof(u32)) +	/* PCR_INDEX, TYPE */
		nla_total_size(digests) +		/* EVENT_DIGESTS */
		nla_total_size(TVM_EVENT_DATA_MAX);	/* EVENT_DATA */
	return 0;
}

static int log_dump_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct tvm_event *ev;
	struct tvm_vm *vm;
	void *hdr;
	int ret = 0;
	u64 seq;

	vm = log_dump_vm(cb);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	seq = cb->args[1];
	while ((ev = tvm_vm_event(vm, seq))) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &tvm_family, NLM_F_MULTI,
				  TVM_CMD_LOG_DUMP);
		ret = hdr ? fill_event(skb, vm->id, ev) : -EMSGSIZE;
		if (ret) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		seq++;
	}
	tvm_vm_put(vm);
	cb->args[1] = seq;
	/* One event that does not fit an empty message would loop forever. */
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

/* --- launch ------------------------------------------------------------- */

static int vm_launch_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tvm_vm *vm = info->user_ptr[0];
	int ret;

	ret = tvm_vm_launch_admin(vm, info->extack);
	return ret ?: reply_vm(info, vm);
}

/* --- KVM VMs ------------------------------------------------------------ */

/*
 * One %TVM_A_BFILE of TVM_A_VM_BIND_FILES into @f: its name checked
 * against the @n files before it, its file hashed.  Runs in the sender's
 * context: the descriptor is the caller's.
 */
static int bind_file_parse(const struct nlattr *entry,
			   struct tvm_bind_files *files, unsigned int n,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TVM_A_BFILE_ENTRY_MAX + 1];
	struct tvm_bind_file *f = &files->f[n];
	struct file *file;
	unsigned int i;
	int ret;

	ret = nla_parse_nested(tb, TVM_A_BFILE_ENTRY_MAX, entry,
			       bfile_entry_policy, extack);
	if (ret)
		return ret;
	if (!tb[TVM_A_BFILE_FD] || !tb[TVM_A_BFILE_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, entry,
				    "a bound file needs TVM_A_BFILE_FD and TVM_A_BFILE_NAME");
		return -EINVAL;
	}
	if (!*(char *)nla_data(tb[TVM_A_BFILE_NAME])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_BFILE_NAME],
				    "empty file name");
		return -EINVAL;
	}
	strscpy(f->name, nla_data(tb[TVM_A_BFILE_NAME]), sizeof(f->name));
	for (i = 0; i < n; i++) {
		if (!strcmp(files->f[i].name, f->name)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_BFILE_NAME],
					    "two bound files have this name");
			return -EINVAL;
		}
	}
	file = fget(nla_get_u32(tb[TVM_A_BFILE_FD]));
	if (!file) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_BFILE_FD],
				    "not an open file descriptor of the caller");
		return -EBADF;
	}
	ret = tvm_file_digests(file, TVM_BANKS_DEFAULT, f->digests);
	fput(file);
	if (ret == -EINVAL)
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_BFILE_FD],
				    "not a regular file open for reading");
	else if (ret == -EINTR)
		NL_SET_ERR_MSG(extack, "interrupted by a fatal signal");
	else if (ret)
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_BFILE_FD],
				    "cannot read or hash the file");
	return ret;
}

/*
 * TVM_A_VM_BIND_FILES: the files, named and hashed, in a new allocation
 * (*@out, the caller's), or an error with the extack set.
 */
static int bind_files_parse(const struct nlattr *list,
			    struct tvm_bind_files **out,
			    struct netlink_ext_ack *extack)
{
	struct tvm_bind_files *files;
	const struct nlattr *entry;
	int rem, ret;

	*out = NULL;
	files = kzalloc(sizeof(*files), GFP_KERNEL_ACCOUNT);
	if (!files)
		return -ENOMEM;
	nla_for_each_nested(entry, list, rem) {
		ret = -EINVAL;
		if (nla_type(entry) != TVM_A_BFILE) {
			NL_SET_ERR_MSG_ATTR(extack, entry,
					    "TVM_A_VM_BIND_FILES holds TVM_A_BFILE entries only");
			goto err;
		}
		if (files->n >= TVM_BIND_FILES_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, entry,
					    "more than TVM_BIND_FILES_MAX bound files");
			goto err;
		}
		ret = bind_file_parse(entry, files, files->n, extack);
		if (ret)
			goto err;
		files->n++;
	}
	if (!files->n) {
		ret = -EINVAL;
		NL_SET_ERR_MSG_ATTR(extack, list, "TVM_A_VM_BIND_FILES is empty");
		goto err;
	}
	*out = files;
	return 0;
err:
	kfree(files);
	return ret;
}

static int vm_bind_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct tvm_bind_files *files = NULL;
	int ret;

	if (!attrs[TVM_A_VM_PID])
		return missing(info, TVM_A_VM_PID, "which process to bind?");
	if (attrs[TVM_A_VM_BIND_FILES] &&
	    (attrs[TVM_A_VM_BIND_CREATED] || attrs[TVM_A_MIG_ID])) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[TVM_A_VM_BIND_FILES],
				    "bound files are for a VM not created yet: not with TVM_A_VM_BIND_CREATED (use TVM_CMD_MEASURE_FILE) or TVM_A_MIG_ID");
		return -EINVAL;
	}
	if (attrs[TVM_A_VM_BIND_CREATED]) {
		struct tvm_vm *vm;

		if (attrs[TVM_A_MIG_ID]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[TVM_A_MIG_ID],
					    "TVM_A_VM_BIND_CREATED names a VM the process has: no TVM_A_MIG_ID with it");
			return -EINVAL;
		}
		if (!attrs[TVM_A_VM_NAME])
			return missing(info, TVM_A_VM_NAME,
				       "a binding needs a name");
		vm = tvm_vm_bind_created(nla_get_u32(attrs[TVM_A_VM_PID]),
					 nla_data(attrs[TVM_A_VM_NAME]),
					 attrs[TVM_A_VM_UUID] ?
					 nla_data(attrs[TVM_A_VM_UUID]) : NULL,
					 info->extack);
		if (IS_ERR(vm))
			return PTR_ERR(vm);
		ret = reply_vm(info, vm);
		tvm_vm_put(vm);
		return ret;
	}
	if (attrs[TVM_A_MIG_ID]) {
		if (attrs[TVM_A_VM_NAME] || attrs[TVM_A_VM_UUID]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[TVM_A_MIG_ID],
					    "an incoming VM keeps its name and UUID: no TVM_A_VM_NAME or TVM_A_VM_UUID with TVM_A_MIG_ID");
			return -EINVAL;
		}
		return tvm_mig_bind(nla_get_u32(attrs[TVM_A_VM_PID]),
				    nla_data(attrs[TVM_A_MIG_ID]),
				    info->extack);
	}
	if (!attrs[TVM_A_VM_NAME])
		return missing(info, TVM_A_VM_NAME, "a binding needs a name");
	if (attrs[TVM_A_VM_BIND_FILES]) {
		ret = bind_files_parse(attrs[TVM_A_VM_BIND_FILES], &files,
				       info->extack);
		if (ret)
			return ret;
	}
	return tvm_vm_bind(nla_get_u32(attrs[TVM_A_VM_PID]),
			   nla_data(attrs[TVM_A_VM_NAME]),
			   attrs[TVM_A_VM_UUID] ?
			   nla_data(attrs[TVM_A_VM_UUID]) : NULL,
			   files, info->extack);	/* takes @files */
}

static int vm_measure_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tvm_vm *vm = info->user_ptr[0];
	int ret;

	if (!vm->kvm) {
		NL_SET_ERR_MSG(info->extack,
			       "the VM is not a KVM VM; it has no guest memory to measure");
		return -EOPNOTSUPP;
	}
	ret = tvm_hooks_measure(vm, info->extack);
	return ret ?: reply_vm(info, vm);
}

static int measure_file_check(struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;

	if (!attrs[TVM_A_FILE_FD])
		return missing(info, TVM_A_FILE_FD, "which file to measure?");
	if (!attrs[TVM_A_FILE_NAME])
		return missing(info, TVM_A_FILE_NAME, "a measured file needs a name");
	if (!*(char *)nla_data(attrs[TVM_A_FILE_NAME])) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[TVM_A_FILE_NAME],
				    "empty file name");
		return -EINVAL;
	}
	return 0;
}

static int measure_file_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *name = nla_data(info->attrs[TVM_A_FILE_NAME]);
	struct nlattr *fd = info->attrs[TVM_A_FILE_FD];
	struct tvm_vm *vm = info->user_ptr[0];
	struct file *file;
	u64 seq;
	int ret;

	/* Runs in the sender's context: the descriptor is the caller's. */
	file = fget(nla_get_u32(fd));
	if (!file) {
		NL_SET_ERR_MSG_ATTR(info->extack, fd,
				    "not an open file descriptor of the caller");
		return -EBADF;
	}
	ret = tvm_vm_measure_file(vm, TVM_PCR_OS, TVM_EV_FILE, file,
				  name, strlen(name), &seq);
	fput(file);
	if (ret == -EINVAL)
		NL_SET_ERR_MSG_ATTR(info->extack, fd,
				    "not a regular file open for reading");
	else if (ret == -ENOSPC)
		NL_SET_ERR_MSG(info->extack, "event log is full");
	else if (ret == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "VM was deleted meanwhile");
	else if (ret == -EBUSY)
		NL_SET_ERR_MSG(info->extack,
			       "the VM is frozen: it was exported (migration)");
	else if (ret == -ESTALE)
		NL_SET_ERR_MSG(info->extack, "the VM migrated away");
	else if (ret == -EINTR)
		NL_SET_ERR_MSG(info->extack, "interrupted by a fatal signal");
	else if (ret < 0)
		NL_SET_ERR_MSG(info->extack, "cannot read or hash the file");
	return ret ?: reply_seq(info, vm, seq);
}

/* --- policies ------------------------------------------------------------ */

/*
 * A policy's generation, digest and signed flag, and with @sel its
 * selector, key id and revision (which a whole policy's payload already
 * holds).
 */
static int put_policy_head(struct sk_buff *skb, const struct tvm_policy *p,
			   bool sel)
{
	return (sel && (tvm_policy_put_selector(skb, &p->sel) ||
			(p->is_signed &&
			 nla_put(skb, TVM_A_POLICY_KEY_ID, TVM_KEY_ID_SIZE,
				 p->key_id)) ||
			nla_put_u32(skb, TVM_A_POLICY_REVISION, p->revision))) ||
	       nla_put_u64_64bit(skb, TVM_A_POLICY_GEN, p->gen,
				 TVM_A_POLICY_PAD) ||
	       nla_put(skb, TVM_A_POLICY_DIGEST, sizeof(p->digest), p->digest) ||
	       (p->is_signed && nla_put_flag(skb, TVM_A_POLICY_SIGNED)) ?
	       -EMSGSIZE : 0;
}

/*
 * @p inside TVM_A_POLICY: @whole, its payload as loaded followed by its
 * head without the selector, which the payload holds; else its head with
 * the selector, as dumps and events give it.
 */
static int put_policy(struct sk_buff *skb, const struct tvm_policy *p,
		      bool whole)
{
	struct nlattr *nest;
	void *dst;

	nest = nla_nest_start(skb, TVM_A_POLICY);
	if (!nest)
		return -EMSGSIZE;
	if (whole) {
		dst = nla_reserve_nohdr(skb, p->payload_len);
		if (!dst)
			goto cancel;
		memcpy(dst, p->payload, p->payload_len);
	}
	if (put_policy_head(skb, p, !whole))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int policy_load_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tvm_selector sel;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	u64 gen;
	int ret;

	if (!info->attrs[TVM_A_POLICY])
		return missing(info, TVM_A_POLICY, "no policy given");
	ret = tvm_policy_load(info->attrs[TVM_A_POLICY],
			      info->attrs[TVM_A_POLICY_SIGNATURE], &gen, &sel,
			      info->extack);
	if (ret)
		return ret;

	msg = reply_new(info, NLMSG_DEFAULT_SIZE, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	nest = nla_nest_start(msg, TVM_A_POLICY);
	ret = !nest || tvm_policy_put_selector(msg, &sel) ||
	      nla_put_u64_64bit(msg, TVM_A_POLICY_GEN, gen, TVM_A_POLICY_PAD) ?
	      -EMSGSIZE : 0;
	if (!ret)
		nla_nest_end(msg, nest);
	return reply_send(info, msg, hdr, ret);
}

static int policy_delete_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[TVM_A_POLICY])
		return missing(info, TVM_A_POLICY, "which policy?");
	return tvm_policy_delete(info->attrs[TVM_A_POLICY],
				 info->attrs[TVM_A_POLICY_SIGNATURE],
				 info->extack);
}

/*
 * One policy, whole: its payload as loaded followed by its generation,
 * digest and signed flag, all inside TVM_A_POLICY.  The reference keeps
 * the policy found while the reply is allocated for its size and filled,
 * even if it is replaced or deleted meanwhile.
 */
static int policy_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct tvm_policy *p;
	struct tvm_selector sel;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (!info->attrs[TVM_A_POLICY])
		return missing(info, TVM_A_POLICY, "which policy?");
	ret = tvm_policy_parse_selector(info->attrs[TVM_A_POLICY], &sel,
					info->extack);
	if (ret)
		return ret;

	p = tvm_policy_get(&sel);
	if (!p) {
		NL_SET_ERR_MSG(info->extack, "no such policy");
		return -ENOENT;
	}
	msg = reply_new(info, nla_total_size(p->payload_len) + 256, &hdr);
	ret = IS_ERR(msg) ? PTR_ERR(msg) :
	      reply_send(info, msg, hdr, put_policy(msg, p, true));
	tvm_policy_put(p);
	return ret;
}

/*
 * A dump lists every policy's selector, generation, digest and signed
 * flag; the whole of one comes from a get by selector.
 * cb->args[0]: the next index; cb->args[1]: set after the first call.
 */
static int policy_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct tvm_policy *p;
	unsigned long i;
	void *hdr;
	int ret = 0;

	if (!cb->args[1]) {
		ret = vm_get_first(cb);
		if (ret)
			return ret;
		cb->args[1] = 1;
	}
	cb->seq = tvm_policy_generation();
	rcu_read_lock();
	for (i = cb->args[0]; (p = tvm_policy_nth(i)); i++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &tvm_family, NLM_F_MULTI,
				  TVM_CMD_POLICY_GET);
		if (!hdr)
			break;
		if (put_policy(skb, p, false)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		genlmsg_end(skb, hdr);
	}
	rcu_read_unlock();
	cb->args[0] = i;
	return skb->len;
}

/* --- flows (tvm_vsock) --------------------------------------------------- */

/* TVM_A_FLOW: one flow, as FLOW_GET and EVENT_FLOW give it. */
static int put_flow(struct sk_buff *skb, const struct tvm_flow_info *fi)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TVM_A_FLOW);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, TVM_A_FLOW_ID, fi->id, TVM_A_FLOW_PAD) ||
	    nla_put_u32(skb, TVM_A_FLOW_SRC_CID, fi->src_cid) ||
	    nla_put_u32(skb, TVM_A_FLOW_SRC_PORT, fi->src_port) ||
	    nla_put_u32(skb, TVM_A_FLOW_DST_CID, fi->dst_cid) ||
	    nla_put_u32(skb, TVM_A_FLOW_DST_PORT, fi->dst_port) ||
	    (fi->rx && nla_put_u32(skb, TVM_A_FLOW_RX_VM, fi->rx->id)) ||
	    (fi->tx && nla_put_u32(skb, TVM_A_FLOW_TX_VM, fi->tx->id)) ||
	    (fi->tx_host && nla_put_flag(skb, TVM_A_FLOW_TX_HOST)) ||
	    nla_put_u64_64bit(skb, TVM_A_FLOW_BYTES, fi->bytes,
			      TVM_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, TVM_A_FLOW_EVENTS, fi->events,
			      TVM_A_FLOW_PAD) ||
	    nla_put_u32(skb, TVM_A_FLOW_ACTION, fi->action) ||
	    nla_put_u32(skb, TVM_A_FLOW_STATE, fi->state) ||
	    (fi->measured && nla_put_flag(skb, TVM_A_FLOW_MEASURED))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

struct flow_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

/* One message per flow (tvm_flow_put_t); never sleeps. */
static int flow_dump_put(void *ctx, const struct tvm_flow_info *fi)
{
	struct flow_dump_ctx *c = ctx;
	void *hdr;

	hdr = genlmsg_put(c->skb, NETLINK_CB(c->cb->skb).portid,
			  c->cb->nlh->nlmsg_seq, &tvm_family, NLM_F_MULTI,
			  TVM_CMD_FLOW_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (put_flow(c->skb, fi)) {
		genlmsg_cancel(c->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(c->skb, hdr);
	return 0;
}

/*
 * cb->args[0]: the next flow id; cb->args[1]: set after the first call;
 * cb->args[2]: the id of the VM the dump is filtered by, 0 for none.
 * The first call checks the caller and finds the VM (see vm_get_first()).
 */
static int flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;
	struct flow_dump_ctx c = { .skb = skb, .cb = cb };
	struct tvm_vm *vm = NULL;
	u64 pos;
	int ret;

	if (!cb->args[1]) {
		ret = dump_admin(cb);
		if (ret)
			return ret;
		if (attrs[TVM_A_VM_ID] || attrs[TVM_A_VM_NAME] ||
		    attrs[TVM_A_VM_UUID]) {
			vm = vm_from_attrs(attrs, cb->extack);
			if (IS_ERR(vm))
				return PTR_ERR(vm);
			cb->args[2] = vm->id;
		}
		cb->args[0] = 1;
		cb->args[1] = 1;
	} else if (cb->args[2]) {
		vm = tvm_vm_get_by_id(cb->args[2]);
		if (!vm) {
			NL_SET_ERR_MSG(cb->extack,
				       "VM was deleted during the dump");
			return -ENOENT;
		}
	}
	pos = cb->args[0];
	ret = tvm_hooks_flow_dump(vm, &pos, flow_dump_put, &c);
	tvm_vm_put(vm);
	cb->args[0] = pos;
	if (ret == -EOPNOTSUPP) {
		NL_SET_ERR_MSG(cb->extack, "tvm_vsock is not loaded");
		return ret;
	}
	/* A flow that does not fit an empty message would loop forever. */
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

/* --- attestation -------------------------------------------------------- */

static int reply_ak(struct genl_info *info, const struct tvm_ak_info *ak)
{
	struct sk_buff *msg;
	void *hdr;

	msg = reply_new(info, NLMSG_DEFAULT_SIZE, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (ak->alg == TVM_AK_ALG_ECDSA)
		return reply_send(info, msg, hdr,
				  nla_put_string(msg, TVM_A_AK_DESC, ak->desc) ||
				  nla_put_u32(msg, TVM_A_AK_ALG, ak->alg) ||
				  nla_put_u32(msg, TVM_A_AK_BITS, ak->bits) ||
				  nla_put(msg, TVM_A_AK_EC_X, sizeof(ak->x),
					  ak->x) ||
				  nla_put(msg, TVM_A_AK_EC_Y, sizeof(ak->y),
					  ak->y) ?
				  -EMSGSIZE : 0);
	return reply_send(info, msg, hdr,
			  nla_put_string(msg, TVM_A_AK_DESC, ak->desc) ||
			  nla_put_u32(msg, TVM_A_AK_ALG, ak->alg) ||
			  nla_put_u32(msg, TVM_A_AK_BITS, ak->bits) ||
			  nla_put(msg, TVM_A_AK_MODULUS, ak->n_len, ak->n) ||
			  nla_put(msg, TVM_A_AK_EXPONENT, ak->e_len, ak->e) ?
			  -EMSGSIZE : 0);
}

static int ak_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a = info->attrs[TVM_A_AK_ALG];
	u32 alg = a ? nla_get_u32(a) : TVM_AK_ALG_RSASSA;
	struct tvm_ak_info *ak;
	int ret;

	if (!info->attrs[TVM_A_AK_DESC])
		return missing(info, TVM_A_AK_DESC, "which key?");
	if (alg != TVM_AK_ALG_RSASSA && alg != TVM_AK_ALG_ECDSA) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "the AK's scheme is TPM_ALG_RSASSA or TPM_ALG_ECDSA");
		return -EINVAL;
	}
	ak = kmalloc(sizeof(*ak), GFP_KERNEL);
	if (!ak)
		return -ENOMEM;
	ret = tvm_ak_set(nla_data(info->attrs[TVM_A_AK_DESC]), alg, ak,
			 info->extack);
	if (!ret)
		ret = reply_ak(info, ak);
	kfree(ak);
	return ret;
}

static int ak_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tvm_ak_info *ak;
	int ret;

	ak = kmalloc(sizeof(*ak), GFP_KERNEL);
	if (!ak)
		return -ENOMEM;
	ret = tvm_ak_get(ak, info->extack);
	if (!ret)
		ret = reply_ak(info, ak);
	kfree(ak);
	return ret;
}

static int quote_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	u32 mask = TVM_PCR_MASK_ALL, bank = TVM_BANK_SHA256;
	struct tvm_vm *vm = info->user_ptr[0];
	struct tvm_quote *q;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (attrs[TVM_A_PCR_BANK])
		bank = nla_get_u32(attrs[TVM_A_PCR_BANK]);
	if (attrs[TVM_A_PCR_MASK])
		mask = nla_get_u32(attrs[TVM_A_PCR_MASK]);
	if (!(vm->banks & BIT(bank))) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[TVM_A_PCR_BANK],
				    "the VM has no such bank");
		return -EINVAL;
	}
	if (!mask) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[TVM_A_PCR_MASK],
				    "quote at least one PCR");
		return -EINVAL;
	}

	q = kmalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	ret = tvm_quote(vm, nla_data(attrs[TVM_A_QUOTE_NONCE]),
			nla_len(attrs[TVM_A_QUOTE_NONCE]), bank, mask, q,
			info->extack);
	if (ret)
		goto out;

	msg = reply_new(info, nla_total_size(q->attest_len) +
			nla_total_size(sizeof(u32)) +
			nla_total_size(q->sig_len) +
			pcr_read_size(1, hweight32(mask)), &hdr);
	if (IS_ERR(msg)) {
		ret = PTR_ERR(msg);
		goto out;
	}
	ret = reply_send(info, msg, hdr,
			 nla_put_u32(msg, TVM_A_VM_ID, vm->id) ||
			 put_u64(msg, TVM_A_VM_LOG_COUNT, q->log_count) ||
			 nla_put_u32(msg, TVM_A_AK_ALG, q->sig_alg) ||
			 nla_put(msg, TVM_A_QUOTE_ATTEST, q->attest_len,
				 q->attest) ||
			 nla_put(msg, TVM_A_QUOTE_SIGNATURE, q->sig_len, q->sig) ||
			 put_pcr_values(msg, BIT(bank), mask, q->pcrs) ?
			 -EMSGSIZE : 0);
out:
	kfree(q);
	return ret;
}

static int quote_check(struct genl_info *info)
{
	if (!info->attrs[TVM_A_QUOTE_NONCE])
		return missing(info, TVM_A_QUOTE_NONCE, "a quote needs a nonce");
	return 0;
}

/* --- migration ---------------------------------------------------------- */

/* A reply of a migration id and, if @blob, a blob. */
static int reply_mig(struct genl_info *info, const u8 *id, const u8 *blob,
		     size_t len)
{
	struct sk_buff *msg;
	void *hdr;

	msg = reply_new(info, nla_total_size(TVM_MIG_ID_SIZE) +
			nla_total_size(len), &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return reply_send(info, msg, hdr,
			  nla_put(msg, TVM_A_MIG_ID, TVM_MIG_ID_SIZE, id) ||
			  (blob && nla_put(msg, TVM_A_MIG_BLOB, len, blob)) ?
			  -EMSGSIZE : 0);
}

static int mig_prepare_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ttl = info->attrs[TVM_A_MIG_TTL];
	u8 id[TVM_MIG_ID_SIZE];
	size_t len;
	u8 *blob;
	int ret;

	ret = tvm_mig_prepare(ttl ? nla_get_u32(ttl) : TVM_MIG_TTL_DEFAULT, id,
			      &blob, &len, info->extack);
	if (ret)
		return ret;
	ret = reply_mig(info, id, blob, len);
	kfree(blob);
	return ret;
}

/* The caller's file descriptor TVM_A_MIG_FD, or an ERR_PTR. */
static struct file *mig_fd(struct genl_info *info)
{
	struct nlattr *fd = info->attrs[TVM_A_MIG_FD];
	struct file *file;

	/* Runs in the sender's context: the descriptor is the caller's. */
	file = fget(nla_get_u32(fd));
	if (!file) {
		NL_SET_ERR_MSG_ATTR(info->extack, fd,
				    "not an open file descriptor of the caller");
		return ERR_PTR(-EBADF);
	}
	return file;
}

static int mig_export_check(struct genl_info *info)
{
	if (!info->attrs[TVM_A_MIG_BLOB])
		return missing(info, TVM_A_MIG_BLOB, "EXPORT needs the PREPARE blob");
	if (!info->attrs[TVM_A_MIG_FD])
		return missing(info, TVM_A_MIG_FD,
			       "EXPORT needs a file for the EXPORT blob");
	return 0;
}

static int mig_export_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *blob = info->attrs[TVM_A_MIG_BLOB];
	struct nlattr *deep = info->attrs[TVM_A_MIG_DEEP];
	struct tvm_vm *vm = info->user_ptr[0];
	u8 id[TVM_MIG_ID_SIZE];
	struct sk_buff *msg;
	struct file *file;
	u64 size;
	void *hdr;
	int ret;

	file = mig_fd(info);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = tvm_mig_export(vm, nla_data(blob), nla_len(blob),
			     deep ? nla_data(deep) : NULL,
			     deep ? nla_len(deep) : 0, file, id, &size,
			     info->extack);
	fput(file);
	if (ret)
		return ret;
	msg = reply_new(info, NLMSG_DEFAULT_SIZE, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return reply_send(info, msg, hdr,
			  nla_put(msg, TVM_A_MIG_ID, TVM_MIG_ID_SIZE, id) ||
			  put_u64(msg, TVM_A_MIG_SIZE, size) ? -EMSGSIZE : 0);
}

static int mig_import_check(struct genl_info *info)
{
	if (!info->attrs[TVM_A_MIG_FD])
		return missing(info, TVM_A_MIG_FD,
			       "IMPORT needs the file of the EXPORT blob");
	return 0;
}

static int mig_import_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 id[TVM_MIG_ID_SIZE];
	struct sk_buff *msg;
	struct file *file;
	struct tvm_vm *vm;
	void *hdr;
	int ret;

	file = mig_fd(info);
	if (IS_ERR(file))
		return PTR_ERR(file);
	vm = tvm_mig_import(file, id, info->extack);
	fput(file);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	msg = reply_new(info, NLMSG_DEFAULT_SIZE, &hdr);
	ret = PTR_ERR_OR_ZERO(msg);
	if (!ret)
		ret = reply_send(info, msg, hdr,
				 nla_put(msg, TVM_A_MIG_ID, TVM_MIG_ID_SIZE, id) ?
				 -EMSGSIZE : fill_vm(msg, vm));
	tvm_vm_put(vm);
	return ret;
}

/* Exactly one of TVM_A_MIG_ID and TVM_A_MIG_BLOB (COMMIT, ABORT). */
static int mig_id_or_blob(struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;

	if (attrs[TVM_A_MIG_ID] && attrs[TVM_A_MIG_BLOB]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[TVM_A_MIG_BLOB],
				    "TVM_A_MIG_ID (destination) or TVM_A_MIG_BLOB (source), not both");
		return -EINVAL;
	}
	if (!attrs[TVM_A_MIG_ID] && !attrs[TVM_A_MIG_BLOB])
		return missing(info, TVM_A_MIG_ID,
			       "TVM_A_MIG_ID (destination) or TVM_A_MIG_BLOB (source)");
	return 0;
}

static int mig_commit_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	u8 id[TVM_MIG_ID_SIZE];
	u8 *blob = NULL;
	size_t len = 0;
	int ret;

	ret = mig_id_or_blob(info);
	if (ret)
		return ret;
	if (attrs[TVM_A_MIG_ID]) {
		memcpy(id, nla_data(attrs[TVM_A_MIG_ID]), sizeof(id));
		ret = tvm_mig_commit_dest(id, &blob, &len, info->extack);
	} else {
		ret = tvm_mig_commit_src(nla_data(attrs[TVM_A_MIG_BLOB]),
					 nla_len(attrs[TVM_A_MIG_BLOB]), id,
					 info->extack);
	}
	if (ret)
		return ret;
	ret = reply_mig(info, id, blob, len);
	kfree(blob);
	return ret;
}

static int mig_abort_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	bool sel = attrs[TVM_A_VM_ID] || attrs[TVM_A_VM_NAME] ||
		   attrs[TVM_A_VM_UUID];
	u8 id[TVM_MIG_ID_SIZE];
	struct tvm_vm *vm;
	u8 *blob = NULL;
	size_t len = 0;
	int ret;

	if (attrs[TVM_A_MIG_FORCE]) {
		if (attrs[TVM_A_MIG_ID] || attrs[TVM_A_MIG_BLOB]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[TVM_A_MIG_FORCE],
					    "the override names the VM only: no TVM_A_MIG_ID or TVM_A_MIG_BLOB");
			return -EINVAL;
		}
		vm = vm_from_attrs(attrs, info->extack);
		if (IS_ERR(vm))
			return PTR_ERR(vm);
		ret = tvm_mig_override(vm, id, info->extack);
		tvm_vm_put(vm);
	} else {
		if (sel) {
			NL_SET_ERR_MSG(info->extack,
				       "a VM is named only with TVM_A_MIG_FORCE (the override)");
			return -EINVAL;
		}
		ret = mig_id_or_blob(info);
		if (ret)
			return ret;
		if (attrs[TVM_A_MIG_ID]) {
			memcpy(id, nla_data(attrs[TVM_A_MIG_ID]), sizeof(id));
			ret = tvm_mig_abort_dest(id, &blob, &len, info->extack);
		} else {
			ret = tvm_mig_abort_src(nla_data(attrs[TVM_A_MIG_BLOB]),
						nla_len(attrs[TVM_A_MIG_BLOB]),
						id, info->extack);
		}
	}
	if (ret)
		return ret;
	ret = reply_mig(info, id, blob, len);
	kfree(blob);
	return ret;
}

static int fill_mig(struct sk_buff *skb, const struct tvm_mig_info *mi)
{
	return nla_put(skb, TVM_A_MIG_ID, TVM_MIG_ID_SIZE, mi->id) ||
	       nla_put_u32(skb, TVM_A_MIG_ROLE, mi->role) ||
	       nla_put_u32(skb, TVM_A_MIG_STATE, mi->state) ||
	       (mi->peer_known &&
		nla_put(skb, TVM_A_MIG_PEER, TVM_MIG_HOST_ID_SIZE, mi->peer)) ||
	       (mi->vm_id && nla_put_u32(skb, TVM_A_VM_ID, mi->vm_id)) ||
	       (mi->has_expires &&
		nla_put_u32(skb, TVM_A_MIG_EXPIRES, mi->expires)) ?
	       -EMSGSIZE : 0;
}

/* cb->args[0]: the next record's index; cb->args[1]: set after the first call. */
static int mig_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tvm_mig_info mi;
	unsigned long n;
	void *hdr;
	int ret;

	if (!cb->args[1]) {
		ret = vm_get_first(cb);
		if (ret)
			return ret;
		cb->args[1] = 1;
	}
	for (n = cb->args[0]; !tvm_mig_info(n, &mi); n++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &tvm_family, NLM_F_MULTI,
				  TVM_CMD_MIGRATE_GET);
		if (!hdr)
			break;
		if (fill_mig(skb, &mi)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = n;
	return skb->len;
}

/* --- the events group ---------------------------------------------------- */

enum tvm_mcgrp { TVM_MCGRP_EVENTS_ID };

static const struct genl_multicast_group tvm_mcgrps[] = {
	[TVM_MCGRP_EVENTS_ID] = {
		.name = TVM_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_SYS_ADMIN,
	},
};

/*
 * A message of @cmd for the events group, its header in *@hdr; NULL when
 * nobody listens, or without memory (an event is lost, never an error of
 * what caused it).  event_send() sends or frees it.
 */
static struct sk_buff *event_new(u8 cmd, void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&tvm_family, &init_net, TVM_MCGRP_EVENTS_ID))
		return NULL;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &tvm_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send @msg to the group, or when filling it failed (@ret), free it. */
static void event_send(struct sk_buff *msg, void *hdr, int ret)
{
	if (ret) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&tvm_family, msg, 0, TVM_MCGRP_EVENTS_ID, GFP_KERNEL);
}

void tvm_netlink_trust_event(struct tvm_vm *vm, int old, int new,
			     const char *reason)
{
	struct sk_buff *msg;
	void *hdr;

	msg = event_new(TVM_CMD_EVENT_TRUST, &hdr);
	if (!msg)
		return;
	event_send(msg, hdr,
		   nla_put_u32(msg, TVM_A_VM_ID, vm->id) ||
		   nla_put_string(msg, TVM_A_VM_NAME, vm->name) ||
		   nla_put(msg, TVM_A_VM_UUID, TVM_UUID_SIZE, vm->uuid) ||
		   nla_put_u32(msg, TVM_A_TRUST_OLD, old) ||
		   nla_put_u32(msg, TVM_A_VM_TRUST, new) ||
		   nla_put_string(msg, TVM_A_REASON, reason) ||
		   put_u64(msg, TVM_A_VM_POLICY_GEN, vm->policy_gen) ?
		   -EMSGSIZE : 0);
}

void tvm_netlink_policy_event(const struct tvm_policy *p, const char *action)
{
	struct sk_buff *msg;
	void *hdr;

	msg = event_new(TVM_CMD_EVENT_POLICY, &hdr);
	if (!msg)
		return;
	event_send(msg, hdr,
		   put_policy(msg, p, false) ||
		   nla_put_string(msg, TVM_A_REASON, action) ? -EMSGSIZE : 0);
}

void tvm_flow_event(const struct tvm_flow_info *fi, const char *reason)
{
	struct sk_buff *msg;
	void *hdr;

	msg = event_new(TVM_CMD_EVENT_FLOW, &hdr);
	if (!msg)
		return;
	event_send(msg, hdr,
		   put_flow(msg, fi) ||
		   nla_put_string(msg, TVM_A_REASON, reason) ? -EMSGSIZE : 0);
}
EXPORT_SYMBOL_GPL(tvm_flow_event);

/* --- the family ---------------------------------------------------------- */

/*
 * What an operation checks of its request before its VM is looked up
 * (tvm_pre_doit()), so that a request with a missing attribute is told so
 * whatever VM it names.
 */
static int (* const tvm_checks[__TVM_CMD_MAX])(struct genl_info *info) = {
	[TVM_CMD_PCR_EXTEND] = pcr_extend_check,
	[TVM_CMD_PCR_EXTEND_BATCH] = pcr_extend_batch_check,
	[TVM_CMD_PCR_RESET] = pcr_reset_check,
	[TVM_CMD_QUOTE] = quote_check,
	[TVM_CMD_MEASURE_FILE] = measure_file_check,
	[TVM_CMD_MIGRATE_EXPORT] = mig_export_check,
	[TVM_CMD_MIGRATE_IMPORT] = mig_import_check,
};

/* genl_ops.internal_flags: info->user_ptr[0] holds the VM the request names */
#define TVM_NL_NEED_VM	BIT(0)

/*
 * Every operation needs CAP_SYS_ADMIN in the initial user namespace, in
 * both the socket's opener and the caller (netlink_capable()): reads give
 * what tvm's securityfs files give, and those are root's only (0400).
 * GENL_ADMIN_PERM would check CAP_NET_ADMIN instead.  The events group
 * asks the same of whoever joins it (tvm_mcgrps).
 *
 * Then the operation's own checks, and with TVM_NL_NEED_VM the VM, with
 * a reference that tvm_post_doit() drops: genetlink calls it after the
 * doit, and only when this succeeded.
 */
static int tvm_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			struct genl_info *info)
{
	int (*check)(struct genl_info *info) = tvm_checks[ops->cmd];
	struct tvm_vm *vm;
	int ret;

	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack, "needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	if (check) {
		ret = check(info);
		if (ret)
			return ret;
	}
	if (!(ops->internal_flags & TVM_NL_NEED_VM))
		return 0;
	vm = vm_from_attrs(info->attrs, info->extack);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	/* A VM that migrated away is a tombstone: it shows, and it goes. */
	if (READ_ONCE(vm->mig_state) == TVM_MIG_S_GONE &&
	    ops->cmd != TVM_CMD_VM_GET && ops->cmd != TVM_CMD_VM_DELETE) {
		NL_SET_ERR_MSG(info->extack,
			       "the VM migrated away (its state is wiped here)");
		tvm_vm_put(vm);
		return -ESTALE;
	}
	info->user_ptr[0] = vm;
	return 0;
}

static void tvm_post_doit(const struct genl_ops *ops, struct sk_buff *skb,
			  struct genl_info *info)
{
	if (ops->internal_flags & TVM_NL_NEED_VM)
		tvm_vm_put(info->user_ptr[0]);
}

static const struct genl_ops tvm_ops[] = {
	{
		.cmd = TVM_CMD_VM_CREATE,
		.doit = vm_create_doit,
		.policy = create_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_VM_DELETE,
		.doit = vm_delete_doit,
		.policy = selector_policy,
		.maxattr = TVM_A_MAX,
		.internal_flags = TVM_NL_NEED_VM,
	},
	{
		.cmd = TVM_CMD_VM_GET,
		.doit = vm_get_doit,
		.dumpit = vm_get_dumpit,
		.policy = selector_policy,
		.maxattr = TVM_A_MAX,
		.internal_flags = TVM_NL_NEED_VM,
	},
	{
		.cmd = TVM_CMD_PCR_READ,
		.doit = pcr_read_doit,
		.policy = pcr_read_policy,
		.maxattr = TVM_A_MAX,
		.internal_flags = TVM_NL_NEED_VM,
	},
	{
		.cmd = TVM_CMD_PCR_EXTEND,
		.doit = pcr_extend_doit,
		.policy = pcr_extend_policy,
		.maxattr = TVM_A_MAX,
		.internal_flags = TVM_NL_NEED_VM,
	},
	{
		.cmd = TVM_CMD_PCR_EXTEND_BATCH,
		.doit = pcr_extend_batch_doit,
		.policy = pcr_extend_batch_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_PCR_RESET,
		.doit = pcr_reset_doit,
		.policy = pcr_reset_policy,
		.maxattr = TVM_A_MAX,
		.internal_flags = TVM_NL_NEED_VM,
	},
	{
		.cmd = TVM_CMD_POLICY_LOAD,
		.doit = policy_load_doit,
		.policy = policy_load_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_POLICY_GET,
		.doit = policy_get_doit,
		.dumpit = policy_get_dumpit,
		.policy = policy_sel_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_POLICY_DELETE,
		.doit = policy_delete_doit,
		.policy = policy_load_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_VM_LAUNCH,
		.doit = vm_launch_doit,
		.policy = selector_policy,
		.maxattr = TVM_A_MAX,
		.internal_flags = TVM_NL_NEED_VM,
	},
	{
		.cmd = TVM_CMD_AK_SET,
		.doit = ak_set_doit,
		.policy = ak_set_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_AK_GET,
		.doit = ak_get_doit,
		.policy = empty_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_QUOTE,
		.doit = quote_doit,
		.policy = quote_policy,
		.maxattr = TVM_A_MAX,
		.internal_flags = TVM_NL_NEED_VM,
	},
	{
		.cmd = TVM_CMD_LOG_DUMP,
		.start = log_dump_start,
		.dumpit = log_dump_dumpit,
		.policy = log_dump_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_VM_BIND,
		.doit = vm_bind_doit,
		.policy = bind_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_VM_MEASURE,
		.doit = vm_measure_doit,
		.policy = selector_policy,
		.maxattr = TVM_A_MAX,
		.internal_flags = TVM_NL_NEED_VM,
	},
	{
		.cmd = TVM_CMD_MEASURE_FILE,
		.doit = measure_file_doit,
		.policy = measure_file_policy,
		.maxattr = TVM_A_MAX,
		.internal_flags = TVM_NL_NEED_VM,
	},
	{
		.cmd = TVM_CMD_FLOW_GET,
		.dumpit = flow_get_dumpit,
		.policy = selector_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_MIGRATE_PREPARE,
		.doit = mig_prepare_doit,
		.policy = mig_prepare_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_MIGRATE_EXPORT,
		.doit = mig_export_doit,
		.policy = mig_export_policy,
		.maxattr = TVM_A_MAX,
		.internal_flags = TVM_NL_NEED_VM,
	},
	{
		.cmd = TVM_CMD_MIGRATE_IMPORT,
		.doit = mig_import_doit,
		.policy = mig_import_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_MIGRATE_COMMIT,
		.doit = mig_commit_doit,
		.policy = mig_commit_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_MIGRATE_ABORT,
		.doit = mig_abort_doit,
		.policy = mig_abort_policy,
		.maxattr = TVM_A_MAX,
	},
	{
		.cmd = TVM_CMD_MIGRATE_GET,
		.dumpit = mig_get_dumpit,
		.policy = empty_policy,
		.maxattr = TVM_A_MAX,
	},
};

static struct genl_family tvm_family __ro_after_init = {
	.name = TVM_GENL_NAME,
	.version = TVM_GENL_VERSION,
	.maxattr = TVM_A_MAX,
	.module = THIS_MODULE,
	.ops = tvm_ops,
	.n_ops = ARRAY_SIZE(tvm_ops),
	.mcgrps = tvm_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tvm_mcgrps),
	.resv_start_op = TVM_CMD_VM_CREATE,
	.pre_doit = tvm_pre_doit,
	.post_doit = tvm_post_doit,
	.parallel_ops = true,
	/* Host-wide state: only the initial network namespace sees it. */
	.netnsok = false,
};

int __init tvm_netlink_init(void)
{
	return genl_register_family(&tvm_family);
}

void tvm_netlink_uninit(void)
{
	genl_unregister_family(&tvm_family);
}
