/* Tests for harness/match.c: which flow a captured packet belongs to.
 *
 * Every struct pkt here comes from real bytes decoded by lib/pkt.c, never
 * from a hand-filled struct, so the tests see the fields exactly as the
 * harness does. The bytes are the shared fixtures of fixtures.c;
 * test_fixture_checksums checks every IPv4 header and ICMP checksum in the
 * ones used here, so that a test about a bad checksum is the only one that
 * has one.
 *
 * The flows in these tests follow the topology of the suite: the client
 * is 198.51.100.2 (2001:db8:1::2), the server 203.0.113.2 (2001:db8:2::2),
 * the router 198.51.100.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "../harness/match.h"
#include "fixtures.h"
#include "pkt.h"

/* --- helpers --------------------------------------------------------- */

/* Byte offsets into fx_eth_v4_port_unreach, for the tests that change one
 * field of the quote. */
#define PU_ICMP	       (FX_ETH_LEN + 20)
#define PU_QUOTE       (PU_ICMP + 8)
#define PU_QUOTE_PROTO (PU_QUOTE + 9)
#define PU_QUOTE_SRC   (PU_QUOTE + 12)
#define PU_QUOTE_DST   (PU_QUOTE + 16)
#define PU_QUOTE_SPORT (PU_QUOTE + 20)
#define PU_QUOTE_DPORT (PU_QUOTE + 22)

static struct flow mkflow(int proto, const char *src, uint16_t sport,
			  const char *dst, uint16_t dport)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.proto = proto;
	assert_int_equal(addr_parse(src, &f.src), 0);
	assert_int_equal(addr_parse(dst, &f.dst), 0);
	f.sport = sport;
	f.dport = dport;
	return f;
}

/* The flow of the UDP probe in most fixtures, from its own address. */
static struct flow udp4(void)
{
	return mkflow(IPPROTO_UDP, "198.51.100.2", 40000, "203.0.113.2", 33434);
}

static struct flow udp6(void)
{
	return mkflow(IPPROTO_UDP, "2001:db8:1::2", 40000, "2001:db8:2::2",
		      33434);
}

/* Classifies p against flows (the caller's line in any failure), checking the
 * contract on *flow: the index for WIRE_OUT and WIRE_ERROR, -1 for anything
 * else. Returns the index. */
static int classify_at(const struct pkt *p, const struct flow *flows, int n,
		       enum wire_class want, int line)
{
	int flow = 1234;
	enum wire_class got = match_packet(p, flows, n, &flow);

	if (got != want)
		fail_msg("line %d: class %s, expected %s", line,
			 wire_class_name(got), wire_class_name(want));
	if (want == WIRE_OUT || want == WIRE_ERROR) {
		assert_in_range(flow, 0, n - 1);
		assert_true(flow_has(&flows[flow],
				     want == WIRE_OUT ? &p->h : &p->quote));
	} else {
		assert_int_equal(flow, -1);
	}
	return flow;
}
#define CLASSIFY(p, flows, n, want) classify_at(p, flows, n, want, __LINE__)

/* Decodes fx_eth_v4_port_unreach after setting n bytes at off to b, with the
 * ICMP checksum made right again. */
static void port_unreach_with(size_t off, const uint8_t *b, size_t n,
			      struct pkt *p)
{
	uint8_t f[sizeof(fx_eth_v4_port_unreach)];

	memcpy(f, fx_eth_v4_port_unreach, sizeof(f));
	memcpy(f + off, b, n);
	fx_fix_icmp4_csum(f + FX_ETH_LEN, sizeof(f) - FX_ETH_LEN);
	assert_int_equal(pkt_decode_eth(f, sizeof(f), p), PKT_OK);
	assert_int_equal(p->h.kind, PK_ICMP_ERROR);
	assert_int_equal(p->flags & PKTF_BAD_CSUM, 0);
}

/* --- fixtures are what they say -------------------------------------- */

/* Every IPv4 header and ICMP message in the fixtures checks out (folds to
 * 0xffff), and so does the ICMPv6 message with its pseudo-header. */
