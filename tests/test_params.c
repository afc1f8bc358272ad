/* Tests for harness/params.c and the schemas of the fault tables: every
 * schema is well formed and its defaults parse; malformed values get the
 * message that names the accepted forms; symbolic ICMP names resolve per
 * type; a case's parameters parse once into the typed block, with the
 * rules between them (forge's) and their messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "catalog.h"
#include "forge.h"
#include "params.h"

/* --- helpers --------------------------------------------------------- */

/* A case of fault with the params "k=v k=v ..." (no validation: what a
 * hand-built case_def holds). */
static void make_case(struct case_def *c, const char *fault, const char *params)
{
	char buf[512], *tok, *save = NULL, *eq;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "x.case");
	snprintf(c->fault, sizeof(c->fault), "%s", fault);
	c->family = AF_INET;
	snprintf(buf, sizeof(buf), "%s", params);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		eq = strchr(tok, '=');
		assert_non_null(eq);
		*eq = '\0';
		snprintf(c->params[c->nparams].key, TOKEN_MAX, "%s", tok);
		snprintf(c->params[c->nparams].val, CASE_NAME_MAX, "%s",
			 eq + 1);
		c->nparams++;
	}
}

/* fault_params for fault with params; returns its result, err in err. */
static int parse(const char *fault, const char *params, struct param_block *a,
		 char *err, size_t errlen)
{
	struct case_def c;
	const struct fault_def *f = fault_find(fault);

	assert_non_null(f);
	make_case(&c, fault, params);
	err[0] = '\0';
	return fault_params(f, &c, a, err, errlen);
}

static void assert_parse_fails(const char *fault, const char *params,
			       const char *msg)
{
	struct param_block a;
	char err[1024];

	if (parse(fault, params, &a, err, sizeof(err)) != -1)
		fail_msg("%s %s accepted", fault, params);
	assert_string_equal(err, msg);
}

/* Index of key in f's schema. */
static int idx(const char *fault, const char *key)
{
	const struct fault_def *f = fault_find(fault);
	const struct param_spec *s = param_find(f->params, key);

	assert_non_null(s);
	return (int)(s - f->params);
}

/* --- schemas --------------------------------------------------------- */

static void check_schema(const struct fault_def *f, void *arg)
{
	const struct param_spec *s, *t;
	const char *c;
	char why[1024];
	int n = 0;

	(void)arg;
	assert_non_null(f->params);
	assert_non_null(f->setup);
	assert_ptr_equal(f->apply, fault_apply);
	for (s = f->params; s->name; s++, n++) {
		/* A key the case parser accepts: lowercase, digits, '_'. */
		assert_true(s->name[0] != '\0');
		for (c = s->name; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') ||
				    (*c >= '0' && *c <= '9') || *c == '_');
		for (t = f->params; t < s; t++)
			if (strcmp(t->name, s->name) == 0)
				fail_msg("%s: '%s' twice", f->name, s->name);
		if (!s->doc || !s->doc[0] || strchr(s->doc, '\n'))
			fail_msg("%s %s=: no one-line doc", f->name, s->name);
		assert_true(s->lo <= s->hi);
		if (s->kind == PARAM_ENUM && !s->tokens)
			fail_msg("%s %s=: an enum without tokens", f->name,
				 s->name);
		if ((s->kind == PARAM_ICMP_TYPE ||
		     s->kind == PARAM_ICMP_CODES) &&
		    s->family != AF_INET && s->family != AF_INET6 &&
		    s->family != PARAM_FAMILY_CASE)
			fail_msg("%s %s=: ICMP names of no family", f->name,
				 s->name);
		if (s->required && s->dflt)
			fail_msg("%s %s=: required with a default", f->name,
				 s->name);
		/* A default is written as a case would write it. */
		if (s->dflt && param_check(s, s->dflt, why, sizeof(why)) != 0)
			fail_msg("%s %s=%s: default refused: %s", f->name,
				 s->name, s->dflt, why);
		assert_ptr_equal(param_find(f->params, s->name), s);
	}
	assert_true(n <= PARAM_MAX);
	assert_null(param_find(f->params, "nosuchkey"));
}

static void test_every_schema(void **state)
{
	(void)state;
	fault_foreach(check_schema, NULL);
}

/* A fault with no parameters parses to an empty block with defaults only;
 * the defaults are in the block, not given. */
