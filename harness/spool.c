/* A run's outputs written as its cases come in: see spool.h. */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "html.h"

/* The layout of json_dumpf(JSON_INDENT(1) | JSON_PRESERVE_ORDER): a value
 * of its own starts every line it breaks with one space per level; the
 * same value depth levels down has depth more. A newline inside a string
 * is written as "\n", so every newline jansson writes is one of its line
 * breaks. */
#define DUMP_FLAGS (JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)

struct deeper {
	FILE *f;
	int depth;
};

static int put_deeper(const char *buf, size_t len, void *arg)
{
	struct deeper *d = arg;
	const char *nl;

	while (len && (nl = memchr(buf, '\n', len))) {
		size_t k = (size_t)(nl - buf) + 1;

		if (fwrite(buf, 1, k, d->f) != k ||
		    fprintf(d->f, "%*s", d->depth, "") < 0)
			return -1;
		buf += k;
		len -= k;
	}
	return len && fwrite(buf, 1, len, d->f) != len ? -1 : 0;
}

int spool_dump_at(FILE *f, json_t *v, int depth)
{
	struct deeper d = {f, depth};

	return json_dump_callback(v, put_deeper, &d, DUMP_FLAGS);
}

/* An unlinked temporary file in dir: gone with the process, whatever
 * stops it. */
static FILE *temp_file(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	FILE *f;
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* A file system without O_TMPFILE: a name, removed at once. */
		snprintf(path, sizeof(path), "%s/.icmplab-spool.XXXXXX", dir);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
	}
	if (fd < 0 || !(f = fdopen(fd, "w+"))) {
		snprintf(err, errlen, "cannot make a temporary file in %s: %s",
			 dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return f;
}

int spool_open(struct spool *s, json_t *head, const char *dir, bool json,
	       const char *const *html_bases, int nhtml, char *err,
	       size_t errlen)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->doc = head;
	s->json = json;
	s->keep_cells = true;
	json_object_set_new(s->doc, "cases", json_array());
	json_object_set_new(s->doc, "cells", json_array());
	if (nhtml > SPOOL_MAX_HTML) {
		snprintf(err, errlen, "at most %d HTML reports",
			 SPOOL_MAX_HTML);
		return -1;
	}
	if (json && (!(s->cases.f = temp_file(dir, err, errlen)) ||
		     !(s->cells.f = temp_file(dir, err, errlen))))
		return -1;
	for (i = 0; i < nhtml; i++) {
		struct spool_html *h = &s->html[i];

		s->nhtml++;
		h->base = html_bases[i] ? strdup(html_bases[i]) : NULL;
		if (!(h->f = temp_file(dir, err, errlen)))
			return -1;
	}
	return 0;
}

static void failed(struct spool *s, const char *what)
{
	if (!s->err[0])
		snprintf(s->err, sizeof(s->err), "cannot write the %s: %s",
			 what, errno ? strerror(errno) : "write failed");
}

static void array_add(struct spool *s, struct spool_array *a, json_t *v)
{
	if (fputs(a->n ? ",\n  " : "\n  ", a->f) == EOF ||
	    spool_dump_at(a->f, v, 2) < 0) {
		s->broken = true;
		failed(s, "results document's temporary file");
	}
	a->n++;
}

static void html_add(struct spool *s, struct spool_html *h, json_t *res)
{
	json_t *mini = json_object(), *kase = json_object_get(res, "case");

	if (h->ncases + 2 > h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		long *off = realloc(h->off, cap * sizeof(*off));

		if (!off) {
			h->broken = true;
			failed(s, "HTML report (out of memory)");
			json_decref(mini);
			return;
		}
		h->off = off;
		h->cap = cap;
	}
	/* The case's section reads the case by name and its cells from a
	 * document: this case's alone is enough (html_case). */
	json_object_set(mini, "kernel", json_object_get(s->doc, "kernel"));
	json_object_set(mini, "machine", json_object_get(s->doc, "machine"));
	json_object_set_new(mini, "cases", json_pack("[O]", kase));
	json_object_set(mini, "cells", json_object_get(res, "cells"));
	h->off[h->ncases] = ftell(h->f);
	if (h->off[h->ncases] < 0 || html_case(h->f, mini, kase, h->base) < 0) {
		h->broken = true;
		failed(s, "HTML report's temporary file");
	}
	h->ncases++;
	h->off[h->ncases] = ftell(h->f);
	json_decref(mini);
}

static bool dropped(const char *key, const char *const *drop)
{
	for (; *drop; drop++)
		if (strcmp(key, *drop) == 0)
			return true;
	return false;
}

static json_t *slim(json_t *o, const char *const *drop)
{
	json_t *out = json_object(), *v;
	const char *key;

	json_object_foreach(o, key, v) if (!dropped(key, drop))
		json_object_set(out, key, v);
	return out;
}

json_t *spool_slim_case(json_t *kase)
{
	static const char *const drop[] = {"packets", "topology", NULL};

	return slim(kase, drop);
}

/* The items of an array, each with only the keys given. */
static json_t *pick_each(json_t *a, const char *const *keep)
{
	json_t *out = json_array(), *x, *o, *v;
	size_t i;
	int k;

	json_array_foreach(a, i, x)
	{
		o = json_object();
		for (k = 0; keep[k]; k++)
			if ((v = json_object_get(x, keep[k])))
				json_object_set(o, keep[k], v);
		json_array_append_new(out, o);
	}
	return out;
}

