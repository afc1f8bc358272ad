/* Integration: the kernel CI outputs of a real run. One real case
 * (port_unreachable) with --ktap on stdout, --junit and --baseline-out to
 * files; then --baseline against that run, against a changed copy, against
 * this kernel's committed baseline (results/baselines/$(uname -r).json,
 * skipped with the reason when there is none), and the exit statuses of
 * diff and report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

#define OUT_MAX (256 * 1024)

struct ci_run {
	bool ran;
	int status;
	char dir[256], junit[300], base[300];
	char out[OUT_MAX], err[OUT_MAX];
};

static struct ci_run r;

static int setup(void **state)
{
	const char *d;

	(void)state;
	if (!can_run_suite())
		return 0;
	d = make_tmpdir("ci");
	if (!d)
		return -1;
	snprintf(r.dir, sizeof(r.dir), "%s", d);
	snprintf(r.junit, sizeof(r.junit), "%s/junit.xml", r.dir);
	snprintf(r.base, sizeof(r.base), "%s/base.json", r.dir);
	{
		const char *argv[] = {
			ICMPLAB_BIN, "run",   "--ktap",		  "-",
			"--junit",   r.junit, "--baseline-out",	  r.base,
			"--out",     r.dir,   "port_unreachable", NULL};

		r.status = run_capture(argv, r.out, sizeof(r.out), r.err,
				       sizeof(r.err));
	}
	r.ran = true;
	if (r.status != 0)
		fprintf(stderr, "icmplab run exited %d: %s\n", r.status, r.err);
	return 0;
}

#define NEED_RUN()                                                             \
	do {                                                                   \
		if (!r.ran) {                                                  \
			fprintf(stderr, "skip: the suite cannot run here "     \
					"(see above)\n");                      \
			skip();                                                \
		}                                                              \
	} while (0)

/* stdout is KTAP and only KTAP; the matrix went to stderr. */
static void test_ktap_on_stdout(void **state)
{
	static const char *const want[] = {
		"KTAP version 1",
		"# icmplab: kernel ",
		"1..1",
		"  KTAP version 1",
		"  1..5",
		"  ok 1 udp-unconnected",
		"  ok 2 udp-connected",
		"  ok 3 udp-so-error",
		"  ok 4 udp-recverr",
		"  ok 5 udp-recverr-connected",
		"ok 1 port_unreachable",
		"# Totals: pass:5 fail:0 xfail:0 xpass:0 skip:0 error:0",
		NULL,
	};
	char *copy, *line, *save = NULL;
	int i = 0;

	(void)state;
	NEED_RUN();
	assert_int_equal(r.status, 0);
	copy = strdup(r.out);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		if (!want[i])
			fail_msg("stdout has more than KTAP: '%s'", line);
		if (strncmp(line, want[i], strlen(want[i])) != 0)
			fail_msg("line %d: '%s', expected '%s'", i + 1, line,
				 want[i]);
	}
	assert_null(want[i]);
	free(copy);
	assert_non_null(strstr(r.err, "case "));
	assert_non_null(strstr(r.err, "5 cells: 5 pass"));
}

static void test_junit_file(void **state)
{
	char buf[OUT_MAX], want[512];
	FILE *f;
	size_t n;

	(void)state;
	NEED_RUN();
	f = fopen(r.junit, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf,
			       "<testsuite name=\"core\" tests=\"5\" "
			       "failures=\"0\" errors=\"0\" skipped=\"0\""));
	assert_non_null(strstr(buf, "<testcase classname=\"core\" "
				    "name=\"port_unreachable/udp-recverr\""));
	/* The capture attached is the one the run wrote. */
	snprintf(want, sizeof(want),
		 "[[ATTACHMENT|%s/pcap/port_unreachable.pcap]]", r.dir);
	assert_non_null(strstr(buf, want));
	snprintf(want, sizeof(want), "%s/pcap/port_unreachable.pcap", r.dir);
	assert_int_equal(access(want, R_OK), 0);
}

/* The same case again against the run's own baseline: no change, exit 0;
 * against a copy with one cell changed: that line, exit 1. */
