/* Tests for lib/pkt.c: decoding of real-looking packets, and of malformed
 * ones.
 *
 * The fixtures below were built byte by byte from the RFC layouts (by a
 * small script, not by the code under test); test_fixture_checksums checks
 * every IPv4 header and ICMP checksum in them again through pkt_csum_*, so
 * a fixture with a wrong checksum fails loudly instead of testing the wrong
 * thing. Each fixture has the decoded packet in a comment above it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "pkt.h"

/* --- fixtures -------------------------------------------------------- */

/* Ethernet 02:00:00:00:00:02 > 02:00:00:00:00:01, IPv4
 * IP 203.0.113.2 > 198.51.100.2: ttl 64, id 0x9a3e, tos 0xc0, len 64
 * ICMP dest-unreach code 3 (port unreachable), quoting 36 bytes:
 *   IP 198.51.100.2 > 203.0.113.2: ttl 63, id 0x1c46, DF, len 36
 *   UDP 40000 > 33434, len 16, payload "icmplab\0" */
static const uint8_t eth_v4_port_unreach[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x00, 0x45, 0xc0, 0x00, 0x40, 0x9a, 0x3e, 0x00, 0x00, 0x40, 0x01,
	0x79, 0x86, 0xcb, 0x00, 0x71, 0x02, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03,
	0x63, 0x57, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x46,
	0x40, 0x00, 0x3f, 0x11, 0xb9, 0x4a, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00,
	0x71, 0x02, 0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5, 0x84, 0x69, 0x63,
	0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* IP 198.51.100.1 > 198.51.100.2: ttl 64, id 0x0001, tos 0xc0, len 64 (no
 * link layer: for pkt_decode_ip)
 * ICMP time-exceeded code 0 (TTL exceeded in transit), quoting 36 bytes:
 *   IP 198.51.100.2 > 203.0.113.2: ttl 1, id 0x1c47, len 36
 *   UDP 40000 > 33435, len 16 */
static const uint8_t ip_v4_ttl_exceeded[] = {
	0x45, 0xc0, 0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x25,
	0x92, 0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x0b, 0x00,
	0x5b, 0x5a, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c,
	0x47, 0x00, 0x00, 0x01, 0x11, 0x37, 0x4a, 0xc6, 0x33, 0x64, 0x02,
	0xcb, 0x00, 0x71, 0x02, 0x9c, 0x40, 0x82, 0x9b, 0x00, 0x10, 0xd5,
	0x83, 0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* Ethernet, IPv4
 * IP 198.51.100.1 > 198.51.100.2: ttl 64, id 0x0002, tos 0xc0, len 76
 * ICMP dest-unreach code 4 (fragmentation needed), next-hop MTU 1280,
 * quoting the first 48 bytes of a 1400-byte datagram:
 *   IP 198.51.100.2 > 203.0.113.2: ttl 63, id 0x1c48, DF, len 1400
 *   UDP 40000 > 33434, len 1380 (checksum over the full datagram) */
static const uint8_t eth_v4_frag_needed[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x00, 0x45, 0xc0, 0x00, 0x4c, 0x00, 0x02, 0x00, 0x00, 0x40, 0x01,
	0x25, 0x85, 0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x04,
	0x63, 0xaa, 0x00, 0x00, 0x05, 0x00, 0x45, 0x00, 0x05, 0x78, 0x1c, 0x48,
	0x40, 0x00, 0x3f, 0x11, 0xb3, 0xf4, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00,
	0x71, 0x02, 0x9c, 0x40, 0x82, 0x9a, 0x05, 0x64, 0x70, 0x12, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Ethernet, IPv6
 * IP6 2001:db8:2::2 > 2001:db8:1::2: hlim 64, payload 64
 * ICMP6 dest-unreach code 4 (port unreachable), quoting 56 bytes:
 *   IP6 2001:db8:1::2 > 2001:db8:2::2: hlim 63, payload 16
 *   UDP 40000 > 33434, len 16 */
static const uint8_t eth_v6_port_unreach[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x40, 0x3a, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x04, 0x31, 0xda, 0x00, 0x00,
	0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x11, 0x3f, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10,
	0xe0, 0x44, 0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* Ethernet, IPv6
 * IP6 2001:db8:1::1 > 2001:db8:1::2: hlim 64, payload 72
 * ICMP6 packet-too-big, MTU 1280, quoting the first 64 bytes of a
 * 1500-byte datagram:
 *   IP6 2001:db8:1::2 > 2001:db8:2::2: hlim 63, payload 1460
 *   UDP 40000 > 33434, len 1460 */
static const uint8_t eth_v6_too_big[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x48, 0x3a, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x2b, 0xd8, 0x00, 0x00,
	0x05, 0x00, 0x60, 0x00, 0x00, 0x00, 0x05, 0xb4, 0x11, 0x3f, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x9c, 0x40, 0x82, 0x9a, 0x05, 0xb4,
	0x7a, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Ethernet, IPv4
 * IP 198.51.100.2 > 203.0.113.2: ttl 64, id 0x5a5a, DF, len 60
 * TCP 40001 > 80: flags [S], seq 0x12345678, win 64240, options
 * [mss 1460, sackOK, TS val 123456 ecr 0, nop, wscale 7] */
static const uint8_t eth_v4_tcp_syn[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x5a, 0x5a, 0x40, 0x00,
	0x40, 0x06, 0x7a, 0x29, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71,
	0x02, 0x9c, 0x41, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00,
	0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0, 0xff, 0x56, 0x00, 0x00, 0x02,
	0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x01, 0xe2, 0x40,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};

/* Ethernet, IPv4, padded with zeros to the 60-byte minimum frame
 * IP 198.51.100.2 > 203.0.113.2: ttl 64, id 0x1c49, DF, len 32
 * UDP 40000 > 33434, len 12, payload "hi\0\0"
 * (then 14 bytes of Ethernet padding past the IP total length) */
static const uint8_t eth_v4_udp_padded[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x20, 0x1c, 0x49, 0x40, 0x00, 0x40, 0x11,
	0xb8, 0x4b, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02, 0x9c, 0x40,
	0x82, 0x9a, 0x00, 0x0c, 0x12, 0x59, 0x68, 0x69, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Ethernet, 802.1Q vlan 100, IPv4
 * IP 198.51.100.2 > 203.0.113.2: ttl 64, id 0x1c4a, DF, len 36
 * UDP 40002 > 53, len 16 */
static const uint8_t eth_vlan_udp[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00, 0x45, 0x00, 0x00, 0x24,
	0x1c, 0x4a, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x46, 0xc6, 0x33, 0x64,
	0x02, 0xcb, 0x00, 0x71, 0x02, 0x9c, 0x42, 0x00, 0x35, 0x00, 0x10,
	0x57, 0xe8, 0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* IP 203.0.113.2 > 198.51.100.2: ttl 64, len 52
 * ICMP dest-unreach code 3 (port unreachable), quoting only 24 bytes:
 *   IP 198.51.100.2 > 203.0.113.2: ttl 63, DF, len 36
 *   UDP 40000 > 33434, then the quote ends (no length, no checksum) */
static const uint8_t ip_v4_quote_4[] = {
	0x45, 0xc0, 0x00, 0x34, 0x9a, 0x3f, 0x00, 0x00, 0x40, 0x01, 0x79,
	0x91, 0xcb, 0x00, 0x71, 0x02, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03,
	0xde, 0x21, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c,
	0x4b, 0x40, 0x00, 0x3f, 0x11, 0xb9, 0x45, 0xc6, 0x33, 0x64, 0x02,
	0xcb, 0x00, 0x71, 0x02, 0x9c, 0x40, 0x82, 0x9a,
};

/* IP 203.0.113.2 > 198.51.100.2: ttl 64, len 50
 * ICMP dest-unreach code 3 (port unreachable), quoting only 22 bytes:
 *   IP 198.51.100.2 > 203.0.113.2: ttl 63, DF, len 36
 *   UDP source port 40000, then the quote ends */
static const uint8_t ip_v4_quote_2[] = {
	0x45, 0xc0, 0x00, 0x32, 0x9a, 0x40, 0x00, 0x00, 0x40, 0x01,
	0x79, 0x92, 0xcb, 0x00, 0x71, 0x02, 0xc6, 0x33, 0x64, 0x02,
	0x03, 0x03, 0x60, 0xbc, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00,
	0x00, 0x24, 0x1c, 0x4c, 0x40, 0x00, 0x3f, 0x11, 0xb9, 0x44,
	0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02, 0x9c, 0x40,
};

/* IP 203.0.113.2 > 198.51.100.2: ttl 64, len 64
 * ICMP dest-unreach code 3 (port unreachable), quoting 36 bytes whose
 * IP header claims IHL 3 (12 bytes, below the minimum of 5 words) */
static const uint8_t ip_v4_quote_ihl3[] = {
	0x45, 0xc0, 0x00, 0x40, 0x9a, 0x41, 0x00, 0x00, 0x40, 0x01, 0x79,
	0x83, 0xcb, 0x00, 0x71, 0x02, 0xc6, 0x33, 0x64, 0x02, 0x03, 0x03,
	0x65, 0x57, 0x00, 0x00, 0x00, 0x00, 0x43, 0x00, 0x00, 0x24, 0x1c,
	0x4d, 0x40, 0x00, 0x3f, 0x11, 0xb9, 0x43, 0xc6, 0x33, 0x64, 0x02,
	0xcb, 0x00, 0x71, 0x02, 0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5,
	0x84, 0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* IP 198.51.100.1 > 198.51.100.2: ttl 64, len 68
 * ICMP time-exceeded code 0, quoting 40 bytes:
 *   IP 198.51.100.2 > 203.0.113.2: IHL 6 with option router-alert
 *   (94 04 00 00), ttl 63, DF, len 40
 *   UDP 40000 > 33436, len 16 */
static const uint8_t ip_v4_quote_opts[] = {
	0x45, 0xc0, 0x00, 0x44, 0x00, 0x03, 0x00, 0x00, 0x40, 0x01, 0x25, 0x8c,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x0b, 0x00, 0x5b, 0x5a,
	0x00, 0x00, 0x00, 0x00, 0x46, 0x00, 0x00, 0x28, 0x1c, 0x4e, 0x40, 0x00,
	0x3f, 0x11, 0x24, 0x3a, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x94, 0x04, 0x00, 0x00, 0x9c, 0x40, 0x82, 0x9c, 0x00, 0x10, 0xd5, 0x82,
	0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* IP 198.51.100.1 > 198.51.100.2: ttl 64, len 168
 * ICMP time-exceeded code 0, RFC 4884 length 32 (128 bytes):
 *   IP 198.51.100.2 > 203.0.113.2: ttl 1, len 36
 *   UDP 40000 > 33437, len 16, then zeros to 128 bytes
 * Extension at ICMP offset 136: version 2, checksum ok,
 *   object class 1 (MPLS label stack) c-type 1, len 8: label 16000, S, ttl 1 */
static const uint8_t ip_v4_ext_mpls[] = {
	0x45, 0xc0, 0x00, 0xa8, 0x00, 0x04, 0x00, 0x00, 0x40, 0x01, 0x25, 0x27,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x0b, 0x00, 0x5b, 0x3a,
	0x00, 0x20, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x4f, 0x00, 0x00,
	0x01, 0x11, 0x37, 0x42, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x9c, 0x40, 0x82, 0x9d, 0x00, 0x10, 0xd5, 0x81, 0x69, 0x63, 0x6d, 0x70,
	0x6c, 0x61, 0x62, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x00, 0xda, 0x0d, 0x00, 0x08, 0x01, 0x01, 0x03, 0xe8, 0x01, 0x01,
};

/* As ip_v4_ext_mpls, but the extension checksum is wrong (the ICMP
 * checksum is right). */
static const uint8_t ip_v4_ext_badsum[] = {
	0x45, 0xc0, 0x00, 0xa8, 0x00, 0x05, 0x00, 0x00, 0x40, 0x01, 0x25, 0x26,
	0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x0b, 0x00, 0x5a, 0x3b,
	0x00, 0x20, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x1c, 0x4f, 0x00, 0x00,
	0x01, 0x11, 0x37, 0x42, 0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02,
	0x9c, 0x40, 0x82, 0x9d, 0x00, 0x10, 0xd5, 0x81, 0x69, 0x63, 0x6d, 0x70,
	0x6c, 0x61, 0x62, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x00, 0xdb, 0x0c, 0x00, 0x08, 0x01, 0x01, 0x03, 0xe8, 0x01, 0x01,
};

/* IP6 2001:db8:2::2 > 2001:db8:1::2: hlim 64, payload 148
 * ICMP6 dest-unreach code 4, RFC 4884 length 16 (128 bytes):
 *   IP6 2001:db8:1::2 > 2001:db8:2::2, UDP 40000 > 33434, then zeros
 * Extension at ICMP offset 136: version 2, checksum ok, one object
 *   class 2 (interface information) c-type 0x09, len 8: ifIndex 7 */
static const uint8_t ip_v6_ext[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x94, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x01, 0x04, 0x21, 0x86, 0x10, 0x00, 0x00, 0x00,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x11, 0x3f, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xe0, 0x44,
	0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0xdd, 0xe7,
	0x00, 0x08, 0x02, 0x09, 0x00, 0x00, 0x00, 0x07,
};

/* IP 198.51.100.1 > 198.51.100.2: ttl 64, len 64
 * ICMP redirect code 1 (redirect for host) to 198.51.100.254, quoting:
 *   IP 198.51.100.2 > 203.0.113.2: ttl 64, DF, len 36
 *   ICMP echo-request id 0x4242 seq 7 */
static const uint8_t ip_v4_redirect_echo[] = {
	0x45, 0xc0, 0x00, 0x40, 0x00, 0x06, 0x00, 0x00, 0x40, 0x01, 0x25,
	0x8d, 0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x05, 0x01,
	0xcf, 0xcc, 0xc6, 0x33, 0x64, 0xfe, 0x45, 0x00, 0x00, 0x24, 0x1c,
	0x50, 0x40, 0x00, 0x40, 0x01, 0xb8, 0x50, 0xc6, 0x33, 0x64, 0x02,
	0xcb, 0x00, 0x71, 0x02, 0x08, 0x00, 0x24, 0x21, 0x42, 0x42, 0x00,
	0x07, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
};

/* IP 203.0.113.2 > 198.51.100.2: ttl 64, len 64
 * ICMP param-problem code 0, pointer 1 (the TOS byte), quoting:
 *   IP 198.51.100.2 > 203.0.113.2: tos 0xff, ttl 63, len 36
 *   UDP 40000 > 33434 */
static const uint8_t ip_v4_param_problem[] = {
	0x45, 0xc0, 0x00, 0x40, 0x00, 0x07, 0x00, 0x00, 0x40, 0x01, 0x13,
	0xbe, 0xcb, 0x00, 0x71, 0x02, 0xc6, 0x33, 0x64, 0x02, 0x0c, 0x00,
	0x59, 0x5a, 0x01, 0x00, 0x00, 0x00, 0x45, 0xff, 0x00, 0x24, 0x1c,
	0x51, 0x00, 0x00, 0x3f, 0x11, 0xf8, 0x40, 0xc6, 0x33, 0x64, 0x02,
	0xcb, 0x00, 0x71, 0x02, 0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xd5,
	0x84, 0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* IP6 2001:db8:1::2 > 2001:db8:2::2: hlim 64, payload 40
 *   hop-by-hop (router alert), destination options (PadN),
 *   fragment offset 0 M id 0xdeadbeef,
 *   UDP 40000 > 33434, len 16 */
static const uint8_t ip_v6_exthdrs_udp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x3c, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,
	0x2c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x01,
	0xde, 0xad, 0xbe, 0xef, 0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0xe0, 0x44,
	0x69, 0x63, 0x6d, 0x70, 0x6c, 0x61, 0x62, 0x00,
};

/* IP6 2001:db8:1::2 > 2001:db8:2::2: payload 24
 *   fragment offset 185 (1480 bytes) id 0xdeadbeef, 16 bytes of data:
 *   no transport header */
static const uint8_t ip_v6_frag_later[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x2c, 0x40, 0x20, 0x01, 0x0d,
	0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x11, 0x00, 0x05, 0xc8,
	0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* IP 198.51.100.2 > 203.0.113.2: ttl 64, id 0x1c52, frag offset 185
 * (1480 bytes), len 36: no transport header in this fragment */
static const uint8_t ip_v4_frag_later[] = {
	0x45, 0x00, 0x00, 0x24, 0x1c, 0x52, 0x00, 0xb9, 0x40, 0x11, 0xf7, 0x85,
	0xc6, 0x33, 0x64, 0x02, 0xcb, 0x00, 0x71, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* IP6 2001:db8:1::2 > 2001:db8:2::2: payload 16
 * ICMP6 echo-request id 0x0102 seq 3 */
static const uint8_t ip_v6_echo[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x80, 0x00, 0x91, 0xa1, 0x01, 0x02, 0x00, 0x03,
	0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
};

/* --- helpers --------------------------------------------------------- */

#define ETH_LEN 14

struct fixture {
	const char *name;
	const uint8_t *b;
	size_t len;
	bool eth; /* starts with an Ethernet header, else with IP */
};

#define FX(n, e)                                                               \
	{                                                                      \
#n, n, sizeof(n), e                                            \
	}

static const struct fixture fixtures[] = {
	FX(eth_v4_port_unreach, true),	FX(ip_v4_ttl_exceeded, false),
	FX(eth_v4_frag_needed, true),	FX(eth_v6_port_unreach, true),
	FX(eth_v6_too_big, true),	FX(eth_v4_tcp_syn, true),
	FX(eth_v4_udp_padded, true),	FX(eth_vlan_udp, true),
	FX(ip_v4_quote_4, false),	FX(ip_v4_quote_2, false),
	FX(ip_v4_quote_ihl3, false),	FX(ip_v4_quote_opts, false),
	FX(ip_v4_ext_mpls, false),	FX(ip_v4_ext_badsum, false),
	FX(ip_v6_ext, false),		FX(ip_v4_redirect_echo, false),
	FX(ip_v4_param_problem, false), FX(ip_v6_exthdrs_udp, false),
	FX(ip_v6_frag_later, false),	FX(ip_v4_frag_later, false),
	FX(ip_v6_echo, false),		{NULL, NULL, 0, false},
};

static enum pkt_status decode(const struct fixture *f, size_t len,
			      struct pkt *p)
{
	return f->eth ? pkt_decode_eth(f->b, len, p)
		      : pkt_decode_ip(f->b, len, p);
}

static void assert_addr(const struct ipaddr *a, const char *text)
{
	char buf[ADDR_STRLEN];

	assert_string_equal(addr_str(a, buf), text);
}

/* The checksum for a field: the inverted fold of the data with the field
 * zeroed. */
static uint16_t csum_field(uint32_t sum, const uint8_t *b, size_t len)
{
	return (uint16_t)~pkt_csum_fold(pkt_csum_add(sum, b, len));
}

/* Rewrites the ICMP checksum of a raw IPv4 packet with a 20-byte header
 * after a test has changed bytes in it. */
static void fix_icmp4_csum(uint8_t *ip, size_t len)
{
	uint16_t c;

	ip[22] = ip[23] = 0;
	c = csum_field(0, ip + 20, len - 20);
	ip[22] = (uint8_t)(c >> 8);
	ip[23] = (uint8_t)c;
}

/* The ICMPv6 pseudo-header sum (RFC 8200 8.1) for a raw IPv6 packet with
 * no extension headers. */
static uint32_t pseudo6(const uint8_t *ip, size_t len)
{
	uint8_t ph[40];
	size_t mlen = len - 40;

	memcpy(ph, ip + 8, 32);
	ph[32] = (uint8_t)(mlen >> 24);
	ph[33] = (uint8_t)(mlen >> 16);
	ph[34] = (uint8_t)(mlen >> 8);
	ph[35] = (uint8_t)mlen;
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = IPPROTO_ICMPV6;
	return pkt_csum_add(0, ph, sizeof(ph));
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
	const struct fixture *f;
	const uint8_t *ip;
	size_t len, hl;
	unsigned checked = 0;

	(void)state;
	for (f = fixtures; f->name; f++) {
		ip = f->b + (f->eth ? ETH_LEN : 0);
		len = f->len - (f->eth ? ETH_LEN : 0);
		if (f->eth && f->b[12] == 0x81)
			continue; /* the VLAN frame has no ICMP in it */
		if (ip[0] >> 4 == 4) {
			hl = (size_t)(ip[0] & 15) * 4;
			len = (size_t)ip[2] << 8 | ip[3];
			assert_int_equal(pkt_csum_fold(pkt_csum_add(0, ip, hl)),
					 0xffff);
			if (ip[9] == IPPROTO_ICMP &&
			    ((ip[6] & 0x1f) | ip[7]) == 0)
				assert_int_equal(pkt_csum_fold(pkt_csum_add(
							 0, ip + hl, len - hl)),
						 0xffff);
		} else if (ip[6] == IPPROTO_ICMPV6) {
			assert_int_equal(
				pkt_csum_fold(pkt_csum_add(pseudo6(ip, len),
							   ip + 40, len - 40)),
				0xffff);
		}
		checked++;
	}
	assert_true(checked > 15);
}

/* --- well-formed packets --------------------------------------------- */

static void test_v4_port_unreach(void **state)
{
	struct pkt p;
	char d[128];

	(void)state;
	assert_int_equal(pkt_decode_eth(eth_v4_port_unreach,
					sizeof(eth_v4_port_unreach), &p),
			 PKT_OK);
	assert_null(p.why);
	assert_int_equal(p.h.family, AF_INET);
	assert_addr(&p.h.src, "203.0.113.2");
	assert_addr(&p.h.dst, "198.51.100.2");
	assert_int_equal(p.h.proto, IPPROTO_ICMP);
	assert_int_equal(p.h.ttl, 64);
	assert_int_equal(p.h.ip_id, 0x9a3e);
	assert_false(p.h.df);
	assert_int_equal(p.h.ip_len, 64);
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	assert_int_equal(p.h.icmp_type, 3);
	assert_int_equal(p.h.icmp_code, 3);
	assert_int_equal(p.h.l4_csum, 0x6357);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.icmp_rest, 0);
	assert_int_equal(p.mtu, 0);
	assert_int_equal(p.ext_offset, 0);

	assert_int_equal(p.quote_status, PKT_OK);
	assert_null(p.quote_why);
	assert_int_equal(p.quote_len, 36);
	assert_int_equal(p.quote.family, AF_INET);
	assert_addr(&p.quote.src, "198.51.100.2");
	assert_addr(&p.quote.dst, "203.0.113.2");
	assert_int_equal(p.quote.proto, IPPROTO_UDP);
	assert_int_equal(p.quote.ttl, 63);
	assert_int_equal(p.quote.ip_id, 0x1c46);
	assert_true(p.quote.df);
	assert_int_equal(p.quote.ip_len, 36);
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.dport, 33434);
	assert_int_equal(p.quote.l4_len, 16);
	assert_int_equal(p.quote.l4_csum, 0xd584);

	assert_string_equal(pkt_describe(&p, d, sizeof(d)), "ok");
}

static void test_v4_ttl_exceeded(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(pkt_decode_ip(ip_v4_ttl_exceeded,
				       sizeof(ip_v4_ttl_exceeded), &p),
			 PKT_OK);
	assert_addr(&p.h.src, "198.51.100.1");
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	assert_int_equal(p.h.icmp_type, 11);
	assert_int_equal(p.h.icmp_code, 0);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote.ttl, 1);
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.dport, 33435);

	/* The same bytes behind an Ethernet header that says IPv6 contradict
	 * themselves. */
	{
		uint8_t f[ETH_LEN + sizeof(ip_v4_ttl_exceeded)];

		memcpy(f, eth_v6_port_unreach, ETH_LEN);
		memcpy(f + ETH_LEN, ip_v4_ttl_exceeded,
		       sizeof(ip_v4_ttl_exceeded));
		assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_INVALID);
		assert_non_null(p.why);
	}
}

static void test_v4_frag_needed(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(pkt_decode_eth(eth_v4_frag_needed,
					sizeof(eth_v4_frag_needed), &p),
			 PKT_OK);
	assert_int_equal(p.h.icmp_type, 3);
	assert_int_equal(p.h.icmp_code, 4);
	assert_int_equal(p.icmp_rest, 1280);
	assert_int_equal(p.mtu, 1280);
	assert_int_equal(p.flags, 0);
	/* The quote is 48 bytes of a datagram that claims 1400: normal for
	 * a quote, not a truncation. */
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote_len, 48);
	assert_int_equal(p.quote.ip_len, 1400);
	assert_true(p.quote.df);
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.l4_len, 1380);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.dport, 33434);
}

static void test_v6_port_unreach(void **state)
{
	struct pkt p;
	char d[128];

	(void)state;
	assert_int_equal(pkt_decode_eth(eth_v6_port_unreach,
					sizeof(eth_v6_port_unreach), &p),
			 PKT_OK);
	assert_int_equal(p.h.family, AF_INET6);
	assert_addr(&p.h.src, "2001:db8:2::2");
	assert_addr(&p.h.dst, "2001:db8:1::2");
	assert_int_equal(p.h.proto, IPPROTO_ICMPV6);
	assert_int_equal(p.h.ttl, 64);
	assert_int_equal(p.h.ip_len, 104);
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	assert_int_equal(p.h.icmp_type, 1);
	assert_int_equal(p.h.icmp_code, 4);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote_len, 56);
	assert_int_equal(p.quote.family, AF_INET6);
	assert_addr(&p.quote.src, "2001:db8:1::2");
	assert_addr(&p.quote.dst, "2001:db8:2::2");
	assert_int_equal(p.quote.ttl, 63);
	assert_int_equal(p.quote.ip_len, 56);
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.dport, 33434);
	assert_string_equal(pkt_describe(&p, d, sizeof(d)), "ok");
}

static void test_v6_too_big(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(
		pkt_decode_eth(eth_v6_too_big, sizeof(eth_v6_too_big), &p),
		PKT_OK);
	assert_addr(&p.h.src, "2001:db8:1::1");
	assert_int_equal(p.h.icmp_type, 2);
	assert_int_equal(p.mtu, 1280);
	assert_int_equal(p.icmp_rest, 1280);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote_len, 64);
	assert_int_equal(p.quote.ip_len, 1500);
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.l4_len, 1460);
}

