/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers the tvm selftests share, over tvm_nl.h: create and delete VMs,
 * extend, reset and read PCRs, dump the log; each of these returns 0 or
 * -errno (the kernel's, with its message in nl->extack).  Also the
 * fixtures' setup and PCR checks, and the tools the tests compute with:
 * random bytes, hex, shell commands, tpm2-tools' PCR listings.
 */
#ifndef _TVM_SELFTEST_H
#define _TVM_SELFTEST_H

#include <stdarg.h>
#include <stdlib.h>
#include <grp.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "tvm_nl.h"

/* The PCRs an administrator may extend: TVM_FIRST_ADMIN_PCR and up. */
#define ADMIN_PCRS	(TVM_NUM_PCRS - TVM_FIRST_ADMIN_PCR)

/*
 * The events tvm logs when it creates a VM, before any other: one
 * TVM_EV_HOST_PCR for each host PCR (TVM_PCR_HOST_FIRST to
 * TVM_PCR_HOST_LAST), then TVM_EV_TVM_VERSION in TVM_PCR_VMM.  The first
 * event a test adds has this sequence number.
 */
#define CREATION_EVENTS							\
	((unsigned int)(TVM_PCR_HOST_LAST - TVM_PCR_HOST_FIRST + 1) + 1)

/*
 * For fixtures with a bool no_tvm set when tvm.ko is absent: the 6.1
 * harness runs a test's body even after SKIP() in its setup, so each body
 * starts with NEED_TVM().
 */
#define NEED_TVM() do { if (self->no_tvm) return; } while (0)

/*
 * The setup of such a fixture, with a struct tnl nl: open self->nl, or
 * set self->no_tvm and SKIP when tvm.ko is not loaded.
 */
#define TVM_SETUP_NL() do {						\
	int ret = tnl_open(&self->nl);					\
									\
	if (ret == -ENOENT) {						\
		self->no_tvm = true;					\
		SKIP(return, "tvm.ko is not loaded");			\
	}								\
	ASSERT_EQ(0, ret);						\
} while (0)

/*
 * A fixture @f of a netlink socket alone (self->nl, self->m and
 * self->no_tvm, as TVM_SETUP_NL sets them).  Also for a table of bad
 * inputs as FIXTURE_VARIANTs, one result a case, beside a file's main
 * fixture: 6.1's harness runs every test of a fixture for every variant.
 */
#define TVM_NL_FIXTURE(f)						\
	FIXTURE(f) {							\
		struct tnl nl;						\
		struct tmsg m;						\
		bool no_tvm;						\
	};								\
	FIXTURE_SETUP(f)						\
	{								\
		TVM_SETUP_NL();						\
	}								\
	FIXTURE_TEARDOWN(f)						\
	{								\
		if (!self->no_tvm)					\
			tnl_close(&self->nl);				\
	}

/* The kernel's message for the last call on self->nl contains @s. */
#define EXPECT_EXTACK(s) \
	EXPECT_NE(NULL, strstr(self->nl.extack, (s))) \
		TH_LOG("extack '%s', expected '%s'", self->nl.extack, (s))

/* Compare one PCR; log both values when they differ. */
#define EXPECT_PCR(want, got, bank, pcr) do {				\
	char _w[2 * TVM_DIGEST_MAX + 1], _g[2 * TVM_DIGEST_MAX + 1];	\
	unsigned int _n = tvm_test_bank_size[bank];			\
									\
	EXPECT_EQ(0, memcmp((want), (got), _n))				\
		TH_LOG("%s PCR %u: want %s, got %s",			\
		       bname(bank), (unsigned int)(pcr),		\
		       hex((want), _n, _w), hex((got), _n, _g));	\
} while (0)

/*
 * A VM's trust is @want, for any struct with trust, reasons and nreasons
 * as TVM_A_VM_TRUST and TVM_A_VM_REASONS fill them; else log both trust
 * states and the reasons.
 */
#define EXPECT_TRUST(want, v)						\
	EXPECT_EQ((uint32_t)(want), (v).trust)				\
		TH_LOG("trust %s, expected %s; reasons: %s",		\
		       tvm_trust_name((v).trust), tvm_trust_name(want),	\
		       tvm_reasons((v).reasons, (v).nreasons))

