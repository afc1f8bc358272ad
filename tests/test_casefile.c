/* Tests for the case-file parser: one valid case with every key, then one
 * test per way a case file can be wrong, each asserting the whole message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../harness/casefile.h"
#include "names.h"

#define PATH "cases/v4/t.case"

/* A minimal valid case; error tests append to it, so their line is 7. */
#define HEAD                                                                   \
	"title T\n"                                                            \
	"family ipv4\n"                                                        \
	"fault port_unreachable\n"                                             \
	"probes udp_connected\n"                                               \
	"expect udp_connected recv:ECONNREFUSED\n"                             \
	"why W\n"

static const char *const faults[] = {"ttl_exceeded", "port_unreachable",
				     "silent_drop", NULL};
static const char *const probes[] = {"udp_connected", "udp_unconnected",
				     "tcp_connect", "ping", NULL};

/* Accepts type=0..255 and code=0..255, nothing else. */
static int check_param(const char *fault, const char *key, const char *val,
		       char *why, size_t whylen)
{
	char *end;
	long n;

	(void)fault;
	if (strcmp(key, "type") != 0 && strcmp(key, "code") != 0) {
		snprintf(why, whylen, "expected type=0..255 or code=0..255");
		return -1;
	}
	errno = 0;
	n = strtol(val, &end, 10);
	if (val[0] < '0' || val[0] > '9' || *end || errno || n > 255) {
		snprintf(why, whylen, "expected %s=0..255", key);
		return -1;
	}
	return 0;
}

static const struct case_vocab vocab = {faults, probes, check_param,
					 NULL, NULL};

struct fx {
	struct case_def c;
	char err[1024];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static int parse_len(struct fx *f, const char *text, size_t len,
		     const struct case_vocab *v)
{
	f->err[0] = '\0';
	return case_parse_buf(PATH, text, len, v, &f->c, f->err,
			      sizeof(f->err));
}

static int parse(struct fx *f, const char *text)
{
	return parse_len(f, text, strlen(text), &vocab);
}

static void expect_ok(struct fx *f, const char *text)
{
	int rc = parse(f, text);

	if (rc != 0)
		print_error("unexpected error: %s\n", f->err);
	assert_int_equal(rc, 0);
	assert_string_equal(f->err, "");
}

static void expect_err(struct fx *f, const char *text, const char *want)
{
	assert_int_equal(parse(f, text), -1);
	assert_string_equal(f->err, want);
}

/* HEAD followed by extra, in a malloc'd string. */
static char *with_head(const char *extra)
{
	size_t n = strlen(HEAD) + strlen(extra) + 1;
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, "%s%s", HEAD, extra);
	return s;
}

static void head_err(struct fx *f, const char *extra, const char *want)
{
	char *s = with_head(extra);

	expect_err(f, s, want);
	free(s);
}

/* A string of n copies of ch. */
static char *repeat(char ch, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, ch, n);
	s[n] = '\0';
	return s;
}

static void test_valid_full(void **state)
{
	struct fx *f = *state;
	const struct case_def *c = &f->c;
	const char *text =
		"# A case with every key.\n"
		"\n"
		"title  Port unreachable from the server's kernel\n"
		"family ipv6   # trailing comment\n"
		"fault  ttl_exceeded type=11 code=0\n"
		"probes udp_connected\n"
		"probes udp_unconnected ping\n"
		"expect udp_connected recv:ECONNREFUSED so_error:ECONNREFUSED\n"
		"expect udp_unconnected none\n"
		"expect ping kernel>=6.1 kernel<6.12 "
		"errqueue:EHOSTUNREACH/icmp6/3/0\n"
		"expect ping kernel>=6.12 none\n"
		"explain udp_connected a connected socket takes hard errors\n"
		"why    the kernel reports errors only to connected sockets\n"
		"ref    RFC 1122 4.1.3.3; udp(7)\n"
		"ref    see rfc792#page4\n"
		"quiet  250\n"
		"claim  RFC 1122 4.1.3.3: UDP gets ICMP errors\n";

	expect_ok(f, text);
	assert_string_equal(c->path, PATH);
	assert_string_equal(c->name, "t");
	assert_string_equal(c->title,
			    "Port unreachable from the server's kernel");
	assert_int_equal(c->family, AF_INET6);
	assert_string_equal(c->fault, "ttl_exceeded");
	assert_int_equal(c->nparams, 2);
	assert_string_equal(c->params[0].key, "type");
	assert_string_equal(c->params[0].val, "11");
	assert_string_equal(c->params[1].key, "code");
	assert_string_equal(c->params[1].val, "0");
	assert_int_equal(c->nprobes, 3);
	assert_string_equal(c->probes[0], "udp_connected");
	assert_string_equal(c->probes[1], "udp_unconnected");
	assert_string_equal(c->probes[2], "ping");
	assert_int_equal(c->nexpects, 4);

	assert_string_equal(c->expects[0].probe, "udp_connected");
	assert_int_equal(c->expects[0].line, 8);
	assert_int_equal(c->expects[0].kr.min, 0);
	assert_int_equal(c->expects[0].kr.max, 0);
	assert_int_equal(c->expects[0].n, 2);
	assert_string_equal(c->expects[0].items[0].via, "recv");
	assert_int_equal(c->expects[0].items[0].err, ECONNREFUSED);
	assert_false(c->expects[0].items[0].has_icmp);
	assert_string_equal(c->expects[0].items[1].via, "so_error");

	assert_int_equal(c->expects[1].n, 0);
	assert_int_equal(c->expects[1].line, 9);

	assert_int_equal(c->expects[2].kr.min, 6001);
	assert_int_equal(c->expects[2].kr.max, 6012);
	assert_int_equal(c->expects[2].n, 1);
	assert_string_equal(c->expects[2].items[0].via, "errqueue");
	assert_int_equal(c->expects[2].items[0].err, EHOSTUNREACH);
	assert_true(c->expects[2].items[0].has_icmp);
	assert_string_equal(
		tok2str(ee_origin_names, c->expects[2].items[0].origin, "?"),
		"icmp6");
	assert_int_equal(c->expects[2].items[0].type, 3);
	assert_int_equal(c->expects[2].items[0].code, 0);
	assert_int_equal(c->expects[3].kr.min, 6012);
	assert_int_equal(c->expects[3].kr.max, 0);

	assert_int_equal(c->nexplains, 1);
	assert_string_equal(case_explain_for(c, "udp_connected"),
			    "a connected socket takes hard errors");
	assert_null(case_explain_for(c, "ping"));
	assert_string_equal(c->why,
			    "the kernel reports errors only to connected "
			    "sockets");
	assert_int_equal(c->nrefs, 2);
	assert_string_equal(c->refs[0], "RFC 1122 4.1.3.3; udp(7)");
	assert_string_equal(c->refs[1], "see rfc792#page4");
	assert_int_equal(c->quiet_ms, 250);
	assert_string_equal(c->claim, "RFC 1122 4.1.3.3: UDP gets ICMP errors");
}

