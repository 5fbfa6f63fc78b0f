// SPDX-License-Identifier: GPL-2.0
/*
 * Attestation helpers on libcrypto and files, and a verifier's check of
 * runtime ranges.  See attest.h.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "attest.h"
#include "parse.h"
#include "policy_df.h"
#include "policy_json.h"
#include "quote_fmt.h"
#include "tvm_log.h"

/* A public key of OpenSSL's @type from the parameters built in @bld. */
static EVP_PKEY *public_from_params(OSSL_PARAM_BLD *bld, const char *type)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *key = NULL;

	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return key;
}

EVP_PKEY *attest_rsa_pub(const uint8_t *n, size_t n_len, const uint8_t *e,
			 size_t e_len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *bn = BN_bin2bn(n, (int)n_len, NULL);
	BIGNUM *be = BN_bin2bn(e, (int)e_len, NULL);
	EVP_PKEY *key = NULL;

	if (!bld || !bn || !be ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be))
		goto out;
	key = public_from_params(bld, "RSA");
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return key;
}

EVP_PKEY *attest_ec_pub(const uint8_t x[32], const uint8_t y[32])
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *key = NULL;
	uint8_t point[1 + 64];

	/* SEC 1's uncompressed point: 0x04, x, y. */
	point[0] = 0x04;
	memcpy(point + 1, x, 32);
	memcpy(point + 33, y, 32);
	if (!bld ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      point, sizeof(point)))
		goto out;
	key = public_from_params(bld, "EC");
out:
	OSSL_PARAM_BLD_free(bld);
	return key;
}

int attest_pub_pem(EVP_PKEY *key, char **pem)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long len;
	int ret = -EIO;

	if (!bio)
		return -ENOMEM;
	if (PEM_write_bio_PUBKEY(bio, key)) {
		len = BIO_get_mem_data(bio, &data);
		*pem = malloc((size_t)len + 1);
		if (*pem) {
			memcpy(*pem, data, (size_t)len);
			(*pem)[len] = '\0';
			ret = 0;
		} else {
			ret = -ENOMEM;
		}
	}
	BIO_free(bio);
	return ret;
}

int attest_pub_name(EVP_PKEY *key, uint8_t name[ATTEST_NAME_SIZE])
{
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(key, &der);
	int ret = -EIO;

	if (len <= 0)
		return -EIO;
	if (EVP_Digest(der, (size_t)len, name, NULL, EVP_sha256(), NULL))
		ret = 0;
	OPENSSL_free(der);
	return ret;
}

int attest_read_pub(const char *path, EVP_PKEY **key)
{
	BIO *bio = BIO_new_file(path, "r");

	if (!bio)
		return errno ? -errno : -ENOENT;
	*key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return *key ? 0 : -EBADMSG;
}

int attest_verify(EVP_PKEY *key, const uint8_t *msg, size_t msg_len,
		  const uint8_t *sig, size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	int ret = -EIO;

	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestVerifyInit_ex(ctx, &pctx, "SHA256", NULL, NULL, key,
				    NULL) > 0 &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0)
		ret = EVP_DigestVerify(ctx, sig, sig_len, msg, msg_len) == 1;
	EVP_MD_CTX_free(ctx);
	return ret;
}

/* Is @key a P-256 key? */
static bool is_p256(EVP_PKEY *key)
{
	char group[64];

	return EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
	       EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
					      group, sizeof(group), NULL) &&
	       !strcmp(group, "prime256v1");
}

/* ECDSA with SHA-256 of r and s, as DER ECDSA-Sig-Value, over @msg. */
static int verify_ecdsa(EVP_PKEY *key, const uint8_t *msg, size_t msg_len,
			const struct qf_sig *qs)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(qs->r, (int)qs->r_len, NULL);
	BIGNUM *s = BN_bin2bn(qs->s, (int)qs->s_len, NULL);
	unsigned char *der = NULL;
	EVP_MD_CTX *ctx = NULL;
	int len, ret = -ENOMEM;

	if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s))
		goto out;
	r = s = NULL;			/* es owns them now */
	len = i2d_ECDSA_SIG(es, &der);
	ctx = EVP_MD_CTX_new();
	if (len <= 0 || !ctx)
		goto out;
	ret = -EIO;
	if (EVP_DigestVerifyInit_ex(ctx, NULL, "SHA256", NULL, NULL, key,
				    NULL) > 0)
		ret = EVP_DigestVerify(ctx, der, (size_t)len, msg,
				       msg_len) == 1;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	return ret;
}