static void test_tcp_syn(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(
		pkt_decode_eth(eth_v4_tcp_syn, sizeof(eth_v4_tcp_syn), &p),
		PKT_OK);
	assert_int_equal(p.h.kind, PK_TCP);
	assert_int_equal(p.h.proto, IPPROTO_TCP);
	assert_true(p.h.df);
	assert_int_equal(p.h.sport, 40001);
	assert_int_equal(p.h.dport, 80);
	assert_int_equal(p.h.tcp_seq, 0x12345678);
	assert_int_equal(p.h.tcp_flags, 0x02);
	assert_int_equal(p.flags, 0);

	/* A data offset below 5 words contradicts the header. */
	{
		uint8_t f[sizeof(eth_v4_tcp_syn)];

		memcpy(f, eth_v4_tcp_syn, sizeof(f));
		f[ETH_LEN + 20 + 12] = 0x40;
		assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_INVALID);
		/* One that runs past the IP length does too. */
		f[ETH_LEN + 20 + 12] = 0xf0;
		assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_INVALID);
		assert_string_equal(p.why, "ends inside the TCP options");
	}
}

static void test_udp_padded(void **state)
{
	struct pkt p;

	(void)state;
	/* 14 bytes of Ethernet padding past the IP total length are not
	 * part of the datagram. */
	assert_int_equal(pkt_decode_eth(eth_v4_udp_padded,
					sizeof(eth_v4_udp_padded), &p),
			 PKT_OK);
	assert_int_equal(p.h.ip_len, 32);
	assert_int_equal(p.h.kind, PK_UDP);
	assert_int_equal(p.h.sport, 40000);
	assert_int_equal(p.h.dport, 33434);
	assert_int_equal(p.h.l4_len, 12);
	/* Cut inside the payload: headers decoded, but the datagram is not
	 * all there. */
	assert_int_equal(pkt_decode_eth(eth_v4_udp_padded, ETH_LEN + 30, &p),
			 PKT_TRUNCATED);
	assert_int_equal(p.h.kind, PK_UDP);
	assert_int_equal(p.h.sport, 40000);
	assert_string_equal(p.why, "IP payload shorter than its length field");
}

