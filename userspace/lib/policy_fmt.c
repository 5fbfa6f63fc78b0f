// SPDX-License-Identifier: GPL-2.0
/*
 * A struct policy for people and scripts (policy_json.h): names of its
 * levels and modes, its digests, ranges and selector as text, and the
 * whole policy back in the file format, for --json output.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "parse.h"
#include "policy_json.h"
#include "tvm_log.h"

/* Levels 0-4, PCR 8-12. */
static const char *const level_names[TVM_POLICY_LEVELS + 1] = {
	"vmm", "os", "drivers", "software", "config",
};

const char *policy_level_name(unsigned int level)
{
	return level <= TVM_POLICY_LEVELS ? level_names[level] : NULL;
}

const char *policy_mode_name(uint32_t mode)
{
	switch (mode) {
	case TVM_POLICY_AUDIT:
		return "audit";
	case TVM_POLICY_ENFORCE:
		return "enforce";
	}
	return NULL;
}

void policy_format_digest(const struct tvm_policy_digest *d, char *buf)
{
	size_t n = strlen(tvm_banks[d->bank].name);

	memcpy(buf, tvm_banks[d->bank].name, n);
	buf[n] = ':';
	format_hex(d->value, tvm_banks[d->bank].size, buf + n + 1);
}

void policy_format_range(const struct tvm_range *r, char *buf)
{
	char hex[2 * POLICY_DIGEST_SIZE + 1];

	format_hex(r->sha256, sizeof(r->sha256), hex);
	snprintf(buf, POLICY_RANGE_STR_LEN,
		 "gpa 0x%llx length %llu interval %u ms sha256 %s",
		 (unsigned long long)r->gpa, (unsigned long long)r->len,
		 r->interval_ms, hex);
}

/* A range as in a file; the address in hex, as people write it. */
static json_object *range_to_json(const struct tvm_range *r)
{
	char hex[2 * POLICY_DIGEST_SIZE + 1], gpa[24];
	json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	snprintf(gpa, sizeof(gpa), "0x%llx", (unsigned long long)r->gpa);
	format_hex(r->sha256, sizeof(r->sha256), hex);
	json_object_object_add(obj, "gpa", json_object_new_string(gpa));
	json_object_object_add(obj, "length",
			       json_object_new_uint64(r->len));
	json_object_object_add(obj, "sha256", json_object_new_string(hex));
	json_object_object_add(obj, "interval_ms",
			       json_object_new_int64(r->interval_ms));
	return obj;
}

static json_object *digests_to_json(const struct tvm_policy_digest *d,
				    unsigned int n)
{
	json_object *arr = json_object_new_array();
	char buf[POLICY_DIGEST_STR_LEN];

	for (unsigned int i = 0; arr && i < n; i++) {
		policy_format_digest(&d[i], buf);
		json_object_array_add(arr, json_object_new_string(buf));
	}
	return arr;
}

struct json_object *policy_sel_to_json(const struct policy_sel *sel)
{
	char uuid[PARSE_UUID_STR_LEN];
	json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	switch (sel->type) {
	case POLICY_SEL_UUID:
		format_uuid(sel->uuid, uuid);
		json_object_object_add(obj, "uuid",
				       json_object_new_string(uuid));
		break;
	case POLICY_SEL_NAME:
		json_object_object_add(obj, "name",
				       json_object_new_string(sel->name));
		break;
	case POLICY_SEL_DEFAULT:
		json_object_object_add(obj, "default",
				       json_object_new_boolean(1));
		break;
	}
	return obj;
}

struct json_object *policy_to_json(const struct policy *p)
{
	json_object *obj = json_object_new_object(), *levels = NULL;
	json_object *banks, *level, *events;
	const char *mode = policy_mode_name(p->mode);

	if (!obj)
		return NULL;
	json_object_object_add(obj, "version",
			       json_object_new_int64(p->version));
	json_object_object_add(obj, "selector", policy_sel_to_json(&p->sel));
	json_object_object_add(obj, "mode",
			       json_object_new_string(mode ? mode : "?"));
	if (p->banks) {
		banks = json_object_new_array();
		for (unsigned int b = 0; banks && b < __TVM_BANK_MAX; b++)
			if (p->banks & (1U << b))
				json_object_array_add(banks,
					json_object_new_string(tvm_banks[b].name));
		json_object_object_add(obj, "banks", banks);
	}
	if (p->has_key) {
		char hex[2 * TVM_KEY_ID_SIZE + 1];

		for (unsigned int i = 0; i < TVM_KEY_ID_SIZE; i++)
			sprintf(hex + 2 * i, "%02x", p->key_id[i]);
		json_object_object_add(obj, "owner_key",
				       json_object_new_string(hex));
	}
	if (p->has_key || p->revision)
		json_object_object_add(obj, "revision",
				       json_object_new_int64(p->revision));
	for (unsigned int l = 0; l <= TVM_POLICY_LEVELS; l++) {
		const struct tvm_policy_level *lv = &p->levels[l];

		if (!lv->present)
			continue;
		if (!levels) {
			levels = json_object_new_object();
			json_object_object_add(obj, "levels", levels);
		}
		level = json_object_new_object();
		json_object_object_add(levels, level_names[l], level);
		if (lv->nevents) {
			events = json_object_new_object();
			json_object_object_add(level, "events", events);
			for (unsigned int e = 0; e < lv->nevents; e++)
				json_object_object_add(events,
					lv->events[e].name,
					digests_to_json(lv->events[e].digests,
							lv->events[e].ndigests));
		}
		if (lv->npcr)
			json_object_object_add(level, "pcr",
					       digests_to_json(lv->pcr,
							       lv->npcr));
	}
	if (p->nranges) {
		json_object *arr = json_object_new_array();

		for (unsigned int i = 0; arr && i < p->nranges; i++)
			json_object_array_add(arr,
					      range_to_json(&p->ranges[i]));
		json_object_object_add(obj, "runtime", arr);
	}
	return obj;
}

void policy_format_sel(const struct policy_sel *sel, char *buf, size_t len)
{
	char uuid[PARSE_UUID_STR_LEN];

	switch (sel->type) {
	case POLICY_SEL_UUID:
		format_uuid(sel->uuid, uuid);
		snprintf(buf, len, "uuid=%s", uuid);
		break;
	case POLICY_SEL_NAME:
		snprintf(buf, len, "name=%s", sel->name);
		break;
	case POLICY_SEL_DEFAULT:
		snprintf(buf, len, "default");
		break;
	}
}
