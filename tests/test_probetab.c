/* Tests for lib/probetab.c: the table is well formed, and every probe
 * binary of this build lists exactly the table's rows for it, with the
 * same summaries (its --list output is parsed, so a style added to a
 * binary without a row, or a row without a style, fails here). */
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

#include "probetab.h"

/* Where this build's probe binaries are (the Makefile passes
 * $(B)/probes). */
#ifndef ICMPLAB_PROBE_DIR
#define ICMPLAB_PROBE_DIR "build/probes"
#endif

#define BIN_PREFIX "icmplab-probe-"

static void test_table_shape(void **state)
{
	const struct probe_def *p, *q;
	int n = 0;

	(void)state;
	for (p = probe_defs; p->name; p++, n++) {
		assert_non_null(p->summary);
		assert_true(p->summary[0] != '\0');
		assert_null(strchr(p->summary, '\n'));
		assert_null(strchr(p->summary, '\t'));
		/* A binary exactly when the probe speaks events. */
		if ((p->kind == PROBE_COMMAND) != (p->binary == NULL))
			fail_msg("%s: kind and binary disagree", p->name);
		assert_true(p->families != 0);
		assert_int_equal(p->families & ~(PROBE_IPV4 | PROBE_IPV6), 0);
		for (q = probe_defs; q < p; q++)
			if (strcmp(q->name, p->name) == 0)
				fail_msg("%s twice in probe_defs[]", p->name);
		assert_ptr_equal(probe_find(p->name), p);
	}
	assert_true(n > 0);
	assert_true(n <= PROBE_DEFS_MAX);
	assert_null(probe_find("udp"));
	assert_null(probe_find(""));
	assert_string_equal(probe_families_str(PROBE_IPV4), "ipv4");
	assert_string_equal(probe_families_str(PROBE_IPV4 | PROBE_IPV6),
			    "ipv4 ipv6");
	assert_string_equal(probe_families_str(0), "none");
}

/* Runs "<dir>/icmplab-probe-<binary> --list" and checks each line against
 * the table. Returns the number of styles listed. */
static int check_list(const char *binary)
{
	char cmd[512], line[1024], *tab, *nl;
	const struct probe_def *d;
	FILE *f;
	int n = 0, status;

	snprintf(cmd, sizeof(cmd), "%s/" BIN_PREFIX "%s --list",
		 ICMPLAB_PROBE_DIR, binary);
	f = popen(cmd, "r");
	if (!f)
		fail_msg("cannot run %s", cmd);
	while (fgets(line, sizeof(line), f)) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		tab = strchr(line, '\t');
		if (!tab)
			fail_msg("%s: line without a tab: '%s'", cmd, line);
		*tab = '\0';
		d = probe_find(line);
		if (!d)
			fail_msg("%s lists '%s', which lib/probetab.c lacks",
				 cmd, line);
		if (!d->binary || strcmp(d->binary, binary) != 0)
			fail_msg("%s lists '%s', which the table gives to %s",
				 cmd, line, d->binary ? d->binary : "(none)");
		if (strcmp(d->summary, tab + 1) != 0)
			fail_msg("%s: '%s' summary '%s', table '%s'", cmd, line,
				 tab + 1, d->summary);
		n++;
	}
	status = pclose(f);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("%s: exit status %d", cmd, status);
	return n;
}

/* Every row with a binary is listed by that binary, and nothing else is:
 * the counts agree per binary (names were matched one by one above, and a
 * name appears once in the table). */
static void test_binaries_list_the_table(void **state)
{
	const struct probe_def *p, *q;
	int want, got;

	(void)state;
	for (p = probe_defs; p->name; p++) {
		if (!p->binary)
			continue;
		for (q = probe_defs; q < p; q++)
			if (q->binary && strcmp(q->binary, p->binary) == 0)
				break;
		if (q < p)
			continue; /* binary already checked */
		for (want = 0, q = probe_defs; q->name; q++)
			want += q->binary && strcmp(q->binary, p->binary) == 0;
		got = check_list(p->binary);
		if (got != want)
			fail_msg(BIN_PREFIX "%s lists %d styles; the table has "
					    "%d",
				 p->binary, got, want);
	}
}

/* No probe binary in the build that the table does not name. */
static void test_no_unknown_binary(void **state)
{
	const struct probe_def *p;
	struct dirent *e;
	const char *b;
	DIR *d = opendir(ICMPLAB_PROBE_DIR);
	int seen = 0;

	(void)state;
	if (!d)
		fail_msg("cannot open %s", ICMPLAB_PROBE_DIR);
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, BIN_PREFIX, strlen(BIN_PREFIX)) != 0)
			continue;
		b = e->d_name + strlen(BIN_PREFIX);
		for (p = probe_defs; p->name; p++)
			if (p->binary && strcmp(p->binary, b) == 0)
				break;
		if (!p->name)
			fail_msg("%s/%s has no row in lib/probetab.c",
				 ICMPLAB_PROBE_DIR, e->d_name);
		seen++;
	}
	closedir(d);
	assert_true(seen > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_binaries_list_the_table),
		cmocka_unit_test(test_no_unknown_binary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
