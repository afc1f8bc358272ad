/* icmplab show: see show.h. */
#include "show.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "answer.h"
#include "cellpcap.h"
#include "resdoc.h"

static const char *const step_marks[] = {
	[CV_SENT] = "wire >",
	[CV_ERROR] = "wire <",
	[CV_CALL] = "call",
	[CV_NOTE] = "probe",
};

/* "c0 198.51.100.2/24 mtu 1500" for each interface, in the family. */
static void interfaces(FILE *f, const struct cellview *v, json_t *node)
{
	json_t *x, *a;
	size_t i, k;

	json_array_foreach(json_object_get(node, "interfaces"), i, x)
	{
		fprintf(f, "%s%s", i ? "; " : "", resdoc_str(x, "name"));
		json_array_foreach(
			json_object_get(x, "addrs"), k,
			a) if (cellview_in_family(json_string_value(a),
						  v->family))
			fprintf(f, " %s", json_string_value(a));
		fprintf(f, " mtu %lld%s",
			(long long)json_integer_value(
				json_object_get(x, "mtu")),
			json_is_false(json_object_get(x, "up")) ? " DOWN" : "");
	}
}

void show_case(FILE *f, const struct cellview *v)
{
	char line[1024];
	json_t *node, *r;
	const char *p, *e;
	size_t i, k;

	snprintf(line, sizeof(line),
		 "case %s: %s (group %s, %s, fault %s; "
		 "kernel %s)",
		 v->name, v->title, v->group, v->family, v->fault, v->kernel);
	answer_wrap(f, 0, 2, line);
	if (!v->topology) {
		fprintf(f,
			"\nTopology: not in this results document (written "
			"by icmplab runs since the topology was recorded)\n");
	} else {
		fprintf(f,
			"\nTopology (network namespaces, the client's link "
			"captured; %s only):\n",
			v->family);
		for (i = 0; cellview_node(v, i, &node); i++) {
			fprintf(f, "  %-7s ", resdoc_str(node, "node"));
			interfaces(f, v, node);
			fputc('\n', f);
			json_array_foreach(json_object_get(node, "routes"), k,
					   r)
			{
				if (!cellview_in_family(resdoc_str(r, "dst"),
							v->family))
					continue;
				fprintf(f, "          route %s",
					resdoc_str(r, "dst"));
				if (resdoc_str(r, "via")[0])
					fprintf(f, " via %s",
						resdoc_str(r, "via"));
				if (resdoc_str(r, "dev")[0])
					fprintf(f, " dev %s",
						resdoc_str(r, "dev"));
				if (strcmp(resdoc_str(r, "type"), "unicast"))
					fprintf(f, " %s",
						resdoc_str(r, "type"));
				fputc('\n', f);
			}
		}
		fprintf(f, "  client c0 <-> rc router rs <-> s0 server (veth "
			   "pairs)\n");
	}
	fprintf(f, "\nThe fault (%s):\n", v->fault);
	if (!v->rule[0])
		fprintf(f, "  nothing beyond the topology above\n");
	for (p = v->rule; *p; p = e + (*e != '\0')) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		fprintf(f, "  %.*s\n", (int)(e - p), p);
	}
}

void show_cell(FILE *f, const struct cellview *v)
{
	char line[1024];
	json_t *r;
	size_t i;

	fprintf(f, "\n%s x %s: %s\n", v->name, v->probe, v->verdict);
	if (v->command[0]) {
		fprintf(f,
			"\nThe command (run by /bin/sh -c in the client "
			"namespace):\n  %s\n",
			v->command);
		if (v->output[0])
			fprintf(f, "Its output:\n%s%s", v->output,
				v->output[strlen(v->output) - 1] == '\n'
					? ""
					: "\n");
	}
	fprintf(f, "\nTimeline (ms since the case started; the probe's calls "
		   "and its flow's packets):\n");
	for (i = 0; i < v->nsteps; i++) {
		fprintf(f, "  %9.3f  %-6s ", v->steps[i].t_ms,
			step_marks[v->steps[i].kind]);
		answer_wrap(f, 20, 20, v->steps[i].text);
	}
	if (v->nsteps == 0)
		fprintf(f, "  (nothing recorded)\n");
	if (v->left_out)
		fprintf(f,
			"  (%zu other packet%s of the case left out: other "
			"probes' flows, neighbour discovery, ARP)\n",
			v->left_out, v->left_out == 1 ? "" : "s");
	fprintf(f, "\nOn the wire: %s\n", v->wire);
	fprintf(f, "Expected:    %s\n", v->expected);
	fprintf(f, "Surfaced:    %s\n", v->surfaced);
	fprintf(f, "Verdict:     ");
	snprintf(line, sizeof(line), "%s%s%s", v->verdict,
		 v->reason[0] ? ": " : "", v->reason);
	answer_wrap(f, 13, 13, line);
	if (v->explain[0]) {
		snprintf(line, sizeof(line), "Why: %s", v->explain);
		answer_wrap(f, 0, 5, line);
	}
	if (v->why[0]) {
		snprintf(line, sizeof(line), "The case says: %s", v->why);
		answer_wrap(f, 0, 5, line);
	}
	json_array_foreach(v->refs, i, r)
		fprintf(f, "%s%s\n", i ? "     " : "See: ",
			json_is_string(r) ? json_string_value(r) : "");
	if (v->pcap[0]) {
		snprintf(line, sizeof(line),
			 "Capture: %s (this cell alone: "
			 "icmplab show --pcap FILE %s %s)",
			 v->pcap, v->name, v->probe);
		answer_wrap(f, 0, 9, line);
	} else
		fprintf(f, "Capture: none (run with --out DIR to keep one)\n");
}