static void test_fixture_checksums(void **state)
{
	static const struct fx v4[] = {
		FX(fx_eth_v4_port_unreach, true),
		FX(fx_ip_v4_quote_4, false),
		FX(fx_ip_v4_quote_2, false),
		FX(fx_ip_v4_quote_ihl3, false),
		FX(fx_ip_v4_ttl_echo, false),
		FX(fx_eth_v4_echo_out, true),
		FX(fx_ip_v4_host_unreach_tcp, false),
	};
	static const struct fx v6 = FX(fx_eth_v6_port_unreach, true);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		const uint8_t *ip = v4[i].b + (v4[i].eth ? FX_ETH_LEN : 0);
		size_t len = v4[i].len - (v4[i].eth ? FX_ETH_LEN : 0);

		/* No link padding: the message is all of the datagram. */
		assert_int_equal((size_t)(ip[2] << 8 | ip[3]), len);
		/* Unfragmented ICMP, so that its message is summed too. */
		assert_int_equal(ip[9], IPPROTO_ICMP);
		assert_int_equal((ip[6] & 0x1f) | ip[7], 0);
		assert_true(fx_assert_checksums(&v4[i]));
	}
	/* The quoted IP headers were summed too, though nothing checks them:
	 * a router quotes what it got. */
	assert_int_equal(
		pkt_csum_fold(pkt_csum_add(0, fx_ip_v4_ttl_echo + 28, 20)),
		0xffff);
	assert_int_equal(pkt_csum_fold(pkt_csum_add(
				 0, fx_ip_v4_host_unreach_tcp + 28, 20)),
			 0xffff);
	/* RFC 4443 2.3: ICMPv6 sums an RFC 8200 8.1 pseudo-header. */
	assert_int_equal(v6.b[FX_ETH_LEN + 6], IPPROTO_ICMPV6);
	assert_true(fx_assert_checksums(&v6));
}

/* --- ICMP errors ----------------------------------------------------- */

/* Of several flows that each differ from the quote in one thing, only the
 * one that agrees in all of them owns the error. */
static void test_port_unreach_picks_its_flow(void **state)
{
	struct flow flows[6];
	struct pkt p;

	(void)state;
	flows[0] = mkflow(IPPROTO_UDP, "198.51.100.2", 40000, "203.0.113.2",
			  33435); /* dport */
	flows[1] = mkflow(IPPROTO_UDP, "198.51.100.2", 40001, "203.0.113.2",
			  33434); /* sport */
	flows[2] = mkflow(IPPROTO_TCP, "198.51.100.2", 40000, "203.0.113.2",
			  33434); /* protocol */
	flows[3] = mkflow(IPPROTO_UDP, "198.51.100.2", 40000, "203.0.113.3",
			  33434); /* destination */
	flows[4] = udp4();
	flows[5] = udp6(); /* the same ports, the other family */
	assert_int_equal(pkt_decode_eth(fx_eth_v4_port_unreach,
					sizeof(fx_eth_v4_port_unreach), &p),
			 PKT_OK);
	assert_int_equal(CLASSIFY(&p, flows, 6, WIRE_ERROR), 4);
	/* Without it, nothing else claims the error. */
	CLASSIFY(&p, flows, 4, WIRE_ERROR_OTHER);
	CLASSIFY(&p, flows + 5, 1, WIRE_ERROR_OTHER);
	CLASSIFY(&p, flows, 0, WIRE_ERROR_OTHER);
	/* Two identical flows: the first wins, consistently. */
	flows[5] = flows[4];
	assert_int_equal(CLASSIFY(&p, flows, 6, WIRE_ERROR), 4);
}

/* A socket bound to the wildcard address announces 0.0.0.0 (or ::) as its
 * source: the kernel picked the real one per datagram, so any source
 * matches. A specific source that differs does not. */
