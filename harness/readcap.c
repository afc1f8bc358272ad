/* A user's capture explained: see readcap.h and docs/read.md.
 *
 * The file is read once into two arrays, the datagrams an error could
 * quote and the errors. Matching then sorts the datagrams by flow (family,
 * protocol, source, ports, destination, time) so that each error finds its
 * datagrams by binary search: a user's capture may hold millions of
 * packets. The decision whether a datagram is the quoted one is flow_has
 * (match.h), the same rule the harness uses for its probes' flows. */
#include "readcap.h"

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "addr.h"
#include "answer.h"
#include "jsontext.h"
#include "match.h"
#include "names.h"
#include "outfile.h"
#include "resdoc.h"
#include "text.h"

/* The classes of an error, in the order they are printed, each with its
 * JSON key and its sentence. */
static const struct {
	unsigned flag;
	const char *key, *text;
} classes[] = {
	{RCF_INVALID, "invalid",
	 "malformed: its own IP or ICMP header is "
	 "invalid"},
	{RCF_BAD_CSUM, "bad_checksum", "malformed: bad ICMP checksum"},
	{RCF_QUOTE_SHORT, "quote_truncated",
	 "malformed: quote truncated by its sender (fewer bytes than its "
	 "headers promise)"},
	{RCF_QUOTE_INVALID, "quote_invalid",
	 "malformed: the quoted IP header is invalid"},
	{RCF_EXT_BAD, "bad_extension",
	 "malformed: RFC 4884 length set but no valid extension"},
	{RCF_UNMATCHED, "unmatched",
	 "forged? quotes no datagram sent in this capture (or one sent "
	 "before it started)"},
	{RCF_BEFORE, "before_datagram",
	 "forged: captured before the datagram it quotes"},
	{RCF_DST_DIFFERS, "quoted_dst_differs",
	 "forged: quotes a destination the datagram was not sent to"},
	{RCF_NOT_TO_SENDER, "not_to_sender",
	 "forged: sent to an address other than the quoted source"},
	{RCF_EXTENSION, "rfc4884_extension",
	 "note: RFC 4884 extension present"},
	{RCF_CUT, "snaplen_cut", "note: the capture cut this packet short"},
	{RCF_CSUM_UNCHECKED, "checksum_unchecked",
	 "note: checksum not checked (packet cut)"},
	{RCF_NO_FLOW, "no_ports",
	 "note: the quoted datagram has no ports or id to match"},
	{0, NULL, NULL},
};

static void rc_init(struct readcap *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
}

void readcap_free(struct readcap *r)
{
	free(r->dg);
	free(r->err);
	r->dg = NULL;
	r->err = NULL;
	r->ndg = r->capdg = r->nerr = r->caperr = 0;
}

/* Grows *arr (of elem-byte entries, *cap of them) to hold one more. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int time_cmp(const struct readcap_time *a, const struct readcap_time *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->nsec != b->nsec)
		return a->nsec < b->nsec ? -1 : 1;
	return 0;
}

/* Seconds from a to b (negative when b is earlier). */
static double time_diff(const struct readcap_time *a,
			const struct readcap_time *b)
{
	/* In double: a pcapng time stamp in whole seconds can put tv_sec
	 * anywhere in int64, and the difference must not overflow. */
	return ((double)b->sec - (double)a->sec) +
	       ((double)b->nsec - (double)a->nsec) / 1e9;
}

static bool has_ports(const struct pkt_hdr *h)
{
	return h->kind == PK_UDP || h->kind == PK_TCP ||
	       h->kind == PK_ICMP_ECHO;
}

/* Takes one record: an error, a datagram to match against, or a count. */
static int take(struct readcap *r, const struct pcap_pkthdr *ph,
		const uint8_t *data)
{
	struct readcap_error *e;
	struct readcap_dgram *d;
	struct readcap_time t;
	struct pkt p;

	t.sec = ph->ts.tv_sec;
	/* With nanosecond precision asked, tv_usec holds nanoseconds; a
	 * damaged record may say more than a second. */
	t.nsec = ph->ts.tv_usec < 1000000000 && ph->ts.tv_usec >= 0
			 ? (uint32_t)ph->ts.tv_usec
			 : 999999999u;
	if (r->packets == 0)
		r->first = t;
	r->packets++;
	if (ph->caplen < ph->len)
		r->cut++;
	pkt_decode_link(r->linktype, data, ph->caplen, &p);
	if (p.h.family == 0 ||
	    (p.status == PKT_UNSUPPORTED && p.h.kind == PK_NONE)) {
		r->other++;
		return 0;
	}
	if (p.h.kind != PK_ICMP_ERROR) {
		r->datagrams++;
		if (!has_ports(&p.h) || p.status == PKT_INVALID)
			return 0;
		if (r->ndg + r->nerr >= READCAP_MAX_KEPT) {
			r->stopped = true;
			return 1;
		}
		if (grow((void **)&r->dg, &r->capdg, r->ndg, sizeof(*r->dg)))
			return -1;
		d = &r->dg[r->ndg++];
		d->no = r->packets;
		d->t = t;
		d->h = p.h;
		return 0;
	}
	if (r->ndg + r->nerr >= READCAP_MAX_KEPT) {
		r->stopped = true;
		return 1;
	}
	if (grow((void **)&r->err, &r->caperr, r->nerr, sizeof(*r->err)))
		return -1;
	e = &r->err[r->nerr++];
	memset(e, 0, sizeof(*e));
	e->no = r->packets;
	e->t = t;
	e->caplen = ph->caplen;
	e->wirelen = ph->len;
	e->p = p;
	pkt_describe(&p, e->parse, sizeof(e->parse));
	return 0;
}