static const unsigned int tvm_test_bank_size[__TVM_BANK_MAX] = {
	[TVM_BANK_SHA1] = 20,
	[TVM_BANK_SHA256] = 32,
	[TVM_BANK_SHA384] = 48,
	[TVM_BANK_SM3_256] = 32,
};

static const char *const tvm_test_bank_name[__TVM_BANK_MAX] = {
	[TVM_BANK_SHA1] = "sha1",
	[TVM_BANK_SHA256] = "sha256",
	[TVM_BANK_SHA384] = "sha384",
	[TVM_BANK_SM3_256] = "sm3_256",
};

/* Make the key @desc of the caller's keyrings tvm's attestation key. */
static inline int tvm_ak_set(struct tnl *nl, const char *desc)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_AK_SET, 0);
	tmsg_put_str(&m, TVM_A_AK_DESC, desc);
	return tnl_call(nl, &m, NULL, NULL);
}

/* The serial of the keyring @name, from /proc/keys; -1 if none. */
static inline long tvm_keyring_serial(const char *name)
{
	char line[512], type[64], desc[256];
	long serial = -1, id;
	FILE *f = fopen("/proc/keys", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %*s %*s %*s %*s %*s %*s %63s %255[^:]",
			   &id, type, desc) == 3 && !strcmp(type, "keyring") &&
		    !strcmp(desc, name))
			serial = id;
	fclose(f);
	return serial;
}

/*
 * Add the key in the file @path (DER, or PKCS#8 for a private key) to the
 * keyring @ring as the asymmetric key @desc: its serial, or -errno.
 */
static inline long tvm_add_key_file(const char *desc, const char *path,
				    long ring)
{
	static char buf[8192];
	FILE *f = fopen(path, "rb");
	size_t n;
	long ret;

	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ret = syscall(SYS_add_key, "asymmetric", desc, buf, n, ring);
	return ret < 0 ? -errno : ret;
}

/* Names for messages; GCC cannot see that b < __TVM_BANK_MAX there. */
static inline const char *bname(unsigned int b)
{
	return b < __TVM_BANK_MAX ? tvm_test_bank_name[b] : "?";
}

/* The text of an enum tvm_trust, for messages. */
static inline const char *tvm_trust_name(uint32_t t)
{
	static const char *const names[] = {
		"unspec", "pending", "trusted", "untrusted", "unknown",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

/* @n reasons, joined, for messages (one static buffer). */
static inline const char *
tvm_reasons(const char (*reasons)[TVM_REASON_MAX + 1], int n)
{
	static char buf[TVM_REASONS_MAX * (TVM_REASON_MAX + 4)];
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s'%s'",
				i ? ", " : "", reasons[i]);
	return buf;
}

/* A fixed-seed generator (xorshift64*), so every run does the same. */
static inline uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static inline void rnd_bytes(uint64_t *s, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = rnd(s) >> 56;
}

static inline const char *hex(const uint8_t *p, size_t n, char *buf)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(buf + 2 * i, "%02x", p[i]);
	buf[2 * n] = '\0';
	return buf;
}

/* Hex (either case) to bytes; the number of bytes, or -1. */
static inline int unhex(const char *s, uint8_t *out, size_t max)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	size_t n = 0;
	unsigned int v;

	while (s[0] && s[1] && strchr(digits, s[0]) && strchr(digits, s[1]) &&
	       sscanf(s, "%2x", &v) == 1) {
		if (n == max)
			return -1;
		out[n++] = v;
		s += 2;
	}
	return n;
}

/* Run a shell command; its exit status (or -1), its output in @out. */
static inline int run(char *out, size_t size, const char *fmt, ...)
{
	char cmd[2048];
	size_t len = 0, n;
	va_list ap;
	FILE *f;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 8, fmt, ap);
	va_end(ap);
	strcat(cmd, " 2>&1");
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (len + 1 < size && (n = fread(out + len, 1, size - 1 - len, f)))
		len += n;
	out[len] = '\0';
	st = pclose(f);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct tvm_pcrs {
	uint64_t log_count;
	uint8_t v[__TVM_BANK_MAX][TVM_NUM_PCRS][TVM_DIGEST_MAX];
	uint32_t have[__TVM_BANK_MAX];	/* PCR mask read, per bank */
};

