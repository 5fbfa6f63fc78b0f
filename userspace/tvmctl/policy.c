// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl policy sign|keyid|load|show|delete: the policies VMs are measured
 * against.  Files are parsed by ../lib/policy_parse.c, encoded by
 * ../lib/policy_nl.c and sent by ../lib/client.c; sign signs the canonical
 * encoding, which the kernel recomputes from what load sends;
 * Documentation/policy.rst has the format.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "attest.h"
#include "policy_json.h"
#include "tvmctl.h"

/* The smallest RSA key `policy sign` uses. */
#define SIGN_BITS_MIN	2048

int policy_file_parse(const struct tvmctl *ctl, const char *path,
		      unsigned int flags, struct policy_file *enc)
{
	char err[POLICY_ERR_MAX];
	size_t len;
	uint8_t *text;
	int ret;

	ret = attest_read_file(path, POLICY_FILE_MAX, &text, &len);
	if (ret == -EFBIG)
		return tvmctl_err(TVMCTL_USAGE, "%s: %s: more than %d bytes",
				  ctl->name, path, POLICY_FILE_MAX);
	if (ret)
		return tvmctl_err(TVMCTL_ERR, "%s: reading '%s': %s",
				  ctl->name, path, strerror(-ret));
	ret = policy_parse_flags(path, (const char *)text, len, flags,
				 &enc->p, err, sizeof(err));
	free(text);
	if (ret)
		return tvmctl_err(TVMCTL_USAGE, "%s: %s", ctl->name, err);
	return 0;
}

int policy_file_encode(const struct tvmctl *ctl, const char *path,
		       struct policy_file *enc)
{
	int ret = policy_encode(&enc->p, enc->attr, sizeof(enc->attr),
				&enc->len);

	if (ret == -E2BIG)
		return tvmctl_err(TVMCTL_USAGE, "%s: %s: %zu bytes encoded, more than the %d a netlink attribute holds",
				  ctl->name, path, enc->len, POLICY_ATTR_MAX);
	if (ret)
		return tvmctl_err(TVMCTL_ERR, "%s: %s: encoding: %s", ctl->name,
				  path, strerror(-ret));
	return 0;
}

/* Read, check and encode the policy file @path into a new *@encp; prints why not. */
static int load_file(const struct tvmctl *ctl, const char *path,
		     struct policy_file **encp)
{
	struct policy_file *enc = calloc(1, sizeof(*enc));
	int ret;

	if (!enc)
		return tvmctl_err(TVMCTL_ERR, "out of memory");
	ret = policy_file_parse(ctl, path, 0, enc);
	if (!ret) {
		ret = policy_file_encode(ctl, path, enc);
		if (ret)
			policy_free(&enc->p);
	}
	if (ret) {
		free(enc);
		return ret;
	}
	*encp = enc;
	return 0;
}

/* OpenSSL's reason for the last failure, or @fallback. */
static const char *ssl_reason(const char *fallback)
{
	unsigned long e = ERR_get_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return r ? r : fallback;
}

/* The selector: "name=web-1" in text, {"name": "web-1"} in JSON. */
static void sel_print(struct tvmctl *ctl, const struct policy_sel *sel)
{
	char buf[PARSE_UUID_STR_LEN + TVM_NAME_MAX + 8];
	struct out *o = ctl->out;

	if (!ctl->json) {
		policy_format_sel(sel, buf, sizeof(buf));
		out_str(o, "selector", NULL, buf);
		return;
	}
	out_object_begin(o, "selector");
	switch (sel->type) {
	case POLICY_SEL_UUID:
		format_uuid(sel->uuid, buf);
		out_str(o, "uuid", NULL, buf);
		break;
	case POLICY_SEL_NAME:
		out_str(o, "name", NULL, sel->name);
		break;
	case POLICY_SEL_DEFAULT:
		out_bool(o, "default", NULL, true);
		break;
	}
	out_object_end(o);
}

/*
 * RSASSA-PKCS1-v1_5 with SHA-256 of @data by the key in @key_path, which
 * must be the key @key_id names.
 */
