/* One case from start to cells.
 *
 * The case runs pinned to one CPU. That is what lets the capture serve as
 * the clock: the softirq that hands an ICMP error to the packet tap goes on,
 * without being preempted, to hand it to the ICMP handler and the socket's
 * error path (icmp_rcv -> __udp4_lib_err). On the same CPU the harness
 * cannot read the packet from the tap before that softirq has finished, so
 * once the harness has seen the error, the socket has had it. When pinning
 * is not possible, a membarrier(MEMBARRIER_CMD_GLOBAL) (an RCU grace
 * period, which outlasts any softirq in flight) stands in for it.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/membarrier.h>

#include "capture.h"
#include "catalog.h"
#include "event.h"
#include "helper.h"
#include "match.h"
#include "names.h"
#include "pkt.h"
#include "topo.h"
#include "verdict.h"

#define LINE_MAX_BYTES 4096
#define STDERR_KEEP    1024

struct probe_run {
	const struct probe_def *def;
	pid_t pid;
	int in_fd, out_fd, err_fd; /* -1 when closed */
	char line[LINE_MAX_BYTES];
	size_t linelen;
	char errtext[STDERR_KEEP];
	size_t errlen;
	json_t *events; /* the events as the probe wrote them */
	json_t *surfaced;
	json_t *others;	 /* raw sockets: errors read for others' datagrams */
	json_t *wire;	 /* ICMP errors on the wire for this probe's flow */
	int flow;	 /* index into the case's flows, -1 until known */
	unsigned errors; /* errors matched so far */
	unsigned errors_at_go; /* errors when the last sync was answered */
	unsigned datagrams;    /* of this flow, seen leaving */
	bool sync_pending;
	bool burst_sync; /* the pending sync covers a burst */
	uint64_t sync_deadline;
	int status; /* wait status */
	bool reaped;
	char protocol_error[400];
	char skip[EV_TEXT_MAX];
	/* The user command probe: its stdout is text, not events. */
	bool is_cmd;
	char command[CASE_TEXT_MAX + 64];
	char outtext[STDERR_KEEP];
	size_t outlen;
	uint64_t t_start, t_end;
};

/* An ICMP error waiting for its flow: the probe's flow event may still be
 * in its pipe, or the error matches only a user command's wildcard flow,
 * which must not take it before every exact flow is known. */
struct held {
	struct pkt p;
	uint64_t t;
	json_t *entry; /* its line in the case's packets, to update */
};

struct case_run {
	const struct case_def *c;
	const struct run_opts *o;
	struct probe_run probes[CASE_MAX_PROBES];
	int nprobes;
	struct flow flows[CASE_MAX_PROBES];
	int flow_owner[CASE_MAX_PROBES];
	int nflows;
	json_t *packets;   /* every captured packet, classified */
	struct held *held; /* ICMP errors not yet credited to a flow */
	int nheld, capheld;
	uint64_t t0;
	int quiet_ms;
	bool need_fence;
	uint64_t real_minus_mono; /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	long drops;
	const struct topo *topo;
	const struct fault_plan *plan;
	/* What the fault's helpers reported, "; "-separated; "" when every
	 * helper ran to the end of the case. */
	char helper_error[600];
	json_t *helpers; /* one object per helper, for the case */
};

static double ms_since(const struct case_run *r, uint64_t t)
{
	return t >= r->t0 ? (double)(t - r->t0) / 1e6 : 0.0;
}

static void fence(const struct case_run *r)
{
	if (r->need_fence)
		syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
}

/* Test-only (ICMPLAB_TEST_BREAK=kill-at-sync:PROBE, see helper.h): the
 * probe dies between its sync event and the answer, as under the OOM
 * killer. It is waited for, not reaped, so the answer meets a closed
 * pipe. */
static void test_kill_before_answer(const struct probe_run *p)
{
	const char *victim = helper_test_break("kill-at-sync");
	siginfo_t si;

	if (!victim || strcmp(victim, p->def->name) != 0 || p->pid <= 0)
		return;
	if (kill(p->pid, SIGKILL) == 0)
		while (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOWAIT) <
			       0 &&
		       errno == EINTR)
			;
}

static void answer_sync(struct case_run *r, struct probe_run *p, bool wire)
{
	const char *msg = wire ? "go wire\n" : "go quiet\n";
	const char *why = "short write";
	ssize_t n;

	if (wire)
		fence(r);
	p->sync_pending = false;
	p->burst_sync = false;
	p->errors_at_go = p->errors;
	if (p->in_fd < 0)
		return;
	test_kill_before_answer(p);
	/* The worker ignores SIGPIPE (suite.c): a probe gone before its
	 * answer is an EPIPE here, and an error of its own cell. */
	n = write(p->in_fd, msg, strlen(msg));
	if (n == (ssize_t)strlen(msg) || p->protocol_error[0])
		return;
	if (n < 0 && errno == EPIPE)
		why = "the probe had ended (EPIPE)";
	else if (n < 0)
		why = strerror(errno);
	snprintf(p->protocol_error, sizeof(p->protocol_error),
		 "could not answer its sync: %s", why);
}

