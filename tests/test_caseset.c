/* Case files that expand into several cases: rows, vars, qualifiers,
 * templates, isolation, the family axis, groups and the catalogue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "casefile.h"

#define PATH "cases/v4/t.case"
#define DEFS "cases/probes.defs"

static const char *const faults[] = {"forge", "port_unreachable", NULL};
static const char *const probes[] = {"udp-connected", "udp-recverr", "ping",
				     "raw-icmp",      "cmd",	     NULL};

/* type, code and mtu take 0..255; nothing else is a parameter. */
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
	errno = 0;
	n = strtol(val, &end, 10);
	if (val[0] < '0' || val[0] > '9' || *end || errno || n > 255) {
		snprintf(why, whylen, "expected %s=0..255", key);
		return -1;
	}
	return 0;
}

/* raw-icmp has an IPv4 form only, as in the real probe table. */
static unsigned probe_families(const char *probe)
{
	return strcmp(probe, "raw-icmp") == 0 ? 1u : 3u;
}

static const struct case_vocab vocab = {faults, probes, check_param, NULL,
					 probe_families};

struct fx {
	struct case_lib *lib;
	struct case_def *set;
	int n;
	char err[1024];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->lib = case_lib_new();
	if (!f->lib)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	free(f->set);
	case_lib_free(f->lib);
	free(f);
	return 0;
}

static int lib_add(struct fx *f, const char *text)
{
	f->err[0] = '\0';
	return case_lib_add_buf(f->lib, DEFS, text, strlen(text), &vocab,
				f->err, sizeof(f->err));
}

static int parse(struct fx *f, const char *text)
{
	free(f->set);
	f->set = NULL;
	f->err[0] = '\0';
	f->n = case_parse_set(PATH, text, strlen(text), &vocab, f->lib, &f->set,
			      f->err, sizeof(f->err));
	return f->n;
}

static void expect_n(struct fx *f, const char *text, int n)
{
	if (parse(f, text) < 0)
		print_error("unexpected error: %s\n", f->err);
	assert_int_equal(f->n, n);
}

static void expect_err(struct fx *f, const char *text, const char *want)
{
	assert_int_equal(parse(f, text), -1);
	assert_null(f->set);
	assert_string_equal(f->err, want);
}

/* The results of the expect line that applies to probe, as written. */
static const char *results(const struct case_def *c, const char *probe)
{
	static char buf[512];

	return expect_results_str(case_expect_for(c, probe, 6001), buf,
				  sizeof(buf));
}

static const char *param(const struct case_def *c, const char *key)
{
	int i;

	for (i = 0; i < c->nparams; i++)
		if (strcmp(c->params[i].key, key) == 0)
			return c->params[i].val;
	return NULL;
}

/* Three rows, two vars; class qualifiers, a row's own line and templates
 * in results, explanations and titles. */
#define ROWS                                                                   \
	"vars     errno class\n"                                               \
	"family   ipv4\n"                                                      \
	"fault    forge type=3\n"                                              \
	"probes   udp-connected udp-recverr\n"                                 \
	"title    forged {type}/{code}\n"                                      \
	"why      one why\n"                                                   \
	"why      class=soft  a soft why\n"                                    \
	"ref      RFC 792\n"                                                   \
	"ref      class=hard  RFC 1122 4.2.3.9\n"                              \
	"expect   udp-connected  class=hard  recv:{errno}\n"                   \
	"expect   udp-connected  class=soft  none\n"                           \
	"expect   udp-recverr    errqueue:{errno}/icmp/{type}/{code}\n"        \
	"explain  udp-recverr    queued: {errno}\n"                            \
	"row      net code=0 errno=ENETUNREACH class=soft\n"                   \
	"row      port code=3 errno=ECONNREFUSED class=hard\n"                 \
	"row      frag code=4 mtu=200 errno=EMSGSIZE class=hard\n"             \
	"title    forged {type}/{code} with mtu {mtu}\n"                       \
	"expect   udp-connected  recv:EMSGSIZE send:EMSGSIZE\n"