static void test_vlan_udp(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(pkt_decode_eth(eth_vlan_udp, sizeof(eth_vlan_udp), &p),
			 PKT_OK);
	assert_int_equal(p.h.family, AF_INET);
	assert_int_equal(p.h.kind, PK_UDP);
	assert_int_equal(p.h.sport, 40002);
	assert_int_equal(p.h.dport, 53);

	/* A second tag is not decoded. */
	{
		uint8_t f[sizeof(eth_vlan_udp)];

		memcpy(f, eth_vlan_udp, sizeof(f));
		f[16] = 0x81;
		f[17] = 0x00;
		assert_int_equal(pkt_decode_eth(f, sizeof(f), &p),
				 PKT_UNSUPPORTED);
	}
	assert_int_equal(pkt_decode_eth(eth_vlan_udp, 16, &p), PKT_TRUNCATED);
	assert_string_equal(p.why, "ends inside the 802.1Q tag");
}

static void test_redirect_quoting_echo(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(pkt_decode_ip(ip_v4_redirect_echo,
				       sizeof(ip_v4_redirect_echo), &p),
			 PKT_OK);
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	assert_int_equal(p.h.icmp_type, 5);
	assert_int_equal(p.h.icmp_code, 1);
	assert_addr(&p.gateway, "198.51.100.254");
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote.proto, IPPROTO_ICMP);
	assert_int_equal(p.quote.kind, PK_ICMP_ECHO);
	assert_int_equal(p.quote.icmp_type, 8);
	assert_int_equal(p.quote.echo_id, 0x4242);
	assert_int_equal(p.quote.echo_seq, 7);
	assert_int_equal(p.quote.sport, 0x4242);
	assert_int_equal(p.quote.dport, 0x4242);
}

