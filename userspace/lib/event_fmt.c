// SPDX-License-Identifier: GPL-2.0
/*
 * Event type names and event data fields; see event_fmt.h.  The layouts
 * are the struct tvm_ev_* of include/uapi/linux/tvm.h, little-endian.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "event_fmt.h"

static const struct {
	uint32_t type;
	const char *name;
} type_names[] = {
	{ TVM_EV_NO_ACTION,	"EV_NO_ACTION" },
	{ TVM_EV_HOST_PCR,	"HOST_PCR" },
	{ TVM_EV_TVM_VERSION,	"TVM_VERSION" },
	{ TVM_EV_EXTEND,	"EXTEND" },
	{ TVM_EV_VMM_EXE,	"VMM_EXE" },
	{ TVM_EV_MEMSLOT,	"MEMSLOT" },
	{ TVM_EV_VCPU,		"VCPU" },
	{ TVM_EV_CPUID,		"CPUID" },
	{ TVM_EV_SLOT,		"SLOT" },
	{ TVM_EV_FILE,		"FILE" },
	{ TVM_EV_RUNTIME,	"RUNTIME" },
	{ TVM_EV_POLICY,	"POLICY" },
	{ TVM_EV_FLOW,		"FLOW" },
	{ TVM_EV_VSOCK_CID,	"VSOCK_CID" },
	{ TVM_EV_MIGRATION,	"MIGRATION" },
};

const char *event_type_name(uint32_t type)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return NULL;
}

/* Little-endian fields at @off of @data, whatever the host's order. */
static uint64_t le(const uint8_t *data, size_t off, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | data[off + n];
	return v;
}

struct fields {
	struct event_field *f;
	unsigned int n;
};

static void num(struct fields *fs, const char *key, uint64_t v)
{
	fs->f[fs->n++] = (struct event_field){ .key = key, .kind = EVF_NUM,
					       .num = v };
}

static void addr(struct fields *fs, const char *key, uint64_t v)
{
	fs->f[fs->n++] = (struct event_field){ .key = key, .kind = EVF_ADDR,
					       .num = v };
}

static void bytes(struct fields *fs, const char *key, int kind,
		  const uint8_t *p, size_t n)
{
	fs->f[fs->n++] = (struct event_field){ .key = key, .kind = kind,
					       .bytes = p, .len = n };
}

/* A slot number as KVM gives it: address space << 16 | slot id. */
static void slot(struct fields *fs, uint32_t s)
{
	if ((s & ~TVM_EV_SLOT_DEVICE) >> 16)
		num(fs, "as", (s & ~TVM_EV_SLOT_DEVICE) >> 16);
	num(fs, "slot", s & 0xffff);
	if (s & TVM_EV_SLOT_DEVICE)
		num(fs, "device", 1);	/* device memory, not read */
}

/*
 * The fields struct tvm_ev_slot begins with, which are all of struct
 * tvm_ev_memslot: slot, gpa, size, flags.
 */
static void slot_head(struct fields *fs, const uint8_t *d)
{
	slot(fs, (uint32_t)le(d, 0, 4));
	addr(fs, "gpa", le(d, 8, 8));
	num(fs, "size", le(d, 16, 8));
	addr(fs, "flags", le(d, 4, 4));
}

/* The step of a TVM_EV_MIGRATION event: one flag of TVM_EV_MIG_*. */
const char *event_mig_step(uint32_t flags)
{
	switch (flags) {
	case TVM_EV_MIG_OUT:
		return "out";
	case TVM_EV_MIG_IN:
		return "in";
	case TVM_EV_MIG_COMMIT:
		return "commit";
	case TVM_EV_MIG_ABORT:
		return "abort";
	case TVM_EV_MIG_OVERRIDE:
		return "override";
	default:
		return NULL;
	}
}

/* Printable ASCII other than '\', as the ASCII log shows as text. */
static bool is_text(const uint8_t *p, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '\\')
			return false;
	return true;
}

unsigned int event_fields(uint32_t type, const uint8_t *d, size_t len,
			  struct event_field *f)
{
	struct fields fs = { .f = f };