/* --- wire ------------------------------------------------------------ */

static json_t *icmp_json(const struct case_run *r, const struct pkt *p,
			 uint64_t t)
{
	char a[ADDR_STRLEN], d[256];
	json_t *o = json_object();

	json_object_set_new(o, "t_ms", json_real(ms_since(r, t)));
	json_object_set_new(o, "type", json_integer(p->h.icmp_type));
	json_object_set_new(o, "code", json_integer(p->h.icmp_code));
	json_object_set_new(
		o, "name",
		json_string(icmp_code_name(p->h.family, p->h.icmp_type,
					   p->h.icmp_code)
				    ? icmp_code_name(p->h.family,
						     p->h.icmp_type,
						     p->h.icmp_code)
				    : "unknown code"));
	json_object_set_new(o, "from", json_string(addr_str(&p->h.src, a)));
	json_object_set_new(o, "parse",
			    json_string(pkt_describe(p, d, sizeof(d))));
	if (p->mtu)
		json_object_set_new(o, "mtu", json_integer(p->mtu));
	return o;
}

static void credit_error(struct case_run *r, const struct pkt *p, int flow,
			 uint64_t t)
{
	struct probe_run *pr = &r->probes[r->flow_owner[flow]];

	json_array_append_new(pr->wire, icmp_json(r, p, t));
	pr->errors++;
	if (pr->sync_pending && pr->burst_sync)
		/* Every error of a burst restarts the quiet period. */
		pr->sync_deadline =
			event_now_ns() + (uint64_t)r->quiet_ms * 1000000u;
	else if (pr->sync_pending && !r->o->fixed_wait_ms)
		answer_sync(r, pr, true);
}

static bool is_wildcard_flow(const struct flow *f)
{
	return !f->proto || !f->sport;
}

static void set_owner(struct case_run *r, json_t *entry, int flow)
{
	json_object_set_new(
		entry, "probe",
		json_string(r->probes[r->flow_owner[flow]].def->name));
}

static void hold(struct case_run *r, const struct pkt *p, uint64_t t,
		 json_t *entry)
{
	if (r->nheld == r->capheld) {
		int cap = r->capheld ? r->capheld * 2 : 8;
		struct held *h = realloc(r->held, sizeof(*h) * (size_t)cap);

		if (!h)
			return; /* stays listed as error-other */
		r->held = h;
		r->capheld = cap;
	}
	r->held[r->nheld++] = (struct held){*p, t, entry};
}

/* Credits held errors whose flow is now known; with final set, wildcard
 * flows may take what no exact flow did. */
static void rematch(struct case_run *r, bool final)
{
	int i, j, flow;

	for (i = 0, j = 0; i < r->nheld; i++) {
		struct held *h = &r->held[i];
		enum wire_class cls =
			match_packet(&h->p, r->flows, r->nflows, &flow);

		if ((cls == WIRE_ERROR || cls == WIRE_OUT) &&
		    (final || !is_wildcard_flow(&r->flows[flow]))) {
			json_object_set_new(h->entry, "class",
					    json_string(wire_class_name(cls)));
			set_owner(r, h->entry, flow);
			if (cls == WIRE_OUT)
				r->probes[r->flow_owner[flow]].datagrams++;
			else
				credit_error(r, &h->p, flow, h->t);
		} else {
			r->held[j++] = *h;
		}
	}
	r->nheld = j;
}

static void on_packet(void *arg, const uint8_t *frame, size_t caplen,
		      size_t wirelen, uint64_t t_real)
{
	struct case_run *r = arg;
	/* The kernel's capture time, on the monotonic clock of the events. */
	uint64_t t = t_real - r->real_minus_mono;
	struct pkt p;
	enum wire_class cls;
	char d[256], s[ADDR_STRLEN], ds[ADDR_STRLEN];
	json_t *o;
	int flow;

	pkt_decode_eth(frame, caplen, &p);
	cls = match_packet(&p, r->flows, r->nflows, &flow);
	o = json_object();
	json_object_set_new(o, "t_ms", json_real(ms_since(r, t)));
	json_object_set_new(o, "len", json_integer((json_int_t)wirelen));
	json_object_set_new(o, "class", json_string(wire_class_name(cls)));
	if (p.h.family) {
		json_object_set_new(o, "src",
				    json_string(addr_str(&p.h.src, s)));
		json_object_set_new(o, "dst",
				    json_string(addr_str(&p.h.dst, ds)));
	}
	if (p.h.kind == PK_ICMP_ERROR || p.h.kind == PK_ICMP_ECHO ||
	    p.h.kind == PK_ICMP_OTHER) {
		json_object_set_new(o, "type", json_integer(p.h.icmp_type));
		json_object_set_new(o, "code", json_integer(p.h.icmp_code));
	}
	json_object_set_new(o, "parse",
			    json_string(pkt_describe(&p, d, sizeof(d))));
	json_array_append_new(r->packets, o);

	if (cls == WIRE_OUT && !is_wildcard_flow(&r->flows[flow])) {
		set_owner(r, o, flow);
		r->probes[r->flow_owner[flow]].datagrams++;
	} else if (cls == WIRE_ERROR && !is_wildcard_flow(&r->flows[flow])) {
		set_owner(r, o, flow);
		credit_error(r, &p, flow, t);
	} else if (cls == WIRE_ERROR || cls == WIRE_ERROR_OTHER ||
		   cls == WIRE_OUT ||
		   (cls == WIRE_OTHER && p.status == PKT_OK &&
		    addr_eq(&p.h.dst, &r->plan->dst) &&
		    (p.h.kind == PK_UDP || p.h.kind == PK_TCP ||
		     p.h.kind == PK_ICMP_ECHO))) {
		/* An error, or a datagram to where the probes send, whose
		 * flow may not be known yet (replies never match one). */
		hold(r, &p, t, o);
	}
}