/* Sort order of the datagrams: the flow key a quote is looked up by
 * (family, protocol, source, ports), then destination and time. */
static int key_cmp(const struct pkt_hdr *a, const struct pkt_hdr *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	c = memcmp(a->src.a, b->src.a, sizeof(a->src.a));
	if (c)
		return c;
	if (a->sport != b->sport)
		return a->sport < b->sport ? -1 : 1;
	if (a->dport != b->dport)
		return a->dport < b->dport ? -1 : 1;
	return 0;
}

static int dgram_cmp(const void *x, const void *y)
{
	const struct readcap_dgram *a = x, *b = y;
	int c = key_cmp(&a->h, &b->h);

	if (c)
		return c;
	c = memcmp(a->h.dst.a, b->h.dst.a, sizeof(a->h.dst.a));
	if (c)
		return c;
	c = time_cmp(&a->t, &b->t);
	if (c)
		return c;
	return a->no < b->no ? -1 : a->no > b->no;
}

/* Where a datagram stands relative to what a search looks for: the
 * quote's key, then (with dst) its destination, then (with t) a time. */
struct probe_at {
	const struct pkt_hdr *q;
	bool dst;
	const struct readcap_time *t;
};

static int probe_cmp(const struct readcap_dgram *d, const struct probe_at *k)
{
	int c = key_cmp(&d->h, k->q);

	if (c || !k->dst)
		return c;
	c = memcmp(d->h.dst.a, k->q->dst.a, sizeof(d->h.dst.a));
	if (c || !k->t)
		return c;
	return time_cmp(&d->t, k->t) <= 0 ? -1 : 1;
}

/* The first datagram in [lo, hi) that is not below k (upper: that is
 * above it). The array is sorted by dgram_cmp, so each search is a
 * binary one: a long flow with many errors stays fast. */
