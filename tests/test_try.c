/* icmplab try end to end (needs root and namespaces): netcat-openbsd and a
 * Python client run under every fault, and their rows are what the wire
 * and the programs did (docs/try.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"
#include "try.h"

/* Runs icmplab try with args (a shell-quoted tail) into dir; the printed
 * rows go to out. Returns the exit status. */
static int run_try(const char *dir, const char *args, char *out, size_t len)
{
	char cmd[2048];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s try --out %s %s 2>&1", ICMPLAB_BIN, dir,
		 args);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* The printed row of fault (its line, starting at the mark). */
static const char *row(const char *out, const char *fault)
{
	static char line[1024];
	char key[64];
	const char *s, *e;

	snprintf(key, sizeof(key), " %s ", fault);
	s = strstr(out, key);
	assert_non_null(s);
	while (s > out && s[-1] != '\n')
		s--;
	e = strchr(s, '\n');
	snprintf(line, sizeof(line), "%.*s", e ? (int)(e - s) : (int)strlen(s),
		 s);
	return line;
}

static const char *str(json_t *cell, const char *key)
{
	const char *s = json_string_value(json_object_get(cell, key));

	return s ? s : "";
}

/* The cell's first wire error as "T/C", or "none". */
static const char *first_error(json_t *cell)
{
	static char buf[16];
	json_t *e = json_array_get(json_object_get(cell, "wire"), 0);

	if (!e)
		return "none";
	snprintf(buf, sizeof(buf), "%d/%d",
		 (int)json_integer_value(json_object_get(e, "type")),
		 (int)json_integer_value(json_object_get(e, "code")));
	return buf;
}

static bool unsurfaced(json_t *cell)
{
	return json_is_true(json_object_get(cell, "unsurfaced"));
}

/* netcat-openbsd sends its datagram and exits 0 whatever came back: '!'
 * wherever an error quoting it was on the wire, none under the drop and
 * none for a forged error that quotes another source port (credited to
 * nobody, though it quotes the right destination). */
static void test_netcat(void **state)
{
	const char *d = make_tmpdir("try-nc");
	char out[16384];
	json_t *doc, *c;

	(void)state;
	if (!can_run_suite())
		skip();
	assert_int_equal(run_try(d,
				 "'printf icmplab | nc -u -w1 {addr} {port}'",
				 out, sizeof(out)),
			 0);
	doc = load_results(d);
	c = find_cell(doc, "closed_port", "cmd");
	assert_non_null(c);
	assert_string_equal(str(c, "verdict"), "info");
	assert_string_equal(first_error(c), "3/3");
	assert_int_equal(json_integer_value(json_object_get(c, "datagrams")),
			 1);
	assert_true(unsurfaced(c));
	assert_true(row(out, "closed_port")[0] == '!');
	assert_non_null(
		strstr(row(out, "closed_port"), "3/3 from 203.0.113.2"));
	assert_non_null(strstr(row(out, "closed_port"), "exit 0"));

	/* The TTL is the network's: nc sets none, and still meets it. */
	c = find_cell(doc, "ttl_expired", "cmd");
	assert_string_equal(first_error(c), "11/0");
	assert_true(unsurfaced(c));

	c = find_cell(doc, "fw_drop", "cmd");
	assert_string_equal(first_error(c), "none");
	assert_false(unsurfaced(c));
	assert_true(row(out, "fw_drop")[0] == ' ');

	c = find_cell(doc, "forged_other_port", "cmd");
	assert_string_equal(first_error(c), "none");
	assert_false(unsurfaced(c));
	assert_non_null(
		strstr(row(out, "forged_other_port"), "none (+1 not its own)"));
	json_decref(doc);
}

/* A Python client that connects, sends and waits in recv() with no
 * timeout of its own: a hard error ends it at once with the errno's
 * exception (no '!'), a soft one or none leaves it waiting until
 * --cmd-timeout kills it ('!' only where an error had come). */
