// SPDX-License-Identifier: GPL-2.0
/*
 * Batched extend (ABI 13, TVM_CMD_PCR_EXTEND_BATCH), over raw netlink:
 * a batch gives the PCRs and the log that the same extends made one by
 * one give, across VMs too, in order; the first bad event stops it, the
 * events before it stay, and the error names the event (the extack's
 * offset into the request, the cookie's index); a malformed or oversized
 * batch is refused whole.  privilege_test.c checks that an unprivileged
 * user's batch does nothing.
 */

#include "tvm_test.h"
#include "../kselftest_harness.h"

/* --- requests ------------------------------------------------------------ */

/* A batch request, TVM_A_BATCH left open for batch_event()s. */
static void batch_start(struct tmsg *m, struct tnl *nl)
{
	tmsg_init(m, nl, TVM_CMD_PCR_EXTEND_BATCH, 0);
	tmsg_nest_start(m, TVM_A_BATCH);
}

/*
 * One event: VM @id's @pcr, data @data hashed by the kernel; left open
 * for more attributes.  Returns its offset in @m, as NLMSGERR_ATTR_OFFS
 * counts.
 */
static uint32_t batch_event_open(struct tmsg *m, uint32_t id, uint32_t pcr,
				 const char *data)
{
	uint32_t off = NLMSG_ALIGN(m->nlh.nlmsg_len);

	tmsg_nest_start(m, TVM_A_BATCH_EVENT);
	tmsg_put_u32(m, TVM_A_VM_ID, id);
	tmsg_put_u32(m, TVM_A_PCR_INDEX, pcr);
	tmsg_put(m, TVM_A_EVENT_DATA, data, strlen(data));
	return off;
}

static uint32_t batch_event(struct tmsg *m, uint32_t id, uint32_t pcr,
			    const char *data)
{
	uint32_t off = batch_event_open(m, id, pcr, data);

	tmsg_nest_end(m);
	return off;
}

/* The reply: TVM_A_BATCH_DONE and each event's VM and sequence number. */
struct batch_reply {
	uint32_t done;
	int n;
	uint32_t id[TVM_BATCH_MAX];
	uint64_t seq[TVM_BATCH_MAX];
};

static int batch_cb(const struct nlmsghdr *h, void *arg)
{
	struct batch_reply *r = arg;
	const struct nlattr *a, *list, *e;

	a = tmsg_attr(h, TVM_A_BATCH_DONE);
	if (a)
		r->done = tattr_u32(a);
	list = tmsg_attr(h, TVM_A_BATCH);
	if (!list)
		return 0;
	tattr_for_each(e, tattr_data(list), tattr_len(list)) {
		if (tattr_type(e) != TVM_A_BATCH_EVENT || r->n >= TVM_BATCH_MAX)
			continue;
		a = tattr_find(tattr_data(e), tattr_len(e), TVM_A_VM_ID);
		r->id[r->n] = a ? tattr_u32(a) : 0;
		a = tattr_find(tattr_data(e), tattr_len(e), TVM_A_EVENT_SEQ);
		r->seq[r->n] = a ? tattr_u64(a) : ~0ull;
		r->n++;
	}
	return 0;
}

/* Close TVM_A_BATCH and send; the reply into @r (may be NULL). */
static int batch_send(struct tnl *nl, struct tmsg *m, struct batch_reply *r)
{
	tmsg_nest_end(m);
	if (r)
		memset(r, 0, sizeof(*r));
	return tnl_call(nl, m, r ? batch_cb : NULL, r);
}

static int log_count_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *a = tmsg_attr(h, TVM_A_VM_LOG_COUNT);

	if (a)
		*(uint64_t *)arg = tattr_u64(a);
	return 0;
}

/* VM @id's log count, or ~0 when it cannot be read. */
static uint64_t log_count(struct tnl *nl, uint32_t id)
{
	uint64_t n = ~0ull;

	if (tvm_vm_call(nl, TVM_CMD_VM_GET, id, log_count_cb, &n))
		return ~0ull;
	return n;
}

