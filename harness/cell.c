/* The results document's cells and cases: see cell.h and docs/results.md.
 * The field order here is the document's. */
#include "cell.h"

#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "jsontext.h"
#include "names.h"
#include "verdict.h"

/* A program's output as it came: n bytes, NUL bytes kept (escaped), or
 * with n 0 the C string s. */
static json_t *text_of(const char *s, size_t n)
{
	return n ? json_textn(s, n) : json_text(s);
}

static const struct tok verdict_names[] = {
	{VERDICT_PASS, "pass"}, {VERDICT_FAIL, "fail"},
	{VERDICT_SKIP, "skip"}, {VERDICT_ERROR, "error"},
	{VERDICT_INFO, "info"}, {0, NULL},
};

const char *verdict_name(enum verdict v)
{
	return tok2str(verdict_names, (int)v, "error");
}

static double ms_since(uint64_t t0, uint64_t t)
{
	return t >= t0 ? (double)(t - t0) / 1e6 : 0.0;
}

static const char *family_name(int family)
{
	return family == AF_INET6 ? "ipv6" : "ipv4";
}

static void set_addr(json_t *o, const char *key, const struct ipaddr *a)
{
	char buf[ADDR_STRLEN];

	json_object_set_new(o, key, json_text(addr_str(a, buf)));
}

json_t *observation_json(const struct observation *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "via", json_text(s->via));
	json_object_set_new(o, "call", json_text(s->call));
	switch (s->kind) {
	case OBS_EXIT:
		/* A status, not an errno: always the number. */
		json_object_set_new(o, "errno", json_integer(s->err));
		break;
	case OBS_PACKET:
		/* A packet, not an errno: the program must read it itself. */
		json_object_set_new(o, "errno", json_null());
		json_object_set_new(
			o, "origin",
			json_text(tok2str(ee_origin_names, s->origin, "?")));
		json_object_set_new(o, "type", json_integer(s->type));
		json_object_set_new(o, "code", json_integer(s->code));
		if (s->from.family)
			set_addr(o, "from", &s->from);
		break;
	case OBS_CALL:
	case OBS_ERRQUEUE:
		json_object_set_new(
			o, "errno",
			event_errno_json(s->err == OBS_NO_ERRNO ? 0 : s->err));
		if (s->kind == OBS_CALL)
			break;
		json_object_set_new(
			o, "origin",
			json_text(tok2str(ee_origin_names, s->origin, "?")));
		json_object_set_new(o, "type", json_integer(s->type));
		json_object_set_new(o, "code", json_integer(s->code));
		json_object_set_new(o, "info", json_integer(s->info));
		if (s->from.family)
			set_addr(o, "offender", &s->from);
		break;
	}
	return o;
}

static json_t *observations_json(const struct observation *s, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, observation_json(&s[i]));
	return a;
}

json_t *expect_json(const struct case_expect *e)
{
	json_t *a;
	char buf[128];
	int k;

	if (!e)
		return json_null();
	a = json_array();
	for (k = 0; k < e->n; k++)
		json_array_append_new(
			a, json_text(expect_item_str(&e->items[k], buf,
						       sizeof(buf))));
	return a;
}

static json_t *wire_error_json(const struct wire_error *w, uint64_t t0)
{
	const char *name = icmp_code_name(w->family, w->type, w->code);
	json_t *o = json_object();

	json_object_set_new(o, "t_ms", json_real(ms_since(t0, w->t_ns)));
	json_object_set_new(o, "type", json_integer(w->type));
	json_object_set_new(o, "code", json_integer(w->code));
	json_object_set_new(o, "name",
			    json_text(name ? name : "unknown code"));
	set_addr(o, "from", &w->from);
	json_object_set_new(o, "parse", json_text(w->parse));
	if (w->mtu)
		json_object_set_new(o, "mtu", json_integer(w->mtu));
	return o;
}

static json_t *event_list_json(const struct event *ev, size_t n, uint64_t t0)
{
	json_t *a = json_array(), *j;
	size_t i;

	for (i = 0; i < n; i++) {
		j = event_json(&ev[i]);
		if (!j)
			continue;
		json_object_set_new(j, "t_ms",
				    json_real(ms_since(t0, ev[i].t_ns)));
		json_array_append_new(a, j);
	}
	return a;
}

