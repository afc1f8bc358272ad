/* Reading a results document: see resdoc.h. */
#include "resdoc.h"
#include "outfile.h"

#include <errno.h>
#include <string.h>

/* Appends s to buf at *at; past the end, the text ends in "...". */
static void put(char *buf, size_t len, size_t *at, const char *s)
{
	size_t n = strlen(s);

	if (*at + 1 >= len)
		return;
	if (*at + n + 1 > len) {
		memcpy(buf + *at, s, len - 1 - *at);
		*at = len - 1;
		buf[*at] = '\0';
		if (len >= 4)
			memcpy(buf + len - 4, "...", 3);
		return;
	}
	memcpy(buf + *at, s, n + 1);
	*at += n;
}

/* Keeps doc when it has the shape every reader relies on; else drops it
 * and returns NULL with err naming path. */
static json_t *check_doc(json_t *doc, json_error_t *e, const char *path,
			 char *err, size_t errlen)
{
	json_t *cells, *c;
	size_t i;

	if (!doc) {
		if (e->line > 0)
			snprintf(err, errlen, "%s: line %d: %s", path, e->line,
				 e->text);
		else
			snprintf(err, errlen, "%s: %s", path, e->text);
		return NULL;
	}
	cells = json_object_get(doc, "cells");
	if (!json_is_array(cells)) {
		snprintf(err, errlen,
			 "%s: not a results document: no \"cells\" array "
			 "(see docs/results.md)",
			 path);
		json_decref(doc);
		return NULL;
	}
	json_array_foreach(cells, i, c)
	{
		if (!json_is_string(json_object_get(c, "case")) ||
		    !json_is_string(json_object_get(c, "probe"))) {
			snprintf(err, errlen,
				 "%s: not a results document: cell %zu has "
				 "no string \"case\" and \"probe\"",
				 path, i);
			json_decref(doc);
			return NULL;
		}
	}
	return doc;
}

json_t *resdoc_load(const char *path, char *err, size_t errlen)
{
	json_error_t e;
	json_t *doc;

	doc = strcmp(path, "-") == 0 ? json_loadf(stdin, 0, &e)
				     : json_load_file(path, 0, &e);
	return check_doc(doc, &e, path, err, errlen);
}

json_t *resdoc_load_buf(const char *name, const char *buf, size_t len,
			char *err, size_t errlen)
{
	json_error_t e;

	return check_doc(json_loadb(buf, len, 0, &e), &e, name, err, errlen);
}

const char *resdoc_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The last document's index: each case by name, and how many cells each
 * has. Looking a case up by walking the cases, once for each of a whole
 * run's 2011 cells, made writing its reports quadratic (a tenth of a
 * second). The arrays indexed are held, so that their addresses cannot
 * come back as another document's while the index stands; a change in
 * their length builds it again. */
static struct {
	json_t *cases, *cells; /* held */
	size_t ncases, ncells;
	json_t *by_name; /* name -> {"case": CASE, "cells": n} */
} ix;

static json_t *indexed(json_t *doc, const char *name)
{
	json_t *cases = json_object_get(doc, "cases");
	json_t *cells = json_object_get(doc, "cells");
	json_t *k, *e;
	size_t i;

	if (!json_is_array(cases))
		return NULL;
	if (cases != ix.cases || cells != ix.cells ||
	    json_array_size(cases) != ix.ncases ||
	    json_array_size(cells) != ix.ncells) {
		json_decref(ix.cases);
		json_decref(ix.cells);
		json_decref(ix.by_name);
		ix.cases = json_incref(cases);
		ix.cells = json_incref(cells);
		ix.ncases = json_array_size(cases);
		ix.ncells = json_array_size(cells);
		ix.by_name = json_object();
		/* The first of a name wins, as a walk would find it. */
		json_array_foreach(cases, i, k)
		{
			if (!json_object_get(ix.by_name, resdoc_str(k, "name")))
				json_object_set_new(
					ix.by_name, resdoc_str(k, "name"),
					json_pack("{s:O, s:i}", "case", k,
						  "cells", 0));
		}
		json_array_foreach(cells, i, k)
		{
			e = json_object_get(ix.by_name, resdoc_str(k, "case"));
			if (!e) {
				e = json_pack("{s:n, s:i}", "case", "cells", 0);
				json_object_set_new(ix.by_name,
						    resdoc_str(k, "case"), e);
			}
			json_object_set_new(
				e, "cells",
				json_integer(json_integer_value(
						     json_object_get(e, "cells")) +
					     1));
		}
	}
	return json_object_get(ix.by_name, name);
}

/* Below this many cases a walk costs less than building an index: the
 * one-case documents the HTML report makes for each case as it comes in. */
#define INDEX_FROM 64

json_t *resdoc_case(json_t *doc, const char *name)
{
	json_t *cases = json_object_get(doc, "cases"), *k;
	size_t i;

	if (json_array_size(cases) < INDEX_FROM) {
		json_array_foreach(cases, i, k)
		{
			if (strcmp(resdoc_str(k, "name"), name) == 0)
				return k;
		}
		return NULL;
	}
	k = json_object_get(indexed(doc, name), "case");
	return json_is_object(k) ? k : NULL;
}

size_t resdoc_case_cells(json_t *doc, const char *name)
{
	json_t *c;
	size_t i, n = 0;

	if (json_array_size(json_object_get(doc, "cases")) >= INDEX_FROM)
		return (size_t)json_integer_value(
			json_object_get(indexed(doc, name), "cells"));
	json_array_foreach(json_object_get(doc, "cells"), i, c)
	{
		if (strcmp(resdoc_str(c, "case"), name) == 0)
			n++;
	}
	return n;
}