/* --- the fixture ---------------------------------------------------------- */

FIXTURE(batch) {
	struct tnl nl;
	struct tmsg m;
	struct tvm_vms vms;
	struct batch_reply r;
	bool no_tvm;
};

FIXTURE_SETUP(batch)
{
	TVM_SETUP_NL();
}

FIXTURE_TEARDOWN(batch)
{
	if (!self->no_tvm) {
		tvm_vms_delete(&self->nl, &self->vms);
		tnl_close(&self->nl);
	}
}

/* The setup and teardown of the fixtures that hold a batch fixture. */
static void batch_open(struct __test_metadata *_metadata,
		       FIXTURE_DATA(batch) *s)
{
	int ret = tnl_open(&s->nl);

	if (ret == -ENOENT) {
		s->no_tvm = true;
		SKIP(return, "tvm.ko is not loaded");
	}
	ASSERT_EQ(0, ret);
}

static void batch_close(FIXTURE_DATA(batch) *s)
{
	if (!s->no_tvm) {
		tvm_vms_delete(&s->nl, &s->vms);
		tnl_close(&s->nl);
	}
}

/*
 * Five events on PCRs 16 and 23 of one VM give the PCRs, sequence
 * numbers and log entries that the same five single extends give a twin.
 */
TEST_F(batch, extends_as_single_extends_do)
{
	static const char *data[] = { "a", "bb", "ccc", "dddd", "eeeee" };
	static const uint32_t pcr[] = { 16, 23, 16, 16, 23 };
	struct tvm_pcrs pb, ps;
	struct tvm_log log = { 0 };
	uint32_t a, twin;
	unsigned int i, b;

	NEED_TVM();
	ASSERT_VM_NEW("batch-a", 0, 0, &a);
	ASSERT_VM_NEW("batch-twin", 0, 0, &twin);

	batch_start(&self->m, &self->nl);
	for (i = 0; i < 5; i++)
		batch_event(&self->m, a, pcr[i], data[i]);
	ASSERT_EQ(0, batch_send(&self->nl, &self->m, &self->r))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(5u, self->r.done);
	ASSERT_EQ(5, self->r.n);
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(a, self->r.id[i]);
		EXPECT_EQ(CREATION_EVENTS + i, self->r.seq[i]);
		ASSERT_EQ(0, tvm_extend_data(&self->nl, twin, pcr[i], data[i],
					     strlen(data[i]), NULL));
	}

	ASSERT_EQ(0, tvm_pcr_read(&self->nl, a, &pb));
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, twin, &ps));
	EXPECT_EQ(CREATION_EVENTS + 5, pb.log_count);
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(TVM_BANKS_DEFAULT & (1u << b)))
			continue;
		EXPECT_PCR(ps.v[b][16], pb.v[b][16], b, 16);
		EXPECT_PCR(ps.v[b][23], pb.v[b][23], b, 23);
	}

	ASSERT_EQ(0, tvm_log_dump(&self->nl, a, CREATION_EVENTS, &log));
	ASSERT_EQ(5u, log.n);
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(pcr[i], log.ev[i].pcr);
		EXPECT_EQ((uint32_t)TVM_EV_EXTEND, log.ev[i].type);
		EXPECT_EQ(strlen(data[i]), log.ev[i].data_len);
		EXPECT_EQ(0, memcmp(data[i], log.ev[i].data,
				    log.ev[i].data_len));
	}
	tvm_log_free(&log);
}

/*
 * Events of two VMs, interleaved and in runs (the lock is taken once per
 * run): each lands in its own VM, in order, and the reply says where.
 */
