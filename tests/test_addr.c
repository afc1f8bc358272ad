/* Tests for lib/addr.c: text and sockaddr forms of an address, both
 * families, and the strings a case file or a probe must not get away
 * with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "addr.h"

/* Parses s, checks family and raw bytes, and that the unused tail of the
 * buffer is zero. */
static void assert_parses(const char *s, int family, const uint8_t *bytes)
{
	static const uint8_t zero[16];
	struct ipaddr a;
	size_t n = family == AF_INET ? 4 : 16;

	memset(&a, 0xa5, sizeof(a));
	if (addr_parse(s, &a) != 0)
		fail_msg("'%s' did not parse", s);
	assert_int_equal(a.family, family);
	assert_memory_equal(a.a, bytes, n);
	assert_memory_equal(a.a + n, zero, sizeof(a.a) - n);
}

/* s is refused, and *out is left as it was. */
static void assert_refused(const char *s)
{
	struct ipaddr a, before;

	memset(&a, 0x5a, sizeof(a));
	before = a;
	if (addr_parse(s, &a) != -1)
		fail_msg("'%s' was accepted", s);
	assert_memory_equal(&a, &before, sizeof(a));
}

/* The text form of what s parses to. */
static void assert_str(const char *s, const char *want)
{
	struct ipaddr a;
	char buf[ADDR_STRLEN];

	assert_int_equal(addr_parse(s, &a), 0);
	assert_ptr_equal(addr_str(&a, buf), buf);
	assert_string_equal(buf, want);
}

static void test_parse_v4(void **state)
{
	static const uint8_t client[] = {198, 51, 100, 2};
	static const uint8_t any[] = {0, 0, 0, 0};
	static const uint8_t bcast[] = {255, 255, 255, 255};

	(void)state;
	assert_parses("198.51.100.2", AF_INET, client);
	assert_parses("0.0.0.0", AF_INET, any);
	assert_parses("255.255.255.255", AF_INET, bcast);
}

static void test_parse_v6(void **state)
{
	static const uint8_t server[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0,
					   0,	 0,    0,    0,	   0, 0, 0, 2};
	static const uint8_t any[16];
	static const uint8_t loop[16] = {[15] = 1};
	static const uint8_t mapped[16] = {[10] = 0xff, [11] = 0xff, [12] = 203,
					   [13] = 0,	[14] = 113,  [15] = 2};

	(void)state;
	assert_parses("2001:db8:2::2", AF_INET6, server);
	assert_parses("2001:0DB8:0002:0000:0000:0000:0000:0002", AF_INET6,
		      server);
	assert_parses("::", AF_INET6, any);
	assert_parses("::1", AF_INET6, loop);
	/* A v4-mapped address is IPv6: the family is that of the text. */
	assert_parses("::ffff:203.0.113.2", AF_INET6, mapped);
}

/* inet_pton only: no inet_aton shorthand, no names, no scope, no
 * surrounding space, no prefix length. A typo in a case file must be an
 * error rather than some other address. */
static void test_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		" ",
		"198.51.100",
		"198.51.100.2.1",
		"198.51.100.256",
		"198.51.100.-1",
		"1.2.3",
		"127.1",
		"0x7f.0.0.1",
		"4294967295",
		" 198.51.100.2",
		"198.51.100.2 ",
		"198.51.100.2/24",
		"198.51.100.2:53",
		"localhost",
		"server.example",
		"2001:db8::2::1",
		"2001:db8:::2",
		"2001:db8::g",
		"1:2:3:4:5:6:7:8:9",
		"2001:db8::1%eth0",
		"[2001:db8::1]",
		"fe80::1/64",
		":::",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(bad[i]);
	assert_refused(NULL);
}