static void test_minimal_defaults(void **state)
{
	struct fx *f = *state;

	expect_ok(f, HEAD);
	assert_int_equal(f->c.family, AF_INET);
	assert_int_equal(f->c.quiet_ms, 0);
	assert_int_equal(f->c.nparams, 0);
	assert_int_equal(f->c.nrefs, 0);
	assert_string_equal(f->c.claim, "");
}

static void test_no_final_newline(void **state)
{
	struct fx *f = *state;

	expect_ok(f, "title T\nfamily ipv4\nfault silent_drop\nprobes ping\n"
		     "expect ping none\nwhy no newline at the end");
	assert_string_equal(f->c.why, "no newline at the end");
}

static void test_crlf(void **state)
{
	struct fx *f = *state;

	expect_ok(f, "title T\r\nfamily ipv4\r\nfault silent_drop\r\n"
		     "probes ping\r\nexpect ping none\r\nwhy crlf ends\r\n");
	assert_string_equal(f->c.title, "T");
	assert_string_equal(f->c.why, "crlf ends");
	assert_string_equal(f->c.probes[0], "ping");
}

static void test_tabs_and_spaces(void **state)
{
	struct fx *f = *state;

	expect_ok(f, "\ttitle\t \tT  x\t\n"
		     "  family \t ipv4\n"
		     "fault\tttl_exceeded \t type=11\t\n"
		     "probes\tping \t udp_connected\n"
		     "expect \tping\t kernel<6.1\tnone\n"
		     "expect udp_connected\t\trecv:ECONNREFUSED \n"
		     "why\t\tw\n");
	assert_string_equal(f->c.title, "T  x");
	assert_string_equal(f->c.params[0].val, "11");
	assert_int_equal(f->c.nprobes, 2);
	assert_int_equal(f->c.expects[0].kr.max, 6001);
	assert_string_equal(f->c.why, "w");
}

static void test_line_too_long(void **state)
{
	struct fx *f = *state;
	char *x = repeat('x', CASE_LINE_MAX - 2);
	char *text = malloc(strlen(HEAD) + strlen(x) + 16);
	char want[128];

	if (!text) /* spelled out: gcc cannot see that the assert returns */
		fail_msg("out of memory");
	if (!text)
		return;
	/* Exactly CASE_LINE_MAX characters (a comment) is fine, CRLF or not. */
	sprintf(text, "%s# %s\r\n", HEAD, x);
	expect_ok(f, text);
	sprintf(text, "%s# %sy\n", HEAD, x);
	snprintf(want, sizeof(want),
		 PATH ":7: line too long (%d characters); keep lines to at "
		      "most %d",
		 CASE_LINE_MAX + 1, CASE_LINE_MAX);
	expect_err(f, text, want);
	free(text);
	free(x);
}

static void test_nul_byte(void **state)
{
	struct fx *f = *state;
	static const char text[] = HEAD "ref a\0b\n";

	assert_int_equal(parse_len(f, text, sizeof(text) - 1, &vocab), -1);
	assert_string_equal(f->err, PATH ":7: NUL byte at column 6; case files "
					 "are plain text");
}

static void test_control_char(void **state)
{
	struct fx *f = *state;

	head_err(f, "ref a\rb\n",
		 PATH ":7: control character 0x0d at column 6; case files are "
		      "plain text");
	head_err(f, "ref \x1b[1m\n",
		 PATH ":7: control character 0x1b at column 5; case files are "
		      "plain text");
}

static void test_duplicate_once_keys(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *extra, *want;
	} t[] = {
		{"title U\n", PATH ":7: second 'title' line; the first is on "
				   "line 1, keep only one"},
		{"family ipv6\n", PATH ":7: second 'family' line; the first "
				       "is on line 2, keep only one"},
		{"fault silent_drop\n", PATH ":7: second 'fault' line; the "
					     "first is on line 3, keep only "
					     "one"},
		{"why X\n", PATH ":7: second 'why' line; the first is on line "
				 "6, keep only one"},
		{"quiet 5\n\nquiet 5\n", PATH ":9: second 'quiet' line; the "
					      "first is on line 7, keep only "
					      "one"},
		{"claim RFC 1: a\nclaim RFC 2: b\n", PATH ":8: second 'claim' line; the "
					    "first is on line 7, keep only "
					    "one"},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		head_err(f, t[i].extra, t[i].want);
}

static void test_too_many_probes(void **state)
{
	struct fx *f = *state;
	char names[CASE_MAX_PROBES + 2][16];
	const char *list[CASE_MAX_PROBES + 3];
	struct case_vocab big = {faults, list, NULL, NULL, NULL};
	char text[4096] = "title T\nfamily ipv4\nfault silent_drop\nprobes";
	int i;

	for (i = 0; i < CASE_MAX_PROBES + 2; i++) {
		snprintf(names[i], sizeof(names[i]), "p%02d", i);
		list[i] = names[i];
	}
	list[i] = NULL;
	/* 32 fit, on two lines; the 33rd does not. */
	for (i = 0; i < CASE_MAX_PROBES; i++) {
		if (i == 16)
			strcat(text, "\nprobes");
		strcat(text, " ");
		strcat(text, names[i]);
	}
	strcat(text, "\nwhy w\n");
	for (i = 0; i < CASE_MAX_PROBES; i++) {
		strcat(text, "expect ");
		strcat(text, names[i]);
		strcat(text, " none\n");
	}
	assert_int_equal(parse_len(f, text, strlen(text), &big), 0);
	assert_int_equal(f->c.nprobes, CASE_MAX_PROBES);
	strcat(text, "probes p32\n");
	assert_int_equal(parse_len(f, text, strlen(text), &big), -1);
	assert_string_equal(f->err, PATH ":39: too many probes (more than 32); "
					 "split the case");
}

