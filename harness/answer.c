/* The short answer and `why`: see answer.h. */
#include "answer.h"

#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "resdoc.h"
#include "text.h"

/* A core fault of the short answer: the rows a person asks about first.
 * cases names the case rows that show it (a trailing '*' is a prefix), in
 * the order a cell is looked for. */
struct core_fault {
	const char *label;
	const char *fault;
	const char *alias[6];
	const char *cases[6];
};

static const struct core_fault core_faults[] = {
	{"port", "port_unreachable",
	 {"port", "port-unreachable", "unreachable", NULL},
	 {"port_unreachable", "port_unreachable_styles", NULL}},
	{"ttl", "ttl_exceeded",
	 {"ttl", "ttl-exceeded", "time-exceeded", "time_exceeded", "hop", NULL},
	 {"ttl_exceeded", "ttl_exceeded_styles", NULL}},
	{"no route", "no_route",
	 {"route", "no-route", "noroute", NULL},
	 {"no_route", "no_route_recverr", "no_route_styles*", NULL}},
	{"fw reject", "nft_reject",
	 {"reject", "firewall-reject", "nft", NULL},
	 {"nft_reject_port_unreachable", NULL}},
	{"fw drop", "silent_drop",
	 {"drop", "firewall-drop", "silent", NULL},
	 {"silent_drop", "silent_drop_styles", NULL}},
	{"neighbour", "arp_failure",
	 {"arp", "neighbour", "neighbor", "neigh", NULL},
	 {"arp_failure", NULL}},
	{"path mtu", "pmtu",
	 {"mtu", "path-mtu", "frag", "frag_needed", NULL},
	 {"pmtu-*", "pmtu_ping-*", "pmtu_raw_icmp-*", "pmtu_tcp", NULL}},
	{NULL, NULL, {NULL}, {NULL}},
};

/* The core socket styles, and their short headers. */
static const struct {
	const char *probe, *head;
} core_styles[] = {
	{"udp-unconnected", "udp-unconn"}, {"udp-connected", "udp-conn"},
	{"udp-so-error", "udp-soerr"},     {"udp-recverr", "udp-recverr"},
	{"raw-icmp", "raw-icmp"},          {"ping", "ping"},
	{"tcp-connect", "tcp-connect"},    {NULL, NULL},
};

#define LABEL_W 9
#define CELL_W 12

static const struct {
	const char *full, *brief;
} via_brief[] = {
	{"so_error", "so"},	 {"errqueue", "errq"}, {"connect_again", "conn"},
	{"recvfrom", "recv"},	 {NULL, NULL},
};

static const struct {
	const char *full, *brief;
} errno_brief[] = {
	{"ECONNREFUSED", "REFUSED"}, {"EHOSTUNREACH", "HOSTUNR"},
	{"ENETUNREACH", "NETUNR"},   {"ECONNABORTED", "ABORTED"},
	{"ETIMEDOUT", "TIMEDOUT"},   {"EMSGSIZE", "MSGSIZE"},
	{NULL, NULL},
};

static const struct core_fault *core_by_name(const char *asked)
{
	const struct core_fault *k;
	int i;

	for (k = core_faults; k->label; k++) {
		if (strcmp(k->fault, asked) == 0)
			return k;
		for (i = 0; k->alias[i]; i++)
			if (strcmp(k->alias[i], asked) == 0)
				return k;
	}
	return NULL;
}

/* A case name against a pattern ("pmtu-*" or exact); a case's IPv6 twin
 * from the family axis ("port_unreachable-ipv6") answers to its IPv4
 * name. */
static bool pattern_matches(const char *pat, const char *name)
{
	size_t n = strlen(pat), len = strlen(name);
	static const char v6[] = "-ipv6";

	if (len > sizeof(v6) - 1 &&
	    strcmp(name + len - (sizeof(v6) - 1), v6) == 0)
		len -= sizeof(v6) - 1;
	if (n && pat[n - 1] == '*')
		return len >= n - 1 && strncmp(pat, name, n - 1) == 0;
	return len == n && strncmp(pat, name, n) == 0;
}

