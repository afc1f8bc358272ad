/* One case from start to cells: the case loop.
 *
 * The case runs pinned to one CPU. That is what lets the capture serve as
 * the clock: the softirq that hands an ICMP error to the packet tap goes on,
 * without being preempted, to hand it to the ICMP handler and the socket's
 * error path (icmp_rcv -> __udp4_lib_err). On the same CPU the harness
 * cannot read the packet from the tap before that softirq has finished, so
 * once the harness has seen the error, the socket has had it. When pinning
 * is not possible, a membarrier(MEMBARRIER_CMD_GLOBAL) (an RCU grace
 * period, which outlasts any softirq in flight) stands in for it.
 *
 * Here: the loop over the probes' pipes and the capture, and the sync
 * protocol (when to tell a probe "go wire" or "go quiet"). Processes are
 * proc.c's, the wire ledger wire.c's, observations observe.c's, verdicts
 * verdict.c's and the JSON cell.c's.
 */
#include "run.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/membarrier.h>

#include "capture.h"
#include "catalog.h"
#include "cell.h"
#include "event.h"
#include "fence.h"
#include "helper.h"
#include "observe.h"
#include "proc.h"
#include "stock.h"
#include "topo.h"
#include "topodump.h"
#include "verdict.h"
#include "wire.h"

/* Every probe of a case may own a flow, and the ledger reports credited
 * owners as bits of a uint64_t. */
_Static_assert(CASE_MAX_PROBES <= WIRE_MAX_FLOWS && WIRE_MAX_FLOWS <= 64,
	       "one wire owner per probe");

struct case_run;

struct probe_run {
	struct case_run *r;
	int index; /* in the case's probes, and its owner index on the wire */
	const struct probe_def *def;
	bool is_cmd; /* the user command: stdout is text, not events */
	struct proc proc;
	struct event *events; /* as the probe wrote them */
	size_t nevents, capevents;
	struct observer observer;
	struct obs_list surfaced;
	struct obs_list others; /* raw sockets: errors read for others */
	bool has_flow;
	unsigned errors_at_go; /* its wire errors when the last sync was
				  answered */
	bool sync_pending;
	bool burst_sync; /* the pending sync covers a burst */
	bool fence_wait; /* the pending sync waits for fence fence_seq */
	uint16_t fence_seq;
	uint64_t sync_deadline;
	char protocol_error[400];
	char skip[EV_TEXT_MAX];
	struct proc_command cmd; /* is_cmd: what it runs */
	int timed_out_ms; /* is_cmd: killed at --cmd-timeout; 0: not */
};

struct case_run {
	const struct case_def *c;
	const struct run_opts *o;
	struct probe_run probes[CASE_MAX_PROBES];
	int nprobes;
	struct wire wire;
	struct fence fence;
	uint64_t t0, t_topo, t_fault, t_probes, t_probes_end, t_teardown;
	uint64_t wait_ns; /* some sync was waiting for evidence */
	uint64_t wait_since; /* 0: no sync is waiting now */
	unsigned silence_unproven;
	int quiet_ms; /* the safety bound of a sync's wait */
	bool need_barrier;
	long drops;
	const struct topo *topo;
	const struct fault_plan *plan;
	json_t *topology; /* topodump.h, read once the fault is set up */
	/* What the fault's helpers reported, "; "-separated; "" when every
	 * helper ran to the end of the case. */
	char helper_error[600];
	struct helper_note helpers[PLAN_MAX_HELPERS];
	int nhelpers;
	bool out_of_memory;
};

static void barrier(const struct case_run *r)
{
	if (r->need_barrier)
		syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
}

static uint64_t after_ms(int ms)
{
	return event_now_ns() + (uint64_t)ms * 1000000u;
}

/* How long killed probes' pipes are waited for before the case goes on
 * without their end of file. */
#define KILL_GRACE_MS 1000

/* --- the sync protocol ----------------------------------------------- */

/* Test-only (ICMPLAB_TEST_BREAK=kill-at-sync:PROBE, see helper.h): the
 * probe dies between its sync event and the answer, as under the OOM
 * killer. It is waited for, not reaped, so the answer meets a closed
 * pipe. */