static void test_wildcard_source(void **state)
{
	struct flow f;
	struct pkt p;

	(void)state;
	assert_int_equal(pkt_decode_eth(fx_eth_v4_port_unreach,
					sizeof(fx_eth_v4_port_unreach), &p),
			 PKT_OK);
	f = mkflow(IPPROTO_UDP, "0.0.0.0", 40000, "203.0.113.2", 33434);
	CLASSIFY(&p, &f, 1, WIRE_ERROR);
	/* A flow whose source was never set (family 0) is a wildcard too. */
	memset(&f.src, 0, sizeof(f.src));
	CLASSIFY(&p, &f, 1, WIRE_ERROR);
	f = mkflow(IPPROTO_UDP, "198.51.100.3", 40000, "203.0.113.2", 33434);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_OTHER);
	/* The wildcard covers the source only, not the ports. */
	f = mkflow(IPPROTO_UDP, "0.0.0.0", 40001, "203.0.113.2", 33434);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_OTHER);

	assert_int_equal(pkt_decode_eth(fx_eth_v6_port_unreach,
					sizeof(fx_eth_v6_port_unreach), &p),
			 PKT_OK);
	f = mkflow(IPPROTO_UDP, "::", 40000, "2001:db8:2::2", 33434);
	CLASSIFY(&p, &f, 1, WIRE_ERROR);
	f = mkflow(IPPROTO_UDP, "2001:db8:1::3", 40000, "2001:db8:2::2", 33434);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_OTHER);
}

/* addr_eq compares only the bytes a family uses, because an IPv4 address
 * may sit in a buffer with leftovers past byte 4; the wildcard test must
 * agree, or 0.0.0.0 with junk behind it would stop being a wildcard. */
static void test_wildcard_ignores_unused_bytes(void **state)
{
	struct flow f = udp4();
	struct pkt p;

	(void)state;
	memset(f.src.a, 0, 4);
	memset(f.src.a + 4, 0xa5, sizeof(f.src.a) - 4);
	assert_int_equal(pkt_decode_eth(fx_eth_v4_port_unreach,
					sizeof(fx_eth_v4_port_unreach), &p),
			 PKT_OK);
	CLASSIFY(&p, &f, 1, WIRE_ERROR);
	/* And leftovers behind a real source do not hide it either. */
	f = udp4();
	memset(f.src.a + 4, 0xa5, sizeof(f.src.a) - 4);
	memset(f.dst.a + 4, 0x5a, sizeof(f.dst.a) - 4);
	CLASSIFY(&p, &f, 1, WIRE_ERROR);
}

/* A flow known only in part (a user's command: protocol 0, source port
 * 0) takes what no exact flow claims, wherever it sits in the list, so it
 * never steals another probe's datagrams. */
static void test_partial_flow_comes_last(void **state)
{
	static const uint8_t tcp[] = {IPPROTO_TCP};
	struct flow flows[2];
	struct pkt p;

	(void)state;
	flows[0] = mkflow(0, "0.0.0.0", 0, "203.0.113.2", 33434);
	flows[1] = udp4();
	assert_int_equal(pkt_decode_eth(fx_eth_v4_port_unreach,
					sizeof(fx_eth_v4_port_unreach), &p),
			 PKT_OK);
	assert_int_equal(CLASSIFY(&p, flows, 2, WIRE_ERROR), 1);
	assert_int_equal(CLASSIFY(&p, flows, 1, WIRE_ERROR), 0);
	/* Either wildcard alone makes a flow partial. */
	flows[0].sport = 40000;
	assert_int_equal(CLASSIFY(&p, flows, 2, WIRE_ERROR), 1);
	flows[0].sport = 0;
	/* A TCP datagram to the same port is not the exact UDP flow's, but
	 * it may be the partial one's. */
	port_unreach_with(PU_QUOTE_PROTO, tcp, 1, &p);
	assert_int_equal(CLASSIFY(&p, flows, 2, WIRE_ERROR), 0);
	CLASSIFY(&p, flows + 1, 1, WIRE_ERROR_OTHER);
	/* The destination still has to agree. */
	flows[0].dport = 33435;
	CLASSIFY(&p, flows, 2, WIRE_ERROR_OTHER);
	/* Source port 0 alone: any port of the one protocol. */
	flows[0] = mkflow(IPPROTO_UDP, "198.51.100.2", 0, "203.0.113.2", 33434);
	CLASSIFY(&p, flows, 1, WIRE_ERROR_OTHER);
	assert_int_equal(pkt_decode_eth(fx_eth_v4_udp_padded,
					sizeof(fx_eth_v4_udp_padded), &p),
			 PKT_OK);
	assert_int_equal(CLASSIFY(&p, flows, 2, WIRE_OUT), 1);
	assert_int_equal(CLASSIFY(&p, flows, 1, WIRE_OUT), 0);
}