bool answer_case_matches(const char *name, const char *fault,
			 const char *asked)
{
	const struct core_fault *k;
	int i;

	if (strcmp(name, asked) == 0)
		return true;
	k = core_by_name(asked);
	if (k) {
		for (i = 0; k->cases[i]; i++)
			if (pattern_matches(k->cases[i], name))
				return true;
		return false;
	}
	return strcmp(fault, asked) == 0;
}

static bool cell_matches(json_t *c, const char *style, const char *asked)
{
	return (!style || strcmp(resdoc_str(c, "probe"), style) == 0) &&
	       answer_case_matches(resdoc_str(c, "case"),
				   resdoc_str(c, "fault"), asked);
}

/* The cell of style for asked in family fam. Borrowed, or NULL. */
static json_t *family_cell(json_t *doc, const char *style, const char *asked,
			   const char *fam)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(doc, "cells"), i, c)
		if (cell_matches(c, style, asked) &&
		    strcmp(resdoc_str(c, "family"), fam) == 0)
			return c;
	return NULL;
}

/* The cell of style for asked: an IPv4 one first (the core cases are
 * IPv4), else any. Borrowed, or NULL. */
static json_t *find_cell(json_t *doc, const char *style, const char *asked)
{
	json_t *c, *any = NULL;
	size_t i;

	json_array_foreach(json_object_get(doc, "cells"), i, c)
	{
		if (!cell_matches(c, style, asked))
			continue;
		if (strcmp(resdoc_str(c, "family"), "ipv4") == 0)
			return c;
		if (!any)
			any = c;
	}
	return any;
}

static bool judged(json_t *c)
{
	const char *v = resdoc_str(c, "verdict");

	return strcmp(v, "skip") != 0 && strcmp(v, "error") != 0;
}

/* One surfaced item the short way: "recv REFUSED", "errq HOSTUNR". */
static void brief_item(json_t *e, char *buf, size_t len)
{
	const char *via = resdoc_str(e, "via");
	json_t *ev = json_object_get(e, "errno");
	const char *en = json_string_value(ev);
	char num[24];
	int i;

	for (i = 0; via_brief[i].full; i++)
		if (strcmp(via, via_brief[i].full) == 0)
			via = via_brief[i].brief;
	if (json_is_integer(ev)) {
		snprintf(num, sizeof(num), "%lld",
			 (long long)json_integer_value(ev));
		en = num;
	} else if (!en) { /* a raw packet: its ICMP type */
		snprintf(num, sizeof(num), "icmp");
		en = num;
	} else {
		for (i = 0; errno_brief[i].full; i++)
			if (strcmp(en, errno_brief[i].full) == 0)
				break;
		if (errno_brief[i].full)
			en = errno_brief[i].brief;
		else if (en[0] == 'E')
			en++;
	}
	snprintf(buf, len, "%s %s", via, en);
}

/* The short answer's cell: the first thing that surfaced, '+' when more
 * did, '-' for nothing, '!' when the wire carried an error the socket never
 * reported; a mark first when the cell did not pass. */
static void brief_cell(json_t *c, char *buf, size_t len)
{
	json_t *s = json_object_get(c, "surfaced");
	const char *v = resdoc_str(c, "verdict");
	char item[40];

	if (!c) {
		snprintf(buf, len, " ");
		return;
	}
	if (strcmp(v, "skip") == 0 || strcmp(v, "error") == 0) {
		snprintf(buf, len, "%s", v);
		return;
	}
	if (json_array_size(s) == 0)
		snprintf(item, sizeof(item), "-");
	else
		brief_item(json_array_get(s, 0), item, sizeof(item));
	snprintf(buf, len, "%s%s%s%s", strcmp(v, "fail") == 0 ? "X " : "",
		 item, json_array_size(s) > 1 ? "+" : "",
		 json_is_true(json_object_get(c, "unsurfaced")) ? "!" : "");
	if (strlen(buf) > CELL_W)
		buf[CELL_W] = '\0';
}

/* Writes text onto f in lines of at most ANSWER_WIDTH columns: the first
 * line goes on after first_w columns already written, the others are
 * indented by indent. A word longer than a line is written whole. */
void answer_wrap(FILE *f, int first_w, int indent, const char *text)
{
	int col = first_w;
	bool start = true; /* nothing of text on this line yet */
	const char *p = text, *e;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		e = strchr(p, ' ');
		if (!e)
			e = p + strlen(p);
		if (!start && col + 1 + (e - p) > ANSWER_WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			start = true;
		}
		if (!start) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)(e - p), p);
		col += (int)(e - p);
		start = false;
		p = e;
	}
	fputc('\n', f);
}


