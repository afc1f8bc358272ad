/* Tests for tests/benchdoc.c, what make bench reads of each case besides
 * the cells: the phase sums, the median setup, the syncs that reached the
 * safety bound, and what it refuses (tests/data/bench-results.json: four
 * hostile cases with hand-made phases_ms, fences and silence_unproven, one
 * without, as an older harness writes it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchdoc.h"

#define DOC "tests/data/bench-results.json"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *doc = json_loads(text, 0, &e);

	if (!doc)
		fail_msg("%s: %s", text, e.text);
	return doc;
}

/* The text bench_doc_print writes, in a static buffer. */
static const char *printed(struct bench_doc *b)
{
	static char out[4096];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	bench_doc_print(b, f, "");
	fclose(f);
	return out;
}

static void test_fixture_sums(void **state)
{
	struct bench_doc b = {0};
	char err[256];
	json_error_t e;
	json_t *doc = json_load_file(DOC, 0, &e);

	(void)state;
	assert_non_null(doc);
	assert_int_equal(bench_doc_add(&b, doc, err, sizeof(err)), 0);
	assert_int_equal(b.docs, 1);
	assert_int_equal(b.cases, 5);
	assert_int_equal(b.timed, 4);
	assert_true(b.phase_ms[PHASE_SETUP] == 62.0);
	assert_true(b.phase_ms[PHASE_FAULT] == 13.0);
	assert_true(b.phase_ms[PHASE_PROBES] == 255.0);
	assert_true(b.phase_ms[PHASE_WAIT] == 121.0);
	assert_true(b.phase_ms[PHASE_TEARDOWN] == 33.0);
	assert_int_equal(b.with_duration, 4);
	assert_true(b.duration_ms == 367.0);
	assert_int_equal(b.fences, 16);
	assert_int_equal(b.counted, 4);
	assert_int_equal(b.unproven, 1);
	assert_int_equal(b.nbad, 1);
	assert_string_equal(b.bad[0].name, "hostile_other_sport");
	/* 12, 14, 16, 20: the lower middle one. */
	assert_true(bench_doc_median_setup(&b) == 14.0);

	/* A second run: the sums double, the same case counts twice. */
	assert_int_equal(bench_doc_add(&b, doc, err, sizeof(err)), 0);
	assert_int_equal(b.docs, 2);
	assert_true(b.phase_ms[PHASE_PROBES] == 510.0);
	assert_int_equal(b.nbad, 1);
	assert_int_equal(b.bad[0].syncs, 2);
	assert_int_equal(b.bad[0].runs, 2);
	assert_true(bench_doc_median_setup(&b) == 14.0);

	/* Per run, shares of setup + fault + probes + teardown (363 ms). */
	assert_non_null(
		strstr(printed(&b), "    setup            62.0 ms  17.1%\n"));
	assert_non_null(strstr(printed(&b), "    probes          255.0 ms  "
					    "70.2%\n"));
	assert_non_null(strstr(printed(&b), "    wait            121.0 ms  "
					    "33.3%  (part of probes)\n"));
	assert_non_null(strstr(printed(&b), "    other             4.0 ms"));
	assert_non_null(strstr(printed(&b), "median case's setup: 14.0 ms"));
	assert_non_null(strstr(printed(&b), "reached by 2 syncs in 1 cases "
					    "over 2 runs"));
	assert_non_null(strstr(printed(&b), "    hostile_other_sport: 2 "
					    "syncs, in 2 of 2 runs\n"));
	assert_non_null(strstr(printed(&b), "fences: 16.0 per run"));
	json_decref(doc);
	bench_doc_free(&b);
	assert_null(b.bad);
}

/* A run whose document has no breakdown does not halve the others'
 * means. */
static void test_untimed_run(void **state)
{
	struct bench_doc b = {0};
	char err[256];
	json_error_t e;
	json_t *doc = json_load_file(DOC, 0, &e),
	       *old = parse("{\"cases\": [{\"name\": \"a\"}]}");

	(void)state;
	assert_non_null(doc);
	assert_int_equal(bench_doc_add(&b, doc, err, sizeof(err)), 0);
	assert_int_equal(bench_doc_add(&b, old, err, sizeof(err)), 0);
	assert_int_equal(b.docs, 2);
	assert_int_equal(b.timed_docs, 1);
	assert_non_null(
		strstr(printed(&b), "mean of 1 runs; 4 of 6 cases timed"));
	assert_non_null(
		strstr(printed(&b), "    setup            62.0 ms  17.1%\n"));
	json_decref(old);
	json_decref(doc);
	bench_doc_free(&b);
}