json_t *spool_slim_cell(json_t *cell)
{
	static const char *const drop[] = {
		"events", "stdout", "stderr", "command",  "explain",
		"why",	  "refs",   "wire",   "surfaced", "seen_for_others",
		NULL};
	/* What the reports and the comparison read of an item (report.c,
	 * answer.c, resdoc.c, diff.c): the wire's ICMP type/code list, the
	 * tokens of what surfaced. */
	static const char *const wire[] = {"type", "code", "mtu", NULL};
	static const char *const item[] = {"via",  "errno", "origin", "type",
					   "code", "info",  NULL};
	json_t *out = slim(cell, drop);

	if (json_object_get(cell, "wire"))
		json_object_set_new(
			out, "wire",
			pick_each(json_object_get(cell, "wire"), wire));
	if (json_object_get(cell, "surfaced"))
		json_object_set_new(
			out, "surfaced",
			pick_each(json_object_get(cell, "surfaced"), item));
	return out;
}

void spool_add(struct spool *s, json_t *res)
{
	json_t *kase = json_object_get(res, "case"), *c;
	json_t *cells = json_object_get(s->doc, "cells");
	size_t i;
	int h;

	errno = 0;
	if (s->json) {
		array_add(s, &s->cases, kase);
		json_array_foreach(json_object_get(res, "cells"), i, c)
			array_add(s, &s->cells, c);
	}
	for (h = 0; h < s->nhtml; h++)
		html_add(s, &s->html[h], res);
	if (!s->keep_cells) {
		json_array_foreach(json_object_get(res, "cells"), i, c)
		{
			suite_tally(&s->tally, c);
			s->ncells++;
		}
		return;
	}
	json_array_append_new(json_object_get(s->doc, "cases"),
			      spool_slim_case(kase));
	json_array_foreach(json_object_get(res, "cells"), i, c)
		json_array_append_new(cells, spool_slim_cell(c));
}

json_t *spool_finish(struct spool *s)
{
	struct suite_counts *k = &s->tally;

	if (s->keep_cells)
		suite_summarize(s->doc);
	else
		json_object_set_new(s->doc, "summary",
				    json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}",
					      "cells", (int)s->ncells, "pass",
					      k->pass, "fail", k->fail, "skip",
					      k->skip, "error", k->error,
					      "info", k->info));
	return s->doc;
}

/* The bytes [from, to) of the temporary file in onto f. */
static int copy(FILE *in, long from, long to, FILE *f)
{
	char buf[65536];
	off_t at = from;
	ssize_t n;

	if (fflush(in) == EOF)
		return -1;
	while (at < to) {
		size_t want = (size_t)(to - at) < sizeof(buf)
				      ? (size_t)(to - at)
				      : sizeof(buf);

		n = pread(fileno(in), buf, want, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || fwrite(buf, 1, (size_t)n, f) != (size_t)n)
			return -1;
		at += n;
	}
	return 0;
}

static int array_write(struct spool_array *a, FILE *f)
{
	long end;

	if (!a->n)
		return fputs("[]", f) == EOF ? -1 : 0;
	if (fflush(a->f) == EOF || (end = lseek(fileno(a->f), 0, SEEK_END)) < 0)
		return -1;
	if (fputc('[', f) == EOF || copy(a->f, 0, end, f) < 0 ||
	    fputs("\n ]", f) == EOF)
		return -1;
	return 0;
}

int spool_write_json(struct spool *s, FILE *f)
{
	const char *key;
	json_t *v, *k;
	bool first = true;
	int rc = 0;

	if (s->broken || !s->json)
		return -1;
	if (fputc('{', f) == EOF)
		return -1;
	json_object_foreach(s->doc, key, v)
	{
		k = json_string(key);
		if (fputs(first ? "\n " : ",\n ", f) == EOF ||
		    spool_dump_at(f, k, 1) < 0 || fputs(": ", f) == EOF)
			rc = -1;
		json_decref(k);
		if (rc == 0 && strcmp(key, "cases") == 0)
			rc = array_write(&s->cases, f);
		else if (rc == 0 && strcmp(key, "cells") == 0)
			rc = array_write(&s->cells, f);
		else if (rc == 0)
			rc = spool_dump_at(f, v, 1);
		if (rc < 0)
			return -1;
		first = false;
	}
	if (fputs(first ? "}" : "\n}", f) == EOF)
		return -1;
	return ferror(f) ? -1 : 0;
}

int spool_html_case(void *arg, FILE *f, size_t i)
{
	struct spool_html *h = arg;

	if (h->broken || i >= h->ncases)
		return -1;
	return copy(h->f, h->off[i], h->off[i + 1], f);
}

int spool_write_html(struct spool *s, int i, FILE *f, const char *date)
{
	if (i < 0 || i >= s->nhtml)
		return -1;
	return html_write_with(f, s->doc, s->html[i].base, date,
			       spool_html_case, &s->html[i]);
}

void spool_close(struct spool *s)
{
	int i;

	if (s->cases.f)
		fclose(s->cases.f);
	if (s->cells.f)
		fclose(s->cells.f);
	for (i = 0; i < s->nhtml; i++) {
		if (s->html[i].f)
			fclose(s->html[i].f);
		free(s->html[i].base);
		free(s->html[i].off);
	}
	json_decref(s->doc);
	memset(s, 0, sizeof(*s));
}
