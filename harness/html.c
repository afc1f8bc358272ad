/* The HTML report: see html.h. */
#include "html.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "answer.h"
#include "cellview.h"
#include "outfile.h"
#include "report.h"
#include "resdoc.h"

struct html {
	FILE *f;
	json_t *doc;
	const char *base; /* NULL: absolute links */
	html_case_writer put; /* NULL: case sections rendered from doc */
	void *put_arg;
	struct case_cells cc; /* doc's cells */
};

static const char style_css[] =
	":root{--fg:#1d2330;--muted:#5b6475;--line:#d7dbe3;--bg:#fff;"
	"--pass:#e3f4e6;--fail:#fbe0df;--skip:#eceef2;--error:#fde9c8;"
	"--info:#e4ecfb;--sent:#1f5fbf;--err:#b3261e}\n"
	"*{box-sizing:border-box}\n"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
	"color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;"
	"padding:0 12px 40px}\n"
	"h1{font-size:1.5em;margin:.6em 0 .2em}h2{font-size:1.25em;"
	"margin:1.4em 0 .4em;border-bottom:1px solid var(--line)}"
	"h3{font-size:1.08em;margin:1.2em 0 .3em}\n"
	".meta{color:var(--muted);margin:0 0 .6em}\n"
	"nav a{margin-right:.9em}\n"
	"code,pre,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,"
	"monospace;font-size:.88em}\n"
	"pre{white-space:pre-wrap;word-break:break-word;background:#f6f7f9;"
	"padding:6px 8px;border-radius:4px;margin:.3em 0}\n"
	".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}\n"
	"table{border-collapse:collapse;margin:.3em 0}\n"
	"th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;"
	"vertical-align:top}\n"
	"th{background:#f1f3f6;font-weight:600}\n"
	"table.matrix td{white-space:nowrap;font-family:ui-monospace,monospace;"
	"font-size:.82em}\n"
	"table.matrix a{color:inherit;text-decoration:none;display:block}\n"
	"td.pass{background:var(--pass)}td.fail{background:var(--fail)}"
	"td.skip{background:var(--skip)}td.error{background:var(--error)}"
	"td.info{background:var(--info)}\n"
	".v{display:inline-block;padding:0 .4em;border-radius:3px;"
	"font-weight:600}.v.pass{background:var(--pass)}"
	".v.fail{background:var(--fail)}.v.skip{background:var(--skip)}"
	".v.error{background:var(--error)}.v.info{background:var(--info)}\n"
	"details{border:1px solid var(--line);border-radius:5px;"
	"margin:.35em 0;padding:0 .6em}\n"
	"details[open]{padding-bottom:.5em}\n"
	"summary{cursor:pointer;padding:.35em 0;font-weight:500}\n"
	"details.cell{background:#fcfcfd}\n"
	".topo{display:flex;align-items:center;gap:0;margin:.5em 0;"
	"flex-wrap:nowrap}\n"
	".node{border:2px solid #7a8699;border-radius:8px;padding:6px 8px;"
	"min-width:0;flex:1 1 0;background:#f8fafc}\n"
	".node b{display:block;font-size:1.02em}\n"
	".node .if{font-family:ui-monospace,monospace;font-size:.8em;"
	"word-break:break-all}\n"
	".node .rt{color:var(--muted);font-family:ui-monospace,monospace;"
	"font-size:.74em;word-break:break-all}\n"
	".mtu.low{color:var(--err);font-weight:700}\n"
	".wire{flex:0 0 54px;text-align:center;font-size:.72em;"
	"color:var(--muted);border-top:2px solid #7a8699;padding-top:2px}\n"
	".tl td.t{text-align:right;white-space:nowrap;"
	"font-family:ui-monospace,monospace;font-size:.82em}\n"
	".tl td.k{white-space:nowrap;font-size:.8em}\n"
	".tl td.x{font-family:ui-monospace,monospace;font-size:.82em;"
	"word-break:break-word}\n"
	".k-sent{color:var(--sent)}.k-error{color:var(--err);font-weight:600}"
	".k-call{color:#333}.k-note{color:var(--muted)}\n"
	"dl.kv{display:grid;grid-template-columns:max-content 1fr;"
	"gap:2px 10px;margin:.4em 0}dl.kv dt{color:var(--muted)}"
	"dl.kv dd{margin:0;font-family:ui-monospace,monospace;font-size:.88em;"
	"word-break:break-word}\n"
	".rule{border-left:4px solid #7a8699;padding:.2em .7em;"
	"background:#f6f7f9;margin:.5em 0}\n"
	".legend{color:var(--muted);font-size:.88em}\n"
	"@media (max-width:640px){body{font-size:14px;padding:0 8px 30px}"
	".topo{flex-direction:column;align-items:stretch}"
	".wire{flex:0 0 auto;border-top:0;border-left:2px solid #7a8699;"
	"margin-left:50%;padding:4px 0 4px 6px;text-align:left}"
	"dl.kv{grid-template-columns:1fr}dl.kv dt{margin-top:4px}}\n"
	"@media print{nav,.noprint{display:none}details{border:0;padding:0}"
	"details::details-content{content-visibility:visible;display:block}"
	"summary{list-style:none}a{color:inherit}"
	"td.pass,td.fail,td.skip,td.error,td.info{-webkit-print-color-adjust:"
	"exact;print-color-adjust:exact}}\n";