static void test_too_many_params(void **state)
{
	struct fx *f = *state;
	struct case_vocab any = {faults, probes, NULL, NULL, NULL};
	char text[1024] = "fault silent_drop";
	int i;

	for (i = 0; i <= CASE_MAX_PARAMS; i++)
		sprintf(text + strlen(text), " k%d=%d", i, i);
	strcat(text, "\n");
	assert_int_equal(parse_len(f, text, strlen(text), &any), -1);
	assert_string_equal(f->err, PATH ":1: too many fault parameters (more "
					 "than 16)");
}

static void test_too_many_expects(void **state)
{
	struct fx *f = *state;
	char *text = malloc(8192);
	int i;

	assert_non_null(text);
	strcpy(text, "title T\nfamily ipv4\nfault silent_drop\nprobes ping\n"
		     "why w\n");
	for (i = 0; i < CASE_MAX_EXPECTS; i++)
		sprintf(text + strlen(text),
			"expect ping kernel>=5.%d kernel<5.%d none\n", i,
			i + 1);
	expect_ok(f, text);
	assert_int_equal(f->c.nexpects, CASE_MAX_EXPECTS);
	strcat(text, "expect ping kernel>=6.0 none\n");
	expect_err(f, text,
		   PATH ":70: too many expect lines (more than 64); split the "
			"case");
	free(text);
}

static void test_too_many_refs(void **state)
{
	struct fx *f = *state;
	char text[1024] = HEAD;
	int i;

	for (i = 0; i < CASE_MAX_REFS; i++)
		sprintf(text + strlen(text), "ref r%d\n", i);
	expect_ok(f, text);
	assert_int_equal(f->c.nrefs, CASE_MAX_REFS);
	assert_string_equal(f->c.refs[7], "r7");
	strcat(text, "ref r8\n");
	expect_err(f, text,
		   PATH ":15: too many ref lines (more than 8); put several "
			"references on one line, separated by ';'");
}

static void test_too_many_results(void **state)
{
	struct fx *f = *state;
	char text[1024] = "expect ping", want[128];
	int i;

	for (i = 0; i <= CASE_MAX_RESULTS; i++)
		sprintf(text + strlen(text), " v%d:EIO", i);
	snprintf(want, sizeof(want),
		 PATH ":1: too many results (more than %d) on one expect line",
		 CASE_MAX_RESULTS);
	expect_err(f, text, want);
}

/* The error for a text value one character over CASE_TEXT_MAX - 1. */
static void too_long(struct fx *f, const char *line, int lineno,
		     const char *key)
{
	char want[160];

	snprintf(want, sizeof(want),
		 PATH ":%d: %s too long (%d characters); shorten it to at "
		      "most %d",
		 lineno, key, CASE_TEXT_MAX, CASE_TEXT_MAX - 1);
	expect_err(f, line, want);
}

static void test_value_too_long(void **state)
{
	struct fx *f = *state;
	char *t = repeat('t', CASE_TEXT_MAX);
	char *v = repeat('v', CASE_NAME_MAX);
	char *k = repeat('k', TOKEN_MAX);
	char line[CASE_TEXT_MAX + 256];

	/* The longest title that fits is taken whole. */
	snprintf(line, sizeof(line),
		 "title %.*s\nfamily ipv4\nfault silent_drop\nprobes ping\n"
		 "expect ping none\nwhy w\n",
		 CASE_TEXT_MAX - 1, t);
	assert_int_equal(case_parse_buf(PATH, line, strlen(line), &vocab,
					&f->c, f->err, sizeof(f->err)),
			 0);
	assert_int_equal(strlen(f->c.title), CASE_TEXT_MAX - 1);

	snprintf(line, sizeof(line), "title %s\n", t);
	too_long(f, line, 1, "title");
	snprintf(line, sizeof(line), "why %s\n", t);
	too_long(f, line, 1, "why");
	snprintf(line, sizeof(line), "\nref %s\n", t);
	too_long(f, line, 2, "ref");
	snprintf(line, sizeof(line), "claim %s\n", t);
	memcpy(line + 6, "RFC 1: ", 7); /* its source, as a claim needs */
	too_long(f, line, 1, "claim");
	snprintf(line, sizeof(line), "explain ping %s\n", t);
	too_long(f, line, 1, "explain");
	snprintf(line, sizeof(line), "fault ttl_exceeded type=%s\n", v);
	expect_err(f, line,
		   PATH ":1: value of fault parameter 'type' too "
			"long (64 characters); at most 63");
	snprintf(line, sizeof(line), "fault ttl_exceeded %s=1\n", k);
	expect_err(f, line,
		   PATH ":1: fault parameter name "
			"'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk' too long; "
			"at most 31 characters");
	snprintf(line, sizeof(line), "expect ping %s:EIO\n", k);
	expect_err(f, line,
		   PATH ":1: via 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk' "
			"too long; at most 31 characters");
	free(t);
	free(v);
	free(k);
}

static void test_quiet(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *val, *want;
	} bad[] = {
		{"0", PATH ":7: quiet value '0' out of range; expected "
			   "1..10000 milliseconds"},
		{"10001", PATH ":7: quiet value '10001' out of range; "
			       "expected 1..10000 milliseconds"},
		{"99999999999999999999999",
		 PATH ":7: quiet value '99999999999999999999999' out of "
		      "range; expected 1..10000 milliseconds"},
		{"-1", PATH ":7: bad quiet value '-1'; expected a whole "
			    "number of milliseconds, 1..10000"},
		{"+5", PATH ":7: bad quiet value '+5'; expected a whole "
			    "number of milliseconds, 1..10000"},
		{"5ms", PATH ":7: bad quiet value '5ms'; expected a whole "
			     "number of milliseconds, 1..10000"},
		{"0x10", PATH ":7: bad quiet value '0x10'; expected a whole "
			      "number of milliseconds, 1..10000"},
		{"5 6", PATH ":7: unexpected '6' after the quiet value; "
			     "expected 'quiet MILLISECONDS'"},
		{"", PATH ":7: 'quiet' needs a value; expected 'quiet "
			  "MILLISECONDS'"},
	};
	char extra[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(extra, sizeof(extra), "quiet %s\n", bad[i].val);
		head_err(f, extra, bad[i].want);
	}
	expect_ok(f, HEAD "quiet 1\n");
	assert_int_equal(f->c.quiet_ms, 1);
	expect_ok(f, HEAD "quiet 10000\n");
	assert_int_equal(f->c.quiet_ms, 10000);
}

