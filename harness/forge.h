/* The forger: a process in the router namespace that answers every datagram
 * from the client with an ICMPv4 error (an ICMPv6 one in an ipv6 case) of
 * the case's choosing, built the way a router builds one, or broken on
 * purpose in one chosen way.
 *
 * The module has two halves. forge_build() and forge_build6() are pure:
 * offending datagram in, complete IPv4 (IPv6) packet out, so they can be
 * tested byte for byte. The fault
 * `forge` (in forge_faults[]) wires it to the topology: a packet socket on
 * the router's client-side link sees the client's datagrams, an nftables
 * rule keeps them from being forwarded, and a raw socket sends the forged
 * answer back.
 *
 * Case parameters of `fault forge` (forge_params[] in forge.c is the schema;
 * `icmplab faults` prints it):
 *   type=N       ICMP type, 0..255 or a name (unreachable, time-exceeded,
 *                ...) (required); names and numbers are the case's
 *                family's: type=unreachable code=port is 3/3 in an ipv4
 *                case, 1/4 in an ipv6 one
 *   code=SPEC    0..255 or a name of the type (port, frag-needed, ttl,
 *                ...), or a sweep: a list of codes, names and ranges such
 *                as 0-15 or 2,3,6 (see "Sweeps" below); default 0
 *   mtu=N        next-hop MTU for 3/4 (RFC 1191), or the MTU of an ICMPv6
 *                Packet Too Big (2, RFC 4443 3.2), 0..65535; default 0
 *   pointer=N    Parameter Problem pointer (type 12, 0..255; ICMPv6 type
 *                4, 0..65535, RFC 4443 3.4); default 0
 *   gateway=A    Redirect gateway (type 5), a documentation address
 *   variant=V    none, bad_csum, short_quote, other_sport, other_dst,
 *                rfc4884, offpath; default none
 *   from=A       source of the errors, a documentation address; default
 *                the router's client-side address (what a Linux router
 *                uses)
 *
 * Sweeps: with a list of codes the forger answers the k-th datagram
 * (counting from 0) of each flow with codes[k % n], and the plan's count is
 * set to n, so a probe that sends one datagram per round (every UDP style
 * but udp-connected) sees round r answered with codes[r]: the sweep reads
 * down the list. udp-connected sends two datagrams per round (send, recv,
 * send), so its round r gets codes[2r % n] and codes[(2r + 1) % n]; the
 * rule is per datagram, not per round, so that any probe's answers can be
 * told from its own datagram count. A flow is (protocol, addresses, ports,
 * or the echo identifier), so probes running at once do not disturb each
 * other's counts.
 */
#ifndef ICMPLAB_FORGE_H
#define ICMPLAB_FORGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <linux/if_packet.h>

#include "pkt.h"

enum forge_variant {
	FORGE_NONE,	   /* as a router builds it */
	FORGE_BAD_CSUM,	   /* ICMP checksum off by one: can never verify */
	FORGE_SHORT_QUOTE, /* quote cut to 4 bytes past the quoted header */
	FORGE_OTHER_SPORT, /* quoted source port (echo id) for another socket */
	FORGE_OTHER_DST,   /* quoted destination changed */
	FORGE_RFC4884,	   /* RFC 4884 length, padding and an extension */
	FORGE_OFFPATH,	   /* sent from 192.0.2.66, not on the path */
	FORGE_VARIANT_MAX
};

/* The source offpath uses: TEST-NET-1, which no node of the topology has;
 * over IPv6 an address of 2001:db8::/32 outside the topology's prefixes. */
#define FORGE_OFFPATH_SRC "192.0.2.66"
#define FORGE_OFFPATH_SRC6 "2001:db8:66::66"
/* other_sport flips the top bit of the quoted source port (or echo id):
 * Linux's ephemeral ports (32768-60999 by default) land below 32768, where
 * no socket of the client is bound, so the error names nobody. */
#define FORGE_OTHER_SPORT_XOR 0x8000u
/* other_dst flips the top bit of the last octet of the quoted destination:
 * 203.0.113.2 becomes 203.0.113.130, a host of the same documentation
 * network that was never addressed. */
#define FORGE_OTHER_DST_XOR 0x80u

/* RFC 4884 section 4: the original datagram field is padded to 128 bytes
 * when an extension follows. */