	switch (type) {
	case TVM_EV_HOST_PCR:
		if (len != sizeof(struct tvm_ev_host_pcr) ||
		    memcmp(d, "TVMH", 4))
			return 0;
		num(&fs, "host_pcr", d[4]);
		num(&fs, "tpm", d[5]);
		bytes(&fs, "sha256", EVF_HEX, d + 8, 32);
		break;
	case TVM_EV_NO_ACTION:
		if (len != sizeof(struct tvm_ev_reset) || memcmp(d, "TVMR", 4))
			return 0;
		num(&fs, "reset_pcr", d[4]);
		break;
	case TVM_EV_VMM_EXE:
		if (!is_text(d, len))
			return 0;
		bytes(&fs, "path", EVF_TEXT, d, len);
		break;
	case TVM_EV_FILE:
		if (!is_text(d, len))
			return 0;
		bytes(&fs, "name", EVF_TEXT, d, len);
		break;
	case TVM_EV_MEMSLOT:
		if (len != sizeof(struct tvm_ev_memslot))
			return 0;
		slot_head(&fs, d);
		break;
	case TVM_EV_VCPU:
		if (len != sizeof(struct tvm_ev_vcpu))
			return 0;
		num(&fs, "vcpu", le(d, 0, 4));
		break;
	case TVM_EV_CPUID:
		if (len != sizeof(struct tvm_ev_cpuid))
			return 0;
		num(&fs, "vcpu", le(d, 0, 4));
		num(&fs, "nent", le(d, 4, 4));
		bytes(&fs, "sha256", EVF_HEX, d + 8, 32);
		break;
	case TVM_EV_SLOT:
		if (len != sizeof(struct tvm_ev_slot))
			return 0;
		slot_head(&fs, d);
		num(&fs, "pages", le(d, 24, 8));
		bytes(&fs, "sha256", EVF_HEX, d + 32, 32);
		break;
	case TVM_EV_RUNTIME:
		if (len != sizeof(struct tvm_ev_runtime))
			return 0;
		addr(&fs, "gpa", le(d, 0, 8));
		num(&fs, "length", le(d, 8, 8));
		bytes(&fs, "sha256", EVF_HEX, d + 16, 32);
		break;
	case TVM_EV_FLOW:
		if (len != sizeof(struct tvm_ev_flow) || memcmp(d, "TVMF", 4))
			return 0;
		num(&fs, "flags", le(d, 4, 4));
		num(&fs, "src", le(d, 8, 8));
		num(&fs, "sport", le(d, 24, 4));
		num(&fs, "dst", le(d, 16, 8));
		num(&fs, "dport", le(d, 28, 4));
		bytes(&fs, "sender", EVF_HEX, d + 32, TVM_UUID_SIZE);
		num(&fs, "action", le(d, 48, 4));
		num(&fs, "offset", le(d, 56, 8));
		num(&fs, "bytes", le(d, 64, 8));
		bytes(&fs, "sha256", EVF_HEX, d + 72, 32);
		break;
	case TVM_EV_VSOCK_CID:
		if (len != sizeof(struct tvm_ev_vsock_cid) ||
		    memcmp(d, "TVMC", 4))
			return 0;
		num(&fs, "flags", le(d, 4, 4));
		num(&fs, "cid", le(d, 8, 8));
		break;
	case TVM_EV_MIGRATION: {
		const char *step;

		if (len != sizeof(struct tvm_ev_migration) ||
		    memcmp(d, "TVMG", 4))
			return 0;
		step = event_mig_step((uint32_t)le(d, 4, 4));
		if (step)
			bytes(&fs, "migration", EVF_TEXT,
			      (const uint8_t *)step, strlen(step));
		else
			num(&fs, "flags", le(d, 4, 4));
		bytes(&fs, "id", EVF_HEX, d + 8, TVM_MIG_ID_SIZE);
		bytes(&fs, "source", EVF_HEX, d + 24, TVM_MIG_HOST_ID_SIZE);
		bytes(&fs, "dest", EVF_HEX, d + 56, TVM_MIG_HOST_ID_SIZE);
		bytes(&fs, "platform", EVF_HEX, d + 88, 32);
		break;
	}
	case TVM_EV_POLICY:
		if (len != sizeof(struct tvm_ev_policy) || memcmp(d, "TVMP", 4))
			return 0;
		num(&fs, "revision", le(d, 4, 4));
		bytes(&fs, "digest", EVF_HEX, d + 8, 32);
		bytes(&fs, "key_id", EVF_HEX, d + 40, TVM_KEY_ID_SIZE);
		break;
	}
	return fs.n;
}

/* snprintf() into what is left of @buf; @pos counts all of it. */
static void put(char *buf, size_t size, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*pos < size ? buf + *pos : NULL,
		      *pos < size ? size - *pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

static void put_hex(char *buf, size_t size, size_t *pos, const uint8_t *p,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(buf, size, pos, "%02x", p[i]);
}

size_t event_fields_text(const struct event_field *f, unsigned int n,
			 char *buf, size_t size)
{
	size_t pos = 0;

	if (size)
		buf[0] = '\0';
	for (unsigned int i = 0; i < n; i++) {
		put(buf, size, &pos, "%s%s ", i ? " " : "", f[i].key);
		switch (f[i].kind) {
		case EVF_NUM:
			put(buf, size, &pos, "%llu",
			    (unsigned long long)f[i].num);
			break;
		case EVF_ADDR:
			put(buf, size, &pos, "0x%llx",
			    (unsigned long long)f[i].num);
			break;
		case EVF_HEX:
			put_hex(buf, size, &pos, f[i].bytes, f[i].len);
			break;
		case EVF_TEXT:
			put(buf, size, &pos, "%.*s", (int)f[i].len,
			    (const char *)f[i].bytes);
			break;
		}
	}
	return pos;
}

size_t event_line(const struct tvm_event *ev, char *buf, size_t size)
{
	struct event_field f[EVENT_FIELDS_MAX];
	const uint8_t *data = tvm_event_data(ev);
	const char *name = event_type_name(ev->type);
	size_t pos = 0;
	unsigned int n;

	if (size)
		buf[0] = '\0';
	put(buf, size, &pos, "%llu %u ", (unsigned long long)ev->seq, ev->pcr);
	if (name)
		put(buf, size, &pos, "%s", name);
	else
		put(buf, size, &pos, "0x%08x", ev->type);
	for (unsigned int b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(ev->banks & (1U << b)))
			continue;
		put(buf, size, &pos, " %s:", tvm_banks[b].name);
		put_hex(buf, size, &pos, tvm_event_digest(ev, b),
			tvm_banks[b].size);
	}
	put(buf, size, &pos, " ");
	n = event_fields(ev->type, data, ev->data_len, f);
	/* A path or a name alone reads best as itself. */
	if (n == 1 && f[0].kind == EVF_TEXT)
		n = 0;
	if (n) {
		pos += event_fields_text(f, n, pos < size ? buf + pos : NULL,
					 pos < size ? size - pos : 0);
	} else if (is_text(data, ev->data_len)) {
		put(buf, size, &pos, "%.*s", (int)ev->data_len,
		    (const char *)data);
	} else {
		put(buf, size, &pos, "hex:");
		put_hex(buf, size, &pos, data, ev->data_len);
	}
	return pos;
}