static void test_kernel_ranges(void **state)
{
	struct fx *f = *state;
	const char *base =
		"title T\nfamily ipv4\nfault silent_drop\nprobes ping\nwhy w\n";
	static const struct {
		const char *line;
		int min, max;
	} ok[] = {
		{"expect ping kernel>=6.1 none\n", 6001, 0},
		{"expect ping kernel<6.12 none\n", 0, 6012},
		{"expect ping kernel>=6.1 kernel<6.12 none\n", 6001, 6012},
		{"expect ping kernel<6.12 kernel>=6.1 none\n", 6001, 6012},
		{"expect ping kernel>=999.999 none\n", 999999, 0},
	};
	static const struct {
		const char *line, *want;
	} bad[] = {
		{"expect ping kernel>=6 none",
		 PATH ":6: bad kernel version '6' in 'kernel>=6'; expected "
		      "X.Y with X 1..999 and Y 0..999, e.g. 6.1"},
		{"expect ping kernel<6.1.2 none",
		 PATH ":6: bad kernel version '6.1.2' in 'kernel<6.1.2'; "
		      "expected X.Y with X 1..999 and Y 0..999, e.g. 6.1"},
		{"expect ping kernel>=6.x none",
		 PATH ":6: bad kernel version '6.x' in 'kernel>=6.x'; "
		      "expected X.Y with X 1..999 and Y 0..999, e.g. 6.1"},
		{"expect ping kernel>=0.5 none",
		 PATH ":6: bad kernel version '0.5' in 'kernel>=0.5'; "
		      "expected X.Y with X 1..999 and Y 0..999, e.g. 6.1"},
		{"expect ping kernel<6.1000 none",
		 PATH ":6: bad kernel version '6.1000' in 'kernel<6.1000'; "
		      "expected X.Y with X 1..999 and Y 0..999, e.g. 6.1"},
		{"expect ping kernel>= none",
		 PATH ":6: bad kernel version '' in 'kernel>='; expected X.Y "
		      "with X 1..999 and Y 0..999, e.g. 6.1"},
		{"expect ping kernel<=6.1 none",
		 PATH ":6: bad kernel range 'kernel<=6.1'; expected "
		      "kernel>=X.Y or kernel<X.Y, e.g. kernel>=6.1"},
		{"expect ping kernel=6.1 none",
		 PATH ":6: bad kernel range 'kernel=6.1'; expected "
		      "kernel>=X.Y or kernel<X.Y, e.g. kernel>=6.1"},
		{"expect ping kernel>=6.1 kernel>=6.2 none",
		 PATH ":6: second kernel>= bound 'kernel>=6.2'; an expect "
		      "line takes at most one"},
		{"expect ping kernel<6.1 kernel<6.2 none",
		 PATH ":6: second kernel< bound 'kernel<6.2'; an expect line "
		      "takes at most one"},
		{"expect ping none kernel>=6.1",
		 PATH ":6: kernel range 'kernel>=6.1' after the results; put "
		      "kernel>= and kernel< before them"},
		{"expect ping recv:EIO kernel<6.1",
		 PATH ":6: kernel range 'kernel<6.1' after the results; put "
		      "kernel>= and kernel< before them"},
		{"expect ping kernel>=6.12 kernel<6.1 none",
		 PATH ":6: kernel>=6.12 with kernel<6.1 matches no kernel; "
		      "the lower bound must be below the upper"},
		{"expect ping kernel>=6.1 kernel<6.1 none",
		 PATH ":6: kernel>=6.1 with kernel<6.1 matches no kernel; the "
		      "lower bound must be below the upper"},
		{"expect ping kernel>=6.1",
		 PATH ":6: no result for probe 'ping'; expected 'expect ping "
		      "[kernel>=X.Y] [kernel<X.Y] RESULT ...' or 'none'"},
	};
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", base, ok[i].line);
		expect_ok(f, text);
		assert_int_equal(f->c.expects[0].kr.min, ok[i].min);
		assert_int_equal(f->c.expects[0].kr.max, ok[i].max);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", base, bad[i].line);
		expect_err(f, text, bad[i].want);
	}
}

static void test_expect_clash(void **state)
{
	struct fx *f = *state;

	head_err(f, "expect udp_connected recv:EIO\n",
		 PATH ":7: second expect for probe 'udp_connected' without a "
		      "kernel range; the first is on line 5, give one of them "
		      "kernel>= or kernel<");
	head_err(f,
		 "expect udp_connected kernel>=6.1 recv:EIO\n"
		 "expect udp_connected kernel<6.2 recv:EIO\n",
		 PATH ":8: kernel range overlaps the expect for probe "
		      "'udp_connected' on line 7; make the ranges disjoint");
	/* Touching ranges do not overlap: [.., 6.1) and [6.1, ..). */
	expect_ok(f, HEAD "expect udp_connected kernel<6.1 recv:EIO\n"
			  "expect udp_connected kernel>=6.1 none\n");
	assert_int_equal(f->c.nexpects, 3);
}

static void test_icmp_type_code(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *res, *want;
	} bad[] = {
		{"errqueue:EHOSTUNREACH/icmp/256/0",
		 PATH ":7: bad icmp type '256' in result "
		      "'errqueue:EHOSTUNREACH/icmp/256/0'; expected a number "
		      "0..255"},
		{"errqueue:EHOSTUNREACH/icmp/3/256",
		 PATH ":7: bad icmp code '256' in result "
		      "'errqueue:EHOSTUNREACH/icmp/3/256'; expected a number "
		      "0..255"},
		{"errqueue:EHOSTUNREACH/icmp/-1/0",
		 PATH ":7: bad icmp type '-1' in result "
		      "'errqueue:EHOSTUNREACH/icmp/-1/0'; expected a number "
		      "0..255"},
		{"errqueue:EHOSTUNREACH/icmp/3/x",
		 PATH ":7: bad icmp code 'x' in result "
		      "'errqueue:EHOSTUNREACH/icmp/3/x'; expected a number "
		      "0..255"},
		{"errqueue:EHOSTUNREACH/icmp/3/",
		 PATH ":7: bad icmp code '' in result "
		      "'errqueue:EHOSTUNREACH/icmp/3/'; expected a number "
		      "0..255"},
	};
	char extra[256];
	size_t i;

	expect_ok(f, HEAD "probes ping\n"
			  "expect ping errqueue:EHOSTUNREACH/icmp/255/255\n");
	assert_int_equal(f->c.expects[1].items[0].type, 255);
	assert_int_equal(f->c.expects[1].items[0].code, 255);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(extra, sizeof(extra), "expect ping %s\n", bad[i].res);
		head_err(f, extra, bad[i].want);
	}
}