json_t *cell_json(const struct cell *c)
{
	const struct case_def *k = c->c;
	json_t *o = json_object(), *a;
	size_t i;
	int r;

	json_object_set_new(o, "case", json_text(k->name));
	json_object_set_new(o, "family", json_text(family_name(k->family)));
	json_object_set_new(o, "fault", json_text(k->fault));
	json_object_set_new(o, "probe", json_text(c->probe));
	if (c->ran)
		json_object_set_new(o, "datagrams", json_integer(c->datagrams));
	a = json_array();
	for (i = 0; i < c->nwire; i++)
		json_array_append_new(a, wire_error_json(&c->wire[i], c->t0));
	json_object_set_new(o, "wire", a);
	json_object_set_new(o, "surfaced",
			    observations_json(c->surfaced, c->nsurfaced));
	if (c->nothers)
		json_object_set_new(o, "seen_for_others",
				    observations_json(c->others, c->nothers));
	json_object_set_new(o, "expected", expect_json(c->expect));
	json_object_set_new(o, "verdict",
			    json_text(verdict_name(c->verdict)));
	if (!c->ran) {
		json_object_set_new(o, "reason", json_text(c->reason));
		return o;
	}
	json_object_set_new(o, "unsurfaced",
			    json_boolean(verdict_unsurfaced(c)));
	if (c->reason[0])
		json_object_set_new(o, "reason", json_text(c->reason));
	json_object_set_new(o, "why", json_text(k->why));
	if (c->explain)
		json_object_set_new(o, "explain", json_text(c->explain));
	a = json_array();
	for (r = 0; r < k->nrefs; r++)
		json_array_append_new(a, json_text(k->refs[r]));
	json_object_set_new(o, "refs", a);
	if (c->claim && c->verdict == VERDICT_PASS)
		/* Judged only where the cell itself ran as expected: a claim
		 * is confirmed or refuted by what this kernel did. */
		json_object_set_new(o, "claim",
				    json_pack("{s:o, s:o, s:b}", "text",
					      json_text(k->claim), "predicts",
					      expect_json(c->claim), "holds",
					      c->claim_holds));
	json_object_set_new(o, "events",
			    event_list_json(c->events, c->nevents, c->t0));
	if (c->is_cmd) {
		json_object_set_new(o, "command", json_text(c->command));
		json_object_set_new(o, "stdout",
				    text_of(c->output, c->output_len));
		json_object_set_new(o, "duration_ms",
				    json_real(c->duration_ms));
		if (c->timed_out_ms)
			json_object_set_new(o, "timed_out_ms",
					    json_integer(c->timed_out_ms));
	}
	if (c->errtext && (c->errtext[0] || c->errtext_len))
		json_object_set_new(o, "stderr",
				    text_of(c->errtext, c->errtext_len));
	return o;
}

/* The transport fields of a decoded header that tie it to a flow:
 * "proto" (udp, tcp, icmp, icmpv6, or the number), "ttl", "sport" and
 * "dport" for UDP and TCP, "flags" for TCP, "id" and "seq" for an echo. */
static void hdr_json(json_t *o, const struct pkt_hdr *h)
{
	static const struct tok protos[] = {
		{IPPROTO_UDP, "udp"},	{IPPROTO_TCP, "tcp"},
		{IPPROTO_ICMP, "icmp"}, {IPPROTO_ICMPV6, "icmpv6"},
		{0, NULL},
	};
	static const char tcpf[] = "FSRPAUEC";
	char name[16], flags[9];
	int i, n = 0;

	snprintf(name, sizeof(name), "%u", h->proto);
	json_object_set_new(o, "proto",
			    json_text(tok2str(protos, h->proto, name)));
	json_object_set_new(o, "ttl", json_integer(h->ttl));
	switch (h->kind) {
	case PK_UDP:
	case PK_TCP:
		json_object_set_new(o, "sport", json_integer(h->sport));
		json_object_set_new(o, "dport", json_integer(h->dport));
		if (h->kind != PK_TCP)
			break;
		for (i = 0; i < 8; i++)
			if (h->tcp_flags & (1u << i))
				flags[n++] = tcpf[i];
		flags[n] = '\0';
		json_object_set_new(o, "flags", json_text(flags));
		break;
	case PK_ICMP_ECHO:
		json_object_set_new(o, "id", json_integer(h->echo_id));
		json_object_set_new(o, "seq", json_integer(h->echo_seq));
		break;
	default:
		break;
	}
}

