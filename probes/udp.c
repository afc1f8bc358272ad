/* UDP probe styles: each opens one fresh socket, sends one datagram, waits
 * for the harness to say the ICMP error (if any) has reached the client, and
 * then asks the socket, without blocking, what it learnt. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "event.h"
#include "probe.h"

#define F_CONNECT 0x1
#define F_RECVERR 0x2
/* Dual-stack styles: an AF_INET6 socket with IPV6_V6ONLY off on an IPv4
 * flow, talking to the v4-mapped ::ffff:a.b.c.d; the error-queue options
 * are asked for by level (F_RECVERR is the socket family's own). */
#define F_DUAL	       0x4
#define F_RECVERR_IP   0x8
#define F_RECVERR_IPV6 0x10

/* A socket bound to an ephemeral port before anything is sent, so that the
 * flow (and so the quote the harness will match) is known up front. */
static int open_udp(const struct probe *p, unsigned flags)
{
	int fd;

	fd = (int)probe_call("socket", NULL,
			     socket(p->dst.family, SOCK_DGRAM, IPPROTO_UDP));
	if (fd < 0) {
		if (errno == EAFNOSUPPORT)
			probe_skip("this kernel has no %s UDP sockets",
				   p->dst.family == AF_INET6 ? "IPv6" : "IPv4");
		probe_err(3, "socket");
	}
	probe_set_ttl(p, fd);
	if (flags & F_RECVERR)
		probe_set_recverr(p, fd, NULL);
	probe_bind_any(p, fd);
	if (flags & F_CONNECT)
		probe_connect(p, fd, p->dport);
	probe_flow(p, fd, IPPROTO_UDP);
	return fd;
}

/* Sends p->burst datagrams (send() when connected, sendto() otherwise), the
 * first numbered seq+1, and waits for the harness. */
static bool send_one(struct probe *p, int fd, unsigned flags)
{
	uint8_t payload[65536]; /* up to --size; on the stack: a style may be a
				   thread */
	struct sockaddr_storage ss;
	struct ipaddr to = p->dst;
	socklen_t len;
	bool any = false;
	unsigned k;
	size_t n;
	long r;

	if ((flags & F_DUAL) && addr_v4_mapped(&p->dst, &to) < 0)
		probe_errx(3, "a dual-stack style needs an IPv4 destination");
	len = addr_to_sockaddr(&to, p->dport, &ss);
	for (k = 0; k < p->burst; k++) {
		struct probe nth = *p;

		nth.seq = p->seq + k; /* the payload names its datagram */
		n = probe_payload(&nth, payload, sizeof(payload));
		if (flags & F_CONNECT)
			r = probe_call("send", NULL, send(fd, payload, n, 0));
		else
			r = probe_call("sendto", NULL,
				       sendto(fd, payload, n, 0,
					      (struct sockaddr *)&ss, len));
		any |= r >= 0;
	}
	return probe_sync_burst(p, p->burst, any);
}

static void recv_now(int fd, unsigned flags)
{
	uint8_t buf[2048];
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);

	if (flags & F_CONNECT)
		probe_call("recv", NULL,
			   recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	else
		probe_call("recvfrom", NULL,
			   recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
				    (struct sockaddr *)&from, &len));
}

/* Each style's rounds: --count repeats the send and the observation on the
 * same socket (a sweep of ICMP codes; "what does the next send get"). */
static int run_unconnected(struct probe *p)
{
	int fd = open_udp(p, 0);
	unsigned i;

	for (i = 0; i < p->count; i++) {
		send_one(p, fd, 0);
		recv_now(fd, 0);
	}
	close(fd);
	return 0;
}

/* The second send shows whether an error still pending after recv() fails
 * the next send instead (it does when recv did not consume it). */
static int run_connected(struct probe *p)
{
	int fd = open_udp(p, F_CONNECT);
	unsigned i;

	for (i = 0; i < p->count; i++) {
		send_one(p, fd, F_CONNECT);
		recv_now(fd, F_CONNECT);
		send_one(p, fd, F_CONNECT);
	}
	close(fd);
	return 0;
}

