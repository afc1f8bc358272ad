/* Tests for lib/event.c: the JSON lines between a probe and the harness.
 *
 * Every kind goes through event_write and back through event_parse, and
 * the lines a probe could never write, but a broken or hostile one might,
 * are refused with a reason that names the field. The reasons are checked
 * by substring, since they end up in a cell's protocol_error where a
 * person reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <jansson.h>
#include <linux/errqueue.h>

#include "event.h"

/* --- helpers --------------------------------------------------------- */

/* An event of kind k with everything else zero, as a probe starts one. */
static struct event ev(enum ev_kind k)
{
	struct event e;

	memset(&e, 0, sizeof(e));
	e.kind = k;
	e.rfc4884_len = -1;
	return e;
}

static struct ipaddr ip(const char *s)
{
	struct ipaddr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

/* event_write to a memory stream. Checks that the output is exactly one
 * line ending in '\n', and returns it without the newline; caller frees. */
static char *write_line(const struct event *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(event_write(f, e), 0);
	assert_int_equal(fclose(f), 0);
	assert_true(len > 1);
	assert_int_equal(buf[len - 1], '\n');
	buf[len - 1] = '\0';
	assert_null(strchr(buf, '\n'));
	return buf;
}

static void assert_addr_same(const struct ipaddr *a, const struct ipaddr *b)
{
	assert_int_equal(a->family, b->family);
	assert_true(addr_eq(a, b));
}

/* Every field, whatever the kind: both sides start from zero, so a field a
 * kind does not use must stay zero through the round trip as well. */
static void assert_event_same(const struct event *a, const struct event *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->t_ns, b->t_ns);
	assert_string_equal(a->call, b->call);
	assert_string_equal(a->via, b->via);
	assert_int_equal(a->ret, b->ret);
	assert_int_equal(a->err, b->err);
	assert_int_equal(a->value, b->value);
	assert_int_equal(a->ee_errno, b->ee_errno);
	assert_int_equal(a->origin, b->origin);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->code, b->code);
	assert_int_equal(a->info, b->info);
	assert_int_equal(a->data, b->data);
	assert_addr_same(&a->offender, &b->offender);
	assert_int_equal(a->own, b->own);
	assert_int_equal(a->rfc4884_len, b->rfc4884_len);
	assert_int_equal(a->proto, b->proto);
	assert_addr_same(&a->src, &b->src);
	assert_addr_same(&a->dst, &b->dst);
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->sent, b->sent);
	assert_int_equal(a->burst, b->burst);
	assert_string_equal(a->text, b->text);
}

/* The line without its "t" field: what event_json must give for it, so
 * that the harness keeps a probe's event without parsing its line again. */
static void assert_json_is_line_without_t(const struct event *e,
					  const char *line)
{
	char want[1024];
	const char *t = strstr(line, ",\"t\":");
	const char *after;
	json_t *j = event_json(e);
	char *got;

	assert_non_null(t);
	after = t + 5;
	while (*after >= '0' && *after <= '9')
		after++;
	snprintf(want, sizeof(want), "%.*s%s", (int)(t - line), line, after);
	assert_non_null(j);
	got = json_dumps(j, JSON_COMPACT);
	assert_string_equal(got, want);
	free(got);
	json_decref(j);
}

/* Writes e, checks the line is want (when not NULL), parses it back and
 * checks the result is e, and that event_json of the parsed event is the
 * line without "t". */
static void round_trip(const struct event *e, const char *want)
{
	struct event back;
	char err[256] = "";
	char *line = write_line(e);

	if (want)
		assert_string_equal(line, want);
	if (event_parse(line, strlen(line), &back, err, sizeof(err)) != 0)
		fail_msg("'%s' did not parse: %s", line, err);
	assert_event_same(e, &back);
	assert_json_is_line_without_t(&back, line);
	free(line);
}

static void parse_ok(const char *line, struct event *e)
{
	char err[256] = "";

	if (event_parse(line, strlen(line), e, err, sizeof(err)) != 0)
		fail_msg("'%s' did not parse: %s", line, err);
}

/* line is refused, with a reason that contains why. */
static void parse_fails_at(const char *line, size_t len, const char *why,
			   int at)
{
	struct event e;
	char err[256] = "";

	if (event_parse(line, len, &e, err, sizeof(err)) != -1)
		fail_msg("line %d: '%s' was accepted", at, line);
	if (!strstr(err, why))
		fail_msg("line %d: '%s': reason '%s' does not say '%s'", at,
			 line, err, why);
}
#define PARSE_FAILS(line, why) parse_fails_at(line, strlen(line), why, __LINE__)

