/* Cell verdicts: surfaced against expected, in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "casefile.h"
#include "names.h"
#include "verdict.h"

/* An expectation from tokens, the way a case file's expect line says it. */
static struct case_expect expect(const char *const *tokens)
{
	struct case_expect e;
	char text[1024] = "title t\nfamily ipv4\nfault f\nprobes p\nwhy w\n"
			  "expect p";
	static const char *const faults[] = {"f", NULL};
	static const char *const probes[] = {"p", NULL};
	const struct case_vocab v = {faults, probes, NULL};
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

static json_t *surfaced(const char *json)
{
	json_error_t je;
	json_t *s = json_loads(json, 0, &je);

	if (!s)
		fail_msg("bad fixture: %s", je.text);
	return s;
}

static void check(const char *const *tokens, const char *json, const char *want)
{
	struct case_expect e = expect(tokens);
	json_t *s = surfaced(json);

	assert_string_equal(cell_verdict(s, &e), want);
	json_decref(s);
}

static void test_none(void **state)
{
	static const char *const none[] = {"none", NULL};

	(void)state;
	check(none, "[]", "pass");
	check(none, "[{\"via\":\"recv\",\"errno\":\"ECONNREFUSED\"}]", "fail");
}

static void test_errno_and_via(void **state)
{
	static const char *const t[] = {"recv:ECONNREFUSED", NULL};

	(void)state;
	check(t, "[{\"via\":\"recv\",\"errno\":\"ECONNREFUSED\"}]", "pass");
	check(t, "[{\"via\":\"recv\",\"errno\":\"EHOSTUNREACH\"}]", "fail");
	check(t, "[{\"via\":\"send\",\"errno\":\"ECONNREFUSED\"}]", "fail");
	check(t, "[]", "fail");
	/* One more than expected is a difference too. */
	check(t,
	      "[{\"via\":\"recv\",\"errno\":\"ECONNREFUSED\"},"
	      "{\"via\":\"send\",\"errno\":\"ECONNREFUSED\"}]",
	      "fail");
}

/* Order matters: a sweep whose errnos came back swapped fails; so does
 * a repeated item that came back once. */
static void test_order(void **state)
{
	static const char *const t[] = {"so_error:EMSGSIZE",
					"so_error:ECONNREFUSED", NULL};
	static const char *const twice[] = {"recv:EIO", "recv:EIO", NULL};

	(void)state;
	check(t,
	      "[{\"via\":\"so_error\",\"errno\":\"EMSGSIZE\"},"
	      "{\"via\":\"so_error\",\"errno\":\"ECONNREFUSED\"}]",
	      "pass");
	check(t,
	      "[{\"via\":\"so_error\",\"errno\":\"ECONNREFUSED\"},"
	      "{\"via\":\"so_error\",\"errno\":\"EMSGSIZE\"}]",
	      "fail");
	check(twice,
	      "[{\"via\":\"recv\",\"errno\":\"EIO\"},"
	      "{\"via\":\"recv\",\"errno\":\"EIO\"}]",
	      "pass");
	check(twice,
	      "[{\"via\":\"recv\",\"errno\":\"EIO\"},"
	      "{\"via\":\"recv\",\"errno\":\"EPIPE\"}]",
	      "fail");
	check(twice, "[{\"via\":\"recv\",\"errno\":\"EIO\"}]", "fail");
}

static void test_errqueue_fields(void **state)
{
	static const char *const t[] = {"errqueue:EHOSTUNREACH/icmp/11/0",
					NULL};

	(void)state;
	check(t,
	      "[{\"via\":\"errqueue\",\"errno\":\"EHOSTUNREACH\","
	      "\"origin\":\"icmp\",\"type\":11,\"code\":0}]",
	      "pass");
	check(t,
	      "[{\"via\":\"errqueue\",\"errno\":\"EHOSTUNREACH\","
	      "\"origin\":\"icmp\",\"type\":11,\"code\":1}]",
	      "fail");
	check(t,
	      "[{\"via\":\"errqueue\",\"errno\":\"EHOSTUNREACH\","
	      "\"origin\":\"local\",\"type\":11,\"code\":0}]",
	      "fail");
	/* No origin at all cannot match an item that names one. */
	check(t, "[{\"via\":\"errqueue\",\"errno\":\"EHOSTUNREACH\"}]", "fail");
}

/* A general item (no type/code) and a specific one, each judged at its
 * place. */
static void test_general_and_specific(void **state)
{
	static const char *const t[] = {"errqueue:EMSGSIZE",
					"errqueue:EMSGSIZE/icmp/3/4", NULL};

	(void)state;
	check(t,
	      "[{\"via\":\"errqueue\",\"errno\":\"EMSGSIZE\","
	      "\"origin\":\"local\",\"type\":0,\"code\":0},"
	      "{\"via\":\"errqueue\",\"errno\":\"EMSGSIZE\","
	      "\"origin\":\"icmp\",\"type\":3,\"code\":4}]",
	      "pass");
	check(t,
	      "[{\"via\":\"errqueue\",\"errno\":\"EMSGSIZE\","
	      "\"origin\":\"icmp\",\"type\":3,\"code\":4},"
	      "{\"via\":\"errqueue\",\"errno\":\"EMSGSIZE\","
	      "\"origin\":\"local\",\"type\":0,\"code\":0}]",
	      "fail");
}

/* '-' for a raw packet (errno null), numbers for exit statuses. */
static void test_raw_and_exit(void **state)
{
	static const char *const raw[] = {"raw:-/icmp/3/3", NULL};
	static const char *const exit1[] = {"exit:1", NULL};

	(void)state;
	check(raw,
	      "[{\"via\":\"raw\",\"errno\":null,\"origin\":\"icmp\","
	      "\"type\":3,\"code\":3}]",
	      "pass");
	check(raw,
	      "[{\"via\":\"raw\",\"errno\":\"ECONNREFUSED\",\"origin\":"
	      "\"icmp\","
	      "\"type\":3,\"code\":3}]",
	      "fail");
	check(exit1, "[{\"via\":\"exit\",\"errno\":1}]", "pass");
	check(exit1, "[{\"via\":\"exit\",\"errno\":0}]", "fail");
}

static void test_no_expectation(void **state)
{
	json_t *s = surfaced("[]");
	json_t *j = verdict_expected_json(NULL);

	(void)state;
	assert_string_equal(cell_verdict(s, NULL), "fail");
	assert_true(json_is_null(j));
	json_decref(s);
	json_decref(j);
}

static void test_expected_json(void **state)
{
	static const char *const t[] = {"recv:ECONNREFUSED",
					"errqueue:EHOSTUNREACH/icmp/11/0",
					"exit:2", "raw:-/icmp/3/3", NULL};
	static const char *const none[] = {"none", NULL};
	struct case_expect e = expect(t);
	json_t *j = verdict_expected_json(&e);
	char *s = json_dumps(j, JSON_COMPACT);

	(void)state;
	assert_string_equal(s, "[\"recv:ECONNREFUSED\","
			       "\"errqueue:EHOSTUNREACH/icmp/11/0\","
			       "\"exit:2\",\"raw:-/icmp/3/3\"]");
	free(s);
	json_decref(j);
	e = expect(none);
	j = verdict_expected_json(&e);
	assert_int_equal(json_array_size(j), 0);
	assert_true(json_is_array(j));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_errno_and_via),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_errqueue_fields),
		cmocka_unit_test(test_general_and_specific),
		cmocka_unit_test(test_raw_and_exit),
		cmocka_unit_test(test_no_expectation),
		cmocka_unit_test(test_expected_json),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