/* The same packet with one field of the quote changed (and the ICMP
 * checksum made right again): an error about someone else's datagram. */
static void test_quote_names_another_datagram(void **state)
{
	static const uint8_t dport[] = {0x82, 0x9b};	/* 33435 */
	static const uint8_t sport[] = {0x9c, 0x41};	/* 40001 */
	static const uint8_t dst[] = {203, 0, 113, 3};	/* server + 1 */
	static const uint8_t src[] = {198, 51, 100, 3}; /* client + 1 */
	static const uint8_t tcp[] = {IPPROTO_TCP};	/* same ports */
	static const uint8_t swapped[] = {0x82, 0x9a, 0x9c, 0x40};
	struct flow f = udp4();
	struct pkt p;

	(void)state;
	port_unreach_with(PU_QUOTE_DPORT, dport, 2, &p);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_OTHER);
	port_unreach_with(PU_QUOTE_SPORT, sport, 2, &p);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_OTHER);
	/* Ports the wrong way round: a reply's, not the probe's. */
	port_unreach_with(PU_QUOTE_SPORT, swapped, 4, &p);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_OTHER);
	port_unreach_with(PU_QUOTE_DST, dst, 4, &p);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_OTHER);
	port_unreach_with(PU_QUOTE_SRC, src, 4, &p);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_OTHER);
	/* The source only counts when the flow has one. */
	f.src.family = 0;
	CLASSIFY(&p, &f, 1, WIRE_ERROR);
	f = udp4();
	port_unreach_with(PU_QUOTE_PROTO, tcp, 1, &p);
	assert_int_equal(p.quote.kind, PK_TCP);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_OTHER);
	f.proto = IPPROTO_TCP;
	CLASSIFY(&p, &f, 1, WIRE_ERROR);
}

/* RFC 792 guarantees only 8 bytes of the quoted transport header, and a
 * quote cut after 4 still holds both ports: enough to match. */
static void test_quote_with_ports_only(void **state)
{
	struct flow f = udp4();
	struct pkt p;

	(void)state;
	pkt_decode_ip(fx_ip_v4_quote_4, sizeof(fx_ip_v4_quote_4), &p);
	assert_int_equal(p.quote_status, PKT_TRUNCATED);
	CLASSIFY(&p, &f, 1, WIRE_ERROR);
}

/* A quote that ends inside the ports cannot be pinned on any socket, even
 * one whose source port it does show. */
static void test_quote_too_short_for_ports(void **state)
{
	struct flow f = udp4();
	struct pkt p;

	(void)state;
	pkt_decode_ip(fx_ip_v4_quote_2, sizeof(fx_ip_v4_quote_2), &p);
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	assert_true(p.flags & PKTF_QUOTE_SHORT);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_MALFORMED);
	f.src.family = 0;
	f.dport = 0;
	CLASSIFY(&p, &f, 1, WIRE_ERROR_MALFORMED);
}

/* A quoted IP header with IHL 3 contradicts itself: however well the bytes
 * after it line up with the flow, it is not matched. */
static void test_quote_invalid(void **state)
{
	struct flow f = udp4();
	struct pkt p;

	(void)state;
	pkt_decode_ip(fx_ip_v4_quote_ihl3, sizeof(fx_ip_v4_quote_ihl3), &p);
	assert_int_equal(p.quote_status, PKT_INVALID);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_MALFORMED);
}

/* An ICMP error that ends inside its own 8-byte header has no quote at
 * all; one whose IP header is fine but whose ICMP header runs past the IP
 * total length is invalid. Both are malformed errors, not "other". */
