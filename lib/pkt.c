/* Decoding of captured packets. See pkt.h for the contract.
 *
 * The decoder walks one cursor per layer. A datagram's own length fields
 * bound the cursor its payload is read through, so bytes past them
 * (Ethernet padding, RFC 4884 zero padding in a quote) are never taken for
 * headers. When a header runs past the bytes present, the result depends on
 * why the bytes stopped: if the datagram's length said more bytes were
 * coming, the capture (or the quote) was cut, PKT_TRUNCATED; if the length
 * itself leaves no room for the header, the datagram contradicts itself,
 * PKT_INVALID. */
#include "pkt.h"

#include <netinet/in.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cursor.h"

#define ETH_P_IPV4  0x0800
#define ETH_P_IPV6  0x86dd
#define ETH_P_8021Q 0x8100

/* IPv6 extension headers the decoder steps over (RFC 8200 4). */
#define NH_HOPOPTS  0
#define NH_ROUTING  43
#define NH_FRAGMENT 44
#define NH_DSTOPTS  60

/* RFC 792 and RFC 4443 fix the ICMP header at 8 bytes; RFC 792 and
 * RFC 1122 3.2.2 promise at least 8 bytes of the quoted transport header. */
#define ICMP_HDR_LEN 8
#define QUOTE_L4_MIN 8

/* RFC 4884: when an extension is appended, the original datagram field
 * must be at least 128 bytes, zero-padded if need be. Linux holds senders
 * to the same minimum. */
#define RFC4884_MIN_QUOTE 128
#define RFC4884_VERSION	  2

/* What decoding the network layer of one datagram left for the next. */
struct l3 {
	struct cursor l4; /* transport bytes present, within the IP length */
	size_t missing;	  /* bytes the IP length claims beyond those present */
	bool no_l4;	  /* a non-first fragment: no transport header */
};

bool pkt_icmp_is_error(int family, int type)
{
	if (family == AF_INET)
		return type == 3 || type == 4 || type == 5 || type == 11 ||
		       type == 12;
	/* RFC 4443 2.1: every type without the informational bit is an
	 * error, the unassigned ones too (icmpv6_rcv passes them on). */
	if (family == AF_INET6)
		return type >= 1 && type < 128;
	return false;
}

static bool icmp_is_echo(int family, int type)
{
	if (family == AF_INET)
		return type == 0 || type == 8;
	return type == 128 || type == 129;
}

