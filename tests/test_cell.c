/* The results document's cells and cases, written from typed records: the
 * exact JSON, field by field and in order (docs/results.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/errqueue.h>

#include "casefile.h"
#include "cell.h"
#include "verdict.h"

static void assert_json(json_t *j, const char *want)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
	json_decref(j);
}

static struct ipaddr ip(const char *s)
{
	struct ipaddr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

/* A case as the parser leaves it, by hand: only what the writer reads. */
static struct case_def kase;

static int setup(void **state)
{
	(void)state;
	memset(&kase, 0, sizeof(kase));
	snprintf(kase.name, sizeof(kase.name), "port_unreachable");
	snprintf(kase.group, sizeof(kase.group), "core");
	snprintf(kase.title, sizeof(kase.title), "Port unreachable");
	snprintf(kase.path, sizeof(kase.path), "cases/v4/core.case");
	kase.family = AF_INET;
	snprintf(kase.fault, sizeof(kase.fault), "port");
	snprintf(kase.why, sizeof(kase.why), "RFC 1122 4.1.3.1");
	snprintf(kase.refs[0], sizeof(kase.refs[0]), "udp(7)");
	kase.nrefs = 1;
	kase.nprobes = 2;
	snprintf(kase.probes[0], sizeof(kase.probes[0]), "udp-connected");
	snprintf(kase.probes[1], sizeof(kase.probes[1]), "cmd");
	return 0;
}

static void test_observations(void **state)
{
	struct observation call = {.kind = OBS_CALL,
				   .via = "recv",
				   .call = "recv",
				   .err = ECONNREFUSED};
	struct observation eq = {.kind = OBS_ERRQUEUE,
				 .via = "errqueue",
				 .call = "recvmsg",
				 .err = EMSGSIZE,
				 .origin = SO_EE_ORIGIN_ICMP,
				 .type = 3,
				 .code = 4,
				 .info = 1400,
				 .from = ip("198.51.100.1")};
	struct observation pkt = {.kind = OBS_PACKET,
				  .via = "raw",
				  .call = "recvmsg",
				  .err = OBS_NO_ERRNO,
				  .origin = SO_EE_ORIGIN_ICMP,
				  .type = 3,
				  .code = 3,
				  .from = ip("203.0.113.2")};
	struct observation ex = {
		.kind = OBS_EXIT, .via = "exit", .call = "waitpid", .err = 0};

	(void)state;
	assert_json(observation_json(&call),
		    "{\"via\":\"recv\",\"call\":\"recv\","
		    "\"errno\":\"ECONNREFUSED\"}");
	assert_json(observation_json(&eq),
		    "{\"via\":\"errqueue\",\"call\":\"recvmsg\","
		    "\"errno\":\"EMSGSIZE\",\"origin\":\"icmp\",\"type\":3,"
		    "\"code\":4,\"info\":1400,\"offender\":\"198.51.100.1\"}");
	/* No errno is null; an errno without a name is its number. */
	eq.err = OBS_NO_ERRNO;
	eq.from.family = 0;
	eq.origin = SO_EE_ORIGIN_LOCAL;
	assert_json(observation_json(&eq),
		    "{\"via\":\"errqueue\",\"call\":\"recvmsg\","
		    "\"errno\":null,\"origin\":\"local\",\"type\":3,"
		    "\"code\":4,\"info\":1400}");
	call.err = 4000;
	assert_json(observation_json(&call),
		    "{\"via\":\"recv\",\"call\":\"recv\",\"errno\":4000}");
	assert_json(observation_json(&pkt),
		    "{\"via\":\"raw\",\"call\":\"recvmsg\",\"errno\":null,"
		    "\"origin\":\"icmp\",\"type\":3,\"code\":3,"
		    "\"from\":\"203.0.113.2\"}");
	/* An exit status is a number even when 0. */
	assert_json(observation_json(&ex),
		    "{\"via\":\"exit\",\"call\":\"waitpid\",\"errno\":0}");
}

/* suite.c's cell for a case that could not run: identity, verdict,
 * reason, and nothing that only a run can know. */
static void test_error_cell(void **state)
{
	struct cell c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.c = &kase;
	c.probe = "udp-connected";
	c.verdict = VERDICT_ERROR;
	snprintf(c.reason, sizeof(c.reason), "case could not run: boom");
	assert_json(cell_json(&c),
		    "{\"case\":\"port_unreachable\",\"family\":\"ipv4\","
		    "\"fault\":\"port\",\"probe\":\"udp-connected\","
		    "\"wire\":[],\"surfaced\":[],\"expected\":null,"
		    "\"verdict\":\"error\","
		    "\"reason\":\"case could not run: boom\"}");
}