static void test_python_client(void **state)
{
	const char *d = make_tmpdir("try-py");
	char out[16384];
	json_t *doc, *c;

	(void)state;
	if (!can_run_suite())
		skip();
	assert_int_equal(run_try(d,
				 "--cmd-timeout 2500 '/usr/bin/python3 "
				 "docs/examples/udp_client.py {addr} {port}'",
				 out, sizeof(out)),
			 0);
	doc = load_results(d);
	c = find_cell(doc, "closed_port", "cmd");
	assert_non_null(c);
	assert_string_equal(first_error(c), "3/3");
	assert_non_null(strstr(str(c, "stderr"), "ConnectionRefusedError"));
	assert_false(unsurfaced(c));
	assert_non_null(strstr(row(out, "closed_port"), "exit 1"));
	assert_non_null(strstr(row(out, "closed_port"),
			       "ConnectionRefusedError: [Errno 111] "
			       "Connection refused"));

	c = find_cell(doc, "fw_reject", "cmd");
	assert_string_equal(first_error(c), "3/13");
	assert_non_null(strstr(str(c, "stderr"), "No route to host"));

	c = find_cell(doc, "fw_drop", "cmd");
	assert_string_equal(first_error(c), "none");
	assert_int_equal(json_integer_value(json_object_get(c, "timed_out_ms")),
			 2500);
	assert_false(unsurfaced(c));
	assert_non_null(strstr(row(out, "fw_drop"), "timed out after 2500 ms"));
	assert_true(row(out, "fw_drop")[0] == ' ');

	/* Soft: on the wire, never told; it waits and is killed. */
	c = find_cell(doc, "ttl_expired", "cmd");
	assert_string_equal(first_error(c), "11/0");
	assert_true(unsurfaced(c));
	assert_true(row(out, "ttl_expired")[0] == '!');
	assert_non_null(strstr(row(out, "ttl_expired"), "timed out after"));
	json_decref(doc);
}

/* A program that is not there is an error row and exit 1; a misspelt
 * placeholder is refused before anything runs (exit 2). */
static void test_cannot_start(void **state)
{
	const char *d = make_tmpdir("try-nf");
	char out[16384];

	(void)state;
	if (!can_run_suite())
		skip();
	assert_int_equal(run_try(d,
				 "--family ipv6 'icmplab-no-such-program "
				 "{addr}'",
				 out, sizeof(out)),
			 1);
	assert_non_null(strstr(row(out, "closed_port-ipv6"), "error"));
	assert_non_null(strstr(row(out, "closed_port-ipv6"), "not found"));
	assert_int_equal(run_try(d, "'nc {adr}'", out, sizeof(out)), 2);
	assert_non_null(strstr(out, "unknown placeholder '{adr}'"));
}

/* True when a process whose command line contains s is running. */
static bool running(const char *s)
{
	char path[300], buf[256];
	struct dirent *e;
	size_t n, i;
	bool found = false;
	DIR *d = opendir("/proc");
	FILE *f;

	assert_non_null(d);
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[n] = '\0';
		found = strstr(buf, s) != NULL;
	}
	closedir(d);
	return found;
}

/* --cmd-timeout kills the program and everything it started: a sleep it
 * left in the background does not outlive its row. */
static void test_timeout_kills_tree(void **state)
{
	const char *d = make_tmpdir("try-kill");
	char out[16384], args[256], mark[32];

	(void)state;
	if (!can_run_suite())
		skip();
	snprintf(mark, sizeof(mark), "sleep 31.%d", (int)getpid());
	snprintf(args, sizeof(args),
		 "--family ipv6 --cmd-timeout 500 '%s & %s'", mark, mark);
	assert_int_equal(run_try(d, args, out, sizeof(out)), 0);
	assert_non_null(
		strstr(row(out, "fw_drop-ipv6"), "timed out after 500 ms"));
	assert_false(running(mark));
}

/* A program has no capability outside its own user namespace: it cannot
 * enter a network namespace (its own client's here; the host's no less),
 * which root in the client's namespace could. */
