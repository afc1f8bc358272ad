/* The streamed outputs of a run (spool.h) against the same outputs made
 * from the whole document held in memory, on stored documents: the
 * results document byte for byte (json_dumpf(JSON_INDENT(1) |
 * JSON_PRESERVE_ORDER) of the tree), the HTML report, and every report
 * the slim document feeds (short answer, matrix, KTAP, JUnit, baseline). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "html.h"
#include "junit.h"
#include "ktap.h"
#include "report.h"
#include "resdoc.h"
#include "runner.h"
#include "spool.h"
#include "suite.h"

static const char *const docs[] = {
	"tests/data/show-results.json",
	"tests/data/read-results.json",
	"tests/data/answer-results.json",
	"tests/data/ci-results.json",
};

typedef int (*writer)(FILE *f, json_t *doc);

static char *written(writer w, json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	w(f, doc);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static int short_w(FILE *f, json_t *doc)
{
	report_short(f, doc);
	return 0;
}

static int matrix_w(FILE *f, json_t *doc)
{
	report_matrix(f, doc);
	return 0;
}

static int tree_w(FILE *f, json_t *doc)
{
	return json_dumpf(doc, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
}

static int html_w(FILE *f, json_t *doc)
{
	return html_write(f, doc, "/nonexistent", "2026-12-02 06:00 UTC");
}

/* What suite_run would hand the reporters: the stored document's members
 * before "cases", then "cases", "cells" and a new "summary". */
static json_t *head_of(json_t *stored)
{
	json_t *head = json_object(), *v;
	const char *key;

	json_object_foreach(stored, key, v)
	{
		if (strcmp(key, "cases") == 0 || strcmp(key, "cells") == 0 ||
		    strcmp(key, "summary") == 0)
			continue;
		json_object_set(head, key, v);
	}
	return head;
}

/* The stored document's case i as a worker sends it. */
static json_t *result_of(json_t *stored, size_t i)
{
	json_t *kase = json_array_get(json_object_get(stored, "cases"), i);
	json_t *res = json_pack("{s:O, s:[]}", "case", kase, "cells"), *c;
	size_t j;

	json_array_foreach(json_object_get(stored, "cells"), j,
			   c) if (strcmp(resdoc_str(c, "case"),
					 resdoc_str(kase, "name")) == 0)
		json_array_append(json_object_get(res, "cells"), c);
	return res;
}

static void check_doc(const char *path)
{
	json_t *stored = load_document(path), *whole, *res, *slim;
	struct spool s;
	const char *base = "/nonexistent";
	char err[256], *a, *b;
	size_t i;

	whole = head_of(stored);
	json_object_set_new(whole, "cases", json_array());
	json_object_set_new(whole, "cells", json_array());
	assert_int_equal(spool_open(&s, head_of(stored), "/tmp", true, &base, 1,
				    err, sizeof(err)),
			 0);
	for (i = 0; i < json_array_size(json_object_get(stored, "cases"));
	     i++) {
		json_t *c;
		size_t j;

		res = result_of(stored, i);
		spool_add(&s, res);
		json_array_append(json_object_get(whole, "cases"),
				  json_object_get(res, "case"));
		json_array_foreach(json_object_get(res, "cells"), j, c)
			json_array_append(json_object_get(whole, "cells"), c);
		json_decref(res);
	}
	suite_summarize(whole);
	slim = spool_finish(&s);
	assert_string_equal(s.err, "");

	/* The results document, byte for byte. */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		assert_non_null(f);
		assert_int_equal(spool_write_json(&s, f), 0);
		assert_int_equal(fclose(f), 0);
		a = written(tree_w, whole);
		assert_string_equal(buf, a);
		free(a);
		free(buf);
	}
	/* The HTML report, every cell's section from the spool. */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		assert_non_null(f);
		assert_int_equal(
			spool_write_html(&s, 0, f, "2026-12-02 06:00 UTC"), 0);
		assert_int_equal(fclose(f), 0);
		a = written(html_w, whole);
		assert_string_equal(buf, a);
		assert_non_null(strstr(buf, "<details class=\"cell\""));
		free(a);
		free(buf);
	}
	/* The slim document is enough for every report made from it. */
	{
		const writer ws[] = {short_w, matrix_w, ktap_write, junit_write,
				     diff_write_baseline};

		for (i = 0; i < sizeof(ws) / sizeof(ws[0]); i++) {
			a = written(ws[i], whole);
			b = written(ws[i], slim);
			assert_string_equal(a, b);
			free(a);
			free(b);
		}
	}
	/* The comparison finds the slim document the same run. */
	{
		FILE *f = fopen("/dev/null", "w");

		assert_non_null(f);
		assert_int_equal(diff_results(f, whole, slim, NULL, NULL), 0);
		assert_int_equal(diff_results(f, slim, whole, NULL, NULL), 0);
		fclose(f);
	}
	/* And slim it is: none of the cells' events are kept. */
	{
		json_t *c;

		json_array_foreach(json_object_get(slim, "cells"), i, c)
			assert_null(json_object_get(c, "events"));
		json_array_foreach(json_object_get(slim, "cases"), i, c)
			assert_null(json_object_get(c, "packets"));
	}
	spool_close(&s);
	json_decref(whole);
	json_decref(stored);
}