static json_t *packet_json(const struct wire_packet *p, uint64_t t0)
{
	json_t *o = json_object();

	json_object_set_new(o, "t_ms", json_real(ms_since(t0, p->t_ns)));
	json_object_set_new(o, "len", json_integer((json_int_t)p->len));
	json_object_set_new(o, "class", json_text(wire_class_name(p->cls)));
	if (p->src.family) {
		set_addr(o, "src", &p->src);
		set_addr(o, "dst", &p->dst);
	}
	if (p->src.family == AF_INET)
		json_object_set_new(o, "df", json_boolean(p->df));
	if (p->icmp) {
		json_object_set_new(o, "type", json_integer(p->type));
		json_object_set_new(o, "code", json_integer(p->code));
	}
	json_object_set_new(o, "parse", json_text(p->parse));
	if (p->probe)
		json_object_set_new(o, "probe", json_text(p->probe));
	if (p->hdr.family)
		hdr_json(o, &p->hdr);
	if (p->mtu)
		json_object_set_new(o, "mtu", json_integer(p->mtu));
	if (p->has_quote) {
		json_t *q = json_object();

		set_addr(q, "src", &p->quote.src);
		set_addr(q, "dst", &p->quote.dst);
		hdr_json(q, &p->quote);
		json_object_set_new(o, "quote", q);
	}
	return o;
}

json_t *case_record_json(const struct case_record *r)
{
	const struct case_def *c = r->c;
	json_t *o = json_object(), *a;
	size_t i;
	int k;

	json_object_set_new(o, "name", json_text(c->name));
	json_object_set_new(o, "group", json_text(c->group));
	json_object_set_new(o, "title", json_text(c->title));
	if (r->error) {
		json_object_set_new(o, "error", json_text(r->error));
		return o;
	}
	json_object_set_new(o, "file", json_text(c->path));
	json_object_set_new(o, "family", json_text(family_name(c->family)));
	json_object_set_new(o, "fault", json_text(c->fault));
	a = json_object();
	for (k = 0; k < c->nparams; k++)
		json_object_set_new(a, c->params[k].key,
				    json_text(c->params[k].val));
	json_object_set_new(o, "params", a);
	set_addr(o, "dst", &r->dst);
	json_object_set_new(o, "dport", json_integer(r->dport));
	if (r->ttl >= 0)
		json_object_set_new(o, "ttl", json_integer(r->ttl));
	json_object_set_new(o, "why", json_text(c->why));
	if (c->claim[0])
		json_object_set_new(o, "claim", json_text(c->claim));
	json_object_set_new(o, "quiet_ms", json_integer(r->quiet_ms));
	if (r->pcap)
		json_object_set_new(o, "pcap", json_text(r->pcap));
	a = json_array();
	for (i = 0; i < r->npackets; i++)
		json_array_append_new(a, packet_json(&r->packets[i], r->t0));
	json_object_set_new(o, "packets", a);
	json_object_set_new(o, "capture_drops", json_integer(r->drops));
	if (r->topology)
		json_object_set(o, "topology", r->topology);
	a = json_array();
	for (i = 0; i < r->nhelpers; i++) {
		json_t *h = json_pack("{s:o}", "name",
				      json_text(r->helpers[i].name));

		if (r->helpers[i].error[0])
			json_object_set_new(h, "error",
					    json_text(r->helpers[i].error));
		json_array_append_new(a, h);
	}
	json_object_set_new(o, "helpers", a);
	json_object_set_new(o, "duration_ms",
			    json_real(ms_since(r->t0, r->t_end)));
	if (r->t_teardown)
		json_object_set_new(
			o, "phases_ms",
			json_pack("{s:f, s:f, s:f, s:f, s:f}", "setup",
				  ms_since(r->t0, r->t_topo), "fault",
				  ms_since(r->t_topo, r->t_fault), "probes",
				  ms_since(r->t_probes, r->t_probes_end),
				  "wait", (double)r->wait_ns / 1e6, "teardown",
				  ms_since(r->t_probes_end, r->t_teardown)));
	json_object_set_new(o, "fences", json_integer(r->fences));
	json_object_set_new(o, "silence_unproven",
			    json_integer(r->silence_unproven));
	return o;
}
