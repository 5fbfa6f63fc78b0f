// SPDX-License-Identifier: GPL-2.0
/*
 * tvm's event logs: they replay to the PCRs (in user space and in
 * tpm2_eventlog), dump from any sequence number, stop at their bound
 * without losing anything, show the same in securityfs, and stay
 * gap-free under concurrent extends.
 */

#include <dirent.h>
#include <endian.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>

#include "tvm_crypto.h"
#include "../kselftest_harness.h"

#define VMS_DIR "/sys/kernel/security/" TVM_SECURITYFS_DIR "/vms"
#define STATS_FILE "/sys/kernel/security/" TVM_SECURITYFS_DIR "/stats"

/* --- independent computations ------------------------------------------ */

/* TPM_ALG_ID of each bank (TPM 2.0 Part 2, table 9). */
static const uint16_t tpm_alg[__TVM_BANK_MAX] = {
	[TVM_BANK_SHA1] = 0x0004,
	[TVM_BANK_SHA256] = 0x000b,
	[TVM_BANK_SHA384] = 0x000c,
	[TVM_BANK_SM3_256] = 0x0012,
};

#define OUT_MAX (4u << 20)

/* The whole of a file, NUL-terminated, in a malloc()ed buffer; its size or -errno. */
static ssize_t slurp_fd(int fd, char **out)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1), *nb;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			n = -errno;
			free(buf);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	*out = buf;
	return len;
}

static ssize_t slurp(const char *path, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = slurp_fd(fd, out);
	close(fd);
	return n;
}

/* "name: N" from tvm/stats, or -1. */
static long long stat_value(const char *name)
{
	char *text, *p;
	long long v = -1;
	size_t n = strlen(name);

	if (slurp(STATS_FILE, &text) < 0)
		return -1;
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == ':')
			sscanf(p + n + 1, "%lld", &v);
	free(text);
	return v;
}

/* --- requests -------------------------------------------------------------- */

struct vm_info {
	uint32_t state;
	uint64_t log_count, log_refused;
};

static int info_cb(const struct nlmsghdr *h, void *arg)
{
	struct vm_info *v = arg;
	const struct nlattr *a;

	if ((a = tmsg_attr(h, TVM_A_VM_STATE)))
		v->state = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_LOG_COUNT)))
		v->log_count = tattr_u64(a);
	if ((a = tmsg_attr(h, TVM_A_VM_LOG_REFUSED)))
		v->log_refused = tattr_u64(a);
	return 0;
}

static int vm_get(struct tnl *nl, uint32_t id, struct vm_info *v)
{
	struct tmsg m;

	memset(v, 0, sizeof(*v));
	tmsg_init(&m, nl, TVM_CMD_VM_GET, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	return tnl_call(nl, &m, info_cb, v);
}

/* --- the fixture ---------------------------------------------------------- */

FIXTURE(log) {
	struct tnl nl;
	struct tmsg m;
	struct tvm_vms vms;
	bool no_tvm;
	char *out;
};

FIXTURE_SETUP(log)
{
	TVM_SETUP_NL();
	self->out = malloc(OUT_MAX);
	ASSERT_NE(NULL, self->out);
}

FIXTURE_TEARDOWN(log)
{
	if (self->no_tvm)
		return;
	tvm_vms_delete(&self->nl, &self->vms);
	tnl_close(&self->nl);
	free(self->out);
}

/*
 * Debian 6.1's harness runs the test even after its setup SKIPs; every
 * test starts with this.
 */

/* The log of VM @id replays to its PCRs, in every bank of @banks. */
#define EXPECT_LOG_REPLAYS(id, banks, log) do {				\
	struct tvm_pcrs _r, _p;						\
	unsigned int _b, _i;						\
									\
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, (id), &_p));		\
	ASSERT_EQ(0, replay((log), (banks), &_r));			\
	EXPECT_EQ(_p.log_count, (uint64_t)(log)->n);			\
	for (_b = 0; _b < __TVM_BANK_MAX; _b++) {			\
		if (!((banks) & (1u << _b)))				\
			continue;					\
		EXPECT_EQ((uint32_t)TVM_PCR_MASK_ALL, _p.have[_b]);	\
		for (_i = 0; _i < TVM_NUM_PCRS; _i++)			\
			EXPECT_PCR(_r.v[_b][_i], _p.v[_b][_i], _b, _i);	\
	}								\
} while (0)

#define SEED 0x6c6f67c0ffee5678ULL

/*
 * A random mix of extends (data and digests) of every PCR an administrator
 * may extend (9-23), and resets of
 * 16 and 23, replays in user space to exactly what PCR_READ returns.
 */