static void add_flow(struct case_run *r, int probe, const struct event *e)
{
	struct flow *f;

	if (r->nflows >= CASE_MAX_PROBES || r->probes[probe].flow >= 0)
		return;
	f = &r->flows[r->nflows];
	f->proto = e->proto;
	f->src = e->src;
	f->dst = e->dst;
	f->sport = e->sport;
	f->dport = e->dport;
	r->flow_owner[r->nflows] = probe;
	r->probes[probe].flow = r->nflows++;
	rematch(r, false);
}

/* --- probes ---------------------------------------------------------- */

static void surfaced_add(json_t *surfaced, const struct event *e)
{
	json_t *o = json_object();
	char a[ADDR_STRLEN];
	int err = e->kind == EV_ERRQUEUE ? e->ee_errno
		  : e->value		 ? e->value
					 : e->err;

	json_object_set_new(o, "via", json_string(e->via));
	json_object_set_new(
		o, "call",
		json_string(e->kind == EV_CALL ? e->call : "recvmsg"));
	if (e->kind == EV_ICMP) {
		/* A packet, not an errno: the program must read it itself. */
		json_object_set_new(o, "errno", json_null());
		json_object_set_new(o, "origin", json_string("icmp"));
		json_object_set_new(o, "type", json_integer(e->type));
		json_object_set_new(o, "code", json_integer(e->code));
		if (e->offender.family)
			json_object_set_new(
				o, "from",
				json_string(addr_str(&e->offender, a)));
		json_array_append_new(surfaced, o);
		return;
	}
	json_object_set_new(o, "errno", event_errno_json(err));
	if (e->kind == EV_ERRQUEUE) {
		json_object_set_new(
			o, "origin",
			json_string(tok2str(ee_origin_names, e->origin, "?")));
		json_object_set_new(o, "type", json_integer(e->type));
		json_object_set_new(o, "code", json_integer(e->code));
		json_object_set_new(o, "info", json_integer(e->info));
		if (e->offender.family)
			json_object_set_new(
				o, "offender",
				json_string(addr_str(&e->offender, a)));
	}
	json_array_append_new(surfaced, o);
}

static void on_event(struct case_run *r, int i, const struct event *e)
{
	struct probe_run *p = &r->probes[i];

	switch (e->kind) {
	case EV_FLOW:
		add_flow(r, i, e);
		break;
	case EV_CALL:
		/* A call that failed with EAGAIN found nothing, and a
		 * non-blocking connect's EINPROGRESS says only that it
		 * started; any other failure, or an errno handed back as a
		 * value (SO_ERROR), is the socket telling the program
		 * something. */
		if ((e->ret < 0 && e->err != EAGAIN && e->err != EINPROGRESS) ||
		    e->value)
			surfaced_add(p->surfaced, e);
		break;
	case EV_ERRQUEUE:
		surfaced_add(p->surfaced, e);
		break;
	case EV_ICMP:
		/* A raw socket reads every ICMP error on the host: only those
		 * quoting the probe's own datagram count as surfaced; the
		 * rest are kept apart, as the evidence that raw sockets see
		 * other programs' errors. */
		surfaced_add(e->own ? p->surfaced : p->others, e);
		break;
	case EV_SYNC:
		if (r->o->fixed_wait_ms) {
			p->sync_pending = true;
			p->sync_deadline =
				event_now_ns() +
				(uint64_t)r->o->fixed_wait_ms * 1000000u;
		} else if (!e->sent)
			answer_sync(r, p, false);
		else if (e->burst > 1) {
			/* How many errors a burst draws is the question (rate
			 * limits): wait until the wire has been quiet. */
			p->sync_pending = true;
			p->burst_sync = true;
			p->sync_deadline = event_now_ns() +
					   (uint64_t)r->quiet_ms * 1000000u;
		} else if (p->errors > p->errors_at_go)
			answer_sync(r, p, true);
		else {
			p->sync_pending = true;
			p->sync_deadline = event_now_ns() +
					   (uint64_t)r->quiet_ms * 1000000u;
		}
		break;
	case EV_SKIP:
		snprintf(p->skip, sizeof(p->skip), "%s", e->text);
		break;
	default:
		break;
	}
}

