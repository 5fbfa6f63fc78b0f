/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy files (Documentation/policy.rst): JSON in, the canonical
 * TVM_A_POLICY netlink attribute out, and back again from the kernel's
 * replies.  Pure: no I/O; the only allocations are a policy's event lists
 * (policy_free()) and policy_to_json()'s result.
 *
 * policy_parse() rejects anything but a valid policy with one message,
 * "<file>: <key path>: <what>", such as
 *	policy.json: levels.os.events.kernel[1]: bad digest 'sha256:zz' (64 hex digits for sha256)
 * policy_encode() then always gives the same bytes for the same policy:
 * `tvmctl policy sign` signs what `tvmctl policy load` sends.
 */
#ifndef _TVM_POLICY_JSON_H
#define _TVM_POLICY_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tvm.h>

/*
 * A policy's levels are the kernel's struct tvm_policy_level, judged by
 * the evaluator tvm.ko runs too.  A digest is "sha256:<hex>" in a file,
 * DIGEST { DIGEST_BANK, DIGEST_VALUE } on the wire.  Only the levels a
 * file has are @present (and encoded); events are in file order, and
 * allocated.  Its runtime ranges are the kernel's struct tvm_range, and
 * it is encoded by the kernel's encoder (policy_enc.h).
 */
#include "policy_enc.h"
#include "policy_eval.h"

struct json_object;

/* Room for any message of policy_parse(). */
#define POLICY_ERR_MAX		1024
/* The largest policy file policy_parse() reads. */
#define POLICY_FILE_MAX		(4 << 20)
/* The largest TVM_A_POLICY attribute: nla_len is 16 bits. */
#define POLICY_ATTR_MAX		65535
/* Bytes of TVM_A_POLICY_DIGEST (SHA-256). */
#define POLICY_DIGEST_SIZE	32

/**
 * struct policy_sel - which VMs a policy is for
 * @type: which of @uuid or @name is set, or the default policy
 */
struct policy_sel {
	enum {
		POLICY_SEL_UUID = TVM_SEL_UUID,
		POLICY_SEL_NAME = TVM_SEL_NAME,
		POLICY_SEL_DEFAULT = TVM_SEL_DEFAULT,
	} type;
	uint8_t uuid[TVM_UUID_SIZE];
	char name[TVM_NAME_MAX + 1];
};

/**
 * struct policy - a parsed policy, or one the kernel returned
 * @version: %TVM_POLICY_VERSION
 * @mode: enum tvm_policy_mode
 * @banks: mask of the banks "banks" lists, 0 when it is absent; checked
 *	by policy_parse() only, never sent
 * @has_key, @key_id: the owner key's id (SHA-256 of its RSA public key)
 * @revision: the revision, signed with the policy (anti-rollback)
 * @tombstone: a signed delete, not a policy (no mode, levels or ranges)
 * @levels: levels 0-4 (vmm, os, drivers, software, config) at [0]-[4]
 * @nranges, @ranges: the runtime ranges, in file order
 * @df: the dataflow section, @df.present when the file has one; its
 *	rules are allocated (policy_free())
 * @mig: the migration section, @mig.present when the file has one
 * @has_sel: @sel is set; false only after policy_parse_flags() with
 *	%POLICY_PARSE_SEL_OPTIONAL read a file without "selector"
 * @has_gen, @gen, @has_digest, @digest, @is_signed: what a POLICY_GET or
 *	POLICY_LOAD reply adds (policy_decode() only)
 */
struct policy {
	uint32_t version;
	struct policy_sel sel;
	uint32_t mode;
	uint32_t banks;
	bool has_key;
	uint8_t key_id[TVM_KEY_ID_SIZE];
	uint32_t revision;
	bool tombstone;
	struct tvm_policy_level levels[TVM_POLICY_LEVELS + 1];
	unsigned int nranges;
	struct tvm_range ranges[TVM_POLICY_RANGES_MAX];
	struct tvm_df_section df;
	struct tvm_mig_section mig;
	bool has_sel;
	bool has_gen;
	uint64_t gen;
	bool has_digest;
	uint8_t digest[POLICY_DIGEST_SIZE];
	bool is_signed;
};

/*
 * Parse and check the policy file @text (@len bytes) named @fname in
 * messages.  On success fill @p (free it with policy_free()) and return 0;
 * otherwise leave @p empty, write why into @err (@errlen bytes) and return
 * -EINVAL.
 */
int policy_parse(const char *fname, const char *text, size_t len,
		 struct policy *p, char *err, size_t errlen);

