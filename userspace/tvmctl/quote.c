// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl quote: a signed quote of a VM's PCRs, written with everything a
 * verifier needs into a directory (Documentation/attestation.rst):
 *
 *	quote.msg	the TPMS_ATTEST tvm signed
 *	quote.sig	its signature, a TPMT_SIGNATURE
 *	quote.pcrs	the quoted PCR values, in tpm2-tools' form
 *	ak.pem		the attestation key's public part
 *	nonce.bin	the nonce
 *	log.bin		the VM's binary event log, events 0 .. log_count - 1
 *	quote.json	what all this is
 *
 * so that `tpm2_checkquote -u ak.pem -m quote.msg -s quote.sig -f
 * quote.pcrs -g sha256 -q nonce.bin` and `tvmctl verify` accept it.
 * --deep adds a quote of the host TPM whose qualifying data is the
 * SHA-256 of quote.msg (tpm-quote.msg, .sig, .pcrs and tpm-ak.pem).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "attest.h"
#include "quote_fmt.h"
#include "tpm.h"
#include "tvm_log.h"
#include "tvmctl.h"

/* The host PCRs a deep quote covers: firmware and boot (0-7), IMA (10). */
#define DEEP_PCR_LIST	"sha256:0,1,2,3,4,5,6,7,10"

/* The deep quote's files, and their keys in quote.json's "deep". */
enum { DEEP_MSG, DEEP_SIG, DEEP_PCRS, DEEP_AK, DEEP_FILES };
static const struct {
	const char *key, *name;
} deep_files[DEEP_FILES] = {
	[DEEP_MSG] = { "message", "tpm-quote.msg" },
	[DEEP_SIG] = { "signature", "tpm-quote.sig" },
	[DEEP_PCRS] = { "pcrs", "tpm-quote.pcrs" },
	[DEEP_AK] = { "ak", "tpm-ak.pem" },
};

/* The quote, and the log: events 0 .. log_count - 1, encoded. */
struct quote_state {
	struct quote_reply q;
	unsigned int bank;
	uint32_t banks;
	uint64_t next;
	uint8_t *log;
	size_t log_len, log_cap;
};

static int log_append(struct quote_state *st, size_t n)
{
	uint8_t *p;

	if (st->log_len + n > st->log_cap) {
		size_t cap = st->log_cap ? st->log_cap : 65536;

		while (cap < st->log_len + n)
			cap *= 2;
		p = realloc(st->log, cap);
		if (!p)
			return -ENOMEM;
		st->log = p;
		st->log_cap = cap;
	}
	return 0;
}

/* One event of the dump: encoded while it is within the quoted prefix. */
static int on_event(const struct tvm_event *ev, void *arg)
{
	struct quote_state *st = arg;
	size_t n;
	int ret;

	if (st->next++ >= st->q.log_count)
		return 0;
	if (ev->banks != st->banks || ev->data_len > TVM_EVENT_DATA_MAX)
		return -EPROTO;
	n = tvm_log_event_encode(ev, NULL);
	ret = log_append(st, n);
	if (ret)
		return ret;
	st->log_len += tvm_log_event_encode(ev, st->log + st->log_len);
	return 0;
}

/* The VM (by id: the one quoted) and events 0 .. log_count - 1 of its log. */
static int fetch_log(struct tvm_nl *nl, struct quote_state *st,
		     struct vm_info *vm)
{
	struct vm_sel sel = { .type = VM_SEL_ID, .id = st->q.id };
	size_t n;
	int ret;

	ret = tvm_client_vm_get(nl, &sel, vm);
	if (ret)
		return ret;
	st->banks = vm->banks & TVM_BANKS_ALL;
	if (vm->log_count < st->q.log_count)
		return -EPROTO;
	n = tvm_log_specid_encode(st->banks, NULL);
	ret = log_append(st, n);
	if (ret)
		return ret;
	st->log_len = tvm_log_specid_encode(st->banks, st->log);
	if (!st->q.log_count)
		return 0;
	ret = tvm_client_log_dump(nl, &sel, 0, on_event, st);
	if (!ret && st->next < st->q.log_count)
		ret = -EPROTO;	/* the log lost events it had: deleted VM */
	return ret;
}