static void test_param_problem(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(pkt_decode_ip(ip_v4_param_problem,
				       sizeof(ip_v4_param_problem), &p),
			 PKT_OK);
	assert_int_equal(p.h.icmp_type, 12);
	assert_int_equal(p.pointer, 1);
	assert_int_equal(p.icmp_rest, 0x01000000);
	/* The pointer byte is not the RFC 4884 length (byte 5). */
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.quote.kind, PK_UDP);
}

static void test_v6_ext_headers(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(
		pkt_decode_ip(ip_v6_exthdrs_udp, sizeof(ip_v6_exthdrs_udp), &p),
		PKT_OK);
	assert_int_equal(p.h.proto, IPPROTO_UDP);
	assert_int_equal(p.h.frag_off, 0);
	assert_int_equal(p.h.kind, PK_UDP);
	assert_int_equal(p.h.sport, 40000);
	assert_int_equal(p.h.dport, 33434);

	/* A destination options length that runs past the payload length
	 * contradicts it. */
	{
		uint8_t b[sizeof(ip_v6_exthdrs_udp)];

		memcpy(b, ip_v6_exthdrs_udp, sizeof(b));
		b[40 + 8 + 1] = 9;
		assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_INVALID);
		assert_string_equal(p.why,
				    "ends inside an IPv6 extension header");
		/* ... and when the bytes were cut by the capture, it is
		 * only a truncation. */
		assert_int_equal(pkt_decode_ip(b, 50, &p), PKT_TRUNCATED);
	}
}