static int sign(const struct tvmctl *ctl, const char *key_path,
		const uint8_t *key_id, const uint8_t *data, size_t len,
		uint8_t *sig, size_t *sig_len)
{
	uint8_t id[TVM_KEY_ID_SIZE];
	char hex[2 * TVM_KEY_ID_SIZE + 1];
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *md = NULL;
	EVP_PKEY *key;
	int ret = TVMCTL_ERR, bits;
	FILE *fp;

	fp = fopen(key_path, "re");
	if (!fp)
		return tvmctl_err(TVMCTL_ERR, "%s: reading '%s': %s", ctl->name,
				  key_path, strerror(errno));
	key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (!key)
		return tvmctl_err(TVMCTL_ERR, "%s: '%s': not a PEM private key (%s)",
				  ctl->name, key_path,
				  ssl_reason("unknown error"));
	bits = EVP_PKEY_get_bits(key);
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		tvmctl_err(TVMCTL_USAGE, "%s: '%s': not an RSA key", ctl->name,
			   key_path);
		ret = TVMCTL_USAGE;
		goto out;
	}
	if (bits < SIGN_BITS_MIN || EVP_PKEY_get_size(key) > TVM_SIGNATURE_MAX) {
		tvmctl_err(TVMCTL_USAGE, "%s: '%s': RSA-%d; tvm takes %d to %d bits",
			   ctl->name, key_path, bits, SIGN_BITS_MIN,
			   8 * TVM_SIGNATURE_MAX);
		ret = TVMCTL_USAGE;
		goto out;
	}
	if (attest_key_id(key, id)) {
		tvmctl_err(TVMCTL_ERR, "%s: '%s': no key id: %s", ctl->name,
			   key_path, ssl_reason("failed"));
		goto out;
	}
	if (memcmp(id, key_id, sizeof(id))) {
		format_hex(id, sizeof(id), hex);
		tvmctl_err(TVMCTL_USAGE, "%s: '%s' is key %s, not the policy's owner_key",
			   ctl->name, key_path, hex);
		ret = TVMCTL_USAGE;
		goto out;
	}
	md = EVP_MD_CTX_new();
	*sig_len = TVM_SIGNATURE_MAX;
	if (!md ||
	    EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, key) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_DigestSign(md, sig, sig_len, data, len) != 1) {
		tvmctl_err(TVMCTL_ERR, "%s: signing with '%s': %s", ctl->name,
			   key_path, ssl_reason("failed"));
		goto out;
	}
	ret = 0;
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return ret;
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int ret;

	if (fd < 0)
		return -errno;
	ret = attest_write_all(fd, data, len);
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

/* "<file>.sig" into @buf of @len bytes; -ENAMETOOLONG. */
static int sig_path(const char *file, char *buf, size_t len)
{
	return (size_t)snprintf(buf, len, "%s.sig", file) >= len ?
	       -ENAMETOOLONG : 0;
}

