/* UDP probe styles: each opens one fresh socket, sends one datagram, waits
 * for the harness to say the ICMP error (if any) has reached the client, and
 * then asks the socket, without blocking, what it learnt. */
#include <err.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"

#define F_CONNECT 0x1
#define F_RECVERR 0x2

/* A socket bound to an ephemeral port before anything is sent, so that the
 * flow (and so the quote the harness will match) is known up front. */
static int open_udp(const struct probe *p, unsigned flags)
{
	struct sockaddr_storage ss;
	struct ipaddr any = {.family = p->dst.family};
	socklen_t len;
	int fd, one = 1;

	fd = (int)probe_call("socket", NULL,
			     socket(p->dst.family, SOCK_DGRAM, IPPROTO_UDP));
	if (fd < 0) {
		if (errno == EAFNOSUPPORT)
			probe_skip("this kernel has no %s UDP sockets",
				   p->dst.family == AF_INET6 ? "IPv6" : "IPv4");
		err(3, "socket");
	}
	probe_set_ttl(p, fd);
	if (flags & F_RECVERR) {
		if (p->dst.family == AF_INET6)
			probe_call("setsockopt", "ipv6_recverr",
				   setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR,
					      &one, sizeof(one)));
		else
			probe_call("setsockopt", "ip_recverr",
				   setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one,
					      sizeof(one)));
	}
	len = addr_to_sockaddr(&any, 0, &ss);
	if (probe_call("bind", NULL, bind(fd, (struct sockaddr *)&ss, len)) < 0)
		err(3, "bind");
	if (flags & F_CONNECT) {
		len = addr_to_sockaddr(&p->dst, p->dport, &ss);
		if (probe_call("connect", NULL,
			       connect(fd, (struct sockaddr *)&ss, len)) < 0)
			err(3, "connect");
	}
	probe_flow(p, fd, IPPROTO_UDP);
	return fd;
}

static uint8_t payload[65536];

/* Sends p->burst datagrams (send() when connected, sendto() otherwise), the
 * first numbered seq+1, and waits for the harness. */
static bool send_one(struct probe *p, int fd, unsigned flags)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_to_sockaddr(&p->dst, p->dport, &ss);
	bool any = false;
	unsigned k;
	size_t n;
	long r;

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

const struct probe_style probe_styles[] = {
	{"udp-unconnected", "sendto(), then recvfrom()", run_unconnected},
	{"udp-connected", "connect() + send(), then recv(), then a second send()",
	 run_connected},
	{"udp-so-error", "connect() + send(), then getsockopt(SO_ERROR), then "
			 "recv()",
	 run_so_error},
	{"udp-recverr", "IP_RECVERR, sendto(), then recvmsg(MSG_ERRQUEUE), "
			"then recvfrom()",
	 run_recverr},
	{"udp-recverr-connected", "IP_RECVERR, connect() + send(), then "
				  "recvmsg(MSG_ERRQUEUE), then recv()",
	 run_recverr_connected},
	{NULL, NULL, NULL},
};
