/* KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst) from a
 * results document: what kernel CI systems parse. */
#ifndef ICMPLAB_KTAP_H
#define ICMPLAB_KTAP_H

#include <stdio.h>

#include <jansson.h>

/* One level of nesting, as ktap.rst defines it. */
#define KTAP_INDENT "  "

/* Writes doc as KTAP onto f:
 *
 *   KTAP version 1
 *   1..<cases>
 *     KTAP version 1
 *     1..<cells of the case>
 *     ok 1 <probe>                        a pass (or a reported cell)
 *     # <probe>: expected ...; surfaced ...  diagnostics, then
 *     not ok 2 <probe>                    a fail or an error
 *     ok 3 <probe> # SKIP <reason>        a skip
 *   ok 1 <case>                           not ok if a cell is; # SKIP if all
 * are # Totals: pass:N fail:N xfail:0 xpass:0 skip:N error:N
 *
 * One test per case, in the document's order, its cells as subtests. Names
 * keep [A-Za-z0-9_-] and have any other byte as '_'; diagnostic text is one
 * line (control bytes as spaces). The totals count cells; a cell reported
 * but not judged (verdict info) counts as a pass. Returns 0, or -1 when a
 * write to f failed. */
int ktap_write(FILE *f, json_t *doc);

#endif
