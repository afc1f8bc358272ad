/* The wire ledger: every packet the capture saw, classified against the
 * probes' flows, and the ICMP errors credited to each flow's owner.
 *
 * An ICMP error can reach the capture before the flow it quotes is known
 * (the probe's flow event may still be in its pipe), or it may match only
 * a user command's wildcard flow, which must not take it before every
 * exact flow is known: such packets are held and credited when a flow is
 * added, or at the end. The ledger does no I/O: it says which owners were
 * credited an error (wire_take_credited), and the case loop decides what
 * that means for their syncs.
 */
#ifndef ICMPLAB_WIRE_H
#define ICMPLAB_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "match.h"
#include "pkt.h"

#define WIRE_MAX_FLOWS 32 /* = CASE_MAX_PROBES: one flow per probe */
#define WIRE_PARSE_MAX 256
#define WIRE_FENCE_ANSWERS 64 /* more than a case has syncs at once */

/* An ICMP error quoting one of a probe's datagrams. */
struct wire_error {
	uint64_t t_ns; /* capture time, CLOCK_MONOTONIC */
	int family;    /* AF_INET, AF_INET6 */
	int type, code;
	struct ipaddr from;
	unsigned mtu; /* 0: none (3/4 and packet too big carry one) */
	char parse[WIRE_PARSE_MAX]; /* pkt_describe */
	size_t packet; /* its entry in struct wire's packets */
};

/* One captured packet, classified. */
struct wire_packet {
	uint64_t t_ns;
	size_t len; /* on the wire */
	enum wire_class cls;
	struct ipaddr src, dst; /* family 0: not an IP packet */
	bool icmp;		/* type and code are set */
	bool df; /* IPv4: Don't Fragment was set (a path MTU can bite) */
	int type, code;
	char parse[WIRE_PARSE_MAX];
	const char *probe; /* the owner of its flow; NULL: none known */
	int flow; /* the index of that flow; meaningful only when probe is set */
	/* As decoded (pkt.h), for the tcpdump-like lines of a report: its
	 * own headers (family 0: not IP), and for an ICMP error the quoted
	 * datagram's (has_quote) and the MTU it carries (0: none). */
	struct pkt_hdr hdr, quote;
	bool has_quote;
	unsigned mtu;
};

/* What one owner (a probe) has on the wire. */
struct wire_owner {
	unsigned datagrams; /* of its flow, seen leaving */
	struct wire_error *errors;
	size_t nerrors, caperrors;
};

struct wire_held; /* an error or datagram waiting for its flow */

struct wire {
	struct ipaddr dst;	  /* where the probes send */
	uint64_t real_minus_mono; /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	struct flow flows[WIRE_MAX_FLOWS];
	int flow_owner[WIRE_MAX_FLOWS];
	uint64_t flow_start[WIRE_MAX_FLOWS]; /* its flow event, monotonic ns */
	/* Its probe's end event (its socket closed): nothing captured later
	 * is its. 0: still open. */
	uint64_t flow_end[WIRE_MAX_FLOWS];
	int nflows;
	const char *owner_name[WIRE_MAX_FLOWS];
	struct wire_owner owners[WIRE_MAX_FLOWS];
	struct wire_packet *packets;
	size_t npackets, cappackets;
	struct wire_held *held;
	int nheld, capheld;
	uint64_t credited; /* bit k: owner k was credited an error */
	/* The fences (fence.h): their identifier, and the sequence numbers
	 * answered since the last wire_take_fences. */
	bool fence_on;
	uint16_t fence_id;
	uint16_t fence_answers[WIRE_FENCE_ANSWERS];
	int nfence_answers;
	bool out_of_memory;
};

/* Starts an empty ledger for probes sending to dst; times of packets are
 * taken from the capture's CLOCK_REALTIME and moved to CLOCK_MONOTONIC. */
void wire_init(struct wire *w, const struct ipaddr *dst);

/* Takes the distance between CLOCK_REALTIME (the capture's clock) and
 * CLOCK_MONOTONIC (the events') again, from the tightest of a few
 * monotonic-realtime-monotonic readings: one preemption between two
 * plain readings put every packet of a case milliseconds after the
 * events it came before, credited to nobody (seen on a loaded machine).
 * Called before each read of the capture, so that a step of the realtime
 * clock during a case moves packets no further either. */
void wire_sync_clock(struct wire *w);

/* Frees what the ledger allocated; w may be reused after wire_init. */
void wire_free(struct wire *w);

/* Adds flow f, owned by owner (0..WIRE_MAX_FLOWS-1, named name, a string
 * that outlives w), and credits held packets that match it. Returns its
 * index, or -1 when the table is full. A wildcard flow (proto or sport 0)
 * takes held packets only at wire_finish. */
int wire_add_flow(struct wire *w, const struct flow *f, int owner,
		  const char *name);

/* wire_add_flow for a flow announced at start (CLOCK_MONOTONIC ns, the
 * flow event's time). A flow's life runs from its start until another flow
 * of the same protocol, addresses and ports starts: its socket was closed
 * and a later probe got the same port (issue 13, item 5). Packets of that
 * flow captured after the later start belong to the later flow, including
 * those the ledger had credited to the earlier one before the later flow
 * was known; they are moved. wire_add_flow is this with start 0. */
int wire_add_flow_at(struct wire *w, const struct flow *f, int owner,
		     const char *name, uint64_t start);

/* The capture callback (capture_dispatch): arg is the struct wire. */
/* Owner's probe ended at t (monotonic ns): its flows closed then. What
 * the capture saw of them later (an error for a datagram whose socket is
 * gone, a datagram from its port) is no longer the owner's: an error goes
 * to a flow that took the port again, or to no one (error-other). */
void wire_end_owner(struct wire *w, int owner, uint64_t t);

void wire_on_packet(void *arg, const uint8_t *frame, size_t caplen,
		    size_t wirelen, uint64_t t_real);

/* The end of the case: held datagrams go to wildcard flows if they match
 * one, and each becomes an exact flow of its owner; held errors go to the
 * exact flows they quote, never to a wildcard flow (a user's command is
 * credited only errors quoting the source address and port of a datagram
 * it was seen sending). */
void wire_finish(struct wire *w);

/* Fences of identifier id are the harness's: they and their answers are
 * WIRE_FENCE, never a flow's. */
void wire_set_fence(struct wire *w, uint16_t id);

/* Moves the sequence numbers of the fences answered since the last call
 * into seqs (at most max) and returns how many. */
int wire_take_fences(struct wire *w, uint16_t *seqs, int max);

/* The owners credited an error since the last call, as a bit mask (bit k:
 * owner k); clears it. */
uint64_t wire_take_credited(struct wire *w);

#endif
