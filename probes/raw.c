/* Raw ICMP probe style: what traceroute does. A UDP socket sends; a raw
 * IPPROTO_ICMP socket opened beside it reads the ICMP errors that come
 * back.
 *
 * A raw ICMP socket is handed a copy of every ICMP message the host
 * receives (raw_local_deliver() runs before icmp_rcv()), whoever it is
 * for: errors for other programs' datagrams included. So the program has
 * to read the quoted header itself and decide which errors are its own,
 * and that is the part worth testing: every byte is decoded through
 * lib/pkt.h, which believes nothing it cannot check.
 *
 * Over IPv6 the raw socket is IPPROTO_ICMPV6: it hands over the message
 * without the IPv6 header (RFC 3542 3) and says who sent it in the source
 * address; ICMP6_FILTER keeps the error types (1..127).
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/icmp.h>
#include <netinet/icmp6.h>

#include "pkt.h"
#include "probe.h"

/* The UDP datagrams a quote must name to be ours. */
struct own_flow {
	struct ipaddr src; /* all zero when bound to the wildcard */
	uint16_t sport;
	struct ipaddr dst;
	uint16_t dport;
};

static bool is_wildcard(const struct ipaddr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->a, zero, sizeof(zero)) == 0;
}

/* True when the error quotes one of our UDP datagrams: the quote decoded
 * far enough to hold the ports, and protocol, addresses and ports all
 * agree. Anything the decoder could not vouch for is not ours. */
static bool quote_is_own(const struct pkt *pk, const struct own_flow *f)
{
	const struct pkt_hdr *q = &pk->quote;

	if (pk->status == PKT_INVALID || pk->quote_status == PKT_INVALID ||
	    q->family == 0 || q->kind != PK_UDP || q->proto != IPPROTO_UDP)
		return false;
	if (!addr_eq(&q->dst, &f->dst) || q->dport != f->dport ||
	    q->sport != f->sport)
		return false;
	return is_wildcard(&f->src) || addr_eq(&q->src, &f->src);
}

/* Reads every message waiting on the raw socket without blocking (the
 * sync has already told us the kernel processed the error) and reports
 * each ICMP error in it. Returns the number of own errors. */
static int read_raw(int raw, int family, const struct own_flow *f)
{
	int own = 0, n;

	for (n = 0; n < 64; n++) {
		uint8_t buf[2048];
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		struct pkt pk;
		char d[160];
		ssize_t r;
		bool mine;

		r = recvfrom(raw, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &len);
		probe_call("recvfrom", "raw", r);
		if (r < 0)
			return own;
		/* An IPv4 raw socket hands over the IP header too; an IPv6
		 * one only the message, its sender in the address. */
		if (family == AF_INET6) {
			struct ipaddr src = {0};

			if (addr_from_sockaddr((struct sockaddr *)&from, &src,
					       NULL) < 0 ||
			    src.family != AF_INET6) {
				probe_note("raw: a message from an address "
					   "that is not IPv6 (%u bytes)",
					   (unsigned)len);
				continue;
			}
			pkt_decode_icmp6(buf, (size_t)r, &src, &pk);
		} else {
			pkt_decode_ip(buf, (size_t)r, &pk);
		}
		if (pk.h.kind != PK_ICMP_ERROR) {
			probe_note("raw: %zd bytes that are not an ICMP error "
				   "(%s)",
				   r, pkt_describe(&pk, d, sizeof(d)));
			continue;
		}
		mine = quote_is_own(&pk, f);
		if (pk.status != PKT_OK || pk.quote_status != PKT_OK)
			probe_note("raw: %d/%d: %s", pk.h.icmp_type,
				   pk.h.icmp_code,
				   pkt_describe(&pk, d, sizeof(d)));
		probe_icmp("raw", pk.h.icmp_type, pk.h.icmp_code, &pk.h.src,
			   mine);
		own += mine;
	}
	probe_note("raw: stopped after 64 messages");
	return own;
}

