// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a policy file into a struct policy (policy_json.h,
 * Documentation/policy.rst).  policy_scan.c first checks the text is
 * strict JSON without duplicate keys; json-c then builds the tree, and the
 * checker here walks it, naming the key path of anything wrong.  Scanned
 * first, the tree has no duplicate keys, and its objects iterate in file
 * order.  Also the selector of the command line (policy_parse_sel()).
 *
 * Why not jansson, which parses RFC 8259 strictly on its own (UTF-8,
 * surrogates, \u0000, and duplicate keys with JSON_REJECT_DUPLICATES)?
 * It is as strict as the scanner but not smaller for the same behaviour:
 *  - it stops at the first problem with a line and column only, so a
 *    duplicate key, a NUL in a key, or an integer too large would lose the
 *    key path these messages give ("levels.os.events: duplicate key 'k'",
 *    "runtime[0].gpa: too large for a JSON integer ...");
 *  - its integers are long long: a decimal "gpa" above INT64_MAX, which
 *    json-c reads as a u64, fails the whole file ("too big integer");
 *  - tvmctl writes all its --json output with json-c (out.c, and
 *    policy_to_json()), so jansson would mean two JSON libraries in one
 *    tool, or porting every json-c user, not only this checker.
 * The scanner (the second half of policy_scan.c, some 420 lines) is what
 * jansson would replace; the key path and message helpers stay either
 * way, as does this checker, ported to another API.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "parse.h"
#include "policy_json.h"
#include "policy_scan.h"
#include "tvm_log.h"

static const char *type_name(json_type t)
{
	switch (t) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "true or false";
	case json_type_double:
		return "a number with a fraction or exponent";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "?";
}

static int want(struct policy_ctx *cx, json_object *v, json_type t)
{
	json_type got = json_object_get_type(v);

	if (got == t)
		return 0;
	return policy_fail(cx, "must be %s, not %s", type_name(t), type_name(got));
}

/* A string without NUL characters; *@n its length. */
static int want_str(struct policy_ctx *cx, json_object *v, const char **s,
		    size_t *n)
{
	int ret = want(cx, v, json_type_string);

	if (ret)
		return ret;
	*s = json_object_get_string(v);
	*n = (size_t)json_object_get_string_len(v);
	if (strlen(*s) != *n)
		return policy_fail(cx, "has a NUL character");
	return 0;
}

/* An array of @min to @max items; *@n the count. */
static int want_array(struct policy_ctx *cx, json_object *v, size_t min,
		      size_t max, const char *what, size_t *n)
{
	int ret = want(cx, v, json_type_array);

	if (ret)
		return ret;
	*n = json_object_array_length(v);
	if (*n < min)
		return policy_fail(cx, "empty (leave it out, or list %s)", what);
	if (*n > max)
		return policy_fail(cx, "%zu %s, more than %zu", *n, what, max);
	return 0;
}

/*
 * @obj is an object and every key of it is one of @allowed
 * (NULL-terminated); @hint lists them for the error.
 */
static int want_object(struct policy_ctx *cx, json_object *obj,
		       const char *const *allowed, const char *hint)
{
	char q[POLICY_QUOTE_BUF];
	size_t i;
	int ret = want(cx, obj, json_type_object);

	if (ret)
		return ret;
	json_object_object_foreach(obj, k, v) {
		(void)v;
		for (i = 0; allowed[i]; i++)
			if (!strcmp(k, allowed[i]))
				break;
		if (allowed[i])
			continue;
		policy_quote(q, sizeof(q), k, strlen(k));
		return policy_fail(cx, "unknown key '%s' (%s)", q, hint);
	}
	return 0;
}

static int check_version(struct policy_ctx *cx, json_object *v,
			 struct policy *p)
{
	int ret = want(cx, v, json_type_int);

	if (ret)
		return ret;
	if (json_object_get_int64(v) != TVM_POLICY_VERSION)
		return policy_fail(cx, "unsupported version %s (this tvmctl reads version %d)",
				   json_object_to_json_string(v), TVM_POLICY_VERSION);
	p->version = TVM_POLICY_VERSION;
	return 0;
}

static int check_selector(struct policy_ctx *cx, json_object *obj,
			  struct policy *p)
{
	static const char *const keys[] = { "uuid", "name", "default", NULL };
	char q[POLICY_QUOTE_BUF];
	const char *s;
	size_t n, old;
	int ret;

	ret = want_object(cx, obj, keys, "uuid, name or default");
	if (ret)
		return ret;
	if (json_object_object_length(obj) == 0)
		return policy_fail(cx, "empty (needs one of uuid, name or default)");
	if (json_object_object_length(obj) > 1)
		return policy_fail(cx, "more than one of uuid, name and default");
	json_object_object_foreach(obj, k, v) {
		old = policy_path_key(cx, k, strlen(k));
		if (!strcmp(k, "default")) {
			ret = want(cx, v, json_type_boolean);
			if (!ret && !json_object_get_boolean(v))
				ret = policy_fail(cx, "must be true (select a VM with uuid or name)");
			p->sel.type = POLICY_SEL_DEFAULT;
		} else {
			ret = want_str(cx, v, &s, &n);
			if (ret)
				return ret;
			policy_quote(q, sizeof(q), s, n);
			if (!strcmp(k, "uuid")) {
				if (parse_uuid(s, p->sel.uuid))
					ret = policy_fail(cx, "bad UUID '%s' (8-4-4-4-12 hex digits)",
							  q);
				p->sel.type = POLICY_SEL_UUID;
			} else {
				if (parse_vm_name(s))
					ret = policy_fail(cx, "bad VM name '%s' (1-%d of A-Z a-z 0-9 . _ -, not all digits, not a UUID)",
							  q, TVM_NAME_MAX);
				else
					strcpy(p->sel.name, s);
				p->sel.type = POLICY_SEL_NAME;
			}
		}
		policy_path_pop(cx, old);
	}
	return ret;
}