/* The short answer of one family (fam "ipv4", "ipv6"); see
 * answer_short. */
static int short_family(FILE *f, json_t *doc, const char *fam)
{
	const struct core_fault *k;
	json_t *cells[8];
	char text[64], line[2048];
	int rows = 0, s, nwire;
	bool v6 = strcmp(fam, "ipv6") == 0;

	for (k = core_faults; k->label; k++) {
		bool any = false;

		for (s = 0; core_styles[s].probe; s++) {
			cells[s] = family_cell(doc, core_styles[s].probe,
					       k->fault, fam);
			any = any || cells[s];
		}
		if (!any)
			continue;
		if (rows++ == 0) {
			/* At most 100 columns with a kernel release of up
			 * to 30 characters. */
			fprintf(f, "What each socket style heard of each fault, "
				   "%s, kernel %s\n\n",
				v6 ? "IPv6 (ttl: the hop limit)" : "IPv4",
				resdoc_str(doc, "kernel"));
			fprintf(f, "%-*s", LABEL_W, "fault");
			for (s = 0; core_styles[s].probe; s++)
				fprintf(f, " %-*s",
					core_styles[s + 1].probe ? CELL_W : 0,
					core_styles[s].head);
			fputc('\n', f);
		}
		fprintf(f, "%-*s", LABEL_W, k->label);
		for (s = 0; core_styles[s].probe; s++) {
			brief_cell(cells[s], text, sizeof(text));
			/* No padding after the last column. */
			fprintf(f, " %-*s", core_styles[s + 1].probe ? CELL_W : 0,
				text);
		}
		fputc('\n', f);
	}
	if (!rows)
		return 0;
	fprintf(f, "\n");
	for (k = core_faults; k->label; k++) {
		bool heard = false, deaf = false;
		char deafs[512] = "";

		nwire = 0;
		line[0] = '\0';
		for (s = 0; core_styles[s].probe; s++) {
			json_t *c = family_cell(doc, core_styles[s].probe,
						k->fault, fam);
			json_t *item;

			if (!c)
				continue;
			nwire += (int)json_array_size(json_object_get(c, "wire"));
			item = json_array_get(json_object_get(c, "surfaced"), 0);
			if (item && judged(c)) {
				resdoc_item_str(item, text, sizeof(text));
				text_appendf(line, sizeof(line), "%s%s (%s)",
					     heard ? ", " : "",
					     core_styles[s].probe, text);
				heard = true;
			} else if (json_is_true(
					   json_object_get(c, "unsurfaced"))) {
				text_appendf(deafs, sizeof(deafs), "%s%s",
					     deaf ? ", " : "",
					     core_styles[s].probe);
				deaf = true;
			}
		}
		if (!heard && !deaf && nwire == 0 && !line[0] &&
		    !family_cell(doc, NULL, k->fault, fam))
			continue;
		fprintf(f, "%-*s ", LABEL_W, k->label);
		{
			char all[4096];

			snprintf(all, sizeof(all), "%s%s%s%s%s%s",
				 nwire ? "" : "no ICMP error on the wire; ",
				 heard ? "heard by " : "no style hears it",
				 line, deaf ? "; deaf though the wire carried "
					      "it: "
					    : "",
				 deafs, ".");
			answer_wrap(f, LABEL_W + 1, LABEL_W + 1, all);
		}
	}
	return rows;
}

int answer_short(FILE *f, json_t *doc)
{
	int v4 = short_family(f, doc, "ipv4"), v6;

	if (v4)
		fputc('\n', f);
	v6 = short_family(f, doc, "ipv6");
	if (!v4 && !v6)
		return 0;
	fprintf(f, "%srecv/send: that call's errno; so: SO_ERROR; errq: "
		   "MSG_ERRQUEUE; conn: a second connect();\n"
		   "raw icmp: the ICMP packet read on a raw socket; E dropped "
		   "(HOSTUNR = EHOSTUNREACH, REFUSED =\n"
		   "ECONNREFUSED); + more surfaced; - nothing; ! the wire "
		   "carried an error the socket never reported\n",
		v6 ? "\n" : "");
	return v4 + v6;
}

