/* Packet fixtures shared by the unit tests, and the helpers that check
 * and edit them.
 *
 * Every fixture was built byte by byte from the RFC layouts by a small
 * script, not by the code under test; fixtures.c has the decoded packet in
 * a comment above each one. The flows follow the topology of the suite: the
 * client is 198.51.100.2 (2001:db8:1::2), the server 203.0.113.2
 * (2001:db8:2::2), the router 198.51.100.1 (2001:db8:1::1).
 *
 * The sizes are spelled out so that sizeof works on the arrays in every
 * test; fixtures.c includes this header, so the compiler refuses a size
 * that does not match the bytes. */
#ifndef ICMPLAB_TEST_FIXTURES_H
#define ICMPLAB_TEST_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

#define FX_ETH_LEN 14

/* A fixture with its name, for the tests that walk a list of them. */
struct fx {
	const char *name;
	const uint8_t *b;
	size_t len;
	bool eth; /* starts with an Ethernet header, else with IP */
};

/* The struct fx for the array n, which is a frame when e is true. */
#define FX(n, e)                                                               \
	{                                                                      \
		(#n), (n), sizeof(n), (e)                                      \
	}

/* --- packets as captured (decoded by lib/pkt.c) ---------------------- */

extern const uint8_t fx_eth_v4_port_unreach[78];
extern const uint8_t fx_ip_v4_ttl_exceeded[64];
extern const uint8_t fx_eth_v4_frag_needed[90];
extern const uint8_t fx_eth_v6_port_unreach[118];
extern const uint8_t fx_eth_v6_too_big[126];
extern const uint8_t fx_eth_v4_tcp_syn[74];
extern const uint8_t fx_eth_v4_udp_padded[60];
extern const uint8_t fx_eth_vlan_udp[54];
extern const uint8_t fx_ip_v4_quote_4[52];
extern const uint8_t fx_ip_v4_quote_2[50];
extern const uint8_t fx_ip_v4_quote_ihl3[64];
extern const uint8_t fx_ip_v4_quote_opts[68];
extern const uint8_t fx_ip_v4_ext_mpls[168];
extern const uint8_t fx_ip_v4_ext_badsum[168];
extern const uint8_t fx_ip_v6_ext[188];
extern const uint8_t fx_ip_v4_redirect_echo[64];
extern const uint8_t fx_ip_v4_param_problem[64];
extern const uint8_t fx_ip_v6_exthdrs_udp[80];
extern const uint8_t fx_ip_v6_frag_later[64];
extern const uint8_t fx_ip_v4_frag_later[36];
extern const uint8_t fx_ip_v6_echo[56];
extern const uint8_t fx_ip_v4_ttl_echo[64];
extern const uint8_t fx_eth_v4_echo_out[50];
extern const uint8_t fx_ip_v4_host_unreach_tcp[56];
extern const uint8_t fx_eth_arp_request[42];

/* --- datagrams handed to forge_build --------------------------------- */

extern const uint8_t fx_dgram_udp[36];
extern const uint8_t fx_dgram_udp_ef[36];
extern const uint8_t fx_dgram_echo[36];
extern const uint8_t fx_dgram_udp_opts[40];

/* --- what forge_build must make of them ------------------------------ */

extern const uint8_t fx_forged_port[56];
extern const uint8_t fx_forged_frag[56];
extern const uint8_t fx_forged_param[56];
extern const uint8_t fx_forged_redirect[56];
extern const uint8_t fx_forged_quench[56];
extern const uint8_t fx_forged_bad_csum[56];
extern const uint8_t fx_forged_short[52];
extern const uint8_t fx_forged_other_sport[56];
extern const uint8_t fx_forged_other_dst[56];
extern const uint8_t fx_forged_rfc4884[184];
extern const uint8_t fx_forged_offpath[56];
extern const uint8_t fx_forged_echo_other_sport[56];
extern const uint8_t fx_forged_opts[60];

/* --- helpers --------------------------------------------------------- */

/* The value for a checksum field: the inverted fold of sum plus len bytes
 * at b, taken with the field zeroed (pkt_csum_fold does not invert). */
uint16_t fx_csum_field(uint32_t sum, const uint8_t *b, size_t len);

/* Rewrites the header checksum of the IPv4 header at ip (its length from
 * the IHL) after a test has changed bytes in it. */
void fx_fix_ip4_csum(uint8_t *ip);

/* Rewrites the ICMP checksum of the len-byte IPv4 packet at ip, which has a
 * 20-byte header, after a test has changed bytes in it, so that the change
 * is the only thing wrong with the packet. */
void fx_fix_icmp4_csum(uint8_t *ip, size_t len);

/* The ICMPv6 pseudo-header sum (RFC 8200 8.1, as RFC 4443 2.3 asks) for
 * the len-byte IPv6 packet at ip, which has no extension headers. */
uint32_t fx_pseudo6(const uint8_t *ip, size_t len);

/* Asserts (cmocka) that f's checksums verify: the IPv4 header, the ICMP
 * message of an unfragmented ICMPv4 packet, the ICMPv6 message with its
 * pseudo-header. Returns false, checking nothing, when f is a frame that
 * does not carry IP directly (802.1Q, ARP); true otherwise. */
bool fx_assert_checksums(const struct fx *f);

/* Asserts (cmocka) that a prints as text. */
void fx_assert_addr(const struct ipaddr *a, const char *text);

/* IPv6 (forge_build6). */
extern const uint8_t fx_dgram6_udp[56];
extern const uint8_t fx_forged6_port[104];
extern const uint8_t fx_forged6_ptb[104];
extern const uint8_t fx_forged6_param[104];
extern const uint8_t fx_forged6_bad_csum[104];
extern const uint8_t fx_forged6_short[92];

/* RFC 1071 by hand, apart from lib/pkt.c: sum (a running 32-bit sum)
 * plus len bytes at p, folded to 16 bits, not inverted. Tests check
 * checksums with it so that the library's own sum is not its judge. */
uint16_t fx_sum16(const uint8_t *p, size_t len, uint32_t sum);

#endif