static int check_mode(struct policy_ctx *cx, json_object *v, struct policy *p)
{
	char q[POLICY_QUOTE_BUF];
	const char *s;
	size_t n;
	int ret = want_str(cx, v, &s, &n);

	if (ret)
		return ret;
	if (!strcmp(s, "audit")) {
		p->mode = TVM_POLICY_AUDIT;
	} else if (!strcmp(s, "enforce")) {
		p->mode = TVM_POLICY_ENFORCE;
	} else {
		policy_quote(q, sizeof(q), s, n);
		return policy_fail(cx, "unknown mode '%s' (audit or enforce)", q);
	}
	return 0;
}

static int check_banks(struct policy_ctx *cx, json_object *arr,
		       struct policy *p)
{
	char q[POLICY_QUOTE_BUF];
	size_t n, len, i, old;
	const char *s;
	int ret, b;

	ret = want_array(cx, arr, 1, __TVM_BANK_MAX, "banks", &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		old = policy_path_index(cx, i);
		ret = want_str(cx, json_object_array_get_idx(arr, i), &s, &len);
		if (ret)
			return ret;
		b = parse_bank(s);
		if (b < 0) {
			policy_quote(q, sizeof(q), s, len);
			return policy_fail(cx, "unknown bank '%s' (sha1, sha256, sha384 or sm3_256)",
					   q);
		}
		if (p->banks & (1U << b))
			return policy_fail(cx, "%s is listed twice", s);
		p->banks |= 1U << b;
		policy_path_pop(cx, old);
	}
	return 0;
}

/* The owner key's id: 64 hex digits (`tvmctl policy keyid`). */
static int check_owner_key(struct policy_ctx *cx, json_object *v,
			   struct policy *p)
{
	char q[POLICY_QUOTE_BUF];
	const char *s;
	size_t n;
	int ret = want_str(cx, v, &s, &n);

	if (ret)
		return ret;
	if (n == 0)
		return policy_fail(cx, "empty (leave it out for an unsigned policy)");
	if (n != 2 * TVM_KEY_ID_SIZE ||
	    parse_hex(s, p->key_id, TVM_KEY_ID_SIZE)) {
		policy_quote(q, sizeof(q), s, n);
		return policy_fail(cx, "'%s' is not a key id (%d hex digits: 'tvmctl policy keyid CERT'; key descriptions are not taken since tvm ABI 6)",
				   q, 2 * TVM_KEY_ID_SIZE);
	}
	p->has_key = true;
	return 0;
}

/* "delete": true: a tombstone, the owner's signed delete of a selector. */
static int check_delete(struct policy_ctx *cx, json_object *v, struct policy *p)
{
	static const char *const not[] = {
		"mode", "banks", "levels", "runtime", "dataflow", "migration"
	};
	int ret = want(cx, v, json_type_boolean);

	if (ret)
		return ret;
	if (!json_object_get_boolean(v))
		return policy_fail(cx, "must be true (leave it out for a policy)");
	if (!p->has_key)
		return policy_fail(cx, "a delete is signed: it needs owner_key");
	for (size_t i = 0; i < sizeof(not) / sizeof(not[0]); i++)
		if (json_object_object_get_ex(cx->top, not[i], NULL))
			return policy_fail(cx, "a delete holds selector, owner_key and revision only, not %s",
					   not[i]);
	p->tombstone = true;
	return 0;
}

static int check_revision(struct policy_ctx *cx, json_object *v,
			  struct policy *p)
{
	int ret = want(cx, v, json_type_int);
	int64_t r;

	if (ret)
		return ret;
	r = json_object_get_int64(v);
	if (r < 0 || r > UINT32_MAX)
		return policy_fail(cx, "%s is out of range (0 to %u)",
				   json_object_to_json_string(v), UINT32_MAX);
	p->revision = (uint32_t)r;
	return 0;
}

/**
 * struct list_of - what an array of a policy holds
 * @max: items at most (and at least one)
 * @what: the items, in messages ("digests")
 * @noun: one item, in messages ("digest")
 * @size: bytes of one item in the caller's array
 * @check: reads @v into @item, with the caller's @arg
 * @same: whether two items are the same, which a list may not hold twice
 */
struct list_of {
	size_t max;
	const char *what;
	const char *noun;
	size_t size;
	int (*check)(struct policy_ctx *cx, json_object *v, void *item,
		     const void *arg);
	bool (*same)(const void *a, const void *b);
};

/* An array of 1 to @l->max items into @items, none twice; *@n the count. */
static int check_list(struct policy_ctx *cx, json_object *arr,
		      const struct list_of *l, void *items, const void *arg,
		      size_t *n)
{
	char *item = items;
	size_t i, j, old;
	int ret;

	ret = want_array(cx, arr, 1, l->max, l->what, n);
	if (ret)
		return ret;
	for (i = 0; i < *n; i++) {
		old = policy_path_index(cx, i);
		ret = l->check(cx, json_object_array_get_idx(arr, i),
			       item + i * l->size, arg);
		if (ret)
			return ret;
		for (j = 0; j < i; j++)
			if (l->same(item + j * l->size, item + i * l->size))
				return policy_fail(cx, "the same %s as [%zu]",
						   l->noun, j);
		policy_path_pop(cx, old);
	}
	return 0;
}

