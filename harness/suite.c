/* Parallel case runner: see suite.h. */
#include "suite.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog.h"
#include "cell.h"
#include "jsontext.h"

struct job {
	int idx; /* case index, -1 when the slot is free */
	pid_t pid;
	int fd;
	char *buf;
	size_t len, cap;
};

/* The CPUs this process may use, so a job pins itself to one of them. */
static int allowed_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int i, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 0;
	for (i = 0; i < CPU_SETSIZE && n < max; i++)
		if (CPU_ISSET(i, &set))
			cpus[n++] = i;
	return n;
}

/* The result onto the pipe in one piece: json_dumpfd writes each token
 * with a write of its own, tens of thousands of system calls a case, each
 * waking the harness's poll (40 ms a case, all of it outside the case). */
static int send_all(int fd, json_t *res)
{
	char *text = json_dumps(res, JSON_COMPACT);
	size_t len, at = 0;
	ssize_t n;

	if (!text)
		return -1;
	len = strlen(text);
	while (at < len) {
		n = write(fd, text + at, len - at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(text);
			return -1;
		}
		at += (size_t)n;
	}
	free(text);
	return 0;
}

static void child(const struct case_def *c, const struct run_opts *ro, int fd,
		  pid_t parent)
{
	char err[1024] = "";
	json_t *res = NULL;

	/* The worker dies with the harness. Armed after the harness died,
	 * the signal never comes: then there is nobody to report to. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		snprintf(err, sizeof(err), "prctl(PR_SET_PDEATHSIG): %s",
			 strerror(errno));
	if (getppid() != parent)
		_exit(1);
	/* A probe that dies before its sync is answered must cost only its
	 * own cell: the answer's write then fails with EPIPE, which the cell
	 * reports, instead of the signal killing the whole case. Probes get
	 * the default back before exec (run.c). */
	if (!err[0] && signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		snprintf(err, sizeof(err), "signal(SIGPIPE): %s",
			 strerror(errno));
	/* A private namespace to come home to: whatever the case does, it
	 * cannot reach the namespace the harness was started in. */
	if (!err[0] && unshare(CLONE_NEWNET) < 0)
		snprintf(err, sizeof(err), "unshare(CLONE_NEWNET): %s",
			 strerror(errno));
	if (!err[0])
		res = run_case(c, ro, err, sizeof(err));
	if (!res) {
		res = json_object();
		/* err may quote a case file: any bytes, kept. */
		json_object_set_new(res, "error", json_text(err));
	}
	if (send_all(fd, res) < 0)
		_exit(1);
	_exit(0);
}

static int start(struct job *j, int idx, const struct case_def *c,
		 const struct run_opts *ro, char *err, size_t errlen)
{
	int p[2];
	pid_t parent = getpid();

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (j->pid == 0) {
		close(p[0]);
		child(c, ro, p[1], parent);
	}
	close(p[1]);
	j->idx = idx;
	j->fd = p[0];
	j->len = 0;
	return 0;
}

/* Cells for a case that could not run: every probe gets an error cell with
 * the reason, so the matrix still has the row. */
static json_t *error_cells(const struct case_def *c, const char *why)
{
	json_t *cells = json_array();
	struct cell cell;
	int i;

	for (i = 0; i < c->nprobes; i++) {
		memset(&cell, 0, sizeof(cell));
		cell.c = c;
		cell.probe = c->probes[i];
		cell.ran = false;
		cell.verdict = VERDICT_ERROR;
		snprintf(cell.reason, sizeof(cell.reason), "%s", why);
		json_array_append_new(cells, cell_json(&cell));
	}
	return cells;
}

/* A worker's result as it came: its text, and how the worker ended. */
struct arrived {
	bool here;
	char *buf;
	size_t len;
	int status;
};

/* A worker is done: what it sent is kept as it is, to be parsed when its
 * turn comes (after the next case's worker has been started), and its
 * slot is free. */
static void finish(struct job *j, struct arrived *a)
{
	int status = 0;

	close(j->fd);
	while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	*a = (struct arrived){true, j->buf, j->len, status};
	j->buf = NULL;
	j->len = j->cap = 0;
	j->idx = -1;
}

/* The case's result from what its worker sent, or error cells saying why
 * there is none. New reference. */
static json_t *result_of(const struct case_def *c, struct arrived *a)
{
	json_error_t jerr;
	json_t *res = NULL;
	char why[512];

	if (a->len)
		res = json_loadb(a->buf, a->len, 0, &jerr);
	if (!res || !json_is_object(res) ||
	    json_object_get(res, "error")) {
		const char *e = res ? json_string_value(json_object_get(
					      res, "error"))
				    : NULL;

		snprintf(why, sizeof(why), "case could not run: %s",
			 e ? e
			 : WIFSIGNALED(a->status)
				 ? strsignal(WTERMSIG(a->status))
				 : "no result from the worker");
		json_decref(res);
		res = json_object();
		json_object_set_new(res, "case",
				    case_record_json(&(struct case_record){
					    .c = c, .error = why}));
		json_object_set_new(res, "cells", error_cells(c, why));
	}
	return res;
}

/* The cells of one case's result that failed or could not run. */
static int count_failed(json_t *res)
{
	json_t *c;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(res, "cells"), i, c)
	{
		const char *v = json_string_value(json_object_get(c, "verdict"));

		n += v && (strcmp(v, "fail") == 0 || strcmp(v, "error") == 0);
	}
	return n;
}

