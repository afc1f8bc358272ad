/* Tests for harness/forge.c: the forged ICMPv4 errors, byte for byte.
 *
 * The datagrams (fx_dgram_*) and the expected packets (fx_forged_*) live in
 * fixtures.c, each with the decoded packet in a comment above it; they were
 * written out from the RFC layouts by a small independent script (not by
 * the code under test). Every checksum in them is checked again here with
 * this file's own RFC 1071 sum, so a fixture with a wrong checksum fails
 * loudly instead of testing the wrong thing. Every forged packet is also
 * decoded back through pkt_decode_ip, which is what the harness will do
 * with it on the wire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "catalog.h"
#include "fixtures.h"
#include "forge.h"
#include "pkt.h"

/* --- helpers --------------------------------------------------------- */

/* RFC 1071 by hand (fixtures.c): the folded sum of len bytes. */
static uint16_t sum16(const uint8_t *p, size_t len)
{
	return fx_sum16(p, len, 0);
}

/* The IP header checksum of p verifies, and the ICMP checksum does or does
 * not as icmp_ok says. */
static void check_sums(const uint8_t *p, size_t len, int icmp_ok)
{
	size_t hl = (size_t)(p[0] & 0x0f) * 4;

	assert_true(len >= hl + 8);
	assert_int_equal(sum16(p, hl), 0xffff);
	if (icmp_ok)
		assert_int_equal(sum16(p + hl, len - hl), 0xffff);
	else
		assert_int_not_equal(sum16(p + hl, len - hl), 0xffff);
}

/* The spec every fixture starts from: 3/3 from the router's client-side
 * address. */
static struct forge_spec base_spec(uint16_t id)
{
	struct forge_spec s;

	memset(&s, 0, sizeof(s));
	inet_pton(AF_INET, "198.51.100.1", s.src);
	s.type = 3;
	s.code = 3;
	s.ip_id = id;
	s.iface.ifindex = 2;
	inet_pton(AF_INET, "198.51.100.1", s.iface.addr);
	snprintf(s.iface.name, sizeof(s.iface.name), "rc");
	s.iface.mtu = 1500;
	return s;
}

/* Builds spec against dgram and checks the bytes against want. */
static void build_and_compare(const struct forge_spec *s, const uint8_t *dgram,
			      size_t dlen, const uint8_t *want, size_t wlen)
{
	uint8_t out[FORGE_PKT_MAX];
	char err[256] = "";
	ssize_t n;

	n = forge_build(s, dgram, dlen, out, sizeof(out), err, sizeof(err));
	if (n < 0)
		fail_msg("forge_build: %s", err);
	assert_int_equal(n, wlen);
	assert_memory_equal(out, want, wlen);
}

/* Decodes a fixture as the harness decodes the wire. */
static void decode(const uint8_t *p, size_t len, struct pkt *out)
{
	assert_int_equal(pkt_decode_ip(p, len, out), PKT_OK);
	assert_int_equal(out->h.family, AF_INET);
	assert_int_equal(out->h.kind, PK_ICMP_ERROR);
	assert_int_equal(out->h.proto, IPPROTO_ICMP);
	assert_int_equal(out->h.ttl, 64);
	assert_false(out->h.df);
}

/* --- fixtures are what they say -------------------------------------- */

static void test_fixture_checksums(void **state)
{
	(void)state;
	assert_int_equal(sum16(fx_dgram_udp, 20), 0xffff);
	assert_int_equal(sum16(fx_dgram_udp_ef, 20), 0xffff);
	assert_int_equal(sum16(fx_dgram_echo, 20), 0xffff);
	assert_int_equal(sum16(fx_dgram_echo + 20, 16), 0xffff);
	assert_int_equal(sum16(fx_dgram_udp_opts, 24), 0xffff);
	check_sums(fx_forged_port, sizeof(fx_forged_port), 1);
	check_sums(fx_forged_frag, sizeof(fx_forged_frag), 1);
	check_sums(fx_forged_param, sizeof(fx_forged_param), 1);
	check_sums(fx_forged_redirect, sizeof(fx_forged_redirect), 1);
	check_sums(fx_forged_quench, sizeof(fx_forged_quench), 1);
	check_sums(fx_forged_bad_csum, sizeof(fx_forged_bad_csum), 0);
	check_sums(fx_forged_short, sizeof(fx_forged_short), 1);
	check_sums(fx_forged_other_sport, sizeof(fx_forged_other_sport), 1);
	check_sums(fx_forged_other_dst, sizeof(fx_forged_other_dst), 1);
	check_sums(fx_forged_rfc4884, sizeof(fx_forged_rfc4884), 1);
	check_sums(fx_forged_offpath, sizeof(fx_forged_offpath), 1);
	check_sums(fx_forged_echo_other_sport,
		   sizeof(fx_forged_echo_other_sport), 1);
	check_sums(fx_forged_opts, sizeof(fx_forged_opts), 1);
	/* The quotes edited to name another flow stay self-consistent: the
	 * quoted IP header of other_dst verifies. */
	assert_int_equal(sum16(fx_forged_other_dst + 28, 20), 0xffff);
	/* The RFC 4884 extension checksum verifies over the extension. */
	assert_int_equal(sum16(fx_forged_rfc4884 + 28 + 128,
			       sizeof(fx_forged_rfc4884) - 28 - 128),
			 0xffff);
}

