/* The probe table: see probetab.h. The summaries are what `--list` and
 * `icmplab probes` print, and what the README's probe table shows. */
#include "probetab.h"

#include <stddef.h>
#include <string.h>

#define V4V6 (PROBE_IPV4 | PROBE_IPV6)

const struct probe_def probe_defs[] = {
	{"udp-unconnected", "udp", PROBE_EVENTS, V4V6,
	 "sendto(), then recvfrom()"},
	{"udp-connected", "udp", PROBE_EVENTS, V4V6,
	 "connect() + send(), then recv(), then a second send()"},
	{"udp-so-error", "udp", PROBE_EVENTS, V4V6,
	 "connect() + send(), then getsockopt(SO_ERROR), then recv()"},
	{"udp-recverr", "udp", PROBE_EVENTS, V4V6,
	 "IP_RECVERR, sendto(), then recvmsg(MSG_ERRQUEUE), then recvfrom()"},
	{"udp-recverr-connected", "udp", PROBE_EVENTS, V4V6,
	 "IP_RECVERR, connect() + send(), then recvmsg(MSG_ERRQUEUE), then "
	 "recv()"},
	{"udp-poll", "udp", PROBE_EVENTS, V4V6,
	 "connect() + send(), then poll(0), recv(), poll(0) again"},
	{"udp-epoll", "udp", PROBE_EVENTS, V4V6,
	 "connect() + send(), then epoll_wait(0), recv(), epoll_wait(0) "
	 "again"},
	{"udp-poll-recverr", "udp", PROBE_EVENTS, V4V6,
	 "IP_RECVERR, sendto(), then poll(0) and recvfrom() twice, the error "
	 "queue never read"},
	{"udp-next-send", "udp", PROBE_EVENTS, V4V6,
	 "connect() + send(), then a second send(), then recv()"},
	{"udp-sendto-other", "udp", PROBE_EVENTS, V4V6,
	 "IP_RECVERR, sendto() the target, then sendto() a healthy loopback "
	 "peer, then the error queue"},
	{"udp-blocked-recv", "udp", PROBE_EVENTS, V4V6,
	 "connect(), a thread asleep in recv() before send(): is it woken?"},
	{"udp-two-errors", "udp", PROBE_EVENTS, V4V6,
	 "IP_RECVERR, two datagrams and two errors, then SO_ERROR between "
	 "single error-queue reads"},
	{"udp-control", "udp", PROBE_EVENTS, V4V6,
	 "IP_RECVERR, connect() + send(); a second connected socket that "
	 "never sends is asked too"},
	{"udp-recverr-rfc4884", "udp", PROBE_EVENTS, V4V6,
	 "IP_RECVERR + IP_RECVERR_RFC4884, sendto(), then "
	 "recvmsg(MSG_ERRQUEUE)"},
	/* Dual-stack: an AF_INET6 socket, IPV6_V6ONLY off, sending to the
	 * v4-mapped form of an IPv4 destination; IPv4 cases only. */
	{"udp-dual-connected", "udp", PROBE_EVENTS, PROBE_IPV4,
	 "AF_INET6 socket, IPV6_V6ONLY off: connect() to ::ffff:<IPv4> + "
	 "send(), then recv(), then getsockopt(SO_ERROR)"},
	{"udp-dual-recverr6", "udp", PROBE_EVENTS, PROBE_IPV4,
	 "AF_INET6 socket, IPV6_V6ONLY off, IPV6_RECVERR: sendto() "
	 "::ffff:<IPv4>, then recvmsg(MSG_ERRQUEUE), then recvfrom()"},
	{"udp-dual-recverr4", "udp", PROBE_EVENTS, PROBE_IPV4,
	 "AF_INET6 socket, IPV6_V6ONLY off, IP_RECVERR: sendto() "
	 "::ffff:<IPv4>, then recvmsg(MSG_ERRQUEUE), then recvfrom()"},
	{"udp-dual-recverr-both", "udp", PROBE_EVENTS, PROBE_IPV4,
	 "AF_INET6 socket, IPV6_V6ONLY off, IP_RECVERR and IPV6_RECVERR: "
	 "sendto() ::ffff:<IPv4>, then recvmsg(MSG_ERRQUEUE), then "
	 "recvfrom()"},
	{"raw-icmp", "raw", PROBE_EVENTS, V4V6,
	 "UDP sendto(), then read a raw ICMP socket and match the quoted "
	 "header (traceroute)"},
	{"raw-send-error", "raw", PROBE_EVENTS, V4V6,
	 "a raw ICMP socket sends an Echo Request (the control), then an ICMP "
	 "error, with the case's TTL, and reads what comes back after each"},
	{"ping", "ping", PROBE_EVENTS, V4V6,
	 "ICMP datagram socket: sendto() an Echo Request, then recvfrom()"},
	{"ping-recverr", "ping", PROBE_EVENTS, V4V6,
	 "ICMP datagram socket, IP_RECVERR: sendto(), then "
	 "recvmsg(MSG_ERRQUEUE), then recvfrom()"},
	{"ping-connected", "ping", PROBE_EVENTS, V4V6,
	 "ICMP datagram socket: connect() + send(), then recv()"},
	{"tcp-connect", "tcp", PROBE_EVENTS, V4V6,
	 "non-blocking connect(), then poll(0), SO_ERROR, and connect() "
	 "again (EALREADY: still trying)"},
	{"tcp-connect-recverr", "tcp", PROBE_EVENTS, V4V6,
	 "IP_RECVERR, non-blocking connect(), then poll(0), SO_ERROR and "
	 "the error queue"},
	{"tcp-established", "tcp", PROBE_EVENTS, V4V6,
	 "connect() with the default TTL, then send() with --ttl, then "
	 "poll(0), SO_ERROR, recv()"},
	{"tcp-established-recverr", "tcp", PROBE_EVENTS, V4V6,
	 "as tcp-established with IP_RECVERR, and the error queue"},
	/* A user's own command (case `command`, or run --probe-cmd): no
	 * binary of ours, no events; its exit status is what surfaces. */
	{"cmd", NULL, PROBE_COMMAND, V4V6,
	 "a user's own command (--probe-cmd, or a case's command line), run "
	 "in the client namespace; its exit status, output and timing go "
	 "beside the wire"},
	{NULL, NULL, PROBE_EVENTS, 0, NULL},
};

const struct probe_def *probe_find(const char *name)
{
	const struct probe_def *p;

	for (p = probe_defs; p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

const char *probe_families_str(unsigned families)
{
	switch (families & (PROBE_IPV4 | PROBE_IPV6)) {
	case PROBE_IPV4:
		return "ipv4";
	case PROBE_IPV6:
		return "ipv6";
	case PROBE_IPV4 | PROBE_IPV6:
		return "ipv4 ipv6";
	default:
		return "none";
	}
}