static void test_documents(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		check_doc(docs[i]);
}

/* A run of no case: "cases": [] and "cells": [], as the tree has them. */
static void test_empty(void **state)
{
	json_t *head = json_pack("{s:s, s:b, s:{s:i}}", "icmplab", "1",
				 "complete", 1, "settings", "jobs", 2);
	json_t *whole = json_deep_copy(head);
	struct spool s;
	char err[256], *buf = NULL, *a;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(
		spool_open(&s, head, "/tmp", true, NULL, 0, err, sizeof(err)),
		0);
	spool_finish(&s);
	json_object_set_new(whole, "cases", json_array());
	json_object_set_new(whole, "cells", json_array());
	suite_summarize(whole);
	assert_int_equal(spool_write_json(&s, f), 0);
	assert_int_equal(fclose(f), 0);
	a = written(tree_w, whole);
	assert_string_equal(buf, a);
	assert_non_null(strstr(buf, "\"cases\": [],\n \"cells\": []"));
	free(a);
	free(buf);
	spool_close(&s);
	json_decref(whole);
}

/* A value deeper in a document: its line breaks one space per level
 * further in; a newline inside a string is not a line break. */
static void test_dump_at(void **state)
{
	json_t *v =
		json_pack("{s:s, s:[i, {}], s:[]}", "a", "x\ny", "b", 1, "c");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(spool_dump_at(f, v, 2), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf,
			    "{\n   \"a\": \"x\\ny\",\n   \"b\": [\n    1,\n"
			    "    {}\n   ],\n   \"c\": []\n  }");
	free(buf);
	json_decref(v);
}

/* A spool that asked for no document writes none. */
static void test_not_asked(void **state)
{
	json_t *stored = load_document("tests/data/show-results.json"), *res;
	json_t *slim;
	struct suite_counts k;
	struct spool s;
	char err[256];
	size_t i;

	(void)state;
	assert_int_equal(spool_open(&s, head_of(stored), "/tmp", false, NULL, 0,
				    err, sizeof(err)),
			 0);
	assert_null(s.cases.f);
	res = result_of(stored, 0);
	spool_add(&s, res);
	json_decref(res);
	assert_int_equal(
		json_array_size(json_object_get(spool_finish(&s), "cases")), 1);
	assert_int_equal(spool_write_json(&s, stdout), -1);
	spool_close(&s);

	/* Nor any cell when no report is made from them: the tally only. */
	assert_int_equal(spool_open(&s, head_of(stored), "/tmp", false, NULL, 0,
				    err, sizeof(err)),
			 0);
	s.keep_cells = false;
	for (i = 0; i < json_array_size(json_object_get(stored, "cases"));
	     i++) {
		res = result_of(stored, i);
		spool_add(&s, res);
		json_decref(res);
	}
	slim = spool_finish(&s);
	assert_int_equal(json_array_size(json_object_get(slim, "cells")), 0);
	assert_true(json_equal(json_object_get(slim, "summary"),
			       json_object_get(stored, "summary")));
	k = suite_summary(slim);
	assert_int_equal(k.pass + k.fail + k.skip + k.error + k.info,
			 json_array_size(json_object_get(stored, "cells")));
	spool_close(&s);
	json_decref(stored);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_dump_at),
		cmocka_unit_test(test_not_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