int show_write(FILE *f, json_t *doc, const char *kase, const char *probe,
	       char *err, size_t errlen)
{
	json_t *k = cellview_find_case(doc, kase, err, errlen), *c;
	const char *name;
	struct cellview v;
	size_t i;
	bool first = true;

	if (!k)
		return -1;
	name = resdoc_str(k, "name");
	if (probe) {
		c = cellview_find_cell(doc, name, probe, err, errlen);
		if (!c)
			return -1;
		if (cellview_init(&v, doc, c) < 0)
			goto oom;
		show_case(f, &v);
		show_cell(f, &v);
		cellview_free(&v);
		return 0;
	}
	json_array_foreach(json_object_get(doc, "cells"), i, c)
	{
		if (strcmp(resdoc_str(c, "case"), name) != 0)
			continue;
		if (cellview_init(&v, doc, c) < 0)
			goto oom;
		if (first)
			show_case(f, &v);
		first = false;
		show_cell(f, &v);
		cellview_free(&v);
	}
	if (first) {
		snprintf(err, errlen, "case %s has no cells in the results%s%s",
			 name, resdoc_str(k, "error")[0] ? ": " : "",
			 resdoc_str(k, "error"));
		return -1;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int show_command(const char *results, const char *dflt, const char *pcap_out,
		 const char *const *args, int nargs)
{
	const char *path = results ? results : dflt;
	char err[PATH_MAX + 1024];
	json_t *doc, *k, *cell;
	size_t kept;
	int rc = 0;

	if (nargs < 1 || nargs > 2 || (pcap_out && nargs != 2)) {
		fprintf(stderr,
			"icmplab show: usage: icmplab show [--results "
			"FILE] [--pcap FILE] CASE [PROBE]%s\n",
			pcap_out ? " (--pcap needs PROBE)" : "");
		return 2;
	}
	doc = resdoc_load(path, err, sizeof(err));
	if (!doc) {
		fprintf(stderr, "icmplab show: %s%s\n", err,
			results ? ""
				: " (make run, or icmplab run --out "
				  "DIR then --results DIR/results.json)");
		return 2;
	}
	if (show_write(stdout, doc, args[0], nargs == 2 ? args[1] : NULL, err,
		       sizeof(err)) < 0) {
		fprintf(stderr, "icmplab show: %s\n", err);
		json_decref(doc);
		return 2;
	}
	if (pcap_out) {
		k = cellview_find_case(doc, args[0], err, sizeof(err));
		cell = k ? cellview_find_cell(doc, resdoc_str(k, "name"),
					      args[1], err, sizeof(err))
			 : NULL;
		if (cell && !resdoc_str(k, "pcap")[0]) {
			snprintf(err, sizeof(err),
				 "case %s has no capture (it "
				 "ran without --out)",
				 resdoc_str(k, "name"));
			cell = NULL;
		}
		if (!cell ||
		    cellpcap_write(cell, k, resdoc_str(k, "pcap"), pcap_out, &kept,
				   err, sizeof(err)) < 0) {
			fprintf(stderr, "icmplab show: --pcap: %s\n", err);
			rc = 1;
		} else {
			fprintf(stderr,
				"icmplab show: %zu packet%s of %s x %s "
				"written to %s\n",
				kept, kept == 1 ? "" : "s",
				resdoc_str(k, "name"),
				resdoc_str(cell, "probe"), pcap_out);
		}
	}
	json_decref(doc);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr,
			"icmplab show: cannot write to standard "
			"output: %s\n",
			strerror(errno));
		return 1;
	}
	return rc;
}