static void test_fragments(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(
		pkt_decode_ip(ip_v6_frag_later, sizeof(ip_v6_frag_later), &p),
		PKT_OK);
	assert_int_equal(p.h.proto, IPPROTO_UDP);
	assert_int_equal(p.h.frag_off, 185);
	assert_int_equal(p.h.kind, PK_NONE);
	assert_int_equal(p.h.sport, 0);

	assert_int_equal(
		pkt_decode_ip(ip_v4_frag_later, sizeof(ip_v4_frag_later), &p),
		PKT_OK);
	assert_int_equal(p.h.proto, IPPROTO_UDP);
	assert_int_equal(p.h.frag_off, 185);
	assert_int_equal(p.h.kind, PK_NONE);
	assert_int_equal(p.h.sport, 0);
}

static void test_v6_echo(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(pkt_decode_ip(ip_v6_echo, sizeof(ip_v6_echo), &p),
			 PKT_OK);
	assert_int_equal(p.h.kind, PK_ICMP_ECHO);
	assert_int_equal(p.h.icmp_type, 128);
	assert_int_equal(p.h.echo_id, 0x0102);
	assert_int_equal(p.h.echo_seq, 3);
	/* Checksums are checked on errors only. */
	assert_int_equal(p.flags, 0);
	/* Cut before the id, an echo cannot be tied to a socket. */
	assert_int_equal(pkt_decode_ip(ip_v6_echo, 44, &p), PKT_TRUNCATED);
	assert_int_equal(p.h.kind, PK_NONE);
	assert_int_equal(p.h.icmp_type, 128);
}