/* "<bank>:<hex>", in a bank of *@banks (when not 0), into @item. */
static int check_digest(struct policy_ctx *cx, json_object *v, void *item,
			const void *banks_p)
{
	uint32_t banks = *(const uint32_t *)banks_p;
	struct tvm_policy_digest *d = item;
	char q[POLICY_QUOTE_BUF], bank[16], list[64];
	const char *s, *colon;
	size_t n;
	int ret, b;

	ret = want_str(cx, v, &s, &n);
	if (ret)
		return ret;
	policy_quote(q, sizeof(q), s, n);
	colon = strchr(s, ':');
	if (!colon)
		return policy_fail(cx, "bad digest '%s' (BANK:HEX, as sha256:<64 hex digits>)",
				   q);
	b = -1;
	if ((size_t)(colon - s) < sizeof(bank)) {
		memcpy(bank, s, (size_t)(colon - s));
		bank[colon - s] = '\0';
		b = parse_bank(bank);
	}
	if (b < 0)
		return policy_fail(cx, "bad digest '%s' (unknown bank; sha1, sha256, sha384 or sm3_256)",
				   q);
	if (parse_hex(colon + 1, d->value, tvm_banks[b].size))
		return policy_fail(cx, "bad digest '%s' (%u hex digits for %s)", q,
				   2U * tvm_banks[b].size, tvm_banks[b].name);
	if (banks && !(banks & (1U << b))) {
		format_banks(banks, list, sizeof(list));
		return policy_fail(cx, "digest '%s': \"banks\" does not list %s (%s)",
				   q, tvm_banks[b].name, list);
	}
	d->bank = (uint8_t)b;
	return 0;
}

static bool same_digest(const void *x, const void *y)
{
	const struct tvm_policy_digest *a = x, *b = y;

	return a->bank == b->bank &&
	       !memcmp(a->value, b->value, tvm_banks[a->bank].size);
}

/* A list of 1 to TVM_POLICY_DIGESTS_MAX digests, none twice. */
static int check_digests(struct policy_ctx *cx, json_object *arr,
			 uint32_t banks, struct tvm_policy_digest *d,
			 unsigned int *count)
{
	static const struct list_of digests = {
		.max = TVM_POLICY_DIGESTS_MAX, .what = "digests",
		.noun = "digest", .size = sizeof(*d),
		.check = check_digest, .same = same_digest,
	};
	size_t n;
	int ret = check_list(cx, arr, &digests, d, &banks, &n);

	if (!ret)
		*count = (unsigned int)n;
	return ret;
}

static int check_events(struct policy_ctx *cx, json_object *obj, uint32_t banks,
			struct tvm_policy_level *lv)
{
	char q[POLICY_QUOTE_BUF];
	size_t n, len, old;
	int ret;

	ret = want(cx, obj, json_type_object);
	if (ret)
		return ret;
	n = (size_t)json_object_object_length(obj);
	if (n == 0)
		return policy_fail(cx, "empty (leave it out, or list events)");
	if (n > TVM_POLICY_EVENTS_MAX)
		return policy_fail(cx, "%zu events, more than %d", n,
				   TVM_POLICY_EVENTS_MAX);
	lv->events = calloc(n, sizeof(*lv->events));
	if (!lv->events)
		return -ENOMEM;
	json_object_object_foreach(obj, k, v) {
		struct tvm_policy_event *ev = &lv->events[lv->nevents];

		len = strlen(k);
		if (len == 0)
			return policy_fail(cx, "an event with an empty name");
		if (len > TVM_EVENT_NAME_MAX) {
			policy_quote(q, sizeof(q), k, len);
			return policy_fail(cx, "event name '%s' is %zu bytes, more than %d",
					   q, len, TVM_EVENT_NAME_MAX);
		}
		memcpy(ev->name, k, len + 1);
		old = policy_path_key(cx, k, len);
		ret = check_digests(cx, v, banks, ev->digests, &ev->ndigests);
		if (ret)
			return ret;
		policy_path_pop(cx, old);
		lv->nevents++;
	}
	return 0;
}

static int check_level(struct policy_ctx *cx, json_object *obj, uint32_t banks,
		       struct tvm_policy_level *lv, bool vmm)
{
	static const char *const keys[] = { "events", "pcr", NULL };
	static const char *const vmm_keys[] = { "events", NULL };
	json_object *v;
	size_t old;
	int ret;

	/* PCR 8 holds tvm's own events too: the VMM's are judged by name. */
	ret = vmm ? want_object(cx, obj, vmm_keys, "events (vmm takes no pcr)") :
		    want_object(cx, obj, keys, "events or pcr");
	if (ret)
		return ret;
	if (json_object_object_length(obj) == 0)
		return policy_fail(cx, "no events and no pcr (leave the level out)");
	lv->present = true;
	if (json_object_object_get_ex(obj, "events", &v)) {
		old = policy_path_key(cx, "events", 6);
		ret = check_events(cx, v, banks, lv);
		if (ret)
			return ret;
		policy_path_pop(cx, old);
	}
	if (json_object_object_get_ex(obj, "pcr", &v)) {
		old = policy_path_key(cx, "pcr", 3);
		ret = check_digests(cx, v, banks, lv->pcr, &lv->npcr);
		if (ret)
			return ret;
		policy_path_pop(cx, old);
	}
	return 0;
}

