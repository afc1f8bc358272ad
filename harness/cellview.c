/* One cell opened: see cellview.h. */
#include "cellview.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "answer.h"
#include "names.h"
#include "resdoc.h"
#include "text.h"

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static double ms(json_t *o)
{
	return json_number_value(json_object_get(o, "t_ms"));
}


bool cellview_in_family(const char *addr, const char *family)
{
	return (strchr(addr, ':') != NULL) == (strcmp(family, "ipv6") == 0);
}

bool cellview_node(const struct cellview *v, size_t i, json_t **node)
{
	*node = json_array_get(json_object_get(v->topology, "nodes"), i);
	return *node != NULL;
}

/* "a.sport" for a header object with ports, else "a". */
static void endpoint(char *buf, size_t len, json_t *h, const char *addr,
		     const char *port)
{
	if (json_is_integer(json_object_get(h, port)))
		snprintf(buf, len, "%s.%lld", addr, num(h, port));
	else
		snprintf(buf, len, "%s", addr);
}

/* The transport part: "UDP", "TCP [S]", "ICMP echo request, id 7 seq 1". */
static void transport(char *buf, size_t len, json_t *h, int family)
{
	const char *proto = resdoc_str(h, "proto");
	char up[16];
	size_t i;

	for (i = 0; proto[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)(proto[i] >= 'a' && proto[i] <= 'z'
				       ? proto[i] - 'a' + 'A'
				       : proto[i]);
	up[i] = '\0';
	if (strcmp(proto, "tcp") == 0)
		snprintf(buf, len, "TCP [%s]", resdoc_str(h, "flags"));
	else if (json_is_integer(json_object_get(h, "type"))) {
		const char *name = icmp_code_name(family, (int)num(h, "type"),
						  (int)num(h, "code"));

		if (!name)
			name = icmp_type_name(family, (int)num(h, "type"));
		snprintf(buf, len, "%s %s (%lld/%lld)", up, name ? name : "?",
			 num(h, "type"), num(h, "code"));
		if (json_is_integer(json_object_get(h, "id")))
			text_appendf(buf, len, ", id %lld seq %lld", num(h, "id"),
			       num(h, "seq"));
	} else
		snprintf(buf, len, "%s", up[0] ? up : "?");
}

void cellview_packet_line(json_t *p, char *buf, size_t len)
{
	const char *src = resdoc_str(p, "src"), *dst = resdoc_str(p, "dst");
	int family = strchr(src, ':') ? AF_INET6 : AF_INET;
	char a[96], b[96], t[160];
	json_t *q = json_object_get(p, "quote");

	if (!src[0]) {
		snprintf(buf, len, "not IP, %lld bytes (%s)", num(p, "len"),
			 resdoc_str(p, "parse"));
		return;
	}
	endpoint(a, sizeof(a), p, src, "sport");
	endpoint(b, sizeof(b), p, dst, "dport");
	transport(t, sizeof(t), p, family);
	snprintf(buf, len, "%s %s > %s: %s", family == AF_INET6 ? "IP6" : "IP",
		 a, b, t);
	if (json_is_integer(json_object_get(p, "mtu")))
		text_appendf(buf, len, ", mtu %lld", num(p, "mtu"));
	if (json_is_integer(json_object_get(p, "ttl")))
		text_appendf(buf, len, ", ttl %lld", num(p, "ttl"));
	text_appendf(buf, len, ", %lld bytes", num(p, "len"));
	if (q) {
		endpoint(a, sizeof(a), q, resdoc_str(q, "src"), "sport");
		endpoint(b, sizeof(b), q, resdoc_str(q, "dst"), "dport");
		transport(t, sizeof(t), q, family);
		text_appendf(buf, len, ", quoting %s > %s: %s", a, b, t);
	}
	if (strcmp(resdoc_str(p, "parse"), "ok") != 0)
		text_appendf(buf, len, " [%s]", resdoc_str(p, "parse"));
}

/* A probe event as one line. */
static void event_line(json_t *e, char *buf, size_t len, enum cv_kind *kind)
{
	const char *ev = resdoc_str(e, "ev");
	json_t *en = json_object_get(e, "errno");

	*kind = CV_NOTE;
	if (strcmp(ev, "call") == 0) {
		*kind = CV_CALL;
		snprintf(buf, len, "%s(%s) = %lld", resdoc_str(e, "call"),
			 resdoc_str(e, "via"), num(e, "ret"));
		if (json_is_string(en))
			text_appendf(buf, len, " %s", json_string_value(en));
		if (json_is_string(json_object_get(e, "value")))
			text_appendf(buf, len, ", value %s", resdoc_str(e, "value"));
	} else if (strcmp(ev, "flow") == 0) {
		snprintf(buf, len, "its socket's flow: %s %s.%lld > %s.%lld",
			 resdoc_str(e, "proto"), resdoc_str(e, "src"),
			 num(e, "sport"), resdoc_str(e, "dst"),
			 num(e, "dport"));
	} else if (strcmp(ev, "errqueue") == 0) {
		snprintf(buf, len,
			 "error queue (%s): %s, origin %s, type %lld code %lld",
			 resdoc_str(e, "via"), resdoc_str(e, "ee_errno"),
			 resdoc_str(e, "origin"), num(e, "type"),
			 num(e, "code"));
		if (resdoc_str(e, "offender")[0])
			text_appendf(buf, len, ", offender %s",
			       resdoc_str(e, "offender"));
	} else if (strcmp(ev, "icmp") == 0) {
		snprintf(buf, len,
			 "raw socket read (%s): ICMP%s %lld/%lld from "
			 "%s, quoting %s datagram",
			 resdoc_str(e, "via"),
			 /* an IPv6 sender: the message is ICMPv6 */
			 strchr(resdoc_str(e, "from"), ':') ? "v6" : "",
			 num(e, "type"), num(e, "code"),
			 resdoc_str(e, "from"),
			 strcmp(resdoc_str(e, "match"), "own") == 0
				 ? "its own"
				 : "another");
	} else if (strcmp(ev, "sync") == 0) {
		snprintf(buf, len,
			 "datagram %lld %s; the probe waits for the "
			 "wire",
			 num(e, "seq"),
			 json_is_true(json_object_get(e, "sent")) ? "sent"
								  : "not sent");
	} else if (strcmp(ev, "start") == 0) {
		snprintf(buf, len, "probe %s starts", resdoc_str(e, "probe"));
	} else if (strcmp(ev, "end") == 0) {
		snprintf(buf, len, "probe ends");
	} else {
		snprintf(buf, len, "%s: %s", ev, resdoc_str(e, "text"));
	}
}

static int by_time(const void *a, const void *b)
{
	const struct cv_step *x = a, *y = b;

	if (x->t_ms != y->t_ms)
		return x->t_ms < y->t_ms ? -1 : 1;
	/* The same instant: packets before calls, always in that order. */
	return (int)x->kind - (int)y->kind;
}

/* The fault as lines: where the probes send (an address no route or no
 * neighbour reaches is the fault), the TTL they used, the parameters, and what
 * the topology shows of it: an MTU below Ethernet's, a route that is not
 * a plain unicast one, a firewall ruleset. */
static void fault_rule(struct cellview *v)
{
	json_t *params = json_object_get(v->kase, "params"), *val, *node, *x;
	const char *key;
	size_t i, k;

	v->rule[0] = '\0';
	if (resdoc_str(v->kase, "dst")[0])
		text_appendf(v->rule, sizeof(v->rule),
		       "the probes send to %s port %lld\n",
		       resdoc_str(v->kase, "dst"), num(v->kase, "dport"));
	if (json_is_integer(json_object_get(v->kase, "ttl")))
		text_appendf(v->rule, sizeof(v->rule),
		       "the probes send with TTL %lld\n", num(v->kase, "ttl"));
	if (json_object_size(params)) {
		text_appendf(v->rule, sizeof(v->rule), "parameters:");
		json_object_foreach(params, key, val) text_appendf(
			v->rule, sizeof(v->rule), " %s=%s", key,
			json_is_string(val) ? json_string_value(val) : "?");
		text_appendf(v->rule, sizeof(v->rule), "\n");
	}
	for (i = 0; cellview_node(v, i, &node); i++) {
		const char *n = resdoc_str(node, "node");

		json_array_foreach(json_object_get(node, "interfaces"), k,
				   x) if (num(x, "mtu") != 1500)
			text_appendf(v->rule, sizeof(v->rule), "%s %s: MTU %lld\n", n,
			       resdoc_str(x, "name"), num(x, "mtu"));
		json_array_foreach(
			json_object_get(node, "routes"), k,
			x) if (strcmp(resdoc_str(x, "type"), "unicast") != 0 &&
			       cellview_in_family(resdoc_str(x, "dst"),
						  v->family))
			text_appendf(v->rule, sizeof(v->rule), "%s: route %s %s\n", n,
			       resdoc_str(x, "dst"), resdoc_str(x, "type"));
		if (resdoc_str(node, "nft")[0])
			text_appendf(v->rule, sizeof(v->rule), "%s nftables:\n%s", n,
			       resdoc_str(node, "nft"));
	}
	json_array_foreach(json_object_get(v->kase, "helpers"), i, x)
		text_appendf(v->rule, sizeof(v->rule), "helper: %s%s%s\n",
		       resdoc_str(x, "name"),
		       resdoc_str(x, "error")[0] ? ", failed: " : "",
		       resdoc_str(x, "error"));
}

int cellview_init(struct cellview *v, json_t *doc, json_t *cell)
{
	json_t *events = json_object_get(cell, "events"), *p, *e;
	json_t *packets;
	size_t i, n, cap;

	memset(v, 0, sizeof(*v));
	v->doc = doc;
	v->cell = cell;
	v->name = resdoc_str(cell, "case");
	v->probe = resdoc_str(cell, "probe");
	v->kase = resdoc_case(doc, v->name);
	v->title = resdoc_str(v->kase, "title");
	v->group = resdoc_str(v->kase, "group");
	v->family = resdoc_str(cell, "family");
	v->fault = resdoc_str(cell, "fault");
	v->verdict = resdoc_str(cell, "verdict");
	v->kernel = resdoc_str(doc, "kernel");
	v->reason = resdoc_str(cell, "reason");
	v->explain = resdoc_str(cell, "explain");
	v->why = resdoc_str(cell, "why");
	v->pcap = resdoc_str(v->kase, "pcap");
	v->command = resdoc_str(cell, "command");
	v->output = resdoc_str(cell, "stdout");
	v->refs = json_object_get(cell, "refs");
	v->topology = json_object_get(v->kase, "topology");
	resdoc_expected_str(cell, v->expected, sizeof(v->expected));
	resdoc_surfaced_str(cell, v->surfaced, sizeof(v->surfaced));
	resdoc_wire_str(cell, v->wire, sizeof(v->wire));
	fault_rule(v);

	packets = json_object_get(v->kase, "packets");
	cap = json_array_size(events) + json_array_size(packets);
	v->steps = cap ? calloc(cap, sizeof(*v->steps)) : NULL;
	if (cap && !v->steps)
		return -1;
	n = 0;
	json_array_foreach(events, i, e)
	{
		v->steps[n].t_ms = ms(e);
		event_line(e, v->steps[n].text, CV_TEXT_MAX, &v->steps[n].kind);
		n++;
	}
	/* The packets of this probe's flow; the rest (other probes, neighbour
	 * discovery, ARP) are only counted. */
	json_array_foreach(packets, i, p)
	{
		const char *cls = resdoc_str(p, "class");

		if (strcmp(resdoc_str(p, "probe"), v->probe) != 0) {
			v->left_out++;
			continue;
		}
		v->steps[n].t_ms = ms(p);
		v->steps[n].kind =
			strcmp(cls, "datagram") == 0 ? CV_SENT : CV_ERROR;
		cellview_packet_line(p, v->steps[n].text, CV_TEXT_MAX);
		n++;
	}
	v->nsteps = n;
	qsort(v->steps, n, sizeof(*v->steps), by_time);
	return 0;
}

void cellview_free(struct cellview *v)
{
	free(v->steps);
	v->steps = NULL;
	v->nsteps = 0;
}

/* Finds arg among names[0..n): exact, else the only prefix match. The
 * index, or -1 with err (what names it, the matches or a suggestion). */
static int pick(const char *what, const char *arg, const char *const *names,
		size_t n, char *err, size_t errlen)
{
	size_t i, len = strlen(arg), hits = 0;
	int hit = -1;
	char tail[256];

	for (i = 0; i < n; i++)
		if (strcmp(names[i], arg) == 0)
			return (int)i;
	for (i = 0; len && i < n; i++)
		if (strncmp(names[i], arg, len) == 0) {
			hits++;
			hit = (int)i;
		}
	if (hits == 1)
		return hit;
	if (hits > 1) {
		snprintf(err, errlen, "%s '%s' is ambiguous:", what, arg);
		for (i = 0, hits = 0; i < n; i++)
			if (strncmp(names[i], arg, len) == 0 && hits++ < 6)
				text_appendf(err, errlen, "%s %s",
				       hits > 1 ? "," : "", names[i]);
		text_appendf(err, errlen, "%s start with it",
		       hits > 6 ? ", ..." : "");
		return -1;
	}
	answer_suggest(arg, names, (int)n, tail, sizeof(tail));
	snprintf(err, errlen, "no %s '%s' in the results%s", what, arg, tail);
	return -1;
}

json_t *cellview_find_case(json_t *doc, const char *arg, char *err,
			   size_t errlen)
{
	json_t *cases = json_object_get(doc, "cases"), *c;
	size_t n = json_array_size(cases), i;
	const char **names = calloc(n + 1, sizeof(*names));
	int k;

	if (!names) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	json_array_foreach(cases, i, c) names[i] = resdoc_str(c, "name");
	k = pick("case", arg, names, n, err, errlen);
	free(names);
	return k < 0 ? NULL : json_array_get(cases, (size_t)k);
}

json_t *cellview_find_cell(json_t *doc, const char *name, const char *arg,
			   char *err, size_t errlen)
{
	json_t *cells = json_object_get(doc, "cells"), *c;
	json_t **mine = calloc(json_array_size(cells) + 1, sizeof(*mine));
	const char **names = calloc(json_array_size(cells) + 1, sizeof(*names));
	size_t n = 0, i;
	int k = -1;

	if (!mine || !names) {
		snprintf(err, errlen, "out of memory");
		free(mine);
		free(names);
		return NULL;
	}
	json_array_foreach(cells, i,
			   c) if (strcmp(resdoc_str(c, "case"), name) == 0)
	{
		mine[n] = c;
		names[n++] = resdoc_str(c, "probe");
	}
	k = pick("probe", arg, names, n, err, errlen);
	if (k < 0) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "case %s: %s", name, err);
		snprintf(err, errlen, "%s", msg);
	}
	c = k < 0 ? NULL : mine[k];
	free(mine);
	free(names);
	return c;
}