static int read_some(struct job *j)
{
	ssize_t n;

	if (j->cap - j->len < 65536) {
		size_t cap = j->cap ? j->cap * 2 : 262144;
		char *b = realloc(j->buf, cap);

		if (!b)
			return -1;
		j->buf = b;
		j->cap = cap;
	}
	n = read(j->fd, j->buf + j->len, j->cap - j->len);
	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0)
		return 0;
	j->len += (size_t)n;
	return 1;
}

json_t *suite_head(const struct suite_opts *o)
{
	json_t *doc = json_object(), *settings = json_object();
	struct utsname u;

	uname(&u);
	json_object_set_new(doc, "icmplab", json_string("1"));
	/* Every case ran (a stub with false stands in while a run is under
	 * way, see docs/results.md). */
	json_object_set_new(doc, "complete", json_true());
	json_object_set_new(doc, "kernel", json_string(u.release));
	json_object_set_new(doc, "machine", json_string(u.machine));
	json_object_set_new(settings, "quiet_ms",
			    json_integer(o->run.quiet_ms));
	json_object_set_new(settings, "jobs", json_integer(o->jobs));
	json_object_set_new(doc, "settings", settings);
	return doc;
}

void suite_summarize(json_t *doc)
{
	struct suite_counts k = suite_count(doc);

	json_object_set_new(
		doc, "summary",
		json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "cells",
			  (int)json_array_size(json_object_get(doc, "cells")),
			  "pass", k.pass, "fail", k.fail, "skip", k.skip,
			  "error", k.error, "info", k.info));
}

/* How far ahead of the first case not yet handed on a case may start: the
 * results that came in out of order wait in memory, so this bounds them,
 * whatever one slow case holds up. */
static int ahead(int jobs)
{
	return jobs * 4 > 16 ? jobs * 4 : 16;
}

