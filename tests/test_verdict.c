/* Cell verdicts: typed observations against expected items, in order, and
 * the precedence of what can be known over what was seen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <linux/errqueue.h>

#include "casefile.h"
#include "cell.h"
#include "names.h"
#include "observe.h"
#include "verdict.h"

/* An expectation from tokens, the way a case file's expect line says it. */
static struct case_expect expect(const char *const *tokens)
{
	struct case_expect e;
	char text[1024] = "title t\nfamily ipv4\nfault f\nprobes p\nwhy w\n"
			  "expect p";
	static const char *const faults[] = {"f", NULL};
	static const char *const probes[] = {"p", NULL};
	const struct case_vocab v = {faults, probes, NULL, NULL, NULL};
	static struct case_def c;
	char err[256];
	int i;

	for (i = 0; tokens[i]; i++) {
		strcat(text, " ");
		strcat(text, tokens[i]);
	}
	strcat(text, "\n");
	if (case_parse_buf("t.case", text, strlen(text), &v, &c, err,
			   sizeof(err)) != 0)
		fail_msg("%s", err);
	e = c.expects[0];
	return e;
}

/* Observations as observe.c makes them. */
static struct observation call(const char *via, int err)
{
	struct observation o = {.kind = OBS_CALL, .err = err};

	snprintf(o.via, sizeof(o.via), "%s", via);
	snprintf(o.call, sizeof(o.call), "%s", via);
	return o;
}

static struct observation errq(int err, int origin, int type, int code)
{
	struct observation o = {.kind = OBS_ERRQUEUE,
				.err = err,
				.origin = origin,
				.type = type,
				.code = code};

	snprintf(o.via, sizeof(o.via), "errqueue");
	snprintf(o.call, sizeof(o.call), "recvmsg");
	return o;
}

static struct observation packet(int type, int code)
{
	struct observation o = {.kind = OBS_PACKET,
				.err = OBS_NO_ERRNO,
				.origin = SO_EE_ORIGIN_ICMP,
				.type = type,
				.code = code};

	snprintf(o.via, sizeof(o.via), "raw");
	snprintf(o.call, sizeof(o.call), "recvmsg");
	return o;
}

static struct observation exited(int status)
{
	struct observation o = {.kind = OBS_EXIT, .err = status};

	snprintf(o.via, sizeof(o.via), "exit");
	snprintf(o.call, sizeof(o.call), "waitpid");
	return o;
}

static void check(const char *const *tokens, const struct observation *obs,
		  size_t n, enum verdict want)
{
	struct case_expect e = expect(tokens);

	assert_string_equal(verdict_name(verdict_compare(obs, n, &e)),
			    verdict_name(want));
}

static void test_none(void **state)
{
	static const char *const none[] = {"none", NULL};
	struct observation o[] = {call("recv", ECONNREFUSED)};

	(void)state;
	check(none, NULL, 0, VERDICT_PASS);
	check(none, o, 1, VERDICT_FAIL);
}

static void test_errno_and_via(void **state)
{
	static const char *const t[] = {"recv:ECONNREFUSED", NULL};
	struct observation ok[] = {call("recv", ECONNREFUSED)};
	struct observation other[] = {call("recv", EHOSTUNREACH)};
	struct observation send[] = {call("send", ECONNREFUSED)};
	struct observation more[] = {call("recv", ECONNREFUSED),
				     call("send", ECONNREFUSED)};

	(void)state;
	check(t, ok, 1, VERDICT_PASS);
	check(t, other, 1, VERDICT_FAIL);
	check(t, send, 1, VERDICT_FAIL);
	check(t, NULL, 0, VERDICT_FAIL);
	/* One more than expected is a difference too. */
	check(t, more, 2, VERDICT_FAIL);
}

/* Order matters: a sweep whose errnos came back swapped fails; so does
 * a repeated item that came back once. */
static void test_order(void **state)
{
	static const char *const t[] = {"so_error:EMSGSIZE",
					"so_error:ECONNREFUSED", NULL};
	static const char *const twice[] = {"recv:EIO", "recv:EIO", NULL};
	struct observation in_order[] = {call("so_error", EMSGSIZE),
					 call("so_error", ECONNREFUSED)};
	struct observation swapped[] = {call("so_error", ECONNREFUSED),
					call("so_error", EMSGSIZE)};
	struct observation eio2[] = {call("recv", EIO), call("recv", EIO)};
	struct observation eio_pipe[] = {call("recv", EIO),
					 call("recv", EPIPE)};

	(void)state;
	check(t, in_order, 2, VERDICT_PASS);
	check(t, swapped, 2, VERDICT_FAIL);
	check(twice, eio2, 2, VERDICT_PASS);
	check(twice, eio_pipe, 2, VERDICT_FAIL);
	check(twice, eio2, 1, VERDICT_FAIL);
}