/* One complete, valid line of every kind, as a probe writes them. */
static const char *const good_lines[] = {
	"{\"ev\":\"start\",\"t\":1,\"probe\":\"udp-connected\"}",
	"{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\",\"src\":\"198.51.100.2\","
	"\"sport\":40000,\"dst\":\"203.0.113.2\",\"dport\":33434}",
	"{\"ev\":\"call\",\"t\":3,\"call\":\"recvmsg\",\"via\":\"errqueue\","
	"\"ret\":-1,\"errno\":\"EAGAIN\"}",
	"{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\",\"ee_errno\":"
	"\"ECONNREFUSED\",\"origin\":\"icmp\",\"type\":3,\"code\":3,\"info\":0,"
	"\"data\":0,\"offender\":\"203.0.113.2\"}",
	"{\"ev\":\"icmp\",\"t\":5,\"via\":\"raw\",\"type\":3,\"code\":3,"
	"\"from\":\"203.0.113.2\",\"match\":\"own\"}",
	"{\"ev\":\"sync\",\"t\":6,\"seq\":1,\"sent\":true}",
	"{\"ev\":\"note\",\"t\":7,\"text\":\"hello\"}",
	"{\"ev\":\"skip\",\"t\":8,\"text\":\"no IPv6\"}",
	"{\"ev\":\"end\",\"t\":9}",
	"{\"ev\":\"exit\",\"t\":10,\"status\":3}",
	NULL,
};

/* The fields each kind cannot do without, in the order of good_lines. */
static const char *const required[][12] = {
	{"ev", "t", "probe", NULL},
	{"ev", "t", "proto", "sport", "dport", NULL},
	{"ev", "t", "call", "ret", "errno", NULL},
	{"ev", "t", "via", "ee_errno", "origin", "type", "code", "info", "data",
	 NULL},
	{"ev", "t", "via", "type", "code", "match", NULL},
	{"ev", "t", "seq", "sent", NULL},
	{"ev", "t", "text", NULL},
	{"ev", "t", "text", NULL},
	{"ev", "t", NULL},
	{"ev", "t", "status", NULL},
};

/* line with key removed, re-encoded by jansson; caller frees. */
static char *without(const char *line, const char *key)
{
	json_t *o = json_loads(line, 0, NULL);
	char *s;

	assert_non_null(o);
	assert_int_equal(json_object_del(o, key), 0);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	assert_non_null(s);
	return s;
}

/* --- round trips ----------------------------------------------------- */

static void test_round_trip_start_end(void **state)
{
	struct event e = ev(EV_START);

	(void)state;
	e.t_ns = 1;
	strcpy(e.text, "udp-connected");
	round_trip(&e,
		   "{\"ev\":\"start\",\"t\":1,\"probe\":\"udp-connected\"}");
	e = ev(EV_END);
	e.t_ns = 123456789012345ull;
	round_trip(&e, "{\"ev\":\"end\",\"t\":123456789012345}");
	/* The largest time JSON integers in jansson hold. */
	e.t_ns = INT64_MAX;
	round_trip(&e, NULL);
}

static void test_round_trip_flow(void **state)
{
	static const int protos[] = {IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP,
				     IPPROTO_ICMPV6};
	struct event e = ev(EV_FLOW);
	size_t i;

	(void)state;
	e.t_ns = 2;
	e.proto = IPPROTO_UDP;
	e.src = ip("198.51.100.2");
	e.sport = 40000;
	e.dst = ip("203.0.113.2");
	e.dport = 33434;
	round_trip(&e, good_lines[1]);
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		e.proto = protos[i];
		round_trip(&e, NULL);
	}
	/* IPv6, the wildcard source, and the ends of the port range. */
	e.proto = IPPROTO_UDP;
	e.src = ip("::");
	e.dst = ip("2001:db8:2::2");
	e.sport = 0;
	e.dport = 65535;
	round_trip(&e, "{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\","
		       "\"src\":\"::\",\"sport\":0,\"dst\":\"2001:db8:2::2\","
		       "\"dport\":65535}");
	/* No source at all: the field is left out, and comes back as none. */
	memset(&e.src, 0, sizeof(e.src));
	round_trip(&e,
		   "{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\","
		   "\"sport\":0,\"dst\":\"2001:db8:2::2\",\"dport\":65535}");
}