static void test_rows(void **state)
{
	struct fx *f = *state;
	const struct case_def *c;

	expect_n(f, ROWS, 3);
	c = &f->set[0];
	assert_string_equal(c->name, "net");
	assert_string_equal(c->group, "t");
	assert_string_equal(c->fault, "forge");
	assert_string_equal(param(c, "type"), "3");
	assert_string_equal(param(c, "code"), "0");
	assert_null(param(c, "errno")); /* a var, not a parameter */
	assert_string_equal(c->title, "forged 3/0");
	assert_string_equal(c->why, "a soft why");
	assert_int_equal(c->nrefs, 1);
	assert_string_equal(results(c, "udp-connected"), "none");
	assert_string_equal(results(c, "udp-recverr"),
			    "errqueue:ENETUNREACH/icmp/3/0");
	assert_string_equal(case_explain_for(c, "udp-recverr"),
			    "queued: ENETUNREACH");

	c = &f->set[1];
	assert_string_equal(c->name, "port");
	assert_string_equal(c->why, "one why");
	assert_int_equal(c->nrefs, 2);
	assert_string_equal(c->refs[1], "RFC 1122 4.2.3.9");
	assert_string_equal(results(c, "udp-connected"), "recv:ECONNREFUSED");

	/* The row's own lines win over the file's, qualified or not. */
	c = &f->set[2];
	assert_string_equal(c->name, "frag");
	assert_string_equal(param(c, "mtu"), "200");
	assert_string_equal(c->title, "forged 3/4 with mtu 200");
	assert_string_equal(results(c, "udp-connected"),
			    "recv:EMSGSIZE send:EMSGSIZE");
}

/* A user's command may go without an expect line: it is reported, not
 * judged (icmplab try's rows); every other probe still needs one. */
static void test_cmd_without_expect(void **state)
{
	struct fx *f = *state;

	expect_n(f,
		 "family ipv4\nfault port_unreachable\nprobes cmd\n"
		 "title t\nwhy w\nrow a\nrow b\n",
		 2);
	assert_null(case_expect_for(&f->set[0], "cmd", 6001));
	expect_err(f,
		   "family ipv4\nfault port_unreachable\nprobes cmd ping\n"
		   "title t\nwhy w\n",
		   PATH ":3: probe 'ping' has no expect line; add 'expect "
			"ping RESULT ...' or 'expect ping none'");
}

/* A row's parameter replaces the file's; a file without rows is one case
 * named after it. */
static void test_row_overrides_param(void **state)
{
	struct fx *f = *state;

	expect_n(f,
		 "family ipv4\nfault forge type=3 code=1\nprobes ping\n"
		 "expect ping none\ntitle t\nwhy w\nrow a\nrow b code=2\n",
		 2);
	assert_string_equal(param(&f->set[0], "code"), "1");
	assert_string_equal(param(&f->set[1], "code"), "2");
	expect_n(f,
		 "family ipv4\nfault forge\nprobes ping\nexpect ping none\n"
		 "title t\nwhy w\n",
		 1);
	assert_string_equal(f->set[0].name, "t");
}

/* isolate probe: one case per probe, named ROW-PROBE, with {probe}; a
 * row may opt out. */
static void test_isolate(void **state)
{
	struct fx *f = *state;

	expect_n(f,
		 "isolate probe\nfamily ipv4\nfault port_unreachable\n"
		 "probes udp-connected ping\nexpect udp-connected none\n"
		 "expect ping none\ntitle burst ({probe})\nwhy w\n"
		 "row a\nrow b\nisolate none\ntitle both\n",
		 3);
	assert_string_equal(f->set[0].name, "a-udp-connected");
	assert_int_equal(f->set[0].nprobes, 1);
	assert_string_equal(f->set[0].probes[0], "udp-connected");
	assert_string_equal(f->set[0].title, "burst (udp-connected)");
	assert_int_equal(f->set[0].nexpects, 1);
	assert_string_equal(f->set[1].name, "a-ping");
	assert_string_equal(f->set[2].name, "b");
	assert_int_equal(f->set[2].nprobes, 2);
}

/* Two families: two cases, the IPv6 one named -ipv6, with family=
 * qualifiers choosing its lines. */
