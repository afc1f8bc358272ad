/* The forger: see forge.h. */
#include "forge.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "catalog.h"
#include "cursor.h"
#include "fence.h"
#include "names.h"
#include "num.h"
#include "params.h"
#include "helper.h"

#define IP_HDR_LEN   20
#define ICMP_HDR_LEN 8
/* RFC 792: the quote is the internet header plus the first 64 bits of the
 * datagram's data. */
#define QUOTE_L4   8
#define SHORT_L4   4
#define FORGED_TTL 64
/* RFC 1812 4.3.2.5: errors other than Source Quench SHOULD go with
 * precedence 6, internetwork control. */
#define PREC_INTERNETWORK_CONTROL 0xc0
#define PREC_MASK		  0xe0

/* RFC 4884 section 7: the extension structure header, version 2. */
#define EXT_VERSION_BYTE 0x20
/* RFC 5837 section 4.1: Interface Information Object, class-num 2; the
 * C-Type carries the interface role in its top two bits (0: the incoming
 * IP interface) and one bit for each piece of information that follows:
 * ifIndex 0x08, IP address 0x04, name 0x02, MTU 0x01. */
#define IIO_CLASS     2
#define IIO_ROLE_IN   0x00
#define IIO_HAS_INDEX 0x08
#define IIO_HAS_ADDR  0x04
#define IIO_HAS_NAME  0x02
#define IIO_HAS_MTU   0x01
#define AFI_IPV4      1 /* RFC 5837 4.2: IANA address family numbers */
#define AFI_IPV6      2

/* Also the schema's token list for variant= (forge_params). */
static const struct tok variant_names[] = {
	{FORGE_NONE, "none"},
	{FORGE_BAD_CSUM, "bad_csum"},
	{FORGE_SHORT_QUOTE, "short_quote"},
	{FORGE_OTHER_SPORT, "other_sport"},
	{FORGE_OTHER_DST, "other_dst"},
	{FORGE_RFC4884, "rfc4884"},
	{FORGE_OFFPATH, "offpath"},
	{0, NULL},
};

const char *forge_variant_name(enum forge_variant v)
{
	return tok2str(variant_names, (int)v, "?");
}