static void test_kill_before_answer(const struct probe_run *p)
{
	const char *victim = helper_test_break("kill-at-sync");
	siginfo_t si;

	if (!victim || strcmp(victim, p->def->name) != 0 || p->proc.pid <= 0)
		return;
	if (kill(p->proc.pid, SIGKILL) == 0)
		while (waitid(P_PID, (id_t)p->proc.pid, &si,
			      WEXITED | WNOWAIT) < 0 &&
		       errno == EINTR)
			;
}

static unsigned wire_errors(const struct probe_run *p)
{
	return (unsigned)p->r->wire.owners[p->index].nerrors;
}

static void answer_sync(struct case_run *r, struct probe_run *p, bool wire)
{
	if (wire)
		barrier(r);
	p->sync_pending = false;
	p->burst_sync = false;
	p->fence_wait = false;
	p->errors_at_go = wire_errors(p);
	if (p->proc.in_fd < 0)
		return;
	test_kill_before_answer(p);
	/* The worker ignores SIGPIPE (suite.c): a probe gone before its
	 * answer is an EPIPE here, and an error of its own cell. */
	if (proc_tell(&p->proc, wire ? "go wire\n" : "go quiet\n") == 0 ||
	    p->protocol_error[0])
		return;
	snprintf(p->protocol_error, sizeof(p->protocol_error),
		 "could not answer its sync: %s",
		 errno == EPIPE ? "the probe had ended (EPIPE)"
		 : errno	? strerror(errno)
				: "short write");
}

/* Sends a fence for p's pending sync (fence.h): its answer proves that
 * any error for what p sent before it is on the capture. Test-only
 * (ICMPLAB_TEST_BREAK=fence-lost): none is sent, so none is answered. */
static void send_fence(struct case_run *r, struct probe_run *p)
{
	char err[200];

	p->sync_pending = true;
	p->fence_wait = true;
	p->sync_deadline = after_ms(r->quiet_ms);
	if (helper_test_break("fence-lost")) {
		p->fence_seq = r->fence.next++;
		return;
	}
	if (fence_send(&r->fence, &p->fence_seq, err, sizeof(err)) < 0 &&
	    !p->protocol_error[0])
		snprintf(p->protocol_error, sizeof(p->protocol_error), "%s",
			 err);
}

/* A probe's sync: it sent datagram e->seq and waits to be told whether its
 * error came. */
static void on_sync(struct case_run *r, struct probe_run *p,
		    const struct event *e)
{
	if (r->o->fixed_wait_ms) {
		/* The naive reference: a fixed wait, whatever the wire. */
		p->sync_pending = true;
		p->sync_deadline = after_ms(r->o->fixed_wait_ms);
	} else if (!e->sent) {
		answer_sync(r, p, false);
	} else if (e->burst > 1) {
		/* How many errors a burst draws is the question (rate
		 * limits): the fence's answer says they are all in. */
		send_fence(r, p);
		p->burst_sync = true;
	} else if (wire_errors(p) > p->errors_at_go) {
		answer_sync(r, p, true);
	} else {
		send_fence(r, p);
	}
}

/* Fences answered: their syncs are answered with what the wire holds. */
static void on_fences(struct case_run *r)
{
	uint16_t seqs[WIRE_FENCE_ANSWERS];
	int n = wire_take_fences(&r->wire, seqs, WIRE_FENCE_ANSWERS), i, k;

	for (k = 0; k < n; k++)
		for (i = 0; i < r->nprobes; i++) {
			struct probe_run *p = &r->probes[i];

			if (p->sync_pending && p->fence_wait &&
			    p->fence_seq == seqs[k])
				answer_sync(r, p,
					    wire_errors(p) > p->errors_at_go);
		}
}

/* A sync whose evidence did not come within the bound: answered as
 * silent, and its cell is an error, since the silence was not proven. */
static void bound_reached(struct case_run *r, struct probe_run *p)
{
	if (p->fence_wait && !r->o->fixed_wait_ms) {
		r->silence_unproven++;
		if (!p->protocol_error[0])
			snprintf(p->protocol_error,
				 sizeof(p->protocol_error),
				 "silence not proven: the fence sent after "
				 "datagram %u was not answered within %d ms "
				 "(--quiet-ms)",
				 p->nevents ? p->events[p->nevents - 1].seq
					    : 0,
				 r->quiet_ms);
	}
	answer_sync(r, p, wire_errors(p) > p->errors_at_go);
}

/* The wire credited errors to some probes' flows: a waiting sync is
 * answered; a burst's waits for its fence. */
