/* Output files (outfile.c): complete or absent, never through a link,
 * every failure reported with the path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/icmplab-outfile-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Entries of dir, besides . and .. */
static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d)
		closedir(d);
	return n;
}

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* The target appears only when complete, and nothing else is left. */
static void test_write_and_rename(void **state)
{
	struct outfile o;
	char path[128], err[512], buf[64];

	(void)state;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	assert_int_equal(outfile_open(&o, path, err, sizeof(err)), 0);
	fputs("new", o.f);
	assert_int_not_equal(access(path, F_OK), 0); /* not yet */
	assert_int_equal(outfile_commit(&o, err, sizeof(err)), 0);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "new");
	assert_int_equal(entries(), 1);
	/* Aborted: the old file stays, the temporary goes. */
	assert_int_equal(outfile_open(&o, path, err, sizeof(err)), 0);
	fputs("half", o.f);
	outfile_abort(&o);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "new");
	assert_int_equal(entries(), 1);
	unlink(path);
}

/* A planted link is refused, and its target is untouched. */
static void test_never_through_a_link(void **state)
{
	struct outfile o;
	char path[128], victim[128], err[512], buf[64];
	FILE *f;

	(void)state;
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(path, sizeof(path), "%s/x.pcap", dir);
	f = fopen(victim, "w");
	assert_non_null(f);
	fputs("precious", f);
	fclose(f);
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(outfile_open(&o, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "symbolic link"));
	slurp(victim, buf, sizeof(buf));
	assert_string_equal(buf, "precious");
	unlink(path);
	unlink(victim);
}

/* A full device, a directory and a missing directory: -1, with the path
 * and the reason. */
static void test_failures_named(void **state)
{
	struct outfile o;
	char path[128], err[512];

	(void)state;
	assert_int_equal(outfile_open(&o, "/dev/full", err, sizeof(err)), 0);
	fputs("x", o.f);
	assert_int_equal(outfile_commit(&o, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot write /dev/full: No space left on "
				 "device");
	assert_int_equal(outfile_open(&o, dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Is a directory"));
	snprintf(path, sizeof(path), "%s/none/x.json", dir);
	assert_int_equal(outfile_open(&o, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(entries(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_and_rename),
		cmocka_unit_test(test_never_through_a_link),
		cmocka_unit_test(test_failures_named),
	};

	return cmocka_run_group_tests_name("outfile", tests, setup, teardown);
}