static void test_bad_results(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *res, *want;
	} bad[] = {
		{"recv", PATH ":7: bad result 'recv'; expected none, "
			      "VIA:ERRNO or VIA:ERRNO/ORIGIN/TYPE/CODE, e.g. "
			      "recv:ECONNREFUSED"},
		{":EIO", PATH ":7: bad result ':EIO'; expected none, "
			      "VIA:ERRNO or VIA:ERRNO/ORIGIN/TYPE/CODE, e.g. "
			      "recv:ECONNREFUSED"},
		{"recv:", PATH ":7: bad result 'recv:'; expected none, "
			       "VIA:ERRNO or VIA:ERRNO/ORIGIN/TYPE/CODE, e.g. "
			       "recv:ECONNREFUSED"},
		{"Recv:EIO", PATH ":7: bad via 'Recv' in result 'Recv:EIO'; "
				  "expected lowercase letters, digits and "
				  "'_', e.g. recv"},
		{"recv:ECONREFUSED",
		 PATH ":7: unknown errno 'ECONREFUSED' in result "
		      "'recv:ECONREFUSED'; expected an errno name such as "
		      "ECONNREFUSED, '-' or a number"},
		{"exit:5000", PATH ":7: bad number '5000' in result "
				   "'exit:5000'; expected 0..4095"},
		{"errqueue:EIO/icmp4/3/3",
		 PATH ":7: unknown origin 'icmp4' in result "
		      "'errqueue:EIO/icmp4/3/3'; expected one of: none, "
		      "local, icmp, icmp6, txstatus, zerocopy, txtime"},
		{"errqueue:EIO/icmp/3",
		 PATH ":7: bad result 'errqueue:EIO/icmp/3'; expected "
		      "VIA:ERRNO/ORIGIN/TYPE/CODE, e.g. "
		      "errqueue:EHOSTUNREACH/icmp/11/0"},
		{"errqueue:EIO/icmp/3/3/3",
		 PATH ":7: bad result 'errqueue:EIO/icmp/3/3/3'; expected "
		      "VIA:ERRNO/ORIGIN/TYPE/CODE, e.g. "
		      "errqueue:EHOSTUNREACH/icmp/11/0"},
		{"none recv:EIO", PATH ":7: 'none' must be the only result; "
				       "remove it or the others"},
		{"recv:EIO none", PATH ":7: 'none' must be the only result; "
				       "remove it or the others"},
		{"none none", PATH ":7: 'none' must be the only result; "
				   "remove it or the others"},
	};
	char extra[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(extra, sizeof(extra), "expect ping %s\n", bad[i].res);
		head_err(f, extra, bad[i].want);
	}
}

/* '-' for observations without an errno, numbers for exit statuses. */
static void test_no_errno_and_numbers(void **state)
{
	struct fx *f = *state;
	const struct case_expect *x;
	char buf[64];

	expect_ok(f, "title T\nfamily ipv4\nfault port_unreachable\n"
		     "probes ping udp_connected\n"
		     "expect ping raw:-/icmp/3/3\n"
		     "expect udp_connected exit:1\nwhy W\n");
	x = case_expect_for(&f->c, "ping", 6018);
	assert_non_null(x);
	assert_int_equal(x->items[0].err, EXPECT_NO_ERRNO);
	assert_true(x->items[0].has_icmp);
	assert_string_equal(expect_item_str(&x->items[0], buf, sizeof(buf)),
			    "raw:-/icmp/3/3");
	x = case_expect_for(&f->c, "udp_connected", 6018);
	assert_int_equal(x->items[0].err, 1);
	assert_string_equal(expect_item_str(&x->items[0], buf, sizeof(buf)),
			    "exit:1");
}

/* A claim says where it comes from, with a number to look it up by. */
static void test_claim_source(void **state)
{
	struct fx *f = *state;
	static const char want[] =
		PATH ":7: a claim names its source first, with its section: "
		"'claim RFC 1122 4.2.3.9: statement' or 'claim UNP vol. 1, "
		"3rd ed., 8.9: statement'";

	expect_err(f, HEAD "claim the textbook says so\n", want);
	expect_err(f, HEAD "claim the textbook: says so\n", want);
	expect_err(f, HEAD "claim : says so\n", want);
	expect_err(f, HEAD "claim RFC 1122 4.2.3.9 says so\n", want);
	expect_ok(f, HEAD "claim UNP vol. 1, 3rd ed., 8.9: says so\n");
	assert_string_equal(f->c.claim, "UNP vol. 1, 3rd ed., 8.9: says so");
}

/* A claim's predictions are kept apart from the expectations. */
static void test_claim_expect(void **state)
{
	struct fx *f = *state;

	expect_ok(f, HEAD "claim UNP 8.9: the textbook says so\n"
			  "claim-expect udp_connected recv:EHOSTUNREACH\n"
			  "command nc -u -z -w1 {addr} {port}\n");
	assert_int_equal(f->c.nclaims, 1);
	assert_int_equal(f->c.nexpects, 1);
	assert_string_equal(f->c.claims[0].probe, "udp_connected");
	assert_int_equal(f->c.claims[0].items[0].err, EHOSTUNREACH);
	assert_string_equal(f->c.command, "nc -u -z -w1 {addr} {port}");
	head_err(f, "claim-expect udp_connected none\n",
		 PATH ":7: claim-expect without a claim; add a line "
		      "'claim SOURCE: statement'");
	head_err(f, "claim RFC 1: c\nclaim-expect ping none\n",
		 PATH ":8: claim-expect for probe 'ping', which is not in "
		      "'probes'; add it there or remove this line");
}

static void test_duplicate_probe(void **state)
{
	struct fx *f = *state;

	head_err(f, "probes ping udp_connected\n",
		 PATH ":7: probe 'udp_connected' listed twice; the first is on "
		      "line 4, keep one");
	head_err(f, "probes ping ping\n",
		 PATH ":7: probe 'ping' listed twice; the first is on line 7, "
		      "keep one");
}

static void test_expect_unlisted_probe(void **state)
{
	struct fx *f = *state;

	head_err(f, "expect ping none\n",
		 PATH ":7: expect for probe 'ping', which is not in 'probes'; "
		      "add it there or remove this line");
}

static void test_probe_without_expect(void **state)
{
	struct fx *f = *state;

	head_err(f, "\nprobes tcp_connect ping\nexpect tcp_connect none\n",
		 PATH ":8: probe 'ping' has no expect line; add 'expect ping "
		      "RESULT ...' or 'expect ping none'");
	/* A probe listed after its expect line is fine. */
	expect_ok(f, HEAD "expect ping none\nprobes ping\n");
}

