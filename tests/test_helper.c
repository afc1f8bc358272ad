/* Helper processes (harness/helper.c) and the forger's sockaddr_ll rule:
 * a helper's failure reaches the harness with its reason, a helper that
 * ends on its own is noticed, a helper keeps only the descriptors it was
 * given, also where close_range(2) is missing, and the test-only break
 * points are read strictly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "forge.h"
#include "fds.h"
#include "helper.h"

/* --- the sockaddr_ll length rule ------------------------------------- */

static bool sll_ok(socklen_t len, uint8_t halen)
{
	struct sockaddr_ll sll;

	memset(&sll, 0, sizeof(sll));
	sll.sll_halen = halen;
	return forge_sll_complete(&sll, len);
}

static void test_sll_complete(void **state)
{
	const socklen_t head = offsetof(struct sockaddr_ll, sll_addr);

	(void)state;
	assert_int_equal(head, 12);
	/* Ethernet on a kernel before 2019: 12 + 6, unpadded. */
	assert_true(sll_ok(18, 6));
	/* The same address padded to sizeof, as kernels since do. */
	assert_true(sll_ok(sizeof(struct sockaddr_ll), 6));
	/* One byte of the announced address missing. */
	assert_false(sll_ok(17, 6));
	/* No link-layer address at all (a tunnel): the header is enough. */
	assert_true(sll_ok(12, 0));
	/* Short of the header: sll_pkttype or sll_ifindex would be unread. */
	assert_false(sll_ok(11, 0));
	assert_false(sll_ok(0, 0));
	/* A full 8-byte address exactly fills the struct. */
	assert_true(sll_ok(20, 8));
	assert_false(sll_ok(19, 8));
	/* An address longer than sll_addr (InfiniBand's 20 bytes): the
	 * kernel reports its whole length and cuts the copy; the fields
	 * read are all there. */
	assert_true(sll_ok(32, 20));
	assert_false(sll_ok(31, 20));
}

/* --- status pipe ----------------------------------------------------- */

/* Waits until pid has ended, without reaping it: helper_stop stops a
 * helper at once, and a test must not stop one before it has failed. */
static void wait_ended(pid_t pid)
{
	siginfo_t si;

	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
}

static void test_failure_reaches_harness(void **state)
{
	struct helper h;
	char err[256], why[HELPER_REASON_MAX + 64];
	int status;
	pid_t pid;

	(void)state;
	pid = helper_start(&h, "tester", NULL, 0, &status, err, sizeof(err));
	assert_true(pid >= 0);
	if (pid == 0)
		helper_fail(status, "sendto %s: %s", "198.51.100.2",
			    strerror(ENOBUFS));
	wait_ended(pid);
	assert_int_equal(h.pid, pid);
	assert_true(h.status_fd >= 0);
	assert_int_equal(helper_stop(&h, why, sizeof(why)), -1);
	assert_string_equal(why, "tester: sendto 198.51.100.2: No buffer "
				 "space available");
	assert_int_equal(h.pid, 0);
	assert_int_equal(h.status_fd, -1);
	/* Stopped once is stopped: no second report. */
	assert_int_equal(helper_stop(&h, why, sizeof(why)), 0);
}

