/* Wire-to-flow matching: see match.h. */
#include "match.h"

#include <string.h>

static bool is_wildcard(const struct ipaddr *a)
{
	static const uint8_t zero[16];
	/* Only the bytes the family uses, as addr_eq compares them. */
	size_t n = a->family == AF_INET ? 4 : sizeof(zero);

	return a->family == 0 || memcmp(a->a, zero, n) == 0;
}

bool flow_has(const struct flow *f, const struct pkt_hdr *h)
{
	if (h->family == 0 || (f->proto && h->proto != f->proto))
		return false;
	if (!addr_eq(&h->dst, &f->dst))
		return false;
	if (!is_wildcard(&f->src) && !addr_eq(&h->src, &f->src))
		return false;
	switch (h->kind) {
	case PK_UDP:
	case PK_TCP:
		return (!f->sport || h->sport == f->sport) &&
		       (!f->dport || h->dport == f->dport);
	case PK_ICMP_ECHO:
		return !f->sport || h->echo_id == f->sport;
	default:
		return false;
	}
}

static bool is_exact(const struct flow *f)
{
	return f->proto && f->sport;
}

static int find_flow(const struct pkt_hdr *h, const struct flow *flows,
		     int nflows)
{
	int pass, i;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nflows; i++)
			if (is_exact(&flows[i]) == (pass == 0) &&
			    flow_has(&flows[i], h))
				return i;
	return -1;
}

enum wire_class match_packet(const struct pkt *p, const struct flow *flows,
			     int nflows, int *flow)
{
	*flow = -1;
	if (p->h.family == 0)
		return WIRE_OTHER;
	if (p->h.kind == PK_ICMP_ERROR) {
		/* The quote is matched only as far as it was decoded: with
		 * fewer than 4 transport bytes the ports are unknown and the
		 * error cannot be pinned on any socket. */
		if (p->status == PKT_INVALID || p->quote.family == 0 ||
		    p->quote_status == PKT_INVALID ||
		    (p->flags & PKTF_QUOTE_INVALID) || p->quote.kind == PK_NONE)
			return WIRE_ERROR_MALFORMED;
		*flow = find_flow(&p->quote, flows, nflows);
		return *flow >= 0 ? WIRE_ERROR : WIRE_ERROR_OTHER;
	}
	if (p->status != PKT_OK)
		return WIRE_OTHER;
	*flow = find_flow(&p->h, flows, nflows);
	return *flow >= 0 ? WIRE_OUT : WIRE_OTHER;
}

const char *wire_class_name(enum wire_class c)
{
	switch (c) {
	case WIRE_OUT:
		return "datagram";
	case WIRE_ERROR:
		return "error";
	case WIRE_ERROR_OTHER:
		return "error-other";
	case WIRE_ERROR_MALFORMED:
		return "error-malformed";
	case WIRE_OTHER:
		return "other";
	case WIRE_FENCE:
		return "fence";
	}
	return "?";
}