static int policy_sign(struct tvmctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char hex[2 * POLICY_DIGEST_SIZE + 1], def_out[4096];
	char kid[2 * TVM_KEY_ID_SIZE + 1];
	uint8_t sig[TVM_SIGNATURE_MAX], digest[POLICY_DIGEST_SIZE];
	const char *key = NULL, *out = NULL, *file;
	struct policy_file *enc;
	uint8_t *data = NULL;
	size_t len, sig_len;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	ret = tvmctl_args(ctl, argc, argv, 1, &file);
	if (ret)
		return ret;
	if (!key)
		return tvmctl_err(TVMCTL_USAGE, "%s: --key KEY.pem is required",
				  ctl->name);
	if (!out) {
		if (sig_path(file, def_out, sizeof(def_out)))
			return tvmctl_err(TVMCTL_USAGE, "%s: '%s': name too long",
					  ctl->name, file);
		out = def_out;
	}

	ret = load_file(ctl, file, &enc);
	if (ret)
		return ret;
	if (!enc->p.has_key) {
		ret = tvmctl_err(TVMCTL_USAGE,
				 "%s: %s: no owner_key; tvm takes a signature only for a policy that names its owner's key",
				 ctl->name, file);
		goto out;
	}
	/* The canonical encoding: the same bytes on any host. */
	data = malloc(enc->len);
	if (!data || policy_canonical(&enc->p, data, enc->len, &len)) {
		ret = tvmctl_err(TVMCTL_ERR, "%s: %s: encoding: %s", ctl->name,
				 file, strerror(ENOMEM));
		goto out;
	}
	ret = sign(ctl, key, enc->p.key_id, data, len, sig, &sig_len);
	if (ret)
		goto out;
	ret = policy_file_digest(ctl, enc, digest);
	if (ret)
		goto out;
	ret = write_file(out, sig, sig_len);
	if (ret) {
		ret = tvmctl_err(TVMCTL_ERR, "%s: writing '%s': %s", ctl->name,
				 out, strerror(-ret));
		goto out;
	}
	format_hex(digest, sizeof(digest), hex);
	format_hex(enc->p.key_id, TVM_KEY_ID_SIZE, kid);
	out_object_begin(ctl->out, NULL);
	out_str(ctl->out, "signature", NULL, out);
	out_int(ctl->out, "bytes", NULL, (int64_t)sig_len);
	out_str(ctl->out, "owner_key", "owner key", kid);
	out_int(ctl->out, "revision", NULL, enc->p.revision);
	if (enc->p.tombstone)
		out_bool(ctl->out, "delete", NULL, true);
	out_str(ctl->out, "digest", NULL, hex);
	out_object_end(ctl->out);
	ret = TVMCTL_OK;
out:
	free(data);
	policy_free(&enc->p);
	free(enc);
	return ret;
}

/* The owner key id of a certificate or key file, for "owner_key". */
static int policy_keyid(struct tvmctl *ctl, int argc, char **argv)
{
	char hex[2 * TVM_KEY_ID_SIZE + 1];
	uint8_t id[TVM_KEY_ID_SIZE];
	const char *file;
	int ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = tvmctl_args(ctl, argc, argv, 1, &file);
	if (ret)
		return ret;
	ret = attest_read_key_id(file, id);
	if (ret)
		return tvmctl_err(TVMCTL_USAGE, "%s: '%s': %s", ctl->name,
				  file, ret == -EBADMSG ?
				  "no certificate or key in it" :
				  ret == -EOPNOTSUPP ? "not an RSA key" :
				  strerror(-ret));
	format_hex(id, sizeof(id), hex);
	out_object_begin(ctl->out, NULL);
	out_str(ctl->out, "key_id", "key id", hex);
	out_object_end(ctl->out);
	return TVMCTL_OK;
}

int policy_file_sig(const struct tvmctl *ctl, const char *file,
		    const char *sig_file, struct policy_file *enc)
{
	char def_sig[4096];
	int ret;

	enc->sig = NULL;
	enc->sig_len = 0;
	if (sig_file && !enc->p.has_key)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: --sig: %s has no owner_key, so tvm would refuse a signature",
				  ctl->name, file);
	if (enc->p.has_key && !sig_file) {
		if (sig_path(file, def_sig, sizeof(def_sig)) ||
		    access(def_sig, F_OK))
			tvmctl_err(0, "%s: %s names an owner key but has no signature (no %s.sig; see 'tvmctl policy sign'); tvm will refuse it",
				   ctl->name, file, file);
		else
			sig_file = def_sig;
	}
	if (!sig_file)
		return 0;
	ret = attest_read_file(sig_file, TVM_SIGNATURE_MAX, &enc->sig,
			       &enc->sig_len);
	if (ret == -EFBIG || (!ret && !enc->sig_len)) {
		free(enc->sig);
		enc->sig = NULL;
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: '%s': not a signature (1 to %d bytes)",
				  ctl->name, sig_file, TVM_SIGNATURE_MAX);
	}
	if (ret)
		return tvmctl_err(TVMCTL_ERR, "%s: reading '%s': %s",
				  ctl->name, sig_file, strerror(-ret));
	return 0;
}

/* What the client sends of @enc. */
static struct policy_msg file_msg(const struct policy_file *enc)
{
	return (struct policy_msg){
		.attr = enc->attr, .len = enc->len,
		.sig = enc->sig, .sig_len = enc->sig_len,
	};
}