/* --- one test per message -------------------------------------------- */

static void test_port_unreachable(void **state)
{
	struct forge_spec s = base_spec(1);
	struct pkt p;

	(void)state;
	build_and_compare(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
			  fx_forged_port, sizeof(fx_forged_port));
	decode(fx_forged_port, sizeof(fx_forged_port), &p);
	assert_int_equal(p.h.icmp_type, 3);
	assert_int_equal(p.h.icmp_code, 3);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.h.ip_id, 1);
	fx_assert_addr(&p.h.src, "198.51.100.1");
	fx_assert_addr(&p.h.dst, "198.51.100.2");
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.dport, 33434);
	fx_assert_addr(&p.quote.src, "198.51.100.2");
	fx_assert_addr(&p.quote.dst, "203.0.113.2");
	assert_int_equal(p.quote_len, 28);
}

static void test_frag_needed_mtu(void **state)
{
	struct forge_spec s = base_spec(2);
	struct pkt p;

	(void)state;
	s.code = 4;
	s.mtu = 1280;
	build_and_compare(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
			  fx_forged_frag, sizeof(fx_forged_frag));
	decode(fx_forged_frag, sizeof(fx_forged_frag), &p);
	assert_int_equal(p.h.icmp_code, 4);
	assert_int_equal(p.mtu, 1280);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.quote.sport, 40000);
}

/* RFC 792 leaves the rest unused (zero) for every other code: an mtu given
 * with 3/3 must not leak into it. */
static void test_mtu_only_for_code_4(void **state)
{
	struct forge_spec s = base_spec(1);

	(void)state;
	s.mtu = 1280;
	build_and_compare(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
			  fx_forged_port, sizeof(fx_forged_port));
}

static void test_param_problem_pointer(void **state)
{
	struct forge_spec s = base_spec(3);
	struct pkt p;

	(void)state;
	s.type = 12;
	s.code = 0;
	s.pointer = 20;
	build_and_compare(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
			  fx_forged_param, sizeof(fx_forged_param));
	decode(fx_forged_param, sizeof(fx_forged_param), &p);
	assert_int_equal(p.h.icmp_type, 12);
	assert_int_equal(p.pointer, 20);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.quote.dport, 33434);
}

static void test_redirect_gateway(void **state)
{
	struct forge_spec s = base_spec(4);
	struct pkt p;

	(void)state;
	s.type = 5;
	s.code = 1;
	inet_pton(AF_INET, "198.51.100.254", s.gateway);
	build_and_compare(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
			  fx_forged_redirect, sizeof(fx_forged_redirect));
	decode(fx_forged_redirect, sizeof(fx_forged_redirect), &p);
	assert_int_equal(p.h.icmp_type, 5);
	assert_int_equal(p.h.icmp_code, 1);
	fx_assert_addr(&p.gateway, "198.51.100.254");
	assert_int_equal(p.quote.sport, 40000);
}

static void test_source_quench_precedence(void **state)
{
	struct forge_spec s = base_spec(5);
	struct pkt p;

	(void)state;
	s.type = 4;
	s.code = 0;
	build_and_compare(&s, fx_dgram_udp_ef, sizeof(fx_dgram_udp_ef),
			  fx_forged_quench, sizeof(fx_forged_quench));
	decode(fx_forged_quench, sizeof(fx_forged_quench), &p);
	assert_int_equal(p.h.icmp_type, 4);
	assert_int_equal(fx_forged_quench[1], 0xa0);
}

/* --- variants -------------------------------------------------------- */

static void test_bad_csum(void **state)
{
	struct forge_spec s = base_spec(6);
	struct pkt p;

	(void)state;
	s.variant = FORGE_BAD_CSUM;
	build_and_compare(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
			  fx_forged_bad_csum, sizeof(fx_forged_bad_csum));
	decode(fx_forged_bad_csum, sizeof(fx_forged_bad_csum), &p);
	assert_int_equal(p.flags, PKTF_BAD_CSUM);
	/* Still matched on its quote: the kernel, not icmplab, decides. */
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.sport, 40000);
}

/* Whatever the correct checksum is, the bad one never verifies, including
 * when the correct one is 0x0000 or 0xffff (one's complement has two
 * zeros): try every ICMP code and pointer, which walk the checksum. */
static void test_bad_csum_never_verifies(void **state)
{
	struct forge_spec s = base_spec(1);
	uint8_t out[FORGE_PKT_MAX];
	char err[128];
	ssize_t n;
	int code, ptr;

	(void)state;
	s.variant = FORGE_BAD_CSUM;
	s.type = 12;
	for (code = 0; code < 256; code++)
		for (ptr = 0; ptr < 256; ptr++) {
			s.code = (uint8_t)code;
			s.pointer = (uint8_t)ptr;
			n = forge_build(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
					out, sizeof(out), err, sizeof(err));
			assert_int_equal(n, 56);
			assert_int_not_equal(sum16(out + 20, 36), 0xffff);
		}
}

