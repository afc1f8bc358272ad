/* Tests for lib/pkt.c: decoding of real-looking packets, and of malformed
 * ones.
 *
 * The fixtures are the shared ones of fixtures.c, each with the decoded
 * packet in a comment above it; test_fixture_checksums checks every IPv4
 * header and ICMP checksum in them again through pkt_csum_*, so a fixture
 * with a wrong checksum fails loudly instead of testing the wrong thing.
 *
 * What a whole fixture decodes to is a table (decode_cases, one cmocka test
 * a row); what a changed or cut copy of one decodes to is a function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <pcap/dlt.h>
#include <sys/socket.h>

#include "addr.h"
#include "fixtures.h"
#include "pkt.h"

/* --- helpers --------------------------------------------------------- */

/* Every fixture lib/pkt.c is expected to decode, for the tests that walk
 * all of them. */
static const struct fx fixtures[] = {
	FX(fx_eth_v4_port_unreach, true),  FX(fx_ip_v4_ttl_exceeded, false),
	FX(fx_eth_v4_frag_needed, true),   FX(fx_eth_v6_port_unreach, true),
	FX(fx_eth_v6_too_big, true),	   FX(fx_eth_v4_tcp_syn, true),
	FX(fx_eth_v4_udp_padded, true),	   FX(fx_eth_vlan_udp, true),
	FX(fx_ip_v4_quote_4, false),	   FX(fx_ip_v4_quote_2, false),
	FX(fx_ip_v4_quote_ihl3, false),	   FX(fx_ip_v4_quote_opts, false),
	FX(fx_ip_v4_ext_mpls, false),	   FX(fx_ip_v4_ext_badsum, false),
	FX(fx_ip_v6_ext, false),	   FX(fx_ip_v4_redirect_echo, false),
	FX(fx_ip_v4_param_problem, false), FX(fx_ip_v6_exthdrs_udp, false),
	FX(fx_ip_v6_frag_later, false),	   FX(fx_ip_v4_frag_later, false),
	FX(fx_ip_v6_echo, false),	   {NULL, NULL, 0, false},
};

static enum pkt_status decode(const struct fx *f, size_t len, struct pkt *p)
{
	return f->eth ? pkt_decode_eth(f->b, len, p)
		      : pkt_decode_ip(f->b, len, p);
}

/* --- checksums ------------------------------------------------------- */

/* RFC 1071 3 works this example: the sum of these bytes is 0xddf2. */
static void test_csum_rfc1071_example(void **state)
{
	static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03,
				    0xf4, 0xf5, 0xf6, 0xf7};

	(void)state;
	assert_int_equal(pkt_csum_fold(pkt_csum_add(0, b, sizeof(b))), 0xddf2);
	/* Summed in two pieces (the first even) gives the same. */
	assert_int_equal(
		pkt_csum_fold(pkt_csum_add(pkt_csum_add(0, b, 4), b + 4, 4)),
		0xddf2);
}

static void test_csum_odd_and_fold(void **state)
{
	static const uint8_t odd[] = {0x12, 0x34, 0x56};
	static const uint8_t ff[] = {0xff, 0xff, 0xff, 0xff};

	(void)state;
	/* The odd byte counts as the high half of a word. */
	assert_int_equal(pkt_csum_fold(pkt_csum_add(0, odd, 3)), 0x6834);
	/* Carries wrap around: 0xffff + 0xffff = 0x1fffe -> 0xffff. */
	assert_int_equal(pkt_csum_fold(pkt_csum_add(0, ff, 4)), 0xffff);
	assert_int_equal(pkt_csum_fold(0x0001ffffu), 0x0001);
	assert_int_equal(pkt_csum_fold(0xffffffffu), 0xffff);
	assert_int_equal(pkt_csum_add(7, NULL, 0), 7);
}

/* Every IPv4 header and ICMP message in the fixtures sums to 0xffff. The
 * broken fixtures are broken elsewhere, never in these checksums. */
static void test_fixture_checksums(void **state)
{
	const struct fx *f;
	unsigned checked = 0;

	(void)state;
	for (f = fixtures; f->name; f++)
		if (fx_assert_checksums(f))
			checked++; /* all but the VLAN frame, with no ICMP */
	assert_true(checked > 15);
}

/* --- what each fixture decodes to ------------------------------------ */

/* One expected value, checked only when set: a row names the fields its
 * packet is about and leaves the rest alone. */
struct want {
	bool set;
	long v;
};
#define IS(x)                                                                  \
	{                                                                      \
		true, (long)(x)                                                \
	}

/* The fields of a struct pkt_hdr that a row may expect; NULL addresses are
 * not checked. */
struct want_hdr {
	const char *src, *dst;
	struct want family, proto, ttl, ip_id, df, frag_off, ip_len, kind;
	struct want sport, dport, l4_len, l4_csum, tcp_flags, tcp_seq;
	struct want icmp_type, icmp_code, echo_id, echo_seq;
};

struct decode_case {
	const char *name; /* the cmocka test */
	struct fx fx;	  /* decoded whole */
	enum pkt_status status;
	bool no_why, no_quote_why; /* why, quote_why must be NULL */
	struct want_hdr h, quote;
	struct want flags, icmp_rest, mtu, pointer, ext_offset;
	struct want quote_status, quote_len;
	const char *gateway;  /* NULL: not checked */
	const char *describe; /* pkt_describe's text; NULL: not checked */
};