static void test_round_trip_call(void **state)
{
	struct event e = ev(EV_CALL);

	(void)state;
	e.t_ns = 3;
	strcpy(e.call, "recvmsg");
	strcpy(e.via, "errqueue");
	e.ret = -1;
	e.err = EAGAIN;
	round_trip(&e, good_lines[2]);
	/* Success: errno null. via equal to call is left out, and read
	 * back as the call. */
	strcpy(e.call, "sendto");
	strcpy(e.via, "sendto");
	e.ret = 16;
	e.err = 0;
	round_trip(&e, "{\"ev\":\"call\",\"t\":3,\"call\":\"sendto\","
		       "\"ret\":16,\"errno\":null}");
	/* SO_ERROR hands an errno back as a value. */
	strcpy(e.call, "getsockopt");
	strcpy(e.via, "so_error");
	e.ret = 0;
	e.value = ECONNREFUSED;
	round_trip(&e, "{\"ev\":\"call\",\"t\":3,\"call\":\"getsockopt\","
		       "\"via\":\"so_error\",\"ret\":0,\"errno\":null,"
		       "\"value\":\"ECONNREFUSED\"}");
	e.ret = LONG_MIN;
	round_trip(&e, NULL);
	e.ret = LONG_MAX;
	round_trip(&e, NULL);
}

/* Known errno values travel by name, 0 as null, and a number with no name
 * (a newer kernel's) as the number. */
static void test_errno_names_both_ways(void **state)
{
	struct event e = ev(EV_CALL), back;

	(void)state;
	strcpy(e.call, "send");
	strcpy(e.via, "send");
	e.ret = -1;
	e.err = ECONNREFUSED;
	round_trip(&e, "{\"ev\":\"call\",\"t\":0,\"call\":\"send\",\"ret\":-1,"
		       "\"errno\":\"ECONNREFUSED\"}");
	e.err = 4000;
	e.value = 4001;
	round_trip(&e, "{\"ev\":\"call\",\"t\":0,\"call\":\"send\",\"ret\":-1,"
		       "\"errno\":4000,\"value\":4001}");
	parse_ok("{\"ev\":\"call\",\"t\":0,\"call\":\"send\",\"ret\":-1,"
		 "\"errno\":\"EHOSTUNREACH\",\"value\":null}",
		 &back);
	assert_int_equal(back.err, EHOSTUNREACH);
	assert_int_equal(back.value, 0);
	PARSE_FAILS("{\"ev\":\"call\",\"t\":0,\"call\":\"send\",\"ret\":-1,"
		    "\"errno\":\"ENOSUCHERROR\"}",
		    "field 'errno': expected an errno name or null");
	/* Names are exact: case matters. */
	PARSE_FAILS("{\"ev\":\"call\",\"t\":0,\"call\":\"send\",\"ret\":-1,"
		    "\"errno\":\"econnrefused\"}",
		    "field 'errno'");
	PARSE_FAILS("{\"ev\":\"call\",\"t\":0,\"call\":\"send\",\"ret\":-1,"
		    "\"errno\":-1}",
		    "field 'errno'");
	PARSE_FAILS("{\"ev\":\"call\",\"t\":0,\"call\":\"send\",\"ret\":-1,"
		    "\"errno\":100000}",
		    "field 'errno'");
	PARSE_FAILS("{\"ev\":\"call\",\"t\":0,\"call\":\"send\",\"ret\":-1,"
		    "\"errno\":true}",
		    "field 'errno'");
	PARSE_FAILS("{\"ev\":\"call\",\"t\":0,\"call\":\"send\",\"ret\":-1,"
		    "\"errno\":null,\"value\":\"EBOGUS\"}",
		    "field 'value'");
	PARSE_FAILS("{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\","
		    "\"ee_errno\":\"ENOPE\",\"origin\":\"icmp\",\"type\":3,"
		    "\"code\":3,\"info\":0,\"data\":0}",
		    "field 'ee_errno'");
}

static void test_round_trip_errqueue(void **state)
{
	struct event e = ev(EV_ERRQUEUE);

	(void)state;
	e.t_ns = 4;
	strcpy(e.via, "errqueue");
	e.ee_errno = ECONNREFUSED;
	e.origin = SO_EE_ORIGIN_ICMP;
	e.type = 3;
	e.code = 3;
	e.offender = ip("203.0.113.2");
	round_trip(&e, good_lines[3]);
	/* Frag needed: the MTU is in info; RFC 4884 length reported. */
	e.ee_errno = EMSGSIZE;
	e.code = 4;
	e.info = 1280;
	e.data = 0xdeadbeef;
	e.rfc4884_len = 128;
	round_trip(&e, "{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\","
		       "\"ee_errno\":\"EMSGSIZE\",\"origin\":\"icmp\","
		       "\"type\":3,\"code\":4,\"info\":1280,"
		       "\"data\":3735928559,\"offender\":\"203.0.113.2\","
		       "\"rfc4884\":128}");
	/* ICMPv6, the ends of the ranges, no offender, rfc4884 of 0. */
	e.origin = SO_EE_ORIGIN_ICMP6;
	e.type = 255;
	e.code = 255;
	e.info = UINT32_MAX;
	e.data = UINT32_MAX;
	e.rfc4884_len = 0;
	memset(&e.offender, 0, sizeof(e.offender));
	round_trip(&e, NULL);
	e.offender = ip("2001:db8:1::1");
	round_trip(&e, NULL);
	/* A local error has no errno-worthy ICMP: ee_errno 0 is null. */
	e = ev(EV_ERRQUEUE);
	strcpy(e.via, "errqueue");
	e.origin = SO_EE_ORIGIN_LOCAL;
	round_trip(&e, "{\"ev\":\"errqueue\",\"t\":0,\"via\":\"errqueue\","
		       "\"ee_errno\":null,\"origin\":\"local\",\"type\":0,"
		       "\"code\":0,\"info\":0,\"data\":0}");
}

