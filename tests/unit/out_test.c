// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/lib/out.c: the text and JSON forms of one sequence of calls.
 * The JSON form is parsed back with json-c rather than compared as text,
 * so the test checks structure and values, not json-c's spacing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "out.h"

/* One VM-like object with a nested object and an array of objects. */
static void emit(struct out *o)
{
	out_object_begin(o, NULL);
	out_str(o, "name", "vm name", "web-1");
	out_int(o, "id", NULL, 7);
	out_bool(o, "trusted", NULL, true);
	out_null(o, "policy", NULL, "none");
	out_object_begin(o, "bank");
	out_str(o, "alg", NULL, "sha256");
	out_int(o, "pcrs", NULL, 24);
	out_object_end(o);
	out_array_begin(o, "events");
	out_object_begin(o, NULL);
	out_int(o, "seq", NULL, 0);
	out_object_end(o);
	out_object_begin(o, NULL);
	out_int(o, "seq", NULL, 1);
	out_object_end(o);
	out_array_end(o);
	out_array_begin(o, "tags");
	out_str(o, NULL, NULL, "a \"quoted\" tag");
	out_array_end(o);
	out_object_end(o);
}

static char *render(bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct out *o;

	assert_non_null(fp);
	o = out_new(fp, json);
	assert_non_null(o);
	emit(o);
	out_free(o);
	fclose(fp);
	return buf;
}

static void test_text_form(void **state)
{
	char *text = render(false);

	(void)state;
	assert_string_equal(text,
		"vm name: web-1\n"
		"id: 7\n"
		"trusted: yes\n"
		"policy: none\n"
		"bank:\n"
		"  alg: sha256\n"
		"  pcrs: 24\n"
		"events:\n"
		"    seq: 0\n"
		"\n"
		"    seq: 1\n"
		"\n"
		"tags:\n"
		"  a \"quoted\" tag\n");
	free(text);
}

static void test_json_form(void **state)
{
	char *text = render(true);
	json_object *root, *v, *e;

	(void)state;
	root = json_tokener_parse(text);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "name", &v));
	assert_string_equal(json_object_get_string(v), "web-1");
	assert_true(json_object_object_get_ex(root, "id", &v));
	assert_int_equal(json_object_get_int64(v), 7);
	assert_true(json_object_object_get_ex(root, "trusted", &v));
	assert_true(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(root, "policy", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(root, "bank", &v));
	assert_true(json_object_object_get_ex(v, "pcrs", &e));
	assert_int_equal(json_object_get_int(e), 24);
	assert_true(json_object_object_get_ex(root, "events", &v));
	assert_int_equal(json_object_array_length(v), 2);
	e = json_object_array_get_idx(v, 1);
	assert_true(json_object_object_get_ex(e, "seq", &e));
	assert_int_equal(json_object_get_int(e), 1);
	assert_true(json_object_object_get_ex(root, "tags", &v));
	assert_string_equal(json_object_get_string(
		json_object_array_get_idx(v, 0)), "a \"quoted\" tag");
	/* Exactly one document: nothing after it but the newline. */
	assert_non_null(strchr(text, '\n'));
	assert_int_equal(text[strlen(text) - 1], '\n');
	json_object_put(root);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_form),
		cmocka_unit_test(test_json_form),
	};

	return cmocka_run_group_tests_name("out", tests, NULL, NULL);
}
