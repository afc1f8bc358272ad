/* Reports made from a results document. */
#ifndef ICMPLAB_REPORT_H
#define ICMPLAB_REPORT_H

#include <stdio.h>

#include <jansson.h>

/* Prints the full matrix (rows: cases, columns: probes) in blocks of one
 * probe group and at most 8 columns, its legend, each claim once with its
 * tally, and the details of every cell that is not a pass. */
void report_matrix(FILE *f, json_t *results);

/* Prints the default report: the short answer (answer.h), a tally per case
 * group, each claim once with its tally, and the details of every cell that
 * is not a pass. */
void report_short(FILE *f, json_t *results);

/* The text of one cell as the matrix shows it, e.g. "recv:ECONNREFUSED" or
 * "-!" (nothing surfaced though the wire carried an error). Writes into buf
 * and returns it. */
const char *report_cell_text(json_t *cell, char *buf, size_t len);

/* A results document's "cells", and where the case last asked for starts. */
struct case_cells {
	json_t *cells;
	size_t hint; /* 0 at first */
};

/* The cells of the case named kase: cc->cells[*from .. *to), both 0 when
 * it has none. A results document keeps a case's cells together, in case
 * order (docs/results.md), and a reporter asks about a case (often again)
 * and then the next: the search starts where the last case found starts,
 * so each answer costs about that case's cells. */
void report_case_range(struct case_cells *cc, const char *kase,
		       size_t *from, size_t *to);

#endif