TEST_F_TIMEOUT(log, replay_matches_pcrs, 120)
{
	static uint8_t data[1024];
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	struct tvm_log log = {};
	unsigned int i, resets = 0, markers = 0;
	uint64_t s = SEED, seq;
	uint32_t id, pcr;
	size_t len;
	int ret;

	NEED_TVM();

	ASSERT_VM_NEW("log-replay", TVM_BANKS_ALL, 0, &id);
	for (i = 0; i < 150; i++) {
		uint64_t op = rnd(&s) % 10;

		pcr = TVM_FIRST_ADMIN_PCR +
		      rnd(&s) % (TVM_NUM_PCRS - TVM_FIRST_ADMIN_PCR);
		if (op == 0) {
			pcr = rnd(&s) % 2 ? TVM_PCR_DEBUG : TVM_PCR_APP;
			ret = pcr_reset(&self->nl, id, pcr, &seq);
			resets++;
		} else if (op < 6) {
			len = rnd(&s) % sizeof(data);
			rnd_bytes(&s, data, len);
			ret = tvm_extend_data(&self->nl, id, pcr, data, len,
					      &seq);
		} else {
			rnd_bytes(&s, d, sizeof(d));
			ret = tvm_extend_digests(&self->nl, id, pcr,
						 TVM_EV_EXTEND, TVM_BANKS_ALL,
						 d, "digests", 7, &seq);
		}
		ASSERT_EQ(0, ret) TH_LOG("op %u: %s", i, self->nl.extack);
		EXPECT_EQ(CREATION_EVENTS + i, seq);
	}
	ASSERT_LT(0u, resets);

	ASSERT_EQ(0, tvm_log_dump(&self->nl, id, 0, &log));
	ASSERT_EQ(CREATION_EVENTS + 150, log.n);
	for (i = 0; i < log.n; i++) {
		EXPECT_EQ((uint64_t)i, log.ev[i].seq);
		if (log.ev[i].type == TVM_EV_NO_ACTION)
			markers++;
	}
	EXPECT_EQ(resets, markers);
	EXPECT_LOG_REPLAYS(id, (uint32_t)TVM_BANKS_ALL, &log);
	tvm_log_free(&log);
}

/*
 * VM @id's binary_measurements parses in tpm2_eventlog, whose replay
 * ("pcrs:") lists exactly the PCRs with events, with tvm's values, in
 * every bank.
 */
static void expect_eventlog_replays(struct __test_metadata *_metadata,
				    FIXTURE_DATA(log) *self, uint32_t id)
{
	char path[64], vm_path[128], *bin;
	struct tvm_pcrs tool, p;
	struct tvm_log log = {};
	uint32_t used = 0;
	unsigned int i, b;
	ssize_t len;
	int fd, ret;

	snprintf(vm_path, sizeof(vm_path), VMS_DIR "/%u/binary_measurements",
		 id);
	len = slurp(vm_path, &bin);
	ASSERT_LT(0, len) TH_LOG("%s: %s", vm_path, strerror(-len));
	snprintf(path, sizeof(path), "/tmp/tvm-log-test.XXXXXX");
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ret = write(fd, bin, len) == len ? 0 : -1;
	close(fd);
	free(bin);
	ASSERT_EQ(0, ret);

	ret = run(self->out, OUT_MAX, "tpm2_eventlog %s", path);
	unlink(path);
	ASSERT_EQ(0, ret) TH_LOG("tpm2_eventlog: %.2000s", self->out);
	parse_tpm2_pcrs(self->out, "pcrs:", &tool);

	ASSERT_EQ(0, tvm_log_dump(&self->nl, id, 0, &log));
	for (i = 0; i < log.n; i++)
		used |= 1u << log.ev[i].pcr;
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &p));
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		EXPECT_EQ(used, tool.have[b])
			TH_LOG("%s: tpm2_eventlog lists PCRs %#x, events on %#x",
			       bname(b), tool.have[b], used);
		for (i = 0; i < TVM_NUM_PCRS; i++)
			if (tool.have[b] & (1u << i))
				EXPECT_PCR(tool.v[b][i], p.v[b][i], b, i);
	}
	tvm_log_free(&log);
}

/*
 * binary_measurements as tpm2_eventlog reads it: its replay ("pcrs:")
 * lists exactly the PCRs with events, with tvm's values, in every bank.
 */
TEST_F_TIMEOUT(log, binary_log_replays_in_tpm2_eventlog, 120)
{
	static const uint32_t pcrs[] = { TVM_PCR_OS, TVM_PCR_DRIVERS,
		TVM_PCR_CONFIG, TVM_PCR_DATAFLOW, TVM_PCR_DEBUG, TVM_PCR_APP };
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	uint32_t id, pcr;
	uint64_t s = SEED ^ 0x7e;
	char text[64];
	unsigned int i;
	int ret;

	NEED_TVM();

	ASSERT_VM_NEW("log-eventlog", TVM_BANKS_ALL, 0, &id);
	for (i = 0; i < 40; i++) {
		pcr = pcrs[rnd(&s) % ARRAY_SIZE(pcrs)];
		if (i % 2) {
			snprintf(text, sizeof(text), "tvm selftest event %u", i);
			ret = tvm_extend_data(&self->nl, id, pcr, text,
					      strlen(text), NULL);
		} else {
			rnd_bytes(&s, d, sizeof(d));
			ret = tvm_extend_digests(&self->nl, id, pcr,
						 TVM_EV_EXTEND, TVM_BANKS_ALL,
						 d, NULL, 0, NULL);
		}
		ASSERT_EQ(0, ret) TH_LOG("%s", self->nl.extack);
	}

	expect_eventlog_replays(_metadata, self, id);
}

