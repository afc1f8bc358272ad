/* Fuzz target for the case language as `icmplab run` reads it: the real
 * vocabulary (catalog_vocab(): every fault's parameter checker, the probe
 * table, the check that refuses what a run would refuse) and the real
 * library (cases/probes.defs and cases/catalogue.defs, read from the
 * repository, where make runs the targets). Any bytes are one case file.
 * Each case it yields is written as the one-case file it stands for (as
 * `icmplab expand` does), and that file must parse again, to one case,
 * that writes the same text (but for the first line, a comment naming the
 * file it came from): expand is a fixpoint. A refusal names the file and
 * line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefile.h"
#include "catalog.h"

#define PATH "cases/v4/fuzz.case"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const defs[] = {"cases/probes.defs",
				   "cases/catalogue.defs"};

/* A broken promise names its line before the abort. */
#define check(ok)                                                          \
	do {                                                               \
		if (!(ok)) {                                               \
			fprintf(stderr, "fuzz_realcase.c:%d: %s\n", __LINE__, \
				#ok);                                      \
			abort();                                           \
		}                                                          \
	} while (0)

/* The real library, once; a missing file is a broken checkout. */
static const struct case_lib *library(void)
{
	static struct case_lib *lib;
	char err[512], *buf;
	size_t i, n;
	FILE *f;

	if (lib)
		return lib;
	lib = case_lib_new();
	check(lib != NULL);
	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		f = fopen(defs[i], "r");
		if (!f) {
			fprintf(stderr, "fuzz_realcase: %s: run from the "
					"repository\n",
				defs[i]);
			abort();
		}
		buf = malloc(CASE_FILE_MAX);
		check(buf != NULL);
		n = fread(buf, 1, CASE_FILE_MAX, f);
		fclose(f);
		if (case_lib_add_buf(lib, defs[i], buf, n, catalog_vocab(),
				     err, sizeof(err)) != 0) {
			fprintf(stderr, "fuzz_realcase: %s\n", err);
			abort();
		}
		free(buf);
	}
	return lib;
}

/* What follows the first line of text (len bytes). */
static const char *body(const char *text, size_t len, size_t *left)
{
	const char *nl = memchr(text, '\n', len);

	check(nl != NULL && text[0] == '#');
	*left = len - (size_t)(nl + 1 - text);
	return nl + 1;
}

/* c as a one-case file; caller frees. */
static char *written(const struct case_def *c, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	check(f != NULL);
	check(case_write(f, c) == 0);
	check(fclose(f) == 0);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct case_vocab *v = catalog_vocab();
	const struct case_lib *lib = library();
	struct case_def *set = NULL, *again = NULL;
	char err[512];
	int rc, i;

	rc = case_parse_set(PATH, (const char *)data, size, v, lib, &set, err,
			    sizeof(err));
	if (rc <= 0) {
		check(rc == -1 && set == NULL);
		check(memchr(err, '\0', sizeof(err)) != NULL);
		check(strncmp(err, PATH ":", strlen(PATH ":")) == 0);
		return 0;
	}
	for (i = 0; i < rc; i++) {
		size_t len, len2, n1, n2;
		char *text = written(&set[i], &len), *text2;
		const char *b1, *b2;

		if (case_parse_set(PATH, text, len, v, lib, &again, err,
				   sizeof(err)) != 1) {
			fprintf(stderr, "expand of %s does not parse: %s\n%s",
				set[i].name, err, text);
			abort();
		}
		text2 = written(&again[0], &len2);
		b1 = body(text, len, &n1);
		b2 = body(text2, len2, &n2);
		if (n1 != n2 || memcmp(b1, b2, n1) != 0) {
			fprintf(stderr, "expand of %s is not a fixpoint:\n"
					"%s\n--- then ---\n%s",
				set[i].name, text, text2);
			abort();
		}
		free(text);
		free(text2);
		free(again);
		again = NULL;
	}
	free(set);
	return 0;
}
