// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl verify: judge a quote directory offline, with no tvm.ko: the
 * signature with the AK the verifier trusts, the TPMS_ATTEST (magic, type,
 * the verifier's own nonce, the VM it expects as qualifiedSigner, how the
 * VM's launch was measured, pcrDigest of the PCR file), the log's replay
 * against the quoted PCRs, the events only the kernel logs (PCRs 0-8, and
 * the digests tvm computes from its events' data), optionally a policy (as the kernel applies it: events of PCR 9-12
 * by name and digest, final PCR values; PCR 13's runtime events against
 * its runtime ranges; PCR 14's flows against its dataflow section) and
 * the deep quote of the host TPM.  Each failed
 * check adds its own reason, and what the verifier should know but fails
 * nothing a note; the verdict is "trusted" only when no check failed.  Exit 0 trusted, 1 not, 2 the check could not
 * be made (a missing or malformed file, bad usage).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "attest.h"
#include "event_fmt.h"
#include "parse.h"
#include "policy_eval.h"
#include "policy_json.h"
#include "quote_fmt.h"
#include "tvm_log.h"
#include "tvmctl.h"

#define REASONS_MAX	32
#define REASON_LEN	ATTEST_MSG_MAX

struct verdict {
	unsigned int n;
	char reason[REASONS_MAX][REASON_LEN];
	unsigned int nnotes;
	char note[REASONS_MAX][REASON_LEN];
};

static void fail(struct verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->n == REASONS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(v->reason[v->n++], REASON_LEN, fmt, ap);
	va_end(ap);
}

static void sink_fail(void *arg, const char *msg)
{
	fail(arg, "%s", msg);
}

static void sink_note(void *arg, const char *msg)
{
	struct verdict *v = arg;

	if (v->nnotes < REASONS_MAX)
		snprintf(v->note[v->nnotes++], REASON_LEN, "%s", msg);
}

/* A file of the directory; a message and TVMCTL_USAGE-free -errno. */
static int load(const struct tvmctl *ctl, const char *dir, const char *name,
		size_t max, uint8_t **buf, size_t *len)
{
	char file[4096];
	int ret;

	snprintf(file, sizeof(file), "%s/%s", dir, name);
	ret = attest_read_file(file, max, buf, len);
	if (ret)
		tvmctl_err(TVMCTL_USAGE, "%s: reading '%s': %s", ctl->name,
			   file, strerror(-ret));
	return ret;
}

/*
 * Check a signed quote (@pfx "quote" or "tpm-quote") with @key: its
 * signature, magic and type, qualifying data (@extra, unless NULL) and
 * pcrDigest.  The parsed PCR file in @pcrs.  -errno: could not check.
 */
static int check_quote(const struct tvmctl *ctl, const char *dir,
		       const char *pfx, EVP_PKEY *key, const uint8_t *extra,
		       size_t extra_len, const char *extra_what,
		       struct qf_pcrs *pcrs, uint8_t **msgp, size_t *msg_len,
		       struct verdict *v)
{
	uint8_t *msg = NULL, *sig = NULL, *pf = NULL, digest[32];
	size_t sig_len, pf_len;
	struct qf_attest a;
	char name[64];
	int ret;

	snprintf(name, sizeof(name), "%s.msg", pfx);
	ret = load(ctl, dir, name, QF_ATTEST_MAX, &msg, msg_len);
	snprintf(name, sizeof(name), "%s.sig", pfx);
	if (!ret)
		ret = load(ctl, dir, name, 6 + QF_SIG_MAX, &sig, &sig_len);
	snprintf(name, sizeof(name), "%s.pcrs", pfx);
	if (!ret)
		ret = load(ctl, dir, name, 4096, &pf, &pf_len);
	if (ret)
		goto out;

	if (attest_verify_tpmt(key, msg, *msg_len, sig, sig_len) != 1)
		fail(v, "bad signature: %s.sig is not the AK's signature of %s.msg",
		     pfx, pfx);
	if (qf_attest_parse(msg, *msg_len, &a) || a.magic != QF_TPM_GENERATED ||
	    a.type != QF_ST_ATTEST_QUOTE) {
		fail(v, "malformed quote: %s.msg is not a TPMS_ATTEST of a quote",
		     pfx);
		goto out;
	}
	if (extra && (a.extra_len != extra_len ||
		      memcmp(a.extra, extra, extra_len)))
		fail(v, "%s: %s.msg's extraData is not %s", extra_what, pfx,
		     extra_what[0] == 'w' ? "the nonce given" :
		     "the SHA-256 of quote.msg");
	if (qf_pcrs_parse(pf, pf_len, pcrs)) {
		fail(v, "PCR values: %s.pcrs is malformed", pfx);
		goto out;
	}
	if (a.sel_count != 1 || a.sel_alg[0] != pcrs->alg ||
	    a.sel_mask[0] != pcrs->mask || qf_pcrs_digest(pcrs, digest) ||
	    a.digest_len != sizeof(digest) ||
	    memcmp(a.digest, digest, sizeof(digest)))
		fail(v, "PCR values: %s.pcrs does not match the quote's "
		     "selection and pcrDigest", pfx);
out:
	if (!ret) {
		*msgp = msg;
		msg = NULL;
	}
	free(msg);
	free(sig);
	free(pf);
	return ret;
}

/*
 * log_count from quote.json: the quoted PCRs replay events 0 .. n - 1; and
 * the VM's name and UUID (*@have_uuid false when missing or malformed).
 */
static int read_meta(const struct tvmctl *ctl, const char *dir,
		     uint64_t *count, char *vm, size_t vm_len,
		     uint8_t uuid[TVM_UUID_SIZE], bool *have_uuid)
{
	struct json_object *j, *o, *name, *ju;
	uint8_t *text;
	size_t len;
	int ret;

	ret = load(ctl, dir, "quote.json", 1 << 20, &text, &len);
	if (ret)
		return ret;
	j = json_tokener_parse((const char *)text);
	free(text);
	if (!j || !json_object_object_get_ex(j, "log_count", &o) ||
	    !json_object_is_type(o, json_type_int) ||
	    json_object_get_int64(o) < 0) {
		json_object_put(j);
		tvmctl_err(TVMCTL_USAGE, "%s: '%s/quote.json' has no log_count",
			   ctl->name, dir);
		return -EBADMSG;
	}
	*count = (uint64_t)json_object_get_int64(o);
	snprintf(vm, vm_len, "?");
	*have_uuid = false;
	if (json_object_object_get_ex(j, "vm", &o) &&
	    json_object_object_get_ex(o, "name", &name))
		snprintf(vm, vm_len, "%s", json_object_get_string(name));
	if (json_object_object_get_ex(j, "vm", &o) &&
	    json_object_object_get_ex(o, "uuid", &ju) &&
	    json_object_is_type(ju, json_type_string) &&
	    !parse_uuid(json_object_get_string(ju), uuid))
		*have_uuid = true;
	json_object_put(j);
	return 0;
}

/*
 * The policy, as the kernel applies it (with the same evaluator,
 * kernel/lib/policy_eval.c), to the log and the PCRs it replays to.
 */
static void check_policy(const struct policy *p, const struct qf_log *log,
			 size_t count, struct verdict *v)
{
	uint8_t pcrs[__TVM_BANK_MAX][TVM_NUM_PCRS][TVM_DIGEST_MAX];
	char hex[2 * TVM_DIGEST_MAX + 1];
	struct tvm_policy_finding f;

	for (size_t i = 0; i < count; i++) {
		const struct qf_event *ev = &log->ev[i];

		if (!tvm_policy_eval_event(p->levels, ev->pcr, ev->type,
					   ev->data, ev->data_len, log->banks,
					   ev->digest, &f))
			continue;
		if (f.miss == TVM_POLICY_UNLISTED)
			fail(v, "policy mismatch: event %zu, pcr %u: \"%.*s\" "
			     "not in policy", i, ev->pcr,
			     (int)(ev->data_len < 48 ? ev->data_len : 48),
			     (const char *)ev->data);
		else if (f.miss == TVM_POLICY_NO_BANK)
			fail(v, "policy mismatch: pcr %u event \"%s\": policy "
			     "lists no bank the log has", ev->pcr,
			     f.event->name);
		else
			fail(v, "policy mismatch: event %zu, pcr %u \"%s\": "
			     "digest not in policy", i, ev->pcr, f.event->name);
	}
	for (unsigned int b = 0; b < __TVM_BANK_MAX; b++)
		if (log->banks & (1U << b))
			qf_log_replay(log, count, b, pcrs[b]);
	for (unsigned int pcr = TVM_PCR_OS;
	     pcr <= TVM_PCR_VMM + TVM_POLICY_LEVELS; pcr++) {
		if (!tvm_policy_eval_pcr(p->levels, pcr, log->banks, pcrs, &f))
			continue;
		if (f.miss == TVM_POLICY_NO_BANK) {
			fail(v, "policy mismatch: pcr %u: policy lists no bank "
			     "the log has", pcr);
		} else {
			format_hex(pcrs[f.bank][pcr], 8, hex);
			fail(v, "policy mismatch: pcr %u %s value %s... not in "
			     "policy", pcr, tvm_banks[f.bank].name, hex);
		}
	}
}

/*
 * The chain below the vPCRs: the host PCR values the VM's log recorded
 * (TVM_EV_HOST_PCR events) must be those the TPM quoted.
 */
static void check_host_pcrs(const struct qf_log *log, size_t count,
			    const struct qf_pcrs *tpm, struct verdict *v)
{
	for (size_t i = 0; i < count; i++) {
		const struct qf_event *ev = &log->ev[i];
		const struct tvm_ev_host_pcr *h = (const void *)ev->data;

		if (ev->type != TVM_EV_HOST_PCR || ev->data_len != sizeof(*h) ||
		    memcmp(h->magic, "TVMH", 4) || !h->has_tpm ||
		    h->pcr > TVM_PCR_HOST_LAST)
			continue;
		if (!(tpm->mask & (1U << h->pcr)) || tpm->size != 32 ||
		    memcmp(tpm->value[h->pcr], h->value, 32))
			fail(v, "deep quote: host PCR %u in the VM's log is not "
			     "the TPM's now (host rebooted or log forged)",
			     h->pcr);
	}
}

/*
 * The VM the verifier expects: qualifiedSigner is SHA-256 of its UUID and
 * name.  What the verifier did not give (--uuid or --vm) comes from
 * quote.json; the signed name binds it all the same, so a quote of any
 * other VM (another UUID, or another name) fails.
 */
static void check_signer(const struct qf_attest *a, const uint8_t *want_uuid,
			 const char *want_name, const uint8_t *json_uuid,
			 const char *json_name, struct verdict *v)
{
	const uint8_t *uuid = want_uuid ? want_uuid : json_uuid;
	const char *name = want_name ? want_name : json_name;
	uint8_t signer[QF_SIGNER_SIZE];
	char us[PARSE_UUID_STR_LEN];

	if (!uuid) {
		fail(v, "wrong VM: quote.json has no UUID and none was given "
		     "(--uuid): the quote's qualifiedSigner cannot be checked");
		return;
	}
	format_uuid(uuid, us);
	if (qf_signer_name(uuid, name, signer) ||
	    a->signer_len != sizeof(signer) ||
	    memcmp(a->signer, signer, sizeof(signer)))
		fail(v, "wrong VM: quote.msg's qualifiedSigner is not VM "
		     "\"%.63s\" (%s)%s", name, us,
		     want_uuid && want_name ? "" :
		     ", as the verifier and quote.json name it");
}

/* What the verifier asked for: the command line. */
struct verify_args {
	const char *dir;
	const char *ak_path;
	const char *tpm_path;
	const char *policy_path;
	const char *want_name;
	uint8_t nonce[TVM_NONCE_MAX];
	size_t nonce_len;
	uint8_t want_uuid[TVM_UUID_SIZE];
	bool have_uuid;
	bool require_kvm;
};

/* What the stages of verify_main() read, find and judge. */
struct verify_state {
	EVP_PKEY *ak, *tak;
	bool has_policy;
	struct policy pol;
	uint8_t *ptext;
	char vmname[TVM_NAME_MAX + 2];
	uint8_t json_uuid[TVM_UUID_SIZE];
	bool json_has_uuid;
	uint64_t count;
	uint8_t *msg, *tmsg;
	size_t msg_len, tmsg_len;
	struct qf_attest qa;
	struct qf_pcrs pcrs, tpcrs;
	uint8_t *logbuf;
	struct qf_log log;
	enum attest_launch launch;
	unsigned int kernel_checked, runtime, flows;
	/* PCR 15: the VM's migrations, in order (nmig may exceed the room). */
	struct attest_mig_step mig[ATTEST_MIG_MAX];
	unsigned int nmig;
	struct verdict v;
};

/*
 * The command line into @a; true when verify is done (-h, or a usage
 * error said), with its exit status in *@status.
 */
static bool verify_args(struct tvmctl *ctl, int argc, char **argv,
			struct verify_args *a, int *status)
{
	static const struct option opts[] = {
		{ "ak", required_argument, NULL, 'a' },
		{ "tpm-ak", required_argument, NULL, 't' },
		{ "policy", required_argument, NULL, 'p' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "vm", required_argument, NULL, 'v' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "require-kvm", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*status = TVMCTL_USAGE;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			a->ak_path = optarg;
			break;
		case 't':
			a->tpm_path = optarg;
			break;
		case 'p':
			a->policy_path = optarg;
			break;
		case 'n':
			if (parse_hex_var(optarg, a->nonce, sizeof(a->nonce),
					  &a->nonce_len) ||
			    a->nonce_len < TVM_NONCE_MIN) {
				tvmctl_err(TVMCTL_USAGE,
					   "%s: bad nonce '%s' (%d-%d bytes in hex)",
					   ctl->name, optarg, TVM_NONCE_MIN,
					   TVM_NONCE_MAX);
				return true;
			}
			break;
		case 'v':
			if (!*optarg || strlen(optarg) > TVM_NAME_MAX) {
				tvmctl_err(TVMCTL_USAGE, "%s: bad VM name '%s'",
					   ctl->name, optarg);
				return true;
			}
			a->want_name = optarg;
			break;
		case 'u':
			if (tvmctl_parse_uuid(ctl, optarg, a->want_uuid))
				return true;
			a->have_uuid = true;
			break;
		case 'k':
			a->require_kvm = true;
			break;
		default:
			*status = tvmctl_opt_default(ctl, c, argv);
			return true;
		}
	}
	*status = tvmctl_args(ctl, argc, argv, 1, &a->dir);
	if (*status)
		return true;
	*status = TVMCTL_USAGE;
	if (!a->ak_path) {
		tvmctl_err(TVMCTL_USAGE, "%s: --ak PEM is required: the "
			   "attestation key you trust, not the directory's "
			   "ak.pem", ctl->name);
		return true;
	}
	if (!a->nonce_len) {
		tvmctl_err(TVMCTL_USAGE, "%s: --nonce HEX is required: the "
			   "fresh nonce you chose for this quote, not the "
			   "directory's nonce.bin", ctl->name);
		return true;
	}
	if (!a->want_name && !a->have_uuid) {
		tvmctl_err(TVMCTL_USAGE, "%s: --vm NAME or --uuid UUID is "
			   "required: the VM you expect the quote of",
			   ctl->name);
		return true;
	}
	return false;
}

/* The key at @path into *@key; a message and TVMCTL_USAGE if it is not one. */
static int verify_key(const struct tvmctl *ctl, const char *path,
		      EVP_PKEY **key)
{
	int ret = attest_read_pub(path, key);

	if (ret)
		return tvmctl_err(TVMCTL_USAGE, "%s: bad key '%s': %s",
				  ctl->name, path, ret == -EBADMSG ?
				  "not a PEM public key" : strerror(-ret));
	return 0;
}

/* The policy file, if one was given; a message and -errno if it is bad. */
static int verify_read_policy(const struct tvmctl *ctl,
			      const struct verify_args *a,
			      struct verify_state *st)
{
	char perr[POLICY_ERR_MAX];
	size_t plen;

	if (!a->policy_path)
		return 0;
	if (attest_read_file(a->policy_path, POLICY_FILE_MAX, &st->ptext,
			     &plen)) {
		tvmctl_err(TVMCTL_USAGE, "%s: reading '%s': %s", ctl->name,
			   a->policy_path, strerror(errno));
		return -EINVAL;
	}
	if (policy_parse(a->policy_path, (const char *)st->ptext, plen,
			 &st->pol, perr, sizeof(perr))) {
		tvmctl_err(TVMCTL_USAGE, "%s: %s", ctl->name, perr);
		return -EINVAL;
	}
	st->has_policy = true;
	return 0;
}

/*
 * quote.json and the quote: its signature, nonce and PCR file, its
 * signed log count, and that it is the VM's.  -errno: a file is missing.
 */
static int verify_quote(const struct tvmctl *ctl, const struct verify_args *a,
			struct verify_state *st)
{
	struct verdict *v = &st->v;
	int ret;

	ret = read_meta(ctl, a->dir, &st->count, st->vmname,
			sizeof(st->vmname), st->json_uuid, &st->json_has_uuid);
	if (!ret)
		ret = check_quote(ctl, a->dir, "quote", st->ak, a->nonce,
				  a->nonce_len, "wrong nonce", &st->pcrs,
				  &st->msg, &st->msg_len, v);
	if (ret)
		return ret;
	memset(&st->qa, 0, sizeof(st->qa));
	if (!qf_attest_parse(st->msg, st->msg_len, &st->qa)) {
		/* The signed clock is the log count; quote.json only repeats it. */
		if (st->qa.clock != st->count) {
			fail(v, "log count: quote.json says %llu, the signed quote %llu",
			     (unsigned long long)st->count,
			     (unsigned long long)st->qa.clock);
			st->count = st->qa.clock;
		}
		check_signer(&st->qa, a->have_uuid ? a->want_uuid : NULL,
			     a->want_name,
			     st->json_has_uuid ? st->json_uuid : NULL,
			     st->vmname, v);
	}
	return 0;
}

/* Whether the log covers the quote: the checks of its events can be made. */
static bool verify_log_covers(const struct verify_state *st)
{
	return st->log.ev && st->count <= st->log.n;
}

/*
 * The log: its replay to the quoted PCRs, tvm's own events and, with a
 * policy, the policy.  -errno: log.bin is missing.
 */
static int verify_log(const struct tvmctl *ctl, const struct verify_args *a,
		      struct verify_state *st)
{
	const struct attest_sink sink = { sink_fail, sink_note, &st->v };
	struct verdict *v = &st->v;
	struct tvm_ev_policy pid;
	uint8_t digest[32];
	size_t log_len;
	unsigned int bad;

	if (load(ctl, a->dir, "log.bin", (size_t)1 << 30, &st->logbuf,
		 &log_len))
		return -EINVAL;
	if (qf_log_parse(st->logbuf, log_len, &st->log)) {
		fail(v, "log malformed: log.bin is not a tvm binary event log");
		return 0;
	}
	if (!st->pcrs.mask)
		return 0;
	switch (qf_log_check(&st->log, st->count, &st->pcrs, &bad)) {
	case QF_LOG_OK:
		break;
	case QF_LOG_TRUNCATED:
		fail(v, "log truncated: log.bin has %zu events, the quote "
		     "covers %llu", st->log.n, (unsigned long long)st->count);
		break;
	case QF_LOG_REORDERED:
		fail(v, "log reordered: PCR %u's events are out of order (a "
		     "swap of two of them replays to the quoted value)", bad);
		break;
	case QF_LOG_EDITED:
		fail(v, "log edited: events 0-%llu replay PCR %u to another "
		     "value than the quoted one",
		     (unsigned long long)st->count - 1, bad);
		break;
	default:
		fail(v, "log malformed: log.bin lacks the quoted bank");
		break;
	}
	if (st->count > st->log.n)
		return 0;
	st->kernel_checked = attest_check_kernel_events(
		&st->log, (size_t)st->count,
		(st->qa.firmware & TVM_QUOTE_FW_ABI) >= 6 &&
		(st->qa.firmware & TVM_QUOTE_FW_KVM), &sink);
	/* PCR 15: where the VM has been; it must be where the AK is. */
	st->nmig = attest_check_migrations(&st->log, (size_t)st->count,
					   attest_key_id(st->ak, digest) ?
					   NULL : digest, st->mig, &sink);
	if (!st->has_policy)
		return 0;
	check_policy(&st->pol, &st->log, (size_t)st->count, v);
	st->runtime = attest_check_runtime(&st->log, (size_t)st->count,
					   st->pol.ranges, st->pol.nranges,
					   &sink);
	/* PCR 14: what the VM received, against its dataflow section. */
	st->flows = attest_check_flows(&st->log, (size_t)st->count,
				       &st->pol.df, &sink);
	/* The VM ran under this policy: the identity logged. */
	if (attest_policy_digest(&st->pol, digest)) {
		fail(v, "policy: cannot compute the policy's digest");
	} else {
		attest_policy_identity(&st->pol, digest, &pid);
		attest_check_policy_id(&st->log, (size_t)st->count, &pid,
				       &sink);
	}
	return 0;
}

/* How the VM was launched, and what the verifier requires of it. */
static void verify_launch(const struct verify_args *a,
			  struct verify_state *st)
{
	st->launch = attest_launch(st->qa.firmware,
				   verify_log_covers(st) ? &st->log : NULL,
				   (size_t)st->count);
	if ((st->qa.firmware & TVM_QUOTE_FW_ABI) < 6)
		sink_note(&st->v, "a quote from before ABI 6: an administrator "
			  "could extend PCRs 0-8 and tvm's own event types "
			  "then");
	if (a->require_kvm && st->launch != ATTEST_LAUNCH_KVM)
		fail(&st->v, "launch not measured: the VM's launch was %s, and "
		     "--require-kvm asks for a kernel-measured one",
		     attest_launch_name(st->launch));
}

/*
 * With --tpm-ak, the deep quote: the host TPM's quote over quote.msg, and
 * the host PCRs the log recorded.  -errno: a file is missing.
 */
static int verify_deep(const struct tvmctl *ctl, const struct verify_args *a,
		       struct verify_state *st)
{
	uint8_t digest[32];

	if (!st->tak)
		return 0;
	if (qf_hash(TVM_BANK_SHA256, st->msg, st->msg_len, digest) ||
	    check_quote(ctl, a->dir, "tpm-quote", st->tak, digest,
			sizeof(digest), "deep quote qualifying data mismatch",
			&st->tpcrs, &st->tmsg, &st->tmsg_len, &st->v))
		return -EINVAL;
	if (verify_log_covers(st))
		check_host_pcrs(&st->log, (size_t)st->count, &st->tpcrs,
				&st->v);
	return 0;
}

/*
 * A VM that migrated: each step of its PCR 15, "seq 12 out id ... source
 * ... dest ...", and whether the source's administrator overrode one
 * (which verify_log() noted as a WARNING too).
 */
static void verify_print_migrations(struct tvmctl *ctl,
				    const struct verify_state *st)
{
	char line[64 + 3 * 2 * TVM_MIG_HOST_ID_SIZE];
	char id[2 * TVM_MIG_ID_SIZE + 1], src[2 * TVM_MIG_HOST_ID_SIZE + 1];
	char dst[2 * TVM_MIG_HOST_ID_SIZE + 1];
	bool override = false;

	out_array_begin(ctl->out, "migrations");
	for (unsigned int i = 0; i < st->nmig && i < ATTEST_MIG_MAX; i++) {
		const struct attest_mig_step *m = &st->mig[i];

		format_hex(m->id, sizeof(m->id), id);
		format_hex(m->source, sizeof(m->source), src);
		format_hex(m->dest, sizeof(m->dest), dst);
		snprintf(line, sizeof(line), "seq %llu %s id %s source %s dest %s",
			 (unsigned long long)m->seq, event_mig_step(m->flags),
			 id, src, dst);
		out_str(ctl->out, NULL, NULL, line);
		override |= m->flags == TVM_EV_MIG_OVERRIDE;
	}
	out_array_end(ctl->out);
	out_bool(ctl->out, "migration_override", "migration override",
		 override);
}

/* The verdict; its exit status. */
static int verify_print(struct tvmctl *ctl, const struct verify_state *st)
{
	const struct verdict *v = &st->v;

	out_object_begin(ctl->out, NULL);
	out_str(ctl->out, "verdict", NULL, v->n ? "untrusted" : "trusted");
	out_bool(ctl->out, "trusted", NULL, !v->n);
	out_str(ctl->out, "vm", NULL, st->vmname);
	out_int(ctl->out, "log_count", "log count", (int64_t)st->count);
	out_str(ctl->out, "launch", NULL, attest_launch_name(st->launch));
	out_bool(ctl->out, "deep", "deep quote checked", st->tak != NULL);
	out_int(ctl->out, "kernel_checked", "kernel events checked",
		st->kernel_checked);
	out_int(ctl->out, "runtime_checked", "runtime events checked",
		st->runtime);
	out_int(ctl->out, "flows_checked", "flow events checked", st->flows);
	if (st->nmig)
		verify_print_migrations(ctl, st);
	out_array_begin(ctl->out, "reasons");
	for (unsigned int i = 0; i < v->n; i++)
		out_str(ctl->out, NULL, NULL, v->reason[i]);
	out_array_end(ctl->out);
	out_array_begin(ctl->out, "notes");
	for (unsigned int i = 0; i < v->nnotes; i++)
		out_str(ctl->out, NULL, NULL, v->note[i]);
	out_array_end(ctl->out);
	out_object_end(ctl->out);
	return v->n ? TVMCTL_ERR : TVMCTL_OK;
}

static void verify_free(struct verify_state *st)
{
	if (st->has_policy)
		policy_free(&st->pol);
	qf_log_free(&st->log);
	free(st->ptext);
	free(st->logbuf);
	free(st->msg);
	free(st->tmsg);
	EVP_PKEY_free(st->ak);
	EVP_PKEY_free(st->tak);
	free(st);
}

int verify_main(struct tvmctl *ctl, int argc, char **argv)
{
	struct verify_args a = { 0 };
	struct verify_state *st;
	EVP_PKEY *ak = NULL, *tak = NULL;
	int ret;

	if (verify_args(ctl, argc, argv, &a, &ret))
		return ret;
	ret = verify_key(ctl, a.ak_path, &ak);
	if (ret)
		return ret;
	if (a.tpm_path && (ret = verify_key(ctl, a.tpm_path, &tak))) {
		EVP_PKEY_free(ak);
		return ret;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		EVP_PKEY_free(ak);
		EVP_PKEY_free(tak);
		return tvmctl_err(TVMCTL_USAGE, "out of memory");
	}
	st->ak = ak;
	st->tak = tak;
	st->launch = ATTEST_LAUNCH_UNKNOWN;

	ret = TVMCTL_USAGE;
	if (!verify_read_policy(ctl, &a, st) && !verify_quote(ctl, &a, st) &&
	    !verify_log(ctl, &a, st)) {
		verify_launch(&a, st);
		if (!verify_deep(ctl, &a, st))
			ret = verify_print(ctl, st);
	}
	verify_free(st);
	return ret;
}
