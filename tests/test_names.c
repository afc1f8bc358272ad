/* Tests for lib/names.c: lookups both ways, unknown values, and the
 * tables whose first real entry has the value 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/errqueue.h>

#include "names.h"

static const struct tok zero_first[] = {
	{0, "zero"},
	{1, "one"},
	{0, NULL},
};

static const struct tok empty[] = {
	{0, NULL},
};

static void test_tok_zero_value(void **state)
{
	int v = -1;

	(void)state;
	/* The entry with value 0 is found, not mistaken for the end. */
	assert_string_equal(tok2str(zero_first, 0, "?"), "zero");
	assert_string_equal(tok2str(zero_first, 1, "?"), "one");
	assert_int_equal(str2tok(zero_first, "zero", &v), 0);
	assert_int_equal(v, 0);
	/* The sentinel's value 0 is not a second match and the sentinel's
	 * NULL name is never compared. */
	assert_string_equal(tok2str(zero_first, 2, "?"), "?");
	assert_null(tok2str(zero_first, 2, NULL));
	assert_int_equal(str2tok(zero_first, "", &v), -1);
	assert_string_equal(tok2str(empty, 0, "none"), "none");
	assert_int_equal(str2tok(empty, "zero", &v), -1);
	assert_int_equal(str2tok(zero_first, NULL, &v), -1);
}

static void test_str2tok_exact(void **state)
{
	int v = 42;

	(void)state;
	assert_int_equal(str2tok(zero_first, "ZERO", &v), -1);
	assert_int_equal(str2tok(zero_first, "zer", &v), -1);
	assert_int_equal(str2tok(zero_first, "zeroo", &v), -1);
	assert_int_equal(v, 42);
}