/* A cell that ran: every field in the document's order. */
static void test_full_cell(void **state)
{
	static struct case_def parsed;
	static const char *const faults[] = {"port", NULL};
	static const char *const probes[] = {"udp-connected", NULL};
	const struct case_vocab v = {faults, probes, NULL, NULL, NULL};
	const char text[] = "title t\nfamily ipv4\nfault port\n"
			    "probes udp-connected\nwhy because\n"
			    "ref udp(7)\nclaim RFC 1122 4.1.3.3: the RFC says so\n"
			    "expect udp-connected recv:ECONNREFUSED\n"
			    "claim-expect udp-connected recv:ECONNREFUSED\n"
			    "explain udp-connected connected: it hears\n";
	struct wire_error w = {.t_ns = 1500000 + 1000000000,
			       .family = AF_INET,
			       .type = 3,
			       .code = 3,
			       .from = ip("203.0.113.2"),
			       .parse = "ok"};
	struct observation s = {.kind = OBS_CALL,
				.via = "recv",
				.call = "recv",
				.err = ECONNREFUSED};
	struct event ev = {.kind = EV_CALL,
			   .t_ns = 2000000 + 1000000000,
			   .call = "recv",
			   .via = "recv",
			   .ret = -1,
			   .err = ECONNREFUSED,
			   .rfc4884_len = -1};
	struct cell c;
	char err[256];

	(void)state;
	if (case_parse_buf("cases/t.case", text, strlen(text), &v, &parsed, err,
			   sizeof(err)) != 0)
		fail_msg("%s", err);
	memset(&c, 0, sizeof(c));
	c.c = &parsed;
	c.probe = "udp-connected";
	c.ran = true;
	c.datagrams = 1;
	c.wire = &w;
	c.nwire = 1;
	c.surfaced = &s;
	c.nsurfaced = 1;
	c.events = &ev;
	c.nevents = 1;
	c.t0 = 1000000000;
	c.helper_error = c.skip = c.protocol_error = c.errtext = "";
	c.expect = case_expect_for(&parsed, "udp-connected", 6018);
	c.claim = case_claim_for(&parsed, "udp-connected", 6018);
	c.explain = case_explain_for(&parsed, "udp-connected");
	c.kver = 6018;
	verdict_decide(&c);
	assert_json(cell_json(&c),
		    "{\"case\":\"t\",\"family\":\"ipv4\",\"fault\":\"port\","
		    "\"probe\":\"udp-connected\",\"datagrams\":1,"
		    "\"wire\":[{\"t_ms\":1.5,\"type\":3,\"code\":3,"
		    "\"name\":\"port unreachable\",\"from\":\"203.0.113.2\","
		    "\"parse\":\"ok\"}],"
		    "\"surfaced\":[{\"via\":\"recv\",\"call\":\"recv\","
		    "\"errno\":\"ECONNREFUSED\"}],"
		    "\"expected\":[\"recv:ECONNREFUSED\"],\"verdict\":\"pass\","
		    "\"unsurfaced\":false,\"why\":\"because\","
		    "\"explain\":\"connected: it hears\",\"refs\":[\"udp(7)\"],"
		    "\"claim\":{\"text\":\"RFC 1122 4.1.3.3: the RFC says so\","
		    "\"predicts\":[\"recv:ECONNREFUSED\"],\"holds\":true},"
		    "\"events\":[{\"ev\":\"call\",\"call\":\"recv\",\"ret\":-1,"
		    "\"errno\":\"ECONNREFUSED\",\"t_ms\":2.0}]}");

	/* A failed cell: a reason, no claim; a command adds its own. */
	c.nsurfaced = 0;
	c.nevents = 0;
	c.is_cmd = true;
	c.status = 1 << 8;
	c.command = "nc -u 203.0.113.2 33434";
	c.output = "hi\n";
	c.duration_ms = 12.5;
	c.errtext = "nc: refused\n";
	c.expect = NULL;
	verdict_decide(&c);
	assert_json(
		cell_json(&c),
		"{\"case\":\"t\",\"family\":\"ipv4\",\"fault\":\"port\","
		"\"probe\":\"udp-connected\",\"datagrams\":1,"
		"\"wire\":[{\"t_ms\":1.5,\"type\":3,\"code\":3,"
		"\"name\":\"port unreachable\",\"from\":\"203.0.113.2\","
		"\"parse\":\"ok\"}],"
		"\"surfaced\":[],\"expected\":null,\"verdict\":\"info\","
		"\"unsurfaced\":false,"
		"\"reason\":\"no expectation for this command: reported, not "
		"judged\","
		"\"why\":\"because\",\"explain\":\"connected: it hears\","
		"\"refs\":[\"udp(7)\"],\"events\":[],"
		"\"command\":\"nc -u 203.0.113.2 33434\",\"stdout\":\"hi\\n\","
		"\"duration_ms\":12.5,\"stderr\":\"nc: refused\\n\"}");
}

