/* icmplab try: see try.h. The faults are data (the files under try/); this
 * module selects them, runs them through the suite with the user's command as
 * the only probe, and prints the results document as one row per fault.
 * Everything printed is read from the document, so a stored run could be
 * shown the same way. */
#include "try.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "proc.h"
#include "html.h"
#include "report.h"
#include "resdoc.h"

/* The pcap/ folder of --out, which try_defaults points the run at. */
static char pcap_dir[PATH_MAX];
static char try_dir[PATH_MAX];

static int make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	snprintf(err, errlen, "cannot make %s: %s", path, strerror(errno));
	return -1;
}

int try_defaults(struct try_opts *o, int jobs_given, const char *cases_dir,
		 const char *default_cases, char *err, size_t errlen)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (!jobs_given)
		o->so.jobs = cpus < 1 ? 1 : cpus > 4 ? 4 : (int)cpus;
	if (o->so.run.cmd_timeout_ms <= 0)
		o->so.run.cmd_timeout_ms = TRY_CMD_TIMEOUT_MS;
	if (o->so.run.timeout_ms < o->so.run.cmd_timeout_ms + 2000)
		o->so.run.timeout_ms = o->so.run.cmd_timeout_ms + 2000;
	if (cases_dir) {
		o->cases_dir = cases_dir;
	} else if (snprintf(try_dir, sizeof(try_dir), "%s/../try",
			    default_cases) >= (int)sizeof(try_dir)) {
		snprintf(err, errlen, "path too long: %s/../try",
			 default_cases);
		return -1;
	} else {
		o->cases_dir = try_dir;
	}
	if (!o->out_dir)
		return 0;
	if (snprintf(pcap_dir, sizeof(pcap_dir), "%s/pcap", o->out_dir) >=
	    (int)sizeof(pcap_dir)) {
		snprintf(err, errlen, "path too long: %s/pcap", o->out_dir);
		return -1;
	}
	if (make_dir(o->out_dir, err, errlen) < 0 ||
	    make_dir(pcap_dir, err, errlen) < 0)
		return -1;
	o->so.run.pcap_dir = pcap_dir;
	return 0;
}

/* resdoc_writer for the document, as run writes it. */
static int write_json(FILE *f, json_t *doc)
{
	if (json_dumpf(doc, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) < 0)
		return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

/* resdoc_writer for matrix.txt. */
static int write_matrix(FILE *f, json_t *doc)
{
	report_matrix(f, doc);
	return ferror(f) ? -1 : 0;
}

int try_write(const struct try_opts *o, json_t *doc, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (o->out_dir) {
		snprintf(path, sizeof(path), "%s/results.json", o->out_dir);
		if (resdoc_write_path(path, write_json, doc, err, errlen) < 0)
			return -1;
		snprintf(path, sizeof(path), "%s/matrix.txt", o->out_dir);
		if (resdoc_write_path(path, write_matrix, doc, err, errlen) < 0)
			return -1;
		snprintf(path, sizeof(path), "%s/index.html", o->out_dir);
		if (html_write_path(path, doc, NULL, err, errlen) < 0)
			return -1;
	}
	if (o->json_path &&
	    resdoc_write_path(o->json_path, write_json, doc, err, errlen) < 0)
		return -1;
	return 0;
}

/* The Ethernet header the capture's frame lengths include. */
#define ETH_HLEN_BYTES 14

json_t *try_run(struct try_opts *o, bool *usage, char *err, size_t errlen)
{
	struct case_def *cases = NULL;
	json_t *doc;
	int n, i, kept = 0;

	*usage = true;
	if (proc_command_check(o->command, err, errlen) < 0)
		return NULL;
	n = case_load_dir(o->cases_dir, catalog_vocab(), &cases, err, errlen);
	if (n < 0)
		return NULL;
	for (i = 0; i < n; i++) {
		struct case_def *d = &cases[i];

		if (o->family && d->family != o->family)
			continue;
		if (d->nprobes != 1 || strcmp(d->probes[0], "cmd") != 0) {
			snprintf(err, errlen,
				 "%s: a try case runs the probe cmd alone; "
				 "expected 'probes cmd'",
				 d->path);
			free(cases);
			return NULL;
		}
		cases[kept++] = *d;
	}
	if (kept == 0) {
		snprintf(err, errlen, "no try case of family %s under %s",
			 o->family == AF_INET6 ? "ipv6" : "ipv4", o->cases_dir);
		free(cases);
		return NULL;
	}
	*usage = false;
	o->so.run.probe_cmd = o->command;
	doc = suite_run(cases, kept, &o->so, err, errlen);
	free(cases);
	return doc;
}

/* Appends to out, cutting at its end. */
static void add(char *out, size_t size, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *out, size_t size, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *at, size - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at = *at + (size_t)n < size ? *at + (size_t)n : size - 1;
}

void try_last_line(const char *text, char *out, size_t size, size_t max)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	const unsigned char *end = s + strlen((const char *)s), *start;
	size_t at = 0;

	out[0] = '\0';
	/* The last line with something in it. */
	while (end > s && (end[-1] == '\n' || end[-1] == '\r' ||
			   end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (start = end; start > s && start[-1] != '\n'; start--)
		;
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	for (; start < end && at < max; start++) {
		if (*start < 0x20 || *start == 0x7f)
			add(out, size, &at, "\\x%02x", *start);
		else if (*start == 0xc2 && start + 1 < end &&
			 start[1] >= 0x80 && start[1] <= 0x9f) {
			/* A C1 control in UTF-8: terminals obey those too. */
			add(out, size, &at, "\\x%02x", start[1]);
			start++;
		} else if (at + 1 < size) {
			out[at++] = (char)*start;
			out[at] = '\0';
		}
	}
	if (start < end)
		add(out, size, &at, "...");
}

static const char *text_of(json_t *o, const char *key)
{
	return resdoc_str(o, key);
}

static long integer_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long)json_integer_value(v) : 0;
}

