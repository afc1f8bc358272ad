/* Reads a results document's per-case timing and silence fields for make
 * bench (benchdoc.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "benchdoc.h"

const char *const phase_keys[] = {"setup", "fault",    "probes",
				  "wait",  "teardown", NULL};

/* One case's fields; has_* false when the field is absent. */
struct case_fields {
	const char *name;
	bool has_phases, has_duration, has_unproven, has_fences;
	double phase[PHASE_COUNT];
	double duration;
	long unproven, fences;
};

static int get_ms(json_t *v, const char *name, const char *key, double *out,
		  char *err, size_t errlen)
{
	if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
	    json_number_value(v) < 0) {
		snprintf(err, errlen,
			 "case '%s': %s is not a number of ms >= 0", name, key);
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

static int get_count(json_t *v, const char *name, const char *key, long *out,
		     char *err, size_t errlen)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 1000000000) {
		snprintf(err, errlen,
			 "case '%s': %s is not a count (an integer >= 0)", name,
			 key);
		return -1;
	}
	*out = (long)json_integer_value(v);
	return 0;
}

static int case_fields(json_t *c, struct case_fields *f, char *err,
		       size_t errlen)
{
	json_t *ph, *v;
	int i;

	memset(f, 0, sizeof(*f));
	if (!json_is_object(c)) {
		snprintf(err, errlen, "a case is not an object");
		return -1;
	}
	f->name = json_string_value(json_object_get(c, "name"));
	if (!f->name)
		f->name = "?";
	ph = json_object_get(c, "phases_ms");
	if (ph) {
		if (!json_is_object(ph)) {
			snprintf(err, errlen,
				 "case '%s': phases_ms is not an object",
				 f->name);
			return -1;
		}
		/* All five or it is not a breakdown. */
		for (i = 0; phase_keys[i]; i++) {
			char key[32];

			snprintf(key, sizeof(key), "phases_ms.%s",
				 phase_keys[i]);
			v = json_object_get(ph, phase_keys[i]);
			if (!v) {
				snprintf(err, errlen,
					 "case '%s': %s is missing", f->name,
					 key);
				return -1;
			}
			if (get_ms(v, f->name, key, &f->phase[i], err, errlen) <
			    0)
				return -1;
		}
		f->has_phases = true;
	}
	v = json_object_get(c, "duration_ms");
	if (v) {
		if (get_ms(v, f->name, "duration_ms", &f->duration, err,
			   errlen) < 0)
			return -1;
		f->has_duration = true;
	}
	v = json_object_get(c, "silence_unproven");
	if (v) {
		if (get_count(v, f->name, "silence_unproven", &f->unproven, err,
			      errlen) < 0)
			return -1;
		f->has_unproven = true;
	}
	v = json_object_get(c, "fences");
	if (v) {
		if (get_count(v, f->name, "fences", &f->fences, err, errlen) <
		    0)
			return -1;
		f->has_fences = true;
	}
	return 0;
}

static struct unproven_case *find_bad(struct bench_doc *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->nbad; i++)
		if (strcmp(b->bad[i].name, name) == 0)
			return &b->bad[i];
	return NULL;
}