int suite_stream(const struct case_def *cases, int n,
		 const struct suite_opts *o, suite_sink sink, void *arg,
		 char *err, size_t errlen)
{
	struct job *jobs = calloc((size_t)o->jobs, sizeof(*jobs));
	/* The reorder buffer: results that came before an earlier case's,
	 * as text (smaller than their trees). */
	struct arrived *waiting = calloc((size_t)n + 1, sizeof(*waiting));
	int cpus[CPU_SETSIZE], ncpu = allowed_cpus(cpus, CPU_SETSIZE);
	int next = 0, running = 0, i, done = 0, failed = 0, handed = 0;
	int rc = -1;

	if (!jobs || !waiting) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < o->jobs; i++)
		jobs[i].idx = -1;
	while (next < n || running > 0 || handed < n) {
		struct pollfd pfd[64];
		int slot[64], np = 0;

		/* A free slot gets its next case first: parsing and writing
		 * out the results that came in is work the new worker need
		 * not wait for. */
		for (i = 0; i < o->jobs && next < n &&
			    next < handed + ahead(o->jobs);
		     i++) {
			struct run_opts ro = o->run;

			if (jobs[i].idx >= 0)
				continue;
			ro.cpu = ncpu > 0 ? cpus[i % ncpu] : -1;
			if (start(&jobs[i], next, &cases[next], &ro, err,
				  errlen) < 0)
				goto out_kill;
			next++;
			running++;
		}
		/* In case order, whatever order they came in. */
		while (handed < n && waiting[handed].here) {
			json_t *res = result_of(&cases[handed],
						&waiting[handed]);

			free(waiting[handed].buf);
			waiting[handed].buf = NULL;
			failed += count_failed(res);
			sink(arg, handed, res);
			json_decref(res);
			handed++;
			if (o->progress)
				o->progress(o->progress_arg, done, n, failed);
		}
		if (running == 0)
			continue;
		for (i = 0; i < o->jobs && np < 64; i++)
			if (jobs[i].idx >= 0) {
				pfd[np] = (struct pollfd){jobs[i].fd, POLLIN, 0};
				slot[np++] = i;
			}
		if (poll(pfd, (nfds_t)np, -1) < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			goto out_kill;
		}
		for (i = 0; i < np; i++) {
			struct job *j = &jobs[slot[i]];
			int r;

			if (!pfd[i].revents)
				continue;
			r = read_some(j);
			if (r < 0) {
				snprintf(err, errlen, "out of memory");
				goto out_kill;
			}
			if (r == 0) {
				finish(j, &waiting[j->idx]);
				running--;
				done++;
			}
		}
	}
	rc = 0;
	goto out;
out_kill:
	for (i = 0; i < o->jobs; i++)
		if (jobs[i].idx >= 0) {
			kill(jobs[i].pid, SIGKILL);
			waitpid(jobs[i].pid, NULL, 0);
		}
out:
	if (jobs)
		for (i = 0; i < o->jobs; i++) {
			if (jobs[i].idx >= 0)
				close(jobs[i].fd);
			free(jobs[i].buf);
		}
	if (waiting)
		for (i = 0; i < n; i++)
			free(waiting[i].buf);
	free(jobs);
	free(waiting);
	return rc;
}

/* suite_run's sink: the whole results in the document. */
static void gather(void *arg, int idx, json_t *res)
{
	json_t *doc = arg, *c;
	size_t i;

	(void)idx;
	json_array_append(json_object_get(doc, "cases"),
			  json_object_get(res, "case"));
	json_array_foreach(json_object_get(res, "cells"), i, c)
		json_array_append(json_object_get(doc, "cells"), c);
}

json_t *suite_run(const struct case_def *cases, int n,
		  const struct suite_opts *o, char *err, size_t errlen)
{
	json_t *doc = suite_head(o);

	json_object_set_new(doc, "cases", json_array());
	json_object_set_new(doc, "cells", json_array());
	if (suite_stream(cases, n, o, gather, doc, err, errlen) < 0) {
		json_decref(doc);
		return NULL;
	}
	suite_summarize(doc);
	return doc;
}

void suite_tally(struct suite_counts *k, json_t *cell)
{
	const char *v = json_string_value(json_object_get(cell, "verdict"));

	if (!v)
		k->error++;
	else if (strcmp(v, "pass") == 0)
		k->pass++;
	else if (strcmp(v, "fail") == 0)
		k->fail++;
	else if (strcmp(v, "skip") == 0)
		k->skip++;
	else if (strcmp(v, "info") == 0)
		k->info++;
	else
		k->error++;
}

struct suite_counts suite_count(json_t *results)
{
	struct suite_counts k = {0, 0, 0, 0, 0};
	json_t *cells = json_object_get(results, "cells"), *c;
	size_t i;

	json_array_foreach(cells, i, c)
		suite_tally(&k, c);
	return k;
}

struct suite_counts suite_summary(json_t *doc)
{
	json_t *s = json_object_get(doc, "summary");
	struct suite_counts k = {
		(int)json_integer_value(json_object_get(s, "pass")),
		(int)json_integer_value(json_object_get(s, "fail")),
		(int)json_integer_value(json_object_get(s, "skip")),
		(int)json_integer_value(json_object_get(s, "error")),
		(int)json_integer_value(json_object_get(s, "info")),
	};

	return k;
}
