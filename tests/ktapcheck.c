/* The KTAP reader of the tests: see ktapcheck.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "ktapcheck.h"

struct level {
	int plan, next;
	bool failed; /* a subtest at this level is not ok */
};

int check_ktap(const char *text)
{
	regex_t test_re, plan_re;
	struct level lv[8];
	char *copy = strdup(text), *line, *save = NULL;
	int depth = -1, problems = 0, ind, lineno = 0;
	size_t il = strlen(KTAP_INDENT);
	bool want_plan = false;

	assert_int_equal(regcomp(&test_re,
				 "^(ok|not ok) ([0-9]+) [A-Za-z0-9_-]+"
				 "( # SKIP.*)?$",
				 REG_EXTENDED),
			 0);
	assert_int_equal(
		regcomp(&plan_re, "^1\\.\\.[0-9]+( # SKIP.*)?$", REG_EXTENDED),
		0);
#define BAD(...)                                                               \
	do {                                                                   \
		fprintf(stderr, "ktap line %d: ", lineno);                     \
		fprintf(stderr, __VA_ARGS__);                                  \
		fprintf(stderr, "\n");                                         \
		problems++;                                                    \
	} while (0)
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *p = line;
		regmatch_t m[4];

		lineno++;
		for (ind = 0; strncmp(p, KTAP_INDENT, il) == 0; ind++)
			p += il;
		if (strcmp(p, "KTAP version 1") == 0) {
			if (ind != depth + 1 || depth + 1 >= 8)
				BAD("version line at indent %d, depth %d", ind,
				    depth);
			depth = ind;
			lv[depth] = (struct level){.plan = -1, .next = 1};
			want_plan = true;
			continue;
		}
		if (p[0] == '#') {
			if (p[1] != ' ' && p[1] != '\0')
				BAD("diagnostic without '# '");
			continue;
		}
		if (want_plan) {
			if (ind != depth || regexec(&plan_re, p, 0, NULL, 0))
				BAD("expected a plan, got '%s'", line);
			else
				lv[depth].plan = atoi(p + 3);
			want_plan = false;
			continue;
		}
		if (regexec(&test_re, p, 4, m, 0) != 0) {
			BAD("not a test line: '%s'", line);
			continue;
		}
		/* A result one level up closes the level below. */
		if (ind == depth - 1) {
			if (lv[depth].next - 1 != lv[depth].plan)
				BAD("plan 1..%d, %d results", lv[depth].plan,
				    lv[depth].next - 1);
			if (lv[depth].failed && strncmp(p, "not ok", 6) != 0)
				BAD("parent ok with a subtest not ok");
			depth--;
		} else if (ind != depth) {
			BAD("test line at indent %d, depth %d", ind, depth);
			continue;
		}
		if (atoi(p + m[2].rm_so) != lv[depth].next)
			BAD("test number %d, expected %d", atoi(p + m[2].rm_so),
			    lv[depth].next);
		lv[depth].next++;
		if (strncmp(p, "not ok", 6) == 0)
			lv[depth].failed = true;
	}
	if (depth != 0)
		BAD("ended at depth %d", depth);
	else if (lv[0].next - 1 != lv[0].plan)
		BAD("top plan 1..%d, %d results", lv[0].plan, lv[0].next - 1);
#undef BAD
	regfree(&test_re);
	regfree(&plan_re);
	free(copy);
	return problems;
}