static void test_errno_both_ways(void **state)
{
	static const struct {
		int e;
		const char *s;
	} want[] = {
		{ECONNREFUSED, "ECONNREFUSED"},
		{EHOSTUNREACH, "EHOSTUNREACH"},
		{ENETUNREACH, "ENETUNREACH"},
		{EPROTO, "EPROTO"},
		{EMSGSIZE, "EMSGSIZE"},
		{EACCES, "EACCES"},
		{EPERM, "EPERM"},
		{ETIMEDOUT, "ETIMEDOUT"},
		{ECONNRESET, "ECONNRESET"},
		{ENOPROTOOPT, "ENOPROTOOPT"},
		{EHOSTDOWN, "EHOSTDOWN"},
		{ENONET, "ENONET"},
		{EOPNOTSUPP, "EOPNOTSUPP"},
		{EINVAL, "EINVAL"},
		{EPIPE, "EPIPE"},
		{ENOBUFS, "ENOBUFS"},
		{EINTR, "EINTR"},
		{ENOENT, "ENOENT"},
		{EADDRNOTAVAIL, "EADDRNOTAVAIL"},
		{ECONNABORTED, "ECONNABORTED"},
		{EISCONN, "EISCONN"},
		{ENOTCONN, "ENOTCONN"},
		{EINPROGRESS, "EINPROGRESS"},
		{EALREADY, "EALREADY"},
		{ENETDOWN, "ENETDOWN"},
		{EDESTADDRREQ, "EDESTADDRREQ"},
		{EBADF, "EBADF"},
		{ENOMEM, "ENOMEM"},
		{ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"},
		{EPROTONOSUPPORT, "EPROTONOSUPPORT"},
		{EAFNOSUPPORT, "EAFNOSUPPORT"},
		{EADDRINUSE, "EADDRINUSE"},
		{ENETRESET, "ENETRESET"},
		{EHWPOISON, "EHWPOISON"},
		{0, NULL},
	};
	size_t i;
	int e;

	(void)state;
	for (i = 0; want[i].s; i++) {
		assert_string_equal(errno_name(want[i].e), want[i].s);
		e = -1;
		assert_int_equal(errno_from_name(want[i].s, &e), 0);
		assert_int_equal(e, want[i].e);
	}
}

static void test_errno_aliases(void **state)
{
	int e;

	(void)state;
	/* One number on Linux, printed by its primary name ... */
	assert_int_equal(EAGAIN, EWOULDBLOCK);
	assert_string_equal(errno_name(EAGAIN), "EAGAIN");
	assert_string_equal(errno_name(EWOULDBLOCK), "EAGAIN");
	assert_string_equal(errno_name(ENOTSUP), "EOPNOTSUPP");
	assert_string_equal(errno_name(EDEADLOCK), "EDEADLK");
	/* ... but every spelling parses. */
	assert_int_equal(errno_from_name("EWOULDBLOCK", &e), 0);
	assert_int_equal(e, EAGAIN);
	assert_int_equal(errno_from_name("ENOTSUP", &e), 0);
	assert_int_equal(e, EOPNOTSUPP);
}

static void test_errno_unknown_and_zero(void **state)
{
	int e = 7;

	(void)state;
	assert_string_equal(errno_name(0), "0");
	assert_int_equal(errno_from_name("0", &e), 0);
	assert_int_equal(e, 0);
	assert_null(errno_name(-1));
	assert_null(errno_name(4095));
	assert_null(errno_name(134));
	e = 7;
	assert_int_equal(errno_from_name("ECONREFUSED", &e), -1);
	assert_int_equal(errno_from_name("econnrefused", &e), -1);
	assert_int_equal(errno_from_name("", &e), -1);
	assert_int_equal(errno_from_name(NULL, &e), -1);
	assert_int_equal(e, 7);
}

/* Every errno from 1 to the last Linux defines has a name, and the name
 * maps back to the number. */
static void test_errno_complete(void **state)
{
	int i, e;

	(void)state;
	for (i = 1; i <= EHWPOISON; i++) {
		/* 41 and 58 are holes in the Linux numbering. */
		if (i == 41 || i == 58) {
			assert_null(errno_name(i));
			continue;
		}
		assert_non_null(errno_name(i));
		assert_int_equal(errno_from_name(errno_name(i), &e), 0);
		assert_int_equal(e, i);
	}
}

static void test_icmp4_names(void **state)
{
	static const char *const unreach[16] = {
		"net unreachable",
		"host unreachable",
		"protocol unreachable",
		"port unreachable",
		"fragmentation needed",
		"source route failed",
		"destination network unknown",
		"destination host unknown",
		"source host isolated",
		"network administratively prohibited",
		"host administratively prohibited",
		"network unreachable for TOS",
		"host unreachable for TOS",
		"communication administratively prohibited",
		"host precedence violation",
		"precedence cutoff in effect",
	};
	int c;

	(void)state;
	assert_string_equal(icmp_type_name(AF_INET, 0), "echo-reply");
	assert_string_equal(icmp_type_name(AF_INET, 3), "dest-unreach");
	assert_string_equal(icmp_type_name(AF_INET, 4), "source-quench");
	assert_string_equal(icmp_type_name(AF_INET, 5), "redirect");
	assert_string_equal(icmp_type_name(AF_INET, 8), "echo-request");
	assert_string_equal(icmp_type_name(AF_INET, 11), "time-exceeded");
	assert_string_equal(icmp_type_name(AF_INET, 12), "param-problem");
	assert_null(icmp_type_name(AF_INET, 1));
	assert_null(icmp_type_name(AF_INET, 255));
	assert_null(icmp_type_name(AF_INET, -1));

	for (c = 0; c < 16; c++)
		assert_string_equal(icmp_code_name(AF_INET, 3, c), unreach[c]);
	assert_null(icmp_code_name(AF_INET, 3, 16));
	assert_string_equal(icmp_code_name(AF_INET, 5, 0),
			    "redirect for network");
	assert_string_equal(icmp_code_name(AF_INET, 5, 3),
			    "redirect for TOS and host");
	assert_null(icmp_code_name(AF_INET, 5, 4));
	assert_string_equal(icmp_code_name(AF_INET, 11, 0),
			    "TTL exceeded in transit");
	assert_string_equal(icmp_code_name(AF_INET, 11, 1),
			    "fragment reassembly time exceeded");
	assert_null(icmp_code_name(AF_INET, 11, 2));
	assert_non_null(icmp_code_name(AF_INET, 12, 0));
	assert_string_equal(icmp_code_name(AF_INET, 12, 2), "bad length");
	assert_null(icmp_code_name(AF_INET, 12, 3));
	/* A type without a code table. */
	assert_null(icmp_code_name(AF_INET, 8, 0));
	assert_null(icmp_code_name(AF_INET, 200, 0));
}

static void test_icmp6_names(void **state)
{
	int c;

	(void)state;
	assert_string_equal(icmp_type_name(AF_INET6, 1), "dest-unreach");
	assert_string_equal(icmp_type_name(AF_INET6, 2), "packet-too-big");
	assert_string_equal(icmp_type_name(AF_INET6, 3), "time-exceeded");
	assert_string_equal(icmp_type_name(AF_INET6, 4), "param-problem");
	assert_string_equal(icmp_type_name(AF_INET6, 128), "echo-request");
	assert_string_equal(icmp_type_name(AF_INET6, 129), "echo-reply");
	/* Type 0 is reserved in ICMPv6: the v4 name must not leak in. */
	assert_null(icmp_type_name(AF_INET6, 0));

	for (c = 0; c <= 8; c++)
		assert_non_null(icmp_code_name(AF_INET6, 1, c));
	assert_null(icmp_code_name(AF_INET6, 1, 9));
	assert_string_equal(icmp_code_name(AF_INET6, 1, 0),
			    "no route to destination");
	assert_string_equal(icmp_code_name(AF_INET6, 1, 4), "port unreachable");
	assert_string_equal(icmp_code_name(AF_INET6, 3, 0),
			    "hop limit exceeded in transit");
	assert_string_equal(icmp_code_name(AF_INET6, 3, 1),
			    "fragment reassembly time exceeded");
	for (c = 0; c <= 3; c++)
		assert_non_null(icmp_code_name(AF_INET6, 4, c));
	assert_non_null(icmp_code_name(AF_INET6, 2, 0));
	assert_null(icmp_code_name(AF_INET6, 128, 0));
	/* Unknown families. */
	assert_null(icmp_type_name(AF_UNIX, 3));
	assert_null(icmp_code_name(0, 3, 3));
}

static void test_ee_origin(void **state)
{
	int v = -1;

	(void)state;
	assert_string_equal(tok2str(ee_origin_names, SO_EE_ORIGIN_NONE, "?"),
			    "none");
	assert_string_equal(tok2str(ee_origin_names, SO_EE_ORIGIN_LOCAL, "?"),
			    "local");
	assert_string_equal(tok2str(ee_origin_names, SO_EE_ORIGIN_ICMP, "?"),
			    "icmp");
	assert_string_equal(tok2str(ee_origin_names, SO_EE_ORIGIN_ICMP6, "?"),
			    "icmp6");
	assert_string_equal(
		tok2str(ee_origin_names, SO_EE_ORIGIN_TXSTATUS, "?"),
		"txstatus");
	assert_string_equal(
		tok2str(ee_origin_names, SO_EE_ORIGIN_ZEROCOPY, "?"),
		"zerocopy");
	assert_string_equal(tok2str(ee_origin_names, SO_EE_ORIGIN_TXTIME, "?"),
			    "txtime");
	assert_string_equal(tok2str(ee_origin_names, 7, "?"), "?");
	assert_int_equal(str2tok(ee_origin_names, "none", &v), 0);
	assert_int_equal(v, SO_EE_ORIGIN_NONE);
	assert_int_equal(str2tok(ee_origin_names, "icmp6", &v), 0);
	assert_int_equal(v, SO_EE_ORIGIN_ICMP6);
}

/* Symbolic ICMP names on input: what a case file may write for type= and
 * code=, resolved per family and per type. */
static void test_icmp_input_names(void **state)
{
	static const struct {
		int family;
		const char *s;
		int type;
	} types[] = {
		{AF_INET, "dest-unreach", 3},
		{AF_INET, "unreachable", 3},
		{AF_INET, "time-exceeded", 11},
		{AF_INET, "param-problem", 12},
		{AF_INET, "parameter-problem", 12},
		{AF_INET, "source-quench", 4},
		{AF_INET, "redirect", 5},
		{AF_INET6, "unreachable", 1},
		{AF_INET6, "packet-too-big", 2},
		{AF_INET6, "time-exceeded", 3},
	};
	static const struct {
		int family, type;
		const char *s;
		int code;
	} codes[] = {
		{AF_INET, 3, "net", 0},
		{AF_INET, 3, "port", 3},
		{AF_INET, 3, "frag-needed", 4},
		{AF_INET, 3, "comm-prohibited", 13},
		{AF_INET, 3, "precedence-cutoff", 15},
		{AF_INET, 11, "ttl", 0},
		{AF_INET, 11, "transit", 0},
		{AF_INET, 11, "reassembly", 1},
		{AF_INET, 12, "pointer", 0},
		{AF_INET, 5, "host", 1},
		{AF_INET6, 1, "port", 4},
		{AF_INET6, 1, "no-route", 0},
		{AF_INET6, 3, "hop-limit", 0},
	};
	size_t i;
	int v;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		v = -1;
		if (icmp_type_from_name(types[i].family, types[i].s, &v) != 0 ||
		    v != types[i].type)
			fail_msg("type '%s': %d, want %d", types[i].s, v,
				 types[i].type);
	}
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		v = -1;
		if (icmp_code_from_name(codes[i].family, codes[i].type,
					codes[i].s, &v) != 0 ||
		    v != codes[i].code)
			fail_msg("code '%s' of type %d: %d, want %d",
				 codes[i].s, codes[i].type, v, codes[i].code);
	}
	/* A code name belongs to its type. */
	assert_int_equal(icmp_code_from_name(AF_INET, 11, "port", &v), -1);
	assert_int_equal(icmp_code_from_name(AF_INET, 4, "net", &v), -1);
	assert_int_equal(icmp_code_from_name(AF_INET, 3, "ttl", &v), -1);
	/* The RFC phrases print, but a case cannot write them. */
	assert_int_equal(
		icmp_code_from_name(AF_INET, 3, "port unreachable", &v), -1);
	assert_int_equal(icmp_code_from_name(AF_INET, 3, "", &v), -1);
	assert_int_equal(icmp_code_from_name(AF_INET, 3, NULL, &v), -1);
	/* Exact, like every table lookup; numbers are not names. */
	assert_int_equal(icmp_code_from_name(AF_INET, 3, "Port", &v), -1);
	assert_int_equal(icmp_code_from_name(AF_INET, 3, "3", &v), -1);
	assert_int_equal(icmp_type_from_name(AF_INET, "3", &v), -1);
	assert_int_equal(icmp_type_from_name(AF_INET, "packet-too-big", &v),
			 -1);
	assert_int_equal(icmp_type_from_name(AF_UNIX, "redirect", &v), -1);
	assert_null(icmp_code_table(AF_INET, 4));
	assert_null(icmp_code_table(AF_UNIX, 3));
}