void answer_groups(FILE *f, json_t *doc)
{
	json_t *kases = json_object_get(doc, "cases"), *k, *c;
	const char *groups[256];
	int ng = 0, g, counts[5], w = 5;
	static const char *const verdicts[] = {"pass", "fail", "skip", "error",
					       "info"};
	size_t i, j;
	int v;

	json_array_foreach(kases, i, k)
	{
		const char *gr = resdoc_str(k, "group");

		for (g = 0; g < ng; g++)
			if (strcmp(groups[g], gr) == 0)
				break;
		if (g == ng && ng < 256 && gr[0]) {
			groups[ng++] = gr;
			if ((int)strlen(gr) > w)
				w = (int)strlen(gr);
		}
	}
	if (!ng)
		return;
	fprintf(f, "\nBy case group:\n");
	for (g = 0; g < ng; g++) {
		int total = 0;

		memset(counts, 0, sizeof(counts));
		json_array_foreach(json_object_get(doc, "cells"), i, c)
		{
			k = resdoc_case(doc, resdoc_str(c, "case"));
			if (!k || strcmp(resdoc_str(k, "group"), groups[g]) != 0)
				continue;
			total++;
			for (j = 0; j < 5; j++)
				if (strcmp(resdoc_str(c, "verdict"),
					   verdicts[j]) == 0)
					counts[j]++;
		}
		fprintf(f, "  %-*s %4d cells:", w, groups[g], total);
		for (v = 0; v < 5; v++)
			if (counts[v] || v == 0)
				fprintf(f, " %d %s", counts[v], verdicts[v]);
		fputc('\n', f);
	}
}

/* Edit distance, for "did you mean" (strings are short: names). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, cur, tmp;
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < cur)
				cur = row[j] + 1;
			if (row[j - 1] + 1 < cur)
				cur = row[j - 1] + 1;
			tmp = row[j];
			row[j] = cur;
			prev = tmp;
		}
	}
	return row[lb];
}

/* The closest of the names so far, kept in best (at most 3). */
struct suggest {
	const char *word;
	const char *best[3];
	size_t dist[3];
	int n;
};

static void consider(struct suggest *s, const char *name)
{
	size_t d = distance(s->word, name), lim = strlen(s->word) / 3;
	int i, j;

	if (lim < 2)
		lim = 2;
	if (strstr(name, s->word) && d > 1)
		d = lim; /* a part of the name: worth showing */
	if (d > lim)
		return;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->best[i], name) == 0)
			return;
	for (i = 0; i < s->n && s->dist[i] <= d; i++)
		;
	if (i >= 3)
		return;
	for (j = s->n < 3 ? s->n : 2; j > i; j--) {
		s->best[j] = s->best[j - 1];
		s->dist[j] = s->dist[j - 1];
	}
	s->best[i] = name;
	s->dist[i] = d;
	if (s->n < 3)
		s->n++;
}

static void suggestion(const struct suggest *s, char *buf, size_t len)
{
	int i;

	buf[0] = '\0';
	if (!s->n)
		return;
	text_appendf(buf, len, "; did you mean ");
	for (i = 0; i < s->n; i++)
		text_appendf(buf, len, "%s%s",
			     i ? (i + 1 == s->n ? " or " : ", ") : "",
			     s->best[i]);
	text_appendf(buf, len, "?");
}

void answer_suggest(const char *word, const char *const *names, int n,
		    char *buf, size_t len)
{
	struct suggest sg = {.word = word};
	int i;

	for (i = 0; i < n; i++)
		consider(&sg, names[i]);
	suggestion(&sg, buf, len);
}

static void consider_fault(const struct fault_def *d, void *arg)
{
	consider(arg, d->name);
}

