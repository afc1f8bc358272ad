/* Parallel case runner: see suite.h. */
#include "suite.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog.h"
#include "cell.h"
#include "helper.h"
#include "jsontext.h"
#include "proc.h"
#include "stock.h"

/* A job slot's worker: a process that runs one case at a time, for as
 * long as there are cases. It is forked once, not once a case: a fork of
 * the harness and the copy-on-write faults after it cost milliseconds a
 * case on this kind of machine, and a worker's heap, once grown, serves
 * every case it runs. The harness writes orders on cmd (struct order: a
 * case's index, and whether it is the worker's last); the worker answers
 * each on fd with the result's length (a uint64_t) and its text. */
struct job {
	int idx;   /* the case whose result comes next, -1 when free */
	/* The case handed after it, -1 none: the worker finds it waiting
	 * when it ends idx, and need not wait for the harness, which may be
	 * busy writing out results. */
	int queued;
	pid_t pid; /* 0: no worker (not started yet, or it died) */
	int cmd, fd;
	bool told_end; /* cmd shut: the worker exits after its case */
	int cpu;
	char *buf;
	size_t len, cap;
};

/* What the harness writes on a worker's cmd: a case, and whether it is
 * the last this worker gets (its stock then builds no more, stock.h). */
struct order {
	int32_t idx;
	int32_t last;
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

static int write_all(int fd, const void *p, size_t len)
{
	const char *b = p;
	size_t at = 0;
	ssize_t n;

	while (at < len) {
		n = write(fd, b + at, len - at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		at += (size_t)n;
	}
	return 0;
}

/* The result onto the pipe in one piece, behind its length: json_dumpfd
 * writes each token with a write of its own, tens of thousands of system
 * calls a case, each waking the harness's poll. */
static int send_result(int fd, json_t *res)
{
	char *text = json_dumps(res, JSON_COMPACT);
	uint64_t len;
	int rc;

	if (!text)
		return -1;
	len = strlen(text);
	rc = write_all(fd, &len, sizeof(len)) < 0 ||
			     write_all(fd, text, (size_t)len) < 0
		     ? -1
		     : 0;
	free(text);
	return rc;
}

/* The worker's setup, once: "" or why it cannot run cases. */
static void worker_setup(pid_t parent, char *err, size_t errlen)
{
	/* The worker dies with the harness. Armed after the harness died,
	 * the signal never comes: then there is nobody to report to. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
		snprintf(err, errlen, "prctl(PR_SET_PDEATHSIG): %s",
			 strerror(errno));
		return;
	}
	if (getppid() != parent)
		_exit(1);
	/* A probe that dies before its sync is answered must cost only its
	 * own cell: the answer's write then fails with EPIPE, which the cell
	 * reports, instead of the signal killing the whole case. Probes get
	 * the default back before exec (run.c). */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		snprintf(err, errlen, "signal(SIGPIPE): %s", strerror(errno));
		return;
	}
	/* A private namespace to come home to: whatever a case does, it
	 * cannot reach the namespace the harness was started in. Each case
	 * builds its own nodes (topo.h); nothing of one case is left here
	 * for the next. */
	if (unshare(CLONE_NEWNET) < 0)
		snprintf(err, errlen, "unshare(CLONE_NEWNET): %s",
			 strerror(errno));
}

/* The cases stay out of the processes this worker forks (the forger, a
 * TCP listener, a command's holder), which never read them: a fork copies
 * the page table entries of every page the worker has touched, and the
 * worker then pays a copy-on-write fault for each one it writes after.
 * The case definitions are most of the worker's memory (a case_def is
 * large). Only whole pages inside the array are left out. */
static void keep_cases_home(const struct case_def *cases, int n)
{
	uintptr_t a = (uintptr_t)cases, b = a + (size_t)n * sizeof(*cases);
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);

	a = (a + pg - 1) & ~(pg - 1);
	b &= ~(pg - 1);
	/* Failing costs only speed. */
	if (b > a)
		(void)madvise((void *)a, b - a, MADV_DONTFORK);
}

