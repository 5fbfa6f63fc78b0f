// SPDX-License-Identifier: GPL-2.0
/*
 * The files of a quote: TPMS_ATTEST, TPMT_SIGNATURE, tpm2-tools' PCR
 * file, and the binary event log's replay.  See quote_fmt.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "quote_fmt.h"
#include "tvm_log.h"

/* A bounded big-endian reader: any overrun sets @bad and reads zeros. */
struct rbuf {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

static const uint8_t *take(struct rbuf *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || r->len - r->off < n) {
		r->bad = true;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

static uint64_t get_be(struct rbuf *r, size_t n)
{
	const uint8_t *p = take(r, n);
	uint64_t v = 0;

	for (size_t i = 0; p && i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t get_le(struct rbuf *r, size_t n)
{
	const uint8_t *p = take(r, n);
	uint64_t v = 0;

	for (size_t i = n; p && i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

/* A TPM2B of at most @max bytes into @out. */
static uint16_t get_tpm2b(struct rbuf *r, uint8_t *out, size_t max)
{
	uint16_t n = (uint16_t)get_be(r, 2);
	const uint8_t *p;

	if (n > max) {
		r->bad = true;
		return 0;
	}
	p = take(r, n);
	if (p)
		memcpy(out, p, n);
	return n;
}

int qf_attest_parse(const uint8_t *buf, size_t len, struct qf_attest *a)
{
	struct rbuf r = { .p = buf, .len = len };
	uint8_t size;
	const uint8_t *sel;

	memset(a, 0, sizeof(*a));
	a->magic = (uint32_t)get_be(&r, 4);
	a->type = (uint16_t)get_be(&r, 2);
	a->signer_len = get_tpm2b(&r, a->signer, sizeof(a->signer));
	a->extra_len = get_tpm2b(&r, a->extra, sizeof(a->extra));
	a->clock = get_be(&r, 8);
	a->reset_count = (uint32_t)get_be(&r, 4);
	a->restart_count = (uint32_t)get_be(&r, 4);
	a->safe = (uint8_t)get_be(&r, 1);
	a->firmware = get_be(&r, 8);
	a->sel_count = (uint32_t)get_be(&r, 4);
	if (a->sel_count > QF_SEL_MAX)
		return -EBADMSG;
	for (uint32_t i = 0; i < a->sel_count; i++) {
		a->sel_alg[i] = (uint16_t)get_be(&r, 2);
		size = (uint8_t)get_be(&r, 1);
		sel = take(&r, size);
		for (unsigned int b = 0; sel && b < size; b++) {
			if (b >= 3 && sel[b])
				return -EBADMSG;	/* PCR 24 and up */
			if (b < 3)
				a->sel_mask[i] |= (uint32_t)sel[b] << (8 * b);
		}
	}
	a->digest_len = get_tpm2b(&r, a->digest, sizeof(a->digest));
	if (r.bad || r.off != len)
		return -EBADMSG;
	return 0;
}

size_t qf_sig_encode(const uint8_t *sig, size_t len, uint8_t *buf)
{
	if (buf) {
		buf[0] = QF_ALG_RSASSA >> 8;
		buf[1] = QF_ALG_RSASSA & 0xff;
		buf[2] = QF_ALG_SHA256 >> 8;
		buf[3] = QF_ALG_SHA256 & 0xff;
		buf[4] = (uint8_t)(len >> 8);
		buf[5] = (uint8_t)len;
		memcpy(buf + 6, sig, len);
	}
	return 6 + len;
}

int qf_sig_parse(const uint8_t *buf, size_t len, const uint8_t **sig,
		 size_t *sig_len)
{
	struct rbuf r = { .p = buf, .len = len };
	uint16_t alg = (uint16_t)get_be(&r, 2);
	uint16_t hash = (uint16_t)get_be(&r, 2);
	uint16_t n = (uint16_t)get_be(&r, 2);
	const uint8_t *p = take(&r, n);

	if (r.bad || r.off != len || !n || n > QF_SIG_MAX)
		return -EBADMSG;
	if (alg != QF_ALG_RSASSA || hash != QF_ALG_SHA256)
		return -EOPNOTSUPP;
	*sig = p;
	*sig_len = n;
	return 0;
}

int qf_tpmt_parse(const uint8_t *buf, size_t len, struct qf_sig *sig)
{
	struct rbuf r = { .p = buf, .len = len };
	uint16_t alg = (uint16_t)get_be(&r, 2);
	uint16_t hash = (uint16_t)get_be(&r, 2);
	size_t n;

	if (r.bad)
		return -EBADMSG;
	memset(sig, 0, sizeof(*sig));
	if (alg == QF_ALG_RSASSA) {
		int ret = qf_sig_parse(buf, len, &sig->sig, &sig->sig_len);

		sig->alg = alg;
		return ret;
	}
	if (alg != QF_ALG_ECDSA)
		return -EOPNOTSUPP;
	n = (size_t)get_be(&r, 2);
	sig->r = take(&r, n);
	sig->r_len = n;
	n = (size_t)get_be(&r, 2);
	sig->s = take(&r, n);
	sig->s_len = n;
	if (r.bad || r.off != len || !sig->r_len || sig->r_len > QF_EC_BYTES ||
	    !sig->s_len || sig->s_len > QF_EC_BYTES)
		return -EBADMSG;
	if (hash != QF_ALG_SHA256)
		return -EOPNOTSUPP;
	sig->alg = alg;
	return 0;
}

/* Host-order integers at @p, as the tss2 structs hold them. */
static void put_h16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof(v)); }
static void put_h32(uint8_t *p, uint32_t v) { memcpy(p, &v, sizeof(v)); }
static uint16_t get_h16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get_h32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

#define TPMS_PCR_SELECTION_SIZE	8	/* u16, u8, u8[4], pad */
#define TPM2B_DIGEST_SIZE	66	/* u16, u8[64] */
#define TPML_DIGEST_MAX		8

static unsigned int popcount(uint32_t m)
{
	return (unsigned int)__builtin_popcount(m);
}

size_t qf_pcrs_size(uint32_t mask)
{
	size_t lists = (popcount(mask) + TPML_DIGEST_MAX - 1) / TPML_DIGEST_MAX;

	return QF_PCRS_SEL_SIZE + 4 + lists * QF_PCRS_LIST_SIZE;
}

size_t qf_pcrs_encode(const struct qf_pcrs *p, uint8_t *buf)
{
	size_t size = qf_pcrs_size(p->mask), lists, n = 0;
	uint8_t *list = NULL;

	memset(buf, 0, size);
	put_h32(buf, 1);
	put_h16(buf + 4, p->alg);
	buf[6] = 3;
	buf[7] = (uint8_t)p->mask;
	buf[8] = (uint8_t)(p->mask >> 8);
	buf[9] = (uint8_t)(p->mask >> 16);
	lists = (size - QF_PCRS_SEL_SIZE - 4) / QF_PCRS_LIST_SIZE;
	put_h32(buf + QF_PCRS_SEL_SIZE, (uint32_t)lists);
	for (unsigned int i = 0; i < TVM_NUM_PCRS; i++) {
		if (!(p->mask & (1U << i)))
			continue;
		if (n % TPML_DIGEST_MAX == 0)
			list = buf + QF_PCRS_SEL_SIZE + 4 +
			       (n / TPML_DIGEST_MAX) * QF_PCRS_LIST_SIZE;
		put_h32(list, get_h32(list) + 1);
		put_h16(list + 4 + (n % TPML_DIGEST_MAX) * TPM2B_DIGEST_SIZE,
			p->size);
		memcpy(list + 6 + (n % TPML_DIGEST_MAX) * TPM2B_DIGEST_SIZE,
		       p->value[i], p->size);
		n++;
	}
	return size;
}

int qf_pcrs_parse(const uint8_t *buf, size_t len, struct qf_pcrs *p)
{
	uint32_t count, lists, n = 0, want;
	const uint8_t *list;

	memset(p, 0, sizeof(*p));
	if (len < QF_PCRS_SEL_SIZE + 4)
		return -EBADMSG;
	count = get_h32(buf);
	if (count != 1)
		return count ? -EOPNOTSUPP : -EBADMSG;
	p->alg = get_h16(buf + 4);
	if (buf[6] < 3 || buf[6] > 4 || (buf[6] == 4 && buf[10]))
		return -EBADMSG;
	p->mask = buf[7] | (uint32_t)buf[8] << 8 | (uint32_t)buf[9] << 16;
	want = popcount(p->mask);
	lists = get_h32(buf + QF_PCRS_SEL_SIZE);
	if (!want || lists != (want + TPML_DIGEST_MAX - 1) / TPML_DIGEST_MAX ||
	    len != QF_PCRS_SEL_SIZE + 4 + (size_t)lists * QF_PCRS_LIST_SIZE)
		return -EBADMSG;
	for (unsigned int i = 0; i < TVM_NUM_PCRS; i++) {
		const uint8_t *d;
		uint16_t size;

		if (!(p->mask & (1U << i)))
			continue;
		list = buf + QF_PCRS_SEL_SIZE + 4 +
		       (n / TPML_DIGEST_MAX) * QF_PCRS_LIST_SIZE;
		if (get_h32(list) != (n / TPML_DIGEST_MAX + 1 < lists ?
				      TPML_DIGEST_MAX :
				      want - (lists - 1) * TPML_DIGEST_MAX))
			return -EBADMSG;
		d = list + 4 + (n % TPML_DIGEST_MAX) * TPM2B_DIGEST_SIZE;
		size = get_h16(d);
		if (!size || size > 64 || (p->size && size != p->size))
			return -EBADMSG;
		p->size = size;
		memcpy(p->value[i], d + 2, size);
		n++;
	}
	return 0;
}

static const char *const evp_names[__TVM_BANK_MAX] = {
	[TVM_BANK_SHA1] = "SHA1",
	[TVM_BANK_SHA256] = "SHA256",
	[TVM_BANK_SHA384] = "SHA384",
	[TVM_BANK_SM3_256] = "SM3",
};

int qf_hash(unsigned int bank, const void *data, size_t len, uint8_t *out)
{
	EVP_MD *md;
	int ok;

	if (bank >= __TVM_BANK_MAX)
		return -EINVAL;
	md = EVP_MD_fetch(NULL, evp_names[bank], NULL);
	if (!md)
		return -EIO;
	ok = EVP_Digest(data, len, out, NULL, md, NULL);
	EVP_MD_free(md);
	return ok ? 0 : -EIO;
}

int qf_pcrs_digest(const struct qf_pcrs *p, uint8_t out[32])
{
	uint8_t concat[TVM_NUM_PCRS * 64];
	size_t n = 0;

	for (unsigned int i = 0; i < TVM_NUM_PCRS; i++) {
		if (!(p->mask & (1U << i)))
			continue;
		memcpy(concat + n, p->value[i], p->size);
		n += p->size;
	}
	return qf_hash(TVM_BANK_SHA256, concat, n, out);
}

int qf_bank_of_alg(uint16_t alg)
{
	for (unsigned int b = 0; b < __TVM_BANK_MAX; b++)
		if (tvm_banks[b].tpm_alg == alg)
			return (int)b;
	return -1;
}

/* The Spec ID event: which banks the events carry, in which order. */
static int parse_specid(struct rbuf *r, struct qf_log *log, int *order,
			unsigned int *nalg)
{
	static const char sig[16] = "Spec ID Event03";
	struct rbuf d;
	const uint8_t *p;
	uint32_t size, n;

	get_le(r, 4);			/* pcrIndex */
	if (get_le(r, 4) != TVM_EV_NO_ACTION)
		return -EBADMSG;
	take(r, 20);
	size = (uint32_t)get_le(r, 4);
	d.p = take(r, size);
	if (!d.p)
		return -EBADMSG;
	d.len = size;
	d.off = 0;
	d.bad = false;
	p = take(&d, 16);
	if (!p || memcmp(p, sig, sizeof(sig)))
		return -EBADMSG;
	take(&d, 8);			/* class, version, uintnSize */
	n = (uint32_t)get_le(&d, 4);
	if (!n || n > __TVM_BANK_MAX)
		return -EBADMSG;
	for (uint32_t i = 0; i < n; i++) {
		uint16_t alg = (uint16_t)get_le(&d, 2);
		uint16_t dsize = (uint16_t)get_le(&d, 2);
		int b = qf_bank_of_alg(alg);

		if (d.bad)
			return -EBADMSG;
		if (b < 0)
			return -EOPNOTSUPP;
		if (dsize != tvm_banks[b].size || (log->banks & (1U << b)))
			return -EBADMSG;
		log->banks |= 1U << b;
		order[i] = b;
	}
	*nalg = n;
	size = (uint32_t)get_le(&d, 1);
	take(&d, size);
	return d.bad ? -EBADMSG : 0;
}

int qf_log_parse(const uint8_t *buf, size_t len, struct qf_log *log)
{
	struct rbuf r = { .p = buf, .len = len };
	int order[__TVM_BANK_MAX];
	unsigned int nalg;
	size_t cap = 0;
	int ret;

	memset(log, 0, sizeof(*log));
	ret = parse_specid(&r, log, order, &nalg);
	if (ret)
		return ret;
	while (r.off < r.len) {
		struct qf_event ev = { 0 };

		ev.pcr = (uint32_t)get_le(&r, 4);
		ev.type = (uint32_t)get_le(&r, 4);
		if (get_le(&r, 4) != nalg || ev.pcr >= TVM_NUM_PCRS)
			goto bad;
		for (unsigned int i = 0; i < nalg; i++) {
			if (get_le(&r, 2) != tvm_banks[order[i]].tpm_alg)
				goto bad;
			ev.digest[order[i]] = take(&r, tvm_banks[order[i]].size);
		}
		ev.data_len = (uint32_t)get_le(&r, 4);
		if (ev.data_len > TVM_EVENT_DATA_MAX)
			goto bad;
		ev.data = take(&r, ev.data_len);
		if (r.bad)
			goto bad;
		if (log->n == cap) {
			struct qf_event *p;

			cap = cap ? 2 * cap : 64;
			p = realloc(log->ev, cap * sizeof(*p));
			if (!p) {
				qf_log_free(log);
				return -ENOMEM;
			}
			log->ev = p;
		}
		log->ev[log->n++] = ev;
	}
	return 0;
bad:
	qf_log_free(log);
	return -EBADMSG;
}

void qf_log_free(struct qf_log *log)
{
	free(log->ev);
	log->ev = NULL;
	log->n = 0;
}

bool qf_event_is_reset(const struct qf_event *ev, uint32_t *pcr)
{
	if (ev->type != TVM_EV_NO_ACTION ||
	    ev->data_len != sizeof(struct tvm_ev_reset) ||
	    memcmp(ev->data, "TVMR", 4))
		return false;
	*pcr = ev->data[4];
	return true;
}

/* Fold @ev into @pcr of @bank (whose value is @val). */
static int fold(const struct qf_event *ev, unsigned int bank, uint8_t *val)
{
	uint8_t buf[2 * TVM_DIGEST_MAX];
	unsigned int size = tvm_banks[bank].size;
	uint32_t pcr;

	if (qf_event_is_reset(ev, &pcr)) {
		memset(val, 0, size);
		return 0;
	}
	if (ev->type == TVM_EV_NO_ACTION)
		return 0;
	memcpy(buf, val, size);
	memcpy(buf + size, ev->digest[bank], size);
	return qf_hash(bank, buf, 2 * size, val);
}

int qf_log_replay(const struct qf_log *log, size_t count, unsigned int bank,
		  uint8_t pcrs[TVM_NUM_PCRS][TVM_DIGEST_MAX])
{
	int ret;

	if (count > log->n || bank >= __TVM_BANK_MAX ||
	    !(log->banks & (1U << bank)))
		return -EINVAL;
	memset(pcrs, 0, TVM_NUM_PCRS * TVM_DIGEST_MAX);
	for (size_t i = 0; i < count; i++) {
		const struct qf_event *ev = &log->ev[i];
		uint32_t pcr = ev->pcr;

		qf_event_is_reset(ev, &pcr);
		if (pcr >= TVM_NUM_PCRS)
			continue;
		ret = fold(ev, bank, pcrs[pcr]);
		if (ret)
			return ret;
	}
	return 0;
}

/* PCR @pcr replayed from the events @idx[0..@n) of @log, in that order. */
static int replay_one(const struct qf_log *log, const size_t *idx, size_t n,
		      unsigned int bank, uint8_t *val)
{
	int ret;

	memset(val, 0, TVM_DIGEST_MAX);
	for (size_t i = 0; i < n; i++) {
		ret = fold(&log->ev[idx[i]], bank, val);
		if (ret)
			return ret;
	}
	return 0;
}

/* The events of @count that touch @pcr (extend or reset), in order. */
static size_t events_of(const struct qf_log *log, size_t count, uint32_t pcr,
			size_t *idx)
{
	size_t n = 0;

	for (size_t i = 0; i < count; i++) {
		uint32_t p = log->ev[i].pcr;

		qf_event_is_reset(&log->ev[i], &p);
		if (p == pcr)
			idx[n++] = i;
	}
	return n;
}

/* Events of one PCR beyond which a reordering is not searched for. */
#define QF_REORDER_MAX	256

/* Would swapping two events of @pcr reproduce @want? */
static bool swap_matches(const struct qf_log *log, size_t count,
			 unsigned int bank, uint32_t pcr, const uint8_t *want)
{
	unsigned int size = tvm_banks[bank].size;
	uint8_t val[TVM_DIGEST_MAX];
	size_t *idx, n, t;
	bool found = false;

	idx = malloc(count * sizeof(*idx) + 1);
	if (!idx)
		return false;
	n = events_of(log, count, pcr, idx);
	for (size_t i = 0; n <= QF_REORDER_MAX && !found && i < n; i++) {
		for (size_t j = i + 1; !found && j < n; j++) {
			t = idx[i];
			idx[i] = idx[j];
			idx[j] = t;
			found = !replay_one(log, idx, n, bank, val) &&
				!memcmp(val, want, size);
			idx[j] = idx[i];
			idx[i] = t;
		}
	}
	free(idx);
	return found;
}

enum qf_log_verdict qf_log_check(const struct qf_log *log, uint64_t count,
				 const struct qf_pcrs *q,
				 unsigned int *bad_pcr)
{
	uint8_t pcrs[TVM_NUM_PCRS][TVM_DIGEST_MAX];
	int bank = qf_bank_of_alg(q->alg);

	if (bank < 0 || !(log->banks & (1U << bank)) ||
	    q->size != tvm_banks[bank].size)
		return QF_LOG_ERROR;
	if (count > log->n)
		return QF_LOG_TRUNCATED;
	if (qf_log_replay(log, (size_t)count, (unsigned int)bank, pcrs))
		return QF_LOG_ERROR;
	for (unsigned int i = 0; i < TVM_NUM_PCRS; i++) {
		if (!(q->mask & (1U << i)) ||
		    !memcmp(pcrs[i], q->value[i], q->size))
			continue;
		*bad_pcr = i;
		if (swap_matches(log, (size_t)count, (unsigned int)bank, i,
				 q->value[i]))
			return QF_LOG_REORDERED;
		return QF_LOG_EDITED;
	}
	return QF_LOG_OK;
}

int qf_signer_name(const uint8_t uuid[TVM_UUID_SIZE], const char *name,
		   uint8_t out[QF_SIGNER_SIZE])
{
	uint8_t buf[TVM_UUID_SIZE + TVM_NAME_MAX];
	size_t n = strlen(name);

	if (n > TVM_NAME_MAX)
		return -EINVAL;
	memcpy(buf, uuid, TVM_UUID_SIZE);
	memcpy(buf + TVM_UUID_SIZE, name, n);
	out[0] = QF_ALG_SHA256 >> 8;
	out[1] = QF_ALG_SHA256 & 0xff;
	return qf_hash(TVM_BANK_SHA256, buf, TVM_UUID_SIZE + n, out + 2);
}