/* --- malformed packets ----------------------------------------------- */

/* Every prefix of every fixture decodes without a crash to TRUNCATED, or
 * to OK when only Ethernet padding was cut, and whatever it does report
 * agrees with the full decode. */
static void test_prefixes_never_garbage(void **state)
{
	const struct fixture *f;
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
	const struct fixture *f;
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
	uint8_t f[sizeof(eth_v4_port_unreach)];
	uint8_t g[sizeof(eth_v6_port_unreach)];
	struct pkt p;
	char d[128];

	(void)state;
	memcpy(f, eth_v4_port_unreach, sizeof(f));
	f[ETH_LEN + 20 + 3] ^= 0x01;
	/* A bad checksum is a flag: the error is still decoded. */
	assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_OK);
	assert_int_equal(p.flags, PKTF_BAD_CSUM);
	assert_int_equal(p.h.icmp_code, 3);
	assert_int_equal(p.quote.sport, 40000);
	assert_string_equal(pkt_describe(&p, d, sizeof(d)), "ok, bad checksum");

	/* A change in the quote is caught by the checksum too. */
	memcpy(f, eth_v4_port_unreach, sizeof(f));
	f[sizeof(f) - 1] ^= 0x80;
	assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_OK);
	assert_int_equal(p.flags, PKTF_BAD_CSUM);

	/* ICMPv6 covers the pseudo-header: a changed destination address
	 * makes the checksum fail although the ICMP bytes are intact. */
	memcpy(g, eth_v6_port_unreach, sizeof(g));
	g[ETH_LEN + 39] ^= 0x01;
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

static void test_quote_cut_to_4(void **state)
{
	struct pkt p;
	char d[128];

	(void)state;
	assert_int_equal(
		pkt_decode_ip(ip_v4_quote_4, sizeof(ip_v4_quote_4), &p),
		PKT_OK);
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	assert_int_equal(p.flags, PKTF_QUOTE_SHORT);
	assert_int_equal(p.quote_status, PKT_TRUNCATED);
	assert_int_equal(p.quote_len, 24);
	/* 4 bytes are enough for the ports. */
	assert_int_equal(p.quote.kind, PK_UDP);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.dport, 33434);
	assert_int_equal(p.quote.l4_len, 0);
	assert_string_equal(pkt_describe(&p, d, sizeof(d)),
			    "ok, quote short (ends inside the UDP header)");
}

static void test_quote_cut_to_2(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(
		pkt_decode_ip(ip_v4_quote_2, sizeof(ip_v4_quote_2), &p),
		PKT_OK);
	assert_int_equal(p.flags, PKTF_QUOTE_SHORT);
	assert_int_equal(p.quote_status, PKT_TRUNCATED);
	assert_int_equal(p.quote.family, AF_INET);
	/* Only one port: neither is reported. */
	assert_int_equal(p.quote.kind, PK_NONE);
	assert_int_equal(p.quote.sport, 0);
	assert_int_equal(p.quote.dport, 0);
}

static void test_quote_ihl3(void **state)
{
	struct pkt p;
	char d[128];

	(void)state;
	assert_int_equal(
		pkt_decode_ip(ip_v4_quote_ihl3, sizeof(ip_v4_quote_ihl3), &p),
		PKT_OK);
	assert_int_equal(p.flags, PKTF_QUOTE_INVALID);
	assert_int_equal(p.quote_status, PKT_INVALID);
	assert_int_equal(p.quote.kind, PK_NONE);
	assert_string_equal(pkt_describe(&p, d, sizeof(d)),
			    "ok, quote invalid (IPv4 header length below 20 "
			    "bytes)");
}

