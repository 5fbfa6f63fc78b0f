// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl verify: judge a quote directory offline, with no tvm.ko: the
 * signature with the AK the verifier trusts, the TPMS_ATTEST (magic, type,
 * the verifier's own nonce, the VM it expects as qualifiedSigner, how the
 * VM's launch was measured, pcrDigest of the PCR file), the log's replay
 * against the quoted PCRs, the events only the kernel logs (PCRs 0-8, and
 * the digests tvm computes from its events' data), optionally a policy (as the kernel applies it: events of PCR 9-12
 * by name and digest, final PCR values; PCR 13's runtime events against
 * its runtime ranges) and the deep quote of the host TPM.  Each failed
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
	size_t sig_len, pf_len, s_len;
	const uint8_t *s;
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

	if (qf_sig_parse(sig, sig_len, &s, &s_len) ||
	    attest_verify(key, msg, *msg_len, s, s_len) != 1)
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
	for (unsigned int pcr = 9; pcr <= 8 + TVM_POLICY_LEVELS; pcr++) {
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
		    memcmp(h->magic, "TVMH", 4) || !h->has_tpm || h->pcr > 7)
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

int verify_main(struct tvmctl *ctl, int argc, char **argv)
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
	const char *ak_path = NULL, *tpm_path = NULL, *policy_path = NULL;
	const char *want_name = NULL;
	uint8_t nonce[TVM_NONCE_MAX], *msg = NULL, *tmsg = NULL, *logbuf = NULL;
	uint8_t *ptext = NULL, digest[32], want_uuid[TVM_UUID_SIZE];
	uint8_t json_uuid[TVM_UUID_SIZE];
	bool have_uuid = false, json_has_uuid, require_kvm = false;
	enum attest_launch launch = ATTEST_LAUNCH_UNKNOWN;
	unsigned int kernel_checked = 0;
	struct qf_attest qa;
	size_t nonce_len = 0, msg_len, tmsg_len, log_len, plen;
	char perr[POLICY_ERR_MAX], vmname[TVM_NAME_MAX + 2];
	struct qf_pcrs *pcrs = NULL, *tpcrs = NULL;
	struct verdict *v = NULL;
	struct qf_log log = { 0 };
	struct policy pol;
	struct tvm_ev_policy pid;
	bool has_policy = false;
	unsigned int runtime = 0;
	EVP_PKEY *ak = NULL, *tak = NULL;
	uint64_t count;
	unsigned int bad;
	const char *dir;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			ak_path = optarg;
			break;
		case 't':
			tpm_path = optarg;
			break;
		case 'p':
			policy_path = optarg;
			break;
		case 'n':
			if (parse_hex_var(optarg, nonce, sizeof(nonce),
					  &nonce_len) || nonce_len < TVM_NONCE_MIN)
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: bad nonce '%s' (%d-%d bytes in hex)",
						  ctl->name, optarg,
						  TVM_NONCE_MIN, TVM_NONCE_MAX);
			break;
		case 'v':
			if (!*optarg || strlen(optarg) > TVM_NAME_MAX)
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: bad VM name '%s'",
						  ctl->name, optarg);
			want_name = optarg;
			break;
		case 'u':
			if (tvmctl_parse_uuid(ctl, optarg, want_uuid))
				return TVMCTL_USAGE;
			have_uuid = true;
			break;
		case 'k':
			require_kvm = true;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	ret = tvmctl_want_args(ctl, argc - optind, argv + optind, 1);
	if (ret)
		return ret;
	dir = argv[optind];
	if (!ak_path)
		return tvmctl_err(TVMCTL_USAGE, "%s: --ak PEM is required: the "
				  "attestation key you trust, not the "
				  "directory's ak.pem", ctl->name);
	if (!nonce_len)
		return tvmctl_err(TVMCTL_USAGE, "%s: --nonce HEX is required: "
				  "the fresh nonce you chose for this quote, "
				  "not the directory's nonce.bin", ctl->name);
	if (!want_name && !have_uuid)
		return tvmctl_err(TVMCTL_USAGE, "%s: --vm NAME or --uuid UUID "
				  "is required: the VM you expect the quote "
				  "of", ctl->name);
	ret = attest_read_pub(ak_path, &ak);
	if (ret)
		return tvmctl_err(TVMCTL_USAGE, "%s: bad key '%s': %s",
				  ctl->name, ak_path, ret == -EBADMSG ?
				  "not a PEM public key" : strerror(-ret));
	if (tpm_path && (ret = attest_read_pub(tpm_path, &tak))) {
		EVP_PKEY_free(ak);
		return tvmctl_err(TVMCTL_USAGE, "%s: bad key '%s': %s",
				  ctl->name, tpm_path, ret == -EBADMSG ?
				  "not a PEM public key" : strerror(-ret));
	}

	ret = TVMCTL_USAGE;
	v = calloc(1, sizeof(*v));
	pcrs = calloc(1, sizeof(*pcrs));
	tpcrs = calloc(1, sizeof(*tpcrs));
	if (!v || !pcrs || !tpcrs) {
		ret = tvmctl_err(TVMCTL_USAGE, "out of memory");
		goto out;
	}
	if (policy_path) {
		if (attest_read_file(policy_path, POLICY_FILE_MAX, &ptext,
				     &plen)) {
			tvmctl_err(TVMCTL_USAGE, "%s: reading '%s': %s",
				   ctl->name, policy_path, strerror(errno));
			goto out;
		}
		if (policy_parse(policy_path, (const char *)ptext, plen, &pol,
				 perr, sizeof(perr))) {
			tvmctl_err(TVMCTL_USAGE, "%s: %s", ctl->name, perr);
			goto out;
		}
		has_policy = true;
	}
	if (read_meta(ctl, dir, &count, vmname, sizeof(vmname), json_uuid,
		      &json_has_uuid))
		goto out;
	if (check_quote(ctl, dir, "quote", ak, nonce, nonce_len, "wrong nonce",
			pcrs, &msg, &msg_len, v))
		goto out;
	memset(&qa, 0, sizeof(qa));
	if (!qf_attest_parse(msg, msg_len, &qa)) {
		/* The signed clock is the log count; quote.json only repeats it. */
		if (qa.clock != count) {
			fail(v, "log count: quote.json says %llu, the signed quote %llu",
			     (unsigned long long)count,
			     (unsigned long long)qa.clock);
			count = qa.clock;
		}
		check_signer(&qa, have_uuid ? want_uuid : NULL, want_name,
			     json_has_uuid ? json_uuid : NULL, vmname, v);
	}
	if (load(ctl, dir, "log.bin", (size_t)1 << 30, &logbuf, &log_len))
		goto out;
	if (qf_log_parse(logbuf, log_len, &log)) {
		fail(v, "log malformed: log.bin is not a tvm binary event log");
	} else if (pcrs->mask) {
		switch (qf_log_check(&log, count, pcrs, &bad)) {
		case QF_LOG_OK:
			break;
		case QF_LOG_TRUNCATED:
			fail(v, "log truncated: log.bin has %zu events, the "
			     "quote covers %llu", log.n,
			     (unsigned long long)count);
			break;
		case QF_LOG_REORDERED:
			fail(v, "log reordered: PCR %u's events are out of "
			     "order (a swap of two of them replays to the "
			     "quoted value)", bad);
			break;
		case QF_LOG_EDITED:
			fail(v, "log edited: events 0-%llu replay PCR %u to "
			     "another value than the quoted one",
			     (unsigned long long)count - 1, bad);
			break;
		default:
			fail(v, "log malformed: log.bin lacks the quoted bank");
			break;
		}
		if (count <= log.n) {
			const struct attest_sink sink = {
				sink_fail, sink_note, v,
			};

			kernel_checked = attest_check_kernel_events(
				&log, (size_t)count,
				(qa.firmware & TVM_QUOTE_FW_ABI) >= 6 &&
				(qa.firmware & TVM_QUOTE_FW_KVM), &sink);
		}
		if (has_policy && count <= log.n) {
			const struct attest_sink sink = {
				sink_fail, sink_note, v,
			};

			check_policy(&pol, &log, (size_t)count, v);
			runtime = attest_check_runtime(&log, (size_t)count,
						       pol.ranges, pol.nranges,
						       &sink);
			/* The VM ran under this policy: the identity logged. */
			if (attest_policy_digest(&pol, digest)) {
				fail(v, "policy: cannot compute the policy's digest");
			} else {
				attest_policy_identity(&pol, digest, &pid);
				attest_check_policy_id(&log, (size_t)count,
						       &pid, &sink);
			}
		}
	}
	launch = attest_launch(qa.firmware, log.ev && count <= log.n ? &log :
			       NULL, (size_t)count);
	if ((qa.firmware & TVM_QUOTE_FW_ABI) < 6)
		sink_note(v, "a quote from before ABI 6: an administrator could "
			  "extend PCRs 0-8 and tvm's own event types then");
	if (require_kvm && launch != ATTEST_LAUNCH_KVM)
		fail(v, "launch not measured: the VM's launch was %s, and "
		     "--require-kvm asks for a kernel-measured one",
		     attest_launch_name(launch));
	if (tak) {
		if (qf_hash(TVM_BANK_SHA256, msg, msg_len, digest) ||
		    check_quote(ctl, dir, "tpm-quote", tak, digest,
				sizeof(digest), "deep quote qualifying data "
				"mismatch", tpcrs, &tmsg, &tmsg_len, v))
			goto out;
		if (log.ev && count <= log.n)
			check_host_pcrs(&log, (size_t)count, tpcrs, v);
	}

	out_object_begin(ctl->out, NULL);
	out_str(ctl->out, "verdict", NULL, v->n ? "untrusted" : "trusted");
	out_bool(ctl->out, "trusted", NULL, !v->n);
	out_str(ctl->out, "vm", NULL, vmname);
	out_int(ctl->out, "log_count", "log count", (int64_t)count);
	out_str(ctl->out, "launch", NULL, attest_launch_name(launch));
	out_bool(ctl->out, "deep", "deep quote checked", tak != NULL);
	out_int(ctl->out, "kernel_checked", "kernel events checked",
		kernel_checked);
	out_int(ctl->out, "runtime_checked", "runtime events checked",
		runtime);
	out_array_begin(ctl->out, "reasons");
	for (unsigned int i = 0; i < v->n; i++)
		out_str(ctl->out, NULL, NULL, v->reason[i]);
	out_array_end(ctl->out);
	out_array_begin(ctl->out, "notes");
	for (unsigned int i = 0; i < v->nnotes; i++)
		out_str(ctl->out, NULL, NULL, v->note[i]);
	out_array_end(ctl->out);
	out_object_end(ctl->out);
	ret = v->n ? TVMCTL_ERR : TVMCTL_OK;
out:
	if (has_policy)
		policy_free(&pol);
	qf_log_free(&log);
	free(ptext);
	free(logbuf);
	free(msg);
	free(tmsg);
	free(pcrs);
	free(tpcrs);
	free(v);
	EVP_PKEY_free(ak);
	EVP_PKEY_free(tak);
	return ret;
}