/*
 * Every log an administrator can make parses in tpm2_eventlog (which
 * rejects a whole log over one event whose data does not follow its type's
 * TCG structure): each type PCR_EXTEND accepts (TVM_EV_ADMIN_TYPES), with
 * data empty, of one byte, of the sizes and patterns the structured types'
 * parsers would read as lengths (16 bytes, 0xff..., "HCRTM"), random, and
 * of 4096 bytes, hashed by the kernel or with digests given; structured
 * types with data that is not their structure are refused; and the log
 * replays to the VM's PCRs.
 */
TEST_F_TIMEOUT(log, every_extendable_log_parses_in_tpm2_eventlog, 120)
{
	static const uint32_t types[] = TVM_EV_ADMIN_TYPES;
	/* EV_S_CRTM_CONTENTS, EV_EFI_VARIABLE_*, _BOOT_SERVICES_*, _BLOB */
	static const uint32_t structured[] = {
		0x7, 0x80000001, 0x80000002, 0x80000003, 0x80000004,
		0x80000008, 0x800000e0,
	};
	static const size_t lens[] = { 0, 1, 5, 16, 24, 32, 37, 100, 4095,
				       TVM_EVENT_DATA_MAX };
	static uint8_t data[TVM_EVENT_DATA_MAX];
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	uint64_t s = SEED ^ 0xe7;
	unsigned int t, k, fill, n = 0;
	uint32_t id, pcr;
	size_t len;
	int ret;

	NEED_TVM();

	ASSERT_VM_NEW("log-closed", TVM_BANKS_ALL, 0, &id);
	for (t = 0; t < ARRAY_SIZE(types); t++) {
		for (k = 0; k < ARRAY_SIZE(lens); k++) {
			for (fill = 0; fill < 3; fill++) {
				len = lens[k];
				if (fill == 0)
					rnd_bytes(&s, data, len);
				else
					memset(data, fill == 1 ? 0xff : 0, len);
				if (len == 5 && fill == 2)
					memcpy(data, "HCRTM", 5);
				pcr = TVM_FIRST_ADMIN_PCR + n++ % ADMIN_PCRS;
				if (n % 2) {
					tvm_extend_init(&self->m, &self->nl,
							id, pcr);
					tmsg_put_u32(&self->m,
						     TVM_A_EVENT_TYPE,
						     types[t]);
					tmsg_put(&self->m, TVM_A_EVENT_DATA,
						 data, len);
					ret = tnl_call(&self->nl, &self->m,
						       NULL, NULL);
				} else {
					rnd_bytes(&s, d, sizeof(d));
					ret = tvm_extend_digests(&self->nl, id,
								 pcr, types[t],
								 TVM_BANKS_ALL,
								 d, data, len,
								 NULL);
				}
				ASSERT_EQ(0, ret)
					TH_LOG("type 0x%08x, %zu bytes: %s",
					       types[t], len, self->nl.extack);
			}
		}
	}
	/*
	 * Whatever else an administrator tries: structured TCG types with
	 * data that is not their structure.  What the kernel takes of it
	 * must parse too (ABI 6 takes none of it: EINVAL).
	 */
	for (t = 0; t < ARRAY_SIZE(structured); t++) {
		rnd_bytes(&s, d, sizeof(d));
		ret = tvm_extend_digests(&self->nl, id, TVM_PCR_OS + t,
					 structured[t],
					 TVM_BANKS_ALL, d, "x", 1, NULL);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("type 0x%08x", structured[t]);
	}
	expect_eventlog_replays(_metadata, self, id);
}

/*
 * A socket whose first request is a LOG_DUMP of an event of the largest
 * size, in every bank: the dump's first message is made before the
 * reader's recv() says how large its buffer is, and must fit the event
 * all the same (it failed with EMSGSIZE).
 */