/*
 * policy_parse() with @flags: %POLICY_PARSE_SEL_OPTIONAL lets "selector"
 * be absent (`tvmctl launch` supplies it); then @p->has_sel is false and
 * the caller sets @p->sel before policy_encode().
 */
#define POLICY_PARSE_SEL_OPTIONAL	0x1
int policy_parse_flags(const char *fname, const char *text, size_t len,
		       unsigned int flags, struct policy *p, char *err,
		       size_t errlen);
void policy_free(struct policy *p);

/*
 * The TVM_A_POLICY attribute of @p, header included, into @buf of @size
 * bytes; its length in *@len.  The payload, what an owner signs, is the
 * *@len - NLA_HDRLEN bytes from @buf + NLA_HDRLEN.  -E2BIG: more than
 * POLICY_ATTR_MAX bytes; -ENOSPC: @buf is too small (*@len says how much
 * is needed).
 */
int policy_encode(const struct policy *p, uint8_t *buf, size_t size,
		  size_t *len);

/*
 * The canonical encoding of @p (Documentation/policy.rst), what an owner
 * signs and whose SHA-256 is the policy's digest: the payload
 * policy_encode() makes, with every length, type and integer
 * little-endian, whatever the host.  Into @buf of @size bytes, its length
 * in *@len; errors as policy_encode().
 */
int policy_canonical(const struct policy *p, uint8_t *buf, size_t size,
		     size_t *len);

/*
 * A TVM_A_POLICY payload from the kernel (what nla_data() points to) into
 * @p (free it with policy_free()).  Attributes it does not know are
 * skipped; -EPROTO for a malformed one; -ENOMEM.
 */
int policy_decode(const void *payload, size_t len, struct policy *p);

/* @p in the file format, without "banks" unless @p has them; NULL: ENOMEM. */
struct json_object *policy_to_json(const struct policy *p);
/* @sel as in a file: {"uuid": ...}, {"name": ...} or {"default": true}. */
struct json_object *policy_sel_to_json(const struct policy_sel *sel);

/*
 * A selector on the command line: "default", a UUID, "uuid=UUID",
 * "name=NAME" or a VM name.  -EINVAL otherwise.
 */
int policy_parse_sel(const char *s, struct policy_sel *sel);
/* "default", "uuid=<uuid>" or "name=<name>" into @buf of @len bytes. */
void policy_format_sel(const struct policy_sel *sel, char *buf, size_t len);

/* "vmm", "os", "drivers", "software", "config" for levels 0-4; else NULL. */
const char *policy_level_name(unsigned int level);
/* "audit", "enforce"; NULL for anything else. */
const char *policy_mode_name(uint32_t mode);
/*
 * A runtime range for text output, "gpa 0x1000 length 4096 interval 0 ms
 * sha256 <hex>", into @buf of at least POLICY_RANGE_STR_LEN bytes.
 */
#define POLICY_RANGE_STR_LEN	(96 + 2 * POLICY_DIGEST_SIZE)
void policy_format_range(const struct tvm_range *r, char *buf);

/* "measure", "taint", "block"; NULL for anything else. */
const char *policy_df_action_name(uint32_t action);
/* "pending", "trusted", "untrusted", "unknown"; NULL for anything else. */
const char *policy_trust_name(uint32_t trust);
/*
 * A dataflow rule's sender as in a file: "any", "host", a UUID, a VM
 * name, or "name=host" and "name=any" for VMs so named, into @buf of at
 * least POLICY_DF_FROM_STR_LEN bytes.
 */
#define POLICY_DF_FROM_STR_LEN	(TVM_NAME_MAX + 8)
void policy_format_df_from(const struct tvm_df_rule *r, char *buf);
/*
 * A dataflow rule for text output, "from web-1 ports 22,1000-2000
 * min_trust trusted min_level 2 action block", into @buf of at least
 * POLICY_DF_RULE_STR_LEN bytes.
 */
#define POLICY_DF_RULE_STR_LEN	(POLICY_DF_FROM_STR_LEN + 96 + \
				 22 * TVM_DF_PORT_RANGES_MAX)
void policy_format_df_rule(const struct tvm_df_rule *r, char *buf);

/* "<bank>:<hex>" of @d into @buf of at least POLICY_DIGEST_STR_LEN bytes. */
#define POLICY_DIGEST_STR_LEN	(8 + 2 * TVM_DIGEST_MAX + 1)
void policy_format_digest(const struct tvm_policy_digest *d, char *buf);

#endif /* _TVM_POLICY_JSON_H */