/* Whether the harness has said that no order follows those read (it shut
 * cmd): nothing waits, and the socket reads as ended. */
static bool input_ended(int cmd)
{
	char b;

	return recv(cmd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* The worker: reads orders until the harness closes cmd, and answers
 * each with its case's result (or the reason it has none). */
static void worker(const struct case_def *cases, int n,
		   const struct run_opts *base, int cmd, int fd, pid_t parent)
{
	struct run_opts ro = *base;
	char setup[512] = "";
	const char *victim;
	struct order o;
	size_t have;
	ssize_t got;

	worker_setup(parent, setup, sizeof(setup));
	/* Topologies built ahead, by threads in the worker's namespace; not
	 * for the naive reference, which is measured as it always ran. */
	if (!setup[0] && !ro.fixed_wait_ms)
		ro.stock = stock_new(setup, sizeof(setup));
	keep_cases_home(cases, n);
	/* Memory freed at a case's end stays for the next: given back and
	 * taken again, every page of it was a fault a case (a case_run alone
	 * is hundreds of kilobytes). */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	for (;;) {
		char err[1024] = "";
		json_t *res = NULL;

		for (have = 0; have < sizeof(o); have += (size_t)got) {
			got = read(cmd, (char *)&o + have, sizeof(o) - have);
			if (got < 0 && errno == EINTR)
				got = 0;
			else if (got == 0 && have == 0) {
				proc_stop_servers();
				stock_free(ro.stock);
				_exit(0);
			} else if (got <= 0)
				_exit(1);
		}
		if (o.idx < 0 || o.idx >= n)
			_exit(1);
		/* Test-only: a worker that dies costs its case alone. */
		victim = helper_test_break("worker-dies");
		if (victim && strcmp(victim, cases[o.idx].name) == 0)
			raise(SIGKILL);
		if (ro.stock && (o.last || input_ended(cmd)))
			stock_last(ro.stock);
		if (setup[0])
			snprintf(err, sizeof(err), "%s", setup);
		else
			res = run_case(&cases[o.idx], &ro, err, sizeof(err));
		if (!res) {
			res = json_object();
			/* err may quote a case file: any bytes, kept. */
			json_object_set_new(res, "error", json_text(err));
		}
		if (send_result(fd, res) < 0)
			_exit(1);
		json_decref(res);
	}
}

/* Starts jobs[k]'s worker, pinned to its cpu by run_case. It holds none
 * of the other workers' pipes: a worker whose input another held open
 * would never read its end. */
static int spawn_worker(struct job *jobs, int njobs, int k,
			const struct case_def *cases, int n,
			const struct run_opts *base, char *err, size_t errlen)
{
	struct job *j = &jobs[k];
	int i;
	int c[2], r[2];
	pid_t parent = getpid();
	struct run_opts ro = *base;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c) < 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -1;
	}
	if (pipe2(r, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(c[0]);
		close(c[1]);
		return -1;
	}
	ro.cpu = j->cpu;
	/* Room for a whole result or more: a worker that finished a case
	 * goes on to its queued one without waiting for the harness to
	 * read. Failing costs only that. */
	(void)fcntl(r[1], F_SETPIPE_SZ, 1 << 20);
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		j->pid = 0;
		close(c[0]);
		close(c[1]);
		close(r[0]);
		close(r[1]);
		return -1;
	}
	if (j->pid == 0) {
		close(c[1]);
		close(r[0]);
		for (i = 0; i < njobs; i++)
			if (i != k && jobs[i].pid) {
				close(jobs[i].cmd);
				close(jobs[i].fd);
			}
		worker(cases, n, &ro, c[0], r[1], parent);
	}
	close(c[0]);
	close(r[1]);
	j->cmd = c[1];
	j->fd = r[0];
	return 0;
}

/* Hands case idx to jobs[k]'s worker (its next, or the one after),
 * starting a worker first when the slot has none. last: no case is left
 * to hand out after this one. */
