// SPDX-License-Identifier: GPL-2.0
/*
 * The first stage of reading a policy file (policy_json.h): a strict
 * RFC 8259 scanner.  json-c alone also takes single quotes, NaN, comments
 * and invalid UTF-8, and keeps only the last of two equal keys, so that a
 * policy could say something other than what its author reads; this
 * rejects all of those, naming the line and column, or the key path of a
 * duplicate key.  Also the key paths and messages both stages use
 * (policy_scan.h).  policy_parse.c says why this is not jansson.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_json.h"
#include "policy_scan.h"

/* Deepest nesting the scanner accepts; a policy needs 6. */
#define SCAN_DEPTH_MAX		32

/* Append @s to the path; a path too long for the buffer is cut short. */
static void path_add(struct policy_ctx *cx, const char *s)
{
	size_t room = sizeof(cx->path) - cx->plen;
	size_t n = strlen(s);

	if (n >= room)
		n = room - 1;
	memcpy(cx->path + cx->plen, s, n);
	cx->plen += n;
	cx->path[cx->plen] = '\0';
}

void policy_quote(char *buf, size_t size, const char *s, size_t n)
{
	size_t o = 0, i;

	for (i = 0; i < n && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == POLICY_QUOTE_MAX) {
			o += (size_t)snprintf(buf + o, size - o, "...");
			break;
		}
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else if (c == '\'' || c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\%c", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
}

static bool plain_key(const char *k, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') ||
		      (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_' ||
		      k[i] == '-'))
			return false;
	return true;
}

size_t policy_path_key(struct policy_ctx *cx, const char *k, size_t n)
{
	size_t old = cx->plen;
	char q[POLICY_QUOTE_BUF];

	if (plain_key(k, n)) {
		if (old)
			path_add(cx, ".");
		policy_quote(q, sizeof(q), k, n);
		path_add(cx, q);
	} else {
		path_add(cx, "[\"");
		policy_quote(q, sizeof(q), k, n);
		path_add(cx, q);
		path_add(cx, "\"]");
	}
	return old;
}

size_t policy_path_index(struct policy_ctx *cx, size_t i)
{
	size_t old = cx->plen;
	char buf[24];

	snprintf(buf, sizeof(buf), "[%zu]", i);
	path_add(cx, buf);
	return old;
}

void policy_path_pop(struct policy_ctx *cx, size_t old)
{
	cx->plen = old;
	cx->path[old] = '\0';
}

int policy_fail(struct policy_ctx *cx, const char *fmt, ...)
{
	char msg[POLICY_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cx->plen)
		snprintf(cx->err, cx->errlen, "%s: %s: %s", cx->fname,
			 cx->path, msg);
	else
		snprintf(cx->err, cx->errlen, "%s: %s", cx->fname, msg);
	return -EINVAL;
}

