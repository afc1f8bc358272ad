/* Observations from probe events: which events count as surfaced, what
 * each becomes, and the round each belongs to. The events are written as
 * the probes write them and parsed with event_parse, as the harness does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <linux/errqueue.h>

#include "event.h"
#include "observe.h"

/* Runs lines (NULL-terminated) through one observer; the surfaced ones go
 * to out (at most max), the rest are counted in *others and *ignored. */
static size_t observe_lines(const char *const *lines, struct observation *out,
			    size_t max, size_t *others, size_t *ignored)
{
	struct observer s = {0};
	struct observation o;
	struct event e;
	char err[256];
	size_t n = 0;
	int i;

	*others = *ignored = 0;
	for (i = 0; lines[i]; i++) {
		if (event_parse(lines[i], strlen(lines[i]), &e, err,
				sizeof(err)) != 0)
			fail_msg("fixture '%s': %s", lines[i], err);
		memset(&o, 0xa5, sizeof(o)); /* observe must fill it all */
		switch (observe_event(&s, &e, &o)) {
		case OBS_SURFACED:
			assert_true(n < max);
			out[n++] = o;
			break;
		case OBS_FOR_OTHERS:
			(*others)++;
			break;
		case OBS_IGNORED:
			(*ignored)++;
			break;
		}
	}
	return n;
}

/* Calls: a failure is surfaced, except EAGAIN (nothing there) and
 * EINPROGRESS (a non-blocking connect started); success is not, unless it
 * hands an errno back as a value (SO_ERROR). */
static void test_calls(void **state)
{
	static const char *const lines[] = {
		"{\"ev\":\"call\",\"t\":1,\"call\":\"socket\",\"ret\":3,"
		"\"errno\":null}",
		"{\"ev\":\"call\",\"t\":2,\"call\":\"recv\",\"ret\":-1,"
		"\"errno\":\"EAGAIN\"}",
		"{\"ev\":\"call\",\"t\":3,\"call\":\"connect\",\"ret\":-1,"
		"\"errno\":\"EINPROGRESS\"}",
		"{\"ev\":\"call\",\"t\":4,\"call\":\"recv\",\"ret\":-1,"
		"\"errno\":\"ECONNREFUSED\"}",
		"{\"ev\":\"call\",\"t\":5,\"call\":\"getsockopt\","
		"\"via\":\"so_error\",\"ret\":0,\"errno\":null,"
		"\"value\":\"EHOSTUNREACH\"}",
		"{\"ev\":\"call\",\"t\":6,\"call\":\"getsockopt\","
		"\"via\":\"so_error\",\"ret\":0,\"errno\":null}",
		NULL};
	struct observation o[8];
	size_t others, ignored;
	size_t n = observe_lines(lines, o, 8, &others, &ignored);

	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(ignored, 4);
	assert_int_equal(o[0].kind, OBS_CALL);
	assert_string_equal(o[0].via, "recv");
	assert_string_equal(o[0].call, "recv");
	assert_int_equal(o[0].err, ECONNREFUSED);
	assert_int_equal(o[1].kind, OBS_CALL);
	assert_string_equal(o[1].via, "so_error");
	assert_string_equal(o[1].call, "getsockopt");
	assert_int_equal(o[1].err, EHOSTUNREACH);
	assert_int_equal(o[1].from.family, 0);
}

/* The error queue: every entry is surfaced with its fields; an ee_errno
 * of 0 (null) is no errno. */
static void test_errqueue(void **state)
{
	static const char *const lines[] = {
		"{\"ev\":\"errqueue\",\"t\":1,\"via\":\"errqueue\","
		"\"ee_errno\":\"EMSGSIZE\",\"origin\":\"icmp\",\"type\":3,"
		"\"code\":4,\"info\":1400,\"data\":0,"
		"\"offender\":\"198.51.100.1\"}",
		"{\"ev\":\"errqueue\",\"t\":2,\"via\":\"errqueue\","
		"\"ee_errno\":null,\"origin\":\"local\",\"type\":0,"
		"\"code\":0,\"info\":0,\"data\":0}",
		NULL};
	struct observation o[4];
	size_t others, ignored;
	size_t n = observe_lines(lines, o, 4, &others, &ignored);
	char a[ADDR_STRLEN];

	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(o[0].kind, OBS_ERRQUEUE);
	assert_string_equal(o[0].via, "errqueue");
	assert_string_equal(o[0].call, "recvmsg");
	assert_int_equal(o[0].err, EMSGSIZE);
	assert_int_equal(o[0].origin, SO_EE_ORIGIN_ICMP);
	assert_int_equal(o[0].type, 3);
	assert_int_equal(o[0].code, 4);
	assert_int_equal(o[0].info, 1400);
	assert_string_equal(addr_str(&o[0].from, a), "198.51.100.1");
	assert_int_equal(o[1].err, OBS_NO_ERRNO);
	assert_int_equal(o[1].origin, SO_EE_ORIGIN_LOCAL);
	assert_int_equal(o[1].from.family, 0);
}