/* A helper still at work when the case ends has nothing to report. */
static void test_running_helper_is_fine(void **state)
{
	struct helper h;
	char err[256], why[HELPER_REASON_MAX + 64] = "";
	int status;
	pid_t pid;

	(void)state;
	pid = helper_start(&h, "idle", NULL, 0, &status, err, sizeof(err));
	assert_true(pid >= 0);
	if (pid == 0)
		for (;;)
			pause();
	assert_int_equal(helper_stop(&h, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	/* It was killed and reaped. */
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* A helper that ends on its own without a word (a crash) is a failure too. */
static void test_silent_end_is_a_failure(void **state)
{
	struct helper h;
	char err[256], why[HELPER_REASON_MAX + 64];
	int status;
	pid_t pid;

	(void)state;
	pid = helper_start(&h, "quitter", NULL, 0, &status, err, sizeof(err));
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(5);
	wait_ended(pid);
	assert_int_equal(helper_stop(&h, why, sizeof(why)), -1);
	assert_string_equal(why,
			    "quitter: exited with status 5, without a reason");

	pid = helper_start(&h, "crasher", NULL, 0, &status, err, sizeof(err));
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Without cmocka's handler, which would go on testing in
		 * the child. */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	}
	wait_ended(pid);
	assert_int_equal(helper_stop(&h, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "crasher: killed by "));
	assert_non_null(strstr(why, strsignal(SIGSEGV)));
}

/* --- descriptors ----------------------------------------------------- */

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* The helper holds the descriptors it was given and its status pipe, and
 * nothing else of its parent's (a harness pipe held open would keep the
 * run waiting). The child reports what it found through the status pipe. */
static void test_helper_keeps_only_its_fds(void **state)
{
	struct helper h;
	char err[256], why[HELPER_REASON_MAX + 64];
	int a[2], b[2], keep[2], status;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	keep[0] = a[1];
	keep[1] = b[0];
	pid = helper_start(&h, "fds", keep, 2, &status, err, sizeof(err));
	assert_true(pid >= 0);
	if (pid == 0)
		helper_fail(status, "%d%d%d%d %d", is_open(a[0]), is_open(a[1]),
			    is_open(b[0]), is_open(b[1]), is_open(status));
	wait_ended(pid);
	assert_int_equal(helper_stop(&h, why, sizeof(why)), -1);
	assert_string_equal(why, "fds: 0110 1");
	close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

/* Where close_range is missing (ENOSYS, Linux before 5.9), the open
 * descriptors are closed one by one. A seccomp filter makes close_range
 * fail with ENOSYS in a child, as an old kernel would. */
static void test_close_fds_without_close_range(void **state)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_close_range, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
	int fds[6], keep[2], i, st;
	char err[256];
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			_exit(77);
		/* The filter does what an old kernel does. */
		if (close_range(3, ~0u, 0) == 0 || errno != ENOSYS)
			_exit(10);
		for (i = 0; i < 6; i++)
			if ((fds[i] = open("/dev/null", O_RDONLY)) < 0)
				_exit(11);
		keep[0] = fds[1];
		keep[1] = fds[4];
		if (fds_close_except(keep, 2, err, sizeof(err)) < 0)
			_exit(12);
		for (i = 0; i < 6; i++)
			if (is_open(fds[i]) != (i == 1 || i == 4))
				_exit(20 + i);
		/* stdin, stdout and stderr stay. */
		if (!is_open(0) || !is_open(1) || !is_open(2))
			_exit(30);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77) {
		fprintf(stderr, "skip: no seccomp filters here (needed to "
				"hide close_range)\n");
		skip();
	}
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* With close_range there, the same contract. */
static void test_close_fds(void **state)
{
	int fds[4], keep[1], i, st;
	char err[256];
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (i = 0; i < 4; i++)
			if ((fds[i] = open("/dev/null", O_RDONLY)) < 0)
				_exit(11);
		keep[0] = fds[0];
		if (fds_close_except(keep, 1, err, sizeof(err)) < 0)
			_exit(12);
		for (i = 0; i < 4; i++)
			if (is_open(fds[i]) != (i == 0))
				_exit(20 + i);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* --- test-only break points ------------------------------------------ */

static void test_break_points(void **state)
{
	char err[512];

	(void)state;
	unsetenv("ICMPLAB_TEST_BREAK");
	assert_null(helper_test_break("forger-send"));
	assert_int_equal(helper_test_break_check(err, sizeof(err)), 0);

	setenv("ICMPLAB_TEST_BREAK", "forger-send", 1);
	assert_string_equal(helper_test_break("forger-send"), "");
	assert_null(helper_test_break("forger-recv"));
	assert_null(helper_test_break("forger"));
	assert_int_equal(helper_test_break_check(err, sizeof(err)), 1);
	assert_string_equal(err, "forger-send");

	/* A typo is refused, not quietly ignored. */
	setenv("ICMPLAB_TEST_BREAK", "forger-sned", 1);
	assert_null(helper_test_break("forger-send"));
	assert_int_equal(helper_test_break_check(err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'forger-sned' is not a break point"));
	assert_non_null(strstr(err, "forger-send"));
	setenv("ICMPLAB_TEST_BREAK", "", 1);
	assert_int_equal(helper_test_break_check(err, sizeof(err)), -1);
	unsetenv("ICMPLAB_TEST_BREAK");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sll_complete),
		cmocka_unit_test(test_failure_reaches_harness),
		cmocka_unit_test(test_running_helper_is_fine),
		cmocka_unit_test(test_silent_end_is_a_failure),
		cmocka_unit_test(test_helper_keeps_only_its_fds),
		cmocka_unit_test(test_close_fds_without_close_range),
		cmocka_unit_test(test_close_fds),
		cmocka_unit_test(test_break_points),
	};

	return cmocka_run_group_tests_name("helper", tests, NULL, NULL);
}
