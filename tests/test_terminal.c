/* Integration: what a run writes to a terminal and what it keeps off a
 * pipe. On a terminal (stderr a pseudo-terminal) the progress line counts
 * cases, failed cells and seconds, rewritten in place with '\r'; with stderr
 * a file there is none of it, and with --json - stdout holds the results
 * document only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

#define OUT_MAX (256 * 1024)

static char out[OUT_MAX], err[OUT_MAX];

/* Runs argv with stderr on a new pseudo-terminal and stdout to /dev/null;
 * returns the exit status and what the terminal showed. */
static int run_on_pty(const char *const *argv, char *buf, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), status;
	size_t at = 0;
	ssize_t n;
	pid_t pid;

	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int s = open(ptsname(m), O_RDWR | O_NOCTTY);
		int null = open("/dev/null", O_WRONLY);
		union {
			const char *const *c;
			char *const *v;
		} u = {argv};

		if (s < 0 || null < 0)
			_exit(126);
		dup2(null, 1);
		dup2(s, 2);
		close(m);
		execv(argv[0], u.v);
		_exit(127);
	}
	/* Until the child's end closes the terminal (EIO on Linux). */
	while (at + 1 < len) {
		n = read(m, buf + at, len - 1 - at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		at += (size_t)n;
	}
	buf[at] = '\0';
	close(m);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_progress_on_terminal(void **state)
{
	const char *argv[] = {ICMPLAB_BIN,   "run",	    "--no-matrix",
			      "--probe",     "udp-connected", "port_unreachable",
			      "ttl_exceeded", NULL};
	const char *last;

	(void)state;
	if (!can_run_suite())
		skip();
	assert_int_equal(run_on_pty(argv, out, sizeof(out)), 0);
	/* Each case as it ends, in place, then the tally on a line of its
	 * own. */
	assert_non_null(strstr(out, "\r1/2 cases, 0 cells failed, "));
	last = strstr(out, "\r2/2 cases, 0 cells failed, ");
	assert_non_null(last);
	assert_non_null(strstr(last, " s "));
}

static void test_no_progress_off_terminal(void **state)
{
	const char *argv[] = {ICMPLAB_BIN, "run",	    "--json",
			      "-",	   "--probe",	    "udp-connected",
			      "port_unreachable", "ttl_exceeded", NULL};
	json_t *doc;
	json_error_t je;

	(void)state;
	if (!can_run_suite())
		skip();
	assert_int_equal(run_capture(argv, out, sizeof(out), err, sizeof(err)),
			 0);
	assert_null(strchr(err, '\r'));
	assert_null(strstr(err, "cases, 0 cells failed"));
	/* stdout is the document and nothing else: jq can read it. */
	doc = json_loads(out, 0, &je);
	if (!doc)
		fail_msg("stdout is not one JSON document: %s: %.300s", je.text,
			 out);
	assert_int_equal(json_array_size(json_object_get(doc, "cells")), 2);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress_on_terminal),
		cmocka_unit_test(test_no_progress_off_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
