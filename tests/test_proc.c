/* The user command's text: placeholders become quoted references to
 * variables of its environment, never pasted values (proc.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "proc.h"

static struct proc_command cmd;

static void build(const char *dst, const char *tpl, const char *case_path)
{
	struct fault_plan plan = {.dport = 33434, .ttl = -1};
	char err[256] = "";

	assert_int_equal(addr_parse(dst, &plan.dst), 0);
	if (proc_command_build(tpl, &plan, case_path, &cmd, err,
			       sizeof(err)) < 0)
		fail_msg("%s", err);
}

/* Outside quotes, inside "..." and inside '...': each placeholder stays
 * one word of the value, whatever quoting the template uses. */
static void test_placeholders_quoted(void **state)
{
	(void)state;
	build("203.0.113.2", "nc -u {addr} {port}", "cases/v4/x.case");
	assert_string_equal(cmd.text,
			    "nc -u \"${ICMPLAB_ADDR}\" \"${ICMPLAB_PORT}\"");
	build("203.0.113.2", "echo \"at {dir}/s\" 'to {hostport}'",
	      "cases/v4/x.case");
	assert_string_equal(cmd.text, "echo \"at ${ICMPLAB_DIR}/s\" "
				      "'to '\"${ICMPLAB_HOSTPORT}\"''");
	/* An escaped quote opens nothing. */
	build("203.0.113.2", "echo \\\" {addr}", "x.case");
	assert_string_equal(cmd.text, "echo \\\" \"${ICMPLAB_ADDR}\"");
}

/* The values go to the environment; a directory full of shell syntax is
 * only a value. */
static void test_values_in_environment(void **state)
{
	(void)state;
	build("203.0.113.2", "bash {dir}/udp-ask.sh {addr} {port}",
	      "/tmp/a b/$(touch /tmp/x)/commands.case");
	assert_string_equal(cmd.env[0], "ICMPLAB_ADDR=203.0.113.2");
	assert_string_equal(cmd.env[1], "ICMPLAB_PORT=33434");
	assert_string_equal(cmd.env[2], "ICMPLAB_DIR=/tmp/a b/$(touch /tmp/x)");
	assert_string_equal(cmd.env[3], "ICMPLAB_HOSTPORT=203.0.113.2:33434");
	assert_null(strstr(cmd.text, "touch"));
	build("203.0.113.2", "ls {dir}", "commands.case");
	assert_string_equal(cmd.env[2], "ICMPLAB_DIR=.");
	build("203.0.113.2", "ls {dir}", "/x.case");
	assert_string_equal(cmd.env[2], "ICMPLAB_DIR=/");
}

/* {addr} is the bare address in both families; {hostport} brackets an
 * IPv6 address, as URLs and most tools want it. */
static void test_hostport_ipv6(void **state)
{
	(void)state;
	build("2001:db8:2::2", "curl http://{hostport}/", "x.case");
	assert_string_equal(cmd.env[0], "ICMPLAB_ADDR=2001:db8:2::2");
	assert_string_equal(cmd.env[3],
			    "ICMPLAB_HOSTPORT=[2001:db8:2::2]:33434");
	build("2001:db8:2::2", "dig -{family} @{addr}", "x.case");
	assert_string_equal(cmd.text,
			    "dig -\"${ICMPLAB_FAMILY}\" @\"${ICMPLAB_ADDR}\"");
	assert_string_equal(cmd.env[4], "ICMPLAB_FAMILY=6");
	build("203.0.113.2", "nc -{family} {addr}", "x.case");
	assert_string_equal(cmd.env[4], "ICMPLAB_FAMILY=4");
}

/* A misspelt placeholder is refused, never run as the literal text; shell
 * braces that are not {name} are the shell's. */
static void test_unknown_placeholder(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(proc_command_check("nc {adr} {port}", err,
					    sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "unknown placeholder '{adr}'"));
	assert_non_null(strstr(err, "{hostport}"));
	assert_int_equal(proc_command_check("nc {addr} {Port}", err,
					    sizeof(err)),
			 0); /* not lowercase: shell text */
	assert_int_equal(proc_command_check("echo ${HOME} {a,b} {} "
					    "| awk '{print $1}' {port}",
					    err, sizeof(err)),
			 0);
	assert_int_equal(proc_command_check("x {fam1ly}", err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "'{fam1ly}'"));
}

/* Too long for the buffer is an error, never a cut command. */
static void test_too_long(void **state)
{
	struct fault_plan plan = {.dport = 33434, .ttl = -1};
	char *tpl = malloc(PROC_COMMAND_MAX + 10), err[256] = "";

	(void)state;
	assert_non_null(tpl);
	memset(tpl, 'x', PROC_COMMAND_MAX + 9);
	tpl[PROC_COMMAND_MAX + 9] = '\0';
	assert_int_equal(addr_parse("203.0.113.2", &plan.dst), 0);
	assert_int_equal(proc_command_build(tpl, &plan, "x.case", &cmd, err,
					    sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "longer than"));
	free(tpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholders_quoted),
		cmocka_unit_test(test_values_in_environment),
		cmocka_unit_test(test_hostport_ipv6),
		cmocka_unit_test(test_unknown_placeholder),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests_name("proc", tests, NULL, NULL);
}
