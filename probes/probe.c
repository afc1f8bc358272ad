/* Shared probe runtime and main(): see probe.h. */
#include "probe.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <pthread.h>

#include <linux/errqueue.h>

#include "errqueue.h"
#include "event.h"
#include "fds.h"
#include "num.h"
#include "probetab.h"

/* Where this style's events go, its answers come from and its errors are
 * written: the process's stdout, stdin and stderr, or in a thread of
 * --serve the style's own pipes (serve_thread). */
static __thread FILE *ev_out, *ev_in;
static __thread int err_fd = 2;
static __thread bool in_thread;
/* A --serve style's own part of its request, freed when it ends. */
struct served;
static __thread struct served *self;

static void emit(struct event *e)
{
	e->t_ns = event_now_ns();
	if (event_write(ev_out ? ev_out : stdout, e) < 0)
		probe_err(3, "writing events");
}

/* The end of a style run as a thread of --serve: its status as the last
 * event line (the harness's stand-in for a wait status), then its pipes
 * closed. The thread's descriptor table is its own (serve_thread), so the
 * sockets it left open close with it, as at a process's exit. */
static void __attribute__((noreturn)) thread_end(int code)
{
	struct event e = {.kind = EV_EXIT, .value = code};

	e.t_ns = event_now_ns();
	/* A style whose pipes close without its status is taken for one
	 * whose process ended: then that must be true. */
	if (!ev_out || event_write(ev_out, &e) < 0)
		_exit(code);
	fclose(ev_out);
	if (ev_in)
		fclose(ev_in);
	close(err_fd);
	ev_out = ev_in = NULL;
	free(self);
	self = NULL;
	pthread_exit(NULL);
}

void probe_exit(int code)
{
	if (in_thread)
		thread_end(code);
	exit(code);
}

static void __attribute__((noreturn))
fail(int code, int e, const char *fmt, va_list ap)
{
	char msg[512];
	int n;

	n = snprintf(msg, sizeof(msg), "%s: ", program_invocation_short_name);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	n += vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	if ((size_t)n >= sizeof(msg) - 1)
		n = (int)sizeof(msg) - 2;
	if (e)
		n += snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s",
			      strerror(e));
	if ((size_t)n >= sizeof(msg) - 1)
		n = (int)sizeof(msg) - 2;
	msg[n++] = '\n';
	(void)!write(err_fd, msg, (size_t)n);
	probe_exit(code);
}

void probe_err(int code, const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	fail(code, e, fmt, ap);
}

void probe_errx(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail(code, 0, fmt, ap);
}

long probe_call(const char *call, const char *via, long ret)
{
	int saved = errno;
	struct event e = {.kind = EV_CALL, .ret = ret};

	snprintf(e.call, sizeof(e.call), "%s", call);
	snprintf(e.via, sizeof(e.via), "%s", via ? via : call);
	e.err = ret < 0 ? saved : 0;
	emit(&e);
	errno = saved;
	return ret;
}

int probe_so_error(int fd)
{
	return probe_so_error_via(fd, "so_error");
}

int probe_so_error_via(int fd, const char *via)
{
	struct event e = {.kind = EV_CALL};
	int v = 0;
	socklen_t len = sizeof(v);

	e.ret = getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len);
	e.err = e.ret < 0 ? errno : 0;
	e.value = e.ret == 0 ? v : 0;
	strcpy(e.call, "getsockopt");
	snprintf(e.via, sizeof(e.via), "%s", via);
	emit(&e);
	return e.value;
}

/* The flow event for fd; an ICMP echo flow's identifier stands in both
 * ports (ident). */