static void test_defaults(void **state)
{
	struct param_block a;
	char err[512];

	(void)state;
	assert_int_equal(parse("rate_limit", "", &a, err, sizeof(err)), 0);
	assert_int_equal(a.v[idx("rate_limit", "burst")].n, 20);
	assert_int_equal(a.v[idx("rate_limit", "ratelimit")].n, 1000);
	assert_true(a.v[idx("rate_limit", "burst")].set);
	assert_false(a.v[idx("rate_limit", "burst")].given);
	assert_int_equal(parse("route", "", &a, err, sizeof(err)), 0);
	assert_string_equal(a.v[idx("route", "type")].s, "unreachable");
	/* No default: neither set nor given. */
	assert_int_equal(parse("forge", "type=3", &a, err, sizeof(err)), 0);
	assert_false(a.v[idx("forge", "mtu")].set);
	assert_int_equal(a.v[idx("forge", "mtu")].n, 0);
	assert_int_equal(a.v[idx("forge", "code")].codes.n, 1);
	assert_int_equal(a.v[idx("forge", "code")].codes.v[0], 0);
	assert_false(a.v[idx("forge", "code")].codes.sweep);
	assert_int_equal(a.v[idx("forge", "variant")].n, FORGE_NONE);
}

/* --- malformed values ------------------------------------------------ */

static void test_malformed_values(void **state)
{
	static const struct {
		const char *fault, *key, *val, *msg;
	} rows[] = {
		{"no_route", "burst", "0", "expected burst=1..1000"},
		{"no_route", "burst", "010x", "expected burst=1..1000"},
		{"no_route", "burst", "+5", "expected burst=1..1000"},
		{"no_route", "burst", "0x10", "expected burst=1..1000"},
		{"no_route", "burst", "99999999999999999999",
		 "expected burst=1..1000"},
		{"pmtu", "df", "maybe", "expected df=yes or no"},
		{"ttl_exceeded", "listen", "udp", "expected listen=tcp"},
		{"forge", "mtu", "-1", "expected mtu=0..65535"},
		{"forge", "pointer", "65536", "expected pointer=0..65535"},
		{"forge", "from", "10.0.0.1",
		 "expected from=an IPv4 address in 192.0.2.0/24, "
		 "198.51.100.0/24 or 203.0.113.0/24"},
		{"forge", "gateway", "2001:db8::1",
		 "expected gateway=an IPv4 address in 192.0.2.0/24, "
		 "198.51.100.0/24 or 203.0.113.0/24"},
		{"forge", "variant", "rfc4885",
		 "expected variant=none, bad_csum, short_quote, other_sport, "
		 "other_dst, rfc4884 or offpath"},
	};
	const struct case_vocab *v = catalog_vocab();
	char why[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		why[0] = '\0';
		if (v->check_param(rows[i].fault, rows[i].key, rows[i].val, why,
				   sizeof(why)) != -1)
			fail_msg("%s %s=%s accepted", rows[i].fault,
				 rows[i].key, rows[i].val);
		assert_string_equal(why, rows[i].msg);
	}
}

/* A bad code, with the type unknown (the case parser's view): the message
 * lists the names of every type that has them. */
static void test_code_message_any_type(void **state)
{
	const struct case_vocab *v = catalog_vocab();
	char why[1024];

	(void)state;
	assert_int_equal(
		v->check_param("forge", "code", "portt", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "expected code=0..255 or a name: net, "
				    "host, protocol, port, frag-needed,"));
	assert_non_null(strstr(why, "; ttl, transit, reassembly "
				    "(time-exceeded); "));
	assert_non_null(strstr(why, "; or a sweep of codes and ranges such "
				    "as 0-15 or 2,3,6"));
}

static void test_code_garbage(void **state)
{
	static const char *const bad[] = {
		"",	  "256",      "-1",    "1-",   "-",
		"3-2",	  "1,,2",     "1,",    ",1",   "0x3",
		"a",	  "1 2",      "1-2-3", "12a",  "+1",
		"0-0x3",  "port-net", "port,", "PORT", "port unreachable",
		"3-port", NULL,
	};
	const struct case_vocab *v = catalog_vocab();
	char why[1024];
	int i;

	(void)state;
	for (i = 0; bad[i]; i++) {
		why[0] = '\0';
		if (v->check_param("forge", "code", bad[i], why, sizeof(why)) !=
		    -1)
			fail_msg("code='%s' accepted", bad[i]);
		assert_non_null(strstr(why, "expected code=0..255"));
	}
	/* A sweep too long for the forger's table says so. */
	assert_int_equal(
		v->check_param("forge", "code", "0-64", why, sizeof(why)), -1);
	assert_string_equal(why, "expected at most 64 codes in a sweep");
	assert_int_equal(
		v->check_param("forge", "code", "0-63", why, sizeof(why)), 0);
}