static void test_short_quote(void **state)
{
	struct forge_spec s = base_spec(7);
	struct pkt p;

	(void)state;
	s.variant = FORGE_SHORT_QUOTE;
	build_and_compare(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
			  fx_forged_short, sizeof(fx_forged_short));
	decode(fx_forged_short, sizeof(fx_forged_short), &p);
	assert_true(p.flags & PKTF_QUOTE_SHORT);
	assert_int_equal(p.quote_status, PKT_TRUNCATED);
	/* The ports are there, so the error can still be pinned on a flow. */
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote_len, 24);
}

static void test_other_sport_udp(void **state)
{
	struct forge_spec s = base_spec(8);
	struct pkt p;

	(void)state;
	s.variant = FORGE_OTHER_SPORT;
	build_and_compare(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
			  fx_forged_other_sport, sizeof(fx_forged_other_sport));
	decode(fx_forged_other_sport, sizeof(fx_forged_other_sport), &p);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.quote.sport, 40000 ^ FORGE_OTHER_SPORT_XOR);
	assert_int_equal(p.quote.dport, 33434);
	assert_int_equal(p.quote.l4_csum, 0x5585);
}

static void test_other_sport_echo(void **state)
{
	struct forge_spec s = base_spec(12);
	struct pkt p;

	(void)state;
	s.variant = FORGE_OTHER_SPORT;
	build_and_compare(&s, fx_dgram_echo, sizeof(fx_dgram_echo),
			  fx_forged_echo_other_sport,
			  sizeof(fx_forged_echo_other_sport));
	decode(fx_forged_echo_other_sport, sizeof(fx_forged_echo_other_sport),
	       &p);
	assert_int_equal(p.quote.kind, PK_ICMP_ECHO);
	assert_int_equal(p.quote.echo_id, 0x1234 ^ FORGE_OTHER_SPORT_XOR);
}

/* A UDP datagram sent without a checksum (0) keeps none after the edit. */
static void test_other_sport_keeps_zero_udp_csum(void **state)
{
	struct forge_spec s = base_spec(8);
	uint8_t dg[sizeof(fx_dgram_udp)], out[FORGE_PKT_MAX];
	char err[128];

	(void)state;
	memcpy(dg, fx_dgram_udp, sizeof(dg));
	dg[26] = dg[27] = 0;
	s.variant = FORGE_OTHER_SPORT;
	assert_int_equal(forge_build(&s, dg, sizeof(dg), out, sizeof(out), err,
				     sizeof(err)),
			 56);
	assert_int_equal(out[48 + 6], 0);
	assert_int_equal(out[48 + 7], 0);
	check_sums(out, 56, 1);
}

static void test_other_dst(void **state)
{
	struct forge_spec s = base_spec(9);
	struct pkt p;

	(void)state;
	s.variant = FORGE_OTHER_DST;
	build_and_compare(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
			  fx_forged_other_dst, sizeof(fx_forged_other_dst));
	decode(fx_forged_other_dst, sizeof(fx_forged_other_dst), &p);
	assert_int_equal(p.flags, 0);
	fx_assert_addr(&p.quote.dst, "203.0.113.130");
	assert_int_equal(p.quote.sport, 40000);
}

static void test_rfc4884(void **state)
{
	struct forge_spec s = base_spec(10);
	struct pkt p;

	(void)state;
	s.variant = FORGE_RFC4884;
	build_and_compare(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
			  fx_forged_rfc4884, sizeof(fx_forged_rfc4884));
	decode(fx_forged_rfc4884, sizeof(fx_forged_rfc4884), &p);
	assert_int_equal(p.flags, PKTF_EXTENSION);
	assert_int_equal(p.ext_offset, 8 + 128);
	assert_int_equal(p.quote_len, 128);
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.dport, 33434);
}

/* RFC 4884 with 3/4: the length (byte 5) and the MTU (bytes 6-7) share the
 * rest without stepping on each other. */
static void test_rfc4884_with_mtu(void **state)
{
	struct forge_spec s = base_spec(10);
	uint8_t out[FORGE_PKT_MAX];
	char err[128];
	struct pkt p;
	ssize_t n;

	(void)state;
	s.variant = FORGE_RFC4884;
	s.code = 4;
	s.mtu = 1280;
	n = forge_build(&s, fx_dgram_udp, sizeof(fx_dgram_udp), out,
			sizeof(out), err, sizeof(err));
	assert_int_equal(n, sizeof(fx_forged_rfc4884));
	assert_int_equal(out[24], 0);
	assert_int_equal(out[25], 32);
	assert_int_equal(out[26], 0x05);
	assert_int_equal(out[27], 0x00);
	check_sums(out, (size_t)n, 1);
	decode(out, (size_t)n, &p);
	assert_int_equal(p.mtu, 1280);
	assert_int_equal(p.flags, PKTF_EXTENSION);
}

static void test_offpath(void **state)
{
	struct forge_spec s = base_spec(11);
	struct pkt p;

	(void)state;
	s.variant = FORGE_OFFPATH;
	build_and_compare(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
			  fx_forged_offpath, sizeof(fx_forged_offpath));
	decode(fx_forged_offpath, sizeof(fx_forged_offpath), &p);
	fx_assert_addr(&p.h.src, FORGE_OFFPATH_SRC);
	assert_int_equal(p.flags, 0);
}

/* --- the quote ------------------------------------------------------- */

