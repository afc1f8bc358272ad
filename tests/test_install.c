/* Integration: `make install` lays out a working icmplab. It installs into
 * a fresh DESTDIR with PREFIX=/usr, then, from another directory, the
 * installed binary finds its cases and (as root) its probes and runs a real
 * cell; the manual renders without a warning and documents every command
 * and option that `icmplab --help` lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

#define OUT_MAX (256 * 1024)

static char dest[PATH_MAX], bin[PATH_MAX + 16], man[PATH_MAX + 32];
static char out[OUT_MAX], err[OUT_MAX];

static bool exists(const char *dir, const char *rel)
{
	char p[PATH_MAX * 2];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return stat(p, &st) == 0;
}

/* Installs once, for every test of this file. */
static int setup(void **state)
{
	char b[PATH_MAX], bdir[PATH_MAX + 2], destdir[PATH_MAX + 8];
	const char *d = make_tmpdir("install");
	const char *argv[] = {"/usr/bin/make", "-s",	     "install",
			      bdir,	       destdir,	     "PREFIX=/usr",
			      NULL};

	(void)state;
	if (!d)
		return -1;
	snprintf(dest, sizeof(dest), "%s", d);
	snprintf(b, sizeof(b), "%s", ICMPLAB_BIN);
	snprintf(bdir, sizeof(bdir), "B=%s", dirname(b)); /* this build's */
	snprintf(destdir, sizeof(destdir), "DESTDIR=%s", dest);
	snprintf(bin, sizeof(bin), "%s/usr/bin/icmplab", dest);
	snprintf(man, sizeof(man), "%s/usr/share/man/man1/icmplab.1", dest);
	/* A make of its own, not a part of the one running the tests. */
	unsetenv("MAKEFLAGS");
	unsetenv("MFLAGS");
	unsetenv("MAKELEVEL");
	if (run_capture(argv, out, sizeof(out), err, sizeof(err)) != 0) {
		fprintf(stderr, "make install failed: %s%s\n", out, err);
		return -1;
	}
	return 0;
}

static void test_layout(void **state)
{
	(void)state;
	assert_true(exists(dest, "usr/bin/icmplab"));
	assert_true(exists(dest, "usr/libexec/icmplab/icmplab-probe-udp"));
	assert_true(exists(dest, "usr/libexec/icmplab/icmplab-probe-tcp"));
	assert_true(exists(dest, "usr/share/icmplab/cases/probes.defs"));
	assert_true(exists(dest, "usr/share/icmplab/cases/v4/core.case"));
	assert_true(exists(dest, "usr/share/icmplab/try/ipv4.case"));
	assert_true(exists(dest, "usr/share/man/man1/icmplab.1"));
}

/* From another directory, the installed binary reads the installed cases
 * (the build tree's are not beside it), and runs a real cell. */
static void test_installed_runs(void **state)
{
	const char *check[] = {bin, "check", NULL};
	const char *run[] = {bin,	   "run",	 "--no-matrix",
			     "--json",	   "-",		 "--probe",
			     "udp-connected", "port_unreachable", NULL};
	char cwd[PATH_MAX];
	json_t *doc, *cell;
	json_error_t je;
	int st;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dest), 0);
	st = run_capture(check, out, sizeof(out), err, sizeof(err));
	assert_int_equal(chdir(cwd), 0);
	if (st != 0)
		fail_msg("installed check: %d: %s", st, err);
	assert_non_null(strstr(out, "cases from"));
	assert_null(strstr(out, " 0 cases"));
	if (!can_run_suite())
		skip();
	assert_int_equal(chdir(dest), 0);
	st = run_capture(run, out, sizeof(out), err, sizeof(err));
	assert_int_equal(chdir(cwd), 0);
	if (st != 0)
		fail_msg("installed run: %d: %s", st, err);
	doc = json_loads(out, 0, &je);
	if (!doc)
		fail_msg("stdout is not JSON: %s: %.200s", je.text, out);
	cell = find_cell(doc, "port_unreachable", "udp-connected");
	assert_non_null(cell);
	assert_string_equal(
		json_string_value(json_object_get(cell, "verdict")), "pass");
	json_decref(doc);
}

