/* One cell opened: the model `icmplab show` prints and the HTML report
 * draws, gathered from a results document in one place so that the two
 * cannot tell different stories (docs/results.md).
 *
 * A view borrows from the document (which must outlive it): the case and
 * cell objects, the case's topology (topodump.h), and owns the rest: the
 * timeline, the probe's events and its packets merged on the case's time
 * axis, each already worded, and the fault's rule. */
#ifndef ICMPLAB_CELLVIEW_H
#define ICMPLAB_CELLVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define CV_TEXT_MAX 384

enum cv_kind {
	CV_SENT,  /* a datagram of the probe's flow, leaving the client */
	CV_ERROR, /* an ICMP error quoting one of them */
	CV_CALL,  /* a system call and what it returned */
	CV_NOTE,  /* the probe's other events: start, flow, error queue, ... */
};

struct cv_step {
	double t_ms; /* since the case started */
	enum cv_kind kind;
	char text[CV_TEXT_MAX];
};

struct cellview {
	json_t *doc, *kase, *cell; /* borrowed; kase NULL when not in doc */
	const char *name, *probe, *title, *group, *family, *fault, *verdict;
	const char *kernel, *reason, *explain, *why, *pcap;
	const char *command, *output; /* a user command's; "" for a probe */
	char expected[512], surfaced[512], wire[256];
	json_t *refs;	  /* array of strings, borrowed (may be NULL) */
	json_t *topology; /* the case's "topology", borrowed (may be NULL) */
	char rule[2048];  /* the fault: lines, "" when nothing to say */
	struct cv_step *steps; /* in time order */
	size_t nsteps;
	size_t left_out; /* the case's packets that are not this cell's */
};

/* Fills v for cell (an element of doc's "cells"). 0, or -1 when memory
 * runs out (v is then empty, and safe to free). */
int cellview_init(struct cellview *v, json_t *doc, json_t *cell);

/* Frees what v owns; safe on a zeroed view and twice. */
void cellview_free(struct cellview *v);

/* The CASE object of doc named arg, or the only one whose name starts
 * with it. Borrowed, or NULL with err ("no case 'x' in the results; did
 * you mean ...?", or the names an ambiguous prefix matches). */
json_t *cellview_find_case(json_t *doc, const char *arg, char *err,
			   size_t errlen);

/* The CELL of case name whose probe is arg, or the only one whose probe
 * starts with it. Borrowed, or NULL with err as cellview_find_case. */
json_t *cellview_find_cell(json_t *doc, const char *name, const char *arg,
			   char *err, size_t errlen);

/* A packet object of a case's "packets" as a tcpdump-like line: "IP
 * 198.51.100.2.37463 > 203.0.113.2.33434: UDP, ttl 1, 74 bytes", an error
 * with its quoted datagram. Writes into buf (always terminated). */
void cellview_packet_line(json_t *p, char *buf, size_t len);

/* Does the address text (with or without "/LEN") belong to family
 * ("ipv4", "ipv6")? Reports show the case's family only. */
bool cellview_in_family(const char *addr, const char *family);

/* "client", "router", "server": the node objects of v's topology, in
 * order, through *node; false at the end (or with no topology). i starts
 * at 0. */
bool cellview_node(const struct cellview *v, size_t i, json_t **node);

#endif