static void test_options_are_quoted(void **state)
{
	struct forge_spec s = base_spec(13);
	struct pkt p;

	(void)state;
	build_and_compare(&s, fx_dgram_udp_opts, sizeof(fx_dgram_udp_opts),
			  fx_forged_opts, sizeof(fx_forged_opts));
	decode(fx_forged_opts, sizeof(fx_forged_opts), &p);
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote_len, 32);
}

/* Bytes past the datagram's total length (link padding) are not quoted. */
static void test_padding_not_quoted(void **state)
{
	struct forge_spec s = base_spec(1);
	uint8_t dg[sizeof(fx_dgram_udp) + 10];

	(void)state;
	memcpy(dg, fx_dgram_udp, sizeof(fx_dgram_udp));
	memset(dg + sizeof(fx_dgram_udp), 0xee, 10);
	build_and_compare(&s, dg, sizeof(dg), fx_forged_port,
			  sizeof(fx_forged_port));
}

/* A datagram with fewer than 8 payload bytes is quoted as far as it goes:
 * a 24-byte datagram (4 bytes of payload) makes a 52-byte error. */
static void test_tiny_datagram(void **state)
{
	struct forge_spec s = base_spec(1);
	uint8_t dg[24], out[FORGE_PKT_MAX];
	char err[128];

	(void)state;
	memcpy(dg, fx_dgram_udp, sizeof(dg));
	dg[3] = 24; /* total length; the header checksum is not checked */
	assert_int_equal(forge_build(&s, dg, sizeof(dg), out, sizeof(out), err,
				     sizeof(err)),
			 52);
	check_sums(out, 52, 1);
	assert_memory_equal(out + 28, dg, 24);
}

/* --- what is refused ------------------------------------------------- */

static void expect_refused(const struct forge_spec *s, const uint8_t *dg,
			   size_t len, size_t outlen, const char *words)
{
	uint8_t out[FORGE_PKT_MAX];
	char err[256] = "";

	assert_true(outlen <= sizeof(out));
	assert_int_equal(forge_build(s, dg, len, out, outlen, err, sizeof(err)),
			 -1);
	if (!strstr(err, words))
		fail_msg("message '%s' does not say '%s'", err, words);
}

static void test_refuses_bad_input(void **state)
{
	struct forge_spec s = base_spec(1);
	uint8_t dg[sizeof(fx_dgram_udp)];

	(void)state;
	expect_refused(&s, fx_dgram_udp, 0, FORGE_PKT_MAX, "ends inside");
	expect_refused(&s, fx_dgram_udp, 19, FORGE_PKT_MAX, "ends inside");
	memcpy(dg, fx_dgram_udp, sizeof(dg));
	dg[0] = 0x65;
	expect_refused(&s, dg, sizeof(dg), FORGE_PKT_MAX, "version 6");
	dg[0] = 0x44; /* IHL 4 */
	expect_refused(&s, dg, sizeof(dg), FORGE_PKT_MAX, "not a valid");
	dg[0] = 0x45;
	dg[3] = 16; /* total length below the header */
	expect_refused(&s, dg, sizeof(dg), FORGE_PKT_MAX, "not a valid");
	memcpy(dg, fx_dgram_udp, sizeof(dg));
	dg[0] = 0x4f; /* a 60-byte header, length 60, in 36 bytes */
	dg[3] = 60;
	expect_refused(&s, dg, sizeof(dg), FORGE_PKT_MAX, "options");
	expect_refused(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
		       FORGE_PKT_MAX - 1, "buffer");
}

static void test_refuses_variant_misuse(void **state)
{
	struct forge_spec s = base_spec(1);
	uint8_t dg[sizeof(fx_dgram_udp)];

	(void)state;
	memcpy(dg, fx_dgram_udp, sizeof(dg));
	dg[9] = 47; /* GRE: no port to change */
	s.variant = FORGE_OTHER_SPORT;
	expect_refused(&s, dg, sizeof(dg), FORGE_PKT_MAX, "no port");
	s.variant = FORGE_RFC4884;
	s.type = 5;
	expect_refused(&s, fx_dgram_udp, sizeof(fx_dgram_udp), FORGE_PKT_MAX,
		       "RFC 4884");
	s.type = 4;
	expect_refused(&s, fx_dgram_udp, sizeof(fx_dgram_udp), FORGE_PKT_MAX,
		       "RFC 4884");
	s.type = 3;
	s.variant = FORGE_VARIANT_MAX;
	expect_refused(&s, fx_dgram_udp, sizeof(fx_dgram_udp), FORGE_PKT_MAX,
		       "unknown variant");
}

/* --- parameters ------------------------------------------------------ */

/* The schema's parsing and messages are tested in test_params.c; here only
 * the variant names forge_variant_name/parse share with it. */

static void test_variant_names(void **state)
{
	enum forge_variant v;
	int i;

	(void)state;
	for (i = 0; i < FORGE_VARIANT_MAX; i++) {
		assert_int_equal(
			forge_variant_parse(
				forge_variant_name((enum forge_variant)i), &v),
			0);
		assert_int_equal(v, i);
	}
	assert_int_equal(forge_variant_parse("rfc4885", &v), -1);
	assert_string_equal(forge_variant_name(FORGE_VARIANT_MAX), "?");
}