struct tvm_ev {
	uint64_t seq;
	uint32_t pcr, type, banks;
	uint8_t digest[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	uint32_t data_len;
	uint8_t data[TVM_EVENT_DATA_MAX];
};

struct tvm_log {
	size_t n, cap;
	struct tvm_ev *ev;
};

/*
 * PCR values in tpm2-tools' YAML ("  sha256:" then "    16 : 0x..."), as
 * tpm2_pcrread prints them and tpm2_eventlog's "pcrs:" section does; with
 * @after, only the lines after the line @after.  Banks tvm lacks are skipped.
 */
static inline void parse_tpm2_pcrs(char *text, const char *after,
				   struct tvm_pcrs *p)
{
	char *line, *save = NULL, name[32], val[2 * TVM_DIGEST_MAX + 8];
	bool on = !after;
	int bank = -1, b;
	unsigned int idx;

	memset(p, 0, sizeof(*p));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!on) {
			on = !strcmp(line, after);
			continue;
		}
		if (sscanf(line, " %31[a-z0-9_]%1[:]", name, val) == 2 &&
		    line[strlen(line) - 1] == ':') {
			bank = -1;
			for (b = 0; b < __TVM_BANK_MAX; b++)
				if (!strcmp(name, tvm_test_bank_name[b]))
					bank = b;
			continue;
		}
		if (bank >= 0 &&
		    sscanf(line, " %u : 0x%100s", &idx, val) == 2 &&
		    idx < TVM_NUM_PCRS &&
		    unhex(val, p->v[bank][idx], TVM_DIGEST_MAX) ==
			    (int)tvm_test_bank_size[bank])
			p->have[bank] |= 1u << idx;
	}
}

static inline int tvm_id_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *a = tmsg_attr(h, TVM_A_VM_ID);

	if (a)
		*(uint32_t *)arg = tattr_u32(a);
	return 0;
}

static inline int tvm_vm_create(struct tnl *nl, const char *name,
				uint32_t banks, uint32_t log_max, uint32_t *id)
{
	struct tmsg m;
	uint32_t got = 0;
	int ret;

	tmsg_init(&m, nl, TVM_CMD_VM_CREATE, 0);
	tmsg_put_str(&m, TVM_A_VM_NAME, name);
	if (banks)
		tmsg_put_u32(&m, TVM_A_VM_BANKS, banks);
	if (log_max)
		tmsg_put_u32(&m, TVM_A_VM_LOG_MAX, log_max);
	ret = tnl_call(nl, &m, tvm_id_cb, &got);
	if (!ret && id)
		*id = got;
	return ret;
}

/* @cmd on VM @id, with no other attribute; the reply to @cb with @arg. */
static inline int tvm_vm_call(struct tnl *nl, uint8_t cmd, uint32_t id,
			      tnl_cb cb, void *arg)
{
	struct tmsg m;

	tmsg_init(&m, nl, cmd, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	return tnl_call(nl, &m, cb, arg);
}

static inline int tvm_vm_delete(struct tnl *nl, uint32_t id)
{
	return tvm_vm_call(nl, TVM_CMD_VM_DELETE, id, NULL, NULL);
}

#define TVM_MAX_VMS 8

/* The VMs a fixture created, for its teardown to delete. */
struct tvm_vms {
	uint32_t id[TVM_MAX_VMS];
	int n;
};

/* tvm_vm_create(), and note the VM in @vms. */
static inline int tvm_vm_new(struct tnl *nl, struct tvm_vms *vms,
			     const char *name, uint32_t banks,
			     uint32_t log_max, uint32_t *id)
{
	int ret = tvm_vm_create(nl, name, banks, log_max, id);

	if (!ret && vms->n < TVM_MAX_VMS)
		vms->id[vms->n++] = *id;
	return ret;
}

/* Delete the VMs in @vms; -ENOENT for those deleted already is fine. */
/*
 * For a fixture with self->nl and self->vms: VM @name, of @banks and
 * @log_max, for this test (tvm_vm_new(): deleted at teardown) into
 * *@id, or the test fails with the kernel's message.
 */
#define ASSERT_VM_NEW(name, banks, log_max, id)				\
	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, (name), (banks),	\
				(log_max), (id)))			\
		TH_LOG("%s", self->nl.extack)

