/* ICMP datagram ("ping") socket styles: socket(AF_INET, SOCK_DGRAM,
 * IPPROTO_ICMP), the unprivileged ping of Linux 3.0 and later.
 *
 * The kernel owns the echo identifier: it is the socket's "port"
 * (ping_get_port), written into every request whatever the program put
 * there, and ping_err() finds the socket for an error by the identifier
 * in the quoted echo request (ping_lookup). Whether the error is then
 * reported follows the UDP rule: without IP_RECVERR only a hard error
 * (icmp_err_convert[].fatal, or Parameter Problem) on a connected socket;
 * with IP_RECVERR every error, queued with its details.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/icmp.h>
#include <linux/icmpv6.h>

#include "probe.h"

#define F_CONNECT 0x1
#define F_RECVERR 0x2

static int proto_of(const struct probe *p)
{
	return p->dst.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

/* Says why ping sockets are refused, from the sysctl that decides it
 * (icmp(7): the caller's group must be in net.ipv4.ping_group_range). */
static void skip_not_allowed(void)
{
	char range[64] = "unreadable";
	FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "r");

	if (f) {
		if (fgets(range, sizeof(range), f))
			range[strcspn(range, "\n")] = '\0';
		fclose(f);
	}
	probe_skip("ICMP datagram sockets are not allowed for gid %u here: "
		   "net.ipv4.ping_group_range is '%s'",
		   (unsigned)getgid(), range);
}

/* A ping socket bound before anything is sent, so that its identifier
 * (and so the flow the harness matches) is known up front. */
static int open_ping(const struct probe *p, unsigned flags)
{
	int fd;

	fd = (int)probe_call("socket", NULL,
			     socket(p->dst.family, SOCK_DGRAM, proto_of(p)));
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			skip_not_allowed();
		if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)
			probe_skip("this kernel has no %s ICMP datagram "
				   "sockets",
				   p->dst.family == AF_INET6 ? "IPv6" : "IPv4");
		probe_err(3, "socket(SOCK_DGRAM, IPPROTO_ICMP)");
	}
	probe_set_ttl(p, fd);
	if (flags & F_RECVERR)
		probe_set_recverr(p, fd, NULL);
	/* Port 0: the kernel picks a free identifier (ping_get_port). */
	probe_bind_any(p, fd);
	if (flags & F_CONNECT)
		probe_connect(p, fd, 0);
	probe_flow_ident(p, fd, proto_of(p));
	return fd;
}

/* One Echo Request, numbered seq+1; the identifier and checksum are the
 * kernel's to fill in. */
static bool send_echo(struct probe *p, int fd, unsigned flags)
{
	uint8_t msg[65536];
	struct sockaddr_storage ss;
	socklen_t len = addr_to_sockaddr(&p->dst, 0, &ss);
	uint16_t seq = (uint16_t)(p->seq + 1);
	size_t n;
	long r;

	memset(msg, 0, 8);
	msg[0] = p->dst.family == AF_INET6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO;
	msg[6] = (uint8_t)(seq >> 8);
	msg[7] = (uint8_t)seq;
	n = 8 + probe_payload(p, msg + 8, sizeof(msg) - 8);
	if (flags & F_CONNECT)
		r = probe_call("send", NULL, send(fd, msg, n, 0));
	else
		r = probe_call(
			"sendto", NULL,
			sendto(fd, msg, n, 0, (struct sockaddr *)&ss, len));
	return probe_sync(p, r >= 0);
}

/* Reads what is waiting: echo replies (a healthy path) or, when the
 * kernel made one pending, the error. Bounded: a reply per request at
 * most, plus the final EAGAIN. */
static void recv_now(const struct probe *p, int fd, unsigned flags)
{
	unsigned k;

	for (k = 0; k <= p->seq; k++) {
		uint8_t buf[2048];
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		long r;

		if (flags & F_CONNECT)
			r = probe_call(
				"recv", NULL,
				recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
		else
			r = probe_call(
				"recvfrom", NULL,
				recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
					 (struct sockaddr *)&from, &len));
		if (r < 0)
			return;
		if (r >= 8)
			probe_note("echo reply, seq %u",
				   (unsigned)(buf[6] << 8 | buf[7]));
	}
}

static int run_ping(struct probe *p, unsigned flags)
{
	int fd = open_ping(p, flags);
	unsigned i;

	for (i = 0; i < p->count; i++) {
		send_echo(p, fd, flags);
		if (flags & F_RECVERR)
			probe_drain_errqueue(fd, p->dst.family);
		recv_now(p, fd, flags);
	}
	close(fd);
	return 0;
}

static int run_unconnected(struct probe *p)
{
	return run_ping(p, 0);
}

static int run_recverr(struct probe *p)
{
	return run_ping(p, F_RECVERR);
}

static int run_connected(struct probe *p)
{
	return run_ping(p, F_CONNECT);
}

/* Names and summaries are in lib/probetab.c (probe_defs[]). */
const struct probe_style probe_styles[] = {
	{"ping", run_unconnected},
	{"ping-recverr", run_recverr},
	{"ping-connected", run_connected},
	{NULL, NULL},
};
