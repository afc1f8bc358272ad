/* TCP probe styles: what a connecting or connected TCP socket makes of an
 * ICMP error.
 *
 * tcp_v4_err() sorts errors by the socket's state. In SYN-SENT every
 * error it keeps (Source Quench is ignored, Fragmentation Needed feeds
 * PMTU discovery, Redirect updates the route; the rest map through
 * icmp_err_convert, Time Exceeded to EHOSTUNREACH) is queued on the error
 * queue by ip_icmp_error(), IP_RECVERR or not, and then:
 *  - if no system call holds the socket, tcp_done_with_error() sets
 *    sk_err and closes the attempt, whatever the code: soft errors (3/0,
 *    3/1, 11/x) included, although RFC 1122 4.2.3.9 says they must not
 *    abort a connection;
 *  - if a system call holds it (connect() itself, when the error comes
 *    back before connect() has returned, as it does on a fast local
 *    path), only sk_err_soft is set and the SYN goes on being retried;
 *    SO_ERROR hands sk_err_soft out when sk_err is 0.
 * Once established, an error only sets sk_err_soft (reported if the
 * connection later times out) unless the socket asked for IP_RECVERR:
 * then it becomes sk_err at once, and the connection goes on.
 *
 * Every style bounds its waiting: TCP_SYNCNT 1 and TCP_USER_TIMEOUT keep a
 * silent path from holding the socket, and every observation is a poll
 * with timeout 0 after the harness's sync.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"

#define F_RECVERR 0x1
#define F_NO_TTL  0x2 /* leave the TTL for later (after the handshake) */

/* How long TCP may go unanswered before it gives up (TCP_USER_TIMEOUT,
 * RFC 5482): far longer than any sync, far shorter than the case
 * timeout. */
#define HANDSHAKE_MS                                                           \
	1000 /* the most tcp-established waits for its connection */
#define USER_TIMEOUT_MS 500

/* A non-blocking TCP socket bound to an ephemeral port before connect(),
 * so that the flow (and so the quote the harness matches) is known before
 * the SYN leaves. */
static int open_tcp(const struct probe *p, unsigned flags)
{
	int fd, syncnt = 1, user_timeout = USER_TIMEOUT_MS;

	fd = (int)probe_call("socket", NULL,
			     socket(p->dst.family, SOCK_STREAM | SOCK_NONBLOCK,
				    IPPROTO_TCP));
	if (fd < 0) {
		if (errno == EAFNOSUPPORT)
			probe_skip("this kernel has no %s TCP sockets",
				   p->dst.family == AF_INET6 ? "IPv6" : "IPv4");
		probe_err(3, "socket");
	}
	if (!(flags & F_NO_TTL))
		probe_set_ttl(p, fd);
	/* One SYN retransmission at most: a silent path costs the harness
	 * nothing (it closes the socket once its sync is answered), but a
	 * socket left behind must not linger for two minutes either. */
	probe_call("setsockopt", "tcp_syncnt",
		   setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &syncnt,
			      sizeof(syncnt)));
	probe_call("setsockopt", "tcp_user_timeout",
		   setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout,
			      sizeof(user_timeout)));
	if (flags & F_RECVERR)
		probe_set_recverr(p, fd, NULL);
	probe_bind_any(p, fd);
	probe_flow(p, fd, IPPROTO_TCP);
	return fd;
}

/* Starts the handshake and waits for the harness: "go wire" when an ICMP
 * error quoting the SYN reached the client, "go quiet" otherwise (by
 * then a healthy path has completed the handshake, or refused it with a
 * RST, long since). */
/* A non-blocking connect(): returns whether the SYN left (or the
 * connection is already made). */
static bool probe_connect_nb(const struct probe *p, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_to_sockaddr(&p->dst, p->dport, &ss);
	long r;

	r = probe_call("connect", NULL,
		       connect(fd, (struct sockaddr *)&ss, len));
	return r == 0 || errno == EINPROGRESS;
}

static void connect_and_sync(struct probe *p, int fd)
{
	probe_sync(p, probe_connect_nb(p, fd));
}

/* The socket's TCP state (TCP_INFO), as a note: whether an error ended
 * the attempt (tcp_done: CLOSE) or left it going (SYN_SENT) is the point
 * of RFC 1122 4.2.3.9, and SO_ERROR alone cannot tell (it hands out
 * sk_err_soft when no hard error is pending). */
static void note_tcp_state(int fd, const char *when)
{
	static const char *const names[] = {
		"?",	      "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
		"FIN_WAIT1",  "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
		"CLOSE_WAIT", "LAST_ACK",    "LISTEN",	  "CLOSING",
	};
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
	    len < offsetof(struct tcp_info, tcpi_state) + 1) {
		probe_note("tcp state %s: unknown (TCP_INFO failed)", when);
		return;
	}
	probe_note("tcp state %s: %s", when,
		   ti.tcpi_state < sizeof(names) / sizeof(names[0])
			   ? names[ti.tcpi_state]
			   : "?");
}

