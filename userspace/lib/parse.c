// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsers for tvmctl; see parse.h.  Bank names and digest
 * sizes come from tvm_banks[] (kernel/lib/tvm_log.c), the table the kernel
 * and the ASCII log use too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "tvm_log.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_digit(*s))
			return false;
	return true;
}

/* Digits of @base from @s up to @end; at least one, no overflow. */
static int parse_digits(const char *s, const char *end, unsigned int base,
			uint64_t *val)
{
	uint64_t v = 0;
	int d;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		d = hex_val(*s);
		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (unsigned int)d) / base)
			return -EINVAL;
		v = v * base + (unsigned int)d;
	}
	*val = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *val)
{
	const char *end = s + strlen(s);

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_digits(s + 2, end, 16, val);
	return parse_digits(s, end, 10, val);
}

int parse_u32(const char *s, uint32_t *val)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > UINT32_MAX)
		return -EINVAL;
	*val = (uint32_t)v;
	return 0;
}

/* A decimal PCR index from @s up to @end. */
static int pcr_index(const char *s, const char *end, unsigned int *pcr)
{
	uint64_t v;

	if (parse_digits(s, end, 10, &v) || v >= TVM_NUM_PCRS)
		return -EINVAL;
	*pcr = (unsigned int)v;
	return 0;
}

int parse_pcr(const char *s, unsigned int *pcr)
{
	return pcr_index(s, s + strlen(s), pcr);
}

int parse_pcrs(const char *s, uint32_t *mask)
{
	uint32_t m = 0;
	const char *item = s, *end, *dash;
	unsigned int lo, hi;

	if (!strcmp(s, "all")) {
		*mask = TVM_PCR_MASK_ALL;
		return 0;
	}
	for (;;) {
		end = strchr(item, ',');
		if (!end)
			end = item + strlen(item);
		dash = memchr(item, '-', (size_t)(end - item));
		if (dash) {
			if (pcr_index(item, dash, &lo) ||
			    pcr_index(dash + 1, end, &hi) || lo > hi)
				return -EINVAL;
		} else {
			if (pcr_index(item, end, &lo))
				return -EINVAL;
			hi = lo;
		}
		for (; lo <= hi; lo++)
			m |= 1U << lo;
		if (!*end)
			break;
		item = end + 1;
	}
	*mask = m;
	return 0;
}

int parse_hex_var(const char *s, uint8_t *buf, size_t max, size_t *len)
{
	size_t n = strlen(s), i;
	int hi, lo;

	if (n % 2 || n / 2 > max)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (hex_val(s[i]) < 0)
			return -EINVAL;
	for (i = 0; i < n / 2; i++) {
		hi = hex_val(s[2 * i]);
		lo = hex_val(s[2 * i + 1]);
		buf[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

int parse_hex(const char *s, uint8_t *buf, size_t len)
{
	size_t got;

	if (strlen(s) != 2 * len)
		return -EINVAL;
	return parse_hex_var(s, buf, len, &got);
}

void format_hex(const uint8_t *data, size_t len, char *buf)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		buf[2 * i] = digits[data[i] >> 4];
		buf[2 * i + 1] = digits[data[i] & 0xf];
	}
	buf[2 * len] = '\0';
}

/* Where the hyphens of the text form are, and the groups' lengths. */
static const unsigned int uuid_groups[] = { 8, 4, 4, 4, 12 };

int parse_uuid(const char *s, uint8_t uuid[TVM_UUID_SIZE])
{
	uint8_t tmp[TVM_UUID_SIZE];
	char hex[2 * TVM_UUID_SIZE + 1];
	size_t g, pos = 0, n = 0;

	if (strlen(s) != PARSE_UUID_STR_LEN - 1)
		return -EINVAL;
	for (g = 0; g < sizeof(uuid_groups) / sizeof(uuid_groups[0]); g++) {
		if (g && s[pos++] != '-')
			return -EINVAL;
		memcpy(hex + n, s + pos, uuid_groups[g]);
		pos += uuid_groups[g];
		n += uuid_groups[g];
	}
	hex[n] = '\0';
	if (parse_hex(hex, tmp, sizeof(tmp)))
		return -EINVAL;
	memcpy(uuid, tmp, sizeof(tmp));
	return 0;
}

void format_uuid(const uint8_t uuid[TVM_UUID_SIZE], char *buf)
{
	size_t g, in = 0, out = 0;

	for (g = 0; g < sizeof(uuid_groups) / sizeof(uuid_groups[0]); g++) {
		if (g)
			buf[out++] = '-';
		format_hex(uuid + in, uuid_groups[g] / 2, buf + out);
		in += uuid_groups[g] / 2;
		out += uuid_groups[g];
	}
	buf[out] = '\0';
}

/* The kernel's rule for names, less the "not all digits". */
static bool name_chars_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > TVM_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!(is_digit(*s) || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || *s == '.' || *s == '_' ||
		      *s == '-'))
			return false;
	return true;
}