/* The parameters as the case file parser checks them, one at a time. */
static void test_check(void **state)
{
	const struct case_vocab *v = catalog_vocab();
	char why[1024];

	(void)state;
	assert_int_equal(v->check_param("forge", "type", "3", why, sizeof(why)),
			 0);
	assert_int_equal(v->check_param("forge", "type", "unreachable", why,
					sizeof(why)),
			 0);
	assert_int_equal(
		v->check_param("forge", "type", "256", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "expected type=0..255 or a name: "
				    "echo-reply, dest-unreach,"));
	assert_int_equal(
		v->check_param("forge", "type", "0x3", why, sizeof(why)), -1);
	assert_int_equal(
		v->check_param("forge", "code", "0-15", why, sizeof(why)), 0);
	assert_int_equal(
		v->check_param("forge", "code", "port", why, sizeof(why)), 0);
	assert_int_equal(
		v->check_param("forge", "code", "15-0", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "expected code="));
	assert_int_equal(
		v->check_param("forge", "mtu", "1280", why, sizeof(why)), 0);
	assert_int_equal(
		v->check_param("forge", "mtu", "70000", why, sizeof(why)), -1);
	assert_string_equal(why, "expected mtu=0..65535");
	assert_int_equal(
		v->check_param("forge", "pointer", "20", why, sizeof(why)), 0);
	assert_int_equal(v->check_param("forge", "gateway", "198.51.100.254",
					why, sizeof(why)),
			 0);
	assert_int_equal(
		v->check_param("forge", "gateway", "8.8.8.8", why, sizeof(why)),
		-1);
	assert_non_null(strstr(why, "expected gateway="));
	assert_int_equal(
		v->check_param("forge", "from", "192.0.2.66", why, sizeof(why)),
		0);
	assert_int_equal(
		v->check_param("forge", "from", "127.0.0.1", why, sizeof(why)),
		-1);
	assert_int_equal(
		v->check_param("forge", "variant", "rfc4884", why, sizeof(why)),
		0);
	assert_int_equal(
		v->check_param("forge", "variant", "bogus", why, sizeof(why)),
		-1);
	assert_string_equal(why, "expected variant=none, bad_csum, "
				 "short_quote, other_sport, other_dst, "
				 "rfc4884 or offpath");
	assert_int_equal(
		v->check_param("forge", "tcp", "data", why, sizeof(why)), 0);
	assert_int_equal(
		v->check_param("forge", "tcp", "all", why, sizeof(why)), -1);
	assert_string_equal(why, "expected tcp=data");
}

/* --- flows ----------------------------------------------------------- */

static void set_udp(struct pkt_hdr *h, const char *src, uint16_t sport)
{
	memset(h, 0, sizeof(*h));
	h->family = AF_INET;
	addr_parse(src, &h->src);
	addr_parse("203.0.113.2", &h->dst);
	h->proto = IPPROTO_UDP;
	h->kind = PK_UDP;
	h->sport = sport;
	h->dport = 33434;
}

static void test_flow_count(void **state)
{
	static struct forge_flows t;
	struct pkt_hdr a, b, e;
	unsigned i;

	(void)state;
	set_udp(&a, "198.51.100.2", 40000);
	set_udp(&b, "198.51.100.2", 40001);
	assert_int_equal(forge_flow_count(&t, &a), 0);
	assert_int_equal(forge_flow_count(&t, &a), 1);
	/* Another flow, interleaved, has its own count. */
	assert_int_equal(forge_flow_count(&t, &b), 0);
	assert_int_equal(forge_flow_count(&t, &a), 2);
	assert_int_equal(forge_flow_count(&t, &b), 1);
	/* An echo flow is known by its identifier. */
	memset(&e, 0, sizeof(e));
	e.family = AF_INET;
	addr_parse("198.51.100.2", &e.src);
	addr_parse("203.0.113.2", &e.dst);
	e.proto = IPPROTO_ICMP;
	e.kind = PK_ICMP_ECHO;
	e.echo_id = 7;
	assert_int_equal(forge_flow_count(&t, &e), 0);
	e.echo_seq = 2;
	assert_int_equal(forge_flow_count(&t, &e), 1);
	e.echo_id = 8;
	assert_int_equal(forge_flow_count(&t, &e), 0);
	/* A full table reuses slots instead of failing. */
	for (i = 0; i < 2 * FORGE_MAX_FLOWS; i++) {
		set_udp(&b, "198.51.100.2", (uint16_t)(1000 + i));
		assert_int_equal(forge_flow_count(&t, &b), 0);
	}
	assert_int_equal(t.n, FORGE_MAX_FLOWS);
}

/* --- ICMPv6 (forge_build6) -------------------------------------------- */

/* The spec the ICMPv6 fixtures start from: 1/4 from the router's
 * client-side address 2001:db8:1::1. */
static struct forge_spec base_spec6(uint8_t type, uint8_t code)
{
	struct forge_spec s;

	memset(&s, 0, sizeof(s));
	inet_pton(AF_INET6, "2001:db8:1::1", s.src6);
	s.type = type;
	s.code = code;
	return s;
}

static void build6_and_compare(const struct forge_spec *s, const uint8_t *want,
			       size_t wlen)
{
	static uint8_t out[FORGE_PKT6_MAX];
	char err[256] = "";
	ssize_t n;

	n = forge_build6(s, fx_dgram6_udp, sizeof(fx_dgram6_udp), out,
			 sizeof(out), err, sizeof(err));
	if (n < 0)
		fail_msg("forge_build6: %s", err);
	assert_int_equal(n, wlen);
	assert_memory_equal(out, want, wlen);
}