uint32_t pkt_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	uint64_t acc = sum;
	size_t i;

	/* A 64-bit accumulator cannot overflow for any buffer that fits in
	 * memory, so the carries are folded once, at the end. */
	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)b[i] << 8 | b[i + 1];
	/* RFC 1071: an odd final byte is summed as if padded with zero. */
	if (len & 1)
		acc += (uint32_t)b[len - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

uint16_t pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The status for a header that runs out of bytes: see the comment at the
 * top of this file. */
static enum pkt_status cut(size_t missing)
{
	return missing ? PKT_TRUNCATED : PKT_INVALID;
}

static enum pkt_status dec_ipv4(struct cursor *c, struct pkt_hdr *h,
				struct l3 *n, const char **why)
{
	uint8_t vihl, tos, ttl, proto, a[4];
	uint16_t tot, id, fo, csum;
	size_t hl;

	if (cur_u8(c, &vihl)) {
		*why = "no IP header";
		return PKT_TRUNCATED;
	}
	hl = (size_t)(vihl & 0x0f) * 4;
	/* RFC 791: IHL counts 32-bit words and a header has at least 5. */
	if (hl < 20) {
		*why = "IPv4 header length below 20 bytes";
		return PKT_INVALID;
	}
	if (cur_u8(c, &tos) || cur_be16(c, &tot) || cur_be16(c, &id) ||
	    cur_be16(c, &fo) || cur_u8(c, &ttl) || cur_u8(c, &proto) ||
	    cur_be16(c, &csum)) {
		*why = "ends inside the IPv4 header";
		return PKT_TRUNCATED;
	}
	h->ip_len = tot;
	h->ip_id = id;
	h->df = (fo & 0x4000) != 0;
	h->frag_off = fo & 0x1fff;
	h->ttl = ttl;
	h->proto = proto;
	if (cur_bytes(c, a, 4)) {
		*why = "ends inside the IPv4 header";
		return PKT_TRUNCATED;
	}
	addr_set(&h->src, AF_INET, a);
	if (cur_bytes(c, a, 4)) {
		*why = "ends inside the IPv4 header";
		return PKT_TRUNCATED;
	}
	addr_set(&h->dst, AF_INET, a);
	h->family = AF_INET;
	if (tot < hl) {
		*why = "IPv4 total length below header length";
		return PKT_INVALID;
	}
	/* Options are not interpreted; IHL alone says where they end. */
	if (cur_skip(c, hl - 20)) {
		*why = "ends inside the IPv4 options";
		return PKT_TRUNCATED;
	}
	cur_sub_upto(c, tot - hl, &n->l4, &n->missing);
	/* RFC 791: only the fragment at offset 0 starts with the transport
	 * header. */
	n->no_l4 = h->frag_off != 0;
	return PKT_OK;
}

static enum pkt_status dec_ipv6(struct cursor *c, struct pkt_hdr *h,
				struct l3 *n, const char **why)
{
	uint32_t vtf;
	uint16_t plen, fo;
	uint8_t nh, hlim, next, elen, a[16];
	struct cursor pl;

	if (cur_be32(c, &vtf) || cur_be16(c, &plen) || cur_u8(c, &nh) ||
	    cur_u8(c, &hlim)) {
		*why = "ends inside the IPv6 header";
		return PKT_TRUNCATED;
	}
	h->ip_len = 40u + plen;
	h->proto = nh;
	h->ttl = hlim;
	if (cur_bytes(c, a, 16)) {
		*why = "ends inside the IPv6 header";
		return PKT_TRUNCATED;
	}
	addr_set(&h->src, AF_INET6, a);
	if (cur_bytes(c, a, 16)) {
		*why = "ends inside the IPv6 header";
		return PKT_TRUNCATED;
	}
	addr_set(&h->dst, AF_INET6, a);
	h->family = AF_INET6;
	/* RFC 2675: a zero payload length before a hop-by-hop header means
	 * the real length is in a jumbo payload option. */
	if (plen == 0 && nh == NH_HOPOPTS) {
		*why = "IPv6 jumbogram";
		return PKT_UNSUPPORTED;
	}
	cur_sub_upto(c, plen, &pl, &n->missing);

	/* Each step consumes at least 8 bytes of a bounded cursor, so the
	 * chain cannot loop for ever however the headers point. */
	while (nh == NH_HOPOPTS || nh == NH_ROUTING || nh == NH_DSTOPTS ||
	       nh == NH_FRAGMENT) {
		if (nh == NH_FRAGMENT) {
			/* RFC 8200 4.5: fixed 8 bytes; the offset is the top
			 * 13 bits of bytes 2-3. */
			if (cur_u8(&pl, &next) || cur_skip(&pl, 1) ||
			    cur_be16(&pl, &fo) || cur_skip(&pl, 4)) {
				*why = "ends inside an IPv6 extension header";
				return cut(n->missing);
			}
			h->frag_off = fo >> 3;
			nh = next;
			h->proto = nh;
			if (h->frag_off) {
				n->no_l4 = true;
				break;
			}
			continue;
		}
		/* RFC 8200 4.3-4.6: length in 8-byte units, not counting the
		 * first 8. */
		if (cur_u8(&pl, &next) || cur_u8(&pl, &elen) ||
		    cur_skip(&pl, ((size_t)elen + 1) * 8 - 2)) {
			*why = "ends inside an IPv6 extension header";
			return cut(n->missing);
		}
		nh = next;
		h->proto = nh;
	}
	n->l4 = pl;
	return PKT_OK;
}

/* Decodes an IP header of the given family, or of the family its version
 * nibble names when family is 0. */
static enum pkt_status dec_ip(struct cursor *c, int family, struct pkt_hdr *h,
			      struct l3 *n, const char **why)
{
	struct cursor peek = *c;
	uint8_t v;

	memset(n, 0, sizeof(*n));
	if (cur_u8(&peek, &v)) {
		*why = "no IP header";
		return PKT_TRUNCATED;
	}
	switch (v >> 4) {
	case 4:
		if (family == AF_INET6) {
			*why = "IPv4 header where IPv6 was expected";
			return PKT_INVALID;
		}
		return dec_ipv4(c, h, n, why);
	case 6:
		if (family == AF_INET) {
			*why = "IPv6 header where IPv4 was expected";
			return PKT_INVALID;
		}
		return dec_ipv6(c, h, n, why);
	default:
		*why = "IP version is neither 4 nor 6";
		return PKT_INVALID;
	}
}

static enum pkt_status dec_udp(struct cursor *c, struct pkt_hdr *h, bool quote,
			       size_t missing, const char **why)
{
	uint16_t sp, dp, len, csum;

	if (cur_be16(c, &sp) || cur_be16(c, &dp)) {
		*why = "ends inside the UDP header";
		return cut(missing);
	}
	h->kind = PK_UDP;
	h->sport = sp;
	h->dport = dp;
	if (cur_be16(c, &len) || cur_be16(c, &csum)) {
		*why = "ends inside the UDP header";
		return cut(missing);
	}
	h->l4_len = len;
	h->l4_csum = csum;
	/* RFC 768: the length counts the 8-byte header. A quote is only read
	 * for its ports, so its length is left as the sender wrote it. */
	if (!quote && len < 8) {
		*why = "UDP length below 8";
		return PKT_INVALID;
	}
	return PKT_OK;
}

static enum pkt_status dec_tcp(struct cursor *c, struct pkt_hdr *h, bool quote,
			       size_t missing, const char **why)
{
	uint16_t sp, dp, offfl, win, csum, urg;
	uint32_t seq, ack;
	size_t doff;

	if (cur_be16(c, &sp) || cur_be16(c, &dp)) {
		*why = "ends inside the TCP header";
		return cut(missing);
	}
	h->kind = PK_TCP;
	h->sport = sp;
	h->dport = dp;
	if (cur_be32(c, &seq)) {
		*why = "ends inside the TCP header";
		return cut(missing);
	}
	h->tcp_seq = seq;
	/* A quote owes only its first 8 bytes (RFC 792); anything more is
	 * taken when present and not missed when absent. */
	if (cur_be32(c, &ack) || cur_be16(c, &offfl)) {
		if (quote)
			return PKT_OK;
		*why = "ends inside the TCP header";
		return cut(missing);
	}
	h->tcp_flags = offfl & 0xff;
	if (cur_be16(c, &win) || cur_be16(c, &csum) || cur_be16(c, &urg)) {
		if (quote)
			return PKT_OK;
		*why = "ends inside the TCP header";
		return cut(missing);
	}
	h->l4_csum = csum;
	if (quote)
		return PKT_OK;
	/* RFC 9293 3.1: data offset counts 32-bit words, at least 5. */
	doff = (size_t)(offfl >> 12) * 4;
	if (doff < 20) {
		*why = "TCP data offset below 20 bytes";
		return PKT_INVALID;
	}
	if (cur_skip(c, doff - 20)) {
		*why = "ends inside the TCP options";
		return cut(missing);
	}
	return PKT_OK;
}

static enum pkt_status dec_icmp(struct cursor *c, struct pkt_hdr *h,
				size_t missing, const char **why)
{
	uint8_t type, code;
	uint16_t csum, id, seq;
	bool echo;

	if (cur_u8(c, &type) || cur_u8(c, &code)) {
		*why = "ends inside the ICMP header";
		return cut(missing);
	}
	h->icmp_type = type;
	h->icmp_code = code;
	echo = icmp_is_echo(h->family, type);
	/* An echo is only useful with its id, so it stays PK_NONE until the
	 * id is read; other kinds are known from the type alone. */
	if (pkt_icmp_is_error(h->family, type))
		h->kind = PK_ICMP_ERROR;
	else if (!echo)
		h->kind = PK_ICMP_OTHER;
	if (cur_be16(c, &csum)) {
		*why = "ends inside the ICMP header";
		return cut(missing);
	}
	h->l4_csum = csum;
	if (cur_be16(c, &id)) {
		*why = "ends inside the ICMP header";
		return cut(missing);
	}
	if (echo) {
		h->kind = PK_ICMP_ECHO;
		h->echo_id = id;
		h->sport = id;
		h->dport = id;
	}
	if (cur_be16(c, &seq)) {
		*why = "ends inside the ICMP header";
		return cut(missing);
	}
	if (echo)
		h->echo_seq = seq;
	return PKT_OK;
}

/* Decodes the transport header after an IP header. quote relaxes the
 * rules to what an ICMP error owes of the datagram it quotes. */
static enum pkt_status dec_l4(struct cursor *c, struct pkt_hdr *h, bool quote,
			      size_t missing, const char **why)
{
	if (h->proto == IPPROTO_UDP)
		return dec_udp(c, h, quote, missing, why);
	if (h->proto == IPPROTO_TCP)
		return dec_tcp(c, h, quote, missing, why);
	if ((h->family == AF_INET && h->proto == IPPROTO_ICMP) ||
	    (h->family == AF_INET6 && h->proto == IPPROTO_ICMPV6))
		return dec_icmp(c, h, missing, why);
	h->kind = PK_OTHER;
	if (quote && missing && cur_left(c) < QUOTE_L4_MIN) {
		*why = "ends before 8 bytes of the transport header";
		return PKT_TRUNCATED;
	}
	return PKT_OK;
}

static void dec_quote(struct pkt *p, struct cursor *q)
{
	struct l3 n;
	enum pkt_status st;
	const char *why = NULL;

	p->quote_len = cur_left(q);
	st = dec_ip(q, p->h.family, &p->quote, &n, &why);
	if (st == PKT_OK && !n.no_l4)
		st = dec_l4(&n.l4, &p->quote, true, n.missing, &why);
	p->quote_status = st;
	p->quote_why = st == PKT_OK ? NULL : why;
	if (st == PKT_TRUNCATED)
		p->flags |= PKTF_QUOTE_SHORT;
	else if (st == PKT_INVALID)
		p->flags |= PKTF_QUOTE_INVALID;
}

enum ext_check { EXT_VALID, EXT_BROKEN, EXT_UNKNOWN };

/* Checks an RFC 4884 extension structure that runs from e to the end of
 * the message. whole says the message is all there; if it is not, what is
 * missing cannot be checked and does not count against it. */
static enum ext_check ext_check(struct cursor e, bool whole)
{
	struct cursor all = e;
	uint8_t ver;
	uint16_t csum, olen;

	if (cur_u8(&e, &ver) || cur_skip(&e, 1) || cur_be16(&e, &csum))
		return whole ? EXT_BROKEN : EXT_UNKNOWN;
	/* Linux accepts other versions as opaque; here only version 2 is an
	 * extension icmplab can report on. */
	if (ver >> 4 != RFC4884_VERSION)
		return EXT_BROKEN;
	/* A zero checksum means none was computed; Linux accepts that too. */
	if (whole && csum != 0 &&
	    pkt_csum_fold(pkt_csum_add(0, all.p, cur_left(&all))) != 0xffff)
		return EXT_BROKEN;
	/* Objects: a 16-bit length that counts the 4-byte object header,
	 * then class-num and C-type. */
	while (cur_left(&e)) {
		if (cur_be16(&e, &olen) || cur_skip(&e, 2))
			return whole ? EXT_BROKEN : EXT_VALID;
		if (olen < 4)
			return EXT_BROKEN;
		if (cur_skip(&e, olen - 4u))
			return whole ? EXT_BROKEN : EXT_VALID;
	}
	return EXT_VALID;
}

/* The RFC 4884 length of the original datagram field in bytes, or 0 for a
 * type that has none or a message that leaves it unset. */
static size_t rfc4884_len(int family, uint8_t type, uint32_t rest)
{
	if (family == AF_INET && (type == 3 || type == 11 || type == 12))
		return ((rest >> 16) & 0xff) * 4u;
	if (family == AF_INET6 && (type == 1 || type == 3))
		return (rest >> 24) * 8u;
	return 0;
}

static void dec_icmp_error(struct pkt *p, struct cursor msg, bool whole,
			   bool summable)
{
	struct cursor c = msg, body, ext, quote;
	uint8_t pseudo[40], rest_b[4];
	uint32_t sum = 0, mlen = (uint32_t)cur_left(&msg);
	size_t qlen;
	enum ext_check ec;

	/* Only a whole message can be summed; a cut one would always look
	 * wrong. */
	if (whole && summable) {
		if (p->h.family == AF_INET6) {
			/* RFC 4443 2.3: the pseudo-header of RFC 8200 8.1. */
			memcpy(pseudo, p->h.src.a, 16);
			memcpy(pseudo + 16, p->h.dst.a, 16);
			pseudo[32] = (uint8_t)(mlen >> 24);
			pseudo[33] = (uint8_t)(mlen >> 16);
			pseudo[34] = (uint8_t)(mlen >> 8);
			pseudo[35] = (uint8_t)mlen;
			pseudo[36] = pseudo[37] = pseudo[38] = 0;
			pseudo[39] = IPPROTO_ICMPV6;
			sum = pkt_csum_add(0, pseudo, sizeof(pseudo));
		}
		sum = pkt_csum_add(sum, msg.p, cur_left(&msg));
		if (pkt_csum_fold(sum) != 0xffff)
			p->flags |= PKTF_BAD_CSUM;
	} else {
		p->flags |= PKTF_CSUM_UNVERIFIED;
	}

	if (cur_skip(&c, 4) || cur_bytes(&c, rest_b, 4)) {
		p->quote_status = PKT_TRUNCATED;
		p->quote_why = "the ICMP header ends before the quote";
		p->flags |= PKTF_QUOTE_SHORT;
		return;
	}
	p->icmp_rest = (uint32_t)rest_b[0] << 24 | (uint32_t)rest_b[1] << 16 |
		       (uint32_t)rest_b[2] << 8 | rest_b[3];
	if (p->h.family == AF_INET) {
		if (p->h.icmp_type == 3 && p->h.icmp_code == 4)
			p->mtu = p->icmp_rest & 0xffff; /* RFC 1191 */
		if (p->h.icmp_type == 12)
			p->pointer = rest_b[0];
		if (p->h.icmp_type == 5)
			addr_set(&p->gateway, AF_INET, rest_b);
	} else if (p->h.icmp_type == 2) {
		p->mtu = p->icmp_rest;
	}

	body = c;
	qlen = rfc4884_len(p->h.family, p->h.icmp_type, p->icmp_rest);
	if (qlen) {
		if (qlen < RFC4884_MIN_QUOTE) {
			p->flags |= PKTF_EXT_BAD;
		} else if (cur_left(&body) <= qlen) {
			/* The length points at or past the end: nothing
			 * follows, an error only if nothing was cut. */
			if (whole)
				p->flags |= PKTF_EXT_BAD;
		} else {
			/* More than qlen bytes are left, so the split cannot
			 * fail: quote gets the first qlen, ext the rest. */
			ext = body;
			(void)cur_sub(&ext, qlen, &quote);
			ec = ext_check(ext, whole);
			if (ec != EXT_BROKEN) {
				/* Cut too early to check, the extension still
				 * gets the benefit of the doubt for where the
				 * quote ends, but is not reported. */
				if (ec == EXT_VALID) {
					p->flags |= PKTF_EXTENSION;
					p->ext_offset =
						(uint16_t)(ICMP_HDR_LEN + qlen);
				}
				dec_quote(p, &quote);
				return;
			}
			p->flags |= PKTF_EXT_BAD;
		}
	}
	/* Without a valid extension the whole rest of the message is the
	 * quote, as in a pre-RFC 4884 error. */
	dec_quote(p, &body);
}

/* Decodes one IP datagram, and its quote when it is an ICMP error. */
static enum pkt_status dec_packet(struct cursor *c, int family, struct pkt *p)
{
	struct l3 n;
	struct cursor msg;
	enum pkt_status st;
	const char *why = NULL;

	st = dec_ip(c, family, &p->h, &n, &why);
	if (st == PKT_OK && !n.no_l4) {
		msg = n.l4;
		st = dec_l4(&n.l4, &p->h, false, n.missing, &why);
		if (p->h.kind == PK_ICMP_ERROR)
			dec_icmp_error(p, msg, n.missing == 0, true);
	}
	/* Headers complete but the payload cut: a capture snaplen. */
	if (st == PKT_OK && n.missing) {
		st = PKT_TRUNCATED;
		why = "IP payload shorter than its length field";
	}
	p->status = st;
	p->why = st == PKT_OK ? NULL : why;
	return st;
}

static void pkt_reset(struct pkt *out)
{
	memset(out, 0, sizeof(*out));
	out->status = PKT_OK;
	out->quote_status = PKT_OK;
}

enum pkt_status pkt_decode_ip(const uint8_t *buf, size_t len, struct pkt *out)
{
	struct cursor c;

	pkt_reset(out);
	cur_init(&c, buf, len);
	return dec_packet(&c, 0, out);
}

enum pkt_status pkt_decode_icmp6(const uint8_t *msg, size_t len,
				 const struct ipaddr *src, struct pkt *out)
{
	struct cursor c, whole;
	enum pkt_status st;
	const char *why = NULL;

	pkt_reset(out);
	cur_init(&c, msg, len);
	whole = c;
	out->h.family = AF_INET6;
	out->h.proto = IPPROTO_ICMPV6;
	if (src)
		out->h.src = *src;
	st = dec_icmp(&c, &out->h, 0, &why);
	if (out->h.kind == PK_ICMP_ERROR)
		dec_icmp_error(out, whole, true, false);
	out->status = st;
	out->why = st == PKT_OK ? NULL : why;
	return st;
}

static enum pkt_status link_fail(struct pkt *out, enum pkt_status st,
				 const char *why)
{
	out->status = st;
	out->why = why;
	return st;
}

/* Decodes what follows an ethertype (Ethernet, Linux cooked headers). */
static enum pkt_status dec_ethertype(struct cursor *c, uint16_t type,
				     struct pkt *out)
{
	uint16_t tci;

	if (type == ETH_P_8021Q) {
		if (cur_be16(c, &tci) || cur_be16(c, &type)) {
			out->status = PKT_TRUNCATED;
			out->why = "ends inside the 802.1Q tag";
			return out->status;
		}
		if (type == ETH_P_8021Q) {
			out->status = PKT_UNSUPPORTED;
			out->why = "more than one 802.1Q tag";
			return out->status;
		}
	}
	if (type == ETH_P_IPV4)
		return dec_packet(c, AF_INET, out);
	if (type == ETH_P_IPV6)
		return dec_packet(c, AF_INET6, out);
	out->status = PKT_UNSUPPORTED;
	out->why = "ethertype is neither IPv4 nor IPv6";
	return out->status;
}

enum pkt_status pkt_decode_eth(const uint8_t *frame, size_t len,
			       struct pkt *out)
{
	struct cursor c;
	uint16_t type;

	pkt_reset(out);
	cur_init(&c, frame, len);
	if (cur_skip(&c, 12) || cur_be16(&c, &type))
		return link_fail(out, PKT_TRUNCATED,
				 "ends inside the Ethernet header");
	return dec_ethertype(&c, type, out);
}

/* The address family in a BSD loopback header: a host-order AF_ value of
 * the machine that wrote it (DLT_NULL), or network order (DLT_LOOP).
 * AF_INET is 2 everywhere; AF_INET6 is 10 on Linux, 24 on NetBSD and
 * OpenBSD, 28 on FreeBSD, 30 on macOS. Both byte orders are tried, since
 * the file does not say which host wrote it. */
static int loop_family(const uint8_t b[4])
{
	uint32_t v[2];
	int i;

	v[0] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
	v[1] = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[1] << 8 | b[0];
	for (i = 0; i < 2; i++) {
		if (v[i] == 2)
			return AF_INET;
		if (v[i] == 10 || v[i] == 24 || v[i] == 28 || v[i] == 30)
			return AF_INET6;
	}
	return 0;
}

bool pkt_link_supported(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
		return true;
	default:
		return false;
	}
}

