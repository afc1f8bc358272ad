/* Comparing results documents: the hand-written document
 * (tests/data/ci-results.json) against copies that differ in exactly one
 * field each, against a copy that differs only in what must not count
 * (times, ports, pids, paths, events), against partial runs, and against
 * its own baseline form. Also the reader's refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "resdoc.h"
#include "runner.h"

#define DOC "tests/data/ci-results.json"

/* The i-th cell of doc (borrowed). */
static json_t *cell(json_t *doc, size_t i)
{
	json_t *c = json_array_get(json_object_get(doc, "cells"), i);

	assert_non_null(c);
	return c;
}

/* Runs diff_results(old, new, s); returns its text, *n the differing
 * cells. Caller frees. */
static char *diff_text(json_t *old, json_t *new, const struct diff_scope *s,
		       int *n, struct diff_counts *k)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*n = diff_results(f, old, new, s, k);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void expect_diff(json_t *old, json_t *new, const char *want, int n)
{
	int got;
	char *t = diff_text(old, new, NULL, &got, NULL);

	assert_string_equal(t, want);
	assert_int_equal(got, n);
	free(t);
}

static void test_identical(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC);

	(void)state;
	expect_diff(a, b, "no change: 4 cells compared (kernel 6.18.0-test)\n",
		    0);
	json_decref(a);
	json_decref(b);
}

static void test_verdict(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC);

	(void)state;
	json_object_set_new(cell(b, 0), "verdict", json_string("fail"));
	expect_diff(a, b,
		    "port_unreachable/udp-connected: verdict pass -> fail\n"
		    "1 changed, 0 added, 0 removed; 4 cells compared (kernel "
		    "6.18.0-test)\n",
		    1);
	json_decref(a);
	json_decref(b);
}

static void test_surfaced_errno(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC);
	json_t *item =
		json_array_get(json_object_get(cell(b, 3), "surfaced"), 0);

	(void)state;
	json_object_set_new(item, "errno", json_string("ENETUNREACH"));
	expect_diff(a, b,
		    "du13_admin/udp-recverr-connected: surfaced "
		    "errqueue:EHOSTUNREACH/icmp/3/13 -> "
		    "errqueue:ENETUNREACH/icmp/3/13\n"
		    "1 changed, 0 added, 0 removed; 4 cells compared (kernel "
		    "6.18.0-test)\n",
		    1);
	json_decref(a);
	json_decref(b);
}

/* A surfaced item more is a change too (the order and count matter). */
static void test_surfaced_gone(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC);

	(void)state;
	json_array_clear(json_object_get(cell(b, 0), "surfaced"));
	expect_diff(a, b,
		    "port_unreachable/udp-connected: surfaced "
		    "recv:ECONNREFUSED -> none\n"
		    "1 changed, 0 added, 0 removed; 4 cells compared (kernel "
		    "6.18.0-test)\n",
		    1);
	json_decref(a);
	json_decref(b);
}

static void test_wire_code(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC);
	json_t *w = json_array_get(json_object_get(cell(b, 1), "wire"), 0);

	(void)state;
	json_object_set_new(w, "code", json_integer(1));
	expect_diff(a, b,
		    "port_unreachable/udp-recverr: wire 3/3 x1 -> 3/1 x1\n"
		    "1 changed, 0 added, 0 removed; 4 cells compared (kernel "
		    "6.18.0-test)\n",
		    1);
	json_decref(a);
	json_decref(b);
}

static void test_wire_count(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC);
	json_t *w = json_object_get(cell(b, 1), "wire");

	(void)state;
	json_array_append_new(w, json_deep_copy(json_array_get(w, 0)));
	expect_diff(a, b,
		    "port_unreachable/udp-recverr: wire 3/3 x1 -> 3/3 x2\n"
		    "1 changed, 0 added, 0 removed; 4 cells compared (kernel "
		    "6.18.0-test)\n",
		    1);
	json_decref(a);
	json_decref(b);
}

static void test_datagrams(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC);

	(void)state;
	json_object_set_new(cell(b, 1), "datagrams", json_integer(2));
	expect_diff(a, b,
		    "port_unreachable/udp-recverr: datagrams 1 -> 2\n"
		    "1 changed, 0 added, 0 removed; 4 cells compared (kernel "
		    "6.18.0-test)\n",
		    1);
	json_decref(a);
	json_decref(b);
}