/* Errors are recorded first, so that a later script error is seen:
 * data-errors on <html> counts them, data-error keeps the first. */
static const char head_js[] =
	"(function(){var n=0,r=document.documentElement;"
	"r.setAttribute('data-errors','0');"
	"window.addEventListener('error',function(e){n++;"
	"r.setAttribute('data-errors',String(n));"
	"if(n==1)r.setAttribute('data-error',String(e.message));});"
	"})();\n";

/* Opens the cell (and its case) the address names, and every cell for
 * printing. data-opened names the element opened and shown. */
static const char tail_js[] =
	"(function(){var r=document.documentElement;\n"
	"function openId(id){var el=document.getElementById(id);if(!el)"
	"return;for(var e=el;e;e=e.parentElement)if(e.tagName=='DETAILS')"
	"e.open=true;el.scrollIntoView();var s=el.querySelector('.rule')||el;"
	"if(s.getClientRects().length>0)r.setAttribute('data-opened',id);}\n"
	"function fromHash(){if(location.hash.length>1)"
	"openId(decodeURIComponent(location.hash.slice(1)));}\n"
	"window.addEventListener('hashchange',fromHash);\n"
	"window.addEventListener('beforeprint',function(){"
	"var d=document.getElementsByTagName('details');"
	"for(var i=0;i<d.length;i++)d[i].open=true;});\n"
	"fromHash();r.setAttribute('data-js','ok');})();\n";

void html_escape(FILE *f, const char *s)
{
	const unsigned char *p;

	if (!s)
		return;
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			if ((*p < 0x20 && *p != '\n' && *p != '\t') ||
			    *p == 0x7f)
				fprintf(f, "&#x%x;",
					*p == 0x7f ? 0x2421u : 0x2400u + *p);
			else
				fputc(*p, f);
		}
	}
}

static bool upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* A '_' is kept unless two upper-case hex digits follow it, so that the
 * "_XX" escapes cannot be taken for text: the encoding is one to one. */
static void id_part(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    (*p == '_' &&
		     !(upper_hex((char)p[1]) && upper_hex((char)p[2]))))
			fputc(*p, f);
		else
			fprintf(f, "_%02X", *p);
}

void html_id(FILE *f, const char *name, const char *probe)
{
	fputs(probe ? "cell-" : "case-", f);
	id_part(f, name);
	if (probe) {
		fputs("--", f);
		id_part(f, probe);
	}
}