int answer_resolve(json_t *doc, const char *const *names, int n,
		   const char **style, const char *asked, char *err,
		   size_t errlen)
{
	const struct probe_def *p, *hit = NULL;
	const struct core_fault *k;
	struct suggest sg = {0};
	char tail[256];
	json_t *c;
	size_t i;
	int s, hits = 0;

	/* A style: its name, its short header, or a prefix of one name. */
	for (s = 0; core_styles[s].probe; s++)
		if (strcmp(*style, core_styles[s].head) == 0)
			*style = core_styles[s].probe;
	for (p = probe_defs; p->name; p++) {
		if (strcmp(p->name, *style) == 0) {
			hit = p;
			hits = 1;
			break;
		}
		if (strncmp(p->name, *style, strlen(*style)) == 0) {
			hit = p;
			hits++;
		}
	}
	if (hits != 1) {
		sg.word = *style;
		for (p = probe_defs; p->name; p++)
			if (strncmp(p->name, *style, strlen(*style)) == 0 ||
			    hits == 0)
				consider(&sg, p->name);
		suggestion(&sg, tail, sizeof(tail));
		snprintf(err, errlen, "%s socket style '%s'%s (see icmplab "
				      "probes)",
			 hits ? "ambiguous" : "unknown", *style, tail);
		return -1;
	}
	*style = hit->name;
	if (core_by_name(asked) || fault_find(asked))
		return 0;
	json_array_foreach(json_object_get(doc, "cases"), i, c)
	{
		if (strcmp(resdoc_str(c, "name"), asked) == 0)
			return 0;
	}
	for (s = 0; s < n; s++)
		if (strcmp(names[s], asked) == 0)
			return 0;
	sg = (struct suggest){.word = asked};
	for (s = 0; s < n; s++)
		consider(&sg, names[s]);
	for (k = core_faults; k->label; k++)
		consider(&sg, k->fault);
	fault_foreach(consider_fault, &sg);
	json_array_foreach(json_object_get(doc, "cases"), i, c)
		consider(&sg, resdoc_str(c, "name"));
	suggestion(&sg, tail, sizeof(tail));
	snprintf(err, errlen, "unknown fault or case '%s'%s (see icmplab "
			      "faults, icmplab list)",
		 asked, tail);
	return -1;
}

/* The event of the flow this cell's probe sent, or NULL. */
static json_t *flow_event(json_t *cell)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(cell, "events"), i, e)
	{
		if (strcmp(resdoc_str(e, "ev"), "flow") == 0)
			return e;
	}
	return NULL;
}

/* The address the error was sent to: the flow's source, unless the socket
 * was bound to any address; then the destination of the case's first
 * captured error from the same router. */
static const char *client_addr(json_t *kase, json_t *flow, const char *from)
{
	const char *src = flow ? resdoc_str(flow, "src") : "";
	json_t *p;
	size_t i;

	if (src[0] && strcmp(src, "0.0.0.0") != 0 && strcmp(src, "::") != 0)
		return src;
	json_array_foreach(json_object_get(kase, "packets"), i, p)
	{
		if (strncmp(resdoc_str(p, "class"), "error", 5) == 0 &&
		    strcmp(resdoc_str(p, "src"), from) == 0)
			return resdoc_str(p, "dst");
	}
	return src[0] ? src : "?";
}

static void why_wire(FILE *f, json_t *kase, json_t *cell)
{
	json_t *wire = json_object_get(cell, "wire"), *w;
	json_t *flow = flow_event(cell);
	long sent = resdoc_datagrams(cell);
	char quoted[256] = "", head[512];
	size_t i, n = json_array_size(wire);
	const char *me = client_addr(
		kase, flow, resdoc_str(json_array_get(wire, 0), "from"));
	bool v6 = resdoc_icmp_prefix(cell)[0] != '\0';

	if (flow)
		snprintf(quoted, sizeof(quoted), ", quoting %s %s.%lld > %s.%lld",
			 resdoc_str(flow, "proto"), me,
			 (long long)json_integer_value(
				 json_object_get(flow, "sport")),
			 resdoc_str(flow, "dst"),
			 (long long)json_integer_value(
				 json_object_get(flow, "dport")));
	if (n == 0) {
		fprintf(f, "On the wire: no ICMP error came back for the %ld "
			   "datagram(s) this socket sent.\n",
			sent < 0 ? 0 : sent);
		return;
	}
	w = json_array_get(wire, 0);
	snprintf(head, sizeof(head),
		 "On the wire: %zu ICMP%s error(s) for the %ld datagram(s) "
		 "this socket sent, the first %s (type %lld, code %lld) from "
		 "%s:",
		 n, v6 ? "v6" : "", sent < 0 ? 0 : sent, resdoc_str(w, "name"),
		 (long long)json_integer_value(json_object_get(w, "type")),
		 (long long)json_integer_value(json_object_get(w, "code")),
		 resdoc_str(w, "from"));
	answer_wrap(f, 0, 2, head);
	json_array_foreach(wire, i, w)
	{
		if (i == 4) {
			fprintf(f, "  ... and %zu more\n", n - 4);
			break;
		}
		fprintf(f, "  %.3f ms IP%s %s > %s: ICMP%s %s, type %lld code %lld%s%s%s\n",
			json_number_value(json_object_get(w, "t_ms")),
			v6 ? "6" : "", resdoc_str(w, "from"), me,
			v6 ? "6" : "", resdoc_str(w, "name"),
			(long long)json_integer_value(json_object_get(w, "type")),
			(long long)json_integer_value(json_object_get(w, "code")),
			quoted,
			strcmp(resdoc_str(w, "parse"), "ok") == 0 ? "" : " [",
			strcmp(resdoc_str(w, "parse"), "ok") == 0 ? "" : "]");
	}
}

