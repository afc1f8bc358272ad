/* Decoding of captured packets: IPv4/IPv6, UDP, TCP, ICMP and ICMPv6, and
 * the datagram quoted inside an ICMP error.
 *
 * Nothing here trusts the packet. A decode fills a struct pkt that says what
 * the bytes are and how far they could be believed: PKT_TRUNCATED means the
 * bytes stop before a header or length says they should (a capture snaplen,
 * or a short quote); PKT_INVALID means the bytes contradict themselves (bad
 * version, header length below minimum, total length below header length).
 * Checksum failures and RFC 4884 extensions are flags, not statuses, so a
 * caller can report "port unreachable, bad checksum" rather than "garbage".
 */
#ifndef ICMPLAB_PKT_H
#define ICMPLAB_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

enum pkt_status {
	PKT_OK = 0,
	PKT_TRUNCATED, /* fewer bytes than the headers promise */
	PKT_INVALID, /* the bytes contradict themselves */
	PKT_UNSUPPORTED, /* well formed, but not something icmplab decodes */
};

/* What the transport part of a packet, or of a quote, is. */
enum pkt_kind {
	PK_NONE = 0,
	PK_UDP,
	PK_TCP,
	PK_ICMP_ERROR, /* an ICMP/ICMPv6 error, with a quote */
	PK_ICMP_ECHO, /* echo request or reply (either family) */
	PK_ICMP_OTHER, /* any other ICMP message */
	PK_OTHER, /* another protocol */
};

/* Flags on an ICMP error. */
#define PKTF_BAD_CSUM 0x01 /* ICMP checksum does not verify */
#define PKTF_CSUM_UNVERIFIED 0x02 /* message truncated, checksum not checked */
#define PKTF_QUOTE_SHORT 0x04 /* quote ends before 8 transport bytes */
#define PKTF_QUOTE_INVALID 0x08 /* quoted IP header is not valid */
#define PKTF_EXTENSION 0x10 /* RFC 4884 extension structure present */
#define PKTF_EXT_BAD 0x20 /* RFC 4884 length set, extension malformed */

/* The network and transport headers of one datagram. Used for the packet
 * itself and for the datagram an ICMP error quotes. */
struct pkt_hdr {
	int family; /* AF_INET or AF_INET6; 0 if not decoded */
	struct ipaddr src, dst;
	uint8_t proto; /* IPPROTO_*, after IPv6 extension headers */
	uint8_t ttl; /* TTL or hop limit */
	uint16_t ip_id; /* IPv4 only */
	bool df; /* IPv4 only */
	uint16_t frag_off; /* IPv4 fragment offset in 8-byte units */
	uint32_t ip_len; /* total length from the header (v6: 40 + payload) */
	enum pkt_kind kind;
	uint16_t sport, dport; /* UDP/TCP ports; for echo, sport = dport = id */
	uint16_t l4_len; /* UDP length field */
	uint16_t l4_csum; /* UDP/TCP/ICMP checksum field as on the wire */
	uint8_t tcp_flags;
	uint32_t tcp_seq;
	uint8_t icmp_type, icmp_code; /* for ICMP kinds */
	uint16_t echo_id, echo_seq;
};

struct pkt {
	enum pkt_status status;
	const char *why; /* static text saying what was wrong, or NULL */
	struct pkt_hdr h; /* the packet's own headers */
	/* For PK_ICMP_ERROR only: */
	uint32_t icmp_rest; /* bytes 4..7 of the ICMP header, host order */
	uint32_t mtu; /* 3/4 next-hop MTU, or ICMPv6 packet-too-big MTU */
	uint8_t pointer; /* parameter problem pointer (v4); v6 uses icmp_rest */
	struct ipaddr gateway; /* redirect gateway (v4) */
	unsigned flags; /* PKTF_* */
	enum pkt_status quote_status; /* how far the quote could be decoded */
	struct pkt_hdr quote; /* the quoted datagram's headers */
	size_t quote_len; /* bytes of quote present (before any extension) */
	uint16_t ext_offset; /* RFC 4884: offset of extension, 0 if none */
};

/* Decodes an Ethernet II frame as captured by libpcap (DLT_EN10MB). Always
 * fills *out (status says how far); returns out->status. */
enum pkt_status pkt_decode_eth(const uint8_t *frame, size_t len,
			       struct pkt *out);

/* Decodes from the IP header on (version taken from the first nibble). */
enum pkt_status pkt_decode_ip(const uint8_t *buf, size_t len, struct pkt *out);

/* True for ICMPv4 types 3, 4, 5, 11, 12 and ICMPv6 types 1..4: the messages
 * that quote a datagram. */
bool pkt_icmp_is_error(int family, int type);

/* Internet checksum (RFC 1071) of len bytes, folded, not inverted, starting
 * from sum. Use with a pseudo-header sum for UDP/TCP/ICMPv6. */
uint32_t pkt_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t pkt_csum_fold(uint32_t sum);

/* A short text for a packet's status and flags, e.g. "ok", "truncated: quote
 * ends inside the UDP header", "bad checksum". Writes into buf (len bytes)
 * and returns it. */
const char *pkt_describe(const struct pkt *p, char *buf, size_t len);

#endif