/* Not const: cmocka hands each row to test_decode as its state. */
static struct decode_case decode_cases[] = {
	{
		.name = "test_v4_port_unreach",
		.fx = FX(fx_eth_v4_port_unreach, true),
		.status = PKT_OK,
		.no_why = true,
		.h = {.family = IS(AF_INET),
		      .src = "203.0.113.2",
		      .dst = "198.51.100.2",
		      .proto = IS(IPPROTO_ICMP),
		      .ttl = IS(64),
		      .ip_id = IS(0x9a3e),
		      .df = IS(false),
		      .ip_len = IS(64),
		      .kind = IS(PK_ICMP_ERROR),
		      .icmp_type = IS(3),
		      .icmp_code = IS(3),
		      .l4_csum = IS(0x6357)},
		.flags = IS(0),
		.icmp_rest = IS(0),
		.mtu = IS(0),
		.ext_offset = IS(0),
		.quote_status = IS(PKT_OK),
		.no_quote_why = true,
		.quote_len = IS(36),
		.quote = {.family = IS(AF_INET),
			  .src = "198.51.100.2",
			  .dst = "203.0.113.2",
			  .proto = IS(IPPROTO_UDP),
			  .ttl = IS(63),
			  .ip_id = IS(0x1c46),
			  .df = IS(true),
			  .ip_len = IS(36),
			  .kind = IS(PK_UDP),
			  .sport = IS(40000),
			  .dport = IS(33434),
			  .l4_len = IS(16),
			  .l4_csum = IS(0xd584)},
		.describe = "ok",
	},
	{
		.name = "test_v4_ttl_exceeded",
		.fx = FX(fx_ip_v4_ttl_exceeded, false),
		.status = PKT_OK,
		.h = {.src = "198.51.100.1",
		      .kind = IS(PK_ICMP_ERROR),
		      .icmp_type = IS(11),
		      .icmp_code = IS(0)},
		.flags = IS(0),
		.quote_status = IS(PKT_OK),
		.quote = {.ttl = IS(1),
			  .kind = IS(PK_UDP),
			  .sport = IS(40000),
			  .dport = IS(33435)},
	},
	{
		.name = "test_v4_frag_needed",
		.fx = FX(fx_eth_v4_frag_needed, true),
		.status = PKT_OK,
		.h = {.icmp_type = IS(3), .icmp_code = IS(4)},
		.icmp_rest = IS(1280),
		.mtu = IS(1280),
		.flags = IS(0),
		/* The quote is 48 bytes of a datagram that claims 1400:
		 * normal for a quote, not a truncation. */
		.quote_status = IS(PKT_OK),
		.quote_len = IS(48),
		.quote = {.ip_len = IS(1400),
			  .df = IS(true),
			  .kind = IS(PK_UDP),
			  .l4_len = IS(1380),
			  .sport = IS(40000),
			  .dport = IS(33434)},
	},
	{
		.name = "test_v6_port_unreach",
		.fx = FX(fx_eth_v6_port_unreach, true),
		.status = PKT_OK,
		.h = {.family = IS(AF_INET6),
		      .src = "2001:db8:2::2",
		      .dst = "2001:db8:1::2",
		      .proto = IS(IPPROTO_ICMPV6),
		      .ttl = IS(64),
		      .ip_len = IS(104),
		      .kind = IS(PK_ICMP_ERROR),
		      .icmp_type = IS(1),
		      .icmp_code = IS(4)},
		.flags = IS(0),
		.quote_status = IS(PKT_OK),
		.quote_len = IS(56),
		.quote = {.family = IS(AF_INET6),
			  .src = "2001:db8:1::2",
			  .dst = "2001:db8:2::2",
			  .ttl = IS(63),
			  .ip_len = IS(56),
			  .kind = IS(PK_UDP),
			  .sport = IS(40000),
			  .dport = IS(33434)},
		.describe = "ok",
	},
	{
		.name = "test_v6_too_big",
		.fx = FX(fx_eth_v6_too_big, true),
		.status = PKT_OK,
		.h = {.src = "2001:db8:1::1", .icmp_type = IS(2)},
		.mtu = IS(1280),
		.icmp_rest = IS(1280),
		.flags = IS(0),
		.quote_status = IS(PKT_OK),
		.quote_len = IS(64),
		.quote = {.ip_len = IS(1500),
			  .kind = IS(PK_UDP),
			  .sport = IS(40000),
			  .l4_len = IS(1460)},
	},
	{
		.name = "test_tcp_syn",
		.fx = FX(fx_eth_v4_tcp_syn, true),
		.status = PKT_OK,
		.h = {.kind = IS(PK_TCP),
		      .proto = IS(IPPROTO_TCP),
		      .df = IS(true),
		      .sport = IS(40001),
		      .dport = IS(80),
		      .tcp_seq = IS(0x12345678),
		      .tcp_flags = IS(0x02)},
		.flags = IS(0),
	},
	{
		/* 14 bytes of Ethernet padding past the IP total length are
		 * not part of the datagram. */
		.name = "test_udp_padded",
		.fx = FX(fx_eth_v4_udp_padded, true),
		.status = PKT_OK,
		.h = {.ip_len = IS(32),
		      .kind = IS(PK_UDP),
		      .sport = IS(40000),
		      .dport = IS(33434),
		      .l4_len = IS(12)},
	},
	{
		.name = "test_vlan_udp",
		.fx = FX(fx_eth_vlan_udp, true),
		.status = PKT_OK,
		.h = {.family = IS(AF_INET),
		      .kind = IS(PK_UDP),
		      .sport = IS(40002),
		      .dport = IS(53)},
	},
	{
		.name = "test_redirect_quoting_echo",
		.fx = FX(fx_ip_v4_redirect_echo, false),
		.status = PKT_OK,
		.h = {.kind = IS(PK_ICMP_ERROR),
		      .icmp_type = IS(5),
		      .icmp_code = IS(1)},
		.gateway = "198.51.100.254",
		.flags = IS(0),
		.quote_status = IS(PKT_OK),
		.quote = {.proto = IS(IPPROTO_ICMP),
			  .kind = IS(PK_ICMP_ECHO),
			  .icmp_type = IS(8),
			  .echo_id = IS(0x4242),
			  .echo_seq = IS(7),
			  .sport = IS(0x4242),
			  .dport = IS(0x4242)},
	},
	{
		.name = "test_param_problem",
		.fx = FX(fx_ip_v4_param_problem, false),
		.status = PKT_OK,
		.h = {.icmp_type = IS(12)},
		.pointer = IS(1),
		.icmp_rest = IS(0x01000000),
		/* The pointer byte is not the RFC 4884 length (byte 5). */
		.flags = IS(0),
		.quote = {.kind = IS(PK_UDP)},
	},
	{
		.name = "test_v6_ext_headers",
		.fx = FX(fx_ip_v6_exthdrs_udp, false),
		.status = PKT_OK,
		.h = {.proto = IS(IPPROTO_UDP),
		      .frag_off = IS(0),
		      .kind = IS(PK_UDP),
		      .sport = IS(40000),
		      .dport = IS(33434)},
	},
	{
		.name = "test_fragments_v6",
		.fx = FX(fx_ip_v6_frag_later, false),
		.status = PKT_OK,
		.h = {.proto = IS(IPPROTO_UDP),
		      .frag_off = IS(185),
		      .kind = IS(PK_NONE),
		      .sport = IS(0)},
	},
	{
		.name = "test_fragments_v4",
		.fx = FX(fx_ip_v4_frag_later, false),
		.status = PKT_OK,
		.h = {.proto = IS(IPPROTO_UDP),
		      .frag_off = IS(185),
		      .kind = IS(PK_NONE),
		      .sport = IS(0)},
	},
	{
		.name = "test_v6_echo",
		.fx = FX(fx_ip_v6_echo, false),
		.status = PKT_OK,
		.h = {.kind = IS(PK_ICMP_ECHO),
		      .icmp_type = IS(128),
		      .echo_id = IS(0x0102),
		      .echo_seq = IS(3)},
		/* Checksums are checked on errors only. */
		.flags = IS(0),
	},
	{
		.name = "test_quote_cut_to_4",
		.fx = FX(fx_ip_v4_quote_4, false),
		.status = PKT_OK,
		.h = {.kind = IS(PK_ICMP_ERROR)},
		.flags = IS(PKTF_QUOTE_SHORT),
		.quote_status = IS(PKT_TRUNCATED),
		.quote_len = IS(24),
		/* 4 bytes are enough for the ports. */
		.quote = {.kind = IS(PK_UDP),
			  .sport = IS(40000),
			  .dport = IS(33434),
			  .l4_len = IS(0)},
		.describe = "ok, quote short (ends inside the UDP header)",
	},
	{
		.name = "test_quote_cut_to_2",
		.fx = FX(fx_ip_v4_quote_2, false),
		.status = PKT_OK,
		.flags = IS(PKTF_QUOTE_SHORT),
		.quote_status = IS(PKT_TRUNCATED),
		/* Only one port: neither is reported. */
		.quote = {.family = IS(AF_INET),
			  .kind = IS(PK_NONE),
			  .sport = IS(0),
			  .dport = IS(0)},
	},
	{
		.name = "test_quote_ihl3",
		.fx = FX(fx_ip_v4_quote_ihl3, false),
		.status = PKT_OK,
		.flags = IS(PKTF_QUOTE_INVALID),
		.quote_status = IS(PKT_INVALID),
		.quote = {.kind = IS(PK_NONE)},
		.describe = "ok, quote invalid (IPv4 header length below 20 "
			    "bytes)",
	},
	{
		.name = "test_quote_ip_options",
		.fx = FX(fx_ip_v4_quote_opts, false),
		.status = PKT_OK,
		.flags = IS(0),
		.quote_status = IS(PKT_OK),
		.quote_len = IS(40),
		/* Ports read after the 4 option bytes, not at a fixed offset
		 * 20. */
		.quote = {.ip_len = IS(40),
			  .kind = IS(PK_UDP),
			  .sport = IS(40000),
			  .dport = IS(33436),
			  .l4_len = IS(16)},
	},
	{
		.name = "test_ext_v4_valid",
		.fx = FX(fx_ip_v4_ext_mpls, false),
		.status = PKT_OK,
		.flags = IS(PKTF_EXTENSION),
		.ext_offset = IS(136),
		/* The quote stops where the extension starts; its zero
		 * padding past the quoted total length is ignored. */
		.quote_len = IS(128),
		.quote_status = IS(PKT_OK),
		.quote = {.ip_len = IS(36),
			  .sport = IS(40000),
			  .dport = IS(33437)},
		.describe = "ok, extension",
	},
	{
		.name = "test_ext_v4_bad_checksum",
		.fx = FX(fx_ip_v4_ext_badsum, false),
		.status = PKT_OK,
		.flags = IS(PKTF_EXT_BAD),
		.ext_offset = IS(0),
		/* Without a valid extension the quote is all of the body. */
		.quote_len = IS(140),
		.quote = {.sport = IS(40000)},
		.describe = "ok, bad extension",
	},
	{
		.name = "test_ext_v6",
		.fx = FX(fx_ip_v6_ext, false),
		.status = PKT_OK,
		.flags = IS(PKTF_EXTENSION),
		.ext_offset = IS(136),
		.quote_len = IS(128),
		.quote = {.ip_len = IS(56), .sport = IS(40000)},
	},
};

