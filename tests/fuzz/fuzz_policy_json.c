// SPDX-License-Identifier: GPL-2.0
/*
 * policy_parse() on arbitrary text.  A policy it accepts must encode (its
 * runtime ranges within the kernel's bounds), and
 * the encoded TVM_A_POLICY payload must decode back to the same policy
 * and encode again to the same bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "fuzz.h"
#include "policy_json.h"

static void same_policy(const struct policy *a, const struct policy *b)
{
	unsigned int l, i;

	FUZZ_CHECK(a->version == b->version);
	FUZZ_CHECK(a->mode == b->mode);
	FUZZ_CHECK(a->sel.type == b->sel.type);
	if (a->sel.type == POLICY_SEL_UUID)
		FUZZ_CHECK(!memcmp(a->sel.uuid, b->sel.uuid, sizeof(a->sel.uuid)));
	if (a->sel.type == POLICY_SEL_NAME)
		FUZZ_CHECK(!strcmp(a->sel.name, b->sel.name));
	FUZZ_CHECK(a->has_key == b->has_key);
	FUZZ_CHECK(!memcmp(a->key_id, b->key_id, sizeof(a->key_id)));
	FUZZ_CHECK(a->revision == b->revision);
	FUZZ_CHECK(a->tombstone == b->tombstone);
	FUZZ_CHECK(a->nranges == b->nranges);
	FUZZ_CHECK(a->nranges <= TVM_POLICY_RANGES_MAX);
	for (i = 0; i < a->nranges; i++) {
		const struct tvm_range *r = &a->ranges[i];

		FUZZ_CHECK(r->len >= 1 && r->len <= TVM_RANGE_LEN_MAX);
		FUZZ_CHECK(r->gpa + r->len > r->gpa);
		FUZZ_CHECK(!r->interval_ms ||
			   (r->interval_ms >= TVM_RANGE_INTERVAL_MIN &&
			    r->interval_ms <= TVM_RANGE_INTERVAL_MAX));
		FUZZ_CHECK(!memcmp(r, &b->ranges[i], sizeof(*r)));
	}
	for (l = 0; l <= TVM_POLICY_LEVELS; l++) {
		const struct tvm_policy_level *x = &a->levels[l], *y = &b->levels[l];

		FUZZ_CHECK(x->present == y->present);
		FUZZ_CHECK(x->nevents == y->nevents);
		FUZZ_CHECK(x->npcr == y->npcr);
		FUZZ_CHECK(x->npcr <= TVM_POLICY_DIGESTS_MAX);
		FUZZ_CHECK(!memcmp(x->pcr, y->pcr, x->npcr * sizeof(x->pcr[0])));
		for (i = 0; i < x->nevents; i++) {
			const struct tvm_policy_event *e = &x->events[i];
			const struct tvm_policy_event *f = &y->events[i];

			FUZZ_CHECK(!strcmp(e->name, f->name));
			FUZZ_CHECK(e->ndigests == f->ndigests);
			FUZZ_CHECK(e->ndigests <= TVM_POLICY_DIGESTS_MAX);
			FUZZ_CHECK(!memcmp(e->digests, f->digests,
					   e->ndigests * sizeof(e->digests[0])));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[POLICY_ATTR_MAX + 1], again[POLICY_ATTR_MAX + 1];
	char err[POLICY_ERR_MAX];
	struct policy p, back;
	size_t len, len2;
	int ret;

	if (size > POLICY_FILE_MAX)
		return 0;
	err[0] = '\0';
	ret = policy_parse("fuzz.json", (const char *)data, size, &p, err,
			   sizeof(err));
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL);
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) && err[0]);
		return 0;
	}

	ret = policy_encode(&p, buf, sizeof(buf), &len);
	if (ret == -E2BIG) {		/* a valid file can be too big to send */
		policy_free(&p);
		return 0;
	}
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(len >= NLA_HDRLEN && len <= POLICY_ATTR_MAX);

	ret = policy_decode(buf + NLA_HDRLEN, len - NLA_HDRLEN, &back);
	FUZZ_CHECK(ret == 0);
	same_policy(&p, &back);
	FUZZ_CHECK(policy_encode(&back, again, sizeof(again), &len2) == 0);
	FUZZ_CHECK(len2 == len && !memcmp(again, buf, len));

	policy_free(&back);
	policy_free(&p);
	return 0;
}