/* A path as an href: relative to h->base when below it, every byte
 * outside a safe set percent-encoded. */
static void href_path(struct html *h, const char *path)
{
	size_t n = h->base ? strlen(h->base) : 0;
	const unsigned char *p = (const unsigned char *)path;

	if (n && strncmp(path, h->base, n) == 0 && path[n] == '/')
		p += n + 1;
	else if (path[0] == '/')
		fputs("file://", h->f);
	for (; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-", *p))
			fputc(*p, h->f);
		else
			fprintf(h->f, "%%%02X", *p);
}

static void text(struct html *h, const char *s)
{
	html_escape(h->f, s);
}

/* One node of the diagram: its interfaces in the case's family, with MTU
 * (marked below 1500), and its routes of that family. */
static void node_box(struct html *h, const struct cellview *v, json_t *node)
{
	json_t *x, *a;
	size_t i, k;

	fputs("<div class=\"node\"><b>", h->f);
	text(h, resdoc_str(node, "node"));
	fputs("</b>\n", h->f);
	json_array_foreach(json_object_get(node, "interfaces"), i, x)
	{
		long long mtu = json_integer_value(json_object_get(x, "mtu"));

		fputs("<div class=\"if\">", h->f);
		text(h, resdoc_str(x, "name"));
		json_array_foreach(
			json_object_get(x, "addrs"), k,
			a) if (cellview_in_family(json_string_value(a),
						  v->family))
		{
			fputc(' ', h->f);
			text(h, json_string_value(a));
		}
		fprintf(h->f,
			" <span class=\"mtu%s\">mtu %lld</span>%s</div>\n",
			mtu < 1500 ? " low" : "", mtu,
			json_is_false(json_object_get(x, "up")) ? " DOWN" : "");
	}
	json_array_foreach(json_object_get(node, "routes"), i, x)
	{
		if (!cellview_in_family(resdoc_str(x, "dst"), v->family) ||
		    (!resdoc_str(x, "via")[0] &&
		     strcmp(resdoc_str(x, "type"), "unicast") == 0))
			continue; /* the connected routes say nothing new */
		fputs("<div class=\"rt\">&rarr; ", h->f);
		text(h, resdoc_str(x, "dst"));
		if (resdoc_str(x, "via")[0]) {
			fputs(" via ", h->f);
			text(h, resdoc_str(x, "via"));
		}
		if (strcmp(resdoc_str(x, "type"), "unicast") != 0) {
			fputc(' ', h->f);
			text(h, resdoc_str(x, "type"));
		}
		fputs("</div>\n", h->f);
	}
	fputs("</div>\n", h->f);
}

/* The case: its diagram and its fault. */
static void case_body(struct html *h, const struct cellview *v)
{
	json_t *node;
	size_t i;

	fprintf(h->f, "<p class=\"meta\">group ");
	text(h, v->group);
	fprintf(h->f, ", %s, fault <code>", v->family[0] ? v->family : "?");
	text(h, v->fault);
	fputs("</code></p>\n", h->f);
	if (v->topology) {
		fputs("<div class=\"topo\" role=\"img\" aria-label=\"client, "
		      "router and server namespaces joined by veth pairs\">\n",
		      h->f);
		for (i = 0; cellview_node(v, i, &node); i++) {
			if (i)
				fputs("<div class=\"wire\">veth</div>\n", h->f);
			node_box(h, v, node);
		}
		fputs("</div>\n", h->f);
	} else {
		fputs("<p class=\"meta\">No topology in this results "
		      "document.</p>\n",
		      h->f);
	}
	fputs("<p><b>The fault</b></p>\n<pre>", h->f);
	text(h, v->rule[0] ? v->rule : "nothing beyond the topology above");
	fputs("</pre>\n", h->f);
}

static const char *const kind_class[] = {[CV_SENT] = "k-sent",
					 [CV_ERROR] = "k-error",
					 [CV_CALL] = "k-call",
					 [CV_NOTE] = "k-note"};
static const char *const kind_text[] = {[CV_SENT] = "wire &rarr;",
					[CV_ERROR] = "wire &larr;",
					[CV_CALL] = "call",
					[CV_NOTE] = "probe"};

static void cell_body(struct html *h, const struct cellview *v)
{
	char path[PATH_MAX];
	struct stat st;
	const char *slash;
	json_t *r;
	size_t i;

	fputs("<dl class=\"kv\"><dt>on the wire</dt><dd>", h->f);
	text(h, v->wire);
	fputs("</dd><dt>expected</dt><dd>", h->f);
	text(h, v->expected);
	fputs("</dd><dt>surfaced</dt><dd>", h->f);
	text(h, v->surfaced);
	fprintf(h->f, "</dd><dt>verdict</dt><dd><span class=\"v %s\">",
		v->verdict);
	text(h, v->verdict);
	fputs("</span>", h->f);
	if (v->reason[0]) {
		fputs(" ", h->f);
		text(h, v->reason);
	}
	fputs("</dd></dl>\n<div class=\"rule\">", h->f);
	if (v->explain[0]) {
		fputs("<p><b>The rule:</b> ", h->f);
		text(h, v->explain);
		fputs("</p>", h->f);
	}
	if (v->why[0]) {
		fputs("<p><b>The case says:</b> ", h->f);
		text(h, v->why);
		fputs("</p>", h->f);
	}
	fputs("</div>\n", h->f);
	if (json_array_size(v->refs)) {
		fputs("<p><b>References</b></p><ul>\n", h->f);
		json_array_foreach(v->refs, i, r)
		{
			fputs("<li>", h->f);
			text(h, json_string_value(r));
			fputs("</li>\n", h->f);
		}
		fputs("</ul>\n", h->f);
	}
	if (v->command[0]) {
		fputs("<p><b>The command</b> (run by /bin/sh -c in the client "
		      "namespace)</p>\n<pre>",
		      h->f);
		text(h, v->command);
		fputs("</pre>\n", h->f);
		if (v->output[0]) {
			fputs("<p><b>Its output</b></p>\n<pre>", h->f);
			text(h, v->output);
			fputs("</pre>\n", h->f);
		}
	}
	fputs("<p><b>Timeline</b> (ms since the case started: the probe's "
	      "calls and its flow's packets)</p>\n<div class=\"scroll\">"
	      "<table "
	      "class=\"tl\"><tr><th>ms</th><th></th><th>what</th></tr>\n",
	      h->f);
	for (i = 0; i < v->nsteps; i++) {
		fprintf(h->f,
			"<tr><td class=\"t\">%.3f</td><td class=\"k %s\">"
			"%s</td><td class=\"x\">",
			v->steps[i].t_ms, kind_class[v->steps[i].kind],
			kind_text[v->steps[i].kind]);
		text(h, v->steps[i].text);
		fputs("</td></tr>\n", h->f);
	}
	fputs("</table></div>\n", h->f);
	if (v->left_out)
		fprintf(h->f,
			"<p class=\"meta\">%zu other packet%s of the case "
			"left out: other probes' flows, neighbour "
			"discovery, ARP.</p>\n",
			v->left_out, v->left_out == 1 ? "" : "s");
	if (!v->pcap[0])
		return;
	fputs("<p>Capture: <a href=\"", h->f);
	href_path(h, v->pcap);
	fputs("\">the case's</a>", h->f);
	slash = strrchr(v->pcap, '/');
	snprintf(path, sizeof(path), "%.*s%s/%s.pcap",
		 slash ? (int)(slash - v->pcap + 1) : 0, v->pcap, v->name,
		 v->probe);
	if (stat(path, &st) == 0) {
		fputs(", <a href=\"", h->f);
		href_path(h, path);
		fputs("\">this cell's flow alone</a>", h->f);
	}
	fputs("</p>\n", h->f);
}

/* The short text of a cell in a matrix: its first surfaced item, '-' for
 * none, '!' when the wire carried an error it never reported. */
static void brief(struct html *h, json_t *c)
{
	char tok[128];
	json_t *s = json_object_get(c, "surfaced");

	if (json_array_size(s))
		text(h,
		     resdoc_item_str(json_array_get(s, 0), tok, sizeof(tok)));
	else
		fputc('-', h->f);
	if (json_array_size(s) > 1)
		fputc('+', h->f);
	if (json_is_true(json_object_get(c, "unsurfaced")))
		fputc('!', h->f);
}

static void cell_link(struct html *h, json_t *c)
{
	fputs("<a href=\"#", h->f);
	html_id(h->f, resdoc_str(c, "case"), resdoc_str(c, "probe"));
	fputs("\">", h->f);
}

static void short_answer(struct html *h)
{
	struct answer_grid g;
	int r, s;

	answer_short_grid(h->doc, &g);
	if (!g.nrows)
		return;
	fputs("<h2 id=\"short\">The short answer</h2>\n<p>What each socket "
	      "style heard of each fault (IPv4). Each cell opens below.</p>\n"
	      "<div class=\"scroll\"><table "
	      "class=\"matrix\"><tr><th>fault</th>",
	      h->f);
	for (s = 0; s < g.ncols; s++) {
		fputs("<th>", h->f);
		text(h, g.head[s]);
		fputs("</th>", h->f);
	}
	fputs("</tr>\n", h->f);
	for (r = 0; r < g.nrows; r++) {
		fputs("<tr><th>", h->f);
		text(h, g.label[r]);
		fputs("</th>", h->f);
		for (s = 0; s < g.ncols; s++) {
			json_t *c = g.cell[r][s];

			if (!c) {
				fputs("<td></td>", h->f);
				continue;
			}
			fprintf(h->f, "<td class=\"%s\">",
				resdoc_str(c, "verdict"));
			cell_link(h, c);
			text(h, g.text[r][s]);
			fputs("</a></td>", h->f);
		}
		fputs("</tr>\n", h->f);
	}
	fputs("</table></div>\n<p class=\"legend\">recv/send: that call's "
	      "errno; so: SO_ERROR; errq: MSG_ERRQUEUE; conn: a second "
	      "connect(); raw icmp: the ICMP packet read on a raw socket; - "
	      "nothing surfaced; + more did; ! the wire carried an error the "
	      "socket never reported; X the cell failed. Colours: "
	      "<span class=\"v pass\">pass</span> <span class=\"v fail\">fail"
	      "</span> <span class=\"v skip\">skip</span> <span class=\"v "
	      "error\">error</span> <span class=\"v info\">info</span> (a "
	      "cell with no expectation: shown, not judged).</p>\n",
	      h->f);
}

/* The distinct probes of a group's cells, in first-seen order. */
static size_t group_probes(struct html *h, const char *group,
			   const char **out, size_t max)
{
	json_t *kase;
	size_t i, j, k, from, to, n = 0;

	/* A case's cells are together, in case order (report.h). */
	json_array_foreach(json_object_get(h->doc, "cases"), i, kase)
	{
		if (strcmp(resdoc_str(kase, "group"), group) != 0)
			continue;
		report_case_range(&h->cc, resdoc_str(kase, "name"), &from,
				  &to);
		for (j = from; j < to; j++) {
			const char *p = resdoc_str(
				json_array_get(h->cc.cells, j), "probe");

			for (k = 0; k < n && strcmp(out[k], p) != 0; k++)
				;
			if (k == n && n < max)
				out[n++] = p;
		}
	}
	return n;
}

static json_t *cell_of(struct html *h, const char *name, const char *probe)
{
	json_t *c;
	size_t i, from, to;

	report_case_range(&h->cc, name, &from, &to);
	for (i = from; i < to; i++) {
		c = json_array_get(h->cc.cells, i);
		if (strcmp(resdoc_str(c, "probe"), probe) == 0)
			return c;
	}
	return NULL;
}

/* One case's section: its topology and fault, and each of its cells,
 * from the cells of h->doc that name it. */
static int case_section(struct html *h, json_t *kase)
{
	const char *name = resdoc_str(kase, "name");
	struct cellview v;
	bool first;
	json_t *c;
	size_t j, from, to;

	fputs("<details class=\"case\" id=\"", h->f);
	html_id(h->f, name, NULL);
	fputs("\"><summary><code>", h->f);
	text(h, name);
	fputs("</code> ", h->f);
	text(h, resdoc_str(kase, "title"));
	fputs("</summary>\n", h->f);
	if (resdoc_str(kase, "error")[0]) {
		fputs("<p>The case could not run: ", h->f);
		text(h, resdoc_str(kase, "error"));
		fputs("</p>\n", h->f);
	}
	first = true;
	report_case_range(&h->cc, name, &from, &to);
	for (j = from; j < to; j++) {
		c = json_array_get(h->cc.cells, j);
		if (cellview_init(&v, h->doc, c) < 0)
			return -1;
		if (first)
			case_body(h, &v);
		first = false;
		fputs("<details class=\"cell\" id=\"", h->f);
		html_id(h->f, name, v.probe);
		fputs("\"><summary><code>", h->f);
		text(h, v.probe);
		fprintf(h->f, "</code> <span class=\"v %s\">", v.verdict);
		text(h, v.verdict);
		fputs("</span> ", h->f);
		text(h, v.surfaced);
		fputs("</summary>\n", h->f);
		cell_body(h, &v);
		fputs("</details>\n", h->f);
		cellview_free(&v);
	}
	fputs("</details>\n", h->f);
	return 0;
}

int html_case(FILE *f, json_t *doc, json_t *kase, const char *base)
{
	struct html h = {.f = f,
			 .doc = doc,
			 .base = base,
			 .cc = {json_object_get(doc, "cells"), 0}};

	return case_section(&h, kase) < 0 || ferror(f) ? -1 : 0;
}

/* One group: its matrix (cases by probes), then every case of it, each
 * opening to its topology and fault and to each of its cells. */
static int group(struct html *h, const char *g)
{
	const char *probes[64];
	size_t np = group_probes(h, g, probes, 64), i, k;
	json_t *kase, *c;

	fputs("<h3 id=\"g-", h->f);
	id_part(h->f, g);
	fputs("\">", h->f);
	text(h, g);
	fputs("</h3>\n<div class=\"scroll\"><table class=\"matrix\"><tr>"
	      "<th>case</th>",
	      h->f);
	for (k = 0; k < np; k++) {
		fputs("<th>", h->f);
		text(h, probes[k]);
		fputs("</th>", h->f);
	}
	fputs("</tr>\n", h->f);
	json_array_foreach(json_object_get(h->doc, "cases"), i, kase)
	{
		if (strcmp(resdoc_str(kase, "group"), g) != 0)
			continue;
		fputs("<tr><th><a href=\"#", h->f);
		html_id(h->f, resdoc_str(kase, "name"), NULL);
		fputs("\">", h->f);
		text(h, resdoc_str(kase, "name"));
		fputs("</a></th>", h->f);
		for (k = 0; k < np; k++) {
			c = cell_of(h, resdoc_str(kase, "name"),
				    probes[k]);
			if (!c) {
				fputs("<td></td>", h->f);
				continue;
			}
			fprintf(h->f, "<td class=\"%s\" title=\"",
				resdoc_str(c, "verdict"));
			text(h, resdoc_str(c, "verdict"));
			fputs("\">", h->f);
			cell_link(h, c);
			brief(h, c);
			fputs("</a></td>", h->f);
		}
		fputs("</tr>\n", h->f);
	}
	fputs("</table></div>\n", h->f);
	json_array_foreach(json_object_get(h->doc, "cases"), i, kase)
	{
		if (strcmp(resdoc_str(kase, "group"), g) != 0)
			continue;
		if (h->put ? h->put(h->put_arg, h->f, i) < 0
			   : case_section(h, kase) < 0)
			return -1;
	}
	return 0;
}

/* Each claim once, with how many cells confirm and refute it. */
static void claims(struct html *h)
{
	json_t *seen = json_object(), *c, *t;
	const char *text_;
	size_t i, slot;

	json_array_foreach(json_object_get(h->doc, "cells"), i, c)
	{
		json_t *claim = json_object_get(c, "claim");

		text_ = json_string_value(json_object_get(claim, "text"));
		if (!text_)
			continue;
		t = json_object_get(seen, text_);
		if (!t) {
			t = json_pack("[i, i]", 0, 0);
			json_object_set_new(seen, text_, t);
		}
		slot = json_is_true(json_object_get(claim, "holds")) ? 0 : 1;
		json_array_set_new(
			t, slot,
			json_integer(
				json_integer_value(json_array_get(t, slot)) +
				1));
	}
	if (json_object_size(seen)) {
		const char *key;

		fputs("<h2 id=\"claims\">Claims</h2>\n<p>What books and RFCs "
		      "say, against what this kernel did (cells that passed "
		      "only).</p>\n<ul>\n",
		      h->f);
		json_object_foreach(seen, key, t)
		{
			long long yes =
				json_integer_value(json_array_get(t, 0));
			long long no = json_integer_value(json_array_get(t, 1));

			fputs("<li>", h->f);
			text(h, key);
			fprintf(h->f,
				" &mdash; <b>confirmed by %lld cell%s, "
				"refuted by %lld</b></li>\n",
				yes, yes == 1 ? "" : "s", no);
		}
		fputs("</ul>\n", h->f);
	}
	json_decref(seen);
}

int html_write(FILE *f, json_t *doc, const char *base, const char *date)
{
	return html_write_with(f, doc, base, date, NULL, NULL);
}

int html_write_with(FILE *f, json_t *doc, const char *base, const char *date,
		    html_case_writer put, void *arg)
{
	struct html h = {.f = f,
			 .doc = doc,
			 .base = base,
			 .put = put,
			 .put_arg = arg,
			 .cc = {json_object_get(doc, "cells"), 0}};
	json_t *groups = json_array(), *k, *s = json_object_get(doc, "summary");
	json_t *settings = json_object_get(doc, "settings"), *val;
	const char *key;
	size_t i, j;
	int rc = 0;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">"
	      "\n<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n<title>icmplab: ICMP errors by socket "
	      "style, kernel ",
	      f);
	text(&h, resdoc_str(doc, "kernel"));
	fprintf(f,
		"</title>\n<style>\n%s</style>\n<script>\n%s</script>\n"
		"</head><body>\n",
		style_css, head_js);
	fputs("<h1>icmplab: which socket style hears which ICMP error</h1>\n"
	      "<p class=\"meta\">kernel ",
	      f);
	text(&h, resdoc_str(doc, "kernel"));
	fputs(" (", f);
	text(&h, resdoc_str(doc, "machine"));
	fputs("), ", f);
	text(&h, date);
	fprintf(f,
		"; %lld cells: %lld pass, %lld fail, %lld skip, %lld error, "
		"%lld info%s</p>\n",
		(long long)json_integer_value(json_object_get(s, "cells")),
		(long long)json_integer_value(json_object_get(s, "pass")),
		(long long)json_integer_value(json_object_get(s, "fail")),
		(long long)json_integer_value(json_object_get(s, "skip")),
		(long long)json_integer_value(json_object_get(s, "error")),
		(long long)json_integer_value(json_object_get(s, "info")),
		json_is_false(json_object_get(doc, "complete"))
			? "; <b>the run did not complete</b>"
			: "");
	/* The groups, in case order. */
	json_array_foreach(json_object_get(doc, "cases"), i, k)
	{
		const char *g = resdoc_str(k, "group");

		for (j = 0; j < json_array_size(groups); j++)
			if (strcmp(json_string_value(json_array_get(groups, j)),
				   g) == 0)
				break;
		if (j == json_array_size(groups))
			json_array_append_new(groups, json_string(g));
	}
	fputs("<nav class=\"noprint\"><a href=\"#short\">short answer</a>"
	      "<a href=\"#groups\">every cell</a><a href=\"#claims\">claims"
	      "</a><a href=\"#settings\">settings</a></nav>\n",
	      f);
	short_answer(&h);
	fputs("<h2 id=\"groups\">Every cell, by group</h2>\n<p>A row per case, "
	      "a column per probe (socket style); a cell opens to its "
	      "topology, timeline and rule.</p>\n<p class=\"noprint\">",
	      f);
	json_array_foreach(groups, i, k)
	{
		fputs("<a href=\"#g-", f);
		id_part(f, json_string_value(k));
		fputs("\">", f);
		text(&h, json_string_value(k));
		fputs("</a> ", f);
	}
	fputs("</p>\n", f);
	json_array_foreach(groups, i, k) if (rc == 0) rc =
		group(&h, json_string_value(k));
	claims(&h);
	fputs("<h2 id=\"settings\">Settings</h2>\n<dl class=\"kv\">"
	      "<dt>kernel</dt><dd>",
	      f);
	text(&h, resdoc_str(doc, "kernel"));
	fputs("</dd><dt>machine</dt><dd>", f);
	text(&h, resdoc_str(doc, "machine"));
	fputs("</dd><dt>date</dt><dd>", f);
	text(&h, date);
	fputs("</dd>", f);
	json_object_foreach(settings, key, val)
	{
		char *v = json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT);

		fputs("<dt>", f);
		text(&h, key);
		fputs("</dt><dd>", f);
		text(&h, v ? v : "?");
		fputs("</dd>", f);
		free(v);
	}
	fprintf(f,
		"</dl>\n<p class=\"meta\">Written by icmplab from the "
		"results document (docs/results.md); the same cell on a "
		"terminal: <code>icmplab show CASE PROBE</code>.</p>\n"
		"<script>\n%s</script>\n</body></html>\n",
		tail_js);
	json_decref(groups);
	return rc < 0 || ferror(f) ? -1 : 0;
}

void html_base(const char *path, char *base, size_t len)
{
	char dir[PATH_MAX], real[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	if (realpath(dirname(dir), real))
		snprintf(base, len, "%s", real);
	else
		base[0] = '\0';
}

int html_write_path(const char *path, json_t *doc, const char *date, char *err,
		    size_t errlen)
{
	return html_write_path_with(path, doc, date, NULL, NULL, err, errlen);
}

int html_write_path_with(const char *path, json_t *doc, const char *date,
			 html_case_writer put, void *arg, char *err,
			 size_t errlen)
{
	char base[PATH_MAX], now[64];
	struct outfile o;
	struct tm tm;
	time_t t;

	if (!date) {
		t = time(NULL);
		strftime(now, sizeof(now), "%Y-%m-%d %H:%M UTC",
			 gmtime_r(&t, &tm));
		date = now;
	}
	html_base(path, base, sizeof(base));
	if (outfile_open(&o, path, err, errlen) < 0)
		return -1;
	if (html_write_with(o.f, doc, base[0] ? base : NULL, date, put, arg) <
	    0) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 errno ? strerror(errno) : "write failed");
		outfile_abort(&o);
		return -1;
	}
	return outfile_commit(&o, err, errlen);
}