static void test_error_header_broken(void **state)
{
	uint8_t b[sizeof(fx_ip_v4_quote_4)];
	struct flow f = udp4();
	struct pkt p;

	(void)state;
	/* Captured up to 4 bytes of the ICMP header (a tiny snaplen). */
	assert_int_equal(pkt_decode_ip(fx_ip_v4_quote_4, 24, &p),
			 PKT_TRUNCATED);
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_MALFORMED);
	/* IP total length 24: the ICMP header ends after 4 bytes although
	 * the whole datagram is here. */
	memcpy(b, fx_ip_v4_quote_4, sizeof(b));
	b[2] = 0;
	b[3] = 24;
	fx_fix_ip4_csum(b);
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_INVALID);
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_MALFORMED);
}

/* A capture cut short (snaplen) after the quoted ports still names the
 * flow; cut inside them, it does not. */
static void test_error_cut_by_snaplen(void **state)
{
	struct flow f = udp4();
	struct pkt p;

	(void)state;
	assert_int_equal(
		pkt_decode_eth(fx_eth_v4_port_unreach, PU_QUOTE + 24, &p),
		PKT_TRUNCATED);
	assert_true(p.flags & PKTF_CSUM_UNVERIFIED);
	CLASSIFY(&p, &f, 1, WIRE_ERROR);
	assert_int_equal(
		pkt_decode_eth(fx_eth_v4_port_unreach, PU_QUOTE + 22, &p),
		PKT_TRUNCATED);
	CLASSIFY(&p, &f, 1, WIRE_ERROR_MALFORMED);
}

/* A bad ICMP checksum does not stop the match. Linux drops ICMP whose
 * checksum fails (icmp_rcv), but a test that forges one wants to know that
 * it reached the client and what the socket then did: the capture
 * attributes the error to the flow, and the cell reports the checksum
 * (pkt_describe) next to what the kernel surfaced or did not. Refusing the
 * match here would make "the kernel believed a bad checksum" invisible. */
static void test_bad_checksum_still_matched(void **state)
{
	uint8_t b[sizeof(fx_eth_v4_port_unreach)];
	struct flow flows[2];
	struct pkt p;

	(void)state;
	flows[0] = udp6();
	flows[1] = udp4();
	memcpy(b, fx_eth_v4_port_unreach, sizeof(b));
	b[PU_ICMP + 2] ^= 0x01;
	assert_int_equal(pkt_decode_eth(b, sizeof(b), &p), PKT_OK);
	assert_true(p.flags & PKTF_BAD_CSUM);
	assert_int_equal(CLASSIFY(&p, flows, 2, WIRE_ERROR), 1);
}

/* A ping socket's flow has the echo identifier as both ports; the time
 * exceeded error that quotes its request is matched by that identifier. */
static void test_echo_quote_by_identifier(void **state)
{
	struct flow flows[3];
	struct pkt p;

	(void)state;
	flows[0] = mkflow(IPPROTO_ICMP, "198.51.100.2", 0x4243, "203.0.113.2",
			  0x4243);
	/* A UDP flow that happens to use the id as its ports. */
	flows[1] = mkflow(IPPROTO_UDP, "198.51.100.2", 0x4242, "203.0.113.2",
			  0x4242);
	flows[2] =
		mkflow(IPPROTO_ICMP, "0.0.0.0", 0x4242, "203.0.113.2", 0x4242);
	assert_int_equal(
		pkt_decode_ip(fx_ip_v4_ttl_echo, sizeof(fx_ip_v4_ttl_echo), &p),
		PKT_OK);
	assert_int_equal(p.quote.kind, PK_ICMP_ECHO);
	assert_int_equal(p.quote.echo_id, 0x4242);
	assert_int_equal(CLASSIFY(&p, flows, 3, WIRE_ERROR), 2);
	CLASSIFY(&p, flows, 2, WIRE_ERROR_OTHER);
	/* The request itself, on its way out, is the flow's datagram. */
	assert_int_equal(pkt_decode_eth(fx_eth_v4_echo_out,
					sizeof(fx_eth_v4_echo_out), &p),
			 PKT_OK);
	assert_int_equal(CLASSIFY(&p, flows, 3, WIRE_OUT), 2);
	CLASSIFY(&p, flows, 2, WIRE_OTHER);
}