TEST_F(log, dump_of_a_largest_event_on_a_fresh_socket)
{
	static uint8_t data[TVM_EVENT_DATA_MAX];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct tvm_log log = {};
	struct tnl fresh;
	uint64_t s = SEED ^ 0xf5;
	uint64_t seq;
	int one = 1;
	uint32_t id;

	NEED_TVM();
	ASSERT_VM_NEW("log-big", TVM_BANKS_ALL, 0, &id);
	rnd_bytes(&s, data, sizeof(data));
	ASSERT_EQ(0, tvm_extend_data(&self->nl, id, TVM_PCR_APP, data,
				     sizeof(data),
				     &seq))
		TH_LOG("%s", self->nl.extack);

	/* The family is known; the new socket has read nothing yet. */
	fresh = self->nl;
	fresh.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ASSERT_LE(0, fresh.fd);
	ASSERT_EQ(0, bind(fresh.fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, setsockopt(fresh.fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
				sizeof(one)));
	EXPECT_EQ(0, tvm_log_dump(&fresh, id, seq, &log))
		TH_LOG("%s", fresh.extack);
	ASSERT_EQ(1u, log.n);
	EXPECT_EQ(seq, log.ev[0].seq);
	EXPECT_EQ(sizeof(data), log.ev[0].data_len);
	EXPECT_EQ(0, memcmp(data, log.ev[0].data, sizeof(data)));
	tvm_log_free(&log);
	tnl_close(&fresh);
}

/* LOG_DUMP from N returns events N..count-1, whatever N is. */
TEST_F_TIMEOUT(log, dump_from_returns_the_tail, 120)
{
	static uint8_t data[TVM_EVENT_DATA_MAX];
	struct tvm_log all = {}, part = {};
	uint64_t from[] = { 0, 1, 8, 9, 20, 0, 0, 0, 0, 1ull << 40 };
	uint64_t s = SEED ^ 0xd0, n;
	unsigned int i, k;
	uint32_t id;

	NEED_TVM();

	ASSERT_VM_NEW("log-from", TVM_BANKS_ALL, 0, &id);
	/* Large events, so a dump takes several messages. */
	for (i = 0; i < 40; i++) {
		size_t len = i % 3 ? TVM_EVENT_DATA_MAX : rnd(&s) % 100;

		rnd_bytes(&s, data, len);
		ASSERT_EQ(0, tvm_extend_data(&self->nl, id, TVM_FIRST_ADMIN_PCR +
					     i % ADMIN_PCRS, data, len, NULL))
			TH_LOG("%s", self->nl.extack);
	}
	ASSERT_EQ(0, tvm_log_dump(&self->nl, id, 0, &all));
	n = all.n;
	ASSERT_EQ(CREATION_EVENTS + 40, n);
	from[5] = n - 2;
	from[6] = n - 1;
	from[7] = n;
	from[8] = n + 1;

	for (k = 0; k < ARRAY_SIZE(from); k++) {
		uint64_t want = from[k] < n ? n - from[k] : 0;

		memset(&part, 0, sizeof(part));
		ASSERT_EQ(0, tvm_log_dump(&self->nl, id, from[k], &part))
			TH_LOG("from %llu: %s", (unsigned long long)from[k],
			       self->nl.extack);
		EXPECT_EQ(want, (uint64_t)part.n)
			TH_LOG("from %llu", (unsigned long long)from[k]);
		for (i = 0; i < part.n && i < want; i++) {
			EXPECT_EQ(from[k] + i, part.ev[i].seq);
			EXPECT_EQ(0, memcmp(&all.ev[from[k] + i], &part.ev[i],
					    sizeof(part.ev[i])))
				TH_LOG("event %llu differs from the full dump",
				       (unsigned long long)(from[k] + i));
		}
		tvm_log_free(&part);
	}

	/* LOG_FROM 0 given explicitly is the whole log. */
	tmsg_init(&self->m, &self->nl, TVM_CMD_LOG_DUMP, NLM_F_DUMP);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, id);
	tmsg_put_u64(&self->m, TVM_A_LOG_FROM, 0);
	EXPECT_EQ(0, tnl_call(&self->nl, &self->m, tvm_log_cb, &part));
	EXPECT_EQ(n, (uint64_t)part.n);
	tvm_log_free(&part);
	tvm_log_free(&all);
}

/*
 * log_max 16: the 9 creation events and 7 extends fill it; the next extend
 * (and a reset) is refused with ENOSPC and counted, and the 16 events still
 * replay to the PCRs.
 */
