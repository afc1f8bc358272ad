/* Helpers for tests that run the real icmplab binary. */
#ifndef ICMPLAB_TEST_RUNNER_H
#define ICMPLAB_TEST_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

/* The harness of the build these tests belong to (the Makefile passes
 * $(B)/icmplab). */
#ifndef ICMPLAB_BIN
#define ICMPLAB_BIN "build/icmplab"
#endif

/* Runs argv (NULL-terminated) and waits. Returns the exit status (128+sig
 * when killed); the first errlen-1 bytes of stderr go to errbuf. */
int run_cmd(const char *const *argv, char *errbuf, size_t errlen);

/* Runs argv with stdout and stderr into files and waits; fills out and err
 * (NUL-terminated, truncated to their lengths). Returns the exit status
 * (128+sig when killed), -1 when it could not run it. */
int run_capture(const char *const *argv, char *out, size_t outlen,
		char *err, size_t errlen);

/* Loads a results document through resdoc_load (its shape checked);
 * fails the running cmocka test if it cannot. New reference. */
json_t *load_document(const char *path);

/* Loads <dir>/results.json; fails the test if it cannot. */
json_t *load_results(const char *dir);

/* The cell for case/probe in a results document, or NULL. */
json_t *find_cell(json_t *doc, const char *kase, const char *probe);

/* A text that holds what must not change between runs: for each cell, case,
 * probe, surfaced (via, errno, type, code, offender), wire (type, code,
 * from), verdict. Caller frees. */
char *cells_fingerprint(json_t *doc);

/* Makes a fresh directory under /tmp; returns a static path. */
const char *make_tmpdir(const char *tag);

/* Takes capability cap away from this process for good: out of the
 * bounding set (exec does not give it back) and out of every set now, as
 * capsh --drop does. 0, or -1. */
int drop_capability(int cap);

/* True when the suite can run here (root, namespaces); prints why not. */
bool can_run_suite(void);

#endif