static int run_so_error(struct probe *p)
{
	int fd = open_udp(p, F_CONNECT);
	unsigned i;

	for (i = 0; i < p->count; i++) {
		send_one(p, fd, F_CONNECT);
		probe_so_error(fd);
		recv_now(fd, F_CONNECT);
	}
	close(fd);
	return 0;
}

static int run_recverr(struct probe *p)
{
	int fd = open_udp(p, F_RECVERR);
	unsigned i;

	for (i = 0; i < p->count; i++) {
		send_one(p, fd, 0);
		probe_drain_errqueue(fd, p->dst.family);
		recv_now(fd, 0);
	}
	close(fd);
	return 0;
}

static int run_recverr_connected(struct probe *p)
{
	int fd = open_udp(p, F_RECVERR | F_CONNECT);
	unsigned i;

	for (i = 0; i < p->count; i++) {
		send_one(p, fd, F_CONNECT);
		probe_drain_errqueue(fd, p->dst.family);
		recv_now(fd, F_CONNECT);
	}
	close(fd);
	return 0;
}

/* --- observation styles -------------------------------------------- */

/* poll(2) after the sync: a pending error (sk_err) or a queued one makes
 * datagram_poll() report POLLERR whatever events were asked for. The recv
 * a poll-driven program would then make consumes sk_err, and the second
 * poll shows whether the readiness went with it. */
static int run_poll(struct probe *p)
{
	int fd = open_udp(p, F_CONNECT);
	unsigned i;

	for (i = 0; i < p->count; i++) {
		send_one(p, fd, F_CONNECT);
		probe_poll(fd, POLLIN, "poll");
		recv_now(fd, F_CONNECT);
		probe_poll(fd, POLLIN, "poll_after_recv");
	}
	close(fd);
	return 0;
}

/* One level-triggered epoll_wait with timeout 0. ret in the event is the
 * events word of the one ready fd (0 when none was ready), as probe_poll
 * does for poll, so both styles read the same. */
static void epoll_now(int ep, const char *via)
{
	struct epoll_event ev = {0};
	char names[128];
	int r;

	r = epoll_wait(ep, &ev, 1, 0);
	if (r < 0) {
		probe_call("epoll_wait", via, -1);
		return;
	}
	probe_call("epoll_wait", via, r ? (long)ev.events : 0);
	probe_note("%s: events %s", via,
		   probe_revents_str(r ? ev.events : 0, names, sizeof(names)));
}

static int run_epoll(struct probe *p)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int fd = open_udp(p, F_CONNECT), ep;
	unsigned i;

	ep = (int)probe_call("epoll_create1", NULL, epoll_create1(0));
	if (ep < 0)
		probe_err(3, "epoll_create1");
	ev.data.fd = fd;
	/* EPOLLERR is always reported; it need not (cannot usefully) be
	 * asked for (epoll_ctl(2)). */
	if (probe_call("epoll_ctl", NULL,
		       epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) < 0)
		probe_err(3, "epoll_ctl");
	for (i = 0; i < p->count; i++) {
		send_one(p, fd, F_CONNECT);
		epoll_now(ep, "epoll");
		recv_now(fd, F_CONNECT);
		epoll_now(ep, "epoll_after_recv");
	}
	close(ep);
	close(fd);
	return 0;
}

/* The busy-loop trap: with IP_RECVERR, datagram_poll() keeps POLLERR set
 * while sk_error_queue is not empty. recvfrom() consumes sk_err but never
 * touches the queue, so a program that only reads normal data on POLLERR
 * is woken again at once, forever. */
static int run_poll_recverr(struct probe *p)
{
	int fd = open_udp(p, F_RECVERR);
	unsigned i;

	for (i = 0; i < p->count; i++) {
		send_one(p, fd, 0);
		probe_poll(fd, POLLIN, "poll");
		recv_now(fd, 0);
		probe_poll(fd, POLLIN, "poll_again");
		recv_now(fd, 0);
	}
	close(fd);
	return 0;
}