int policy_file_send(struct tvm_nl *nl, const struct policy_file *enc,
		     struct policy *reply)
{
	const struct policy_msg pm = file_msg(enc);

	return tvm_client_policy_load(nl, &pm, reply);
}

void policy_file_free(struct policy_file *enc)
{
	policy_free(&enc->p);
	free(enc->sig);
	enc->sig = NULL;
}

int policy_file_digest(const struct tvmctl *ctl, const struct policy_file *enc,
		       uint8_t digest[POLICY_DIGEST_SIZE])
{
	if (attest_policy_digest(&enc->p, digest))
		return tvmctl_err(TVMCTL_ERR, "%s: SHA-256: %s", ctl->name,
				  ssl_reason("failed"));
	return 0;
}

static int policy_load(struct tvmctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sig", required_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char hex[2 * POLICY_DIGEST_SIZE + 1];
	char sel[PARSE_UUID_STR_LEN + TVM_NAME_MAX + 8];
	bool check = false;
	uint8_t digest[POLICY_DIGEST_SIZE];
	const char *sig_file = NULL, *file;
	struct policy reply = { 0 };
	struct policy_file *enc;
	struct tvm_nl *nl = NULL;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sig_file = optarg;
			break;
		case 'c':
			check = true;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	ret = tvmctl_args(ctl, argc, argv, 1, &file);
	if (ret)
		return ret;

	ret = load_file(ctl, file, &enc);
	if (ret)
		return ret;
	policy_format_sel(&enc->p.sel, sel, sizeof(sel));
	if (enc->p.tombstone) {
		ret = tvmctl_err(TVMCTL_USAGE,
				 "%s: %s is a signed delete: 'tvmctl policy delete --signed %s'",
				 ctl->name, file, file);
		goto out;
	}
	ret = policy_file_sig(ctl, file, sig_file, enc);
	if (ret)
		goto out;
	ret = policy_file_digest(ctl, enc, digest);
	if (ret)
		goto out;
	format_hex(digest, sizeof(digest), hex);
	/*
	 * --check: everything tvmctl can check without the kernel, nothing
	 * sent (tvm.service checks every policy before it loads any).
	 */
	if (check) {
		if (enc->p.has_key && !enc->sig) {
			ret = tvmctl_err(TVMCTL_USAGE,
					 "%s: %s: an owner_key and no signature",
					 ctl->name, file);
			goto out;
		}
		out_object_begin(ctl->out, NULL);
		sel_print(ctl, &enc->p.sel);
		out_str(ctl->out, "digest", NULL, hex);
		out_bool(ctl->out, "signed", NULL, enc->sig != NULL);
		out_object_end(ctl->out);
		ret = TVMCTL_OK;
		goto out;
	}

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		goto out;
	ret = policy_file_send(nl, enc, &reply);
	if (ret)
		goto err;

	out_object_begin(ctl->out, NULL);
	sel_print(ctl, &reply.sel);
	out_int(ctl->out, "generation", NULL, (int64_t)reply.gen);
	out_str(ctl->out, "digest", NULL, hex);
	out_bool(ctl->out, "signed", NULL, enc->sig != NULL);
	out_object_end(ctl->out);
	ret = TVMCTL_OK;
	goto out;
err:
	ret = tvmctl_nl_err(ctl, nl, ret, "loading '%s' (%s)", file, sel);
out:
	tvm_nl_close(nl);
	policy_free(&reply);
	policy_file_free(enc);
	free(enc);
	return ret;
}

static int parse_sel(const struct tvmctl *ctl, const char *arg,
		     struct policy_sel *sel)
{
	if (policy_parse_sel(arg, sel))
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: bad policy selector '%s' (default, a UUID or a VM name; uuid=UUID, name=NAME)",
				  ctl->name, arg);
	return 0;
}

static void digests_print(struct out *o, const char *key,
			  const struct tvm_policy_digest *d, unsigned int n)
{
	char buf[POLICY_DIGEST_STR_LEN];

	out_array_begin(o, key);
	for (unsigned int i = 0; i < n; i++) {
		policy_format_digest(&d[i], buf);
		out_str(o, NULL, NULL, buf);
	}
	out_array_end(o);
}

