/* The wire ledger: see wire.h. */
#include "wire.h"

#include "fence.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"

struct wire_held {
	struct pkt p;
	uint64_t t;
	size_t entry; /* its line in packets, to update */
};

void wire_init(struct wire *w, const struct ipaddr *dst)
{
	memset(w, 0, sizeof(*w));
	w->dst = *dst;
	wire_sync_clock(w);
}

/* A realtime reading between two monotonic ones that are at most this
 * far apart is taken as soon as one comes. */
#define CLOCK_PAIR_NS 20000

void wire_sync_clock(struct wire *w)
{
	uint64_t best = UINT64_MAX, m1, m2, real;
	struct timespec rt;
	int i;

	/* A process preempted between the two readings would put the
	 * distance off by the time it waited (milliseconds on a loaded
	 * machine) and every packet of the case as far from its events: the
	 * realtime reading is bracketed by two monotonic ones, and the
	 * tightest bracket of a few tries wins. */
	for (i = 0; i < 8 && best > CLOCK_PAIR_NS; i++) {
		m1 = event_now_ns();
		clock_gettime(CLOCK_REALTIME, &rt);
		m2 = event_now_ns();
		real = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec;
		if (m2 - m1 < best) {
			best = m2 - m1;
			w->real_minus_mono = real - (m1 + (m2 - m1) / 2);
		}
	}
}

void wire_free(struct wire *w)
{
	int i;

	for (i = 0; i < WIRE_MAX_FLOWS; i++)
		free(w->owners[i].errors);
	free(w->packets);
	free(w->held);
	memset(w, 0, sizeof(*w));
}

/* Room for one more error of o; false when out of memory. */
static bool grow_errors(struct wire_owner *o)
{
	size_t cap = o->caperrors ? o->caperrors * 2 : 8;
	struct wire_error *e;

	if (o->nerrors < o->caperrors)
		return true;
	e = realloc(o->errors, cap * sizeof(*e));
	if (!e)
		return false;
	o->errors = e;
	o->caperrors = cap;
	return true;
}

/* Room for one more packet; false when out of memory. */
static bool grow_packets(struct wire *w)
{
	size_t cap = w->cappackets ? w->cappackets * 2 : 64;
	struct wire_packet *p;

	if (w->npackets < w->cappackets)
		return true;
	p = realloc(w->packets, cap * sizeof(*p));
	if (!p)
		return false;
	w->packets = p;
	w->cappackets = cap;
	return true;
}

static bool is_wildcard_flow(const struct flow *f)
{
	return !f->proto || !f->sport;
}

static void credit_error(struct wire *w, const struct pkt *p, int flow,
			 uint64_t t, size_t entry)
{
	int owner = w->flow_owner[flow];
	struct wire_owner *o = &w->owners[owner];
	struct wire_error *e;

	w->credited |= (uint64_t)1 << owner;
	if (!grow_errors(o)) {
		w->out_of_memory = true;
		return;
	}
	e = &o->errors[o->nerrors++];
	memset(e, 0, sizeof(*e));
	e->t_ns = t;
	e->family = p->h.family;
	e->type = p->h.icmp_type;
	e->code = p->h.icmp_code;
	e->from = p->h.src;
	e->mtu = p->mtu;
	e->packet = entry;
	pkt_describe(p, e->parse, sizeof(e->parse));
}

static bool same_flow(const struct flow *a, const struct flow *b)
{
	return a->proto == b->proto && a->sport == b->sport &&
	       a->dport == b->dport && addr_eq(&a->src, &b->src) &&
	       addr_eq(&a->dst, &b->dst);
}

/* Of flow and the flows with its protocol, addresses and ports (a port
 * used again after a close), the one alive at t: the latest to start at
 * or before t; flow itself when none had started (a clock's rounding). */