#define FORGE_RFC4884_QUOTE 128

/* RFC 4443 2.4 (c): an ICMPv6 error holds as much of the offending packet
 * as fits without exceeding the IPv6 minimum MTU (RFC 8200 5): 1280 bytes
 * in all, so 1280 - 40 - 8 of quote. */
#define FORGE_PKT6_MAX 1280
#define FORGE_QUOTE6_MAX (FORGE_PKT6_MAX - 40 - 8)

/* The most any forged packet takes: IP 20 + ICMP 8 + a 128-byte original
 * datagram field + the extension (4-byte header, and an interface object
 * of at most 4 + 4 + 8 + 16 + 4 bytes). */
#define FORGE_PKT_MAX 256

#define FORGE_MAX_CODES 64
#define FORGE_MAX_FLOWS 64

/* What an RFC 5837 Interface Information Object says about the interface
 * the offending datagram arrived on (rfc4884 variant only). */
struct forge_iface {
	uint32_t ifindex;
	uint8_t addr[4];
	uint8_t addr6[16]; /* forge_build6 */
	char name[16]; /* NUL-terminated; at most 15 characters are sent */
	uint32_t mtu;
};

/* One forged error. Fields a type does not use are ignored. */
struct forge_spec {
	uint8_t src[4]; /* source of the error (offpath overrides it) */
	uint8_t src6[16]; /* forge_build6: source of the ICMPv6 error */
	uint8_t type, code;
	uint16_t mtu;	    /* type 3 code 4: RFC 1191 next-hop MTU; ICMPv6
			     * type 2: the MTU */
	uint16_t pointer;   /* type 12: RFC 792 pointer (8 bits); ICMPv6
			     * type 4: RFC 4443 3.4 pointer */
	uint8_t gateway[4]; /* type 5: RFC 792 gateway address */
	uint16_t ip_id;	    /* identification of the forged packet; the
			     * kernel picks one when it is 0 */
	enum forge_variant variant;
	struct forge_iface iface; /* rfc4884 only */
};

/* Builds the complete IPv4 packet (IP header, ICMP header, quote, and for
 * rfc4884 the extension) answering dgram, the offending datagram from its
 * IP header on (dlen bytes; bytes past its total length are ignored), into
 * out, which must hold FORGE_PKT_MAX bytes (outlen; any forged packet
 * fits). The packet goes to dgram's source, with TTL 64, DF clear,
 * precedence 6 (RFC 1812 4.3.2.5; Source Quench copies the datagram's),
 * correct IP and ICMP checksums, and a quote of the datagram's IP header
 * plus the first 8 bytes of its payload: the RFC 792 quote that every
 * router sends (RFC 1812 4.3.2.3 allows up to 576 bytes in all, and a Linux
 * router sends that much; 8 bytes are all a receiver may count on). The
 * quote holds the bytes as the router received them: on veth, a UDP
 * checksum the client left to offload still holds only the pseudo-header
 * sum, exactly as the client's own capture shows it. Then spec->variant is
 * applied. Returns the packet length, or -1 with a message in err when
 * dgram is not an IPv4 datagram, a variant cannot apply to it (other_sport
 * needs UDP, TCP or an echo request; rfc4884 needs type 3, 11 or 12), or
 * out is too small.
 * Reads dgram only through a bounds-checked cursor. */
ssize_t forge_build(const struct forge_spec *spec, const uint8_t *dgram,
		    size_t dlen, uint8_t *out, size_t outlen, char *err,
		    size_t errlen);

