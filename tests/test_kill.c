/* A harness killed with SIGKILL at any moment leaves nothing behind: no
 * network namespace is still held by any process (probe, forger, listener,
 * worker), no link appeared in the namespace the test runs in, and its
 * nftables ruleset is unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "runner.h"

#define MAX_NS 4096

struct nsset {
	unsigned long ino[MAX_NS];
	int n;
};

static void add(struct nsset *s, unsigned long ino)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->ino[i] == ino)
			return;
	if (s->n < MAX_NS)
		s->ino[s->n++] = ino;
}

static void scan_link(struct nsset *s, const char *path)
{
	char buf[64];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	unsigned long ino;

	if (n <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "net:[%lu]", &ino) == 1)
		add(s, ino);
}

/* The run under test is marked by this variable in its environment, which
 * every process of it inherits (probes through exec, the forger and
 * listener through fork), so runs of others on the same host do not count. */
#define MARK "ICMPLAB_KILLTEST"
static char mark[64];
static char late[] = "ICMPLAB_TEST_BREAK=forger-delay:150";

static bool is_ours(const char *pid)
{
	char path[64], env[65536];
	ssize_t n;
	size_t k, want = strlen(mark);
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/environ", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, env, sizeof(env));
	close(fd);
	for (k = 0; n > 0 && k + want <= (size_t)n;) {
		if (memcmp(env + k, mark, want) == 0 && env[k + want] == '\0')
			return true;
		k += strnlen(env + k, (size_t)n - k) + 1;
	}
	return false;
}

/* Every network namespace a process of our run holds, as a task or an open
 * fd; *procs counts those processes. */
/* The namespace of each thread of process pid: a probe server's style
 * threads are each in a client's namespace of their own. */
static void scan_tasks(struct nsset *s, const char *pid)
{
	char path[600];
	struct dirent *t;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%s/task", pid);
	d = opendir(path);
	while (d && (t = readdir(d))) {
		if (t->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task/%s/ns/net", pid,
			 t->d_name);
		scan_link(s, path);
	}
	if (d)
		closedir(d);
}

static void scan(struct nsset *s, int *procs)
{
	DIR *proc = opendir("/proc"), *fds;
	struct dirent *d, *f;
	char path[600];

	s->n = 0;
	*procs = 0;
	while (proc && (d = readdir(proc))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9' ||
		    !is_ours(d->d_name))
			continue;
		(*procs)++;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", d->d_name);
		scan_link(s, path);
		scan_tasks(s, d->d_name);
		snprintf(path, sizeof(path), "/proc/%s/fd", d->d_name);
		fds = opendir(path);
		while (fds && (f = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s",
				 d->d_name, f->d_name);
			scan_link(s, path);
		}
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
}

/* Namespaces of ours that the host did not have before the run. */
static int new_count(const struct nsset *base, const struct nsset *now)
{
	int i, j, n = 0;

	for (i = 0; i < now->n; i++) {
		for (j = 0; j < base->n; j++)
			if (now->ino[i] == base->ino[j])
				break;
		n += j == base->n;
	}
	return n;
}

static char *slurp(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strdup(buf);
}