static size_t bound(const struct readcap *r, size_t lo, size_t hi,
		    const struct probe_at *k, bool upper)
{
	size_t mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = probe_cmp(&r->dg[mid], k);
		if (c < 0 || (upper && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Finds the datagrams e quotes and sets its match and forged flags. */
static void match_error(struct readcap *r, struct readcap_error *e)
{
	const struct pkt_hdr *q = &e->p.quote;
	const struct readcap_dgram *d = NULL, *elsewhere = NULL;
	struct probe_at k = {q, false, NULL};
	size_t lo, hi, dlo, dhi, u;
	struct flow f;

	/* The socket's datagrams: same protocol, source and ports. */
	lo = bound(r, 0, r->ndg, &k, false);
	hi = bound(r, lo, r->ndg, &k, true);
	/* Those to the quoted destination, and the last one sent before
	 * the error (or the first after it). */
	k.dst = true;
	dlo = bound(r, lo, hi, &k, false);
	dhi = bound(r, dlo, hi, &k, true);
	k.t = &e->t;
	u = bound(r, dlo, dhi, &k, false);
	if (u > dlo)
		d = &r->dg[u - 1];
	else if (u < dhi)
		d = &r->dg[u];
	if (dlo > lo)
		elsewhere = &r->dg[lo];
	else if (dhi < hi)
		elsewhere = &r->dg[dhi];

	/* The match itself is the harness's rule for a probe's flow. The
	 * keys are equal, so an echo id 0 (a wildcard to flow_has) was
	 * compared already. */
	memset(&f, 0, sizeof(f));
	f.proto = q->proto;
	f.src = q->src;
	f.dst = q->dst;
	f.sport = q->sport;
	f.dport = q->dport;
	if (d && flow_has(&f, &d->h)) {
		e->sent = dhi - dlo;
		e->answers = d->no;
		e->answers_t = d->t;
		if (u == dlo)
			e->flags |= RCF_BEFORE;
		else
			r->matched++;
		return;
	}
	if (elsewhere) {
		f.dst = elsewhere->h.dst;
		if (flow_has(&f, &elsewhere->h)) {
			/* The same socket's datagrams went to another
			 * address: the error quotes a destination they never
			 * had. */
			e->flags |= RCF_DST_DIFFERS;
			e->sent_dst = elsewhere->h.dst;
			return;
		}
	}
	e->flags |= RCF_UNMATCHED;
}

/* Every check of one error, once all datagrams are known. */
static void classify(struct readcap *r, struct readcap_error *e)
{
	const struct pkt *p = &e->p;

	if (p->status == PKT_INVALID)
		e->flags |= RCF_INVALID;
	if (p->flags & PKTF_BAD_CSUM)
		e->flags |= RCF_BAD_CSUM;
	if (p->flags & PKTF_CSUM_UNVERIFIED)
		e->flags |= RCF_CSUM_UNCHECKED;
	if (p->flags & PKTF_EXTENSION)
		e->flags |= RCF_EXTENSION;
	if (p->flags & PKTF_EXT_BAD)
		e->flags |= RCF_EXT_BAD;
	if (e->caplen < e->wirelen)
		e->flags |= RCF_CUT;
	/* A quote cut by the capture's snaplen is the capture's doing, not
	 * the sender's: only a whole packet's short quote is malformed. */
	if (p->flags & PKTF_QUOTE_SHORT)
		e->flags |= e->caplen < e->wirelen ? 0 : RCF_QUOTE_SHORT;
	if (p->flags & PKTF_QUOTE_INVALID)
		e->flags |= RCF_QUOTE_INVALID;
	if (p->status == PKT_INVALID || p->quote.family == 0 ||
	    (p->flags & PKTF_QUOTE_INVALID))
		return;
	if (!has_ports(&p->quote)) {
		/* Without ports (or an id) the quote ties to no socket;
		 * when they were cut off, the short quote already says so. */
		if (!(e->flags & RCF_QUOTE_SHORT))
			e->flags |= RCF_NO_FLOW;
		return;
	}
	/* RFC 1122 3.2.2 (RFC 4443 2.2): an error goes to the source of
	 * the datagram that caused it. */
	if (!addr_eq(&p->h.dst, &p->quote.src))
		e->flags |= RCF_NOT_TO_SENDER;
	match_error(r, e);
}

static void finish(struct readcap *r)
{
	size_t i;

	if (r->ndg)
		qsort(r->dg, r->ndg, sizeof(*r->dg), dgram_cmp);
	for (i = 0; i < r->nerr; i++) {
		classify(r, &r->err[i]);
		if (r->err[i].flags & (RCF_MALFORMED | RCF_FORGED))
			r->bad++;
		else if ((r->err[i].flags & RCF_CUT) && !r->err[i].answers)
			r->unchecked++;
	}
}

/* Reads every record of an opened capture. */
static int read_all(struct readcap *r, pcap_t *pc, char *err, size_t errlen)
{
	struct pcap_pkthdr *ph;
	const u_char *data;
	const char *ln;
	int rc, t;

	r->linktype = pcap_datalink(pc);
	ln = pcap_datalink_val_to_name(r->linktype);
	r->linkname = ln ? ln : "unknown";
	r->snaplen = pcap_snapshot(pc);
	if (!pkt_link_supported(r->linktype)) {
		snprintf(err, errlen,
			 "%s: link type %d (%s) is not one icmplab decodes; "
			 "expected EN10MB, LINUX_SLL, LINUX_SLL2, RAW, IPV4, "
			 "IPV6, NULL or LOOP",
			 r->name, r->linktype, r->linkname);
		pcap_close(pc);
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &ph, &data)) == 1) {
		t = take(r, ph, data);
		if (t < 0) {
			snprintf(err, errlen,
				 "%s: out of memory after %zu "
				 "packets",
				 r->name, r->packets);
			pcap_close(pc);
			return -1;
		}
		if (t > 0)
			break;
	}
	if (r->stopped)
		snprintf(r->file_problem, sizeof(r->file_problem),
			 "stopped after %zu packets: icmplab keeps at most %u",
			 r->packets, READCAP_MAX_KEPT);
	else if (rc == PCAP_ERROR)
		/* libpcap's words: a record cut by the end of the file, or
		 * a length no capture could have. */
		snprintf(r->file_problem, sizeof(r->file_problem), "%s",
			 pcap_geterr(pc));
	pcap_close(pc);
	finish(r);
	return r->file_problem[0] ? 1 : 0;
}

int readcap_open(struct readcap *r, const char *path, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");

	if (!f) {
		rc_init(r, path);
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return -1;
	}
	return readcap_fp(r, f, path, err, errlen);
}

int readcap_fp(struct readcap *r, FILE *f, const char *name, char *err,
	       size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc;

	rc_init(r, name);
	pc = pcap_fopen_offline_with_tstamp_precision(
		f, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!pc) {
		fclose(f);
		snprintf(err, errlen, "%s: not a capture libpcap can read: %s",
			 name, ebuf);
		return -1;
	}
	return read_all(r, pc, err, errlen);
}

/* --- the report ------------------------------------------------------ */

static const char *proto_name(int family, int proto)
{
	if (proto == IPPROTO_UDP)
		return "udp";
	if (proto == IPPROTO_TCP)
		return "tcp";
	if (family == AF_INET && proto == IPPROTO_ICMP)
		return "icmp";
	if (family == AF_INET6 && proto == IPPROTO_ICMPV6)
		return "icmp6";
	return NULL;
}

static const char *family_name(int family)
{
	return family == AF_INET6 ? "ipv6" : "ipv4";
}

/* "port unreachable", or the type's name, or "type T code C". */
static const char *error_name(int family, int type, int code, char *buf,
			      size_t len)
{
	const char *n = icmp_code_name(family, type, code);

	if (n)
		return n;
	n = icmp_type_name(family, type);
	if (n)
		snprintf(buf, len, "%s code %d", n, code);
	else
		snprintf(buf, len, "type %d code %d", type, code);
	return buf;
}

/* The quoted datagram as tcpdump would print it. */
static const char *quote_str(const struct pkt *p, bool cut, char *buf,
			     size_t len)
{
	const struct pkt_hdr *q = &p->quote;
	char s[ADDR_STRLEN], d[ADDR_STRLEN];
	const char *pn;

	if (q->family == 0) {
		snprintf(buf, len, "%s (%s)",
			 cut ? "a quote the capture cut short"
			     : "an unreadable quote",
			 p->quote_why ? p->quote_why : "no IP header");
		return buf;
	}
	addr_str(&q->src, s);
	addr_str(&q->dst, d);
	pn = proto_name(q->family, q->proto);
	if (q->kind == PK_UDP || q->kind == PK_TCP)
		snprintf(buf, len, "%s %s.%u > %s.%u", pn, s, q->sport, d,
			 q->dport);
	else if (q->kind == PK_ICMP_ECHO)
		snprintf(buf, len, "%s echo %s > %s id %u seq %u", pn, s, d,
			 q->echo_id, q->echo_seq);
	else if (pn)
		snprintf(buf, len, "%s %s > %s", pn, s, d);
	else
		snprintf(buf, len, "proto %u %s > %s", q->proto, s, d);
	return buf;
}

static int set(json_t *o, const char *k, json_t *v)
{
	return v ? json_object_set_new(o, k, v) : -1;
}

/* Did the cell's probe send datagrams of protocol want ("udp", "tcp",
 * "icmp")? Its flow event says; a document without events (a baseline,
 * diff --normalize) cannot, and its cells are not told apart. */
static bool cell_proto_is(json_t *cell, const char *want)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(cell, "events"), i, e)
	{
		if (strcmp(resdoc_str(e, "ev"), "flow") != 0)
			continue;
		/* An ICMPv6 flow may be written "icmp6" or "icmpv6". */
		if (strncmp(want, "icmp", 4) == 0)
			return strncmp(resdoc_str(e, "proto"), "icmp", 4) == 0;
		return strcmp(resdoc_str(e, "proto"), want) == 0;
	}
	return json_object_get(cell, "events") == NULL;
}