static void on_credited(struct case_run *r)
{
	uint64_t owners = wire_take_credited(&r->wire);
	int i;

	for (i = 0; i < r->nprobes && owners; i++) {
		struct probe_run *p = &r->probes[i];

		if (!(owners & ((uint64_t)1 << i)) || !p->sync_pending)
			continue;
		/* A burst waits for its fence, whatever came before. */
		if (!p->burst_sync && !r->o->fixed_wait_ms)
			answer_sync(r, p, true);
	}
}

/* --- events ---------------------------------------------------------- */

static void add_flow(struct case_run *r, struct probe_run *p,
		     const struct event *e)
{
	struct flow f = {.proto = e->proto,
			 .src = e->src,
			 .dst = e->dst,
			 .sport = e->sport,
			 .dport = e->dport};

	/* Its start bounds the flow's life: a later probe that gets the
	 * same port after this one closed its socket owns what follows. */
	if (!p->has_flow && wire_add_flow_at(&r->wire, &f, p->index,
					     p->def->name, e->t_ns) >= 0)
		p->has_flow = true;
}

static void keep_event(struct case_run *r, struct probe_run *p,
		       const struct event *e)
{
	if (p->nevents == p->capevents) {
		size_t cap = p->capevents ? p->capevents * 2 : 32;
		struct event *v = realloc(p->events, cap * sizeof(*v));

		if (!v) {
			r->out_of_memory = true;
			return;
		}
		p->events = v;
		p->capevents = cap;
	}
	p->events[p->nevents++] = *e;
}

static void on_event(struct case_run *r, struct probe_run *p,
		     const struct event *e)
{
	struct observation o;

	switch (observe_event(&p->observer, e, &o)) {
	case OBS_SURFACED:
		if (obs_list_add(&p->surfaced, &o) < 0)
			r->out_of_memory = true;
		break;
	case OBS_FOR_OTHERS:
		if (obs_list_add(&p->others, &o) < 0)
			r->out_of_memory = true;
		break;
	case OBS_IGNORED:
		break;
	}
	if (e->kind == EV_FLOW)
		add_flow(r, p, e);
	else if (e->kind == EV_SYNC)
		on_sync(r, p, e);
	else if (e->kind == EV_SKIP)
		snprintf(p->skip, sizeof(p->skip), "%s", e->text);
	else if (e->kind == EV_END) /* after its sockets closed */
		wire_end_owner(&r->wire, p->index, e->t_ns);
}

/* One line of a probe's stdout (proc_line_fn); arg is its probe_run. */
static void on_line(void *arg, const char *line, size_t len)
{
	struct probe_run *p = arg;
	struct event e;
	char err[256];

	if (!line || event_parse(line, len, &e, err, sizeof(err)) < 0) {
		if (!p->protocol_error[0] && !line)
			snprintf(p->protocol_error, sizeof(p->protocol_error),
				 "event line longer than %zu bytes", len);
		else if (!p->protocol_error[0])
			snprintf(p->protocol_error, sizeof(p->protocol_error),
				 "bad event line: %s", err);
		return;
	}
	if (e.kind == EV_EXIT) {
		/* A style's wait status, not an event of its cell. */
		p->proc.exited = true;
		p->proc.exit_status = e.value;
		return;
	}
	keep_event(p->r, p, &e);
	on_event(p->r, p, &e);
	on_credited(p->r);
}

/* --- the loop -------------------------------------------------------- */

static int spawn_probe(struct case_run *r, int i, char *err, size_t errlen)
{
	struct probe_run *p = &r->probes[i];
	const char *tpl = r->o->probe_cmd ? r->o->probe_cmd : r->c->command;
	struct flow f = {0};

	if (!p->is_cmd)
		return proc_start_probe(&p->proc, r->topo, r->o->probe_dir,
					p->def, r->plan, err, errlen);
	if (!tpl || !tpl[0]) {
		snprintf(err, errlen,
			 "%s: probe cmd needs a 'command' line or "
			 "run --probe-cmd",
			 r->c->path);
		return -1;
	}
	if (proc_command_build(tpl, r->plan, r->c->path, &p->cmd, err,
			       errlen) < 0)
		return -1;
	/* A wildcard flow, to the destination only: icmplab cannot know
	 * which protocol and ports the program will use. What the capture
	 * sees it send becomes its exact flows at the end (wire_finish), and
	 * only errors quoting those are credited to it. */
	f.dst = r->plan->dst;
	if (wire_add_flow(&r->wire, &f, i, p->def->name) >= 0)
		p->has_flow = true;
	return proc_start_command(&p->proc, r->topo, &p->cmd, err, errlen);
}

