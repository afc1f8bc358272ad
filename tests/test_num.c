/* Tests for lib/num.c: a table of what the one number parser accepts and
 * refuses, the edges of a long, and spans inside a longer string. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "num.h"

struct row {
	const char *s;
	long lo, hi;
	int rc;	   /* 0, NUM_INVALID or NUM_RANGE */
	long want; /* when rc is 0 */
};

static const struct row rows[] = {
	/* Plain decimal. */
	{"0", 0, 255, 0, 0},
	{"255", 0, 255, 0, 255},
	{"33434", 1, 65535, 0, 33434},
	/* A leading zero is decimal, never octal. */
	{"010", 0, 255, 0, 10},
	{"0009", 0, 255, 0, 9},
	/* Range. */
	{"256", 0, 255, NUM_RANGE, 0},
	{"575", 576, 1427, NUM_RANGE, 0},
	{"0", 1, 64, NUM_RANGE, 0},
	/* Too large for a long: out of range, not wrapped. */
	{"9223372036854775808", 0, LONG_MAX, NUM_RANGE, 0},
	{"99999999999999999999999", 0, 255, NUM_RANGE, 0},
	{"9223372036854775807", 0, LONG_MAX, 0, LONG_MAX},
	/* ... but still refused as junk when it is not all digits. */
	{"99999999999999999999999x", 0, 255, NUM_INVALID, 0},
	/* Signs: '-' only when the range has negatives; '+' never. */
	{"-1", 0, 255, NUM_INVALID, 0},
	{"-1", -1, 255, 0, -1},
	{"-2", -1, 255, NUM_RANGE, 0},
	{"-9223372036854775808", LONG_MIN, 0, 0, LONG_MIN},
	{"-9223372036854775809", LONG_MIN, 0, NUM_RANGE, 0},
	{"+1", 0, 255, NUM_INVALID, 0},
	{"+1", -5, 5, NUM_INVALID, 0},
	{"-", -5, 5, NUM_INVALID, 0},
	{"--1", -5, 5, NUM_INVALID, 0},
	/* Other bases. */
	{"0x10", 0, 255, NUM_INVALID, 0},
	{"0X10", 0, 255, NUM_INVALID, 0},
	{"1e3", 0, 5000, NUM_INVALID, 0},
	/* Blanks and junk anywhere. */
	{"", 0, 255, NUM_INVALID, 0},
	{" 1", 0, 255, NUM_INVALID, 0},
	{"1 ", 0, 255, NUM_INVALID, 0},
	{"1\n", 0, 255, NUM_INVALID, 0},
	{"\t1", 0, 255, NUM_INVALID, 0},
	{"1 2", 0, 255, NUM_INVALID, 0},
	{"12a", 0, 255, NUM_INVALID, 0},
	{"1.0", 0, 255, NUM_INVALID, 0},
	{"1,2", 0, 255, NUM_INVALID, 0},
	{"ten", 0, 255, NUM_INVALID, 0},
	{"1s", 0, 60000, NUM_INVALID, 0},
};

static void test_table(void **state)
{
	size_t i;
	long v;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		v = 12345;
		errno = 0;
		rc = num_parse(rows[i].s, rows[i].lo, rows[i].hi, &v);
		if (rc != rows[i].rc)
			fail_msg("'%s' in %ld..%ld: %d, want %d", rows[i].s,
				 rows[i].lo, rows[i].hi, rc, rows[i].rc);
		if (rc == 0 && v != rows[i].want)
			fail_msg("'%s': %ld, want %ld", rows[i].s, v,
				 rows[i].want);
		/* A refusal leaves the output alone. */
		if (rc != 0 && v != 12345)
			fail_msg("'%s': output written on refusal", rows[i].s);
		/* errno is not part of the contract and is left alone. */
		assert_int_equal(errno, 0);
	}
}

static void test_null(void **state)
{
	long v = 7;

	(void)state;
	assert_int_equal(num_parse(NULL, 0, 10, &v), NUM_INVALID);
	assert_int_equal(num_parse_span(NULL, 3, 0, 10, &v), NUM_INVALID);
	assert_int_equal(v, 7);
}

/* A span reads only its own bytes: the pieces of "0-15,20". */
static void test_span(void **state)
{
	static const char list[] = "0-15,20";
	long v;

	(void)state;
	assert_int_equal(num_parse_span(list, 1, 0, 255, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_parse_span(list + 2, 2, 0, 255, &v), 0);
	assert_int_equal(v, 15);
	assert_int_equal(num_parse_span(list + 5, 2, 0, 255, &v), 0);
	assert_int_equal(v, 20);
	/* Too far: the '-' and ',' are junk. */
	assert_int_equal(num_parse_span(list, 2, 0, 255, &v), NUM_INVALID);
	assert_int_equal(num_parse_span(list + 2, 3, 0, 255, &v), NUM_INVALID);
	assert_int_equal(num_parse_span(list, 0, 0, 255, &v), NUM_INVALID);
	/* Not NUL-terminated. */
	{
		const char digits[3] = {'4', '2', '7'};

		assert_int_equal(num_parse_span(digits, 2, 0, 255, &v), 0);
		assert_int_equal(v, 42);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_span),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
