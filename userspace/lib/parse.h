/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers and formatters for what tvmctl reads on its command line: VM
 * selectors, UUIDs, hex, bank names, PCR lists and unsigned integers.
 * All are pure (no I/O, no allocation).  Each parser accepts the whole
 * string or nothing: empty input, trailing junk and values out of range
 * return -EINVAL and leave the output untouched, and the caller quotes
 * the token it passed in its error message.
 */
#ifndef _TVM_PARSE_H
#define _TVM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tvm.h>

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" and its NUL */
#define PARSE_UUID_STR_LEN	37

/**
 * struct vm_sel - how a command names one VM
 * @type: which of @id, @name or @uuid is set
 */
struct vm_sel {
	enum { VM_SEL_ID, VM_SEL_NAME, VM_SEL_UUID } type;
	uint32_t id;
	char name[TVM_NAME_MAX + 1];
	uint8_t uuid[TVM_UUID_SIZE];
};

/*
 * A VM selector: all digits is an id (from 1), an RFC 4122 UUID in text
 * form is a UUID, anything else must be a valid name.
 */
int parse_vm_sel(const char *s, struct vm_sel *sel);

/*
 * A name for a new VM: 1-TVM_NAME_MAX bytes of [A-Za-z0-9._-], not all
 * digits (that would select an id) and not a UUID (that would select a
 * UUID), so that every VM can be selected by its name.
 */
int parse_vm_name(const char *s);

/* RFC 4122 text form, 8-4-4-4-12 hex digits, either case. */
int parse_uuid(const char *s, uint8_t uuid[TVM_UUID_SIZE]);
/* Lower case; @buf holds PARSE_UUID_STR_LEN bytes. */
void format_uuid(const uint8_t uuid[TVM_UUID_SIZE], char *buf);

/* Exactly 2 * @len hex digits, either case, into @len bytes. */
int parse_hex(const char *s, uint8_t *buf, size_t len);
/* An even number of hex digits, at most 2 * @max, into *@len bytes. */
int parse_hex_var(const char *s, uint8_t *buf, size_t max, size_t *len);
/* Lower case; @buf holds 2 * @len + 1 bytes. */
void format_hex(const uint8_t *data, size_t len, char *buf);

/* A bank's name ("sha256", ...) to its enum tvm_bank, or -EINVAL. */
int parse_bank(const char *s);
/* The name of enum tvm_bank @bank, or NULL if there is none. */
const char *bank_name(unsigned int bank);
/* A comma-separated list of bank names to a mask of (1 << bank). */
int parse_banks(const char *s, uint32_t *mask);
/*
 * The banks of @mask, comma-separated, in enum tvm_bank order, into @buf
 * of @len bytes; returns the length as snprintf() does.
 */
size_t format_banks(uint32_t mask, char *buf, size_t len);
/* "BANK=HEX", HEX exactly the bank's digest size. */
int parse_digest(const char *s, unsigned int *bank,
		 uint8_t digest[TVM_DIGEST_MAX]);

/* A PCR index, decimal, 0 to TVM_NUM_PCRS - 1. */
int parse_pcr(const char *s, unsigned int *pcr);
/* "all" or a comma-separated list of PCRs and ranges ("0,1,9-12"). */
int parse_pcrs(const char *s, uint32_t *mask);

/*
 * Unsigned integers: decimal, or hex after "0x"; no sign, no spaces.
 * Leading zeros are decimal, not octal.
 */
int parse_u64(const char *s, uint64_t *val);
int parse_u32(const char *s, uint32_t *val);

/*
 * Split @line into words at blanks (space, tab, CR, LF), in place, into
 * @words: a word may be in double quotes, inside which \" and \\ stand
 * for " and \ (any other backslash is itself), and a closing quote must
 * end its word.  Returns the number of words (0 for a blank line), or
 * -EINVAL for an unclosed quote, a closing quote inside a word, or more
 * than @max words.  Unlike the parsers above it writes to its input, on
 * failure too, and its words point into it.
 */
int parse_words(char *line, char **words, int max);

#endif /* _TVM_PARSE_H */