TEST_F(batch, spans_two_vms_in_order)
{
	static const int which[] = { 0, 1, 0, 0, 1, 1, 1, 0 };
	uint64_t next[2] = { CREATION_EVENTS, CREATION_EVENTS };
	struct tvm_log log = { 0 };
	uint32_t id[2];
	unsigned int i;
	char d[16];

	NEED_TVM();
	ASSERT_VM_NEW("batch-x", 0, 0, &id[0]);
	ASSERT_VM_NEW("batch-y", 1u << TVM_BANK_SHA256, 0, &id[1]);

	batch_start(&self->m, &self->nl);
	for (i = 0; i < 8; i++) {
		snprintf(d, sizeof(d), "event-%u", i);
		batch_event(&self->m, id[which[i]], TVM_PCR_APP, d);
	}
	ASSERT_EQ(0, batch_send(&self->nl, &self->m, &self->r))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(8u, self->r.done);
	ASSERT_EQ(8, self->r.n);
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(id[which[i]], self->r.id[i]);
		EXPECT_EQ(next[which[i]]++, self->r.seq[i]);
	}
	EXPECT_EQ(CREATION_EVENTS + 4, log_count(&self->nl, id[0]));
	EXPECT_EQ(CREATION_EVENTS + 4, log_count(&self->nl, id[1]));

	/* VM y's log holds events 1, 4, 5, 6, in that order. */
	ASSERT_EQ(0, tvm_log_dump(&self->nl, id[1], CREATION_EVENTS, &log));
	ASSERT_EQ(4u, log.n);
	EXPECT_EQ(0, memcmp("event-1", log.ev[0].data, 7));
	EXPECT_EQ(0, memcmp("event-4", log.ev[1].data, 7));
	EXPECT_EQ(0, memcmp("event-6", log.ev[3].data, 7));
	tvm_log_free(&log);
}

/* Exactly TVM_BATCH_MAX events are taken. */
TEST_F(batch, takes_batch_max_events)
{
	uint32_t id;
	int i;

	NEED_TVM();
	ASSERT_VM_NEW("batch-max", 1u << TVM_BANK_SHA256, 0, &id);
	batch_start(&self->m, &self->nl);
	for (i = 0; i < TVM_BATCH_MAX; i++)
		batch_event(&self->m, id, TVM_PCR_DEBUG, "x");
	ASSERT_EQ(0, batch_send(&self->nl, &self->m, &self->r))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ((uint32_t)TVM_BATCH_MAX, self->r.done);
	EXPECT_EQ(CREATION_EVENTS + TVM_BATCH_MAX, log_count(&self->nl, id));
}

/* One more is refused whole: E2BIG, no cookie, nothing logged. */
TEST_F(batch, refuses_more_than_batch_max_whole)
{
	uint32_t id, off = 0;
	int i;

	NEED_TVM();
	ASSERT_VM_NEW("batch-over", 1u << TVM_BANK_SHA256, 0, &id);
	batch_start(&self->m, &self->nl);
	for (i = 0; i <= TVM_BATCH_MAX; i++)
		off = batch_event(&self->m, id, TVM_PCR_DEBUG, "x");
	EXPECT_EQ(-E2BIG, batch_send(&self->nl, &self->m, NULL));
	EXPECT_EXTACK("TVM_BATCH_MAX");
	EXPECT_EQ(off, self->nl.extack_offs);
	EXPECT_EQ(0, self->nl.cookie_len);
	EXPECT_EQ(CREATION_EVENTS, log_count(&self->nl, id));
}

/* --- the first bad event stops the batch --------------------------------- */

/*
 * Events 0 and 1 are good, event 2 is bad in the variant's way, events 3
 * and 4 are good: 0 and 1 are logged, 2 to 4 are not, and the error
 * (errno, message) names event 2 by its offset and by the cookie.
 */
FIXTURE(stop) {
	FIXTURE_DATA(batch) s;
};

FIXTURE_VARIANT(stop) {
	int err;
	const char *msg;
	/* Event 2: VM @vm_id (0: the test's VM), PCR @pcr; then @bad. */
	uint32_t vm_id;
	uint32_t pcr;
	void (*bad)(struct tmsg *m);
	/* The test's VM's log_max, for a log that fills at event 2. */
	uint32_t log_max;
};

FIXTURE_SETUP(stop)
{
	batch_open(_metadata, &self->s);
}

