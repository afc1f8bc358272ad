/* Terminal matrix: see report.h. */
#include "report.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "catalog.h"
#include "resdoc.h"

#define MAX_COLS 32
#define MAX_ROWS 512
/* The widest a block of the full matrix grows, in columns. */
#define MATRIX_WIDTH 132

static void cat(char *buf, size_t len, size_t *at, const char *s)
{
	int n;

	if (*at >= len)
		return;
	n = snprintf(buf + *at, len - *at, "%s", s);
	if (n > 0)
		*at += (size_t)n;
	if (*at >= len)
		*at = len - 1;
}

static const char *verdict_mark(const char *v)
{
	if (!v || strcmp(v, "pass") == 0 || strcmp(v, "info") == 0)
		return "";
	if (strcmp(v, "fail") == 0)
		return "X ";
	if (strcmp(v, "skip") == 0)
		return "S ";
	return "E ";
}

/* A cell as the matrix shows it: its first `shown` surfaced items, then
 * how many more (" +3"). */
static const char *cell_text(json_t *cell, size_t shown, char *buf,
			     size_t len)
{
	json_t *s = json_object_get(cell, "surfaced"), *e;
	const char *v = json_string_value(json_object_get(cell, "verdict"));
	size_t at = 0, i;
	char item[96];

	buf[0] = '\0';
	cat(buf, len, &at, verdict_mark(v));
	if (v && (strcmp(v, "skip") == 0 || strcmp(v, "error") == 0)) {
		cat(buf, len, &at, v);
		return buf;
	}
	if (json_array_size(s) == 0)
		cat(buf, len, &at, "-");
	json_array_foreach(s, i, e)
	{
		/* A sweep surfaces many: the terminal shows two and a count,
		 * the JSON has them all. */
		if (i == shown) {
			snprintf(item, sizeof(item), " +%zu",
				 json_array_size(s) - shown);
			cat(buf, len, &at, item);
			break;
		}
		const char *via = json_string_value(json_object_get(e, "via"));
		json_t *ev = json_object_get(e, "errno");
		const char *en = json_string_value(ev);
		char num[16];

		if (json_is_integer(ev)) { /* an exit status */
			snprintf(num, sizeof(num), "%d",
				 (int)json_integer_value(ev));
			en = num;
		} else if (json_is_null(ev)) { /* a raw packet */
			en = "-";
		}
		if (json_object_get(e, "type"))
			snprintf(item, sizeof(item), "%s%s:%s(%s%d/%d)",
				 i ? "," : "", via ? via : "?", en ? en : "?",
				 resdoc_icmp_prefix(cell),
				 (int)json_integer_value(json_object_get(e, "type")),
				 (int)json_integer_value(json_object_get(e, "code")));
		else
			snprintf(item, sizeof(item), "%s%s:%s", i ? "," : "",
				 via ? via : "?", en ? en : "?");
		cat(buf, len, &at, item);
	}
	if (json_is_true(json_object_get(cell, "unsurfaced")))
		cat(buf, len, &at, "!");
	return buf;
}

const char *report_cell_text(json_t *cell, char *buf, size_t len)
{
	return cell_text(cell, 1, buf, len);
}

void report_case_range(struct case_cells *cc, const char *kase,
		       size_t *from, size_t *to)
{
	json_t *cells = cc->cells;
	size_t n = json_array_size(cells), k, i;

	*from = *to = 0;
	for (k = 0; k < n; k++) {
		i = (cc->hint + k) % n;
		if (strcmp(resdoc_str(json_array_get(cells, i), "case"),
			   kase) != 0)
			continue;
		while (i > 0 && strcmp(resdoc_str(json_array_get(cells, i - 1),
						  "case"),
				       kase) == 0)
			i--;
		*from = i;
		for (*to = i + 1;
		     *to < n && strcmp(resdoc_str(json_array_get(cells, *to),
						  "case"),
				       kase) == 0;
		     (*to)++)
			;
		cc->hint = i;
		return;
	}
}

