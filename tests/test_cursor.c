/* Tests for lib/cursor.c: every read at its exact bound, one byte short,
 * and with lengths large enough that p + n would wrap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cursor.h"

static const uint8_t bytes[8] = {0x01, 0x02, 0x03, 0x04,
				 0x05, 0x06, 0x07, 0x08};

/* A cursor over the first n bytes of bytes[]. */
static struct cursor over(size_t n)
{
	struct cursor c;

	cur_init(&c, bytes, n);
	return c;
}

static void test_init_and_left(void **state)
{
	struct cursor c;

	(void)state;
	c = over(8);
	assert_int_equal(cur_left(&c), 8);
	assert_ptr_equal(c.p, bytes);
	cur_init(&c, NULL, 0);
	assert_int_equal(cur_left(&c), 0);
	assert_null(c.p);
}

static void test_u8_bounds(void **state)
{
	struct cursor c = over(1);
	uint8_t v = 0xaa;

	(void)state;
	assert_int_equal(cur_u8(&c, &v), 0);
	assert_int_equal(v, 0x01);
	assert_int_equal(cur_left(&c), 0);
	/* One past: fails, leaves value and cursor alone. */
	v = 0xaa;
	assert_int_equal(cur_u8(&c, &v), -1);
	assert_int_equal(v, 0xaa);
	assert_int_equal(cur_left(&c), 0);
}

static void test_be16_bounds(void **state)
{
	struct cursor c = over(2);
	uint16_t v = 0xaaaa;

	(void)state;
	assert_int_equal(cur_be16(&c, &v), 0);
	assert_int_equal(v, 0x0102);
	assert_int_equal(cur_be16(&c, &v), -1);
	c = over(1);
	v = 0xaaaa;
	assert_int_equal(cur_be16(&c, &v), -1);
	assert_int_equal(v, 0xaaaa);
	assert_int_equal(cur_left(&c), 1);
	assert_ptr_equal(c.p, bytes);
}

static void test_be32_bounds(void **state)
{
	struct cursor c = over(4);
	uint32_t v = 0xaaaaaaaa;

	(void)state;
	assert_int_equal(cur_be32(&c, &v), 0);
	assert_int_equal(v, 0x01020304);
	assert_int_equal(cur_left(&c), 0);
	c = over(3);
	v = 0xaaaaaaaa;
	assert_int_equal(cur_be32(&c, &v), -1);
	assert_int_equal(v, 0xaaaaaaaa);
	assert_int_equal(cur_left(&c), 3);
	/* High bit set: no sign extension through int promotion. */
	{
		static const uint8_t hi[4] = {0xff, 0xfe, 0x80, 0x00};

		cur_init(&c, hi, sizeof(hi));
		assert_int_equal(cur_be32(&c, &v), 0);
		assert_true(v == 0xfffe8000u);
	}
}

static void test_bytes_bounds(void **state)
{
	struct cursor c = over(8);
	uint8_t out[8];

	(void)state;
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(cur_bytes(&c, out, 3), 0);
	assert_memory_equal(out, bytes, 3);
	assert_int_equal(cur_bytes(&c, out, 6), -1);
	assert_int_equal(cur_left(&c), 5);
	assert_int_equal(cur_bytes(&c, out, 5), 0);
	assert_memory_equal(out, bytes + 3, 5);
	assert_int_equal(cur_left(&c), 0);
	/* Zero bytes from an empty cursor is fine. */
	assert_int_equal(cur_bytes(&c, out, 0), 0);
	assert_int_equal(cur_bytes(&c, out, 1), -1);
}

static void test_skip_bounds(void **state)
{
	struct cursor c = over(8);

	(void)state;
	assert_int_equal(cur_skip(&c, 9), -1);
	assert_int_equal(cur_left(&c), 8);
	assert_int_equal(cur_skip(&c, 8), 0);
	assert_int_equal(cur_left(&c), 0);
	assert_int_equal(cur_skip(&c, 0), 0);
	assert_int_equal(cur_skip(&c, 1), -1);
}

/* Lengths for which p + n wraps around the address space: a check written
 * as p + n <= end would let them through. */