static void on_line(struct case_run *r, int i, const char *line, size_t len)
{
	struct probe_run *p = &r->probes[i];
	struct event e;
	char err[256];
	json_t *j;

	if (event_parse(line, len, &e, err, sizeof(err)) < 0) {
		if (!p->protocol_error[0])
			snprintf(p->protocol_error, sizeof(p->protocol_error),
				 "bad event line: %s", err);
		return;
	}
	j = event_json(&e);
	if (j) {
		json_object_set_new(j, "t_ms", json_real(ms_since(r, e.t_ns)));
		json_array_append_new(p->events, j);
	}
	on_event(r, i, &e);
}

/* Reads what fd has into text (keeping the first size-1 bytes, dropping
 * the rest); closes fd at end of file. */
static void read_text(int *fd, char *text, size_t size, size_t *len)
{
	char buf[1024];
	ssize_t n;
	size_t room;

	while (*fd >= 0) {
		n = read(*fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(*fd);
			*fd = -1;
			return;
		}
		room = size - 1 - *len;
		if ((size_t)n < room)
			room = (size_t)n;
		memcpy(text + *len, buf, room);
		*len += room;
		text[*len] = '\0';
	}
}

static void read_out(struct case_run *r, int i)
{
	struct probe_run *p = &r->probes[i];
	char buf[4096];
	ssize_t n;
	size_t k;

	if (p->is_cmd) {
		read_text(&p->out_fd, p->outtext, sizeof(p->outtext),
			  &p->outlen);
		return;
	}
	while (p->out_fd >= 0) {
		n = read(p->out_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(p->out_fd);
			p->out_fd = -1;
			if (p->linelen)
				on_line(r, i, p->line, p->linelen);
			p->linelen = 0;
			return;
		}
		for (k = 0; k < (size_t)n; k++) {
			if (buf[k] == '\n') {
				on_line(r, i, p->line, p->linelen);
				p->linelen = 0;
			} else if (p->linelen < sizeof(p->line)) {
				p->line[p->linelen++] = buf[k];
			} else if (!p->protocol_error[0]) {
				snprintf(p->protocol_error,
					 sizeof(p->protocol_error),
					 "event line longer than %zu bytes",
					 sizeof(p->line));
			}
		}
	}
}

static void read_err(struct probe_run *p)
{
	read_text(&p->err_fd, p->errtext, sizeof(p->errtext), &p->errlen);
}

/* execv() takes char *const[] for historical reasons; the strings are
 * not written to. */
static void exec_argv(const char *path, const char *const *argv)
{
	union {
		const char *const *c;
		char *const *v;
	} u = {argv};

	execv(path, u.v);
}

/* Forks argv in the client namespace with stdin, stdout and stderr on
 * pipes to the harness. */
