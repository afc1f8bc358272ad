/* Fault tables and the parser's vocabulary: see catalog.h. */
#include "catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* port_unreachable: nothing listens on the port; the server's kernel
 * answers (RFC 1122 3.2.2.1, RFC 4443 3.1 code 4). The plan's defaults are
 * exactly that. */
static int apply_port_unreachable(struct topo *t, const struct case_def *c,
				  const struct param_block *a,
				  struct fault_plan *plan, char *err,
				  size_t errlen)
{
	(void)t, (void)c, (void)a, (void)plan, (void)err, (void)errlen;
	return 0;
}

/* accept(2) errors that are the network's, not the listener's: Linux
 * passes errors of pending connections on to accept, and the man page asks
 * TCP servers to retry after them. A fault may well provoke them. */
static bool accept_retry(int e)
{
	return e == EINTR || e == EAGAIN || e == ECONNABORTED || e == EPROTO ||
	       e == ENETDOWN || e == ENOPROTOOPT || e == EHOSTDOWN ||
	       e == ENONET || e == EHOSTUNREACH || e == EOPNOTSUPP ||
	       e == ENETUNREACH;
}

/* The listener's loop: accept, read and discard, close at end of file. One
 * process, no children of its own: it holds nothing but its sockets. A
 * failure of the listening socket is reported on status and ends it (the
 * probes would find nobody to connect to); an error on one connection
 * (a reset the fault provoked) only closes that connection. */
static void serve_tcp(int lfd, int status) __attribute__((noreturn));

static void serve_tcp(int lfd, int status)
{
	struct pollfd pfd[17];
	int n = 1, i, a, null;
	char buf[4096];

	if (helper_test_break("listener")) {
		/* Test-only (helper.h): /dev/null where the listening
		 * socket was, so that accept fails on the real path. */
		null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, lfd) < 0)
			helper_fail(status, "test break: %s", strerror(errno));
		close(null);
	}
	pfd[0] = (struct pollfd){lfd, POLLIN, 0};
	for (;;) {
		/* With every slot taken, new connections wait in the
		 * backlog until one closes. */
		pfd[0].events = n < 17 ? POLLIN : 0;
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			helper_fail(status, "poll: %s", strerror(errno));
		}
		if (pfd[0].revents & (POLLERR | POLLNVAL))
			helper_fail(status,
				    "the listening socket failed (poll "
				    "revents 0x%x)",
				    (unsigned)pfd[0].revents);
		if (pfd[0].revents & POLLIN) {
			a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (a >= 0)
				pfd[n++] = (struct pollfd){a, POLLIN, 0};
			else if (!accept_retry(errno))
				helper_fail(status, "accept: %s",
					    strerror(errno));
		}
		for (i = n - 1; i >= 1; i--) {
			if (!pfd[i].revents)
				continue;
			if (read(pfd[i].fd, buf, sizeof(buf)) <= 0) {
				close(pfd[i].fd);
				pfd[i] = pfd[--n];
			}
		}
	}
}

/* A TCP listener on the server at the probes' destination, for probes that
 * need an established connection before the fault bites (tcp-established):
 * the handshake passes, the data segments meet the fault. */
