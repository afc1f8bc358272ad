/* icmplab try: a user's own program run once under every fault (the rows
 * of the try case files, the files under try/), each in a fresh topology, and
 * one row per fault: what came back on the wire for the program's own
 * datagrams, its exit status, the last line it printed, its wall time,
 * and '!' where an error quoting its datagrams was on the wire and it
 * exited 0 or timed out. Nothing is judged: the cells are 'info'.
 * docs/try.md shows sessions. */
#ifndef ICMPLAB_TRY_H
#define ICMPLAB_TRY_H

#include <stdio.h>

#include <jansson.h>

#include "suite.h"

#define TRY_CMD_TIMEOUT_MS 3000 /* --cmd-timeout's default */

struct try_opts {
	const char *command;   /* the template: 'nc -u {addr} {port}' */
	const char *cases_dir; /* the try case files */
	int family; /* AF_INET, AF_INET6, or 0 for every family a row has */
	/* The run's options (run_opts.cmd_timeout_ms set); run.probe_cmd is
	 * set to command by try_run. */
	struct suite_opts so;
};

/* Checks o->command's placeholders, loads the try cases of o->family
 * from o->cases_dir, and runs the command under each. Returns the
 * results document (owned by the caller), or NULL with err; *usage is
 * set when the fault was the caller's (an unknown placeholder, no case
 * of the family, a malformed case file) rather than the run's. */
json_t *try_run(struct try_opts *o, bool *usage, char *err, size_t errlen);

/* Prints doc's rows onto f, one per fault, with a heading and the
 * legend. Returns the number of rows whose program could not start or
 * whose case broke (an 'error' cell): 0 when every row is the program's
 * own answer. */
int try_print(FILE *f, json_t *doc, const char *command);

/* The row's last line: the last non-empty line of text, cut to at most
 * max display bytes (an ellipsis marks a cut), with control characters
 * (C0, DEL, C1) written as \xNN so that a terminal shows what the program
 * printed and obeys none of it. Writes into out (size >= max + 8). */
void try_last_line(const char *text, char *out, size_t size, size_t max);

#endif