enum pkt_status pkt_decode_link(int linktype, const uint8_t *frame, size_t len,
				struct pkt *out)
{
	struct cursor c;
	uint16_t type;
	uint8_t af[4];
	int family;

	if (linktype == DLT_EN10MB)
		return pkt_decode_eth(frame, len, out);
	pkt_reset(out);
	cur_init(&c, frame, len);
	switch (linktype) {
	case DLT_LINUX_SLL:
		/* packet type, ARPHRD type, address length, 8 address
		 * bytes, then the ethertype (pcap-linktype(7)). */
		if (cur_skip(&c, 14) || cur_be16(&c, &type))
			return link_fail(out, PKT_TRUNCATED,
					 "ends inside the Linux cooked header");
		return dec_ethertype(&c, type, out);
	case DLT_LINUX_SLL2:
		/* The ethertype first, then 18 bytes: reserved, ifindex,
		 * ARPHRD type, packet type, address length, address. */
		if (cur_be16(&c, &type) || cur_skip(&c, 18))
			return link_fail(out, PKT_TRUNCATED,
					 "ends inside the Linux cooked v2 "
					 "header");
		return dec_ethertype(&c, type, out);
	case DLT_RAW:
		return dec_packet(&c, 0, out);
	case DLT_IPV4:
		return dec_packet(&c, AF_INET, out);
	case DLT_IPV6:
		return dec_packet(&c, AF_INET6, out);
	case DLT_NULL:
	case DLT_LOOP:
		if (cur_bytes(&c, af, 4))
			return link_fail(out, PKT_TRUNCATED,
					 "ends inside the loopback header");
		family = loop_family(af);
		if (!family)
			return link_fail(out, PKT_UNSUPPORTED,
					 "loopback family is neither IPv4 nor "
					 "IPv6");
		return dec_packet(&c, family, out);
	default:
		return link_fail(out, PKT_UNSUPPORTED,
				 "link type not decoded by icmplab");
	}
}