/* Aliases come after the primary names: every value still prints its
 * primary name, which for codes is the RFC phrase (never an input name),
 * and no input name stands for two values of one table. */
static void test_icmp_aliases_last(void **state)
{
	static const int families[] = {AF_INET, AF_INET6};
	const struct tok *tabs[2 + 256], *t, *u;
	size_t f, n, k;
	int type;

	(void)state;
	assert_string_equal(icmp_type_name(AF_INET, 3), "dest-unreach");
	assert_string_equal(icmp_type_name(AF_INET, 12), "param-problem");
	assert_string_equal(icmp_type_name(AF_INET6, 1), "dest-unreach");
	assert_string_equal(icmp_code_name(AF_INET, 3, 3), "port unreachable");
	assert_string_equal(icmp_code_name(AF_INET, 11, 0),
			    "TTL exceeded in transit");
	for (f = 0; f < 2; f++) {
		n = 0;
		tabs[n++] = icmp_type_table(families[f]);
		for (type = 0; type < 256; type++)
			if (icmp_code_table(families[f], type))
				tabs[n++] = icmp_code_table(families[f], type);
		for (k = 0; k < n; k++) {
			for (t = tabs[k]; t->s; t++) {
				/* Code tables: the primary is a phrase. */
				if (k > 0 && icmp_name_is_input(tok2str(
						     tabs[k], t->v, "")))
					fail_msg(
						"code %d prints '%s', an input "
						"alias",
						t->v, t->s);
				if (!icmp_name_is_input(t->s))
					continue;
				for (u = tabs[k]; u < t; u++)
					if (strcmp(u->s, t->s) == 0 &&
					    u->v != t->v)
						fail_msg("'%s' is %d and %d",
							 t->s, u->v, t->v);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tok_zero_value),
		cmocka_unit_test(test_str2tok_exact),
		cmocka_unit_test(test_errno_both_ways),
		cmocka_unit_test(test_errno_aliases),
		cmocka_unit_test(test_errno_unknown_and_zero),
		cmocka_unit_test(test_errno_complete),
		cmocka_unit_test(test_icmp4_names),
		cmocka_unit_test(test_icmp6_names),
		cmocka_unit_test(test_ee_origin),
		cmocka_unit_test(test_icmp_input_names),
		cmocka_unit_test(test_icmp_aliases_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
