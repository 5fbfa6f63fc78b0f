// SPDX-License-Identifier: GPL-2.0
/*
 * Every rule Documentation/policy.rst states about what a policy holds,
 * checked by the kernel itself: each case sends, as raw netlink, a policy
 * (or a delete) that breaks one rule and is otherwise well formed, and
 * expects its exact errno, a message in the extended ack, and the policy
 * in force for the selector untouched, with nothing else loaded (bad input
 * loses nothing).  The same messages without their flaw are accepted, and
 * so are policies at every limit.  Documentation/policy.rst maps each rule
 * to its case here.
 */

#include "tvm_kvm.h"
#include "../kselftest_harness.h"

/* The selector every case is aimed at, and its policy in force. */
#define SEL "pol-rules"

/* --- the cases ------------------------------------------------------------ */

enum rule {
	/* the netlink message */
	W_NO_POLICY, W_OTHER_TOP, W_NOT_NESTED, W_UNKNOWN_ATTR, W_REPLY_ATTR,
	W_REPLY_DIGEST,
	/* version */
	V_MISSING, V_2, V_TWICE,
	/* selector */
	S_NONE, S_NAME_AND_DEFAULT, S_NAME_AND_UUID, S_UUID_15,
	S_DEFAULT_VALUE, S_NAME_EMPTY, S_NAME_CHAR, S_NAME_DIGITS, S_NAME_UUID,
	S_NAME_64, S_NAME_AFTER_NUL, S_NAME_TWICE,
	/* mode */
	M_0, M_3, M_TWICE,
	/* owner key, revision, signature */
	K_ID_31, K_DESC, K_NO_SIG, K_SIG_NO_KEY, K_UNKNOWN, K_SIG_EMPTY,
	K_SIG_513, K_REV_TWICE, K_REV_U16,
	/* tombstones and deletes */
	T_IN_LOAD, T_MODE, T_LEVEL, T_RUNTIME, T_DEL_UNSIGNED,
	T_DEL_SIG_NO_KEY, D_EXTRA, D_NO_SELECTOR, D_BAD_NAME,
	/* levels */
	L_5, L_NO_NUM, L_NUM_TWICE, L_TWICE, L_EMPTY, L_PCR_TWICE, L_VMM_PCR,
	/* events */
	E_NO_NAME, E_NO_DIGESTS, E_NAME_EMPTY, E_NAME_256, E_NAME_AFTER_NUL,
	E_NAME_TWICE, E_DIGESTS_TWICE, E_TWICE, E_257,
	/* digests */
	G_EMPTY, G_PCR_EMPTY, G_17, G_PCR_17, G_DUP, G_PCR_DUP, G_NO_BANK,
	G_NO_VALUE, G_BANK_4, G_SIZE, G_VALUE_49, G_BANK_TWICE, G_OTHER_ATTR,
	/* runtime ranges */
	R_NO_GPA, R_NO_LEN, R_NO_SHA, R_LEN_0, R_LEN_BIG, R_WRAP,
	R_INTERVAL_SHORT, R_INTERVAL_LONG, R_SHA_31, R_SHA_33, R_GPA_TWICE,
	R_PAD, R_TWICE, R_17,
	/* the dataflow section */
	F_TWICE, F_DEFAULT_3, F_DEFAULT_TWICE, F_BYTES_4095, F_MS_99,
	F_MS_LONG, F_PER_MESSAGE_VALUE, F_UNKNOWN_ATTR, F_PAD, F_RULES_65,
	F_NOT_NESTED, T_DATAFLOW,
	/* dataflow rules */
	FR_NO_FROM, FR_TWO_FROM, FR_NAME_DIGITS, FR_NAME_AFTER_NUL,
	FR_NAME_64, FR_UUID_15, FR_HOST_VALUE, FR_TRUST_0, FR_TRUST_5,
	FR_LEVEL_5, FR_ACTION_3, FR_ACTION_TWICE, FR_UNKNOWN_ATTR,
	FR_PORTS_17,
	/* dataflow port ranges */
	FP_NO_FIRST, FP_NO_LAST, FP_BACKWARDS, FP_FIRST_TWICE, FP_UNKNOWN_ATTR,
	FP_NOT_NESTED, FP_RANGE_TWICE,
	/* the migration section */
	MG_TWICE, MG_PEER_31, MG_PEER_DUP, MG_PEERS_17, MG_UNKNOWN_ATTR,
	MG_NOT_NESTED, T_MIGRATION,
	/* its platform PCRs */
	MP_NO_INDEX, MP_INDEX_8, MP_INDEX_TWICE, MP_PCR_TWICE, MP_NO_VALUES,
	MP_VALUE_31, MP_VALUE_DUP, MP_VALUES_17, MP_UNKNOWN_ATTR,
	NRULES			/* no flaw: the base */
};

/* --- building a case ------------------------------------------------------ */

/* Digest number @n: 32 bytes of @n. */
static const uint8_t *dg(unsigned int n)
{
	static uint8_t d[64][32];

	memset(d[n % 64], n, 32);
	return d[n % 64];
}

/* One TVM_A_DIGEST, SHA-256 @n, with the digest flaws of @r. */
static void put_digest(struct tmsg *m, enum rule r, unsigned int n)
{
	static const uint8_t big[TVM_DIGEST_MAX + 1];

	tmsg_nest_start(m, TVM_A_DIGEST);
	if (r == G_BANK_TWICE)
		tmsg_put_u32(m, TVM_A_DIGEST_BANK, TVM_BANK_SHA1);
	if (r != G_NO_BANK)
		tmsg_put_u32(m, TVM_A_DIGEST_BANK,
			     r == G_BANK_4 ? __TVM_BANK_MAX : TVM_BANK_SHA256);
	if (r == G_SIZE)
		tmsg_put(m, TVM_A_DIGEST_VALUE, dg(n), 20);
	else if (r == G_VALUE_49)
		tmsg_put(m, TVM_A_DIGEST_VALUE, big, sizeof(big));
	else if (r != G_NO_VALUE)
		tmsg_put(m, TVM_A_DIGEST_VALUE, dg(n), 32);
	tmsg_nest_end(m);
}

/*
 * A list of digests @type starting at digest @first; @pcr: the level's PCR
 * values, which take the G_PCR_* flaws, else an event's, which take the
 * others.
 */
static void put_digests(struct tmsg *m, uint16_t type, enum rule r, bool pcr,
			unsigned int first)
{
	bool empty = r == (pcr ? G_PCR_EMPTY : G_EMPTY);
	bool many = r == (pcr ? G_PCR_17 : G_17);
	bool dup = r == (pcr ? G_PCR_DUP : G_DUP);
	int i;

	tmsg_nest_start(m, type);
	if (many) {
		for (i = 0; i <= TVM_POLICY_DIGESTS_MAX; i++)
			put_digest(m, NRULES, first + i);
	} else if (!empty) {
		put_digest(m, pcr ? NRULES : r, first);
		if (dup)
			put_digest(m, NRULES, first);
		else if (r == G_OTHER_ATTR && !pcr)
			tmsg_put_u32(m, TVM_A_DIGEST + 1, 0);
		else
			put_digest(m, NRULES, first + 1);
	}
	tmsg_nest_end(m);
}