static void path(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/*
 * The deep quote: the host TPM quotes DEEP_PCR_LIST with qualifying data
 * SHA-256(quote.msg), signed by the fixed-template key of tpm.h, so a
 * verifier can pin tpm-ak.pem.
 */
static int deep_quote(const struct tvmctl *ctl, const char *dir,
		      const struct quote_state *st)
{
	char pem[4096], msg[4096], sig[4096], pcrs[4096];
	uint8_t digest[32];

	if (qf_hash(TVM_BANK_SHA256, st->q.attest, st->q.attest_len, digest))
		return tvmctl_err(TVMCTL_ERR, "%s: hashing the quote failed",
				  ctl->name);
	path(pem, sizeof(pem), dir, deep_files[DEEP_AK].name);
	path(msg, sizeof(msg), dir, deep_files[DEEP_MSG].name);
	path(sig, sizeof(sig), dir, deep_files[DEEP_SIG].name);
	path(pcrs, sizeof(pcrs), dir, deep_files[DEEP_PCRS].name);
	return tpm_deep_quote(ctl, DEEP_PCR_LIST, digest, pem, msg, sig, pcrs);
}

/* The files, then quote.json; a message and TVMCTL_ERR on failure. */
static int write_dir(const struct tvmctl *ctl, const char *dir,
		     const struct quote_state *st, const struct vm_info *vm,
		     const struct ak_info *ak, const uint8_t *nonce,
		     size_t nonce_len, bool deep)
{
	uint8_t pcrbuf[QF_PCRS_SEL_SIZE + 4 + 3 * QF_PCRS_LIST_SIZE];
	char file[4096], hex[2 * TVM_NONCE_MAX + 1], uuid[PARSE_UUID_STR_LEN];
	struct json_object *j, *files, *pcrs, *jvm, *jdeep;
	const char *text;
	char *json;
	/* Each file, and its key in quote.json's "files". */
	struct {
		const char *name, *key;
		const void *buf;
		size_t len;
	} out[] = {
		{ "quote.msg", "message", st->q.attest, st->q.attest_len },
		{ "quote.sig", "signature", st->q.sig, st->q.sig_len },
		{ "quote.pcrs", "pcrs", pcrbuf,
		  qf_pcrs_encode(&st->q.pcrs, pcrbuf) },
		{ "ak.pem", "ak", ak->pem, strlen(ak->pem) },
		{ "nonce.bin", "nonce", nonce, nonce_len },
		{ "log.bin", "log", st->log, st->log_len },
	};
	int ret;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return tvmctl_err(TVMCTL_ERR, "%s: creating '%s': %s",
				  ctl->name, dir, strerror(errno));
	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		path(file, sizeof(file), dir, out[i].name);
		ret = attest_write_file(file, out[i].buf, out[i].len);
		if (ret)
			return tvmctl_err(TVMCTL_ERR, "%s: writing '%s': %s",
					  ctl->name, file, strerror(-ret));
	}
	if (deep) {
		ret = deep_quote(ctl, dir, st);
		if (ret)
			return ret;
	}

	j = json_object_new_object();
	jvm = json_object_new_object();
	files = json_object_new_object();
	pcrs = json_object_new_array();
	json_object_object_add(j, "version", json_object_new_int(1));
	json_object_object_add(jvm, "id", json_object_new_int64(vm->id));
	json_object_object_add(jvm, "name", json_object_new_string(vm->name));
	format_uuid(vm->uuid, uuid);
	json_object_object_add(jvm, "uuid", json_object_new_string(uuid));
	json_object_object_add(j, "vm", jvm);
	json_object_object_add(j, "bank",
			       json_object_new_string(bank_name(st->bank)));
	for (unsigned int i = 0; i < TVM_NUM_PCRS; i++)
		if (st->q.pcrs.mask & (1U << i))
			json_object_array_add(pcrs, json_object_new_int((int)i));
	json_object_object_add(j, "pcrs", pcrs);
	json_object_object_add(j, "log_count",
			       json_object_new_int64((int64_t)st->q.log_count));
	format_hex(nonce, nonce_len, hex);
	json_object_object_add(j, "nonce", json_object_new_string(hex));
	format_hex(ak->name, ATTEST_NAME_SIZE, hex);
	json_object_object_add(j, "ak_name", json_object_new_string(hex));
	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++)
		json_object_object_add(files, out[i].key,
				       json_object_new_string(out[i].name));
	json_object_object_add(j, "files", files);
	if (deep) {
		jdeep = json_object_new_object();
		json_object_object_add(jdeep, "pcr_list",
				       json_object_new_string(DEEP_PCR_LIST));
		for (size_t i = 0; i < DEEP_FILES; i++)
			json_object_object_add(jdeep, deep_files[i].key,
					       json_object_new_string(deep_files[i].name));
		json_object_object_add(j, "deep", jdeep);
	}
	text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	path(file, sizeof(file), dir, "quote.json");
	ret = -ENOMEM;
	if (text && asprintf(&json, "%s\n", text) > 0) {
		ret = attest_write_file(file, json, strlen(json));
		free(json);
	}
	json_object_put(j);
	if (ret)
		return tvmctl_err(TVMCTL_ERR, "%s: writing '%s': %s",
				  ctl->name, file, strerror(-ret));
	return 0;
}