static void test_no_capability_outside(void **state)
{
	const char *d = make_tmpdir("try-caps");
	char out[16384];

	(void)state;
	if (!can_run_suite())
		skip();
	assert_non_null(d);
	assert_int_equal(run_try(d,
				 "--family ipv4 'if nsenter "
				 "--net=/proc/1/ns/net true 2>/dev/null; then "
				 "echo escaped; else echo contained; fi'",
				 out, sizeof(out)),
			 0);
	assert_non_null(strstr(row(out, "closed_port"), " contained"));
	assert_null(strstr(out, " escaped\n")); /* no row */
}

/* The same client over IPv6, under the IPv6 faults: the forged ICMPv6
 * errors and the router's own say icmp6 in the row; a hard one ends it
 * with its errno (1/1 is EACCES), a soft one is on the wire and never
 * told. */
static void test_python_client_ipv6(void **state)
{
	const char *d = make_tmpdir("try-py6");
	char out[16384];
	json_t *doc, *c;

	(void)state;
	if (!can_run_suite())
		skip();
	assert_int_equal(run_try(d,
				 "--family ipv6 --cmd-timeout 1500 "
				 "'/usr/bin/python3 docs/examples/udp_client.py "
				 "{addr} {port}'",
				 out, sizeof(out)),
			 0);
	doc = load_results(d);
	c = find_cell(doc, "forged6_admin_prohibited", "cmd");
	assert_non_null(c);
	assert_string_equal(first_error(c), "1/1");
	assert_non_null(strstr(str(c, "stderr"), "PermissionError"));
	assert_non_null(strstr(row(out, "forged6_admin_prohibited"),
			       "icmp6 1/1 from 2001:db8:"));
	c = find_cell(doc, "forged6_no_route", "cmd");
	assert_string_equal(first_error(c), "1/0");
	assert_true(unsurfaced(c));
	assert_true(row(out, "forged6_no_route")[0] == '!');
	c = find_cell(doc, "closed_port-ipv6", "cmd");
	assert_string_equal(first_error(c), "1/4");
	assert_non_null(strstr(str(c, "stderr"), "ConnectionRefusedError"));
	/* The real generators' IPv6 forms: nftables' 1/1 is as hard as the
	 * forged one; the router's 1/0 and the failed neighbour's 1/3 are
	 * on the wire and never told. */
	c = find_cell(doc, "fw_reject-ipv6", "cmd");
	assert_non_null(c);
	assert_string_equal(first_error(c), "1/1");
	assert_non_null(strstr(str(c, "stderr"), "PermissionError"));
	c = find_cell(doc, "no_route-ipv6", "cmd");
	assert_non_null(c);
	assert_string_equal(first_error(c), "1/0");
	assert_true(unsurfaced(c));
	c = find_cell(doc, "neighbour-ipv6", "cmd");
	assert_non_null(c);
	assert_string_equal(first_error(c), "1/3");
	assert_true(unsurfaced(c));
	json_decref(doc);
}

/* The last line is the program's, and a terminal obeys none of it. */
static void test_last_line(void **state)
{
	char out[64];

	(void)state;
	try_last_line("first\nsecond line\n\n", out, sizeof(out), 40);
	assert_string_equal(out, "second line");
	try_last_line("a\x1b[2Jb\x07\xc2\x9b", out, sizeof(out), 40);
	assert_string_equal(out, "a\\x1b[2Jb\\x07\\x9b");
	try_last_line("0123456789", out, sizeof(out), 4);
	assert_string_equal(out, "0123...");
	try_last_line("", out, sizeof(out), 4);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_line),
		cmocka_unit_test(test_no_capability_outside),
		cmocka_unit_test(test_cannot_start),
		cmocka_unit_test(test_timeout_kills_tree),
		cmocka_unit_test(test_netcat),
		cmocka_unit_test(test_python_client),
		cmocka_unit_test(test_python_client_ipv6),
	};

	return cmocka_run_group_tests_name("try", tests, NULL, NULL);
}
