/* JUnit XML from a results document: see junit.h. */
#include "junit.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resdoc.h"

/* The length of the UTF-8 sequence at s (1 to 4) when it is well formed
 * and names a character XML 1.0 allows (Char production: no C0 controls
 * but tab, LF and CR; no surrogates; no U+FFFE or U+FFFF); 0 otherwise.
 * Overlong forms are refused as RFC 3629 section 3 requires. */
static int xml_char(const unsigned char *s, uint32_t *cp)
{
	int n, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		if (s[0] < 0x20 && s[0] != '\t' && s[0] != '\n' && s[0] != '\r')
			return 0;
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07u;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	if ((c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return 0;
	*cp = c;
	return n;
}

int junit_escape(FILE *f, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	int n;

	while (*p) {
		n = xml_char(p, &cp);
		if (n == 0) {
			/* A control byte has no XML form at all: dropped. A
			 * broken sequence is one replacement character. */
			if (*p >= 0x80)
				fputs("\xef\xbf\xbd", f);
			p++;
			continue;
		}
		switch (cp) {
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
			fputs("&apos;", f);
			break;
		case '\r': /* a raw CR is read back as LF */
			fputs("&#13;", f);
			break;
		case '\n': /* in an attribute, a raw one is read back as a space
			    */
		case '\t':
			if (attr)
				fprintf(f, "&#%u;", (unsigned)cp);
			else
				fputc((int)cp, f);
			break;
		default:
			fwrite(p, 1, (size_t)n, f);
		}
		p += n;
	}
	return ferror(f) ? -1 : 0;
}

/* attr="value" with the value escaped, and a space before it. */
static void attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	junit_escape(f, value, true);
	fputc('"', f);
}

struct counts {
	size_t tests, failures, errors, skipped;
	double seconds;
};

static void count_cell(json_t *doc, json_t *c, struct counts *k)
{
	const char *v = resdoc_str(c, "verdict");

	k->tests++;
	if (strcmp(v, "fail") == 0)
		k->failures++;
	else if (strcmp(v, "skip") == 0)
		k->skipped++;
	else if (strcmp(v, "pass") != 0 && strcmp(v, "info") != 0)
		k->errors++;
	k->seconds += resdoc_cell_seconds(doc, c);
}

static void counts_attrs(FILE *f, const struct counts *k)
{
	fprintf(f,
		" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		"skipped=\"%zu\" time=\"%.3f\"",
		k->tests, k->failures, k->errors, k->skipped, k->seconds);
}

/* An absolute path for the capture: CI servers resolve attachments from
 * the workspace, not from where icmplab ran. */
static const char *abs_path(const char *p, char *buf, size_t len)
{
	char cwd[PATH_MAX];

	if (p[0] == '/')
		return p;
	if (realpath(p, buf) && strlen(buf) < len)
		return buf;
	if (!getcwd(cwd, sizeof(cwd)))
		return p;
	snprintf(buf, len, "%s/%s", cwd, p);
	return buf;
}

static void write_cell(FILE *f, json_t *doc, json_t *c, const char *group)
{
	const char *v = resdoc_str(c, "verdict");
	const char *reason = resdoc_str(c, "reason");
	const char *pcap =
		resdoc_str(resdoc_case(doc, resdoc_str(c, "case")), "pcap");
	char name[512], exp[1024], sur[1024], wire[512], msg[2600];
	char path[PATH_MAX + 256];
	long dg = resdoc_datagrams(c);
	bool fail = strcmp(v, "fail") == 0;
	bool skip = strcmp(v, "skip") == 0;
	bool pass = strcmp(v, "pass") == 0 || strcmp(v, "info") == 0;

	snprintf(name, sizeof(name), "%s/%s", resdoc_str(c, "case"),
		 resdoc_str(c, "probe"));
	fputs("    <testcase", f);
	attr(f, "classname", group);
	attr(f, "name", name);
	fprintf(f, " time=\"%.3f\">\n", resdoc_cell_seconds(doc, c));
	resdoc_expected_str(c, exp, sizeof(exp));
	resdoc_surfaced_str(c, sur, sizeof(sur));
	resdoc_wire_str(c, wire, sizeof(wire));
	if (skip) {
		fputs("      <skipped", f);
		attr(f, "message", reason);
		fputs("/>\n", f);
	} else if (!pass) {
		const char *tag = fail ? "failure" : "error";

		if (fail || !reason[0])
			snprintf(msg, sizeof(msg), "expected %s; surfaced %s",
				 exp, sur);
		else
			snprintf(msg, sizeof(msg), "%s", reason);
		fprintf(f, "      <%s", tag);
		attr(f, "message", msg);
		attr(f, "type", v[0] ? v : "error");
		fputs(">", f);
		snprintf(msg, sizeof(msg),
			 "expected: %s\nsurfaced: %s\nwire: %s\n", exp, sur,
			 wire);
		junit_escape(f, msg, false);
		if (dg >= 0)
			fprintf(f, "datagrams: %ld\n", dg);
		if (reason[0]) {
			fputs("reason: ", f);
			junit_escape(f, reason, false);
			fputc('\n', f);
		}
		fprintf(f, "</%s>\n", tag);
	}
	if (pcap[0]) {
		/* Jenkins' JUnit attachments plugin and GitLab both read this
		 * marker from the test's standard output. */
		fputs("      <system-out>[[ATTACHMENT|", f);
		junit_escape(f, abs_path(pcap, path, sizeof(path)), false);
		fputs("]]\n</system-out>\n", f);
	}
	fputs("    </testcase>\n", f);
}

int junit_write(FILE *f, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells"), *c, *d, *groups;
	struct counts all = {0};
	const char *g;
	size_t i, j;

	/* Group of each cell, from its case; groups in order of first
	 * appearance. A cell whose case is not listed is its own group. */
	groups = json_array();
	json_array_foreach(cells, i, c)
	{
		bool known = false;

		g = resdoc_str(resdoc_case(doc, resdoc_str(c, "case")),
			       "group");
		if (!g[0])
			g = resdoc_str(c, "case");
		json_array_foreach(groups, j, d)
		{
			if (strcmp(json_string_value(d), g) == 0) {
				known = true;
				break;
			}
		}
		if (!known)
			json_array_append_new(groups, json_string(g));
		count_cell(doc, c, &all);
	}

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	attr(f, "name", "icmplab");
	counts_attrs(f, &all);
	fputs(">\n", f);
	json_array_foreach(groups, j, d)
	{
		struct counts k = {0};
		const char *group = json_string_value(d);

		json_array_foreach(cells, i, c)
		{
			g = resdoc_str(resdoc_case(doc, resdoc_str(c, "case")),
				       "group");
			if (strcmp(g[0] ? g : resdoc_str(c, "case"), group) ==
			    0)
				count_cell(doc, c, &k);
		}
		fputs("  <testsuite", f);
		attr(f, "name", group);
		counts_attrs(f, &k);
		fputs(">\n    <properties>\n      <property name=\"kernel\"",
		      f);
		attr(f, "value", resdoc_str(doc, "kernel"));
		fputs("/>\n    </properties>\n", f);
		json_array_foreach(cells, i, c)
		{
			g = resdoc_str(resdoc_case(doc, resdoc_str(c, "case")),
				       "group");
			if (strcmp(g[0] ? g : resdoc_str(c, "case"), group) ==
			    0)
				write_cell(f, doc, c, group);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	json_decref(groups);
	return ferror(f) ? -1 : 0;
}