/* A raw ICMP (ICMPv6) socket that passes the error types only. */
static int open_raw(const struct probe *p)
{
	struct icmp_filter filt;
	struct icmp6_filter filt6;
	int raw;

	raw = (int)probe_call("socket", "raw_socket",
			      p->dst.family == AF_INET6
				      ? socket(AF_INET6, SOCK_RAW,
					       IPPROTO_ICMPV6)
				      : socket(AF_INET, SOCK_RAW,
					       IPPROTO_ICMP));
	if (raw < 0) {
		if (errno == EPERM || errno == EACCES)
			probe_skip("raw sockets need CAP_NET_RAW in the "
				   "client namespace");
		probe_err(3, "socket(SOCK_RAW, IPPROTO_ICMP)");
	}
	/* ICMP_FILTER (raw(7)) drops the types whose bit is set: keep the
	 * five that quote a datagram (RFC 792), as traceroute does, so that
	 * echo traffic of other programs does not crowd the queue. */
	if (p->dst.family == AF_INET6) {
		/* RFC 3542 3.2: block all, then pass every ICMPv6 error
		 * type: 1..127, the types without the informational bit
		 * (RFC 4443 2.1), unassigned ones too; neighbour discovery
		 * stays out. */
		int t;

		ICMP6_FILTER_SETBLOCKALL(&filt6);
		for (t = 1; t < 128; t++)
			ICMP6_FILTER_SETPASS(t, &filt6);
		probe_call("setsockopt", "icmp6_filter",
			   setsockopt(raw, IPPROTO_ICMPV6, ICMP6_FILTER,
				      &filt6, sizeof(filt6)));
	} else {
		filt.data = ~((1u << ICMP_DEST_UNREACH) |
			      (1u << ICMP_SOURCE_QUENCH) |
			      (1u << ICMP_REDIRECT) |
			      (1u << ICMP_TIME_EXCEEDED) |
			      (1u << ICMP_PARAMETERPROB));
		probe_call("setsockopt", "icmp_filter",
			   setsockopt(raw, SOL_RAW, ICMP_FILTER, &filt,
				      sizeof(filt)));
	}
	return raw;
}

static int run_raw_icmp(struct probe *p)
{
	struct sockaddr_storage ss;
	struct ipaddr any = {.family = p->dst.family};
	struct own_flow f = {0};
	uint8_t payload[65536];
	socklen_t len;
	int udp, raw;
	unsigned i;

	/* The raw socket first: it must exist before any error can come. */
	raw = open_raw(p);
	udp = (int)probe_call("socket", NULL,
			      socket(p->dst.family, SOCK_DGRAM, IPPROTO_UDP));
	if (udp < 0)
		probe_err(3, "socket");
	probe_set_ttl(p, udp);
	len = addr_to_sockaddr(&any, 0, &ss);
	if (probe_call("bind", NULL, bind(udp, (struct sockaddr *)&ss, len)) <
	    0)
		probe_err(3, "bind");
	probe_flow(p, udp, IPPROTO_UDP);
	len = sizeof(ss);
	if (getsockname(udp, (struct sockaddr *)&ss, &len) < 0)
		probe_err(3, "getsockname");
	if (addr_from_sockaddr((struct sockaddr *)&ss, &f.src, &f.sport) < 0)
		probe_errx(3, "getsockname: unexpected address family");
	f.dst = p->dst;
	f.dport = p->dport;

	len = addr_to_sockaddr(&p->dst, p->dport, &ss);
	for (i = 0; i < p->count; i++) {
		size_t n = probe_payload(p, payload, sizeof(payload));
		long r = probe_call("sendto", NULL,
				    sendto(udp, payload, n, 0,
					   (struct sockaddr *)&ss, len));

		probe_sync(p, r >= 0);
		read_raw(raw, p->dst.family, &f);
	}
	close(udp);
	close(raw);
	return 0;
}

/* --- raw-send-error -------------------------------------------------- */

