/* JUnit XML from a results document: what Jenkins, GitLab and most CI
 * dashboards read. */
#ifndef ICMPLAB_JUNIT_H
#define ICMPLAB_JUNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* Writes doc as JUnit XML onto f: a <testsuites> holding one <testsuite> per
 * case group (the case file's base name, in order of first appearance),
 * one <testcase classname=GROUP name=CASE/PROBE time=SECONDS> per cell.
 * A fail has <failure>, an error <error> (message: expected vs surfaced,
 * or the reason), a skip <skipped message=REASON/>; the case's capture is
 * attached as [[ATTACHMENT|/abs/path.pcap]] in <system-out>. A relative
 * capture path is made absolute against the current directory. Times come
 * from resdoc_cell_seconds. Text is escaped for XML 1.0 and is valid UTF-8:
 * the five entities, control bytes XML cannot hold dropped, invalid UTF-8
 * as U+FFFD. Returns 0, or -1 when a write to f failed. */
int junit_write(FILE *f, json_t *doc);

/* Writes s onto f as XML character data, or as an attribute's value when
 * attr (where tab and newline must be references to survive a parser's
 * normalisation): junit_write's escaping. Returns 0, or -1 when a write
 * failed. */
int junit_escape(FILE *f, const char *s, bool attr);

#endif
