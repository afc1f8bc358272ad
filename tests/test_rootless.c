/* Integration: who can run the suite (harness/privilege.c).
 * - An ordinary user (nobody) runs the whole suite: icmplab becomes root of
 *   a user namespace of its own and every cell passes there.
 * - Where an ordinary user may not create a user namespace (made so here
 *   with user.max_user_namespaces = 0 inside a namespace of the test's
 *   own, never the host's), exit 4 says so.
 * - Root of a user namespace (as `unshare -Urn`) runs a case.
 * - Root without CAP_NET_RAW (as `capsh --drop=cap_net_raw`) is refused
 *   with exit 4 naming it: an administrator's choice is not undone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

#define OUT_MAX (32 * 1024 * 1024)
#define NOBODY 65534

static char out[OUT_MAX], err[64 * 1024];

/* How the child that runs icmplab is made before exec. */
enum how {
	AS_NOBODY,	     /* setuid nobody */
	AS_NOBODY_NO_USERNS, /* nobody, where it may create no user ns */
	AS_USERNS_ROOT,	     /* root of a new user namespace (unshare -Urn) */
	AS_ROOT_NO_NET_RAW,  /* root without CAP_NET_RAW (capsh --drop) */
};

/* Writes text to path; 0 or -1. */
static int put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int drop_to_nobody(void)
{
	return setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 ||
			       setuid(NOBODY) < 0
		       ? -1
		       : 0;
}

/* A user namespace in which this process is root and nobody (65534) is
 * mapped too (the parent, root outside, writes the maps: `sync` is
 * written once it did), where no further user namespace may be made. */
static int no_userns_for_nobody(int ready, int done)
{
	char c;

	if (unshare(CLONE_NEWUSER) < 0 || write(ready, "r", 1) != 1 ||
	    read(done, &c, 1) != 1 || c != 'm')
		return -1;
	if (put("/proc/sys/user/max_user_namespaces", "0") < 0)
		return -1;
	return drop_to_nobody();
}


/* Runs argv in a child made as how says, in directory dir, stdout and
 * stderr into out and err. Returns the exit status, or 99 when the child
 * could not be made so (the system does not allow it). */