static int spawn_argv(struct probe_run *p, const struct topo *t,
		      const char *path, const char *const *argv, char *err,
		      size_t errlen)
{
	int in[2], out[2], errp[2];
	pid_t parent = getpid();

	if (pipe2(in, O_CLOEXEC) < 0)
		goto fail_pipe;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]);
		goto fail_pipe;
	}
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		goto fail_pipe;
	}
	p->t_start = event_now_ns();
	p->pid = fork();
	if (p->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		close(errp[0]), close(errp[1]);
		return -1;
	}
	if (p->pid == 0) {
		/* Until stderr is the pipe, a failure can only be an exit
		 * status, which the cell reports as "exited with an error". */
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(errp[1], 2) < 0)
			_exit(3);
		/* An ignored signal stays ignored across exec: the worker's
		 * SIG_IGN (suite.c) is not the probe's business. */
		if (signal(SIGPIPE, SIG_DFL) == SIG_ERR) {
			dprintf(2, "signal(SIGPIPE): %s\n", strerror(errno));
			_exit(3);
		}
		/* The probe dies with the harness: nothing outlives a
		 * SIGKILLed run. If the harness died before the death signal
		 * was armed, no signal will come: stop here. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
			dprintf(2, "prctl(PR_SET_PDEATHSIG): %s\n",
				strerror(errno));
			_exit(3);
		}
		if (getppid() != parent)
			_exit(3);
		if (setns(t->ns[NODE_CLIENT], CLONE_NEWNET) < 0) {
			dprintf(2, "setns to the client: %s\n",
				strerror(errno));
			_exit(3);
		}
		exec_argv(path, argv);
		dprintf(2, "exec %s: %s\n", path, strerror(errno));
		_exit(3);
	}
	close(in[0]);
	close(out[1]);
	close(errp[1]);
	p->in_fd = in[1];
	p->out_fd = out[0];
	p->err_fd = errp[0];
	/* A blocking read would stall the whole case on one probe; the
	 * caller's cleanup kills the probe and closes these on failure. */
	if (fcntl(p->out_fd, F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(p->err_fd, F_SETFL, O_NONBLOCK) < 0) {
		snprintf(err, errlen, "fcntl(O_NONBLOCK) on a probe pipe: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
fail_pipe:
	snprintf(err, errlen, "pipe: %s", strerror(errno));
	return -1;
}

/* The user's command: {addr} and {port} replaced by the destination, {dir}
 * by the case file's folder (for scripts shipped beside a case), run by
 * /bin/sh in the client namespace with stdin at end of file. Its errors are
 * matched by destination only (a wildcard flow): icmplab cannot know which
 * port or protocol the program will use. */
static int spawn_command(struct case_run *r, const struct topo *t, int i,
			 const struct fault_plan *plan, char *err,
			 size_t errlen)
{
	struct probe_run *p = &r->probes[i];
	const char *tpl = r->o->probe_cmd ? r->o->probe_cmd : r->c->command;
	const char *argv[] = {"/bin/sh", "-c", p->command, NULL};
	char addr[ADDR_STRLEN], port[8], dir[sizeof(r->c->path)], *slash;
	size_t at = 0;
	struct flow *f;

	if (!tpl || !tpl[0]) {
		snprintf(err, errlen,
			 "%s: probe cmd needs a 'command' line or "
			 "run --probe-cmd",
			 r->c->path);
		return -1;
	}
	addr_str(&plan->dst, addr);
	snprintf(port, sizeof(port), "%u", plan->dport);
	snprintf(dir, sizeof(dir), "%s", r->c->path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	while (*tpl && at + 1 < sizeof(p->command)) {
		const char *with = NULL;
		size_t skip = 1;

		if (strncmp(tpl, "{addr}", 6) == 0)
			with = addr, skip = 6;
		else if (strncmp(tpl, "{port}", 6) == 0)
			with = port, skip = 6;
		else if (strncmp(tpl, "{dir}", 5) == 0)
			with = dir, skip = 5;
		if (with) {
			at += (size_t)snprintf(p->command + at,
					       sizeof(p->command) - at, "%s",
					       with);
			if (at >= sizeof(p->command))
				at = sizeof(p->command) - 1;
		} else {
			p->command[at++] = *tpl;
		}
		tpl += skip;
	}
	p->command[at] = '\0';
	if (r->nflows < CASE_MAX_PROBES) {
		f = &r->flows[r->nflows];
		memset(f, 0, sizeof(*f));
		f->dst = plan->dst;
		f->dport = plan->dport;
		r->flow_owner[r->nflows] = i;
		p->flow = r->nflows++;
	}
	if (spawn_argv(p, t, argv[0], argv, err, errlen) < 0)
		return -1;
	close(p->in_fd); /* stdin: end of file */
	p->in_fd = -1;
	return 0;
}

static int spawn_probe(struct case_run *r, const struct topo *t, int i,
		       const struct fault_plan *plan, char *err, size_t errlen)
{
	struct probe_run *p = &r->probes[i];
	char path[512], dst[ADDR_STRLEN], port[8], ttl[12], size[24], count[16],
		burst[16];
	const char *argv[24];
	int argc = 0;

	if (p->is_cmd)
		return spawn_command(r, t, i, plan, err, errlen);
	snprintf(path, sizeof(path), "%s/icmplab-probe-%s", r->o->probe_dir,
		 p->def->binary);
	if (access(path, X_OK) < 0) {
		snprintf(err, errlen, "probe binary %s: %s (run make)", path,
			 strerror(errno));
		return -1;
	}
	addr_str(&plan->dst, dst);
	snprintf(port, sizeof(port), "%u", plan->dport);
	argv[argc++] = path;
	argv[argc++] = "--style";
	argv[argc++] = p->def->name;
	argv[argc++] = "--dst";
	argv[argc++] = dst;
	argv[argc++] = "--dport";
	argv[argc++] = port;
	if (plan->ttl >= 0) {
		snprintf(ttl, sizeof(ttl), "%d", plan->ttl);
		argv[argc++] = "--ttl";
		argv[argc++] = ttl;
	}
	if (plan->size) {
		snprintf(size, sizeof(size), "%zu", plan->size);
		argv[argc++] = "--size";
		argv[argc++] = size;
	}
	if (plan->count > 1) {
		snprintf(count, sizeof(count), "%u", plan->count);
		argv[argc++] = "--count";
		argv[argc++] = count;
	}
	if (plan->burst > 1) {
		snprintf(burst, sizeof(burst), "%u", plan->burst);
		argv[argc++] = "--burst";
		argv[argc++] = burst;
	}
	argv[argc] = NULL;
	return spawn_argv(p, t, path, argv, err, errlen);
}

static json_t *cell_json(struct case_run *r, struct probe_run *p)
{
	const struct case_def *c = r->c;
	const struct case_expect *e =
		case_expect_for(c, p->def->name, r->o->kver);
	const char *explain = case_explain_for(c, p->def->name);
	json_t *o = json_object(), *refs = json_array();
	const struct case_expect *claim;
	const char *verdict;
	char reason[512] = "";
	int i;

	if (r->drops > 0) {
		verdict = "error";
		snprintf(reason, sizeof(reason),
			 "the capture dropped %ld packets: the wire is not "
			 "known",
			 r->drops);
	} else if (r->helper_error[0]) {
		/* Whatever the wire shows, it is not what the fault makes. */
		verdict = "error";
		snprintf(reason, sizeof(reason),
			 "a fault helper failed: %.480s", r->helper_error);
	} else if (p->skip[0]) {
		verdict = "skip";
		snprintf(reason, sizeof(reason), "%s", p->skip);
	} else if (p->protocol_error[0]) {
		verdict = "error";
		snprintf(reason, sizeof(reason), "%s", p->protocol_error);
	} else if (p->is_cmd) {
		/* A command's exit status is its result, whatever it is. */
		verdict = e ? cell_verdict(p->surfaced, e) : "info";
		if (!e)
			snprintf(reason, sizeof(reason),
				 "no expectation for this command: reported, "
				 "not judged");
	} else if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) != 0) {
		verdict = "error";
		snprintf(reason, sizeof(reason), "probe %s: %.400s",
			 WIFEXITED(p->status) ? "exited with an error"
					      : "was killed",
			 p->errtext[0] ? p->errtext : "no message");
	} else {
		verdict = cell_verdict(p->surfaced, e);
		if (!e)
			snprintf(reason, sizeof(reason),
				 "no expectation applies to kernel %d.%d",
				 r->o->kver / 1000, r->o->kver % 1000);
	}
	json_object_set_new(o, "case", json_string(c->name));
	json_object_set_new(
		o, "family",
		json_string(c->family == AF_INET6 ? "ipv6" : "ipv4"));
	json_object_set_new(o, "fault", json_string(c->fault));
	json_object_set_new(o, "probe", json_string(p->def->name));
	json_object_set_new(o, "datagrams", json_integer(p->datagrams));
	json_object_set_new(o, "wire", json_incref(p->wire));
	json_object_set_new(o, "surfaced", json_incref(p->surfaced));
	if (json_array_size(p->others))
		json_object_set_new(o, "seen_for_others",
				    json_incref(p->others));
	json_object_set_new(o, "expected", verdict_expected_json(e));
	json_object_set_new(o, "verdict", json_string(verdict));
	/* A command always "surfaces" its exit status: for it, the wire's
	 * error went unsaid when it still exited 0. */
	json_object_set_new(
		o, "unsurfaced",
		json_boolean(json_array_size(p->wire) > 0 &&
			     (p->is_cmd ? WIFEXITED(p->status) &&
						  WEXITSTATUS(p->status) == 0
					: json_array_size(p->surfaced) == 0)));
	if (reason[0])
		json_object_set_new(o, "reason", json_string(reason));
	json_object_set_new(o, "why", json_string(c->why));
	if (explain)
		json_object_set_new(o, "explain", json_string(explain));
	for (i = 0; i < c->nrefs; i++)
		json_array_append_new(refs, json_string(c->refs[i]));
	json_object_set_new(o, "refs", refs);
	claim = case_claim_for(c, p->def->name, r->o->kver);
	if (claim && strcmp(verdict, "pass") == 0)
		/* Judged only where the cell itself ran as expected: a claim is
		 * confirmed or refuted by what this kernel did. */
		json_object_set_new(
			o, "claim",
			json_pack("{s:s, s:o, s:b}", "text", c->claim,
				  "predicts", verdict_expected_json(claim),
				  "holds",
				  strcmp(cell_verdict(p->surfaced, claim),
					 "pass") == 0));
	json_object_set_new(o, "events", json_incref(p->events));
	if (p->is_cmd) {
		json_object_set_new(o, "command", json_string(p->command));
		json_object_set_new(o, "stdout", json_string(p->outtext));
		json_object_set_new(
			o, "duration_ms",
			json_real(p->t_end > p->t_start
					  ? (double)(p->t_end - p->t_start) /
						    1e6
					  : 0.0));
	}
	if (p->errtext[0])
		json_object_set_new(o, "stderr", json_string(p->errtext));
	return o;
}

/* --- the loop -------------------------------------------------------- */

/* What a command tells its user is its exit status (or the signal that
 * ended it); the rest (its output) goes beside it in the cell. */
static void cmd_surfaced(struct probe_run *p)
{
	bool sig = WIFSIGNALED(p->status);

	json_array_append_new(
		p->surfaced,
		json_pack("{s:s, s:s, s:i}", "via", sig ? "signal" : "exit",
			  "call", "waitpid", "errno",
			  sig ? WTERMSIG(p->status) : WEXITSTATUS(p->status)));
}

static bool all_done(const struct case_run *r)
{
	int i;

	for (i = 0; i < r->nprobes; i++)
		if (!r->probes[i].reaped)
			return false;
	return true;
}

static void reap(struct case_run *r)
{
	int i;

	for (i = 0; i < r->nprobes; i++) {
		struct probe_run *p = &r->probes[i];

		if (p->reaped || p->pid <= 0 || p->out_fd >= 0 ||
		    p->err_fd >= 0)
			continue;
		if (waitpid(p->pid, &p->status, 0) == p->pid) {
			p->reaped = true;
			p->t_end = event_now_ns();
			if (p->is_cmd)
				cmd_surfaced(p);
			if (p->in_fd >= 0)
				close(p->in_fd);
			p->in_fd = -1;
		}
	}
}

/* In the naive reference, the next probe starts when the last has ended. */
static int spawn_next(struct case_run *r, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < r->nprobes; i++) {
		if (r->probes[i].pid == 0)
			return spawn_probe(r, r->topo, i, r->plan, err, errlen);
		if (!r->probes[i].reaped)
			return 0;
	}
	return 0;
}

