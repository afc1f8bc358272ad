/* Tests for lib/errqueue.c: error-queue control messages of both levels
 * (SOL_IP/IP_RECVERR from an AF_INET socket, SOL_IPV6/IPV6_RECVERR from an
 * AF_INET6 one, v4-mapped offender included), and the cut-short ones a
 * reader must not read past. The messages are built here as the kernel
 * lays them out: cmsghdr, struct sock_extended_err, the offender's
 * sockaddr (ip_recv_error, ipv6_recv_error). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "errqueue.h"

/* A control buffer with room for one error cmsg and its offender. */
union ctl {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(struct sock_extended_err) +
			       sizeof(struct sockaddr_in6))];
};

/* Lays out one cmsg of level/type in u: ee, then off_len bytes of off
 * (the offender), with cmsg_len CMSG_LEN(ee + off_len) - cut. Returns the
 * cmsg, found through CMSG_FIRSTHDR as a reader finds it. */
static struct cmsghdr *build(union ctl *u, struct msghdr *msg, int level,
			     int type, const struct sock_extended_err *ee,
			     const void *off, size_t off_len, size_t cut)
{
	struct cmsghdr *c;

	memset(u, 0xa5, sizeof(*u));
	memset(msg, 0, sizeof(*msg));
	msg->msg_control = u->buf;
	msg->msg_controllen = sizeof(u->buf);
	c = CMSG_FIRSTHDR(msg);
	assert_non_null(c);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(sizeof(*ee) + off_len) - cut;
	memcpy(CMSG_DATA(c), ee, sizeof(*ee));
	if (off_len)
		memcpy(CMSG_DATA(c) + sizeof(*ee), off, off_len);
	return c;
}

/* ECONNREFUSED from a 3/3 quoted by ICMP, as __udp4_lib_err queues it. */
static const struct sock_extended_err ee_port = {
	.ee_errno = ECONNREFUSED,
	.ee_origin = SO_EE_ORIGIN_ICMP,
	.ee_type = 3,
	.ee_code = 3,
};

/* SOL_IP/IP_RECVERR, offender sockaddr_in 198.51.100.1: an AF_INET
 * socket's entry. */
static void test_ip_level(void **state)
{
	union ctl u;
	struct msghdr msg;
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct errq_entry q;
	char a[ADDR_STRLEN];
	struct cmsghdr *c;

	(void)state;
	inet_pton(AF_INET, "198.51.100.1", &sin.sin_addr);
	c = build(&u, &msg, SOL_IP, IP_RECVERR, &ee_port, &sin, sizeof(sin), 0);
	assert_int_equal(errq_decode(c, &q), ERRQ_ENTRY);
	assert_int_equal(q.level, SOL_IP);
	assert_int_equal(q.ee.ee_errno, ECONNREFUSED);
	assert_int_equal(q.ee.ee_origin, SO_EE_ORIGIN_ICMP);
	assert_int_equal(q.ee.ee_type, 3);
	assert_int_equal(q.ee.ee_code, 3);
	assert_int_equal(q.offender_family, AF_INET);
	assert_string_equal(addr_str(&q.offender, a), "198.51.100.1");
	assert_string_equal(errq_level_str(q.level), "SOL_IP/IP_RECVERR");
}

/* SOL_IPV6/IPV6_RECVERR carrying an ICMPv4 entry with a v4-mapped
 * sockaddr_in6 offender: what a dual-stack socket reads
 * (ipv6_recv_error). The family stays AF_INET6, the address mapped. */
static void test_ipv6_level_v4_mapped(void **state)
{
	union ctl u;
	struct msghdr msg;
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	struct errq_entry q;
	char a[ADDR_STRLEN];
	struct cmsghdr *c;

	(void)state;
	inet_pton(AF_INET6, "::ffff:198.51.100.1", &sin6.sin6_addr);
	c = build(&u, &msg, SOL_IPV6, IPV6_RECVERR, &ee_port, &sin6,
		  sizeof(sin6), 0);
	assert_int_equal(errq_decode(c, &q), ERRQ_ENTRY);
	assert_int_equal(q.level, SOL_IPV6);
	assert_int_equal(q.ee.ee_origin, SO_EE_ORIGIN_ICMP);
	assert_int_equal(q.ee.ee_errno, ECONNREFUSED);
	assert_int_equal(q.offender_family, AF_INET6);
	assert_int_equal(q.offender.family, AF_INET6);
	assert_string_equal(addr_str(&q.offender, a), "::ffff:198.51.100.1");
	assert_string_equal(errq_level_str(q.level), "SOL_IPV6/IPV6_RECVERR");
}