int parse_vm_name(const char *s)
{
	uint8_t uuid[TVM_UUID_SIZE];

	if (!name_chars_ok(s) || all_digits(s) || !parse_uuid(s, uuid))
		return -EINVAL;
	return 0;
}

int parse_vm_sel(const char *s, struct vm_sel *sel)
{
	uint32_t id;

	if (all_digits(s)) {
		if (parse_u32(s, &id) || id == 0)
			return -EINVAL;
		sel->type = VM_SEL_ID;
		sel->id = id;
		return 0;
	}
	if (!parse_uuid(s, sel->uuid)) {
		sel->type = VM_SEL_UUID;
		return 0;
	}
	if (!name_chars_ok(s))
		return -EINVAL;
	sel->type = VM_SEL_NAME;
	strcpy(sel->name, s);
	return 0;
}

const char *bank_name(unsigned int bank)
{
	return bank < __TVM_BANK_MAX ? tvm_banks[bank].name : NULL;
}

/* The bank named by @s up to @end. */
static int bank_of(const char *s, const char *end)
{
	size_t n = (size_t)(end - s);
	unsigned int b;

	for (b = 0; b < __TVM_BANK_MAX; b++)
		if (strlen(tvm_banks[b].name) == n &&
		    !memcmp(tvm_banks[b].name, s, n))
			return (int)b;
	return -EINVAL;
}

int parse_bank(const char *s)
{
	return bank_of(s, s + strlen(s));
}

int parse_banks(const char *s, uint32_t *mask)
{
	const char *item = s, *end;
	uint32_t m = 0;
	int b;

	for (;;) {
		end = strchr(item, ',');
		if (!end)
			end = item + strlen(item);
		b = bank_of(item, end);
		if (b < 0)
			return -EINVAL;
		m |= 1U << b;
		if (!*end)
			break;
		item = end + 1;
	}
	*mask = m;
	return 0;
}

size_t format_banks(uint32_t mask, char *buf, size_t len)
{
	size_t pos = 0;
	unsigned int b;
	int n;

	if (len)
		buf[0] = '\0';
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(mask & (1U << b)))
			continue;
		n = snprintf(buf + (pos < len ? pos : len),
			     pos < len ? len - pos : 0, "%s%s",
			     pos ? "," : "", tvm_banks[b].name);
		pos += (size_t)n;
	}
	return pos;
}

int parse_digest(const char *s, unsigned int *bank,
		 uint8_t digest[TVM_DIGEST_MAX])
{
	const char *eq = strchr(s, '=');
	uint8_t tmp[TVM_DIGEST_MAX];
	int b;

	if (!eq)
		return -EINVAL;
	b = bank_of(s, eq);
	if (b < 0 || parse_hex(eq + 1, tmp, tvm_banks[b].size))
		return -EINVAL;
	*bank = (unsigned int)b;
	memcpy(digest, tmp, tvm_banks[b].size);
	return 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int parse_words(char *line, char **words, int max)
{
	char *r = line, *w;
	int n = 0;

	for (;;) {
		while (blank(*r))
			r++;
		if (!*r)
			return n;
		if (n == max)
			return -EINVAL;
		if (*r == '"') {
			words[n++] = w = ++r;
			while (*r != '"') {
				if (!*r)
					return -EINVAL;
				if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
					r++;
				*w++ = *r++;
			}
			r++;
			if (*r && !blank(*r))
				return -EINVAL;
		} else {
			words[n++] = w = r;
			while (*r && !blank(*r))
				w++, r++;
		}
		if (*r)
			r++;
		*w = '\0';
	}
}
