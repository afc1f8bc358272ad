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
	PKT_TRUNCATED,	 /* fewer bytes than the headers promise */
	PKT_INVALID,	 /* the bytes contradict themselves */
	PKT_UNSUPPORTED, /* well formed, but not something icmplab decodes */
};

/* What the transport part of a packet, or of a quote, is. A kind is set
 * only once the fields that tie a packet to a flow were read: the ports for
 * UDP/TCP, the type for ICMP, and the id too for an echo. */
enum pkt_kind {
	PK_NONE = 0, /* no transport header (a non-first fragment), or too
		      * few bytes of it to know the kind */
	PK_UDP,
	PK_TCP,
	PK_ICMP_ERROR, /* an ICMP/ICMPv6 error, with a quote */
	PK_ICMP_ECHO,  /* echo request or reply (either family) */
	PK_ICMP_OTHER, /* any other ICMP message */
	PK_OTHER,      /* another protocol */
};

/* Flags on an ICMP error. */
#define PKTF_BAD_CSUM 0x01 /* ICMP checksum does not verify */
#define PKTF_CSUM_UNVERIFIED                                                   \
	0x02			/* message truncated, checksum not checked     \
				 */
#define PKTF_QUOTE_SHORT   0x04 /* quote ends before 8 transport bytes */
#define PKTF_QUOTE_INVALID 0x08 /* quoted IP header is not valid */
#define PKTF_EXTENSION	   0x10 /* RFC 4884 extension structure present */
#define PKTF_EXT_BAD	   0x20 /* RFC 4884 length set, extension malformed */

/* The network and transport headers of one datagram. Used for the packet
 * itself and for the datagram an ICMP error quotes. */
struct pkt_hdr {
	int family; /* AF_INET or AF_INET6; 0 if not decoded */
	struct ipaddr src, dst;
	uint8_t proto;	   /* IPPROTO_*, after IPv6 extension headers */
	uint8_t ttl;	   /* TTL or hop limit */
	uint16_t ip_id;	   /* IPv4 only */
	bool df;	   /* IPv4 only */
	uint16_t frag_off; /* fragment offset in 8-byte units (IPv4 header,
			    * or the IPv6 fragment header if any) */
	uint32_t ip_len;   /* total length from the header (v6: 40 + payload) */
	enum pkt_kind kind;
	uint16_t sport, dport; /* UDP/TCP ports; for echo, sport = dport = id */
	uint16_t l4_len;       /* UDP length field */
	uint16_t l4_csum;      /* UDP/TCP/ICMP checksum field as on the wire */
	uint8_t tcp_flags;
	uint32_t tcp_seq;
	uint8_t icmp_type, icmp_code; /* for ICMP kinds */
	uint16_t echo_id, echo_seq;
};

struct pkt {
	enum pkt_status status;
	const char *why;  /* static text saying what was wrong, or NULL */
	struct pkt_hdr h; /* the packet's own headers */
	/* For PK_ICMP_ERROR only: */
	uint32_t icmp_rest; /* bytes 4..7 of the ICMP header, host order */
	uint32_t mtu;	    /* 3/4 next-hop MTU, or ICMPv6 packet-too-big MTU */
	uint8_t pointer; /* parameter problem pointer (v4); v6 uses icmp_rest */
	struct ipaddr gateway;	      /* redirect gateway (v4) */
	unsigned flags;		      /* PKTF_* */
	enum pkt_status quote_status; /* how far the quote could be decoded */
	struct pkt_hdr quote;	      /* the quoted datagram's headers */
	size_t quote_len;    /* bytes of quote present (before any extension) */
	uint16_t ext_offset; /* RFC 4884: offset of extension, 0 if none */
	/* Added: static text saying what was wrong with the quote (as why
	 * does for the packet), or NULL when quote_status is PKT_OK. */
	const char *quote_why;
};

/* Notes on the ICMP error fields:
 * - ext_offset counts from the first byte of the ICMP header, as the RFC
 *   4884 length does (8 + length); PKTF_EXTENSION is set only for a version
 *   2 structure whose checksum (when nonzero and the message is whole) and
 *   object lengths check out. An RFC 4884 length below 128 bytes, or one
 *   with no extension after it, sets PKTF_EXT_BAD. When the capture is cut
 *   before the extension, neither flag is set.
 * - With a valid extension (or one cut before it could be checked) the
 *   quote is the first length bytes of the body; otherwise it is all of
 *   the body, as before RFC 4884.
 * - Quote problems never change status: a quote that ends early (or whose
 *   ports are missing) gives quote_status PKT_TRUNCATED and
 *   PKTF_QUOTE_SHORT; one that contradicts itself (IHL < 5, wrong IP
 *   version for the ICMP family, total length below header length) gives
 *   PKT_INVALID and PKTF_QUOTE_INVALID.
 * - status is PKT_TRUNCATED, not PKT_OK, when all headers decode but the
 *   IP payload is shorter than the IP length says (a capture snaplen). A
 *   header that runs past the IP length itself is PKT_INVALID. */

/* Decodes an Ethernet II frame as captured by libpcap (DLT_EN10MB). Always
 * fills *out (status says how far); returns out->status. */
enum pkt_status pkt_decode_eth(const uint8_t *frame, size_t len,
			       struct pkt *out);

/* True for the link types pkt_decode_link reads (libpcap DLT_ values):
 * DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6,
 * DLT_NULL and DLT_LOOP. */
bool pkt_link_supported(int linktype);

/* Decodes one captured frame of a link type pkt_link_supported accepts;
 * any other gives PKT_UNSUPPORTED. Always fills *out; returns out->status.
 * A non-IP frame (ARP, another ethertype or loopback family) is
 * PKT_UNSUPPORTED too, with why saying so. */
enum pkt_status pkt_decode_link(int linktype, const uint8_t *frame, size_t len,
				struct pkt *out);

/* Decodes from the IP header on (version taken from the first nibble). */
enum pkt_status pkt_decode_ip(const uint8_t *buf, size_t len, struct pkt *out);

/* Decodes an ICMPv6 message as an IPv6 raw socket hands it over: from the
 * ICMPv6 header on, with no IPv6 header (RFC 3542 3); src is the sender
 * recvfrom reported. The kernel verified the checksum before delivering
 * it, and the destination the pseudo-header needs is not in the buffer,
 * so the checksum is not summed again (PKTF_CSUM_UNVERIFIED). h.ttl and
 * the lengths are 0. */
enum pkt_status pkt_decode_icmp6(const uint8_t *msg, size_t len,
				 const struct ipaddr *src, struct pkt *out);

/* True for ICMPv4 types 3, 4, 5, 11, 12 and ICMPv6 types 1..4: the messages
 * that quote a datagram. */
bool pkt_icmp_is_error(int family, int type);

/* Internet checksum (RFC 1071) of len bytes, folded, not inverted, starting
 * from sum. Use with a pseudo-header sum for UDP/TCP/ICMPv6.
 * pkt_csum_add returns a sum already folded to 16 bits, so calls chain; an
 * odd len is padded with a zero byte, so only the last piece may be odd.
 * pkt_csum_fold folds any 32-bit sum to 16 bits and does not invert either:
 * the value for a checksum field is (uint16_t)~pkt_csum_fold(sum), and data
 * that includes a correct checksum folds to 0xffff. */
uint32_t pkt_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t pkt_csum_fold(uint32_t sum);

/* A short text for a packet's status and flags, e.g. "ok", "truncated: quote
 * ends inside the UDP header", "bad checksum". Writes into buf (len bytes)
 * and returns it. */
const char *pkt_describe(const struct pkt *p, char *buf, size_t len);

#endif