/* The ICMPv6 checksum of a whole IPv6 packet p, by hand: the pseudo-header
 * (RFC 8200 8.1) and the message fold to 0xffff when it is right. */
static uint16_t sum6(const uint8_t *p, size_t len)
{
	uint8_t ph[40];
	uint32_t s;
	size_t m = len - 40;

	memcpy(ph, p + 8, 32);
	ph[32] = (uint8_t)(m >> 24);
	ph[33] = (uint8_t)(m >> 16);
	ph[34] = (uint8_t)(m >> 8);
	ph[35] = (uint8_t)m;
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = 58;
	s = (uint32_t)sum16(ph, sizeof(ph)) + sum16(p + 40, m);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void test_fixture6_checksums(void **state)
{
	(void)state;
	assert_int_equal(sum6(fx_forged6_port, sizeof(fx_forged6_port)),
			 0xffff);
	assert_int_equal(sum6(fx_forged6_ptb, sizeof(fx_forged6_ptb)), 0xffff);
	assert_int_equal(sum6(fx_forged6_param, sizeof(fx_forged6_param)),
			 0xffff);
	assert_int_equal(sum6(fx_forged6_short, sizeof(fx_forged6_short)),
			 0xffff);
	assert_int_not_equal(
		sum6(fx_forged6_bad_csum, sizeof(fx_forged6_bad_csum)), 0xffff);
}

/* 1/4 as a router sends it, and decoded back as the harness reads the
 * wire: ICMPv6 error, checksum good, the quote is the client's UDP. */
static void test_forge6_port(void **state)
{
	struct forge_spec s = base_spec6(1, 4);
	struct pkt p;

	(void)state;
	build6_and_compare(&s, fx_forged6_port, sizeof(fx_forged6_port));
	assert_int_equal(pkt_decode_ip(fx_forged6_port,
				       sizeof(fx_forged6_port), &p),
			 PKT_OK);
	assert_int_equal(p.h.family, AF_INET6);
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	assert_int_equal(p.h.icmp_type, 1);
	assert_int_equal(p.h.icmp_code, 4);
	assert_false(p.flags & PKTF_BAD_CSUM);
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.dport, 33434);
}

/* Packet Too Big carries the MTU, Parameter Problem the pointer, in the
 * 32-bit field (RFC 4443 3.2, 3.4). */
static void test_forge6_ptb_and_pointer(void **state)
{
	struct forge_spec s = base_spec6(2, 0);
	struct pkt p;

	(void)state;
	s.mtu = 1280;
	build6_and_compare(&s, fx_forged6_ptb, sizeof(fx_forged6_ptb));
	assert_int_equal(pkt_decode_ip(fx_forged6_ptb, sizeof(fx_forged6_ptb),
				       &p),
			 PKT_OK);
	assert_int_equal(p.mtu, 1280);
	s = base_spec6(4, 0);
	s.pointer = 6;
	build6_and_compare(&s, fx_forged6_param, sizeof(fx_forged6_param));
	/* The MTU belongs to type 2 only, the pointer to type 4. */
	s = base_spec6(1, 4);
	s.mtu = 1280;
	s.pointer = 6;
	build6_and_compare(&s, fx_forged6_port, sizeof(fx_forged6_port));
}

static void test_forge6_variants(void **state)
{
	struct forge_spec s = base_spec6(1, 4);
	struct pkt p;

	(void)state;
	s.variant = FORGE_BAD_CSUM;
	build6_and_compare(&s, fx_forged6_bad_csum,
			   sizeof(fx_forged6_bad_csum));
	assert_int_equal(pkt_decode_ip(fx_forged6_bad_csum,
				       sizeof(fx_forged6_bad_csum), &p),
			 PKT_OK);
	assert_true(p.flags & PKTF_BAD_CSUM);
	s.variant = FORGE_SHORT_QUOTE;
	build6_and_compare(&s, fx_forged6_short, sizeof(fx_forged6_short));
}

/* The quoted UDP datagram of an ICMPv6 error (quote at q, the whole of
 * fx_dgram6_udp's 56 bytes) still checksums right for its own
 * pseudo-header: an edited quote looks like another flow's datagram, not
 * a damaged one. */
static void check_quoted_udp6(const uint8_t *q)
{
	uint8_t ph[40];
	size_t ulen = (size_t)(q[44] << 8 | q[45]);
	uint32_t s;

	memcpy(ph, q + 8, 32);
	memset(ph + 32, 0, 8);
	ph[34] = (uint8_t)(ulen >> 8);
	ph[35] = (uint8_t)ulen;
	ph[39] = 17;
	s = (uint32_t)sum16(ph, sizeof(ph)) + sum16(q + 40, ulen);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	assert_int_equal(s, 0xffff);
}

static ssize_t build6(const struct forge_spec *s, uint8_t *out)
{
	char err[256] = "";
	ssize_t n = forge_build6(s, fx_dgram6_udp, sizeof(fx_dgram6_udp), out,
				 FORGE_PKT6_MAX, err, sizeof(err));

	if (n < 0)
		fail_msg("forge_build6: %s", err);
	return n;
}