int quote_main(struct tvmctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nonce", required_argument, NULL, 'n' },
		{ "pcrs", required_argument, NULL, 'p' },
		{ "bank", required_argument, NULL, 'b' },
		{ "out", required_argument, NULL, 'o' },
		{ "deep", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* Room beyond TVM_NONCE_MAX: the kernel judges the length. */
	uint8_t nonce[2 * TVM_NONCE_MAX];
	size_t nonce_len = 0;
	const char *dir = NULL, *arg, *nonce_arg = NULL;
	struct quote_state *st;
	struct ak_info ak = { 0 };
	struct vm_info vm;
	struct vm_sel sel;
	struct pcr_sel ps = { .bank = TVM_BANK_SHA256 };
	struct tvm_nl *nl;
	bool deep = false;
	int c, ret, good;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			nonce_arg = optarg;
			if (parse_hex_var(optarg, nonce, sizeof(nonce),
					  &nonce_len) || !nonce_len)
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: bad nonce '%s' (an even number of hex digits, %d-%d bytes)",
						  ctl->name, optarg,
						  TVM_NONCE_MIN, TVM_NONCE_MAX);
			break;
		case 'p':
			if (tvmctl_parse_pcrs(ctl, optarg, true, &ps.mask))
				return TVMCTL_USAGE;
			ps.has_mask = true;
			break;
		case 'b':
			if (tvmctl_parse_bank(ctl, optarg, &ps.bank))
				return TVMCTL_USAGE;
			break;
		case 'o':
			dir = optarg;
			break;
		case 'd':
			deep = true;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	ret = tvmctl_vm_args(ctl, argc, argv, 1, &sel, &arg);
	if (ret)
		return ret;
	if (!nonce_arg)
		return tvmctl_err(TVMCTL_USAGE, "%s: --nonce is required "
				  "(the verifier's, in hex)", ctl->name);
	if (!dir || !*dir)
		return tvmctl_err(TVMCTL_USAGE, "%s: --out DIR is required",
				  ctl->name);

	st = calloc(1, sizeof(*st));
	if (!st)
		return tvmctl_err(TVMCTL_ERR, "out of memory");
	st->bank = (unsigned int)ps.bank;

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		goto out_free;
	ret = tvm_client_quote(nl, &sel, nonce, nonce_len, &ps, &st->q);
	if (ret)
		goto err;

	/* The AK now: the quote must verify with what ak.pem will hold. */
	ret = tvm_client_ak_get(nl, &ak);
	if (ret) {
		ret = tvmctl_nl_err(ctl, nl, ret, "reading the attestation key");
		goto out;
	}
	good = attest_verify_tpmt(ak.key, st->q.attest, st->q.attest_len,
				  st->q.sig, st->q.sig_len);
	if (good != 1) {
		ret = tvmctl_err(TVMCTL_ERR, "%s: the quote of VM '%s' does not "
				 "verify with the attestation key (changed "
				 "meanwhile? try again)", ctl->name, arg);
		goto out;
	}
	ret = fetch_log(nl, st, &vm);
	if (ret) {
		ret = tvmctl_nl_err(ctl, nl, ret, "reading the log of VM '%s'",
				    arg);
		goto out;
	}
	ret = write_dir(ctl, dir, st, &vm, &ak, nonce, nonce_len, deep);
	if (ret)
		goto out;

	out_object_begin(ctl->out, NULL);
	out_str(ctl->out, "dir", NULL, dir);
	out_int(ctl->out, "id", NULL, vm.id);
	out_str(ctl->out, "name", NULL, vm.name);
	out_str(ctl->out, "bank", NULL, bank_name(st->bank));
	out_int(ctl->out, "log_count", "log count", (int64_t)st->q.log_count);
	out_bool(ctl->out, "deep", NULL, deep);
	out_object_end(ctl->out);
	ret = TVMCTL_OK;
	goto out;
err:
	ret = tvmctl_nl_err(ctl, nl, ret, "quoting VM '%s'", arg);
out:
	ak_info_free(&ak);
	tvm_nl_close(nl);
out_free:
	free(st->log);
	free(st);
	return ret;
}