static bool same_error(json_t *w, int type, int code)
{
	return json_integer_value(json_object_get(w, "type")) == type &&
	       json_integer_value(json_object_get(w, "code")) == code;
}

/* Does cell's wire carry an error of type/code (with parse text parse,
 * unless parse is NULL)? */
static bool wire_has(json_t *cell, int type, int code, const char *parse)
{
	json_t *w;
	size_t i;

	json_array_foreach(json_object_get(cell, "wire"), i, w)
	{
		if (same_error(w, type, code) &&
		    (!parse || strcmp(resdoc_str(w, "parse"), parse) == 0))
			return true;
	}
	return false;
}

/* Did the case capture an error of type/code that quoted no probe's
 * datagram ("error-other" in its packets)? */
static bool case_has_other(json_t *doc, json_t *cell, int type, int code)
{
	json_t *k = resdoc_case(doc, resdoc_str(cell, "case")), *p;
	size_t i;

	json_array_foreach(json_object_get(k, "packets"), i, p)
	{
		if (strcmp(resdoc_str(p, "class"), "error-other") == 0 &&
		    same_error(p, type, code))
			return true;
	}
	return false;
}

/* Which cells of doc stand for an error like e: mode 0, the same error
 * (type, code, parse) on the cell's own wire; mode 1, a well-formed one
 * ("ok"); mode 2, an error of that type/code that quoted no probe's
 * datagram, for a forged one. */
static bool cell_fits(json_t *doc, json_t *cell, const struct readcap_error *e,
		      int mode)
{
	const struct pkt *p = &e->p;
	const char *pn = proto_name(p->quote.family, p->quote.proto);

	if (strcmp(resdoc_str(cell, "family"), family_name(p->h.family)) != 0)
		return false;
	if (!pn || !cell_proto_is(cell, pn))
		return false;
	if (mode == 0)
		return wire_has(cell, p->h.icmp_type, p->h.icmp_code, e->parse);
	if (mode == 1)
		return wire_has(cell, p->h.icmp_type, p->h.icmp_code, "ok");
	return !wire_has(cell, p->h.icmp_type, p->h.icmp_code, NULL) &&
	       case_has_other(doc, cell, p->h.icmp_type, p->h.icmp_code);
}

/* Adds s to the array a unless it is there. */
static int add_unique(json_t *a, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(a, i, v)
	{
		if (strcmp(json_string_value(v), s) == 0)
			return 0;
	}
	return json_array_append_new(a, json_text(s));
}

/* What doc measured for errors like e: {"basis", "cells", "cases",
 * "heard": [{"probe", "via", "cells", "heard_cells"}], "deaf": [probe]}.
 * NULL when memory runs out; "cells": 0 when no cell fits. */