static int loop(struct case_run *r, struct capture *cap, char *err,
		size_t errlen)
{
	uint64_t deadline =
		event_now_ns() + (uint64_t)r->o->timeout_ms * 1000000u;

	while (!all_done(r)) {
		struct pollfd pfd[1 + 2 * CASE_MAX_PROBES];
		uint64_t now = event_now_ns(), next = deadline;
		int n = 0, i, timeout;

		pfd[n++] = (struct pollfd){.fd = cap->fd, .events = POLLIN};
		for (i = 0; i < r->nprobes; i++) {
			struct probe_run *p = &r->probes[i];

			if (p->out_fd >= 0)
				pfd[n++] =
					(struct pollfd){p->out_fd, POLLIN, 0};
			if (p->err_fd >= 0)
				pfd[n++] =
					(struct pollfd){p->err_fd, POLLIN, 0};
			if (p->sync_pending && p->sync_deadline < next)
				next = p->sync_deadline;
		}
		timeout =
			next > now ? (int)((next - now + 999999) / 1000000) : 0;
		if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		/* Events first: a flow is announced before its datagram
		 * leaves, so it is known before its error can be read. */
		for (i = 0; i < r->nprobes; i++) {
			read_out(r, i);
			read_err(&r->probes[i]);
		}
		if (capture_dispatch(cap, on_packet, r, err, errlen) < 0)
			return -1;
		now = event_now_ns();
		for (i = 0; i < r->nprobes; i++) {
			struct probe_run *p = &r->probes[i];

			if (p->sync_pending && p->sync_deadline <= now)
				answer_sync(r, p, p->errors > p->errors_at_go);
		}
		reap(r);
		if (r->o->fixed_wait_ms && spawn_next(r, err, errlen) < 0)
			return -1;
		if (now >= deadline && !all_done(r)) {
			for (i = 0; i < r->nprobes; i++)
				if (!r->probes[i].reaped &&
				    r->probes[i].pid > 0) {
					kill(r->probes[i].pid, SIGKILL);
					snprintf(
						r->probes[i].protocol_error,
						sizeof(r->probes[i]
							       .protocol_error),
						"killed after the case timeout "
						"of %d ms",
						r->o->timeout_ms);
				}
			deadline = now + 1000000000u;
		}
	}
	/* Whatever arrived before the last probe ended belongs here too. */
	if (capture_dispatch(cap, on_packet, r, err, errlen) < 0)
		return -1;
	rematch(r, true);
	r->drops = capture_drops(cap);
	return 0;
}