static void flow_event(const struct probe *p, int fd, int proto, bool ident)
{
	struct event e = {.kind = EV_FLOW, .proto = proto};
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		probe_err(3, "getsockname");
	if (addr_from_sockaddr((struct sockaddr *)&ss, &e.src, &e.sport) < 0)
		probe_errx(3, "getsockname: unexpected address family");
	/* A dual-stack AF_INET6 socket on an IPv4 flow: its datagrams leave
	 * as IPv4 (udpv6_sendmsg hands a v4-mapped destination to
	 * udp_sendmsg), so the flow is the IPv4 one: a v4-mapped source
	 * unmapped, the unspecified :: the IPv4 wildcard. */
	if (p->dst.family == AF_INET && e.src.family == AF_INET6 &&
	    !addr_unmap_v4(&e.src)) {
		static const uint8_t any6[16];

		if (memcmp(e.src.a, any6, sizeof(any6)) != 0)
			probe_errx(
				3,
				"getsockname: %s is not an IPv4 flow's source",
				addr_str(&e.src, (char[ADDR_STRLEN]){0}));
		e.src = (struct ipaddr){.family = AF_INET};
	}
	e.dst = p->dst;
	e.dport = ident ? e.sport : p->dport;
	emit(&e);
}

void probe_flow(const struct probe *p, int fd, int proto)
{
	flow_event(p, fd, proto, false);
}

void probe_flow_ident(const struct probe *p, int fd, int proto)
{
	flow_event(p, fd, proto, true);
}

void probe_bind_any(const struct probe *p, int fd)
{
	struct ipaddr any = {.family = p->dst.family};
	struct sockaddr_storage ss;
	socklen_t len = addr_to_sockaddr(&any, 0, &ss);

	if (probe_call("bind", NULL, bind(fd, (struct sockaddr *)&ss, len)) < 0)
		probe_err(3, "bind");
}

void probe_connect(const struct probe *p, int fd, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_to_sockaddr(&p->dst, port, &ss);

	if (probe_call("connect", NULL,
		       connect(fd, (struct sockaddr *)&ss, len)) < 0)
		probe_err(3, "connect");
}

long probe_set_recverr(const struct probe *p, int fd, const char *via)
{
	int one = 1;

	if (p->dst.family == AF_INET6)
		return probe_call("setsockopt", via ? via : "ipv6_recverr",
				  setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR,
					     &one, sizeof(one)));
	return probe_call(
		"setsockopt", via ? via : "ip_recverr",
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)));
}

bool probe_sync(struct probe *p, bool sent)
{
	return probe_sync_burst(p, 1, sent);
}

bool probe_sync_burst(struct probe *p, unsigned n, bool sent)
{
	struct event e = {.kind = EV_SYNC, .sent = sent, .burst = n};
	char line[64];

	p->seq += n;
	e.seq = p->seq;
	emit(&e);
	if (!fgets(line, sizeof(line), ev_in ? ev_in : stdin))
		probe_errx(3, "sync %u: the harness closed the control pipe",
			   e.seq);
	if (strcmp(line, "go wire\n") == 0)
		p->last_go_wire = true;
	else if (strcmp(line, "go quiet\n") == 0)
		p->last_go_wire = false;
	else
		probe_errx(3, "sync %u: unexpected reply '%.20s'", e.seq, line);
	return p->last_go_wire;
}

/* One error-queue message: the sock_extended_err and its offender, read
 * with every length checked by errq_decode (a cmsg that is too short is
 * reported, not read). Entries come as SOL_IP/IP_RECVERR or
 * SOL_IPV6/IPV6_RECVERR, whichever the socket's family gives; with family
 * AF_UNSPEC (a dual-stack socket) each entry's label says which
 * ("errqueue_ip", "errqueue_ipv6") and a note names the offender's
 * sockaddr family, since a v4-mapped flow can get either. */