static void test_errqueue_fields(void **state)
{
	static const char *const t[] = {"errqueue:EHOSTUNREACH/icmp/11/0",
					NULL};
	struct observation ok[] = {
		errq(EHOSTUNREACH, SO_EE_ORIGIN_ICMP, 11, 0)};
	struct observation code[] = {
		errq(EHOSTUNREACH, SO_EE_ORIGIN_ICMP, 11, 1)};
	struct observation local[] = {
		errq(EHOSTUNREACH, SO_EE_ORIGIN_LOCAL, 11, 0)};
	struct observation plain[] = {call("errqueue", EHOSTUNREACH)};

	(void)state;
	check(t, ok, 1, VERDICT_PASS);
	check(t, code, 1, VERDICT_FAIL);
	check(t, local, 1, VERDICT_FAIL);
	/* A call carries no origin: it cannot match an item that names
	 * one, even with type and code 0 = whatever. */
	plain[0].type = 11;
	check(t, plain, 1, VERDICT_FAIL);
}

/* A general item (no type/code) and a specific one, each judged at its
 * place. */
static void test_general_and_specific(void **state)
{
	static const char *const t[] = {"errqueue:EMSGSIZE",
					"errqueue:EMSGSIZE/icmp/3/4", NULL};
	struct observation ok[] = {errq(EMSGSIZE, SO_EE_ORIGIN_LOCAL, 0, 0),
				   errq(EMSGSIZE, SO_EE_ORIGIN_ICMP, 3, 4)};
	struct observation swapped[] = {
		errq(EMSGSIZE, SO_EE_ORIGIN_ICMP, 3, 4),
		errq(EMSGSIZE, SO_EE_ORIGIN_LOCAL, 0, 0)};

	(void)state;
	check(t, ok, 2, VERDICT_PASS);
	check(t, swapped, 2, VERDICT_FAIL);
}

/* '-' for a raw packet (no errno), numbers for exit statuses; an errno
 * field that was 0 is no errno too. */
static void test_raw_and_exit(void **state)
{
	static const char *const raw[] = {"raw:-/icmp/3/3", NULL};
	static const char *const exit1[] = {"exit:1", NULL};
	static const char *const none_errno[] = {"errqueue:-", NULL};
	struct observation pkt[] = {packet(3, 3)};
	struct observation pkt_errno[] = {packet(3, 3)};
	struct observation one[] = {exited(1)};
	struct observation zero[] = {exited(0)};
	struct observation eq0[] = {
		errq(OBS_NO_ERRNO, SO_EE_ORIGIN_LOCAL, 0, 0)};

	(void)state;
	pkt_errno[0].err = ECONNREFUSED;
	check(raw, pkt, 1, VERDICT_PASS);
	check(raw, pkt_errno, 1, VERDICT_FAIL);
	check(exit1, one, 1, VERDICT_PASS);
	check(exit1, zero, 1, VERDICT_FAIL);
	check(none_errno, eq0, 1, VERDICT_PASS);
}

static void test_no_expectation(void **state)
{
	(void)state;
	assert_int_equal(verdict_compare(NULL, 0, NULL), VERDICT_FAIL);
}

/* --- precedence over typed cells -------------------------------------- */

static struct case_def the_case;
static struct case_expect refused;
static struct observation refused_obs[] = {
	{.kind = OBS_CALL, .via = "recv", .call = "recv", .err = ECONNREFUSED}};

/* A cell that ran cleanly and surfaced what was expected: it passes.
 * Each test spoils one thing. */
static struct cell clean(void)
{
	static const char *const t[] = {"recv:ECONNREFUSED", NULL};
	struct cell c;

	refused = expect(t);
	memset(&c, 0, sizeof(c));
	c.c = &the_case;
	c.probe = "p";
	c.ran = true;
	c.surfaced = refused_obs;
	c.nsurfaced = 1;
	c.helper_error = c.skip = c.protocol_error = c.errtext = "";
	c.status = 0; /* exited 0 */
	c.expect = &refused;
	c.kver = 6018;
	return c;
}

static void decide(struct cell *c, enum verdict want, const char *reason)
{
	verdict_decide(c);
	assert_string_equal(verdict_name(c->verdict), verdict_name(want));
	assert_string_equal(c->reason, reason);
}

static void test_precedence_clean(void **state)
{
	struct cell c = clean();

	(void)state;
	decide(&c, VERDICT_PASS, "");
	c.nsurfaced = 0;
	decide(&c, VERDICT_FAIL, "");
}

/* Each rung outranks every rung below it: spoil two things at once and the
 * higher one decides. */
