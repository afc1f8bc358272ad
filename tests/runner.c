/* Helpers for tests that run the real icmplab binary: see runner.h. Not a
 * test itself (no test_ prefix), linked into the tests that need it. */
#include "runner.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int run_cmd(const char *const *argv, char *errbuf, size_t errlen)
{
	int p[2], status;
	pid_t pid;
	size_t at = 0;
	ssize_t n;
	char sink[4096];

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(p[1], 2);
		close(p[0]);
		{ union { const char *const *c; char *const *v; } u = {argv}; execv(argv[0], u.v); }
		_exit(127);
	}
	close(p[1]);
	if (errbuf && errlen)
		errbuf[0] = '\0';
	while ((n = read(p[0], sink, sizeof(sink))) > 0) {
		size_t k = (size_t)n;

		if (errbuf && at + 1 < errlen) {
			if (k > errlen - 1 - at)
				k = errlen - 1 - at;
			memcpy(errbuf + at, sink, k);
			at += k;
			errbuf[at] = '\0';
		}
	}
	close(p[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status)
				 : 128 + WTERMSIG(status);
}

int run_capture(const char *const *argv, char *out, size_t outlen,
		char *err, size_t errlen)
{
	char po[] = "/tmp/icmplab-test-out-XXXXXX",
	     pe[] = "/tmp/icmplab-test-err-XXXXXX";
	int fo = mkstemp(po), fe = mkstemp(pe), status = 0;
	ssize_t n;
	pid_t pid = -1;

	if (fo >= 0 && fe >= 0)
		pid = fork();
	if (pid == 0) {
		union {
			const char *const *c;
			char *const *v;
		} u = {argv};

		dup2(fo, 1);
		dup2(fe, 2);
		execv(argv[0], u.v);
		_exit(127);
	}
	out[0] = err[0] = '\0';
	if (pid > 0 && waitpid(pid, &status, 0) == pid) {
		n = pread(fo, out, outlen - 1, 0);
		out[n > 0 ? n : 0] = '\0';
		n = pread(fe, err, errlen - 1, 0);
		err[n > 0 ? n : 0] = '\0';
	} else {
		status = -1;
	}
	if (fo >= 0) {
		close(fo);
		unlink(po);
	}
	if (fe >= 0) {
		close(fe);
		unlink(pe);
	}
	if (status < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

json_t *load_results(const char *dir)
{
	char path[512];
	json_error_t e;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/results.json", dir);
	doc = json_load_file(path, 0, &e);
	if (!doc)
		fprintf(stderr, "cannot load %s: %s\n", path, e.text);
	return doc;
}

json_t *find_cell(json_t *doc, const char *kase, const char *probe)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(doc, "cells"), i, c)
	{
		const char *k = json_string_value(json_object_get(c, "case"));
		const char *p = json_string_value(json_object_get(c, "probe"));

		if (k && p && strcmp(k, kase) == 0 && strcmp(p, probe) == 0)
			return c;
	}
	return NULL;
}

static void append(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);

	*buf = realloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

char *cells_fingerprint(json_t *doc)
{
	static const char *const skeys[] = {"via", "errno", "origin", "type",
					    "code", "offender", NULL};
	static const char *const wkeys[] = {"type", "code", "from", NULL};
	char *buf = NULL, *s;
	size_t len = 0, i, j;
	json_t *c, *x;
	int k;

	append(&buf, &len, "");
	json_array_foreach(json_object_get(doc, "cells"), i, c)
	{
		json_t *o = json_object(), *sa = json_array(),
		       *wa = json_array();

		json_object_set(o, "case", json_object_get(c, "case"));
		json_object_set(o, "probe", json_object_get(c, "probe"));
		json_object_set(o, "verdict", json_object_get(c, "verdict"));
		json_array_foreach(json_object_get(c, "surfaced"), j, x)
		{
			json_t *y = json_object();

			for (k = 0; skeys[k]; k++)
				if (json_object_get(x, skeys[k]))
					json_object_set(y, skeys[k],
							json_object_get(x, skeys[k]));
			json_array_append_new(sa, y);
		}
		json_array_foreach(json_object_get(c, "wire"), j, x)
		{
			json_t *y = json_object();

			for (k = 0; wkeys[k]; k++)
				json_object_set(y, wkeys[k],
						json_object_get(x, wkeys[k]));
			json_array_append_new(wa, y);
		}
		json_object_set_new(o, "surfaced", sa);
		json_object_set_new(o, "wire", wa);
		s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		append(&buf, &len, s);
		append(&buf, &len, "\n");
		free(s);
		json_decref(o);
	}
	return buf;
}

const char *make_tmpdir(const char *tag)
{
	static char path[256];

	snprintf(path, sizeof(path), "/tmp/icmplab-%s-XXXXXX", tag);
	if (!mkdtemp(path))
		return NULL;
	return path;
}

bool can_run_suite(void)
{
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		fprintf(stderr, "skip: not root; the suite needs root to build "
				"network namespaces\n");
		return false;
	}
	pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : 1);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "skip: cannot create network namespaces here\n");
		return false;
	}
	return true;
}

int drop_capability(int cap)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	uint32_t bit = 1u << (cap % 32);

	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 ||
	    syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[cap / 32].effective &= ~bit;
	d[cap / 32].permitted &= ~bit;
	d[cap / 32].inheritable &= ~bit;
	return syscall(SYS_capset, &h, d) < 0 ? -1 : 0;
}