static void test_quote_wrong_family(void **state)
{
	uint8_t b[20 + 8 + 48];
	struct pkt p;

	(void)state;
	/* An ICMPv4 error quoting an IPv6 header. */
	memcpy(b, ip_v4_quote_4, 28);
	memcpy(b + 28, ip_v6_echo, 48);
	b[2] = 0;
	b[3] = sizeof(b);
	b[10] = b[11] = 0;
	{
		uint16_t c = csum_field(0, b, 20);

		b[10] = (uint8_t)(c >> 8);
		b[11] = (uint8_t)c;
	}
	fix_icmp4_csum(b, sizeof(b));
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_OK);
	assert_int_equal(p.flags, PKTF_QUOTE_INVALID);
	assert_int_equal(p.quote.family, 0);
}

static void test_quote_ip_options(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(
		pkt_decode_ip(ip_v4_quote_opts, sizeof(ip_v4_quote_opts), &p),
		PKT_OK);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote_len, 40);
	assert_int_equal(p.quote.ip_len, 40);
	assert_int_equal(p.quote.kind, PK_UDP);
	/* Read after the 4 option bytes, not at a fixed offset 20. */
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.dport, 33436);
	assert_int_equal(p.quote.l4_len, 16);
}

static void test_ext_v4_valid(void **state)
{
	struct pkt p;
	char d[128];

	(void)state;
	assert_int_equal(
		pkt_decode_ip(ip_v4_ext_mpls, sizeof(ip_v4_ext_mpls), &p),
		PKT_OK);
	assert_int_equal(p.flags, PKTF_EXTENSION);
	assert_int_equal(p.ext_offset, 136);
	/* The quote stops where the extension starts; its zero padding
	 * past the quoted total length is ignored. */
	assert_int_equal(p.quote_len, 128);
	assert_int_equal(p.quote_status, PKT_OK);
	assert_int_equal(p.quote.ip_len, 36);
	assert_int_equal(p.quote.sport, 40000);
	assert_int_equal(p.quote.dport, 33437);
	assert_string_equal(pkt_describe(&p, d, sizeof(d)), "ok, extension");
}

static void test_ext_v4_bad_checksum(void **state)
{
	struct pkt p;
	char d[128];

	(void)state;
	assert_int_equal(
		pkt_decode_ip(ip_v4_ext_badsum, sizeof(ip_v4_ext_badsum), &p),
		PKT_OK);
	assert_int_equal(p.flags, PKTF_EXT_BAD);
	assert_int_equal(p.ext_offset, 0);
	/* Without a valid extension the quote is all of the body. */
	assert_int_equal(p.quote_len, 140);
	assert_int_equal(p.quote.sport, 40000);
	assert_string_equal(pkt_describe(&p, d, sizeof(d)),
			    "ok, bad extension");
}

static void test_ext_v4_other_breakage(void **state)
{
	uint8_t b[sizeof(ip_v4_ext_mpls)];
	struct pkt p;

	(void)state;
	/* A zero extension checksum means "not computed" and is accepted. */
	memcpy(b, ip_v4_ext_mpls, sizeof(b));
	b[28 + 128 + 2] = b[28 + 128 + 3] = 0;
	fix_icmp4_csum(b, sizeof(b));
	pkt_decode_ip(b, sizeof(b), &p);
	assert_int_equal(p.flags, PKTF_EXTENSION);

	/* Version 1 is not an extension icmplab reports. */
	memcpy(b, ip_v4_ext_mpls, sizeof(b));
	b[28 + 128] = 0x10;
	fix_icmp4_csum(b, sizeof(b));
	pkt_decode_ip(b, sizeof(b), &p);
	assert_int_equal(p.flags, PKTF_EXT_BAD);

	/* RFC 4884 length below 128 bytes (31 words). */
	memcpy(b, ip_v4_ext_mpls, sizeof(b));
	b[25] = 31;
	fix_icmp4_csum(b, sizeof(b));
	pkt_decode_ip(b, sizeof(b), &p);
	assert_int_equal(p.flags, PKTF_EXT_BAD);
	assert_int_equal(p.quote.sport, 40000);

	/* A length that points at the end of the message: nothing follows. */
	memcpy(b, ip_v4_ext_mpls, sizeof(b));
	b[25] = 35;
	fix_icmp4_csum(b, sizeof(b));
	pkt_decode_ip(b, sizeof(b), &p);
	assert_int_equal(p.flags, PKTF_EXT_BAD);

	/* An object length below its own 4-byte header; the extension
	 * checksum is left wrong too, so set it to zero. */
	memcpy(b, ip_v4_ext_mpls, sizeof(b));
	b[28 + 128 + 2] = b[28 + 128 + 3] = 0;
	b[28 + 128 + 4] = 0;
	b[28 + 128 + 5] = 2;
	fix_icmp4_csum(b, sizeof(b));
	pkt_decode_ip(b, sizeof(b), &p);
	assert_int_equal(p.flags, PKTF_EXT_BAD);

	/* Cut by the capture inside the object: the header was good, what
	 * is missing cannot be held against it. */
	pkt_decode_ip(ip_v4_ext_mpls, sizeof(ip_v4_ext_mpls) - 2, &p);
	assert_int_equal(p.status, PKT_TRUNCATED);
	assert_int_equal(p.flags, PKTF_CSUM_UNVERIFIED | PKTF_EXTENSION);
	/* Cut before the extension: nothing can be said about it. */
	pkt_decode_ip(ip_v4_ext_mpls, 28 + 100, &p);
	assert_int_equal(p.flags, PKTF_CSUM_UNVERIFIED);
	assert_int_equal(p.quote.sport, 40000);
}

static void test_ext_v6(void **state)
{
	uint8_t b[sizeof(ip_v6_ext)];
	struct pkt p;
	uint16_t c;

	(void)state;
	assert_int_equal(pkt_decode_ip(ip_v6_ext, sizeof(ip_v6_ext), &p),
			 PKT_OK);
	assert_int_equal(p.flags, PKTF_EXTENSION);
	assert_int_equal(p.ext_offset, 136);
	assert_int_equal(p.quote_len, 128);
	assert_int_equal(p.quote.ip_len, 56);
	assert_int_equal(p.quote.sport, 40000);

	/* Break an object length, keep the ICMPv6 checksum right. */
	memcpy(b, ip_v6_ext, sizeof(b));
	b[40 + 136 + 2] = b[40 + 136 + 3] = 0;
	b[40 + 136 + 5] = 200;
	b[42] = b[43] = 0;
	c = csum_field(pseudo6(b, sizeof(b)), b + 40, sizeof(b) - 40);
	b[42] = (uint8_t)(c >> 8);
	b[43] = (uint8_t)c;
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_OK);
	assert_int_equal(p.flags, PKTF_EXT_BAD);
}

