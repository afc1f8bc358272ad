/* Comparing results documents, and baselines: see diff.h. */
#include "diff.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "resdoc.h"

#define TEXT_MAX 2048

/* A cell's key: "CASE/PROBE" (neither name holds a '/'). */
static void cell_key(json_t *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", resdoc_str(c, "case"),
		 resdoc_str(c, "probe"));
}

static bool in_list(const char *const *list, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static bool in_scope(const struct diff_scope *s, json_t *doc, json_t *c)
{
	const char *kase = resdoc_str(c, "case");

	if (!s)
		return true;
	if (s->ncases && !in_list(s->cases, s->ncases, kase) &&
	    !in_list(s->cases, s->ncases,
		     resdoc_str(resdoc_case(doc, kase), "group")))
		return false;
	if (s->nprobes &&
	    !in_list(s->probes, s->nprobes, resdoc_str(c, "probe")))
		return false;
	/* A stored baseline's cells carry no family; their cases do. */
	if (s->family &&
	    strcmp(*resdoc_str(c, "family")
			   ? resdoc_str(c, "family")
			   : resdoc_str(resdoc_case(doc, kase), "family"),
		   s->family) != 0)
		return false;
	return true;
}

/* Two surfaced lists are the same when their items' tokens are, in order. */
static bool same_surfaced(json_t *a, json_t *b)
{
	json_t *x = json_object_get(a, "surfaced"),
	       *y = json_object_get(b, "surfaced");
	char s[256], t[256];
	size_t i;

	if (json_array_size(x) != json_array_size(y))
		return false;
	for (i = 0; i < json_array_size(x); i++)
		if (strcmp(resdoc_item_str(json_array_get(x, i), s, sizeof(s)),
			   resdoc_item_str(json_array_get(y, i), t,
					   sizeof(t))) != 0)
			return false;
	return true;
}

static bool same_wire(json_t *a, json_t *b)
{
	json_t *x = json_object_get(a, "wire"), *y = json_object_get(b, "wire");
	size_t i;

	if (json_array_size(x) != json_array_size(y))
		return false;
	for (i = 0; i < json_array_size(x); i++) {
		json_t *p = json_array_get(x, i), *q = json_array_get(y, i);

		if (json_integer_value(json_object_get(p, "type")) !=
			    json_integer_value(json_object_get(q, "type")) ||
		    json_integer_value(json_object_get(p, "code")) !=
			    json_integer_value(json_object_get(q, "code")))
			return false;
	}
	return true;
}

static bool same_expected(json_t *a, json_t *b)
{
	json_t *x = json_object_get(a, "expected"),
	       *y = json_object_get(b, "expected");

	/* Absent and null both say: no line applies to this kernel. */
	if (!json_is_array(x) || !json_is_array(y))
		return json_is_array(x) == json_is_array(y);
	return json_equal(x, y);
}

static void datagrams_str(json_t *c, char *buf, size_t len)
{
	long d = resdoc_datagrams(c);

	if (d < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%ld", d);
}

/* "; " between the parts of one line. */
static void sep(FILE *f, bool *first)
{
	if (!*first)
		fputs("; ", f);
	*first = false;
}

/* Writes the differing fields of one cell; returns whether there was one. */
static bool diff_cell(FILE *f, const char *key, json_t *a, json_t *b)
{
	char s[TEXT_MAX], t[TEXT_MAX];
	bool first = true;
	const char *va = resdoc_str(a, "verdict"),
		   *vb = resdoc_str(b, "verdict");

	if (strcmp(va, vb) != 0) {
		fprintf(f, "%s: ", key);
		sep(f, &first);
		fprintf(f, "verdict %s -> %s", va, vb);
	}
	if (!same_surfaced(a, b)) {
		if (first)
			fprintf(f, "%s: ", key);
		sep(f, &first);
		fprintf(f, "surfaced %s", resdoc_surfaced_str(a, s, sizeof(s)));
		fprintf(f, " -> %s", resdoc_surfaced_str(b, t, sizeof(t)));
	}
	if (!same_expected(a, b)) {
		if (first)
			fprintf(f, "%s: ", key);
		sep(f, &first);
		fprintf(f, "expected %s", resdoc_expected_str(a, s, sizeof(s)));
		fprintf(f, " -> %s", resdoc_expected_str(b, t, sizeof(t)));
	}
	if (resdoc_datagrams(a) != resdoc_datagrams(b)) {
		if (first)
			fprintf(f, "%s: ", key);
		sep(f, &first);
		datagrams_str(a, s, sizeof(s));
		datagrams_str(b, t, sizeof(t));
		fprintf(f, "datagrams %s -> %s", s, t);
	}
	if (!same_wire(a, b)) {
		if (first)
			fprintf(f, "%s: ", key);
		sep(f, &first);
		fprintf(f, "wire %s", resdoc_wire_str(a, s, sizeof(s)));
		fprintf(f, " -> %s", resdoc_wire_str(b, t, sizeof(t)));
	}
	if (!first)
		fputc('\n', f);
	return !first;
}

/* "CASE/PROBE" -> cell, for the cells of doc in scope. New reference. */
static json_t *index_cells(json_t *doc, const struct diff_scope *s)
{
	json_t *ix = json_object(), *c;
	char key[512];
	size_t i;

	json_array_foreach(json_object_get(doc, "cells"), i, c)
	{
		if (!in_scope(s, doc, c))
			continue;
		cell_key(c, key, sizeof(key));
		if (!json_object_get(ix, key)) /* the first of a duplicate */
			json_object_set(ix, key, c);
	}
	return ix;
}

int diff_results(FILE *f, json_t *old, json_t *new, const struct diff_scope *s,
		 struct diff_counts *k)
{
	json_t *oi = index_cells(old, s), *ni = index_cells(new, NULL), *c, *o;
	struct diff_counts n = {0};
	char key[512], sur[TEXT_MAX];
	const char *ok = resdoc_str(old, "kernel"),
		   *nk = resdoc_str(new, "kernel");
	size_t i;

	json_array_foreach(json_object_get(new, "cells"), i, c)
	{
		cell_key(c, key, sizeof(key));
		if (json_object_get(ni, key) != c)
			continue; /* a duplicate key: its first is compared */
		o = json_object_get(oi, key);
		if (!o) {
			n.added++;
			fprintf(f, "%s: added (%s; surfaced %s)\n", key,
				resdoc_str(c, "verdict"),
				resdoc_surfaced_str(c, sur, sizeof(sur)));
			continue;
		}
		n.compared++;
		if (diff_cell(f, key, o, c))
			n.changed++;
	}
	json_array_foreach(json_object_get(old, "cells"), i, c)
	{
		cell_key(c, key, sizeof(key));
		if (json_object_get(oi, key) != c || json_object_get(ni, key))
			continue;
		n.removed++;
		fprintf(f, "%s: removed (was %s; surfaced %s)\n", key,
			resdoc_str(c, "verdict"),
			resdoc_surfaced_str(c, sur, sizeof(sur)));
	}
	if (n.changed + n.added + n.removed == 0)
		fprintf(f, "no change: %d cells compared", n.compared);
	else
		fprintf(f,
			"%d changed, %d added, %d removed; %d cells compared",
			n.changed, n.added, n.removed, n.compared);
	if (strcmp(ok, nk) != 0)
		fprintf(f, " (kernel %s -> %s)", ok[0] ? ok : "?",
			nk[0] ? nk : "?");
	else if (ok[0])
		fprintf(f, " (kernel %s)", ok);
	fputc('\n', f);
	json_decref(oi);
	json_decref(ni);
	if (k)
		*k = n;
	return n.changed + n.added + n.removed;
}

/* A copy of the keys of o that are in keys, in that order. New reference. */
static json_t *pick(json_t *o, const char *const *keys)
{
	json_t *r = json_object(), *v;
	int i;

	for (i = 0; keys[i]; i++) {
		v = json_object_get(o, keys[i]);
		if (v)
			json_object_set(r, keys[i], v);
	}
	return r;
}

/* pick() on every object of an array. New reference. */
static json_t *pick_each(json_t *a, const char *const *keys)
{
	json_t *r = json_array(), *o;
	size_t i;

	json_array_foreach(a, i, o) json_array_append_new(r, pick(o, keys));
	return r;
}

json_t *diff_normalize(json_t *doc)
{
	static const char *const top[] = {"icmplab", "kernel", "machine", NULL};
	static const char *const kase[] = {"name",  "group",  "title", "family",
					   "fault", "params", "error", NULL};
	static const char *const cell[] = {"case",     "probe",	  "datagrams",
					   "expected", "verdict", "unsurfaced",
					   "reason",   NULL};
	static const char *const wire[] = {"type", "code", "mtu", NULL};
	static const char *const item[] = {"via",  "errno", "origin", "type",
					   "code", "info",  NULL};
	json_t *r = pick(doc, top), *cases = json_array(),
	       *cells = json_array();
	json_t *o, *c;
	size_t i;

	json_object_set_new(r, "normalized", json_true());
	if (json_object_get(doc, "summary"))
		json_object_set(r, "summary", json_object_get(doc, "summary"));
	json_array_foreach(json_object_get(doc, "cases"), i, o)
		json_array_append_new(cases, pick(o, kase));
	json_array_foreach(json_object_get(doc, "cells"), i, o)
	{
		c = pick(o, cell);
		/* In the document's order: wire and surfaced after datagrams.
		 */
		json_object_set_new(
			c, "wire", pick_each(json_object_get(o, "wire"), wire));
		json_object_set_new(
			c, "surfaced",
			pick_each(json_object_get(o, "surfaced"), item));
		json_array_append_new(cells, c);
	}
	json_object_set_new(r, "cases", cases);
	json_object_set_new(r, "cells", cells);
	return r;
}

static int dump_line(FILE *f, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER |
					JSON_ENCODE_ANY);

	if (!s)
		return -1;
	fputs(s, f);
	free(s);
	return 0;
}

int diff_write_baseline(FILE *f, json_t *doc)
{
	json_t *n = diff_normalize(doc), *v, *e;
	const char *key;
	size_t i;
	bool first = true;
	int rc = 0;

	fputs("{", f);
	json_object_foreach(n, key, v)
	{
		fprintf(f, "%s\n \"%s\": ", first ? "" : ",", key);
		first = false;
		if (!json_is_array(v) ||
		    (strcmp(key, "cases") != 0 && strcmp(key, "cells") != 0)) {
			rc |= dump_line(f, v);
			continue;
		}
		fputs("[", f);
		json_array_foreach(v, i, e)
		{
			fputs(i ? ",\n  " : "\n  ", f);
			rc |= dump_line(f, e);
		}
		fputs("\n ]", f);
	}
	fputs("\n}\n", f);
	json_decref(n);
	return rc < 0 || ferror(f) ? -1 : 0;
}