static json_t *case_json(const struct case_run *r, const char *pcap,
			 const struct fault_plan *plan, uint64_t t_end)
{
	const struct case_def *c = r->c;
	json_t *o = json_object(), *params = json_object();
	char a[ADDR_STRLEN];
	int i;

	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "group", json_string(c->group));
	json_object_set_new(o, "title", json_string(c->title));
	json_object_set_new(o, "file", json_string(c->path));
	json_object_set_new(
		o, "family",
		json_string(c->family == AF_INET6 ? "ipv6" : "ipv4"));
	json_object_set_new(o, "fault", json_string(c->fault));
	for (i = 0; i < c->nparams; i++)
		json_object_set_new(params, c->params[i].key,
				    json_string(c->params[i].val));
	json_object_set_new(o, "params", params);
	json_object_set_new(o, "dst", json_string(addr_str(&plan->dst, a)));
	json_object_set_new(o, "dport", json_integer(plan->dport));
	if (plan->ttl >= 0)
		json_object_set_new(o, "ttl", json_integer(plan->ttl));
	json_object_set_new(o, "why", json_string(c->why));
	if (c->claim[0])
		json_object_set_new(o, "claim", json_string(c->claim));
	json_object_set_new(o, "quiet_ms", json_integer(r->quiet_ms));
	if (pcap)
		json_object_set_new(o, "pcap", json_string(pcap));
	json_object_set_new(o, "packets", json_incref(r->packets));
	json_object_set_new(o, "capture_drops", json_integer(r->drops));
	json_object_set_new(o, "helpers", json_incref(r->helpers));
	json_object_set_new(o, "duration_ms", json_real(ms_since(r, t_end)));
	return o;
}