static inline void tvm_vms_delete(struct tnl *nl, struct tvm_vms *vms)
{
	int i;

	for (i = 0; i < vms->n; i++)
		tvm_vm_delete(nl, vms->id[i]);
}

static inline int tvm_seq_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *a = tmsg_attr(h, TVM_A_EVENT_SEQ);

	if (a)
		*(uint64_t *)arg = tattr_u64(a);
	return 0;
}

/* A PCR_EXTEND request for @pcr of VM @id, to add the event to. */
static inline void tvm_extend_init(struct tmsg *m, struct tnl *nl, uint32_t id,
				   uint32_t pcr)
{
	tmsg_init(m, nl, TVM_CMD_PCR_EXTEND, 0);
	tmsg_put_u32(m, TVM_A_VM_ID, id);
	tmsg_put_u32(m, TVM_A_PCR_INDEX, pcr);
}

/* Extend @pcr of VM @id with @data, which the kernel hashes per bank. */
static inline int tvm_extend_data(struct tnl *nl, uint32_t id, uint32_t pcr,
				  const void *data, size_t len, uint64_t *seq)
{
	struct tmsg m;
	uint64_t got = 0;
	int ret;

	tvm_extend_init(&m, nl, id, pcr);
	tmsg_put(&m, TVM_A_EVENT_DATA, data, len);
	ret = tnl_call(nl, &m, tvm_seq_cb, &got);
	if (!ret && seq)
		*seq = got;
	return ret;
}

/* A TVM_A_EVENT_DIGESTS nest: @digest[b] for each bank b in @banks. */
static inline void tvm_put_digests(struct tmsg *m, uint32_t banks,
				   uint8_t digest[][TVM_DIGEST_MAX])
{
	unsigned int b;

	tmsg_nest_start(m, TVM_A_EVENT_DIGESTS);
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(banks & (1u << b)))
			continue;
		tmsg_nest_start(m, TVM_A_DIGEST);
		tmsg_put_u32(m, TVM_A_DIGEST_BANK, b);
		tmsg_put(m, TVM_A_DIGEST_VALUE, digest[b],
			 tvm_test_bank_size[b]);
		tmsg_nest_end(m);
	}
	tmsg_nest_end(m);
}

/* Extend with explicit digests, one per bank in @banks. */
static inline int tvm_extend_digests(struct tnl *nl, uint32_t id, uint32_t pcr,
				     uint32_t type, uint32_t banks,
				     uint8_t digest[][TVM_DIGEST_MAX],
				     const void *data, size_t len, uint64_t *seq)
{
	struct tmsg m;
	uint64_t got = 0;
	int ret;

	tvm_extend_init(&m, nl, id, pcr);
	tmsg_put_u32(&m, TVM_A_EVENT_TYPE, type);
	if (len)
		tmsg_put(&m, TVM_A_EVENT_DATA, data, len);
	tvm_put_digests(&m, banks, digest);
	ret = tnl_call(nl, &m, tvm_seq_cb, &got);
	if (!ret && seq)
		*seq = got;
	return ret;
}

/* Reset @pcr of VM @id; @seq is the reset marker's sequence number. */
static inline int pcr_reset(struct tnl *nl, uint32_t id, uint32_t pcr,
			    uint64_t *seq)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_PCR_RESET, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	tmsg_put_u32(&m, TVM_A_PCR_INDEX, pcr);
	return tnl_call(nl, &m, tvm_seq_cb, seq);
}