FIXTURE_TEARDOWN(stop)
{
	batch_close(&self->s);
}

static void bad_reserved_type(struct tmsg *m)
{
	tmsg_put_u32(m, TVM_A_EVENT_TYPE, TVM_EV_VMM_EXE);
}

static void bad_unlisted_type(struct tmsg *m)
{
	tmsg_put_u32(m, TVM_A_EVENT_TYPE, 0x80000001);
}

static void bad_digest_bank(struct tmsg *m)
{
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX] = { { 0 } };

	/* The VM has no SHA-1 bank. */
	tvm_put_digests(m, (1u << TVM_BANK_SHA1) | TVM_BANKS_DEFAULT, d);
}

static void bad_none(struct tmsg *m)
{
}

FIXTURE_VARIANT_ADD(stop, kernel_pcr) {
	.err = -EPERM, .msg = "PCRs 0-8", .pcr = TVM_PCR_VMM,
	.bad = bad_none,
};

FIXTURE_VARIANT_ADD(stop, reserved_type) {
	.err = -EPERM, .msg = "kernel only", .pcr = TVM_PCR_DEBUG,
	.bad = bad_reserved_type,
};

FIXTURE_VARIANT_ADD(stop, unlisted_type) {
	.err = -EINVAL, .msg = "not extendable", .pcr = TVM_PCR_DEBUG,
	.bad = bad_unlisted_type,
};

FIXTURE_VARIANT_ADD(stop, no_such_vm) {
	.err = -ENOENT, .msg = "no such VM", .vm_id = 0x7ffffff0,
	.pcr = TVM_PCR_DEBUG, .bad = bad_none,
};

FIXTURE_VARIANT_ADD(stop, digest_of_a_missing_bank) {
	.err = -EINVAL, .msg = "no such bank", .pcr = TVM_PCR_DEBUG,
	.bad = bad_digest_bank,
};

FIXTURE_VARIANT_ADD(stop, log_full) {
	.err = -ENOSPC, .msg = "log is full", .pcr = TVM_PCR_DEBUG,
	.bad = bad_none, .log_max = 16,
};

TEST_F(stop, keeps_the_events_before_and_names_the_bad_one)
{
	struct tvm_log log = { 0 };
	uint32_t id, off = 0, o, end;
	struct tmsg *m = &self->s.m;
	uint64_t base;
	int i;

	if (self->s.no_tvm)
		return;
	ASSERT_EQ(0, tvm_vm_new(&self->s.nl, &self->s.vms, "batch-stop", 0,
				variant->log_max, &id));
	/* A log that holds two more events. */
	for (i = 0; variant->log_max &&
		    i < (int)(variant->log_max - CREATION_EVENTS - 2); i++)
		ASSERT_EQ(0, tvm_extend_data(&self->s.nl, id, TVM_PCR_APP,
					     "fill", 4, NULL));
	base = log_count(&self->s.nl, id);

	batch_start(m, &self->s.nl);
	for (i = 0; i < 5; i++) {
		if (i != 2) {
			batch_event(m, id, TVM_PCR_DEBUG, "good");
			continue;
		}
		off = batch_event_open(m, variant->vm_id ?: id, variant->pcr,
				       "bad");
		variant->bad(m);
		tmsg_nest_end(m);
	}
	end = NLMSG_ALIGN(m->nlh.nlmsg_len);
	EXPECT_EQ(variant->err, batch_send(&self->s.nl, m, NULL));
	EXPECT_NE(NULL, strstr(self->s.nl.extack, variant->msg))
		TH_LOG("extack '%s'", self->s.nl.extack);
	/* The cookie: event 2, two done. */
	ASSERT_EQ((int)sizeof(uint32_t), self->s.nl.cookie_len);
	EXPECT_EQ(2u, self->s.nl.cookie);
	/* The offset: within event 2's nest, before event 3's. */
	o = self->s.nl.extack_offs;
	EXPECT_LE(off, o) TH_LOG("offset %u, event 2 at %u", o, off);
	EXPECT_GT(off + ((struct nlattr *)(m->buf + off))->nla_len, o);
	EXPECT_GT(end, o);

	EXPECT_EQ(base + 2, log_count(&self->s.nl, id));
	ASSERT_EQ(0, tvm_log_dump(&self->s.nl, id, base, &log));
	ASSERT_EQ(2u, log.n);
	EXPECT_EQ(0, memcmp("good", log.ev[1].data, 4));
	tvm_log_free(&log);
}