static int alive_at(const struct wire *w, int flow, uint64_t t)
{
	int i, best = flow;

	for (i = 0; i < w->nflows; i++)
		if (i != flow && same_flow(&w->flows[i], &w->flows[flow]) &&
		    w->flow_start[i] <= t &&
		    (w->flow_start[best] > t ||
		     w->flow_start[i] > w->flow_start[best]))
			best = i;
	return best;
}

/* Gives entry (and what it is: a datagram leaving, or an error) to the
 * flow alive at t among flow and its namesakes; to no one when that flow
 * had ended by t. */
static void own(struct wire *w, size_t entry, enum wire_class cls,
		const struct pkt *p, int flow, uint64_t t)
{
	flow = alive_at(w, flow, t);
	if (w->flow_end[flow] && t > w->flow_end[flow]) {
		w->packets[entry].cls =
			cls == WIRE_ERROR ? WIRE_ERROR_OTHER : WIRE_OTHER;
		return;
	}
	w->packets[entry].cls = cls;
	w->packets[entry].probe = w->owner_name[w->flow_owner[flow]];
	w->packets[entry].flow = flow;
	if (cls == WIRE_OUT)
		w->owners[w->flow_owner[flow]].datagrams++;
	else
		credit_error(w, p, flow, t, entry);
}

/* Moves the errors of owner o whose packets now belong to owner n (their
 * entries' flow says so) to n, keeping both lists in capture order. */
static void move_errors(struct wire *w, int o, int n)
{
	struct wire_owner *from = &w->owners[o], *to = &w->owners[n];
	size_t i, j = 0, k;

	for (i = 0; i < from->nerrors; i++) {
		struct wire_error e = from->errors[i];

		if (w->flow_owner[w->packets[e.packet].flow] == o) {
			from->errors[j++] = e;
			continue;
		}
		if (!grow_errors(to)) {
			w->out_of_memory = true;
			continue;
		}
		/* Insertion by time: the new owner may hold earlier errors
		 * taken from the held list. */
		for (k = to->nerrors; k > 0 && to->errors[k - 1].t_ns > e.t_ns;
		     k--)
			to->errors[k] = to->errors[k - 1];
		to->errors[k] = e;
		to->nerrors++;
		w->credited |= (uint64_t)1 << n;
	}
	from->nerrors = j;
}

/* A new flow (index nf) of an earlier flow's protocol, addresses and
 * ports: the earlier socket was closed and its port given again. What the
 * ledger credited to the earlier flow from nf's start on is nf's. */
static void take_reused(struct wire *w, int nf)
{
	size_t i;
	int old, n = w->flow_owner[nf];
	uint64_t moved = 0;

	for (i = 0; i < w->npackets; i++) {
		struct wire_packet *q = &w->packets[i];

		if (!q->probe || q->flow == nf ||
		    (q->cls != WIRE_OUT && q->cls != WIRE_ERROR) ||
		    !same_flow(&w->flows[q->flow], &w->flows[nf]) ||
		    alive_at(w, q->flow, q->t_ns) != nf)
			continue;
		old = w->flow_owner[q->flow];
		q->flow = nf;
		q->probe = w->owner_name[n];
		if (old == n)
			continue;
		if (q->cls == WIRE_OUT) {
			w->owners[old].datagrams--;
			w->owners[n].datagrams++;
		} else {
			moved |= (uint64_t)1 << old;
		}
	}
	for (old = 0; old < WIRE_MAX_FLOWS; old++)
		if (moved & ((uint64_t)1 << old))
			move_errors(w, old, n);
}

static void hold(struct wire *w, const struct pkt *p, uint64_t t, size_t entry)
{
	if (w->nheld == w->capheld) {
		int cap = w->capheld ? w->capheld * 2 : 8;
		struct wire_held *h =
			realloc(w->held, sizeof(*h) * (size_t)cap);

		if (!h)
			return; /* stays listed as error-other */
		w->held = h;
		w->capheld = cap;
	}
	w->held[w->nheld++] = (struct wire_held){*p, t, entry};
}

