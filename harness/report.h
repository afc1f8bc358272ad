/* Reports made from a results document. */
#ifndef ICMPLAB_REPORT_H
#define ICMPLAB_REPORT_H

#include <stdio.h>

#include <jansson.h>

/* Prints the terminal matrix (rows: cases, columns: probes), its legend, and
 * the details of every cell that is not a pass. */
void report_matrix(FILE *f, json_t *results);

/* The text of one cell as the matrix shows it, e.g. "recv:ECONNREFUSED" or
 * "-!" (nothing surfaced though the wire carried an error). Writes into buf
 * and returns it. */
const char *report_cell_text(json_t *cell, char *buf, size_t len);

#endif