static void test_expected(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC);

	(void)state;
	json_object_set_new(cell(b, 2), "expected", json_null());
	expect_diff(a, b,
		    "du13_admin/ping: expected none -> no expectation for "
		    "this kernel\n"
		    "1 changed, 0 added, 0 removed; 4 cells compared (kernel "
		    "6.18.0-test)\n",
		    1);
	json_decref(a);
	json_decref(b);
}

/* Two fields of one cell: one line, both named. */
static void test_two_fields_one_line(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC);

	(void)state;
	json_object_set_new(cell(b, 0), "verdict", json_string("fail"));
	json_array_clear(json_object_get(cell(b, 0), "surfaced"));
	expect_diff(a, b,
		    "port_unreachable/udp-connected: verdict pass -> fail; "
		    "surfaced recv:ECONNREFUSED -> none\n"
		    "1 changed, 0 added, 0 removed; 4 cells compared (kernel "
		    "6.18.0-test)\n",
		    1);
	json_decref(a);
	json_decref(b);
}

/* What differs from run to run is not a change: times, ports, pids,
 * paths, events, helpers, packets, the kernel's build string aside. */
static void test_noise_is_no_change(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC),
	       *k = json_array_get(json_object_get(b, "cases"), 0);
	json_t *c0 = cell(b, 0);

	(void)state;
	json_object_set_new(k, "duration_ms", json_real(999.5));
	json_object_set_new(k, "dport", json_integer(40000));
	json_object_set_new(k, "pcap", json_string("/elsewhere/p.pcap"));
	json_object_set_new(k, "packets", json_array());
	json_object_set_new(json_object_get(b, "settings"), "jobs",
			    json_integer(2));
	json_object_set_new(json_array_get(json_object_get(c0, "wire"), 0),
			    "t_ms", json_real(77.7));
	json_object_set_new(c0, "events",
			    json_pack("[{s:s, s:i, s:i}]", "ev", "flow",
				      "sport", 51234, "pid", 4242));
	json_object_set_new(c0, "stderr", json_string("noise"));
	expect_diff(a, b, "no change: 4 cells compared (kernel 6.18.0-test)\n",
		    0);
	json_decref(a);
	json_decref(b);
}

static void test_added_removed(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC);
	json_t *extra = json_deep_copy(cell(b, 0));

	(void)state;
	json_object_set_new(extra, "probe", json_string("udp-poll"));
	json_array_append_new(json_object_get(b, "cells"), extra);
	json_array_remove(json_object_get(b, "cells"), 2);
	expect_diff(a, b,
		    "port_unreachable/udp-poll: added (pass; surfaced "
		    "recv:ECONNREFUSED)\n"
		    "du13_admin/ping: removed (was skip; surfaced none)\n"
		    "0 changed, 1 added, 1 removed; 3 cells compared (kernel "
		    "6.18.0-test)\n",
		    2);
	json_decref(a);
	json_decref(b);
}

/* A run of one case, or one group, or some probes, against a whole
 * baseline: what it did not run is not "removed". */
static void test_scope(void **state)
{
	static const char *const by_name[] = {"port_unreachable"};
	static const char *const by_group[] = {"core"};
	static const char *const probes[] = {"udp-connected"};
	struct diff_scope s = {.cases = by_name, .ncases = 1};
	struct diff_counts k;
	json_t *a = load_document(DOC), *b = load_document(DOC), *cells = json_object_get(b, "cells");
	char *t;
	int n;

	(void)state;
	json_array_remove(cells, 3);
	json_array_remove(cells, 2);
	t = diff_text(a, b, &s, &n, &k);
	assert_int_equal(n, 0);
	assert_int_equal(k.compared, 2);
	free(t);
	s.cases = by_group;
	t = diff_text(a, b, &s, &n, &k);
	assert_int_equal(n, 0);
	free(t);
	/* Unscoped, the other case's cells are gone. */
	t = diff_text(a, b, NULL, &n, &k);
	assert_int_equal(n, 2);
	assert_int_equal(k.removed, 2);
	free(t);
	/* --probe udp-connected: one cell ran, one compared. */
	json_array_remove(cells, 1);
	s.probes = probes;
	s.nprobes = 1;
	t = diff_text(a, b, &s, &n, &k);
	assert_int_equal(n, 0);
	assert_int_equal(k.compared, 1);
	free(t);
	json_decref(a);
	json_decref(b);
}