/* The checksum field's value for len bytes at b (field zero). */
static uint16_t csum(const uint8_t *b, size_t len)
{
	return (uint16_t)~pkt_csum_fold(pkt_csum_add(0, b, len));
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* The echo request that shows the path answers (the control): type,
 * identifier, sequence 1, and a few bytes of text. */
static size_t build_echo(int family, uint16_t id, uint8_t *m)
{
	memset(m, 0, 24);
	m[0] = family == AF_INET6 ? 128 : ICMP_ECHO;
	put16(m + 4, id);
	put16(m + 6, 1);
	memcpy(m + 8, "icmplab control", 16);
	/* An IPv6 raw ICMPv6 socket sums the pseudo-header itself (RFC
	 * 3542 3.1); over IPv4 the message is ours to sum. */
	if (family == AF_INET)
		put16(m + 2, csum(m, 24));
	return 24;
}

/* Port unreachable (3/3; ICMPv6 1/4) as the server would send it to the
 * client about a UDP datagram from the client's port 40000 to the
 * server's probe port: the message the router must not answer. */
static size_t build_error(const struct probe *p, const struct ipaddr *client,
			  uint8_t *m)
{
	uint8_t *q = m + 8;
	size_t hl = p->dst.family == AF_INET6 ? 40 : 20;

	memset(m, 0, 8 + hl + 8);
	if (p->dst.family == AF_INET6) {
		m[0] = 1;
		m[1] = 4;
		q[0] = 0x60;
		put16(q + 4, 8);
		q[6] = IPPROTO_UDP;
		q[7] = 64;
		memcpy(q + 8, client->a, 16);
		memcpy(q + 24, p->dst.a, 16);
	} else {
		m[0] = ICMP_DEST_UNREACH;
		m[1] = ICMP_PORT_UNREACH;
		q[0] = 0x45;
		put16(q + 2, 28);
		q[8] = 64;
		q[9] = IPPROTO_UDP;
		memcpy(q + 12, client->a, 4);
		memcpy(q + 16, p->dst.a, 4);
		put16(q + 10, csum(q, 20));
	}
	put16(q + hl, 40000);
	put16(q + hl + 2, p->dport);
	put16(q + hl + 4, 8);
	if (p->dst.family == AF_INET)
		put16(m + 2, csum(m, 8 + hl + 8));
	return 8 + hl + 8;
}

/* Reads the raw socket, as read_raw does, and sorts what it finds: an
 * error quoting the control's echo request ("control"), one quoting the
 * error this probe sent ("raw"), or another's. */
static void read_answers(int raw, const struct probe *p, uint16_t id,
			 const struct ipaddr *client)
{
	int n;

	for (n = 0; n < 64; n++) {
		uint8_t buf[2048];
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		struct ipaddr src = {0};
		struct pkt pk;
		ssize_t r;
		bool echo, error;

		r = recvfrom(raw, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &len);
		probe_call("recvfrom", "raw", r);
		if (r < 0)
			return;
		if (p->dst.family == AF_INET6) {
			if (addr_from_sockaddr((struct sockaddr *)&from, &src,
					       NULL) < 0)
				continue;
			pkt_decode_icmp6(buf, (size_t)r, &src, &pk);
		} else {
			pkt_decode_ip(buf, (size_t)r, &pk);
		}
		if (pk.h.kind != PK_ICMP_ERROR || pk.status == PKT_INVALID ||
		    pk.quote_status == PKT_INVALID)
			continue;
		echo = pk.quote.kind == PK_ICMP_ECHO && pk.quote.echo_id == id;
		error = pk.quote.kind == PK_ICMP_ERROR &&
			addr_eq(&pk.quote.src, client) &&
			addr_eq(&pk.quote.dst, &p->dst);
		probe_icmp(echo ? "control" : "raw", pk.h.icmp_type,
			   pk.h.icmp_code, &pk.h.src, echo || error);
	}
}

/* RFC 1122 3.2.2, RFC 1812 4.3.2.7, RFC 4443 2.4 (e.1): no ICMP error
 * about an ICMP error. A raw socket sends, with the case's TTL, first an
 * Echo Request (the control: the path answers it) and then a Port
 * Unreachable addressed to the server, and reads what comes back after
 * each. */
static int run_raw_send_error(struct probe *p)
{
	struct sockaddr_storage ss;
	struct ipaddr client;
	uint8_t msg[128];
	uint16_t id = (uint16_t)gettid(); /* its own, whatever runs beside it */
	socklen_t len;
	size_t n;
	long r;
	int raw, udp;

	raw = open_raw(p);
	probe_set_ttl(p, raw);
	/* The client's own address, which the quote names: the source a
	 * connected UDP socket gets. */
	udp = (int)probe_call("socket", NULL,
			      socket(p->dst.family, SOCK_DGRAM, IPPROTO_UDP));
	if (udp < 0)
		probe_err(3, "socket");
	probe_connect(p, udp, p->dport);
	len = sizeof(ss);
	if (getsockname(udp, (struct sockaddr *)&ss, &len) < 0 ||
	    addr_from_sockaddr((struct sockaddr *)&ss, &client, NULL) < 0)
		probe_err(3, "getsockname");
	close(udp);

	len = addr_to_sockaddr(&p->dst, 0, &ss);
	n = build_echo(p->dst.family, id, msg);
	r = probe_call("sendto", "control",
		       sendto(raw, msg, n, 0, (struct sockaddr *)&ss, len));
	probe_sync(p, r >= 0);
	read_answers(raw, p, id, &client);
	n = build_error(p, &client, msg);
	r = probe_call("sendto", NULL,
		       sendto(raw, msg, n, 0, (struct sockaddr *)&ss, len));
	probe_sync(p, r >= 0);
	read_answers(raw, p, id, &client);
	close(raw);
	return 0;
}

/* Names and summaries are in lib/probetab.c (probe_defs[]). */
const struct probe_style probe_styles[] = {
	{"raw-icmp", run_raw_icmp},
	{"raw-send-error", run_raw_send_error},
	{NULL, NULL},
};
