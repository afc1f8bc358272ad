/* Deciding a cell: what the socket surfaced against what was expected. */
#ifndef ICMPLAB_VERDICT_H
#define ICMPLAB_VERDICT_H

#include <jansson.h>

#include "casefile.h"

/* Compares the surfaced list (a JSON array of objects with "via", "errno"
 * (a name, an integer exit status, or null for a raw packet) and, for the
 * error queue or a raw socket, "origin", "type", "code") with the
 * expectation e, in order: the k-th surfaced item must match the k-th
 * expected one (a probe's calls run round by round, so a sweep's k-th
 * code is judged at its place), and nothing may be left over. Returns
 * "pass" or "fail" (also "fail" when e is NULL). */
const char *cell_verdict(json_t *surfaced, const struct case_expect *e);

/* The expectation as a JSON array of its tokens ("recv:ECONNREFUSED"); []
 * for none; JSON null when e is NULL (no line applies). New reference. */
json_t *verdict_expected_json(const struct case_expect *e);

#endif