int attest_verify_tpmt(EVP_PKEY *key, const uint8_t *msg, size_t msg_len,
		       const uint8_t *tpmt, size_t tpmt_len)
{
	struct qf_sig qs;

	if (qf_tpmt_parse(tpmt, tpmt_len, &qs))
		return 0;
	if (qs.alg == QF_ALG_RSASSA)
		return EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ?
		       attest_verify(key, msg, msg_len, qs.sig, qs.sig_len) : 0;
	return is_p256(key) ? verify_ecdsa(key, msg, msg_len, &qs) : 0;
}

ssize_t attest_read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t n = 0;
	ssize_t r;

	while (n < len) {
		r = read(fd, p + n, len - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

int attest_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t w;

	while (len) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int attest_read_file(const char *path, size_t max, uint8_t **buf,
		     size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	uint8_t *p = NULL, *q;
	ssize_t r;
	int ret;

	if (fd < 0)
		return -errno;
	/* Until a read leaves room: the end of the file. */
	do {
		if (n == cap || !p) {
			cap = p ? 2 * cap : cap;
			q = realloc(p, cap);
			if (!q) {
				ret = -ENOMEM;
				goto err;
			}
			p = q;
		}
		r = attest_read_full(fd, p + n, cap - n);
		if (r < 0) {
			ret = (int)r;
			goto err;
		}
		n += (size_t)r;
		if (n > max) {
			ret = -EFBIG;
			goto err;
		}
	} while (n == cap);
	close(fd);
	p[n] = '\0';		/* not counted: text files can be parsed as strings */
	*buf = p;
	*len = n;
	return 0;
err:
	close(fd);
	free(p);
	return ret;
}

int attest_write_file(const char *path, const void *buf, size_t len)
{
	char tmp[4096];
	int fd, ret;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = attest_write_all(fd, buf, len);
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static void sink_put(const struct attest_sink *sink, bool failed,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void sink_put(const struct attest_sink *sink, bool failed,
		     const char *fmt, ...)
{
	char msg[ATTEST_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (failed)
		sink->fail(sink->arg, msg);
	else
		sink->note(sink->arg, msg);
}

/* The first bank of @log in which @ev's digest is not H_bank(@data). */
static int runtime_bad_bank(const struct qf_log *log,
			    const struct qf_event *ev,
			    const struct tvm_ev_runtime *data)
{
	uint8_t want[TVM_DIGEST_MAX];

	for (unsigned int b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(log->banks & (1U << b)))
			continue;
		if (!ev->digest[b] ||
		    qf_hash(b, data, sizeof(*data), want) ||
		    memcmp(ev->digest[b], want, tvm_banks[b].size))
			return (int)b;
	}
	return -1;
}

unsigned int attest_check_runtime(const struct qf_log *log, size_t count,
				  const struct tvm_range *ranges,
				  unsigned int nranges,
				  const struct attest_sink *sink)
{
	bool seen[TVM_POLICY_RANGES_MAX] = { false };
	char got[2 * 8 + 1], want[2 * 8 + 1];
	unsigned int checked = 0;

	if (nranges > TVM_POLICY_RANGES_MAX)
		nranges = TVM_POLICY_RANGES_MAX;
	for (size_t i = 0; i < count && i < log->n; i++) {
		const struct qf_event *ev = &log->ev[i];
		const struct tvm_range *r = NULL;
		struct tvm_ev_runtime d;
		uint64_t gpa, len;
		unsigned int k;
		int b;

		if (ev->type != TVM_EV_RUNTIME || ev->pcr != TVM_PCR_RUNTIME)
			continue;
		if (ev->data_len != sizeof(d)) {
			sink_put(sink, true, "runtime mismatch: event %zu: "
				 "RUNTIME data is %u bytes, not %zu", i,
				 ev->data_len, sizeof(d));
			continue;
		}
		memcpy(&d, ev->data, sizeof(d));
		gpa = le64toh(d.gpa);
		len = le64toh(d.len);
		for (k = 0; k < nranges && !r; k++)
			if (ranges[k].gpa == gpa && ranges[k].len == len)
				r = &ranges[k];
		if (!r) {
			sink_put(sink, false, "runtime: event %zu measured "
				 "range 0x%llx+%llu, which the policy does "
				 "not list", i, (unsigned long long)gpa,
				 (unsigned long long)len);
			continue;
		}
		seen[k - 1] = true;
		checked++;
		if (memcmp(d.sha256, r->sha256, sizeof(d.sha256))) {
			format_hex(d.sha256, 8, got);
			format_hex(r->sha256, 8, want);
			sink_put(sink, true, "runtime mismatch: range "
				 "0x%llx+%llu, event %zu: sha256 %s..., the "
				 "policy's is %s...", (unsigned long long)gpa,
				 (unsigned long long)len, i, got, want);
			continue;
		}
		b = runtime_bad_bank(log, ev, &d);
		if (b >= 0)
			sink_put(sink, true, "runtime mismatch: range "
				 "0x%llx+%llu, event %zu: its %s digest is "
				 "not the hash of its data",
				 (unsigned long long)gpa,
				 (unsigned long long)len, i,
				 tvm_banks[b].name);
	}
	for (unsigned int k = 0; k < nranges; k++)
		if (!seen[k])
			sink_put(sink, false, "runtime: range 0x%llx+%llu was "
				 "not measured in the quoted events",
				 (unsigned long long)ranges[k].gpa,
				 (unsigned long long)ranges[k].len);
	return checked;
}

/*
 * What the kernel logs of its own types: the PCR it logs each in, and the
 * size of its data when fixed (0: any).  @hashed: each bank's digest is
 * H_bank(data) (Documentation/eventlog.rst).
 */
struct kernel_type {
	uint32_t type;
	uint32_t pcr_mask;
	uint32_t size;
	bool hashed;
};

static const struct kernel_type kernel_types[] = {
	{ TVM_EV_HOST_PCR, (1U << (TVM_PCR_HOST_LAST + 1)) - 1,
	  sizeof(struct tvm_ev_host_pcr), false },
	{ TVM_EV_TVM_VERSION, 1U << TVM_PCR_VMM, 0, true },
	{ TVM_EV_VMM_EXE, 1U << TVM_PCR_VMM, 0, false },
	{ TVM_EV_MEMSLOT, 1U << TVM_PCR_CONFIG, sizeof(struct tvm_ev_memslot),
	  true },
	{ TVM_EV_VCPU, 1U << TVM_PCR_CONFIG, sizeof(struct tvm_ev_vcpu), true },
	{ TVM_EV_CPUID, 1U << TVM_PCR_CONFIG, sizeof(struct tvm_ev_cpuid),
	  true },
	{ TVM_EV_SLOT, 1U << TVM_PCR_OS, sizeof(struct tvm_ev_slot), true },
	{ TVM_EV_FILE, 1U << TVM_PCR_OS, 0, false },
	{ TVM_EV_RUNTIME, 1U << TVM_PCR_RUNTIME, sizeof(struct tvm_ev_runtime),
	  true },
	{ TVM_EV_POLICY, 1U << TVM_PCR_VMM, sizeof(struct tvm_ev_policy),
	  true },
	{ TVM_EV_MIGRATION, 1U << TVM_PCR_MIGRATION,
	  sizeof(struct tvm_ev_migration), true },
};

static const struct kernel_type *kernel_type(uint32_t type)
{
	for (size_t i = 0; i < sizeof(kernel_types) / sizeof(kernel_types[0]);
	     i++)
		if (kernel_types[i].type == type)
			return &kernel_types[i];
	return NULL;
}

const char *attest_type_name(uint32_t type, char buf[16])
{
	static const char *const names[] = {
		[TVM_EV_HOST_PCR - TVM_EV_BASE] = "HOST_PCR",
		[TVM_EV_TVM_VERSION - TVM_EV_BASE] = "TVM_VERSION",
		[TVM_EV_EXTEND - TVM_EV_BASE] = "EXTEND",
		[TVM_EV_VMM_EXE - TVM_EV_BASE] = "VMM_EXE",
		[TVM_EV_MEMSLOT - TVM_EV_BASE] = "MEMSLOT",
		[TVM_EV_VCPU - TVM_EV_BASE] = "VCPU",
		[TVM_EV_CPUID - TVM_EV_BASE] = "CPUID",
		[TVM_EV_SLOT - TVM_EV_BASE] = "SLOT",
		[TVM_EV_FILE - TVM_EV_BASE] = "FILE",
		[TVM_EV_RUNTIME - TVM_EV_BASE] = "RUNTIME",
		[TVM_EV_POLICY - TVM_EV_BASE] = "POLICY",
		[TVM_EV_FLOW - TVM_EV_BASE] = "FLOW",
		[TVM_EV_VSOCK_CID - TVM_EV_BASE] = "VSOCK_CID",
		[TVM_EV_MIGRATION - TVM_EV_BASE] = "MIGRATION",
	};
	uint32_t i = type - TVM_EV_BASE;

	if (type >= TVM_EV_BASE && i < sizeof(names) / sizeof(names[0]) &&
	    names[i])
		return names[i];
	snprintf(buf, 16, "0x%08x", type);
	return buf;
}

/*
 * The first bank of @log in which @ev's digest is not what the kernel
 * gives it: H_bank(data), or for HOST_PCR the host value itself in
 * SHA-256 and H_bank(value) in the others.  -1 when all agree.
 */
static int kernel_bad_bank(const struct qf_log *log, const struct qf_event *ev)
{
	const struct tvm_ev_host_pcr *h = (const void *)ev->data;
	uint8_t want[TVM_DIGEST_MAX];

	for (unsigned int b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(log->banks & (1U << b)))
			continue;
		if (!ev->digest[b])
			return (int)b;
		if (ev->type == TVM_EV_HOST_PCR && b == TVM_BANK_SHA256)
			memcpy(want, h->value, sizeof(h->value));
		else if (ev->type == TVM_EV_HOST_PCR ?
			 qf_hash(b, h->value, sizeof(h->value), want) :
			 qf_hash(b, ev->data, ev->data_len, want))
			return (int)b;
		if (memcmp(ev->digest[b], want, tvm_banks[b].size))
			return (int)b;
	}
	return -1;
}

/* @ev is a reset of PCR 16 or 23 as tvm logs it: "TVMR", zero digests. */
static bool reset_marker(const struct qf_log *log, const struct qf_event *ev)
{
	uint32_t pcr;

	if (!qf_event_is_reset(ev, &pcr) || pcr != ev->pcr ||
	    (pcr != TVM_PCR_DEBUG && pcr != TVM_PCR_APP))
		return false;
	for (unsigned int b = 0; b < __TVM_BANK_MAX; b++)
		for (unsigned int k = 0; (log->banks & (1U << b)) &&
		     k < tvm_banks[b].size; k++)
			if (!ev->digest[b] || ev->digest[b][k])
				return false;
	return true;
}

/* The flags of a TVM_EV_MIGRATION event whose data has the size. */
static uint32_t mig_flags(const struct qf_event *ev)
{
	const struct tvm_ev_migration *m = (const void *)ev->data;

	if (ev->data_len != sizeof(*m) || memcmp(m->magic, "TVMG", 4))
		return 0;
	return le32toh(m->flags);
}

unsigned int attest_check_kernel_events(const struct qf_log *log,
					size_t count, bool kvm,
					const struct attest_sink *sink)
{
	unsigned int checked = 0, vmm = 0;
	char tbuf[16];

	for (size_t i = 0; i < count && i < log->n; i++) {
		const struct qf_event *ev = &log->ev[i];
		const struct kernel_type *k = kernel_type(ev->type);
		const char *name = attest_type_name(ev->type, tbuf);
		/* tvm_vm_create()'s, before anyone: PCRs 0 to 8, in order */
		bool creation = i <= TVM_PCR_VMM;
		int b;

		if (ev->type == TVM_EV_NO_ACTION) {
			/* tvm logs none but its reset markers (16, 23). */
			if (!reset_marker(log, ev))
				sink_put(sink, true, "foreign event: event %zu, "
					 "EV_NO_ACTION in PCR %u, is not a reset "
					 "marker of tvm's", i, ev->pcr);
			continue;
		}
		/*
		 * Events 0-7 are HOST_PCR of PCR 0-7 and event 8 is PCR 8's
		 * TVM_VERSION: the kernel logs them before the VM can be
		 * found.  After them, PCRs 0-7 get nothing and PCR 8 only a
		 * KVM VM's VMM_EXE and the identities of the policies the VM
		 * ran under (POLICY).
		 */
		if (creation ? (ev->pcr != i ||
				ev->type != (i <= TVM_PCR_HOST_LAST ?
					     TVM_EV_HOST_PCR :
					     TVM_EV_TVM_VERSION)) :
		    ev->pcr < TVM_FIRST_ADMIN_PCR &&
		    ev->type != TVM_EV_POLICY &&
		    (ev->type != TVM_EV_VMM_EXE || !kvm || vmm++)) {
			sink_put(sink, true, "foreign event: event %zu, %s in "
				 "PCR %u, is not the kernel's (PCRs 0-8 hold "
				 "only what tvm measured at creation)", i,
				 name, ev->pcr);
			continue;
		}
		if (!k) {
			if (ev->type > TVM_EV_BASE && ev->type !=
			    TVM_EV_EXTEND && ev->type <= TVM_EV_RESERVED_LAST)
				sink_put(sink, false, "event %zu: tvm event "
					 "type %s is unknown to this tvmctl",
					 i, name);
			continue;
		}
		if (!(k->pcr_mask & (1U << ev->pcr))) {
			sink_put(sink, true, "foreign event: event %zu, %s in "
				 "PCR %u, where the kernel never logs it", i,
				 name, ev->pcr);
			continue;
		}
		if (k->size && ev->data_len != k->size) {
			sink_put(sink, true, "log forged: event %zu, %s: data "
				 "is %u bytes, not %u", i, name, ev->data_len,
				 k->size);
			continue;
		}
		if (ev->type == TVM_EV_HOST_PCR &&
		    (memcmp(ev->data, "TVMH", 4) || ev->data[4] != ev->pcr)) {
			sink_put(sink, true, "log forged: event %zu, %s: not "
				 "the record of host PCR %u", i, name,
				 ev->pcr);
			continue;
		}
		/*
		 * A VM that migrated in is bound to a new VMM there, whose
		 * executable PCR 8 gets after the IN event.
		 */
		if (ev->type == TVM_EV_MIGRATION &&
		    mig_flags(ev) == TVM_EV_MIG_IN)
			vmm = 0;
		if (!k->hashed && ev->type != TVM_EV_HOST_PCR)
			continue;
		checked++;
		b = kernel_bad_bank(log, ev);
		if (b >= 0)
			sink_put(sink, true, "log forged: event %zu, %s in PCR "
				 "%u: its %s digest is not the hash of its "
				 "data", i, name, ev->pcr, tvm_banks[b].name);
	}
	return checked;
}

enum attest_launch attest_launch(uint64_t firmware, const struct qf_log *log,
				 size_t count)
{
	if ((firmware & TVM_QUOTE_FW_ABI) < 6)
		return ATTEST_LAUNCH_UNKNOWN;
	if (!(firmware & TVM_QUOTE_FW_KVM))
		return ATTEST_LAUNCH_ADMIN;
	if (firmware & TVM_QUOTE_FW_ADOPTED)
		return ATTEST_LAUNCH_ADOPTED;
	for (size_t i = 0; log && i < count && i < log->n; i++)
		if (log->ev[i].type == TVM_EV_SLOT &&
		    log->ev[i].pcr == TVM_PCR_OS)
			return ATTEST_LAUNCH_KVM;
	return ATTEST_LAUNCH_NOT_YET;
}

const char *attest_launch_name(enum attest_launch l)
{
	switch (l) {
	case ATTEST_LAUNCH_KVM:
		return "measured by the kernel (KVM)";
	case ATTEST_LAUNCH_NOT_YET:
		return "not yet (a KVM VM that has not run)";
	case ATTEST_LAUNCH_ADOPTED:
		return "not measured (a KVM VM adopted while running)";
	case ATTEST_LAUNCH_ADMIN:
		return "administrator's extends (not a KVM VM)";
	default:
		return "unknown (a quote from before ABI 6)";
	}
}

int attest_key_id(EVP_PKEY *key, uint8_t id[TVM_KEY_ID_SIZE])
{
	unsigned char *der = NULL;
	int len;
	int ret;

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		return -EOPNOTSUPP;
	/* For RSA, the PKCS#1 RSAPublicKey: the kernel's public_key->key. */
	len = i2d_PublicKey(key, &der);
	if (len <= 0)
		return -EINVAL;
	ret = qf_hash(TVM_BANK_SHA256, der, (size_t)len, id) ? -EIO : 0;
	OPENSSL_free(der);
	return ret;
}

int attest_read_key_id(const char *path, uint8_t id[TVM_KEY_ID_SIZE])
{
	const unsigned char *p;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	uint8_t *buf;
	size_t len;
	BIO *bio;
	int ret;

	ret = attest_read_file(path, 1 << 20, &buf, &len);
	if (ret)
		return ret;
	p = buf;
	cert = d2i_X509(NULL, &p, (long)len);
	bio = BIO_new_mem_buf(buf, (int)len);
	if (!cert && bio)
		cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (cert) {
		key = X509_get_pubkey(cert);
	} else if (bio) {
		(void)BIO_reset(bio);
		key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		if (!key) {
			(void)BIO_reset(bio);
			key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
		}
	}
	ret = key ? attest_key_id(key, id) : -EBADMSG;
	EVP_PKEY_free(key);
	X509_free(cert);
	BIO_free(bio);
	free(buf);
	return ret;
}

int attest_policy_digest(const struct policy *p, uint8_t digest[32])
{
	size_t len = 0;
	uint8_t *buf;
	int ret;

	ret = policy_canonical(p, NULL, 0, &len);
	if (ret != -ENOSPC && ret)
		return ret;
	buf = malloc(len + NLA_HDRLEN);
	if (!buf)
		return -ENOMEM;
	ret = policy_canonical(p, buf, len + NLA_HDRLEN, &len);
	if (!ret)
		ret = qf_hash(TVM_BANK_SHA256, buf, len, digest) ? -EIO : 0;
	free(buf);
	return ret;
}

void attest_policy_identity(const struct policy *p, const uint8_t digest[32],
			    struct tvm_ev_policy *id)
{
	memset(id, 0, sizeof(*id));
	memcpy(id->magic, "TVMP", 4);
	id->revision = htole32(p->revision);
	memcpy(id->digest, digest, sizeof(id->digest));
	if (p->has_key)
		memcpy(id->key_id, p->key_id, sizeof(id->key_id));
}

/* "digest 1a2b3c4d... key 5e6f7a8b... revision 3", or "no policy". */
static void identity_str(const struct tvm_ev_policy *id, char *buf,
			 size_t len)
{
	static const uint8_t zero[32];
	char d[17], k[17];

	if (!memcmp(id->digest, zero, sizeof(zero))) {
		snprintf(buf, len, "no policy");
		return;
	}
	format_hex(id->digest, 8, d);
	format_hex(id->key_id, 8, k);
	if (memcmp(id->key_id, zero, sizeof(zero)))
		snprintf(buf, len, "digest %s... key %s... revision %u", d, k,
			 le32toh(id->revision));
	else
		snprintf(buf, len, "digest %s... unsigned", d);
}

unsigned int attest_check_policy_id(const struct qf_log *log, size_t count,
				    const struct tvm_ev_policy *want,
				    const struct attest_sink *sink)
{
	static const uint8_t zero[32];
	char got[96], exp[96];
	struct tvm_ev_policy id;
	size_t last = SIZE_MAX;
	unsigned int n = 0;

	identity_str(want, exp, sizeof(exp));
	for (size_t i = 0; i < count && i < log->n; i++) {
		const struct qf_event *ev = &log->ev[i];
		uint8_t h[TVM_DIGEST_MAX];
		bool bad = false;

		if (ev->type != TVM_EV_POLICY)
			continue;
		if (ev->pcr != TVM_PCR_VMM || ev->data_len != sizeof(id)) {
			sink_put(sink, true, "policy: event %zu is not a "
				 "policy identity (pcr %u, %u bytes)", i,
				 ev->pcr, ev->data_len);
			continue;
		}
		for (unsigned int b = 0; b < __TVM_BANK_MAX; b++)
			if ((log->banks & (1U << b)) &&
			    (!ev->digest[b] ||
			     qf_hash(b, ev->data, sizeof(id), h) ||
			     memcmp(ev->digest[b], h, tvm_banks[b].size)))
				bad = true;
		if (bad) {
			sink_put(sink, true, "policy: event %zu: its digests "
				 "are not the hash of its data", i);
			continue;
		}
		memcpy(&id, ev->data, sizeof(id));
		n++;
		last = i;
		if (!memcmp(&id, want, sizeof(id)))
			continue;
		identity_str(&id, got, sizeof(got));
		/* The owner's own earlier revision: the same key, lower. */
		if (memcmp(want->key_id, zero, sizeof(zero)) &&
		    !memcmp(id.key_id, want->key_id, sizeof(id.key_id)) &&
		    le32toh(id.revision) < le32toh(want->revision))
			sink_put(sink, false, "policy: event %zu: an earlier "
				 "revision of the owner's policy (%s)", i, got);
		else
			sink_put(sink, true, "policy mismatch: event %zu: the "
				 "VM ran under %s, not the policy given (%s)",
				 i, got, exp);
	}
	if (!n)
		sink_put(sink, true, "policy mismatch: the quoted log records "
			 "no policy (no TVM_EV_POLICY event: not launched, or "
			 "by a tvm before ABI 6)");
	else if (memcmp(log->ev[last].data, want, sizeof(*want)))
		sink_put(sink, true, "policy mismatch: the policy in force "
			 "at the quote is not the policy given (%s)", exp);
	return n;
}

/* "measure", "taint", "block", or the actions of @mask, "measure or block". */
static void actions_text(uint32_t mask, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (uint32_t a = 0; a <= TVM_DF_ACTION_MAX; a++) {
		if (!(mask & (1U << a)))
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " or " : "",
				      policy_df_action_name(a));
		if (o >= len)
			break;
	}
}

unsigned int attest_check_flows(const struct qf_log *log, size_t count,
				const struct tvm_df_section *df,
				const struct attest_sink *sink)
{
	static const uint8_t zero[TVM_UUID_SIZE];
	char who[PARSE_UUID_STR_LEN + 8], may[48];
	unsigned int checked = 0;

	for (size_t i = 0; i < count && i < log->n; i++) {
		const struct qf_event *ev = &log->ev[i];
		struct tvm_df_sender s = { 0 };
		struct tvm_ev_flow d;
		uint32_t action, port, mask;

		if (ev->type != TVM_EV_FLOW || ev->pcr != TVM_PCR_DATAFLOW)
			continue;
		if (ev->data_len != sizeof(d)) {
			sink_put(sink, true, "dataflow mismatch: event %zu: "
				 "FLOW data is %u bytes, not %zu", i,
				 ev->data_len, sizeof(d));
			continue;
		}
		memcpy(&d, ev->data, sizeof(d));
		action = le32toh(d.action);
		port = le32toh(d.dst_port);
		if (le32toh(d.flags) & TVM_EV_FLOW_HOST) {
			s.host = true;
			snprintf(who, sizeof(who), "the host");
		} else if (memcmp(d.sender, zero, sizeof(zero))) {
			s.uuid = d.sender;
			format_uuid(d.sender, who);
		} else {
			snprintf(who, sizeof(who), "CID %llu",
				 (unsigned long long)le64toh(d.src_cid));
		}
		checked++;
		if (action > TVM_DF_ACTION_MAX) {
			sink_put(sink, true, "dataflow mismatch: event %zu: "
				 "flow from %s to port %u has action %u, none "
				 "tvm knows", i, who, port, action);
			continue;
		}
		mask = tvm_df_possible(df, &s, port);
		if (mask & (1U << action))
			continue;
		actions_text(mask, may, sizeof(may));
		sink_put(sink, true, "dataflow mismatch: event %zu: flow from "
			 "%s to port %u was %s%s; the policy's dataflow "
			 "section would %s it", i, who, port,
			 action == TVM_DF_MEASURE ? "measured" :
			 action == TVM_DF_TAINT ? "tainting" : "blocked",
			 action == TVM_DF_TAINT ? " (delivered)" : "", may);
	}
	return checked;
}

/* The first 8 bytes of a host id in hex, as messages name hosts. */
static const char *short_id(const uint8_t *id, char buf[17])
{
	format_hex(id, 8, buf);
	return buf;
}

unsigned int attest_check_migrations(const struct qf_log *log, size_t count,
				     const uint8_t *host,
				     struct attest_mig_step *steps,
				     const struct attest_sink *sink)
{
	/* The OUT waiting for its end, the IN waiting for its COMMIT. */
	const struct tvm_ev_migration *out = NULL, *in = NULL, *last = NULL;
	/* Where the VM is: the destination of the last IN, once there is one. */
	const uint8_t *here = NULL;
	unsigned int n = 0;
	char a[17], b[17];

	for (size_t i = 0; i < count && i < log->n; i++) {
		const struct qf_event *ev = &log->ev[i];
		const struct tvm_ev_migration *m = (const void *)ev->data;
		uint32_t flags = mig_flags(ev);

		if (ev->type != TVM_EV_MIGRATION)
			continue;
		if (!flags || (flags & (flags - 1)) ||
		    flags > TVM_EV_MIG_OVERRIDE) {
			sink_put(sink, true, "migration: event %zu is not a "
				 "migration step tvm logs", i);
			continue;
		}
		if (n < ATTEST_MIG_MAX) {
			steps[n].seq = i;
			steps[n].flags = flags;
			memcpy(steps[n].id, m->id, sizeof(m->id));
			memcpy(steps[n].source, m->source, sizeof(m->source));
			memcpy(steps[n].dest, m->dest, sizeof(m->dest));
		}
		n++;
		last = m;
		switch (flags) {
		case TVM_EV_MIG_OUT:
			if (out || in)
				sink_put(sink, true, "migration: event %zu "
					 "exports a VM whose last migration "
					 "did not end", i);
			else if (here && memcmp(m->source, here, 32))
				sink_put(sink, true, "migration: event %zu "
					 "exports from host %s..., but the VM "
					 "was on host %s...", i,
					 short_id(m->source, a),
					 short_id(here, b));
			out = m;
			break;
		case TVM_EV_MIG_IN:
			if (!out || memcmp(out->id, m->id, sizeof(m->id)) ||
			    memcmp(out->source, m->source, 32) ||
			    memcmp(out->dest, m->dest, 32))
				sink_put(sink, true, "migration: event %zu "
					 "imports what no OUT event before it "
					 "exported (another migration's)", i);
			out = NULL;
			in = m;
			here = m->dest;
			break;
		case TVM_EV_MIG_COMMIT:
			if (!in || memcmp(in->id, m->id, sizeof(m->id)) ||
			    memcmp(in->dest, m->dest, 32))
				sink_put(sink, true, "migration: event %zu "
					 "commits what the IN event before it "
					 "did not import", i);
			in = NULL;
			break;
		default:	/* ABORT, OVERRIDE: the source resumes */
			if (!out || memcmp(out->id, m->id, sizeof(m->id)))
				sink_put(sink, true, "migration: event %zu "
					 "resumes a VM that no OUT event "
					 "before it froze", i);
			if (flags == TVM_EV_MIG_OVERRIDE)
				sink_put(sink, false, "WARNING: migration "
					 "override at event %zu: the "
					 "administrator of host %s... resumed "
					 "the VM without host %s...'s receipt; "
					 "a copy of it may live there", i,
					 short_id(m->source, a),
					 short_id(m->dest, b));
			out = NULL;
			break;
		}
	}
	if (!last)
		return 0;
	if (out)
		sink_put(sink, false, "migration: the log ends with the VM "
			 "exported to host %s... (frozen, or gone, where it "
			 "was quoted)", short_id(out->dest, a));
	else if (in)
		sink_put(sink, false, "migration: the log ends with the VM "
			 "imported, not yet committed");
	if (host && here && memcmp(here, host, 32))
		sink_put(sink, true, "migration: the log says the VM moved to "
			 "host %s..., but the quote is signed by host %s...",
			 short_id(here, a), short_id(host, b));
	return n;
}
