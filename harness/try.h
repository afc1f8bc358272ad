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
	const char *out_dir;   /* --out: results.json, matrix.txt, index.html, pcap/ */
	const char *json_path; /* --json: the document ('-': stdout) */
	const char *command;   /* the template: 'nc -u {addr} {port}' */
	const char *cases_dir; /* the try case files */
	int family; /* AF_INET, AF_INET6, or 0 for every family a row has */
	/* The run's options (run_opts.cmd_timeout_ms set); run.probe_cmd is
	 * set to command by try_run. */
	struct suite_opts so;
};

/* The defaults try adds to the run's: jobs (when jobs_given is 0) the
 * online CPUs, at most 4, as most programs wait out their own timers;
 * --cmd-timeout TRY_CMD_TIMEOUT_MS unless set; a case timeout that leaves
 * room for it; the try case files beside default_cases (../try) unless
 * cases_dir was given; pcap/ under out_dir. 0, or -1 with err. */
int try_defaults(struct try_opts *o, int jobs_given, const char *cases_dir,
		 const char *default_cases, char *err, size_t errlen);

/* Writes doc where o asks (out_dir's results.json, matrix.txt and
 * index.html, json_path), each whole or not at all. 0, or -1 with err naming the
 * first file that could not be written. */
int try_write(const struct try_opts *o, json_t *doc, char *err, size_t errlen);

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