int forge_variant_parse(const char *name, enum forge_variant *out)
{
	int v;

	if (str2tok(variant_names, name, &v) < 0)
		return -1;
	*out = (enum forge_variant)v;
	return 0;
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* --- the builder ----------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The value for a checksum field over len bytes at p (the field itself
 * zero). */
static uint16_t csum_of(const uint8_t *p, size_t len)
{
	return (uint16_t)~pkt_csum_fold(pkt_csum_add(0, p, len));
}

/* RFC 1624 equation 3: the checksum hc after one 16-bit word of what it
 * covers changed from old to new, without summing the rest again. A quote
 * that is edited keeps checksums that agree with the edit, so that it looks
 * like a real datagram of another flow, not a damaged one. */
static uint16_t csum_replace(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~hc;

	sum += (uint16_t)~old;
	sum += new;
	return (uint16_t)~pkt_csum_fold(sum);
}

/* The same for a UDP checksum field: 0 means "no checksum" and stays so,
 * and a computed 0 goes out as all ones (RFC 768). */
static uint16_t udp_csum_replace(uint16_t hc, uint16_t old, uint16_t new)
{
	uint16_t v;

	if (hc == 0)
		return 0;
	v = csum_replace(hc, old, new);
	return v ? v : 0xffff;
}

/* What forge_build needs of the offending datagram, read field by field. */
struct offender {
	uint8_t tos, proto;
	uint8_t src[4], dst[4];
	size_t hl;	      /* header length from IHL */
	struct cursor hdr;    /* its IP header, hl bytes */
	uint8_t l4[QUOTE_L4]; /* the first transport bytes */
	size_t l4len;	      /* how many of them there are, 0..8 */
};

static int read_offender(const uint8_t *dgram, size_t dlen, struct offender *o,
			 char *err, size_t errlen)
{
	struct cursor c, whole;
	uint8_t vihl;
	uint16_t tot;
	size_t avail;

	cur_init(&c, dgram, dlen);
	if (cur_u8(&c, &vihl) || cur_u8(&c, &o->tos) || cur_be16(&c, &tot) ||
	    cur_skip(&c, 5) || cur_u8(&c, &o->proto) || cur_skip(&c, 2) ||
	    cur_bytes(&c, o->src, 4) || cur_bytes(&c, o->dst, 4)) {
		seterr(err, errlen,
		       "offending datagram: ends inside its IPv4 header");
		return -1;
	}
	if (vihl >> 4 != 4) {
		seterr(err, errlen, "offending datagram: IP version %u, not 4",
		       vihl >> 4);
		return -1;
	}
	o->hl = (size_t)(vihl & 0x0f) * 4;
	if (o->hl < IP_HDR_LEN || tot < o->hl) {
		seterr(err, errlen,
		       "offending datagram: header length %zu, total length "
		       "%u: not a valid IPv4 header",
		       o->hl, tot);
		return -1;
	}
	/* The total length bounds the datagram: link padding is not part of
	 * it and must not be quoted as if it were. */
	avail = dlen < tot ? dlen : tot;
	cur_init(&whole, dgram, avail);
	if (cur_sub(&whole, o->hl, &o->hdr) < 0) {
		seterr(err, errlen,
		       "offending datagram: ends inside its IPv4 options");
		return -1;
	}
	o->l4len = cur_left(&whole) < QUOTE_L4 ? cur_left(&whole) : QUOTE_L4;
	(void)cur_bytes(&whole, o->l4, o->l4len);
	return 0;
}

/* Bytes 4-7 of the ICMP header: the field each type defines there. */
static uint32_t rest_word(const struct forge_spec *s)
{
	switch (s->type) {
	case 3:
		/* RFC 1191 section 4: the next-hop MTU is in the low 16
		 * bits, for code 4 only; elsewhere the field is unused and
		 * zero (RFC 792). */
		return s->code == 4 ? s->mtu : 0;
	case 5:
		return (uint32_t)s->gateway[0] << 24 |
		       (uint32_t)s->gateway[1] << 16 |
		       (uint32_t)s->gateway[2] << 8 | s->gateway[3];
	case 12:
		return (uint32_t)(s->pointer & 0xff) << 24;
	default:
		return 0;
	}
}

/* Edits the quote in place (q: the quoted header, then l4 bytes) for the
 * variants that make it name another flow. Every value edited comes from
 * o, which was read through a cursor; q is our own buffer. */
static int edit_quote(const struct forge_spec *s, const struct offender *o,
		      uint8_t *q, size_t l4len, char *err, size_t errlen)
{
	uint8_t *l4 = q + o->hl;
	uint16_t old, new, hc;

	if (s->variant == FORGE_OTHER_DST) {
		/* The last two bytes of the destination are one checksum
		 * word for the IP header and for the UDP pseudo-header. */
		old = (uint16_t)(o->dst[2] << 8 | o->dst[3]);
		new = old ^ FORGE_OTHER_DST_XOR;
		q[19] ^= FORGE_OTHER_DST_XOR;
		hc = (uint16_t)(q[10] << 8 | q[11]);
		put16(q + 10, csum_replace(hc, old, new));
		if (o->proto == IPPROTO_UDP && l4len >= 8) {
			hc = (uint16_t)(o->l4[6] << 8 | o->l4[7]);
			put16(l4 + 6, udp_csum_replace(hc, old, new));
		}
		return 0;
	}
	if (s->variant != FORGE_OTHER_SPORT)
		return 0;
	if ((o->proto == IPPROTO_UDP || o->proto == IPPROTO_TCP) &&
	    l4len >= 2) {
		old = (uint16_t)(o->l4[0] << 8 | o->l4[1]);
		new = old ^ FORGE_OTHER_SPORT_XOR;
		put16(l4, new);
		/* A TCP checksum lies past the 8 quoted bytes; UDP's is in
		 * them. */
		if (o->proto == IPPROTO_UDP && l4len >= 8) {
			hc = (uint16_t)(o->l4[6] << 8 | o->l4[7]);
			put16(l4 + 6, udp_csum_replace(hc, old, new));
		}
		return 0;
	}
	/* An echo request's socket is known by its identifier (bytes 4-5),
	 * which its own checksum (bytes 2-3) covers. */
	if (o->proto == IPPROTO_ICMP && l4len >= 6 && o->l4[0] == 8) {
		old = (uint16_t)(o->l4[4] << 8 | o->l4[5]);
		new = old ^ FORGE_OTHER_SPORT_XOR;
		put16(l4 + 4, new);
		hc = (uint16_t)(o->l4[2] << 8 | o->l4[3]);
		put16(l4 + 2, csum_replace(hc, old, new));
		return 0;
	}
	seterr(err, errlen,
	       "variant other_sport: the offending datagram (protocol %u) is "
	       "not UDP, TCP or an echo request, so it has no port to change",
	       o->proto);
	return -1;
}

/* Writes the RFC 4884 extension structure (RFC 4884 section 7) with one
 * RFC 5837 Interface Information Object at p; returns its length. The
 * caller made room for the largest one (see FORGE_PKT_MAX). */
static size_t put_extension(const struct forge_iface *ifc, bool v6,
			    uint8_t *p)
{
	uint8_t *obj = p + 4, *w;
	size_t namelen = strnlen(ifc->name, sizeof(ifc->name) - 1);
	/* RFC 5837 4.3: the name sub-object's length octet counts itself,
	 * and the whole is a multiple of 4 bytes. */
	size_t sublen = (1 + namelen + 3) & ~(size_t)3;
	size_t alen = v6 ? 16 : 4;
	size_t objlen = 4 + 4 + 4 + alen + sublen + 4;

	p[0] = EXT_VERSION_BYTE;
	p[1] = 0;
	put16(p + 2, 0);
	put16(obj, (uint16_t)objlen);
	obj[2] = IIO_CLASS;
	obj[3] = IIO_ROLE_IN | IIO_HAS_INDEX | IIO_HAS_ADDR | IIO_HAS_NAME |
		 IIO_HAS_MTU;
	/* RFC 5837 4.1: the pieces follow in this order. */
	w = obj + 4;
	put32(w, ifc->ifindex);
	w += 4;
	put16(w, v6 ? AFI_IPV6 : AFI_IPV4);
	put16(w + 2, 0);
	memcpy(w + 4, v6 ? ifc->addr6 : ifc->addr, alen);
	w += 4 + alen;
	memset(w, 0, sublen);
	w[0] = (uint8_t)sublen;
	memcpy(w + 1, ifc->name, namelen);
	w += sublen;
	put32(w, ifc->mtu);
	put16(p + 2, csum_of(p, 4 + objlen));
	return 4 + objlen;
}

int forge_variant_fits(enum forge_variant v, unsigned type, char *err,
		       size_t errlen)
{
	if ((unsigned)v >= FORGE_VARIANT_MAX) {
		seterr(err, errlen, "forge: unknown variant %d", v);
		return -1;
	}
	if (v == FORGE_RFC4884 && type != 3 && type != 11 && type != 12) {
		seterr(err, errlen,
		       "variant rfc4884: type %u has no length field; RFC 4884 "
		       "section 4 defines it for types 3, 11 and 12",
		       type);
		return -1;
	}
	return 0;
}

ssize_t forge_build(const struct forge_spec *s, const uint8_t *dgram,
		    size_t dlen, uint8_t *out, size_t outlen, char *err,
		    size_t errlen)
{
	struct offender o;
	uint8_t *icmp = out + IP_HDR_LEN, *q = icmp + ICMP_HDR_LEN;
	uint8_t src[4];
	size_t l4len, body, total;
	uint32_t rest;
	uint16_t csum;

	if (outlen < FORGE_PKT_MAX) {
		seterr(err, errlen,
		       "forge: output buffer of %zu bytes; %d "
		       "needed",
		       outlen, FORGE_PKT_MAX);
		return -1;
	}
	if (forge_variant_fits(s->variant, s->type, err, errlen) < 0)
		return -1;
	if (read_offender(dgram, dlen, &o, err, errlen) < 0)
		return -1;

	/* The quote: the header as it arrived, then the first transport
	 * bytes (fewer when the datagram has fewer). */
	l4len = o.l4len;
	if (s->variant == FORGE_SHORT_QUOTE && l4len > SHORT_L4)
		l4len = SHORT_L4;
	memset(out, 0, FORGE_PKT_MAX);
	if (cur_bytes(&o.hdr, q, o.hl) < 0) {
		seterr(err, errlen, "forge: quoted header unreadable");
		return -1;
	}
	memcpy(q + o.hl, o.l4, l4len);
	if (edit_quote(s, &o, q, l4len, err, errlen) < 0)
		return -1;
	body = o.hl + l4len;

	rest = rest_word(s);
	if (s->variant == FORGE_RFC4884) {
		/* RFC 4884 section 4: pad the original datagram field to 128
		 * bytes (it is zero already), give its length in 32-bit words
		 * in the second byte of the rest, and append the extension. */
		body = FORGE_RFC4884_QUOTE;
		rest |= (uint32_t)(FORGE_RFC4884_QUOTE / 4) << 16;
		body += put_extension(&s->iface, false, q + body);
	}

	icmp[0] = s->type;
	icmp[1] = s->code;
	put16(icmp + 2, 0);
	put32(icmp + 4, rest);
	csum = csum_of(icmp, ICMP_HDR_LEN + body);
	/* Off by one in value: a checksum field that differs by anything but
	 * 0xffff (the other zero of one's complement) never verifies. */
	if (s->variant == FORGE_BAD_CSUM)
		csum ^= 0x0001;
	put16(icmp + 2, csum);

	total = IP_HDR_LEN + ICMP_HDR_LEN + body;
	memcpy(src, s->src, 4);
	if (s->variant == FORGE_OFFPATH)
		inet_pton(AF_INET, FORGE_OFFPATH_SRC, src);
	out[0] = 0x45;
	/* RFC 1812 4.3.2.5: Source Quench keeps the precedence of the
	 * datagram that provoked it; every other error uses 6. */
	out[1] = s->type == 4 ? (uint8_t)(o.tos & PREC_MASK)
			      : PREC_INTERNETWORK_CONTROL;
	put16(out + 2, (uint16_t)total);
	put16(out + 4, s->ip_id);
	put16(out + 6, 0); /* DF clear: an error may be fragmented */
	out[8] = FORGED_TTL;
	out[9] = IPPROTO_ICMP;
	memcpy(out + 12, src, 4);
	memcpy(out + 16, o.src, 4);
	put16(out + 10, csum_of(out, IP_HDR_LEN));
	return (ssize_t)total;
}

/* --- the ICMPv6 builder ----------------------------------------------- */

#define IP6_HDR_LEN  40
#define FORGED_HLIM  64
#define SHORT6_QUOTE (IP6_HDR_LEN + SHORT_L4)

int forge_variant_fits6(enum forge_variant v, unsigned type, char *err,
			size_t errlen)
{
	if ((unsigned)v >= FORGE_VARIANT_MAX) {
		seterr(err, errlen, "forge: unknown variant %d", v);
		return -1;
	}
	if (v == FORGE_RFC4884 && type != 1 && type != 3) {
		seterr(err, errlen,
		       "variant rfc4884: ICMPv6 type %u has no length field; "
		       "RFC 4884 4.5 defines it for types 1 and 3",
		       type);
		return -1;
	}
	return 0;
}

/* Where the quoted IPv6 datagram's transport checksum lies (q: the quote,
 * qlen bytes), for the variants that edit what it covers; 0 when the
 * quote does not hold it. The transport header must follow the IPv6
 * header directly. */
static size_t csum_at6(const uint8_t *q, size_t qlen)
{
	size_t at;

	switch (q[6]) {
	case IPPROTO_UDP:
		at = IP6_HDR_LEN + 6;
		break;
	case IPPROTO_TCP:
		at = IP6_HDR_LEN + 16;
		break;
	case IPPROTO_ICMPV6:
		at = IP6_HDR_LEN + 2;
		break;
	default:
		return 0;
	}
	return at + 2 <= qlen ? at : 0;
}

/* Replaces the 16-bit word at w (within the quote) by new, and keeps the
 * quoted transport checksum at c (0: none) right for it. */
static void edit_word6(uint8_t *w, uint16_t new, uint8_t *q, size_t c)
{
	uint16_t old = (uint16_t)(w[0] << 8 | w[1]), hc;

	put16(w, new);
	if (!c)
		return;
	hc = (uint16_t)(q[c] << 8 | q[c + 1]);
	put16(q + c, q[6] == IPPROTO_UDP ? udp_csum_replace(hc, old, new)
					 : csum_replace(hc, old, new));
}

/* other_sport and other_dst over IPv6, on the quote q (qlen bytes): the
 * same edits as edit_quote makes over IPv4. The transport checksum covers
 * the pseudo-header with the destination, so both keep it right. */
static int edit_quote6(const struct forge_spec *s, uint8_t *q, size_t qlen,
		       char *err, size_t errlen)
{
	size_t c = csum_at6(q, qlen);
	uint8_t *l4 = q + IP6_HDR_LEN;
	size_t l4len = qlen - IP6_HDR_LEN;

	if (s->variant == FORGE_OTHER_DST) {
		edit_word6(q + 38,
			   (uint16_t)((q[38] << 8 | q[39]) ^ FORGE_OTHER_DST_XOR),
			   q, c);
		return 0;
	}
	if (s->variant != FORGE_OTHER_SPORT)
		return 0;
	if ((q[6] == IPPROTO_UDP || q[6] == IPPROTO_TCP) && l4len >= 2) {
		edit_word6(l4,
			   (uint16_t)((l4[0] << 8 | l4[1]) ^
				      FORGE_OTHER_SPORT_XOR),
			   q, c);
		return 0;
	}
	/* An echo request's socket is known by its identifier. */
	if (q[6] == IPPROTO_ICMPV6 && l4len >= 6 && l4[0] == 128) {
		edit_word6(l4 + 4,
			   (uint16_t)((l4[4] << 8 | l4[5]) ^
				      FORGE_OTHER_SPORT_XOR),
			   q, c);
		return 0;
	}
	seterr(err, errlen,
	       "variant other_sport: the offending packet (next header %u) "
	       "is not UDP, TCP or an echo request, so it has no port to "
	       "change",
	       q[6]);
	return -1;
}

/* Bytes 4-7 of the ICMPv6 header (RFC 4443 3.1-3.4): the MTU of a Packet
 * Too Big, the pointer of a Parameter Problem, unused (zero) otherwise. */
static uint32_t rest_word6(const struct forge_spec *s)
{
	switch (s->type) {
	case 2:
		return s->mtu;
	case 4:
		return s->pointer;
	default:
		return 0;
	}
}

/* The ICMPv6 checksum over the RFC 8200 8.1 pseudo-header of the IPv6
 * header at ip6 and the mlen-byte message at msg (its field zero). */
static uint16_t csum6(const uint8_t *ip6, const uint8_t *msg, size_t mlen)
{
	uint8_t pseudo[40];

	memcpy(pseudo, ip6 + 8, 32);
	put32(pseudo + 32, (uint32_t)mlen);
	pseudo[36] = pseudo[37] = pseudo[38] = 0;
	pseudo[39] = IPPROTO_ICMPV6;
	return (uint16_t)~pkt_csum_fold(
		pkt_csum_add(pkt_csum_add(0, pseudo, sizeof(pseudo)), msg, mlen));
}

ssize_t forge_build6(const struct forge_spec *s, const uint8_t *dgram,
		     size_t dlen, uint8_t *out, size_t outlen, char *err,
		     size_t errlen)
{
	uint8_t *icmp = out + IP6_HDR_LEN, *q = icmp + ICMP_HDR_LEN;
	uint8_t vtc, osrc[16];
	uint16_t plen;
	struct cursor c, whole;
	size_t avail, qlen, mlen;
	uint32_t rest;
	uint16_t csum;

	if (outlen < FORGE_PKT6_MAX) {
		seterr(err, errlen,
		       "forge: output buffer of %zu bytes; %d needed", outlen,
		       FORGE_PKT6_MAX);
		return -1;
	}
	if (forge_variant_fits6(s->variant, s->type, err, errlen) < 0)
		return -1;
	/* The offending packet: version, payload length, its source (where
	 * the error goes). */
	cur_init(&c, dgram, dlen);
	if (cur_u8(&c, &vtc) == 0 && vtc >> 4 != 6) {
		seterr(err, errlen, "offending datagram: IP version %u, not 6",
		       vtc >> 4);
		return -1;
	}
	if (dlen == 0 || cur_skip(&c, 3) || cur_be16(&c, &plen) ||
	    cur_skip(&c, 2) || cur_bytes(&c, osrc, 16) || cur_skip(&c, 16)) {
		seterr(err, errlen,
		       "offending datagram: ends inside its IPv6 header");
		return -1;
	}
	/* The payload length bounds the packet: link padding is not part
	 * of it (a jumbogram's 0 leaves the captured length). */
	avail = dlen;
	if (plen && (size_t)IP6_HDR_LEN + plen < avail)
		avail = (size_t)IP6_HDR_LEN + plen;
	qlen = avail < FORGE_QUOTE6_MAX ? avail : FORGE_QUOTE6_MAX;
	if (s->variant == FORGE_SHORT_QUOTE && qlen > SHORT6_QUOTE)
		qlen = SHORT6_QUOTE;
	/* RFC 4884 5: with an extension, the original datagram field is
	 * 128 bytes, cut or zero padded. */
	if (s->variant == FORGE_RFC4884 && qlen > FORGE_RFC4884_QUOTE)
		qlen = FORGE_RFC4884_QUOTE;
	memset(out, 0, FORGE_PKT6_MAX);
	cur_init(&whole, dgram, avail);
	if (cur_bytes(&whole, q, qlen) < 0) {
		seterr(err, errlen, "forge: quote unreadable");
		return -1;
	}
	if (edit_quote6(s, q, qlen, err, errlen) < 0)
		return -1;
	rest = rest_word6(s);
	if (s->variant == FORGE_RFC4884) {
		/* RFC 4884 4.5: the length, in 64-bit words, in the first
		 * byte of the 32-bit field. */
		qlen = FORGE_RFC4884_QUOTE;
		rest |= (uint32_t)(FORGE_RFC4884_QUOTE / 8) << 24;
		qlen += put_extension(&s->iface, true, q + qlen);
	}
	mlen = ICMP_HDR_LEN + qlen;

	/* RFC 8200 3: version 6, traffic class and flow label 0. */
	out[0] = 0x60;
	put16(out + 4, (uint16_t)mlen);
	out[6] = IPPROTO_ICMPV6;
	out[7] = FORGED_HLIM;
	memcpy(out + 8, s->src6, 16);
	if (s->variant == FORGE_OFFPATH)
		inet_pton(AF_INET6, FORGE_OFFPATH_SRC6, out + 8);
	memcpy(out + 24, osrc, 16);

	icmp[0] = s->type;
	icmp[1] = s->code;
	put32(icmp + 4, rest);
	/* RFC 4443 2.3: the checksum covers the RFC 8200 8.1 pseudo-header
	 * (source, destination, upper-layer length, next header 58). */
	csum = csum6(out, icmp, mlen);
	if (s->variant == FORGE_BAD_CSUM)
		csum ^= 0x0001;
	put16(icmp + 2, csum);
	return (ssize_t)(IP6_HDR_LEN + mlen);
}

/* --- fences ---------------------------------------------------------- */


ssize_t forge_echo_reply(const uint8_t *req, size_t len, uint16_t ip_id,
			 uint8_t *out, size_t outlen, char *err, size_t errlen)
{
	struct cursor c, msg;
	uint8_t vihl, nh, type, src[16], dst[16];
	uint16_t total, plen;
	size_t hl, mlen;

	cur_init(&c, req, len);
	if (cur_u8(&c, &vihl) < 0) {
		seterr(err, errlen, "echo request: empty");
		return -1;
	}
	if (vihl >> 4 == 4) {
		hl = (size_t)(vihl & 0x0f) * 4;
		if (hl < IP_HDR_LEN || cur_skip(&c, 1) || cur_be16(&c, &total) ||
		    cur_skip(&c, 5) || cur_u8(&c, &nh) || cur_skip(&c, 2) ||
		    cur_bytes(&c, src, 4) || cur_bytes(&c, dst, 4) ||
		    cur_skip(&c, hl - IP_HDR_LEN) || total < hl ||
		    cur_sub(&c, (size_t)total - hl, &msg) < 0) {
			seterr(err, errlen,
			       "echo request: IPv4 header or length broken");
			return -1;
		}
		mlen = (size_t)total - hl;
		if (nh != IPPROTO_ICMP || cur_u8(&msg, &type) ||
		    type != ECHO_REQUEST4 || mlen < ICMP_HDR_LEN ||
		    IP_HDR_LEN + mlen > outlen) {
			seterr(err, errlen,
			       "not an echo request that fits %zu bytes",
			       outlen);
			return -1;
		}
		cur_init(&msg, req + hl, mlen);
		memset(out, 0, IP_HDR_LEN);
		if (cur_bytes(&msg, out + IP_HDR_LEN, mlen) < 0)
			return -1;
		out[0] = 0x45;
		put16(out + 2, (uint16_t)(IP_HDR_LEN + mlen));
		put16(out + 4, ip_id);
		out[8] = FORGED_TTL;
		out[9] = IPPROTO_ICMP;
		memcpy(out + 12, dst, 4);
		memcpy(out + 16, src, 4);
		put16(out + 10, csum_of(out, IP_HDR_LEN));
		out[IP_HDR_LEN] = ECHO_REPLY4;
		put16(out + IP_HDR_LEN + 2, 0);
		put16(out + IP_HDR_LEN + 2, csum_of(out + IP_HDR_LEN, mlen));
		return (ssize_t)(IP_HDR_LEN + mlen);
	}
	if (vihl >> 4 != 6 || cur_skip(&c, 3) || cur_be16(&c, &plen) ||
	    cur_u8(&c, &nh) || cur_skip(&c, 1) || cur_bytes(&c, src, 16) ||
	    cur_bytes(&c, dst, 16) || cur_sub(&c, plen, &msg) < 0 ||
	    nh != IPPROTO_ICMPV6 || cur_u8(&msg, &type) ||
	    type != ECHO_REQUEST6 || plen < ICMP_HDR_LEN ||
	    (size_t)IP6_HDR_LEN + plen > outlen) {
		seterr(err, errlen,
		       "not an IPv6 echo request that fits %zu bytes", outlen);
		return -1;
	}
	mlen = plen;
	cur_init(&msg, req + IP6_HDR_LEN, mlen);
	memset(out, 0, IP6_HDR_LEN);
	if (cur_bytes(&msg, out + IP6_HDR_LEN, mlen) < 0)
		return -1;
	out[0] = 0x60;
	put16(out + 4, (uint16_t)mlen);
	out[6] = IPPROTO_ICMPV6;
	out[7] = FORGED_HLIM;
	memcpy(out + 8, dst, 16);
	memcpy(out + 24, src, 16);
	out[IP6_HDR_LEN] = ECHO_REPLY6;
	put16(out + IP6_HDR_LEN + 2, 0);
	put16(out + IP6_HDR_LEN + 2, csum6(out, out + IP6_HDR_LEN, mlen));
	return (ssize_t)(IP6_HDR_LEN + mlen);
}

/* --- parameters ------------------------------------------------------ */

/* tcp=data: TCP segments of at most this many bytes (a SYN with all its
 * options is 60, an ACK or FIN with timestamps 52) carry no data; they pass
 * and are not answered, so a connection can be made and the forged error
 * meets its data. */
#define FORGE_TCP_BARE_MAX 60
/* Over IPv6 the TCP header alone, with options, is at most 40 bytes: a
 * payload length of at most 40 (ip_len, which counts the IPv6 header, 80),
 * nft's `ip6 length`. */
#define FORGE_TCP_BARE_MAX6 40

_Static_assert(FORGE_MAX_CODES == PARAM_MAX_CODES,
	       "a sweep's codes fit the forger's table");

enum {
	FP_TYPE,
	FP_CODE,
	FP_MTU,
	FP_POINTER,
	FP_GATEWAY,
	FP_VARIANT,
	FP_FROM,
	FP_TCP,
	FP_NPARAMS
};

static const struct tok tcp_modes[] = {
	{1, "data"},
	{0, NULL},
};

static const struct param_spec forge_params[FP_NPARAMS + 1] = {
	[FP_TYPE] = {.name = "type",
		     .kind = PARAM_ICMP_TYPE,
		     .lo = 0,
		     .hi = 255,
		     .family = PARAM_FAMILY_CASE,
		     .required = true,
		     .doc = "the ICMP type of every forged error"},
	[FP_CODE] = {.name = "code",
		     .kind = PARAM_ICMP_CODES,
		     .lo = 0,
		     .hi = 255,
		     .family = PARAM_FAMILY_CASE,
		     .dflt = "0",
		     .doc = "the code; a list or range is a sweep: the k-th "
			    "datagram of a flow gets the k-th code"},
	[FP_MTU] = {.name = "mtu",
		    .kind = PARAM_INT,
		    .lo = 0,
		    .hi = 65535,
		    .doc = "next-hop MTU (RFC 1191), with type 3 and code 4 "
			   "among the codes; ICMPv6: the MTU of a Packet Too "
			   "Big (type 2); absent: 0"},
	[FP_POINTER] = {.name = "pointer",
			.kind = PARAM_INT,
			.lo = 0,
			.hi = 65535,
			.doc = "Parameter Problem pointer, with type 12 "
			       "(0..255); ICMPv6: with type 4; absent: 0"},
	[FP_GATEWAY] =
		{.name = "gateway",
		 .kind = PARAM_DOC_ADDR4,
		 .doc = "Redirect gateway, with type 5; absent: 0.0.0.0"},
	[FP_VARIANT] = {.name = "variant",
			.kind = PARAM_ENUM,
			.tokens = variant_names,
			.dflt = "none",
			.doc = "one way to break the error (forge.h); rfc4884 "
			       "needs type 3, 11 or 12"},
	[FP_FROM] = {.name = "from",
		     .kind = PARAM_DOC_ADDR4,
		     .doc = "source of the errors; absent: the router's "
			    "client-side address (not with variant=offpath)"},
	[FP_TCP] = {.name = "tcp",
		    .kind = PARAM_ENUM,
		    .tokens = tcp_modes,
		    .doc = "data: spare the handshake (a TCP listener on the "
			   "server), answer the data"},
};

static bool has_code(const struct param_codes *c, uint8_t code)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i] == code)
			return true;
	return false;
}

