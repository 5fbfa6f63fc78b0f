// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/lib/client.c without a kernel: tvm_nl_new() and tvm_nl_send()
 * are wrapped (-Wl,--wrap), so that each request is kept for the test to
 * look at and the replies are messages the test builds, handed to the
 * client's callbacks as nl.c would hand them.  What it checks is what
 * the client promises its callers: the request carries what was asked,
 * a reply decodes into the struct, and a reply that is not as tvm.h has
 * it is -EPROTO, never a struct half-filled.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netlink/genl/genl.h>

#include "client.h"
#include "tvm_log.h"

#define REPLIES_MAX	8

/* The request sent last, and the replies the next send delivers. */
static struct {
	uint8_t cmd;
	struct nlattr *tb[TVM_A_MAX + 1];
	struct nl_msg *req;
	struct nl_msg *replies[REPLIES_MAX];
	unsigned int nreplies;
	int err;		/* what the kernel answers after them */
} fake;

int __wrap_tvm_nl_new(struct tvm_nl *nl, uint8_t cmd, bool dump,
		      struct nl_msg **msgp);
int __wrap_tvm_nl_new_size(struct tvm_nl *nl, uint8_t cmd, bool dump,
			   size_t size, struct nl_msg **msgp);
int __wrap_tvm_nl_send(struct tvm_nl *nl, struct nl_msg *msg,
		       tvm_nl_reply_fn fn, void *arg);

static struct nl_msg *genl_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc_size(16384);

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 0, 0, 0, 0, cmd, 1));
	return msg;
}

int __wrap_tvm_nl_new(struct tvm_nl *nl, uint8_t cmd, bool dump,
		      struct nl_msg **msgp)
{
	(void)nl;
	(void)dump;
	*msgp = genl_msg(cmd);
	return 0;
}

/* A request that names its size: the size must hold what goes in. */
int __wrap_tvm_nl_new_size(struct tvm_nl *nl, uint8_t cmd, bool dump,
			   size_t size, struct nl_msg **msgp)
{
	assert_true(size <= 16384 - 64);
	return __wrap_tvm_nl_new(nl, cmd, dump, msgp);
}

int __wrap_tvm_nl_send(struct tvm_nl *nl, struct nl_msg *msg,
		       tvm_nl_reply_fn fn, void *arg)
{
	struct nlattr *tb[TVM_A_MAX + 1];
	unsigned int i;
	int ret = 0;

	(void)nl;
	if (fake.req)
		nlmsg_free(fake.req);
	fake.req = msg;
	fake.cmd = genlmsg_hdr(nlmsg_hdr(msg))->cmd;
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, fake.tb, TVM_A_MAX,
				       NULL), 0);
	for (i = 0; i < fake.nreplies; i++) {
		assert_int_equal(genlmsg_parse(nlmsg_hdr(fake.replies[i]), 0,
					       tb, TVM_A_MAX, NULL), 0);
		if (!ret && fn)
			ret = fn(tb, arg);
		nlmsg_free(fake.replies[i]);
	}
	fake.nreplies = 0;
	return ret ? ret : fake.err;
}

static int setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (fake.req)
		nlmsg_free(fake.req);
	for (unsigned int i = 0; i < fake.nreplies; i++)
		nlmsg_free(fake.replies[i]);
	return 0;
}

static struct nl_msg *reply(void)
{
	assert_true(fake.nreplies < REPLIES_MAX);
	return fake.replies[fake.nreplies++] = genl_msg(0);
}

static const uint8_t uuid[TVM_UUID_SIZE] = { 0x12, 0x34, [15] = 0x56 };
static const struct vm_sel by_name = { .type = VM_SEL_NAME, .name = "web" };

/* A VM reply, without the UUID if not @with_uuid. */
static void vm_reply(bool with_uuid)
{
	struct nl_msg *m = reply();
	struct nlattr *list;

	nla_put_u32(m, TVM_A_VM_ID, 7);
	nla_put_string(m, TVM_A_VM_NAME, "web");
	if (with_uuid)
		nla_put(m, TVM_A_VM_UUID, sizeof(uuid), uuid);
	nla_put_u32(m, TVM_A_VM_BANKS, 1U << TVM_BANK_SHA256);
	nla_put_u64(m, TVM_A_VM_LOG_COUNT, 3);
	nla_put_u32(m, TVM_A_VM_TRUST, TVM_TRUST_UNTRUSTED);
	list = nla_nest_start(m, TVM_A_VM_REASONS);
	nla_put_string(m, TVM_A_REASON, "first");
	nla_put_string(m, TVM_A_REASON, "second");
	nla_nest_end(m, list);
	nla_put_flag(m, TVM_A_VM_KVM);
}