static inline int tvm_pcrs_cb(const struct nlmsghdr *h, void *arg)
{
	struct tvm_pcrs *p = arg;
	const struct nlattr *list = tmsg_attr(h, TVM_A_PCR_VALUES);
	const struct nlattr *cnt = tmsg_attr(h, TVM_A_VM_LOG_COUNT);
	const struct nlattr *e, *bank, *idx, *dig;

	if (cnt)
		p->log_count = tattr_u64(cnt);
	if (!list)
		return 0;
	tattr_for_each(e, tattr_data(list), tattr_len(list)) {
		bank = tattr_find(tattr_data(e), tattr_len(e), TVM_A_PCRV_BANK);
		idx = tattr_find(tattr_data(e), tattr_len(e), TVM_A_PCRV_INDEX);
		dig = tattr_find(tattr_data(e), tattr_len(e), TVM_A_PCRV_DIGEST);
		if (!bank || !idx || !dig || tattr_u32(bank) >= __TVM_BANK_MAX ||
		    tattr_u32(idx) >= TVM_NUM_PCRS ||
		    tattr_len(dig) > TVM_DIGEST_MAX)
			continue;
		memcpy(p->v[tattr_u32(bank)][tattr_u32(idx)], tattr_data(dig),
		       tattr_len(dig));
		p->have[tattr_u32(bank)] |= 1u << tattr_u32(idx);
	}
	return 0;
}

/* Read every PCR of every bank of VM @id. */
static inline int tvm_pcr_read(struct tnl *nl, uint32_t id, struct tvm_pcrs *p)
{
	memset(p, 0, sizeof(*p));
	return tvm_vm_call(nl, TVM_CMD_PCR_READ, id, tvm_pcrs_cb, p);
}

static inline int tvm_log_cb(const struct nlmsghdr *h, void *arg)
{
	struct tvm_log *log = arg;
	const struct nlattr *a, *e, *bank, *val;
	struct tvm_ev *ev;

	if (log->n == log->cap) {
		log->cap = log->cap ? 2 * log->cap : 64;
		log->ev = realloc(log->ev, log->cap * sizeof(*log->ev));
		if (!log->ev)
			abort();
	}
	ev = &log->ev[log->n++];
	memset(ev, 0, sizeof(*ev));
	if ((a = tmsg_attr(h, TVM_A_EVENT_SEQ)))
		ev->seq = tattr_u64(a);
	if ((a = tmsg_attr(h, TVM_A_PCR_INDEX)))
		ev->pcr = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_EVENT_TYPE)))
		ev->type = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_EVENT_DATA)) &&
	    tattr_len(a) <= TVM_EVENT_DATA_MAX) {
		ev->data_len = tattr_len(a);
		memcpy(ev->data, tattr_data(a), ev->data_len);
	}
	a = tmsg_attr(h, TVM_A_EVENT_DIGESTS);
	if (a) {
		tattr_for_each(e, tattr_data(a), tattr_len(a)) {
			bank = tattr_find(tattr_data(e), tattr_len(e),
					  TVM_A_DIGEST_BANK);
			val = tattr_find(tattr_data(e), tattr_len(e),
					 TVM_A_DIGEST_VALUE);
			if (!bank || !val || tattr_u32(bank) >= __TVM_BANK_MAX ||
			    tattr_len(val) > TVM_DIGEST_MAX)
				continue;
			ev->banks |= 1u << tattr_u32(bank);
			memcpy(ev->digest[tattr_u32(bank)], tattr_data(val),
			       tattr_len(val));
		}
	}
	return 0;
}

/* Dump VM @id's log from @from on, appending to @log. */
static inline int tvm_log_dump(struct tnl *nl, uint32_t id, uint64_t from,
			       struct tvm_log *log)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_LOG_DUMP, NLM_F_DUMP);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	if (from)
		tmsg_put_u64(&m, TVM_A_LOG_FROM, from);
	return tnl_call(nl, &m, tvm_log_cb, log);
}

static inline void tvm_log_free(struct tvm_log *log)
{
	free(log->ev);
	memset(log, 0, sizeof(*log));
}

/* Whether any tvm VM exists, for tests that need a clean slate. */
static inline int tvm_count_cb(const struct nlmsghdr *h, void *arg)
{
	(void)h;
	++*(int *)arg;
	return 0;
}

static inline int tvm_vm_count(struct tnl *nl)
{
	struct tmsg m;
	int n = 0, ret;

	tmsg_init(&m, nl, TVM_CMD_VM_GET, NLM_F_DUMP);
	ret = tnl_call(nl, &m, tvm_count_cb, &n);
	return ret ? ret : n;
}

