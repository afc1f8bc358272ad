/* Tests that the case parser, through the real vocabulary
 * (catalog_vocab), refuses what fault_apply would refuse at run time, with
 * the file and the line that caused it (issue 13, item 6): a family the
 * fault has no form for, a parameter rule (gateway= without type=5, a
 * variant that does not fit the type), set by the fault line or a row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/catalog.h"
#include "../harness/forge.h"

#define PATH "cases/t.case"

/* Parses text with the real vocabulary. Returns what case_parse_set
 * returns and leaves its message in err. */
static int parse(const char *text, char *err, size_t errlen)
{
	struct case_def *set = NULL;
	int n;

	err[0] = '\0';
	n = case_parse_set(PATH, text, strlen(text), catalog_vocab(), NULL,
			   &set, err, errlen);
	free(set);
	return n;
}

static void test_ipv6_of_ipv4_only_fault(void **state)
{
	char err[1024];

	(void)state;
	/* pmtu has an ipv6 form, but not df=no: the ipv6 case of the pair
	 * is refused at the fault line, before anything runs. */
	assert_int_equal(parse("title t\n"
			       "family ipv4 ipv6\n"
			       "fault pmtu df=no\n"
			       "probes udp-recverr\n"
			       "expect udp-recverr none\n"
			       "why w\n",
			       err, sizeof(err)),
			 -1);
	assert_string_equal(err, PATH ":3: fault 'pmtu': df=no: IPv6 has no "
				     "DF bit and its routers never fragment; "
				     "leave df out for ipv6");
	/* forge has an ipv6 form, but not every variant with every type:
	 * RFC 4884 gives only ICMPv6 types 1 and 3 a length. */
	assert_int_equal(parse("title t\n"
			       "family ipv6\n"
			       "fault forge type=4 code=0 variant=rfc4884\n"
			       "probes udp-recverr\n"
			       "expect udp-recverr none\n"
			       "why w\n",
			       err, sizeof(err)),
			 -1);
	assert_string_equal(err, PATH ":3: fault 'forge': variant rfc4884: "
				     "ICMPv6 type 4 has no length field; RFC "
				     "4884 4.5 defines it for types 1 and 3");
	assert_int_equal(parse("title t\n"
			       "family ipv6\n"
			       "fault forge type=unreachable code=port mtu=1280\n"
			       "probes udp-recverr\n"
			       "expect udp-recverr none\n"
			       "why w\n",
			       err, sizeof(err)),
			 -1);
	assert_string_equal(err, PATH ":3: fault 'forge': mtu= goes with "
				     "type=2 (packet-too-big) in an ipv6 case "
				     "(RFC 4443 3.2)");
	/* A name of the case's family: port is a code of ICMPv6's
	 * unreachable (1) too; frag-needed is ICMPv4's only. */
	assert_int_equal(parse("title t\n"
			       "family ipv6\n"
			       "fault forge type=unreachable code=port\n"
			       "probes udp-recverr\n"
			       "expect udp-recverr none\n"
			       "why w\n",
			       err, sizeof(err)),
			 1);
	assert_int_equal(parse("title t\n"
			       "family ipv6\n"
			       "fault forge type=unreachable code=frag-needed\n"
			       "probes udp-recverr\n"
			       "expect udp-recverr none\n"
			       "why w\n",
			       err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, PATH ":3: fault 'forge': expected code="));
	assert_non_null(strstr(err, "a name of type 1 (dest-unreach)"));
	/* A fault with both forms takes both families. */
	assert_int_equal(parse("title t\n"
			       "family ipv4 ipv6\n"
			       "fault port_unreachable\n"
			       "probes udp-recverr\n"
			       "expect udp-recverr none\n"
			       "why w\n",
			       err, sizeof(err)),
			 2);
}

static void test_rule_on_fault_line(void **state)
{
	char err[1024];

	(void)state;
	assert_int_equal(parse("title t\n"
			       "family ipv4\n"
			       "# the rule is on the fault line\n"
			       "fault forge type=3 code=1 "
			       "gateway=198.51.100.254\n"
			       "probes udp-recverr\n"
			       "expect udp-recverr none\n"
			       "why w\n",
			       err, sizeof(err)),
			 -1);
	assert_string_equal(err,
			    PATH ":4: fault 'forge': gateway= goes with type=5");
	assert_int_equal(parse("title t\n"
			       "family ipv4\n"
			       "fault forge type=5 code=1 "
			       "gateway=198.51.100.254\n"
			       "probes udp-recverr\n"
			       "expect udp-recverr none\n"
			       "why w\n",
			       err, sizeof(err)),
			 1);
}

static void test_rule_on_row_line(void **state)
{
	char err[1024];

	(void)state;
	assert_int_equal(parse("title t\n"
			       "family ipv4\n"
			       "fault forge type=3 code=1\n"
			       "probes udp-recverr\n"
			       "expect udp-recverr none\n"
			       "why w\n"
			       "row ok type=5 gateway=198.51.100.254\n"
			       "row bad gateway=198.51.100.254\n",
			       err, sizeof(err)),
			 -1);
	assert_string_equal(err,
			    PATH ":8: fault 'forge': gateway= goes with type=5");
}

/* forge_variant_fits, reached through the fault's rules. */
static void test_variant_fits(void **state)
{
	char err[1024], want[1024];
	char why[512];

	(void)state;
	assert_int_equal(parse("title t\n"
			       "family ipv4\n"
			       "fault forge type=0 code=0 variant=rfc4884\n"
			       "probes udp-recverr\n"
			       "expect udp-recverr none\n"
			       "why w\n",
			       err, sizeof(err)),
			 -1);
	why[0] = '\0';
	assert_int_equal(forge_variant_fits(FORGE_RFC4884, 0, why,
					    sizeof(why)),
			 -1);
	snprintf(want, sizeof(want), PATH ":3: fault 'forge': %s", why);
	assert_string_equal(err, want);
}

/* NULL check_case: the vocabulary of old callers checks nothing more. */
static void test_null_check_case(void **state)
{
	struct case_vocab v = *catalog_vocab();
	struct case_def *set = NULL;
	char err[256];
	const char *text = "title t\nfamily ipv6\nfault pmtu\n"
			   "probes udp-recverr\nexpect udp-recverr none\n"
			   "why w\n";

	(void)state;
	v.check_case = NULL;
	assert_int_equal(case_parse_set(PATH, text, strlen(text), &v, NULL,
					&set, err, sizeof(err)),
			 1);
	free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv6_of_ipv4_only_fault),
		cmocka_unit_test(test_rule_on_fault_line),
		cmocka_unit_test(test_rule_on_row_line),
		cmocka_unit_test(test_variant_fits),
		cmocka_unit_test(test_null_check_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