static void test_explain_errors(void **state)
{
	struct fx *f = *state;

	head_err(f, "explain ping why\n",
		 PATH ":7: explain for probe 'ping', which is not in 'probes'; "
		      "add it there or remove this line");
	head_err(f, "explain udp_connected a\nexplain udp_connected b\n",
		 PATH ":8: second explain for probe 'udp_connected'; the first "
		      "is on line 7, keep one");
	head_err(f, "explain udp_connected   \n",
		 PATH ":7: explain for probe 'udp_connected' has no text; "
		      "expected 'explain udp_connected <why this probe sees "
		      "what it sees>'");
	head_err(f, "explain pong x\n",
		 PATH ":7: unknown probe 'pong'; expected one of: "
		      "udp_connected, udp_unconnected, tcp_connect, ping");
}

static void test_missing_required(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *text, *want;
	} t[] = {
		{"family ipv4\nfault silent_drop\nprobes ping\n"
		 "expect ping none\nwhy w\n",
		 PATH ": missing 'title'; expected a line 'title <short "
		      "title>'"},
		{"title T\nfault silent_drop\nprobes ping\n"
		 "expect ping none\nwhy w\n",
		 PATH ": missing 'family'; expected a line 'family "
		      "ipv4 [ipv6]'"},
		{"title T\nfamily ipv4\nprobes ping\n"
		 "expect ping none\nwhy w\n",
		 PATH ": missing 'fault'; expected a line 'fault NAME "
		      "[key=value ...]'"},
		{"title T\nfamily ipv4\nfault silent_drop\nwhy w\n",
		 PATH ": missing 'probes'; expected a line 'probes "
		      "NAME|@GROUP [...]'"},
		{"title T\nfamily ipv4\nfault silent_drop\nprobes ping\n"
		 "expect ping none\n",
		 PATH ": missing 'why'; expected a line 'why <one "
		      "sentence>'"},
		{"", PATH ": missing 'title'; expected a line 'title <short "
			  "title>'"},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_err(f, t[i].text, t[i].want);
}

static void test_unknown_key(void **state)
{
	struct fx *f = *state;

	head_err(f, "titel x\n",
		 PATH
		 ":7: unknown key 'titel'; expected one of: title, "
		 "family, fault, probes, expect, explain, why, ref, quiet, "
		 "claim, claim-expect, command, vars, isolate, row, group");
	head_err(f, "Title x\n",
		 PATH
		 ":7: unknown key 'Title'; expected one of: title, "
		 "family, fault, probes, expect, explain, why, ref, quiet, "
		 "claim, claim-expect, command, vars, isolate, row, group");
}

static void test_key_without_value(void **state)
{
	struct fx *f = *state;

	expect_err(f, "title   # nothing\n",
		   PATH ":1: 'title' needs a value; expected 'title <short "
			"title>'");
	expect_err(f, "\n\nprobes\n",
		   PATH ":3: 'probes' needs a value; expected 'probes "
			"NAME|@GROUP [...]'");
	expect_err(f, "expect\n",
		   PATH ":1: 'expect' needs a value; expected 'expect PROBE "
			"[kernel>=X.Y] [kernel<X.Y] RESULT ...'");
	expect_err(f, "expect ping\n",
		   PATH ":1: no result for probe 'ping'; expected 'expect ping "
			"[kernel>=X.Y] [kernel<X.Y] RESULT ...' or 'none'");
}

static void test_unknown_names(void **state)
{
	struct fx *f = *state;
	static const char *const none[] = {NULL};
	struct case_vocab empty = {none, none, NULL, NULL, NULL};

	expect_err(f, "fault tll\n",
		   PATH ":1: unknown fault 'tll'; expected one of: "
			"ttl_exceeded, port_unreachable, silent_drop");
	expect_err(f, "probes ping pnig\n",
		   PATH ":1: unknown probe 'pnig'; expected one of: "
			"udp_connected, udp_unconnected, tcp_connect, ping");
	expect_err(f, "expect udp recv:EIO\n",
		   PATH ":1: unknown probe 'udp'; expected one of: "
			"udp_connected, udp_unconnected, tcp_connect, ping");
	assert_int_equal(parse_len(f, "fault x\n", 8, &empty), -1);
	assert_string_equal(f->err, PATH ":1: unknown fault 'x'; expected one "
					 "of: (none configured)");
}

static void test_family(void **state)
{
	struct fx *f = *state;

	expect_err(f, "family ipv5\n",
		   PATH ":1: unknown family 'ipv5'; expected one of: ipv4, "
			"ipv6");
	expect_err(f, "family ipv4 ipv4\n",
		   PATH ":1: family 'ipv4' listed twice; keep one");
	expect_err(f, "family ipv4\nfamily ipv6\n",
		   PATH ":2: second 'family' line; the first is on line 1, "
			"keep only one");
}

static void test_fault_params(void **state)
{
	struct fx *f = *state;

	expect_err(f, "fault ttl_exceeded type=300\n",
		   PATH ":1: bad fault parameter 'type=300' for fault "
			"'ttl_exceeded'; expected type=0..255");
	expect_err(f, "fault ttl_exceeded mtu=1280\n",
		   PATH ":1: bad fault parameter 'mtu=1280' for fault "
			"'ttl_exceeded'; expected type=0..255 or code=0..255");
	expect_err(f, "fault ttl_exceeded type\n",
		   PATH ":1: bad fault parameter 'type'; expected key=value");
	expect_err(f, "fault ttl_exceeded type=\n",
		   PATH ":1: bad fault parameter 'type='; expected key=value");
	expect_err(f, "fault ttl_exceeded =3\n",
		   PATH ":1: bad fault parameter '=3'; expected key=value");
	expect_err(f, "fault ttl_exceeded Type=3\n",
		   PATH ":1: bad fault parameter name 'Type'; expected "
			"lowercase letters, digits and '_'");
	expect_err(f, "fault ttl_exceeded type=3 type=4\n",
		   PATH ":1: fault parameter 'type' given twice; keep one");
}

