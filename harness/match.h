/* Matching packets on the wire to the probes' flows.
 *
 * A flow is what a probe's socket sends: protocol, addresses, ports (for
 * ICMP echo, the identifier as both ports). An ICMP error belongs to a flow
 * when the datagram it quotes is one of the flow's: same protocol, same
 * ports, same destination, and the same source unless the flow's socket was
 * bound to the wildcard address.
 */
#ifndef ICMPLAB_MATCH_H
#define ICMPLAB_MATCH_H

#include <stdbool.h>

#include "pkt.h"

struct flow {
	int proto; /* 0: any protocol (a user's command: we do not know) */
	struct ipaddr src, dst; /* src may be the wildcard (all zero) */
	uint16_t sport, dport; /* 0: any port (a user's command) */
};

/* True when h (a packet's own headers, or a quote) is a datagram of f. A
 * flow with wildcards (proto 0 or sport 0) is tried only after every exact
 * flow, so it never takes another probe's datagrams. */
bool flow_has(const struct flow *f, const struct pkt_hdr *h);

/* What one captured packet is, relative to the flows. */
enum wire_class {
	WIRE_OUT, /* a datagram of a flow, leaving the client */
	WIRE_ERROR, /* an ICMP error quoting a flow's datagram */
	WIRE_ERROR_OTHER, /* an ICMP error quoting no flow of ours */
	WIRE_ERROR_MALFORMED, /* an ICMP error too broken to match */
	WIRE_OTHER, /* anything else (ARP, echo replies, ...) */
	WIRE_FENCE, /* a fence of the harness, or its answer (fence.h) */
};

/* Classifies p against nflows flows. Returns the class and sets *flow to the
 * index of the matching flow (WIRE_OUT, WIRE_ERROR) or -1. A truncated or
 * invalid packet is never trusted: an ICMP error whose quote lacks the
 * ports, or whose own headers are broken, is WIRE_ERROR_MALFORMED. A bad
 * checksum does not stop the match (the kernel may or may not have
 * believed it; the cell says which). */
enum wire_class match_packet(const struct pkt *p, const struct flow *flows,
			     int nflows, int *flow);

const char *wire_class_name(enum wire_class c);

#endif
