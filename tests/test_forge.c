/* Tests for harness/forge.c: the forged ICMPv4 errors, byte for byte.
 *
 * The expected packets below were written out from the RFC layouts by a
 * small independent script (not by the code under test); every checksum in
 * them is checked again here with this file's own RFC 1071 sum, so a
 * fixture with a wrong checksum fails loudly instead of testing the wrong
 * thing. Each fixture has the decoded packet in a comment above it. Every
 * forged packet is also decoded back through pkt_decode_ip, which is what
 * the harness will do with it on the wire. */
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
#include "forge.h"
#include "pkt.h"

/* --- offending datagrams --------------------------------------------- */

/* IP 198.51.100.2 > 203.0.113.2: tos 0, ttl 64, id 0x1c46, DF, len 36
 * UDP 40000 > 33434, len 16, checksum 0xd584 (correct), "icmplab\0" */
static const uint8_t dgram_udp[] = {
	0x45, 0x00, 0x00, 0x24, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x4a,
	0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02, 0x9c, 0x40, 0x82, 0x9a,
	0x00, 0x10, 0xd5, 0x84, 0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* The same with tos 0xb8 (DSCP EF, precedence 5), id 0x1c47. */
static const uint8_t dgram_udp_ef[] = {
	0x45, 0xb8, 0x00, 0x24, 0x1c, 0x47, 0x40, 0x00, 0x40, 0x11, 0xb7, 0x91,
	0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02, 0x9c, 0x40, 0x82, 0x9a,
	0x00, 0x10, 0xd5, 0x84, 0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* IP 198.51.100.2 > 203.0.113.2: ttl 64, id 0x1c48, DF, len 36
 * ICMP echo request, id 0x1234, seq 1, checksum 0x4095, "icmplab\0" */
static const uint8_t dgram_echo[] = {
	0x45, 0x00, 0x00, 0x24, 0x1c, 0x48, 0x40, 0x00, 0x40, 0x01, 0xb8, 0x58,
	0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02, 0x08, 0x00, 0x40, 0x95,
	0x12, 0x34, 0x00, 0x01, 0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* IP 198.51.100.2 > 203.0.113.2: IHL 6 (options NOP NOP NOP EOL), ttl 64,
 * id 0x1c49, DF, len 40
 * UDP 40000 > 33434, len 16, "icmplab\0" */
static const uint8_t dgram_udp_opts[] = {
	0x46, 0x00, 0x00, 0x28, 0x1c, 0x49, 0x40, 0x00, 0x40, 0x11,
	0xb5, 0x42, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x01, 0x01, 0x01, 0x00, 0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10,
	0xd5, 0x84, 0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* --- expected answers ------------------------------------------------ */

/* IP 198.51.100.1 > 198.51.100.2: tos 0xc0, ttl 64, id 1, len 56, no DF
 * ICMP 3/3 port unreachable, checksum 0x088d, rest 0
 *   quote: IP 198.51.100.2 > 203.0.113.2 (all 20 bytes as received)
 *          UDP 40000 > 33434, len 16, checksum 0xd584 (first 8 bytes) */
static const uint8_t want_port[] = {
	0x45, 0xc0, 0x00, 0x38, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x25, 0x9a,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03, 0x08, 0x8d,
	0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x46, 0x40, 0x00,
	0x40, 0x11, 0xb8, 0x4a, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5, 0x84,
};

/* IP 198.51.100.1 > 198.51.100.2: tos 0xc0, ttl 64, id 2, len 56
 * ICMP 3/4 fragmentation needed, next-hop MTU 1280 (rest 0x00000500)
 *   quote as for want_port */
static const uint8_t want_frag[] = {
	0x45, 0xc0, 0x00, 0x38, 0x00, 0x02, 0x00, 0x00, 0x40, 0x01, 0x25, 0x99,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x04, 0x03, 0x8c,
	0x00, 0x00, 0x05, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x46, 0x40, 0x00,
	0x40, 0x11, 0xb8, 0x4a, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5, 0x84,
};

/* IP 198.51.100.1 > 198.51.100.2: tos 0xc0, ttl 64, id 3, len 56
 * ICMP 12/0 parameter problem, pointer 20 (rest 0x14000000)
 *   quote as for want_port */
static const uint8_t want_param[] = {
	0x45, 0xc0, 0x00, 0x38, 0x00, 0x03, 0x00, 0x00, 0x40, 0x01, 0x25, 0x98,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x0c, 0x00, 0xeb, 0x8f,
	0x14, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x46, 0x40, 0x00,
	0x40, 0x11, 0xb8, 0x4a, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5, 0x84,
};

/* IP 198.51.100.1 > 198.51.100.2: tos 0xc0, ttl 64, id 4, len 56
 * ICMP 5/1 redirect for host, gateway 198.51.100.254 (rest 0xc63364fe)
 *   quote as for want_port */
static const uint8_t want_redirect[] = {
	0x45, 0xc0, 0x00, 0x38, 0x00, 0x04, 0x00, 0x00, 0x40, 0x01, 0x25, 0x97,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x05, 0x01, 0xdb, 0x5c,
	0xc6, 0x33, 0x64, 0xfe, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x46, 0x40, 0x00,
	0x40, 0x11, 0xb8, 0x4a, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5, 0x84,
};

/* IP 198.51.100.1 > 198.51.100.2: tos 0xa0 (precedence 5, copied from the
 * datagram's 0xb8: RFC 1812 4.3.2.5), ttl 64, id 5, len 56
 * ICMP 4/0 source quench
 *   quote: dgram_udp_ef's header and first 8 UDP bytes */
static const uint8_t want_quench[] = {
	0x45, 0xa0, 0x00, 0x38, 0x00, 0x05, 0x00, 0x00, 0x40, 0x01, 0x25, 0xb6,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x04, 0x00, 0x07, 0x90,
	0x00, 0x00, 0x00, 0x00, 0x45, 0xb8, 0x00, 0x24, 0x1c, 0x47, 0x40, 0x00,
	0x40, 0x11, 0xb7, 0x91, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5, 0x84,
};

/* As want_port, id 6, but the ICMP checksum is 0x088c: off by one. */
static const uint8_t want_bad_csum[] = {
	0x45, 0xc0, 0x00, 0x38, 0x00, 0x06, 0x00, 0x00, 0x40, 0x01, 0x25, 0x95,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03, 0x08, 0x8c,
	0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x46, 0x40, 0x00,
	0x40, 0x11, 0xb8, 0x4a, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5, 0x84,
};

/* IP 198.51.100.1 > 198.51.100.2: tos 0xc0, ttl 64, id 7, len 52
 * ICMP 3/3, quoting 24 bytes: the IP header and 4 UDP bytes (the ports) */
static const uint8_t want_short[] = {
	0x45, 0xc0, 0x00, 0x34, 0x00, 0x07, 0x00, 0x00, 0x40, 0x01, 0x25,
	0x98, 0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03,
	0xde, 0x21, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c,
	0x46, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x4a, 0xc6, 0x33, 0x64, 0x02,
	0xcb, 0x00, 0x71, 0x02, 0x9c, 0x40, 0x82, 0x9a,
};

/* IP 198.51.100.1 > 198.51.100.2: tos 0xc0, ttl 64, id 8, len 56
 * ICMP 3/3, quote: IP as received, UDP 7232 > 33434 (40000 ^ 0x8000), its
 * checksum 0x5585 computed again over the changed datagram */
static const uint8_t want_other_sport[] = {
	0x45, 0xc0, 0x00, 0x38, 0x00, 0x08, 0x00, 0x00, 0x40, 0x01, 0x25, 0x93,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03, 0x08, 0x8d,
	0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x46, 0x40, 0x00,
	0x40, 0x11, 0xb8, 0x4a, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x1c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0x55, 0x85,
};

/* IP 198.51.100.1 > 198.51.100.2: tos 0xc0, ttl 64, id 9, len 56
 * ICMP 3/3, quote: IP 198.51.100.2 > 203.0.113.130 (header checksum
 * 0xb7ca, again correct), UDP 40000 > 33434 with checksum 0xd504 computed
 * over the new pseudo-header */
static const uint8_t want_other_dst[] = {
	0x45, 0xc0, 0x00, 0x38, 0x00, 0x09, 0x00, 0x00, 0x40, 0x01, 0x25, 0x92,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03, 0x09, 0x0d,
	0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x46, 0x40, 0x00,
	0x40, 0x11, 0xb7, 0xca, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x82,
	0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5, 0x04,
};

/* IP 198.51.100.1 > 198.51.100.2: tos 0xc0, ttl 64, id 10, len 184
 * ICMP 3/3, rest 0x00200000: RFC 4884 length 32 words (128 bytes)
 *   original datagram field: the 28-byte quote, zero-padded to 128
 *   extension (RFC 4884 section 7): version 2, checksum 0x4652
 *     object: length 24, class 2 (RFC 5837 interface information), C-Type
 *     0x0f (role: incoming interface; ifIndex, IP address, name, MTU)
 *       ifIndex 2; AFI 1, 198.51.100.1; name sub-object length 4 "rc";
 *       MTU 1500 */
static const uint8_t want_rfc4884[] = {
	0x45, 0xc0, 0x00, 0xb8, 0x00, 0x0a, 0x00, 0x00, 0x40, 0x01, 0x25, 0x11,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03, 0x08, 0x6d,
	0x00, 0x20, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x46, 0x40, 0x00,
	0x40, 0x11, 0xb8, 0x4a, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5, 0x84, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x00, 0x46, 0x52, 0x00, 0x18, 0x02, 0x0f, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x01, 0x00, 0x00, 0xc6, 0x33, 0x64, 0x01, 0x04, 0x72, 0x63, 0x00,
	0x00, 0x00, 0x05, 0xdc,
};

/* IP 192.0.2.66 > 198.51.100.2: tos 0xc0, ttl 64, id 11, len 56
 * ICMP 3/3, quote as for want_port */
static const uint8_t want_offpath[] = {
	0x45, 0xc0, 0x00, 0x38, 0x00, 0x0b, 0x00, 0x00, 0x40, 0x01, 0x8d, 0x82,
	0xc0, 0x00, 0x02, 0x42, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03, 0x08, 0x8d,
	0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x46, 0x40, 0x00,
	0x40, 0x11, 0xb8, 0x4a, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5, 0x84,
};

/* IP 198.51.100.1 > 198.51.100.2: tos 0xc0, ttl 64, id 12, len 56
 * ICMP 3/3, quote: dgram_echo's header, echo request id 0x9234 (0x1234 ^
 * 0x8000) with its checksum 0xc094 computed again, seq 1 */
static const uint8_t want_echo_other_sport[] = {
	0x45, 0xc0, 0x00, 0x38, 0x00, 0x0c, 0x00, 0x00, 0x40, 0x01, 0x25, 0x8f,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03, 0xa2, 0x32,
	0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x48, 0x40, 0x00,
	0x40, 0x01, 0xb8, 0x58, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x08, 0x00, 0xc0, 0x94, 0x92, 0x34, 0x00, 0x01,
};

/* IP 198.51.100.1 > 198.51.100.2: tos 0xc0, ttl 64, id 13, len 60
 * ICMP 3/3, quote: the 24-byte header with its options, 8 UDP bytes */
static const uint8_t want_opts[] = {
	0x45, 0xc0, 0x00, 0x3c, 0x00, 0x0d, 0x00, 0x00, 0x40, 0x01, 0x25, 0x8a,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03, 0x08, 0x8d,
	0x00, 0x00, 0x00, 0x00, 0x46, 0x00, 0x00, 0x28, 0x1c, 0x49, 0x40, 0x00,
	0x40, 0x11, 0xb5, 0x42, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x01, 0x01, 0x01, 0x00, 0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5, 0x84,
};

/* --- helpers --------------------------------------------------------- */

/* RFC 1071 by hand, apart from lib/pkt.c: the folded sum of len bytes. */
static uint16_t sum16(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
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

static void assert_addr(const struct ipaddr *a, const char *text)
{
	char buf[ADDR_STRLEN];

	assert_string_equal(addr_str(a, buf), text);
}

/* --- fixtures are what they say -------------------------------------- */

static void test_fixture_checksums(void **state)
{
	(void)state;
	assert_int_equal(sum16(dgram_udp, 20), 0xffff);
	assert_int_equal(sum16(dgram_udp_ef, 20), 0xffff);
	assert_int_equal(sum16(dgram_echo, 20), 0xffff);
	assert_int_equal(sum16(dgram_echo + 20, 16), 0xffff);
	assert_int_equal(sum16(dgram_udp_opts, 24), 0xffff);
	check_sums(want_port, sizeof(want_port), 1);
	check_sums(want_frag, sizeof(want_frag), 1);
	check_sums(want_param, sizeof(want_param), 1);
	check_sums(want_redirect, sizeof(want_redirect), 1);
	check_sums(want_quench, sizeof(want_quench), 1);
	check_sums(want_bad_csum, sizeof(want_bad_csum), 0);
	check_sums(want_short, sizeof(want_short), 1);
	check_sums(want_other_sport, sizeof(want_other_sport), 1);
	check_sums(want_other_dst, sizeof(want_other_dst), 1);
	check_sums(want_rfc4884, sizeof(want_rfc4884), 1);
	check_sums(want_offpath, sizeof(want_offpath), 1);
	check_sums(want_echo_other_sport, sizeof(want_echo_other_sport), 1);
	check_sums(want_opts, sizeof(want_opts), 1);
	/* The quotes edited to name another flow stay self-consistent: the
	 * quoted IP header of other_dst verifies. */
	assert_int_equal(sum16(want_other_dst + 28, 20), 0xffff);
	/* The RFC 4884 extension checksum verifies over the extension. */
	assert_int_equal(
		sum16(want_rfc4884 + 28 + 128, sizeof(want_rfc4884) - 28 - 128),
		0xffff);
}

/* --- one test per message -------------------------------------------- */

static void test_port_unreachable(void **state)
{
	struct forge_spec s = base_spec(1);
	struct pkt p;

	(void)state;
	build_and_compare(&s, dgram_udp, sizeof(dgram_udp), want_port,
			  sizeof(want_port));
	decode(want_port, sizeof(want_port), &p);
	assert_int_equal(p.h.icmp_type, 3);
	assert_int_equal(p.h.icmp_code, 3);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.h.ip_id, 1);
	assert_addr(&p.h.src, "198.51.100.1");
	assert_addr(&p.h.dst, "198.51.100.2");
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.dport, 33434);
	assert_addr(&p.quote.src, "198.51.100.2");
	assert_addr(&p.quote.dst, "203.0.113.2");
	assert_int_equal(p.quote_len, 28);
}

static void test_frag_needed_mtu(void **state)
{
	struct forge_spec s = base_spec(2);
	struct pkt p;

	(void)state;
	s.code = 4;
	s.mtu = 1280;
	build_and_compare(&s, dgram_udp, sizeof(dgram_udp), want_frag,
			  sizeof(want_frag));
	decode(want_frag, sizeof(want_frag), &p);
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
	build_and_compare(&s, dgram_udp, sizeof(dgram_udp), want_port,
			  sizeof(want_port));
}

static void test_param_problem_pointer(void **state)
{
	struct forge_spec s = base_spec(3);
	struct pkt p;

	(void)state;
	s.type = 12;
	s.code = 0;
	s.pointer = 20;
	build_and_compare(&s, dgram_udp, sizeof(dgram_udp), want_param,
			  sizeof(want_param));
	decode(want_param, sizeof(want_param), &p);
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
	build_and_compare(&s, dgram_udp, sizeof(dgram_udp), want_redirect,
			  sizeof(want_redirect));
	decode(want_redirect, sizeof(want_redirect), &p);
	assert_int_equal(p.h.icmp_type, 5);
	assert_int_equal(p.h.icmp_code, 1);
	assert_addr(&p.gateway, "198.51.100.254");
	assert_int_equal(p.quote.sport, 40000);
}

static void test_source_quench_precedence(void **state)
{
	struct forge_spec s = base_spec(5);
	struct pkt p;

	(void)state;
	s.type = 4;
	s.code = 0;
	build_and_compare(&s, dgram_udp_ef, sizeof(dgram_udp_ef), want_quench,
			  sizeof(want_quench));
	decode(want_quench, sizeof(want_quench), &p);
	assert_int_equal(p.h.icmp_type, 4);
	assert_int_equal(want_quench[1], 0xa0);
}

/* --- variants -------------------------------------------------------- */

static void test_bad_csum(void **state)
{
	struct forge_spec s = base_spec(6);
	struct pkt p;

	(void)state;
	s.variant = FORGE_BAD_CSUM;
	build_and_compare(&s, dgram_udp, sizeof(dgram_udp), want_bad_csum,
			  sizeof(want_bad_csum));
	decode(want_bad_csum, sizeof(want_bad_csum), &p);
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
			n = forge_build(&s, dgram_udp, sizeof(dgram_udp), out,
					sizeof(out), err, sizeof(err));
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
	build_and_compare(&s, dgram_udp, sizeof(dgram_udp), want_short,
			  sizeof(want_short));
	decode(want_short, sizeof(want_short), &p);
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
	build_and_compare(&s, dgram_udp, sizeof(dgram_udp), want_other_sport,
			  sizeof(want_other_sport));
	decode(want_other_sport, sizeof(want_other_sport), &p);
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
	build_and_compare(&s, dgram_echo, sizeof(dgram_echo),
			  want_echo_other_sport, sizeof(want_echo_other_sport));
	decode(want_echo_other_sport, sizeof(want_echo_other_sport), &p);
	assert_int_equal(p.quote.kind, PK_ICMP_ECHO);
	assert_int_equal(p.quote.echo_id, 0x1234 ^ FORGE_OTHER_SPORT_XOR);
}

/* A UDP datagram sent without a checksum (0) keeps none after the edit. */
static void test_other_sport_keeps_zero_udp_csum(void **state)
{
	struct forge_spec s = base_spec(8);
	uint8_t dg[sizeof(dgram_udp)], out[FORGE_PKT_MAX];
	char err[128];

	(void)state;
	memcpy(dg, dgram_udp, sizeof(dg));
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
	build_and_compare(&s, dgram_udp, sizeof(dgram_udp), want_other_dst,
			  sizeof(want_other_dst));
	decode(want_other_dst, sizeof(want_other_dst), &p);
	assert_int_equal(p.flags, 0);
	assert_addr(&p.quote.dst, "203.0.113.130");
	assert_int_equal(p.quote.sport, 40000);
}

static void test_rfc4884(void **state)
{
	struct forge_spec s = base_spec(10);
	struct pkt p;

	(void)state;
	s.variant = FORGE_RFC4884;
	build_and_compare(&s, dgram_udp, sizeof(dgram_udp), want_rfc4884,
			  sizeof(want_rfc4884));
	decode(want_rfc4884, sizeof(want_rfc4884), &p);
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
	n = forge_build(&s, dgram_udp, sizeof(dgram_udp), out, sizeof(out), err,
			sizeof(err));
	assert_int_equal(n, sizeof(want_rfc4884));
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
	build_and_compare(&s, dgram_udp, sizeof(dgram_udp), want_offpath,
			  sizeof(want_offpath));
	decode(want_offpath, sizeof(want_offpath), &p);
	assert_addr(&p.h.src, FORGE_OFFPATH_SRC);
	assert_int_equal(p.flags, 0);
}

/* --- the quote ------------------------------------------------------- */

static void test_options_are_quoted(void **state)
{
	struct forge_spec s = base_spec(13);
	struct pkt p;

	(void)state;
	build_and_compare(&s, dgram_udp_opts, sizeof(dgram_udp_opts), want_opts,
			  sizeof(want_opts));
	decode(want_opts, sizeof(want_opts), &p);
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote_len, 32);
}

/* Bytes past the datagram's total length (link padding) are not quoted. */
static void test_padding_not_quoted(void **state)
{
	struct forge_spec s = base_spec(1);
	uint8_t dg[sizeof(dgram_udp) + 10];

	(void)state;
	memcpy(dg, dgram_udp, sizeof(dgram_udp));
	memset(dg + sizeof(dgram_udp), 0xee, 10);
	build_and_compare(&s, dg, sizeof(dg), want_port, sizeof(want_port));
}

/* A datagram with fewer than 8 payload bytes is quoted as far as it goes:
 * a 24-byte datagram (4 bytes of payload) makes a 52-byte error. */
static void test_tiny_datagram(void **state)
{
	struct forge_spec s = base_spec(1);
	uint8_t dg[24], out[FORGE_PKT_MAX];
	char err[128];

	(void)state;
	memcpy(dg, dgram_udp, sizeof(dg));
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
	uint8_t dg[sizeof(dgram_udp)];

	(void)state;
	expect_refused(&s, dgram_udp, 0, FORGE_PKT_MAX, "ends inside");
	expect_refused(&s, dgram_udp, 19, FORGE_PKT_MAX, "ends inside");
	memcpy(dg, dgram_udp, sizeof(dg));
	dg[0] = 0x65;
	expect_refused(&s, dg, sizeof(dg), FORGE_PKT_MAX, "version 6");
	dg[0] = 0x44; /* IHL 4 */
	expect_refused(&s, dg, sizeof(dg), FORGE_PKT_MAX, "not a valid");
	dg[0] = 0x45;
	dg[3] = 16; /* total length below the header */
	expect_refused(&s, dg, sizeof(dg), FORGE_PKT_MAX, "not a valid");
	memcpy(dg, dgram_udp, sizeof(dg));
	dg[0] = 0x4f; /* a 60-byte header, length 60, in 36 bytes */
	dg[3] = 60;
	expect_refused(&s, dg, sizeof(dg), FORGE_PKT_MAX, "options");
	expect_refused(&s, dgram_udp, sizeof(dgram_udp), FORGE_PKT_MAX - 1,
		       "buffer");
}

static void test_refuses_variant_misuse(void **state)
{
	struct forge_spec s = base_spec(1);
	uint8_t dg[sizeof(dgram_udp)];

	(void)state;
	memcpy(dg, dgram_udp, sizeof(dg));
	dg[9] = 47; /* GRE: no port to change */
	s.variant = FORGE_OTHER_SPORT;
	expect_refused(&s, dg, sizeof(dg), FORGE_PKT_MAX, "no port");
	s.variant = FORGE_RFC4884;
	s.type = 5;
	expect_refused(&s, dgram_udp, sizeof(dgram_udp), FORGE_PKT_MAX,
		       "RFC 4884");
	s.type = 4;
	expect_refused(&s, dgram_udp, sizeof(dgram_udp), FORGE_PKT_MAX,
		       "RFC 4884");
	s.type = 3;
	s.variant = FORGE_VARIANT_MAX;
	expect_refused(&s, dgram_udp, sizeof(dgram_udp), FORGE_PKT_MAX,
		       "unknown variant");
}

/* --- parameters ------------------------------------------------------ */

static void test_parse_codes(void **state)
{
	uint8_t c[FORGE_MAX_CODES];
	char why[160];
	size_t n;
	int list;

	(void)state;
	assert_int_equal(forge_parse_codes("3", c, FORGE_MAX_CODES, &n, &list,
					   why, sizeof(why)),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(c[0], 3);
	assert_false(list);

	assert_int_equal(forge_parse_codes("0-15", c, FORGE_MAX_CODES, &n,
					   &list, why, sizeof(why)),
			 0);
	assert_int_equal(n, 16);
	assert_int_equal(c[0], 0);
	assert_int_equal(c[15], 15);
	assert_true(list);

	assert_int_equal(forge_parse_codes("2,3,6", c, FORGE_MAX_CODES, &n,
					   &list, why, sizeof(why)),
			 0);
	assert_int_equal(n, 3);
	assert_int_equal(c[2], 6);

	assert_int_equal(forge_parse_codes("9-9,1,250-255", c, FORGE_MAX_CODES,
					   &n, &list, why, sizeof(why)),
			 0);
	assert_int_equal(n, 8);
	assert_int_equal(c[0], 9);
	assert_int_equal(c[1], 1);
	assert_int_equal(c[7], 255);
	assert_true(list);

	/* Decimal only: a leading zero is not octal. */
	assert_int_equal(forge_parse_codes("010", c, FORGE_MAX_CODES, &n, &list,
					   why, sizeof(why)),
			 0);
	assert_int_equal(c[0], 10);
}

static void test_parse_codes_garbage(void **state)
{
	static const char *const bad[] = {
		"",	 "256",	   "-1",  "1-",	 "-",  "3-2",
		"1,,2",	 "1,",	   ",1",  "0x3", "a",  "1 2",
		"1-2-3", "000003", "12a", "+1",	 NULL,
	};
	uint8_t c[FORGE_MAX_CODES];
	char why[160];
	size_t n;
	int list, i;

	(void)state;
	for (i = 0; bad[i]; i++) {
		why[0] = '\0';
		if (forge_parse_codes(bad[i], c, FORGE_MAX_CODES, &n, &list,
				      why, sizeof(why)) != -1)
			fail_msg("code='%s' accepted", bad[i]);
		assert_non_null(strstr(why, "expected"));
	}
	/* A sweep too long for the table says so. */
	assert_int_equal(
		forge_parse_codes("0-255", c, 16, &n, &list, why, sizeof(why)),
		-1);
	assert_non_null(strstr(why, "at most 16"));
}

static void test_doc_addr(void **state)
{
	uint8_t a[4];

	(void)state;
	assert_int_equal(forge_parse_doc_addr("192.0.2.66", a), 0);
	assert_int_equal(a[3], 66);
	assert_int_equal(forge_parse_doc_addr("198.51.100.254", a), 0);
	assert_int_equal(forge_parse_doc_addr("203.0.113.1", a), 0);
	assert_int_equal(forge_parse_doc_addr("10.0.0.1", a), -1);
	assert_int_equal(forge_parse_doc_addr("192.0.3.1", a), -1);
	assert_int_equal(forge_parse_doc_addr("203.0.113", a), -1);
	assert_int_equal(forge_parse_doc_addr("2001:db8::1", a), -1);
	assert_int_equal(forge_parse_doc_addr("", a), -1);
}

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

/* The fault's check, as the case file parser calls it. */
static void test_check(void **state)
{
	const struct fault_def *f = fault_find("forge");
	char why[200];

	(void)state;
	assert_non_null(f);
	assert_non_null(f->check);
	assert_int_equal(f->check("type", "3", why, sizeof(why)), 0);
	assert_int_equal(f->check("type", "256", why, sizeof(why)), -1);
	assert_int_equal(f->check("type", "0x3", why, sizeof(why)), -1);
	assert_string_equal(why, "expected type=0..255");
	assert_int_equal(f->check("code", "0-15", why, sizeof(why)), 0);
	assert_int_equal(f->check("code", "15-0", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "expected code="));
	assert_int_equal(f->check("mtu", "1280", why, sizeof(why)), 0);
	assert_int_equal(f->check("mtu", "70000", why, sizeof(why)), -1);
	assert_int_equal(f->check("pointer", "20", why, sizeof(why)), 0);
	assert_int_equal(
		f->check("gateway", "198.51.100.254", why, sizeof(why)), 0);
	assert_int_equal(f->check("gateway", "8.8.8.8", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "expected gateway="));
	assert_int_equal(f->check("from", "192.0.2.66", why, sizeof(why)), 0);
	assert_int_equal(f->check("from", "127.0.0.1", why, sizeof(why)), -1);
	assert_int_equal(f->check("variant", "rfc4884", why, sizeof(why)), 0);
	assert_int_equal(f->check("variant", "bogus", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "expected variant="));
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
		cmocka_unit_test(test_parse_codes),
		cmocka_unit_test(test_parse_codes_garbage),
		cmocka_unit_test(test_doc_addr),
		cmocka_unit_test(test_variant_names),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_flow_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
