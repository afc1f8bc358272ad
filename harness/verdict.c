/* Cell verdicts: see verdict.h. */
#include "verdict.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "names.h"

/* A surfaced item's errno as a number: a name, an integer (an exit status),
 * or null (a raw packet carries none). */
static bool surfaced_errno(json_t *s, int *e)
{
	json_t *v = json_object_get(s, "errno");

	if (json_is_null(v)) {
		*e = EXPECT_NO_ERRNO;
		return true;
	}
	if (json_is_integer(v)) {
		*e = (int)json_integer_value(v);
		return true;
	}
	return json_is_string(v) &&
	       errno_from_name(json_string_value(v), e) == 0;
}

static bool item_matches(const struct expect_item *x, json_t *s)
{
	const char *via = json_string_value(json_object_get(s, "via"));
	const char *origin;
	int e;

	if (!via || strcmp(via, x->via) != 0 || !surfaced_errno(s, &e) ||
	    e != x->err)
		return false;
	if (!x->has_icmp)
		return true;
	origin = json_string_value(json_object_get(s, "origin"));
	return origin &&
	       strcmp(origin, tok2str(ee_origin_names, x->origin, "")) == 0 &&
	       json_integer_value(json_object_get(s, "type")) == x->type &&
	       json_integer_value(json_object_get(s, "code")) == x->code;
}

/* In order: a probe makes its calls round by round, so the k-th item it
 * surfaced answers the k-th expected one. A multiset match would pass a
 * sweep whose codes' errnos came back swapped. */
const char *cell_verdict(json_t *surfaced, const struct case_expect *e)
{
	size_t n = json_array_size(surfaced), i;

	if (!e || n != (size_t)e->n || n > CASE_MAX_RESULTS)
		return "fail";
	for (i = 0; i < n; i++)
		if (!item_matches(&e->items[i], json_array_get(surfaced, i)))
			return "fail";
	return "pass";
}

json_t *verdict_expected_json(const struct case_expect *e)
{
	json_t *a;
	char buf[128];
	int k;

	if (!e)
		return json_null();
	a = json_array();
	for (k = 0; k < e->n; k++)
		json_array_append_new(
			a, json_string(expect_item_str(&e->items[k], buf,
						       sizeof(buf))));
	return a;
}