static void why_calls(FILE *f, json_t *cell)
{
	json_t *e, *en;
	size_t i;
	bool any = false;

	json_array_foreach(json_object_get(cell, "events"), i, e)
	{
		const char *via = resdoc_str(e, "via");

		if (strcmp(resdoc_str(e, "ev"), "call") != 0)
			continue;
		if (!any)
			fprintf(f, "The system calls, in order:\n");
		any = true;
		en = json_object_get(e, "errno");
		fprintf(f, "  %s(%s) returned %lld", resdoc_str(e, "call"), via,
			(long long)json_integer_value(json_object_get(e, "ret")));
		if (json_is_string(en))
			fprintf(f, ", errno %s%s", json_string_value(en),
				strcmp(json_string_value(en), "EAGAIN") == 0
					? " (nothing there)"
					: "");
		fprintf(f, "\n");
	}
	if (!any)
		fprintf(f, "The probe recorded no system calls.\n");
}

/* Did other's wire carry the first ICMP type/code of cell's (true when
 * cell's wire is silent: there is nothing to compare). */
static bool same_error(json_t *cell, json_t *other)
{
	json_t *first = json_array_get(json_object_get(cell, "wire"), 0), *w;
	size_t i;

	if (!first)
		return true;
	json_array_foreach(json_object_get(other, "wire"), i, w)
	{
		if (json_equal(json_object_get(w, "type"),
			       json_object_get(first, "type")) &&
		    json_equal(json_object_get(w, "code"),
			       json_object_get(first, "code")))
			return true;
	}
	return false;
}

/* Is other a cell of the same question as cell: the same family, the same
 * ICMP error on its wire, and the same case, a case asked matches, or a
 * sibling row (the same group and fault). */
static bool sibling(json_t *doc, json_t *cell, json_t *other,
		    const char *asked)
{
	json_t *a, *b;

	if (strcmp(resdoc_str(cell, "family"), resdoc_str(other, "family")) ||
	    !same_error(cell, other))
		return false;
	if (cell_matches(other, NULL, asked))
		return true;
	a = resdoc_case(doc, resdoc_str(cell, "case"));
	b = resdoc_case(doc, resdoc_str(other, "case"));
	return a && b && strcmp(resdoc_str(a, "group"), resdoc_str(b, "group")) == 0 &&
	       strcmp(resdoc_str(a, "fault"), resdoc_str(b, "fault")) == 0;
}

