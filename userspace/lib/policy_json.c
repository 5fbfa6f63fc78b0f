// SPDX-License-Identifier: GPL-2.0
/*
 * Policy files; see policy_json.h and Documentation/policy.rst.
 *
 * A file goes through three stages.  A strict scanner first checks that it
 * is RFC 8259 JSON (json-c alone also takes single quotes, NaN and invalid
 * UTF-8) and that no object has a key twice: json-c keeps only the last of
 * two equal keys, so a policy could otherwise say something other than
 * what its author reads.  json-c then builds the tree, and the checker
 * walks it into a struct policy, naming the key path of anything wrong.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include <json-c/json.h>

#include "parse.h"
#include "policy_json.h"
#include "tvm_log.h"

/* Deepest nesting the scanner accepts; a policy needs 6. */
#define SCAN_DEPTH_MAX		32
/* Longest key or value quoted in a message, in bytes. */
#define QUOTE_MAX		120

/* Levels 0-4, PCR 8-12. */
static const char *const level_names[TVM_POLICY_LEVELS + 1] = {
	"vmm", "os", "drivers", "software", "config",
};

/* What the checker is at: the file, and the key path into it. */
struct ctx {
	const char *fname;
	const char *text;
	size_t len;
	char *err;
	size_t errlen;
	char path[768];
	size_t plen;
	unsigned int flags;
	json_object *top;	/* the file's object, once parsed */
};

/* Append @s to the path; a path too long for the buffer is cut short. */
static void path_add(struct ctx *cx, const char *s)
{
	size_t room = sizeof(cx->path) - cx->plen;
	size_t n = strlen(s);

	if (n >= room)
		n = room - 1;
	memcpy(cx->path + cx->plen, s, n);
	cx->plen += n;
	cx->path[cx->plen] = '\0';
}

/*
 * @s (@n bytes) as it can be quoted in a message: at most QUOTE_MAX
 * bytes, control characters, quotes and backslashes escaped.
 */