/* "3/3 x5" style summary of what the case's wire carried back. */
static void wire_summary(struct case_cells *cc, const char *name, char *buf,
			 size_t len)
{
	int seen[64][2], count[64], n = 0, k, sent = 0, errors = 0;
	size_t i, j, at = 0;
	json_t *c, *w;
	char tail[32] = "";
	const char *fam = "";
	size_t from, to;

	report_case_range(cc, name, &from, &to);
	for (i = from; i < to; i++) {
		c = json_array_get(cc->cells, i);
		fam = resdoc_icmp_prefix(c);
		sent += (int)json_integer_value(json_object_get(c, "datagrams"));
		errors += (int)json_array_size(json_object_get(c, "wire"));
		json_array_foreach(json_object_get(c, "wire"), j, w)
		{
			int t = (int)json_integer_value(json_object_get(w, "type"));
			int d = (int)json_integer_value(json_object_get(w, "code"));

			for (k = 0; k < n; k++)
				if (seen[k][0] == t && seen[k][1] == d)
					break;
			if (k == n && n < 64) {
				seen[n][0] = t;
				seen[n][1] = d;
				count[n++] = 0;
			}
			if (k < 64)
				count[k]++;
		}
	}
	buf[0] = '\0';
	/* Where errors and datagrams differ (rate limits, silences), both
	 * counts are the evidence. */
	if (errors != sent)
		snprintf(tail, sizeof(tail), " (%d sent)", sent);
	if (n == 0)
		cat(buf, len, &at, "silent");
	else
		cat(buf, len, &at, fam);
	if (n > 4) { /* a sweep: first..last kind, and how many in all */
		char s[64];
		int total = 0;

		for (k = 0; k < n; k++)
			total += count[k];
		snprintf(s, sizeof(s), "%d/%d..%d/%d x%d", seen[0][0],
			 seen[0][1], seen[n - 1][0], seen[n - 1][1], total);
		cat(buf, len, &at, s);
		cat(buf, len, &at, tail);
		return;
	}
	for (k = 0; k < n; k++) {
		char s[32];

		snprintf(s, sizeof(s), "%s%d/%d x%d", k ? " " : "", seen[k][0],
			 seen[k][1], count[k]);
		cat(buf, len, &at, s);
	}
	cat(buf, len, &at, tail);
}