int policy_fail_at(struct policy_ctx *cx, size_t pos, const char *fmt, ...)
{
	char msg[POLICY_ERR_MAX];
	size_t line = 1, col = 1;
	va_list ap;

	for (size_t i = 0; i < pos && i < cx->len; i++) {
		if (cx->text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(cx->err, cx->errlen, "%s: line %zu, column %zu: %s",
		 cx->fname, line, col, msg);
	return -EINVAL;
}

/*
 * The scanner.  It checks the RFC 8259 grammar and UTF-8, decodes keys
 * (so that "a" and "\u0061" are found to be the same) and rejects an
 * object with a key twice, or a key with a NUL in it.
 */

struct key {
	char *s;
	size_t n;
};

static void skip_ws(struct policy_ctx *cx, size_t *pos)
{
	while (*pos < cx->len && (cx->text[*pos] == ' ' ||
				  cx->text[*pos] == '\t' ||
				  cx->text[*pos] == '\n' ||
				  cx->text[*pos] == '\r'))
		(*pos)++;
}

/* Bytes of the valid UTF-8 sequence at @s (@rem left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t rem)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (rem < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static int hex4(const char *s, unsigned int *v)
{
	unsigned int r = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		r <<= 4;
		if (c >= '0' && c <= '9')
			r |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			r |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			r |= (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*v = r;
	return 0;
}

static size_t put_utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The string at *@pos (its opening quote); with @key, decode it into a
 * buffer the caller frees.  Its decoded form is never longer than it.
 */
static int scan_string(struct policy_ctx *cx, size_t *pos, struct key *key)
{
	const char *s = cx->text;
	size_t p = *pos + 1, end = p, o = 0, n;
	unsigned int cp, lo;
	char *out = NULL;

	/* Find the closing quote first, to size the buffer. */
	while (end < cx->len && s[end] != '"')
		end += s[end] == '\\' ? 2 : 1;
	if (end >= cx->len)
		return policy_fail_at(cx, *pos, "string without its closing quote");
	if (key) {
		out = malloc(end - p + 1);
		if (!out)
			return -ENOMEM;
	}
	while (p < end) {
		unsigned char c = (unsigned char)s[p];

		if (c < 0x20) {
			free(out);
			return policy_fail_at(cx, p, "control character in a string (write it as \\u%04x)",
					      c);
		}
		if (c >= 0x80) {
			n = utf8_len((const unsigned char *)s + p, end - p);
			if (!n) {
				free(out);
				return policy_fail_at(cx, p, "invalid UTF-8");
			}
			if (out)
				memcpy(out + o, s + p, n);
			o += n;
			p += n;
			continue;
		}
		if (c != '\\') {
			if (out)
				out[o] = (char)c;
			o++;
			p++;
			continue;
		}
		c = (unsigned char)s[p + 1];
		switch (c) {
		case '"': case '\\': case '/':
			cp = c;
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			if (p + 6 > end || hex4(s + p + 2, &cp))
				goto bad_escape;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				goto bad_escape;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p + 12 > end || s[p + 6] != '\\' ||
				    s[p + 7] != 'u' || hex4(s + p + 8, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					goto bad_escape;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				p += 6;
			}
			p += 4;
			break;
		default:
			goto bad_escape;
		}
		p += 2;
		if (out)
			o += put_utf8(out + o, cp);
		else
			o += cp < 0x80 ? 1 : 4;
	}
	if (key) {
		out[o] = '\0';
		key->s = out;
		key->n = o;
	}
	*pos = end + 1;
	return 0;

bad_escape:
	free(out);
	return policy_fail_at(cx, p, "bad escape in a string");
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int scan_number(struct policy_ctx *cx, size_t *pos)
{
	const char *s = cx->text;
	size_t p = *pos, start = p;

	if (p < cx->len && s[p] == '-')
		p++;
	if (p < cx->len && s[p] == '0') {
		p++;
	} else if (p < cx->len && is_digit(s[p])) {
		while (p < cx->len && is_digit(s[p]))
			p++;
	} else {
		return policy_fail_at(cx, start, "bad number");
	}
	if (p < cx->len && s[p] == '.') {
		p++;
		if (p >= cx->len || !is_digit(s[p]))
			return policy_fail_at(cx, start, "bad number");
		while (p < cx->len && is_digit(s[p]))
			p++;
	}
	if (p < cx->len && (s[p] == 'e' || s[p] == 'E')) {
		p++;
		if (p < cx->len && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= cx->len || !is_digit(s[p]))
			return policy_fail_at(cx, start, "bad number");
		while (p < cx->len && is_digit(s[p]))
			p++;
	}
	*pos = p;
	return 0;
}

static int scan_value(struct policy_ctx *cx, size_t *pos, int depth);

static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int r = memcmp(x->s, y->s, n);

	if (r)
		return r;
	return x->n < y->n ? -1 : x->n > y->n;
}

/*
 * At an object's or array's opening bracket: step past it, and past
 * @close too if it follows at once (true: the object or array is empty).
 */
static bool scan_empty(struct policy_ctx *cx, size_t *pos, char close)
{
	(*pos)++;
	skip_ws(cx, pos);
	if (*pos < cx->len && cx->text[*pos] == close) {
		(*pos)++;
		return true;
	}
	return false;
}

/*
 * After a member of an object or array: 1 past a ',' (another follows),
 * 0 past @close (the end), else -EINVAL.
 */
static int scan_next(struct policy_ctx *cx, size_t *pos, char close)
{
	skip_ws(cx, pos);
	if (*pos < cx->len && cx->text[*pos] == ',') {
		(*pos)++;
		return 1;
	}
	if (*pos < cx->len && cx->text[*pos] == close) {
		(*pos)++;
		return 0;
	}
	return policy_fail_at(cx, *pos, "expected ',' or '%c'", close);
}

/*
 * A member's value, the path stepped into it (@old steps back out), and
 * what follows it, as scan_next() says.
 */
static int scan_member(struct policy_ctx *cx, size_t *pos, int depth,
		       size_t old, char close)
{
	int ret = scan_value(cx, pos, depth + 1);

	if (ret)
		return ret;
	policy_path_pop(cx, old);
	return scan_next(cx, pos, close);
}

static int scan_object(struct policy_ctx *cx, size_t *pos, int depth)
{
	struct key *keys = NULL, *grown, k;
	size_t nkeys = 0, cap = 0, old, i;
	char q[POLICY_QUOTE_BUF];
	int ret;

	if (scan_empty(cx, pos, '}'))
		return 0;
	for (;;) {
		skip_ws(cx, pos);
		if (*pos >= cx->len || cx->text[*pos] != '"') {
			ret = policy_fail_at(cx, *pos, "expected a key in double quotes");
			goto out;
		}
		ret = scan_string(cx, pos, &k);
		if (ret)
			goto out;
		if (nkeys == cap) {
			cap = cap ? 2 * cap : 8;
			grown = realloc(keys, cap * sizeof(*keys));
			if (!grown) {
				free(k.s);
				ret = -ENOMEM;
				goto out;
			}
			keys = grown;
		}
		keys[nkeys++] = k;
		if (strlen(k.s) != k.n) {
			policy_quote(q, sizeof(q), k.s, k.n);
			ret = policy_fail(cx, "key '%s' has a NUL character", q);
			goto out;
		}
		skip_ws(cx, pos);
		if (*pos >= cx->len || cx->text[*pos] != ':') {
			ret = policy_fail_at(cx, *pos, "expected ':'");
			goto out;
		}
		(*pos)++;
		old = policy_path_key(cx, k.s, k.n);
		ret = scan_member(cx, pos, depth, old, '}');
		if (ret <= 0)
			break;
	}
	if (ret < 0)
		goto out;
	qsort(keys, nkeys, sizeof(*keys), key_cmp);
	for (i = 1; i < nkeys; i++) {
		if (!key_cmp(&keys[i - 1], &keys[i])) {
			policy_quote(q, sizeof(q), keys[i].s, keys[i].n);
			ret = policy_fail(cx, "duplicate key '%s'", q);
			goto out;
		}
	}
	ret = 0;
out:
	for (i = 0; i < nkeys; i++)
		free(keys[i].s);
	free(keys);
	return ret;
}

static int scan_array(struct policy_ctx *cx, size_t *pos, int depth)
{
	size_t i = 0, old;
	int ret;

	if (scan_empty(cx, pos, ']'))
		return 0;
	for (;; i++) {
		old = policy_path_index(cx, i);
		ret = scan_member(cx, pos, depth, old, ']');
		if (ret <= 0)
			return ret;
	}
}

static int scan_value(struct policy_ctx *cx, size_t *pos, int depth)
{
	static const char *const literals[] = { "true", "false", "null" };
	size_t n;

	skip_ws(cx, pos);
	if (*pos >= cx->len)
		return policy_fail_at(cx, *pos, "unexpected end of file");
	if (depth > SCAN_DEPTH_MAX)
		return policy_fail_at(cx, *pos, "nested more than %d deep",
				      SCAN_DEPTH_MAX);
	switch (cx->text[*pos]) {
	case '{':
		return scan_object(cx, pos, depth);
	case '[':
		return scan_array(cx, pos, depth);
	case '"':
		return scan_string(cx, pos, NULL);
	case '\'':
		return policy_fail_at(cx, *pos, "strings need double quotes");
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return scan_number(cx, pos);
	}
	for (size_t i = 0; i < sizeof(literals) / sizeof(literals[0]); i++) {
		n = strlen(literals[i]);
		if (cx->len - *pos >= n &&
		    !memcmp(cx->text + *pos, literals[i], n) &&
		    (cx->len - *pos == n ||
		     !((cx->text[*pos + n] >= 'a' && cx->text[*pos + n] <= 'z') ||
		       (cx->text[*pos + n] >= 'A' && cx->text[*pos + n] <= 'Z') ||
		       is_digit(cx->text[*pos + n])))) {
			*pos += n;
			return 0;
		}
	}
	if ((unsigned char)cx->text[*pos] < 0x20 ||
	    (unsigned char)cx->text[*pos] >= 0x7f)
		return policy_fail_at(cx, *pos, "unexpected byte 0x%02x",
				      (unsigned char)cx->text[*pos]);
	return policy_fail_at(cx, *pos, "unexpected '%c'", cx->text[*pos]);
}

int policy_scan(struct policy_ctx *cx)
{
	size_t pos = 0;
	int ret;

	skip_ws(cx, &pos);
	if (pos == cx->len)
		return policy_fail(cx, "empty, not a policy");
	if (cx->text[pos] != '{')
		return policy_fail_at(cx, pos, "a policy is a JSON object ({...})");
	ret = scan_value(cx, &pos, 0);
	if (ret)
		return ret;
	skip_ws(cx, &pos);
	if (pos != cx->len)
		return policy_fail_at(cx, pos, "more after the policy's closing '}'");
	return 0;
}
