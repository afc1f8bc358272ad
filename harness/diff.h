/* Comparing two results documents cell by cell, and the stored form of a
 * run that baselines keep (results/baselines/). */
#ifndef ICMPLAB_DIFF_H
#define ICMPLAB_DIFF_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* Which cells of the old document a comparison is about. A run of some
 * cases (or some probes) is compared with the part of a whole baseline it
 * ran: an old cell outside the scope is neither compared nor "removed".
 * Zero counts: every cell. */
struct diff_scope {
	const char *const *cases; /* a case's name, or its group */
	int ncases;
	const char *const *probes;
	int nprobes;
	const char *family; /* "ipv4" or "ipv6": only its cells; NULL: both */
};

struct diff_counts {
	int compared; /* cells in both */
	int changed, added, removed;
};

/* Compares old and new, keyed by (case, probe), on what a kernel decides:
 * the verdict, the surfaced items in order (via, errno, origin, type,
 * code), the expectation, the datagrams, and the wire's ICMP type/code
 * list (so its count too). Times, ports, pids, paths and events are not
 * compared. Writes one line per changed, added or removed cell onto f:
 *
 *   CASE/PROBE: verdict pass -> fail; surfaced recv:ECONNREFUSED -> none
 *   CASE/PROBE: added (fail; surfaced none)
 *   CASE/PROBE: removed (was pass)
 *
 * in the new document's cell order (removed ones after), then a summary
 * line. Fills *k (may be NULL). Returns the number of differing cells
 * (changed + added + removed). s may be NULL: every cell. */
int diff_results(FILE *f, json_t *old, json_t *new, const struct diff_scope *s,
		 struct diff_counts *k);

/* The results document reduced to what diff_results compares and what a
 * reader needs to know which cell it is: the document's version, kernel,
 * machine and summary; per case its name, group, title, family, fault,
 * params and error; per cell case, probe, datagrams, expected, verdict,
 * unsurfaced, reason, wire (type, code, mtu) and surfaced (via, errno,
 * origin, type, code, info). Adds "normalized": true. Times, ports, pids,
 * paths, addresses, packets and events go. Returns a new reference. */
json_t *diff_normalize(json_t *doc);

/* Writes diff_normalize(doc) onto f with one case or cell per line, so
 * that a committed baseline is small and its git diffs read cell by cell.
 * The text is a results document (diff_results and the reporters read it;
 * normalising it again gives the same text). Returns 0, or -1 when a write
 * failed. */
int diff_write_baseline(FILE *f, json_t *doc);

#endif