static void test_family_axis(void **state)
{
	struct fx *f = *state;

	expect_n(f,
		 "family ipv4 ipv6\nfault port_unreachable\n"
		 "probes udp-connected\ntitle t ({family})\nwhy w\n"
		 "expect udp-connected recv:ECONNREFUSED\n"
		 "expect udp-connected family=ipv6 recv:ECONNRESET\n",
		 2);
	assert_string_equal(f->set[0].name, "t");
	assert_int_equal(f->set[0].family, AF_INET);
	assert_string_equal(results(&f->set[0], "udp-connected"),
			    "recv:ECONNREFUSED");
	assert_string_equal(f->set[1].name, "t-ipv6");
	assert_int_equal(f->set[1].family, AF_INET6);
	assert_string_equal(f->set[1].title, "t (ipv6)");
	assert_string_equal(results(&f->set[1], "udp-connected"),
			    "recv:ECONNRESET");
}

/* A row argument for one family ("ipv6:code=4") replaces the shared one
 * in that family's case only, wherever it stands on the line; {icmp} is
 * the family's error-queue origin; a group leaves out of the IPv6 case a
 * probe without an IPv6 form. */
static void test_family_row_args(void **state)
{
	struct fx *f = *state;

	assert_int_equal(lib_add(f, "group @g udp-recverr raw-icmp\n"), 0);
	expect_n(f,
		 "vars c\nfamily ipv4 ipv6\nfault forge\nprobes @g\n"
		 "title t {c}\nwhy w\n"
		 "expect @g errqueue:EHOSTUNREACH/{icmp}/{type}/{code}\n"
		 "row r ipv6:type=1 type=3 code=3 ipv6:c=six c=four "
		 "ipv6:code=4\n",
		 2);
	assert_string_equal(f->set[0].name, "r");
	assert_int_equal(f->set[0].nprobes, 2);
	assert_string_equal(results(&f->set[0], "udp-recverr"),
			    "errqueue:EHOSTUNREACH/icmp/3/3");
	assert_string_equal(f->set[0].title, "t four");
	assert_string_equal(f->set[1].name, "r-ipv6");
	assert_int_equal(f->set[1].nprobes, 1);
	assert_string_equal(f->set[1].probes[0], "udp-recverr");
	assert_string_equal(results(&f->set[1], "udp-recverr"),
			    "errqueue:EHOSTUNREACH/icmp6/1/4");
	assert_string_equal(f->set[1].title, "t six");
	/* A probe named on its own without the family is refused. */
	expect_err(f,
		   "family ipv6\nfault port_unreachable\nprobes raw-icmp\n"
		   "title t\nwhy w\nexpect raw-icmp none\n",
		   PATH ":3: probe 'raw-icmp' has no ipv6 form (icmplab "
			"probes lists the families); drop it or the family");
	/* A family prefix for a family the file does not run. */
	expect_err(f,
		   "family ipv4\nfault forge\nprobes udp-recverr\n"
		   "title t\nwhy w\nexpect udp-recverr none\n"
		   "row r type=3 ipv6:type=1\n",
		   PATH ":7: row argument 'ipv6:type=1' is for a family the "
			"file does not run; add it to the family line or drop "
			"it");
}

/* Groups from a .defs file, in probes and expect lines (a group of
 * groups too); the catalogue fills in what a case does not say, and a
 * case's own line wins. */
static void test_groups_and_catalogue(void **state)
{
	struct fx *f = *state;
	const struct case_def *c;

	assert_int_equal(lib_add(f, "group @udp udp-connected udp-recverr\n"
				    "group @most @udp ping\n"
				    "expect ping none\n"
				    "expect @udp class=soft none\n"
				    "explain ping class=soft soft: {errno}\n"
				    "explain ping the catalogue's\n"),
			 0);
	expect_n(f,
		 "vars errno class\nfamily ipv4\nfault forge\n"
		 "probes @most\ntitle t\nwhy w\n"
		 "expect @udp class=hard recv:{errno}\n"
		 "explain udp-connected own\n"
		 "row a errno=EIO class=soft\nrow b errno=EPROTO class=hard\n",
		 2);
	c = &f->set[0];
	assert_int_equal(c->nprobes, 3);
	assert_string_equal(c->probes[2], "ping");
	assert_string_equal(results(c, "udp-connected"), "none");
	assert_string_equal(results(c, "ping"), "none");
	assert_string_equal(case_explain_for(c, "ping"), "soft: EIO");
	assert_string_equal(case_explain_for(c, "udp-connected"), "own");
	assert_null(case_explain_for(c, "udp-recverr"));
	c = &f->set[1];
	assert_string_equal(results(c, "udp-recverr"), "recv:EPROTO");
	assert_string_equal(case_explain_for(c, "ping"), "the catalogue's");
	/* @all: every probe but cmd. */
	expect_n(f,
		 "family ipv4\nfault forge\nprobes @all\ntitle t\nwhy w\n"
		 "expect @all none\n",
		 1);
	assert_int_equal(f->set[0].nprobes, 4);
}