/* A policy in text: the head, then each level's events and values. */
static void policy_print_text(struct tvmctl *ctl, const struct policy *p)
{
	char buf[2 * POLICY_DIGEST_SIZE + 1];
	struct out *o = ctl->out;
	const char *mode;

	out_object_begin(o, NULL);
	sel_print(ctl, &p->sel);
	out_int(o, "generation", NULL, (int64_t)p->gen);
	if (p->has_digest) {
		format_hex(p->digest, sizeof(p->digest), buf);
		out_str(o, "digest", NULL, buf);
	}
	out_bool(o, "signed", NULL, p->is_signed);
	if (p->version)
		out_int(o, "version", NULL, p->version);
	mode = policy_mode_name(p->mode);
	out_str(o, "mode", NULL, mode ? mode : "?");
	if (p->has_key) {
		char kid[2 * TVM_KEY_ID_SIZE + 1];

		format_hex(p->key_id, TVM_KEY_ID_SIZE, kid);
		out_str(o, "owner_key", "owner key", kid);
	}
	out_int(o, "revision", NULL, p->revision);
	for (unsigned int l = 0; l <= TVM_POLICY_LEVELS; l++) {
		const struct tvm_policy_level *lv = &p->levels[l];
		char key[48];

		if (!lv->present)
			continue;
		snprintf(key, sizeof(key), "%s (level %u, pcr %u)",
			 policy_level_name(l), l, TVM_PCR_VMM + l);
		out_object_begin(o, key);
		if (lv->nevents) {
			out_object_begin(o, "events");
			for (unsigned int e = 0; e < lv->nevents; e++)
				digests_print(o, lv->events[e].name,
					      lv->events[e].digests,
					      lv->events[e].ndigests);
			out_object_end(o);
		}
		if (lv->npcr)
			digests_print(o, "pcr", lv->pcr, lv->npcr);
		out_object_end(o);
	}
	if (p->nranges) {
		char range[POLICY_RANGE_STR_LEN];

		out_array_begin(o, "runtime (pcr 13)");
		for (unsigned int i = 0; i < p->nranges; i++) {
			policy_format_range(&p->ranges[i], range);
			out_str(o, NULL, NULL, range);
		}
		out_array_end(o);
	}
	if (p->df.present) {
		const struct tvm_df_section *df = &p->df;
		const char *def = policy_df_action_name(df->default_action);
		char rule[POLICY_DF_RULE_STR_LEN];

		out_object_begin(o, "dataflow (pcr 14)");
		out_str(o, "default", NULL, def ? def : "?");
		out_int(o, "checkpoint_bytes", "checkpoint bytes",
			(int64_t)df->checkpoint_bytes);
		out_int(o, "checkpoint_ms", "checkpoint ms", df->checkpoint_ms);
		out_bool(o, "per_message", "per message", df->per_message);
		out_array_begin(o, "rules");
		for (unsigned int i = 0; i < df->nrules; i++) {
			policy_format_df_rule(&df->rules[i], rule);
			out_str(o, NULL, NULL, rule);
		}
		out_array_end(o);
		out_object_end(o);
	}
	if (p->mig.present) {
		const struct tvm_mig_section *m = &p->mig;
		char hex[2 * TVM_MIG_HOST_ID_SIZE + 1], key[16];

		out_object_begin(o, "migration");
		out_array_begin(o, "peers");
		for (unsigned int i = 0; i < m->npeers; i++) {
			for (unsigned int b = 0; b < TVM_MIG_HOST_ID_SIZE; b++)
				sprintf(hex + 2 * b, "%02x", m->peers[i][b]);
			out_str(o, NULL, NULL, hex);
		}
		if (!m->npeers)
			out_str(o, NULL, NULL, "any host in .tvm_migration");
		out_array_end(o);
		for (unsigned int i = 0; i < TVM_MIGP_PCRS; i++) {
			if (!m->pcrs[i].nvalues)
				continue;
			snprintf(key, sizeof(key), "platform pcr %u", i);
			out_array_begin(o, key);
			for (unsigned int v = 0; v < m->pcrs[i].nvalues; v++) {
				for (unsigned int b = 0; b < 32; b++)
					sprintf(hex + 2 * b, "%02x",
						m->pcrs[i].values[v][b]);
				out_str(o, NULL, NULL, hex);
			}
			out_array_end(o);
		}
		out_array_begin(o, "tpm keys");
		for (unsigned int i = 0; i < m->ntpm_keys; i++) {
			for (unsigned int b = 0; b < 32; b++)
				sprintf(hex + 2 * b, "%02x",
					m->tpm_keys[i][b]);
			out_str(o, NULL, NULL, hex);
		}
		if (!m->ntpm_keys)
			out_str(o, NULL, NULL, "none: no deep quote required");
		out_array_end(o);
		out_object_end(o);
	}
	out_object_end(o);
}