/* `why` with no stored run (the installed binary reads results/latest in
 * the current directory, which has none) runs the cases of that fault and
 * answers: the seed story on a fresh machine, in one command. */
static void test_why_without_stored_run(void **state)
{
	const char *why[] = {bin, "why", "udp-connected", "ttl", NULL};
	char cwd[PATH_MAX];
	int st;

	(void)state;
	if (!can_run_suite())
		skip();
	assert_false(exists(dest, "results/latest/results.json"));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dest), 0);
	st = run_capture(why, out, sizeof(out), err, sizeof(err));
	assert_int_equal(chdir(cwd), 0);
	if (st != 0)
		fail_msg("why: %d: %s", st, err);
	assert_non_null(strstr(err, "no stored run at "
				    "results/latest/results.json; running the"));
	assert_non_null(strstr(out, "udp-connected under ttl: case "
				    "ttl_exceeded"));
	assert_non_null(strstr(out, "TTL exceeded in transit"));
	assert_non_null(strstr(out, "udp-recverr"));
}

/* try, installed, finds its faults and runs a program under each. */
static void test_installed_try(void **state)
{
	const char *argv[] = {bin, "try", "--family", "ipv4", "true", NULL};
	char cwd[PATH_MAX];
	int st;

	(void)state;
	if (!can_run_suite())
		skip();
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dest), 0);
	st = run_capture(argv, out, sizeof(out), err, sizeof(err));
	assert_int_equal(chdir(cwd), 0);
	if (st != 0)
		fail_msg("installed try: %d: %s%s", st, out, err);
	assert_non_null(strstr(out, "  closed_port "));
	assert_non_null(strstr(out, "  forged_port "));
}

/* groff's own warnings (-ww) on the manual: none. */
static void test_man_renders(void **state)
{
	const char *argv[] = {"/usr/bin/groff", "-man", "-Tutf8", "-ww",
			      "-z",		man,	NULL};

	(void)state;
	assert_int_equal(run_capture(argv, out, sizeof(out), err, sizeof(err)),
			 0);
	if (err[0])
		fail_msg("groff warns: %s", err);
}

/* Reads the installed manual into buf. */
static void read_man(char *buf, size_t len)
{
	FILE *f = fopen(man, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Every command and every long option of `icmplab --help` is in the
 * manual: a new one cannot be added without documenting it. */
static void test_man_documents_help(void **state)
{
	static char page[OUT_MAX];
	const char *help[] = {bin, "--help", NULL};
	char *line, *save = NULL, word[64], want[96];
	int commands = 0, options = 0;

	(void)state;
	read_man(page, sizeof(page));
	assert_int_equal(run_capture(help, out, sizeof(out), err, sizeof(err)),
			 0);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *p = strstr(line, "icmplab ");
		char *o;

		if (p && sscanf(p, "icmplab %63[a-z]", word) == 1) {
			/* ".B run" at the start of its own tagged line. */
			snprintf(want, sizeof(want), "\n.B %s", word);
			if (!strstr(page, want))
				fail_msg("the manual has no '.B %s' for the "
					 "command in: %s",
					 word, line);
			commands++;
		}
		for (o = strstr(line, "--"); o; o = strstr(o + 2, "--")) {
			char *w = want;

			if (sscanf(o + 2, "%63[a-z-]", word) != 1)
				continue;
			/* Written \-\-name in roff. */
			w += snprintf(want, sizeof(want), "\\-\\-");
			for (const char *c = word; *c && w < want + 90; c++) {
				if (*c == '-')
					*w++ = '\\';
				*w++ = *c;
			}
			*w = '\0';
			if (!strstr(page, want))
				fail_msg("the manual does not document --%s "
					 "(looked for '%s')",
					 word, want);
			options++;
		}
	}
	assert_true(commands >= 8);
	assert_true(options >= 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_installed_runs),
		cmocka_unit_test(test_why_without_stored_run),
		cmocka_unit_test(test_installed_try),
		cmocka_unit_test(test_man_renders),
		cmocka_unit_test(test_man_documents_help),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