static int run_as(enum how how, const char *dir, const char *const *argv)
{
	char po[] = "/tmp/icmplab-rl-out-XXXXXX",
	     pe[] = "/tmp/icmplab-rl-err-XXXXXX";
	int fo = mkstemp(po), fe = mkstemp(pe), status, r[2], m[2];
	ssize_t n;
	pid_t pid;

	assert_true(fo >= 0 && fe >= 0);
	assert_int_equal(pipe(r), 0);
	assert_int_equal(pipe(m), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		union {
			const char *const *c;
			char *const *v;
		} u = {argv};
		int bad = 0;

		close(r[0]);
		close(m[1]);
		dup2(fo, 1);
		dup2(fe, 2);
		if (how == AS_NOBODY)
			bad = drop_to_nobody();
		else if (how == AS_NOBODY_NO_USERNS)
			bad = no_userns_for_nobody(r[1], m[0]);
		else if (how == AS_USERNS_ROOT)
			bad = unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0 ||
			      put("/proc/self/uid_map", "0 0 1") < 0 ||
			      put("/proc/self/setgroups", "deny") < 0 ||
			      put("/proc/self/gid_map", "0 0 1") < 0;
		else
			bad = drop_capability(CAP_NET_RAW);
		if (bad || chdir(dir) < 0)
			_exit(99);
		execv(argv[0], u.v);
		_exit(98);
	}
	close(r[1]);
	close(m[0]);
	if (how == AS_NOBODY_NO_USERNS) {
		char c, path[64];

		/* Root and nobody, each as themselves. */
		if (read(r[0], &c, 1) == 1) {
			snprintf(path, sizeof(path), "/proc/%d/uid_map",
				 (int)pid);
			put(path, "0 0 1\n65534 65534 1");
			snprintf(path, sizeof(path), "/proc/%d/gid_map",
				 (int)pid);
			put(path, "0 0 1\n65534 65534 1");
		}
		if (write(m[1], "m", 1) != 1)
			fail_msg("cannot signal the child");
	}
	close(r[0]);
	close(m[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	n = pread(fo, out, sizeof(out) - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	n = pread(fe, err, sizeof(err) - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fo);
	close(fe);
	unlink(po);
	unlink(pe);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The build's binary, probes and cases where nobody can read them (the
 * clone may be in a directory only root enters, /root): DIR/bin/icmplab,
 * DIR/bin/probes, DIR/cases, as the binary looks for them. */
static char tree[PATH_MAX], bin[PATH_MAX + 16];

static int setup(void **state)
{
	char b[PATH_MAX], probes[PATH_MAX + 16], to[PATH_MAX + 16];
	const char *d = make_tmpdir("rootless");
	const char *mk[] = {"/bin/mkdir", "-p", to, NULL};
	const char *cp_bin[] = {"/bin/cp", ICMPLAB_BIN, to, NULL};
	const char *cp_probes[] = {"/bin/cp", "-R", probes, to, NULL};
	const char *cp_cases[] = {"/bin/cp", "-R", "cases", tree, NULL};
	const char *mode[] = {"/bin/chmod", "-R", "a+rX", tree, NULL};

	(void)state;
	if (!d)
		return -1;
	snprintf(tree, sizeof(tree), "%s", d);
	snprintf(b, sizeof(b), "%s", ICMPLAB_BIN);
	snprintf(probes, sizeof(probes), "%s/probes", dirname(b));
	snprintf(to, sizeof(to), "%s/bin", tree);
	snprintf(bin, sizeof(bin), "%s/bin/icmplab", tree);
	if (run_capture(mk, out, sizeof(out), err, sizeof(err)) != 0 ||
	    run_capture(cp_bin, out, sizeof(out), err, sizeof(err)) != 0 ||
	    run_capture(cp_probes, out, sizeof(out), err, sizeof(err)) != 0 ||
	    run_capture(cp_cases, out, sizeof(out), err, sizeof(err)) != 0 ||
	    run_capture(mode, out, sizeof(out), err, sizeof(err)) != 0) {
		fprintf(stderr, "cannot copy the build for nobody: %s\n", err);
		return -1;
	}
	return 0;
}

/* Can nobody create a user namespace on this system? */
static bool nobody_may_unshare(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(drop_to_nobody() == 0 && unshare(CLONE_NEWUSER) == 0
			      ? 0
			      : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The whole suite as nobody: every cell passes, in a user namespace. */
static void test_nobody_runs_the_suite(void **state)
{
	const char *argv[] = {bin, "run", "-j", "2", "--no-matrix", "--json",
			      "-", NULL};
	json_t *doc, *cells, *c;
	json_error_t je;
	size_t i, failed = 0;
	int rc;

	(void)state;
	if (geteuid() != 0 || !can_run_suite()) {
		fprintf(stderr, "skip: needs root to become nobody\n");
		skip();
	}
	rc = run_as(AS_NOBODY, "/", argv);
	if (!nobody_may_unshare()) {
		/* This system allows no user namespace to an ordinary
		 * user: the refusal must say so. */
		assert_int_equal(rc, 4);
		assert_non_null(strstr(err, "no user namespace for an "
					    "ordinary user"));
		return;
	}
	if (rc != 0)
		fail_msg("as nobody: exit %d: %.2000s", rc, err);
	assert_non_null(strstr(err, "icmplab: not root: running as root of "
				    "a user namespace of its own (uid 65534, "
				    "gid 65534 outside)\n"));
	doc = json_loads(out, 0, &je);
	if (!doc)
		fail_msg("stdout is not JSON: %s", je.text);
	cells = json_object_get(doc, "cells");
	assert_true(json_array_size(cells) > 900);
	json_array_foreach(cells, i, c)
	{
		const char *v =
			json_string_value(json_object_get(c, "verdict"));

		if (!v || strcmp(v, "pass") != 0) {
			fprintf(stderr, "as nobody: %s / %s: %s\n",
				json_string_value(json_object_get(c, "case")),
				json_string_value(json_object_get(c, "probe")),
				v ? v : "?");
			failed++;
		}
	}
	assert_int_equal(failed, 0);
	json_decref(doc);
}

/* No user namespace for an ordinary user: exit 4, and what is missing. */
static void test_no_userns_refused(void **state)
{
	const char *argv[] = {bin, "run", "port_unreachable", NULL};
	int rc;

	(void)state;
	if (geteuid() != 0 || !can_run_suite())
		skip();
	rc = run_as(AS_NOBODY_NO_USERNS, "/", argv);
	if (rc == 99) {
		fprintf(stderr, "skip: no user namespaces here\n");
		skip();
	}
	assert_int_equal(rc, 4);
	assert_non_null(strstr(err, "icmplab: skip: not root, and no user "
				    "namespace for an ordinary user here: "
				    "unshare(CLONE_NEWUSER): "));
	assert_non_null(strstr(err, "run as root\n"));
}

/* Root of a user namespace (unshare -Urn) runs a case, its ping socket
 * too: the client's ping_group_range is the groups that namespace maps. */
static void test_userns_root_runs(void **state)
{
	const char *argv[] = {bin, "run", "--no-matrix", "--json", "-",
			      "du03_port", NULL};
	json_t *doc, *c;
	json_error_t je;
	int rc;

	(void)state;
	if (geteuid() != 0 || !can_run_suite())
		skip();
	rc = run_as(AS_USERNS_ROOT, "/", argv);
	if (rc == 99) {
		fprintf(stderr, "skip: no user namespaces here\n");
		skip();
	}
	if (rc != 0)
		fail_msg("root of a user namespace: exit %d: %s", rc, err);
	doc = json_loads(out, 0, &je);
	assert_non_null(doc);
	c = find_cell(doc, "du03_port", "ping");
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "verdict")),
			    "pass");
	json_decref(doc);
}

/* Root without CAP_NET_RAW: exit 4 naming the capability. */
static void test_no_net_raw_skips(void **state)
{
	const char *argv[] = {bin, "run", NULL};

	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "skip: not root, nothing to drop\n");
		skip();
	}
	assert_int_equal(run_as(AS_ROOT_NO_NET_RAW, "/", argv), 4);
	assert_string_equal(err,
			    "icmplab: skip: root without CAP_NET_RAW (to capture "
			    "and to open raw sockets); run as root with these "
			    "capabilities\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_net_raw_skips),
		cmocka_unit_test(test_userns_root_runs),
		cmocka_unit_test(test_no_userns_refused),
		cmocka_unit_test(test_nobody_runs_the_suite),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