static void test_vm_get(void **state)
{
	struct vm_info vm;

	(void)state;
	vm_reply(true);
	assert_int_equal(tvm_client_vm_get(NULL, &by_name, &vm), 0);
	assert_int_equal(fake.cmd, TVM_CMD_VM_GET);
	assert_non_null(fake.tb[TVM_A_VM_NAME]);
	assert_string_equal(nla_data(fake.tb[TVM_A_VM_NAME]), "web");
	assert_int_equal(vm.id, 7);
	assert_string_equal(vm.name, "web");
	assert_memory_equal(vm.uuid, uuid, sizeof(uuid));
	assert_int_equal(vm.banks, 1U << TVM_BANK_SHA256);
	assert_int_equal(vm.log_count, 3);
	assert_true(vm.has_trust);
	assert_int_equal(vm.trust, TVM_TRUST_UNTRUSTED);
	assert_int_equal(vm.nreasons, 2);
	assert_string_equal(vm.reasons[0], "first");
	assert_string_equal(vm.reasons[1], "second");
	assert_true(vm.kvm);
	assert_int_equal(vm.pid, 0);
}

static void test_vm_get_no_uuid(void **state)
{
	struct vm_info vm;

	(void)state;
	vm_reply(false);
	assert_int_equal(tvm_client_vm_get(NULL, &by_name, &vm), -EPROTO);
}

/* The kernel's errno comes back as it is. */
static void test_kernel_error(void **state)
{
	struct vm_info vm;

	(void)state;
	fake.err = -ENOENT;
	assert_int_equal(tvm_client_vm_get(NULL, &by_name, &vm), -ENOENT);
}

static void test_vm_create_request(void **state)
{
	struct vm_create_args a = { .name = "db", .has_log_max = true,
				    .log_max = 64 };
	struct vm_info vm;

	(void)state;
	vm_reply(true);
	assert_int_equal(tvm_client_vm_create(NULL, &a, &vm), 0);
	assert_int_equal(fake.cmd, TVM_CMD_VM_CREATE);
	assert_string_equal(nla_data(fake.tb[TVM_A_VM_NAME]), "db");
	assert_int_equal(nla_get_u32(fake.tb[TVM_A_VM_LOG_MAX]), 64);
	assert_null(fake.tb[TVM_A_VM_UUID]);
	assert_null(fake.tb[TVM_A_VM_BANKS]);
}

/* A batch's reply: @done, and (VM 7, seq 10), (VM 3, seq 4) listed. */
static void batch_reply(uint32_t done)
{
	struct nl_msg *m = reply();
	struct nlattr *list, *e;

	assert_int_equal(nla_put_u32(m, TVM_A_BATCH_DONE, done), 0);
	list = nla_nest_start(m, TVM_A_BATCH);
	e = nla_nest_start(m, TVM_A_BATCH_EVENT);
	assert_int_equal(nla_put_u32(m, TVM_A_VM_ID, 7), 0);
	assert_int_equal(nla_put_u64(m, TVM_A_EVENT_SEQ, 10), 0);
	nla_nest_end(m, e);
	e = nla_nest_start(m, TVM_A_BATCH_EVENT);
	assert_int_equal(nla_put_u32(m, TVM_A_VM_ID, 3), 0);
	assert_int_equal(nla_put_u64(m, TVM_A_EVENT_SEQ, 4), 0);
	nla_nest_end(m, e);
	nla_nest_end(m, list);
}

/*
 * A batch carries each event in its own TVM_A_BATCH_EVENT, in order, with
 * its selector, PCR and event; the reply says where each went, and one
 * that does not account for every event is -EPROTO.
 */
