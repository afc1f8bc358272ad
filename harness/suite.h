/* Running many cases, in parallel, and gathering one results document. */
#ifndef ICMPLAB_SUITE_H
#define ICMPLAB_SUITE_H

#include <jansson.h>

#include "casefile.h"
#include "run.h"

struct suite_opts {
	struct run_opts run; /* run.cpu is chosen per job */
	int jobs; /* cases at once, >= 1 */
	/* Called (if set) after each case is done, from the harness process:
	 * cases done of total, and the cells that failed or could not run so
	 * far. It prints; the suite never does. */
	void (*progress)(void *arg, int done, int total, int failed);
	void *progress_arg;
};

/* Called by suite_stream with each case's result ({"case": CASE,
 * "cells": [CELL, ...]}, docs/results.md) in case order, whatever order
 * the jobs finish in; res is the suite's, only read. */
typedef void (*suite_sink)(void *arg, int idx, json_t *res);

/* Runs the n cases as suite_run does and hands each case's result to sink
 * as soon as it and every case before it are done; none is kept. The
 * cases' captures (run.pcap_dir) are on disk when it returns 0: they are
 * written without an fsync each, and synced at once at the end. 0, or -1
 * with err when a case could not be started (the cases still running are
 * killed) or the captures could not be synced. */
int suite_stream(const struct case_def *cases, int n,
		 const struct suite_opts *o, suite_sink sink, void *arg,
		 char *err, size_t errlen);

/* The results document's members before "cases": icmplab, complete,
 * kernel, machine, settings. New reference. */
json_t *suite_head(const struct suite_opts *o);

/* Sets doc's "summary" from its "cells" (after them, in the document). */
void suite_summarize(json_t *doc);

/* Runs the n cases, o->jobs at once, each job slot in a worker process of
 * its own that runs its cases one after another (in a private network
 * namespace, pinned to one CPU, killed if the harness dies; a worker that
 * dies costs its case and the slot gets a new one). The cells come out in case
 * order whatever the jobs. Returns the results document (see docs/results.md),
 * owned by the caller, or NULL with err when no case could be started. */
json_t *suite_run(const struct case_def *cases, int n,
		  const struct suite_opts *o, char *err, size_t errlen);

/* Counts cells by verdict in a results document. */
struct suite_counts {
	int pass, fail, skip, error;
	int info; /* reported, not judged (a user command without expect) */
};
struct suite_counts suite_count(json_t *results);

/* Adds one cell's verdict to k (no verdict counts as error). */
void suite_tally(struct suite_counts *k, json_t *cell);

/* The counts of a document's "summary". */
struct suite_counts suite_summary(json_t *doc);

#endif
