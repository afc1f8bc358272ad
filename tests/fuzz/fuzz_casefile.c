/* Fuzz target for the case-file parser: any bytes in, either cases whose
 * fields all hold the promised invariants or an error naming the file.
 * Input with a line "%%defs" is a .defs file (groups, catalogue) before
 * it and a case file after it; other input is a case file read with a
 * fixed library. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../harness/casefile.h"

#define PATH  "fuzz/input.case"
#define DEFS  "fuzz/input.defs"
#define SPLIT "%%defs\n"

/* Groups, catalogue expect and explain lines, with qualifiers. */
static const char fixed_defs[] = "group @udp udp_connected udp_unconnected\n"
				 "group @all2 @udp tcp_connect ping raw\n"
				 "expect @udp class=soft none\n"
				 "expect ping none\n"
				 "explain ping class=hard {errno} for ping\n"
				 "explain @udp the catalogue's\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const faults[] = {"ttl_exceeded", "port_unreachable",
				     "frag_needed", "silent_drop", NULL};
static const char *const probes[] = {
	"udp_connected", "udp_unconnected", "tcp_connect", "ping", "raw", NULL};

/* Accepts type, code and mtu with a numeric value, like a real fault
 * table would. */
static int check_param(const char *fault, const char *key, const char *val,
		       char *why, size_t whylen)
{
	char *end;
	long n;

	(void)fault;
	if (strcmp(key, "type") != 0 && strcmp(key, "code") != 0 &&
	    strcmp(key, "mtu") != 0) {
		snprintf(why, whylen, "expected type=, code= or mtu=");
		return -1;
	}
	n = strtol(val, &end, 10);
	if (*end || n < 0 || n > 65535) {
		snprintf(why, whylen, "expected %s=0..65535", key);
		return -1;
	}
	return 0;
}

static const struct case_vocab vocab = {faults, probes, check_param,
					 NULL, NULL};

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_str(const char *s, size_t size)
{
	check(memchr(s, '\0', size) != NULL);
}

static void check_case(const struct case_def *c)
{
	char buf[CASE_TEXT_MAX];
	int i, j;
	static const int kvers[] = {-1, 0, 4019, 5015, 6001, 6012, 999999};

	check(c->family == AF_INET || c->family == AF_INET6);
	check(c->nprobes >= 1 && c->nprobes <= CASE_MAX_PROBES);
	check(c->nparams >= 0 && c->nparams <= CASE_MAX_PARAMS);
	check(c->nexpects >= c->nprobes && c->nexpects <= CASE_MAX_EXPECTS);
	check(c->nexplains >= 0 && c->nexplains <= c->nprobes);
	check(c->nrefs >= 0 && c->nrefs <= CASE_MAX_REFS);
	check(c->quiet_ms >= 0 && c->quiet_ms <= 10000);
	check_str(c->title, sizeof(c->title));
	check(c->title[0] != '\0' && c->why[0] != '\0');
	check_str(c->why, sizeof(c->why));
	check_str(c->claim, sizeof(c->claim));
	check_str(c->name, sizeof(c->name));
	check_str(c->fault, sizeof(c->fault));
	for (i = 0; i < c->nparams; i++) {
		check_str(c->params[i].key, sizeof(c->params[i].key));
		check_str(c->params[i].val, sizeof(c->params[i].val));
	}
	for (i = 0; i < c->nrefs; i++)
		check_str(c->refs[i], sizeof(c->refs[i]));
	for (i = 0; i < c->nexpects; i++) {
		const struct case_expect *x = &c->expects[i];

		check(x->n >= 0 && x->n <= CASE_MAX_RESULTS);
		check(x->kr.min == 0 || x->kr.max == 0 ||
		      x->kr.min < x->kr.max);
		for (j = 0; j < x->n; j++) {
			check(x->items[j].type >= 0 && x->items[j].type <= 255);
			check(x->items[j].code >= 0 && x->items[j].code <= 255);
		}
		expect_results_str(x, buf, sizeof(buf));
		check_str(buf, sizeof(buf));
	}
	for (i = 0; i < c->nprobes; i++) {
		for (j = 0; j < (int)(sizeof(kvers) / sizeof(kvers[0])); j++)
			case_expect_for(c, c->probes[i], kvers[j]);
		/* Every listed probe has an expect line. */
		for (j = 0; j < c->nexpects; j++)
			if (strcmp(c->expects[j].probe, c->probes[i]) == 0)
				break;
		check(j < c->nexpects);
		case_explain_for(c, c->probes[i]);
	}
}

static void check_err(const char *err, size_t size)
{
	check_str(err, size);
	check(strncmp(err, PATH ":", strlen(PATH ":")) == 0 ||
	      strncmp(err, DEFS ":", strlen(DEFS ":")) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct case_lib *fixed;
	struct case_lib *lib = NULL;
	struct case_def *set = NULL;
	const char *text = (const char *)data, *split;
	char err[512], rel[32];
	size_t len = size;
	FILE *null;
	int rc, i;

	if (!fixed) {
		fixed = case_lib_new();
		check(fixed && case_lib_add_buf(fixed, DEFS, fixed_defs,
						strlen(fixed_defs), &vocab, err,
						sizeof(err)) == 0);
	}
	split = memmem(data, size, SPLIT, strlen(SPLIT));
	if (split) {
		lib = case_lib_new();
		check(lib != NULL);
		rc = case_lib_add_buf(lib, DEFS, text, (size_t)(split - text),
				      &vocab, err, sizeof(err));
		if (rc != 0) {
			check(rc == -1);
			check_err(err, sizeof(err));
			case_lib_free(lib);
			return 0;
		}
		len = size - (size_t)(split - text) - strlen(SPLIT);
		text = split + strlen(SPLIT);
	}
	rc = case_parse_set(PATH, text, len, &vocab, lib ? lib : fixed, &set,
			    err, sizeof(err));
	if (rc > 0) {
		null = fopen("/dev/null", "w");
		check(set != NULL && null != NULL);
		for (i = 0; i < rc; i++) {
			check_case(&set[i]);
			check(case_write(null, &set[i]) == 0);
		}
		fclose(null);
	} else {
		check(rc == -1 && set == NULL);
		check_err(err, sizeof(err));
	}
	free(set);
	case_lib_free(lib);
	/* The same bytes as a kernel release string. */
	rc = (int)(size < sizeof(rel) ? size : sizeof(rel) - 1);
	memcpy(rel, data, (size_t)rc);
	rel[rc] = '\0';
	rc = kernel_version_parse(rel);
	check(rc == -1 || (rc >= 0 && rc <= 999999));
	return 0;
}
