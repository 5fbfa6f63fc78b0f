// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "out.h"

#define OUT_MAX_DEPTH 16

struct out {
	FILE *fp;
	bool json;
	int depth;			/* open objects and arrays */
	json_object *stack[OUT_MAX_DEPTH];
	const char *keys[OUT_MAX_DEPTH];
	bool in_array[OUT_MAX_DEPTH];
};

struct out *out_new(FILE *fp, bool json)
{
	struct out *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->fp = fp;
	o->json = json;
	return o;
}

void out_free(struct out *o)
{
	if (!o)
		return;
	while (o->depth > 0)
		json_object_put(o->stack[--o->depth]);
	free(o);
}

static bool in_array(const struct out *o)
{
	return o->depth > 0 && o->in_array[o->depth - 1];
}

/* Attach @val to the innermost open container, or print it at the top. */
static void json_add(struct out *o, const char *key, json_object *val)
{
	json_object *parent;

	if (o->depth == 0) {
		fprintf(o->fp, "%s\n", json_object_to_json_string_ext(val,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(val);
		return;
	}
	parent = o->stack[o->depth - 1];
	if (o->in_array[o->depth - 1])
		json_object_array_add(parent, val);
	else
		json_object_object_add(parent, key, val);
}

static void indent(struct out *o)
{
	for (int i = 1; i < o->depth; i++)
		fputs("  ", o->fp);
}

static void open_container(struct out *o, const char *key, bool array)
{
	if (o->depth == OUT_MAX_DEPTH)
		abort();	/* a programming error, not input */
	if (!o->json && key && o->depth > 0) {
		indent(o);
		fprintf(o->fp, "%s:\n", key);
	}
	o->stack[o->depth] = array ? json_object_new_array() :
				     json_object_new_object();
	o->keys[o->depth] = key;
	o->in_array[o->depth] = array;
	o->depth++;
}

static void close_container(struct out *o)
{
	json_object *obj;
	const char *key;

	if (o->depth == 0)
		abort();
	o->depth--;
	obj = o->stack[o->depth];
	key = o->keys[o->depth];
	if (o->json)
		json_add(o, key, obj);
	else
		json_object_put(obj);
}

void out_object_begin(struct out *o, const char *key)
{
	open_container(o, key, false);
}

void out_object_end(struct out *o)
{
	close_container(o);
	/* A blank line between the objects of a list, in text form. */
	if (!o->json && in_array(o))
		fputc('\n', o->fp);
}

void out_array_begin(struct out *o, const char *key)
{
	open_container(o, key, true);
}

void out_array_end(struct out *o)
{
	close_container(o);
}

static void text_field(struct out *o, const char *key, const char *label,
		       const char *val)
{
	indent(o);
	if (in_array(o))
		fprintf(o->fp, "%s\n", val);
	else
		fprintf(o->fp, "%s: %s\n", label ? label : key, val);
}

void out_str(struct out *o, const char *key, const char *label,
	     const char *val)
{
	if (o->json)
		json_add(o, key, json_object_new_string(val));
	else
		text_field(o, key, label, val);
}

void out_int(struct out *o, const char *key, const char *label, int64_t val)
{
	char buf[24];

	if (o->json) {
		json_add(o, key, json_object_new_int64(val));
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRId64, val);
	text_field(o, key, label, buf);
}

void out_bool(struct out *o, const char *key, const char *label, bool val)
{
	if (o->json)
		json_add(o, key, json_object_new_boolean(val));
	else
		text_field(o, key, label, val ? "yes" : "no");
}

void out_null(struct out *o, const char *key, const char *label,
	      const char *text)
{
	if (o->json)
		json_add(o, key, NULL);
	else
		text_field(o, key, label, text);
}
