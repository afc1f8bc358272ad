/* Reading a results document (docs/results.md): the one place that loads
 * one from a file and turns its cells into the words every reporter uses.
 *
 * The reporters (matrix, KTAP, JUnit, diff) read the document, never the
 * run's typed records, so each of them can be run again on a stored run.
 * Tokens are written as the case files write expectations
 * ("recv:ECONNREFUSED", "errqueue:EHOSTUNREACH/icmp/11/0"), so that what
 * surfaced and what was expected read alike.
 */
#ifndef ICMPLAB_RESDOC_H
#define ICMPLAB_RESDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* Loads the results document at path ('-': standard input). Returns a new
 * reference, or NULL with err ("PATH: line N: why", or "PATH: not a results
 * document: ...") when the file cannot be read, is not JSON, or has no
 * "cells" array of objects each with a string "case" and "probe". */
json_t *resdoc_load(const char *path, char *err, size_t errlen);

/* The same from the len bytes at buf (not NUL-terminated), named name in
 * messages. */
json_t *resdoc_load_buf(const char *name, const char *buf, size_t len,
			char *err, size_t errlen);

/* o[key] when it is a string, else "" (never NULL). */
const char *resdoc_str(json_t *o, const char *key);

/* The CASE object named name in doc's "cases", or NULL. Borrowed. */
json_t *resdoc_case(json_t *doc, const char *name);

/* How many cells of doc belong to the case named name. */
size_t resdoc_case_cells(json_t *doc, const char *name);

/* One surfaced item as a token: "VIA:ERRNO", with "/ORIGIN/TYPE/CODE" when
 * the item carries an ICMP type ("-" for no errno, a number for an exit
 * status). Writes into buf (always terminated) and returns it. */
const char *resdoc_item_str(json_t *item, char *buf, size_t len);

/* The cell's surfaced items as tokens separated by one space, or "none".
 * Truncated with "..." when buf is too small. Returns buf. */
const char *resdoc_surfaced_str(json_t *cell, char *buf, size_t len);

/* The cell's expectation as tokens separated by one space, "none" for [],
 * or "no expectation for this kernel" for null or absent. Returns buf. */
const char *resdoc_expected_str(json_t *cell, char *buf, size_t len);

/* The ICMP errors on the cell's wire, in order, runs of one type/code
 * counted: "3/3 x2 11/0 x1", or "silent"; an IPv6 cell's start with
 * "icmp6 " ("icmp6 1/4 x2"), so that they cannot pass for ICMPv4.
 * Returns buf. */
const char *resdoc_wire_str(json_t *cell, char *buf, size_t len);

/* "icmp6 " for a cell of family ipv6, "" otherwise: the prefix that tells
 * an ICMPv6 type/code from an ICMPv4 one wherever one is printed. */
const char *resdoc_icmp_prefix(json_t *cell);

/* The cell's datagrams, or -1 when the document does not say (the case
 * never ran). */
long resdoc_datagrams(json_t *cell);

/* The cell's wall time in seconds: its own duration_ms when it has one (a
 * user command), else its case's duration_ms shared equally among the
 * case's cells; 0 when the document says neither. */
double resdoc_cell_seconds(json_t *doc, json_t *cell);

/* A writer of one report from a document onto f: 0, or -1 when a write
 * failed (errno may say why). */
typedef int (*resdoc_writer)(FILE *f, json_t *doc);

/* Runs w onto path ('-': standard output, flushed), then closes the file
 * and checks it: a write error may show only when the buffer is flushed.
 * 0, or -1 with err ("cannot write PATH: why"). */
int resdoc_write_path(const char *path, resdoc_writer w, json_t *doc, char *err,
		      size_t errlen);

#endif
