/* The short answer and `why` on a stored document
 * (tests/data/answer-results.json: the core ttl_exceeded and
 * port_unreachable rows of a real run, trimmed to the core styles, with one
 * cell made to fail): the report fits 100 columns and says the known
 * answers; why says what the seed story needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "report.h"
#include "resdoc.h"
#include "runner.h"

#define DOC "tests/data/answer-results.json"

/* What report_short or report_matrix writes, as one string; caller
 * frees. */
static char *text_of(json_t *doc, bool full)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (full)
		report_matrix(f, doc);
	else
		report_short(f, doc);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static size_t widest(const char *s)
{
	size_t w = 0, n;
	const char *e;

	for (; *s; s = *e ? e + 1 : e) {
		e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s);
		n = (size_t)(e - s);
		if (n > w)
			w = n;
	}
	return w;
}

/* The line of out that starts with prefix, or fails. */
static const char *line_of(const char *out, const char *prefix)
{
	const char *p = out;

	while (p && *p) {
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	fail_msg("no line starting '%s' in:\n%s", prefix, out);
	return NULL;
}

static void test_short_answer(void **state)
{
	json_t *doc = load_document(DOC);
	char *out = text_of(doc, false);
	const char *ttl, *port, *hear;

	(void)state;
	assert_true(widest(out) <= ANSWER_WIDTH);
	assert_non_null(strstr(out, "kernel 6.18.0-test"));
	line_of(out, "fault     udp-unconn   udp-conn     udp-soerr    "
		     "udp-recverr  raw-icmp     ping         tcp-connect");
	/* Only the faults the run has: no row of a fault it lacks. */
	assert_null(strstr(out, "\nno route "));
	ttl = line_of(out, "ttl       -!           -!           -!"
			   "           errq HOSTUNR raw icmp     -!");
	port = line_of(out, "port      -!           recv REFUSED X so "
			    "REFUSED");
	assert_true(port < ttl); /* the core table's order */
	/* The line that says who hears Time Exceeded, after the table. */
	hear = strstr(ttl, "\nttl       heard by udp-recverr "
			   "(errqueue:EHOSTUNREACH/icmp/11/0), raw-icmp");
	assert_non_null(hear);
	assert_non_null(strstr(hear, "deaf though the wire carried it: "
				     "udp-unconnected,"));
	/* A tally per group, then the failing cell in detail. */
	line_of(out, "  core    14 cells: 13 pass 1 fail\n");
	assert_non_null(strstr(out, "\nfail port_unreachable / udp-so-error\n"
				    "  surfaced: X so_error:ECONNREFUSED\n"
				    "  expected: so_error:EHOSTUNREACH\n"));
	free(out);
	json_decref(doc);
}

/* The full matrix: every cell, blocks of one probe group. */
static void test_full_blocks(void **state)
{
	json_t *doc = load_document(DOC);
	char *out = text_of(doc, true);
	const char *udp, *icmp, *tcp;

	(void)state;
	udp = strstr(out, "case ");
	assert_true(udp == out);
	assert_non_null(udp);
	assert_non_null(strstr(udp, "udp-unconnected"));
	icmp = strstr(udp + 1, "\ncase ");
	assert_non_null(icmp);
	assert_non_null(strstr(icmp, "raw-icmp"));
	tcp = strstr(icmp + 1, "\ncase ");
	assert_non_null(tcp);
	assert_non_null(strstr(tcp, "tcp-connect"));
	/* The udp block has no raw-icmp column. */
	assert_true(strstr(udp, "raw-icmp") > icmp);
	/* A block fits a wide terminal, and no line ends in padding. */
	assert_true(widest(out) <= 132);
	assert_null(strstr(out, " \n"));
	/* The legend defines every mark the matrix can show. */
	line_of(strstr(out, "\nVIA:ERRNO") + 1, "VIA:ERRNO");
	assert_non_null(strstr(out, "blank  the case does not run that "
				    "probe"));
	assert_non_null(strstr(out, "is info: a command's result"));
	assert_non_null(strstr(out, "+N that many more items"));
	free(out);
	json_decref(doc);
}

/* Each claim once, under the source its case names, with its tally. */
static void test_claims_attributed(void **state)
{
	json_t *doc = load_document(DOC), *cells = json_object_get(doc, "cells");
	json_t *c;
	char *out;
	size_t i;

	(void)state;
	json_array_foreach(cells, i, c)
	{
		if (i > 2)
			break;
		assert_int_equal(
			json_object_set_new(
				c, "claim",
				json_pack("{s:s, s:b}", "text",
					  "RFC 1122 4.2.3.9: soft errors do "
					  "not abort",
					  "holds", i != 1)),
			0);
	}
	out = text_of(doc, false);
	line_of(out, "RFC 1122 4.2.3.9 says: \"soft errors do not abort\"\n"
		     "  confirmed by 2 cells, refuted by 1 on this kernel\n");
	/* Once, however many cells carry it. */
	assert_null(strstr(strstr(out, "says: \"soft errors") + 1,
			   "says: \"soft errors"));
	free(out);
	json_decref(doc);
}

/* A run with IPv6 twins ("ttl_exceeded-ipv6") gets a second table, for
 * IPv6, under the IPv4 one: the twins answer to the core fault's name. */
static void test_short_answer_ipv6(void **state)
{
	json_t *doc = load_document(DOC), *cells = json_object_get(doc, "cells");
	json_t *c, *twin;
	const char *v4, *v6;
	char *out;
	size_t i, n = json_array_size(cells);

	(void)state;
	for (i = 0; i < n; i++) {
		c = json_array_get(cells, i);
		if (strcmp(json_string_value(json_object_get(c, "case")),
			   "ttl_exceeded") != 0)
			continue;
		twin = json_deep_copy(c);
		json_object_set_new(twin, "case",
				    json_string("ttl_exceeded-ipv6"));
		json_object_set_new(twin, "family", json_string("ipv6"));
		json_array_append_new(cells, twin);
	}
	out = text_of(doc, false);
	assert_true(widest(out) <= ANSWER_WIDTH);
	v4 = strstr(out, "heard of each fault, IPv4, kernel 6.18.0-test\n");
	v6 = strstr(out, "heard of each fault, IPv6 (ttl: the hop limit), "
			 "kernel 6.18.0-test\n");
	assert_non_null(v4);
	assert_non_null(v6);
	assert_true(v4 < v6);
	assert_non_null(strstr(v6, "\nttl       -!           -!"));
	/* port has no twin: the IPv6 table has no port row. */
	assert_null(strstr(v6, "\nport      "));
	free(out);
	json_decref(doc);
}

static char *why_of(json_t *doc, const char *style, const char *asked,
		    int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = answer_why(f, doc, style, asked);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The seed story: a connected UDP socket never hears Time Exceeded. */
static void test_why_seed(void **state)
{
	json_t *doc = load_document(DOC);
	const char *style = "udp-conn";
	char err[256];
	char *out;
	int rc;

	(void)state;
	assert_int_equal(answer_resolve(doc, NULL, 0, &style, "ttl", err,
					sizeof(err)),
			 0);
	assert_string_equal(style, "udp-connected");
	out = why_of(doc, style, "ttl", &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "(type 11, code 0) from 198.51.100.1:"));
	assert_non_null(strstr(out, "IP 198.51.100.1 > 198.51.100.2: ICMP TTL "
				    "exceeded in transit, type 11 code 0, "
				    "quoting udp 198.51.100.2.48010 > "
				    "203.0.113.2.33434"));
	assert_non_null(strstr(out, "  recv() returned -1, errno EAGAIN "
				    "(nothing there)\n"));
	assert_non_null(strstr(out, "What surfaced: nothing: the wire "
				    "carried the error"));
	assert_non_null(strstr(out, "icmp_err_convert"));
	assert_non_null(strstr(out, "What to use instead"));
	assert_non_null(strstr(out, "  udp-recverr: "
				    "errqueue:EHOSTUNREACH/icmp/11/0, "
				    "returned by recvmsg()"));
	assert_non_null(strstr(out, "  raw-icmp: raw:-/icmp/11/0"));
	/* udp-so-error was as deaf: not something to use instead. */
	assert_null(strstr(out, "  udp-so-error:"));
	assert_true(widest(out) <= ANSWER_WIDTH + 40);
	free(out);
	json_decref(doc);
}

/* A fault the document lacks is 1, nothing written; names it does not
 * know get a suggestion. */
static void test_why_unknown(void **state)
{
	json_t *doc = load_document(DOC);
	const char *style = "udp-conected";
	char err[512];
	char *out;
	int rc;

	(void)state;
	out = why_of(doc, "udp-connected", "no_route", &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(answer_resolve(doc, NULL, 0, &style, "ttl", err,
					sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "unknown socket style 'udp-conected'; "
				    "did you mean udp-connected"));
	style = "udp-connected";
	assert_int_equal(answer_resolve(doc, NULL, 0, &style, "ttl_exceded",
					err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "unknown fault or case 'ttl_exceded'; did "
				    "you mean ttl_exceeded"));
	style = "udp";
	assert_int_equal(answer_resolve(doc, NULL, 0, &style, "ttl", err,
					sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "ambiguous socket style 'udp'"));
	json_decref(doc);
}

/* Which cases a name selects: its own name, a core fault's alias, a
 * fault. */
static void test_case_matches(void **state)
{
	(void)state;
	assert_true(answer_case_matches("ttl_exceeded_styles", "ttl_exceeded",
					"ttl"));
	assert_true(answer_case_matches("no_route_styles_c", "no_route",
					"no_route"));
	assert_false(answer_case_matches("no_route_burst-udp-poll", "no_route",
					 "no_route"));
	assert_true(answer_case_matches("pmtu-udp-connected", "pmtu", "mtu"));
	assert_true(answer_case_matches("du03_port", "forge", "du03_port"));
	assert_true(answer_case_matches("du03_port", "forge", "forge"));
	assert_false(answer_case_matches("du03_port", "forge", "ttl"));
}

/* "did you mean" over any list of names. */
static void test_suggest(void **state)
{
	static const char *const names[] = {"ttl_exceeded", "port_unreachable",
					    "ttl_exceeded_styles", "core"};
	char buf[256];

	(void)state;
	answer_suggest("ttl_exeeded", names, 4, buf, sizeof(buf));
	assert_string_equal(buf, "; did you mean ttl_exceeded?");
	answer_suggest("cor", names, 4, buf, sizeof(buf));
	assert_string_equal(buf, "; did you mean core?");
	answer_suggest("zzzzzzzz", names, 4, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_answer),
		cmocka_unit_test(test_short_answer_ipv6),
		cmocka_unit_test(test_full_blocks),
		cmocka_unit_test(test_claims_attributed),
		cmocka_unit_test(test_why_seed),
		cmocka_unit_test(test_why_unknown),
		cmocka_unit_test(test_case_matches),
		cmocka_unit_test(test_suggest),
	};

	return cmocka_run_group_tests_name("answer", tests, NULL, NULL);
}