static void want_eq(const char *which, const char *field, const struct want *w,
		    long got)
{
	if (w->set && got != w->v)
		fail_msg("%s%s is %ld (0x%lx), expected %ld (0x%lx)", which,
			 field, got, (unsigned long)got, w->v,
			 (unsigned long)w->v);
}

/* Checks the field f of *got against the want of the same name in *w. */
#define WANT(which, w, got, f) want_eq(which, #f, &(w)->f, (long)(got)->f)

static void check_hdr(const struct want_hdr *w, const struct pkt_hdr *h,
		      const char *which)
{
	if (w->src)
		fx_assert_addr(&h->src, w->src);
	if (w->dst)
		fx_assert_addr(&h->dst, w->dst);
	WANT(which, w, h, family);
	WANT(which, w, h, proto);
	WANT(which, w, h, ttl);
	WANT(which, w, h, ip_id);
	WANT(which, w, h, df);
	WANT(which, w, h, frag_off);
	WANT(which, w, h, ip_len);
	WANT(which, w, h, kind);
	WANT(which, w, h, sport);
	WANT(which, w, h, dport);
	WANT(which, w, h, l4_len);
	WANT(which, w, h, l4_csum);
	WANT(which, w, h, tcp_flags);
	WANT(which, w, h, tcp_seq);
	WANT(which, w, h, icmp_type);
	WANT(which, w, h, icmp_code);
	WANT(which, w, h, echo_id);
	WANT(which, w, h, echo_seq);
}

