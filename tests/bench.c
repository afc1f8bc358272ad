/* make bench: wall time per run and per cell, peak memory, and the ratio
 * against the naive reference (the same cells, one after another, each
 * observing after a fixed 250 ms, as `nc -u` waits before deciding).
 *
 *   build/bench [--label TEXT] [--runs N] [--jobs N] [--naive-ms N]
 *               [--no-naive] [--scaling] [--probe NAME ...] [CASE ...]
 * --scaling: one more run with -j 1, and how much faster -j N was (issue:
 * -j N should use N cores).
 *
 * --probe and CASE are passed to icmplab run, to bench a part of the
 * matrix.
 *
 * It reports; it does not judge. Every run's cells are also compared with
 * the first run's, and a difference is reported (and makes the exit 1),
 * since a benchmark of a non-deterministic suite measures nothing. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

struct sample {
	double wall_ms;
	long maxrss_kb; /* largest process of the run */
	int cells;
	char *fingerprint;
};

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int run_once(const char *jobs, const char *fixed, const char **only,
		    int nonly, struct sample *s)
{
	const char *dir = make_tmpdir("bench");
	const char *argv[64];
	struct rusage ru;
	int argc = 0, status, i;
	double t0;
	pid_t pid;
	json_t *doc;

	if (!dir)
		return -1;
	argv[argc++] = ICMPLAB_BIN;
	argv[argc++] = "run";
	argv[argc++] = "--no-matrix";
	argv[argc++] = "-j";
	argv[argc++] = jobs;
	argv[argc++] = "--out";
	argv[argc++] = dir;
	if (fixed) {
		argv[argc++] = "--fixed-wait-ms";
		argv[argc++] = fixed;
	}
	for (i = 0; i < nonly && argc < 62; i++)
		argv[argc++] = only[i];
	argv[argc] = NULL;

	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		union {
			const char *const *c;
			char *const *v;
		} u = {argv};
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execv(argv[0], u.v);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return -1;
	s->wall_ms = now_ms() - t0;
	s->maxrss_kb = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		fprintf(stderr, "bench: icmplab run exited %d\n",
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	doc = load_results(dir);
	if (!doc)
		return -1;
	s->cells = (int)json_array_size(json_object_get(doc, "cells"));
	s->fingerprint = cells_fingerprint(doc);
	json_decref(doc);
	return 0;
}

static long number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "bench: '%s' is not a number in %ld..%ld\n", s,
			lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	int runs = 20, i, nonly = 0, differ = 0;
	const char *jobs = "2", *naive = "250", *label = "the suite";
	struct sample s[100], ref = {0}, one = {0};
	double sum = 0, best = 1e18, worst = 0;
	long rss = 0;
	const char *only[60];
	bool with_naive = true, scaling = false;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = (int)number(argv[++i], 1, 100);
		else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
			jobs = argv[++i], number(jobs, 1, 64);
		else if (strcmp(argv[i], "--naive-ms") == 0 && i + 1 < argc)
			naive = argv[++i], number(naive, 1, 10000);
		else if (strcmp(argv[i], "--no-naive") == 0)
			with_naive = false;
		else if (strcmp(argv[i], "--scaling") == 0)
			scaling = true;
		else if (strcmp(argv[i], "--label") == 0 && i + 1 < argc)
			label = argv[++i];
		else if (strcmp(argv[i], "--probe") == 0 && i + 1 < argc &&
			 nonly < 58) {
			only[nonly++] = argv[i];
			only[nonly++] = argv[++i];
		} else if (argv[i][0] != '-' && nonly < 58)
			only[nonly++] = argv[i];
		else {
			fprintf(stderr, "usage: bench [--label TEXT] [--runs N] "
					"[--jobs N] [--naive-ms N] [--no-naive] "
					"[--scaling] [--probe NAME ...] "
					"[CASE ...]\n");
			return 2;
		}
	}
	printf("== %s\n", label);
	if (!can_run_suite())
		return 4;
	for (i = 0; i < runs; i++) {
		if (run_once(jobs, NULL, only, nonly, &s[i]) < 0)
			return 1;
		sum += s[i].wall_ms;
		best = s[i].wall_ms < best ? s[i].wall_ms : best;
		worst = s[i].wall_ms > worst ? s[i].wall_ms : worst;
		rss = s[i].maxrss_kb > rss ? s[i].maxrss_kb : rss;
		if (strcmp(s[i].fingerprint, s[0].fingerprint) != 0)
			differ++;
		printf("run %2d: %8.1f ms wall, %5.2f ms per cell, %d cells\n",
		       i + 1, s[i].wall_ms, s[i].wall_ms / s[i].cells,
		       s[i].cells);
	}
	if (with_naive) {
		if (run_once("1", naive, only, nonly, &ref) < 0)
			return 1;
		printf("naive reference (-j 1, fixed %s ms wait): %.1f ms wall, "
		       "%.2f ms per cell%s\n",
		       naive, ref.wall_ms, ref.wall_ms / ref.cells,
		       strcmp(ref.fingerprint, s[0].fingerprint) == 0
			       ? ", same cells"
			       : ", DIFFERENT cells");
	}
	if (scaling) {
		if (run_once("1", NULL, only, nonly, &one) < 0)
			return 1;
		printf("-j 1: %.1f ms wall%s\n", one.wall_ms,
		       strcmp(one.fingerprint, s[0].fingerprint) == 0
			       ? ", same cells"
			       : ", DIFFERENT cells");
		if (strcmp(one.fingerprint, s[0].fingerprint) != 0)
			differ++;
	}
	printf("\nsummary of %s: %d runs of %d cells with -j %s\n", label,
	       runs, s[0].cells, jobs);
	printf("  wall per run:  mean %.1f ms, best %.1f ms, worst %.1f ms\n",
	       sum / runs, best, worst);
	printf("  wall per cell: mean %.2f ms\n", sum / runs / s[0].cells);
	printf("  peak RSS:      %ld KiB (largest single process of a run)\n",
	       rss);
	if (with_naive)
		printf("  speed-up:      %.1fx against the naive reference "
		       "(mean run)\n",
		       ref.wall_ms / (sum / runs));
	if (scaling)
		printf("  scaling:       -j %s is %.2fx as fast as -j 1 (mean "
		       "run; %ld cores)\n",
		       jobs, one.wall_ms / (sum / runs),
		       sysconf(_SC_NPROCESSORS_ONLN));
	printf("  determinism:   %d of %d runs gave cells different from run "
	       "1\n",
	       differ, runs);
	for (i = 0; i < runs; i++)
		free(s[i].fingerprint);
	free(ref.fingerprint);
	free(one.fingerprint);
	putchar('\n');
	return differ ? 1 : 0;
}
