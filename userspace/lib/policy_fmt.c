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

const char *policy_df_action_name(uint32_t action)
{
	switch (action) {
	case TVM_DF_MEASURE:
		return "measure";
	case TVM_DF_TAINT:
		return "taint";
	case TVM_DF_BLOCK:
		return "block";
	}
	return NULL;
}

const char *policy_trust_name(uint32_t trust)
{
	switch (trust) {
	case TVM_TRUST_PENDING:
		return "pending";
	case TVM_TRUST_TRUSTED:
		return "trusted";
	case TVM_TRUST_UNTRUSTED:
		return "untrusted";
	case TVM_TRUST_UNKNOWN:
		return "unknown";
	}
	return NULL;
}

void policy_format_df_from(const struct tvm_df_rule *r, char *buf)
{
	switch (r->from) {
	case TVM_DF_FROM_ANY:
		strcpy(buf, "any");
		break;
	case TVM_DF_FROM_HOST:
		strcpy(buf, "host");
		break;
	case TVM_DF_FROM_UUID:
		format_uuid(r->uuid, buf);
		break;
	default:
		/* A VM named like a keyword is written name=NAME. */
		snprintf(buf, POLICY_DF_FROM_STR_LEN, "%s%s",
			 !strcmp(r->name, "any") || !strcmp(r->name, "host") ?
			 "name=" : "", r->name);
		break;
	}
}

/* A port range as in a file: "22", or "1000-2000". */
static void format_ports(const struct tvm_df_ports *pr, char *buf, size_t len)
{
	if (pr->first == pr->last)
		snprintf(buf, len, "%u", pr->first);
	else
		snprintf(buf, len, "%u-%u", pr->first, pr->last);
}

void policy_format_df_rule(const struct tvm_df_rule *r, char *buf)
{
	char from[POLICY_DF_FROM_STR_LEN], port[24];
	const char *trust = policy_trust_name(r->min_trust);
	const char *action = policy_df_action_name(r->action);
	size_t o;

	policy_format_df_from(r, from);
	o = (size_t)snprintf(buf, POLICY_DF_RULE_STR_LEN, "from %s ports ",
			     from);
	for (unsigned int i = 0; i < r->nports; i++) {
		format_ports(&r->ports[i], port, sizeof(port));
		o += (size_t)snprintf(buf + o, POLICY_DF_RULE_STR_LEN - o,
				      "%s%s", i ? "," : "", port);
	}
	if (!r->nports)
		o += (size_t)snprintf(buf + o, POLICY_DF_RULE_STR_LEN - o,
				      "all");
	snprintf(buf + o, POLICY_DF_RULE_STR_LEN - o,
		 " min_trust %s min_level %u action %s", trust ? trust : "?",
		 r->min_level, action ? action : "?");
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

static json_object *df_rule_to_json(const struct tvm_df_rule *r)
{
	json_object *obj = json_object_new_object(), *ports;
	const char *trust = policy_trust_name(r->min_trust);
	const char *action = policy_df_action_name(r->action);
	char from[POLICY_DF_FROM_STR_LEN], port[24];

	if (!obj)
		return NULL;
	policy_format_df_from(r, from);
	json_object_object_add(obj, "from", json_object_new_string(from));
	if (r->nports) {
		ports = json_object_new_array();
		for (unsigned int i = 0; ports && i < r->nports; i++) {
			if (r->ports[i].first == r->ports[i].last) {
				json_object_array_add(ports,
					json_object_new_int64(r->ports[i].first));
				continue;
			}
			format_ports(&r->ports[i], port, sizeof(port));
			json_object_array_add(ports,
					      json_object_new_string(port));
		}
		json_object_object_add(obj, "ports", ports);
	}
	json_object_object_add(obj, "min_trust",
			       json_object_new_string(trust ? trust : "?"));
	json_object_object_add(obj, "min_level",
			       json_object_new_int64(r->min_level));
	json_object_object_add(obj, "action",
			       json_object_new_string(action ? action : "?"));
	return obj;
}

/* The dataflow section as in a file, every setting given. */
static json_object *df_to_json(const struct tvm_df_section *df)
{
	json_object *obj = json_object_new_object(), *rules;
	const char *action = policy_df_action_name(df->default_action);

	if (!obj)
		return NULL;
	json_object_object_add(obj, "default",
			       json_object_new_string(action ? action : "?"));
	json_object_object_add(obj, "checkpoint_bytes",
			       json_object_new_uint64(df->checkpoint_bytes));
	json_object_object_add(obj, "checkpoint_ms",
			       json_object_new_int64(df->checkpoint_ms));
	json_object_object_add(obj, "per_message",
			       json_object_new_boolean(df->per_message));
	if (df->nrules) {
		rules = json_object_new_array();
		for (unsigned int i = 0; rules && i < df->nrules; i++)
			json_object_array_add(rules,
					      df_rule_to_json(&df->rules[i]));
		json_object_object_add(obj, "rules", rules);
	}
	return obj;
}

static json_object *hex_to_json(const uint8_t *b, size_t n)
{
	char hex[2 * TVM_MIG_HOST_ID_SIZE + 1];

	for (size_t i = 0; i < n && i < TVM_MIG_HOST_ID_SIZE; i++)
		sprintf(hex + 2 * i, "%02x", b[i]);
	return json_object_new_string(hex);
}

/*
 * The migration section as in a file: peers, then platform PCRs by index,
 * then TPM keys.
 */
static json_object *mig_to_json(const struct tvm_mig_section *m)
{
	json_object *obj = json_object_new_object(), *arr, *pcr, *vals;

	if (!obj)
		return NULL;
	if (m->npeers) {
		arr = json_object_new_array();
		for (unsigned int i = 0; arr && i < m->npeers; i++)
			json_object_array_add(arr, hex_to_json(m->peers[i],
						TVM_MIG_HOST_ID_SIZE));
		json_object_object_add(obj, "peers", arr);
	}
	arr = NULL;
	for (unsigned int i = 0; i < TVM_MIGP_PCRS; i++) {
		if (!m->pcrs[i].nvalues)
			continue;
		if (!arr) {
			arr = json_object_new_array();
			json_object_object_add(obj, "platform", arr);
		}
		pcr = json_object_new_object();
		json_object_object_add(pcr, "pcr", json_object_new_int64(i));
		vals = json_object_new_array();
		for (unsigned int v = 0; vals && v < m->pcrs[i].nvalues; v++)
			json_object_array_add(vals,
				hex_to_json(m->pcrs[i].values[v], 32));
		json_object_object_add(pcr, "sha256", vals);
		json_object_array_add(arr, pcr);
	}
	if (m->ntpm_keys) {
		arr = json_object_new_array();
		for (unsigned int i = 0; arr && i < m->ntpm_keys; i++)
			json_object_array_add(arr, hex_to_json(m->tpm_keys[i],
							       32));
		json_object_object_add(obj, "tpm_keys", arr);
	}
	return obj;
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
	if (p->df.present)
		json_object_object_add(obj, "dataflow", df_to_json(&p->df));
	if (p->mig.present)
		json_object_object_add(obj, "migration", mig_to_json(&p->mig));
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