static void test_round_trip_icmp(void **state)
{
	struct event e = ev(EV_ICMP);

	(void)state;
	e.t_ns = 5;
	strcpy(e.via, "raw");
	e.type = 3;
	e.code = 3;
	e.offender = ip("203.0.113.2");
	e.own = true;
	round_trip(&e, good_lines[4]);
	e.own = false;
	e.type = 1;
	e.code = 4;
	e.offender = ip("2001:db8:2::2");
	round_trip(&e, "{\"ev\":\"icmp\",\"t\":5,\"via\":\"raw\",\"type\":1,"
		       "\"code\":4,\"from\":\"2001:db8:2::2\","
		       "\"match\":\"other\"}");
}

static void test_round_trip_sync(void **state)
{
	struct event e = ev(EV_SYNC), back;
	char *line;

	(void)state;
	e.t_ns = 6;
	e.seq = 1;
	e.sent = true;
	round_trip(&e, good_lines[5]);
	e.sent = false;
	e.seq = UINT32_MAX;
	round_trip(&e, NULL);
	e.burst = 50;
	round_trip(&e, "{\"ev\":\"sync\",\"t\":6,\"seq\":4294967295,"
		       "\"sent\":false,\"burst\":50}");
	/* A burst of one is a single datagram: written as none, read as 0,
	 * which event.h defines to mean the same. */
	e.burst = 1;
	line = write_line(&e);
	assert_null(strstr(line, "burst"));
	parse_ok(line, &back);
	assert_int_equal(back.burst, 0);
	free(line);
}

/* Text is escaped on the way out and back: quotes, backslashes, control
 * characters, UTF-8. The line must stay a single line. */
static void test_round_trip_text(void **state)
{
	struct event e = ev(EV_NOTE);

	(void)state;
	e.t_ns = 7;
	strcpy(e.text, "hello");
	round_trip(&e, good_lines[6]);
	strcpy(e.text,
	       "a \"quoted\" \\path\\\nsecond line\ttab \xc3\xa9t\xc3\xa9");
	round_trip(&e, NULL);
	e.kind = EV_SKIP;
	e.t_ns = 8;
	strcpy(e.text, "no IPv6");
	round_trip(&e, good_lines[7]);
	e.text[0] = '\0';
	round_trip(&e, "{\"ev\":\"skip\",\"t\":8,\"text\":\"\"}");
}

/* Names and text exactly at their limit fit. */
static void test_round_trip_at_limits(void **state)
{
	struct event e = ev(EV_CALL);

	(void)state;
	memset(e.call, 'c', EV_NAME_MAX - 1);
	memset(e.via, 'v', EV_NAME_MAX - 1);
	e.ret = -1;
	e.err = EINTR;
	round_trip(&e, NULL);
	e = ev(EV_START);
	memset(e.text, 'p', EV_TEXT_MAX - 1);
	round_trip(&e, NULL);
}

static void test_good_lines_parse(void **state)
{
	struct event e;
	size_t i;

	(void)state;
	for (i = 0; good_lines[i]; i++) {
		parse_ok(good_lines[i], &e);
		assert_int_equal(e.kind, (int)(EV_START + i));
		assert_int_equal(e.t_ns, i + 1);
	}
	/* The field order does not matter, nor does space around tokens, nor
	 * a trailing newline left on the line. */
	parse_ok(" { \"t\" : 9 , \"ev\" : \"end\" }\n", &e);
	assert_int_equal(e.kind, EV_END);
	assert_int_equal(e.t_ns, 9);
	/* rfc4884 is -1 unless given. */
	parse_ok(good_lines[3], &e);
	assert_int_equal(e.rfc4884_len, -1);
	assert_int_equal(e.ee_errno, ECONNREFUSED);
	assert_int_equal(e.origin, SO_EE_ORIGIN_ICMP);
}

/* --- rejected input -------------------------------------------------- */