/* Closes without a FIN handshake that would outlive the probe. */
static void close_now(int fd)
{
	struct linger l = {.l_onoff = 1, .l_linger = 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

/* Non-blocking connect(): after the sync for the SYN, what poll() says,
 * then SO_ERROR (the idiom connect(2) prescribes), poll() again, then the
 * error queue, and the TCP state.
 *
 * SO_ERROR comes before the queue because reading the last queued ICMP
 * entry would clear sk_err (sock_dequeue_err_skb). The queue is read in
 * both variants: in SYN-SENT tcp_v4_err() calls ip_icmp_error() whether
 * or not the socket asked for IP_RECVERR, and the entry keeps POLLERR set
 * (tcp_poll) after SO_ERROR has been read. */
/* Asks again whether the attempt goes on, the way a program can: a second
 * non-blocking connect() fails with EALREADY while the SYN is still being
 * retried, and with the socket's error, or ECONNABORTED once SO_ERROR has
 * taken it, when the attempt was given up (__inet_stream_connect). This is
 * what RFC 1122 4.2.3.9's "soft errors must not abort" is judged on. */
static void connect_again(const struct probe *p, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_to_sockaddr(&p->dst, p->dport, &ss);

	probe_call("connect", "connect_again",
		   connect(fd, (struct sockaddr *)&ss, len));
}

static int run_connect(struct probe *p, unsigned flags)
{
	int fd = open_tcp(p, flags);

	if (p->count > 1)
		probe_note("%s makes one connection attempt; --count ignored",
			   p->style);
	connect_and_sync(p, fd);
	note_tcp_state(fd, "after the sync");
	probe_poll(fd, POLLIN | POLLOUT, "poll");
	probe_so_error(fd);
	probe_poll(fd, POLLIN | POLLOUT, "poll_after_so_error");
	probe_drain_errqueue(fd, p->dst.family);
	connect_again(p, fd);
	note_tcp_state(fd, "at the end");
	close_now(fd);
	return 0;
}

static int run_connect_plain(struct probe *p)
{
	return run_connect(p, 0);
}

static int run_connect_recverr(struct probe *p)
{
	return run_connect(p, F_RECVERR);
}

/* An established connection, then the fault on the next segment. The
 * handshake runs with the default TTL; --ttl applies only to the data
 * that follows, which is how a ttl fault reaches an established
 * connection. A path that refuses or swallows the handshake leaves
 * nothing to test: the probe skips, saying so. */
static int run_established(struct probe *p, unsigned flags)
{
	uint8_t payload[65536];
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = open_tcp(p, flags | F_NO_TTL), so_err;
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	unsigned i;
	size_t n;

	/* The handshake is not the question here, and should draw no ICMP:
	 * wait for it the socket's way (writable once established), not a
	 * quiet period. The bound is reached only when no connection comes,
	 * and that is a skip. */
	probe_connect_nb(p, fd);
	probe_call("poll", "handshake", poll(&pfd, 1, HANDSHAKE_MS));
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
		so_err = probe_so_error(fd);
		probe_skip("no connection to the destination after the "
			   "handshake (%s): tcp-established needs a listener "
			   "there and a fault that spares the handshake",
			   so_err ? strerror(so_err)
				  : "no answer, still connecting");
	}
	probe_note("connection established");
	probe_set_ttl(p, fd);
	for (i = 0; i < p->count; i++) {
		uint8_t buf[2048];
		long r;

		n = probe_payload(p, payload, sizeof(payload));
		r = probe_call("send", NULL, send(fd, payload, n, 0));
		probe_sync(p, r >= 0);
		probe_poll(fd, POLLIN | POLLOUT, "poll");
		probe_so_error(fd);
		if (flags & F_RECVERR)
			probe_drain_errqueue(fd, p->dst.family);
		probe_call("recv", NULL,
			   recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	}
	close_now(fd);
	return 0;
}

static int run_established_plain(struct probe *p)
{
	return run_established(p, 0);
}

static int run_established_recverr(struct probe *p)
{
	return run_established(p, F_RECVERR);
}

/* Names and summaries are in lib/probetab.c (probe_defs[]). */
const struct probe_style probe_styles[] = {
	{"tcp-connect", run_connect_plain},
	{"tcp-connect-recverr", run_connect_recverr},
	{"tcp-established", run_established_plain},
	{"tcp-established-recverr", run_established_recverr},
	{NULL, NULL},
};