/* In JSON: {"generation", "digest", "signed", "policy": <the file>}. */
static json_object *policy_json(const struct policy *p)
{
	char buf[2 * POLICY_DIGEST_SIZE + 1];
	json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	json_object_object_add(obj, "generation",
			       json_object_new_int64((int64_t)p->gen));
	if (p->has_digest) {
		format_hex(p->digest, sizeof(p->digest), buf);
		json_object_object_add(obj, "digest",
				       json_object_new_string(buf));
	}
	json_object_object_add(obj, "signed",
			       json_object_new_boolean(p->is_signed));
	json_object_object_add(obj, "policy", policy_to_json(p));
	return obj;
}

static void json_print(json_object *obj)
{
	printf("%s\n", json_object_to_json_string_ext(obj,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* The selectors a POLICY_GET dump lists. */
struct sel_list {
	size_t n, cap;
	struct policy_sel *sel;
};

static int on_policy_head(const struct policy *p, void *arg)
{
	struct sel_list *l = arg;
	struct policy_sel *grown;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		grown = realloc(l->sel, l->cap * sizeof(*l->sel));
		if (!grown)
			return -ENOMEM;
		l->sel = grown;
	}
	l->sel[l->n++] = p->sel;
	return 0;
}

static int policy_show(struct tvmctl *ctl, int argc, char **argv)
{
	char what[PARSE_UUID_STR_LEN + TVM_NAME_MAX + 32];
	struct sel_list list = { 0 };
	json_object *arr = NULL, *obj;
	struct policy_sel one;
	struct tvm_nl *nl;
	size_t i, shown = 0;
	struct policy p;
	int ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	if (argc - optind > 1)
		return tvmctl_args(ctl, argc, argv, 1, NULL);
	if (argc - optind == 1) {
		ret = parse_sel(ctl, argv[optind], &one);
		if (ret)
			return ret;
		list.sel = &one;
		list.n = 1;
	}

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	if (!list.n) {
		/* A dump lists the policies; each then comes whole. */
		snprintf(what, sizeof(what), "listing policies");
		ret = tvm_client_policy_list(nl, on_policy_head, &list);
		if (ret)
			goto err;
		if (ctl->json) {
			arr = json_object_new_array();
			if (!arr) {
				ret = -ENOMEM;
				goto err;
			}
		}
	}
	for (i = 0; i < list.n; i++) {
		policy_format_sel(&list.sel[i], what, sizeof(what));
		ret = tvm_client_policy_get(nl, &list.sel[i], &p);
		/* Deleted since the dump listed it. */
		if (ret == -ENOENT && list.sel != &one)
			continue;
		if (ret)
			goto err;
		if (ctl->json) {
			obj = policy_json(&p);
			if (arr) {
				json_object_array_add(arr, obj);
			} else {
				json_print(obj);
				json_object_put(obj);
			}
		} else {
			/* In text, a blank line between policies. */
			if (shown++)
				putchar('\n');
			policy_print_text(ctl, &p);
		}
		policy_free(&p);
	}
	if (arr)
		json_print(arr);
	ret = TVMCTL_OK;
	goto out;
err:
	if (list.sel == &one)
		ret = tvmctl_nl_err(ctl, nl, ret, "showing policy %s", what);
	else
		ret = tvmctl_nl_err(ctl, nl, ret, "%s", what);
out:
	json_object_put(arr);
	if (list.sel != &one)
		free(list.sel);
	tvm_nl_close(nl);
	return ret;
}

/*
 * delete SELECTOR, or delete --signed FILE [--sig SIG]: the owner's signed
 * delete (a file with "delete": true, signed with `policy sign`), which a
 * selector pinned to an owner key needs.
 */
static int policy_delete(struct tvmctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "signed", required_argument, NULL, 'f' },
		{ "sig", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char what[PARSE_UUID_STR_LEN + TVM_NAME_MAX + 8];
	const char *file = NULL, *sig_file = NULL, *arg;
	struct policy_file *enc = NULL;
	struct tvm_nl *nl = NULL;
	struct policy_sel sel;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case 's':
			sig_file = optarg;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	if (file) {
		ret = tvmctl_args(ctl, argc, argv, 0, NULL);
		if (ret)
			return ret;
		ret = load_file(ctl, file, &enc);
		if (ret)
			return ret;
		if (!enc->p.tombstone) {
			ret = tvmctl_err(TVMCTL_USAGE,
					 "%s: %s is a policy, not a signed delete (\"delete\": true)",
					 ctl->name, file);
			goto out;
		}
		ret = policy_file_sig(ctl, file, sig_file, enc);
		if (ret)
			goto out;
		if (!enc->sig) {
			ret = TVMCTL_USAGE;
			goto out;
		}
		sel = enc->p.sel;
	} else {
		if (sig_file)
			return tvmctl_err(TVMCTL_USAGE,
					  "%s: --sig goes with --signed FILE",
					  ctl->name);
		ret = tvmctl_args(ctl, argc, argv, 1, &arg);
		if (ret)
			return ret;
		ret = parse_sel(ctl, arg, &sel);
		if (ret)
			return ret;
	}
	policy_format_sel(&sel, what, sizeof(what));

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		goto out;
	if (enc) {
		const struct policy_msg pm = file_msg(enc);

		ret = tvm_client_policy_delete_signed(nl, &pm);
	} else {
		ret = tvm_client_policy_delete(nl, &sel);
	}
	if (ret)
		goto err;
	/* Nothing to say in text; an empty object in JSON. */
	out_object_begin(ctl->out, NULL);
	out_object_end(ctl->out);
	ret = TVMCTL_OK;
	goto out;
err:
	ret = tvmctl_nl_err(ctl, nl, ret, "deleting policy %s", what);
out:
	tvm_nl_close(nl);
	if (enc) {
		policy_file_free(enc);
		free(enc);
	}
	return ret;
}

const struct tvmctl_cmd policy_cmds[] = {
	{ .name = "sign", .fn = policy_sign, .args = "FILE",
	  .help = "sign a policy file with its owner's RSA key",
	  .opts = "  --key KEY.pem   the owner's private key, RSA-2048 to 4096\n"
		  "  --out SIG       where the signature goes (default FILE.sig)\n" },
	{ .name = "keyid", .fn = policy_keyid, .args = "CERT|KEY",
	  .help = "print the owner key id of a certificate or key (owner_key)" },
	{ .name = "load", .fn = policy_load, .args = "FILE",
	  .help = "load a policy, replacing the one with its selector",
	  .opts = "  --sig SIG   its owner's signature (default: FILE.sig if the\n"
		  "              policy has an owner_key and FILE.sig exists)\n"
		  "  --check     check FILE (and read SIG) as load does, load nothing\n" },
	{ .name = "show", .fn = policy_show, .args = "[SELECTOR]",
	  .help = "show a policy, or all" },
	{ .name = "delete", .fn = policy_delete,
	  .args = "SELECTOR | --signed FILE",
	  .help = "delete a policy (a pinned one with its owner's signed delete)",
	  .opts = "  --signed FILE   the owner's delete: selector, owner_key, revision and\n"
		  "                  \"delete\": true, signed with 'policy sign'\n"
		  "  --sig SIG       its signature (default FILE.sig)\n" },
	{ .name = NULL },
};

int policy_main(struct tvmctl *ctl, int argc, char **argv)
{
	return tvmctl_dispatch(ctl, argc, argv);
}