TEST_F(log, full_log_refuses_and_keeps_replaying)
{
	const uint32_t banks = TVM_BANKS_DEFAULT;
	long long full0, refused0, full1, refused1;
	struct tvm_pcrs before, after;
	struct tvm_log log = {};
	struct vm_info v;
	char path[128], *text;
	uint64_t seq;
	unsigned int i;
	uint32_t id;

	NEED_TVM();

	full0 = stat_value("log_full");
	refused0 = stat_value("log_refused");
	ASSERT_LE(0, full0);
	ASSERT_LE(0, refused0);

	ASSERT_VM_NEW("log-full", banks, 16, &id);
	for (i = 0; i < 7; i++) {
		ASSERT_EQ(0, vm_get(&self->nl, id, &v));
		EXPECT_EQ((uint32_t)TVM_VM_ACTIVE, v.state)
			TH_LOG("full after %u extends", i);
		ASSERT_EQ(0, tvm_extend_data(&self->nl, id, TVM_PCR_OS + i,
					     "fill", 4,
					     &seq))
			TH_LOG("extend %u: %s", i, self->nl.extack);
		EXPECT_EQ(CREATION_EVENTS + i, seq);
	}
	ASSERT_EQ(0, vm_get(&self->nl, id, &v));
	EXPECT_EQ((uint32_t)TVM_VM_LOG_FULL, v.state);
	EXPECT_EQ(16u, v.log_count);
	EXPECT_EQ(0u, v.log_refused);
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &before));

	EXPECT_EQ(-ENOSPC, tvm_extend_data(&self->nl, id, TVM_PCR_DEBUG, "more",
					   4, NULL));
	EXPECT_EXTACK("event log is full");

	full1 = stat_value("log_full");
	refused1 = stat_value("log_refused");
	EXPECT_EQ(full0 + 1, full1);
	EXPECT_EQ(refused0 + 1, refused1);
	ASSERT_EQ(0, vm_get(&self->nl, id, &v));
	EXPECT_EQ((uint32_t)TVM_VM_LOG_FULL, v.state);
	EXPECT_EQ(16u, v.log_count);
	EXPECT_EQ(1u, v.log_refused);

	snprintf(path, sizeof(path), VMS_DIR "/%u/state", id);
	ASSERT_LT(0, slurp(path, &text));
	EXPECT_STREQ("log-full\n", text);
	free(text);

	/* A reset would change a PCR without a record: refused too. */
	EXPECT_EQ(-ENOSPC, pcr_reset(&self->nl, id, TVM_PCR_DEBUG, &seq));
	EXPECT_EXTACK("event log is full");
	EXPECT_EQ(full1, stat_value("log_full"));
	EXPECT_EQ(refused1 + 1, stat_value("log_refused"));

	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &after));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
	ASSERT_EQ(0, tvm_log_dump(&self->nl, id, 0, &log));
	ASSERT_EQ(16u, log.n);
	for (i = 0; i < log.n; i++)
		EXPECT_EQ((uint64_t)i, log.ev[i].seq);
	EXPECT_LOG_REPLAYS(id, banks, &log);
	tvm_log_free(&log);
}

/* The ASCII line of @ev as tvm_log.h specifies it. */
static void ascii_line(const struct tvm_ev *ev, char *buf)
{
	bool text = ev->data_len > 0;
	unsigned int b;
	uint32_t i;
	char *p = buf;

	p += sprintf(p, "%llu %u 0x%08x", (unsigned long long)ev->seq, ev->pcr,
		     ev->type);
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(ev->banks & (1u << b)))
			continue;
		p += sprintf(p, " %s:", tvm_test_bank_name[b]);
		hex(ev->digest[b], tvm_test_bank_size[b], p);
		p += strlen(p);
	}
	for (i = 0; i < ev->data_len; i++)
		if (ev->data[i] < 0x20 || ev->data[i] > 0x7e ||
		    ev->data[i] == '\\')
			text = false;
	if (text) {
		p += sprintf(p, " %.*s", (int)ev->data_len,
			     (const char *)ev->data);
	} else {
		p += sprintf(p, " hex:");
		hex(ev->data, ev->data_len, p);
		p += strlen(p);
	}
	strcpy(p, "\n");
}

static uint32_t get_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint16_t get_le16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return le16toh(v);
}

/*
 * Check the binary log @bin (@len bytes) against @log: the Spec ID event
 * listing @banks, then one TCG_PCR_EVENT2 per event.  NULL, or what is
 * wrong.
 */
static const char *check_binary(const uint8_t *bin, size_t len,
				const struct tvm_log *log, uint32_t banks)
{
	static const uint8_t zero[20];
	const uint8_t *p = bin, *end = bin + len;
	unsigned int b, nalg = 0;
	uint32_t size;
	size_t i;

	for (b = 0; b < __TVM_BANK_MAX; b++)
		nalg += !!(banks & (1u << b));
	if (len < 32 || get_le32(p) != 0 || get_le32(p + 4) != TVM_EV_NO_ACTION ||
	    memcmp(p + 8, zero, 20))
		return "bad Spec ID event header";
	size = get_le32(p + 28);
	p += 32;
	if (size < 28 + 4 * nalg + 1 || (size_t)(end - p) < size ||
	    memcmp(p, "Spec ID Event03", 16) || get_le32(p + 16) != 0 ||
	    p[20] != 0 || p[21] != 2 || p[22] != 2 || p[23] != 2 ||
	    get_le32(p + 24) != nalg)
		return "bad Spec ID event";
	for (b = 0, i = 0; b < __TVM_BANK_MAX; b++) {
		if (!(banks & (1u << b)))
			continue;
		if (get_le16(p + 28 + 4 * i) != tpm_alg[b] ||
		    get_le16(p + 30 + 4 * i) != tvm_test_bank_size[b])
			return "Spec ID event lists the wrong algorithms";
		i++;
	}
	p += size;

	for (i = 0; i < log->n; i++) {
		const struct tvm_ev *ev = &log->ev[i];

		if (end - p < 12 || get_le32(p) != ev->pcr ||
		    get_le32(p + 4) != ev->type || get_le32(p + 8) != nalg)
			return "an event's PCR, type or digest count differs";
		p += 12;
		for (b = 0; b < __TVM_BANK_MAX; b++) {
			if (!(banks & (1u << b)))
				continue;
			if (end - p < 2 + tvm_test_bank_size[b] ||
			    get_le16(p) != tpm_alg[b] ||
			    memcmp(p + 2, ev->digest[b], tvm_test_bank_size[b]))
				return "an event's digests differ";
			p += 2 + tvm_test_bank_size[b];
		}
		if (end - p < 4 || get_le32(p) != ev->data_len ||
		    (size_t)(end - p - 4) < ev->data_len ||
		    memcmp(p + 4, ev->data, ev->data_len))
			return "an event's data differs";
		p += 4 + ev->data_len;
	}
	return p == end ? NULL : "bytes after the last event";
}