static void test_huge_lengths(void **state)
{
	static const size_t huge[] = {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX / 2 + 1,
				      (size_t)PTRDIFF_MAX + 1, 0};
	struct cursor c, sub;
	uint8_t out[1];
	size_t i, short_by;

	(void)state;
	for (i = 0; huge[i]; i++) {
		c = over(8);
		assert_int_equal(cur_skip(&c, huge[i]), -1);
		assert_int_equal(cur_bytes(&c, out, huge[i]), -1);
		assert_int_equal(cur_sub(&c, huge[i], &sub), -1);
		assert_int_equal(cur_left(&c), 8);
		cur_sub_upto(&c, huge[i], &sub, &short_by);
		assert_int_equal(cur_left(&sub), 8);
		assert_true(short_by == huge[i] - 8);
		assert_int_equal(cur_left(&c), 0);
	}
}

static void test_sub(void **state)
{
	struct cursor c = over(8), sub;
	uint16_t v;

	(void)state;
	assert_int_equal(cur_skip(&c, 2), 0);
	assert_int_equal(cur_sub(&c, 4, &sub), 0);
	assert_int_equal(cur_left(&sub), 4);
	assert_int_equal(cur_left(&c), 2);
	/* The sub-cursor ends at its own bound, not the parent's. */
	assert_int_equal(cur_be16(&sub, &v), 0);
	assert_int_equal(v, 0x0304);
	assert_int_equal(cur_be16(&sub, &v), 0);
	assert_int_equal(v, 0x0506);
	assert_int_equal(cur_be16(&sub, &v), -1);
	assert_int_equal(cur_be16(&c, &v), 0);
	assert_int_equal(v, 0x0708);
	/* Exactly what is left, one more, and zero. */
	c = over(8);
	assert_int_equal(cur_sub(&c, 9, &sub), -1);
	assert_int_equal(cur_left(&c), 8);
	assert_int_equal(cur_sub(&c, 8, &sub), 0);
	assert_int_equal(cur_left(&sub), 8);
	assert_int_equal(cur_left(&c), 0);
	assert_int_equal(cur_sub(&c, 0, &sub), 0);
	assert_int_equal(cur_left(&sub), 0);
}

static void test_sub_upto(void **state)
{
	struct cursor c = over(8), sub;
	size_t short_by = 99;

	(void)state;
	/* Fewer asked than left: all of it, nothing short. */
	cur_sub_upto(&c, 3, &sub, &short_by);
	assert_int_equal(cur_left(&sub), 3);
	assert_int_equal(short_by, 0);
	assert_int_equal(cur_left(&c), 5);
	/* Exactly what is left. */
	cur_sub_upto(&c, 5, &sub, &short_by);
	assert_int_equal(cur_left(&sub), 5);
	assert_ptr_equal(sub.p, bytes + 3);
	assert_int_equal(short_by, 0);
	assert_int_equal(cur_left(&c), 0);
	/* More than left: what there is, and how much was missing. */
	c = over(8);
	cur_sub_upto(&c, 20, &sub, &short_by);
	assert_int_equal(cur_left(&sub), 8);
	assert_int_equal(short_by, 12);
	/* From an empty (NULL) cursor. */
	cur_init(&c, NULL, 0);
	cur_sub_upto(&c, 4, &sub, &short_by);
	assert_int_equal(cur_left(&sub), 0);
	assert_int_equal(short_by, 4);
	/* short_by may be NULL. */
	c = over(8);
	cur_sub_upto(&c, 20, &sub, NULL);
	assert_int_equal(cur_left(&sub), 8);
}

static void test_null_cursor(void **state)
{
	struct cursor c, sub;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;

	(void)state;
	cur_init(&c, NULL, 0);
	assert_int_equal(cur_u8(&c, &v8), -1);
	assert_int_equal(cur_be16(&c, &v16), -1);
	assert_int_equal(cur_be32(&c, &v32), -1);
	assert_int_equal(cur_skip(&c, 0), 0);
	assert_int_equal(cur_skip(&c, 1), -1);
	assert_int_equal(cur_sub(&c, 0, &sub), 0);
	assert_int_equal(cur_left(&sub), 0);
	assert_null(c.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_left),
		cmocka_unit_test(test_u8_bounds),
		cmocka_unit_test(test_be16_bounds),
		cmocka_unit_test(test_be32_bounds),
		cmocka_unit_test(test_bytes_bounds),
		cmocka_unit_test(test_skip_bounds),
		cmocka_unit_test(test_huge_lengths),
		cmocka_unit_test(test_sub),
		cmocka_unit_test(test_sub_upto),
		cmocka_unit_test(test_null_cursor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