/* A datagram that only a wildcard flow (a user's command) claims: its
 * exact protocol, addresses and ports become a flow of the same owner, so
 * that the errors credited to the owner are those quoting a datagram it
 * was seen sending, from that source address and port, and no others (a
 * forged error quoting another port is not the program's). No room left:
 * the datagram stays its wildcard flow's, and errors quoting it go to no
 * one. */
static void learn(struct wire *w, const struct pkt *p, int wild)
{
	struct flow f = {.proto = p->h.proto, .src = p->h.src,
			 .dst = p->h.dst, .sport = p->h.sport,
			 .dport = p->h.dport};
	int i;

	if (p->h.kind == PK_ICMP_ECHO)
		f.sport = f.dport = p->h.echo_id;
	if (!f.proto || !f.sport || w->nflows >= WIRE_MAX_FLOWS)
		return;
	for (i = 0; i < w->nflows; i++)
		if (same_flow(&w->flows[i], &f))
			return;
	w->flows[w->nflows] = f;
	w->flow_owner[w->nflows] = w->flow_owner[wild];
	w->flow_start[w->nflows] = 0;
	w->flow_end[w->nflows] = 0;
	w->nflows++;
}

/* Credits held packets whose flow is now known. With final set, every
 * exact flow is known: the datagrams left to wildcard flows are theirs,
 * and teach them their exact flows (learn); an error that then matches a
 * wildcard flow only quotes nothing its owner sent, and goes to no one. */
static void rematch(struct wire *w, bool final)
{
	int i, j, flow;
	enum wire_class cls;

	for (i = 0; final && i < w->nheld; i++)
		if (match_packet(&w->held[i].p, w->flows, w->nflows, &flow) ==
			    WIRE_OUT &&
		    is_wildcard_flow(&w->flows[flow]))
			learn(w, &w->held[i].p, flow);
	for (i = 0, j = 0; i < w->nheld; i++) {
		struct wire_held *h = &w->held[i];

		cls = match_packet(&h->p, w->flows, w->nflows, &flow);
		if (final && cls == WIRE_ERROR &&
		    is_wildcard_flow(&w->flows[flow]))
			w->packets[h->entry].cls = WIRE_ERROR_OTHER;
		else if ((cls == WIRE_ERROR || cls == WIRE_OUT) &&
			 (final || !is_wildcard_flow(&w->flows[flow])))
			own(w, h->entry, cls, &h->p, flow, h->t);
		else
			w->held[j++] = *h;
	}
	w->nheld = j;
}

int wire_add_flow_at(struct wire *w, const struct flow *f, int owner,
		     const char *name, uint64_t start)
{
	int nf = w->nflows;

	if (w->nflows >= WIRE_MAX_FLOWS || owner < 0 || owner >= WIRE_MAX_FLOWS)
		return -1;
	w->flows[nf] = *f;
	w->flow_owner[nf] = owner;
	w->flow_start[nf] = start;
	w->flow_end[nf] = 0;
	w->owner_name[owner] = name;
	w->nflows++;
	if (!is_wildcard_flow(f))
		take_reused(w, nf);
	rematch(w, false);
	return nf;
}

void wire_end_owner(struct wire *w, int owner, uint64_t t)
{
	struct wire_owner *o;
	size_t i, j;
	int f;

	if (owner < 0 || owner >= WIRE_MAX_FLOWS || t == 0)
		return;
	for (f = 0; f < w->nflows; f++)
		if (w->flow_owner[f] == owner && !w->flow_end[f])
			w->flow_end[f] = t;
	/* What was credited before the end was known, captured after it. */
	for (i = 0; i < w->npackets; i++) {
		struct wire_packet *q = &w->packets[i];

		if (!q->probe || w->flow_owner[q->flow] != owner ||
		    q->t_ns <= t || !w->flow_end[q->flow])
			continue;
		if (q->cls == WIRE_OUT) {
			if (w->owners[owner].datagrams)
				w->owners[owner].datagrams--;
			q->cls = WIRE_OTHER;
		} else if (q->cls == WIRE_ERROR) {
			q->cls = WIRE_ERROR_OTHER;
		} else {
			continue;
		}
		q->probe = NULL;
	}
	o = &w->owners[owner];
	for (i = 0, j = 0; i < o->nerrors; i++)
		if (w->packets[o->errors[i].packet].probe)
			o->errors[j++] = o->errors[i];
	o->nerrors = j;
}