static void test_length_without_extension(void **state)
{
	uint8_t b[sizeof(ip_v4_ttl_exceeded)];
	struct pkt p;

	(void)state;
	/* A packet-too-big has no length field: its MTU high byte must not
	 * be taken for one. In a time exceeded, byte 5 is the length. */
	memcpy(b, ip_v4_ttl_exceeded, sizeof(b));
	b[25] = 2;
	fix_icmp4_csum(b, sizeof(b));
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_OK);
	assert_int_equal(p.flags, PKTF_EXT_BAD);
	assert_int_equal(p.quote.sport, 40000);
	/* Byte 4 in ICMPv4 is not the length. */
	memcpy(b, ip_v4_ttl_exceeded, sizeof(b));
	b[24] = 32;
	fix_icmp4_csum(b, sizeof(b));
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_OK);
	assert_int_equal(p.flags, 0);
	assert_int_equal(
		pkt_decode_eth(eth_v6_too_big, sizeof(eth_v6_too_big), &p),
		PKT_OK);
	assert_int_equal(p.flags, 0);
}

static void test_outer_invalid(void **state)
{
	uint8_t b[sizeof(ip_v4_ttl_exceeded)];
	uint8_t f[sizeof(eth_v4_tcp_syn)];
	struct pkt p;

	(void)state;
	/* IHL below 5: invalid from the first byte on. */
	memcpy(b, ip_v4_ttl_exceeded, sizeof(b));
	b[0] = 0x44;
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_INVALID);
	assert_int_equal(pkt_decode_ip(b, 1, &p), PKT_INVALID);
	/* Total length below the header length. */
	memcpy(b, ip_v4_ttl_exceeded, sizeof(b));
	b[3] = 19;
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_INVALID);
	assert_string_equal(p.why, "IPv4 total length below header length");
	/* Version 5. */
	b[0] = 0x55;
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_INVALID);
	/* An ICMP message that the IP length leaves 4 bytes: not a cut
	 * capture but a datagram too short for its own header. */
	memcpy(b, ip_v4_ttl_exceeded, sizeof(b));
	b[3] = 24;
	assert_int_equal(pkt_decode_ip(b, sizeof(b), &p), PKT_INVALID);
	assert_int_equal(p.h.kind, PK_ICMP_ERROR);
	assert_true(p.flags & PKTF_QUOTE_SHORT);
	/* An ARP frame. */
	memcpy(f, eth_v4_tcp_syn, sizeof(f));
	f[12] = 0x08;
	f[13] = 0x06;
	assert_int_equal(pkt_decode_eth(f, sizeof(f), &p), PKT_UNSUPPORTED);
	assert_int_equal(p.h.family, 0);
	/* Nothing at all. */
	assert_int_equal(pkt_decode_eth(NULL, 0, &p), PKT_TRUNCATED);
	assert_int_equal(pkt_decode_ip(NULL, 0, &p), PKT_TRUNCATED);
	/* A UDP length below the header. */
	memcpy(f, eth_v4_udp_padded, sizeof(eth_v4_udp_padded));
	f[ETH_LEN + 20 + 5] = 7;
	assert_int_equal(pkt_decode_eth(f, sizeof(eth_v4_udp_padded), &p),
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
	assert_int_equal(n, 4);
	assert_true(pkt_icmp_is_error(AF_INET6, 2));
	assert_false(pkt_icmp_is_error(AF_INET6, 128));
	assert_false(pkt_icmp_is_error(0, 3));
}

static void test_describe_small_buffers(void **state)
{
	struct pkt p;
	char d[8];

	(void)state;
	pkt_decode_ip(ip_v4_quote_4, sizeof(ip_v4_quote_4), &p);
	/* Cut, but terminated. */
	assert_string_equal(pkt_describe(&p, d, sizeof(d)), "ok, quo");
	assert_string_equal(pkt_describe(&p, d, 1), "");
	d[0] = 'x';
	pkt_describe(&p, d, 0);
	assert_int_equal(d[0], 'x');
	pkt_decode_ip(ip_v4_quote_4, 3, &p);
	assert_string_equal(pkt_describe(&p, d, sizeof(d)), "truncat");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_rfc1071_example),
		cmocka_unit_test(test_csum_odd_and_fold),
		cmocka_unit_test(test_fixture_checksums),
		cmocka_unit_test(test_v4_port_unreach),
		cmocka_unit_test(test_v4_ttl_exceeded),
		cmocka_unit_test(test_v4_frag_needed),
		cmocka_unit_test(test_v6_port_unreach),
		cmocka_unit_test(test_v6_too_big),
		cmocka_unit_test(test_tcp_syn),
		cmocka_unit_test(test_udp_padded),
		cmocka_unit_test(test_vlan_udp),
		cmocka_unit_test(test_redirect_quoting_echo),
		cmocka_unit_test(test_param_problem),
		cmocka_unit_test(test_v6_ext_headers),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_v6_echo),
		cmocka_unit_test(test_prefixes_never_garbage),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_bad_icmp_checksum),
		cmocka_unit_test(test_quote_cut_to_4),
		cmocka_unit_test(test_quote_cut_to_2),
		cmocka_unit_test(test_quote_ihl3),
		cmocka_unit_test(test_quote_wrong_family),
		cmocka_unit_test(test_quote_ip_options),
		cmocka_unit_test(test_ext_v4_valid),
		cmocka_unit_test(test_ext_v4_bad_checksum),
		cmocka_unit_test(test_ext_v4_other_breakage),
		cmocka_unit_test(test_ext_v6),
		cmocka_unit_test(test_length_without_extension),
		cmocka_unit_test(test_outer_invalid),
		cmocka_unit_test(test_is_error),
		cmocka_unit_test(test_describe_small_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