/* Today's documents: no field of the breakdown, so n/a, not zeros. */
static void test_absent_fields(void **state)
{
	struct bench_doc b = {0};
	char err[256];
	json_t *doc = parse("{\"cases\": [{\"name\": \"a\", \"duration_ms\": "
			    "12.5}, {\"name\": \"b\"}]}");

	(void)state;
	assert_int_equal(bench_doc_add(&b, doc, err, sizeof(err)), 0);
	assert_int_equal(b.cases, 2);
	assert_int_equal(b.timed, 0);
	assert_int_equal(b.counted, 0);
	assert_true(bench_doc_median_setup(&b) == -1);
	assert_non_null(strstr(printed(&b), "where the time goes: n/a"));
	assert_non_null(strstr(printed(&b), "safety bound: n/a"));
	assert_non_null(strstr(printed(&b), "fences: n/a"));
	assert_null(strstr(printed(&b), "%"));
	json_decref(doc);
	bench_doc_free(&b);
}

/* A zero count is a proven silence, not an absent field. */
static void test_zero_is_counted(void **state)
{
	struct bench_doc b = {0};
	char err[256];
	json_t *doc = parse("{\"cases\": [{\"name\": \"a\", "
			    "\"silence_unproven\": 0, \"fences\": 0}]}");

	(void)state;
	assert_int_equal(bench_doc_add(&b, doc, err, sizeof(err)), 0);
	assert_int_equal(b.counted, 1);
	assert_int_equal(b.nbad, 0);
	assert_non_null(strstr(printed(&b), "reached by 0 syncs in 0 cases"));
	assert_non_null(strstr(printed(&b), "fences: 0.0 per run"));
	json_decref(doc);
	bench_doc_free(&b);
}

static const struct bad_doc {
	const char *text, *msg;
} bad_docs[] = {
	{"{}", "no \"cases\" array"},
	{"{\"cases\": {}}", "no \"cases\" array"},
	{"{\"cases\": [3]}", "a case is not an object"},
	{"{\"cases\": [{\"name\": \"a\", \"phases_ms\": []}]}",
	 "case 'a': phases_ms is not an object"},
	/* Four of five phases is no breakdown. */
	{"{\"cases\": [{\"name\": \"a\", \"phases_ms\": {\"setup\": 1, "
	 "\"fault\": 1, \"probes\": 1, \"wait\": 1}}]}",
	 "case 'a': phases_ms.teardown is missing"},
	{"{\"cases\": [{\"name\": \"a\", \"phases_ms\": {\"setup\": -1, "
	 "\"fault\": 1, \"probes\": 1, \"wait\": 1, \"teardown\": 1}}]}",
	 "case 'a': phases_ms.setup is not a number of ms >= 0"},
	{"{\"cases\": [{\"name\": \"a\", \"phases_ms\": {\"setup\": 1, "
	 "\"fault\": \"1\", \"probes\": 1, \"wait\": 1, \"teardown\": 1}}]}",
	 "case 'a': phases_ms.fault is not a number of ms >= 0"},
	{"{\"cases\": [{\"name\": \"a\", \"silence_unproven\": 1.5}]}",
	 "case 'a': silence_unproven is not a count"},
	{"{\"cases\": [{\"name\": \"a\", \"silence_unproven\": -1}]}",
	 "case 'a': silence_unproven is not a count"},
	{"{\"cases\": [{\"name\": \"a\", \"fences\": null}]}",
	 "case 'a': fences is not a count"},
	{"{\"cases\": [{\"phases_ms\": 1}]}",
	 "case '?': phases_ms is not an object"},
	{"{\"cases\": [{\"name\": \"a\", \"duration_ms\": true}]}",
	 "case 'a': duration_ms is not a number"},
	{NULL, NULL},
};

/* Refused with a message naming the case and field, and nothing added:
 * the good case before the bad one does not count either. */
static void test_malformed(void **state)
{
	struct bench_doc b = {0};
	char err[256], text[512];
	const struct bad_doc *d;
	json_t *doc;

	(void)state;
	for (d = bad_docs; d->text; d++) {
		doc = parse(d->text);
		err[0] = '\0';
		assert_int_equal(bench_doc_add(&b, doc, err, sizeof(err)), -1);
		if (!strstr(err, d->msg))
			fail_msg("%s: '%s', expected '%s'", d->text, err,
				 d->msg);
		json_decref(doc);
	}
	snprintf(text, sizeof(text),
		 "{\"cases\": [{\"name\": \"good\", \"silence_unproven\": 2, "
		 "\"phases_ms\": {\"setup\": 1, \"fault\": 1, \"probes\": 1, "
		 "\"wait\": 1, \"teardown\": 1}}, {\"name\": \"bad\", "
		 "\"fences\": -2}]}");
	doc = parse(text);
	assert_int_equal(bench_doc_add(&b, doc, err, sizeof(err)), -1);
	assert_string_equal(err, "case 'bad': fences is not a count (an "
				 "integer >= 0)");
	assert_int_equal(b.docs, 0);
	assert_int_equal(b.cases, 0);
	assert_int_equal(b.timed, 0);
	assert_int_equal(b.unproven, 0);
	assert_int_equal(b.nbad, 0);
	json_decref(doc);
	bench_doc_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_sums),
		cmocka_unit_test(test_untimed_run),
		cmocka_unit_test(test_absent_fields),
		cmocka_unit_test(test_zero_is_counted),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