/* What depends on several parameters; each value alone was parsed by the
 * schema. */
/* The rules of an ipv6 case: RFC 4443's types for mtu= and pointer=, no
 * IPv4 address, the variants that have an IPv6 form. */
static int forge_rules6(const struct param_block *a, char *why,
			size_t whylen)
{
	const struct param_value *v = a->v;
	long type = v[FP_TYPE].n;

	if (v[FP_MTU].set && type != 2) {
		seterr(why, whylen,
		       "mtu= goes with type=2 (packet-too-big) in an ipv6 "
		       "case (RFC 4443 3.2)");
		return -1;
	}
	if (v[FP_POINTER].set && type != 4) {
		seterr(why, whylen,
		       "pointer= goes with type=4 (param-problem) in an ipv6 "
		       "case (RFC 4443 3.4)");
		return -1;
	}
	if (v[FP_GATEWAY].given || v[FP_FROM].given) {
		seterr(why, whylen,
		       "%s= has no ipv6 form yet; drop it or use family ipv4",
		       v[FP_GATEWAY].given ? "gateway" : "from");
		return -1;
	}
	return forge_variant_fits6((enum forge_variant)v[FP_VARIANT].n,
				   (unsigned)type, why, whylen);
}

static int forge_rules(const struct param_block *a, char *why, size_t whylen)
{
	const struct param_value *v = a->v;
	long type = v[FP_TYPE].n;

	if (a->family == AF_INET6)
		return forge_rules6(a, why, whylen);
	if (v[FP_POINTER].set && v[FP_POINTER].n > 255) {
		seterr(why, whylen,
		       "pointer= is 0..255 in an ipv4 case (RFC 792: one "
		       "byte)");
		return -1;
	}

	if (v[FP_MTU].set && (type != 3 || !has_code(&v[FP_CODE].codes, 4))) {
		seterr(why, whylen,
		       "mtu= goes with type=3 and code 4 among the codes "
		       "(RFC 1191)");
		return -1;
	}
	if (v[FP_POINTER].set && type != 12) {
		seterr(why, whylen, "pointer= goes with type=12");
		return -1;
	}
	if (v[FP_GATEWAY].set && type != 5) {
		seterr(why, whylen, "gateway= goes with type=5");
		return -1;
	}
	if (v[FP_FROM].set && v[FP_VARIANT].n == FORGE_OFFPATH) {
		seterr(why, whylen,
		       "variant=offpath sends from %s; drop from= or the "
		       "variant",
		       FORGE_OFFPATH_SRC);
		return -1;
	}
	return forge_variant_fits((enum forge_variant)v[FP_VARIANT].n,
				  (unsigned)type, why, whylen);
}

