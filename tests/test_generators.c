/* Tests for harness/generators.c: the real generators' rows in the fault
 * table, every parameter check with valid and invalid values and the exact
 * message, the checks as the case-file parser runs them, and the parts of
 * apply() that need no namespaces (no_route's plan in both families).
 * What the kernels answer is asserted by the cases under cases/v4/real/
 * and cases/v6/real/, which the integration test runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../harness/catalog.h"

#define WHY_MAX 256

/* Runs the check the parser would run for fault/key=val (through the
 * catalog's vocabulary, so the key lookup is covered too). Returns the
 * result and leaves the message in why. */
static int check(const char *fault, const char *key, const char *val, char *why)
{
	why[0] = '\0';
	return catalog_vocab()->check_param(fault, key, val, why, WHY_MAX);
}

static void assert_ok(const char *fault, const char *key, const char *val)
{
	char why[WHY_MAX];

	if (check(fault, key, val, why) != 0)
		fail_msg("%s %s=%s refused: %s", fault, key, val, why);
}

static void assert_refused(const char *fault, const char *key, const char *val,
			   const char *msg)
{
	char why[WHY_MAX];

	assert_int_equal(check(fault, key, val, why), -1);
	assert_string_equal(why, msg);
}

static void test_rows(void **state)
{
	static const char *const names[] = {
		"no_route", "route",	  "nft_reject", "arp_failure",
		"pmtu",	    "rate_limit", NULL};
	const struct fault_def *f;
	int i, n = 0;

	(void)state;
	for (i = 0; names[i]; i++) {
		f = fault_find(names[i]);
		assert_non_null(f);
		/* Found in the generators' own table, not another. */
		assert_ptr_equal(f, &generator_faults[i]);
		assert_non_null(f->summary);
		assert_non_null(f->params);
		assert_non_null(f->setup);
		/* Callers that hold a row parse through the schema. */
		assert_ptr_equal(f->apply, fault_apply);
	}
	for (f = generator_faults; f->name; f++)
		n++;
	assert_int_equal(n, i);
}

static void test_no_route_params(void **state)
{
	(void)state;
	assert_ok("no_route", "burst", "1");
	assert_ok("no_route", "burst", "1000");
	assert_refused("no_route", "burst", "0", "expected burst=1..1000");
	assert_refused("no_route", "burst", "1001", "expected burst=1..1000");
	assert_refused("no_route", "burst", "ten", "expected burst=1..1000");
	assert_refused("no_route", "dst", "192.0.2.9",
		       "fault 'no_route' takes no parameter 'dst'; expected "
		       "one of: burst");
}

static void test_route_params(void **state)
{
	(void)state;
	assert_ok("route", "type", "unreachable");
	assert_ok("route", "type", "prohibit");
	assert_ok("route", "type", "blackhole");
	/* topo_add_route cannot install a throw route (yet), so the check
	 * must not promise one. */
	assert_refused("route", "type", "throw",
		       "expected type=unreachable, prohibit or blackhole");
	assert_refused("route", "type", "Unreachable",
		       "expected type=unreachable, prohibit or blackhole");
	assert_refused("route", "type", "",
		       "expected type=unreachable, prohibit or blackhole");
	assert_refused("route", "kind", "unreachable",
		       "fault 'route' takes no parameter 'kind'; expected one "
		       "of: type");
}

static void test_nft_reject_params(void **state)
{
	static const char *const ok[] = {
		"net-unreachable",  "host-unreachable", "prot-unreachable",
		"port-unreachable", "net-prohibited",	"host-prohibited",
		"admin-prohibited", "no-route",		"addr-unreachable",
		"policy-fail",	    "reject-route",	NULL,
	};
	static const char *const msg =
		"expected with=net-unreachable, host-unreachable, "
		"prot-unreachable, port-unreachable, net-prohibited, "
		"host-prohibited, admin-prohibited, no-route, addr-unreachable, "
		"policy-fail or reject-route";
	int i;

	(void)state;
	/* Both families' names; which family takes which is the rule's
	 * (test_family_rules). */
	for (i = 0; ok[i]; i++)
		assert_ok("nft_reject", "with", ok[i]);
	/* nft's icmpx names and a partial name are not reject codes. */
	assert_refused("nft_reject", "with", "beyond-scope", msg);
	assert_refused("nft_reject", "with", "port-unreach", msg);
	assert_refused("nft_reject", "with", "3", msg);
	/* The value goes into an nft script: nothing but a known name. */
	assert_refused("nft_reject", "with", "port-unreachable; flush ruleset",
		       msg);
}

static void test_nft_reject_short_buffer(void **state)
{
	char why[16];

	(void)state;
	memset(why, 'x', sizeof(why));
	assert_int_equal(catalog_vocab()->check_param("nft_reject", "with",
						      "bogus", why,
						      sizeof(why)),
			 -1);
	/* Cut short, never overrun, always terminated. */
	assert_string_equal(why, "expected with=n");
}