static void test_name_from_path(void **state)
{
	struct fx *f = *state;
	char *longname = repeat('n', CASE_NAME_MAX);
	char path[256];

	assert_int_equal(case_parse_buf("x/y/frag_needed.case", HEAD,
					strlen(HEAD), &vocab, &f->c, f->err,
					sizeof(f->err)),
			 0);
	assert_string_equal(f->c.name, "frag_needed");
	assert_int_equal(case_parse_buf("plain", HEAD, strlen(HEAD), &vocab,
					&f->c, f->err, sizeof(f->err)),
			 0);
	assert_string_equal(f->c.name, "plain");
	assert_int_equal(case_parse_buf("x/.case", HEAD, strlen(HEAD), &vocab,
					&f->c, f->err, sizeof(f->err)),
			 -1);
	assert_string_equal(f->err, "x/.case: no case name in the path; name "
				    "the file NAME.case");
	snprintf(path, sizeof(path), "d/%s.case", longname);
	assert_int_equal(case_parse_buf(path, HEAD, strlen(HEAD), &vocab, &f->c,
					f->err, sizeof(f->err)),
			 -1);
	assert_non_null(strstr(f->err, ".case: case name too long (64 "
				       "characters); at most 63"));
	free(longname);
}

static void test_expect_for(void **state)
{
	struct fx *f = *state;
	const struct case_expect *x;

	expect_ok(f, "title T\nfamily ipv4\nfault silent_drop\n"
		     "probes ping udp_connected tcp_connect\nwhy w\n"
		     "expect ping recv:EIO\n"
		     "expect ping kernel>=6.1 kernel<6.12 none\n"
		     "expect ping kernel>=6.12 so_error:EIO\n"
		     "expect udp_connected kernel<6.1 none\n"
		     "expect tcp_connect none\n");
	x = case_expect_for(&f->c, "ping", 5015);
	assert_non_null(x);
	assert_int_equal(x->line, 6);
	x = case_expect_for(&f->c, "ping", 6001);
	assert_int_equal(x->line, 7);
	x = case_expect_for(&f->c, "ping", 6011);
	assert_int_equal(x->line, 7);
	x = case_expect_for(&f->c, "ping", 6012);
	assert_int_equal(x->line, 8);
	x = case_expect_for(&f->c, "ping", 6018);
	assert_int_equal(x->line, 8);
	/* An unknown kernel gets the unranged line. */
	x = case_expect_for(&f->c, "ping", -1);
	assert_int_equal(x->line, 6);
	x = case_expect_for(&f->c, "udp_connected", 5004);
	assert_int_equal(x->line, 9);
	assert_null(case_expect_for(&f->c, "udp_connected", 6001));
	assert_null(case_expect_for(&f->c, "udp_connected", -1));
	assert_int_equal(case_expect_for(&f->c, "tcp_connect", 6001)->line, 10);
	assert_null(case_expect_for(&f->c, "udp_unconnected", 6001));
	assert_null(case_expect_for(&f->c, NULL, 6001));
	assert_null(case_expect_for(NULL, "ping", 6001));
}

static void test_kernel_version_parse(void **state)
{
	(void)state;
	assert_int_equal(kernel_version_parse("6.18.44-fc-v595"), 6018);
	assert_int_equal(kernel_version_parse("6.12.3-amd64"), 6012);
	assert_int_equal(kernel_version_parse("6.1"), 6001);
	assert_int_equal(kernel_version_parse("5.15.0-91-generic"), 5015);
	assert_int_equal(kernel_version_parse("4.19"), 4019);
	assert_int_equal(kernel_version_parse("6"), -1);
	assert_int_equal(kernel_version_parse("6."), -1);
	assert_int_equal(kernel_version_parse("6.x"), -1);
	assert_int_equal(kernel_version_parse(" 6.1"), -1);
	assert_int_equal(kernel_version_parse("v6.1"), -1);
	assert_int_equal(kernel_version_parse("-6.1"), -1);
	assert_int_equal(kernel_version_parse("6.1000"), -1);
	assert_int_equal(kernel_version_parse("99999999999999999999.1"), -1);
	assert_int_equal(kernel_version_parse(""), -1);
	assert_int_equal(kernel_version_parse(NULL), -1);
}

static void test_format(void **state)
{
	struct fx *f = *state;
	char buf[128];

	expect_ok(f, HEAD "probes ping tcp_connect\n"
			  "expect ping errqueue:EHOSTUNREACH/icmp/11/0 "
			  "recv:EHOSTUNREACH\n"
			  "expect tcp_connect none\n");
	assert_string_equal(
		expect_item_str(&f->c.expects[0].items[0], buf, sizeof(buf)),
		"recv:ECONNREFUSED");
	assert_string_equal(
		expect_item_str(&f->c.expects[1].items[0], buf, sizeof(buf)),
		"errqueue:EHOSTUNREACH/icmp/11/0");
	assert_string_equal(
		expect_results_str(&f->c.expects[1], buf, sizeof(buf)),
		"errqueue:EHOSTUNREACH/icmp/11/0 recv:EHOSTUNREACH");
	assert_string_equal(
		expect_results_str(&f->c.expects[2], buf, sizeof(buf)), "none");
	/* A short buffer is cut, still terminated. */
	assert_string_equal(expect_results_str(&f->c.expects[1], buf, 9),
			    "errqueue");
	assert_string_equal(expect_item_str(&f->c.expects[1].items[0], buf, 9),
			    "errqueue");
}

/* Temp directories for case_load_dir. */
struct tmpdir {
	char root[64];
	char made[16][128];
	int nmade;
	bool isdir[16];
};

static void tmp_init(struct tmpdir *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->root, "/tmp/icmplab-casefile-XXXXXX");
	assert_non_null(mkdtemp(t->root));
}

/* Records root/rel as the next thing made. */
static void tmp_path(struct tmpdir *t, const char *rel)
{
	char path[sizeof(t->made[0])];

	assert_true(t->nmade < (int)(sizeof(t->made) / sizeof(t->made[0])));
	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	memcpy(t->made[t->nmade], path, sizeof(path));
}

static void tmp_mkdir(struct tmpdir *t, const char *rel)
{
	tmp_path(t, rel);
	assert_int_equal(mkdir(t->made[t->nmade], 0700), 0);
	t->isdir[t->nmade++] = true;
}