/* --- malformed batches are refused whole --------------------------------- */

FIXTURE(malformed) {
	FIXTURE_DATA(batch) s;
};

FIXTURE_VARIANT(malformed) {
	int err;
	/* Puts the batch after one good event of VM @id. */
	void (*put)(struct tmsg *m, uint32_t id);
	bool no_batch;
};

FIXTURE_SETUP(malformed)
{
	batch_open(_metadata, &self->s);
}

FIXTURE_TEARDOWN(malformed)
{
	batch_close(&self->s);
}

static void put_nothing(struct tmsg *m, uint32_t id)
{
}

/* An entry of another type than TVM_A_BATCH_EVENT. */
static void put_wrong_entry_type(struct tmsg *m, uint32_t id)
{
	tmsg_nest_start(m, TVM_A_BATCH_EVENT + 1);
	tmsg_put_u32(m, TVM_A_VM_ID, id);
	tmsg_put_u32(m, TVM_A_PCR_INDEX, TVM_PCR_DEBUG);
	tmsg_nest_end(m);
}

/* An event with an attribute a single extend does not take. */
static void put_foreign_attr(struct tmsg *m, uint32_t id)
{
	uint8_t nonce[TVM_NONCE_MIN] = { 0 };

	batch_event_open(m, id, TVM_PCR_DEBUG, "x");
	tmsg_put(m, TVM_A_QUOTE_NONCE, nonce, sizeof(nonce));
	tmsg_nest_end(m);
}

/* A PCR out of range. */
static void put_pcr_out_of_range(struct tmsg *m, uint32_t id)
{
	batch_event(m, id, TVM_NUM_PCRS, "x");
}

/* An event of two bytes without NLA_F_NESTED: not a nest (strict). */
static void put_flat_event(struct tmsg *m, uint32_t id)
{
	static const uint16_t v = 1;

	tmsg_put(m, TVM_A_BATCH_EVENT, &v, sizeof(v));
}

/* Data longer than TVM_EVENT_DATA_MAX. */
static void put_long_data(struct tmsg *m, uint32_t id)
{
	static char big[TVM_EVENT_DATA_MAX + 2];

	memset(big, 'z', sizeof(big) - 1);
	batch_event(m, id, TVM_PCR_DEBUG, big);
}

/* A nested event inside an event. */
static void put_nested_batch(struct tmsg *m, uint32_t id)
{
	batch_event_open(m, id, TVM_PCR_DEBUG, "x");
	tmsg_nest_start(m, TVM_A_BATCH);
	batch_event(m, id, TVM_PCR_DEBUG, "y");
	tmsg_nest_end(m);
	tmsg_nest_end(m);
}

/*
 * An event whose one digest entry holds @bank and a value of @len bytes,
 * then, if @extra, an attribute a digest entry does not take.  The
 * kernel parses an event's digests without validating them again
 * (genetlink validated the whole request): these show it did.
 */
static void put_digest_entry(struct tmsg *m, uint32_t id, uint32_t bank,
			     size_t len, bool extra)
{
	static const uint8_t value[TVM_DIGEST_MAX + 1];

	tmsg_nest_start(m, TVM_A_BATCH_EVENT);
	tmsg_put_u32(m, TVM_A_VM_ID, id);
	tmsg_put_u32(m, TVM_A_PCR_INDEX, TVM_PCR_DEBUG);
	tmsg_nest_start(m, TVM_A_EVENT_DIGESTS);
	tmsg_nest_start(m, TVM_A_DIGEST);
	tmsg_put_u32(m, TVM_A_DIGEST_BANK, bank);
	tmsg_put(m, TVM_A_DIGEST_VALUE, value, len);
	if (extra)
		tmsg_put_u32(m, TVM_A_DIGEST_ENTRY_MAX + 1, 0);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
}