/* other_sport and other_dst over IPv6: the quote names another port or
 * another destination, and its UDP checksum agrees with the edit;
 * offpath comes from outside the topology; everything else is as 1/4. */
static void test_forge6_hostile(void **state)
{
	static uint8_t out[FORGE_PKT6_MAX];
	struct forge_spec s = base_spec6(1, 4);
	uint8_t off[16];
	struct pkt p;
	ssize_t n;

	(void)state;
	s.variant = FORGE_OTHER_SPORT;
	n = build6(&s, out);
	assert_int_equal(n, sizeof(fx_forged6_port));
	assert_int_equal(sum6(out, (size_t)n), 0xffff);
	assert_int_equal(pkt_decode_ip(out, (size_t)n, &p), PKT_OK);
	assert_int_equal(p.quote.sport, 40000 ^ FORGE_OTHER_SPORT_XOR);
	assert_int_equal(p.quote.dport, 33434);
	check_quoted_udp6(out + 48);
	/* Only the port and the checksum differ from the plain 1/4. */
	assert_memory_equal(out + 48, fx_dgram6_udp, 40);
	assert_memory_equal(out + 48 + 42, fx_dgram6_udp + 42, 4);

	s.variant = FORGE_OTHER_DST;
	n = build6(&s, out);
	assert_int_equal(sum6(out, (size_t)n), 0xffff);
	assert_int_equal(pkt_decode_ip(out, (size_t)n, &p), PKT_OK);
	assert_int_equal(p.quote.dst.a[15], 0x02 ^ FORGE_OTHER_DST_XOR);
	assert_int_equal(p.quote.sport, 40000);
	check_quoted_udp6(out + 48);

	s.variant = FORGE_OFFPATH;
	n = build6(&s, out);
	assert_int_equal(sum6(out, (size_t)n), 0xffff);
	inet_pton(AF_INET6, FORGE_OFFPATH_SRC6, off);
	assert_memory_equal(out + 8, off, 16);
	assert_memory_equal(out + 40, fx_forged6_port + 40, 2);
	assert_memory_equal(out + 44, fx_forged6_port + 44,
			    sizeof(fx_forged6_port) - 44);
}

/* RFC 4884 over ICMPv6: the original datagram field padded to 128 bytes,
 * its length in 64-bit words (16) in the first byte of the 32-bit field
 * (RFC 4884 4.5), then an extension the decoder accepts, carrying an
 * interface object with an IPv6 address (AFI 2). Not for Packet Too Big,
 * which has no length field. */
static void test_forge6_rfc4884(void **state)
{
	static uint8_t out[FORGE_PKT6_MAX];
	struct forge_spec s = base_spec6(1, 4);
	char err[256];
	struct pkt p;
	ssize_t n;

	(void)state;
	s.variant = FORGE_RFC4884;
	s.iface.ifindex = 3;
	inet_pton(AF_INET6, "2001:db8:1::1", s.iface.addr6);
	snprintf(s.iface.name, sizeof(s.iface.name), "rc");
	s.iface.mtu = 1500;
	n = build6(&s, out);
	assert_int_equal(sum6(out, (size_t)n), 0xffff);
	assert_int_equal(out[44], 128 / 8);
	assert_memory_equal(out + 48, fx_dgram6_udp, sizeof(fx_dgram6_udp));
	assert_int_equal(out[48 + 128], 0x20); /* version 2 */
	/* The object: class 2, AFI 2 and the 16-byte address. */
	assert_int_equal(out[48 + 128 + 4 + 2], 2);
	assert_int_equal(out[48 + 128 + 4 + 8] << 8 | out[48 + 128 + 4 + 9],
			 2);
	assert_memory_equal(out + 48 + 128 + 4 + 12, s.iface.addr6, 16);
	assert_int_equal(pkt_decode_ip(out, (size_t)n, &p), PKT_OK);
	assert_true(p.flags & PKTF_EXTENSION);
	assert_false(p.flags & PKTF_EXT_BAD);
	assert_int_equal(p.quote.sport, 40000);

	s.type = 2;
	err[0] = '\0';
	assert_int_equal(forge_build6(&s, fx_dgram6_udp, sizeof(fx_dgram6_udp),
				      out, sizeof(out), err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "RFC 4884 4.5"));
}

/* RFC 4443 2.4 (c): a datagram too big to quote whole is quoted up to the
 * 1280-byte minimum MTU, its first bytes as they were; link padding past
 * the payload length is never quoted. The checksums were computed by the
 * independent script that wrote the fixtures. */
