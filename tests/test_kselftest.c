/* Integration: the kselftest package. scripts/kselftest-install (what
 * `make kselftest-install DESTDIR=...` runs) into a fresh directory, its
 * layout (kselftest-list.txt, the collection's run_tests.sh, settings,
 * config, binaries and cases that find each other), then the installed
 * run_tests.sh run as a kselftest runner runs it (from the collection's
 * directory) on one case: KTAP on stdout that reads back, and kselftest's
 * exit statuses for a pass, a failing cell and a skip (not root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <grp.h>
#include <linux/capability.h>
#include <libgen.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktapcheck.h"
#include "runner.h"

#define OUT_MAX (256 * 1024)

static char dest[256], col[300];

/* Runs argv in dir (as uid/gid 65534 when nobody) with stdout into out
 * (NUL-terminated, truncated) and stderr shown; returns the exit status. */
/* Who runs it. */
enum who { AS_ROOT, AS_NOBODY, AS_ROOT_NO_NET_RAW };

static int run_in(const char *dir, const char *const *argv, enum who who,
		  char *out, size_t outlen)
{
	char po[] = "/tmp/icmplab-ksft-out-XXXXXX";
	int fo = mkstemp(po), status;
	ssize_t n;
	pid_t pid;

	assert_true(fo >= 0);
	pid = fork();
	if (pid == 0) {
		union {
			const char *const *c;
			char *const *v;
		} u = {argv};

		dup2(fo, 1);
		if (chdir(dir) < 0)
			_exit(127);
		if (who == AS_NOBODY &&
		    (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
		     setuid(65534) < 0))
			_exit(126);
		if (who == AS_ROOT_NO_NET_RAW &&
		    drop_capability(CAP_NET_RAW) < 0)
			_exit(126);
		execv(argv[0], u.v);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_true(waitpid(pid, &status, 0) == pid);
	n = pread(fo, out, outlen - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fo);
	unlink(po);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Reads a small file whole into buf; fails the test if it cannot. */
static void read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		fail_msg("cannot read %s", path);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void install(void)
{
	static const char *const argv[] = {"scripts/kselftest-install", dest,
					   NULL};
	char err[4096];

	assert_int_equal(run_cmd(argv, err, sizeof(err)), 0);
}

static int setup(void **state)
{
	char bin[] = ICMPLAB_BIN;

	(void)state;
	/* The install takes the build the test belongs to. */
	setenv("B", dirname(bin), 1);
	snprintf(dest, sizeof(dest), "%s", make_tmpdir("ksft"));
	/* Readable by the unprivileged run of the skip test. */
	chmod(dest, 0755);
	snprintf(col, sizeof(col), "%s/icmplab", dest);
	install();
	return 0;
}

/* The layout a kselftest runner expects, and an install that can be
 * repeated (into a kernel's kselftest directory too) without listing the
 * collection twice. */
static void test_layout(void **state)
{
	char buf[8192], path[512], *line, *save = NULL;
	regex_t re;
	struct stat st;
	static const char *const files[] = {"run_tests.sh",
					    "settings",
					    "config",
					    "bin/icmplab",
					    "bin/probes/icmplab-probe-udp",
					    "cases/v4/core.case",
					    "cases/probes.defs",
					    NULL};
	int i, options = 0;

	(void)state;
	install();
	snprintf(path, sizeof(path), "%s/kselftest-list.txt", dest);
	read_text(path, buf, sizeof(buf));
	assert_string_equal(buf, "icmplab:run_tests.sh\n");
	for (i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", col, files[i]);
		if (stat(path, &st) != 0)
			fail_msg("%s is not installed", path);
	}
	snprintf(path, sizeof(path), "%s/run_tests.sh", col);
	assert_int_equal(access(path, X_OK), 0);

	snprintf(path, sizeof(path), "%s/settings", col);
	read_text(path, buf, sizeof(buf));
	assert_int_equal(regcomp(&re, "^timeout=[1-9][0-9]*\n$", REG_EXTENDED),
			 0);
	assert_int_equal(regexec(&re, buf, 0, NULL, 0), 0);
	regfree(&re);

	/* A config fragment: comments and CONFIG_X=y|m lines only. */
	snprintf(path, sizeof(path), "%s/config", col);
	read_text(path, buf, sizeof(buf));
	assert_int_equal(regcomp(&re, "^(#.*|CONFIG_[A-Z0-9_]+=[ym])?$",
				 REG_EXTENDED | REG_NOSUB),
			 0);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (regexec(&re, line, 0, NULL, 0) != 0)
			fail_msg("config: not an option line: '%s'", line);
		options += line[0] == 'C';
	}
	regfree(&re);
	assert_true(options >= 10);
}

/* The installed binary finds the installed cases and probes by itself. */
static void test_installed_binary(void **state)
{
	char bin[512], out[OUT_MAX];
	const char *argv[] = {bin, "check", NULL};

	(void)state;
	snprintf(bin, sizeof(bin), "%s/bin/icmplab", col);
	assert_int_equal(run_in("/", argv, AS_ROOT, out, sizeof(out)), 0);
	argv[1] = "probes";
	assert_int_equal(run_in("/", argv, AS_ROOT, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "udp-connected"));
}

/* One case through run_tests.sh: KTAP that reads back, a pass. */
static void test_run_pass(void **state)
{
	static char out[OUT_MAX];
	const char *argv[] = {"./run_tests.sh", "port_unreachable", NULL};

	(void)state;
	if (!can_run_suite())
		skip();
	assert_int_equal(run_in(col, argv, AS_ROOT, out, sizeof(out)), 0);
	assert_int_equal(check_ktap(out), 0);
	assert_true(strncmp(out, "KTAP version 1\n", 15) == 0);
	assert_non_null(strstr(out, "\nok 1 port_unreachable\n"));
	assert_non_null(strstr(out, "  ok 1 udp-unconnected\n"));
	assert_non_null(
		strstr(out, " fail:0 xfail:0 xpass:0 skip:0 error:0\n"));
}

/* A case file whose expectation is wrong: not ok, exit 1. */
static void test_run_fail(void **state)
{
	static char out[OUT_MAX];
	char cases[512];
	const char *argv[] = {"./run_tests.sh", "--cases", cases, NULL};
	FILE *f;

	(void)state;
	if (!can_run_suite())
		skip();
	snprintf(cases, sizeof(cases), "%s/wrong", dest);
	assert_int_equal(mkdir(cases, 0755), 0);
	snprintf(cases, sizeof(cases), "%s/wrong/wrong_expect.case", dest);
	f = fopen(cases, "w");
	assert_non_null(f);
	fputs("title    a connected socket that is told nothing (wrong)\n"
	      "family   ipv4\n"
	      "fault    port_unreachable\n"
	      "probes   udp-connected\n"
	      "expect   udp-connected  none\n"
	      "why      a wrong expectation, to see the failure\n",
	      f);
	assert_int_equal(fclose(f), 0);
	snprintf(cases, sizeof(cases), "%s/wrong", dest);
	assert_int_equal(run_in(col, argv, AS_ROOT, out, sizeof(out)), 1);
	assert_int_equal(check_ktap(out), 0);
	assert_non_null(strstr(out, "  not ok 1 udp-connected\n"));
	assert_non_null(strstr(out, "\nnot ok 1 wrong_expect\n"));
	assert_non_null(strstr(out, "# Totals: pass:0 fail:1 "));
}

/* Cannot run here (root without CAP_NET_RAW): exit 4 and a KTAP
 * document that says why nothing ran. */
static void test_run_skip(void **state)
{
	static char out[OUT_MAX];
	const char *argv[] = {"./run_tests.sh", "port_unreachable", NULL};

	(void)state;
	if (getuid() != 0) {
		print_message("skip: needs root to drop a capability\n");
		skip();
	}
	assert_int_equal(run_in(col, argv, AS_ROOT_NO_NET_RAW, out,
				sizeof(out)),
			 4);
	assert_int_equal(check_ktap(out), 0);
	assert_true(strncmp(out, "KTAP version 1\n1..0 # SKIP ", 27) == 0);
	assert_non_null(strstr(out, "root without CAP_NET_RAW"));
}

/* An ordinary user (a kselftest runner need not be root): the suite runs
 * in a user namespace of its own and passes, or, where the system allows
 * an ordinary user none, exit 4 says so. */
static void test_run_as_nobody(void **state)
{
	static char out[OUT_MAX];
	const char *argv[] = {"./run_tests.sh", "port_unreachable", NULL};
	int rc;

	(void)state;
	if (getuid() != 0 || !can_run_suite()) {
		print_message("skip: needs root to become another user\n");
		skip();
	}
	rc = run_in(col, argv, AS_NOBODY, out, sizeof(out));
	assert_int_equal(check_ktap(out), 0);
	if (rc == 4) {
		assert_non_null(strstr(out, "no user namespace"));
		return;
	}
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\nok 1 port_unreachable\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_installed_binary),
		cmocka_unit_test(test_run_pass),
		cmocka_unit_test(test_run_fail),
		cmocka_unit_test(test_run_skip),
		cmocka_unit_test(test_run_as_nobody),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