/* Raw sockets: a packet quoting the probe's own datagram is surfaced
 * (without an errno); one quoting another's is kept apart. */
static void test_raw_packets(void **state)
{
	static const char *const lines[] = {
		"{\"ev\":\"icmp\",\"t\":1,\"via\":\"raw\",\"type\":3,"
		"\"code\":3,\"from\":\"203.0.113.2\",\"match\":\"other\"}",
		"{\"ev\":\"icmp\",\"t\":2,\"via\":\"raw\",\"type\":11,"
		"\"code\":0,\"from\":\"198.51.100.1\",\"match\":\"own\"}",
		NULL};
	struct observation o[4];
	size_t others, ignored;
	size_t n = observe_lines(lines, o, 4, &others, &ignored);

	(void)state;
	assert_int_equal(n, 1);
	assert_int_equal(others, 1);
	assert_int_equal(o[0].kind, OBS_PACKET);
	assert_int_equal(o[0].err, OBS_NO_ERRNO);
	assert_int_equal(o[0].origin, SO_EE_ORIGIN_ICMP);
	assert_int_equal(o[0].type, 11);
	assert_int_equal(o[0].code, 0);
	assert_int_equal(o[0].from.family, AF_INET);
}

/* The round of an observation is the seq of the sync before it; setup
 * calls before the first sync are round 0. Other kinds say nothing. */
static void test_rounds(void **state)
{
	static const char *const lines[] = {
		"{\"ev\":\"start\",\"t\":1,\"probe\":\"udp-connected\"}",
		"{\"ev\":\"call\",\"t\":2,\"call\":\"bind\",\"ret\":-1,"
		"\"errno\":\"EADDRINUSE\"}",
		"{\"ev\":\"flow\",\"t\":3,\"proto\":\"udp\","
		"\"src\":\"198.51.100.2\",\"sport\":40000,"
		"\"dst\":\"203.0.113.2\",\"dport\":33434}",
		"{\"ev\":\"sync\",\"t\":4,\"seq\":1,\"sent\":true}",
		"{\"ev\":\"call\",\"t\":5,\"call\":\"recv\",\"ret\":-1,"
		"\"errno\":\"ECONNREFUSED\"}",
		"{\"ev\":\"note\",\"t\":6,\"text\":\"x\"}",
		"{\"ev\":\"sync\",\"t\":7,\"seq\":2,\"sent\":true,\"burst\":3}",
		"{\"ev\":\"call\",\"t\":8,\"call\":\"recv\",\"ret\":-1,"
		"\"errno\":\"EHOSTUNREACH\"}",
		"{\"ev\":\"skip\",\"t\":9,\"text\":\"y\"}",
		"{\"ev\":\"end\",\"t\":10}",
		NULL};
	struct observation o[4];
	size_t others, ignored;
	size_t n = observe_lines(lines, o, 4, &others, &ignored);

	(void)state;
	assert_int_equal(n, 3);
	assert_int_equal(ignored, 7);
	assert_int_equal(o[0].round, 0);
	assert_int_equal(o[1].round, 1);
	assert_int_equal(o[1].err, ECONNREFUSED);
	assert_int_equal(o[2].round, 2);
	assert_int_equal(o[2].err, EHOSTUNREACH);
}

/* A command's exit status, or the signal that killed it. */
static void test_exit(void **state)
{
	struct observation o;

	(void)state;
	observe_exit(1 << 8, &o); /* exited 1 */
	assert_int_equal(o.kind, OBS_EXIT);
	assert_string_equal(o.via, "exit");
	assert_string_equal(o.call, "waitpid");
	assert_int_equal(o.err, 1);
	observe_exit(0, &o);
	assert_int_equal(o.err, 0);
	observe_exit(SIGTERM, &o); /* killed by SIGTERM */
	assert_string_equal(o.via, "signal");
	assert_int_equal(o.err, SIGTERM);
}

static void test_list(void **state)
{
	struct obs_list l = {0};
	struct observation o = {.kind = OBS_CALL, .err = 5};
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		o.round = (unsigned)i;
		assert_int_equal(obs_list_add(&l, &o), 0);
	}
	assert_int_equal(l.n, 100);
	assert_int_equal(l.v[99].round, 99);
	assert_int_equal(l.v[0].err, 5);
	obs_list_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_errqueue),
		cmocka_unit_test(test_raw_packets),
		cmocka_unit_test(test_rounds),
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests_name("observe", tests, NULL, NULL);
}