/* An ICMPv6 entry with a native offender, 2001:db8::1. */
static void test_ipv6_level_icmp6(void **state)
{
	static const struct sock_extended_err ee6 = {
		.ee_errno = ECONNREFUSED,
		.ee_origin = SO_EE_ORIGIN_ICMP6,
		.ee_type = 1,
		.ee_code = 4,
	};
	union ctl u;
	struct msghdr msg;
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	struct errq_entry q;
	char a[ADDR_STRLEN];
	struct cmsghdr *c;

	(void)state;
	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	c = build(&u, &msg, SOL_IPV6, IPV6_RECVERR, &ee6, &sin6, sizeof(sin6),
		  0);
	assert_int_equal(errq_decode(c, &q), ERRQ_ENTRY);
	assert_int_equal(q.ee.ee_origin, SO_EE_ORIGIN_ICMP6);
	assert_int_equal(q.ee.ee_type, 1);
	assert_string_equal(addr_str(&q.offender, a), "2001:db8::1");
}

/* A cmsg of either level one byte short of sock_extended_err is
 * ERRQ_SHORT, and *out is not touched. */
static void test_truncated_ee(void **state)
{
	static const int levels[][2] = {{SOL_IP, IP_RECVERR},
					{SOL_IPV6, IPV6_RECVERR}};
	union ctl u;
	struct msghdr msg;
	struct errq_entry q, before;
	struct cmsghdr *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		c = build(&u, &msg, levels[i][0], levels[i][1], &ee_port, NULL,
			  0, 1);
		memset(&q, 0x5a, sizeof(q));
		before = q;
		assert_int_equal(errq_decode(c, &q), ERRQ_SHORT);
		assert_memory_equal(&q, &before, sizeof(q));
		/* Just a header: no payload at all. */
		c->cmsg_len = CMSG_LEN(0);
		assert_int_equal(errq_decode(c, &q), ERRQ_SHORT);
	}
}

/* The offender cut short: a whole ee but only part of the sockaddr (or
 * only its family) is an entry without an offender; a sockaddr_in's
 * length is not enough for an AF_INET6 family. */
static void test_truncated_offender(void **state)
{
	union ctl u;
	struct msghdr msg;
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	struct errq_entry q;
	struct cmsghdr *c;

	(void)state;
	inet_pton(AF_INET, "198.51.100.1", &sin.sin_addr);
	inet_pton(AF_INET6, "::ffff:198.51.100.1", &sin6.sin6_addr);
	c = build(&u, &msg, SOL_IP, IP_RECVERR, &ee_port, &sin, sizeof(sin), 1);
	assert_int_equal(errq_decode(c, &q), ERRQ_ENTRY);
	assert_int_equal(q.offender_family, 0);
	assert_int_equal(q.offender.family, 0);
	c = build(&u, &msg, SOL_IPV6, IPV6_RECVERR, &ee_port, &sin6,
		  sizeof(struct sockaddr_in), 0);
	assert_int_equal(errq_decode(c, &q), ERRQ_ENTRY);
	assert_int_equal(q.offender_family, 0);
	c = build(&u, &msg, SOL_IPV6, IPV6_RECVERR, &ee_port, &sin6, 1, 0);
	assert_int_equal(errq_decode(c, &q), ERRQ_ENTRY);
	assert_int_equal(q.offender_family, 0);
	/* No offender at all (SO_EE_ORIGIN_LOCAL entries: AF_UNSPEC). */
	sin6.sin6_family = AF_UNSPEC;
	c = build(&u, &msg, SOL_IPV6, IPV6_RECVERR, &ee_port, &sin6,
		  sizeof(sin6), 0);
	assert_int_equal(errq_decode(c, &q), ERRQ_ENTRY);
	assert_int_equal(q.offender_family, 0);
}

/* Other cmsgs are not error entries, whatever their length: a mismatched
 * level/type pair included (SOL_IP with IPV6_RECVERR's number). */
static void test_other_cmsgs(void **state)
{
	union ctl u;
	struct msghdr msg;
	struct errq_entry q;
	struct cmsghdr *c;

	(void)state;
	c = build(&u, &msg, SOL_IP, IP_TTL, &ee_port, NULL, 0, 0);
	assert_int_equal(errq_decode(c, &q), ERRQ_OTHER);
	c = build(&u, &msg, SOL_SOCKET, SO_TIMESTAMP, &ee_port, NULL, 0, 0);
	assert_int_equal(errq_decode(c, &q), ERRQ_OTHER);
	c = build(&u, &msg, SOL_IP, IPV6_RECVERR, &ee_port, NULL, 0, 0);
	assert_int_equal(errq_decode(c, &q), ERRQ_OTHER);
	c = build(&u, &msg, SOL_IPV6, IP_RECVERR, &ee_port, NULL, 0, 0);
	assert_int_equal(errq_decode(c, &q), ERRQ_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_level),
		cmocka_unit_test(test_ipv6_level_v4_mapped),
		cmocka_unit_test(test_ipv6_level_icmp6),
		cmocka_unit_test(test_truncated_ee),
		cmocka_unit_test(test_truncated_offender),
		cmocka_unit_test(test_other_cmsgs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
