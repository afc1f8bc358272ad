/* A run's outputs written as its cases come in, instead of from one
 * document held until the end (issue 12: the harness's memory must not
 * grow with the number of cases, and a fat harness makes every fork of a
 * worker slower).
 *
 * Each case's result ({"case": CASE, "cells": [CELL, ...]}, the worker's
 * own, passed through as it is) is written at once, in case order, to
 * temporary files (unlinked: nothing is left behind, whatever stops the
 * run): its CASE and CELLs as the elements of the results document's
 * "cases" and "cells" arrays already in the document's layout, and, for
 * each HTML report asked for, its case section (html.h). What stays in
 * memory is the slim document: every CASE without "packets" and
 * "topology", every CELL without "events", "stdout", "stderr", "command",
 * "explain", "why", "refs" and "seen_for_others", its "wire" items with
 * only type, code and mtu, its "surfaced" items with only via, errno,
 * origin, type, code and info (spool_slim_*): all that the short answer,
 * the matrix, the tallies, the HTML report's matrices, KTAP, JUnit, the
 * baseline and the comparison read. The "surfaced" and "wire" arrays keep
 * their position among the cell's keys only in the results document, not
 * in the slim cell (no reader depends on it).
 *
 * At the end the results document is copied together: the slim document's
 * top-level members in their order, dumped as json_dumpf(JSON_INDENT(1) |
 * JSON_PRESERVE_ORDER) does, with "cases" and "cells" copied from the
 * temporary files: byte for byte the document the whole tree would have
 * given (tests/test_spool.c). */
#ifndef ICMPLAB_SPOOL_H
#define ICMPLAB_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "suite.h"

#define SPOOL_MAX_HTML 2

/* One array's elements, each already in the layout of an element of a
 * top-level member (two spaces deeper than a document of its own). */
struct spool_array {
	FILE *f;
	size_t n;
};

struct spool_html {
	char *base; /* html.h: the report's directory, NULL for absolute */
	FILE *f;    /* every case's section, in case order */
	size_t ncases;
	long *off; /* where case i's section starts in f; [ncases]: the end */
	size_t cap;
	bool broken; /* a case's section could not be written */
};

struct spool {
	json_t *doc; /* the slim document: head, then "cases", "cells" */
	bool json;   /* the results document is wanted */
	struct spool_array cases, cells;
	struct spool_html html[SPOOL_MAX_HTML];
	int nhtml;
	bool broken; /* the results document's files could not be written */
	/* false: no report is made from the cells, so none is kept: only
	 * their tally, for "summary" (spool_open sets it true). */
	bool keep_cells;
	struct suite_counts tally;
	size_t ncells;
	char err[512]; /* the first write that failed; "" none */
};

/* head: the document's top-level members before "cases" (icmplab,
 * complete, kernel, machine, settings; suite_head), taken over. dir: where
 * the temporary files go. json: the results document will be written.
 * html_bases[0..nhtml): one HTML report each, with that base (NULL:
 * absolute links). 0, or -1 with err. */
int spool_open(struct spool *s, json_t *head, const char *dir, bool json,
	       const char *const *html_bases, int nhtml, char *err,
	       size_t errlen);

/* One case's result, in case order: written out, and its slim copy kept.
 * res is only read. A write that fails is kept in s->err (the run goes
 * on; the files that need the spool then fail). */
void spool_add(struct spool *s, json_t *res);

/* Adds "summary" (suite_summarize, or the tally when the cells were not
 * kept) to the slim document and returns it, still owned by s. */
json_t *spool_finish(struct spool *s);

/* The results document onto f. 0, or -1 (s->err, or ferror). */
int spool_write_json(struct spool *s, FILE *f);

/* HTML report i onto f (html.h), dated date. 0, or -1. */
int spool_write_html(struct spool *s, int i, FILE *f, const char *date);

/* html_case_writer (html.h) for arg &s->html[i]: copies case i's section.
 * For html_write_path_with(path, spool_finish(s), ...). */
int spool_html_case(void *arg, FILE *f, size_t i);

void spool_close(struct spool *s);

/* A CASE or CELL without what only the full document's readers (show,
 * why, the cell's captures, the HTML cell sections) need: new references,
 * the input only read. */
json_t *spool_slim_case(json_t *kase);
json_t *spool_slim_cell(json_t *cell);

/* v onto f as json_dumpf(JSON_INDENT(1) | JSON_PRESERVE_ORDER) writes it
 * depth levels deep in a document. 0, or -1. */
int spool_dump_at(FILE *f, json_t *v, int depth);

#endif