/* A connected socket: the pending error fails the next send() (sock_error
 * in sock_alloc_send_pskb), and that datagram never leaves. */
static int run_next_send(struct probe *p)
{
	uint8_t payload[65536]; /* up to --size; on the stack: a style may be a
				   thread */
	int fd = open_udp(p, F_CONNECT);
	unsigned i;
	size_t n;
	long r;

	for (i = 0; i < p->count; i++) {
		send_one(p, fd, F_CONNECT);
		n = probe_payload(p, payload, sizeof(payload));
		r = probe_call("send", "send_next", send(fd, payload, n, 0));
		probe_sync(p, r >= 0);
		recv_now(fd, F_CONNECT);
	}
	close(fd);
	return 0;
}

/* sk_err is one int per socket, not per destination. An unconnected
 * socket only gets one with IP_RECVERR (__udp4_lib_err makes every error
 * pending then), and the next sendto() fails with it whatever the
 * destination. The other peer is a socket of our own on the loopback
 * address: no fault of any case touches it, so it is healthy by
 * construction, and it can tell whether the datagram arrived. */
static int run_sendto_other(struct probe *p)
{
	uint8_t payload[65536]; /* up to --size; on the stack: a style may be a
				   thread */
	struct sockaddr_storage ss;
	struct ipaddr lo;
	socklen_t len;
	int fd = open_udp(p, F_RECVERR), peer;
	uint16_t port;
	unsigned i;
	size_t n;
	long r;

	if (addr_parse(p->dst.family == AF_INET6 ? "::1" : "127.0.0.1", &lo) <
	    0)
		probe_errx(3, "loopback address");
	peer = (int)probe_call("socket", "peer_socket",
			       socket(p->dst.family, SOCK_DGRAM, IPPROTO_UDP));
	if (peer < 0)
		probe_err(3, "socket");
	len = addr_to_sockaddr(&lo, 0, &ss);
	if (probe_call("bind", "peer_bind",
		       bind(peer, (struct sockaddr *)&ss, len)) < 0)
		probe_err(3, "bind");
	len = sizeof(ss);
	if (getsockname(peer, (struct sockaddr *)&ss, &len) < 0)
		probe_err(3, "getsockname");
	if (addr_from_sockaddr((struct sockaddr *)&ss, &lo, &port) < 0)
		probe_errx(3, "getsockname: unexpected address family");
	len = addr_to_sockaddr(&lo, port, &ss);
	for (i = 0; i < p->count; i++) {
		uint8_t buf[2048];
		struct pollfd pfd = {.fd = peer, .events = POLLIN};

		send_one(p, fd, 0);
		n = probe_payload(p, payload, sizeof(payload));
		r = probe_call(
			"sendto", "sendto_other",
			sendto(fd, payload, n, 0, (struct sockaddr *)&ss, len));
		/* A datagram that was sent to the loopback is delivered: wait
		 * for it (bounded) rather than guess when; one that was not
		 * sent cannot arrive, so there is nothing to wait for. */
		if (r >= 0)
			poll(&pfd, 1, 1000);
		probe_call("recv", "peer_recv",
			   recv(peer, buf, sizeof(buf), MSG_DONTWAIT));
		probe_drain_errqueue(fd, p->dst.family);
	}
	close(peer);
	close(fd);
	return 0;
}

/* A recv() that is already asleep when the error arrives. */
struct blocked_recv {
	int fd;
	atomic_int tid; /* 0 until the thread is about to call recv() */
	atomic_bool done;
	long ret;
	int err;
	uint64_t t_return;
};

static void *blocked_recv_thread(void *arg)
{
	struct blocked_recv *b = arg;
	uint8_t buf[2048];

	atomic_store(&b->tid, (int)gettid());
	b->ret = recv(b->fd, buf, sizeof(buf), 0);
	b->err = b->ret < 0 ? errno : 0;
	b->t_return = event_now_ns();
	atomic_store(&b->done, true);
	return NULL;
}