static void test_pcr_extend_batch(void **state)
{
	struct pcr_batch_event ev[2] = {
		{ .sel = by_name, .pcr = 16,
		  .ev = { .data = (const uint8_t *)"a", .data_len = 1 } },
		{ .sel = { .type = VM_SEL_ID, .id = 3 }, .pcr = 23,
		  .ev = { .has_type = true, .type = TVM_EV_IPL,
			  .digest_banks = 1U << TVM_BANK_SHA256 } },
	};
	struct nlattr *e, *tb[TVM_A_MAX + 1];
	struct pcr_batch_done done[2];
	long failed;
	int rem, n = 0;

	(void)state;
	batch_reply(2);
	assert_int_equal(tvm_client_pcr_extend_batch(NULL, ev, 2, done,
						     &failed), 0);
	assert_int_equal(fake.cmd, TVM_CMD_PCR_EXTEND_BATCH);
	assert_non_null(fake.tb[TVM_A_BATCH]);
	nla_for_each_nested(e, fake.tb[TVM_A_BATCH], rem) {
		assert_int_equal(nla_type(e), TVM_A_BATCH_EVENT);
		assert_int_equal(nla_parse_nested(tb, TVM_A_MAX, e, NULL), 0);
		if (n == 0) {
			assert_string_equal(nla_data(tb[TVM_A_VM_NAME]), "web");
			assert_int_equal(nla_get_u32(tb[TVM_A_PCR_INDEX]), 16);
			assert_int_equal(nla_len(tb[TVM_A_EVENT_DATA]), 1);
			assert_null(tb[TVM_A_EVENT_TYPE]);
			assert_null(tb[TVM_A_EVENT_DIGESTS]);
		} else {
			assert_int_equal(nla_get_u32(tb[TVM_A_VM_ID]), 3);
			assert_int_equal(nla_get_u32(tb[TVM_A_PCR_INDEX]), 23);
			assert_int_equal(nla_get_u32(tb[TVM_A_EVENT_TYPE]),
					 TVM_EV_IPL);
			assert_non_null(tb[TVM_A_EVENT_DIGESTS]);
		}
		n++;
	}
	assert_int_equal(n, 2);
	assert_int_equal(done[0].id, 7);
	assert_int_equal(done[0].seq, 10);
	assert_int_equal(done[1].id, 3);
	assert_int_equal(done[1].seq, 4);

	/* A count that does not match the events listed. */
	batch_reply(1);
	assert_int_equal(tvm_client_pcr_extend_batch(NULL, ev, 2, done,
						     &failed), -EPROTO);
	/* More events listed than were sent. */
	batch_reply(2);
	assert_int_equal(tvm_client_pcr_extend_batch(NULL, ev, 1, done,
						     &failed), -EPROTO);
	/* The kernel's errno; without a cookie no event is named. */
	fake.err = -EPERM;
	assert_int_equal(tvm_client_pcr_extend_batch(NULL, ev, 2, done,
						     &failed), -EPERM);
	assert_int_equal(failed, -1);
	/* Nothing, or more than TVM_BATCH_MAX, is not sent. */
	assert_int_equal(tvm_client_pcr_extend_batch(NULL, ev, 0, done,
						     &failed), -EINVAL);
	assert_int_equal(tvm_client_pcr_extend_batch(NULL, ev,
						     TVM_BATCH_MAX + 1, done,
						     &failed), -EINVAL);
}

static void pcrv(struct nl_msg *m, uint32_t bank, uint32_t pcr, int len)
{
	uint8_t digest[TVM_DIGEST_MAX];
	struct nlattr *e = nla_nest_start(m, TVM_A_PCRV);

	memset(digest, (int)pcr, sizeof(digest));
	nla_put_u32(m, TVM_A_PCRV_BANK, bank);
	nla_put_u32(m, TVM_A_PCRV_INDEX, pcr);
	nla_put(m, TVM_A_PCRV_DIGEST, len, digest);
	nla_nest_end(m, e);
}

/* A PCR read reply: PCR 9 of sha256, digest @len bytes long. */
static void pcr_reply(uint32_t bank, int len)
{
	struct nl_msg *m = reply();
	struct nlattr *list;

	nla_put_u32(m, TVM_A_VM_ID, 7);
	nla_put_u64(m, TVM_A_VM_LOG_COUNT, 3);
	list = nla_nest_start(m, TVM_A_PCR_VALUES);
	pcrv(m, bank, TVM_PCR_OS, len);
	nla_nest_end(m, list);
}