static int check_levels(struct policy_ctx *cx, json_object *obj,
			struct policy *p)
{
	static const char *const keys[] = {
		"vmm", "os", "drivers", "software", "config", NULL
	};
	size_t old;
	int ret;

	ret = want_object(cx, obj, keys, "vmm, os, drivers, software or config");
	if (ret)
		return ret;
	if (!json_object_object_length(obj))
		return policy_fail(cx, "empty (leave it out, or give a level)");
	for (unsigned int l = 0; l <= TVM_POLICY_LEVELS; l++) {
		const char *name = policy_level_name(l);
		json_object *v;

		if (!json_object_object_get_ex(obj, name, &v))
			continue;
		old = policy_path_key(cx, name, strlen(name));
		ret = check_level(cx, v, p->banks, &p->levels[l],
				  l == TVM_POLICY_LEVEL_VMM);
		if (ret)
			return ret;
		policy_path_pop(cx, old);
	}
	return 0;
}

/*
 * An unsigned 64-bit number: a JSON integer, or a string parse_u64()
 * reads ("0x1000", "4096"), which also holds what JSON numbers cannot.
 */
static int want_u64(struct policy_ctx *cx, json_object *v, uint64_t *val)
{
	char q[POLICY_QUOTE_BUF];
	const char *s;
	size_t n;
	int ret;

	if (json_object_get_type(v) == json_type_int) {
		if (json_object_get_int64(v) < 0)
			return policy_fail(cx, "%s is negative",
					   json_object_to_json_string(v));
		/* json-c clamps what is above 64 bits to UINT64_MAX. */
		*val = json_object_get_uint64(v);
		if (*val == UINT64_MAX)
			return policy_fail(cx, "too large for a JSON integer (write it as a \"0x...\" string)");
		return 0;
	}
	if (json_object_get_type(v) != json_type_string)
		return policy_fail(cx, "must be an integer or a \"0x...\" string, not %s",
				   type_name(json_object_get_type(v)));
	ret = want_str(cx, v, &s, &n);
	if (ret)
		return ret;
	if (parse_u64(s, val)) {
		policy_quote(q, sizeof(q), s, n);
		return policy_fail(cx, "bad number '%s' (decimal, or hex after 0x, at most 64 bits)",
				   q);
	}
	return 0;
}

static int check_range(struct policy_ctx *cx, json_object *obj, void *item,
		       const void *arg __attribute__((unused)))
{
	struct tvm_range *r = item;
	static const char *const keys[] = {
		"gpa", "length", "sha256", "interval_ms", NULL
	};
	static const char *const need[] = { "gpa", "length", "sha256" };
	char q[POLICY_QUOTE_BUF];
	json_object *v;
	uint64_t ms;
	const char *s;
	size_t n, old;
	int ret;

	ret = want_object(cx, obj, keys, "gpa, length, sha256 or interval_ms");
	if (ret)
		return ret;
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!json_object_object_get_ex(obj, need[i], NULL))
			return policy_fail(cx, "missing key '%s'", need[i]);

	json_object_object_get_ex(obj, "gpa", &v);
	old = policy_path_key(cx, "gpa", 3);
	ret = want_u64(cx, v, &r->gpa);
	if (ret)
		return ret;
	policy_path_pop(cx, old);

	json_object_object_get_ex(obj, "length", &v);
	old = policy_path_key(cx, "length", 6);
	ret = want_u64(cx, v, &r->len);
	if (ret)
		return ret;
	if (r->len < 1 || r->len > TVM_RANGE_LEN_MAX)
		return policy_fail(cx, "%llu bytes; a range is 1 to %u bytes",
				   (unsigned long long)r->len, TVM_RANGE_LEN_MAX);
	if (r->len > UINT64_MAX - r->gpa)
		return policy_fail(cx, "the range from 0x%llx wraps past the end of the address space",
				   (unsigned long long)r->gpa);
	policy_path_pop(cx, old);

	json_object_object_get_ex(obj, "sha256", &v);
	old = policy_path_key(cx, "sha256", 6);
	ret = want_str(cx, v, &s, &n);
	if (ret)
		return ret;
	if (parse_hex(s, r->sha256, sizeof(r->sha256))) {
		policy_quote(q, sizeof(q), s, n);
		return policy_fail(cx, "bad digest '%s' (64 hex digits)", q);
	}
	policy_path_pop(cx, old);

	if (json_object_object_get_ex(obj, "interval_ms", &v)) {
		old = policy_path_key(cx, "interval_ms", 11);
		ret = want(cx, v, json_type_int);
		if (ret)
			return ret;
		if (json_object_get_int64(v) < 0)
			return policy_fail(cx, "%s is negative",
					   json_object_to_json_string(v));
		ms = json_object_get_uint64(v);
		if (ms != 0 && (ms < TVM_RANGE_INTERVAL_MIN ||
				ms > TVM_RANGE_INTERVAL_MAX))
			return policy_fail(cx, "%s ms; 0 (only on demand) or %d to %d",
					   json_object_to_json_string(v),
					   TVM_RANGE_INTERVAL_MIN,
					   TVM_RANGE_INTERVAL_MAX);
		r->interval_ms = (uint32_t)ms;
		policy_path_pop(cx, old);
	}
	return 0;
}

static bool same_range(const void *x, const void *y)
{
	const struct tvm_range *a = x, *b = y;

	return a->gpa == b->gpa && a->len == b->len;
}