static int find(const char **names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static int probe_rank(const char *name)
{
	const struct probe_def *d = probe_find(name);

	return d ? (int)(d - probe_defs) : 1 << 20;
}

static int by_probe_order(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int rx = probe_rank(x), ry = probe_rank(y);

	return rx != ry ? (rx > ry) - (rx < ry) : strcmp(x, y);
}

/* A probe's block in the full matrix: the udp styles, the ICMP sockets,
 * tcp, then anything else (a user command). */
static int probe_block(const char *name)
{
	if (strncmp(name, "udp-", 4) == 0)
		return 0;
	if (strncmp(name, "raw-", 4) == 0 || strncmp(name, "ping", 4) == 0)
		return 1;
	if (strncmp(name, "tcp-", 4) == 0)
		return 2;
	return 3;
}

static json_t *cell_at(struct case_cells *cc, const char *kase,
		       const char *probe)
{
	size_t i, from, to;

	report_case_range(cc, kase, &from, &to);
	for (i = from; i < to; i++) {
		json_t *c = json_array_get(cc->cells, i);
		const char *p = json_string_value(json_object_get(c, "probe"));

		if (p && strcmp(p, probe) == 0)
			return c;
	}
	return NULL;
}

/* The widths of one row of the full matrix: the case and wire columns
 * (w0, ww) and each probe column's (widths[k] for cols[k]); has[r] says
 * whether row r has a cell in any of cols. */
struct block_widths {
	int w0, ww, widths[MAX_COLS];
	bool has[MAX_ROWS];
};

static void block_measure(struct case_cells *cc, const char **cols, int ncols,
			  const char **rows, int nrows, struct block_widths *b)
{
	char buf[512], wire[128];
	int r, k;

	b->w0 = b->ww = 4;
	for (k = 0; k < ncols; k++)
		b->widths[k] = (int)strlen(cols[k]);
	for (r = 0; r < nrows; r++) {
		b->has[r] = false;
		for (k = 0; k < ncols; k++) {
			json_t *c = cell_at(cc, rows[r], cols[k]);
			int l;

			if (!c)
				continue;
			b->has[r] = true;
			l = (int)strlen(cell_text(c, 1, buf, sizeof(buf)));
			if (l > b->widths[k])
				b->widths[k] = l;
		}
		if (!b->has[r])
			continue;
		if ((int)strlen(rows[r]) > b->w0)
			b->w0 = (int)strlen(rows[r]);
		wire_summary(cc, rows[r], wire, sizeof(wire));
		if ((int)strlen(wire) > b->ww)
			b->ww = (int)strlen(wire);
	}
}

/* One block of the full matrix: the columns cols[0..ncols), the rows that
 * have a cell in one of them; no padding after a line's last cell. */
static void matrix_block(FILE *f, struct case_cells *cc, const char **cols,
			 int ncols,
			 const char **rows, int nrows)
{
	struct block_widths b;
	char buf[512], wire[128], line[MAX_COLS * 520];
	int r, k;

	block_measure(cc, cols, ncols, rows, nrows, &b);
	for (r = -1; r < nrows; r++) {
		size_t at;

		if (r >= 0 && !b.has[r])
			continue;
		if (r >= 0)
			wire_summary(cc, rows[r], wire, sizeof(wire));
		at = (size_t)snprintf(line, sizeof(line), "%-*s  %-*s", b.w0,
				      r < 0 ? "case" : rows[r], b.ww,
				      r < 0 ? "wire" : wire);
		for (k = 0; k < ncols && at < sizeof(line); k++) {
			json_t *c = r < 0 ? NULL : cell_at(cc, rows[r],
							   cols[k]);
			const char *t = r < 0 ? cols[k]
				: c ? cell_text(c, 1, buf, sizeof(buf)) : "";
			int n = snprintf(line + at, sizeof(line) - at,
					 "  %-*s", b.widths[k], t);

			if (n > 0)
				at += (size_t)n;
		}
		if (at >= sizeof(line))
			at = sizeof(line) - 1;
		while (at > 0 && line[at - 1] == ' ')
			at--;
		fprintf(f, "%.*s\n", (int)at, line);
	}
}

/* Each claim once, with how many cells confirm and refute it. */
static void report_claims(FILE *f, json_t *cells)
{
	const char *texts[MAX_ROWS];
	int yes[MAX_ROWS], no[MAX_ROWS], n = 0, k;
	json_t *c;
	size_t i;

	json_array_foreach(cells, i, c)
	{
		json_t *claim = json_object_get(c, "claim");
		const char *t = json_string_value(json_object_get(claim, "text"));

		if (!t)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(texts[k], t) == 0)
				break;
		if (k == n) {
			if (n == MAX_ROWS)
				continue;
			texts[n] = t;
			yes[n] = no[n] = 0;
			n++;
		}
		if (json_is_true(json_object_get(claim, "holds")))
			yes[k]++;
		else
			no[k]++;
	}
	for (k = 0; k < n; k++) {
		char line[2048];

		/* "SOURCE: statement", as the case language requires. */
		const char *colon = strstr(texts[k], ": ");

		if (colon)
			snprintf(line, sizeof(line), "%.*s says: \"%s\"",
				 (int)(colon - texts[k]), texts[k], colon + 2);
		else
			snprintf(line, sizeof(line), "claim: \"%s\"",
				 texts[k]);
		fputc('\n', f);
		answer_wrap(f, 0, 2, line);
		fprintf(f, "  confirmed by %d cell%s, refuted by %d on this "
			   "kernel\n",
			yes[k], yes[k] == 1 ? "" : "s", no[k]);
	}
}