static json_t *styles_of(json_t *doc, const struct readcap_error *e)
{
	static const char *const basis[] = {
		"the same error on the cells' own wire",
		"well-formed errors of this type and code (this one is not)",
		"errors of this type and code that quoted no probe's datagram",
	};
	json_t *out = json_object(), *probes = json_object(), *cases, *cell,
	       *pr, *heard, *deaf, *it;
	const char *name;
	char tok[256];
	size_t i, j, n = 0;
	int mode = 0;
	bool forged = (e->flags & (RCF_UNMATCHED | RCF_DST_DIFFERS)) != 0;

	cases = json_array();
	heard = json_array();
	deaf = json_array();
	if (!out || !probes || !cases || !heard || !deaf)
		goto oom;
	for (mode = forged ? 2 : 0; mode < 3; mode++) {
		json_array_foreach(json_object_get(doc, "cells"), i, cell)
		{
			if (!cell_fits(doc, cell, e, mode))
				continue;
			n++;
			name = resdoc_str(cell, "probe");
			pr = json_object_get(probes, name);
			if (!pr) {
				pr = json_pack("{s:s, s:[], s:i, s:i}", "probe",
					       name, "via", "cells", 0,
					       "heard_cells", 0);
				if (!pr ||
				    json_object_set_new(probes, name, pr))
					goto oom;
			}
			json_object_set_new(
				pr, "cells",
				json_integer(json_integer_value(json_object_get(
						     pr, "cells")) +
					     1));
			if (add_unique(cases, resdoc_str(cell, "case")))
				goto oom;
			if (json_array_size(json_object_get(cell, "surfaced")))
				json_object_set_new(
					pr, "heard_cells",
					json_integer(
						json_integer_value(
							json_object_get(
								pr, "heard_"
								    "cells")) +
						1));
			json_array_foreach(json_object_get(cell, "surfaced"), j,
					   it)
			{
				if (add_unique(json_object_get(pr, "via"),
					       resdoc_item_str(it, tok,
							       sizeof(tok))))
					goto oom;
			}
		}
		/* A forged error is measured only by the forged cases. A
		 * real one falls back from its exact parse to "ok" only when
		 * what differs is the capture's doing (a snaplen cut): the
		 * kernel treats a bad checksum, a short quote or an
		 * extension as it will, and only a cell that saw one says
		 * how. */
		if (n || forged || mode == 1 ||
		    (e->flags & (RCF_MALFORMED | RCF_EXTENSION)))
			break;
	}
	json_object_foreach(probes, name, pr)
	{
		if (json_integer_value(json_object_get(pr, "heard_cells")))
			json_array_append(heard, pr);
		else
			json_array_append_new(deaf, json_text(name));
	}
	if (set(out, "basis",
		json_string(n ? basis[mode > 2 ? 2 : mode]
			      : "no cell of the document had an "
				"error like it")) ||
	    set(out, "cells", json_integer((json_int_t)n)) ||
	    json_object_set_new(out, "cases", cases) ||
	    json_object_set_new(out, "heard", heard) ||
	    json_object_set_new(out, "deaf", deaf))
		goto oom2;
	json_decref(probes);
	return out;
oom:
	json_decref(cases);
	json_decref(heard);
	json_decref(deaf);
oom2:
	json_decref(probes);
	json_decref(out);
	return NULL;
}

static json_t *time_json(const struct readcap_time *t)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%" PRId64 ".%09" PRIu32, t->sec, t->nsec);
	return json_string(buf);
}

static json_t *quote_json(const struct pkt *p)
{
	const struct pkt_hdr *q = &p->quote;
	char s[ADDR_STRLEN], d[ADDR_STRLEN];
	const char *pn;
	json_t *o;

	if (q->family == 0)
		return json_null();
	pn = proto_name(q->family, q->proto);
	o = json_pack("{s:s, s:s, s:i}", "src", addr_str(&q->src, s), "dst",
		      addr_str(&q->dst, d), "proto_num", (int)q->proto);
	if (!o)
		return NULL;
	if (pn && set(o, "proto", json_string(pn)))
		goto oom;
	if ((q->kind == PK_UDP || q->kind == PK_TCP) &&
	    (set(o, "sport", json_integer(q->sport)) ||
	     set(o, "dport", json_integer(q->dport))))
		goto oom;
	if (q->kind == PK_ICMP_ECHO &&
	    (set(o, "echo_id", json_integer(q->echo_id)) ||
	     set(o, "echo_seq", json_integer(q->echo_seq))))
		goto oom;
	return o;
oom:
	json_decref(o);
	return NULL;
}

/* One error's object; cache keeps styles_of results by error kind, since
 * a capture holds many errors of few kinds. */
/* The kinds of error met so far: each kind's styles once ("styles" of
 * the report), found by a key of what decides them. */
struct kinds {
	json_t *index; /* key -> its position in list */
	json_t *list;  /* styles objects, each with "first": a packet */
};

/* Position of e's kind in k, its styles computed on first sight; -1 when
 * memory runs out. */
static json_int_t kind_of(struct kinds *k, json_t *doc,
			  const struct readcap_error *e)
{
	char key[512];
	json_t *at, *st;

	snprintf(key, sizeof(key), "%d/%d/%d/%d/%d/%s", e->p.h.family,
		 e->p.h.icmp_type, e->p.h.icmp_code, e->p.quote.proto,
		 (e->flags & (RCF_UNMATCHED | RCF_DST_DIFFERS)) != 0, e->parse);
	at = json_object_get(k->index, key);
	if (at)
		return json_integer_value(at);
	st = styles_of(doc, e);
	if (!st || set(st, "first", json_integer((json_int_t)e->no)) ||
	    json_array_append_new(k->list, st) ||
	    set(k->index, key,
		json_integer((json_int_t)json_array_size(k->list) - 1)))
		return -1;
	return (json_int_t)json_array_size(k->list) - 1;
}

static json_t *error_json(const struct readcap *r,
			  const struct readcap_error *e, json_t *doc,
			  struct kinds *kinds)
{
	char s[ADDR_STRLEN], d[ADDR_STRLEN], nb[64], text[512];
	json_int_t kind;
	json_t *o, *cls;
	size_t i;

