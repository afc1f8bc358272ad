/* A directory of case files: every .defs file into one library, then every
 * .case file into its cases, in path order. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "caseparse.h"

struct path_list {
	char **v;
	size_t n, cap;
};

static void path_list_free(struct path_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int path_list_add(struct path_list *l, char *s)
{
	char **nv;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		nv = realloc(l->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = s;
	return 0;
}

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && strcmp(name + n - k, suffix) == 0;
}

/* Adds every *.case under dir to l and every *.defs to defs. Hidden entries
 * (".name") are skipped, and symbolic links are not followed into directories,
 * so a link loop cannot make the walk endless. */
static int collect(const char *dir, int depth, struct path_list *l,
		   struct path_list *defs, char *err, size_t errlen)
{
	char msg[128];
	struct dirent *de;
	struct stat st;
	DIR *d;
	char *sub;
	size_t dlen = strlen(dir), nlen;
	bool slash = dlen > 0 && dir[dlen - 1] == '/';
	int rc = 0;

	if (depth > DIR_DEPTH_MAX) {
		cf_errf(err, errlen,
			"%s: directories nested deeper than %d; flatten the "
			"case tree",
			dir, DIR_DEPTH_MAX);
		return -1;
	}
	d = opendir(dir);
	if (!d) {
		cf_errf(err, errlen, "cannot open case directory '%s': %s; %s",
			dir, cf_errno_text(errno, msg, sizeof(msg)),
			depth == 0 ? "check the path"
				   : "check its permissions");
		return -1;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				cf_errf(err, errlen,
					"cannot read case directory '%s': %s",
					dir,
					cf_errno_text(errno, msg, sizeof(msg)));
				rc = -1;
			}
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		nlen = strlen(de->d_name);
		sub = malloc(dlen + nlen + 2);
		if (!sub) {
			cf_errf(err, errlen, "%s: out of memory", dir);
			rc = -1;
			break;
		}
		snprintf(sub, dlen + nlen + 2, "%s%s%s", dir, slash ? "" : "/",
			 de->d_name);
		if (lstat(sub, &st) != 0) {
			cf_errf(err, errlen, "cannot stat '%s': %s", sub,
				cf_errno_text(errno, msg, sizeof(msg)));
			free(sub);
			rc = -1;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = collect(sub, depth + 1, l, defs, err, errlen);
			free(sub);
			if (rc)
				break;
			continue;
		}
		if (!has_suffix(de->d_name, ".case") &&
		    !has_suffix(de->d_name, ".defs")) {
			free(sub);
			continue;
		}
		if (path_list_add(has_suffix(de->d_name, ".case") ? l : defs,
				  sub)) {
			cf_errf(err, errlen, "%s: out of memory", dir);
			free(sub);
			rc = -1;
			break;
		}
	}
	closedir(d);
	return rc;
}

static int cmp_paths(const void *a, const void *b)
{
	const char *const *x = a;
	const char *const *y = b;

	return strcmp(*x, *y);
}

/* Reads, scans and plans one file; n gets its instance count. */
static int load_one(struct parser *p, const char *path, struct case_src *src,
		    struct expansion *x, const struct case_lib *lib, int *n)
{
	char *buf;
	size_t len;
	int rc;

	if (cf_read_file(path, &buf, &len, p->err, p->errlen))
		return -1;
	rc = cf_scan(p, buf, len, src, false);
	free(buf);
	if (rc == 0)
		rc = cf_plan(p, src, lib, x, n);
	return rc;
}

static int load_defs(const struct path_list *defs, const struct case_vocab *v,
		     struct case_lib *lib, char *err, size_t errlen)
{
	char *buf;
	size_t len, i;
	int rc;

	for (i = 0; i < defs->n; i++) {
		if (cf_read_file(defs->v[i], &buf, &len, err, errlen))
			return -1;
		rc = case_lib_add_buf(lib, defs->v[i], buf, len, v, err,
				      errlen);
		free(buf);
		if (rc)
			return -1;
	}
	return 0;
}

int case_load_dir(const char *dir, const struct case_vocab *v,
		  struct case_def **out, char *err, size_t errlen)
{
	struct path_list l = {NULL, 0, 0}, defs = {NULL, 0, 0};
	struct case_def *cases = NULL;
	struct case_lib *lib = NULL;
	struct case_src src;
	struct expansion x;
	struct parser p;
	size_t i;
	int total = 0, n, k, j, rc = -1;

	if (err && errlen)
		err[0] = '\0';
	if (!out || !dir || !v) {
		cf_errf(err, errlen,
			"case_load_dir needs a directory, a vocabulary and "
			"out");
		return -1;
	}
	*out = NULL;
	memset(&x, 0, sizeof(x));
	memset(&src, 0, sizeof(src));
	if (collect(dir, 0, &l, &defs, err, errlen))
		goto done;
	if (l.n == 0) {
		cf_errf(err, errlen,
			"no case files (*.case) under '%s'; add one or check "
			"the "
			"path",
			dir);
		goto done;
	}
	qsort(l.v, l.n, sizeof(l.v[0]), cmp_paths);
	qsort(defs.v, defs.n, sizeof(defs.v[0]), cmp_paths);
	lib = case_lib_new();
	if (!lib) {
		cf_errf(err, errlen, "out of memory");
		goto done;
	}
	if (load_defs(&defs, v, lib, err, errlen))
		goto done;
	/* Count first, so that the instances are built in place in memory
	 * that is still zero (a case_def is large and mostly unused). */
	for (i = 0; i < l.n; i++) {
		cf_parser_init(&p, l.v[i], v, err, errlen);
		rc = load_one(&p, l.v[i], &src, &x, lib, &n);
		cf_expansion_free(&x);
		cf_src_free(&src);
		if (rc)
			goto done;
		if (n > INT_MAX / 2 - total) {
			cf_errf(err, errlen, "too many cases under '%s'", dir);
			rc = -1;
			goto done;
		}
		total += n;
	}
	rc = -1;
	cases = calloc((size_t)total, sizeof(*cases));
	if (!cases) {
		cf_errf(err, errlen, "out of memory for %d cases", total);
		goto done;
	}
	for (i = 0, k = 0; i < l.n; i++, k += n) {
		cf_parser_init(&p, l.v[i], v, err, errlen);
		if (load_one(&p, l.v[i], &src, &x, lib, &n) == 0)
			rc = cf_expand(&p, &src, lib, &x, cases + k, &n);
		else
			rc = -1;
		cf_expansion_free(&x);
		cf_src_free(&src);
		if (rc)
			goto done;
		rc = -1;
	}
	/* Names key the results, the pcap files and the baselines. */
	for (k = 0; k < total; k++)
		for (j = 0; j < k; j++)
			if (strcmp(cases[j].name, cases[k].name) == 0) {
				cf_errf(err, errlen,
					"%s: case name '%s' is already used by "
					"%s; rename one of them",
					cases[k].path, cases[k].name,
					cases[j].path);
				goto done;
			}
	*out = cases;
	cases = NULL;
	rc = total;
done:
	free(cases);
	case_lib_free(lib);
	path_list_free(&l);
	path_list_free(&defs);
	return rc;
}
