/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A policy's encoding as netlink attributes (Documentation/policy.rst,
 * "The canonical encoding"): the one encoder of tvm.ko, which hashes the
 * canonical bytes into the policy's digest, the bytes an owner's signature
 * covers, and of tvmctl, which signs those bytes and sends the same
 * attributes in host byte order.  One encoder, so that both sides cannot
 * come to disagree on what was signed.
 */
#ifndef _TVM_POLICY_ENC_H
#define _TVM_POLICY_ENC_H

#include "tvm_lib.h"
#include <linux/tvm.h>

#include "policy_df.h"
#include "policy_eval.h"
#include "policy_mig.h"

/**
 * struct tvm_range - a runtime range of a policy, "runtime" in a file,
 *	TVM_A_POLICY_RUNTIME (enum tvm_range_attr) on the wire
 * @gpa: guest physical address
 * @len: bytes, 1 to %TVM_RANGE_LEN_MAX; @gpa + @len does not wrap
 * @sha256: the digest the range must keep
 * @interval_ms: 0 (only on demand, `tvmctl measure`), or
 *	%TVM_RANGE_INTERVAL_MIN to %TVM_RANGE_INTERVAL_MAX
 */
struct tvm_range {
	u64 gpa;
	u64 len;
	u8 sha256[32];
	u32 interval_ms;
};

/* Which VMs a policy is for. */
enum tvm_selector_kind {
	TVM_SEL_UUID,
	TVM_SEL_NAME,
	TVM_SEL_DEFAULT,
};

/**
 * struct tvm_policy_content - what a policy says, as its encoding holds it;
 *	each side points it at its own policy
 * @version: TVM_A_POLICY_VERSION
 * @sel: enum tvm_selector_kind
 * @uuid: with %TVM_SEL_UUID, %TVM_UUID_SIZE bytes
 * @name: with %TVM_SEL_NAME
 * @mode: enum tvm_policy_mode; not encoded in a tombstone
 * @key_id: the owner key's id, %TVM_KEY_ID_SIZE bytes; NULL: unsigned
 * @revision: TVM_A_POLICY_REVISION
 * @tombstone: a signed delete
 * @levels: %TVM_POLICY_LEVELS + 1 levels; those @present are encoded
 * @nranges: entries of @ranges
 * @ranges: runtime ranges, in the order given
 * @df: the dataflow section, encoded when @present (NULL: none)
 * @mig: the migration section, encoded when @present (NULL: none)
 */
struct tvm_policy_content {
	u32 version;
	enum tvm_selector_kind sel;
	const u8 *uuid;
	const char *name;
	u32 mode;
	const u8 *key_id;
	u32 revision;
	bool tombstone;
	const struct tvm_policy_level *levels;
	unsigned int nranges;
	const struct tvm_range *ranges;
	const struct tvm_df_section *df;
	const struct tvm_mig_section *mig;
};

/*
 * The attributes of @c, the payload of a TVM_A_POLICY attribute, into
 * @buf of @size bytes (it may be NULL with @size 0): with @le every
 * length, type and integer little-endian, the canonical encoding; else in
 * host byte order, as netlink carries them.  The length, which may exceed
 * @size, goes in *@len.  Return: 0; -E2BIG when an attribute is longer
 * than a netlink attribute's 16-bit length holds; -ENOSPC when @buf is
 * too small.
 */
int tvm_policy_encode(const struct tvm_policy_content *c, bool le, u8 *buf,
		      size_t size, size_t *len);

#endif /* _TVM_POLICY_ENC_H */