/*
 * vms/<id>/: a pcrs_<bank> file for each bank of the VM only, matching
 * PCR_READ; the logs, one ASCII line per event and the TCG binary form;
 * the state; every file root-only.  After the VM is deleted the directory
 * is gone, but files opened before still read.
 */
TEST_F_TIMEOUT(log, securityfs_mirrors_the_vm, 60)
{
	const uint32_t banks = 1u << TVM_BANK_SHA1 | 1u << TVM_BANK_SHA256 |
			       1u << TVM_BANK_SM3_256;
	static const struct { const char *data; size_t len; } evs[] = {
		{ "hello world", 11 }, { "", 0 }, { "a\\b", 3 },
		{ "\x01\x02\xff", 3 }, { "tab\there", 8 }, { "~ !", 3 },
	};
	static char big[TVM_EVENT_DATA_MAX];
	static char want[3 * TVM_EVENT_DATA_MAX];
	static const char *const names[] = { "ascii_measurements",
					     "binary_measurements", "state",
					     "trust" };
	static const char *const keep[4] = { "pcrs_sha256",
					     "ascii_measurements",
					     "binary_measurements", "state" };
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	const char *why;
	char dir[96], path[400], h[2 * TVM_DIGEST_MAX + 1], *text, *line,
	     *save = NULL, *pre[4] = {}, *post;
	int fds[4], nfiles = 0, i, j;
	struct tvm_log log = {};
	struct tvm_pcrs p;
	struct dirent *de;
	struct stat st;
	unsigned int b, k;
	uint64_t seq;
	ssize_t len;
	uint32_t id;
	DIR *dp;

	NEED_TVM();

	ASSERT_VM_NEW("log-sfs", banks, 0, &id);
	for (k = 0; k < ARRAY_SIZE(evs); k++)
		ASSERT_EQ(0, tvm_extend_data(&self->nl, id, 10 + k, evs[k].data,
					     evs[k].len, NULL));
	memset(big, 'A', sizeof(big));
	ASSERT_EQ(0, tvm_extend_data(&self->nl, id, 20, big, sizeof(big), NULL));
	memset(d, 0x3c, sizeof(d));
	ASSERT_EQ(0, tvm_extend_digests(&self->nl, id, TVM_PCR_DEBUG, 0x0d,
					banks, d,
					"ipl", 3, NULL));
	ASSERT_EQ(0, pcr_reset(&self->nl, id, TVM_PCR_DEBUG, &seq));
	ASSERT_EQ(0, tvm_extend_digests(&self->nl, id, TVM_PCR_DEBUG,
					TVM_EV_EXTEND,
					banks, d, NULL, 0, NULL));

	snprintf(dir, sizeof(dir), VMS_DIR "/%u", id);
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &p));
	ASSERT_EQ(0, tvm_log_dump(&self->nl, id, 0, &log));
	ASSERT_EQ(p.log_count, (uint64_t)log.n);

	/* Exactly the expected files, each a regular file, mode 0400. */
	dp = opendir(dir);
	ASSERT_NE(NULL, dp) TH_LOG("%s: %s", dir, strerror(errno));
	while ((de = readdir(dp))) {
		bool known = false;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		for (k = 0; k < ARRAY_SIZE(names); k++)
			known |= !strcmp(de->d_name, names[k]);
		for (b = 0; b < __TVM_BANK_MAX; b++) {
			snprintf(path, sizeof(path), "pcrs_%s", bname(b));
			known |= (banks & (1u << b)) && !strcmp(de->d_name, path);
		}
		EXPECT_TRUE(known) TH_LOG("unexpected file %s", de->d_name);
		nfiles++;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ((unsigned int)(S_IFREG | 0400),
			  (unsigned int)(st.st_mode & (S_IFMT | 07777)))
			TH_LOG("%s has mode %o", de->d_name, st.st_mode);
	}
	closedir(dp);
	EXPECT_EQ(3 + 4, nfiles);

	/* pcrs_<bank>: for the VM's banks only, 24 lines matching PCR_READ. */
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		snprintf(path, sizeof(path), "%s/pcrs_%s", dir, bname(b));
		if (!(banks & (1u << b))) {
			EXPECT_EQ(-1, stat(path, &st));
			EXPECT_EQ(ENOENT, errno);
			continue;
		}
		ASSERT_LT(0, slurp(path, &text)) TH_LOG("%s", path);
		want[0] = '\0';
		for (i = 0; i < TVM_NUM_PCRS; i++)
			sprintf(want + strlen(want), "PCR-%02d: %s\n", i,
				hex(p.v[b][i], tvm_test_bank_size[b], h));
		EXPECT_STREQ(want, text);
		free(text);
	}

	/* ascii_measurements: one line per event, as tvm_log.h says. */
	snprintf(path, sizeof(path), "%s/ascii_measurements", dir);
	ASSERT_LT(0, slurp(path, &text));
	for (i = 0, line = strtok_r(text, "\n", &save); line;
	     i++, line = strtok_r(NULL, "\n", &save)) {
		char head[64];

		if ((size_t)i >= log.n)
			continue;	/* counted, and reported below */
		snprintf(head, sizeof(head), "%llu %u 0x%08x ",
			 (unsigned long long)log.ev[i].seq, log.ev[i].pcr,
			 log.ev[i].type);
		EXPECT_EQ(0, strncmp(head, line, strlen(head)))
			TH_LOG("line %d starts '%.40s', want '%s'", i, line, head);
		ascii_line(&log.ev[i], want);
		want[strlen(want) - 1] = '\0';
		EXPECT_STREQ(want, line);
	}
	EXPECT_EQ(log.n, (size_t)i);
	free(text);

	/* binary_measurements: the TCG crypto-agile form of the same. */
	snprintf(path, sizeof(path), "%s/binary_measurements", dir);
	len = slurp(path, &text);
	ASSERT_LT(0, len);
	why = check_binary((uint8_t *)text, len, &log, banks);
	EXPECT_EQ(NULL, why) TH_LOG("binary_measurements: %s", why);
	free(text);

	snprintf(path, sizeof(path), "%s/state", dir);
	ASSERT_LT(0, slurp(path, &text));
	EXPECT_STREQ("active\n", text);
	free(text);

	/* Open four files, read them, delete the VM, read them again. */
	for (j = 0; j < 4; j++) {
		snprintf(path, sizeof(path), "%s/%s", dir, keep[j]);
		ASSERT_LT(0, slurp(path, &pre[j]));
		fds[j] = open(path, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fds[j]) TH_LOG("%s: %s", path, strerror(errno));
	}
	ASSERT_EQ(0, tvm_vm_delete(&self->nl, id));
	EXPECT_EQ(-1, stat(dir, &st)) TH_LOG("%s is still there", dir);
	EXPECT_EQ(ENOENT, errno);
	snprintf(path, sizeof(path), "%s/state", dir);
	EXPECT_EQ(-1, open(path, O_RDONLY));
	for (j = 0; j < 4; j++) {
		len = slurp_fd(fds[j], &post);
		close(fds[j]);
		EXPECT_LT(0, len) TH_LOG("%s after delete: %s", keep[j],
					 strerror(-len));
		if (len > 0) {
			EXPECT_EQ(0, strcmp(pre[j], post))
				TH_LOG("%s reads differently after delete",
				       keep[j]);
			free(post);
		}
		free(pre[j]);
	}
	/* And once they are closed. */
	EXPECT_EQ(-1, stat(dir, &st)) TH_LOG("%s is left behind", dir);
	tvm_log_free(&log);
}