static void report_errqueue_entry(struct msghdr *msg, int family,
				  const char *via, bool rfc4884_note)
{
	struct cmsghdr *c;
	bool found = false;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		struct errq_entry q;
		struct event e = {.kind = EV_ERRQUEUE, .rfc4884_len = -1};
		char a[ADDR_STRLEN];

		switch (errq_decode(c, &q)) {
		case ERRQ_OTHER:
			continue;
		case ERRQ_SHORT:
			probe_note("errqueue: control message of %zu bytes is "
				   "shorter than sock_extended_err",
				   (size_t)c->cmsg_len);
			continue;
		case ERRQ_ENTRY:
			break;
		}
		found = true;
		if (family == AF_UNSPEC) {
			snprintf(e.via, sizeof(e.via), "%s_%s", via,
				 q.level == SOL_IPV6 ? "ipv6" : "ip");
			probe_note(
				"%s: %s, origin %s, offender %s %s", e.via,
				errq_level_str(q.level),
				q.ee.ee_origin == SO_EE_ORIGIN_ICMP ? "ICMP"
				: q.ee.ee_origin == SO_EE_ORIGIN_ICMP6
					? "ICMP6"
					: "other",
				q.offender_family == AF_INET6  ? "sockaddr_in6"
				: q.offender_family == AF_INET ? "sockaddr_in"
							       : "none",
				addr_str(&q.offender, a));
		} else {
			snprintf(e.via, sizeof(e.via), "%s", via);
		}
		e.ee_errno = (int)q.ee.ee_errno;
		e.origin = q.ee.ee_origin;
		e.type = q.ee.ee_type;
		e.code = q.ee.ee_code;
		e.info = q.ee.ee_info;
		e.data = q.ee.ee_data;
		if (q.ee.ee_rfc4884.len)
			e.rfc4884_len = q.ee.ee_rfc4884.len;
		e.offender = q.offender;
		emit(&e);
		/* RFC 4884 2.1: the length is in 32-bit words of the
		 * original datagram; the kernel hands it over in bytes,
		 * with SO_EE_RFC4884_FLAG_INVALID when the extension
		 * structure failed its checks (ip_icmp_error_rfc4884). */
		if (rfc4884_note)
			probe_note("rfc4884: len %u flags 0x%x%s",
				   (unsigned)q.ee.ee_rfc4884.len,
				   (unsigned)q.ee.ee_rfc4884.flags,
				   q.ee.ee_rfc4884.flags &
						   SO_EE_RFC4884_FLAG_INVALID
					   ? " (invalid extension)"
				   : q.ee.ee_rfc4884.len
					   ? " (extension present)"
					   : " (no extension)");
	}
	if (!found)
		probe_note("errqueue: a message came without an error cmsg");
}

int probe_drain_errqueue(int fd, int family)
{
	int n = probe_read_errqueue(fd, family, NULL, 65, false);

	if (n == 65)
		probe_note("errqueue: stopped after 64 entries");
	return n;
}

int probe_read_errqueue(int fd, int family, const char *via, int max,
			bool rfc4884_note)
{
	int n = 0;

	if (!via)
		via = "errqueue";
	while (n < max) {
		uint8_t data[2048];
		union {
			struct cmsghdr align;
			uint8_t buf[512];
		} ctl;
		struct iovec iov = {data, sizeof(data)};
		struct msghdr msg = {0};
		struct sockaddr_storage from;
		ssize_t r;

		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		r = recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
		probe_call("recvmsg", via, r);
		if (r < 0)
			return n;
		if (msg.msg_flags & MSG_CTRUNC)
			probe_note("%s: control data truncated", via);
		report_errqueue_entry(&msg, family, via, rfc4884_note);
		n++;
	}
	return n;
}

/* Bit names in the order poll(2) documents them. EPOLLIN and friends have
 * the same values as their POLL* counterparts on Linux, so one table
 * serves both (checked at compile time below). */
static const struct {
	unsigned bit;
	const char *name;
} revent_names[] = {
	{POLLIN, "POLLIN"},	    {POLLPRI, "POLLPRI"},
	{POLLOUT, "POLLOUT"},	    {POLLERR, "POLLERR"},
	{POLLHUP, "POLLHUP"},	    {POLLNVAL, "POLLNVAL"},
	{POLLRDNORM, "POLLRDNORM"}, {POLLWRNORM, "POLLWRNORM"},
	{POLLRDHUP, "POLLRDHUP"},   {0, NULL},
};