static void tmp_write(struct tmpdir *t, const char *rel, const char *text)
{
	FILE *fp;

	tmp_path(t, rel);
	fp = fopen(t->made[t->nmade], "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	t->isdir[t->nmade++] = false;
}

static void tmp_cleanup(struct tmpdir *t)
{
	int i;

	for (i = t->nmade - 1; i >= 0; i--) {
		if (t->isdir[i])
			rmdir(t->made[i]);
		else
			unlink(t->made[i]);
	}
	rmdir(t->root);
}

static void test_load_dir_order(void **state)
{
	struct case_def *cases = NULL;
	struct tmpdir t;
	char err[512], want[256];
	int n;

	(void)state;
	tmp_init(&t);
	tmp_write(&t, "zeta.case", HEAD);
	tmp_mkdir(&t, "sub");
	tmp_write(&t, "sub/alpha.case",
		  "title Alpha\nfamily ipv6\nfault silent_drop\n"
		  "probes ping\nexpect ping none\nwhy w\n");
	tmp_write(&t, "notes.txt", "not a case");
	tmp_write(&t, ".hidden.case", "garbage");
	n = case_load_dir(t.root, &vocab, &cases, err, sizeof(err));
	if (n < 0)
		print_error("%s\n", err);
	assert_int_equal(n, 2);
	assert_non_null(cases);
	snprintf(want, sizeof(want), "%s/sub/alpha.case", t.root);
	assert_string_equal(cases[0].path, want);
	assert_string_equal(cases[0].name, "alpha");
	assert_string_equal(cases[0].title, "Alpha");
	assert_int_equal(cases[0].family, AF_INET6);
	assert_string_equal(cases[1].name, "zeta");
	assert_string_equal(cases[1].title, "T");
	free(cases);
	tmp_cleanup(&t);
}

/* Names key results and captures: two files with one name are an error. */
static void test_load_dir_duplicate_names(void **state)
{
	struct case_def *cases = NULL;
	struct tmpdir t;
	char err[512];

	(void)state;
	tmp_init(&t);
	tmp_mkdir(&t, "a");
	tmp_mkdir(&t, "b");
	tmp_write(&t, "a/same.case", HEAD);
	tmp_write(&t, "b/same.case", HEAD);
	assert_int_equal(
		case_load_dir(t.root, &vocab, &cases, err, sizeof(err)), -1);
	assert_null(cases);
	assert_non_null(strstr(err, "b/same.case: case name 'same' is "
				    "already used by"));
	tmp_cleanup(&t);
}

static void test_load_dir_malformed(void **state)
{
	static struct case_def dummy;
	struct case_def *cases = &dummy;
	struct tmpdir t;
	char err[512], want[512];

	(void)state;
	tmp_init(&t);
	tmp_write(&t, "a.case", HEAD);
	tmp_write(&t, "b.case", HEAD "fault tll\n");
	assert_int_equal(
		case_load_dir(t.root, &vocab, &cases, err, sizeof(err)), -1);
	assert_null(cases);
	snprintf(want, sizeof(want),
		 "%s/b.case:7: second 'fault' line; the first is on line 3, "
		 "keep only one",
		 t.root);
	assert_string_equal(err, want);
	tmp_cleanup(&t);
}

static void test_load_dir_missing_or_empty(void **state)
{
	struct case_def *cases = NULL;
	struct tmpdir t;
	char err[512], want[512];

	(void)state;
	assert_int_equal(case_load_dir("/nonexistent/icmplab-cases", &vocab,
				       &cases, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "cannot open case directory "
				 "'/nonexistent/icmplab-cases': no such file "
				 "or directory; check the path");
	tmp_init(&t);
	tmp_mkdir(&t, "v4");
	tmp_write(&t, "v4/README", "no cases here");
	assert_int_equal(
		case_load_dir(t.root, &vocab, &cases, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "no case files (*.case) under '%s'; add one or check the "
		 "path",
		 t.root);
	assert_string_equal(err, want);
	assert_null(cases);
	tmp_cleanup(&t);
}

static void test_parse_file_errors(void **state)
{
	struct fx *f = *state;
	struct tmpdir t;
	char *big = repeat('#', CASE_FILE_MAX + 1);
	char path[256], want[512];

	assert_int_equal(case_parse_file("/nonexistent/x.case", &vocab, &f->c,
					 f->err, sizeof(f->err)),
			 -1);
	assert_string_equal(f->err, "/nonexistent/x.case: cannot open: no such "
				    "file or directory; check the path");
	tmp_init(&t);
	tmp_write(&t, "big.case", big);
	snprintf(path, sizeof(path), "%s/big.case", t.root);
	assert_int_equal(
		case_parse_file(path, &vocab, &f->c, f->err, sizeof(f->err)),
		-1);
	snprintf(want, sizeof(want),
		 "%s: file too large (more than 262144 bytes); a case file is "
		 "at most 262144 bytes",
		 path);
	assert_string_equal(f->err, want);
	assert_int_equal(
		case_parse_file(t.root, &vocab, &f->c, f->err, sizeof(f->err)),
		-1);
	snprintf(want, sizeof(want),
		 "%s: not a regular file; a case must be a plain file", t.root);
	assert_string_equal(f->err, want);
	tmp_cleanup(&t);
	free(big);
}

static void test_small_err_buffer(void **state)
{
	struct fx *f = *state;
	char err[8];

	assert_int_equal(
		case_parse_buf(PATH, "x\n", 2, &vocab, &f->c, err, sizeof(err)),
		-1);
	assert_string_equal(err, "cases/v");
	assert_int_equal(case_parse_buf(PATH, "x\n", 2, &vocab, &f->c, NULL, 0),
			 -1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_valid_full),
		T(test_minimal_defaults),
		T(test_no_final_newline),
		T(test_crlf),
		T(test_tabs_and_spaces),
		T(test_line_too_long),
		T(test_nul_byte),
		T(test_control_char),
		T(test_duplicate_once_keys),
		T(test_too_many_probes),
		T(test_too_many_params),
		T(test_too_many_expects),
		T(test_too_many_refs),
		T(test_too_many_results),
		T(test_value_too_long),
		T(test_quiet),
		T(test_kernel_ranges),
		T(test_expect_clash),
		T(test_icmp_type_code),
		T(test_bad_results),
		T(test_duplicate_probe),
		T(test_expect_unlisted_probe),
		T(test_probe_without_expect),
		T(test_explain_errors),
		T(test_missing_required),
		T(test_unknown_key),
		T(test_key_without_value),
		T(test_unknown_names),
		T(test_family),
		T(test_fault_params),
		T(test_name_from_path),
		T(test_expect_for),
		T(test_kernel_version_parse),
		T(test_format),
		T(test_load_dir_order),
		T(test_load_dir_malformed),
		T(test_load_dir_duplicate_names),
		T(test_no_errno_and_numbers),
		T(test_claim_source),
		T(test_claim_expect),
		T(test_load_dir_missing_or_empty),
		T(test_parse_file_errors),
		T(test_small_err_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