static void test_precedence_order(void **state)
{
	struct cell c = clean();

	(void)state;
	c.drops = 3;
	c.helper_error = "forger: sendto: EPERM";
	c.skip = "IPv6 is disabled";
	c.protocol_error = "bad event line: not JSON";
	c.status = 1 << 8; /* exited 1 */
	decide(&c, VERDICT_ERROR,
	       "the capture dropped 3 packets: the wire is not known");
	c.drops = 0;
	decide(&c, VERDICT_ERROR,
	       "a fault helper failed: forger: sendto: EPERM");
	c.helper_error = "";
	decide(&c, VERDICT_SKIP, "IPv6 is disabled");
	c.skip = "";
	decide(&c, VERDICT_ERROR, "bad event line: not JSON");
	c.protocol_error = "";
	decide(&c, VERDICT_ERROR, "probe exited with an error: no message");
	c.errtext = "socket: EPERM\n";
	decide(&c, VERDICT_ERROR,
	       "probe exited with an error: socket: EPERM\n");
	c.status = SIGKILL; /* killed */
	decide(&c, VERDICT_ERROR, "probe was killed: socket: EPERM\n");
	c.status = 0;
	decide(&c, VERDICT_PASS, "");
}

/* The helper rule makes every cell of the case an error, whatever it
 * surfaced, even a skip or a command. */
static void test_helper_error_beats_all(void **state)
{
	struct cell c = clean();

	(void)state;
	c.helper_error = "listener: accept: EMFILE";
	c.is_cmd = true;
	c.skip = "no";
	decide(&c, VERDICT_ERROR,
	       "a fault helper failed: listener: accept: EMFILE");
}

static void test_no_expectation_for_kernel(void **state)
{
	struct cell c = clean();

	(void)state;
	c.expect = NULL;
	decide(&c, VERDICT_FAIL, "no expectation applies to kernel 6.18");
}

/* A command: its exit status is compared whatever it is; without an
 * expectation it is reported, not judged. */
static void test_command(void **state)
{
	static const char *const t[] = {"exit:1", NULL};
	struct case_expect e = expect(t);
	struct observation one[] = {exited(1)};
	struct cell c = clean();

	(void)state;
	c.is_cmd = true;
	c.status = 1 << 8;
	c.surfaced = one;
	c.expect = &e;
	decide(&c, VERDICT_PASS, "");
	c.expect = NULL;
	decide(&c, VERDICT_INFO,
	       "no expectation for this command: reported, not judged");
}

/* A command that never ran (not found, not executable, spawn failed) is
 * an error, even without an expectation: its status says nothing about
 * the network. Before, "exit:127" was an info cell and the run exit 0. */
static void test_cmd_could_not_start(void **state)
{
	struct cell c = clean();

	(void)state;
	c.is_cmd = true;
	c.expect = NULL;
	c.errtext = "/bin/sh: 1: nc: not found\n";
	c.status = 127 << 8;
	decide(&c, VERDICT_ERROR,
	       "the command could not start (exit 127): /bin/sh: 1: nc: not "
	       "found\n");
	c.status = 126 << 8;
	c.errtext = "";
	decide(&c, VERDICT_ERROR,
	       "the command could not start (exit 126): no message");
	c.status = 2 << 8;
	decide(&c, VERDICT_INFO,
	       "no expectation for this command: reported, not judged");
}

/* A claim is judged only on a cell that passed. */
static void test_claim(void **state)
{
	static const char *const t[] = {"recv:EHOSTUNREACH", NULL};
	struct case_expect other = expect(t);
	struct cell c = clean();

	(void)state;
	c.claim = &refused;
	verdict_decide(&c);
	assert_true(c.claim_holds);
	c.claim = &other;
	verdict_decide(&c);
	assert_false(c.claim_holds);
	c.claim = &refused;
	c.skip = "no";
	verdict_decide(&c);
	assert_false(c.claim_holds);
}

static void test_unsurfaced(void **state)
{
	struct wire_error w = {.type = 3, .code = 3};
	struct cell c = clean();

	(void)state;
	assert_false(verdict_unsurfaced(&c)); /* nothing on the wire */
	c.wire = &w;
	c.nwire = 1;
	assert_false(verdict_unsurfaced(&c));
	c.nsurfaced = 0;
	assert_true(verdict_unsurfaced(&c));
	/* A command surfaces its status: unsaid only when it exited 0. */
	c.is_cmd = true;
	c.nsurfaced = 1;
	assert_true(verdict_unsurfaced(&c));
	c.status = 1 << 8;
	assert_false(verdict_unsurfaced(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_cmd_could_not_start),
		cmocka_unit_test(test_errno_and_via),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_errqueue_fields),
		cmocka_unit_test(test_general_and_specific),
		cmocka_unit_test(test_raw_and_exit),
		cmocka_unit_test(test_no_expectation),
		cmocka_unit_test(test_precedence_clean),
		cmocka_unit_test(test_precedence_order),
		cmocka_unit_test(test_helper_error_beats_all),
		cmocka_unit_test(test_no_expectation_for_kernel),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_claim),
		cmocka_unit_test(test_unsurfaced),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