_Static_assert(POLLIN == EPOLLIN && POLLOUT == EPOLLOUT &&
		       POLLERR == EPOLLERR && POLLHUP == EPOLLHUP &&
		       POLLRDHUP == EPOLLRDHUP && POLLPRI == EPOLLPRI,
	       "poll and epoll bits differ");

const char *probe_revents_str(unsigned revents, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; revent_names[i].name; i++) {
		if (!(revents & revent_names[i].bit))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      revent_names[i].name);
		if (n >= len)
			return buf;
		revents &= ~revent_names[i].bit;
	}
	if (revents && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s0x%x", n ? "|" : "",
				      revents);
	if (n == 0)
		snprintf(buf, len, "none");
	return buf;
}

int probe_poll(int fd, short events, const char *via)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	char names[128];
	int r;

	/* Timeout 0: the sync already told us the kernel has processed
	 * whatever the wire brought, so waiting could only hide a bug. */
	r = poll(&pfd, 1, 0);
	if (r < 0) {
		probe_call("poll", via, -1);
		return -1;
	}
	probe_call("poll", via, pfd.revents);
	probe_note(
		"%s: revents %s", via ? via : "poll",
		probe_revents_str((unsigned)pfd.revents, names, sizeof(names)));
	return pfd.revents;
}

void probe_icmp(const char *via, int type, int code, const struct ipaddr *from,
		bool own)
{
	struct event e = {
		.kind = EV_ICMP, .type = type, .code = code, .own = own};

	snprintf(e.via, sizeof(e.via), "%s", via);
	if (from)
		e.offender = *from;
	emit(&e);
}

void probe_set_ttl(const struct probe *p, int fd)
{
	if (p->ttl < 0)
		return;
	if (p->dst.family == AF_INET6)
		probe_call("setsockopt", "ipv6_unicast_hops",
			   setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS,
				      &p->ttl, sizeof(p->ttl)));
	else
		probe_call("setsockopt", "ip_ttl",
			   setsockopt(fd, IPPROTO_IP, IP_TTL, &p->ttl,
				      sizeof(p->ttl)));
}

size_t probe_payload(const struct probe *p, uint8_t *buf, size_t len)
{
	size_t n = p->size < len ? p->size : len;
	int k;

	memset(buf, '.', n);
	k = snprintf((char *)buf, n, "icmplab %s %u ", p->style, p->seq + 1);
	if (k > 0 && (size_t)k < n)
		buf[k] = '.'; /* overwrite snprintf's NUL */
	return n;
}

static void emit_text(enum ev_kind kind, const char *fmt, va_list ap)
{
	struct event e = {.kind = kind};

	vsnprintf(e.text, sizeof(e.text), fmt, ap);
	emit(&e);
}

void probe_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_text(EV_NOTE, fmt, ap);
	va_end(ap);
}

void probe_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_text(EV_SKIP, fmt, ap);
	va_end(ap);
	probe_exit(4);
}

static long parse_num(const char *what, const char *s, long lo, long hi)
{
	long v;

	if (num_parse(s, lo, hi, &v) != 0)
		probe_errx(3, "%s: '%s' is not a number in %ld..%ld", what, s,
			   lo, hi);
	return v;
}

/* The probe table's row for a style of this binary; exits 3 when the
 * style has none (a row missing from lib/probetab.c is a build mistake). */
static const struct probe_def *style_def(const struct probe_style *s)
{
	const struct probe_def *d = probe_find(s->name);

	if (!d || d->kind != PROBE_EVENTS)
		probe_errx(3, "style '%s' has no row in lib/probetab.c",
			   s->name);
	return d;
}

/* Runs style s of p in this process, from its start event to its end
 * event; returns its exit status. */