static void test_forge6_quote_fits_min_mtu(void **state)
{
	static uint8_t big[2040 + 6], out[FORGE_PKT6_MAX];
	struct forge_spec s = base_spec6(3, 0);
	char err[256] = "";
	ssize_t n;
	size_t i;

	(void)state;
	/* fx_dgram6_udp's headers, payload length 2000, UDP length 2000,
	 * checksum 0x509c, then 1992 bytes of i * 7. */
	memcpy(big, fx_dgram6_udp, 48);
	big[4] = 0x07;
	big[5] = 0xd0;
	big[44] = 0x07;
	big[45] = 0xd0;
	big[46] = 0x50;
	big[47] = 0x9c;
	for (i = 0; i < 1992; i++)
		big[48 + i] = (uint8_t)(i * 7);
	n = forge_build6(&s, big, sizeof(big), out, sizeof(out), err,
			 sizeof(err));
	if (n < 0)
		fail_msg("forge_build6: %s", err);
	assert_int_equal(n, FORGE_PKT6_MAX);
	assert_int_equal(out[4] << 8 | out[5], FORGE_PKT6_MAX - 40);
	assert_memory_equal(out + 48, big, FORGE_QUOTE6_MAX);
	assert_int_equal(out[42] << 8 | out[43], 0x5980);
	assert_int_equal(sum6(out, (size_t)n), 0xffff);
	/* The padding after a short packet is not quoted: 4 more bytes
	 * than the payload length says. */
	memcpy(big, fx_dgram6_udp, sizeof(fx_dgram6_udp));
	memset(big + sizeof(fx_dgram6_udp), 0xee, 4);
	s = base_spec6(1, 4);
	n = forge_build6(&s, big, sizeof(fx_dgram6_udp) + 4, out, sizeof(out),
			 err, sizeof(err));
	assert_int_equal(n, sizeof(fx_forged6_port));
	assert_memory_equal(out, fx_forged6_port, sizeof(fx_forged6_port));
}

static void test_forge6_refuses(void **state)
{
	static uint8_t out[FORGE_PKT6_MAX];
	struct forge_spec s = base_spec6(1, 4);
	char err[256] = "";

	(void)state;
	/* An IPv4 datagram, a cut IPv6 header, a small buffer, and a
	 * variant that does not fit the type. */
	assert_int_equal(forge_build6(&s, fx_dgram_udp, sizeof(fx_dgram_udp),
				      out, sizeof(out), err, sizeof(err)),
			 -1);
	assert_string_equal(err, "offending datagram: IP version 4, not 6");
	assert_int_equal(forge_build6(&s, fx_dgram6_udp, 39, out, sizeof(out),
				      err, sizeof(err)),
			 -1);
	assert_string_equal(err,
			    "offending datagram: ends inside its IPv6 header");
	assert_int_equal(forge_build6(&s, fx_dgram6_udp, sizeof(fx_dgram6_udp),
				      out, FORGE_PKT6_MAX - 1, err,
				      sizeof(err)),
			 -1);
	assert_string_equal(err, "forge: output buffer of 1279 bytes; 1280 "
				 "needed");
	/* rfc4884 with a type that has no length field. */
	s.type = 4;
	s.variant = FORGE_RFC4884;
	assert_int_equal(forge_build6(&s, fx_dgram6_udp, sizeof(fx_dgram6_udp),
				      out, sizeof(out), err, sizeof(err)),
			 -1);
	assert_string_equal(err, "variant rfc4884: ICMPv6 type 4 has no length "
				 "field; RFC 4884 4.5 defines it for types 1 "
				 "and 3");
}

/* IPv6 flows are told apart by all 16 bytes of their addresses. */
static void test_flow_count6(void **state)
{
	static struct forge_flows t;
	struct pkt p, q;

	(void)state;
	assert_int_equal(pkt_decode_ip(fx_dgram6_udp, sizeof(fx_dgram6_udp),
				       &p),
			 PKT_OK);
	q = p;
	q.h.dst.a[15] ^= 1;
	assert_int_equal(forge_flow_count(&t, &p.h), 0);
	assert_int_equal(forge_flow_count(&t, &q.h), 0);
	assert_int_equal(forge_flow_count(&t, &p.h), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_checksums),
		cmocka_unit_test(test_port_unreachable),
		cmocka_unit_test(test_frag_needed_mtu),
		cmocka_unit_test(test_mtu_only_for_code_4),
		cmocka_unit_test(test_param_problem_pointer),
		cmocka_unit_test(test_redirect_gateway),
		cmocka_unit_test(test_source_quench_precedence),
		cmocka_unit_test(test_bad_csum),
		cmocka_unit_test(test_bad_csum_never_verifies),
		cmocka_unit_test(test_short_quote),
		cmocka_unit_test(test_other_sport_udp),
		cmocka_unit_test(test_other_sport_echo),
		cmocka_unit_test(test_other_sport_keeps_zero_udp_csum),
		cmocka_unit_test(test_other_dst),
		cmocka_unit_test(test_rfc4884),
		cmocka_unit_test(test_rfc4884_with_mtu),
		cmocka_unit_test(test_offpath),
		cmocka_unit_test(test_options_are_quoted),
		cmocka_unit_test(test_padding_not_quoted),
		cmocka_unit_test(test_tiny_datagram),
		cmocka_unit_test(test_refuses_bad_input),
		cmocka_unit_test(test_refuses_variant_misuse),
		cmocka_unit_test(test_variant_names),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_flow_count),
		cmocka_unit_test(test_fixture6_checksums),
		cmocka_unit_test(test_forge6_port),
		cmocka_unit_test(test_forge6_ptb_and_pointer),
		cmocka_unit_test(test_forge6_variants),
		cmocka_unit_test(test_forge6_hostile),
		cmocka_unit_test(test_forge6_rfc4884),
		cmocka_unit_test(test_forge6_quote_fits_min_mtu),
		cmocka_unit_test(test_forge6_refuses),
		cmocka_unit_test(test_flow_count6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
