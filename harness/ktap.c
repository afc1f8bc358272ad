/* KTAP from a results document: see ktap.h. */
#include "ktap.h"

#include <stdbool.h>
#include <string.h>

#include "resdoc.h"

/* A test name: ktap.rst allows any text but '#'; CI tools key results by
 * name, so only [A-Za-z0-9_-] is kept and nothing else can shift it. */
static const char *ktap_name(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		bool ok = (ch >= 'a' && ch <= 'z') ||
			  (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';

		buf[i] = ok ? (char)ch : '_';
	}
	buf[i] = '\0';
	if (i == 0 && len > 1)
		snprintf(buf, len, "unnamed");
	return buf;
}

/* Diagnostic text: one line; control bytes (a reason quoting a probe's
 * stderr may hold newlines) become spaces. */
static const char *one_line(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] =
			(unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
	buf[i] = '\0';
	return buf;
}

struct tally {
	int pass, fail, skip, error;
};

enum kind { K_PASS, K_FAIL, K_SKIP, K_ERROR };

static enum kind cell_kind(json_t *cell)
{
	const char *v = resdoc_str(cell, "verdict");

	if (strcmp(v, "pass") == 0 || strcmp(v, "info") == 0)
		return K_PASS;
	if (strcmp(v, "fail") == 0)
		return K_FAIL;
	if (strcmp(v, "skip") == 0)
		return K_SKIP;
	return K_ERROR; /* "error", or a verdict this writer does not know */
}

/* The diagnostic lines of a cell that is not a pass: what was expected,
 * what surfaced, what the wire carried, and why. */
static void cell_diag(FILE *f, const char *probe, json_t *cell, enum kind k)
{
	char a[1024], b[1024], line[1024];
	long dg = resdoc_datagrams(cell);
	const char *reason = resdoc_str(cell, "reason");

	fprintf(f, KTAP_INDENT "# %s: %s: expected %s; surfaced %s\n", probe,
		k == K_FAIL ? "fail" : "error",
		resdoc_expected_str(cell, a, sizeof(a)),
		resdoc_surfaced_str(cell, b, sizeof(b)));
	if (dg >= 0)
		fprintf(f, KTAP_INDENT "# %s: wire %s; %ld datagram%s sent\n",
			probe, resdoc_wire_str(cell, a, sizeof(a)), dg,
			dg == 1 ? "" : "s");
	else
		fprintf(f, KTAP_INDENT "# %s: wire %s\n", probe,
			resdoc_wire_str(cell, a, sizeof(a)));
	if (reason[0])
		fprintf(f, KTAP_INDENT "# %s: %s\n", probe,
			one_line(reason, line, sizeof(line)));
}

/* The subtests of the case named kase; adds them to t and to *all.
 * Returns the case's own result. */
static enum kind write_case(FILE *f, json_t *doc, const char *kase,
			    struct tally *all)
{
	json_t *cells = json_object_get(doc, "cells"), *c;
	struct tally t = {0};
	char name[128], line[1024];
	size_t i, n = resdoc_case_cells(doc, kase);
	int num = 0;

	fprintf(f, KTAP_INDENT "KTAP version 1\n" KTAP_INDENT "1..%zu\n", n);
	json_array_foreach(cells, i, c)
	{
		enum kind k;

		if (strcmp(resdoc_str(c, "case"), kase) != 0)
			continue;
		k = cell_kind(c);
		ktap_name(resdoc_str(c, "probe"), name, sizeof(name));
		num++;
		switch (k) {
		case K_PASS:
			t.pass++;
			fprintf(f, KTAP_INDENT "ok %d %s\n", num, name);
			break;
		case K_SKIP:
			t.skip++;
			one_line(resdoc_str(c, "reason"), line, sizeof(line));
			fprintf(f, KTAP_INDENT "ok %d %s # SKIP%s%s\n", num,
				name, line[0] ? " " : "", line);
			break;
		case K_FAIL:
		case K_ERROR:
			if (k == K_FAIL)
				t.fail++;
			else
				t.error++;
			cell_diag(f, name, c, k);
			fprintf(f, KTAP_INDENT "not ok %d %s\n", num, name);
			break;
		}
	}
	all->pass += t.pass;
	all->fail += t.fail;
	all->skip += t.skip;
	all->error += t.error;
	if (t.fail || t.error)
		return t.error ? K_ERROR : K_FAIL;
	if (t.skip && !t.pass)
		return K_SKIP;
	return K_PASS;
}

int ktap_write(FILE *f, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells"), *c, *seen;
	struct tally all = {0};
	char name[128], line[1024], mach[128];
	size_t i, ncases;
	int num = 0;

	/* The cases in the order of their cells (as the matrix's rows),
	 * each once. */
	seen = json_object();
	json_array_foreach(cells, i, c)
		json_object_set_new(seen, resdoc_str(c, "case"), json_true());
	ncases = json_object_size(seen);
	json_object_clear(seen);

	fprintf(f, "KTAP version 1\n");
	fprintf(f, "# icmplab: kernel %s %s, %zu cases, %zu cells\n",
		one_line(resdoc_str(doc, "kernel"), line, sizeof(line)),
		one_line(resdoc_str(doc, "machine"), mach, sizeof(mach)),
		ncases, json_array_size(cells));
	fprintf(f, "1..%zu\n", ncases);
	json_array_foreach(cells, i, c)
	{
		const char *kase = resdoc_str(c, "case");
		json_t *k;
		const char *why;

		if (json_object_get(seen, kase))
			continue;
		json_object_set_new(seen, kase, json_true());
		num++;
		ktap_name(kase, name, sizeof(name));
		switch (write_case(f, doc, kase, &all)) {
		case K_PASS:
			fprintf(f, "ok %d %s\n", num, name);
			break;
		case K_SKIP:
			fprintf(f, "ok %d %s # SKIP every cell skipped\n", num,
				name);
			break;
		case K_FAIL:
		case K_ERROR:
			k = resdoc_case(doc, kase);
			why = resdoc_str(k, "error");
			if (why[0])
				fprintf(f, "# %s: could not run: %s\n", name,
					one_line(why, line, sizeof(line)));
			fprintf(f, "not ok %d %s\n", num, name);
			break;
		}
	}
	json_decref(seen);
	/* The line kselftest's own helpers end with (ksft_finished). */
	fprintf(f,
		"# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:%d\n",
		all.pass, all.fail, all.skip, all.error);
	return ferror(f) ? -1 : 0;
}