/* The scheduler state of one of our threads ('S' sleeping, 'R' running or
 * runnable, ...), from /proc/self/task/TID/stat; '?' if unreadable. The
 * command name in that line is in parentheses and may hold anything, so
 * the state is found after the last ')'. */
static char thread_state(int tid)
{
	char path[64], line[512], *rp;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	rp = strrchr(line, ')');
	return rp && rp[1] == ' ' && rp[2] ? rp[2] : '?';
}

/* The thread sleeps in recv() before the datagram leaves. The sync tells
 * us when the kernel has processed the error; a wake-up it caused has
 * happened by then (sk_error_report runs in the same softirq), so the
 * thread is either runnable or done. If it still sleeps, nothing woke it:
 * shutdown(SHUT_RD) does (inet_shutdown -> sk_state_change), and its
 * recv() then returns 0. */
static int run_blocked_recv(struct probe *p)
{
	struct blocked_recv b = {.fd = -1};
	pthread_t th;
	uint64_t t_sent, deadline;
	int tid, rc;
	char st;
	bool woken;

	b.fd = open_udp(p, F_CONNECT);
	if (p->count > 1)
		probe_note("udp-blocked-recv runs one round; --count ignored");
	rc = pthread_create(&th, NULL, blocked_recv_thread, &b);
	if (rc) {
		errno = rc;
		probe_err(3, "pthread_create");
	}
	/* Bounded wait until the thread sleeps inside recv(): it stores its
	 * id just before the call, and nothing else between can sleep. */
	deadline = event_now_ns() + 2000000000u;
	for (;;) {
		tid = atomic_load(&b.tid);
		if (tid && thread_state(tid) == 'S')
			break;
		if (atomic_load(&b.done))
			probe_errx(3,
				   "recv() returned before anything was sent "
				   "(ret %ld)",
				   b.ret);
		if (event_now_ns() > deadline)
			probe_errx(
				3,
				"the recv() thread did not block within 2 s");
		sched_yield();
	}
	probe_note("recv() is blocked in thread %d", tid);
	t_sent = event_now_ns();
	send_one(p, b.fd, F_CONNECT);
	st = atomic_load(&b.done) ? 'X' : thread_state(tid);
	woken = st != 'S';
	if (!woken)
		probe_call("shutdown", NULL, shutdown(b.fd, SHUT_RD));
	rc = pthread_join(th, NULL);
	if (rc) {
		errno = rc;
		probe_err(3, "pthread_join");
	}
	errno = b.err;
	probe_call("recv", woken ? "recv" : "recv_after_shutdown", b.ret);
	probe_note("blocked recv(): %s; returned %.3f ms after the send",
		   woken ? "woken by the error" : "not woken, until shutdown",
		   (double)(b.t_return - t_sent) / 1e6);
	close(b.fd);
	return 0;
}

/* Two errors queued before anything is read: sk_err holds one errno (the
 * latest) while the queue holds every entry, and sock_dequeue_err_skb()
 * re-arms sk_err from the next queued ICMP entry each time one is read.
 * SO_ERROR is read after the first error so that the second datagram can
 * leave at all (a pending error would fail its sendto). */
static int run_two_errors(struct probe *p)
{
	int fd = open_udp(p, F_RECVERR);

	if (p->count > 1)
		probe_note("udp-two-errors runs one round; --count ignored");
	send_one(p, fd, 0);
	probe_so_error_via(fd, "so_error_first");
	send_one(p, fd, 0);
	probe_so_error_via(fd, "so_error_second");
	probe_read_errqueue(fd, p->dst.family, NULL, 1, false);
	probe_so_error_via(fd, "so_error_rearmed");
	probe_read_errqueue(fd, p->dst.family, NULL, 1, false);
	probe_so_error_via(fd, "so_error_last");
	recv_now(fd, 0);
	close(fd);
	return 0;
}