/* --family against a stored baseline: its cells carry no family (only
 * its cases do), and they are still in scope (run --family ipv4
 * --baseline compared nothing before). */
static void test_scope_family_baseline(void **state)
{
	struct diff_scope s = {.family = "ipv4"};
	struct diff_counts k;
	json_t *a = load_document(DOC), *b = load_document(DOC);
	json_t *base = diff_normalize(a);
	char *t;
	int n;

	(void)state;
	assert_null(json_object_get(cell(base, 0), "family"));
	t = diff_text(base, b, &s, &n, &k);
	assert_int_equal(n, 0);
	assert_int_equal(k.compared, 4);
	free(t);
	s.family = "ipv6";
	t = diff_text(base, b, &s, &n, &k);
	assert_int_equal(k.compared, 0);
	assert_int_equal(k.removed, 0);
	free(t);
	json_decref(base);
	json_decref(a);
	json_decref(b);
}

static void test_kernels_named(void **state)
{
	json_t *a = load_document(DOC), *b = load_document(DOC);

	(void)state;
	json_object_set_new(b, "kernel", json_string("6.1.0-37-cloud-amd64"));
	expect_diff(a, b,
		    "no change: 4 cells compared (kernel 6.18.0-test -> "
		    "6.1.0-37-cloud-amd64)\n",
		    0);
	json_decref(a);
	json_decref(b);
}

/* The baseline form: no times, ports, paths or events; the same cells to
 * diff; written and read back it is the same document, and normalising it
 * again changes nothing. */
static void test_normalize(void **state)
{
	json_t *a = load_document(DOC), *n = diff_normalize(a), *back, *again;
	char path[] = "/tmp/icmplab-baseline-XXXXXX", err[512], *text;
	int fd = mkstemp(path), d;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	text = json_dumps(n, JSON_COMPACT);
	assert_null(strstr(text, "t_ms"));
	assert_null(strstr(text, "dport"));
	assert_null(strstr(text, "pcap"));
	assert_null(strstr(text, "events"));
	assert_null(strstr(text, "packets"));
	assert_null(strstr(text, "sport"));
	assert_null(strstr(text, "duration_ms"));
	assert_true(json_is_true(json_object_get(n, "normalized")));
	free(text);
	expect_diff(a, n, "no change: 4 cells compared (kernel 6.18.0-test)\n",
		    0);

	assert_int_equal(resdoc_write_path(path, diff_write_baseline, a, err,
					   sizeof(err)),
			 0);
	back = resdoc_load(path, err, sizeof(err));
	assert_non_null(back);
	assert_true(json_equal(back, n));
	again = diff_normalize(back);
	assert_true(json_equal(again, n));
	free(diff_text(back, a, NULL, &d, NULL));
	assert_int_equal(d, 0);
	unlink(path);
	json_decref(a);
	json_decref(n);
	json_decref(back);
	json_decref(again);
}

static void test_load_refuses(void **state)
{
	char path[] = "/tmp/icmplab-doc-XXXXXX", err[512];
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	assert_null(resdoc_load("/nonexistent/r.json", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/r.json: unable to open"));

	f = fdopen(fd, "w");
	fputs("{\"cells\": [\n{\"case\": \"x\",\n", f);
	fclose(f);
	assert_null(resdoc_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, ": line 3: "));

	f = fopen(path, "w");
	fputs("{\"summary\": {}}", f);
	fclose(f);
	assert_null(resdoc_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, ": not a results document: no \"cells\" "
				    "array"));

	f = fopen(path, "w");
	fputs("{\"cells\": [{\"case\": \"x\", \"probe\": 3}]}", f);
	fclose(f);
	assert_null(resdoc_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "cell 0 has no string"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_surfaced_errno),
		cmocka_unit_test(test_surfaced_gone),
		cmocka_unit_test(test_wire_code),
		cmocka_unit_test(test_wire_count),
		cmocka_unit_test(test_datagrams),
		cmocka_unit_test(test_expected),
		cmocka_unit_test(test_two_fields_one_line),
		cmocka_unit_test(test_noise_is_no_change),
		cmocka_unit_test(test_added_removed),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_scope_family_baseline),
		cmocka_unit_test(test_kernels_named),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_load_refuses),
	};

	return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