int fault_tcp_listener(struct topo *t, struct fault_plan *plan, char *err,
		       size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_to_sockaddr(&plan->dst, plan->dport, &ss);
	int fd, one = 1, status;
	pid_t pid;

	if (plan->nhelpers >= PLAN_MAX_HELPERS) {
		snprintf(err, errlen, "too many fault helpers");
		return -1;
	}
	if (topo_enter(t, NODE_SERVER, err, errlen) < 0)
		return -1;
	fd = socket(plan->dst.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 16) < 0) {
		snprintf(err, errlen, "tcp listener on the server: %s",
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		topo_leave(t, NULL, 0);
		return -1;
	}
	if (topo_leave(t, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	/* Dies with the case; keeps no descriptor of the harness's (a pipe
	 * held here would keep the run waiting). */
	pid = helper_start(&plan->helpers[plan->nhelpers], "listener", &fd, 1,
			   &status, err, errlen);
	if (pid < 0) {
		close(fd);
		return -1;
	}
	if (pid == 0)
		serve_tcp(fd, status);
	close(fd);
	plan->nhelpers++;
	return 0;
}

/* ttl_exceeded: the datagram leaves with TTL (hop limit) 1, so the router
 * cannot forward it (RFC 1812 5.3.1, RFC 4443 3.3). With listen=tcp the
 * server also accepts TCP on the port, so a TCP probe can establish a
 * connection with the default TTL and then send its data with TTL 1. */
enum { TTL_LISTEN, TTL_SET, TTL_NPARAMS };

static const struct tok listen_kinds[] = {
	{1, "tcp"},
	{0, NULL},
};

static const struct tok ttl_setters[] = {
	{0, "probe"},
	{1, "network"},
	{0, NULL},
};

static const struct param_spec ttl_params[TTL_NPARAMS + 1] = {
	[TTL_LISTEN] = {.name = "listen",
			.kind = PARAM_ENUM,
			.tokens = listen_kinds,
			.doc = "tcp: the server also accepts TCP (for "
			       "tcp-established); absent: nothing listens"},
	[TTL_SET] = {.name = "set",
		     .kind = PARAM_ENUM,
		     .tokens = ttl_setters,
		     .dflt = "probe",
		     .doc = "network: nftables in the client sets TTL 1 on "
			    "every packet to the server, so a program that "
			    "sets no TTL meets it too"},
};

int fault_ttl_by_network(struct topo *t, struct fault_plan *plan, char *err,
			 size_t errlen)
{
	char script[512], dst[ADDR_STRLEN];
	bool v6 = plan->dst.family == AF_INET6;

	addr_str(&plan->dst, dst);
	/* The output hook, after routing: the packet leaves the client with
	 * TTL 1 and the router, which must decrement it to forward, cannot
	 * (ip_forward: ttl <= 1 -> icmp_send 11/0; ip6_forward: 3/0). nft
	 * rewrites the header checksum with the field. */
	snprintf(script, sizeof(script),
		 "table inet icmplab_ttl {\n"
		 "  chain out {\n"
		 "    type filter hook output priority 0; policy accept;\n"
		 "    %s daddr %s %s set 1\n"
		 "  }\n"
		 "}\n",
		 v6 ? "ip6" : "ip", dst, v6 ? "ip6 hoplimit" : "ip ttl");
	/* The fences too would leave with TTL 1. */
	plan->fence_at_router = true;
	return topo_nft(t, NODE_CLIENT, script, err, errlen);
}

static int apply_ttl_exceeded(struct topo *t, const struct case_def *c,
			      const struct param_block *a,
			      struct fault_plan *plan, char *err, size_t errlen)
{
	(void)c;
	if (a->v[TTL_SET].n) {
		if (fault_ttl_by_network(t, plan, err, errlen) < 0)
			return -1;
	} else {
		plan->ttl = 1;
	}
	if (a->v[TTL_LISTEN].set)
		return fault_tcp_listener(t, plan, err, errlen);
	return 0;
}

/* silent_drop: the router drops everything arriving from the client side,
 * and says nothing. */
static int apply_silent_drop(struct topo *t, const struct case_def *c,
			     const struct param_block *a,
			     struct fault_plan *plan, char *err, size_t errlen)
{
	(void)c, (void)a;
	plan->fence_at_router = true;
	return topo_nft(
		t, NODE_ROUTER,
		"table inet icmplab {\n"
		"  chain forward {\n"
		"    type filter hook forward priority 0; policy accept;\n"
		"    iifname \"" TOPO_ROUTER_CIF "\" counter drop\n"
		"  }\n"
		"}\n",
		err, errlen);
}

static const struct param_spec no_params[] = {{.name = NULL}};

const struct fault_def basic_faults[] = {
	{"port_unreachable", "datagram to a closed UDP port on the server",
	 no_params, NULL, apply_port_unreachable, fault_apply, false},
	{"ttl_exceeded", "datagram leaves with TTL 1; the router answers",
	 ttl_params, NULL, apply_ttl_exceeded, fault_apply, false},
	{"silent_drop",
	 "the router drops the datagram (nftables), says nothing", no_params,
	 NULL, apply_silent_drop, fault_apply, false},
	{NULL, NULL, NULL, NULL, NULL, NULL, false},
};

static const struct fault_def *const fault_tables[] = {
	basic_faults,
	forge_faults,
	generator_faults,
	NULL,
};

void fault_foreach(void (*fn)(const struct fault_def *f, void *arg), void *arg)
{
	const struct fault_def *const *t;
	const struct fault_def *f;

	for (t = fault_tables; *t; t++)
		for (f = *t; f->name; f++)
			fn(f, arg);
}

const struct fault_def *fault_find(const char *name)
{
	const struct fault_def *const *t;
	const struct fault_def *f;

	for (t = fault_tables; *t; t++)
		for (f = *t; f->name; f++)
			if (strcmp(f->name, name) == 0)
				return f;
	return NULL;
}

int fault_params(const struct fault_def *f, const struct case_def *c,
		 struct param_block *a, char *err, size_t errlen)
{
	char why[1024];

	why[0] = '\0';
	if (param_parse_all_family(f->params, c->params, c->nparams,
				   c->family ? c->family : AF_INET, a, why,
			    sizeof(why)) < 0 ||
	    (f->rules && f->rules(a, why, sizeof(why)) < 0)) {
		snprintf(err, errlen, "%s: fault '%s': %s", c->path, f->name,
			 why);
		return -1;
	}
	return 0;
}

int fault_apply(struct topo *t, const struct case_def *c,
		struct fault_plan *plan, char *err, size_t errlen)
{
	const struct fault_def *f = fault_find(c->fault);
	struct param_block a;

	if (!f) {
		snprintf(err, errlen, "%s: unknown fault '%s'", c->path,
			 c->fault);
		return -1;
	}
	if (fault_params(f, c, &a, err, errlen) < 0)
		return -1;
	return f->setup(t, c, &a, plan, err, errlen);
}

/* The case parser's check of one value: through the fault's schema, one
 * parameter at a time (rules between parameters wait for fault_params). */
static int check_param(const char *fault, const char *key, const char *val,
		       char *why, size_t whylen)
{
	const struct fault_def *f = fault_find(fault);
	const struct param_spec *s;
	size_t n = 0;

	if (!f) {
		snprintf(why, whylen, "unknown fault '%s'", fault);
		return -1;
	}
	s = param_find(f->params, key);
	if (s)
		return param_check(s, val, why, whylen);
	n = (size_t)snprintf(why, whylen, "fault '%s' takes no parameter '%s'",
			     fault, key);
	for (s = f->params; s->name && n < whylen; s++)
		n += (size_t)snprintf(
			why + n, whylen - n, "%s%s",
			s == f->params ? "; expected one of: " : ", ", s->name);
	return -1;
}

/* The parser's check of a whole instance: what fault_apply refuses
 * before setup runs, so that `check` refuses it with a line number. */
static int check_case(const struct case_def *c, char *why, size_t whylen)
{
	const struct fault_def *f = fault_find(c->fault);
	struct param_block a;
	char r[1024];

	if (!f) {
		snprintf(why, whylen, "unknown fault '%s'", c->fault);
		return -1;
	}
	if (f->ipv4_only && c->family != AF_INET) {
		snprintf(why, whylen,
			 "fault '%s' has only an ipv4 form; use family ipv4",
			 f->name);
		return -2;
	}
	r[0] = '\0';
	if (param_parse_all_family(f->params, c->params, c->nparams,
				   c->family ? c->family : AF_INET, &a, r,
			    sizeof(r)) < 0 ||
	    (f->rules && f->rules(&a, r, sizeof(r)) < 0)) {
		snprintf(why, whylen, "fault '%s': %s", f->name, r);
		return -1;
	}
	return 0;
}

/* The probe table's families, in the parser's bits. */
static unsigned probe_families(const char *name)
{
	const struct probe_def *d = probe_find(name);
	unsigned f = 0;

	if (!d)
		return 3u;
	if (d->families & PROBE_IPV4)
		f |= 1u;
	if (d->families & PROBE_IPV6)
		f |= 2u;
	return f;
}

#define MAX_FAULTS 256

static void collect(const struct fault_def *f, void *arg)
{
	const char **names = arg;
	size_t i;

	for (i = 0; names[i] && i < MAX_FAULTS; i++)
		;
	if (i < MAX_FAULTS)
		names[i] = f->name;
}

const struct case_vocab *catalog_vocab(void)
{
	static const char *faults[MAX_FAULTS + 1];
	static const char *probes[PROBE_DEFS_MAX + 1];
	static struct case_vocab v;
	size_t i;

	if (!v.faults) {
		fault_foreach(collect, faults);
		for (i = 0; probe_defs[i].name && i < PROBE_DEFS_MAX; i++)
			probes[i] = probe_defs[i].name;
		v.faults = faults;
		v.probes = probes;
		v.check_param = check_param;
		v.check_case = check_case;
		v.probe_families = probe_families;
	}
	return &v;
}