/* A second socket, same destination, another local port, IP_RECVERR on
 * both: __udp4_lib_err finds the socket by the quoted ports, so the
 * error lands on the sender only. The sender's queue is read last, to
 * show that the error did arrive. */
static int run_control(struct probe *p)
{
	struct sockaddr_storage ss;
	struct ipaddr any = {.family = p->dst.family};
	socklen_t len;
	int fd = open_udp(p, F_RECVERR | F_CONNECT), ctl;
	unsigned i;

	ctl = (int)probe_call("socket", "control_socket",
			      socket(p->dst.family, SOCK_DGRAM, IPPROTO_UDP));
	if (ctl < 0)
		probe_err(3, "socket");
	probe_set_recverr(p, ctl, "control_recverr");
	len = addr_to_sockaddr(&any, 0, &ss);
	if (probe_call("bind", "control_bind",
		       bind(ctl, (struct sockaddr *)&ss, len)) < 0)
		probe_err(3, "bind");
	len = addr_to_sockaddr(&p->dst, p->dport, &ss);
	if (probe_call("connect", "control_connect",
		       connect(ctl, (struct sockaddr *)&ss, len)) < 0)
		probe_err(3, "connect");
	for (i = 0; i < p->count; i++) {
		uint8_t buf[2048];

		send_one(p, fd, F_CONNECT);
		probe_poll(ctl, POLLIN, "control_poll");
		probe_so_error_via(ctl, "control_so_error");
		probe_read_errqueue(ctl, p->dst.family, "control_errqueue", 64,
				    false);
		probe_call("recv", "control_recv",
			   recv(ctl, buf, sizeof(buf), MSG_DONTWAIT));
		probe_drain_errqueue(fd, p->dst.family);
	}
	close(ctl);
	close(fd);
	return 0;
}

/* IP_RECVERR_RFC4884 (Linux 5.9): the kernel validates an RFC 4884
 * extension and reports where it starts in ee_rfc4884. */
static int run_recverr_rfc4884(struct probe *p)
{
	int fd = open_udp(p, F_RECVERR), one = 1;
	unsigned i;
	long r;

	if (p->dst.family == AF_INET6)
		r = probe_call("setsockopt", "ipv6_recverr_rfc4884",
			       setsockopt(fd, IPPROTO_IPV6,
					  IPV6_RECVERR_RFC4884, &one,
					  sizeof(one)));
	else
		r = probe_call("setsockopt", "ip_recverr_rfc4884",
			       setsockopt(fd, IPPROTO_IP, IP_RECVERR_RFC4884,
					  &one, sizeof(one)));
	if (r < 0) {
		if (errno == ENOPROTOOPT)
			probe_skip("this kernel has no %s (added in Linux "
				   "5.9)",
				   p->dst.family == AF_INET6
					   ? "IPV6_RECVERR_RFC4884"
					   : "IP_RECVERR_RFC4884");
		probe_err(3, "setsockopt IP_RECVERR_RFC4884");
	}
	for (i = 0; i < p->count; i++) {
		send_one(p, fd, 0);
		probe_read_errqueue(fd, p->dst.family, NULL, 64, true);
		recv_now(fd, 0);
	}
	close(fd);
	return 0;
}

/* --- dual-stack styles ---------------------------------------------- */

/* The socket a Go, Java or Node program opens by default: AF_INET6 with
 * IPV6_V6ONLY off (said explicitly: the sysctl bindv6only may default it
 * on), bound to ::, and talking to an IPv4 peer by its v4-mapped address.
 * udpv6_sendmsg (connect: ip6_datagram_connect) hands such a destination
 * to the IPv4 code, so the datagram leaves as IPv4 and the ICMPv4 error
 * comes back to __udp4_lib_err with this AF_INET6 socket: which options
 * that function and ipv6_recv_error read decide what the program hears. */
