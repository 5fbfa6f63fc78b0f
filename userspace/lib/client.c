// SPDX-License-Identifier: GPL-2.0
/*
 * tvm's client; see client.h.  Each request is built here on nl.c's
 * helpers and each reply decoded here, checked as it is decoded: a
 * missing attribute, a bank or PCR out of range, a digest of the wrong
 * size is -EPROTO.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"
#include "client.h"
#include "policy_json.h"
#include "tvm_log.h"

const char *vm_state_name(uint32_t state)
{
	switch (state) {
	case TVM_VM_ACTIVE:
		return "active";
	case TVM_VM_LOG_FULL:
		return "log-full";
	default:
		return "unknown";
	}
}

const char *vm_trust_name(uint32_t trust)
{
	const char *name = policy_trust_name(trust);

	return name ? name : "?";
}

/* A request for @cmd (a dump if @dump) on the VM @sel selects. */
static int vm_msg(struct tvm_nl *nl, uint8_t cmd, bool dump,
		  const struct vm_sel *sel, struct nl_msg **msgp)
{
	int ret = tvm_nl_new(nl, cmd, dump, msgp);

	if (ret)
		return ret;
	ret = tvm_nl_put_vm(*msgp, sel);
	if (ret)
		nlmsg_free(*msgp);
	return ret;
}

/* Send @msg when @ret (building it) is 0, else free it. */
static int send_msg(struct tvm_nl *nl, struct nl_msg *msg, int ret,
		tvm_nl_reply_fn fn, void *arg)
{
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return tvm_nl_send(nl, msg, fn, arg);
}

/* Fill @vm from a reply; -EPROTO when the id, name or UUID is missing. */
static int vm_decode(struct nlattr **tb, struct vm_info *vm)
{
	struct nlattr *a;
	int rem;

	memset(vm, 0, sizeof(*vm));
	if (!tb[TVM_A_VM_ID] || !tb[TVM_A_VM_NAME] || !tb[TVM_A_VM_UUID])
		return -EPROTO;
	vm->id = nla_get_u32(tb[TVM_A_VM_ID]);
	nla_strlcpy(vm->name, tb[TVM_A_VM_NAME], sizeof(vm->name));
	memcpy(vm->uuid, nla_data(tb[TVM_A_VM_UUID]), sizeof(vm->uuid));
	if (tb[TVM_A_VM_BANKS])
		vm->banks = nla_get_u32(tb[TVM_A_VM_BANKS]);
	if (tb[TVM_A_VM_STATE])
		vm->state = nla_get_u32(tb[TVM_A_VM_STATE]);
	if (tb[TVM_A_VM_LOG_MAX])
		vm->log_max = nla_get_u32(tb[TVM_A_VM_LOG_MAX]);
	if (tb[TVM_A_VM_LOG_COUNT])
		vm->log_count = nla_get_u64(tb[TVM_A_VM_LOG_COUNT]);
	if (tb[TVM_A_VM_LOG_BYTES])
		vm->log_bytes = nla_get_u64(tb[TVM_A_VM_LOG_BYTES]);
	if (tb[TVM_A_VM_LOG_REFUSED])
		vm->log_refused = nla_get_u64(tb[TVM_A_VM_LOG_REFUSED]);
	if (tb[TVM_A_VM_TRUST]) {
		vm->has_trust = true;
		vm->trust = nla_get_u32(tb[TVM_A_VM_TRUST]);
	}
	if (tb[TVM_A_VM_POLICY_GEN])
		vm->policy_gen = nla_get_u64(tb[TVM_A_VM_POLICY_GEN]);
	if (tb[TVM_A_VM_LEVEL]) {
		vm->has_level = true;
		vm->level = nla_get_u32(tb[TVM_A_VM_LEVEL]);
	}
	if (tb[TVM_A_VM_PID])
		vm->pid = nla_get_u32(tb[TVM_A_VM_PID]);
	vm->kvm = tb[TVM_A_VM_KVM] != NULL;
	if (tb[TVM_A_VM_MIGRATION]) {
		vm->has_migration = true;
		vm->migration = nla_get_u32(tb[TVM_A_VM_MIGRATION]);
	}
	if (tb[TVM_A_VM_REASONS]) {
		nla_for_each_nested(a, tb[TVM_A_VM_REASONS], rem) {
			if (nla_type(a) != TVM_A_REASON ||
			    vm->nreasons == TVM_REASONS_MAX)
				continue;
			nla_strlcpy(vm->reasons[vm->nreasons++], a,
				    sizeof(vm->reasons[0]));
		}
	}
	if (tb[TVM_A_VM_CIDS]) {
		nla_for_each_nested(a, tb[TVM_A_VM_CIDS], rem) {
			if (nla_type(a) != TVM_A_VM_CID ||
			    nla_len(a) != sizeof(uint32_t) ||
			    vm->ncids == TVM_VM_CIDS_MAX)
				continue;
			vm->cids[vm->ncids++] = nla_get_u32(a);
		}
	}
	return 0;
}

static int on_vm(struct nlattr **tb, void *arg)
{
	return vm_decode(tb, arg);
}

int tvm_client_vm_decode(struct nlattr **tb, struct vm_info *vm)
{
	return vm_decode(tb, vm);
}