/* Decodes a row's fixture whole and checks what the row expects of it. */
static void test_decode(void **state)
{
	const struct decode_case *c = *state;
	struct pkt p;
	char d[128];

	assert_int_equal(decode(&c->fx, c->fx.len, &p), c->status);
	if (c->no_why)
		assert_null(p.why);
	if (c->no_quote_why)
		assert_null(p.quote_why);
	check_hdr(&c->h, &p.h, "p.h.");
	check_hdr(&c->quote, &p.quote, "p.quote.");
	WANT("p.", c, &p, flags);
	WANT("p.", c, &p, icmp_rest);
	WANT("p.", c, &p, mtu);
	WANT("p.", c, &p, pointer);
	WANT("p.", c, &p, ext_offset);
	WANT("p.", c, &p, quote_status);
	WANT("p.", c, &p, quote_len);
	if (c->gateway)
		fx_assert_addr(&p.gateway, c->gateway);
	if (c->describe)
		assert_string_equal(pkt_describe(&p, d, sizeof(d)),
				    c->describe);
}

/* --- well-formed packets, changed or cut ----------------------------- */

/* The bytes of fx_ip_v4_ttl_exceeded behind an Ethernet header that says
 * IPv6 contradict themselves. */
static void test_v4_behind_v6_ethertype(void **state)
{
	uint8_t f[FX_ETH_LEN + sizeof(fx_ip_v4_ttl_exceeded)];
	struct pkt p;

	(void)state;
	memcpy(f, fx_eth_v6_port_unreach, FX_ETH_LEN);
	memcpy(f + FX_ETH_LEN, fx_ip_v4_ttl_exceeded,
	       sizeof(fx_ip_v4_ttl_exceeded));
	assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_INVALID);
	assert_non_null(p.why);
}

static void test_tcp_bad_data_offset(void **state)
{
	uint8_t f[sizeof(fx_eth_v4_tcp_syn)];
	struct pkt p;

	(void)state;
	/* A data offset below 5 words contradicts the header. */
	memcpy(f, fx_eth_v4_tcp_syn, sizeof(f));
	f[FX_ETH_LEN + 20 + 12] = 0x40;
	assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_INVALID);
	/* One that runs past the IP length does too. */
	f[FX_ETH_LEN + 20 + 12] = 0xf0;
	assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_INVALID);
	assert_string_equal(p.why, "ends inside the TCP options");
}

static void test_udp_cut_in_payload(void **state)
{
	struct pkt p;

	(void)state;
	/* Cut inside the payload: headers decoded, but the datagram is not
	 * all there. */
	assert_int_equal(
		pkt_decode_eth(fx_eth_v4_udp_padded, FX_ETH_LEN + 30, &p),
		PKT_TRUNCATED);
	assert_int_equal(p.h.kind, PK_UDP);
	assert_int_equal(p.h.sport, 40000);
	assert_string_equal(p.why, "IP payload shorter than its length field");
}

