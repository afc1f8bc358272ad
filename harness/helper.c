/* Helper processes: see helper.h. */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fds.h"

#define TEST_BREAK_ENV "ICMPLAB_TEST_BREAK"

pid_t helper_start(struct helper *h, const char *name, const int *keep,
		   size_t nkeep, int *status_fd, char *err, size_t errlen)
{
	int p[2], all[8];
	pid_t parent = getpid(), pid;
	char why[HELPER_REASON_MAX];

	h->pid = 0;
	h->status_fd = -1;
	h->held_fd = -1;
	snprintf(h->name, sizeof(h->name), "%s", name);
	if (nkeep + 1 > sizeof(all) / sizeof(all[0])) {
		snprintf(err, errlen, "%s: too many descriptors to keep", name);
		return -1;
	}
	/* The read end does not block: the harness reads it after the
	 * helper is gone, and must never wait on it. */
	if (pipe2(p, O_CLOEXEC) < 0 || fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		snprintf(err, errlen, "%s: status pipe: %s", name,
			 strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "%s: fork: %s", name, strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			helper_fail(p[1], "prctl(PR_SET_PDEATHSIG): %s",
				    strerror(errno));
		/* The parent died before the death signal was armed: it
		 * will never come, and nobody reads the pipe. */
		if (getppid() != parent)
			_exit(0);
		if (nkeep) /* keep may be NULL then */
			memcpy(all, keep, nkeep * sizeof(*keep));
		all[nkeep] = p[1];
		if (fds_close_except(all, nkeep + 1, why, sizeof(why)) < 0)
			helper_fail(p[1], "%s", why);
		*status_fd = p[1];
		return 0;
	}
	close(p[1]);
	h->pid = pid;
	h->status_fd = p[0];
	return pid;
}

void helper_fail(int status_fd, const char *fmt, ...)
{
	char line[HELPER_REASON_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = snprintf(line, sizeof(line) - 1, "failed (no message)");
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write of less than PIPE_BUF bytes: all of it or nothing. If it
	 * fails, the harness still sees the helper end on its own. */
	(void)write(status_fd, line, (size_t)n);
	_exit(1);
}

int helper_stop(struct helper *h, char *why, size_t whylen)
{
	char buf[HELPER_REASON_MAX], *nl;
	bool ended = false;
	int status = 0;
	size_t len = 0;
	ssize_t n;
	pid_t r;

	if (h->pid > 0) {
		r = waitpid(h->pid, &status, WNOHANG);
		if (r == h->pid) {
			ended = true;
		} else if (r == 0) {
			kill(h->pid, SIGKILL);
			while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
		h->pid = 0;
	}
	if (h->held_fd >= 0)
		close(h->held_fd);
	h->held_fd = -1;
	/* The helper is gone, so everything it wrote is in the pipe. */
	while (h->status_fd >= 0 && len < sizeof(buf) - 1) {
		n = read(h->status_fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (h->status_fd >= 0)
		close(h->status_fd);
	h->status_fd = -1;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	if (buf[0]) {
		if (why)
			snprintf(why, whylen, "%s: %s", h->name, buf);
		return -1;
	}
	if (!ended)
		return 0;
	if (why && WIFSIGNALED(status))
		snprintf(why, whylen, "%s: killed by %s, without a reason",
			 h->name, strsignal(WTERMSIG(status)));
	else if (why)
		snprintf(why, whylen,
			 "%s: exited with status %d, without a reason", h->name,
			 WEXITSTATUS(status));
	return -1;
}

/* The points helper_test_break knows; a trailing ':' takes an argument. */
static const char *const break_points[] = {
	"forger-recv",	 "forger-build", "forger-send",
	"forger-delay:", "listener",	 "kill-at-sync:",
	"fence-lost",	 "worker-dies:", NULL,
};

const char *helper_test_break(const char *what)
{
	const char *v = getenv(TEST_BREAK_ENV);
	size_t n = strlen(what);

	if (!v || strncmp(v, what, n) != 0)
		return NULL;
	if (v[n] == '\0')
		return "";
	if (v[n] == ':')
		return v + n + 1;
	return NULL;
}

int helper_test_break_check(char *err, size_t errlen)
{
	const char *v = getenv(TEST_BREAK_ENV);
	const char *const *b;
	size_t n, at;

	if (!v)
		return 0;
	for (b = break_points; *b; b++) {
		n = strlen(*b);
		if ((*b)[n - 1] == ':' ? strncmp(v, *b, n) == 0 && v[n]
				       : strcmp(v, *b) == 0) {
			snprintf(err, errlen, "%s", v);
			return 1;
		}
	}
	at = (size_t)snprintf(err, errlen,
			      TEST_BREAK_ENV "='%s' is not a break point; "
					     "expected one of:",
			      v);
	for (b = break_points; *b && at < errlen; b++)
		at += (size_t)snprintf(err + at, errlen - at, " %s%s", *b,
				       strcmp(*b, "forger-delay:") == 0 ? "MS"
				       : (*b)[strlen(*b) - 1] == ':'	  ? "PROBE"
									  : "");
	return -1;
}