int tvm_client_vm_create(struct tvm_nl *nl, const struct vm_create_args *a,
			 struct vm_info *vm)
{
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new(nl, TVM_CMD_VM_CREATE, false, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_put_str(msg, TVM_A_VM_NAME, a->name);
	if (!ret && a->has_uuid)
		ret = tvm_nl_put(msg, TVM_A_VM_UUID, a->uuid, sizeof(a->uuid));
	if (!ret && a->has_banks)
		ret = tvm_nl_put_u32(msg, TVM_A_VM_BANKS, a->banks);
	if (!ret && a->has_log_max)
		ret = tvm_nl_put_u32(msg, TVM_A_VM_LOG_MAX, a->log_max);
	return send_msg(nl, msg, ret, on_vm, vm);
}

/* A dump of every object @cmd gets (the VMs, the policies): @fn on each. */
static int dump_all(struct tvm_nl *nl, uint8_t cmd, tvm_nl_reply_fn fn,
		    void *arg)
{
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new(nl, cmd, true, &msg);
	if (ret)
		return ret;
	return tvm_nl_send(nl, msg, fn, arg);
}

struct vm_walk {
	int (*fn)(const struct vm_info *vm, void *arg);
	void *arg;
};

static int on_vm_walk(struct nlattr **tb, void *arg)
{
	struct vm_walk *w = arg;
	struct vm_info vm;
	int ret = vm_decode(tb, &vm);

	return ret ? ret : w->fn(&vm, w->arg);
}

int tvm_client_vm_list(struct tvm_nl *nl,
		       int (*fn)(const struct vm_info *vm, void *arg),
		       void *arg)
{
	struct vm_walk w = { .fn = fn, .arg = arg };

	return dump_all(nl, TVM_CMD_VM_GET, on_vm_walk, &w);
}

/* A command on one VM that replies with the VM (@vm NULL: nothing). */
static int vm_request(struct tvm_nl *nl, uint8_t cmd,
		      const struct vm_sel *sel, struct vm_info *vm)
{
	struct nl_msg *msg;
	int ret;

	ret = vm_msg(nl, cmd, false, sel, &msg);
	if (ret)
		return ret;
	return tvm_nl_send(nl, msg, vm ? on_vm : NULL, vm);
}

int tvm_client_vm_get(struct tvm_nl *nl, const struct vm_sel *sel,
		      struct vm_info *vm)
{
	return vm_request(nl, TVM_CMD_VM_GET, sel, vm);
}

int tvm_client_vm_launch(struct tvm_nl *nl, const struct vm_sel *sel,
			 struct vm_info *vm)
{
	return vm_request(nl, TVM_CMD_VM_LAUNCH, sel, vm);
}

int tvm_client_vm_measure(struct tvm_nl *nl, const struct vm_sel *sel,
			  struct vm_info *vm)
{
	return vm_request(nl, TVM_CMD_VM_MEASURE, sel, vm);
}

int tvm_client_vm_delete(struct tvm_nl *nl, const struct vm_sel *sel,
			 struct vm_info *vm)
{
	(void)vm;
	return vm_request(nl, TVM_CMD_VM_DELETE, sel, NULL);
}

/* TVM_A_VM_BIND_FILES: one TVM_A_BFILE per file. */
static int put_bind_files(struct nl_msg *msg, const struct bind_file *files,
			  unsigned int nfiles)
{
	struct nlattr *list, *entry;
	int ret;

	ret = tvm_nl_nest_start(msg, TVM_A_VM_BIND_FILES, &list);
	for (unsigned int i = 0; !ret && i < nfiles; i++) {
		ret = tvm_nl_nest_start(msg, TVM_A_BFILE, &entry);
		if (!ret)
			ret = tvm_nl_put_u32(msg, TVM_A_BFILE_FD,
					     (uint32_t)files[i].fd);
		if (!ret)
			ret = tvm_nl_put_str(msg, TVM_A_BFILE_NAME,
					     files[i].name);
		if (!ret)
			ret = tvm_nl_nest_end(msg, entry);
	}
	if (!ret)
		ret = tvm_nl_nest_end(msg, list);
	return ret;
}

int tvm_client_vm_bind(struct tvm_nl *nl, pid_t pid, const char *name,
		       const uint8_t uuid[TVM_UUID_SIZE],
		       const struct bind_file *files, unsigned int nfiles)
{
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new(nl, TVM_CMD_VM_BIND, false, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_put_u32(msg, TVM_A_VM_PID, (uint32_t)pid);
	if (!ret)
		ret = tvm_nl_put_str(msg, TVM_A_VM_NAME, name);
	if (!ret)
		ret = tvm_nl_put(msg, TVM_A_VM_UUID, uuid, TVM_UUID_SIZE);
	if (!ret && nfiles)
		ret = put_bind_files(msg, files, nfiles);
	return send_msg(nl, msg, ret, NULL, NULL);
}

int tvm_client_vm_bind_created(struct tvm_nl *nl, pid_t pid, const char *name,
			       const uint8_t uuid[TVM_UUID_SIZE],
			       struct vm_info *vm)
{
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new(nl, TVM_CMD_VM_BIND, false, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_put_u32(msg, TVM_A_VM_PID, (uint32_t)pid);
	if (!ret)
		ret = tvm_nl_put_str(msg, TVM_A_VM_NAME, name);
	if (!ret)
		ret = tvm_nl_put(msg, TVM_A_VM_UUID, uuid, TVM_UUID_SIZE);
	if (!ret)
		ret = tvm_nl_put(msg, TVM_A_VM_BIND_CREATED, NULL, 0);
	return send_msg(nl, msg, ret, on_vm, vm);
}

struct file_reply {
	uint32_t *id;
	uint64_t *seq;
};

static int on_file(struct nlattr **tb, void *arg)
{
	struct file_reply *r = arg;

	if (!tb[TVM_A_VM_ID] || !tb[TVM_A_EVENT_SEQ])
		return -EPROTO;
	*r->id = nla_get_u32(tb[TVM_A_VM_ID]);
	*r->seq = nla_get_u64(tb[TVM_A_EVENT_SEQ]);
	return 0;
}

int tvm_client_measure_file(struct tvm_nl *nl, const struct vm_sel *sel,
			    int fd, const char *name, uint32_t *id,
			    uint64_t *seq)
{
	struct file_reply r = { .id = id, .seq = seq };
	struct nl_msg *msg;
	int ret;

	ret = vm_msg(nl, TVM_CMD_MEASURE_FILE, false, sel, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_put_u32(msg, TVM_A_FILE_FD, (uint32_t)fd);
	if (!ret)
		ret = tvm_nl_put_str(msg, TVM_A_FILE_NAME, name);
	return send_msg(nl, msg, ret, on_file, &r);
}

/* The PCRs a PCR_READ or QUOTE request asks for. */
static int put_pcr_sel(struct nl_msg *msg, const struct pcr_sel *ps)
{
	int ret = 0;

	if (ps->bank >= 0)
		ret = tvm_nl_put_u32(msg, TVM_A_PCR_BANK, (uint32_t)ps->bank);
	if (!ret && ps->has_mask)
		ret = tvm_nl_put_u32(msg, TVM_A_PCR_MASK, ps->mask);
	return ret;
}

static const struct nla_policy pcrv_policy[TVM_A_PCRV_ENTRY_MAX + 1] = {
	[TVM_A_PCRV_BANK]	= { .type = NLA_U32 },
	[TVM_A_PCRV_INDEX]	= { .type = NLA_U32 },
	[TVM_A_PCRV_DIGEST]	= { .minlen = 1, .maxlen = TVM_DIGEST_MAX },
};

/* One PCR value, checked, to the PCR read or the quote being decoded. */
typedef int (*pcrv_fn)(uint32_t bank, uint32_t pcr, const void *digest,
		       void *arg);

struct pcrv_walk {
	pcrv_fn fn;
	void *arg;
};

static int on_pcrv(struct nlattr **tb, void *arg)
{
	struct pcrv_walk *w = arg;
	uint32_t bank, pcr;

	if (!tb[TVM_A_PCRV_BANK] || !tb[TVM_A_PCRV_INDEX] ||
	    !tb[TVM_A_PCRV_DIGEST])
		return -EPROTO;
	bank = nla_get_u32(tb[TVM_A_PCRV_BANK]);
	pcr = nla_get_u32(tb[TVM_A_PCRV_INDEX]);
	if (bank >= __TVM_BANK_MAX || pcr >= TVM_NUM_PCRS ||
	    nla_len(tb[TVM_A_PCRV_DIGEST]) != tvm_banks[bank].size)
		return -EPROTO;
	return w->fn(bank, pcr, nla_data(tb[TVM_A_PCRV_DIGEST]), w->arg);
}

/* Each entry of a TVM_A_PCR_VALUES list @list, checked, to @fn. */
static int pcr_values_for_each(struct nlattr *list, pcrv_fn fn, void *arg)
{
	struct pcrv_walk w = { .fn = fn, .arg = arg };

	return tvm_nl_for_each_entry(list, TVM_A_PCRV, TVM_A_PCRV_ENTRY_MAX,
				     pcrv_policy, on_pcrv, &w);
}

static int pcr_value(uint32_t bank, uint32_t pcr, const void *digest,
		     void *arg)
{
	struct pcr_values *pv = arg;

	memcpy(pv->digest[bank][pcr], digest, tvm_banks[bank].size);
	pv->have[bank] |= 1U << pcr;
	return 0;
}

static int on_pcr_read(struct nlattr **tb, void *arg)
{
	struct pcr_values *pv = arg;

	if (!tb[TVM_A_VM_ID] || !tb[TVM_A_VM_LOG_COUNT] ||
	    !tb[TVM_A_PCR_VALUES])
		return -EPROTO;
	pv->id = nla_get_u32(tb[TVM_A_VM_ID]);
	pv->log_count = nla_get_u64(tb[TVM_A_VM_LOG_COUNT]);
	return pcr_values_for_each(tb[TVM_A_PCR_VALUES], pcr_value, pv);
}

int tvm_client_pcr_read(struct tvm_nl *nl, const struct vm_sel *sel,
			const struct pcr_sel *ps, struct pcr_values *pv)
{
	struct nl_msg *msg;
	int ret;

	ret = vm_msg(nl, TVM_CMD_PCR_READ, false, sel, &msg);
	if (ret)
		return ret;
	memset(pv, 0, sizeof(*pv));
	ret = put_pcr_sel(msg, ps);
	return send_msg(nl, msg, ret, on_pcr_read, pv);
}

/* The reply of extend and reset: the logged event's sequence number. */
static int on_event_seq(struct nlattr **tb, void *arg)
{
	uint64_t *seq = arg;

	if (!tb[TVM_A_EVENT_SEQ])
		return -EPROTO;
	*seq = nla_get_u64(tb[TVM_A_EVENT_SEQ]);
	return 0;
}

/* The attributes of an extend's event @ev, after its PCR index. */
static int put_event(struct nl_msg *msg, const struct pcr_event *ev)
{
	struct nlattr *list, *entry;
	int ret = 0;

	if (ev->has_type)
		ret = tvm_nl_put_u32(msg, TVM_A_EVENT_TYPE, ev->type);
	if (!ret)
		ret = tvm_nl_put(msg, TVM_A_EVENT_DATA, ev->data, ev->data_len);
	if (ret || !ev->digest_banks)
		return ret;
	ret = tvm_nl_nest_start(msg, TVM_A_EVENT_DIGESTS, &list);
	for (unsigned int bank = 0; !ret && bank < __TVM_BANK_MAX; bank++) {
		if (!(ev->digest_banks & (1U << bank)))
			continue;
		ret = tvm_nl_nest_start(msg, TVM_A_DIGEST, &entry);
		if (!ret)
			ret = tvm_nl_put_u32(msg, TVM_A_DIGEST_BANK, bank);
		if (!ret)
			ret = tvm_nl_put(msg, TVM_A_DIGEST_VALUE,
					 ev->digests[bank],
					 tvm_banks[bank].size);
		if (!ret)
			ret = tvm_nl_nest_end(msg, entry);
	}
	if (!ret)
		ret = tvm_nl_nest_end(msg, list);
	return ret;
}

/* PCR_EXTEND with @ev, or PCR_RESET (@ev NULL), of PCR @pcr. */
static int pcr_event(struct tvm_nl *nl, uint8_t cmd, const struct vm_sel *sel,
		     unsigned int pcr, const struct pcr_event *ev,
		     uint64_t *seq)
{
	struct nl_msg *msg;
	int ret;

	ret = vm_msg(nl, cmd, false, sel, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_put_u32(msg, TVM_A_PCR_INDEX, pcr);
	if (!ret && ev)
		ret = put_event(msg, ev);
	return send_msg(nl, msg, ret, on_event_seq, seq);
}

int tvm_client_pcr_extend(struct tvm_nl *nl, const struct vm_sel *sel,
			  unsigned int pcr, const struct pcr_event *ev,
			  uint64_t *seq)
{
	return pcr_event(nl, TVM_CMD_PCR_EXTEND, sel, pcr, ev, seq);
}

int tvm_client_pcr_reset(struct tvm_nl *nl, const struct vm_sel *sel,
			 unsigned int pcr, uint64_t *seq)
{
	return pcr_event(nl, TVM_CMD_PCR_RESET, sel, pcr, NULL, seq);
}

/* The reply of a batch: where each event went, in order. */
struct batch_reply {
	struct pcr_batch_done *done;
	size_t n, got;
};

static const struct nla_policy batch_done_policy[TVM_A_EVENT_SEQ + 1] = {
	[TVM_A_VM_ID]		= { .type = NLA_U32 },
	[TVM_A_EVENT_SEQ]	= { .type = NLA_U64 },
};

static int on_batch_event(struct nlattr **tb, void *arg)
{
	struct batch_reply *r = arg;

	if (!tb[TVM_A_VM_ID] || !tb[TVM_A_EVENT_SEQ] || r->got >= r->n)
		return -EPROTO;
	r->done[r->got].id = nla_get_u32(tb[TVM_A_VM_ID]);
	r->done[r->got].seq = nla_get_u64(tb[TVM_A_EVENT_SEQ]);
	r->got++;
	return 0;
}

static int on_batch(struct nlattr **tb, void *arg)
{
	struct batch_reply *r = arg;
	int ret;

	if (!tb[TVM_A_BATCH] || !tb[TVM_A_BATCH_DONE])
		return -EPROTO;
	ret = tvm_nl_for_each_entry(tb[TVM_A_BATCH], TVM_A_BATCH_EVENT,
				    TVM_A_EVENT_SEQ, batch_done_policy,
				    on_batch_event, r);
	if (ret)
		return ret;
	return r->got == r->n && nla_get_u32(tb[TVM_A_BATCH_DONE]) == r->n ?
	       0 : -EPROTO;
}

int tvm_client_pcr_extend_batch(struct tvm_nl *nl,
				const struct pcr_batch_event *evs, size_t n,
				struct pcr_batch_done *done, long *failed)
{
	struct batch_reply r = { .done = done, .n = n };
	struct nlattr *list, *one;
	struct nl_msg *msg;
	size_t size = 4096;
	uint32_t idx;
	int ret;

	*failed = -1;
	if (!n || n > TVM_BATCH_MAX)
		return -EINVAL;
	/* Each event: its attributes, at most the data and four digests. */
	for (size_t i = 0; i < n; i++)
		size += 256 + evs[i].ev.data_len;
	ret = tvm_nl_new_size(nl, TVM_CMD_PCR_EXTEND_BATCH, false, size, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_nest_start(msg, TVM_A_BATCH, &list);
	for (size_t i = 0; !ret && i < n; i++) {
		ret = tvm_nl_nest_start(msg, TVM_A_BATCH_EVENT, &one);
		if (!ret)
			ret = tvm_nl_put_vm(msg, &evs[i].sel);
		if (!ret)
			ret = tvm_nl_put_u32(msg, TVM_A_PCR_INDEX, evs[i].pcr);
		if (!ret)
			ret = put_event(msg, &evs[i].ev);
		if (!ret)
			ret = tvm_nl_nest_end(msg, one);
	}
	if (!ret)
		ret = tvm_nl_nest_end(msg, list);
	ret = send_msg(nl, msg, ret, on_batch, &r);
	if (ret && ret != -EPROTO && !tvm_nl_cookie_u32(nl, &idx) && idx < n)
		*failed = (long)idx;
	return ret;
}

static const struct nla_policy digest_policy[TVM_A_DIGEST_ENTRY_MAX + 1] = {
	[TVM_A_DIGEST_BANK]	= { .type = NLA_U32 },
	[TVM_A_DIGEST_VALUE]	= { .minlen = 1, .maxlen = TVM_DIGEST_MAX },
};

/* The digests of the event being decoded. */
struct digests {
	uint32_t banks;
	uint8_t value[__TVM_BANK_MAX][TVM_DIGEST_MAX];
};

static int on_digest(struct nlattr **tb, void *arg)
{
	struct digests *d = arg;
	uint32_t bank;

	if (!tb[TVM_A_DIGEST_BANK] || !tb[TVM_A_DIGEST_VALUE])
		return -EPROTO;
	bank = nla_get_u32(tb[TVM_A_DIGEST_BANK]);
	if (bank >= __TVM_BANK_MAX || (d->banks & (1U << bank)) ||
	    nla_len(tb[TVM_A_DIGEST_VALUE]) != tvm_banks[bank].size)
		return -EPROTO;
	memcpy(d->value[bank], nla_data(tb[TVM_A_DIGEST_VALUE]),
	       tvm_banks[bank].size);
	d->banks |= 1U << bank;
	return 0;
}

/*
 * Rebuild an event of a LOG_DUMP reply, attributes @tb, as the struct
 * tvm_event tvm_log.c encodes, into @ev of @ev_size bytes.  -EPROTO when
 * an attribute is missing or wrong or it does not fit.
 */
static int log_event_decode(struct nlattr **tb, struct tvm_event *ev,
			    size_t ev_size)
{
	struct digests d = { 0 };
	size_t data_len = 0, off = 0;
	int ret;

	if (!tb[TVM_A_EVENT_SEQ] || !tb[TVM_A_PCR_INDEX] ||
	    !tb[TVM_A_EVENT_TYPE] || !tb[TVM_A_EVENT_DIGESTS])
		return -EPROTO;
	ret = tvm_nl_for_each_entry(tb[TVM_A_EVENT_DIGESTS], TVM_A_DIGEST,
				    TVM_A_DIGEST_ENTRY_MAX, digest_policy,
				    on_digest, &d);
	if (ret)
		return ret;
	if (tb[TVM_A_EVENT_DATA])
		data_len = (size_t)nla_len(tb[TVM_A_EVENT_DATA]);
	if (sizeof(*ev) + tvm_banks_digest_size(d.banks) + data_len > ev_size)
		return -EPROTO;

	ev->seq = nla_get_u64(tb[TVM_A_EVENT_SEQ]);
	ev->pcr = nla_get_u32(tb[TVM_A_PCR_INDEX]);
	ev->type = nla_get_u32(tb[TVM_A_EVENT_TYPE]);
	ev->banks = d.banks;
	ev->data_len = (uint32_t)data_len;
	for (unsigned int b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(ev->banks & (1U << b)))
			continue;
		memcpy(ev->payload + off, d.value[b], tvm_banks[b].size);
		off += tvm_banks[b].size;
	}
	if (data_len)
		memcpy(ev->payload + off, nla_data(tb[TVM_A_EVENT_DATA]),
		       data_len);
	return 0;
}

struct log_walk {
	int (*fn)(const struct tvm_event *ev, void *arg);
	void *arg;
	uint64_t next;		/* the sequence number expected next */
	struct tvm_event *ev;
	size_t ev_size;
};

static int on_log_event(struct nlattr **tb, void *arg)
{
	struct log_walk *w = arg;
	int ret;

	ret = log_event_decode(tb, w->ev, w->ev_size);
	if (ret)
		return ret;
	/* Gap-free from @from on: anything else is not the log. */
	if (w->ev->seq != w->next)
		return -EPROTO;
	w->next++;
	return w->fn(w->ev, w->arg);
}

int tvm_client_log_dump(struct tvm_nl *nl, const struct vm_sel *sel,
			uint64_t from,
			int (*fn)(const struct tvm_event *ev, void *arg),
			void *arg)
{
	struct log_walk w = { .fn = fn, .arg = arg, .next = from };
	struct nl_msg *msg;
	int ret;

	w.ev_size = sizeof(*w.ev) + tvm_banks_digest_size(TVM_BANKS_ALL) +
		    TVM_EVENT_DATA_MAX;
	w.ev = malloc(w.ev_size);
	if (!w.ev)
		return -ENOMEM;
	ret = vm_msg(nl, TVM_CMD_LOG_DUMP, true, sel, &msg);
	if (!ret) {
		if (from)
			ret = tvm_nl_put_u64(msg, TVM_A_LOG_FROM, from);
		ret = send_msg(nl, msg, ret, on_log_event, &w);
	}
	free(w.ev);
	return ret;
}

static int on_ak(struct nlattr **tb, void *arg)
{
	struct ak_info *ak = arg;
	size_t n, e;

	if (!tb[TVM_A_AK_DESC] || !tb[TVM_A_AK_BITS])
		return -EPROTO;
	snprintf(ak->desc, sizeof(ak->desc), "%.*s",
		 nla_len(tb[TVM_A_AK_DESC]),
		 (const char *)nla_data(tb[TVM_A_AK_DESC]));
	ak->bits = nla_get_u32(tb[TVM_A_AK_BITS]);
	/* No scheme: a kernel before ABI 13, whose AK is RSA. */
	ak->alg = tb[TVM_A_AK_ALG] ? nla_get_u32(tb[TVM_A_AK_ALG]) :
				     TVM_AK_ALG_RSASSA;
	if (ak->alg == TVM_AK_ALG_ECDSA) {
		if (!tb[TVM_A_AK_EC_X] || !tb[TVM_A_AK_EC_Y] ||
		    nla_len(tb[TVM_A_AK_EC_X]) != TVM_AK_EC_BYTES ||
		    nla_len(tb[TVM_A_AK_EC_Y]) != TVM_AK_EC_BYTES)
			return -EPROTO;
		memcpy(ak->x, nla_data(tb[TVM_A_AK_EC_X]), TVM_AK_EC_BYTES);
		memcpy(ak->y, nla_data(tb[TVM_A_AK_EC_Y]), TVM_AK_EC_BYTES);
		return 0;
	}
	if (ak->alg != TVM_AK_ALG_RSASSA || !tb[TVM_A_AK_MODULUS] ||
	    !tb[TVM_A_AK_EXPONENT])
		return -EPROTO;
	n = (size_t)nla_len(tb[TVM_A_AK_MODULUS]);
	e = (size_t)nla_len(tb[TVM_A_AK_EXPONENT]);
	if (!n || n > sizeof(ak->n) || !e || e > sizeof(ak->e))
		return -EPROTO;
	memcpy(ak->n, nla_data(tb[TVM_A_AK_MODULUS]), n);
	memcpy(ak->e, nla_data(tb[TVM_A_AK_EXPONENT]), e);
	ak->n_len = n;
	ak->e_len = e;
	return 0;
}

/* AK_SET of @desc, or AK_GET when @desc is NULL. */
static int ak_request(struct tvm_nl *nl, const char *desc, uint32_t alg,
		      struct ak_info *ak)
{
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new(nl, desc ? TVM_CMD_AK_SET : TVM_CMD_AK_GET, false,
			 &msg);
	if (ret)
		return ret;
	if (desc)
		ret = tvm_nl_put_str(msg, TVM_A_AK_DESC, desc);
	if (!ret && desc && alg)
		ret = tvm_nl_put_u32(msg, TVM_A_AK_ALG, alg);
	memset(ak, 0, sizeof(*ak));
	ret = send_msg(nl, msg, ret, on_ak, ak);
	if (ret)
		return ret;
	if (ak->alg == TVM_AK_ALG_ECDSA)
		ak->key = attest_ec_pub(ak->x, ak->y);
	else
		ak->key = attest_rsa_pub(ak->n, ak->n_len, ak->e, ak->e_len);
	if (!ak->key)
		return -EPROTO;
	ret = attest_pub_pem(ak->key, &ak->pem);
	if (!ret)
		ret = attest_pub_name(ak->key, ak->name);
	if (ret)
		ak_info_free(ak);
	return ret;
}

int tvm_client_ak_get(struct tvm_nl *nl, struct ak_info *ak)
{
	return ak_request(nl, NULL, 0, ak);
}

int tvm_client_ak_set(struct tvm_nl *nl, const char *desc, uint32_t alg,
		      struct ak_info *ak)
{
	return ak_request(nl, desc, alg, ak);
}

void ak_info_free(struct ak_info *ak)
{
	EVP_PKEY_free(ak->key);
	free(ak->pem);
	ak->key = NULL;
	ak->pem = NULL;
}

struct quote_walk {
	struct quote_reply *q;
	uint32_t bank;
};

/* A value of the quoted bank: anything else is not what was asked. */
static int quote_pcrv(uint32_t bank, uint32_t pcr, const void *digest,
		      void *arg)
{
	struct quote_walk *w = arg;

	if (bank != w->bank)
		return -EPROTO;
	memcpy(w->q->pcrs.value[pcr], digest, tvm_banks[bank].size);
	w->q->pcrs.mask |= 1U << pcr;
	return 0;
}

static int on_quote(struct nlattr **tb, void *arg)
{
	struct quote_walk *w = arg;
	struct quote_reply *q = w->q;
	struct nlattr *a = tb[TVM_A_QUOTE_ATTEST], *s = tb[TVM_A_QUOTE_SIGNATURE];
	struct qf_sig qs;

	if (!tb[TVM_A_VM_ID] || !tb[TVM_A_VM_LOG_COUNT] || !a || !s ||
	    !tb[TVM_A_PCR_VALUES] || nla_len(a) > QF_ATTEST_MAX ||
	    nla_len(s) > QF_SIG_MAX)
		return -EPROTO;
	q->id = nla_get_u32(tb[TVM_A_VM_ID]);
	q->log_count = nla_get_u64(tb[TVM_A_VM_LOG_COUNT]);
	q->attest_len = (size_t)nla_len(a);
	memcpy(q->attest, nla_data(a), q->attest_len);
	/*
	 * An RSA signature comes bare (and without a scheme before ABI 13):
	 * make it the TPMT_SIGNATURE; an ECDSA one comes as one already.
	 */
	q->sig_alg = tb[TVM_A_AK_ALG] ? nla_get_u32(tb[TVM_A_AK_ALG]) :
					TVM_AK_ALG_RSASSA;
	if (q->sig_alg == TVM_AK_ALG_ECDSA) {
		q->sig_len = (size_t)nla_len(s);
		memcpy(q->sig, nla_data(s), q->sig_len);
		if (qf_tpmt_parse(q->sig, q->sig_len, &qs) ||
		    qs.alg != QF_ALG_ECDSA)
			return -EPROTO;
	} else if (q->sig_alg == TVM_AK_ALG_RSASSA && nla_len(s)) {
		q->sig_len = qf_sig_encode(nla_data(s), (size_t)nla_len(s),
					   q->sig);
	} else {
		return -EPROTO;
	}
	return pcr_values_for_each(tb[TVM_A_PCR_VALUES], quote_pcrv, w);
}

int tvm_client_quote(struct tvm_nl *nl, const struct vm_sel *sel,
		     const uint8_t *nonce, size_t nonce_len,
		     const struct pcr_sel *ps, struct quote_reply *q)
{
	struct quote_walk w = { .q = q, .bank = (uint32_t)ps->bank };
	struct nl_msg *msg;
	int ret;

	if (ps->bank < 0 || ps->bank >= __TVM_BANK_MAX)
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->pcrs.alg = tvm_banks[ps->bank].tpm_alg;
	q->pcrs.size = tvm_banks[ps->bank].size;
	ret = vm_msg(nl, TVM_CMD_QUOTE, false, sel, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_put(msg, TVM_A_QUOTE_NONCE, nonce, nonce_len);
	if (!ret)
		ret = put_pcr_sel(msg, ps);
	return send_msg(nl, msg, ret, on_quote, &w);
}

/* A POLICY_LOAD or POLICY_GET reply: the policy in TVM_A_POLICY. */
static int on_policy(struct nlattr **tb, void *arg)
{
	struct policy *p = arg;

	if (!tb[TVM_A_POLICY])
		return -EPROTO;
	policy_free(p);
	return policy_decode(nla_data(tb[TVM_A_POLICY]),
			     (size_t)nla_len(tb[TVM_A_POLICY]), p);
}

/* A request for @cmd carrying @pm, its signature if it has one. */
static int policy_msg_send(struct tvm_nl *nl, uint8_t cmd,
			   const struct policy_msg *pm, tvm_nl_reply_fn fn,
			   void *arg)
{
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new_size(nl, cmd, false,
			      pm->len + NLA_HDRLEN + TVM_SIGNATURE_MAX, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_put_attr(msg, pm->attr, pm->len);
	if (!ret && pm->sig)
		ret = tvm_nl_put(msg, TVM_A_POLICY_SIGNATURE, pm->sig,
				 pm->sig_len);
	return send_msg(nl, msg, ret, fn, arg);
}

int tvm_client_policy_load(struct tvm_nl *nl, const struct policy_msg *pm,
			   struct policy *reply)
{
	return policy_msg_send(nl, TVM_CMD_POLICY_LOAD, pm, on_policy, reply);
}

/* The POLICY { selector } nest of a get or delete. */
static int put_policy_sel(struct nl_msg *msg, const struct policy_sel *sel)
{
	struct nlattr *nest;
	int ret = tvm_nl_nest_start(msg, TVM_A_POLICY, &nest);

	if (ret)
		return ret;
	switch (sel->type) {
	case POLICY_SEL_UUID:
		ret = tvm_nl_put(msg, TVM_A_POLICY_UUID, sel->uuid,
				 TVM_UUID_SIZE);
		break;
	case POLICY_SEL_NAME:
		ret = tvm_nl_put_str(msg, TVM_A_POLICY_NAME, sel->name);
		break;
	case POLICY_SEL_DEFAULT:
		ret = tvm_nl_put(msg, TVM_A_POLICY_DEFAULT, NULL, 0);
		break;
	}
	return ret ? ret : tvm_nl_nest_end(msg, nest);
}

int tvm_client_policy_get(struct tvm_nl *nl, const struct policy_sel *sel,
			  struct policy *p)
{
	struct nl_msg *msg;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = tvm_nl_new(nl, TVM_CMD_POLICY_GET, false, &msg);
	if (ret)
		return ret;
	ret = put_policy_sel(msg, sel);
	return send_msg(nl, msg, ret, on_policy, p);
}

struct policy_walk {
	int (*fn)(const struct policy *p, void *arg);
	void *arg;
};

static int on_policy_head(struct nlattr **tb, void *arg)
{
	struct policy_walk *w = arg;
	struct policy p = { 0 };
	int ret = on_policy(tb, &p);

	if (!ret)
		ret = w->fn(&p, w->arg);
	policy_free(&p);
	return ret;
}

int tvm_client_policy_list(struct tvm_nl *nl,
			   int (*fn)(const struct policy *p, void *arg),
			   void *arg)
{
	struct policy_walk w = { .fn = fn, .arg = arg };

	return dump_all(nl, TVM_CMD_POLICY_GET, on_policy_head, &w);
}

int tvm_client_policy_delete(struct tvm_nl *nl, const struct policy_sel *sel)
{
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new_size(nl, TVM_CMD_POLICY_DELETE, false, 4096, &msg);
	if (ret)
		return ret;
	ret = put_policy_sel(msg, sel);
	return send_msg(nl, msg, ret, NULL, NULL);
}

int tvm_client_policy_delete_signed(struct tvm_nl *nl,
				    const struct policy_msg *pm)
{
	return policy_msg_send(nl, TVM_CMD_POLICY_DELETE, pm, NULL, NULL);
}

const char *flow_action_name(uint32_t action)
{
	const char *name = policy_df_action_name(action);

	return name ? name : "?";
}

const char *flow_state_name(uint32_t state)
{
	switch (state) {
	case TVM_FLOW_OPEN:
		return "open";
	case TVM_FLOW_SHUT:
		return "shut";
	case TVM_FLOW_CLOSED:
		return "closed";
	default:
		return "?";
	}
}

static const struct nla_policy flow_policy[TVM_A_FLOW_MAX + 1] = {
	[TVM_A_FLOW_ID] = { .type = NLA_U64 },
	[TVM_A_FLOW_SRC_CID] = { .type = NLA_U32 },
	[TVM_A_FLOW_SRC_PORT] = { .type = NLA_U32 },
	[TVM_A_FLOW_DST_CID] = { .type = NLA_U32 },
	[TVM_A_FLOW_DST_PORT] = { .type = NLA_U32 },
	[TVM_A_FLOW_RX_VM] = { .type = NLA_U32 },
	[TVM_A_FLOW_TX_VM] = { .type = NLA_U32 },
	[TVM_A_FLOW_TX_HOST] = { .type = NLA_FLAG },
	[TVM_A_FLOW_BYTES] = { .type = NLA_U64 },
	[TVM_A_FLOW_EVENTS] = { .type = NLA_U64 },
	[TVM_A_FLOW_ACTION] = { .type = NLA_U32 },
	[TVM_A_FLOW_STATE] = { .type = NLA_U32 },
	[TVM_A_FLOW_MEASURED] = { .type = NLA_FLAG },
};

/* A TVM_A_FLOW nest; -EPROTO when it lacks its id, ends or counts. */
static int flow_decode(struct nlattr *nest, struct flow_info *f)
{
	struct nlattr *tb[TVM_A_FLOW_MAX + 1];

	memset(f, 0, sizeof(*f));
	if (!nest || nla_parse_nested(tb, TVM_A_FLOW_MAX, nest, flow_policy) ||
	    !tb[TVM_A_FLOW_ID] || !tb[TVM_A_FLOW_SRC_CID] ||
	    !tb[TVM_A_FLOW_SRC_PORT] || !tb[TVM_A_FLOW_DST_CID] ||
	    !tb[TVM_A_FLOW_DST_PORT] || !tb[TVM_A_FLOW_BYTES] ||
	    !tb[TVM_A_FLOW_EVENTS] || !tb[TVM_A_FLOW_ACTION] ||
	    !tb[TVM_A_FLOW_STATE])
		return -EPROTO;
	f->id = nla_get_u64(tb[TVM_A_FLOW_ID]);
	f->src_cid = nla_get_u32(tb[TVM_A_FLOW_SRC_CID]);
	f->src_port = nla_get_u32(tb[TVM_A_FLOW_SRC_PORT]);
	f->dst_cid = nla_get_u32(tb[TVM_A_FLOW_DST_CID]);
	f->dst_port = nla_get_u32(tb[TVM_A_FLOW_DST_PORT]);
	if (tb[TVM_A_FLOW_RX_VM]) {
		f->has_rx = true;
		f->rx_vm = nla_get_u32(tb[TVM_A_FLOW_RX_VM]);
	}
	if (tb[TVM_A_FLOW_TX_VM]) {
		f->has_tx = true;
		f->tx_vm = nla_get_u32(tb[TVM_A_FLOW_TX_VM]);
	}
	f->tx_host = tb[TVM_A_FLOW_TX_HOST] != NULL;
	f->measured = tb[TVM_A_FLOW_MEASURED] != NULL;
	f->bytes = nla_get_u64(tb[TVM_A_FLOW_BYTES]);
	f->events = nla_get_u64(tb[TVM_A_FLOW_EVENTS]);
	f->action = nla_get_u32(tb[TVM_A_FLOW_ACTION]);
	f->state = nla_get_u32(tb[TVM_A_FLOW_STATE]);
	return 0;
}

struct flow_walk {
	int (*fn)(const struct flow_info *f, void *arg);
	void *arg;
};

static int on_flow(struct nlattr **tb, void *arg)
{
	struct flow_walk *w = arg;
	struct flow_info f;
	int ret = flow_decode(tb[TVM_A_FLOW], &f);

	return ret ? ret : w->fn(&f, w->arg);
}

int tvm_client_flow_list(struct tvm_nl *nl, const struct vm_sel *sel,
			 int (*fn)(const struct flow_info *f, void *arg),
			 void *arg)
{
	struct flow_walk w = { .fn = fn, .arg = arg };
	struct nl_msg *msg;
	int ret;

	if (sel)
		ret = vm_msg(nl, TVM_CMD_FLOW_GET, true, sel, &msg);
	else
		ret = tvm_nl_new(nl, TVM_CMD_FLOW_GET, true, &msg);
	if (ret)
		return ret;
	return tvm_nl_send(nl, msg, on_flow, &w);
}

int tvm_client_subscribe(struct tvm_nl *nl)
{
	return tvm_nl_subscribe(nl, TVM_MCGRP_EVENTS);
}

/* TVM_CMD_EVENT_TRUST: ID, NAME, UUID, TRUST_OLD, VM_TRUST, REASON, VM_POLICY_GEN */
static bool trust_notice(struct nlattr **tb, struct tvm_notice *n)
{
	if (!tb[TVM_A_VM_ID] || !tb[TVM_A_TRUST_OLD] || !tb[TVM_A_VM_TRUST])
		return false;
	n->id = nla_get_u32(tb[TVM_A_VM_ID]);
	if (tb[TVM_A_VM_NAME])
		nla_strlcpy(n->name, tb[TVM_A_VM_NAME], sizeof(n->name));
	if (tb[TVM_A_VM_UUID] && nla_len(tb[TVM_A_VM_UUID]) == TVM_UUID_SIZE) {
		memcpy(n->uuid, nla_data(tb[TVM_A_VM_UUID]), TVM_UUID_SIZE);
		n->has_uuid = true;
	}
	if (tb[TVM_A_VM_POLICY_GEN])
		n->policy_gen = nla_get_u64(tb[TVM_A_VM_POLICY_GEN]);
	n->trust_old = nla_get_u32(tb[TVM_A_TRUST_OLD]);
	n->trust = nla_get_u32(tb[TVM_A_VM_TRUST]);
	return true;
}

struct notice_walk {
	int (*fn)(const struct tvm_notice *n, void *arg);
	void *arg;
};

static int on_notice(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct notice_walk *w = arg;
	struct tvm_notice *n;
	int ret;

	if (cmd != TVM_CMD_EVENT_TRUST && cmd != TVM_CMD_EVENT_POLICY &&
	    cmd != TVM_CMD_EVENT_FLOW)
		return 0;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->cmd = cmd;
	if (tb[TVM_A_REASON])
		nla_strlcpy(n->reason, tb[TVM_A_REASON], sizeof(n->reason));
	if (cmd == TVM_CMD_EVENT_TRUST) {
		ret = trust_notice(tb, n) ? w->fn(n, w->arg) : 0;
		free(n);
		return ret;
	}
	/* TVM_CMD_EVENT_FLOW: FLOW { ... }, REASON */
	if (cmd == TVM_CMD_EVENT_FLOW) {
		ret = flow_decode(tb[TVM_A_FLOW], &n->flow) ? 0 :
		      w->fn(n, w->arg);
		free(n);
		return ret;
	}
	/* TVM_CMD_EVENT_POLICY: POLICY { selector, GEN }, REASON */
	ret = 0;
	if (tb[TVM_A_POLICY])
		ret = policy_decode(nla_data(tb[TVM_A_POLICY]),
				    (size_t)nla_len(tb[TVM_A_POLICY]),
				    &n->policy);
	if (!tb[TVM_A_POLICY] || (ret && ret != -ENOMEM)) {
		free(n);
		return 0;
	}
	if (!ret) {
		ret = w->fn(n, w->arg);
		policy_free(&n->policy);
	}
	free(n);
	return ret;
}

int tvm_client_notices(struct tvm_nl *nl,
		       int (*fn)(const struct tvm_notice *n, void *arg),
		       void *arg)
{
	struct notice_walk w = { .fn = fn, .arg = arg };

	return tvm_nl_recv_events(nl, on_notice, &w);
}