/* RFC 792 quotes only 8 bytes of TCP: ports and sequence number. */
static void test_tcp_quote_and_syn(void **state)
{
	struct flow flows[2];
	struct pkt p;

	(void)state;
	flows[0] =
		mkflow(IPPROTO_UDP, "198.51.100.2", 40001, "203.0.113.2", 80);
	flows[1] =
		mkflow(IPPROTO_TCP, "198.51.100.2", 40001, "203.0.113.2", 80);
	assert_int_equal(pkt_decode_ip(fx_ip_v4_host_unreach_tcp,
				       sizeof(fx_ip_v4_host_unreach_tcp), &p),
			 PKT_OK);
	assert_int_equal(p.quote.kind, PK_TCP);
	assert_int_equal(CLASSIFY(&p, flows, 2, WIRE_ERROR), 1);
	CLASSIFY(&p, flows, 1, WIRE_ERROR_OTHER);
	assert_int_equal(pkt_decode_eth(fx_eth_v4_tcp_syn,
					sizeof(fx_eth_v4_tcp_syn), &p),
			 PKT_OK);
	assert_int_equal(CLASSIFY(&p, flows, 2, WIRE_OUT), 1);
	CLASSIFY(&p, flows, 1, WIRE_OTHER);
}

/* ICMPv6 destination unreachable, port unreachable (RFC 4443 3.1: type 1
 * code 4) quoting the UDP datagram. */
static void test_v6_port_unreach(void **state)
{
	struct flow flows[3];
	struct pkt p;

	(void)state;
	flows[0] = udp4();
	flows[1] = mkflow(IPPROTO_UDP, "2001:db8:1::2", 40000, "2001:db8:2::3",
			  33434);
	flows[2] = udp6();
	assert_int_equal(pkt_decode_eth(fx_eth_v6_port_unreach,
					sizeof(fx_eth_v6_port_unreach), &p),
			 PKT_OK);
	assert_int_equal(p.h.icmp_type, 1);
	assert_int_equal(p.h.icmp_code, 4);
	assert_int_equal(CLASSIFY(&p, flows, 3, WIRE_ERROR), 2);
	CLASSIFY(&p, flows, 2, WIRE_ERROR_OTHER);
}

/* --- outgoing datagrams and the rest --------------------------------- */

static void test_outgoing_datagram(void **state)
{
	struct flow flows[2];
	struct pkt p;

	(void)state;
	flows[0] = udp6();
	flows[1] = udp4();
	assert_int_equal(pkt_decode_eth(fx_eth_v4_udp_padded,
					sizeof(fx_eth_v4_udp_padded), &p),
			 PKT_OK);
	assert_int_equal(CLASSIFY(&p, flows, 2, WIRE_OUT), 1);
	CLASSIFY(&p, flows, 1, WIRE_OTHER);
	/* The wildcard source works for outgoing datagrams too. */
	flows[1].src.family = 0;
	assert_int_equal(CLASSIFY(&p, flows, 2, WIRE_OUT), 1);
	/* A reply from the server (addresses and ports swapped) is not the
	 * flow's datagram. */
	flows[1] = mkflow(IPPROTO_UDP, "203.0.113.2", 33434, "198.51.100.2",
			  40000);
	CLASSIFY(&p, flows, 2, WIRE_OTHER);
}

static void test_outgoing_v6_echo(void **state)
{
	struct flow f;
	struct pkt p;

	(void)state;
	assert_int_equal(
		pkt_decode_ip(fx_ip_v6_echo, sizeof(fx_ip_v6_echo), &p),
		PKT_OK);
	f = mkflow(IPPROTO_ICMPV6, "2001:db8:1::2", 0x0102, "2001:db8:2::2",
		   0x0102);
	CLASSIFY(&p, &f, 1, WIRE_OUT);
	/* ICMP (v4) is another protocol number. */
	f.proto = IPPROTO_ICMP;
	CLASSIFY(&p, &f, 1, WIRE_OTHER);
	f = mkflow(IPPROTO_ICMPV6, "2001:db8:1::2", 0x0103, "2001:db8:2::2",
		   0x0103);
	CLASSIFY(&p, &f, 1, WIRE_OTHER);
}