static void test_vlan_second_tag_and_cut(void **state)
{
	uint8_t f[sizeof(fx_eth_vlan_udp)];
	struct pkt p;

	(void)state;
	/* A second tag is not decoded. */
	memcpy(f, fx_eth_vlan_udp, sizeof(f));
	f[16] = 0x81;
	f[17] = 0x00;
	assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_UNSUPPORTED);
	assert_int_equal(pkt_decode_eth(fx_eth_vlan_udp, 16, &p),
			 PKT_TRUNCATED);
	assert_string_equal(p.why, "ends inside the 802.1Q tag");
}

static void test_v6_ext_header_overrun(void **state)
{
	uint8_t b[sizeof(fx_ip_v6_exthdrs_udp)];
	struct pkt p;

	(void)state;
	/* A destination options length that runs past the payload length
	 * contradicts it. */
	memcpy(b, fx_ip_v6_exthdrs_udp, sizeof(b));
	b[40 + 8 + 1] = 9;
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_INVALID);
	assert_string_equal(p.why, "ends inside an IPv6 extension header");
	/* ... and when the bytes were cut by the capture, it is only a
	 * truncation. */
	assert_int_equal(pkt_decode_ip(b, 50, &p), PKT_TRUNCATED);
}

static void test_v6_echo_cut_before_id(void **state)
{
	struct pkt p;

	(void)state;
	/* Cut before the id, an echo cannot be tied to a socket. */
	assert_int_equal(pkt_decode_ip(fx_ip_v6_echo, 44, &p), PKT_TRUNCATED);
	assert_int_equal(p.h.kind, PK_NONE);
	assert_int_equal(p.h.icmp_type, 128);
}

/* --- malformed packets ----------------------------------------------- */

/* Every prefix of every fixture decodes without a crash to TRUNCATED, or
 * to OK when only Ethernet padding was cut, and whatever it does report
 * agrees with the full decode. */
static void test_prefixes_never_garbage(void **state)
{
	const struct fx *f;
	struct pkt full, p;
	size_t n;
	char d[256];

	(void)state;
	for (f = fixtures; f->name; f++) {
		decode(f, f->len, &full);
		for (n = 0; n < f->len; n++) {
			enum pkt_status st = decode(f, n, &p);

			if (st != PKT_TRUNCATED && st != PKT_OK)
				fail_msg("%s cut to %zu: status %d", f->name, n,
					 st);
			if (st == PKT_OK)
				assert_int_equal(full.status, PKT_OK);
			assert_non_null(pkt_describe(&p, d, sizeof(d)));
			if (p.h.family) {
				assert_int_equal(p.h.family, full.h.family);
				assert_true(addr_eq(&p.h.src, &full.h.src));
				assert_true(addr_eq(&p.h.dst, &full.h.dst));
			}
			if (p.h.kind != PK_NONE) {
				assert_int_equal(p.h.kind, full.h.kind);
				assert_int_equal(p.h.sport, full.h.sport);
				assert_int_equal(p.h.dport, full.h.dport);
			}
			if (p.h.kind == PK_ICMP_ERROR && st == PKT_TRUNCATED)
				assert_true(p.flags & PKTF_CSUM_UNVERIFIED);
			assert_false(p.flags & PKTF_BAD_CSUM);
			assert_false(p.flags & PKTF_EXT_BAD &&
				     !(full.flags & PKTF_EXT_BAD));
			if (p.quote.kind != PK_NONE) {
				assert_int_equal(p.quote.kind, full.quote.kind);
				assert_int_equal(p.quote.sport,
						 full.quote.sport);
				assert_int_equal(p.quote.dport,
						 full.quote.dport);
			}
			assert_true(p.quote_len <= full.quote_len);
		}
	}
}

/* Flipping any single bit of any fixture must not crash or read out of
 * bounds (run under the sanitizers), and the status stays one of the
 * four. */
static void test_bit_flips(void **state)
{
	const struct fx *f;
	uint8_t b[256];
	struct pkt p;
	size_t i;
	int bit;
	char d[64];

	(void)state;
	for (f = fixtures; f->name; f++) {
		assert_true(f->len <= sizeof(b));
		for (i = 0; i < f->len; i++) {
			for (bit = 0; bit < 8; bit++) {
				memcpy(b, f->b, f->len);
				b[i] ^= (uint8_t)(1u << bit);
				if (f->eth)
					pkt_decode_eth(b, f->len, &p);
				else
					pkt_decode_ip(b, f->len, &p);
				assert_in_range(p.status, PKT_OK,
						PKT_UNSUPPORTED);
				assert_true(p.quote_len <= f->len);
				pkt_describe(&p, d, sizeof(d));
			}
		}
	}
}

static void test_bad_icmp_checksum(void **state)
{
	uint8_t f[sizeof(fx_eth_v4_port_unreach)];
	uint8_t g[sizeof(fx_eth_v6_port_unreach)];
	struct pkt p;
	char d[128];

	(void)state;
	memcpy(f, fx_eth_v4_port_unreach, sizeof(f));
	f[FX_ETH_LEN + 20 + 3] ^= 0x01;
	/* A bad checksum is a flag: the error is still decoded. */
	assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_OK);
	assert_int_equal(p.flags, PKTF_BAD_CSUM);
	assert_int_equal(p.h.icmp_code, 3);
	assert_int_equal(p.quote.sport, 40000);
	assert_string_equal(pkt_describe(&p, d, sizeof(d)), "ok, bad checksum");

	/* A change in the quote is caught by the checksum too. */
	memcpy(f, fx_eth_v4_port_unreach, sizeof(f));
	f[sizeof(f) - 1] ^= 0x80;
	assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_OK);
	assert_int_equal(p.flags, PKTF_BAD_CSUM);

	/* ICMPv6 covers the pseudo-header: a changed destination address
	 * makes the checksum fail although the ICMP bytes are intact. */
	memcpy(g, fx_eth_v6_port_unreach, sizeof(g));
	g[FX_ETH_LEN + 39] ^= 0x01;
	assert_int_equal(pkt_decode_eth(g, sizeof(g), &p), PKT_OK);
	assert_int_equal(p.flags, PKTF_BAD_CSUM);

	/* A cut message is not summed. */
	assert_int_equal(pkt_decode_eth(f, sizeof(f) - 1, &p), PKT_TRUNCATED);
	assert_int_equal(p.flags, PKTF_CSUM_UNVERIFIED);
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_string_equal(pkt_describe(&p, d, sizeof(d)),
			    "truncated: IP payload shorter than its length "
			    "field, checksum unverified");
}