/* "runtime": 1 to TVM_POLICY_RANGES_MAX ranges, none twice. */
static int check_runtime(struct policy_ctx *cx, json_object *arr,
			 struct policy *p)
{
	static const struct list_of ranges = {
		.max = TVM_POLICY_RANGES_MAX, .what = "ranges",
		.noun = "range", .size = sizeof(p->ranges[0]),
		.check = check_range, .same = same_range,
	};
	size_t n;
	int ret = check_list(cx, arr, &ranges, p->ranges, NULL, &n);

	if (!ret)
		p->nranges = (unsigned int)n;
	return ret;
}

/* enum tvm_df_action by its name. */
static int want_action(struct policy_ctx *cx, json_object *v, uint32_t *action)
{
	char q[POLICY_QUOTE_BUF];
	const char *s;
	size_t n;
	int ret = want_str(cx, v, &s, &n);

	if (ret)
		return ret;
	for (uint32_t a = 0; a <= TVM_DF_ACTION_MAX; a++) {
		if (!strcmp(s, policy_df_action_name(a))) {
			*action = a;
			return 0;
		}
	}
	policy_quote(q, sizeof(q), s, n);
	return policy_fail(cx, "unknown action '%s' (block, taint or measure)", q);
}

/*
 * An integer from @min to @max, or 0 ("the module's default"): the
 * dataflow section's checkpoint intervals.
 */
static int want_zero_or(struct policy_ctx *cx, json_object *v, uint64_t min,
			uint64_t max, const char *unit, uint64_t *val)
{
	int ret = want(cx, v, json_type_int);

	if (ret)
		return ret;
	if (json_object_get_int64(v) < 0)
		return policy_fail(cx, "%s is negative",
				   json_object_to_json_string(v));
	*val = json_object_get_uint64(v);
	if (*val && (*val < min || *val > max))
		return policy_fail(cx, "%s %s; 0 (the module's default) or %llu to %llu",
				   json_object_to_json_string(v), unit,
				   (unsigned long long)min,
				   (unsigned long long)max);
	return 0;
}

/* A port, 0 to 4294967295, in decimal digits only. */
static int port_num(const char *s, size_t n, uint32_t *port)
{
	uint64_t v = 0;

	if (!n || n > 10)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = 10 * v + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -EINVAL;
	*port = (uint32_t)v;
	return 0;
}

/* A port (an integer) or a range ("FIRST-LAST", FIRST not above LAST). */
static int check_df_port(struct policy_ctx *cx, json_object *v, void *item,
			 const void *arg __attribute__((unused)))
{
	struct tvm_df_ports *pr = item;
	char q[POLICY_QUOTE_BUF];
	const char *s, *dash;
	int64_t i;
	size_t n;
	int ret;

	if (json_object_get_type(v) == json_type_int) {
		i = json_object_get_int64(v);
		if (i < 0 || i > UINT32_MAX)
			return policy_fail(cx, "port %s is out of range (0 to %u)",
					   json_object_to_json_string(v),
					   UINT32_MAX);
		pr->first = pr->last = (uint32_t)i;
		return 0;
	}
	if (json_object_get_type(v) != json_type_string)
		return policy_fail(cx, "must be a port (an integer) or a range (\"FIRST-LAST\"), not %s",
				   type_name(json_object_get_type(v)));
	ret = want_str(cx, v, &s, &n);
	if (ret)
		return ret;
	policy_quote(q, sizeof(q), s, n);
	dash = strchr(s, '-');
	if (!dash || port_num(s, (size_t)(dash - s), &pr->first) ||
	    port_num(dash + 1, strlen(dash + 1), &pr->last))
		return policy_fail(cx, "bad port range '%s' (FIRST-LAST, ports 0 to %u in decimal)",
				   q, UINT32_MAX);
	if (pr->last < pr->first)
		return policy_fail(cx, "bad port range '%s': it ends below its first port",
				   q);
	return 0;
}

static bool same_ports(const void *x, const void *y)
{
	const struct tvm_df_ports *a = x, *b = y;

	return a->first == b->first && a->last == b->last;
}

/*
 * A rule's sender: "any", "host", a UUID or "uuid=UUID", a VM name or
 * "name=NAME" (which also names a VM called "host" or "any").
 */
static int check_df_from(struct policy_ctx *cx, json_object *v,
			 struct tvm_df_rule *r)
{
	char q[POLICY_QUOTE_BUF];
	const char *s;
	size_t n;
	int ret = want_str(cx, v, &s, &n);

	if (ret)
		return ret;
	policy_quote(q, sizeof(q), s, n);
	if (!strcmp(s, "any")) {
		r->from = TVM_DF_FROM_ANY;
		return 0;
	}
	if (!strcmp(s, "host")) {
		r->from = TVM_DF_FROM_HOST;
		return 0;
	}
	if (!strncmp(s, "uuid=", 5) || !parse_uuid(s, r->uuid)) {
		if (!strncmp(s, "uuid=", 5) && parse_uuid(s + 5, r->uuid))
			return policy_fail(cx, "bad UUID '%s' (8-4-4-4-12 hex digits)",
					   q);
		r->from = TVM_DF_FROM_UUID;
		return 0;
	}
	if (!strncmp(s, "name=", 5))
		s += 5;
	if (parse_vm_name(s))
		return policy_fail(cx, "bad sender '%s' (any, host, a VM UUID, or a VM name: 1-%d of A-Z a-z 0-9 . _ -, not all digits)",
				   q, TVM_NAME_MAX);
	strcpy(r->name, s);
	r->from = TVM_DF_FROM_NAME;
	return 0;
}