	o = json_object();
	cls = json_array();
	if (!o || !cls)
		goto oom;
	if (set(o, "packet", json_integer((json_int_t)e->no)) ||
	    set(o, "time", time_json(&e->t)) ||
	    set(o, "t_rel", json_real(time_diff(&r->first, &e->t))) ||
	    set(o, "family", json_string(family_name(e->p.h.family))) ||
	    set(o, "src", json_string(addr_str(&e->p.h.src, s))) ||
	    set(o, "dst", json_string(addr_str(&e->p.h.dst, d))) ||
	    set(o, "type", json_integer(e->p.h.icmp_type)) ||
	    set(o, "code", json_integer(e->p.h.icmp_code)) ||
	    set(o, "name",
		json_string(error_name(e->p.h.family, e->p.h.icmp_type,
				       e->p.h.icmp_code, nb, sizeof(nb)))) ||
	    set(o, "parse", json_text(e->parse)) ||
	    set(o, "quote", quote_json(&e->p)) ||
	    set(o, "quoting",
		json_text(quote_str(&e->p, (e->flags & RCF_CUT) != 0, text,
				    sizeof(text)))))
		goto oom;
	if (e->p.mtu && set(o, "mtu", json_integer(e->p.mtu)))
		goto oom;
	if (set(o, "datagram",
		e->answers ? json_integer((json_int_t)e->answers)
			   : json_null()) ||
	    set(o, "sent", json_integer((json_int_t)e->sent)))
		goto oom;
	if (e->answers && set(o, "after_datagram_s",
			      json_real(time_diff(&e->answers_t, &e->t))))
		goto oom;
	if ((e->flags & RCF_DST_DIFFERS) &&
	    set(o, "sent_to", json_string(addr_str(&e->sent_dst, d))))
		goto oom;
	for (i = 0; classes[i].key; i++)
		if ((e->flags & classes[i].flag) &&
		    json_array_append_new(cls, json_string(classes[i].key)))
			goto oom;
	if (json_object_set_new(o, "classes", cls))
		goto oom2;
	cls = NULL;
	if (set(o, "verdict",
		json_string((e->flags & RCF_FORGED) &&
					    (e->flags & RCF_MALFORMED)
				    ? "forged, malformed"
			    : (e->flags & RCF_FORGED)	 ? "forged"
			    : (e->flags & RCF_MALFORMED) ? "malformed"
							 : "ok")))
		goto oom2;
	if (!doc)
		return o;
	kind = kind_of(kinds, doc, e);
	if (kind < 0 || set(o, "styles", json_integer(kind)))
		goto oom2;
	return o;
oom:
	json_decref(cls);
oom2:
	json_decref(o);
	return NULL;
}

/* The report's fields before the errors. */
static json_t *summary_json(const struct readcap *r, json_t *doc,
			    const char *doc_path)
{
	json_t *o = json_object();
	struct utsname u;

	if (!o)
		return NULL;
	if (set(o, "icmplab_read", json_integer(1)) ||
	    set(o, "file", json_text(r->name)) ||
	    set(o, "linktype", json_string(r->linkname ? r->linkname : "")) ||
	    set(o, "snaplen", json_integer(r->snaplen)) ||
	    set(o, "packets", json_integer((json_int_t)r->packets)) ||
	    set(o, "datagrams", json_integer((json_int_t)r->datagrams)) ||
	    set(o, "errors", json_integer((json_int_t)r->nerr)) ||
	    set(o, "matched", json_integer((json_int_t)r->matched)) ||
	    set(o, "forged_or_malformed", json_integer((json_int_t)r->bad)) ||
	    set(o, "unchecked", json_integer((json_int_t)r->unchecked)) ||
	    set(o, "other", json_integer((json_int_t)r->other)) ||
	    set(o, "snaplen_cut", json_integer((json_int_t)r->cut)) ||
	    set(o, "file_problem",
		r->file_problem[0] ? json_text(r->file_problem)
				   : json_null()) ||
	    set(o, "results", doc ? json_text(doc_path) : json_null()))
		goto oom;
	if (!doc) {
		if (set(o, "results_missing",
			json_text(doc_path ? doc_path : "")))
			goto oom;
	} else {
		uname(&u);
		if (set(o, "results_kernel",
			json_text(resdoc_str(doc, "kernel"))) ||
		    set(o, "this_kernel", json_text(u.release)))
			goto oom;
	}
	return o;
oom:
	json_decref(o);
	return NULL;
}

static int kinds_init(struct kinds *k)
{
	k->index = json_object();
	k->list = json_array();
	return k->index && k->list ? 0 : -1;
}

static void kinds_free(struct kinds *k)
{
	json_decref(k->index);
	json_decref(k->list);
}

json_t *readcap_json(const struct readcap *r, json_t *doc, const char *doc_path)
{
	json_t *o = summary_json(r, doc, doc_path), *errs = json_array(), *v;
	struct kinds k;
	size_t i;

	if (kinds_init(&k) || !o || !errs)
		goto oom;
	for (i = 0; i < r->nerr; i++) {
		v = error_json(r, &r->err[i], doc, &k);
		if (!v || json_array_append_new(errs, v))
			goto oom;
	}
	if (json_object_set(o, "icmp_errors", errs) ||
	    json_object_set(o, "styles", k.list))
		goto oom;
	json_decref(errs);
	kinds_free(&k);
	return o;
oom:
	json_decref(errs);
	kinds_free(&k);
	json_decref(o);
	return NULL;
}