static void test_pcr_read(void **state)
{
	struct pcr_sel ps = { .bank = TVM_BANK_SHA256, .has_mask = true,
			      .mask = 1U << TVM_PCR_OS };
	struct pcr_values *pv = malloc(sizeof(*pv));

	(void)state;
	assert_non_null(pv);
	pcr_reply(TVM_BANK_SHA256, 32);
	assert_int_equal(tvm_client_pcr_read(NULL, &by_name, &ps, pv), 0);
	assert_int_equal(nla_get_u32(fake.tb[TVM_A_PCR_BANK]),
			 TVM_BANK_SHA256);
	assert_int_equal(nla_get_u32(fake.tb[TVM_A_PCR_MASK]),
			 1U << TVM_PCR_OS);
	assert_int_equal(pv->id, 7);
	assert_int_equal(pv->log_count, 3);
	assert_int_equal(pv->have[TVM_BANK_SHA256], 1U << TVM_PCR_OS);
	assert_int_equal(pv->have[TVM_BANK_SHA384], 0);
	assert_int_equal(pv->digest[TVM_BANK_SHA256][9][31], 9);

	/* A digest that is not its bank's size, or no such bank. */
	pcr_reply(TVM_BANK_SHA256, 20);
	assert_int_equal(tvm_client_pcr_read(NULL, &by_name, &ps, pv), -EPROTO);
	pcr_reply(__TVM_BANK_MAX, 32);
	assert_int_equal(tvm_client_pcr_read(NULL, &by_name, &ps, pv), -EPROTO);
	free(pv);
}

static void event_reply(uint64_t seq)
{
	uint8_t digest[32] = { (uint8_t)seq };
	struct nl_msg *m = reply();
	struct nlattr *list, *e;

	nla_put_u64(m, TVM_A_EVENT_SEQ, seq);
	nla_put_u32(m, TVM_A_PCR_INDEX, TVM_PCR_OS);
	nla_put_u32(m, TVM_A_EVENT_TYPE, TVM_EV_EXTEND);
	nla_put(m, TVM_A_EVENT_DATA, 3, "abc");
	list = nla_nest_start(m, TVM_A_EVENT_DIGESTS);
	e = nla_nest_start(m, TVM_A_DIGEST);
	nla_put_u32(m, TVM_A_DIGEST_BANK, TVM_BANK_SHA256);
	nla_put(m, TVM_A_DIGEST_VALUE, sizeof(digest), digest);
	nla_nest_end(m, e);
	nla_nest_end(m, list);
}

static int count_event(const struct tvm_event *ev, void *arg)
{
	unsigned int *n = arg;

	assert_int_equal(ev->pcr, TVM_PCR_OS);
	assert_int_equal(ev->banks, 1U << TVM_BANK_SHA256);
	assert_int_equal(ev->data_len, 3);
	assert_memory_equal(tvm_event_data(ev), "abc", 3);
	assert_int_equal(tvm_event_digest(ev, TVM_BANK_SHA256)[0],
			 (uint8_t)ev->seq);
	(*n)++;
	return 0;
}

static void test_log_dump(void **state)
{
	unsigned int n = 0;

	(void)state;
	event_reply(5);
	event_reply(6);
	assert_int_equal(tvm_client_log_dump(NULL, &by_name, 5, count_event,
					     &n), 0);
	assert_int_equal(fake.cmd, TVM_CMD_LOG_DUMP);
	assert_int_equal(nla_get_u64(fake.tb[TVM_A_LOG_FROM]), 5);
	assert_int_equal(n, 2);
}

/* An event missing, or not the first asked for: not the log. */
static void test_log_dump_gap(void **state)
{
	unsigned int n = 0;

	(void)state;
	event_reply(0);
	event_reply(2);
	assert_int_equal(tvm_client_log_dump(NULL, &by_name, 0, count_event,
					     &n), -EPROTO);
	assert_int_equal(n, 1);
	assert_null(fake.tb[TVM_A_LOG_FROM]);
	n = 0;
	event_reply(1);
	assert_int_equal(tvm_client_log_dump(NULL, &by_name, 0, count_event,
					     &n), -EPROTO);
	assert_int_equal(n, 0);
}