/* --- flows ----------------------------------------------------------- */

unsigned forge_flow_count(struct forge_flows *t, const struct pkt_hdr *h)
{
	struct forge_flow key = {.proto = h->proto};
	struct forge_flow *f;
	unsigned i, k;

	memcpy(key.src, h->src.a, sizeof(key.src));
	memcpy(key.dst, h->dst.a, sizeof(key.dst));
	if (h->kind == PK_UDP || h->kind == PK_TCP) {
		key.sport = h->sport;
		key.dport = h->dport;
	} else if (h->kind == PK_ICMP_ECHO) {
		key.sport = key.dport = h->echo_id;
	}
	for (i = 0; i < t->n; i++) {
		f = &t->f[i];
		if (f->proto == key.proto && f->sport == key.sport &&
		    f->dport == key.dport &&
		    memcmp(f->src, key.src, sizeof(key.src)) == 0 &&
		    memcmp(f->dst, key.dst, sizeof(key.dst)) == 0) {
			k = f->seen++;
			return k;
		}
	}
	/* A new flow; with the table full the oldest slot is reused, so a
	 * flow may restart at 0, which only a case with more than
	 * FORGE_MAX_FLOWS flows could notice. */
	if (t->n < FORGE_MAX_FLOWS)
		f = &t->f[t->n++];
	else
		f = &t->f[t->next_evict++ % FORGE_MAX_FLOWS];
	*f = key;
	f->seen = 1;
	return 0;
}

