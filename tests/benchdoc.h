/* What make bench reads from a results document besides its cells: where
 * each case's time went ("phases_ms") and whether its silences were proven
 * ("fences", "silence_unproven": syncs that reached the safety bound). A
 * document without these fields is not an error: the bench says "n/a". */
#ifndef ICMPLAB_TEST_BENCHDOC_H
#define ICMPLAB_TEST_BENCHDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* The phases of a case, in the order they happen. "wait" is the part of
 * "probes" in which some probe's sync waited for evidence: it is not added
 * to the total. */
enum phase {
	PHASE_SETUP,
	PHASE_FAULT,
	PHASE_PROBES,
	PHASE_WAIT,
	PHASE_TEARDOWN,
	PHASE_COUNT
};

/* The keys of "phases_ms", indexed by enum phase; NULL ends it. */
extern const char *const phase_keys[];

/* A case that needed the safety bound in one run or more. */
struct unproven_case {
	char *name;
	long syncs; /* sum of its silence_unproven over the runs */
	int runs;   /* runs in which it had any */
};

/* The sums over every case of every document added. Zero it before the
 * first bench_doc_add; bench_doc_free releases what it holds. */
struct bench_doc {
	int docs;
	int timed_docs; /* documents with a timed case: phases are per them */
	long cases;
	long timed;		      /* cases with a phases_ms */
	double phase_ms[PHASE_COUNT]; /* sums over the timed cases */
	long with_duration; /* timed cases that also have duration_ms */
	double duration_ms; /* their sum of duration_ms */
	double *setup;	    /* every timed case's setup, for the median */
	long counted;	    /* cases with silence_unproven */
	long unproven;	    /* sum of silence_unproven */
	long fenced;	    /* cases with fences */
	long fences;	    /* sum of fences */
	struct unproven_case *bad; /* cases with silence_unproven > 0 */
	size_t nbad;
};

/* Adds the "cases" of results document doc to b. A field that is absent
 * is left out (and counted as such); one that is present with the wrong
 * type or a negative value is an error: returns -1 with a message in err,
 * and b unchanged. 0 otherwise. */
int bench_doc_add(struct bench_doc *b, json_t *doc, char *err, size_t errlen);

/* The median setup of the timed cases (the lower one of the two middle
 * ones); -1 when no case was timed. Sorts b->setup. */
double bench_doc_median_setup(struct bench_doc *b);

/* Prints, indented under a part's summary (and by indent more): each
 * phase's mean per run (the sum over its cases) and share of the total,
 * the median case's setup, the fences, and the cases that needed the
 * safety bound; "n/a" for what no document had. Sorts b->setup. */
void bench_doc_print(struct bench_doc *b, FILE *f, const char *indent);

/* Releases what b holds and zeroes it. */
void bench_doc_free(struct bench_doc *b);

#endif