/* Messages are cut to the caller's buffer, always terminated. */
static void test_short_buffer(void **state)
{
	const struct case_vocab *v = catalog_vocab();
	char why[12];

	(void)state;
	memset(why, 'x', sizeof(why));
	assert_int_equal(
		v->check_param("forge", "code", "bogus", why, sizeof(why)), -1);
	assert_string_equal(why, "expected co");
	memset(why, 'x', sizeof(why));
	assert_int_equal(
		v->check_param("forge", "type", "bogus", why, sizeof(why)), -1);
	assert_string_equal(why, "expected ty");
}

/* --- symbolic names and sweeps, typed -------------------------------- */

static void test_symbolic_names(void **state)
{
	const int code = idx("forge", "code"), type = idx("forge", "type");
	struct param_block a;
	char err[1024];

	(void)state;
	assert_int_equal(parse("forge", "type=unreachable code=port", &a, err,
			       sizeof(err)),
			 0);
	assert_int_equal(a.v[type].n, 3);
	assert_int_equal(a.v[code].codes.n, 1);
	assert_int_equal(a.v[code].codes.v[0], 3);
	assert_false(a.v[code].codes.sweep);
	/* A '-' inside a name is not a range: one code, no sweep. */
	assert_int_equal(parse("forge", "type=dest-unreach code=frag-needed",
			       &a, err, sizeof(err)),
			 0);
	assert_int_equal(a.v[code].codes.v[0], 4);
	assert_false(a.v[code].codes.sweep);
	/* Names resolve against the type, whatever the order written. */
	assert_int_equal(parse("forge", "code=ttl type=time-exceeded", &a, err,
			       sizeof(err)),
			 0);
	assert_int_equal(a.v[type].n, 11);
	assert_int_equal(a.v[code].codes.v[0], 0);
	assert_int_equal(
		parse("forge", "type=redirect code=host", &a, err, sizeof(err)),
		0);
	assert_int_equal(a.v[code].codes.v[0], 1);
	/* A list mixing names, numbers and ranges is a sweep, in order. */
	assert_int_equal(parse("forge",
			       "type=unreachable code=port,0-2,comm-prohibited",
			       &a, err, sizeof(err)),
			 0);
	assert_int_equal(a.v[code].codes.n, 5);
	assert_int_equal(a.v[code].codes.v[0], 3);
	assert_int_equal(a.v[code].codes.v[1], 0);
	assert_int_equal(a.v[code].codes.v[3], 2);
	assert_int_equal(a.v[code].codes.v[4], 13);
	assert_true(a.v[code].codes.sweep);
	/* The same as numbers. */
	assert_int_equal(
		parse("forge", "type=3 code=0-15", &a, err, sizeof(err)), 0);
	assert_int_equal(a.v[code].codes.n, 16);
	assert_int_equal(a.v[code].codes.v[15], 15);
	assert_true(a.v[code].codes.sweep);
	assert_int_equal(
		parse("forge", "type=3 code=010", &a, err, sizeof(err)), 0);
	assert_int_equal(a.v[code].codes.v[0], 10);
	assert_false(a.v[code].codes.sweep);
}

static void test_name_of_another_type(void **state)
{
	(void)state;
	assert_parse_fails("forge", "type=time-exceeded code=port",
			   "x.case: fault 'forge': expected code=0..255 or a "
			   "name of type 11 (time-exceeded): ttl, transit, "
			   "reassembly; or a sweep of codes and ranges such as "
			   "0-15 or 2,3,6");
	assert_parse_fails("forge", "type=source-quench code=net",
			   "x.case: fault 'forge': expected code=0..255 "
			   "(ICMPv4 type 4 has no code names); or a sweep of "
			   "codes and ranges such as 0-15 or 2,3,6");
	/* ICMPv6 names are not ICMPv4 ones. */
	assert_parse_fails("forge", "type=packet-too-big",
			   "x.case: fault 'forge': expected type=0..255 or a "
			   "name: echo-reply, dest-unreach, source-quench, "
			   "redirect, echo-request, router-advert, "
			   "router-solicit, time-exceeded, param-problem, "
			   "timestamp-request, timestamp-reply, info-request, "
			   "info-reply, mask-request, mask-reply, "
			   "ext-echo-request, ext-echo-reply, unreachable, "
			   "parameter-problem");
}