/* --- the forger process ---------------------------------------------- */

struct forger {
	int pkt_fd, raw_fd;
	int ifindex; /* of TOPO_ROUTER_CIF */
	int family;  /* AF_INET: ICMPv4 errors; AF_INET6: ICMPv6 */
	struct ipaddr client;
	struct forge_spec spec;
	uint8_t codes[FORGE_MAX_CODES];
	size_t ncodes;
	bool tcp_data; /* tcp=data: let bare TCP segments through */
	bool fence_on; /* answer the harness's fences (fence.h) */
	uint16_t fence_id;
};

/* Room for any IPv4 datagram: a datagram cut short would still be
 * quotable, but there is no reason to cut it. */
static uint8_t rxbuf[65536];

/* A fence of the harness: an Echo Request from the client with its
 * identifier and its text. */
static bool is_fence(const struct forger *fg, const struct pkt *p,
		     const uint8_t *pkt, size_t len)
{
	static const char text[] = FENCE_TEXT;
	size_t at = (p->h.family == AF_INET6 ? IP6_HDR_LEN
					     : (size_t)(pkt[0] & 0x0f) * 4) +
		    ICMP_HDR_LEN;

	return fg->fence_on && p->status == PKT_OK &&
	       p->h.kind == PK_ICMP_ECHO && p->h.echo_id == fg->fence_id &&
	       p->h.icmp_type == (p->h.family == AF_INET6 ? ECHO_REQUEST6
							 : ECHO_REQUEST4) &&
	       addr_eq(&p->h.src, &fg->client) && len >= at + sizeof(text) &&
	       memcmp(pkt + at, text, sizeof(text)) == 0;
}

