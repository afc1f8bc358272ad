/* Fuzz target for the verdict: the first line of the input is what an
 * expect line says ("recv:ECONNREFUSED errqueue:EHOSTUNREACH/icmp/11/0",
 * "none"), read through the real case vocabulary; every further line is a
 * probe's event. The events become observations (observe.c) and are
 * compared with the expectation (verdict_compare): the answer is pass or
 * fail, a pass has exactly as many observations as items expected and each
 * matches its item's via and errno, and the same comparison gives the same
 * answer twice. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefile.h"
#include "catalog.h"
#include "event.h"
#include "observe.h"
#include "verdict.h"

#define MAX_OBS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* The expectation in the first line, as a case's only expect line; NULL
 * when the case language refuses it. */
static struct case_def *expectation(const char *line, size_t len)
{
	static struct case_lib *lib;
	struct case_def *set = NULL;
	char text[4096], err[512];
	int n;

	if (!lib)
		lib = case_lib_new();
	check(lib != NULL);
	if (len > 2048 || memchr(line, '\0', len))
		return NULL;
	n = snprintf(text, sizeof(text),
		     "title T\nfamily ipv4\nfault port_unreachable\n"
		     "probes udp-connected\nwhy W\nexpect udp-connected %.*s\n",
		     (int)len, line);
	if (case_parse_set("fuzz.case", text, (size_t)n, catalog_vocab(), lib,
			   &set, err, sizeof(err)) != 1) {
		free(set);
		return NULL;
	}
	return set;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct observation obs[MAX_OBS];
	struct observer s = {0};
	struct case_def *c;
	const struct case_expect *e;
	enum verdict v;
	size_t n = 0;
	int i;

	nl = memchr(p, '\n', size);
	c = expectation(p, nl ? (size_t)(nl - p) : size);
	if (!c)
		return 0;
	e = &c->expects[0];
	for (p = nl ? nl + 1 : end; p < end && n < MAX_OBS; p = nl + 1) {
		struct event ev;
		char err[256];

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (event_parse(p, (size_t)(nl - p), &ev, err, sizeof(err)) ==
			    0 &&
		    observe_event(&s, &ev, &obs[n]) == OBS_SURFACED)
			n++;
		if (nl == end)
			break;
	}
	v = verdict_compare(obs, n, e);
	check(v == VERDICT_PASS || v == VERDICT_FAIL);
	check(verdict_compare(obs, n, e) == v);
	check(verdict_compare(obs, n, NULL) == VERDICT_FAIL);
	if (v == VERDICT_PASS) {
		check((int)n == e->n);
		for (i = 0; i < e->n; i++)
			check(strcmp(obs[i].via, e->items[i].via) == 0 &&
			      (obs[i].err == OBS_NO_ERRNO ? EXPECT_NO_ERRNO
							   : obs[i].err) ==
				      e->items[i].err);
	}
	free(c);
	return 0;
}