int wire_add_flow(struct wire *w, const struct flow *f, int owner,
		  const char *name)
{
	return wire_add_flow_at(w, f, owner, name, 0);
}

void wire_on_packet(void *arg, const uint8_t *frame, size_t caplen,
		    size_t wirelen, uint64_t t_real)
{
	struct wire *w = arg;
	/* The kernel's capture time, on the monotonic clock of the events. */
	uint64_t t = t_real - w->real_minus_mono;
	struct wire_packet *o;
	struct pkt p;
	enum wire_class cls;
	size_t entry;
	int flow;
	bool answer;
	uint16_t seq;

	pkt_decode_eth(frame, caplen, &p);
	if (w->fence_on && fence_packet(&p, w->fence_id, &answer, &seq)) {
		cls = WIRE_FENCE;
		flow = -1;
		if (answer && w->nfence_answers < WIRE_FENCE_ANSWERS)
			w->fence_answers[w->nfence_answers++] = seq;
	} else {
		cls = match_packet(&p, w->flows, w->nflows, &flow);
	}
	if (!grow_packets(w)) {
		w->out_of_memory = true;
		return;
	}
	entry = w->npackets++;
	o = &w->packets[entry];
	memset(o, 0, sizeof(*o));
	o->t_ns = t;
	o->len = wirelen;
	o->cls = cls;
	if (p.h.family) {
		o->src = p.h.src;
		o->dst = p.h.dst;
		o->df = p.h.df;
	}
	if (p.h.kind == PK_ICMP_ERROR || p.h.kind == PK_ICMP_ECHO ||
	    p.h.kind == PK_ICMP_OTHER) {
		o->icmp = true;
		o->type = p.h.icmp_type;
		o->code = p.h.icmp_code;
	}
	pkt_describe(&p, o->parse, sizeof(o->parse));
	o->hdr = p.h;
	if (p.h.kind == PK_ICMP_ERROR && p.quote.family) {
		o->quote = p.quote;
		o->has_quote = true;
		o->mtu = p.mtu;
	}

	if ((cls == WIRE_OUT || cls == WIRE_ERROR) &&
	    !is_wildcard_flow(&w->flows[flow])) {
		own(w, entry, cls, &p, flow, t);
	} else if (cls == WIRE_ERROR || cls == WIRE_ERROR_OTHER ||
		   cls == WIRE_OUT ||
		   (cls == WIRE_OTHER && p.status == PKT_OK &&
		    addr_eq(&p.h.dst, &w->dst) &&
		    (p.h.kind == PK_UDP || p.h.kind == PK_TCP ||
		     p.h.kind == PK_ICMP_ECHO))) {
		/* An error, or a datagram to where the probes send, whose
		 * flow may not be known yet (replies never match one). */
		hold(w, &p, t, entry);
	}
}

void wire_finish(struct wire *w)
{
	rematch(w, true);
}

void wire_set_fence(struct wire *w, uint16_t id)
{
	w->fence_on = true;
	w->fence_id = id;
}

int wire_take_fences(struct wire *w, uint16_t *seqs, int max)
{
	int n = w->nfence_answers < max ? w->nfence_answers : max;

	memcpy(seqs, w->fence_answers, (size_t)n * sizeof(*seqs));
	memmove(w->fence_answers, w->fence_answers + n,
		(size_t)(w->nfence_answers - n) * sizeof(*seqs));
	w->nfence_answers -= n;
	return n;
}

uint64_t wire_take_credited(struct wire *w)
{
	uint64_t c = w->credited;

	w->credited = 0;
	return c;
}