static bool want(const struct forger *fg, const struct pkt *p)
{
	if (p->h.family != fg->family || p->status == PKT_INVALID)
		return false;
	/* Never trust the wire: answer the client only. */
	if (!addr_eq(&p->h.src, &fg->client))
		return false;
	/* RFC 1812 4.3.2.7: no error about a non-initial fragment, nor about
	 * an ICMP error (RFC 4443 2.4 (e) for ICMPv6). */
	if (p->h.frag_off != 0 || p->h.kind == PK_ICMP_ERROR)
		return false;
	/* RFC 4443 2.4 (e): nor about a multicast packet, nor about
	 * neighbour discovery and the other informational messages that
	 * keep the link working; only the client's datagrams for the far
	 * side (UDP, TCP, echo requests) get errors. */
	if (p->h.family == AF_INET6 &&
	    (p->h.dst.a[0] == 0xff || p->h.kind == PK_ICMP_OTHER ||
	     (p->h.kind == PK_ICMP_ECHO && p->h.icmp_type != 128)))
		return false;
	if (fg->tcp_data && p->h.kind == PK_TCP &&
	    p->h.ip_len <= (p->h.family == AF_INET6
				    ? IP6_HDR_LEN + FORGE_TCP_BARE_MAX6
				    : FORGE_TCP_BARE_MAX))
		return false;
	return true;
}

bool forge_sll_complete(const struct sockaddr_ll *sll, socklen_t len)
{
	const size_t head = offsetof(struct sockaddr_ll, sll_addr);

	/* sll_halen lies inside head, so it may be read once len covers
	 * head. */
	return len >= head && len >= head + sll->sll_halen;
}

/* Test-only (ICMPLAB_TEST_BREAK, see helper.h): puts /dev/null where the
 * socket was, so that the next call on it fails as a real socket error
 * would, on the real path. */