static void test_reject_not_json(void **state)
{
	(void)state;
	PARSE_FAILS("", "not JSON");
	PARSE_FAILS("hello", "not JSON");
	PARSE_FAILS("{\"ev\":\"end\",\"t\":1", "not JSON");
	PARSE_FAILS("{\"ev\":\"end\" \"t\":1}", "not JSON");
	PARSE_FAILS("{'ev':'end','t':1}", "not JSON");
	/* Invalid UTF-8 in a string. */
	PARSE_FAILS("{\"ev\":\"note\",\"t\":1,\"text\":\"\xff\xfe\"}",
		    "not JSON");
	/* An escaped NUL would end the C string early. */
	PARSE_FAILS("{\"ev\":\"note\",\"t\":1,\"text\":\"a\\u0000b\"}",
		    "not JSON");
	/* A time too large for a JSON integer in jansson. */
	PARSE_FAILS("{\"ev\":\"end\",\"t\":99999999999999999999}", "not JSON");
}

/* One line, one object: anything after it is an error, not ignored. */
static void test_reject_trailing_garbage(void **state)
{
	(void)state;
	PARSE_FAILS("{\"ev\":\"end\",\"t\":1}x", "not JSON");
	PARSE_FAILS("{\"ev\":\"end\",\"t\":1} {\"ev\":\"end\",\"t\":2}",
		    "not JSON");
	PARSE_FAILS("{\"ev\":\"end\",\"t\":1}}", "not JSON");
	parse_fails_at("{\"ev\":\"end\",\"t\":1}\0junk", 23, "not JSON",
		       __LINE__);
}

static void test_reject_not_object(void **state)
{
	(void)state;
	PARSE_FAILS("[{\"ev\":\"end\",\"t\":1}]", "expected a JSON object");
	PARSE_FAILS("[]", "expected a JSON object");
	/* Bare scalars are refused by the JSON reader already. */
	PARSE_FAILS("\"end\"", "not JSON");
	PARSE_FAILS("42", "not JSON");
	PARSE_FAILS("null", "not JSON");
}

static void test_reject_missing_or_bad_kind(void **state)
{
	(void)state;
	PARSE_FAILS("{}", "missing field 'ev'");
	PARSE_FAILS("{\"t\":1}", "missing field 'ev'");
	PARSE_FAILS("{\"ev\":null,\"t\":1}", "field 'ev': expected a string");
	PARSE_FAILS("{\"ev\":3,\"t\":1}", "field 'ev': expected a string");
	PARSE_FAILS("{\"ev\":\"bogus\",\"t\":1}", "unknown event kind 'bogus'");
	PARSE_FAILS("{\"ev\":\"END\",\"t\":1}", "unknown event kind 'END'");
	PARSE_FAILS("{\"ev\":\"\",\"t\":1}", "unknown event kind ''");
	PARSE_FAILS("{\"ev\":\"?\",\"t\":1}", "unknown event kind '?'");
}

/* Each required field of each kind, removed from an otherwise good line,
 * is named in the reason. */
static void test_reject_missing_required(void **state)
{
	size_t i, j;
	char want[64], *line;

	(void)state;
	for (i = 0; good_lines[i]; i++) {
		for (j = 0; required[i][j]; j++) {
			line = without(good_lines[i], required[i][j]);
			/* "sent" is checked as a boolean, so missing and
			 * wrong type give the same reason. */
			if (strcmp(required[i][j], "sent") == 0)
				snprintf(want, sizeof(want), "field 'sent'");
			else
				snprintf(want, sizeof(want),
					 "missing field '%s'", required[i][j]);
			parse_fails_at(line, strlen(line), want, __LINE__);
			free(line);
		}
	}
}

/* The optional fields of each kind may go. */
static void test_optional_fields_may_go(void **state)
{
	static const struct {
		size_t line;
		const char *key;
	} optional[] = {
		{1, "src"},	 {1, "dst"},  {2, "via"},
		{3, "offender"}, {4, "from"},
	};
	struct event e;
	char *line;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		line = without(good_lines[optional[i].line], optional[i].key);
		parse_ok(line, &e);
		free(line);
	}
	/* A call without via is observed as itself. */
	line = without(good_lines[2], "via");
	parse_ok(line, &e);
	assert_string_equal(e.via, "recvmsg");
	free(line);
	line = without(good_lines[1], "src");
	parse_ok(line, &e);
	assert_int_equal(e.src.family, 0);
	free(line);
}