static void test_str_both_families(void **state)
{
	struct ipaddr a;
	char buf[ADDR_STRLEN];

	(void)state;
	assert_str("198.51.100.2", "198.51.100.2");
	assert_str("0.0.0.0", "0.0.0.0");
	/* RFC 5952: lowercase, longest zero run compressed, no leading
	 * zeros. */
	assert_str("2001:0DB8:0002:0000:0000:0000:0000:0002", "2001:db8:2::2");
	assert_str("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	assert_str("::", "::");
	assert_str("::ffff:203.0.113.2", "::ffff:203.0.113.2");
	/* The longest text fits ADDR_STRLEN. */
	assert_str("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
		   "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_str("1111:2222:3333:4444:5555:6666:7777:8888",
		   "1111:2222:3333:4444:5555:6666:7777:8888");
	/* Family 0 (none), an unknown family, and NULL are "-". */
	memset(&a, 0, sizeof(a));
	assert_string_equal(addr_str(&a, buf), "-");
	a.family = AF_UNIX;
	assert_string_equal(addr_str(&a, buf), "-");
	assert_string_equal(addr_str(NULL, buf), "-");
}

/* Text to address to text is the identity on canonical text. */
static void test_text_round_trip(void **state)
{
	static const char *const canon[] = {
		"198.51.100.2",	      "203.0.113.2", "10.0.0.1",
		"2001:db8:1::2",      "fe80::1",     "::1",
		"2001:db8::ffff:0:1",
	};
	struct ipaddr a, b;
	char buf[ADDR_STRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(canon) / sizeof(canon[0]); i++) {
		assert_int_equal(addr_parse(canon[i], &a), 0);
		assert_string_equal(addr_str(&a, buf), canon[i]);
		assert_int_equal(addr_parse(buf, &b), 0);
		assert_true(addr_eq(&a, &b));
	}
}

static void test_eq(void **state)
{
	struct ipaddr v4, v4b, v6, mapped, none, none2;

	(void)state;
	assert_int_equal(addr_parse("198.51.100.2", &v4), 0);
	assert_int_equal(addr_parse("198.51.100.2", &v4b), 0);
	assert_int_equal(addr_parse("2001:db8:1::2", &v6), 0);
	assert_int_equal(addr_parse("::ffff:198.51.100.2", &mapped), 0);
	memset(&none, 0, sizeof(none));
	memset(&none2, 0xff, sizeof(none2));
	none2.family = 0;

	assert_true(addr_eq(&v4, &v4b));
	assert_true(addr_eq(&v4, &v4));
	v4b.a[3] = 3;
	assert_false(addr_eq(&v4, &v4b));
	/* Across families nothing is equal, not even the v4-mapped form of
	 * the same address, nor an all-zero v4 with an all-zero v6. */
	assert_false(addr_eq(&v4, &v6));
	assert_false(addr_eq(&v6, &v4));
	assert_false(addr_eq(&v4, &mapped));
	assert_false(addr_eq(&mapped, &v4));
	assert_int_equal(addr_parse("0.0.0.0", &v4b), 0);
	assert_int_equal(addr_parse("::", &v6), 0);
	assert_false(addr_eq(&v4b, &v6));
	/* Only the bytes the family uses count. */
	assert_int_equal(addr_parse("198.51.100.2", &v4b), 0);
	memset(v4b.a + 4, 0xee, sizeof(v4b.a) - 4);
	assert_true(addr_eq(&v4, &v4b));
	assert_true(addr_eq(&v4b, &v4));
	/* Two "none" addresses are equal whatever their bytes; none is
	 * never equal to a real address. */
	assert_true(addr_eq(&none, &none2));
	assert_false(addr_eq(&none, &v4b));
	assert_false(addr_eq(&v4b, &none));
	/* The last byte of a v6 address counts. */
	assert_int_equal(addr_parse("2001:db8:1::2", &v6), 0);
	mapped = v6;
	mapped.a[15] ^= 1;
	assert_false(addr_eq(&v6, &mapped));
}

static void test_sockaddr_v4(void **state)
{
	struct ipaddr a, back;
	struct sockaddr_storage ss;
	struct sockaddr_in sin;
	uint16_t port = 0;

	(void)state;
	assert_int_equal(addr_parse("203.0.113.2", &a), 0);
	memset(&ss, 0xa5, sizeof(ss));
	assert_int_equal(addr_to_sockaddr(&a, 33434, &ss), sizeof(sin));
	memcpy(&sin, &ss, sizeof(sin));
	assert_int_equal(sin.sin_family, AF_INET);
	/* The port goes in network order. */
	assert_int_equal(sin.sin_port, htons(33434));
	assert_int_equal(sin.sin_addr.s_addr, inet_addr("203.0.113.2"));
	assert_int_equal(
		addr_from_sockaddr((struct sockaddr *)&ss, &back, &port), 0);
	assert_int_equal(back.family, AF_INET);
	assert_true(addr_eq(&a, &back));
	assert_int_equal(port, 33434);
	/* The ends of the port range, and no port wanted. */
	addr_to_sockaddr(&a, 0, &ss);
	addr_from_sockaddr((struct sockaddr *)&ss, &back, &port);
	assert_int_equal(port, 0);
	addr_to_sockaddr(&a, 65535, &ss);
	addr_from_sockaddr((struct sockaddr *)&ss, &back, &port);
	assert_int_equal(port, 65535);
	assert_int_equal(
		addr_from_sockaddr((struct sockaddr *)&ss, &back, NULL), 0);
	assert_true(addr_eq(&a, &back));
}

static void test_sockaddr_v6(void **state)
{
	struct ipaddr a, back;
	struct sockaddr_storage ss;
	struct sockaddr_in6 sin6;
	uint16_t port = 0;

	(void)state;
	assert_int_equal(addr_parse("2001:db8:2::2", &a), 0);
	memset(&ss, 0xa5, sizeof(ss));
	assert_int_equal(addr_to_sockaddr(&a, 40000, &ss), sizeof(sin6));
	memcpy(&sin6, &ss, sizeof(sin6));
	assert_int_equal(sin6.sin6_family, AF_INET6);
	assert_int_equal(sin6.sin6_port, htons(40000));
	assert_memory_equal(&sin6.sin6_addr, a.a, 16);
	/* Filled afresh: no flow label or scope left from the buffer. */
	assert_int_equal(sin6.sin6_flowinfo, 0);
	assert_int_equal(sin6.sin6_scope_id, 0);
	assert_int_equal(
		addr_from_sockaddr((struct sockaddr *)&ss, &back, &port), 0);
	assert_int_equal(back.family, AF_INET6);
	assert_true(addr_eq(&a, &back));
	assert_int_equal(port, 40000);
}

/* A sockaddr in a cmsg buffer (SO_EE_OFFENDER) need not have the
 * alignment of sockaddr_in6 (4): offset 2 is aligned for struct sockaddr
 * (its sa_family) but not for the sin6_flowinfo behind it. */
static void test_sockaddr_unaligned(void **state)
{
	union {
		uint64_t align;
		uint8_t b[sizeof(struct sockaddr_in6) + 8];
	} buf;
	struct sockaddr_in6 sin6;
	struct ipaddr a, back;
	uint16_t port = 0;

	(void)state;
	assert_int_equal(addr_parse("2001:db8:1::1", &a), 0);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(7);
	memcpy(&sin6.sin6_addr, a.a, 16);
	memcpy(buf.b + 2, &sin6, sizeof(sin6));
	assert_int_equal(
		addr_from_sockaddr((struct sockaddr *)(void *)(buf.b + 2),
				   &back, &port),
		0);
	assert_true(addr_eq(&a, &back));
	assert_int_equal(port, 7);
}

/* Family 0 gives no sockaddr; a sockaddr of another family gives no
 * address and leaves the outputs alone. */
static void test_sockaddr_other_families(void **state)
{
	struct ipaddr none, out;
	struct sockaddr_storage ss;
	struct sockaddr_un sun;
	uint16_t port = 99;

	(void)state;
	memset(&none, 0, sizeof(none));
	memset(&ss, 0xa5, sizeof(ss));
	assert_int_equal(addr_to_sockaddr(&none, 53, &ss), 0);
	assert_int_equal(ss.ss_family, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(
		addr_from_sockaddr((struct sockaddr *)&sun, &out, &port), -1);
	assert_int_equal(port, 99);
	assert_int_equal(out.family, 0x5a5a5a5a);
}

static void test_set(void **state)
{
	static const uint8_t v4[4] = {198, 51, 100, 1};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	static const uint8_t zero[16];
	struct ipaddr a, b;

	(void)state;
	memset(&a, 0xff, sizeof(a));
	addr_set(&a, AF_INET, v4);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.a, v4, 4);
	/* The tail is cleared, so the struct compares equal bytewise to
	 * what addr_parse builds. */
	assert_memory_equal(a.a + 4, zero, 12);
	assert_int_equal(addr_parse("198.51.100.1", &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	addr_set(&a, AF_INET6, v6);
	assert_int_equal(a.family, AF_INET6);
	assert_memory_equal(a.a, v6, 16);
	/* An unknown family gives "none", all zero. */
	memset(&a, 0xff, sizeof(a));
	addr_set(&a, AF_UNIX, v6);
	assert_int_equal(a.family, 0);
	assert_memory_equal(a.a, zero, 16);
}

/* RFC 4291 2.5.5.2: 203.0.113.2 maps to ::ffff:203.0.113.2 and back; an
 * IPv6 address that is not mapped (2001:db8::2, ::, the IPv4-compatible
 * ::203.0.113.2) stays as it is, and an IPv6 address cannot be mapped. */
static void test_v4_mapped(void **state)
{
	struct ipaddr v4, m, a, before;
	char buf[ADDR_STRLEN];

	(void)state;
	assert_int_equal(addr_parse("203.0.113.2", &v4), 0);
	assert_int_equal(addr_v4_mapped(&v4, &m), 0);
	assert_int_equal(m.family, AF_INET6);
	assert_string_equal(addr_str(&m, buf), "::ffff:203.0.113.2");
	a = m;
	assert_true(addr_unmap_v4(&a));
	assert_true(addr_eq(&a, &v4));
	assert_int_equal(addr_parse("2001:db8::2", &a), 0);
	before = a;
	assert_false(addr_unmap_v4(&a));
	assert_true(addr_eq(&a, &before));
	assert_int_equal(addr_parse("::", &a), 0);
	assert_false(addr_unmap_v4(&a));
	assert_int_equal(addr_parse("::203.0.113.2", &a), 0);
	assert_false(addr_unmap_v4(&a));
	assert_false(addr_unmap_v4(&v4));
	memset(&m, 0x5a, sizeof(m));
	before = m;
	assert_int_equal(addr_parse("2001:db8::2", &a), 0);
	assert_int_equal(addr_v4_mapped(&a, &m), -1);
	assert_memory_equal(&m, &before, sizeof(m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_v4),
		cmocka_unit_test(test_parse_v6),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_str_both_families),
		cmocka_unit_test(test_text_round_trip),
		cmocka_unit_test(test_eq),
		cmocka_unit_test(test_sockaddr_v4),
		cmocka_unit_test(test_sockaddr_v6),
		cmocka_unit_test(test_sockaddr_unaligned),
		cmocka_unit_test(test_sockaddr_other_families),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_v4_mapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