static int open_dual(const struct probe *p, unsigned flags)
{
	struct probe mapped = *p;
	int fd, off = 0;

	if (addr_v4_mapped(&p->dst, &mapped.dst) < 0)
		probe_errx(3, "a dual-stack style needs an IPv4 destination "
			      "(it maps it to ::ffff:a.b.c.d itself)");
	fd = (int)probe_call("socket", NULL,
			     socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP));
	if (fd < 0) {
		if (errno == EAFNOSUPPORT)
			probe_skip("this kernel has no IPv6 UDP sockets");
		probe_err(3, "socket");
	}
	if (probe_call("setsockopt", "ipv6_v6only_off",
		       setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
				  sizeof(off))) < 0)
		probe_err(3, "setsockopt IPV6_V6ONLY");
	/* IP_TTL on an AF_INET6 socket reaches ip_setsockopt (through
	 * udpv6_setsockopt) and is what udp_sendmsg uses for a mapped
	 * destination. */
	probe_set_ttl(p, fd);
	if ((flags & F_RECVERR_IPV6) &&
	    probe_set_recverr(&mapped, fd, "ipv6_recverr") < 0)
		probe_err(3, "setsockopt IPV6_RECVERR");
	if ((flags & F_RECVERR_IP) &&
	    probe_set_recverr(p, fd, "ip_recverr") < 0)
		probe_err(3, "setsockopt IP_RECVERR");
	probe_bind_any(&mapped, fd);
	if (flags & F_CONNECT)
		probe_connect(&mapped, fd, p->dport);
	probe_flow(p, fd, IPPROTO_UDP);
	return fd;
}

/* Connected, no error-queue option: recv() and then SO_ERROR. */
static int run_dual_connected(struct probe *p)
{
	unsigned flags = F_DUAL | F_CONNECT;
	int fd = open_dual(p, flags);
	unsigned i;

	for (i = 0; i < p->count; i++) {
		send_one(p, fd, flags);
		recv_now(fd, flags);
		probe_so_error(fd);
	}
	close(fd);
	return 0;
}

/* Unconnected, with the error-queue options in flags: sendto() the
 * mapped address, read the queue with each entry labelled by its cmsg
 * level, then recvfrom() for what is left pending. */
static int run_dual_recverr(struct probe *p, unsigned flags)
{
	int fd = open_dual(p, flags);
	unsigned i;

	for (i = 0; i < p->count; i++) {
		send_one(p, fd, flags);
		probe_drain_errqueue(fd, AF_UNSPEC);
		recv_now(fd, flags);
	}
	close(fd);
	return 0;
}

static int run_dual_recverr6(struct probe *p)
{
	return run_dual_recverr(p, F_DUAL | F_RECVERR_IPV6);
}

static int run_dual_recverr4(struct probe *p)
{
	return run_dual_recverr(p, F_DUAL | F_RECVERR_IP);
}

static int run_dual_recverr_both(struct probe *p)
{
	return run_dual_recverr(p, F_DUAL | F_RECVERR_IP | F_RECVERR_IPV6);
}

/* Names and summaries are in lib/probetab.c (probe_defs[]). */
const struct probe_style probe_styles[] = {
	{"udp-unconnected", run_unconnected},
	{"udp-connected", run_connected},
	{"udp-so-error", run_so_error},
	{"udp-recverr", run_recverr},
	{"udp-recverr-connected", run_recverr_connected},
	{"udp-poll", run_poll},
	{"udp-epoll", run_epoll},
	{"udp-poll-recverr", run_poll_recverr},
	{"udp-next-send", run_next_send},
	{"udp-sendto-other", run_sendto_other},
	{"udp-blocked-recv", run_blocked_recv},
	{"udp-two-errors", run_two_errors},
	{"udp-control", run_control},
	{"udp-recverr-rfc4884", run_recverr_rfc4884},
	{"udp-dual-connected", run_dual_connected},
	{"udp-dual-recverr6", run_dual_recverr6},
	{"udp-dual-recverr4", run_dual_recverr4},
	{"udp-dual-recverr-both", run_dual_recverr_both},
	{NULL, NULL},
};
