/* Any bytes as a JSON string (jsontext.c): valid UTF-8 but NUL unchanged,
 * the rest escaped as \xNN, nothing dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "jsontext.h"

static void expect_text(const char *in, size_t n, const char *want)
{
	json_t *j = json_textn(in, n);

	assert_non_null(j);
	assert_int_equal(json_string_length(j), strlen(want));
	assert_memory_equal(json_string_value(j), want, strlen(want));
	json_decref(j);
}

static void test_valid_unchanged(void **state)
{
	(void)state;
	expect_text("plain", 5, "plain");
	/* 2, 3 and 4 byte forms at their edges: U+0080, U+07FF, U+0800,
	 * U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF. */
	expect_text("\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
		    "\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
		    24,
		    "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
		    "\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
}

/* What jansson refuses: each offending byte becomes \xNN, the rest of the
 * text stays. Before, json_string returned NULL and the field vanished. */
static void test_invalid_escaped(void **state)
{
	json_t *raw, *j;

	(void)state;
	raw = json_string("ok\xff" "x");
	assert_null(raw); /* why this module exists */
	expect_text("ok\xff" "x", 4, "ok\\xffx");
	expect_text("\xc0\xaf", 2, "\\xc0\\xaf");	   /* overlong '/' */
	expect_text("\xed\xa0\x80", 3, "\\xed\\xa0\\x80"); /* surrogate */
	expect_text("\xf4\x90\x80\x80", 4,
		    "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
	expect_text("a" "\xe2\x82", 3, "a\\xe2\\x82");	  /* cut short */
	expect_text("\x80" "z", 2, "\\x80z");		  /* lone continuation */
	/* NUL kept, escaped: the C strings that read the document later
	 * would stop at it. */
	expect_text("a\0b", 3, "a\\x00b");
	(void)j;
}

static void test_null_is_empty(void **state)
{
	json_t *j = json_text(NULL);

	(void)state;
	assert_string_equal(json_string_value(j), "");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_unchanged),
		cmocka_unit_test(test_invalid_escaped),
		cmocka_unit_test(test_null_is_empty),
	};

	return cmocka_run_group_tests_name("jsontext", tests, NULL, NULL);
}