/* --- concurrency ------------------------------------------------------------ */

#define THREAD_EXTENDS 200

struct worker {
	pthread_t thread;
	pthread_barrier_t *start;
	struct tnl nl;
	uint32_t id;
	int tag;
	uint64_t seq[THREAD_EXTENDS];
	int err, at;
	char extack[256];
};

static void worker_data(const struct worker *w, int i, char *buf, size_t size)
{
	snprintf(buf, size, "worker %d extend %d vm %u", w->tag, i, w->id);
}

/* tnl_call()'s receive buffer is per thread: each worker has its own nl. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char data[64];
	int i;

	pthread_barrier_wait(w->start);
	for (i = 0; i < THREAD_EXTENDS; i++) {
		worker_data(w, i, data, sizeof(data));
		w->err = tvm_extend_data(&w->nl, w->id,
					 TVM_FIRST_ADMIN_PCR +
					 (w->tag + i) % ADMIN_PCRS,
					 data, strlen(data), &w->seq[i]);
		if (w->err) {
			w->at = i;
			snprintf(w->extack, sizeof(w->extack), "%s",
				 w->nl.extack);
			break;
		}
	}
	return NULL;
}

/*
 * Four threads extend one VM while four more extend a VM each: every log
 * is gap-free, holds each extend once where its reply said, and replays to
 * its PCRs.
 */