/* The ICMPv6 error (RFC 4443) answering dgram, the offending IPv6 packet
 * from its IPv6 header on (dlen bytes; bytes past its payload length are
 * ignored), as a router sends it: an IPv6 header from spec->src6 to
 * dgram's source, hop limit 64, traffic class and flow label 0, next header
 * ICMPv6; the ICMPv6 header with spec->type and code, its checksum over
 * the RFC 8200 8.1 pseudo-header, and the 32-bit field the type defines
 * (Packet Too Big: the MTU; Parameter Problem: the pointer; else 0); then
 * as much of dgram as fits in FORGE_PKT6_MAX bytes (RFC 4443 2.4 (c)).
 * spec->variant may be none, bad_csum (the checksum off by one),
 * short_quote (the quote cut to the IPv6 header and 4 bytes past it),
 * other_sport and other_dst (as over IPv4, the quoted datagram's
 * transport checksum kept right for its new pseudo-header), offpath (from
 * FORGE_OFFPATH_SRC6) or rfc4884 (types 1 and 3: the quote padded or cut
 * to 128 bytes, its length in 64-bit words in the first byte of the
 * 32-bit field, RFC 4884 4.5, and an extension with an RFC 5837 interface
 * object naming iface.addr6). Variants that edit the quote need the
 * transport header straight after the IPv6 header. out must hold
 * FORGE_PKT6_MAX bytes
 * (outlen). Returns the packet length, or -1 with a message in err when
 * dgram is not an IPv6 packet, the variant has no IPv6 form, or out is too
 * small. Reads dgram only through a bounds-checked cursor. */
ssize_t forge_build6(const struct forge_spec *spec, const uint8_t *dgram,
		     size_t dlen, uint8_t *out, size_t outlen, char *err,
		     size_t errlen);

/* The Echo Reply (ICMP type 0, ICMPv6 type 129) a host would send for the
 * Echo Request req (its IP header on, len bytes; bytes past its total or
 * payload length are ignored), from req's destination to its source, with
 * ip_id (IPv4), TTL 64, and the request's identifier, sequence number and
 * data: how the forger answers the harness's fences (fence.h), so that
 * they come back in order with the errors it forges. out holds outlen
 * bytes; the reply has the request's length when it has no IPv4 options
 * (the IPv6 request must carry ICMPv6 straight after its header). Returns
 * the reply's length, or -1 with err when req is not such a request or
 * does not fit. Reads req only through a bounds-checked cursor. */
ssize_t forge_echo_reply(const uint8_t *req, size_t len, uint16_t ip_id,
			 uint8_t *out, size_t outlen, char *err,
			 size_t errlen);

/* 0 when variant v has an ICMPv6 form for an error of this type (rfc4884
 * only for types 1 and 3, which RFC 4884 4.5 gives a length), or -1 with
 * err. */
int forge_variant_fits6(enum forge_variant v, unsigned type, char *err,
			size_t errlen);

/* "none", "bad_csum", ...; "?" for anything else. Static storage. */
const char *forge_variant_name(enum forge_variant v);

/* 0 and *out, or -1 for an unknown name. */
int forge_variant_parse(const char *name, enum forge_variant *out);

/* 0 when variant v can apply to an error of this type, or -1 with err:
 * an unknown variant, or rfc4884 with a type other than 3, 11 and 12 (RFC
 * 4884 section 4 gives only those a length field). forge_build and the
 * fault's parameter rules both ask it. */
int forge_variant_fits(enum forge_variant v, unsigned type, char *err,
		       size_t errlen);

/* Per-flow datagram counts, for sweeps. Zero-initialise before use. */
struct forge_flow {
	uint8_t proto;
	uint8_t src[16], dst[16]; /* IPv4: the first 4 bytes, the rest 0 */
	uint16_t sport, dport; /* for an echo, the identifier twice */
	unsigned seen;
};

struct forge_flows {
	struct forge_flow f[FORGE_MAX_FLOWS];
	unsigned n;
	unsigned next_evict; /* round robin once the table is full */
};

/* Returns how many datagrams of h's flow were counted before this one (0
 * for the first) and counts this one. h is the decoded datagram (IPv4 or
 * IPv6). */
unsigned forge_flow_count(struct forge_flows *t, const struct pkt_hdr *h);

/* Whether the source address recvfrom(2) gave a packet socket (sll, len
 * bytes as recvfrom reported them) is complete: its fixed fields and the
 * sll_halen-byte link-layer address they announce, that is at least
 * offsetof(struct sockaddr_ll, sll_addr) + sll_halen bytes. Kernels before
 * 2019 report exactly that (18 bytes on Ethernet) and later ones pad it to
 * sizeof(struct sockaddr_ll); both are complete. A length above
 * sizeof(*sll) means only that the address was cut to fit the buffer.
 * sll need be valid only for len bytes (at most sizeof(*sll)). */
bool forge_sll_complete(const struct sockaddr_ll *sll, socklen_t len);

#endif