/* Every cell that is not a pass, in detail. */
static void report_details(FILE *f, json_t *cells)
{
	json_t *c;
	char buf[4096];
	size_t i;

	json_array_foreach(cells, i, c)
	{
		const char *v = json_string_value(json_object_get(c, "verdict"));
		json_t *exp = json_object_get(c, "expected"), *x;
		const char *reason =
			json_string_value(json_object_get(c, "reason"));
		size_t j;

		if (v && (strcmp(v, "pass") == 0 || strcmp(v, "info") == 0))
			continue;
		fprintf(f, "\n%s %s / %s\n", v ? v : "error",
			json_string_value(json_object_get(c, "case")),
			json_string_value(json_object_get(c, "probe")));
		/* Every item, as expected lists them all. */
		fprintf(f, "  surfaced: %s\n",
			cell_text(c, SIZE_MAX - 1, buf, sizeof(buf)));
		fprintf(f, "  expected:");
		if (json_is_array(exp) && json_array_size(exp) == 0)
			fprintf(f, " none");
		else if (!json_is_array(exp))
			fprintf(f, " (no expectation for this kernel)");
		json_array_foreach(exp, j, x)
			fprintf(f, " %s", json_string_value(x));
		fputc('\n', f);
		if (reason)
			fprintf(f, "  reason:   %s\n", reason);
	}
}

void report_matrix(FILE *f, json_t *results)
{
	json_t *cells = json_object_get(results, "cells"), *c;
	struct case_cells cc = {cells, 0};
	const char *cols[MAX_COLS], *rows[MAX_ROWS];
	struct block_widths all;
	int ncols = 0, nrows = 0, from, to;
	size_t i;

	json_array_foreach(cells, i, c)
	{
		const char *p = json_string_value(json_object_get(c, "probe"));
		const char *cn = json_string_value(json_object_get(c, "case"));

		if (!p || !cn)
			continue;
		if (find(cols, ncols, p) < 0 && ncols < MAX_COLS)
			cols[ncols++] = p;
		if (find(rows, nrows, cn) < 0 && nrows < MAX_ROWS)
			rows[nrows++] = cn;
	}
	/* Columns in the probe table's order, whatever order cases list
	 * them in; blocks of one probe group, as many columns as fit in
	 * MATRIX_WIDTH (measured once over every row: an upper bound), so
	 * that a block can be read on a wide terminal or a printed page. */
	qsort(cols, (size_t)ncols, sizeof(cols[0]), by_probe_order);
	block_measure(&cc, cols, ncols, rows, nrows, &all);
	for (from = 0; from < ncols; from = to) {
		int w = all.w0 + 2 + all.ww + 2 + all.widths[from];

		for (to = from + 1; to < ncols &&
				    probe_block(cols[to]) ==
					    probe_block(cols[from]) &&
				    w + 2 + all.widths[to] <= MATRIX_WIDTH;
		     to++)
			w += 2 + all.widths[to];
		if (from)
			fputc('\n', f);
		matrix_block(f, &cc, cols + from, to - from, rows, nrows);
	}
	fprintf(f,
		"\nVIA:ERRNO what the socket said and through which call, in "
		"order; errqueue entries\n"
		"  show (type/code); +N that many more items after the first "
		"(results.json has them all)\n"
		"-  nothing surfaced    !  an ICMP error for this socket was "
		"on the wire and the socket\n"
		"   never said so    blank  the case does not run that probe\n"
		"X  differs from the expectation    S  skipped    E  could not "
		"run\n"
		"a cell without X, S or E passed, or is info: a command's "
		"result, shown but not judged\n"
		"wire: ICMP type/code x how many came back for the case's "
		"datagrams (how many were sent)\n");
	report_claims(f, cells);
	report_details(f, cells);
}

void report_short(FILE *f, json_t *results)
{
	json_t *cells = json_object_get(results, "cells");

	if (answer_short(f, results) == 0)
		fprintf(f, "(no core fault in this run: the short answer needs "
			   "one; --matrix full shows every cell)\n");
	answer_groups(f, results);
	report_claims(f, cells);
	report_details(f, cells);
	fprintf(f, "\nEvery cell: --matrix full (and matrix.txt with --out); "
		   "one cell: icmplab why STYLE FAULT\n");
}