int readcap_write_json(FILE *f, const struct readcap *r, json_t *doc,
		       const char *doc_path)
{
	json_t *o = summary_json(r, doc, doc_path), *v;
	char *head = NULL, *text;
	struct kinds k;
	size_t i, n;
	int bad = 0;

	if (kinds_init(&k) || !o || !(head = json_dumps(o, JSON_INDENT(2))))
		goto oom;
	/* The summary's text without its closing brace, then the errors one
	 * at a time: a capture's errors need not all be objects at once. */
	n = strlen(head);
	while (n && head[n - 1] != '}')
		n--;
	if (n < 2)
		goto oom;
	bad |= fprintf(f, "%.*s,\n  \"icmp_errors\": [", (int)(n - 2), head) <
	       0;
	for (i = 0; i < r->nerr && !bad; i++) {
		v = error_json(r, &r->err[i], doc, &k);
		text = v ? json_dumps(v, JSON_COMPACT) : NULL;
		json_decref(v);
		if (!text)
			goto oom;
		bad |= fprintf(f, "%s\n    %s", i ? "," : "", text) < 0;
		free(text);
	}
	text = json_dumps(k.list, JSON_INDENT(2));
	if (!text)
		goto oom;
	bad |= fprintf(f, "\n  ],\n  \"styles\": %s\n}\n", text) < 0;
	free(text);
	free(head);
	json_decref(o);
	kinds_free(&k);
	return bad || ferror(f) ? -1 : 0;
oom:
	free(head);
	json_decref(o);
	kinds_free(&k);
	errno = ENOMEM;
	return -1;
}

int readcap_write_json_path(const char *path, const struct readcap *r,
			    json_t *doc, const char *doc_path, char *err,
			    size_t errlen)
{
	struct outfile o;
	int bad, saved;

	if (strcmp(path, "-") == 0) {
		errno = 0;
		bad = readcap_write_json(stdout, r, doc, doc_path) < 0;
		saved = errno;
		if (fflush(stdout) == EOF) {
			bad = 1;
			saved = errno;
		}
		if (bad)
			snprintf(err, errlen,
				 "cannot write standard output: %s",
				 saved ? strerror(saved) : "write error");
		return bad ? -1 : 0;
	}
	if (outfile_open(&o, path, err, errlen) < 0)
		return -1;
	errno = 0;
	if (readcap_write_json(o.f, r, doc, doc_path) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 errno ? strerror(errno) : "write error");
		outfile_abort(&o);
		return -1;
	}
	return outfile_commit(&o, err, errlen);
}


/* What doc measured for an error like this one, in wrapped lines:
 * "heard by: udp-connected (recv:ECONNREFUSED), ...; deaf: ...". */
static void styles_text(FILE *f, json_t *st, const char *doc_path)
{
	/* Parenthesised: one element each, however they are wrapped. */
	static const char *const lead[] = {
		"that saw this same error",
		("that saw a well-formed error of this type and code (this "
		 "one is not)"),
		("where an error of this type and code quoted no probe's "
		 "datagram"),
	};
	char buf[8192] = "";
	json_t *h, *v, *c;
	const char *basis = resdoc_str(st, "basis");
	size_t i, j, k, n, mode;
	int wrote = 0;

	if (json_integer_value(json_object_get(st, "cells")) == 0) {
		snprintf(buf, sizeof(buf),
			 "on this kernel: no cell of %s saw an error like it; "
			 "forged and malformed ones are measured by `icmplab "
			 "run --out DIR hostile` (as root), read with "
			 "--results DIR/results.json",
			 doc_path);
		fputs("    ", f);
		answer_wrap(f, 4, 6, buf);
		return;
	}
	mode = strncmp(basis, "well", 4) == 0	  ? 1
	       : strncmp(basis, "errors", 6) == 0 ? 2
						  : 0;
	text_appendf(buf, sizeof(buf), "on this kernel, in %lld cells %s (",
	     (long long)json_integer_value(json_object_get(st, "cells")),
	     lead[mode]);
	n = json_array_size(json_object_get(st, "cases"));
	json_array_foreach(json_object_get(st, "cases"), i, c)
	{
		if (i == 3) {
			text_appendf(buf, sizeof(buf), " and %zu more", n - 3);
			break;
		}
		text_appendf(buf, sizeof(buf), "%s%s", i ? ", " : "",
		     json_string_value(c));
	}
	text_appendf(buf, sizeof(buf), "): heard by");
	json_array_foreach(json_object_get(st, "heard"), i, h)
	{
		text_appendf(buf, sizeof(buf), "%s %s (", wrote++ ? "," : "",
		     resdoc_str(h, "probe"));
		n = json_array_size(json_object_get(h, "via"));
		json_array_foreach(json_object_get(h, "via"), j, v)
		{
			if (j == 2) {
				text_appendf(buf, sizeof(buf), " +%zu", n - 2);
				break;
			}
			text_appendf(buf, sizeof(buf), "%s%s", j ? " " : "",
			     json_string_value(v));
		}
		k = (size_t)json_integer_value(json_object_get(h, "cells"));
		j = (size_t)json_integer_value(
			json_object_get(h, "heard_cells"));
		if (j != k)
			text_appendf(buf, sizeof(buf), "; in %zu of %zu cells", j, k);
		text_appendf(buf, sizeof(buf), ")");
	}
	if (!wrote)
		text_appendf(buf, sizeof(buf), " none");
	text_appendf(buf, sizeof(buf), "; deaf:");
	wrote = 0;
	json_array_foreach(json_object_get(st, "deaf"), i, v)
		text_appendf(buf, sizeof(buf), "%s %s", wrote++ ? "," : "",
		     json_string_value(v));
	if (!wrote)
		text_appendf(buf, sizeof(buf), " none");
	fputs("    ", f);
	answer_wrap(f, 4, 6, buf);
}

