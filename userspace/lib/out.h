/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One output call for both forms: human text by default, JSON with -j.
 * A command opens an object, adds fields, and closes it; in text mode each
 * field prints as "label: value" as it is added, in JSON mode the object is
 * printed, whole, when the outermost one closes.
 */
#ifndef _TVM_OUT_H
#define _TVM_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct out;

struct out *out_new(FILE *fp, bool json);
void out_free(struct out *o);

/* Objects and arrays nest; @key is NULL inside arrays and at the top. */
void out_object_begin(struct out *o, const char *key);
void out_object_end(struct out *o);
void out_array_begin(struct out *o, const char *key);
void out_array_end(struct out *o);

/*
 * @key is the JSON key; @label is the text form's label (NULL: @key).
 * Inside an array the label is not printed, only the value.
 */
void out_str(struct out *o, const char *key, const char *label,
	     const char *val);
void out_int(struct out *o, const char *key, const char *label, int64_t val);
void out_bool(struct out *o, const char *key, const char *label, bool val);
void out_null(struct out *o, const char *key, const char *label,
	      const char *text);

#endif /* _TVM_OUT_H */