TEST_F_TIMEOUT(log, concurrent_extends_stay_consistent, 300)
{
	const uint32_t banks = TVM_BANKS_ALL;
	struct worker *w = calloc(8, sizeof(*w));
	pthread_barrier_t start;
	struct tvm_log log = {};
	uint32_t ids[5];
	char name[32], data[64];
	int t, i, v, failed = 0;

	NEED_TVM();

	ASSERT_NE(NULL, w);
	for (v = 0; v < 5; v++) {
		snprintf(name, sizeof(name), "log-conc-%d", v);
		ASSERT_VM_NEW(name, banks, 0, &ids[v]);
	}
	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, 8));
	for (t = 0; t < 8; t++) {
		w[t].start = &start;
		w[t].tag = t;
		w[t].id = t < 4 ? ids[0] : ids[t - 3];
		ASSERT_EQ(0, tnl_open(&w[t].nl));
	}
	for (t = 0; t < 8; t++)
		ASSERT_EQ(0, pthread_create(&w[t].thread, NULL, worker_main,
					    &w[t]));
	for (t = 0; t < 8; t++) {
		pthread_join(w[t].thread, NULL);
		tnl_close(&w[t].nl);
		EXPECT_EQ(0, w[t].err)
			TH_LOG("worker %d, extend %d: %s", t, w[t].at,
			       w[t].extack);
		failed |= w[t].err;
	}
	pthread_barrier_destroy(&start);
	ASSERT_EQ(0, failed);

	for (v = 0; v < 5; v++) {
		uint64_t n = CREATION_EVENTS +
			     (v == 0 ? 4 : 1) * THREAD_EXTENDS;

		memset(&log, 0, sizeof(log));
		ASSERT_EQ(0, tvm_log_dump(&self->nl, ids[v], 0, &log));
		EXPECT_EQ(n, (uint64_t)log.n) TH_LOG("VM %d", v);
		for (i = 0; (size_t)i < log.n; i++)
			EXPECT_EQ((uint64_t)i, log.ev[i].seq);
		EXPECT_LOG_REPLAYS(ids[v], banks, &log);

		/* Each extend is where its reply said, in its thread's order. */
		for (t = 0; t < 8; t++) {
			if (w[t].id != ids[v])
				continue;
			for (i = 0; i < THREAD_EXTENDS; i++) {
				uint64_t s = w[t].seq[i];

				if (i)
					EXPECT_LT(w[t].seq[i - 1], s);
				ASSERT_GT(log.n, s);
				worker_data(&w[t], i, data, sizeof(data));
				EXPECT_EQ(strlen(data), log.ev[s].data_len);
				EXPECT_EQ(0, memcmp(data, log.ev[s].data,
						    strlen(data)))
					TH_LOG("worker %d extend %d: seq %llu "
					       "holds another event", t, i,
					       (unsigned long long)s);
			}
		}
		tvm_log_free(&log);
	}
	free(w);
}

/*
 * tvm/stats counts the memory VMs and their logs hold: one VM object per
 * VM, each logged event as allocated, and all of it back once the VM is
 * deleted and freed (after an RCU grace period: polled, not timed).
 */
TEST_F_TIMEOUT(log, stats_count_memory_of_vms_and_events, 60)
{
	long long obj, vms0 = -1, log0 = -1, vms1, log1, created;
	char data[100] = "stats";
	uint32_t id;
	int i;

	if (self->no_tvm)
		return;
	obj = stat_value("vm_object_bytes");
	ASSERT_LT(6000, obj);
	/* Earlier tests' VMs are freed first. */
	for (i = 0; i < 500; i++) {
		vms0 = stat_value("memory_vms");
		log0 = stat_value("memory_log");
		if (vms0 == stat_value("vms") * obj)
			break;
		usleep(10000);
	}
	ASSERT_EQ(stat_value("vms") * obj, vms0);
	ASSERT_LE(0, vms0);
	ASSERT_LE(0, log0);

	ASSERT_VM_NEW("stats-mem", 1u << TVM_BANK_SHA256, 0, &id);
	EXPECT_EQ(vms0 + obj, stat_value("memory_vms"));
	/* A new VM's log holds what tvm logs at creation (the host's PCRs). */
	created = stat_value("memory_log");
	EXPECT_LE(log0, created);
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, tvm_extend_data(&self->nl, id, 16, data,
					     sizeof(data), NULL));
	log1 = stat_value("memory_log");
	/* Each: a 24-byte header, a SHA-256 digest and the data, at least. */
	EXPECT_LE(created + 10 * (24 + 32 + (long long)sizeof(data)), log1);
	EXPECT_GE(created + 10 * 512, log1);

	ASSERT_EQ(0, tvm_vm_delete(&self->nl, id));
	for (i = 0; i < 500; i++) {
		vms1 = stat_value("memory_vms");
		log1 = stat_value("memory_log");
		if (vms1 == vms0 && log1 == log0)
			break;
		usleep(10000);
	}
	EXPECT_EQ(vms0, vms1);
	EXPECT_EQ(log0, log1);
}

TEST_HARNESS_MAIN