static int check_df_rule(struct policy_ctx *cx, json_object *obj, void *item,
			 const void *arg __attribute__((unused)))
{
	static const char *const keys[] = {
		"from", "ports", "min_trust", "min_level", "action", NULL
	};
	static const struct list_of ports = {
		.max = TVM_DF_PORT_RANGES_MAX, .what = "ports or port ranges",
		.noun = "port range", .size = sizeof(struct tvm_df_ports),
		.check = check_df_port, .same = same_ports,
	};
	struct tvm_df_rule *r = item;
	char q[POLICY_QUOTE_BUF];
	json_object *v;
	const char *s;
	size_t n, old;
	uint32_t t;
	int ret;

	ret = want_object(cx, obj, keys,
			  "from, ports, min_trust, min_level or action");
	if (ret)
		return ret;
	if (!json_object_object_get_ex(obj, "from", &v))
		return policy_fail(cx, "missing key 'from' (any, host, a VM name or a VM UUID)");
	old = policy_path_key(cx, "from", 4);
	ret = check_df_from(cx, v, r);
	if (ret)
		return ret;
	policy_path_pop(cx, old);

	if (json_object_object_get_ex(obj, "ports", &v)) {
		old = policy_path_key(cx, "ports", 5);
		ret = check_list(cx, v, &ports, r->ports, NULL, &n);
		if (ret)
			return ret;
		r->nports = (unsigned int)n;
		policy_path_pop(cx, old);
	}

	r->min_trust = TVM_TRUST_UNTRUSTED;
	if (json_object_object_get_ex(obj, "min_trust", &v)) {
		old = policy_path_key(cx, "min_trust", 9);
		ret = want_str(cx, v, &s, &n);
		if (ret)
			return ret;
		for (t = TVM_TRUST_PENDING; t < __TVM_TRUST_MAX; t++)
			if (!strcmp(s, policy_trust_name(t)))
				break;
		if (t == __TVM_TRUST_MAX) {
			policy_quote(q, sizeof(q), s, n);
			return policy_fail(cx, "unknown trust state '%s' (trusted, unknown, pending or untrusted)",
					   q);
		}
		r->min_trust = t;
		policy_path_pop(cx, old);
	}

	if (json_object_object_get_ex(obj, "min_level", &v)) {
		int64_t l;

		old = policy_path_key(cx, "min_level", 9);
		ret = want(cx, v, json_type_int);
		if (ret)
			return ret;
		l = json_object_get_int64(v);
		if (l < 0 || l > TVM_POLICY_LEVELS)
			return policy_fail(cx, "level %s is out of range (0 to %d)",
					   json_object_to_json_string(v),
					   TVM_POLICY_LEVELS);
		r->min_level = (uint32_t)l;
		policy_path_pop(cx, old);
	}

	r->action = TVM_DF_BLOCK;
	if (json_object_object_get_ex(obj, "action", &v)) {
		old = policy_path_key(cx, "action", 6);
		ret = want_action(cx, v, &r->action);
		if (ret)
			return ret;
		policy_path_pop(cx, old);
	}
	return 0;
}

/* Rules are not compared: a later rule that an earlier one hides is dead. */
static bool never_same(const void *a __attribute__((unused)),
		       const void *b __attribute__((unused)))
{
	return false;
}

/* "dataflow": the section, for the VM the policy selects as a receiver. */
static int check_dataflow(struct policy_ctx *cx, json_object *obj,
			  struct policy *p)
{
	static const char *const keys[] = {
		"default", "checkpoint_bytes", "checkpoint_ms", "per_message",
		"rules", NULL
	};
	static const struct list_of rules = {
		.max = TVM_DF_RULES_MAX, .what = "rules", .noun = "rule",
		.size = sizeof(struct tvm_df_rule),
		.check = check_df_rule, .same = never_same,
	};
	struct tvm_df_section *df = &p->df;
	json_object *v;
	uint64_t val;
	size_t n, old;
	int ret;

	ret = want_object(cx, obj, keys,
			  "default, checkpoint_bytes, checkpoint_ms, per_message or rules");
	if (ret)
		return ret;
	df->present = true;
	df->default_action = TVM_DF_BLOCK;
	if (json_object_object_get_ex(obj, "default", &v)) {
		old = policy_path_key(cx, "default", 7);
		ret = want_action(cx, v, &df->default_action);
		if (ret)
			return ret;
		policy_path_pop(cx, old);
	}
	if (json_object_object_get_ex(obj, "checkpoint_bytes", &v)) {
		old = policy_path_key(cx, "checkpoint_bytes", 16);
		ret = want_zero_or(cx, v, TVM_DF_CHECKPOINT_BYTES_MIN,
				   INT64_MAX, "bytes", &df->checkpoint_bytes);
		if (ret)
			return ret;
		policy_path_pop(cx, old);
	}
	if (json_object_object_get_ex(obj, "checkpoint_ms", &v)) {
		old = policy_path_key(cx, "checkpoint_ms", 13);
		ret = want_zero_or(cx, v, TVM_DF_CHECKPOINT_MS_MIN,
				   TVM_DF_CHECKPOINT_MS_MAX, "ms", &val);
		if (ret)
			return ret;
		df->checkpoint_ms = (uint32_t)val;
		policy_path_pop(cx, old);
	}
	if (json_object_object_get_ex(obj, "per_message", &v)) {
		old = policy_path_key(cx, "per_message", 11);
		ret = want(cx, v, json_type_boolean);
		if (ret)
			return ret;
		df->per_message = json_object_get_boolean(v);
		policy_path_pop(cx, old);
	}
	if (json_object_object_get_ex(obj, "rules", &v)) {
		old = policy_path_key(cx, "rules", 5);
		ret = want(cx, v, json_type_array);
		if (ret)
			return ret;
		n = json_object_array_length(v);
		if (n && n <= TVM_DF_RULES_MAX) {
			df->rules = calloc(n, sizeof(*df->rules));
			if (!df->rules)
				return -ENOMEM;
		}
		ret = check_list(cx, v, &rules, df->rules, NULL, &n);
		if (ret)
			return ret;
		df->nrules = (unsigned int)n;
		policy_path_pop(cx, old);
	}
	return 0;
}