static void test_arp_failure_params(void **state)
{
	(void)state;
	assert_refused("arp_failure", "retrans", "10",
		       "fault 'arp_failure' takes no parameter 'retrans'");
}

static void test_pmtu_params(void **state)
{
	static const char *const mtu_msg = "expected mtu=68..1427";

	(void)state;
	assert_ok("pmtu", "mtu", "576");
	assert_ok("pmtu", "mtu", "1280");
	assert_ok("pmtu", "mtu", "1427");
	/* The least an IPv4 link may have, for small datagrams (try). */
	assert_ok("pmtu", "mtu", "68");
	assert_refused("pmtu", "mtu", "67", mtu_msg);
	/* The datagram fits: no error to measure. */
	assert_refused("pmtu", "mtu", "1428", mtu_msg);
	assert_refused("pmtu", "mtu", "1280x", mtu_msg);
	assert_refused("pmtu", "mtu", "", mtu_msg);
	assert_ok("pmtu", "df", "yes");
	assert_ok("pmtu", "df", "no");
	assert_refused("pmtu", "df", "1", "expected df=yes or no");
	assert_refused("pmtu", "df", "NO", "expected df=yes or no");
	assert_refused("pmtu", "size", "1400",
		       "fault 'pmtu' takes no parameter 'size'; expected one "
		       "of: mtu, df");
}

static void test_rate_limit_params(void **state)
{
	(void)state;
	assert_ok("rate_limit", "burst", "2");
	assert_ok("rate_limit", "burst", "1000");
	assert_refused("rate_limit", "burst", "1", "expected burst=2..1000");
	assert_refused("rate_limit", "burst", "1001", "expected burst=2..1000");
	assert_ok("rate_limit", "ratelimit", "0");
	assert_ok("rate_limit", "ratelimit", "60000");
	assert_refused("rate_limit", "ratelimit", "-1",
		       "expected ratelimit=0..60000");
	assert_refused("rate_limit", "ratelimit", "1s",
		       "expected ratelimit=0..60000");
	/* Strictly decimal: no hex, no octal, no blanks. */
	assert_refused("rate_limit", "ratelimit", "0x10",
		       "expected ratelimit=0..60000");
	assert_refused("rate_limit", "burst", " 20", "expected burst=2..1000");
	assert_ok("rate_limit", "set", "network");
	assert_ok("rate_limit", "set", "probe");
	assert_refused("rate_limit", "set", "nft",
		       "expected set=probe or network");
}

/* The checks as the parser runs them: a bad value stops the file at its
 * line, with the check's message. */
static void test_case_file(void **state)
{
	static const char good[] = "title t\n"
				   "family ipv4\n"
				   "fault pmtu mtu=1000 df=no\n"
				   "probes udp-connected\n"
				   "expect udp-connected none\n"
				   "why w\n";
	static const char bad[] = "title t\n"
				  "family ipv4\n"
				  "fault route type=throw\n"
				  "probes udp-connected\n"
				  "expect udp-connected none\n"
				  "why w\n";
	struct case_def c;
	struct param_block a;
	char err[512];

	(void)state;
	assert_int_equal(case_parse_buf("real/g.case", good, strlen(good),
					catalog_vocab(), &c, err, sizeof(err)),
			 0);
	/* Parsed once, typed: what apply_pmtu reads. */
	assert_int_equal(
		fault_params(fault_find("pmtu"), &c, &a, err, sizeof(err)), 0);
	assert_int_equal(a.v[0].n, 1000);
	assert_true(a.v[0].given);
	assert_int_equal(a.v[1].n, 0);
	assert_string_equal(a.v[1].s, "no");
	assert_int_equal(case_parse_buf("real/b.case", bad, strlen(bad),
					catalog_vocab(), &c, err, sizeof(err)),
			 -1);
	assert_string_equal(err,
			    "real/b.case:3: bad fault parameter 'type=throw' "
			    "for fault 'route'; expected type=unreachable, "
			    "prohibit or blackhole");
}

static int parse_one(const char *text, char *err, size_t errlen)
{
	struct case_def c;

	return case_parse_buf("real/f.case", text, strlen(text),
			      catalog_vocab(), &c, err, errlen);
}

/* What a generator's IPv6 form refuses, at the fault line, with the
 * accepted values: a reject code of the other family, an MTU below
 * IPv6's minimum, df=no. */
