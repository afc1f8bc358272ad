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

/* Runs the n cases, each in a child process of its own (in a private
 * network namespace, pinned to one CPU, killed if the harness dies), at most
 * o->jobs at once. The cells come out in case order whatever the jobs.
 * Returns the results document (see docs/results.md), owned by the caller,
 * or NULL with err when no case could be started. */
json_t *suite_run(const struct case_def *cases, int n,
		  const struct suite_opts *o, char *err, size_t errlen);

/* Counts cells by verdict in a results document. */
struct suite_counts {
	int pass, fail, skip, error;
	int info; /* reported, not judged (a user command without expect) */
};
struct suite_counts suite_count(json_t *results);

#endif