int readcap_text(FILE *f, const struct readcap *r, json_t *doc,
		 const char *doc_path)
{
	json_t *e, *c, *st;
	struct kinds kinds;
	size_t i, j, k;
	struct utsname u;
	long long dg, first;

	if (kinds_init(&kinds)) {
		kinds_free(&kinds);
		errno = ENOMEM;
		return -1;
	}
	fprintf(f, "%s: link type %s, snaplen %d, %zu packets\n", r->name,
		r->linkname, r->snaplen, r->packets);
	if (r->file_problem[0])
		fprintf(f,
			"capture damaged: %s; the %zu packets before it are "
			"read, nothing after it\n",
			r->file_problem, r->packets);
	if (doc && uname(&u) == 0 &&
	    strcmp(resdoc_str(doc, "kernel"), u.release) != 0)
		fprintf(f, "note: %s was measured on kernel %s, this is %s\n",
			doc_path, resdoc_str(doc, "kernel"), u.release);
	/* One error's object at a time: a capture may hold many. */
	for (i = 0; i < r->nerr; i++) {
		e = error_json(r, &r->err[i], doc, &kinds);
		if (!e) {
			kinds_free(&kinds);
			errno = ENOMEM;
			return -1;
		}
		fprintf(f, "#%lld +%.6f %s > %s: ICMP%s %s (%lld/%lld)",
			(long long)json_integer_value(
				json_object_get(e, "packet")),
			json_real_value(json_object_get(e, "t_rel")),
			resdoc_str(e, "src"), resdoc_str(e, "dst"),
			strcmp(resdoc_str(e, "family"), "ipv6") == 0 ? "6" : "",
			resdoc_str(e, "name"),
			(long long)json_integer_value(
				json_object_get(e, "type")),
			(long long)json_integer_value(
				json_object_get(e, "code")));
		if (json_integer_value(json_object_get(e, "mtu")))
			fprintf(f, " mtu %lld",
				(long long)json_integer_value(
					json_object_get(e, "mtu")));
		fprintf(f, ", quoting %s\n", resdoc_str(e, "quoting"));
		dg = json_integer_value(json_object_get(e, "datagram"));
		if (dg)
			fprintf(f,
				"    answers datagram #%lld (%.6f s after it; "
				"%lld of that flow in the capture)\n",
				dg,
				json_real_value(
					json_object_get(e, "after_datagram_s")),
				(long long)json_integer_value(
					json_object_get(e, "sent")));
		if (strcmp(resdoc_str(e, "parse"), "ok") != 0)
			fprintf(f, "    decoded: %s\n", resdoc_str(e, "parse"));
		json_array_foreach(json_object_get(e, "classes"), j, c)
		{
			for (k = 0; classes[k].key; k++)
				if (strcmp(classes[k].key,
					   json_string_value(c)) == 0)
					fprintf(f, "    %s%s%s\n",
						classes[k].text,
						classes[k].flag ==
								RCF_DST_DIFFERS
							? ": it went to "
							: "",
						classes[k].flag ==
								RCF_DST_DIFFERS
							? resdoc_str(e,
								     "sent_to")
							: "");
		}
		st = json_object_get(e, "styles")
			     ? json_array_get(
				       kinds.list,
				       (size_t)json_integer_value(
					       json_object_get(e, "styles")))
			     : NULL;
		first = json_integer_value(json_object_get(st, "first"));
		if (st &&
		    first != json_integer_value(json_object_get(e, "packet")))
			fprintf(f, "    on this kernel: as for #%lld\n", first);
		else if (st)
			styles_text(f, st, doc_path);
		json_decref(e);
	}
	fprintf(f,
		"summary: %zu datagrams, %zu ICMP errors, %zu matched, "
		"%zu forged or malformed",
		r->datagrams, r->nerr, r->matched, r->bad);
	if (r->unchecked)
		fprintf(f, ", %zu cut too short by the capture to match",
			r->unchecked);
	fprintf(f, " (%zu packets: %zu other, %zu cut by the snaplen)\n",
		r->packets, r->other, r->cut);
	if (!doc)
		fprintf(f,
			"no results document at %s: run `make run` (as "
			"root) to measure which socket styles hear each "
			"error on this kernel, or name one with --results "
			"FILE\n",
			doc_path ? doc_path : "results/latest/results.json");
	kinds_free(&kinds);
	return ferror(f) ? -1 : 0;
}