static int run_style(struct probe *p, const struct probe_style *s)
{
	struct event e = {.kind = EV_START};
	int c;

	p->style = s->name;
	snprintf(e.text, sizeof(e.text), "%s", s->name);
	emit(&e);
	c = s->run(p);
	if (c == 0) {
		struct event end = {.kind = EV_END};

		emit(&end);
	}
	return c;
}

static const struct probe_style *find_style(const char *name)
{
	const struct probe_style *s;

	for (s = probe_styles; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	probe_errx(3, "unknown style '%s' (try --list)", name);
}

/* The options of one style run, on the command line and in --serve's
 * requests (parse_plan_option), and the run's settings without them. */
/* clang-format off */
#define PLAN_OPTIONS                                                           \
	{"dst", required_argument, NULL, 'd'},                                 \
	{"dport", required_argument, NULL, 'p'},                               \
	{"ttl", required_argument, NULL, 't'},                                 \
	{"size", required_argument, NULL, 'z'},                                \
	{"count", required_argument, NULL, 'n'},                               \
	{"burst", required_argument, NULL, 'b'}
/* clang-format on */
static const struct probe probe_defaults = {
	.ttl = -1, .size = 32, .count = 1, .burst = 1};
static bool parse_plan_option(int c, const char *arg, struct probe *p);

#define SERVE_MAX 32
/* A request's descriptors: the client's namespace, then three a style. */
#define SERVE_FDS (1 + 3 * SERVE_MAX)

/* One style of a --serve request, in its thread, which frees it. */
struct served {
	const struct probe_style *s;
	int netns;
	int fd[3]; /* its stdin, stdout and stderr */
	struct probe p;
	pthread_barrier_t *ready;
};

/* "STYLE:IN:OUT:ERR" (--fds), IN, OUT and ERR indexes into the request's
 * descriptors after the namespace's (fds[1..nfds-1]). */
static void parse_fds(const char *arg, struct served *v, const int *fds,
		      int nfds)
{
	char name[64];
	const char *colon = strchr(arg, ':');
	char *end;
	long k;
	int i;

	if (!colon || (size_t)(colon - arg) >= sizeof(name))
		probe_errx(3, "--fds: '%s' is not STYLE:IN:OUT:ERR", arg);
	memcpy(name, arg, (size_t)(colon - arg));
	name[colon - arg] = '\0';
	v->s = find_style(name);
	for (i = 0; i < 3; i++) {
		errno = 0;
		k = strtol(colon + 1, &end, 10);
		if (errno || end == colon + 1 || k < 0 || k + 1 >= nfds ||
		    *end != (i < 2 ? ':' : '\0'))
			probe_errx(3, "--fds: '%s' is not STYLE:IN:OUT:ERR",
				   arg);
		v->fd[i] = fds[k + 1];
		colon = end;
	}
}

/* A style in a thread of its own, as if it were a process of its own:
 * in the client's namespace (setns is a thread's own), with its own
 * descriptor table (unshare CLONE_FILES) holding only its three pipes and
 * what it opens, its events on its own stdout pipe, its status as its
 * last event. The barrier tells the server that the thread's table holds
 * nothing but its own, so the server may close the request's descriptors
 * in its table. */
static void *serve_thread(void *arg)
{
	struct served *v = arg;
	char why[256];
	int in_ns, closed;

	self = v;
	/* The streams name descriptor numbers, the same in the copy. */
	ev_out = fdopen(v->fd[1], "w");
	ev_in = fdopen(v->fd[0], "r");
	err_fd = v->fd[2];
	if (unshare(CLONE_FILES) < 0) {
		/* Without a table of its own the style would hold every
		 * other style's pipes, and closing its own would close the
		 * server's: the server cannot run it safely, and ends. */
		dprintf(err_fd, "%s: unshare(CLONE_FILES): %s\n",
			program_invocation_short_name, strerror(errno));
		_exit(3);
	}
	/* Before the server goes on: by the time the worker hears "ok",
	 * no style holds another's pipes. */
	in_ns = setns(v->netns, CLONE_NEWNET) < 0 ? errno : 0;
	closed = fds_close_except(v->fd, 3, why, sizeof(why));
	pthread_barrier_wait(v->ready);
	in_thread = true;
	if (closed < 0)
		probe_errx(3, "%s", why);
	if (in_ns) {
		errno = in_ns;
		probe_err(3, "setns into the client's namespace");
	}
	if (!ev_out || !ev_in)
		probe_errx(3, "fdopen: out of memory");
	probe_exit(run_style(&v->p, v->s));
}

/* One request: "--dst ADDR --dport PORT [...] --fds STYLE:IN:OUT:ERR
 * ...", as NUL-separated words, with its descriptors. Starts each style
 * in a thread and returns once every thread has its own table and none of
 * the request's descriptors is open here. A malformed request ends the
 * server (exit 3, the reason on its stderr): the worker wrote it. */
static void serve_request(char *req, size_t len, const int *fds, int nfds)
{
	static const struct option opts[] = {
		PLAN_OPTIONS,
		{"fds", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	struct probe p = probe_defaults;
	struct served *v[SERVE_MAX];
	char *argv[4 + 16 + 2 * SERVE_MAX];
	pthread_barrier_t ready;
	pthread_attr_t attr;
	pthread_t th;
	char name[] = "request";
	size_t at = 0;
	int argc = 0, nv = 0, c, i, rc;

	argv[argc++] = name;
	while (at < len && argc < (int)(sizeof(argv) / sizeof(argv[0])) - 1) {
		argv[argc++] = req + at;
		at += strlen(req + at) + 1;
	}
	argv[argc] = NULL;
	if (at < len)
		probe_errx(3, "request: too many words");
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f') {
			if (nv == SERVE_MAX)
				probe_errx(3, "--fds: at most %d styles",
					   SERVE_MAX);
			v[nv] = calloc(1, sizeof(*v[nv]));
			if (!v[nv])
				probe_errx(3, "out of memory");
			parse_fds(optarg, v[nv++], fds, nfds);
		} else if (c == '?' || !parse_plan_option(c, optarg, &p)) {
			probe_errx(3, "request: bad option");
		}
	}
	if (!p.dst.family || !p.dport || optind != argc || nv == 0 ||
	    nfds != 1 + 3 * nv)
		probe_errx(3, "request: incomplete (%d styles, %d descriptors)",
			   nv, nfds);
	if (pthread_barrier_init(&ready, NULL, (unsigned)nv + 1) != 0 ||
	    pthread_attr_init(&attr) != 0 ||
	    pthread_attr_setstacksize(&attr, 1u << 20) != 0 ||
	    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) != 0)
		probe_errx(3, "pthread setup failed");
	for (i = 0; i < nv; i++) {
		v[i]->p = p;
		v[i]->netns = fds[0];
		v[i]->ready = &ready;
		rc = pthread_create(&th, &attr, serve_thread, v[i]);
		if (rc) {
			errno = rc;
			probe_err(3, "pthread_create");
		}
	}
	pthread_barrier_wait(&ready);
	pthread_barrier_destroy(&ready);
	pthread_attr_destroy(&attr);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

/* --serve WORKER: the worker's resident server for this binary's styles,
 * so that a case costs no exec and no fork for them. It reads requests
 * (serve_request) on stdin, a SOCK_SEQPACKET socket, answers each with
 * "ok" once its styles run, and exits when the worker closes the socket.
 * It dies with the worker, killing every style with it; a style that must
 * be killed (the case's deadline) takes the server with it, and the
 * worker starts another for the next case. */
static int serve(pid_t worker)
{
	char why[256];

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != worker)
		probe_errx(3, "the worker %ld is gone", (long)worker);
	/* What the worker held open without close-on-exec when it started
	 * this server is not the server's: a case's capture (libpcap opens
	 * its socket so) would keep that case's namespaces alive for as
	 * long as the server runs. */
	if (fds_close_except(NULL, 0, why, sizeof(why)) < 0)
		probe_errx(3, "%s", why);
	/* A style that writes to a pipe or socket whose reader is gone gets
	 * EPIPE, as its call's result; the signal would end every style. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		probe_err(3, "signal(SIGPIPE)");
	for (;;) {
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(int) * SERVE_FDS)];
		} ctl;
		char req[8192];
		struct iovec iov = {req, sizeof(req) - 1};
		struct msghdr m = {.msg_iov = &iov,
				   .msg_iovlen = 1,
				   .msg_control = ctl.buf,
				   .msg_controllen = sizeof(ctl.buf)};
		int fds[SERVE_FDS], nfds = 0;
		struct cmsghdr *cm;
		ssize_t n;

		n = recvmsg(0, &m, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			return 0;
		if (n < 0)
			probe_err(3, "recvmsg");
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_RIGHTS && nfds == 0) {
				nfds = (int)((cm->cmsg_len - CMSG_LEN(0)) /
					     sizeof(int));
				memcpy(fds, CMSG_DATA(cm),
				       sizeof(int) * (size_t)nfds);
			}
		if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
			probe_errx(3, "request truncated");
		req[n] = '\0';
		serve_request(req, (size_t)n, fds, nfds);
		if (send(0, "ok", 2, MSG_NOSIGNAL) != 2)
			probe_err(3, "answering a request");
	}
}

static void usage(void)
{
	const struct probe_style *s;

	fprintf(stderr, "usage: icmplab-probe-* --style STYLE --dst ADDR "
			"--dport PORT [--ttl N] [--size BYTES] [--count N] "
			"[--burst N]\n       icmplab-probe-* --serve WORKER "
			"(requests on stdin, from the harness)\n"
			"       icmplab-probe-* --list\nstyles:\n");
	for (s = probe_styles; s->name; s++)
		fprintf(stderr, "  %-24s %s\n", s->name, style_def(s)->summary);
	exit(3);
}

/* The options of one style run, shared by the command line and --serve's
 * requests: true when c was one of them. */
static bool parse_plan_option(int c, const char *arg, struct probe *p)
{
	switch (c) {
	case 'd':
		if (addr_parse(arg, &p->dst) < 0)
			probe_errx(3, "--dst: '%s' is not an address", arg);
		return true;
	case 'p':
		p->dport = (uint16_t)parse_num("--dport", arg, 1, 65535);
		return true;
	case 't':
		p->ttl = (int)parse_num("--ttl", arg, 0, 255);
		return true;
	case 'z':
		p->size = (size_t)parse_num("--size", arg, 16, 65000);
		return true;
	case 'n':
		p->count = (unsigned)parse_num("--count", arg, 1, 1000);
		return true;
	case 'b':
		p->burst = (unsigned)parse_num("--burst", arg, 1, 1000);
		return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"style", required_argument, NULL, 's'},
		PLAN_OPTIONS,
		{"list", no_argument, NULL, 'l'},
		{"serve", required_argument, NULL, 'S'},
		{NULL, 0, NULL, 0},
	};
	struct probe p = probe_defaults;
	const struct probe_style *s;
	const char *style = NULL;
	pid_t worker = 0;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			style = optarg;
			break;
		case 'S':
			worker = (pid_t)parse_num("--serve", optarg, 1,
						  4194304);
			break;
		case 'l':
			for (s = probe_styles; s->name; s++)
				printf("%s\t%s\n", s->name,
				       style_def(s)->summary);
			return 0;
		default:
			if (!parse_plan_option(c, optarg, &p))
				usage();
		}
	}
	if (worker)
		return optind != argc || style ? (usage(), 3) : serve(worker);
	if (!p.dst.family || !p.dport || optind != argc || !style)
		usage();
	return run_style(&p, find_style(style));
}
