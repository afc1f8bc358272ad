/* Helper processes that a fault starts (the forger in the router, a TCP
 * listener on the server): how they start, how they say that they failed,
 * and how the harness learns it.
 *
 * A helper runs from the fault's apply until the case ends, when the
 * harness kills it. Its work shows only on the wire, and a helper that
 * stops working (a socket error, a packet it cannot build, a send that
 * fails) leaves a silent wire, which is a plausible result. So every
 * helper gets a status pipe: when it cannot do its job it writes one line
 * saying why and exits (helper_fail). When the probes are done the harness
 * stops each helper (helper_stop) and reads that line; a reason, or a
 * helper that ended on its own, makes the case's cells `error` with it.
 *
 * Test-only: the environment variable ICMPLAB_TEST_BREAK makes one helper,
 * or the harness, fail on purpose at a named point, so that the tests can
 * show each failure reaching the results. See helper_test_break. Normal
 * runs never set it; `icmplab run` warns on stderr when it is set and
 * refuses a value it does not know.
 */
#ifndef ICMPLAB_HELPER_H
#define ICMPLAB_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The longest reason a helper can give, its name included. */
#define HELPER_REASON_MAX 256

struct helper {
	char name[16]; /* "forger", "listener": prefixes its reasons */
	pid_t pid;     /* 0 when not running (or already stopped) */
	int status_fd; /* read end of its status pipe; -1 when closed */
	/* A socket of the helper's that the harness holds too, -1 none: the
	 * helper's death then does not release it (a packet socket's
	 * release waits for an RCU grace period, and the harness would wait
	 * for that death). helper_stop closes it after the helper is gone,
	 * unless the caller took it to close elsewhere (stock.h). */
	int held_fd;
};

/* Forks a helper named name (at most 15 characters).
 *
 * In the parent: returns the child's pid (> 0) and fills h; the child's
 * end of the pipe is closed. -1 with err when the pipe or the fork fails
 * (nothing is left open).
 *
 * In the child: returns 0 once the child is set up, with *status_fd the
 * descriptor to hand to helper_fail. Set up means: it dies with SIGKILL
 * when the process that forked it dies (PR_SET_PDEATHSIG), and every
 * descriptor from 3 up is closed except keep[0..nkeep-1] and *status_fd,
 * so that the helper holds none of the harness's pipes open. A child that
 * cannot be set up reports why through the pipe and exits, and one whose
 * parent is already gone exits at once (nobody is left to report to):
 * helper_start does not return in either case. */
pid_t helper_start(struct helper *h, const char *name, const int *keep,
		   size_t nkeep, int *status_fd, char *err, size_t errlen);

/* In a helper: writes the formatted reason as one line to status_fd and
 * exits the helper with status 1. The helper's own exit, never called in
 * the harness itself. */
void helper_fail(int status_fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* In the harness: stops helper h (SIGKILL, then reaps it) and reads its
 * status pipe. Returns 0 when the helper was still running and had said
 * nothing. Returns -1 with "NAME: REASON" in why when it reported a
 * failure, or with how it ended when it ended on its own without one (it
 * never should). h is left stopped (pid 0, pipe closed); calling again,
 * or on a helper that never started, returns 0. why may be NULL. */
int helper_stop(struct helper *h, char *why, size_t whylen);


/* Test-only failure injection. When the environment variable
 * ICMPLAB_TEST_BREAK is exactly `what`, returns "" ; when it is
 * `what:ARG`, returns ARG; otherwise NULL. The points tests may name:
 *   forger-recv     the forger's packet socket fails to receive
 *   forger-build    the forger cannot build its answer
 *   forger-send     the forger's raw socket fails to send
 *   forger-delay:MS the forger waits MS milliseconds (1..5000) before
 *                   each answer: a late error must still be caught
 *   listener        the TCP listener's accept fails
 *   kill-at-sync:P  probe P's process (the process of every style of
 *                   its binary in the case) is killed after P's sync
 *                   event, just before the harness answers it
 *   fence-lost      the harness's fences go nowhere (a blackhole in the
 *                   client): no silence can be proven
 *   worker-dies:C   the worker that is handed case C dies (SIGKILL)
 *                   before it runs it
 * Each of them makes a real system call fail (or a real process die) on
 * the real path, so what the tests see is what a real failure gives. */
const char *helper_test_break(const char *what);

/* Checks ICMPLAB_TEST_BREAK. Returns 0 when it is not set, 1 when it is
 * set to a known point (its value is then in err, for a warning), -1 with
 * "expected ..." in err for any other value. */
int helper_test_break_check(char *err, size_t errlen);

#endif