static void test_baseline_own_and_changed(void **state)
{
	char changed[320];
	const char *argv[] = {ICMPLAB_BIN,  "run",  "--no-matrix",
			      "--baseline", r.base, "port_unreachable",
			      NULL};
	json_t *doc, *c;
	size_t i;
	int st;

	(void)state;
	NEED_RUN();
	st = run_capture(argv, r.out, sizeof(r.out), r.err, sizeof(r.err));
	assert_int_equal(st, 0);
	assert_non_null(strstr(r.out, "no change: 5 cells compared"));

	doc = json_load_file(r.base, 0, NULL);
	assert_non_null(doc);
	json_array_foreach(json_object_get(doc, "cells"), i, c)
	{
		if (strcmp(json_string_value(json_object_get(c, "probe")),
			   "udp-connected") == 0)
			json_array_clear(json_object_get(c, "surfaced"));
	}
	snprintf(changed, sizeof(changed), "%s/changed.json", r.dir);
	assert_int_equal(json_dump_file(doc, changed, 0), 0);
	json_decref(doc);
	argv[4] = changed;
	st = run_capture(argv, r.out, sizeof(r.out), r.err, sizeof(r.err));
	assert_int_equal(st, 1);
	assert_non_null(strstr(r.out, "port_unreachable/udp-connected: "
				      "surfaced none -> recv:ECONNREFUSED\n"));
	assert_non_null(strstr(r.out, "1 changed, 0 added, 0 removed; 5 "
				      "cells compared"));
}

/* This kernel's committed baseline, when there is one. */
static void test_committed_baseline(void **state)
{
	struct utsname u;
	char path[400];
	const char *argv[] = {ICMPLAB_BIN,  "run", "--no-matrix",
			      "--baseline", path,  "port_unreachable",
			      NULL};
	int st;

	(void)state;
	NEED_RUN();
	assert_int_equal(uname(&u), 0);
	snprintf(path, sizeof(path), "results/baselines/%s.json", u.release);
	if (access(path, R_OK) != 0) {
		fprintf(stderr,
			"skip: no baseline for the running kernel %s "
			"(%s); make one as results/baselines/README.md "
			"says\n",
			u.release, path);
		skip();
	}
	st = run_capture(argv, r.out, sizeof(r.out), r.err, sizeof(r.err));
	if (st != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	assert_int_equal(st, 0);
	assert_non_null(strstr(r.out, "no change: 5 cells compared"));
}

/* An unreadable baseline stops the run before anything runs: exit 2. */
static void test_baseline_unreadable(void **state)
{
	const char *argv[] = {ICMPLAB_BIN,	  "run",
			      "--baseline",	  "/nonexistent/base.json",
			      "port_unreachable", NULL};

	(void)state;
	NEED_RUN();
	assert_int_equal(
		run_capture(argv, r.out, sizeof(r.out), r.err, sizeof(r.err)),
		2);
	assert_non_null(strstr(r.err, "--baseline: /nonexistent/base.json: "));
	assert_null(strstr(r.out, "cells"));
}

/* diff and report as a CI script calls them. No root needed. */
static void test_diff_and_report_cli(void **state)
{
	const char *doc = "tests/data/ci-results.json";
	const char *same[] = {ICMPLAB_BIN, "diff", doc, doc, NULL};
	const char *missing[] = {ICMPLAB_BIN, "diff", doc, "/nonexistent.json",
				 NULL};
	const char *full[] = {ICMPLAB_BIN, "report", "--ktap",
			      "/dev/full", doc,	     NULL};
	const char *two[] = {ICMPLAB_BIN, "report", "--ktap", "-",
			     "--junit",	  "-",	    doc,      NULL};
	const char *ktap[] = {ICMPLAB_BIN, "report", "--ktap", "-", doc, NULL};
	char out[8192], err[4096];

	(void)state;
	assert_int_equal(run_capture(same, out, sizeof(out), err, sizeof(err)),
			 0);
	assert_string_equal(out, "no change: 4 cells compared (kernel "
				 "6.18.0-test)\n");
	assert_int_equal(
		run_capture(missing, out, sizeof(out), err, sizeof(err)), 2);
	assert_non_null(strstr(err, "icmplab diff: /nonexistent.json: "));
	assert_int_equal(run_capture(full, out, sizeof(out), err, sizeof(err)),
			 1);
	assert_string_equal(err, "icmplab: cannot write /dev/full: No space "
				 "left on device\n");
	assert_int_equal(run_capture(two, out, sizeof(out), err, sizeof(err)),
			 2);
	assert_int_equal(run_capture(ktap, out, sizeof(out), err, sizeof(err)),
			 0);
	assert_non_null(strstr(out, "\n# Totals: pass:1 fail:1 xfail:0 "
				    "xpass:0 skip:1 error:1\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ktap_on_stdout),
		cmocka_unit_test(test_junit_file),
		cmocka_unit_test(test_baseline_own_and_changed),
		cmocka_unit_test(test_committed_baseline),
		cmocka_unit_test(test_baseline_unreadable),
		cmocka_unit_test(test_diff_and_report_cli),
	};

	return cmocka_run_group_tests_name("ci", tests, setup, NULL);
}