/* --- the whole set: keys, required, rules ---------------------------- */

static void test_keys_and_required(void **state)
{
	(void)state;
	assert_parse_fails("forge", "code=3",
			   "x.case: fault 'forge': needs type=ICMPv4 (ICMPv6 "
			   "in an ipv6 case) type 0..255 or a name");
	/* An ipv4 case keeps RFC 792's one-byte pointer. */
	assert_parse_fails("forge", "type=12 pointer=256",
			   "x.case: fault 'forge': pointer= is 0..255 in an "
			   "ipv4 case (RFC 792: one byte)");
	assert_parse_fails("no_route", "dst=192.0.2.9",
			   "x.case: fault 'no_route': takes no parameter "
			   "'dst'; expected one of: burst");
	assert_parse_fails("arp_failure", "retrans=10",
			   "x.case: fault 'arp_failure': takes no parameter "
			   "'retrans'");
	assert_parse_fails("pmtu", "mtu=1000 mtu=1200",
			   "x.case: fault 'pmtu': parameter 'mtu' given twice");
}

static void test_forge_rules(void **state)
{
	struct param_block a;
	char err[1024];

	(void)state;
	assert_parse_fails("forge", "type=11 mtu=1280",
			   "x.case: fault 'forge': mtu= goes with type=3 and "
			   "code 4 among the codes (RFC 1191)");
	assert_parse_fails("forge", "type=3 code=3 mtu=1280",
			   "x.case: fault 'forge': mtu= goes with type=3 and "
			   "code 4 among the codes (RFC 1191)");
	assert_int_equal(parse("forge", "type=3 code=frag-needed mtu=1280", &a,
			       err, sizeof(err)),
			 0);
	assert_int_equal(a.v[idx("forge", "mtu")].n, 1280);
	assert_int_equal(parse("forge", "type=3 code=0-15 mtu=1280", &a, err,
			       sizeof(err)),
			 0);
	assert_parse_fails("forge", "type=3 pointer=8",
			   "x.case: fault 'forge': pointer= goes with "
			   "type=12");
	assert_parse_fails("forge", "type=3 gateway=192.0.2.1",
			   "x.case: fault 'forge': gateway= goes with type=5");
	assert_parse_fails("forge", "type=3 variant=offpath from=192.0.2.9",
			   "x.case: fault 'forge': variant=offpath sends from "
			   "192.0.2.66; drop from= or the variant");
	/* The rfc4884 rule is forge_build's own, asked once. */
	assert_parse_fails("forge", "type=redirect variant=rfc4884",
			   "x.case: fault 'forge': variant rfc4884: type 5 has "
			   "no length field; RFC 4884 section 4 defines it for "
			   "types 3, 11 and 12");
	assert_int_equal(parse("forge",
			       "type=parameter-problem pointer=1 "
			       "variant=rfc4884",
			       &a, err, sizeof(err)),
			 0);
	assert_int_equal(a.v[idx("forge", "variant")].n, FORGE_RFC4884);
	assert_int_equal(parse("forge", "type=redirect gateway=198.51.100.254",
			       &a, err, sizeof(err)),
			 0);
	assert_int_equal(a.v[idx("forge", "gateway")].addr.a[3], 254);
}

static void test_kind_str(void **state)
{
	const struct fault_def *f = fault_find("forge");
	char buf[160];

	(void)state;
	assert_string_equal(
		param_kind_str(param_find(f->params, "type"), buf, sizeof(buf)),
		"ICMPv4 (ICMPv6 in an ipv6 case) type 0..255 or a name");
	assert_string_equal(param_kind_str(param_find(f->params, "variant"),
					   buf, sizeof(buf)),
			    "none|bad_csum|short_quote|other_sport|other_dst|"
			    "rfc4884|offpath");
	assert_string_equal(
		param_kind_str(param_find(f->params, "mtu"), buf, sizeof(buf)),
		"0..65535");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_schema),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_malformed_values),
		cmocka_unit_test(test_code_message_any_type),
		cmocka_unit_test(test_code_garbage),
		cmocka_unit_test(test_short_buffer),
		cmocka_unit_test(test_symbolic_names),
		cmocka_unit_test(test_name_of_another_type),
		cmocka_unit_test(test_keys_and_required),
		cmocka_unit_test(test_forge_rules),
		cmocka_unit_test(test_kind_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