/* A catalogue line this case's values do not fit: the error names the
 * case's row first (the typo is there), then the catalogue's line. */
static void test_catalogue_misfit(void **state)
{
	struct fx *f = *state;

	assert_int_equal(lib_add(f, "expect ping recv:{errno}\n"), 0);
	expect_err(f,
		   "vars errno\nfamily ipv4\nfault forge\nprobes ping\n"
		   "title t\nwhy w\nrow good errno=EIO\nrow typo errno=EIOO\n",
		   PATH ":8: row 'typo': probe 'ping' takes the catalogue's "
			"line, which this case's values do not fit: " DEFS
			":1: unknown errno 'EIOO' in result 'recv:EIOO'; "
			"expected an errno name such as ECONNREFUSED, '-' or a "
			"number");
}

/* What every malformed form says: file, line, what was expected. */
static void test_malformed(void **state)
{
	struct fx *f = *state;

	expect_err(f, "vars errno\nvars class\n",
		   PATH ":2: second 'vars' line; the first is on line 1, "
			"keep only one");
	expect_err(f, "vars family\n",
		   PATH ":1: variable 'family' is built in; choose another "
			"name");
	expect_err(f, "vars Errno\n",
		   PATH ":1: bad variable name 'Errno'; expected lowercase "
			"letters, digits and '_'");
	expect_err(f, "row a\nvars x\n",
		   PATH ":2: 'vars' is for the whole file; move it above the "
			"first row (line 1)");
	expect_err(f, "row a\nrow a\n",
		   PATH ":2: second row named 'a'; the first is on line 1, "
			"rename one");
	expect_err(f, "row A-1\n",
		   PATH ":1: bad row name 'A-1'; expected lowercase letters, "
			"digits and '_', at most 63 characters");
	expect_err(f, "isolate probes\n",
		   PATH ":1: bad isolate 'probes'; expected 'isolate probe' "
			"or 'isolate none'");
	expect_err(f, "group @x ping\n",
		   PATH ":1: 'group' lines belong in a .defs file beside the "
			"cases, so that every case sees the same groups");
	expect_err(f,
		   "family ipv4\nfault forge\nprobes ping\ntitle t\nwhy w\n"
		   "expect ping recv:{errnoo}\nrow a\n",
		   PATH ":6: unknown variable '{errnoo}'; expected one of: "
			"family, icmp, row, fault");
	expect_err(f,
		   "vars class\nfamily ipv4\nfault forge\nprobes ping\n"
		   "title t\nwhy w\nexpect ping clas=hard none\nrow a\n",
		   PATH ":7: unknown variable 'clas' in a qualifier; expected "
			"one of: family, icmp, fault, row, probe, class");
	expect_err(f, "family ipv4\nfault forge\nprobes @udp\ntitle t\nwhy w\n",
		   PATH ":3: unknown probe group '@udp'; expected one of: @all "
			"(groups are defined in the .defs files)");
	expect_err(f,
		   "family ipv4\nfault forge type=3\nprobes ping\ntitle t\n"
		   "why w\nexpect ping none\nrow a code=300\n",
		   PATH ":7: bad fault parameter 'code=300' for fault "
			"'forge'; expected code=0..255");
	expect_err(f,
		   "family ipv4\nfault forge\nprobes ping\ntitle t\nwhy w\n"
		   "expect ping none\nrow a code\n",
		   PATH ":7: bad row argument 'code'; expected key=value (a "
			"fault parameter or one of the vars)");
	expect_err(f,
		   "family ipv4\nfault forge\nprobes ping\ntitle t\nwhy w\n"
		   "row a\nexpect ping none\nexpect ping recv:EIO\n",
		   PATH ":8: second expect for probe 'ping' without a kernel "
			"range; the first is on line 7, give one of them "
			"kernel>= or kernel<");
	expect_err(f,
		   "family ipv4\nfault forge\nprobes ping\ntitle t\nwhy w\n"
		   "expect udp-recverr none\nexpect ping none\nrow a\n",
		   PATH ":6: expect for probe 'udp-recverr', which is not in "
			"'probes'; add it there or remove this line");
	expect_err(f,
		   "family ipv4\nfault forge\nprobes ping\nwhy w\n"
		   "expect ping none\nrow a\n",
		   PATH ": missing 'title'; expected a line 'title <short "
			"title>'");
}