/* A LEVEL_EVENT @name accepting digests @first and the next. */
static void put_event(struct tmsg *m, enum rule r, const char *name,
		      unsigned int first)
{
	char longname[TVM_EVENT_NAME_MAX + 2];

	tmsg_nest_start(m, TVM_A_LEVEL_EVENT);
	if (r == E_NAME_EMPTY) {
		tmsg_put_str(m, TVM_A_PEVENT_NAME, "");
	} else if (r == E_NAME_256) {
		memset(longname, 'e', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		tmsg_put_str(m, TVM_A_PEVENT_NAME, longname);
	} else if (r == E_NAME_AFTER_NUL) {
		/* "ev-1", then bytes the kernel would not read. */
		tmsg_put(m, TVM_A_PEVENT_NAME, "ev-1\0x", 7);
	} else if (r != E_NO_NAME) {
		tmsg_put_str(m, TVM_A_PEVENT_NAME, name);
	}
	if (r == E_NAME_TWICE)
		tmsg_put_str(m, TVM_A_PEVENT_NAME, "ev-2");
	if (r != E_NO_DIGESTS)
		put_digests(m, TVM_A_PEVENT_DIGESTS, r, false, first);
	if (r == E_DIGESTS_TWICE)
		put_digests(m, TVM_A_PEVENT_DIGESTS, NRULES, false, first + 2);
	tmsg_nest_end(m);
}

/* A runtime range at @gpa, with the range flaws of @r. */
static void put_range(struct tmsg *m, enum rule r, uint64_t gpa)
{
	uint8_t sha[33] = { 0x5a };
	uint32_t interval = 0;

	tmsg_nest_start(m, TVM_A_POLICY_RUNTIME);
	if (r != R_NO_GPA)
		tmsg_put_u64(m, TVM_A_RANGE_GPA,
			     r == R_WRAP ? UINT64_MAX - 4095 : gpa);
	if (r == R_GPA_TWICE)
		tmsg_put_u64(m, TVM_A_RANGE_GPA, gpa + 4096);
	if (r != R_NO_LEN)
		tmsg_put_u64(m, TVM_A_RANGE_LEN,
			     r == R_LEN_0 ? 0 :
			     r == R_LEN_BIG ? TVM_RANGE_LEN_MAX + 1ull : 4096);
	if (r != R_NO_SHA)
		tmsg_put(m, TVM_A_RANGE_SHA256, sha,
			 r == R_SHA_31 ? 31 : r == R_SHA_33 ? 33 : 32);
	if (r == R_INTERVAL_SHORT)
		interval = TVM_RANGE_INTERVAL_MIN - 1;
	else if (r == R_INTERVAL_LONG)
		interval = TVM_RANGE_INTERVAL_MAX + 1;
	tmsg_put_u32(m, TVM_A_RANGE_INTERVAL, interval);
	if (r == R_PAD)
		tmsg_put_u64(m, TVM_A_RANGE_PAD, 0);
	tmsg_nest_end(m);
}

/* A port range @first-@last, with the port range flaws of @r. */
static void put_df_ports(struct tmsg *m, enum rule r, uint32_t first,
			 uint32_t last)
{
	tmsg_nest_start(m, TVM_A_DFR_PORTS);
	if (r == FP_NOT_NESTED)
		m->nest[m->depth - 1]->nla_type &= ~NLA_F_NESTED;
	if (r != FP_NO_FIRST)
		tmsg_put_u32(m, TVM_A_DFP_FIRST, first);
	if (r == FP_FIRST_TWICE)
		tmsg_put_u32(m, TVM_A_DFP_FIRST, first);
	if (r != FP_NO_LAST)
		tmsg_put_u32(m, TVM_A_DFP_LAST,
			     r == FP_BACKWARDS ? first - 1 : last);
	if (r == FP_UNKNOWN_ATTR)
		tmsg_put_u32(m, TVM_A_DFP_MAX + 1, 0);
	tmsg_nest_end(m);
}

/*
 * The base's first dataflow rule, with the rule and port range flaws of
 * @r: from the VM "df-peer", on port 22 and 1000-2000, trusted at level
 * 2, else tainting.
 */
static void put_df_rule(struct tmsg *m, enum rule r)
{
	static const uint8_t uuid[TVM_UUID_SIZE] = { 0x7c };
	static const uint32_t flag_value = 1;
	char name[TVM_NAME_MAX + 2];
	int i;

	tmsg_nest_start(m, TVM_A_DF_RULE);
	if (r == FR_NAME_DIGITS) {
		tmsg_put_str(m, TVM_A_DFR_FROM_NAME, "4242");
	} else if (r == FR_NAME_AFTER_NUL) {
		tmsg_put(m, TVM_A_DFR_FROM_NAME, "df-peer\0x", 10);
	} else if (r == FR_NAME_64) {
		memset(name, 'd', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		tmsg_put_str(m, TVM_A_DFR_FROM_NAME, name);
	} else if (r == FR_UUID_15) {
		tmsg_put(m, TVM_A_DFR_FROM_UUID, uuid, TVM_UUID_SIZE - 1);
	} else if (r != FR_NO_FROM) {
		tmsg_put_str(m, TVM_A_DFR_FROM_NAME, "df-peer");
	}
	if (r == FR_TWO_FROM)
		tmsg_put(m, TVM_A_DFR_FROM_HOST, NULL, 0);
	put_df_ports(m, r, 22, 22);
	put_df_ports(m, NRULES, 1000, 2000);
	if (r == FP_RANGE_TWICE)
		put_df_ports(m, NRULES, 1000, 2000);
	for (i = 0; r == FR_PORTS_17 && i < TVM_DF_PORT_RANGES_MAX - 1; i++)
		put_df_ports(m, NRULES, 3000 + i, 3000 + i);
	tmsg_put_u32(m, TVM_A_DFR_MIN_TRUST,
		     r == FR_TRUST_0 ? 0 : r == FR_TRUST_5 ? 5 :
		     TVM_TRUST_TRUSTED);
	tmsg_put_u32(m, TVM_A_DFR_MIN_LEVEL,
		     r == FR_LEVEL_5 ? TVM_POLICY_LEVELS + 1 : 2);
	tmsg_put_u32(m, TVM_A_DFR_ACTION,
		     r == FR_ACTION_3 ? TVM_DF_ACTION_MAX + 1 : TVM_DF_TAINT);
	if (r == FR_ACTION_TWICE)
		tmsg_put_u32(m, TVM_A_DFR_ACTION, TVM_DF_BLOCK);
	if (r == FR_UNKNOWN_ATTR)
		tmsg_put_u32(m, TVM_A_DFR_MAX + 1, 0);
	tmsg_nest_end(m);

	/* The second: the host, anything (a flag with a value is a flaw). */
	tmsg_nest_start(m, TVM_A_DF_RULE);
	if (r == FR_HOST_VALUE)
		tmsg_put(m, TVM_A_DFR_FROM_HOST, &flag_value,
			 sizeof(flag_value));
	else
		tmsg_put(m, TVM_A_DFR_FROM_HOST, NULL, 0);
	tmsg_nest_end(m);
}

/* The base's dataflow section, with the section and rule flaws of @r. */
static void put_dataflow(struct tmsg *m, enum rule r)
{
	static const uint32_t flag_value = 1;
	int i;

	tmsg_nest_start(m, TVM_A_POLICY_DATAFLOW);
	if (r == F_NOT_NESTED)
		m->nest[m->depth - 1]->nla_type &= ~NLA_F_NESTED;
	tmsg_put_u32(m, TVM_A_DF_DEFAULT,
		     r == F_DEFAULT_3 ? TVM_DF_ACTION_MAX + 1 : TVM_DF_BLOCK);
	if (r == F_DEFAULT_TWICE)
		tmsg_put_u32(m, TVM_A_DF_DEFAULT, TVM_DF_MEASURE);
	tmsg_put_u64(m, TVM_A_DF_CHECKPOINT_BYTES,
		     r == F_BYTES_4095 ? TVM_DF_CHECKPOINT_BYTES_MIN - 1 :
		     1 << 20);
	tmsg_put_u32(m, TVM_A_DF_CHECKPOINT_MS,
		     r == F_MS_99 ? TVM_DF_CHECKPOINT_MS_MIN - 1 :
		     r == F_MS_LONG ? TVM_DF_CHECKPOINT_MS_MAX + 1 : 1000);
	if (r == F_PER_MESSAGE_VALUE)
		tmsg_put(m, TVM_A_DF_PER_MESSAGE, &flag_value,
			 sizeof(flag_value));
	if (r == F_UNKNOWN_ATTR)
		tmsg_put_u32(m, TVM_A_DF_MAX + 1, 0);
	if (r == F_PAD)
		tmsg_put_u64(m, TVM_A_DF_PAD, 0);
	put_df_rule(m, r);
	for (i = 0; r == F_RULES_65 && i < TVM_DF_RULES_MAX - 1; i++) {
		tmsg_nest_start(m, TVM_A_DF_RULE);
		tmsg_put(m, TVM_A_DFR_FROM_ANY, NULL, 0);
		tmsg_nest_end(m);
	}
	tmsg_nest_end(m);
	if (r == F_TWICE) {
		tmsg_nest_start(m, TVM_A_POLICY_DATAFLOW);
		tmsg_nest_end(m);
	}
}

/* One platform PCR @pcr of the migration section, with the flaws of @r. */
static void put_migp_pcr(struct tmsg *m, enum rule r, uint32_t pcr)
{
	int i;

	tmsg_nest_start(m, TVM_A_MIGP_PLATFORM);
	if (r != MP_NO_INDEX)
		tmsg_put_u32(m, TVM_A_MIGPP_INDEX, r == MP_INDEX_8 ? 8 : pcr);
	if (r == MP_INDEX_TWICE)
		tmsg_put_u32(m, TVM_A_MIGPP_INDEX, pcr + 1);
	if (r == MP_UNKNOWN_ATTR)
		tmsg_put_u32(m, TVM_A_MIGPP_MAX + 1, 0);
	if (r != MP_NO_VALUES) {
		tmsg_put(m, TVM_A_MIGPP_SHA256, dg(50 + pcr),
			 r == MP_VALUE_31 ? 31 : 32);
		tmsg_put(m, TVM_A_MIGPP_SHA256,
			 dg(r == MP_VALUE_DUP ? 50 + pcr : 60 + pcr), 32);
	}
	for (i = 0; r == MP_VALUES_17 && i < TVM_POLICY_DIGESTS_MAX - 1; i++)
		tmsg_put(m, TVM_A_MIGPP_SHA256, dg(70 + i), 32);
	tmsg_nest_end(m);
}

/*
 * The base's migration section, two peers and platform PCR 0 with two
 * accepted values, with the section and platform flaws of @r.
 */
static void put_migration(struct tmsg *m, enum rule r)
{
	int i;

	tmsg_nest_start(m, TVM_A_POLICY_MIGRATION);
	if (r == MG_NOT_NESTED)
		m->nest[m->depth - 1]->nla_type &= ~NLA_F_NESTED;
	tmsg_put(m, TVM_A_MIGP_PEER, dg(30),
		 r == MG_PEER_31 ? TVM_MIG_HOST_ID_SIZE - 1 :
		 TVM_MIG_HOST_ID_SIZE);
	tmsg_put(m, TVM_A_MIGP_PEER, dg(r == MG_PEER_DUP ? 30 : 31),
		 TVM_MIG_HOST_ID_SIZE);
	for (i = 0; r == MG_PEERS_17 && i < TVM_MIGP_PEERS_MAX - 1; i++)
		tmsg_put(m, TVM_A_MIGP_PEER, dg(32 + i), TVM_MIG_HOST_ID_SIZE);
	if (r == MG_UNKNOWN_ATTR)
		tmsg_put_u32(m, TVM_A_MIGP_MAX + 1, 0);
	put_migp_pcr(m, r, 0);
	if (r == MP_PCR_TWICE)
		put_migp_pcr(m, NRULES, 0);
	tmsg_nest_end(m);
	if (r == MG_TWICE) {
		tmsg_nest_start(m, TVM_A_POLICY_MIGRATION);
		tmsg_nest_end(m);
	}
}

static void put_selector(struct tmsg *m, enum rule r)
{
	static const uint8_t uuid[TVM_UUID_SIZE] = { 0x7b };
	static const uint32_t flag_value = 1;
	char name[TVM_NAME_MAX + 2];

	switch (r) {
	case S_NONE:
	case D_NO_SELECTOR:
		return;
	case S_UUID_15:
		tmsg_put(m, TVM_A_POLICY_UUID, uuid, TVM_UUID_SIZE - 1);
		return;
	case S_DEFAULT_VALUE:
		tmsg_put(m, TVM_A_POLICY_DEFAULT, &flag_value,
			 sizeof(flag_value));
		return;
	case S_NAME_EMPTY:
		tmsg_put_str(m, TVM_A_POLICY_NAME, "");
		return;
	case S_NAME_CHAR:
		tmsg_put_str(m, TVM_A_POLICY_NAME, "pol rules");
		return;
	case S_NAME_DIGITS:
	case D_BAD_NAME:
		tmsg_put_str(m, TVM_A_POLICY_NAME, "12345");
		return;
	case S_NAME_UUID:
		tmsg_put_str(m, TVM_A_POLICY_NAME,
			     "0b1e8f6e-3c2a-4d5b-9e7f-1a2b3c4d5e6f");
		return;
	case S_NAME_64:
		memset(name, 'p', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		tmsg_put_str(m, TVM_A_POLICY_NAME, name);
		return;
	case S_NAME_AFTER_NUL:
		/* SEL, then bytes the kernel would not read. */
		tmsg_put(m, TVM_A_POLICY_NAME, SEL "\0x", sizeof(SEL) + 2);
		return;
	default:
		break;
	}
	tmsg_put_str(m, TVM_A_POLICY_NAME, SEL);
	if (r == S_NAME_AND_DEFAULT)
		tmsg_put(m, TVM_A_POLICY_DEFAULT, NULL, 0);
	if (r == S_NAME_AND_UUID)
		tmsg_put(m, TVM_A_POLICY_UUID, uuid, TVM_UUID_SIZE);
	if (r == S_NAME_TWICE)
		tmsg_put_str(m, TVM_A_POLICY_NAME, SEL);
}

/* A POLICY_DELETE of SEL with the flaw @r (none: NRULES). */
static void build_delete(struct tmsg *m, struct tnl *nl, enum rule r)
{
	static const uint8_t sig[256] = { 1 };

	tmsg_init(m, nl, TVM_CMD_POLICY_DELETE, 0);
	tmsg_nest_start(m, TVM_A_POLICY);
	if (r == T_DEL_SIG_NO_KEY)
		tmsg_put_u32(m, TVM_A_POLICY_VERSION, TVM_POLICY_VERSION);
	put_selector(m, r);
	if (r == D_EXTRA)
		tmsg_put_u32(m, TVM_A_POLICY_MODE, TVM_POLICY_AUDIT);
	if (r == T_DEL_SIG_NO_KEY)
		tmsg_put_u32(m, TVM_A_POLICY_REVISION, 1);
	if (r == T_DEL_UNSIGNED || r == T_DEL_SIG_NO_KEY)
		tmsg_put(m, TVM_A_POLICY_TOMBSTONE, NULL, 0);
	tmsg_nest_end(m);
	if (r == T_DEL_SIG_NO_KEY)
		tmsg_put(m, TVM_A_POLICY_SIGNATURE, sig, sizeof(sig));
}

/*
 * The base policy of SEL, with the flaw @r (none: NRULES): version,
 * selector, mode, revision; level 0 (vmm) with one event; level 1 with an
 * event accepting two digests and two accepted PCR values; a runtime
 * range; a dataflow section of two rules.
 */
static void build(struct tmsg *m, struct tnl *nl, enum rule r)
{
	static const uint8_t sig[TVM_SIGNATURE_MAX + 1] = { 1 };
	bool tomb = r == T_IN_LOAD || r == T_MODE || r == T_LEVEL ||
		    r == T_RUNTIME || r == T_DATAFLOW || r == T_MIGRATION;
	char name[16];
	int i;

	tmsg_init(m, nl, TVM_CMD_POLICY_LOAD, 0);
	if (r == W_OTHER_TOP)
		tmsg_put_u32(m, TVM_A_VM_ID, 1);
	if (r == W_NO_POLICY)
		return;
	tmsg_nest_start(m, TVM_A_POLICY);
	if (r != V_MISSING)
		tmsg_put_u32(m, TVM_A_POLICY_VERSION,
			     r == V_2 ? 2 : TVM_POLICY_VERSION);
	if (r == V_TWICE)
		tmsg_put_u32(m, TVM_A_POLICY_VERSION, TVM_POLICY_VERSION);
	put_selector(m, r);
	if (!tomb || r == T_MODE)
		tmsg_put_u32(m, TVM_A_POLICY_MODE,
			     r == M_0 ? 0 : r == M_3 ? 3 : TVM_POLICY_AUDIT);
	if (r == M_TWICE)
		tmsg_put_u32(m, TVM_A_POLICY_MODE, TVM_POLICY_ENFORCE);
	if (r == K_ID_31 || r == K_NO_SIG || r == K_UNKNOWN)
		tmsg_put(m, TVM_A_POLICY_KEY_ID, dg(0xee),
			 r == K_ID_31 ? TVM_KEY_ID_SIZE - 1 : TVM_KEY_ID_SIZE);
	if (r == K_DESC)
		tmsg_put_str(m, TVM_A_POLICY_OWNER_KEY, "owner");
	if (r == K_REV_U16)
		tmsg_put(m, TVM_A_POLICY_REVISION, "\0\0", 2);
	else
		tmsg_put_u32(m, TVM_A_POLICY_REVISION, tomb ? 1 : 0);
	if (r == K_REV_TWICE)
		tmsg_put_u32(m, TVM_A_POLICY_REVISION, 2);
	if (tomb)
		tmsg_put(m, TVM_A_POLICY_TOMBSTONE, NULL, 0);
	if (r == W_REPLY_ATTR)
		tmsg_put_u64(m, TVM_A_POLICY_GEN, 1);
	if (r == W_REPLY_DIGEST)
		tmsg_put(m, TVM_A_POLICY_DIGEST, dg(0xdd), 32);
	if (r == W_UNKNOWN_ATTR)
		tmsg_put_u32(m, TVM_A_POLICY_MAX + 1, 0);

	if (!tomb || r == T_LEVEL) {
		/* Level 0, the VMM. */
		tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
		tmsg_put_u32(m, TVM_A_LEVEL_NUM, TVM_POLICY_LEVEL_VMM);
		put_event(m, NRULES, "/usr/bin/vmm", 10);
		if (r == L_VMM_PCR)
			put_digests(m, TVM_A_LEVEL_PCR, NRULES, true, 12);
		tmsg_nest_end(m);

		/* Level 1, which takes the level, event and digest flaws. */
		tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
		if (r == W_NOT_NESTED)
			m->nest[m->depth - 1]->nla_type &= ~NLA_F_NESTED;
		if (r != L_NO_NUM)
			tmsg_put_u32(m, TVM_A_LEVEL_NUM, r == L_5 ? 5 : 1);
		if (r == L_NUM_TWICE)
			tmsg_put_u32(m, TVM_A_LEVEL_NUM, 1);
		if (r != L_EMPTY) {
			put_event(m, r, "ev-1", 20);
			if (r == E_TWICE)
				put_event(m, NRULES, "ev-1", 22);
			for (i = 0; r == E_257 && i < TVM_POLICY_EVENTS_MAX;
			     i++) {
				snprintf(name, sizeof(name), "e%d", i);
				put_event(m, NRULES, name, 24);
			}
			put_digests(m, TVM_A_LEVEL_PCR, r, true, 40);
			if (r == L_PCR_TWICE)
				put_digests(m, TVM_A_LEVEL_PCR, NRULES, true,
					    42);
		}
		tmsg_nest_end(m);
		if (r == L_TWICE) {
			tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
			tmsg_put_u32(m, TVM_A_LEVEL_NUM, 1);
			put_digests(m, TVM_A_LEVEL_PCR, NRULES, true, 44);
			tmsg_nest_end(m);
		}
	}
	if (!tomb || r == T_RUNTIME) {
		put_range(m, r, 0x100000);
		if (r == R_TWICE)
			put_range(m, NRULES, 0x100000);
		for (i = 0; r == R_17 && i < TVM_POLICY_RANGES_MAX; i++)
			put_range(m, NRULES, 0x200000 + i * 4096ull);
	}
	if (!tomb || r == T_DATAFLOW)
		put_dataflow(m, r);
	if (!tomb || r == T_MIGRATION)
		put_migration(m, r);
	tmsg_nest_end(m);

	if (r == K_SIG_NO_KEY || r == K_UNKNOWN)
		tmsg_put(m, TVM_A_POLICY_SIGNATURE, sig, 256);
	else if (r == K_SIG_EMPTY)
		tmsg_put(m, TVM_A_POLICY_SIGNATURE, NULL, 0);
	else if (r == K_SIG_513)
		tmsg_put(m, TVM_A_POLICY_SIGNATURE, sig, sizeof(sig));
}

/* --- what is in force ----------------------------------------------------- */

struct in_force {
	int n;			/* policies loaded (a dump's entries) */
	int found;		/* GET replies for SEL */
	uint64_t gen;
	int len;
	uint8_t payload[65536];
};

static int get_cb(const struct nlmsghdr *h, void *arg)
{
	struct in_force *f = arg;
	const struct nlattr *p = tmsg_attr(h, TVM_A_POLICY);
	const struct nlattr *g;

	if (!p)
		return 0;
	f->found++;
	f->len = tattr_len(p);
	memcpy(f->payload, tattr_data(p), f->len);
	g = tattr_find(tattr_data(p), tattr_len(p), TVM_A_POLICY_GEN);
	if (g)
		f->gen = tattr_u64(g);
	return 0;
}

static int count_cb(const struct nlmsghdr *h, void *arg)
{
	if (tmsg_attr(h, TVM_A_POLICY))
		((struct in_force *)arg)->n++;
	return 0;
}

/* SEL's policy (its payload and generation) and the number loaded. */
static int in_force(struct tnl *nl, struct tmsg *m, struct in_force *f)
{
	int ret;

	memset(f, 0, sizeof(*f));
	tmsg_init(m, nl, TVM_CMD_POLICY_GET, 0);
	tmsg_nest_start(m, TVM_A_POLICY);
	tmsg_put_str(m, TVM_A_POLICY_NAME, SEL);
	tmsg_nest_end(m);
	ret = tnl_call(nl, m, get_cb, f);
	if (ret)
		return ret;
	tmsg_init(m, nl, TVM_CMD_POLICY_GET, NLM_F_DUMP);
	return tnl_call(nl, m, count_cb, f);
}

static bool same(const struct in_force *a, const struct in_force *b)
{
	return a->found == 1 && b->found == 1 && a->n == b->n &&
	       a->gen == b->gen && a->len == b->len &&
	       !memcmp(a->payload, b->payload, a->len);
}

/* --- the fixture ---------------------------------------------------------- */

FIXTURE(rules) {
	struct tnl nl;
	struct tmsg m;
	struct in_force before, after;
	bool no_tvm, had_default;
};

static int load_base(struct tnl *nl, struct tmsg *m)
{
	build(m, nl, NRULES);
	return tnl_call(nl, m, NULL, NULL);
}

static int delete_sel(struct tnl *nl, struct tmsg *m, const char *name)
{
	tmsg_init(m, nl, TVM_CMD_POLICY_DELETE, 0);
	tmsg_nest_start(m, TVM_A_POLICY);
	if (name)
		tmsg_put_str(m, TVM_A_POLICY_NAME, name);
	else
		tmsg_put(m, TVM_A_POLICY_DEFAULT, NULL, 0);
	tmsg_nest_end(m);
	return tnl_call(nl, m, NULL, NULL);
}

FIXTURE_SETUP(rules)
{
	TVM_SETUP_NL();
	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_GET, 0);
	tmsg_nest_start(&self->m, TVM_A_POLICY);
	tmsg_put(&self->m, TVM_A_POLICY_DEFAULT, NULL, 0);
	tmsg_nest_end(&self->m);
	self->had_default = !tnl_call(&self->nl, &self->m, NULL, NULL);
	ASSERT_EQ(0, load_base(&self->nl, &self->m))
		TH_LOG("the base policy: %s", self->nl.extack);
	ASSERT_EQ(0, in_force(&self->nl, &self->m, &self->before))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(1, self->before.found);
}

FIXTURE_TEARDOWN(rules)
{
	if (self->no_tvm)
		return;
	delete_sel(&self->nl, &self->m, SEL);
	if (!self->had_default)
		delete_sel(&self->nl, &self->m, NULL);
	tnl_close(&self->nl);
}

/* --- the cases, one result each ------------------------------------------- */

/*
 * One case a rule: the flaw, whether it is a POLICY_DELETE (else a
 * POLICY_LOAD), the errno, and what the extended ack says (NULL: the
 * netlink core's message, any).  Each is its own result, named as
 * Documentation/policy.rst names the rule; the fixture is the rules
 * fixture's, with the base policy in force.
 */
FIXTURE(rule) {
	FIXTURE_DATA(rules) s;
};

FIXTURE_VARIANT(rule) {
	enum rule r;
	bool del;
	int err;
	const char *extack;
};

FIXTURE_SETUP(rule)
{
	rules_setup(_metadata, &self->s, NULL);
}

FIXTURE_TEARDOWN(rule)
{
	rules_teardown(_metadata, &self->s, NULL);
}

/* the netlink message */

FIXTURE_VARIANT_ADD(rule, no_policy) {
	.r = W_NO_POLICY, .err = -EINVAL, .extack = "no policy given",
};

FIXTURE_VARIANT_ADD(rule, other_top_attr) {
	.r = W_OTHER_TOP, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, nest_without_flag) {
	.r = W_NOT_NESTED, .err = -EINVAL, .extack = "NLA_F_NESTED",
};

FIXTURE_VARIANT_ADD(rule, unknown_attr) {
	.r = W_UNKNOWN_ATTR, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, reply_attr_gen) {
	.r = W_REPLY_ATTR, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, reply_attr_digest) {
	.r = W_REPLY_DIGEST, .err = -EINVAL,
};

/* version */

FIXTURE_VARIANT_ADD(rule, version_missing) {
	.r = V_MISSING, .err = -EINVAL, .extack = "needs its version",
};

FIXTURE_VARIANT_ADD(rule, version_2) {
	.r = V_2, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, version_twice) {
	.r = V_TWICE, .err = -EINVAL, .extack = "given twice",
};

/* selector */

FIXTURE_VARIANT_ADD(rule, selector_none) {
	.r = S_NONE, .err = -EINVAL, .extack = "exactly one",
};

FIXTURE_VARIANT_ADD(rule, selector_name_and_default) {
	.r = S_NAME_AND_DEFAULT, .err = -EINVAL, .extack = "exactly one",
};

FIXTURE_VARIANT_ADD(rule, selector_name_and_uuid) {
	.r = S_NAME_AND_UUID, .err = -EINVAL, .extack = "exactly one",
};

FIXTURE_VARIANT_ADD(rule, selector_uuid_15_bytes) {
	.r = S_UUID_15, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, selector_default_with_value) {
	.r = S_DEFAULT_VALUE, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, name_empty) {
	.r = S_NAME_EMPTY, .err = -EINVAL, .extack = "empty",
};

FIXTURE_VARIANT_ADD(rule, name_bad_char) {
	.r = S_NAME_CHAR, .err = -EINVAL, .extack = "may only hold",
};

FIXTURE_VARIANT_ADD(rule, name_all_digits) {
	.r = S_NAME_DIGITS, .err = -EINVAL, .extack = "all digits",
};

FIXTURE_VARIANT_ADD(rule, name_uuid) {
	.r = S_NAME_UUID, .err = -EINVAL, .extack = "UUID",
};

FIXTURE_VARIANT_ADD(rule, name_64_bytes) {
	.r = S_NAME_64, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, name_bytes_after_nul) {
	.r = S_NAME_AFTER_NUL, .err = -EINVAL, .extack = "after its NUL",
};

FIXTURE_VARIANT_ADD(rule, name_twice) {
	.r = S_NAME_TWICE, .err = -EINVAL, .extack = "given twice",
};

/* mode */

FIXTURE_VARIANT_ADD(rule, mode_0) {
	.r = M_0, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, mode_3) {
	.r = M_3, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, mode_twice) {
	.r = M_TWICE, .err = -EINVAL, .extack = "given twice",
};

/* owner key, revision, signature */

FIXTURE_VARIANT_ADD(rule, key_id_31_bytes) {
	.r = K_ID_31, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, owner_key_description) {
	.r = K_DESC, .err = -EINVAL, .extack = "KEY_ID since ABI 6",
};

FIXTURE_VARIANT_ADD(rule, key_id_without_signature) {
	.r = K_NO_SIG, .err = -EBADMSG, .extack = "not signed",
};

FIXTURE_VARIANT_ADD(rule, signature_without_key_id) {
	.r = K_SIG_NO_KEY, .err = -EINVAL, .extack = "needs an owner key",
};

FIXTURE_VARIANT_ADD(rule, key_id_not_in_keyring) {
	.r = K_UNKNOWN, .err = -ENOKEY, .extack = "not found",
};

FIXTURE_VARIANT_ADD(rule, signature_empty) {
	.r = K_SIG_EMPTY, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, signature_513_bytes) {
	.r = K_SIG_513, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, revision_twice) {
	.r = K_REV_TWICE, .err = -EINVAL, .extack = "given twice",
};

FIXTURE_VARIANT_ADD(rule, revision_2_bytes) {
	.r = K_REV_U16, .err = -EINVAL,
};

/* tombstones and deletes */

FIXTURE_VARIANT_ADD(rule, tombstone_in_load) {
	.r = T_IN_LOAD, .err = -EINVAL, .extack = "goes to POLICY_DELETE",
};

FIXTURE_VARIANT_ADD(rule, tombstone_with_mode) {
	.r = T_MODE, .err = -EINVAL, .extack = "a tombstone is a selector",
};

FIXTURE_VARIANT_ADD(rule, tombstone_with_level) {
	.r = T_LEVEL, .err = -EINVAL, .extack = "a tombstone is a selector",
};

FIXTURE_VARIANT_ADD(rule, tombstone_with_runtime) {
	.r = T_RUNTIME, .err = -EINVAL, .extack = "a tombstone is a selector",
};

FIXTURE_VARIANT_ADD(rule, delete_unsigned_tombstone) {
	.r = T_DEL_UNSIGNED, .del = true, .err = -EINVAL,
	.extack = "only a selector",
};

FIXTURE_VARIANT_ADD(rule, delete_signed_without_key_id) {
	.r = T_DEL_SIG_NO_KEY, .del = true, .err = -EINVAL,
	.extack = "needs an owner key",
};

FIXTURE_VARIANT_ADD(rule, delete_with_mode) {
	.r = D_EXTRA, .del = true, .err = -EINVAL, .extack = "only a selector",
};

FIXTURE_VARIANT_ADD(rule, delete_without_selector) {
	.r = D_NO_SELECTOR, .del = true, .err = -EINVAL,
	.extack = "exactly one",
};

FIXTURE_VARIANT_ADD(rule, delete_name_all_digits) {
	.r = D_BAD_NAME, .del = true, .err = -EINVAL, .extack = "all digits",
};

/* levels */

FIXTURE_VARIANT_ADD(rule, level_5) {
	.r = L_5, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, level_without_number) {
	.r = L_NO_NUM, .err = -EINVAL, .extack = "needs its number",
};

FIXTURE_VARIANT_ADD(rule, level_number_twice) {
	.r = L_NUM_TWICE, .err = -EINVAL, .extack = "given twice",
};

FIXTURE_VARIANT_ADD(rule, level_twice) {
	.r = L_TWICE, .err = -EINVAL, .extack = "level given twice",
};

FIXTURE_VARIANT_ADD(rule, level_empty) {
	.r = L_EMPTY, .err = -EINVAL, .extack = "needs events or PCR values",
};

FIXTURE_VARIANT_ADD(rule, level_pcr_twice) {
	.r = L_PCR_TWICE, .err = -EINVAL, .extack = "given twice",
};

FIXTURE_VARIANT_ADD(rule, vmm_level_pcr) {
	.r = L_VMM_PCR, .err = -EINVAL, .extack = "events only",
};

/* events */

FIXTURE_VARIANT_ADD(rule, event_without_name) {
	.r = E_NO_NAME, .err = -EINVAL, .extack = "needs a name and digests",
};

FIXTURE_VARIANT_ADD(rule, event_without_digests) {
	.r = E_NO_DIGESTS, .err = -EINVAL, .extack = "needs a name and digests",
};

FIXTURE_VARIANT_ADD(rule, event_name_empty) {
	.r = E_NAME_EMPTY, .err = -EINVAL, .extack = "empty event name",
};

FIXTURE_VARIANT_ADD(rule, event_name_256_bytes) {
	.r = E_NAME_256, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, event_name_bytes_after_nul) {
	.r = E_NAME_AFTER_NUL, .err = -EINVAL, .extack = "after its NUL",
};

FIXTURE_VARIANT_ADD(rule, event_name_twice) {
	.r = E_NAME_TWICE, .err = -EINVAL, .extack = "given twice",
};

FIXTURE_VARIANT_ADD(rule, event_digests_twice) {
	.r = E_DIGESTS_TWICE, .err = -EINVAL, .extack = "given twice",
};

FIXTURE_VARIANT_ADD(rule, event_listed_twice) {
	.r = E_TWICE, .err = -EINVAL, .extack = "event listed twice",
};

FIXTURE_VARIANT_ADD(rule, events_257) {
	.r = E_257, .err = -E2BIG, .extack = "too many events",
};

/* digests */

FIXTURE_VARIANT_ADD(rule, event_digests_empty) {
	.r = G_EMPTY, .err = -EINVAL, .extack = "empty list of digests",
};

FIXTURE_VARIANT_ADD(rule, pcr_values_empty) {
	.r = G_PCR_EMPTY, .err = -EINVAL, .extack = "empty list of digests",
};

FIXTURE_VARIANT_ADD(rule, event_digests_17) {
	.r = G_17, .err = -E2BIG, .extack = "too many digests",
};

FIXTURE_VARIANT_ADD(rule, pcr_values_17) {
	.r = G_PCR_17, .err = -E2BIG, .extack = "too many digests",
};

FIXTURE_VARIANT_ADD(rule, event_digest_twice) {
	.r = G_DUP, .err = -EINVAL, .extack = "digest listed twice",
};

FIXTURE_VARIANT_ADD(rule, pcr_value_twice) {
	.r = G_PCR_DUP, .err = -EINVAL, .extack = "digest listed twice",
};

FIXTURE_VARIANT_ADD(rule, digest_without_bank) {
	.r = G_NO_BANK, .err = -EINVAL, .extack = "needs a bank and a value",
};

FIXTURE_VARIANT_ADD(rule, digest_without_value) {
	.r = G_NO_VALUE, .err = -EINVAL, .extack = "needs a bank and a value",
};

FIXTURE_VARIANT_ADD(rule, digest_bank_4) {
	.r = G_BANK_4, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, digest_size_not_bank) {
	.r = G_SIZE, .err = -EINVAL, .extack = "does not match its bank",
};

FIXTURE_VARIANT_ADD(rule, digest_49_bytes) {
	.r = G_VALUE_49, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, digest_bank_twice) {
	.r = G_BANK_TWICE, .err = -EINVAL, .extack = "given twice",
};

FIXTURE_VARIANT_ADD(rule, digest_list_other_attr) {
	.r = G_OTHER_ATTR, .err = -EINVAL,
};

/* runtime ranges */

FIXTURE_VARIANT_ADD(rule, range_without_gpa) {
	.r = R_NO_GPA, .err = -EINVAL, .extack = "needs a GPA, a length",
};

FIXTURE_VARIANT_ADD(rule, range_without_length) {
	.r = R_NO_LEN, .err = -EINVAL, .extack = "needs a GPA, a length",
};

FIXTURE_VARIANT_ADD(rule, range_without_sha256) {
	.r = R_NO_SHA, .err = -EINVAL, .extack = "needs a GPA, a length",
};

FIXTURE_VARIANT_ADD(rule, range_length_0) {
	.r = R_LEN_0, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, range_length_above_max) {
	.r = R_LEN_BIG, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, range_wraps) {
	.r = R_WRAP, .err = -EINVAL, .extack = "wraps",
};

FIXTURE_VARIANT_ADD(rule, range_interval_99) {
	.r = R_INTERVAL_SHORT, .err = -ERANGE,
	.extack = "TVM_RANGE_INTERVAL_MIN",
};

FIXTURE_VARIANT_ADD(rule, range_interval_above_max) {
	.r = R_INTERVAL_LONG, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, range_sha256_31_bytes) {
	.r = R_SHA_31, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, range_sha256_33_bytes) {
	.r = R_SHA_33, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, range_gpa_twice) {
	.r = R_GPA_TWICE, .err = -EINVAL, .extack = "given twice",
};

FIXTURE_VARIANT_ADD(rule, range_pad) {
	.r = R_PAD, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, range_listed_twice) {
	.r = R_TWICE, .err = -EINVAL, .extack = "range listed twice",
};

FIXTURE_VARIANT_ADD(rule, ranges_17) {
	.r = R_17, .err = -E2BIG, .extack = "too many runtime ranges",
};

/* the dataflow section */

FIXTURE_VARIANT_ADD(rule, dataflow_twice) {
	.r = F_TWICE, .err = -EINVAL, .extack = "dataflow section given twice",
};

FIXTURE_VARIANT_ADD(rule, dataflow_default_3) {
	.r = F_DEFAULT_3, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, dataflow_default_twice) {
	.r = F_DEFAULT_TWICE, .err = -EINVAL, .extack = "given twice",
};

FIXTURE_VARIANT_ADD(rule, dataflow_checkpoint_bytes_4095) {
	.r = F_BYTES_4095, .err = -ERANGE,
	.extack = "TVM_DF_CHECKPOINT_BYTES_MIN",
};

FIXTURE_VARIANT_ADD(rule, dataflow_checkpoint_ms_99) {
	.r = F_MS_99, .err = -ERANGE, .extack = "TVM_DF_CHECKPOINT_MS_MIN",
};

FIXTURE_VARIANT_ADD(rule, dataflow_checkpoint_ms_above_max) {
	.r = F_MS_LONG, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, dataflow_per_message_with_value) {
	.r = F_PER_MESSAGE_VALUE, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, dataflow_unknown_attr) {
	.r = F_UNKNOWN_ATTR, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, dataflow_pad) {
	.r = F_PAD, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, dataflow_rules_65) {
	.r = F_RULES_65, .err = -E2BIG, .extack = "too many dataflow rules",
};

FIXTURE_VARIANT_ADD(rule, dataflow_without_nested_flag) {
	.r = F_NOT_NESTED, .err = -EINVAL, .extack = "NLA_F_NESTED",
};

FIXTURE_VARIANT_ADD(rule, tombstone_with_dataflow) {
	.r = T_DATAFLOW, .err = -EINVAL, .extack = "a tombstone is a selector",
};

/* the migration section */

FIXTURE_VARIANT_ADD(rule, migration_twice) {
	.r = MG_TWICE, .err = -EINVAL, .extack = "migration section given twice",
};

FIXTURE_VARIANT_ADD(rule, migration_peer_31_bytes) {
	.r = MG_PEER_31, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, migration_peer_twice) {
	.r = MG_PEER_DUP, .err = -EINVAL,
	.extack = "a migration peer is listed twice",
};

FIXTURE_VARIANT_ADD(rule, migration_peers_17) {
	.r = MG_PEERS_17, .err = -E2BIG, .extack = "too many migration peers",
};

FIXTURE_VARIANT_ADD(rule, migration_unknown_attr) {
	.r = MG_UNKNOWN_ATTR, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, migration_without_nested_flag) {
	.r = MG_NOT_NESTED, .err = -EINVAL, .extack = "NLA_F_NESTED",
};

FIXTURE_VARIANT_ADD(rule, tombstone_with_migration) {
	.r = T_MIGRATION, .err = -EINVAL, .extack = "a tombstone is a selector",
};

/* its platform PCRs */

FIXTURE_VARIANT_ADD(rule, migration_pcr_without_index) {
	.r = MP_NO_INDEX, .err = -EINVAL, .extack = "needs its PCR index",
};

FIXTURE_VARIANT_ADD(rule, migration_pcr_8) {
	.r = MP_INDEX_8, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, migration_pcr_index_twice) {
	.r = MP_INDEX_TWICE, .err = -EINVAL, .extack = "given twice",
};

FIXTURE_VARIANT_ADD(rule, migration_pcr_twice) {
	.r = MP_PCR_TWICE, .err = -EINVAL,
	.extack = "a platform PCR is listed twice",
};

FIXTURE_VARIANT_ADD(rule, migration_pcr_without_values) {
	.r = MP_NO_VALUES, .err = -EINVAL, .extack = "at least one SHA-256",
};

FIXTURE_VARIANT_ADD(rule, migration_pcr_value_31_bytes) {
	.r = MP_VALUE_31, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, migration_pcr_value_twice) {
	.r = MP_VALUE_DUP, .err = -EINVAL,
	.extack = "a platform PCR value is listed twice",
};

FIXTURE_VARIANT_ADD(rule, migration_pcr_values_17) {
	.r = MP_VALUES_17, .err = -E2BIG, .extack = "too many values",
};

FIXTURE_VARIANT_ADD(rule, migration_pcr_unknown_attr) {
	.r = MP_UNKNOWN_ATTR, .err = -EINVAL,
};

/* dataflow rules */

FIXTURE_VARIANT_ADD(rule, df_rule_without_from) {
	.r = FR_NO_FROM, .err = -EINVAL, .extack = "exactly one of any",
};

FIXTURE_VARIANT_ADD(rule, df_rule_two_froms) {
	.r = FR_TWO_FROM, .err = -EINVAL, .extack = "exactly one of any",
};

FIXTURE_VARIANT_ADD(rule, df_rule_name_all_digits) {
	.r = FR_NAME_DIGITS, .err = -EINVAL, .extack = "all digits",
};

FIXTURE_VARIANT_ADD(rule, df_rule_name_bytes_after_nul) {
	.r = FR_NAME_AFTER_NUL, .err = -EINVAL, .extack = "after its NUL",
};

FIXTURE_VARIANT_ADD(rule, df_rule_name_64_bytes) {
	.r = FR_NAME_64, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, df_rule_uuid_15_bytes) {
	.r = FR_UUID_15, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, df_rule_host_with_value) {
	.r = FR_HOST_VALUE, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, df_rule_min_trust_0) {
	.r = FR_TRUST_0, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, df_rule_min_trust_5) {
	.r = FR_TRUST_5, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, df_rule_min_level_5) {
	.r = FR_LEVEL_5, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, df_rule_action_3) {
	.r = FR_ACTION_3, .err = -ERANGE,
};

FIXTURE_VARIANT_ADD(rule, df_rule_action_twice) {
	.r = FR_ACTION_TWICE, .err = -EINVAL, .extack = "given twice",
};

FIXTURE_VARIANT_ADD(rule, df_rule_unknown_attr) {
	.r = FR_UNKNOWN_ATTR, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, df_rule_port_ranges_17) {
	.r = FR_PORTS_17, .err = -E2BIG, .extack = "too many port ranges",
};

/* dataflow port ranges */

FIXTURE_VARIANT_ADD(rule, df_ports_without_first) {
	.r = FP_NO_FIRST, .err = -EINVAL, .extack = "its first and last port",
};

FIXTURE_VARIANT_ADD(rule, df_ports_without_last) {
	.r = FP_NO_LAST, .err = -EINVAL, .extack = "its first and last port",
};

FIXTURE_VARIANT_ADD(rule, df_ports_backwards) {
	.r = FP_BACKWARDS, .err = -EINVAL, .extack = "ends below its first",
};

FIXTURE_VARIANT_ADD(rule, df_ports_first_twice) {
	.r = FP_FIRST_TWICE, .err = -EINVAL, .extack = "given twice",
};

FIXTURE_VARIANT_ADD(rule, df_ports_unknown_attr) {
	.r = FP_UNKNOWN_ATTR, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(rule, df_ports_without_nested_flag) {
	.r = FP_NOT_NESTED, .err = -EINVAL, .extack = "NLA_F_NESTED",
};

FIXTURE_VARIANT_ADD(rule, df_ports_range_twice) {
	.r = FP_RANGE_TWICE, .err = -EINVAL, .extack = "listed twice",
};

TEST_F(rule, refused_and_nothing_lost)
{
	FIXTURE_DATA(rules) *s = &self->s;
	int ret;

	if (s->no_tvm)	/* SKIP() in setup; 6.1 runs the body */
		return;
	if (variant->del)
		build_delete(&s->m, &s->nl, variant->r);
	else
		build(&s->m, &s->nl, variant->r);
	ret = tnl_call(&s->nl, &s->m, NULL, NULL);
	EXPECT_EQ(variant->err, ret)
		TH_LOG("%d (%s), expected %d", ret, s->nl.extack,
		       variant->err);
	if (variant->extack) {
		EXPECT_NE(NULL, strstr(s->nl.extack, variant->extack))
			TH_LOG("extack '%s', expected '%s'", s->nl.extack,
			       variant->extack);
	} else {
		EXPECT_NE('\0', s->nl.extack[0])
			TH_LOG("no extack");
	}
	ASSERT_EQ(0, in_force(&s->nl, &s->m, &s->after))
		TH_LOG("%s", s->nl.extack);
	EXPECT_TRUE(same(&s->before, &s->after))
		TH_LOG("the policy in force changed: %d policies, "
		       "gen %llu, %d bytes (were %d, gen %llu, %d bytes)",
		       s->after.n, (unsigned long long)s->after.gen,
		       s->after.len, s->before.n,
		       (unsigned long long)s->before.gen, s->before.len);
}

/* --- the tests -------------------------------------------------------------- */

/* Every rule of the enum has its case above, and only one. */
TEST(every_rule_has_one_case)
{
	const struct __fixture_variant_metadata *v;
	int seen[NRULES] = { 0 };
	int i, n;

	for (v = _rule_fixture_object.variant; v; v = v->next) {
		const FIXTURE_VARIANT(rule) *c = v->data;

		ASSERT_LT((int)c->r, NRULES) TH_LOG("%s", v->name);
		seen[c->r]++;
	}
	for (i = 0; i < NRULES; i++) {
		n = seen[i];
		EXPECT_EQ(1, n) TH_LOG("rule %d has %d cases", i, n);
	}
}

/* Without their flaws the same messages are taken: each case tests one rule. */
TEST_F(rules, the_base_is_taken)
{
	NEED_TVM();
	ASSERT_EQ(0, load_base(&self->nl, &self->m)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, in_force(&self->nl, &self->m, &self->after));
	EXPECT_EQ(self->before.gen + 1, self->after.gen);
	EXPECT_EQ(self->before.len, self->after.len);
	build_delete(&self->m, &self->nl, NRULES);
	EXPECT_EQ(0, tnl_call(&self->nl, &self->m, NULL, NULL))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-ENOENT, in_force(&self->nl, &self->m, &self->after));
}

/*
 * Every limit, reached and not passed, in one policy: a 63-byte name, the
 * highest revision, 256 events in a level, one of them named with 255
 * bytes and accepting 16 digests, 16 PCR values in each bank size, every
 * level, 16 runtime ranges, one ending at the last byte of the address
 * space, intervals at both bounds.
 */
TEST_F(rules, limits_are_taken)
{
	static const unsigned int size[] = { 20, 32, 48, 32 };
	char name[TVM_NAME_MAX + 1], ev[TVM_EVENT_NAME_MAX + 1];
	uint8_t v[TVM_DIGEST_MAX], sha[32] = { 9 };
	struct tmsg *m = &self->m;
	unsigned int l, b;
	int i;

	NEED_TVM();
	memset(name, 'q', TVM_NAME_MAX);
	name[TVM_NAME_MAX] = '\0';
	memset(ev, 'e', TVM_EVENT_NAME_MAX);
	ev[TVM_EVENT_NAME_MAX] = '\0';
	tk_policy_begin(m, &self->nl, name, TVM_POLICY_ENFORCE);
	tmsg_put_u32(m, TVM_A_POLICY_REVISION, UINT32_MAX);
	for (l = TVM_POLICY_LEVEL_VMM; l <= TVM_POLICY_LEVELS; l++) {
		tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
		tmsg_put_u32(m, TVM_A_LEVEL_NUM, l);
		if (l == 1) {
			for (i = 0; i < TVM_POLICY_EVENTS_MAX - 1; i++) {
				snprintf(ev, sizeof(ev), "e%d", i);
				tmsg_nest_start(m, TVM_A_LEVEL_EVENT);
				tmsg_put_str(m, TVM_A_PEVENT_NAME, ev);
				tmsg_nest_start(m, TVM_A_PEVENT_DIGESTS);
				tk_put_sha256(m, dg(1));
				tmsg_nest_end(m);
				tmsg_nest_end(m);
			}
			memset(ev, 'e', TVM_EVENT_NAME_MAX);
		}
		tmsg_nest_start(m, TVM_A_LEVEL_EVENT);
		tmsg_put_str(m, TVM_A_PEVENT_NAME, ev);
		tmsg_nest_start(m, TVM_A_PEVENT_DIGESTS);
		for (i = 0; i < TVM_POLICY_DIGESTS_MAX; i++)
			tk_put_sha256(m, dg(i));
		tmsg_nest_end(m);
		tmsg_nest_end(m);
		if (l != TVM_POLICY_LEVEL_VMM) {
			tmsg_nest_start(m, TVM_A_LEVEL_PCR);
			for (i = 0; i < TVM_POLICY_DIGESTS_MAX; i++) {
				b = i % __TVM_BANK_MAX;
				memset(v, i, sizeof(v));
				tmsg_nest_start(m, TVM_A_DIGEST);
				tmsg_put_u32(m, TVM_A_DIGEST_BANK, b);
				tmsg_put(m, TVM_A_DIGEST_VALUE, v, size[b]);
				tmsg_nest_end(m);
			}
			tmsg_nest_end(m);
		}
		tmsg_nest_end(m);
	}
	for (i = 0; i < TVM_POLICY_RANGES_MAX; i++) {
		tmsg_nest_start(m, TVM_A_POLICY_RUNTIME);
		tmsg_put_u64(m, TVM_A_RANGE_GPA,
			     i ? i * 4096ull : UINT64_MAX - TVM_RANGE_LEN_MAX + 1);
		tmsg_put_u64(m, TVM_A_RANGE_LEN, i ? 1 : TVM_RANGE_LEN_MAX - 1);
		tmsg_put(m, TVM_A_RANGE_SHA256, sha, sizeof(sha));
		tmsg_put_u32(m, TVM_A_RANGE_INTERVAL,
			     i == 1 ? TVM_RANGE_INTERVAL_MIN :
			     i == 2 ? TVM_RANGE_INTERVAL_MAX : 0);
		tmsg_nest_end(m);
	}
	tmsg_nest_end(m);
	EXPECT_EQ(0, tnl_call(&self->nl, m, NULL, NULL))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(0, delete_sel(&self->nl, m, name));
}

/*
 * The dataflow section at its limits: 64 rules, one from each kind of
 * sender, one with 16 port ranges, one ending at the last port; every
 * minimum and action at its bounds; checkpoints at their bounds.
 */
TEST_F(rules, dataflow_limits_are_taken)
{
	static const uint8_t uuid[TVM_UUID_SIZE] = { 0x7d };
	char name[TVM_NAME_MAX + 1];
	struct tmsg *m = &self->m;
	int i, j;

	NEED_TVM();
	memset(name, 'f', TVM_NAME_MAX);
	name[TVM_NAME_MAX] = '\0';
	for (j = 0; j < 2; j++) {
		tk_policy_begin(m, &self->nl, SEL, TVM_POLICY_AUDIT);
		tmsg_nest_start(m, TVM_A_POLICY_DATAFLOW);
		tmsg_put_u32(m, TVM_A_DF_DEFAULT, TVM_DF_ACTION_MAX);
		tmsg_put_u64(m, TVM_A_DF_CHECKPOINT_BYTES,
			     j ? UINT64_MAX : TVM_DF_CHECKPOINT_BYTES_MIN);
		tmsg_put_u32(m, TVM_A_DF_CHECKPOINT_MS,
			     j ? TVM_DF_CHECKPOINT_MS_MAX :
			     TVM_DF_CHECKPOINT_MS_MIN);
		tmsg_put(m, TVM_A_DF_PER_MESSAGE, NULL, 0);
		for (i = 0; i < TVM_DF_RULES_MAX; i++) {
			tmsg_nest_start(m, TVM_A_DF_RULE);
			if (i == 0)
				tmsg_put_str(m, TVM_A_DFR_FROM_NAME, name);
			else if (i == 1)
				tmsg_put(m, TVM_A_DFR_FROM_UUID, uuid,
					 sizeof(uuid));
			else if (i == 2)
				tmsg_put(m, TVM_A_DFR_FROM_HOST, NULL, 0);
			else
				tmsg_put(m, TVM_A_DFR_FROM_ANY, NULL, 0);
			if (i == 0) {
				int k;

				for (k = 0; k < TVM_DF_PORT_RANGES_MAX; k++) {
					tmsg_nest_start(m, TVM_A_DFR_PORTS);
					tmsg_put_u32(m, TVM_A_DFP_FIRST,
						     k ? 100 * k : 0);
					tmsg_put_u32(m, TVM_A_DFP_LAST,
						     k == 15 ? UINT32_MAX :
						     100u * k + 50);
					tmsg_nest_end(m);
				}
			}
			tmsg_put_u32(m, TVM_A_DFR_MIN_TRUST,
				     i % 2 ? TVM_TRUST_PENDING :
				     TVM_TRUST_UNKNOWN);
			tmsg_put_u32(m, TVM_A_DFR_MIN_LEVEL,
				     i % 2 ? 0 : TVM_POLICY_LEVELS);
			tmsg_put_u32(m, TVM_A_DFR_ACTION,
				     i % 3 == 0 ? TVM_DF_MEASURE :
				     i % 3 == 1 ? TVM_DF_TAINT : TVM_DF_BLOCK);
			tmsg_nest_end(m);
		}
		tmsg_nest_end(m);
		tmsg_nest_end(m);
		EXPECT_EQ(0, tnl_call(&self->nl, m, NULL, NULL))
			TH_LOG("%d: %s", j, self->nl.extack);
	}
}

TEST_HARNESS_MAIN
