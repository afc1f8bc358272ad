/* Cell verdicts: see verdict.h. */
#include "verdict.h"

#include <stdbool.h>
#include <string.h>

#include "names.h"

#define MAX_SURFACED 256

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
	return json_is_string(v) && errno_from_name(json_string_value(v), e) == 0;
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

/* Assigns expected items with the given specificity to unused surfaced
 * items. Items that name type and code go first: a surfaced item one of
 * them can take is interchangeable with any other it can take, so after
 * them a first-fit assignment of the general items is exact. */
static bool assign(const struct case_expect *e, bool specific, json_t *surfaced,
		   bool *used)
{
	size_t n = json_array_size(surfaced), i;
	int k;

	for (k = 0; k < e->n; k++) {
		if (e->items[k].has_icmp != specific)
			continue;
		for (i = 0; i < n; i++)
			if (!used[i] &&
			    item_matches(&e->items[k], json_array_get(surfaced, i)))
				break;
		if (i == n)
			return false;
		used[i] = true;
	}
	return true;
}

const char *cell_verdict(json_t *surfaced, const struct case_expect *e)
{
	bool used[MAX_SURFACED] = {false};
	size_t n = json_array_size(surfaced);

	if (!e || n != (size_t)e->n || n > MAX_SURFACED)
		return "fail";
	if (!assign(e, true, surfaced, used) ||
	    !assign(e, false, surfaced, used))
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