/* The wire column: the errors quoting the program's datagrams, grouped
 * by type, code and sender in order of first arrival ("3/3 x2 from
 * 203.0.113.2"), then how many errors on the wire quoted something else. */
static void wire_column(json_t *cell, json_t *kase, char *out, size_t size)
{
	json_t *wire = json_object_get(cell, "wire"), *e, *f, *pk;
	size_t i, j, at = 0, n = json_array_size(wire);
	long others = 0, count;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		e = json_array_get(wire, i);
		for (j = 0; j < i; j++) {
			f = json_array_get(wire, j);
			if (integer_of(e, "type") == integer_of(f, "type") &&
			    integer_of(e, "code") == integer_of(f, "code") &&
			    strcmp(text_of(e, "from"), text_of(f, "from")) == 0)
				break;
		}
		if (j < i)
			continue; /* counted with its first */
		for (count = 0, j = i; j < n; j++) {
			f = json_array_get(wire, j);
			count += integer_of(e, "type") ==
					 integer_of(f, "type") &&
				 integer_of(e, "code") ==
					 integer_of(f, "code") &&
				 strcmp(text_of(e, "from"),
					text_of(f, "from")) == 0;
		}
		/* ICMPv6 says so: 1/4 is not ICMPv4's 1/4. */
		add(out, size, &at, "%s%s%ld/%ld", at ? ", " : "",
		    resdoc_icmp_prefix(cell), integer_of(e, "type"),
		    integer_of(e, "code"));
		if (count > 1)
			add(out, size, &at, " x%ld", count);
		if (json_object_get(e, "mtu"))
			add(out, size, &at, " mtu %ld", integer_of(e, "mtu"));
		add(out, size, &at, " from %s", text_of(e, "from"));
	}
	if (!n)
		add(out, size, &at, "none");
	json_array_foreach(json_object_get(kase, "packets"), i, pk)
	{
		const char *cls = text_of(pk, "class");

		others += strcmp(cls, "error-other") == 0 ||
			  strcmp(cls, "error-malformed") == 0;
	}
	if (others)
		add(out, size, &at, " (+%ld not its own)", others);
}

/* The sent column: datagrams seen leaving, the largest one's IP size
 * (what a path MTU is measured against) and, for IPv4, whether they
 * carried DF (without it a router fragments instead of answering 3/4). */