static inline int tvm_events_group_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *groups = tmsg_attr(h, CTRL_ATTR_MCAST_GROUPS);
	const struct nlattr *g, *name, *id;

	if (!groups)
		return 0;
	tattr_for_each(g, tattr_data(groups), tattr_len(groups)) {
		name = tattr_find(tattr_data(g), tattr_len(g),
				  CTRL_ATTR_MCAST_GRP_NAME);
		id = tattr_find(tattr_data(g), tattr_len(g),
				CTRL_ATTR_MCAST_GRP_ID);
		if (name && id &&
		    !strncmp(tattr_data(name), TVM_MCGRP_EVENTS,
			     tattr_len(name)))
			*(uint32_t *)arg = tattr_u32(id);
	}
	return 0;
}

/* The id of tvm's "events" multicast group into @grp: 0, or -errno. */
static inline int tvm_events_group(struct tnl *nl, uint32_t *grp)
{
	struct tmsg m;
	int ret;

	*grp = 0;
	tmsg_init_raw(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	tmsg_put_str(&m, CTRL_ATTR_FAMILY_NAME, TVM_GENL_NAME);
	ret = tnl_call(nl, &m, tvm_events_group_cb, grp);
	return ret ? ret : *grp ? 0 : -ENOENT;
}

/* The unprivileged user of the privilege tests: "nobody". */
#define TVM_TEST_UID 65534

/*
 * Whether the calling process holds no capability at all, effective or
 * permitted: 1 yes, 0 no, -1 capget failed.
 */
static inline int tvm_no_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	return !(data[0].effective | data[1].effective |
		 data[0].permitted | data[1].permitted);
}

/*
 * Run @fn(@id) in a child that is a real unprivileged user: uid and gid
 * TVM_TEST_UID, no supplementary groups, and so no capabilities (setresuid
 * from root to a non-root uid clears them).  @fn's exit status; 100-102
 * when the child could not become that user, and -1 when it died, so a
 * privilege test fails rather than pass as root.
 */
static inline int as_unprivileged_user(int (*fn)(uint32_t), uint32_t id)
{
	const uid_t u = TVM_TEST_UID;
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(u, u, u) ||
		    setresuid(u, u, u))
			_exit(100);
		if (getuid() != u || geteuid() != u || getgid() != u)
			_exit(101);
		if (tvm_no_caps() != 1)
			_exit(102);
		_exit(fn(id));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * In an unprivileged child: whether @ret, from a call on @nl, is the
 * refusal of a command that needs CAP_SYS_ADMIN: EPERM, with an extack
 * naming the capability.
 */
static inline bool tvm_refused_cap(const struct tnl *nl, int ret)
{
	return ret == -EPERM && strstr(nl->extack, "CAP_SYS_ADMIN");
}

/* --- KVM VMs (ABI 5) ----------------------------------------------------- */

/* VM_BIND process @pid to @name and @uuid (NULL: a random UUID). */
static inline int tvm_vm_bind(struct tnl *nl, uint32_t pid, const char *name,
			      const uint8_t *uuid)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, pid);
	if (name)
		tmsg_put_str(&m, TVM_A_VM_NAME, name);
	if (uuid)
		tmsg_put(&m, TVM_A_VM_UUID, uuid, TVM_UUID_SIZE);
	return tnl_call(nl, &m, NULL, NULL);
}

/* MEASURE_FILE: hash our @fd into PCR 9 of VM @id as @name. */
static inline int tvm_measure_file(struct tnl *nl, uint32_t id, int fd,
				   const char *name, uint64_t *seq)
{
	struct tmsg m;
	uint64_t got = 0;
	int ret;

	tmsg_init(&m, nl, TVM_CMD_MEASURE_FILE, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	tmsg_put_u32(&m, TVM_A_FILE_FD, (uint32_t)fd);
	if (name)
		tmsg_put_str(&m, TVM_A_FILE_NAME, name);
	ret = tnl_call(nl, &m, tvm_seq_cb, &got);
	if (!ret && seq)
		*seq = got;
	return ret;
}

/* VM_MEASURE: measure VM @id's runtime ranges now. */
static inline int tvm_vm_measure(struct tnl *nl, uint32_t id)
{
	return tvm_vm_call(nl, TVM_CMD_VM_MEASURE, id, NULL, NULL);
}

#endif /* _TVM_SELFTEST_H */