static int start(struct job *jobs, int njobs, int k, int idx, bool last,
		 const struct case_def *cases, int n, const struct run_opts *ro,
		 char *err, size_t errlen)
{
	struct job *j = &jobs[k];
	struct order v = {idx, last};

	if (!j->pid &&
	    spawn_worker(jobs, njobs, k, cases, n, ro, err, errlen) < 0)
		return -1;
	if (j->idx < 0) {
		j->idx = idx;
		j->len = 0;
	} else {
		j->queued = idx;
	}
	/* A worker that died between cases shows as EPIPE here, without a
	 * SIGPIPE (a socket, MSG_NOSIGNAL): its result pipe then reads as
	 * ended, and the case gets error cells like any whose worker died. */
	if (send(j->cmd, &v, sizeof(v), MSG_NOSIGNAL) != (ssize_t)sizeof(v) &&
	    errno != EPIPE) {
		snprintf(err, errlen, "handing a case to its worker: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* No case is left to hand out: every worker is told now that none will
 * come after those it has, so its end (its stock's grace periods,
 * stock.h) overlaps the cases still running. */
static void tell_end(struct job *jobs, int njobs)
{
	int i;

	for (i = 0; i < njobs; i++)
		if (jobs[i].pid && !jobs[i].told_end) {
			shutdown(jobs[i].cmd, SHUT_WR);
			jobs[i].told_end = true;
		}
}

/* Ends j's worker: closing cmd is its signal to exit; the wait status is
 * returned. kill: it is killed instead. */
static int stop_worker(struct job *j, bool kill_it)
{
	int status = 0;

	if (!j->pid)
		return 0;
	if (kill_it)
		kill(j->pid, SIGKILL);
	close(j->cmd);
	close(j->fd);
	while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	j->pid = 0;
	j->told_end = false;
	return status;
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

/* j's case is done: what its worker sent is kept as it is, to be parsed
 * when its turn comes (after the slot's next case has been handed out),
 * and the slot is free. A worker that ended before its result was whole
 * is reaped (its status says why) and the slot gets a new one. */
static void finish(struct job *j, struct arrived *a, bool whole)
{
	int status = 0;
	size_t len = whole ? j->len - sizeof(uint64_t) : 0;

	if (!whole)
		status = stop_worker(j, false);
	else
		memmove(j->buf, j->buf + sizeof(uint64_t), len);
	*a = (struct arrived){true, len ? j->buf : NULL, len, status};
	if (!len)
		free(j->buf);
	j->buf = NULL;
	j->len = j->cap = 0;
	j->idx = -1;
	/* Its worker runs the queued case now; a worker that died never
	 * began it, and the caller hands it out again. */
	if (whole) {
		j->idx = j->queued;
		j->queued = -1;
	}
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

/* Reads what j's worker sent, never past the end of this result (the
 * next one may follow at once): 1 more may come, 0 its worker ended, 2
 * the result is whole, -1 out of memory. */
static int read_some(struct job *j)
{
	uint64_t want = 0;
	size_t end = sizeof(want);
	ssize_t n;

	if (j->len >= sizeof(want)) {
		memcpy(&want, j->buf, sizeof(want));
		if (want > SIZE_MAX / 2)
			return 0; /* not a worker's answer */
		end += (size_t)want;
	}
	if (j->cap < end || j->cap - j->len < 65536) {
		size_t cap = j->cap ? j->cap : 262144;
		char *b;

		while (cap < end || cap - j->len < 65536)
			cap *= 2;
		b = realloc(j->buf, cap);
		if (!b)
			return -1;
		j->buf = b;
		j->cap = cap;
	}
	n = read(j->fd, j->buf + j->len,
		 (j->len < sizeof(want) ? sizeof(want) : end) - j->len);
	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0)
		return 0;
	j->len += (size_t)n;
	if (j->len < sizeof(want))
		return 1;
	memcpy(&want, j->buf, sizeof(want));
	return j->len - sizeof(want) == want ? 2 : 1;
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

/* The captures the workers wrote (outfile_commit_unsynced), on disk at
 * once, before any document names them: one syncfs for the whole run. */
static int sync_captures(const char *dir, char *err, size_t errlen)
{
	int fd, rc = 0;

	if (!dir)
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) < 0) {
		snprintf(err, errlen, "cannot write the captures in %s: %s",
			 dir, strerror(errno));
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* How far ahead of the first case not yet handed on a case may start: the
 * results that came in out of order wait in memory, as text, so their
 * bytes bound it, whatever one slow case holds up (a user's program that
 * waits out its own timeout, say: the other workers go on meanwhile). */
#define AHEAD_BYTES (8u << 20)
#define AHEAD_CASES 1024

int suite_stream(const struct case_def *cases, int n,
		 const struct suite_opts *o, suite_sink sink, void *arg,
		 char *err, size_t errlen)
{
	struct job *jobs = calloc((size_t)o->jobs, sizeof(*jobs));
	/* The reorder buffer: results that came before an earlier case's,
	 * as text (smaller than their trees). */
	struct arrived *waiting = calloc((size_t)n + 1, sizeof(*waiting));
	int cpus[CPU_SETSIZE], ncpu = allowed_cpus(cpus, CPU_SETSIZE);
	/* Cases handed to a worker that died before it began them. */
	int *again = calloc((size_t)o->jobs, sizeof(*again)), nagain = 0;
	int next = 0, running = 0, i, done = 0, failed = 0, handed = 0;
	size_t waiting_bytes = 0;
	int rc = -1, round;

	if (!jobs || !waiting || !again) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < o->jobs; i++)
		jobs[i].idx = jobs[i].queued = -1;
	while (next < n || running > 0 || handed < n || nagain > 0) {
		struct pollfd pfd[64];
		int slot[64], np = 0;

		/* Every slot gets its next case first, then one to queue:
		 * parsing and writing out the results that came in is work
		 * no worker need wait for. */
		for (round = 0; round < 2; round++)
			for (i = 0; i < o->jobs; i++) {
				struct job *j = &jobs[i];
				int idx;

				if (round == 0 ? j->idx >= 0
					       : (j->queued >= 0 || j->idx < 0))
					continue;
				if (nagain > 0)
					idx = again[--nagain];
				else if (next < n &&
					 next < handed + AHEAD_CASES &&
					 waiting_bytes < AHEAD_BYTES)
					idx = next++;
				else
					break;
				if (!j->pid)
					j->cpu = ncpu > 0 ? cpus[i % ncpu] : -1;
				if (start(jobs, o->jobs, i, idx,
					  next == n && nagain == 0, cases, n,
					  &o->run, err, errlen) < 0)
					goto out_kill;
				running++;
			}
		if (next == n && nagain == 0)
			tell_end(jobs, o->jobs);
		/* In case order, whatever order they came in. */
		while (handed < n && waiting[handed].here) {
			json_t *res = result_of(&cases[handed],
						&waiting[handed]);

			waiting_bytes -= waiting[handed].len;
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
			if (r == 0 || r == 2) {
				int idx = j->idx;

				finish(j, &waiting[idx], r == 2);
				waiting_bytes += waiting[idx].len;
				running--;
				done++;
			}
			if (r == 0 && j->queued >= 0) {
				again[nagain++] = j->queued;
				j->queued = -1;
				running--;
			}
		}
	}
	rc = sync_captures(o->run.pcap_dir, err, errlen);
	goto out;
out_kill:
	for (i = 0; i < o->jobs; i++)
		if (jobs[i].idx >= 0 || jobs[i].queued >= 0)
			stop_worker(&jobs[i], true);
out:
	/* Workers between cases read the end of their input and exit. */
	if (jobs)
		for (i = 0; i < o->jobs; i++) {
			stop_worker(&jobs[i], false);
			free(jobs[i].buf);
		}
	if (waiting)
		for (i = 0; i < n; i++)
			free(waiting[i].buf);
	free(jobs);
	free(waiting);
	free(again);
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