static void sent_column(json_t *cell, json_t *kase, char *out, size_t size)
{
	long largest = 0, len;
	int df = 0, nodf = 0;
	json_t *pk;
	size_t i;

	json_array_foreach(json_object_get(kase, "packets"), i, pk)
	{
		if (strcmp(text_of(pk, "class"), "datagram") != 0 ||
		    strcmp(text_of(pk, "probe"), "cmd") != 0)
			continue;
		len = integer_of(pk, "len") - ETH_HLEN_BYTES;
		if (len > largest)
			largest = len;
		if (json_object_get(pk, "df")) {
			df += json_is_true(json_object_get(pk, "df"));
			nodf += !json_is_true(json_object_get(pk, "df"));
		}
	}
	if (largest)
		snprintf(out, size, "%ld (%ld B%s)",
			 resdoc_datagrams(cell) < 0 ? 0
						    : resdoc_datagrams(cell),
			 largest,
			 df && nodf ? ", some DF"
			 : df	    ? ", DF"
			 : nodf	    ? ", no DF"
				    : "");
	else
		snprintf(out, size, "%ld",
			 resdoc_datagrams(cell) < 0 ? 0
						    : resdoc_datagrams(cell));
}

/* The result column: the exit status, a signal, a timeout, or why the
 * row is an error. */
static void result_column(json_t *cell, char *out, size_t size)
{
	json_t *s = json_array_get(json_object_get(cell, "surfaced"), 0);
	const char *via = text_of(s, "via");

	if (strcmp(text_of(cell, "verdict"), "error") == 0)
		snprintf(out, size, "error");
	else if (json_object_get(cell, "timed_out_ms"))
		snprintf(out, size, "timed out after %ld ms",
			 integer_of(cell, "timed_out_ms"));
	else if (strcmp(via, "exit") == 0)
		snprintf(out, size, "exit %ld", integer_of(s, "errno"));
	else if (strcmp(via, "signal") == 0)
		snprintf(out, size, "killed by signal %ld",
			 integer_of(s, "errno"));
	else
		snprintf(out, size, "?");
}

int try_print(FILE *f, json_t *doc, const char *command)
{
	json_t *cells = json_object_get(doc, "cells"), *cell, *kase;
	char wire[256], sent[64], result[64], last[200], dur[32];
	const char *text;
	int errors = 0, marks = 0, w = 21;
	double total = 0;
	size_t i;

	/* The fault column as wide as the longest row name. */
	json_array_foreach(cells, i, cell)
		if ((int)strlen(text_of(cell, "case")) > w &&
		    strlen(text_of(cell, "case")) < 40)
			w = (int)strlen(text_of(cell, "case"));
	fprintf(f, "icmplab try: %s\n", command);
	fprintf(f, "  %-*s %-17s %-34s %-23s %8s  %s\n", w, "fault", "sent",
		"wire (errors quoting its datagrams)", "result", "time",
		"last line (stderr, else stdout)");
	json_array_foreach(cells, i, cell)
	{
		bool mark = json_is_true(json_object_get(cell, "unsurfaced"));

		kase = resdoc_case(doc, text_of(cell, "case"));
		wire_column(cell, kase, wire, sizeof(wire));
		sent_column(cell, kase, sent, sizeof(sent));
		result_column(cell, result, sizeof(result));
		if (strcmp(text_of(cell, "verdict"), "error") == 0) {
			errors++;
			text = text_of(cell, "reason");
			if (!text[0])
				text = text_of(kase, "error");
		} else {
			text = text_of(cell, "stderr");
			if (!text[0])
				text = text_of(cell, "stdout");
		}
		try_last_line(text, last, sizeof(last), 100);
		if (json_object_get(cell, "duration_ms")) {
			snprintf(dur, sizeof(dur), "%.0f ms",
				 json_number_value(
					 json_object_get(cell, "duration_ms")));
			total += json_number_value(
				json_object_get(cell, "duration_ms"));
		} else {
			snprintf(dur, sizeof(dur), "-");
		}
		marks += mark;
		fprintf(f, "%c %-*s %-17s %-34s %-23s %8s  %s\n",
			mark ? '!' : ' ', w, text_of(cell, "case"), sent, wire,
			result, dur, last[0] ? last : "-");
	}
	fprintf(f,
		"\n%zu faults, the program ran %.1f s in all; %d '!': an error "
		"quoting its own datagrams was on the wire and it exited 0 or "
		"timed out.\nsent: its datagrams seen leaving (the largest, IP "
		"bytes; DF: a router may not fragment them, so only those meet "
		"path_mtu's 3/4).\n'not its own': errors quoting datagrams it "
		"did not send (a forger's guess).\n",
		json_array_size(cells), total / 1000.0, marks);
	if (errors)
		fprintf(f,
			"%d row%s could not run the program (error): see "
			"the last line.\n",
			errors, errors == 1 ? "" : "s");
	return errors;
}