/* Interface names of this namespace, without the counters. */
static char *links(void)
{
	char *raw = slurp("/proc/net/dev"), *out = calloc(1, strlen(raw) + 1);
	char *line, *save = NULL;

	for (line = strtok_r(raw, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		strcat(out, line);
		strcat(out, " ");
	}
	free(raw);
	return out;
}

static char *ruleset(void)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	char *s;

	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	nft_run_cmd_from_buffer(ctx, "list ruleset");
	s = strdup(nft_ctx_get_output_buffer(ctx));
	nft_ctx_free(ctx);
	return s;
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Processes of our run whose command name is comm. */
static int count_comm(const char *comm)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;
	char path[300], buf[64];
	int n = 0, fd;
	ssize_t got;

	while (proc && (d = readdir(proc))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9' ||
		    !is_ours(d->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		got = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[got > 0 ? got : 0] = '\0';
		if (strcmp(strtok(buf, "\n") ? buf : "", comm) == 0)
			n++;
	}
	if (proc)
		closedir(proc);
	return n;
}

/* A run whose user command forks: a background sleep and a foreground
 * one, neither of which knows of any death signal. */
static pid_t start_cmd_run(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		putenv(mark);
		dup2(null, 1);
		dup2(null, 2);
		execl(ICMPLAB_BIN, ICMPLAB_BIN, "run", "--no-matrix",
		      "--timeout-ms", "60000", "--probe", "udp-unconnected",
		      "--probe-cmd", "sleep 77 >/dev/null 2>&1 & sleep 77",
		      "silent_drop", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static pid_t start_run(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		putenv(mark);
		dup2(null, 1);
		dup2(null, 2);
		/* The forger answers 150 ms late (test only), which keeps the
		 * run inside its first case for a while whatever the
		 * machine's speed; the first two cases run side by side with
		 * helpers of their own (the forger in the router, a TCP
		 * listener in the server), so kills land while those live
		 * too. */
		putenv(late);
		execl(ICMPLAB_BIN, ICMPLAB_BIN, "run", "--no-matrix",
		      "--quiet-ms", "3000", "-j", "2", "hostile_other_sport",
		      "tcp_established_ttl", "silent_drop", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void test_sigkill_leaves_nothing(void **state)
{
	static const int delays_ms[] = {0, 1, 3, 8, 20, 50, 120, 400, -1};
	static struct nsset base, now;
	char *links0, *rules0;
	int i, peak = 0, procs;

	(void)state;
	if (!can_run_suite())
		skip();
	snprintf(mark, sizeof(mark), MARK "=%d", (int)getpid());
	/* Our own namespace, so that it never counts as new. */
	base.n = 0;
	scan_link(&base, "/proc/self/ns/net");
	links0 = links();
	rules0 = ruleset();
	for (i = 0; delays_ms[i] >= 0; i++) {
		pid_t pid = start_run();
		uint64_t t;
		char *l, *r;
		int fresh;

		usleep((useconds_t)delays_ms[i] * 1000);
		scan(&now, &procs);
		fresh = new_count(&base, &now);
		if (fresh > peak)
			peak = fresh;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		/* The children die by PR_SET_PDEATHSIG; give them the time
		 * a signal takes, polling, not a fixed sleep. */
		t = now_ms();
		do {
			scan(&now, &procs);
			fresh = new_count(&base, &now);
			if (procs == 0)
				break;
			usleep(2000);
		} while (now_ms() - t < 3000);
		/* No process of the run is left, so nothing holds its
		 * namespaces: icmplab never pins one any other way. */
		if (procs || fresh)
			fail_msg("killed after %d ms: %d processes and %d "
				 "namespaces of the run still there",
				 delays_ms[i], procs, fresh);
		l = links();
		r = ruleset();
		assert_string_equal(l, links0);
		assert_string_equal(r, rules0);
		free(l);
		free(r);
	}
	/* The test could have failed: the run did hold namespaces when it was
	 * killed (each case holds three, each job one more of its own). */
	assert_true(peak >= 3);
	free(links0);
	free(rules0);
}

/* SIGKILL of the harness while a user's command runs, with a process it
 * put in the background: PR_SET_PDEATHSIG is not inherited across fork,
 * so before the command had a PID namespace of its own both sleeps
 * outlived the run (and held its client namespace). */
static void test_sigkill_cmd_leaves_nothing(void **state)
{
	static struct nsset base, now;
	uint64_t t;
	pid_t pid;
	int procs, fresh, round;

	(void)state;
	if (!can_run_suite())
		skip();
	snprintf(mark, sizeof(mark), MARK "=%d", (int)getpid());
	base.n = 0;
	scan_link(&base, "/proc/self/ns/net");
	for (round = 0; round < 3; round++) {
		pid = start_cmd_run();
		/* Killed once both sleeps run: the moment that matters. */
		t = now_ms();
		while (count_comm("sleep") < 2 && now_ms() - t < 10000)
			usleep(2000);
		assert_int_equal(count_comm("sleep"), 2);
		usleep((useconds_t)round * 20000);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		t = now_ms();
		do {
			scan(&now, &procs);
			fresh = new_count(&base, &now);
			if (procs == 0)
				break;
			usleep(2000);
		} while (now_ms() - t < 3000);
		if (procs || fresh)
			fail_msg("round %d: %d processes (%d sleeps) and %d "
				 "namespaces of the run still there",
				 round, procs, count_comm("sleep"), fresh);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sigkill_leaves_nothing),
		cmocka_unit_test(test_sigkill_cmd_leaves_nothing),
	};

	return cmocka_run_group_tests_name("kill", tests, NULL, NULL);
}