static void test_family_rules(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(parse_one("title t\nfamily ipv6\n"
				   "fault nft_reject with=policy-fail\n"
				   "probes udp-connected\n"
				   "expect udp-connected none\nwhy w\n",
				   err, sizeof(err)),
			 0);
	assert_int_equal(parse_one("title t\nfamily ipv6\n"
				   "fault nft_reject with=host-prohibited\n"
				   "probes udp-connected\n"
				   "expect udp-connected none\nwhy w\n",
				   err, sizeof(err)),
			 -1);
	assert_string_equal(
		err, "real/f.case:3: fault 'nft_reject': with=host-prohibited "
		     "is not a code nftables' reject takes for ipv6 (icmpv6); "
		     "expected one of: no-route, admin-prohibited, "
		     "addr-unreachable, port-unreachable, policy-fail, "
		     "reject-route");
	assert_int_equal(parse_one("title t\nfamily ipv4\n"
				   "fault nft_reject with=no-route\n"
				   "probes udp-connected\n"
				   "expect udp-connected none\nwhy w\n",
				   err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "real/f.case:3: fault 'nft_reject': "
				    "with=no-route is not a code nftables' "
				    "reject takes for ipv4 (icmp)"));
	assert_int_equal(parse_one("title t\nfamily ipv6\n"
				   "fault pmtu mtu=1279\n"
				   "probes udp-connected\n"
				   "expect udp-connected none\nwhy w\n",
				   err, sizeof(err)),
			 -1);
	assert_string_equal(err, "real/f.case:3: fault 'pmtu': mtu=1279: an "
				 "IPv6 link takes at least 1280 (RFC 8200 5); "
				 "expected mtu=1280..1427");
	assert_int_equal(parse_one("title t\nfamily ipv6\n"
				   "fault pmtu mtu=1280\n"
				   "probes udp-connected\n"
				   "expect udp-connected none\nwhy w\n",
				   err, sizeof(err)),
			 0);
}

/* no_route over IPv6 aims at the prefix the client routes to the router
 * and the router does not know. */
static void test_no_route_plan6(void **state)
{
	const struct fault_def *f = fault_find("no_route");
	struct topo t;
	struct case_def c;
	struct fault_plan plan = {.ttl = -1};
	char err[256] = "", a[ADDR_STRLEN];

	(void)state;
	memset(&t, 0, sizeof(t));
	memset(&c, 0, sizeof(c));
	c.family = AF_INET6;
	snprintf(c.fault, sizeof(c.fault), "no_route");
	assert_non_null(f);
	assert_int_equal(f->apply(&t, &c, &plan, err, sizeof(err)), 0);
	assert_string_equal(addr_str(&plan.dst, a), "2001:db8:3::1");
	assert_int_equal(plan.burst, 1);
}

/* no_route needs no namespace: it only aims the probes. */
static void test_no_route_plan(void **state)
{
	const struct fault_def *f = fault_find("no_route");
	struct topo t;
	struct case_def c;
	struct fault_plan plan = {.ttl = -1};
	char err[256] = "", a[ADDR_STRLEN];

	(void)state;
	memset(&t, 0, sizeof(t));
	memset(&c, 0, sizeof(c));
	c.family = AF_INET;
	snprintf(c.fault, sizeof(c.fault), "no_route");
	c.nparams = 1;
	snprintf(c.params[0].key, sizeof(c.params[0].key), "burst");
	snprintf(c.params[0].val, sizeof(c.params[0].val), "10");
	assert_non_null(f);
	assert_int_equal(f->apply(&t, &c, &plan, err, sizeof(err)), 0);
	assert_string_equal(addr_str(&plan.dst, a), "192.0.2.1");
	assert_int_equal(plan.burst, 10);
	assert_int_equal(plan.ttl, -1);
}

/* case_def_copy into zeroed memory gives every shipped case back byte for
 * byte: the parts it leaves out are the arrays' unused tails, and those are
 * zero in what the loader made. */
static void test_case_def_copy(void **state)
{
	struct case_def *cases = NULL, *c;
	char err[512];
	int n, i;

	(void)state;
	n = case_load_dir("cases", catalog_vocab(), &cases, err, sizeof(err));
	if (n < 0)
		fail_msg("%s", err);
	assert_true(n > 200);
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	for (i = 0; i < n; i++) {
		memset(c, 0, sizeof(*c));
		case_def_copy(c, &cases[i]);
		if (memcmp(c, &cases[i], sizeof(*c)) != 0)
			fail_msg("%s: the copy differs", cases[i].name);
	}
	free(c);
	free(cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_no_route_params),
		cmocka_unit_test(test_route_params),
		cmocka_unit_test(test_nft_reject_params),
		cmocka_unit_test(test_nft_reject_short_buffer),
		cmocka_unit_test(test_arp_failure_params),
		cmocka_unit_test(test_pmtu_params),
		cmocka_unit_test(test_rate_limit_params),
		cmocka_unit_test(test_case_file),
		cmocka_unit_test(test_case_def_copy),
		cmocka_unit_test(test_family_rules),
		cmocka_unit_test(test_no_route_plan6),
		cmocka_unit_test(test_no_route_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