/* Starts every probe at once: a user's command on its own, the probe
 * binaries' styles with one request to each binary's resident server
 * (proc_start_probes). */
static int spawn_all(struct case_run *r, char *err, size_t errlen)
{
	struct proc *ps[CASE_MAX_PROBES];
	const struct probe_def *defs[CASE_MAX_PROBES];
	bool started[CASE_MAX_PROBES] = {false};
	int i, j, n;

	for (i = 0; i < r->nprobes; i++) {
		struct probe_run *p = &r->probes[i];

		if (started[i])
			continue;
		if (p->is_cmd) {
			if (spawn_probe(r, i, err, errlen) < 0)
				return -1;
			continue;
		}
		for (n = 0, j = i; j < r->nprobes; j++)
			if (!r->probes[j].is_cmd && !started[j] &&
			    strcmp(r->probes[j].def->binary, p->def->binary) ==
				    0) {
				ps[n] = &r->probes[j].proc;
				defs[n++] = r->probes[j].def;
				started[j] = true;
			}
		if (proc_start_probes(ps, defs, n, r->topo, r->o->probe_dir,
				      r->plan, err, errlen) < 0)
			return -1;
	}
	return 0;
}

static bool any_waiting(const struct case_run *r)
{
	int i;

	for (i = 0; i < r->nprobes; i++)
		if (r->probes[i].sync_pending)
			return true;
	return false;
}

/* Accounts the time during which some sync waits for evidence (an error
 * or a fence's answer): the case record's phases_ms.wait. */
static void track_waiting(struct case_run *r, uint64_t now)
{
	bool waiting = any_waiting(r);

	if (waiting && !r->wait_since) {
		r->wait_since = now;
	} else if (!waiting && r->wait_since) {
		r->wait_ns += now - r->wait_since;
		r->wait_since = 0;
	}
}

static bool all_done(const struct case_run *r)
{
	int i;

	for (i = 0; i < r->nprobes; i++)
		if (!r->probes[i].proc.reaped)
			return false;
	return true;
}

static void reap(struct case_run *r)
{
	struct observation o;
	int i;

	for (i = 0; i < r->nprobes; i++) {
		struct probe_run *p = &r->probes[i];

		if (proc_reap(&p->proc) && p->is_cmd) {
			/* What a command tells its user is its exit status. */
			observe_exit(p->proc.status, &o);
			if (obs_list_add(&p->surfaced, &o) < 0)
				r->out_of_memory = true;
		}
	}
}

/* In the naive reference, the next probe starts when the last has ended. */
static int spawn_next(struct case_run *r, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < r->nprobes; i++) {
		if (r->probes[i].proc.pid == 0)
			return spawn_probe(r, i, err, errlen);
		if (!r->probes[i].proc.reaped)
			return 0;
	}
	return 0;
}

/* The case's deadline: every probe still running is killed, and with its
 * holder every process it started (proc.h). The cell says when. */
static void kill_late(struct case_run *r, uint64_t now)
{
	int i;

	for (i = 0; i < r->nprobes; i++) {
		struct probe_run *p = &r->probes[i];

		if (p->proc.reaped || p->proc.pid <= 0)
			continue;
		kill(p->proc.pid, SIGKILL);
		snprintf(p->protocol_error, sizeof(p->protocol_error),
			 "killed at the case deadline (--timeout-ms %d) after "
			 "%.0f ms, with every process it started",
			 r->o->timeout_ms,
			 (double)(now - p->proc.t_start) / 1e6);
	}
}

/* A killed probe whose pipes are still open past the grace period: some
 * process holds them that the kill did not reach. The case stops waiting
 * for their end of file. */
static void abandon_late(struct case_run *r)
{
	size_t at;
	int i;

	for (i = 0; i < r->nprobes; i++) {
		struct probe_run *p = &r->probes[i];

		if (p->proc.reaped || p->proc.pid <= 0)
			continue;
		proc_reap_now(&p->proc);
		at = strlen(p->protocol_error);
		snprintf(p->protocol_error + at,
			 sizeof(p->protocol_error) - at,
			 "; its output was still open %d ms later and was "
			 "not waited for",
			 KILL_GRACE_MS);
	}
}

