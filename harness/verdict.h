/* Deciding a cell: what the socket surfaced against what was expected, and
 * what outranks that comparison. */
#ifndef ICMPLAB_VERDICT_H
#define ICMPLAB_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "casefile.h"
#include "cell.h"
#include "observe.h"

/* Compares n observations with the expectation e, in order: the k-th
 * observation must match the k-th expected item (a probe's calls run round
 * by round, so a sweep's k-th code is judged at its place), and nothing may
 * be left over. An item matches on via and errno, and for an item with
 * origin/type/code on those too. VERDICT_PASS or VERDICT_FAIL (also FAIL
 * when e is NULL). */
enum verdict verdict_compare(const struct observation *obs, size_t n,
			     const struct case_expect *e);

/* Decides c (a cell that ran) and sets c->verdict, c->reason and
 * c->claim_holds. What can be known outranks what was seen:
 *   capture drops or a failed fault helper: error (the wire is not the one
 *     the case describes);
 *   the probe skipped: skip;  it broke the event protocol: error;
 *   a user command: its exit status is compared (info without an
 *     expectation);
 *   a probe that exited non-zero or was killed: error;
 *   otherwise the comparison (fail with a reason when no expectation
 *     applies to this kernel).
 * The claim is judged only on a cell that passed. */
void verdict_decide(struct cell *c);

/* True when the wire carried an ICMP error for the cell's socket and the
 * program heard nothing of it: no observation, or for a command an exit
 * status of 0 or a kill at --cmd-timeout. */
bool verdict_unsurfaced(const struct cell *c);

#endif