int bench_doc_add(struct bench_doc *b, json_t *doc, char *err, size_t errlen)
{
	json_t *cases = json_object_get(doc, "cases"), *c;
	struct case_fields f;
	size_t i, n, nbad = 0;
	double *setup;
	struct unproven_case *bad, *u;
	long timed_before = b->timed;
	int k;

	if (!json_is_array(cases)) {
		snprintf(err, errlen, "the document has no \"cases\" array");
		return -1;
	}
	/* Check every case first, so that an error leaves b as it was. */
	n = json_array_size(cases);
	json_array_foreach(cases, i, c)
	{
		if (case_fields(c, &f, err, errlen) < 0)
			return -1;
		nbad += f.unproven > 0;
	}
	setup = realloc(b->setup,
			(size_t)(b->timed + (long)n + 1) * sizeof(*setup));
	if (!setup) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	b->setup = setup;
	bad = realloc(b->bad, (b->nbad + nbad + 1) * sizeof(*bad));
	if (!bad) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	b->bad = bad;
	json_array_foreach(cases, i, c)
	{
		case_fields(c, &f, err, errlen);
		b->cases++;
		if (f.has_phases) {
			for (k = 0; k < PHASE_COUNT; k++)
				b->phase_ms[k] += f.phase[k];
			b->setup[b->timed++] = f.phase[PHASE_SETUP];
			if (f.has_duration) {
				b->with_duration++;
				b->duration_ms += f.duration;
			}
		}
		if (f.has_fences) {
			b->fenced++;
			b->fences += f.fences;
		}
		if (!f.has_unproven)
			continue;
		b->counted++;
		b->unproven += f.unproven;
		if (f.unproven == 0)
			continue;
		u = find_bad(b, f.name);
		if (!u) {
			u = &b->bad[b->nbad++];
			u->name = strdup(f.name);
			u->syncs = 0;
			u->runs = 0;
			if (!u->name) {
				snprintf(err, errlen, "out of memory");
				b->nbad--;
				return -1;
			}
		}
		u->syncs += f.unproven;
		u->runs++;
	}
	b->docs++;
	b->timed_docs += b->timed > timed_before;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_doc_median_setup(struct bench_doc *b)
{
	if (b->timed == 0)
		return -1;
	qsort(b->setup, (size_t)b->timed, sizeof(*b->setup), cmp_double);
	return b->setup[(b->timed - 1) / 2];
}

void bench_doc_print(struct bench_doc *b, FILE *f, const char *in)
{
	double total = 0, per = b->timed_docs ? b->timed_docs : 1;
	size_t i;
	int k;

	if (b->timed == 0) {
		fprintf(f,
			"%s  where the time goes: n/a (no case has "
			"phases_ms)\n",
			in);
	} else {
		for (k = 0; k < PHASE_COUNT; k++)
			if (k != PHASE_WAIT)
				total += b->phase_ms[k];
		fprintf(f,
			"%s  where the time goes (the sum over a run's "
			"cases, mean of %d runs; %ld of %ld cases timed):\n",
			in, b->timed_docs, b->timed, b->cases);
		for (k = 0; k < PHASE_COUNT; k++)
			fprintf(f, "%s    %-10s %10.1f ms %5.1f%%%s\n", in,
				phase_keys[k], b->phase_ms[k] / per,
				total > 0 ? 100 * b->phase_ms[k] / total : 0.0,
				k == PHASE_WAIT ? "  (part of probes)" : "");
		/* Time a case spent that none of its phases holds. */
		if (b->with_duration == b->timed)
			fprintf(f,
				"%s    %-10s %10.1f ms        (duration_ms "
				"minus the phases)\n",
				in, "other", (b->duration_ms - total) / per);
		fprintf(f, "%s    median case's setup: %.1f ms\n", in,
			bench_doc_median_setup(b));
	}
	if (b->counted == 0)
		fprintf(f,
			"%s  safety bound: n/a (no case has "
			"silence_unproven)\n",
			in);
	else
		fprintf(f,
			"%s  safety bound: reached by %ld syncs in %zu cases "
			"over %d runs (target 0)\n",
			in, b->unproven, b->nbad, b->docs);
	for (i = 0; i < b->nbad; i++)
		fprintf(f, "%s    %s: %ld syncs, in %d of %d runs\n", in,
			b->bad[i].name, b->bad[i].syncs, b->bad[i].runs,
			b->docs);
	if (b->fenced == 0)
		fprintf(f, "%s  fences: n/a (no case has fences)\n", in);
	else
		fprintf(f, "%s  fences: %.1f per run\n", in,
			(double)b->fences / b->docs);
}

void bench_doc_free(struct bench_doc *b)
{
	size_t i;

	for (i = 0; i < b->nbad; i++)
		free(b->bad[i].name);
	free(b->bad);
	free(b->setup);
	memset(b, 0, sizeof(*b));
}
