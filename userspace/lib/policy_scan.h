/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the policy file reader, shared by its two stages: the strict
 * scanner (policy_scan.c) and the checker (policy_parse.c).  Where the
 * reader is in a file, the key path into it, and the messages that name
 * them; see policy_json.h for the reader itself.
 */
#ifndef _TVM_POLICY_SCAN_H
#define _TVM_POLICY_SCAN_H

#include <stddef.h>

struct json_object;

/* Longest key or value quoted in a message, in bytes. */
#define POLICY_QUOTE_MAX	120
/* Room for policy_quote() of a key or value. */
#define POLICY_QUOTE_BUF	(4 * POLICY_QUOTE_MAX + 16)

/* What the reader is at: the file, and the key path into it. */
struct policy_ctx {
	const char *fname;
	const char *text;
	size_t len;
	char *err;
	size_t errlen;
	char path[768];
	size_t plen;
	unsigned int flags;
	struct json_object *top;	/* the file's object, once parsed */
};

/*
 * @s (@n bytes) as it can be quoted in a message, into @buf of @size
 * bytes: at most POLICY_QUOTE_MAX bytes, control characters, quotes and
 * backslashes escaped.
 */
void policy_quote(char *buf, size_t size, const char *s, size_t n);

/*
 * Step the path into key @k (@n bytes), "a.b", or a["x y"] for a key that
 * needs quoting, or into array index @i, "a[1]".  Both return what
 * policy_path_pop() takes to step back out.
 */
size_t policy_path_key(struct policy_ctx *cx, const char *k, size_t n);
size_t policy_path_index(struct policy_ctx *cx, size_t i);
void policy_path_pop(struct policy_ctx *cx, size_t old);

/* "<file>: <path>: <msg>" (no path at the top) into cx->err; -EINVAL. */
int policy_fail(struct policy_ctx *cx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "<file>: line L, column C: <msg>" for byte @pos; -EINVAL. */
int policy_fail_at(struct policy_ctx *cx, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Check that cx->text is one RFC 8259 JSON object, in valid UTF-8, with no
 * object holding a key twice.  0, -EINVAL with the message in cx->err, or
 * -ENOMEM.
 */
int policy_scan(struct policy_ctx *cx);

#endif /* _TVM_POLICY_SCAN_H */