static void break_fd(int fd, int status)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0 || dup2(null, fd) < 0)
		helper_fail(status, "test break: cannot replace fd %d: %s", fd,
			    strerror(errno));
	close(null);
}

/* Answers datagrams until the harness kills it. Anything that keeps it from
 * answering a datagram it should answer is reported on status and ends
 * it: a missing answer must never pass for a silent router. */
static void forger_loop(struct forger *fg, int status)
	__attribute__((noreturn));

static void forger_loop(struct forger *fg, int status)
{
	static struct forge_flows flows;
	static uint8_t out[FORGE_PKT6_MAX];
	size_t outlen = fg->family == AF_INET6 ? FORGE_PKT6_MAX : FORGE_PKT_MAX;
	struct sockaddr_ll sll;
	struct sockaddr_storage to;
	socklen_t tolen;
	struct pkt p;
	socklen_t sl;
	ssize_t n, m;
	size_t len;
	unsigned k;
	uint16_t id = 0;
	char err[200], a[ADDR_STRLEN];
	const char *delay = helper_test_break("forger-delay");
	useconds_t delay_us = 0;
	long ms;
	bool fence;

	if (helper_test_break("forger-recv"))
		break_fd(fg->pkt_fd, status);
	if (helper_test_break("forger-send"))
		break_fd(fg->raw_fd, status);
	if (helper_test_break("forger-build"))
		outlen--;
	if (delay) {
		if (num_parse(delay, 1, 5000, &ms) != 0)
			helper_fail(status,
				    "test break forger-delay:%s: expected "
				    "1..5000 milliseconds",
				    delay);
		delay_us = (useconds_t)ms * 1000u;
	}
	for (;;) {
		sl = sizeof(sll);
		n = recvfrom(fg->pkt_fd, rxbuf, sizeof(rxbuf), MSG_TRUNC,
			     (struct sockaddr *)&sll, &sl);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			helper_fail(status, "recvfrom on the packet socket: %s",
				    strerror(errno));
		if (!forge_sll_complete(&sll, sl))
			helper_fail(status,
				    "recvfrom gave a %u-byte sockaddr_ll, "
				    "short of its %zu-byte header and the "
				    "address it announces",
				    (unsigned)sl,
				    offsetof(struct sockaddr_ll, sll_addr));
		/* Our own answers leave through the same link. */
		if (sll.sll_pkttype == PACKET_OUTGOING ||
		    sll.sll_ifindex != fg->ifindex)
			continue;
		len = (size_t)n < sizeof(rxbuf) ? (size_t)n : sizeof(rxbuf);
		pkt_decode_ip(rxbuf, len, &p);
		fence = is_fence(fg, &p, rxbuf, len);
		if (!fence && !want(fg, &p))
			continue;
		/* 0 would let the kernel choose; keep the ids our own. */
		if (++id == 0)
			id = 1;
		fg->spec.ip_id = id;
		if (!fence) {
			k = forge_flow_count(&flows, &p.h);
			fg->spec.code = fg->codes[k % fg->ncodes];
		}
		if (delay_us)
			usleep(delay_us);
		/* A fence's reply goes in the same order as the errors,
		 * through the same socket: after theirs. */
		if (fence)
			m = forge_echo_reply(rxbuf, len, id, out, outlen, err,
					     sizeof(err));
		else if (fg->family == AF_INET6)
			m = forge_build6(&fg->spec, rxbuf, len, out, outlen,
					 err, sizeof(err));
		else
			m = forge_build(&fg->spec, rxbuf, len, out, outlen,
					err, sizeof(err));
		if (m < 0)
			helper_fail(status,
				    "cannot answer a datagram from %s: %s",
				    addr_str(&p.h.src, a), err);
		/* An IPv6 raw socket of IPPROTO_RAW sends our header as it
		 * is, like IP_HDRINCL; the port of the address is 0. */
		tolen = addr_to_sockaddr(&p.h.src, 0, &to);
		n = sendto(fg->raw_fd, out, (size_t)m, 0,
			   (struct sockaddr *)&to, tolen);
		if (n < 0)
			helper_fail(status, "sendto %s on the raw socket: %s",
				    addr_str(&p.h.src, a), strerror(errno));
		if (n != m)
			helper_fail(status,
				    "sendto %s sent %zd of the %zd bytes of "
				    "an answer",
				    addr_str(&p.h.src, a), n, m);
	}
}

/* The forger shares the worker's CPU with the harness and the probes, and
 * an answer that waits for a time slice arrives milliseconds late. Set from
 * here, before the child has run at all, a real-time policy lets it preempt
 * the worker from the start; it only ever runs for one datagram at a time
 * before blocking again. Where real-time scheduling is not allowed (a
 * container without the rt budget), the highest nice level is the next
 * best; either failing only costs speed. */
static void prefer(pid_t pid)
{
	struct sched_param sp = {.sched_priority = 1};

	if (sched_setscheduler(pid, SCHED_FIFO, &sp) < 0)
		(void)setpriority(PRIO_PROCESS, (id_t)pid, -20);
}