/* 64 hex digits into @out (32 bytes): a host id or a SHA-256 value. */
static int want_hex32(struct policy_ctx *cx, json_object *v, uint8_t *out,
		      const char *what)
{
	char q[POLICY_QUOTE_BUF];
	const char *s;
	size_t n;
	int ret = want_str(cx, v, &s, &n);

	if (ret)
		return ret;
	if (n != 64 || parse_hex(s, out, 32)) {
		policy_quote(q, sizeof(q), s, n);
		return policy_fail(cx, "bad %s '%s' (64 hex digits)", what, q);
	}
	return 0;
}

static int check_peer(struct policy_ctx *cx, json_object *v, void *item,
		      const void *arg __attribute__((unused)))
{
	return want_hex32(cx, v, item,
			  "host id ('tvmctl ak' prints a host's id)");
}

static int check_tpm_key(struct policy_ctx *cx, json_object *v, void *item,
			 const void *arg __attribute__((unused)))
{
	return want_hex32(cx, v, item,
			  "TPM key id ('tvmctl migrate tpm-key' prints it)");
}

static int check_sha256(struct policy_ctx *cx, json_object *v, void *item,
			const void *arg __attribute__((unused)))
{
	return want_hex32(cx, v, item, "SHA-256 value");
}

static bool same32(const void *a, const void *b)
{
	return !memcmp(a, b, 32);
}

/* One "platform" entry: {"pcr": 0-7, "sha256": [values]}, once per PCR. */
static int check_migp_pcr(struct policy_ctx *cx, json_object *obj,
			  void *item __attribute__((unused)), const void *arg)
{
	static const char *const keys[] = { "pcr", "sha256", NULL };
	static const struct list_of values = {
		.max = TVM_POLICY_DIGESTS_MAX, .what = "values",
		.noun = "value", .size = 32,
		.check = check_sha256, .same = same32,
	};
	struct tvm_mig_section *m = (struct tvm_mig_section *)arg;
	struct tvm_migp_pcr *pcr;
	json_object *v;
	size_t n, old;
	int64_t index;
	int ret;

	ret = want_object(cx, obj, keys, "pcr or sha256");
	if (ret)
		return ret;
	if (!json_object_object_get_ex(obj, "pcr", &v))
		return policy_fail(cx, "missing key 'pcr' (0 to %d)",
				   TVM_MIGP_PCRS - 1);
	old = policy_path_key(cx, "pcr", 3);
	ret = want(cx, v, json_type_int);
	if (ret)
		return ret;
	index = json_object_get_int64(v);
	if (index < 0 || index >= TVM_MIGP_PCRS)
		return policy_fail(cx, "PCR %s is not a platform PCR (0 to %d)",
				   json_object_to_json_string(v),
				   TVM_MIGP_PCRS - 1);
	pcr = &m->pcrs[index];
	if (pcr->nvalues)
		return policy_fail(cx, "PCR %lld is listed twice",
				   (long long)index);
	policy_path_pop(cx, old);
	if (!json_object_object_get_ex(obj, "sha256", &v))
		return policy_fail(cx, "missing key 'sha256' (a list of accepted values)");
	old = policy_path_key(cx, "sha256", 6);
	ret = check_list(cx, v, &values, pcr->values, NULL, &n);
	if (ret)
		return ret;
	pcr->nvalues = (unsigned int)n;
	policy_path_pop(cx, old);
	return 0;
}

/* "migration": where the VM the policy selects may migrate to. */
static int check_migration(struct policy_ctx *cx, json_object *obj,
			   struct policy *p)
{
	static const char *const keys[] = {
		"peers", "platform", "tpm_keys", NULL
	};
	static const struct list_of tpm_keys = {
		.max = TVM_MIGP_TPM_KEYS_MAX, .what = "TPM keys",
		.noun = "TPM key", .size = 32,
		.check = check_tpm_key, .same = same32,
	};
	static const struct list_of peers = {
		.max = TVM_MIGP_PEERS_MAX, .what = "peers", .noun = "peer",
		.size = TVM_MIG_HOST_ID_SIZE,
		.check = check_peer, .same = same32,
	};
	static const struct list_of platform = {
		.max = TVM_MIGP_PCRS, .what = "platform PCRs",
		.noun = "platform PCR", .size = 1,
		.check = check_migp_pcr, .same = never_same,
	};
	struct tvm_mig_section *m = &p->mig;
	uint8_t unused[TVM_MIGP_PCRS];
	json_object *v;
	size_t n, old;
	int ret;