static void quote_reply(uint32_t bank)
{
	struct nl_msg *m = reply();
	struct nlattr *list;

	nla_put_u32(m, TVM_A_VM_ID, 7);
	nla_put_u64(m, TVM_A_VM_LOG_COUNT, 3);
	nla_put(m, TVM_A_QUOTE_ATTEST, 4, "msg!");
	nla_put(m, TVM_A_QUOTE_SIGNATURE, 3, "sig");
	list = nla_nest_start(m, TVM_A_PCR_VALUES);
	pcrv(m, bank, TVM_PCR_OS, tvm_banks[bank].size);
	nla_nest_end(m, list);
}

static void test_quote(void **state)
{
	static const uint8_t nonce[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct pcr_sel ps = { .bank = TVM_BANK_SHA256 };
	struct quote_reply *q = malloc(sizeof(*q));

	(void)state;
	assert_non_null(q);
	quote_reply(TVM_BANK_SHA256);
	assert_int_equal(tvm_client_quote(NULL, &by_name, nonce, sizeof(nonce),
					  &ps, q), 0);
	assert_int_equal(fake.cmd, TVM_CMD_QUOTE);
	assert_memory_equal(nla_data(fake.tb[TVM_A_QUOTE_NONCE]), nonce,
			    sizeof(nonce));
	assert_int_equal(q->id, 7);
	assert_int_equal(q->log_count, 3);
	assert_int_equal(q->attest_len, 4);
	assert_memory_equal(q->attest, "msg!", 4);
	/* No scheme (before ABI 13): RSA, made a TPMT_SIGNATURE. */
	assert_int_equal(q->sig_alg, TVM_AK_ALG_RSASSA);
	assert_int_equal(q->sig_len, 9);
	assert_memory_equal(q->sig, "\x00\x14\x00\x0b\x00\x03sig", 9);
	assert_int_equal(q->pcrs.mask, 1U << TVM_PCR_OS);
	assert_int_equal(q->pcrs.size, 32);
	assert_int_equal(q->pcrs.alg, tvm_banks[TVM_BANK_SHA256].tpm_alg);

	/* Values of a bank not quoted are not what was asked. */
	quote_reply(TVM_BANK_SHA384);
	assert_int_equal(tvm_client_quote(NULL, &by_name, nonce, sizeof(nonce),
					  &ps, q), -EPROTO);
	free(q);
}

/* ECDSA: the kernel's TPMT_SIGNATURE as it is; malformed, -EPROTO. */
static void test_quote_ecdsa(void **state)
{
	static const uint8_t nonce[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct pcr_sel ps = { .bank = TVM_BANK_SHA256 };
	struct quote_reply *q = malloc(sizeof(*q));
	uint8_t tpmt[QF_ECDSA_SIG_SIZE];
	struct nl_msg *m;
	struct nlattr *list;

	(void)state;
	assert_non_null(q);
	memset(tpmt, 0x5a, sizeof(tpmt));
	memcpy(tpmt, "\x00\x18\x00\x0b\x00\x20", 6);
	tpmt[38] = 0;
	tpmt[39] = 32;
	for (int bad = 0; bad < 2; bad++) {
		m = reply();
		nla_put_u32(m, TVM_A_VM_ID, 7);
		nla_put_u64(m, TVM_A_VM_LOG_COUNT, 3);
		nla_put_u32(m, TVM_A_AK_ALG, TVM_AK_ALG_ECDSA);
		nla_put(m, TVM_A_QUOTE_ATTEST, 4, "msg!");
		nla_put(m, TVM_A_QUOTE_SIGNATURE, sizeof(tpmt) - bad, tpmt);
		list = nla_nest_start(m, TVM_A_PCR_VALUES);
		pcrv(m, TVM_BANK_SHA256, TVM_PCR_OS, 32);
		nla_nest_end(m, list);
		assert_int_equal(tvm_client_quote(NULL, &by_name, nonce,
						  sizeof(nonce), &ps, q),
				 bad ? -EPROTO : 0);
	}
	m = reply();
	nla_put_u32(m, TVM_A_VM_ID, 7);
	nla_put_u64(m, TVM_A_VM_LOG_COUNT, 3);
	nla_put_u32(m, TVM_A_AK_ALG, TVM_AK_ALG_ECDSA);
	nla_put(m, TVM_A_QUOTE_ATTEST, 4, "msg!");
	nla_put(m, TVM_A_QUOTE_SIGNATURE, sizeof(tpmt), tpmt);
	list = nla_nest_start(m, TVM_A_PCR_VALUES);
	pcrv(m, TVM_BANK_SHA256, TVM_PCR_OS, 32);
	nla_nest_end(m, list);
	assert_int_equal(tvm_client_quote(NULL, &by_name, nonce, sizeof(nonce),
					  &ps, q), 0);
	assert_int_equal(q->sig_alg, TVM_AK_ALG_ECDSA);
	assert_int_equal(q->sig_len, sizeof(tpmt));
	assert_memory_equal(q->sig, tpmt, sizeof(tpmt));
	free(q);
}

/* A policy reply: TVM_A_POLICY { NAME @name, GEN @gen, DIGEST }. */
static void policy_reply(const char *name, uint64_t gen)
{
	struct nl_msg *m = reply();
	struct nlattr *nest;
	uint8_t digest[POLICY_DIGEST_SIZE];

	memset(digest, 0x5a, sizeof(digest));
	nest = nla_nest_start(m, TVM_A_POLICY);
	nla_put_string(m, TVM_A_POLICY_NAME, name);
	nla_put_u64(m, TVM_A_POLICY_GEN, gen);
	nla_put(m, TVM_A_POLICY_DIGEST, sizeof(digest), digest);
	nla_nest_end(m, nest);
}

/* An encoded policy for "web", as policy_encode() makes it. */
static size_t policy_attr(uint8_t *buf, size_t size)
{
	struct policy p = { .version = TVM_POLICY_VERSION,
			    .mode = TVM_POLICY_ENFORCE };
	size_t len;

	p.sel.type = POLICY_SEL_NAME;
	strcpy(p.sel.name, "web");
	assert_int_equal(policy_encode(&p, buf, size, &len), 0);
	return len;
}

static void test_policy_load(void **state)
{
	static uint8_t attr[POLICY_ATTR_MAX + 1];
	struct policy_msg pm = { .attr = attr, .sig = (const uint8_t *)"sig",
				 .sig_len = 3 };
	struct policy back = { 0 };

	(void)state;
	pm.len = policy_attr(attr, sizeof(attr));
	policy_reply("web", 42);
	assert_int_equal(tvm_client_policy_load(NULL, &pm, &back), 0);
	assert_int_equal(fake.cmd, TVM_CMD_POLICY_LOAD);
	/* The attribute as encoded, and the signature beside it. */
	assert_non_null(fake.tb[TVM_A_POLICY]);
	assert_int_equal(nla_total_size(nla_len(fake.tb[TVM_A_POLICY])),
			 pm.len);
	assert_memory_equal(fake.tb[TVM_A_POLICY], attr, pm.len);
	assert_non_null(fake.tb[TVM_A_POLICY_SIGNATURE]);
	assert_memory_equal(nla_data(fake.tb[TVM_A_POLICY_SIGNATURE]), "sig",
			    3);
	assert_int_equal(back.sel.type, POLICY_SEL_NAME);
	assert_string_equal(back.sel.name, "web");
	assert_true(back.has_gen);
	assert_int_equal(back.gen, 42);
	assert_true(back.has_digest);
	assert_int_equal(back.digest[0], 0x5a);
	policy_free(&back);

	/* Unsigned: no signature attribute at all. */
	pm.sig = NULL;
	pm.sig_len = 0;
	policy_reply("web", 43);
	assert_int_equal(tvm_client_policy_load(NULL, &pm, &back), 0);
	assert_null(fake.tb[TVM_A_POLICY_SIGNATURE]);
	policy_free(&back);

	/* A reply without the policy is not as tvm.h has it. */
	reply();
	assert_int_equal(tvm_client_policy_load(NULL, &pm, &back), -EPROTO);
	policy_free(&back);
}

static void test_policy_get(void **state)
{
	struct policy_sel sel = { .type = POLICY_SEL_UUID };
	struct nlattr *tb[TVM_A_POLICY_MAX + 1];
	struct policy p;

	(void)state;
	memcpy(sel.uuid, uuid, sizeof(uuid));
	policy_reply("web", 7);
	assert_int_equal(tvm_client_policy_get(NULL, &sel, &p), 0);
	assert_int_equal(fake.cmd, TVM_CMD_POLICY_GET);
	assert_int_equal(nla_parse_nested(tb, TVM_A_POLICY_MAX,
					  fake.tb[TVM_A_POLICY], NULL), 0);
	assert_non_null(tb[TVM_A_POLICY_UUID]);
	assert_memory_equal(nla_data(tb[TVM_A_POLICY_UUID]), uuid,
			    TVM_UUID_SIZE);
	assert_null(tb[TVM_A_POLICY_NAME]);
	assert_int_equal(p.gen, 7);
	policy_free(&p);

	/* The kernel's error comes back as it is. */
	fake.err = -ENOENT;
	assert_int_equal(tvm_client_policy_get(NULL, &sel, &p), -ENOENT);
	policy_free(&p);
}

static int count_policy(const struct policy *p, void *arg)
{
	int *n = arg;

	assert_true(p->has_gen);
	assert_int_equal(p->gen, 10 + *n);
	return ++*n == 2 ? -ECANCELED : 0;
}

static void test_policy_list(void **state)
{
	int n = 0;

	(void)state;
	policy_reply("a", 10);
	assert_int_equal(tvm_client_policy_list(NULL, count_policy, &n), 0);
	assert_int_equal(fake.cmd, TVM_CMD_POLICY_GET);
	assert_null(fake.tb[TVM_A_POLICY]);
	assert_int_equal(n, 1);

	/* The callback's first negative return stops the walk. */
	n = 0;
	policy_reply("a", 10);
	policy_reply("b", 11);
	policy_reply("c", 12);
	assert_int_equal(tvm_client_policy_list(NULL, count_policy, &n),
			 -ECANCELED);
	assert_int_equal(n, 2);

	/* A head without its policy is -EPROTO, before the callback. */
	n = 0;
	reply();
	assert_int_equal(tvm_client_policy_list(NULL, count_policy, &n),
			 -EPROTO);
	assert_int_equal(n, 0);
}

static void test_policy_delete(void **state)
{
	static uint8_t attr[POLICY_ATTR_MAX + 1];
	struct policy_sel sel = { .type = POLICY_SEL_DEFAULT };
	struct nlattr *tb[TVM_A_POLICY_MAX + 1];
	struct policy_msg pm = { .attr = attr, .sig = (const uint8_t *)"sig",
				 .sig_len = 3 };

	(void)state;
	assert_int_equal(tvm_client_policy_delete(NULL, &sel), 0);
	assert_int_equal(fake.cmd, TVM_CMD_POLICY_DELETE);
	assert_int_equal(nla_parse_nested(tb, TVM_A_POLICY_MAX,
					  fake.tb[TVM_A_POLICY], NULL), 0);
	assert_non_null(tb[TVM_A_POLICY_DEFAULT]);
	assert_null(fake.tb[TVM_A_POLICY_SIGNATURE]);

	sel.type = POLICY_SEL_NAME;
	strcpy(sel.name, "web");
	assert_int_equal(tvm_client_policy_delete(NULL, &sel), 0);
	assert_int_equal(nla_parse_nested(tb, TVM_A_POLICY_MAX,
					  fake.tb[TVM_A_POLICY], NULL), 0);
	assert_string_equal(nla_data(tb[TVM_A_POLICY_NAME]), "web");

	/* The signed delete: the file's attribute and its signature. */
	pm.len = policy_attr(attr, sizeof(attr));
	assert_int_equal(tvm_client_policy_delete_signed(NULL, &pm), 0);
	assert_int_equal(fake.cmd, TVM_CMD_POLICY_DELETE);
	assert_memory_equal(fake.tb[TVM_A_POLICY], attr, pm.len);
	assert_memory_equal(nla_data(fake.tb[TVM_A_POLICY_SIGNATURE]), "sig",
			    3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_get_no_uuid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kernel_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vm_create_request, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pcr_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcr_extend_batch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_log_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_dump_gap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_quote, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quote_ecdsa, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_policy_load, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_policy_get, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_policy_list, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_policy_delete, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("client", tests, NULL, NULL);
}