const char *resdoc_item_str(json_t *item, char *buf, size_t len)
{
	json_t *ev = json_object_get(item, "errno");
	const char *via = resdoc_str(item, "via");
	char en[32];

	if (!buf || len == 0)
		return "";
	if (json_is_string(ev))
		snprintf(en, sizeof(en), "%s", json_string_value(ev));
	else if (json_is_integer(ev)) /* an exit status */
		snprintf(en, sizeof(en), "%lld",
			 (long long)json_integer_value(ev));
	else /* null: no errno (a raw packet, a call that succeeded) */
		snprintf(en, sizeof(en), "-");
	if (!json_is_integer(json_object_get(item, "type"))) {
		snprintf(buf, len, "%s:%s", via[0] ? via : "?", en);
		return buf;
	}
	snprintf(buf, len, "%s:%s/%s/%lld/%lld", via[0] ? via : "?", en,
		 json_is_string(json_object_get(item, "origin"))
			 ? resdoc_str(item, "origin")
			 : "?",
		 (long long)json_integer_value(json_object_get(item, "type")),
		 (long long)json_integer_value(json_object_get(item, "code")));
	return buf;
}

const char *resdoc_surfaced_str(json_t *cell, char *buf, size_t len)
{
	json_t *s = json_object_get(cell, "surfaced"), *e;
	char item[128];
	size_t at = 0, i;

	if (!buf || len == 0)
		return "";
	buf[0] = '\0';
	if (json_array_size(s) == 0) {
		put(buf, len, &at, "none");
		return buf;
	}
	json_array_foreach(s, i, e)
	{
		if (i)
			put(buf, len, &at, " ");
		put(buf, len, &at, resdoc_item_str(e, item, sizeof(item)));
	}
	return buf;
}

const char *resdoc_expected_str(json_t *cell, char *buf, size_t len)
{
	json_t *x = json_object_get(cell, "expected"), *e;
	size_t at = 0, i;

	if (!buf || len == 0)
		return "";
	buf[0] = '\0';
	if (!json_is_array(x)) {
		put(buf, len, &at, "no expectation for this kernel");
		return buf;
	}
	if (json_array_size(x) == 0) {
		put(buf, len, &at, "none");
		return buf;
	}
	json_array_foreach(x, i, e)
	{
		if (i)
			put(buf, len, &at, " ");
		put(buf, len, &at,
		    json_is_string(e) ? json_string_value(e) : "?");
	}
	return buf;
}

const char *resdoc_icmp_prefix(json_t *cell)
{
	const char *f = json_string_value(json_object_get(cell, "family"));

	return f && strcmp(f, "ipv6") == 0 ? "icmp6 " : "";
}

const char *resdoc_wire_str(json_t *cell, char *buf, size_t len)
{
	json_t *w = json_object_get(cell, "wire"), *e;
	long long t = -1, d = -1, tt, dd;
	size_t at = 0, i, run = 0, base;
	char s[64];

	if (!buf || len == 0)
		return "";
	buf[0] = '\0';
	if (json_array_size(w) == 0) {
		put(buf, len, &at, "silent");
		return buf;
	}
	put(buf, len, &at, resdoc_icmp_prefix(cell));
	base = at;
	/* One pass, one element late: a run is written when the next kind
	 * differs, the last one after the loop. */
	json_array_foreach(w, i, e)
	{
		tt = json_integer_value(json_object_get(e, "type"));
		dd = json_integer_value(json_object_get(e, "code"));
		if (run && tt == t && dd == d) {
			run++;
			continue;
		}
		if (run) {
			snprintf(s, sizeof(s), "%s%lld/%lld x%zu",
				 at > base ? " " : "", t, d, run);
			put(buf, len, &at, s);
		}
		t = tt;
		d = dd;
		run = 1;
	}
	snprintf(s, sizeof(s), "%s%lld/%lld x%zu", at > base ? " " : "", t, d,
		 run);
	put(buf, len, &at, s);
	return buf;
}

long resdoc_datagrams(json_t *cell)
{
	json_t *d = json_object_get(cell, "datagrams");

	return json_is_integer(d) ? (long)json_integer_value(d) : -1;
}

double resdoc_cell_seconds(json_t *doc, json_t *cell)
{
	json_t *own = json_object_get(cell, "duration_ms"), *k, *d;
	const char *name = resdoc_str(cell, "case");
	size_t n;

	if (json_is_number(own))
		return json_number_value(own) / 1000.0;
	k = resdoc_case(doc, name);
	d = json_object_get(k, "duration_ms");
	n = resdoc_case_cells(doc, name);
	if (!json_is_number(d) || n == 0)
		return 0.0;
	return json_number_value(d) / 1000.0 / (double)n;
}

int resdoc_write_path(const char *path, resdoc_writer w, json_t *doc, char *err,
		      size_t errlen)
{
	struct outfile o;
	int bad, saved;

	if (strcmp(path, "-") == 0) {
		errno = 0;
		bad = w(stdout, doc) < 0 || ferror(stdout);
		saved = errno;
		if (fflush(stdout) == EOF) {
			bad = 1;
			saved = errno;
		}
		if (bad)
			snprintf(err, errlen, "cannot write standard output: %s",
				 saved ? strerror(saved) : "write error");
		return bad ? -1 : 0;
	}
	/* A temporary name renamed into place, never through a link
	 * (outfile.h). */
	if (outfile_open(&o, path, err, errlen) < 0)
		return -1;
	if (w(o.f, doc) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 errno ? strerror(errno) : "write error");
		outfile_abort(&o);
		return -1;
	}
	return outfile_commit(&o, err, errlen);
}