	ret = want_object(cx, obj, keys, "peers, platform or tpm_keys");
	if (ret)
		return ret;
	m->present = true;
	if (json_object_object_get_ex(obj, "peers", &v)) {
		old = policy_path_key(cx, "peers", 5);
		ret = check_list(cx, v, &peers, m->peers, NULL, &n);
		if (ret)
			return ret;
		m->npeers = (unsigned int)n;
		policy_path_pop(cx, old);
	}
	if (json_object_object_get_ex(obj, "platform", &v)) {
		old = policy_path_key(cx, "platform", 8);
		ret = check_list(cx, v, &platform, unused, m, &n);
		if (ret)
			return ret;
		policy_path_pop(cx, old);
	}
	if (json_object_object_get_ex(obj, "tpm_keys", &v)) {
		old = policy_path_key(cx, "tpm_keys", 8);
		ret = check_list(cx, v, &tpm_keys, m->tpm_keys, NULL, &n);
		if (ret)
			return ret;
		m->ntpm_keys = (unsigned int)n;
		policy_path_pop(cx, old);
	}
	return 0;
}

/* The top-level keys, in the order they are checked. */
static const struct {
	const char *key;
	int (*check)(struct policy_ctx *cx, json_object *v, struct policy *p);
} top_checks[] = {
	{ "version", check_version },
	{ "selector", check_selector },
	{ "mode", check_mode },
	/* Before the digests, which must be in these banks. */
	{ "banks", check_banks },
	{ "owner_key", check_owner_key },
	{ "revision", check_revision },
	{ "delete", check_delete },
	{ "levels", check_levels },
	{ "runtime", check_runtime },
	{ "dataflow", check_dataflow },
	{ "migration", check_migration },
};

static int check_policy(struct policy_ctx *cx, json_object *top,
			struct policy *p)
{
	static const char *const keys[] = {
		"version", "selector", "mode", "banks", "owner_key", "revision",
		"delete", "levels", "runtime", "dataflow", "migration", NULL
	};
	json_object *v;
	size_t len = 0, old, i;
	int ret;

	ret = want_object(cx, top, keys,
			  "version, selector, mode, banks, owner_key, revision, delete, levels, runtime, dataflow or migration");
	if (ret)
		return ret;
	if (!json_object_object_get_ex(top, "version", NULL))
		return policy_fail(cx, "missing key 'version' (%d)", TVM_POLICY_VERSION);
	p->has_sel = json_object_object_get_ex(top, "selector", NULL);
	if (!p->has_sel && !(cx->flags & POLICY_PARSE_SEL_OPTIONAL))
		return policy_fail(cx, "missing key 'selector' ({\"uuid\": ...}, {\"name\": ...} or {\"default\": true})");
	p->mode = TVM_POLICY_AUDIT;
	cx->top = top;
	for (i = 0; i < sizeof(top_checks) / sizeof(top_checks[0]); i++) {
		if (!json_object_object_get_ex(top, top_checks[i].key, &v))
			continue;
		old = policy_path_key(cx, top_checks[i].key,
				      strlen(top_checks[i].key));
		ret = top_checks[i].check(cx, v, p);
		if (ret)
			return ret;
		policy_path_pop(cx, old);
	}
	if (policy_encode(p, NULL, 0, &len) == -E2BIG)
		return policy_fail(cx, "%zu bytes encoded, more than the %d a netlink attribute holds (list fewer events or digests)",
				   len, POLICY_ATTR_MAX);
	return 0;
}

int policy_parse(const char *fname, const char *text, size_t len,
		 struct policy *p, char *err, size_t errlen)
{
	return policy_parse_flags(fname, text, len, 0, p, err, errlen);
}

int policy_parse_flags(const char *fname, const char *text, size_t len,
		       unsigned int flags, struct policy *p, char *err,
		       size_t errlen)
{
	struct policy_ctx cx = {
		.fname = fname, .text = text, .len = len,
		.err = err, .errlen = errlen, .flags = flags,
	};
	enum json_tokener_error jerr;
	json_object *top = NULL;
	json_tokener *tok;
	int ret;

	memset(p, 0, sizeof(*p));
	if (errlen)
		err[0] = '\0';
	if (len > POLICY_FILE_MAX)
		return policy_fail(&cx, "more than %d bytes", POLICY_FILE_MAX);
	ret = policy_scan(&cx);
	if (ret)
		goto out;

	tok = json_tokener_new();
	if (!tok) {
		ret = -ENOMEM;
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	top = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!top || jerr != json_tokener_success)
		ret = policy_fail_at(&cx, json_tokener_get_parse_end(tok), "%s",
				     json_tokener_error_desc(jerr));
	json_tokener_free(tok);
	if (ret)
		goto out;
	ret = check_policy(&cx, top, p);
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", fname);
	json_object_put(top);
	if (ret) {
		policy_free(p);
		ret = -EINVAL;
	}
	return ret;
}

void policy_free(struct policy *p)
{
	free(p->df.rules);
	for (unsigned int l = 0; l <= TVM_POLICY_LEVELS; l++)
		free(p->levels[l].events);
	memset(p, 0, sizeof(*p));
}

int policy_parse_sel(const char *s, struct policy_sel *sel)
{
	struct policy_sel tmp = { .type = POLICY_SEL_DEFAULT };

	if (!strcmp(s, "default")) {
		*sel = tmp;
		return 0;
	}
	if (!strncmp(s, "uuid=", 5)) {
		if (parse_uuid(s + 5, tmp.uuid))
			return -EINVAL;
		tmp.type = POLICY_SEL_UUID;
	} else if (!parse_uuid(s, tmp.uuid)) {
		tmp.type = POLICY_SEL_UUID;
	} else {
		if (!strncmp(s, "name=", 5))
			s += 5;
		if (parse_vm_name(s))
			return -EINVAL;
		tmp.type = POLICY_SEL_NAME;
		strcpy(tmp.name, s);
	}
	*sel = tmp;
	return 0;
}