static void test_quote_wrong_family(void **state)
{
	uint8_t b[20 + 8 + 48];
	struct pkt p;

	(void)state;
	/* An ICMPv4 error quoting an IPv6 header. */
	memcpy(b, fx_ip_v4_quote_4, 28);
	memcpy(b + 28, fx_ip_v6_echo, 48);
	b[2] = 0;
	b[3] = sizeof(b);
	fx_fix_ip4_csum(b);
	fx_fix_icmp4_csum(b, sizeof(b));
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_OK);
	assert_int_equal(p.flags, PKTF_QUOTE_INVALID);
	assert_int_equal(p.quote.family, 0);
}

static void test_ext_v4_other_breakage(void **state)
{
	uint8_t b[sizeof(fx_ip_v4_ext_mpls)];
	struct pkt p;

	(void)state;
	/* A zero extension checksum means "not computed" and is accepted. */
	memcpy(b, fx_ip_v4_ext_mpls, sizeof(b));
	b[28 + 128 + 2] = b[28 + 128 + 3] = 0;
	fx_fix_icmp4_csum(b, sizeof(b));
	pkt_decode_ip(b, sizeof(b), &p);
	assert_int_equal(p.flags, PKTF_EXTENSION);

	/* Version 1 is not an extension icmplab reports. */
	memcpy(b, fx_ip_v4_ext_mpls, sizeof(b));
	b[28 + 128] = 0x10;
	fx_fix_icmp4_csum(b, sizeof(b));
	pkt_decode_ip(b, sizeof(b), &p);
	assert_int_equal(p.flags, PKTF_EXT_BAD);

	/* RFC 4884 length below 128 bytes (31 words). */
	memcpy(b, fx_ip_v4_ext_mpls, sizeof(b));
	b[25] = 31;
	fx_fix_icmp4_csum(b, sizeof(b));
	pkt_decode_ip(b, sizeof(b), &p);
	assert_int_equal(p.flags, PKTF_EXT_BAD);
	assert_int_equal(p.quote.sport, 40000);

	/* A length that points at the end of the message: nothing follows. */
	memcpy(b, fx_ip_v4_ext_mpls, sizeof(b));
	b[25] = 35;
	fx_fix_icmp4_csum(b, sizeof(b));
	pkt_decode_ip(b, sizeof(b), &p);
	assert_int_equal(p.flags, PKTF_EXT_BAD);

	/* An object length below its own 4-byte header; the extension
	 * checksum is left wrong too, so set it to zero. */
	memcpy(b, fx_ip_v4_ext_mpls, sizeof(b));
	b[28 + 128 + 2] = b[28 + 128 + 3] = 0;
	b[28 + 128 + 4] = 0;
	b[28 + 128 + 5] = 2;
	fx_fix_icmp4_csum(b, sizeof(b));
	pkt_decode_ip(b, sizeof(b), &p);
	assert_int_equal(p.flags, PKTF_EXT_BAD);

	/* Cut by the capture inside the object: the header was good, what
	 * is missing cannot be held against it. */
	pkt_decode_ip(fx_ip_v4_ext_mpls, sizeof(fx_ip_v4_ext_mpls) - 2, &p);
	assert_int_equal(p.status, PKT_TRUNCATED);
	assert_int_equal(p.flags, PKTF_CSUM_UNVERIFIED | PKTF_EXTENSION);
	/* Cut before the extension: nothing can be said about it. */
	pkt_decode_ip(fx_ip_v4_ext_mpls, 28 + 100, &p);
	assert_int_equal(p.flags, PKTF_CSUM_UNVERIFIED);
	assert_int_equal(p.quote.sport, 40000);
}

static void test_ext_v6_bad_object_length(void **state)
{
	uint8_t b[sizeof(fx_ip_v6_ext)];
	struct pkt p;
	uint16_t c;

	(void)state;
	/* Break an object length, keep the ICMPv6 checksum right. */
	memcpy(b, fx_ip_v6_ext, sizeof(b));
	b[40 + 136 + 2] = b[40 + 136 + 3] = 0;
	b[40 + 136 + 5] = 200;
	b[42] = b[43] = 0;
	c = fx_csum_field(fx_pseudo6(b, sizeof(b)), b + 40, sizeof(b) - 40);
	b[42] = (uint8_t)(c >> 8);
	b[43] = (uint8_t)c;
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_OK);
	assert_int_equal(p.flags, PKTF_EXT_BAD);
}