/* Stops the fault's helpers once the probes are done, and notes in r what
 * each one reported. */
static void stop_helpers(struct case_run *r, struct fault_plan *plan)
{
	char why[HELPER_REASON_MAX + 64];
	size_t at = 0;
	json_t *h;
	int i;

	for (i = 0; i < plan->nhelpers; i++) {
		h = json_pack("{s:s}", "name", plan->helpers[i].name);
		if (helper_stop(&plan->helpers[i], why, sizeof(why)) < 0) {
			json_object_set_new(h, "error", json_string(why));
			if (at < sizeof(r->helper_error))
				at += (size_t)snprintf(
					r->helper_error + at,
					sizeof(r->helper_error) - at, "%s%s",
					at ? "; " : "", why);
		}
		json_array_append_new(r->helpers, h);
	}
}

static void pin(struct case_run *r)
{
	cpu_set_t set;

	r->need_fence = true;
	if (r->o->cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(r->o->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == 0)
		r->need_fence = false;
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
	json_t *result = NULL, *cells;
	int i;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->c = c;
	r->o = o;
	r->t0 = event_now_ns();
	{
		struct timespec rt;

		clock_gettime(CLOCK_REALTIME, &rt);
		r->real_minus_mono = (uint64_t)rt.tv_sec * 1000000000u +
				     (uint64_t)rt.tv_nsec - event_now_ns();
	}
	r->packets = json_array();
	r->helpers = json_array();
	r->quiet_ms = c->quiet_ms ? c->quiet_ms : o->quiet_ms;
	pin(r);
	if (!f) {
		snprintf(err, errlen, "%s: unknown fault '%s'", c->path,
			 c->fault);
		goto out;
	}
	if (topo_build(&t, err, errlen) < 0)
		goto out;
	plan.dst = *topo_addr(&t, NODE_SERVER, c->family, 1);
	if (f->apply(&t, c, &plan, err, errlen) < 0)
		goto out_topo;
	r->topo = &t;
	r->plan = &plan; /* before any packet is read: on_packet uses it */
	if (plan.min_quiet_ms > r->quiet_ms)
		r->quiet_ms = plan.min_quiet_ms;
	if (o->pcap_dir) {
		snprintf(pcap, sizeof(pcap), "%s/%s.pcap", o->pcap_dir,
			 c->name);
		pcap_path = pcap;
	}
	if (topo_enter(&t, NODE_CLIENT, err, errlen) < 0)
		goto out_topo;
	i = capture_open(&cap, TOPO_CLIENT_IF, pcap_path, err, errlen);
	if (topo_leave(&t, err, errlen) < 0 || i < 0)
		goto out_cap;

	for (i = 0; i < c->nprobes; i++) {
		struct probe_run *p = &r->probes[i];

		p->def = probe_find(c->probes[i]);
		p->is_cmd = p->def && !p->def->binary;
		p->in_fd = p->out_fd = p->err_fd = -1;
		p->flow = -1;
		p->events = json_array();
		p->surfaced = json_array();
		p->others = json_array();
		p->wire = json_array();
		r->nprobes++;
		if (!p->def) {
			snprintf(err, errlen, "%s: unknown probe '%s'", c->path,
				 c->probes[i]);
			goto out_probes;
		}
	}
	for (i = 0; i < r->nprobes; i++)
		if ((o->fixed_wait_ms
			     ? spawn_next(r, err, errlen)
			     : spawn_probe(r, &t, i, &plan, err, errlen)) < 0)
			goto out_probes;
	if (loop(r, &cap, err, errlen) < 0)
		goto out_probes;
	stop_helpers(r, &plan);

	cells = json_array();
	for (i = 0; i < r->nprobes; i++)
		json_array_append_new(cells, cell_json(r, &r->probes[i]));
	result = json_object();
	json_object_set_new(result, "case",
			    case_json(r, pcap_path, &plan, event_now_ns()));
	json_object_set_new(result, "cells", cells);

out_probes:
	for (i = 0; i < r->nprobes; i++) {
		struct probe_run *p = &r->probes[i];

		if (!p->reaped && p->pid > 0) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, NULL, 0);
		}
		if (p->in_fd >= 0)
			close(p->in_fd);
		if (p->out_fd >= 0)
			close(p->out_fd);
		if (p->err_fd >= 0)
			close(p->err_fd);
		json_decref(p->events);
		json_decref(p->surfaced);
		json_decref(p->others);
		json_decref(p->wire);
	}
out_cap:
	capture_close(&cap);
out_topo:
	/* Those not stopped yet: the case broke before its cells. */
	for (i = 0; i < plan.nhelpers; i++)
		helper_stop(&plan.helpers[i], NULL, 0);
	topo_destroy(&t);
out:
	json_decref(r->packets);
	json_decref(r->helpers);
	free(r->held);
	free(r);
	return result;
}
