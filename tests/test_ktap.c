/* KTAP from a results document: the exact lines for a hand-written
 * document with a pass, a fail, a skip and an error
 * (tests/data/ci-results.json), read back by the KTAP reader of
 * tests/ktapcheck.c, which is tested here too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "ktapcheck.h"
#include "resdoc.h"
#include "runner.h"

#define DOC "tests/data/ci-results.json"

/* The KTAP of doc as one string; caller frees. */
static char *ktap_of(json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ktap_write(f, doc), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The wire as every report prints it: an IPv6 cell's type/code says
 * icmp6, so that ICMPv6 1/4 cannot pass for ICMPv4 3/3's neighbour. */
static void test_wire_family(void **state)
{
	json_t *v6 = json_loads(
		"{\"family\": \"ipv6\", \"wire\": [{\"type\": 1, "
		"\"code\": 4}, {\"type\": 1, \"code\": 4}, {\"type\": 2, "
		"\"code\": 0}]}",
		0, NULL);
	json_t *v4 = json_loads("{\"family\": \"ipv4\", \"wire\": "
				"[{\"type\": 3, \"code\": 3}]}",
				0, NULL);
	json_t *quiet = json_loads("{\"family\": \"ipv6\", \"wire\": []}", 0,
				   NULL);
	char buf[64];

	(void)state;
	assert_non_null(v6);
	assert_non_null(v4);
	assert_non_null(quiet);
	assert_string_equal(resdoc_wire_str(v6, buf, sizeof(buf)),
			    "icmp6 1/4 x2 2/0 x1");
	assert_string_equal(resdoc_wire_str(v4, buf, sizeof(buf)), "3/3 x1");
	assert_string_equal(resdoc_wire_str(quiet, buf, sizeof(buf)),
			    "silent");
	json_decref(v6);
	json_decref(v4);
	json_decref(quiet);
}

static void test_lines(void **state)
{
	static const char *const want[] = {
		"KTAP version 1",
		"# icmplab: kernel 6.18.0-test x86_64, 2 cases, 4 cells",
		"1..2",
		"  KTAP version 1",
		"  1..2",
		"  ok 1 udp-connected",
		"  # udp-recverr: fail: expected "
		"errqueue:ECONNREFUSED/icmp/3/3; surfaced none",
		"  # udp-recverr: wire 3/3 x1; 1 datagram sent",
		"  not ok 2 udp-recverr",
		"not ok 1 port_unreachable",
		"  KTAP version 1",
		"  1..2",
		"  ok 1 ping # SKIP ping sockets are not allowed here: "
		"net.ipv4.ping_group_range is 1 0",
		"  # udp-recverr-connected: error: expected "
		"errqueue:EHOSTUNREACH/icmp/3/13; surfaced "
		"errqueue:EHOSTUNREACH/icmp/3/13",
		"  # udp-recverr-connected: wire 3/13 x1; 1 datagram sent",
		/* The reason's newline and control byte: spaces, one line. */
		"  # udp-recverr-connected: a fault helper failed: forger: "
		"<sendto> & \"raw\" 'socket' second line  \xc3\xbc"
		"ber",
		"  not ok 2 udp-recverr-connected",
		"not ok 2 du13_admin",
		"# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:1",
		NULL,
	};
	json_t *doc = load_document(DOC);
	char *out = ktap_of(doc), *line, *save = NULL;
	int i = 0;

	(void)state;
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		assert_non_null(want[i]);
		assert_string_equal(line, want[i]);
	}
	assert_null(want[i]);
	free(out);
	json_decref(doc);
}

static void test_parses(void **state)
{
	json_t *doc = load_document(DOC);
	char *out = ktap_of(doc);

	(void)state;
	assert_int_equal(check_ktap(out), 0);
	free(out);
	json_decref(doc);
}

/* The checker itself finds what it must: a plan that does not add up, a
 * name with a space, a parent ok over a failed subtest. */
static void test_checker_refuses(void **state)
{
	(void)state;
	assert_int_equal(check_ktap("KTAP version 1\n1..2\nok 1 a\n"), 1);
	/* Not a test line, so the plan is short too. */
	assert_int_equal(check_ktap("KTAP version 1\n1..1\nok 1 a b\n"), 2);
	assert_int_equal(check_ktap("KTAP version 1\n1..1\n"
				    "  KTAP version 1\n  1..1\n"
				    "  not ok 1 x\nok 1 a\n"),
			 1);
	assert_int_equal(check_ktap("KTAP version 1\n1..1\nok 2 a\n"), 1);
}

/* Names from anywhere keep to [A-Za-z0-9_-]; a case of skips only is a
 * skip; an info cell is a pass. */
static void test_names_and_skips(void **state)
{
	json_t *doc = json_pack(
		"{s:s, s:s, s:[], s:[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, "
		"s:s}, {s:s, s:s, s:s}]}",
		"kernel", "6.1.0", "machine", "x86_64", "cases", "cells",
		"case", "a b/c#d", "probe", "udp-poll", "verdict", "skip",
		"reason", "no\nway", "case", "a b/c#d", "probe", "p\xc3\xa9",
		"verdict", "skip", "reason", "", "case", "cmd_only", "probe",
		"cmd", "verdict", "info");
	char *out;

	(void)state;
	assert_non_null(doc);
	out = ktap_of(doc);
	assert_non_null(strstr(out, "  ok 1 udp-poll # SKIP no way\n"));
	assert_non_null(strstr(out, "  ok 2 p__ # SKIP\n"));
	assert_non_null(
		strstr(out, "ok 1 a_b_c_d # SKIP every cell skipped\n"));
	assert_non_null(strstr(out, "  ok 1 cmd\nok 2 cmd_only\n"));
	assert_non_null(strstr(out, "# Totals: pass:1 fail:0 xfail:0 xpass:0 "
				    "skip:2 error:0\n"));
	assert_int_equal(check_ktap(out), 0);
	free(out);
	json_decref(doc);
}

/* A write that fails is an error with the path and the reason. */
static void test_write_error(void **state)
{
	json_t *doc = load_document(DOC);
	char err[256];

	(void)state;
	assert_int_equal(resdoc_write_path("/dev/full", ktap_write, doc, err,
					   sizeof(err)),
			 -1);
	assert_string_equal(err, "cannot write /dev/full: No space left on "
				 "device");
	assert_int_equal(resdoc_write_path("/nonexistent/dir/x.ktap",
					   ktap_write, doc, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "cannot write /nonexistent/dir/x.ktap: No "
				 "such file or directory");
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_wire_family),
		cmocka_unit_test(test_parses),
		cmocka_unit_test(test_checker_refuses),
		cmocka_unit_test(test_names_and_skips),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests_name("ktap", tests, NULL, NULL);
}