static void test_reject_wrong_types(void **state)
{
	(void)state;
	PARSE_FAILS("{\"ev\":\"end\",\"t\":\"1\"}", "field 't'");
	PARSE_FAILS("{\"ev\":\"end\",\"t\":1.5}", "field 't'");
	PARSE_FAILS("{\"ev\":\"end\",\"t\":1e3}", "field 't'");
	PARSE_FAILS("{\"ev\":\"start\",\"t\":1,\"probe\":null}",
		    "field 'probe': expected a string");
	PARSE_FAILS("{\"ev\":\"note\",\"t\":1,\"text\":[\"a\"]}",
		    "field 'text': expected a string");
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":17,\"sport\":1,"
		    "\"dport\":2}",
		    "field 'proto': expected a string");
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":\"sctp\",\"sport\":1,"
		    "\"dport\":2}",
		    "unknown protocol 'sctp'");
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\","
		    "\"src\":3325256706,\"sport\":1,\"dport\":2}",
		    "field 'src': expected a string");
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\","
		    "\"sport\":\"40000\",\"dport\":2}",
		    "field 'sport': expected an integer");
	PARSE_FAILS("{\"ev\":\"call\",\"t\":3,\"call\":\"send\",\"ret\":false,"
		    "\"errno\":null}",
		    "field 'ret': expected an integer");
	PARSE_FAILS("{\"ev\":\"call\",\"t\":3,\"call\":\"send\",\"via\":7,"
		    "\"ret\":0,\"errno\":null}",
		    "field 'via': expected a string");
	PARSE_FAILS("{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\","
		    "\"ee_errno\":null,\"origin\":\"icmp\",\"type\":3.0,"
		    "\"code\":3,\"info\":0,\"data\":0}",
		    "field 'type': expected an integer");
	PARSE_FAILS("{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\","
		    "\"ee_errno\":null,\"origin\":\"carrier-pigeon\","
		    "\"type\":3,\"code\":3,\"info\":0,\"data\":0}",
		    "unknown origin 'carrier-pigeon'");
	PARSE_FAILS("{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\","
		    "\"ee_errno\":null,\"origin\":2,"
		    "\"type\":3,\"code\":3,\"info\":0,\"data\":0}",
		    "field 'origin': expected a string");
	PARSE_FAILS("{\"ev\":\"icmp\",\"t\":5,\"via\":\"raw\",\"type\":3,"
		    "\"code\":3,\"match\":\"mine\"}",
		    "field 'match': expected own or other");
	PARSE_FAILS("{\"ev\":\"icmp\",\"t\":5,\"via\":\"raw\",\"type\":3,"
		    "\"code\":3,\"match\":true}",
		    "field 'match': expected a string");
	PARSE_FAILS("{\"ev\":\"exit\",\"t\":6,\"status\":256}", "status");
	PARSE_FAILS("{\"ev\":\"sync\",\"t\":6,\"seq\":1,\"sent\":\"yes\"}",
		    "field 'sent': expected a boolean");
	PARSE_FAILS("{\"ev\":\"sync\",\"t\":6,\"seq\":1,\"sent\":1}",
		    "field 'sent': expected a boolean");
	PARSE_FAILS("{\"ev\":\"sync\",\"t\":6,\"seq\":\"1\",\"sent\":true}",
		    "field 'seq': expected an integer");
}

static void test_reject_out_of_range(void **state)
{
	(void)state;
	PARSE_FAILS("{\"ev\":\"end\",\"t\":-1}", "field 't'");
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\","
		    "\"sport\":70000,\"dport\":2}",
		    "field 'sport': expected an integer 0..65535");
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\","
		    "\"sport\":1,\"dport\":-1}",
		    "field 'dport': expected an integer 0..65535");
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\","
		    "\"sport\":1,\"dport\":65536}",
		    "field 'dport'");
	PARSE_FAILS("{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\","
		    "\"ee_errno\":null,\"origin\":\"icmp\",\"type\":256,"
		    "\"code\":3,\"info\":0,\"data\":0}",
		    "field 'type': expected an integer 0..255");
	PARSE_FAILS("{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\","
		    "\"ee_errno\":null,\"origin\":\"icmp\",\"type\":3,"
		    "\"code\":-1,\"info\":0,\"data\":0}",
		    "field 'code': expected an integer 0..255");
	PARSE_FAILS("{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\","
		    "\"ee_errno\":null,\"origin\":\"icmp\",\"type\":3,"
		    "\"code\":3,\"info\":4294967296,\"data\":0}",
		    "field 'info'");
	PARSE_FAILS("{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\","
		    "\"ee_errno\":null,\"origin\":\"icmp\",\"type\":3,"
		    "\"code\":3,\"info\":0,\"data\":-1}",
		    "field 'data'");
	PARSE_FAILS("{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\","
		    "\"ee_errno\":null,\"origin\":\"icmp\",\"type\":3,"
		    "\"code\":3,\"info\":0,\"data\":0,\"rfc4884\":65536}",
		    "field 'rfc4884'");
	PARSE_FAILS("{\"ev\":\"icmp\",\"t\":5,\"via\":\"raw\",\"type\":256,"
		    "\"code\":3,\"match\":\"own\"}",
		    "field 'type': expected an integer 0..255");
	PARSE_FAILS("{\"ev\":\"sync\",\"t\":6,\"seq\":4294967296,"
		    "\"sent\":true}",
		    "field 'seq'");
	PARSE_FAILS("{\"ev\":\"sync\",\"t\":6,\"seq\":1,\"sent\":true,"
		    "\"burst\":100001}",
		    "field 'burst'");
}