/* Opens the forger's sockets inside the router namespace. */
static int open_sockets(struct topo *t, struct forger *fg, char *err,
			size_t errlen)
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int one = 1;

	fg->pkt_fd = fg->raw_fd = -1;
	if (topo_enter(t, NODE_ROUTER, err, errlen) < 0)
		return -1;
	fg->ifindex = (int)if_nametoindex(TOPO_ROUTER_CIF);
	if (fg->ifindex <= 0) {
		seterr(err, errlen, "forge: router link %s: %s",
		       TOPO_ROUTER_CIF, strerror(errno));
		goto fail;
	}
	/* Protocol 0 until bound: a packet socket with a protocol receives
	 * from every link the moment it exists. */
	fg->pkt_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fg->pkt_fd < 0) {
		seterr(err, errlen, "forge: packet socket: %s",
		       strerror(errno));
		goto fail;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(fg->family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP);
	sll.sll_ifindex = fg->ifindex;
	if (bind(fg->pkt_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		seterr(err, errlen, "forge: bind packet socket to %s: %s",
		       TOPO_ROUTER_CIF, strerror(errno));
		goto fail;
	}
	/* IPPROTO_RAW implies IP_HDRINCL; setting it says so. IPv6 has no
	 * such option: IPPROTO_RAW alone means the header is ours (raw(7),
	 * inet6_create). */
	fg->raw_fd = socket(fg->family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fg->raw_fd < 0 ||
	    (fg->family == AF_INET &&
	     setsockopt(fg->raw_fd, IPPROTO_IP, IP_HDRINCL, &one,
			sizeof(one)) < 0)) {
		seterr(err, errlen, "forge: raw socket: %s", strerror(errno));
		goto fail;
	}
	/* The interface the RFC 5837 object describes: the one the
	 * datagrams arrive on. */
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", TOPO_ROUTER_CIF);
	fg->spec.iface.ifindex = (uint32_t)fg->ifindex;
	snprintf(fg->spec.iface.name, sizeof(fg->spec.iface.name), "%s",
		 TOPO_ROUTER_CIF);
	if (ioctl(fg->raw_fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		fg->spec.iface.mtu = (uint32_t)ifr.ifr_mtu;
	return topo_leave(t, err, errlen);
fail:
	if (fg->pkt_fd >= 0)
		close(fg->pkt_fd);
	if (fg->raw_fd >= 0)
		close(fg->raw_fd);
	fg->pkt_fd = fg->raw_fd = -1;
	topo_leave(t, NULL, 0);
	return -1;
}

/* Fills fg's error from the parsed parameters. */
static void read_params(const struct param_block *a, struct forger *fg)
{
	const struct param_value *v = a->v;

	fg->spec.type = (uint8_t)v[FP_TYPE].n;
	memcpy(fg->codes, v[FP_CODE].codes.v, v[FP_CODE].codes.n);
	fg->ncodes = v[FP_CODE].codes.n;
	fg->spec.variant = (enum forge_variant)v[FP_VARIANT].n;
	fg->spec.mtu = (uint16_t)v[FP_MTU].n;
	fg->spec.pointer = (uint8_t)v[FP_POINTER].n;
	if (v[FP_GATEWAY].set)
		memcpy(fg->spec.gateway, v[FP_GATEWAY].addr.a, 4);
	if (v[FP_FROM].set)
		memcpy(fg->spec.src, v[FP_FROM].addr.a, 4);
	fg->tcp_data = v[FP_TCP].set;
}


static int apply_forge(struct topo *t, const struct case_def *c,
		       const struct param_block *a, struct fault_plan *plan,
		       char *err, size_t errlen)
{
	struct forger fg;
	char script[512], client[ADDR_STRLEN], bare[96] = "";
	char prefix[ADDR_STRLEN + 8], dst[ADDR_STRLEN];
	const struct ipaddr *cl, *rc;
	pid_t pid;
	int keep[2], status;

	memset(&fg, 0, sizeof(fg));
	fg.family = c->family == AF_INET6 ? AF_INET6 : AF_INET;
	if (plan->nhelpers >= PLAN_MAX_HELPERS) {
		seterr(err, errlen, "%s: fault forge: no room for a helper",
		       c->path);
		return -1;
	}
	cl = topo_addr(t, NODE_CLIENT, fg.family, 0);
	rc = topo_addr(t, NODE_ROUTER, fg.family, 0);
	fg.client = *cl;
	/* What a Linux router uses by default: the address of the
	 * interface the datagram came in on. */
	if (fg.family == AF_INET6) {
		memcpy(fg.spec.src6, rc->a, 16);
		memcpy(fg.spec.iface.addr6, rc->a, 16);
	} else {
		memcpy(fg.spec.src, rc->a, 4);
		memcpy(fg.spec.iface.addr, rc->a, 4);
	}
	read_params(a, &fg);
	fg.fence_on = plan->fence_on;
	fg.fence_id = plan->fence_id;
	if (a->v[FP_CODE].codes.sweep)
		plan->count = (unsigned)fg.ncodes;
	if (fg.tcp_data && fault_tcp_listener(t, plan, err, errlen) < 0)
		return -1;

	if (open_sockets(t, &fg, err, errlen) < 0)
		return -1;
	/* Only the forged answer may come back: the router must not forward
	 * the datagram to a server that would answer it too. A blackhole
	 * route for the destination drops it silently (ip_route_input_slow,
	 * no error of the router's own) after the forger's packet socket has
	 * seen it. Where TCP data alone is forged, the bare segments of the
	 * handshake must pass: nftables tells them by their length. */
	if (!fg.tcp_data) {
		snprintf(prefix, sizeof(prefix), "%s/%d",
			 addr_str(&plan->dst, dst),
			 fg.family == AF_INET6 ? 128 : 32);
		if (topo_add_route(t, NODE_ROUTER, prefix, RTN_BLACKHOLE, NULL,
				   err, errlen) < 0)
			goto fail;
	} else {
		snprintf(bare, sizeof(bare),
			 "    meta l4proto tcp %s length <= %d counter accept\n",
			 fg.family == AF_INET6 ? "ip6" : "ip",
			 fg.family == AF_INET6 ? FORGE_TCP_BARE_MAX6
					       : FORGE_TCP_BARE_MAX);
		snprintf(script, sizeof(script),
			 "table %s icmplab_forge {\n"
			 "  chain forward {\n"
			 "    type filter hook forward priority 0; policy "
			 "accept;\n"
			 "%s"
			 "    iifname \"%s\" %s saddr %s counter drop\n"
			 "  }\n"
			 "}\n",
			 fg.family == AF_INET6 ? "ip6" : "ip", bare,
			 TOPO_ROUTER_CIF, fg.family == AF_INET6 ? "ip6" : "ip",
			 addr_str(cl, client));
		if (topo_nft(t, NODE_ROUTER, script, err, errlen) < 0)
			goto fail;
	}

	/* It dies with the worker, whatever kills it, and holds nothing of
	 * the harness's but its two sockets. */
	keep[0] = fg.pkt_fd;
	keep[1] = fg.raw_fd;
	pid = helper_start(&plan->helpers[plan->nhelpers], "forger", keep, 2,
			   &status, err, errlen);
	if (pid < 0)
		goto fail;
	if (pid == 0)
		forger_loop(&fg, status);
	/* The packet socket stays open here too: closed after the
	 * forger, and not by its death (helper.h). */
	plan->helpers[plan->nhelpers++].held_fd = fg.pkt_fd;
	prefer(pid);
	close(fg.raw_fd);
	return 0;
fail:
	close(fg.pkt_fd);
	close(fg.raw_fd);
	return -1;
}

const struct fault_def forge_faults[] = {
	{"forge",
	 "the router answers each datagram from the client with a forged "
	 "ICMPv4 error (ICMPv6 in an ipv6 case)",
	 forge_params, forge_rules, apply_forge, fault_apply, false},
	{NULL, NULL, NULL, NULL, NULL, NULL, false},
};