/* --cmd-timeout: a user's command still running cmd_timeout_ms after it
 * started is killed with every process it started (its PID namespace
 * ends with it). That is a result of the command, not an error of the
 * case: the cell says it timed out. */
static void kill_slow_commands(struct case_run *r, uint64_t now,
			       uint64_t *next)
{
	uint64_t limit;
	int i;

	if (r->o->cmd_timeout_ms <= 0)
		return;
	limit = (uint64_t)r->o->cmd_timeout_ms * 1000000u;
	for (i = 0; i < r->nprobes; i++) {
		struct probe_run *p = &r->probes[i];

		if (!p->is_cmd || p->proc.reaped || p->proc.pid <= 0 ||
		    p->timed_out_ms)
			continue;
		if (now - p->proc.t_start < limit) {
			if (p->proc.t_start + limit < *next)
				*next = p->proc.t_start + limit;
			continue;
		}
		kill(p->proc.pid, SIGKILL);
		p->timed_out_ms = r->o->cmd_timeout_ms;
	}
}

static int loop(struct case_run *r, struct capture *cap, char *err,
		size_t errlen)
{
	uint64_t deadline = after_ms(r->o->timeout_ms);
	bool killed = false;

	while (!all_done(r)) {
		struct pollfd pfd[1 + 2 * CASE_MAX_PROBES];
		uint64_t now = event_now_ns(), next = deadline;
		int n = 0, i, timeout;

		pfd[n++] = (struct pollfd){.fd = cap->fd, .events = POLLIN};
		for (i = 0; i < r->nprobes; i++) {
			struct probe_run *p = &r->probes[i];

			if (p->proc.out_fd >= 0)
				pfd[n++] = (struct pollfd){p->proc.out_fd,
							   POLLIN, 0};
			if (p->proc.err_fd >= 0)
				pfd[n++] = (struct pollfd){p->proc.err_fd,
							   POLLIN, 0};
			if (p->sync_pending && p->sync_deadline < next)
				next = p->sync_deadline;
		}
		kill_slow_commands(r, now, &next);
		timeout =
			next > now ? (int)((next - now + 999999) / 1000000) : 0;
		if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}

		/* Events first: a flow is announced before its datagram
		 * leaves, so it is known before its error can be read. */
		for (i = 0; i < r->nprobes; i++) {
			struct probe_run *p = &r->probes[i];

			if (p->is_cmd)
				proc_read_output(&p->proc);
			else
				proc_read_lines(&p->proc, on_line, p);
			proc_read_errors(&p->proc);
		}
		wire_sync_clock(&r->wire);
		if (capture_dispatch(cap, wire_on_packet, &r->wire, err,
				     errlen) < 0)
			return -1;
		on_credited(r);
		on_fences(r);
		now = event_now_ns();
		for (i = 0; i < r->nprobes; i++) {
			struct probe_run *p = &r->probes[i];

			if (p->sync_pending && p->sync_deadline <= now)
				bound_reached(r, p);
		}
		reap(r);
		track_waiting(r, now);
		if (r->o->fixed_wait_ms && spawn_next(r, err, errlen) < 0)
			return -1;
		if (now >= deadline && !all_done(r)) {
			if (killed)
				abandon_late(r);
			kill_late(r, now);
			killed = true;
			deadline = after_ms(KILL_GRACE_MS);
		}
	}
	/* Whatever arrived before the last probe ended belongs here too. */
	wire_sync_clock(&r->wire);
	if (capture_dispatch(cap, wire_on_packet, &r->wire, err, errlen) < 0)
		return -1;
	wire_finish(&r->wire);
	wire_take_credited(&r->wire);
	r->drops = capture_drops(cap);
	return 0;
}

/* --- cells ------------------------------------------------------------ */

static void fill_cell(const struct case_run *r, const struct probe_run *p,
		      struct cell *c)
{
	const struct wire_owner *w = &r->wire.owners[p->index];