/* A .defs file holds groups, expect and explain lines, and says so. */
static void test_defs_malformed(void **state)
{
	struct fx *f = *state;

	assert_int_equal(lib_add(f, "title t\n"), -1);
	assert_string_equal(f->err,
			    DEFS ":1: 'title' does not belong in a .defs file; "
				 "it holds only 'group', 'expect' and "
				 "'explain' lines");
	assert_int_equal(lib_add(f, "group udp ping\n"), -1);
	assert_string_equal(f->err,
			    DEFS ":1: bad group name 'udp'; expected '@' and "
				 "lowercase letters, digits, '_' and '-', "
				 "e.g. @udp-core");
	assert_int_equal(lib_add(f, "group @g ping\ngroup @g ping\n"), -1);
	assert_string_equal(f->err, DEFS ":2: group '@g' is already defined; "
					 "keep one");
	assert_int_equal(lib_add(f, "group @h nosuch\n"), -1);
	assert_string_equal(f->err,
			    DEFS ":1: unknown probe 'nosuch'; expected one "
				 "of: udp-connected, udp-recverr, ping, "
				 "raw-icmp, cmd");
	assert_int_equal(lib_add(f, "explain ping\n"), -1);
	assert_string_equal(f->err, DEFS ":1: 'explain ping' has nothing "
					 "after the probe");
	/* Two catalogue lines that fit equally well. */
	assert_int_equal(lib_add(f, "explain ping one\nexplain ping two\n"), 0);
	expect_err(f,
		   "family ipv4\nfault forge\nprobes ping\ntitle t\nwhy w\n"
		   "expect ping none\n",
		   PATH ": explain lines " DEFS ":1 and " DEFS ":2 of the "
			"catalogue fit probe 'ping' of 't' equally well; give "
			"one of them a qualifier");
}

/* case_write prints a case that parses back to the same case. */
static void test_write_round_trip(void **state)
{
	struct fx *f = *state;
	struct case_def *back;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int i;

	expect_n(f, ROWS, 3);
	for (i = 0; i < 3; i++) {
		m = open_memstream(&buf, &len);
		assert_non_null(m);
		assert_int_equal(case_write(m, &f->set[i]), 0);
		assert_int_equal(fclose(m), 0);
		back = calloc(1, sizeof(*back));
		assert_non_null(back);
		if (case_parse_buf(PATH, buf, len, &vocab, back, f->err,
				   sizeof(f->err)) != 0)
			fail_msg("%s\n%s", f->err, buf);
		assert_string_equal(back->title, f->set[i].title);
		assert_int_equal(back->nexpects, f->set[i].nexpects);
		assert_string_equal(results(back, "udp-connected"),
				    results(&f->set[i], "udp-connected"));
		assert_int_equal(back->nrefs, f->set[i].nrefs);
		free(back);
		free(buf);
		buf = NULL;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_rows),
		T(test_cmd_without_expect),
		T(test_row_overrides_param),
		T(test_isolate),
		T(test_family_axis),
		T(test_family_row_args),
		T(test_groups_and_catalogue),
		T(test_catalogue_misfit),
		T(test_malformed),
		T(test_defs_malformed),
		T(test_write_round_trip),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