static void test_case_record(void **state)
{
	struct wire_packet p[2] = {
		{.t_ns = 3000000,
		 .len = 74,
		 .cls = WIRE_OUT,
		 .src = ip("198.51.100.2"),
		 .dst = ip("203.0.113.2"),
		 .df = true,
		 .parse = "ok",
		 .probe = "udp-connected"},
		{.t_ns = 500000,
		 .len = 42,
		 .cls = WIRE_OTHER,
		 .parse = "unsupported: ARP"},
	};
	struct helper_note h[2] = {{.name = "forger", .error = ""},
				   {.name = "listener", .error = "boom"}};
	struct case_record r = {.c = &kase,
				.pcap = "out/port_unreachable.pcap",
				.dst = ip("203.0.113.2"),
				.dport = 33434,
				.ttl = 1,
				.quiet_ms = 100,
				.packets = p,
				.npackets = 2,
				.helpers = h,
				.nhelpers = 2,
				.t0 = 1000000,
				.t_end = 11000000};

	(void)state;
	kase.nparams = 1;
	snprintf(kase.params[0].key, sizeof(kase.params[0].key), "ttl");
	snprintf(kase.params[0].val, sizeof(kase.params[0].val), "1");
	assert_json(
		case_record_json(&r),
		"{\"name\":\"port_unreachable\",\"group\":\"core\","
		"\"title\":\"Port unreachable\","
		"\"file\":\"cases/v4/core.case\",\"family\":\"ipv4\","
		"\"fault\":\"port\",\"params\":{\"ttl\":\"1\"},"
		"\"dst\":\"203.0.113.2\",\"dport\":33434,\"ttl\":1,"
		"\"why\":\"RFC 1122 4.1.3.1\",\"quiet_ms\":100,"
		"\"pcap\":\"out/port_unreachable.pcap\","
		"\"packets\":[{\"t_ms\":2.0,\"len\":74,\"class\":\"datagram\","
		"\"src\":\"198.51.100.2\",\"dst\":\"203.0.113.2\","
		"\"df\":true,"
		"\"parse\":\"ok\",\"probe\":\"udp-connected\"},"
		"{\"t_ms\":0.0,\"len\":42,\"class\":\"other\","
		"\"parse\":\"unsupported: ARP\"}],"
		"\"capture_drops\":0,"
		"\"helpers\":[{\"name\":\"forger\"},"
		"{\"name\":\"listener\",\"error\":\"boom\"}],"
		"\"duration_ms\":10.0,\"fences\":0,\"silence_unproven\":0}");
	/* A case that could not run says only which and why. */
	r.error = "case could not run: no netns";
	assert_json(case_record_json(&r),
		    "{\"name\":\"port_unreachable\",\"group\":\"core\","
		    "\"title\":\"Port unreachable\","
		    "\"error\":\"case could not run: no netns\"}");
}

static void test_expect_json(void **state)
{
	static struct case_def parsed;
	static const char *const faults[] = {"f", NULL};
	static const char *const probes[] = {"p", NULL};
	const struct case_vocab v = {faults, probes, NULL, NULL, NULL};
	const char text[] = "title t\nfamily ipv4\nfault f\nprobes p\n"
			    "why w\nexpect p recv:ECONNREFUSED "
			    "errqueue:EHOSTUNREACH/icmp/11/0 exit:2 "
			    "raw:-/icmp/3/3\n";
	const char none[] = "title t\nfamily ipv4\nfault f\nprobes p\n"
			    "why w\nexpect p none\n";
	char err[256];

	(void)state;
	assert_json(expect_json(NULL), "null");
	if (case_parse_buf("t.case", text, strlen(text), &v, &parsed, err,
			   sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_json(expect_json(&parsed.expects[0]),
		    "[\"recv:ECONNREFUSED\","
		    "\"errqueue:EHOSTUNREACH/icmp/11/0\","
		    "\"exit:2\",\"raw:-/icmp/3/3\"]");
	if (case_parse_buf("t.case", none, strlen(none), &v, &parsed, err,
			   sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_json(expect_json(&parsed.expects[0]), "[]");
}

static void test_verdict_names(void **state)
{
	(void)state;
	assert_string_equal(verdict_name(VERDICT_PASS), "pass");
	assert_string_equal(verdict_name(VERDICT_FAIL), "fail");
	assert_string_equal(verdict_name(VERDICT_SKIP), "skip");
	assert_string_equal(verdict_name(VERDICT_ERROR), "error");
	assert_string_equal(verdict_name(VERDICT_INFO), "info");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_observations, setup),
		cmocka_unit_test_setup(test_error_cell, setup),
		cmocka_unit_test_setup(test_full_cell, setup),
		cmocka_unit_test_setup(test_case_record, setup),
		cmocka_unit_test_setup(test_expect_json, setup),
		cmocka_unit_test_setup(test_verdict_names, setup),
	};

	return cmocka_run_group_tests_name("cell", tests, NULL, NULL);
}