static void why_instead(FILE *f, json_t *doc, json_t *cell, const char *style,
			const char *asked)
{
	json_t *c, *item;
	const char *seen[64];
	char tok[128], line[512];
	int ns = 0, k;
	size_t i;

	json_array_foreach(json_object_get(doc, "cells"), i, c)
	{
		const char *p = resdoc_str(c, "probe");

		if (strcmp(p, style) == 0 || !judged(c) ||
		    json_array_size(json_object_get(c, "surfaced")) == 0 ||
		    !sibling(doc, cell, c, asked))
			continue;
		for (k = 0; k < ns; k++)
			if (strcmp(seen[k], p) == 0)
				break;
		if (k < ns || ns == 64)
			continue;
		if (ns == 0)
			fprintf(f, "What to use instead: these styles did hear "
				   "it in the same cases on kernel %s:\n",
				resdoc_str(doc, "kernel"));
		seen[ns++] = p;
		item = json_array_get(json_object_get(c, "surfaced"), 0);
		resdoc_item_str(item, tok, sizeof(tok));
		snprintf(line, sizeof(line), "%s: %s, returned by %s() "
					     "(case %s)",
			 p, tok,
			 resdoc_str(item, "call")[0] ? resdoc_str(item, "call")
						     : resdoc_str(item, "via"),
			 resdoc_str(c, "case"));
		fprintf(f, "  ");
		answer_wrap(f, 2, 6, line);
	}
	if (ns == 0)
		fprintf(f, "No other style heard it in the same cases on "
			   "kernel %s.\n",
			resdoc_str(doc, "kernel"));
}

int answer_why(FILE *f, json_t *doc, const char *style, const char *asked)
{
	json_t *cell = find_cell(doc, style, asked), *kase, *r;
	char buf[1024], exp[512];
	size_t i;

	if (!cell)
		return 1;
	kase = resdoc_case(doc, resdoc_str(cell, "case"));
	snprintf(buf, sizeof(buf), "%s under %s: case %s (%s), %s, kernel %s.",
		 style, asked, resdoc_str(cell, "case"),
		 resdoc_str(kase, "title"), resdoc_str(cell, "family"),
		 resdoc_str(doc, "kernel"));
	answer_wrap(f, 0, 2, buf);
	fputc('\n', f);
	why_wire(f, kase, cell);
	fputc('\n', f);
	why_calls(f, cell);
	fputc('\n', f);
	if (json_array_size(json_object_get(cell, "surfaced")) == 0)
		fprintf(f, "What surfaced: nothing%s\n",
			json_is_true(json_object_get(cell, "unsurfaced"))
				? ": the wire carried the error and no call on "
				  "this socket ever said so."
				: ".");
	else {
		resdoc_surfaced_str(cell, buf, sizeof(buf));
		fprintf(f, "What surfaced: %s\n", buf);
	}
	resdoc_expected_str(cell, exp, sizeof(exp));
	fprintf(f, "Verdict: %s (expected on this kernel: %s)%s%s\n",
		resdoc_str(cell, "verdict"), exp,
		json_is_string(json_object_get(cell, "reason")) ? "; " : "",
		resdoc_str(cell, "reason"));
	fputc('\n', f);
	if (resdoc_str(cell, "explain")[0]) {
		snprintf(buf, sizeof(buf), "Why: %s", resdoc_str(cell, "explain"));
		answer_wrap(f, 0, 5, buf);
	}
	if (resdoc_str(cell, "why")[0]) {
		snprintf(buf, sizeof(buf), "The case says: %s",
			 resdoc_str(cell, "why"));
		answer_wrap(f, 0, 5, buf);
	}
	json_array_foreach(json_object_get(cell, "refs"), i, r)
		fprintf(f, "%s%s\n", i ? "     " : "See: ",
			json_is_string(r) ? json_string_value(r) : "");
	fputc('\n', f);
	why_instead(f, doc, cell, style, asked);
	return 0;
}

void answer_short_grid(json_t *doc, struct answer_grid *g)
{
	const struct core_fault *k;
	int s, r;
	bool any;

	memset(g, 0, sizeof(*g));
	for (s = 0; core_styles[s].probe && s < ANSWER_COLS; s++) {
		g->style[s] = core_styles[s].probe;
		g->head[s] = core_styles[s].head;
	}
	g->ncols = s;
	for (k = core_faults; k->label && g->nrows < ANSWER_ROWS; k++) {
		r = g->nrows;
		any = false;
		for (s = 0; s < g->ncols; s++) {
			json_t *c = find_cell(doc, g->style[s], k->fault);

			if (c && strcmp(resdoc_str(c, "family"), "ipv4") != 0)
				c = NULL;
			g->cell[r][s] = c;
			brief_cell(c, g->text[r][s], sizeof(g->text[r][s]));
			any = any || c;
		}
		if (!any)
			continue;
		g->label[r] = k->label;
		g->fault[r] = k->fault;
		g->nrows++;
	}
}