static void test_length_without_extension(void **state)
{
	uint8_t b[sizeof(fx_ip_v4_ttl_exceeded)];
	struct pkt p;

	(void)state;
	/* A packet-too-big has no length field: its MTU high byte must not
	 * be taken for one. In a time exceeded, byte 5 is the length. */
	memcpy(b, fx_ip_v4_ttl_exceeded, sizeof(b));
	b[25] = 2;
	fx_fix_icmp4_csum(b, sizeof(b));
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_OK);
	assert_int_equal(p.flags, PKTF_EXT_BAD);
	assert_int_equal(p.quote.sport, 40000);
	/* Byte 4 in ICMPv4 is not the length. */
	memcpy(b, fx_ip_v4_ttl_exceeded, sizeof(b));
	b[24] = 32;
	fx_fix_icmp4_csum(b, sizeof(b));
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_OK);
	assert_int_equal(p.flags, 0);
	assert_int_equal(pkt_decode_eth(fx_eth_v6_too_big,
					sizeof(fx_eth_v6_too_big), &p),
			 PKT_OK);
	assert_int_equal(p.flags, 0);
}

static void test_outer_invalid(void **state)
{
	uint8_t b[sizeof(fx_ip_v4_ttl_exceeded)];
	uint8_t f[sizeof(fx_eth_v4_tcp_syn)];
	struct pkt p;

	(void)state;
	/* IHL below 5: invalid from the first byte on. */
	memcpy(b, fx_ip_v4_ttl_exceeded, sizeof(b));
	b[0] = 0x44;
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_INVALID);
	assert_int_equal(pkt_decode_ip(b, 1, &p), PKT_INVALID);
	/* Total length below the header length. */
	memcpy(b, fx_ip_v4_ttl_exceeded, sizeof(b));
	b[3] = 19;
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_INVALID);
	assert_string_equal(p.why, "IPv4 total length below header length");
	/* Version 5. */
	b[0] = 0x55;
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_INVALID);
	/* An ICMP message that the IP length leaves 4 bytes: not a cut
	 * capture but a datagram too short for its own header. */
	memcpy(b, fx_ip_v4_ttl_exceeded, sizeof(b));
	b[3] = 24;
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_INVALID);
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	assert_true(p.flags & PKTF_QUOTE_SHORT);
	/* An ARP frame. */
	memcpy(f, fx_eth_v4_tcp_syn, sizeof(f));
	f[12] = 0x08;
	f[13] = 0x06;
	assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_UNSUPPORTED);
	assert_int_equal(p.h.family, 0);
	/* Nothing at all. */
	assert_int_equal(pkt_decode_eth(NULL, 0, &p), PKT_TRUNCATED);
	assert_int_equal(pkt_decode_ip(NULL, 0, &p), PKT_TRUNCATED);
	/* A UDP length below the header. */
	memcpy(f, fx_eth_v4_udp_padded, sizeof(fx_eth_v4_udp_padded));
	f[FX_ETH_LEN + 20 + 5] = 7;
	assert_int_equal(pkt_decode_eth(f, sizeof(fx_eth_v4_udp_padded), &p),
			 PKT_INVALID);
}

static void test_is_error(void **state)
{
	static const int v4[] = {3, 4, 5, 11, 12};
	int t, n = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
		assert_true(pkt_icmp_is_error(AF_INET, v4[i]));
	for (t = 0; t < 256; t++)
		n += pkt_icmp_is_error(AF_INET, t);
	assert_int_equal(n, 5);
	n = 0;
	for (t = 0; t < 256; t++)
		n += pkt_icmp_is_error(AF_INET6, t);
	assert_int_equal(n, 127); /* 1..127: RFC 4443 2.1 */
	assert_true(pkt_icmp_is_error(AF_INET6, 2));
	assert_true(pkt_icmp_is_error(AF_INET6, 100));
	assert_false(pkt_icmp_is_error(AF_INET6, 0));
	assert_false(pkt_icmp_is_error(AF_INET6, 128));
	assert_false(pkt_icmp_is_error(0, 3));
}