static void quote(char *buf, size_t size, const char *s, size_t n)
{
	size_t o = 0, i;

	for (i = 0; i < n && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == QUOTE_MAX) {
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

/* Step into key @k: "a.b", or a["x y"] for keys that need quoting. */
static size_t path_key(struct ctx *cx, const char *k, size_t n)
{
	size_t old = cx->plen;
	char q[4 * QUOTE_MAX + 16];

	if (plain_key(k, n)) {
		if (old)
			path_add(cx, ".");
		quote(q, sizeof(q), k, n);
		path_add(cx, q);
	} else {
		path_add(cx, "[\"");
		quote(q, sizeof(q), k, n);
		path_add(cx, q);
		path_add(cx, "\"]");
	}
	return old;
}

static size_t path_index(struct ctx *cx, size_t i)
{
	size_t old = cx->plen;
	char buf[24];

	snprintf(buf, sizeof(buf), "[%zu]", i);
	path_add(cx, buf);
	return old;
}

static void path_pop(struct ctx *cx, size_t old)
{
	cx->plen = old;
	cx->path[old] = '\0';
}

/* "<file>: <path>: <msg>" (no path at the top); returns -EINVAL. */
static int __attribute__((format(printf, 2, 3)))
fail(struct ctx *cx, const char *fmt, ...)
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

/* "<file>: line L, column C: <msg>" for byte @pos; returns -EINVAL. */
static int __attribute__((format(printf, 3, 4)))
fail_at(struct ctx *cx, size_t pos, const char *fmt, ...)
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

static void skip_ws(struct ctx *cx, size_t *pos)
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
static int scan_string(struct ctx *cx, size_t *pos, struct key *key)
{
	const char *s = cx->text;
	size_t p = *pos + 1, end = p, o = 0, n;
	unsigned int cp, lo;
	char *out = NULL;

	/* Find the closing quote first, to size the buffer. */
	while (end < cx->len && s[end] != '"')
		end += s[end] == '\\' ? 2 : 1;
	if (end >= cx->len)
		return fail_at(cx, *pos, "string without its closing quote");
	if (key) {
		out = malloc(end - p + 1);
		if (!out)
			return -ENOMEM;
	}
	while (p < end) {
		unsigned char c = (unsigned char)s[p];

		if (c < 0x20) {
			free(out);
			return fail_at(cx, p, "control character in a string (write it as \\u%04x)",
				       c);
		}
		if (c >= 0x80) {
			n = utf8_len((const unsigned char *)s + p, end - p);
			if (!n) {
				free(out);
				return fail_at(cx, p, "invalid UTF-8");
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
	return fail_at(cx, p, "bad escape in a string");
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int scan_number(struct ctx *cx, size_t *pos)
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
		return fail_at(cx, start, "bad number");
	}
	if (p < cx->len && s[p] == '.') {
		p++;
		if (p >= cx->len || !is_digit(s[p]))
			return fail_at(cx, start, "bad number");
		while (p < cx->len && is_digit(s[p]))
			p++;
	}
	if (p < cx->len && (s[p] == 'e' || s[p] == 'E')) {
		p++;
		if (p < cx->len && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= cx->len || !is_digit(s[p]))
			return fail_at(cx, start, "bad number");
		while (p < cx->len && is_digit(s[p]))
			p++;
	}
	*pos = p;
	return 0;
}

static int scan_value(struct ctx *cx, size_t *pos, int depth);

static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int r = memcmp(x->s, y->s, n);

	if (r)
		return r;
	return x->n < y->n ? -1 : x->n > y->n;
}

static int scan_object(struct ctx *cx, size_t *pos, int depth)
{
	struct key *keys = NULL, *grown, k;
	size_t nkeys = 0, cap = 0, old, i;
	char q[4 * QUOTE_MAX + 16];
	int ret;

	(*pos)++;
	skip_ws(cx, pos);
	if (*pos < cx->len && cx->text[*pos] == '}') {
		(*pos)++;
		return 0;
	}
	for (;;) {
		skip_ws(cx, pos);
		if (*pos >= cx->len || cx->text[*pos] != '"') {
			ret = fail_at(cx, *pos, "expected a key in double quotes");
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
			quote(q, sizeof(q), k.s, k.n);
			ret = fail(cx, "key '%s' has a NUL character", q);
			goto out;
		}
		skip_ws(cx, pos);
		if (*pos >= cx->len || cx->text[*pos] != ':') {
			ret = fail_at(cx, *pos, "expected ':'");
			goto out;
		}
		(*pos)++;
		old = path_key(cx, k.s, k.n);
		ret = scan_value(cx, pos, depth + 1);
		if (ret)
			goto out;
		path_pop(cx, old);
		skip_ws(cx, pos);
		if (*pos < cx->len && cx->text[*pos] == ',') {
			(*pos)++;
			continue;
		}
		if (*pos < cx->len && cx->text[*pos] == '}') {
			(*pos)++;
			break;
		}
		ret = fail_at(cx, *pos, "expected ',' or '}'");
		goto out;
	}
	qsort(keys, nkeys, sizeof(*keys), key_cmp);
	for (i = 1; i < nkeys; i++) {
		if (!key_cmp(&keys[i - 1], &keys[i])) {
			quote(q, sizeof(q), keys[i].s, keys[i].n);
			ret = fail(cx, "duplicate key '%s'", q);
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

static int scan_array(struct ctx *cx, size_t *pos, int depth)
{
	size_t i = 0, old;
	int ret;

	(*pos)++;
	skip_ws(cx, pos);
	if (*pos < cx->len && cx->text[*pos] == ']') {
		(*pos)++;
		return 0;
	}
	for (;; i++) {
		old = path_index(cx, i);
		ret = scan_value(cx, pos, depth + 1);
		if (ret)
			return ret;
		path_pop(cx, old);
		skip_ws(cx, pos);
		if (*pos < cx->len && cx->text[*pos] == ',') {
			(*pos)++;
			continue;
		}
		if (*pos < cx->len && cx->text[*pos] == ']') {
			(*pos)++;
			return 0;
		}
		return fail_at(cx, *pos, "expected ',' or ']'");
	}
}

static int scan_value(struct ctx *cx, size_t *pos, int depth)
{
	static const char *const literals[] = { "true", "false", "null" };
	size_t n;

	skip_ws(cx, pos);
	if (*pos >= cx->len)
		return fail_at(cx, *pos, "unexpected end of file");
	if (depth > SCAN_DEPTH_MAX)
		return fail_at(cx, *pos, "nested more than %d deep",
			       SCAN_DEPTH_MAX);
	switch (cx->text[*pos]) {
	case '{':
		return scan_object(cx, pos, depth);
	case '[':
		return scan_array(cx, pos, depth);
	case '"':
		return scan_string(cx, pos, NULL);
	case '\'':
		return fail_at(cx, *pos, "strings need double quotes");
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
		return fail_at(cx, *pos, "unexpected byte 0x%02x",
			       (unsigned char)cx->text[*pos]);
	return fail_at(cx, *pos, "unexpected '%c'", cx->text[*pos]);
}

static int scan(struct ctx *cx)
{
	size_t pos = 0;
	int ret;

	skip_ws(cx, &pos);
	if (pos == cx->len)
		return fail(cx, "empty, not a policy");
	if (cx->text[pos] != '{')
		return fail_at(cx, pos, "a policy is a JSON object ({...})");
	ret = scan_value(cx, &pos, 0);
	if (ret)
		return ret;
	skip_ws(cx, &pos);
	if (pos != cx->len)
		return fail_at(cx, pos, "more after the policy's closing '}'");
	return 0;
}

/*
 * The checker, on json-c's tree.  Scanned first, the tree has no
 * duplicate keys, and its objects iterate in file order.
 */

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

static int want(struct ctx *cx, json_object *v, json_type t)
{
	json_type got = json_object_get_type(v);

	if (got == t)
		return 0;
	return fail(cx, "must be %s, not %s", type_name(t), type_name(got));
}

/* A string without NUL characters; *@n its length. */
static int want_str(struct ctx *cx, json_object *v, const char **s,
		    size_t *n)
{
	int ret = want(cx, v, json_type_string);

	if (ret)
		return ret;
	*s = json_object_get_string(v);
	*n = (size_t)json_object_get_string_len(v);
	if (strlen(*s) != *n)
		return fail(cx, "has a NUL character");
	return 0;
}

/* An array of @min to @max items; *@n the count. */
static int want_array(struct ctx *cx, json_object *v, size_t min, size_t max,
		      const char *what, size_t *n)
{
	int ret = want(cx, v, json_type_array);

	if (ret)
		return ret;
	*n = json_object_array_length(v);
	if (*n < min)
		return fail(cx, "empty (leave it out, or list %s)", what);
	if (*n > max)
		return fail(cx, "%zu %s, more than %zu", *n, what, max);
	return 0;
}

/*
 * @obj is an object and every key of it is one of @allowed
 * (NULL-terminated); @hint lists them for the error.
 */
static int want_object(struct ctx *cx, json_object *obj,
		       const char *const *allowed, const char *hint)
{
	char q[4 * QUOTE_MAX + 16];
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
		quote(q, sizeof(q), k, strlen(k));
		return fail(cx, "unknown key '%s' (%s)", q, hint);
	}
	return 0;
}

static int check_version(struct ctx *cx, json_object *v, struct policy *p)
{
	int ret = want(cx, v, json_type_int);

	if (ret)
		return ret;
	if (json_object_get_int64(v) != TVM_POLICY_VERSION)
		return fail(cx, "unsupported version %s (this tvmctl reads version %d)",
			    json_object_to_json_string(v), TVM_POLICY_VERSION);
	p->version = TVM_POLICY_VERSION;
	return 0;
}

static int check_selector(struct ctx *cx, json_object *obj, struct policy *p)
{
	static const char *const keys[] = { "uuid", "name", "default", NULL };
	char q[4 * QUOTE_MAX + 16];
	const char *s;
	size_t n, old;
	int ret;

	ret = want_object(cx, obj, keys, "uuid, name or default");
	if (ret)
		return ret;
	if (json_object_object_length(obj) == 0)
		return fail(cx, "empty (needs one of uuid, name or default)");
	if (json_object_object_length(obj) > 1)
		return fail(cx, "more than one of uuid, name and default");
	json_object_object_foreach(obj, k, v) {
		old = path_key(cx, k, strlen(k));
		if (!strcmp(k, "default")) {
			ret = want(cx, v, json_type_boolean);
			if (!ret && !json_object_get_boolean(v))
				ret = fail(cx, "must be true (select a VM with uuid or name)");
			p->sel.type = POLICY_SEL_DEFAULT;
		} else {
			ret = want_str(cx, v, &s, &n);
			if (ret)
				return ret;
			quote(q, sizeof(q), s, n);
			if (!strcmp(k, "uuid")) {
				if (parse_uuid(s, p->sel.uuid))
					ret = fail(cx, "bad UUID '%s' (8-4-4-4-12 hex digits)",
						   q);
				p->sel.type = POLICY_SEL_UUID;
			} else {
				if (parse_vm_name(s))
					ret = fail(cx, "bad VM name '%s' (1-%d of A-Z a-z 0-9 . _ -, not all digits, not a UUID)",
						   q, TVM_NAME_MAX);
				else
					strcpy(p->sel.name, s);
				p->sel.type = POLICY_SEL_NAME;
			}
		}
		path_pop(cx, old);
	}
	return ret;
}

static int check_mode(struct ctx *cx, json_object *v, struct policy *p)
{
	char q[4 * QUOTE_MAX + 16];
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
		quote(q, sizeof(q), s, n);
		return fail(cx, "unknown mode '%s' (audit or enforce)", q);
	}
	return 0;
}

static int check_banks(struct ctx *cx, json_object *arr, struct policy *p)
{
	char q[4 * QUOTE_MAX + 16];
	size_t n, len, i, old;
	const char *s;
	int ret, b;

	ret = want_array(cx, arr, 1, __TVM_BANK_MAX, "banks", &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		old = path_index(cx, i);
		ret = want_str(cx, json_object_array_get_idx(arr, i), &s, &len);
		if (ret)
			return ret;
		b = parse_bank(s);
		if (b < 0) {
			quote(q, sizeof(q), s, len);
			return fail(cx, "unknown bank '%s' (sha1, sha256, sha384 or sm3_256)",
				    q);
		}
		if (p->banks & (1U << b))
			return fail(cx, "%s is listed twice", s);
		p->banks |= 1U << b;
		path_pop(cx, old);
	}
	return 0;
}

/* The owner key's id: 64 hex digits (`tvmctl policy keyid`). */
static int check_owner_key(struct ctx *cx, json_object *v, struct policy *p)
{
	char q[4 * QUOTE_MAX + 16];
	const char *s;
	size_t n;
	int ret = want_str(cx, v, &s, &n);

	if (ret)
		return ret;
	if (n == 0)
		return fail(cx, "empty (leave it out for an unsigned policy)");
	if (n != 2 * TVM_KEY_ID_SIZE ||
	    parse_hex(s, p->key_id, TVM_KEY_ID_SIZE)) {
		quote(q, sizeof(q), s, n);
		return fail(cx, "'%s' is not a key id (%d hex digits: 'tvmctl policy keyid CERT'; key descriptions are not taken since tvm ABI 6)",
			    q, 2 * TVM_KEY_ID_SIZE);
	}
	p->has_key = true;
	return 0;
}

/* "delete": true: a tombstone, the owner's signed delete of a selector. */
static int check_delete(struct ctx *cx, json_object *v, struct policy *p)
{
	static const char *const not[] = { "mode", "banks", "levels", "runtime" };
	int ret = want(cx, v, json_type_boolean);

	if (ret)
		return ret;
	if (!json_object_get_boolean(v))
		return fail(cx, "must be true (leave it out for a policy)");
	if (!p->has_key)
		return fail(cx, "a delete is signed: it needs owner_key");
	for (size_t i = 0; i < sizeof(not) / sizeof(not[0]); i++)
		if (json_object_object_get_ex(cx->top, not[i], NULL))
			return fail(cx, "a delete holds selector, owner_key and revision only, not %s",
				    not[i]);
	p->tombstone = true;
	return 0;
}

static int check_revision(struct ctx *cx, json_object *v, struct policy *p)
{
	int ret = want(cx, v, json_type_int);
	int64_t r;

	if (ret)
		return ret;
	r = json_object_get_int64(v);
	if (r < 0 || r > UINT32_MAX)
		return fail(cx, "%s is out of range (0 to %u)",
			    json_object_to_json_string(v), UINT32_MAX);
	p->revision = (uint32_t)r;
	return 0;
}

/* "<bank>:<hex>", in a bank of @banks (when not 0). */
static int check_digest(struct ctx *cx, json_object *v, uint32_t banks,
			struct tvm_policy_digest *d)
{
	char q[4 * QUOTE_MAX + 16], bank[16], list[64];
	const char *s, *colon;
	size_t n;
	int ret, b;

	ret = want_str(cx, v, &s, &n);
	if (ret)
		return ret;
	quote(q, sizeof(q), s, n);
	colon = strchr(s, ':');
	if (!colon)
		return fail(cx, "bad digest '%s' (BANK:HEX, as sha256:<64 hex digits>)",
			    q);
	b = -1;
	if ((size_t)(colon - s) < sizeof(bank)) {
		memcpy(bank, s, (size_t)(colon - s));
		bank[colon - s] = '\0';
		b = parse_bank(bank);
	}
	if (b < 0)
		return fail(cx, "bad digest '%s' (unknown bank; sha1, sha256, sha384 or sm3_256)",
			    q);
	if (parse_hex(colon + 1, d->value, tvm_banks[b].size))
		return fail(cx, "bad digest '%s' (%u hex digits for %s)", q,
			    2U * tvm_banks[b].size, tvm_banks[b].name);
	if (banks && !(banks & (1U << b))) {
		format_banks(banks, list, sizeof(list));
		return fail(cx, "digest '%s': \"banks\" does not list %s (%s)",
			    q, tvm_banks[b].name, list);
	}
	d->bank = (uint8_t)b;
	return 0;
}

static bool same_digest(const struct tvm_policy_digest *a,
			const struct tvm_policy_digest *b)
{
	return a->bank == b->bank &&
	       !memcmp(a->value, b->value, tvm_banks[a->bank].size);
}

/* A list of 1 to TVM_POLICY_DIGESTS_MAX digests, none twice. */
static int check_digests(struct ctx *cx, json_object *arr, uint32_t banks,
			 struct tvm_policy_digest *d, unsigned int *count)
{
	size_t n, i, j, old;
	int ret;

	ret = want_array(cx, arr, 1, TVM_POLICY_DIGESTS_MAX, "digests", &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		old = path_index(cx, i);
		ret = check_digest(cx, json_object_array_get_idx(arr, i),
				   banks, &d[i]);
		if (ret)
			return ret;
		for (j = 0; j < i; j++)
			if (same_digest(&d[j], &d[i]))
				return fail(cx, "the same digest as [%zu]", j);
		path_pop(cx, old);
	}
	*count = (unsigned int)n;
	return 0;
}

static int check_events(struct ctx *cx, json_object *obj, uint32_t banks,
			struct tvm_policy_level *lv)
{
	char q[4 * QUOTE_MAX + 16];
	size_t n, len, old;
	int ret;

	ret = want(cx, obj, json_type_object);
	if (ret)
		return ret;
	n = (size_t)json_object_object_length(obj);
	if (n == 0)
		return fail(cx, "empty (leave it out, or list events)");
	if (n > TVM_POLICY_EVENTS_MAX)
		return fail(cx, "%zu events, more than %d", n,
			    TVM_POLICY_EVENTS_MAX);
	lv->events = calloc(n, sizeof(*lv->events));
	if (!lv->events)
		return -ENOMEM;
	json_object_object_foreach(obj, k, v) {
		struct tvm_policy_event *ev = &lv->events[lv->nevents];

		len = strlen(k);
		if (len == 0)
			return fail(cx, "an event with an empty name");
		if (len > TVM_EVENT_NAME_MAX) {
			quote(q, sizeof(q), k, len);
			return fail(cx, "event name '%s' is %zu bytes, more than %d",
				    q, len, TVM_EVENT_NAME_MAX);
		}
		memcpy(ev->name, k, len + 1);
		old = path_key(cx, k, len);
		ret = check_digests(cx, v, banks, ev->digests, &ev->ndigests);
		if (ret)
			return ret;
		path_pop(cx, old);
		lv->nevents++;
	}
	return 0;
}

static int check_level(struct ctx *cx, json_object *obj, uint32_t banks,
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
		return fail(cx, "no events and no pcr (leave the level out)");
	lv->present = true;
	if (json_object_object_get_ex(obj, "events", &v)) {
		old = path_key(cx, "events", 6);
		ret = check_events(cx, v, banks, lv);
		if (ret)
			return ret;
		path_pop(cx, old);
	}
	if (json_object_object_get_ex(obj, "pcr", &v)) {
		old = path_key(cx, "pcr", 3);
		ret = check_digests(cx, v, banks, lv->pcr, &lv->npcr);
		if (ret)
			return ret;
		path_pop(cx, old);
	}
	return 0;
}

static int check_levels(struct ctx *cx, json_object *obj, struct policy *p)
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
		return fail(cx, "empty (leave it out, or give a level)");
	for (unsigned int l = 0; l <= TVM_POLICY_LEVELS; l++) {
		json_object *v;

		if (!json_object_object_get_ex(obj, level_names[l], &v))
			continue;
		old = path_key(cx, level_names[l], strlen(level_names[l]));
		ret = check_level(cx, v, p->banks, &p->levels[l],
				  l == TVM_POLICY_LEVEL_VMM);
		if (ret)
			return ret;
		path_pop(cx, old);
	}
	return 0;
}

/*
 * An unsigned 64-bit number: a JSON integer, or a string parse_u64()
 * reads ("0x1000", "4096"), which also holds what JSON numbers cannot.
 */
static int want_u64(struct ctx *cx, json_object *v, uint64_t *val)
{
	char q[4 * QUOTE_MAX + 16];
	const char *s;
	size_t n;
	int ret;

	if (json_object_get_type(v) == json_type_int) {
		if (json_object_get_int64(v) < 0)
			return fail(cx, "%s is negative",
				    json_object_to_json_string(v));
		/* json-c clamps what is above 64 bits to UINT64_MAX. */
		*val = json_object_get_uint64(v);
		if (*val == UINT64_MAX)
			return fail(cx, "too large for a JSON integer (write it as a \"0x...\" string)");
		return 0;
	}
	if (json_object_get_type(v) != json_type_string)
		return fail(cx, "must be an integer or a \"0x...\" string, not %s",
			    type_name(json_object_get_type(v)));
	ret = want_str(cx, v, &s, &n);
	if (ret)
		return ret;
	if (parse_u64(s, val)) {
		quote(q, sizeof(q), s, n);
		return fail(cx, "bad number '%s' (decimal, or hex after 0x, at most 64 bits)",
			    q);
	}
	return 0;
}

static int check_range(struct ctx *cx, json_object *obj,
		       struct policy_range *r)
{
	static const char *const keys[] = {
		"gpa", "length", "sha256", "interval_ms", NULL
	};
	static const char *const need[] = { "gpa", "length", "sha256" };
	char q[4 * QUOTE_MAX + 16];
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
			return fail(cx, "missing key '%s'", need[i]);

	json_object_object_get_ex(obj, "gpa", &v);
	old = path_key(cx, "gpa", 3);
	ret = want_u64(cx, v, &r->gpa);
	if (ret)
		return ret;
	path_pop(cx, old);

	json_object_object_get_ex(obj, "length", &v);
	old = path_key(cx, "length", 6);
	ret = want_u64(cx, v, &r->len);
	if (ret)
		return ret;
	if (r->len < 1 || r->len > TVM_RANGE_LEN_MAX)
		return fail(cx, "%llu bytes; a range is 1 to %u bytes",
			    (unsigned long long)r->len, TVM_RANGE_LEN_MAX);
	if (r->len > UINT64_MAX - r->gpa)
		return fail(cx, "the range from 0x%llx wraps past the end of the address space",
			    (unsigned long long)r->gpa);
	path_pop(cx, old);

	json_object_object_get_ex(obj, "sha256", &v);
	old = path_key(cx, "sha256", 6);
	ret = want_str(cx, v, &s, &n);
	if (ret)
		return ret;
	if (parse_hex(s, r->sha256, sizeof(r->sha256))) {
		quote(q, sizeof(q), s, n);
		return fail(cx, "bad digest '%s' (64 hex digits)", q);
	}
	path_pop(cx, old);

	if (json_object_object_get_ex(obj, "interval_ms", &v)) {
		old = path_key(cx, "interval_ms", 11);
		ret = want(cx, v, json_type_int);
		if (ret)
			return ret;
		if (json_object_get_int64(v) < 0)
			return fail(cx, "%s is negative",
				    json_object_to_json_string(v));
		ms = json_object_get_uint64(v);
		if (ms != 0 && (ms < TVM_RANGE_INTERVAL_MIN ||
				ms > TVM_RANGE_INTERVAL_MAX))
			return fail(cx, "%s ms; 0 (only on demand) or %d to %d",
				    json_object_to_json_string(v),
				    TVM_RANGE_INTERVAL_MIN,
				    TVM_RANGE_INTERVAL_MAX);
		r->interval_ms = (uint32_t)ms;
		path_pop(cx, old);
	}
	return 0;
}

/* "runtime": 1 to TVM_POLICY_RANGES_MAX ranges, none twice. */
static int check_runtime(struct ctx *cx, json_object *arr, struct policy *p)
{
	size_t n, i, j, old;
	int ret;

	ret = want_array(cx, arr, 1, TVM_POLICY_RANGES_MAX, "ranges", &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		struct policy_range *r = &p->ranges[i];

		old = path_index(cx, i);
		ret = check_range(cx, json_object_array_get_idx(arr, i), r);
		if (ret)
			return ret;
		for (j = 0; j < i; j++)
			if (p->ranges[j].gpa == r->gpa &&
			    p->ranges[j].len == r->len)
				return fail(cx, "the same range as [%zu]", j);
		path_pop(cx, old);
		p->nranges++;
	}
	return 0;
}

/* Call @fn on @key of @obj, with the path at it, if it is there. */
static int check_key(struct ctx *cx, json_object *obj, const char *key,
		     int (*fn)(struct ctx *, json_object *, struct policy *),
		     struct policy *p)
{
	json_object *v;
	size_t old;
	int ret;

	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	old = path_key(cx, key, strlen(key));
	ret = fn(cx, v, p);
	if (!ret)
		path_pop(cx, old);
	return ret;
}

static int check_policy(struct ctx *cx, json_object *top, struct policy *p)
{
	static const char *const keys[] = {
		"version", "selector", "mode", "banks", "owner_key", "revision",
		"delete", "levels", "runtime", NULL
	};
	static const char *const later[] = { "dataflow", "migration" };
	size_t len = 0;
	int ret;

	json_object_object_foreach(top, k, v) {
		(void)v;
		for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++)
			if (!strcmp(k, later[i]))
				return fail(cx, "unknown key '%s' (%s policies are not supported yet)",
					    k, k);
	}
	ret = want_object(cx, top, keys,
			  "version, selector, mode, banks, owner_key, revision, delete, levels or runtime");
	if (ret)
		return ret;
	if (!json_object_object_get_ex(top, "version", NULL))
		return fail(cx, "missing key 'version' (%d)", TVM_POLICY_VERSION);
	p->has_sel = json_object_object_get_ex(top, "selector", NULL);
	if (!p->has_sel && !(cx->flags & POLICY_PARSE_SEL_OPTIONAL))
		return fail(cx, "missing key 'selector' ({\"uuid\": ...}, {\"name\": ...} or {\"default\": true})");
	p->mode = TVM_POLICY_AUDIT;
	cx->top = top;
	ret = check_key(cx, top, "version", check_version, p);
	if (!ret)
		ret = check_key(cx, top, "selector", check_selector, p);
	if (!ret)
		ret = check_key(cx, top, "mode", check_mode, p);
	/* Before the digests, which must be in these banks. */
	if (!ret)
		ret = check_key(cx, top, "banks", check_banks, p);
	if (!ret)
		ret = check_key(cx, top, "owner_key", check_owner_key, p);
	if (!ret)
		ret = check_key(cx, top, "revision", check_revision, p);
	if (!ret)
		ret = check_key(cx, top, "delete", check_delete, p);
	if (!ret)
		ret = check_key(cx, top, "levels", check_levels, p);
	if (!ret)
		ret = check_key(cx, top, "runtime", check_runtime, p);
	if (ret)
		return ret;
	if (policy_encode(p, NULL, 0, &len) == -E2BIG)
		return fail(cx, "%zu bytes encoded, more than the %d a netlink attribute holds (list fewer events or digests)",
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
	struct ctx cx = {
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
		return fail(&cx, "more than %d bytes", POLICY_FILE_MAX);
	ret = scan(&cx);
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
		ret = fail_at(&cx, json_tokener_get_parse_end(tok), "%s",
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
	for (unsigned int l = 0; l <= TVM_POLICY_LEVELS; l++)
		free(p->levels[l].events);
	memset(p, 0, sizeof(*p));
}

/*
 * The encoder: netlink attributes as the kernel lays them out (host byte
 * order, each padded to 4 bytes, a nest's length covering its padded
 * contents).  It counts past the end of the buffer, to say how much is
 * needed.
 */

struct wbuf {
	uint8_t *buf;
	size_t size;
	size_t len;
	bool too_big;
	bool le;	/* the canonical encoding: little-endian */
};

static void w_hdr(struct wbuf *w, size_t at, size_t len, uint16_t type)
{
	uint16_t l = w->le ? htole16((uint16_t)len) : (uint16_t)len;

	if (w->le)
		type = htole16(type);
	if (len > POLICY_ATTR_MAX)
		w->too_big = true;
	if (at + NLA_HDRLEN <= w->size) {
		memcpy(w->buf + at, &l, sizeof(l));
		memcpy(w->buf + at + sizeof(l), &type, sizeof(type));
	}
}

static void w_put(struct wbuf *w, uint16_t type, const void *data, size_t n)
{
	size_t at = w->len, total = NLA_HDRLEN + n, padded = NLA_ALIGN(total);

	w_hdr(w, at, total, type);
	if (at + padded <= w->size) {
		if (n)
			memcpy(w->buf + at + NLA_HDRLEN, data, n);
		memset(w->buf + at + total, 0, padded - total);
	}
	w->len += padded;
}

static void w_u32(struct wbuf *w, uint16_t type, uint32_t v)
{
	if (w->le)
		v = htole32(v);
	w_put(w, type, &v, sizeof(v));
}

static void w_u64(struct wbuf *w, uint16_t type, uint64_t v)
{
	if (w->le)
		v = htole64(v);
	w_put(w, type, &v, sizeof(v));
}

static void w_str(struct wbuf *w, uint16_t type, const char *s)
{
	w_put(w, type, s, strlen(s) + 1);
}

static size_t w_nest(struct wbuf *w)
{
	size_t at = w->len;

	w->len += NLA_HDRLEN;
	return at;
}

static void w_nest_end(struct wbuf *w, size_t at, uint16_t type)
{
	w_hdr(w, at, w->len - at, type | NLA_F_NESTED);
}

static void w_digests(struct wbuf *w, uint16_t type,
		      const struct tvm_policy_digest *d, unsigned int n)
{
	size_t list = w_nest(w), entry;

	for (unsigned int i = 0; i < n; i++) {
		entry = w_nest(w);
		w_u32(w, TVM_A_DIGEST_BANK, d[i].bank);
		w_put(w, TVM_A_DIGEST_VALUE, d[i].value,
		      tvm_banks[d[i].bank].size);
		w_nest_end(w, entry, TVM_A_DIGEST);
	}
	w_nest_end(w, list, type);
}

static int encode(const struct policy *p, uint8_t *buf, size_t size,
		  size_t *len, bool le)
{
	struct wbuf w = { .buf = buf, .size = buf ? size : 0, .le = le };
	size_t top, level, event, range;

	top = w_nest(&w);
	w_u32(&w, TVM_A_POLICY_VERSION, p->version);
	switch (p->sel.type) {
	case POLICY_SEL_UUID:
		w_put(&w, TVM_A_POLICY_UUID, p->sel.uuid, TVM_UUID_SIZE);
		break;
	case POLICY_SEL_NAME:
		w_str(&w, TVM_A_POLICY_NAME, p->sel.name);
		break;
	case POLICY_SEL_DEFAULT:
		w_put(&w, TVM_A_POLICY_DEFAULT, NULL, 0);
		break;
	}
	if (!p->tombstone)
		w_u32(&w, TVM_A_POLICY_MODE, p->mode);
	if (p->has_key)
		w_put(&w, TVM_A_POLICY_KEY_ID, p->key_id, TVM_KEY_ID_SIZE);
	w_u32(&w, TVM_A_POLICY_REVISION, p->revision);
	if (p->tombstone)
		w_put(&w, TVM_A_POLICY_TOMBSTONE, NULL, 0);
	for (unsigned int l = 0; l <= TVM_POLICY_LEVELS; l++) {
		const struct tvm_policy_level *lv = &p->levels[l];

		if (!lv->present)
			continue;
		level = w_nest(&w);
		w_u32(&w, TVM_A_LEVEL_NUM, l);
		for (unsigned int e = 0; e < lv->nevents; e++) {
			event = w_nest(&w);
			w_str(&w, TVM_A_PEVENT_NAME, lv->events[e].name);
			w_digests(&w, TVM_A_PEVENT_DIGESTS,
				  lv->events[e].digests,
				  lv->events[e].ndigests);
			w_nest_end(&w, event, TVM_A_LEVEL_EVENT);
		}
		if (lv->npcr)
			w_digests(&w, TVM_A_LEVEL_PCR, lv->pcr, lv->npcr);
		w_nest_end(&w, level, TVM_A_POLICY_LEVEL);
	}
	/* Every field of a range, always, in this order: one encoding. */
	for (unsigned int i = 0; i < p->nranges; i++) {
		const struct policy_range *r = &p->ranges[i];

		range = w_nest(&w);
		w_u64(&w, TVM_A_RANGE_GPA, r->gpa);
		w_u64(&w, TVM_A_RANGE_LEN, r->len);
		w_put(&w, TVM_A_RANGE_SHA256, r->sha256, sizeof(r->sha256));
		w_u32(&w, TVM_A_RANGE_INTERVAL, r->interval_ms);
		w_nest_end(&w, range, TVM_A_POLICY_RUNTIME);
	}
	w_nest_end(&w, top, TVM_A_POLICY);
	*len = w.len;
	if (w.too_big)
		return -E2BIG;
	if (w.len > w.size)
		return -ENOSPC;
	return 0;
}

int policy_encode(const struct policy *p, uint8_t *buf, size_t size,
		  size_t *len)
{
	return encode(p, buf, size, len, false);
}

int policy_canonical(const struct policy *p, uint8_t *buf, size_t size,
		     size_t *len)
{
	int ret = encode(p, buf, size, len, true);

	/* The payload: the attribute without its header. */
	if (!ret)
		memmove(buf, buf + NLA_HDRLEN, *len - NLA_HDRLEN);
	*len -= NLA_HDRLEN;
	return ret;
}

/* The decoder, for what the kernel sends back. */

struct nla_iter {
	const uint8_t *p;
	size_t rem;
	bool bad;
};

static bool nla_iter_next(struct nla_iter *it, uint16_t *type,
			  const uint8_t **data, size_t *len)
{
	uint16_t l, t;
	size_t adv;

	if (it->rem < NLA_HDRLEN)
		return false;
	memcpy(&l, it->p, sizeof(l));
	memcpy(&t, it->p + sizeof(l), sizeof(t));
	if (l < NLA_HDRLEN || l > it->rem) {
		it->bad = true;
		return false;
	}
	*type = t & NLA_TYPE_MASK;
	*data = it->p + NLA_HDRLEN;
	*len = l - NLA_HDRLEN;
	adv = NLA_ALIGN((size_t)l);
	if (adv > it->rem)
		adv = it->rem;
	it->p += adv;
	it->rem -= adv;
	return true;
}

static int get_u32(const uint8_t *data, size_t len, uint32_t *v)
{
	if (len != sizeof(*v))
		return -EPROTO;
	memcpy(v, data, sizeof(*v));
	return 0;
}

/* A string attribute, with or without its NUL, of at most @max bytes. */
static int get_str(const uint8_t *data, size_t len, char *out, size_t max)
{
	if (len && !data[len - 1])
		len--;
	if (len > max || memchr(data, '\0', len))
		return -EPROTO;
	memcpy(out, data, len);
	out[len] = '\0';
	return 0;
}

static int decode_digests(const uint8_t *data, size_t len,
			  struct tvm_policy_digest *d, unsigned int *count)
{
	struct nla_iter it = { .p = data, .rem = len }, in;
	const uint8_t *v, *value;
	size_t n, value_len;
	uint16_t type, t;
	uint32_t bank = 0;
	bool has_bank;

	*count = 0;
	while (nla_iter_next(&it, &type, &v, &n)) {
		if (type != TVM_A_DIGEST)
			continue;
		if (*count == TVM_POLICY_DIGESTS_MAX)
			return -EPROTO;
		in = (struct nla_iter){ .p = v, .rem = n };
		has_bank = false;
		value = NULL;
		value_len = 0;
		while (nla_iter_next(&in, &t, &v, &n)) {
			if (t == TVM_A_DIGEST_BANK) {
				if (get_u32(v, n, &bank))
					return -EPROTO;
				has_bank = true;
			} else if (t == TVM_A_DIGEST_VALUE) {
				value = v;
				value_len = n;
			}
		}
		if (in.bad || !has_bank || !value || bank >= __TVM_BANK_MAX ||
		    value_len != tvm_banks[bank].size)
			return -EPROTO;
		d[*count].bank = (uint8_t)bank;
		memcpy(d[*count].value, value, value_len);
		(*count)++;
	}
	return it.bad ? -EPROTO : 0;
}

static int decode_event(const uint8_t *data, size_t len,
			struct tvm_policy_event *ev)
{
	struct nla_iter it = { .p = data, .rem = len };
	bool has_name = false, has_digests = false;
	const uint8_t *v;
	uint16_t type;
	size_t n;

	while (nla_iter_next(&it, &type, &v, &n)) {
		if (type == TVM_A_PEVENT_NAME) {
			if (get_str(v, n, ev->name, TVM_EVENT_NAME_MAX))
				return -EPROTO;
			has_name = true;
		} else if (type == TVM_A_PEVENT_DIGESTS) {
			if (decode_digests(v, n, ev->digests, &ev->ndigests))
				return -EPROTO;
			has_digests = true;
		}
	}
	return it.bad || !has_name || !has_digests || !ev->name[0] ? -EPROTO : 0;
}

static int decode_level(const uint8_t *data, size_t len, struct policy *p)
{
	struct nla_iter it = { .p = data, .rem = len };
	struct tvm_policy_level *lv = NULL;
	struct tvm_policy_event *grown;
	uint32_t num = 0;
	const uint8_t *v;
	uint16_t type;
	size_t n;
	int ret;

	/* LEVEL_NUM first, wherever it is. */
	while (nla_iter_next(&it, &type, &v, &n))
		if (type == TVM_A_LEVEL_NUM && get_u32(v, n, &num))
			return -EPROTO;
	if (it.bad || num > TVM_POLICY_LEVELS || p->levels[num].present)
		return -EPROTO;
	lv = &p->levels[num];
	lv->present = true;
	it = (struct nla_iter){ .p = data, .rem = len };
	while (nla_iter_next(&it, &type, &v, &n)) {
		if (type == TVM_A_LEVEL_EVENT) {
			if (lv->nevents == TVM_POLICY_EVENTS_MAX)
				return -EPROTO;
			grown = realloc(lv->events, (lv->nevents + 1) *
						    sizeof(*lv->events));
			if (!grown)
				return -ENOMEM;
			lv->events = grown;
			memset(&lv->events[lv->nevents], 0,
			       sizeof(*lv->events));
			ret = decode_event(v, n, &lv->events[lv->nevents]);
			if (ret)
				return ret;
			lv->nevents++;
		} else if (type == TVM_A_LEVEL_PCR) {
			ret = decode_digests(v, n, lv->pcr, &lv->npcr);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int decode_range(const uint8_t *data, size_t len, struct policy *p)
{
	struct nla_iter it = { .p = data, .rem = len };
	struct policy_range *r;
	unsigned int seen = 0;
	const uint8_t *v;
	uint16_t type;
	size_t n;

	if (p->nranges == TVM_POLICY_RANGES_MAX)
		return -EPROTO;
	r = &p->ranges[p->nranges];
	memset(r, 0, sizeof(*r));
	while (nla_iter_next(&it, &type, &v, &n)) {
		switch (type) {
		case TVM_A_RANGE_GPA:
		case TVM_A_RANGE_LEN:
			if (n != sizeof(uint64_t))
				return -EPROTO;
			memcpy(type == TVM_A_RANGE_GPA ? &r->gpa : &r->len, v, n);
			break;
		case TVM_A_RANGE_SHA256:
			if (n != sizeof(r->sha256))
				return -EPROTO;
			memcpy(r->sha256, v, n);
			break;
		case TVM_A_RANGE_INTERVAL:
			if (get_u32(v, n, &r->interval_ms))
				return -EPROTO;
			break;
		default:
			continue;
		}
		seen |= 1U << type;
	}
	if (it.bad || !(seen & (1U << TVM_A_RANGE_GPA)) ||
	    !(seen & (1U << TVM_A_RANGE_LEN)) ||
	    !(seen & (1U << TVM_A_RANGE_SHA256)))
		return -EPROTO;
	p->nranges++;
	return 0;
}

static bool same_sel(const struct policy_sel *a, const struct policy_sel *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == POLICY_SEL_UUID)
		return !memcmp(a->uuid, b->uuid, TVM_UUID_SIZE);
	if (a->type == POLICY_SEL_NAME)
		return !strcmp(a->name, b->name);
	return true;
}

/*
 * A reply may carry the selector twice, in the payload as loaded and
 * again before the generation; both must agree.
 */
static int decode_sel(uint16_t type, const uint8_t *v, size_t n,
		      struct policy *p, unsigned int *nsel)
{
	struct policy_sel sel = { .type = POLICY_SEL_DEFAULT };

	if (type == TVM_A_POLICY_UUID) {
		if (n != TVM_UUID_SIZE)
			return -EPROTO;
		sel.type = POLICY_SEL_UUID;
		memcpy(sel.uuid, v, n);
	} else if (type == TVM_A_POLICY_NAME) {
		sel.type = POLICY_SEL_NAME;
		if (get_str(v, n, sel.name, TVM_NAME_MAX))
			return -EPROTO;
	}
	if ((*nsel)++ && !same_sel(&p->sel, &sel))
		return -EPROTO;
	p->sel = sel;
	return 0;
}

int policy_decode(const void *payload, size_t len, struct policy *p)
{
	struct nla_iter it = { .p = payload, .rem = len };
	unsigned int nsel = 0;
	const uint8_t *v;
	uint16_t type;
	size_t n;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	p->mode = TVM_POLICY_AUDIT;
	while (!ret && nla_iter_next(&it, &type, &v, &n)) {
		switch (type) {
		case TVM_A_POLICY_VERSION:
			ret = get_u32(v, n, &p->version);
			break;
		case TVM_A_POLICY_UUID:
		case TVM_A_POLICY_NAME:
		case TVM_A_POLICY_DEFAULT:
			ret = decode_sel(type, v, n, p, &nsel);
			break;
		case TVM_A_POLICY_MODE:
			ret = get_u32(v, n, &p->mode);
			if (!ret && !policy_mode_name(p->mode))
				ret = -EPROTO;
			break;
		case TVM_A_POLICY_KEY_ID:
			if (n != TVM_KEY_ID_SIZE) {
				ret = -EPROTO;
				break;
			}
			memcpy(p->key_id, v, n);
			p->has_key = true;
			break;
		case TVM_A_POLICY_REVISION:
			ret = get_u32(v, n, &p->revision);
			break;
		case TVM_A_POLICY_TOMBSTONE:
			p->tombstone = true;
			break;
		case TVM_A_POLICY_LEVEL:
			ret = decode_level(v, n, p);
			break;
		case TVM_A_POLICY_RUNTIME:
			ret = decode_range(v, n, p);
			break;
		case TVM_A_POLICY_GEN:
			if (n != sizeof(p->gen)) {
				ret = -EPROTO;
				break;
			}
			memcpy(&p->gen, v, n);
			p->has_gen = true;
			break;
		case TVM_A_POLICY_DIGEST:
			if (n != POLICY_DIGEST_SIZE) {
				ret = -EPROTO;
				break;
			}
			memcpy(p->digest, v, n);
			p->has_digest = true;
			break;
		case TVM_A_POLICY_SIGNED:
			p->is_signed = true;
			break;
		}
	}
	if (!ret && (it.bad || !nsel))
		ret = -EPROTO;
	p->has_sel = !ret;
	if (ret)
		policy_free(p);
	return ret;
}

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

void policy_format_range(const struct policy_range *r, char *buf)
{
	char hex[2 * POLICY_DIGEST_SIZE + 1];

	format_hex(r->sha256, sizeof(r->sha256), hex);
	snprintf(buf, POLICY_RANGE_STR_LEN,
		 "gpa 0x%llx length %llu interval %u ms sha256 %s",
		 (unsigned long long)r->gpa, (unsigned long long)r->len,
		 r->interval_ms, hex);
}

/* A range as in a file; the address in hex, as people write it. */
static json_object *range_to_json(const struct policy_range *r)
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