/* inet_pton only: no names, no "1.2.3" shorthand, no empty string. */
static void test_reject_bad_address(void **state)
{
	(void)state;
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\","
		    "\"src\":\"198.51.100.256\",\"sport\":1,\"dport\":2}",
		    "field 'src': '198.51.100.256' is not an address");
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\","
		    "\"dst\":\"server.example\",\"sport\":1,\"dport\":2}",
		    "field 'dst': 'server.example' is not an address");
	PARSE_FAILS("{\"ev\":\"errqueue\",\"t\":4,\"via\":\"errqueue\","
		    "\"ee_errno\":null,\"origin\":\"icmp\",\"type\":3,"
		    "\"code\":3,\"info\":0,\"data\":0,\"offender\":\"1.2.3\"}",
		    "field 'offender'");
	PARSE_FAILS("{\"ev\":\"icmp\",\"t\":5,\"via\":\"raw\",\"type\":3,"
		    "\"code\":3,\"from\":\"2001:db8::g\",\"match\":\"own\"}",
		    "field 'from'");
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\","
		    "\"src\":\"\",\"sport\":1,\"dport\":2}",
		    "field 'src': '' is not an address");
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\","
		    "\"src\":\" 198.51.100.2\",\"sport\":1,\"dport\":2}",
		    "field 'src'");
	/* Longer than any address text: refused before parsing. */
	PARSE_FAILS("{\"ev\":\"flow\",\"t\":2,\"proto\":\"udp\",\"src\":"
		    "\"2001:0db8:0000:0000:0000:0000:0000:0002%eth0-extra\","
		    "\"sport\":1,\"dport\":2}",
		    "field 'src'");
}

static void test_reject_duplicate_keys(void **state)
{
	(void)state;
	PARSE_FAILS("{\"ev\":\"end\",\"ev\":\"end\",\"t\":1}", "duplicate");
	PARSE_FAILS("{\"ev\":\"end\",\"t\":1,\"t\":2}", "duplicate");
	PARSE_FAILS("{\"ev\":\"icmp\",\"t\":5,\"via\":\"raw\",\"type\":3,"
		    "\"code\":3,\"match\":\"other\",\"match\":\"own\"}",
		    "duplicate");
}

/* Strings that do not fit the fixed buffers of struct event are refused,
 * not cut: a cut name could turn into another one. The limits count
 * bytes, not characters. */
static void test_reject_overlong(void **state)
{
	char line[1024], name[64], text[EV_TEXT_MAX + 8];
	size_t i;

	(void)state;
	memset(name, 'c', EV_NAME_MAX);
	name[EV_NAME_MAX] = '\0';
	snprintf(line, sizeof(line),
		 "{\"ev\":\"call\",\"t\":3,\"call\":\"%s\",\"ret\":0,"
		 "\"errno\":null}",
		 name);
	PARSE_FAILS(line, "field 'call': longer than 31 bytes");
	snprintf(line, sizeof(line),
		 "{\"ev\":\"call\",\"t\":3,\"call\":\"send\",\"via\":\"%s\","
		 "\"ret\":0,\"errno\":null}",
		 name);
	PARSE_FAILS(line, "field 'via': longer than 31 bytes");
	snprintf(line, sizeof(line),
		 "{\"ev\":\"errqueue\",\"t\":4,\"via\":\"%s\","
		 "\"ee_errno\":null,\"origin\":\"icmp\",\"type\":3,"
		 "\"code\":3,\"info\":0,\"data\":0}",
		 name);
	PARSE_FAILS(line, "field 'via'");
	snprintf(line, sizeof(line), "{\"ev\":\"%s\",\"t\":1}", name);
	PARSE_FAILS(line, "field 'ev': longer than 31 bytes");

	memset(text, 't', EV_TEXT_MAX);
	text[EV_TEXT_MAX] = '\0';
	snprintf(line, sizeof(line),
		 "{\"ev\":\"note\",\"t\":7,\"text\":\"%s\"}", text);
	PARSE_FAILS(line, "field 'text': longer than 255 bytes");
	snprintf(line, sizeof(line),
		 "{\"ev\":\"start\",\"t\":1,\"probe\":\"%s\"}", text);
	PARSE_FAILS(line, "field 'probe': longer than 255 bytes");
	/* 128 two-byte characters: 128 characters, 256 bytes. */
	for (i = 0; i < 128; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);
	text[256] = '\0';
	snprintf(line, sizeof(line),
		 "{\"ev\":\"skip\",\"t\":8,\"text\":\"%s\"}", text);
	PARSE_FAILS(line, "field 'text': longer than 255 bytes");
}

