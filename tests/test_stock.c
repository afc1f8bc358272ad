/* The worker's stock of topologies built ahead (harness/stock.h): real
 * namespaces and live captures, so root only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../harness/stock.h"

#define SKIP_UNLESS_ROOT()                                                     \
	do {                                                                   \
		if (geteuid() != 0) {                                          \
			print_message("skipped: needs root (namespaces and "   \
				      "packet sockets)\n");                    \
			skip();                                                \
		}                                                              \
	} while (0)

/* A stock that deadlocks fails the test instead of hanging the suite. */
static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_stock: stuck for 60 s\n";

	(void)write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

static ino_t ns_ino(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_ino;
}

/* What a take hands over: three namespaces of its own and a capture that
 * is live on the client's link. */
static void assert_fresh(const struct topo *t, const struct capture *cap)
{
	int n;

	for (n = 0; n < NODE_MAX; n++)
		assert_true(t->ns[n] >= 0);
	assert_true(ns_ino(t->ns[NODE_CLIENT]) != ns_ino(t->ns[NODE_ROUTER]));
	assert_non_null(cap->pc);
	assert_true(cap->fd >= 0);
	assert_null(cap->dump);
}

/* Takes come from topologies of their own, each time new, and what is
 * retired is closed by the time the stock is freed. */
static void test_takes_are_fresh(void **state)
{
	struct topo t[3];
	struct capture cap[3];
	char err[512] = "";
	struct stock *s;
	int i, fd;

	(void)state;
	SKIP_UNLESS_ROOT();
	alarm(60);
	s = stock_new(err, sizeof(err));
	if (!s)
		fail_msg("%s", err);
	for (i = 0; i < 3; i++) {
		if (stock_take(s, &t[i], &cap[i], err, sizeof(err)) < 0)
			fail_msg("take %d: %s", i, err);
		assert_fresh(&t[i], &cap[i]);
		/* What the link carried while it waited is gone. */
		assert_true(capture_skip(&cap[i], err, sizeof(err)) >= 0);
	}
	assert_true(ns_ino(t[0].ns[NODE_CLIENT]) !=
		    ns_ino(t[1].ns[NODE_CLIENT]));
	assert_true(ns_ino(t[1].ns[NODE_CLIENT]) !=
		    ns_ino(t[2].ns[NODE_CLIENT]));
	fd = dup(t[0].ns[NODE_SERVER]);
	assert_true(fd >= 0);
	for (i = 0; i < 3; i++) {
		topo_destroy(&t[i]);
		stock_retire(s, &cap[i]);
		assert_null(cap[i].pc);
	}
	stock_retire_fd(s, fd);
	stock_free(s);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	alarm(0);
}

/* After stock_last the builders stop: the last take is served, a take
 * after it (a case handed again) builds its own, and the end does not
 * wait for a spare build. Run more than once, for the races between the
 * builders and the takes. */
static void test_last_take(void **state)
{
	struct topo t;
	struct capture cap;
	char err[512] = "";
	struct stock *s;
	int round, k;

	(void)state;
	SKIP_UNLESS_ROOT();
	alarm(60);
	for (round = 0; round < 4; round++) {
		s = stock_new(err, sizeof(err));
		if (!s)
			fail_msg("%s", err);
		/* Rounds 0 and 1: the last take is the first; then the
		 * second. */
		for (k = 0; k <= round % 2; k++) {
			if (k == round % 2)
				stock_last(s);
			if (stock_take(s, &t, &cap, err, sizeof(err)) < 0)
				fail_msg("round %d take %d: %s", round, k, err);
			assert_fresh(&t, &cap);
			topo_destroy(&t);
			stock_retire(s, &cap);
		}
		if (round >= 2) {
			if (stock_take(s, &t, &cap, err, sizeof(err)) < 0)
				fail_msg("after the last: %s", err);
			assert_fresh(&t, &cap);
			topo_destroy(&t);
			stock_retire(s, &cap);
		}
		stock_free(s);
	}
	alarm(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_takes_are_fresh),
		cmocka_unit_test(test_last_take),
	};

	signal(SIGALRM, on_alarm);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