	memset(c, 0, sizeof(*c));
	c->c = r->c;
	c->probe = p->def->name;
	c->ran = true;
	c->datagrams = w->datagrams;
	c->wire = w->errors;
	c->nwire = w->nerrors;
	c->surfaced = p->surfaced.v;
	c->nsurfaced = p->surfaced.n;
	c->others = p->others.v;
	c->nothers = p->others.n;
	c->events = p->events;
	c->nevents = p->nevents;
	c->t0 = r->t0;
	c->drops = r->drops;
	c->helper_error = r->helper_error;
	c->skip = p->skip;
	c->protocol_error = p->protocol_error;
	c->is_cmd = p->is_cmd;
	c->status = p->proc.status;
	c->errtext = p->proc.errtext;
	c->errtext_len = p->proc.errlen;
	c->command = p->cmd.text;
	c->output = p->proc.outtext;
	c->output_len = p->proc.outlen;
	c->timed_out_ms = p->timed_out_ms;
	c->duration_ms =
		p->proc.t_end > p->proc.t_start
			? (double)(p->proc.t_end - p->proc.t_start) / 1e6
			: 0.0;
	c->expect = case_expect_for(r->c, p->def->name, r->o->kver);
	c->claim = case_claim_for(r->c, p->def->name, r->o->kver);
	c->explain = case_explain_for(r->c, p->def->name);
	c->kver = r->o->kver;
	verdict_decide(c);
}

static json_t *result_json(const struct case_run *r, const char *pcap)
{
	struct case_record k = {
		.c = r->c,
		.pcap = pcap,
		.dst = r->plan->dst,
		.dport = r->plan->dport,
		.ttl = r->plan->ttl,
		.quiet_ms = r->quiet_ms,
		.packets = r->wire.packets,
		.npackets = r->wire.npackets,
		.drops = r->drops,
		.helpers = r->helpers,
		.nhelpers = (size_t)r->nhelpers,
		.t0 = r->t0,
		.t_end = event_now_ns(),
		.topology = r->topology,
		.t_topo = r->t_topo,
		.t_fault = r->t_fault,
		.t_probes = r->t_probes,
		.t_probes_end = r->t_probes_end,
		.t_teardown = r->t_teardown,
		.wait_ns = r->wait_ns,
		.fences = r->fence.sent,
		.silence_unproven = r->silence_unproven,
	};
	json_t *result = json_object(), *cells = json_array();
	struct cell c;
	int i;

	for (i = 0; i < r->nprobes; i++) {
		fill_cell(r, &r->probes[i], &c);
		json_array_append_new(cells, cell_json(&c));
	}
	json_object_set_new(result, "case", case_record_json(&k));
	json_object_set_new(result, "cells", cells);
	return result;
}

/* Stops the fault's helpers once the probes are done, and notes in r what
 * each one reported. */
static void stop_helpers(struct case_run *r, struct fault_plan *plan)
{
	size_t at = 0;
	int i, rc, held;

	for (i = 0; i < plan->nhelpers; i++) {
		struct helper_note *h = &r->helpers[r->nhelpers++];

		h->name = plan->helpers[i].name;
		h->error[0] = '\0';
		held = plan->helpers[i].held_fd;
		if (r->o->stock)
			plan->helpers[i].held_fd = -1;
		rc = helper_stop(&plan->helpers[i], h->error, sizeof(h->error));
		/* The helper is gone: what it held closes behind the case. */
		if (r->o->stock && held >= 0)
			stock_retire_fd(r->o->stock, held);
		if (rc < 0) {
			if (at < sizeof(r->helper_error))
				at += (size_t)snprintf(
					r->helper_error + at,
					sizeof(r->helper_error) - at, "%s%s",
					at ? "; " : "", h->error);
		} else {
			h->error[0] = '\0';
		}
	}
}