static const char *status_word(enum pkt_status s)
{
	switch (s) {
	case PKT_OK:
		return "ok";
	case PKT_TRUNCATED:
		return "truncated";
	case PKT_INVALID:
		return "invalid";
	case PKT_UNSUPPORTED:
		return "unsupported";
	}
	return "?";
}

/* Appends formatted text at *off, keeping buf terminated; text that does
 * not fit is dropped, and *off never passes len. */
static void append(char *buf, size_t len, size_t *off, const char *word,
		   const char *detail)
{
	int n;

	if (*off >= len)
		return;
	if (detail)
		n = snprintf(buf + *off, len - *off, "%s (%s)", word, detail);
	else
		n = snprintf(buf + *off, len - *off, "%s", word);
	if (n < 0)
		return;
	*off = (size_t)n >= len - *off ? len : *off + (size_t)n;
}

const char *pkt_describe(const struct pkt *p, char *buf, size_t len)
{
	/* Flag names in the order they are printed. */
	static const struct {
		unsigned flag;
		const char *name;
	} flags[] = {
		{PKTF_BAD_CSUM, "bad checksum"},
		{PKTF_CSUM_UNVERIFIED, "checksum unverified"},
		{PKTF_QUOTE_SHORT, "quote short"},
		{PKTF_QUOTE_INVALID, "quote invalid"},
		{PKTF_EXTENSION, "extension"},
		{PKTF_EXT_BAD, "bad extension"},
		{0, NULL},
	};
	size_t off = 0, i;
	bool quote_flag;

	if (!buf || len == 0)
		return buf;
	buf[0] = '\0';
	append(buf, len, &off, status_word(p->status), NULL);
	if (p->status != PKT_OK && p->why) {
		append(buf, len, &off, ": ", NULL);
		append(buf, len, &off, p->why, NULL);
	}
	for (i = 0; flags[i].name; i++) {
		if (!(p->flags & flags[i].flag))
			continue;
		quote_flag =
			flags[i].flag & (PKTF_QUOTE_SHORT | PKTF_QUOTE_INVALID);
		append(buf, len, &off, ", ", NULL);
		append(buf, len, &off, flags[i].name,
		       quote_flag ? p->quote_why : NULL);
	}
	if (p->quote_status == PKT_UNSUPPORTED) {
		append(buf, len, &off, ", ", NULL);
		append(buf, len, &off, "quote unsupported", p->quote_why);
	}
	return buf;
}