static void test_describe_small_buffers(void **state)
{
	struct pkt p;
	char d[8];

	(void)state;
	pkt_decode_ip(fx_ip_v4_quote_4, sizeof(fx_ip_v4_quote_4), &p);
	/* Cut, but terminated. */
	assert_string_equal(pkt_describe(&p, d, sizeof(d)), "ok, quo");
	assert_string_equal(pkt_describe(&p, d, 1), "");
	d[0] = 'x';
	pkt_describe(&p, d, 0);
	assert_int_equal(d[0], 'x');
	pkt_decode_ip(fx_ip_v4_quote_4, 3, &p);
	assert_string_equal(pkt_describe(&p, d, sizeof(d)), "truncat");
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The link types read accepts, around fx_ip_v4_quote_4 (an IPv4 3/3):
 * each header whole decodes to the same packet; each header cut is
 * truncated, never garbage; a family or ethertype that is not IP, and a
 * link type not decoded, are unsupported. */
static void test_link_types(void **state)
{
	static const struct {
		int dlt;
		size_t hlen;
		uint8_t h[20];
	} lt[] = {
		{DLT_LINUX_SLL, 16, {[14] = 0x08, [15] = 0x00}},
		{DLT_LINUX_SLL2, 20, {0x08, 0x00}},
		{DLT_RAW, 0, {0}},
		{DLT_IPV4, 0, {0}},
		{DLT_NULL, 4, {2, 0, 0, 0}}, /* AF_INET, little-endian */
		{DLT_LOOP, 4, {0, 0, 0, 2}}, /* network order */
	};
	uint8_t buf[512];
	struct pkt want, p;
	size_t i, n = sizeof(fx_ip_v4_quote_4);

	(void)state;
	assert_true(n + 20 <= sizeof(buf));
	pkt_decode_ip(fx_ip_v4_quote_4, n, &want);
	for (i = 0; i < N_OF(lt); i++) {
		assert_true(pkt_link_supported(lt[i].dlt));
		memcpy(buf, lt[i].h, lt[i].hlen);
		memcpy(buf + lt[i].hlen, fx_ip_v4_quote_4, n);
		assert_int_equal(
			pkt_decode_link(lt[i].dlt, buf, lt[i].hlen + n, &p),
			want.status);
		assert_int_equal(p.flags, want.flags);
		assert_int_equal(p.h.kind, PK_ICMP_ERROR);
		assert_int_equal(p.quote.dport, want.quote.dport);
		if (lt[i].hlen) {
			assert_int_equal(pkt_decode_link(lt[i].dlt, buf,
							 lt[i].hlen - 1, &p),
					 PKT_TRUNCATED);
			assert_int_equal(p.h.family, 0);
		}
	}
	/* IPv6 bytes where DLT_IPV4 promises IPv4. */
	assert_int_equal(pkt_decode_link(DLT_IPV4, fx_ip_v6_echo,
					 sizeof(fx_ip_v6_echo), &p),
			 PKT_INVALID);
	/* A loopback family that is not IP (AF_UNIX 1 in both orders). */
	buf[0] = 1;
	buf[1] = buf[2] = buf[3] = 0;
	assert_int_equal(pkt_decode_link(DLT_NULL, buf, 4 + n, &p),
			 PKT_UNSUPPORTED);
	/* ARP behind a cooked header. */
	memset(buf, 0, 20);
	buf[0] = 0x08;
	buf[1] = 0x06;
	assert_int_equal(pkt_decode_link(DLT_LINUX_SLL2, buf, 20 + n, &p),
			 PKT_UNSUPPORTED);
	assert_false(pkt_link_supported(DLT_IEEE802_11));
	assert_int_equal(pkt_decode_link(DLT_IEEE802_11, buf, 20, &p),
			 PKT_UNSUPPORTED);
}

/* An IPv6 raw socket's message: no IPv6 header, the sender from recvfrom.
 * The error and its quote decode; the checksum is left to the kernel. */
static void test_decode_icmp6_raw(void **state)
{
	struct ipaddr src;
	struct pkt p;

	(void)state;
	assert_int_equal(addr_parse("2001:db8:1::1", &src), 0);
	assert_int_equal(pkt_decode_icmp6(fx_forged6_port + 40,
					  sizeof(fx_forged6_port) - 40, &src,
					  &p),
			 PKT_OK);
	assert_int_equal(p.h.family, AF_INET6);
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	assert_int_equal(p.h.icmp_type, 1);
	assert_int_equal(p.h.icmp_code, 4);
	assert_true(addr_eq(&p.h.src, &src));
	assert_true(p.flags & PKTF_CSUM_UNVERIFIED);
	assert_false(p.flags & PKTF_BAD_CSUM);
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.dport, 33434);
	/* The quote cut inside the UDP header: a short quote, not ours. */
	assert_int_equal(pkt_decode_icmp6(fx_forged6_port + 40, 8 + 40 + 2,
					  &src, &p),
			 PKT_OK);
	assert_int_equal(p.quote_status, PKT_TRUNCATED);
	/* Fewer bytes than an ICMPv6 header: invalid. */
	assert_int_equal(pkt_decode_icmp6(fx_forged6_port + 40, 6, &src, &p),
			 PKT_INVALID);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_decode_icmp6_raw),
		cmocka_unit_test(test_csum_rfc1071_example),
		cmocka_unit_test(test_csum_odd_and_fold),
		cmocka_unit_test(test_fixture_checksums),
		cmocka_unit_test(test_v4_behind_v6_ethertype),
		cmocka_unit_test(test_tcp_bad_data_offset),
		cmocka_unit_test(test_udp_cut_in_payload),
		cmocka_unit_test(test_vlan_second_tag_and_cut),
		cmocka_unit_test(test_v6_ext_header_overrun),
		cmocka_unit_test(test_v6_echo_cut_before_id),
		cmocka_unit_test(test_prefixes_never_garbage),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_bad_icmp_checksum),
		cmocka_unit_test(test_quote_wrong_family),
		cmocka_unit_test(test_ext_v4_other_breakage),
		cmocka_unit_test(test_ext_v6_bad_object_length),
		cmocka_unit_test(test_length_without_extension),
		cmocka_unit_test(test_outer_invalid),
		cmocka_unit_test(test_is_error),
		cmocka_unit_test(test_describe_small_buffers),
		cmocka_unit_test(test_link_types),
	};
	/* The rows of decode_cases first, then the tests above. */
	struct CMUnitTest tests[N_OF(decode_cases) + N_OF(fixed)];
	size_t i, n = 0;

	for (i = 0; i < N_OF(decode_cases); i++) {
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = decode_cases[i].name;
		tests[n].test_func = test_decode;
		tests[n].initial_state = &decode_cases[i];
		n++;
	}
	for (i = 0; i < N_OF(fixed); i++)
		tests[n++] = fixed[i];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