/* A bank past the last: the policy's range (ERANGE), not "no such bank". */
static void put_digest_bank_out_of_range(struct tmsg *m, uint32_t id)
{
	put_digest_entry(m, id, __TVM_BANK_MAX, 32, false);
}

/* A value longer than any bank's: the policy's length (ERANGE). */
static void put_digest_too_long(struct tmsg *m, uint32_t id)
{
	put_digest_entry(m, id, TVM_BANK_SHA256, TVM_DIGEST_MAX + 1, false);
}

/* An attribute a digest entry does not take. */
static void put_digest_foreign_attr(struct tmsg *m, uint32_t id)
{
	put_digest_entry(m, id, TVM_BANK_SHA256, 32, true);
}

FIXTURE_VARIANT_ADD(malformed, digest_bank_out_of_range) {
	.err = -ERANGE, .put = put_digest_bank_out_of_range,
};

FIXTURE_VARIANT_ADD(malformed, digest_too_long) {
	.err = -ERANGE, .put = put_digest_too_long,
};

FIXTURE_VARIANT_ADD(malformed, digest_foreign_attribute) {
	.err = -EINVAL, .put = put_digest_foreign_attr,
};

FIXTURE_VARIANT_ADD(malformed, no_batch_attr) {
	.err = -EINVAL, .put = put_nothing, .no_batch = true,
};

FIXTURE_VARIANT_ADD(malformed, wrong_entry_type) {
	.err = -EINVAL, .put = put_wrong_entry_type,
};

FIXTURE_VARIANT_ADD(malformed, foreign_attribute) {
	.err = -EINVAL, .put = put_foreign_attr,
};

FIXTURE_VARIANT_ADD(malformed, pcr_out_of_range) {
	.err = -ERANGE, .put = put_pcr_out_of_range,
};

FIXTURE_VARIANT_ADD(malformed, flat_event) {
	.err = -EINVAL, .put = put_flat_event,
};

FIXTURE_VARIANT_ADD(malformed, data_too_long) {
	.err = -ERANGE, .put = put_long_data,
};

FIXTURE_VARIANT_ADD(malformed, batch_in_an_event) {
	.err = -EINVAL, .put = put_nested_batch,
};

TEST_F(malformed, refused_whole)
{
	struct tmsg *m = &self->s.m;
	uint32_t id;
	int ret;

	if (self->s.no_tvm)
		return;
	ASSERT_EQ(0, tvm_vm_new(&self->s.nl, &self->s.vms, "batch-bad", 0, 0,
				&id));
	if (variant->no_batch) {
		tmsg_init(m, &self->s.nl, TVM_CMD_PCR_EXTEND_BATCH, 0);
		ret = tnl_call(&self->s.nl, m, NULL, NULL);
	} else {
		batch_start(m, &self->s.nl);
		batch_event(m, id, TVM_PCR_DEBUG, "good");
		variant->put(m, id);
		ret = batch_send(&self->s.nl, m, NULL);
	}
	EXPECT_EQ(variant->err, ret) TH_LOG("extack '%s'", self->s.nl.extack);
	EXPECT_NE(0, self->s.nl.extack[0]);
	EXPECT_EQ(0, self->s.nl.cookie_len);
	EXPECT_EQ(CREATION_EVENTS, log_count(&self->s.nl, id));
}

/* An empty TVM_A_BATCH: EINVAL, named. */
TEST_F(batch, refuses_an_empty_batch)
{
	NEED_TVM();
	batch_start(&self->m, &self->nl);
	EXPECT_EQ(-EINVAL, batch_send(&self->nl, &self->m, NULL));
	EXPECT_EXTACK("empty batch");
	EXPECT_EQ(0, self->nl.cookie_len);
}

TEST_HARNESS_MAIN