/* Neither a flow's datagram nor an ICMP error: ARP, a frame cut inside
 * the Ethernet header, a fragment with no transport header, a datagram
 * cut short by the capture. */
static void test_other_packets(void **state)
{
	struct flow f = udp4();
	struct pkt p;

	(void)state;
	assert_int_equal(pkt_decode_eth(fx_eth_arp_request,
					sizeof(fx_eth_arp_request), &p),
			 PKT_UNSUPPORTED);
	CLASSIFY(&p, &f, 1, WIRE_OTHER);
	pkt_decode_eth(fx_eth_v4_port_unreach, 10, &p);
	CLASSIFY(&p, &f, 1, WIRE_OTHER);
	/* Same addresses and protocol as the flow, but no ports to compare:
	 * the later fragments of a datagram are not counted again. */
	assert_int_equal(pkt_decode_ip(fx_ip_v4_frag_later,
				       sizeof(fx_ip_v4_frag_later), &p),
			 PKT_OK);
	CLASSIFY(&p, &f, 1, WIRE_OTHER);
	/* Never trusted when truncated, even with its ports in view. */
	assert_int_equal(
		pkt_decode_eth(fx_eth_v4_udp_padded, FX_ETH_LEN + 26, &p),
		PKT_TRUNCATED);
	assert_int_equal(p.h.kind, PK_UDP);
	CLASSIFY(&p, &f, 1, WIRE_OTHER);
}

/* flow_has on its own: a header that was never decoded matches nothing,
 * not even a flow that is all zeros. */
static void test_flow_has_undecoded(void **state)
{
	struct flow f;
	struct pkt_hdr h;
	struct pkt p;

	(void)state;
	memset(&f, 0, sizeof(f));
	memset(&h, 0, sizeof(h));
	assert_false(flow_has(&f, &h));
	/* An ICMP message that is neither an error nor an echo has no id. */
	assert_int_equal(
		pkt_decode_ip(fx_ip_v4_ttl_echo, sizeof(fx_ip_v4_ttl_echo), &p),
		PKT_OK);
	f = mkflow(IPPROTO_ICMP, "198.51.100.1", 0, "198.51.100.2", 0);
	assert_false(flow_has(&f, &p.h));
	f = udp4();
	assert_false(flow_has(&f, &p.quote));
	f.proto = IPPROTO_ICMP;
	f.sport = f.dport = 0x4242;
	assert_true(flow_has(&f, &p.quote));
}

static void test_wire_class_names(void **state)
{
	(void)state;
	assert_string_equal(wire_class_name(WIRE_OUT), "datagram");
	assert_string_equal(wire_class_name(WIRE_ERROR), "error");
	assert_string_equal(wire_class_name(WIRE_ERROR_OTHER), "error-other");
	assert_string_equal(wire_class_name(WIRE_ERROR_MALFORMED),
			    "error-malformed");
	assert_string_equal(wire_class_name(WIRE_OTHER), "other");
	assert_string_equal(wire_class_name((enum wire_class)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_checksums),
		cmocka_unit_test(test_port_unreach_picks_its_flow),
		cmocka_unit_test(test_wildcard_source),
		cmocka_unit_test(test_wildcard_ignores_unused_bytes),
		cmocka_unit_test(test_partial_flow_comes_last),
		cmocka_unit_test(test_quote_names_another_datagram),
		cmocka_unit_test(test_quote_with_ports_only),
		cmocka_unit_test(test_quote_too_short_for_ports),
		cmocka_unit_test(test_quote_invalid),
		cmocka_unit_test(test_error_header_broken),
		cmocka_unit_test(test_error_cut_by_snaplen),
		cmocka_unit_test(test_bad_checksum_still_matched),
		cmocka_unit_test(test_echo_quote_by_identifier),
		cmocka_unit_test(test_tcp_quote_and_syn),
		cmocka_unit_test(test_v6_port_unreach),
		cmocka_unit_test(test_outgoing_datagram),
		cmocka_unit_test(test_outgoing_v6_echo),
		cmocka_unit_test(test_other_packets),
		cmocka_unit_test(test_flow_has_undecoded),
		cmocka_unit_test(test_wire_class_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
