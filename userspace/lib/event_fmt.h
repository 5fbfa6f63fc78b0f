/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events as people read them: the names of the event types tvm defines
 * (include/uapi/linux/tvm.h), and the fields of the event data whose
 * layout tvm specifies (struct tvm_ev_*).  For `tvmctl log`; the log
 * files in securityfs keep the raw form of kernel/lib/tvm_log.h.
 *
 * Pure: no I/O, no allocation.  Event data comes from the kernel but is
 * not trusted: data of the wrong size or without its magic is not
 * decoded, and is shown raw.
 */
#ifndef _TVM_EVENT_FMT_H
#define _TVM_EVENT_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "tvm_log.h"

/*
 * The name of event type @type, "VMM_EXE" for TVM_EV_VMM_EXE and so on
 * ("EV_NO_ACTION" for TCG's), or NULL for a type tvm does not define.
 */
const char *event_type_name(uint32_t type);

/**
 * struct event_field - one field of decoded event data
 * @key: its name, as text label and JSON key
 * @kind: how to show it: a decimal number, an address (0x%llx; in JSON a
 *	"0x..." string, as policy files write them), hex bytes, or text
 * @num: the number, for EVF_NUM and EVF_ADDR
 * @bytes, @len: the bytes, for EVF_HEX and EVF_TEXT (inside the event, or
 *	a constant string)
 */
struct event_field {
	const char *key;
	enum { EVF_NUM, EVF_ADDR, EVF_HEX, EVF_TEXT } kind;
	uint64_t num;
	const uint8_t *bytes;
	size_t len;
};

/*
 * The step a TVM_EV_MIGRATION event's flags (one TVM_EV_MIG_* flag) name:
 * "out", "in", "commit", "abort", "override"; NULL for anything else.
 */
const char *event_mig_step(uint32_t flags);

/* The most fields any event decodes to. */
#define EVENT_FIELDS_MAX	10

/*
 * Decode the @len bytes of @data of an event of @type into @f (room for
 * EVENT_FIELDS_MAX).  Returns how many fields, or 0 when the type has no
 * layout tvmctl knows or the data does not fit it.
 */
unsigned int event_fields(uint32_t type, const uint8_t *data, size_t len,
			  struct event_field *f);

/*
 * The fields as text, "slot 0 gpa 0x0 size 65536", into @buf of @size
 * bytes; returns the length as snprintf() does.
 */
size_t event_fields_text(const struct event_field *f, unsigned int n,
			 char *buf, size_t size);

/*
 * The line `tvmctl log` prints for @ev, without a newline: the ASCII form
 * of tvm_log.h, except that a type tvm defines is shown by its name and
 * data of a known layout by its fields.  Into @buf of @size bytes; returns
 * the length as snprintf() does.
 */
size_t event_line(const struct tvm_event *ev, char *buf, size_t size);

#endif /* _TVM_EVENT_FMT_H */