/* The line need not end in NUL: len is the whole truth, in both
 * directions. */
static void test_len_not_nul_terminated(void **state)
{
	const char *good = good_lines[3];
	size_t n = strlen(good);
	char *exact = malloc(n), *longer;
	struct event e;
	char err[256];

	(void)state;
	/* An exact-size heap copy: a read past len is a heap overflow, which
	 * a SANITIZE=address build reports. */
	assert_non_null(exact);
	memcpy(exact, good, n);
	assert_int_equal(event_parse(exact, n, &e, err, sizeof(err)), 0);
	assert_int_equal(e.kind, EV_ERRQUEUE);
	assert_int_equal(e.code, 3);
	/* Cut inside the object: not JSON, whatever follows in memory. */
	parse_fails_at(exact, n - 1, "not JSON", __LINE__);
	free(exact);
	/* What follows len is not looked at, even when it would make a
	 * different (or invalid) event. */
	longer = malloc(n + 16);
	assert_non_null(longer);
	memcpy(longer, "{\"ev\":\"end\",\"t\":1}garbage!!", 27);
	assert_int_equal(event_parse(longer, 18, &e, err, sizeof(err)), 0);
	assert_int_equal(e.kind, EV_END);
	memcpy(longer, "{\"ev\":\"note\",\"t\":1,\"text\":\"abcdef\"}", 35);
	parse_fails_at(longer, 30, "not JSON", __LINE__);
	free(longer);
}

/* The reason fits whatever room the caller gives, NUL included. */
static void test_reason_fits_errlen(void **state)
{
	struct event e;
	char err[8];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(event_parse("{\"ev\":\"bogus\",\"t\":1}", 20, &e, err,
				     sizeof(err)),
			 -1);
	assert_string_equal(err, "unknown");
	memset(err, 'x', sizeof(err));
	assert_int_equal(event_parse("nope", 4, &e, err, 1), -1);
	assert_int_equal(err[0], '\0');
	assert_int_equal(err[1], 'x');
}

/* --- writing --------------------------------------------------------- */

/* A stream that refuses writes: event_write says so instead of claiming
 * the line went out. */
static void test_write_error(void **state)
{
	struct event e = ev(EV_END);
	FILE *f = fopen("/dev/null", "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(event_write(f, &e), -1);
	fclose(f);
}

static void test_kind_names(void **state)
{
	static const char *const names[] = {"start", "flow", "call", "errqueue",
					    "icmp",  "sync", "note", "skip",
					    "end",   "exit"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(
			event_kind_name((enum ev_kind)(EV_START + i)),
			names[i]);
	assert_string_equal(event_kind_name((enum ev_kind)0), "?");
	assert_string_equal(event_kind_name((enum ev_kind)(EV_EXIT + 1)), "?");
}

static void test_now_is_monotonic(void **state)
{
	uint64_t a, b;

	(void)state;
	a = event_now_ns();
	b = event_now_ns();
	assert_true(a > 0);
	assert_true(b >= a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_start_end),
		cmocka_unit_test(test_round_trip_flow),
		cmocka_unit_test(test_round_trip_call),
		cmocka_unit_test(test_errno_names_both_ways),
		cmocka_unit_test(test_round_trip_errqueue),
		cmocka_unit_test(test_round_trip_icmp),
		cmocka_unit_test(test_round_trip_sync),
		cmocka_unit_test(test_round_trip_text),
		cmocka_unit_test(test_round_trip_at_limits),
		cmocka_unit_test(test_good_lines_parse),
		cmocka_unit_test(test_reject_not_json),
		cmocka_unit_test(test_reject_trailing_garbage),
		cmocka_unit_test(test_reject_not_object),
		cmocka_unit_test(test_reject_missing_or_bad_kind),
		cmocka_unit_test(test_reject_missing_required),
		cmocka_unit_test(test_optional_fields_may_go),
		cmocka_unit_test(test_reject_wrong_types),
		cmocka_unit_test(test_reject_out_of_range),
		cmocka_unit_test(test_reject_bad_address),
		cmocka_unit_test(test_reject_duplicate_keys),
		cmocka_unit_test(test_reject_overlong),
		cmocka_unit_test(test_len_not_nul_terminated),
		cmocka_unit_test(test_reason_fits_errlen),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_now_is_monotonic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