static void pin(struct case_run *r)
{
	cpu_set_t set;

	r->need_barrier = true;
	if (r->o->cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(r->o->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == 0)
		r->need_barrier = false;
}

json_t *run_case(const struct case_def *c, const struct run_opts *o, char *err,
		 size_t errlen)
{
	const struct fault_def *f = fault_find(c->fault);
	struct fault_plan plan = {.dport = PROBE_DPORT, .ttl = -1};
	struct case_run *r = calloc(1, sizeof(*r));
	struct capture cap = {.fd = -1};
	struct topo t;
	char pcap[512], *pcap_path = NULL;
	json_t *result = NULL;
	int i;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->c = c;
	r->o = o;
	r->t0 = event_now_ns();
	r->quiet_ms = c->quiet_ms ? c->quiet_ms : o->quiet_ms;
	r->fence.fd = -1;
	pin(r);
	if (!f) {
		snprintf(err, errlen, "%s: unknown fault '%s'", c->path,
			 c->fault);
		goto out;
	}
	/* With a stock, the topology comes with its capture live already. */
	if (o->stock ? stock_take(o->stock, &t, &cap, err, errlen) < 0
		     : topo_build(&t, err, errlen) < 0)
		goto out;
	r->t_topo = event_now_ns();
	plan.dst = *topo_addr(&t, NODE_SERVER, c->family, 1);
	/* Before the fault, which may answer fences itself (the forger). */
	if (fence_open(&r->fence, &t, &plan.dst, err, errlen) < 0)
		goto out_cap;
	plan.fence_on = true;
	plan.fence_id = r->fence.id;
	if (f->apply(&t, c, &plan, err, errlen) < 0)
		goto out_cap;
	r->fence.to = plan.fence_at_router
			      ? *topo_addr(&t, NODE_ROUTER, plan.dst.family, 0)
			      : plan.dst;
	/* As the fault left it: what the reports draw (topodump.h). */
	r->topology = topo_dump(&t, err, errlen);
	if (!r->topology)
		goto out_cap;
	r->topo = &t;
	r->plan = &plan;
	/* Before any packet is read: the ledger holds datagrams to dst. */
	wire_init(&r->wire, &plan.dst);
	wire_set_fence(&r->wire, r->fence.id);
	if (plan.min_quiet_ms > r->quiet_ms)
		r->quiet_ms = plan.min_quiet_ms;
	if (o->pcap_dir) {
		snprintf(pcap, sizeof(pcap), "%s/%s.pcap", o->pcap_dir,
			 c->name);
		pcap_path = pcap;
	}
	if (cap.pc) {
		/* The link's traffic until now (the fault's making) was never
		 * in a case's capture: the capture starts here. */
		if (capture_skip(&cap, err, errlen) < 0 ||
		    (pcap_path &&
		     capture_save(&cap, pcap_path, err, errlen) < 0))
			goto out_cap;
	} else {
		if (topo_enter(&t, NODE_CLIENT, err, errlen) < 0)
			goto out_cap;
		i = capture_open(&cap, TOPO_CLIENT_IF, pcap_path, err, errlen);
		if (topo_leave(&t, err, errlen) < 0 || i < 0)
			goto out_cap;
	}

	for (i = 0; i < c->nprobes; i++) {
		struct probe_run *p = &r->probes[i];

		p->r = r;
		p->index = i;
		p->def = probe_find(c->probes[i]);
		p->is_cmd = p->def && !p->def->binary;
		proc_init(&p->proc);
		r->nprobes++;
		if (!p->def) {
			snprintf(err, errlen, "%s: unknown probe '%s'", c->path,
				 c->probes[i]);
			goto out_probes;
		}
	}
	r->t_fault = r->t_probes = event_now_ns();
	if (o->fixed_wait_ms ? spawn_next(r, err, errlen) < 0
			     : spawn_all(r, err, errlen) < 0)
		goto out_probes;
	if (loop(r, &cap, err, errlen) < 0)
		goto out_probes;
	r->t_probes_end = event_now_ns();
	stop_helpers(r, &plan);
	if (capture_finish(&cap, err, errlen) < 0)
		goto out_probes;
	if (r->out_of_memory || r->wire.out_of_memory) {
		snprintf(err, errlen, "out of memory while recording the case");
		goto out_probes;
	}
	/* The namespaces go before the cells are written: what is left is
	 * the record, and teardown is timed with the case. */
	fence_close(&r->fence);
	topo_destroy(&t);
	r->t_teardown = event_now_ns();
	result = result_json(r, pcap_path);

out_probes:
	for (i = 0; i < r->nprobes; i++) {
		struct probe_run *p = &r->probes[i];

		proc_close(&p->proc);
		free(p->events);
		obs_list_free(&p->surfaced);
		obs_list_free(&p->others);
	}
out_cap:
	if (o->stock)
		stock_retire(o->stock, &cap);
	else
		capture_close(&cap);
	/* Those not stopped yet: the case broke before its cells. */
	for (i = 0; i < plan.nhelpers; i++)
		helper_stop(&plan.helpers[i], NULL, 0);
	fence_close(&r->fence);
	topo_destroy(&t);
out:
	wire_free(&r->wire);
	json_decref(r->topology);
	free(r);
	return result;
}
