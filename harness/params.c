/* Fault parameter schemas: see params.h. */
#include "params.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "num.h"

/* A message built piece by piece into a caller's buffer: cut short, never
 * overrun, always terminated (when len > 0). */
struct sbuf {
	char *p;
	size_t len, n;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (!b->p || b->n + 1 >= b->len)
		return;
	va_start(ap, fmt);
	r = vsnprintf(b->p + b->n, b->len - b->n, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	b->n += (size_t)r;
	if (b->n >= b->len)
		b->n = b->len - 1;
}

static struct sbuf sb_start(char *p, size_t len)
{
	struct sbuf b = {p, len, 0};

	if (p && len)
		p[0] = '\0';
	return b;
}

static const char *family_icmp(int family)
{
	return family == AF_INET6 ? "ICMPv6" : "ICMPv4";
}

/* The family whose names spec takes in a case of family fam: 0 for a
 * PARAM_FAMILY_CASE spec whose case is not known yet (either family). */
static int spec_family(const struct param_spec *s, int fam)
{
	if (s->family == PARAM_FAMILY_CASE)
		return fam;
	return s->family ? s->family : AF_INET;
}

/* A type name of fam, or of either family for fam 0. */
static int type_name(int fam, const char *name, int *type)
{
	if (fam)
		return icmp_type_from_name(fam, name, type);
	return icmp_type_from_name(AF_INET, name, type) == 0 ||
			       icmp_type_from_name(AF_INET6, name, type) == 0
		       ? 0
		       : -1;
}

/* "ICMPv4", "ICMPv6", or for the case's family both. */
static const char *family_icmp_of(const struct param_spec *s)
{
	return s->family == PARAM_FAMILY_CASE ? "ICMPv4 (ICMPv6 in an ipv6 "
						"case)"
					      : family_icmp(spec_family(s, 0));
}

const struct param_spec *param_find(const struct param_spec *schema,
				    const char *key)
{
	const struct param_spec *s;

	for (s = schema; s && s->name; s++)
		if (strcmp(s->name, key) == 0)
			return s;
	return NULL;
}

/* --- messages -------------------------------------------------------- */

/* The entries of t that a case can write, sep between them and last
 * before the last one: "a, b or c". */
static void sb_tokens(struct sbuf *b, const struct tok *t, const char *sep,
		      const char *last)
{
	const struct tok *k;
	size_t n = 0, i = 0;

	for (k = t; k->s; k++)
		n += icmp_name_is_input(k->s) != 0;
	for (k = t; k->s; k++) {
		if (!icmp_name_is_input(k->s))
			continue;
		sb_printf(b, "%s%s",
			  i == 0       ? ""
			  : i + 1 == n ? last
				       : sep,
			  k->s);
		i++;
	}
}

/* The code names of every type of family that has them, grouped:
 * "net, host, ... (dest-unreach); ttl, ... (time-exceeded)". */
static void sb_all_code_names(struct sbuf *b, int family)
{
	const struct tok *t;
	int type, groups = 0;

	for (type = 0; type < 256; type++) {
		t = icmp_code_table(family, type);
		if (!t)
			continue;
		sb_printf(b, "%s", groups++ ? "; " : "");
		sb_tokens(b, t, ", ", ", ");
		sb_printf(b, " (%s)", icmp_type_name(family, type));
	}
}

#define SWEEP_HINT "such as 0-15 or 2,3,6"

static void expected(const struct param_spec *s, int fam0, int icmp_type,
		     char *why, size_t whylen)
{
	struct sbuf b = sb_start(why, whylen);
	/* With the family unknown, ICMPv4's names stand for both. */
	int fam = spec_family(s, fam0) ? spec_family(s, fam0) : AF_INET;
	const struct tok *codes;

	switch (s->kind) {
	case PARAM_INT:
		sb_printf(&b, "expected %s=%ld..%ld", s->name, s->lo, s->hi);
		break;
	case PARAM_ENUM:
		sb_printf(&b, "expected %s=", s->name);
		sb_tokens(&b, s->tokens, ", ", " or ");
		break;
	case PARAM_ICMP_TYPE:
		sb_printf(&b, "expected %s=%ld..%ld or a name: ", s->name,
			  s->lo, s->hi);
		sb_tokens(&b, icmp_type_table(fam), ", ", ", ");
		break;
	case PARAM_ICMP_CODES:
		sb_printf(&b, "expected %s=%ld..%ld", s->name, s->lo, s->hi);
		codes = icmp_type >= 0 ? icmp_code_table(fam, icmp_type) : NULL;
		if (icmp_type < 0) {
			sb_printf(&b, " or a name: ");
			sb_all_code_names(&b, fam);
		} else if (codes) {
			sb_printf(&b, " or a name of type %d (%s): ", icmp_type,
				  icmp_type_name(fam, icmp_type));
			sb_tokens(&b, codes, ", ", ", ");
		} else {
			sb_printf(&b, " (%s type %d has no code names)",
				  family_icmp(fam), icmp_type);
		}
		sb_printf(&b, "; or a sweep of codes and ranges " SWEEP_HINT);
		break;
	case PARAM_DOC_ADDR4:
		sb_printf(&b,
			  "expected %s=an IPv4 address in 192.0.2.0/24, "
			  "198.51.100.0/24 or 203.0.113.0/24",
			  s->name);
		break;
	}
}

/* --- parsing --------------------------------------------------------- */

/* RFC 5737: TEST-NET-1, -2 and -3. */
static int parse_doc_addr4(const char *val, struct ipaddr *out)
{
	uint8_t a[4];

	if (inet_pton(AF_INET, val, a) != 1)
		return -1;
	if (!(a[0] == 192 && a[1] == 0 && a[2] == 2) &&
	    !(a[0] == 198 && a[1] == 51 && a[2] == 100) &&
	    !(a[0] == 203 && a[1] == 0 && a[2] == 113))
		return -1;
	addr_set(out, AF_INET, a);
	return 0;
}

/* A code name: of icmp_type when known, else of any type of family (of
 * either family for 0). */
static int code_name(int family, int icmp_type, const char *name, int *code)
{
	int type;

	if (!family)
		return code_name(AF_INET, icmp_type, name, code) == 0 ||
				       code_name(AF_INET6, icmp_type, name,
						 code) == 0
			       ? 0
			       : -1;
	if (icmp_type >= 0)
		return icmp_code_from_name(family, icmp_type, name, code);
	for (type = 0; type < 256; type++)
		if (icmp_code_from_name(family, type, name, code) == 0)
			return 0;
	return -1;
}

static int parse_codes(const struct param_spec *s, int fam, const char *val,
		       int icmp_type, struct param_codes *out, char *why,
		       size_t whylen)
{
	const char *p = val, *end, *dash;
	char name[TOKEN_MAX];
	long lo, hi, v;
	int code;

	memset(out, 0, sizeof(*out));
	for (;;) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (*p >= '0' && *p <= '9') {
			dash = memchr(p, '-', (size_t)(end - p));
			if (num_parse_span(p, (size_t)((dash ? dash : end) - p),
					   s->lo, s->hi, &lo) != 0)
				goto bad;
			hi = lo;
			if (dash) {
				if (num_parse_span(dash + 1,
						   (size_t)(end - dash - 1),
						   s->lo, s->hi, &hi) != 0 ||
				    hi < lo)
					goto bad;
				out->sweep = true;
			}
		} else {
			if (p == end || (size_t)(end - p) >= sizeof(name))
				goto bad;
			memcpy(name, p, (size_t)(end - p));
			name[end - p] = '\0';
			if (code_name(spec_family(s, fam), icmp_type, name,
				      &code) < 0 ||
			    code < s->lo || code > s->hi)
				goto bad;
			/* With the type unknown, the number is not either;
			 * the name only counts towards the limit. */
			lo = hi = icmp_type >= 0 ? code : 0;
		}
		for (v = lo; v <= hi; v++) {
			if (out->n >= PARAM_MAX_CODES) {
				snprintf(why, whylen,
					 "expected at most %d codes in a sweep",
					 PARAM_MAX_CODES);
				return -1;
			}
			out->v[out->n++] = (uint8_t)v;
		}
		if (!*end)
			return 0;
		out->sweep = true;
		p = end + 1;
	}
bad:
	expected(s, fam, icmp_type, why, whylen);
	return -1;
}

/* The entry of t spelt exactly s, or NULL. */
static const struct tok *tok_entry(const struct tok *t, const char *s)
{
	for (; t && t->s; t++)
		if (strcmp(t->s, s) == 0)
			return t;
	return NULL;
}

/* param_parse for a case of family fam (0: not known yet). */
static int parse_value(const struct param_spec *spec, int fam, const char *val,
		       int icmp_type, struct param_value *out, char *why,
		       size_t whylen)
{
	const struct tok *t;
	int v;

	memset(out, 0, sizeof(*out));
	switch (spec->kind) {
	case PARAM_INT:
		if (num_parse(val, spec->lo, spec->hi, &out->n) != 0)
			break;
		out->set = true;
		return 0;
	case PARAM_ENUM:
		t = icmp_name_is_input(val) ? tok_entry(spec->tokens, val)
					    : NULL;
		if (!t)
			break;
		out->n = t->v;
		out->s = t->s; /* the table's: static, unlike val */
		out->set = true;
		return 0;
	case PARAM_ICMP_TYPE:
		if (num_parse(val, spec->lo, spec->hi, &out->n) == 0) {
			out->set = true;
			return 0;
		}
		if (type_name(spec_family(spec, fam), val, &v) == 0 &&
		    v >= spec->lo && v <= spec->hi) {
			out->n = v;
			out->set = true;
			return 0;
		}
		break;
	case PARAM_ICMP_CODES:
		if (parse_codes(spec, fam, val, icmp_type, &out->codes, why,
				whylen) < 0)
			return -1;
		out->set = true;
		return 0;
	case PARAM_DOC_ADDR4:
		if (parse_doc_addr4(val, &out->addr) != 0)
			break;
		out->set = true;
		return 0;
	}
	expected(spec, fam, icmp_type, why, whylen);
	return -1;
}

int param_parse(const struct param_spec *spec, const char *val, int icmp_type,
		struct param_value *out, char *why, size_t whylen)
{
	return parse_value(spec, AF_INET, val, icmp_type, out, why, whylen);
}

int param_check(const struct param_spec *spec, const char *val, char *why,
		size_t whylen)
{
	struct param_value v;

	return parse_value(spec, 0, val, -1, &v, why, whylen);
}

/* The value as written for schema[i], or NULL; -1 when a key is not in
 * the schema or appears twice (with why). */
static int find_given(const struct param_spec *schema,
		      const struct case_param *params, int n, char *why,
		      size_t whylen)
{
	const struct param_spec *s;
	struct sbuf b;
	int i, j;

	for (i = 0; i < n; i++) {
		if (!param_find(schema, params[i].key)) {
			b = sb_start(why, whylen);
			sb_printf(&b, "takes no parameter '%s'", params[i].key);
			for (s = schema; s && s->name; s++)
				sb_printf(&b, "%s%s",
					  s == schema ? "; expected one of: "
						      : ", ",
					  s->name);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(params[j].key, params[i].key) == 0) {
				snprintf(why, whylen,
					 "parameter '%s' given twice",
					 params[i].key);
				return -1;
			}
	}
	return 0;
}

static const char *given_val(const struct case_param *params, int n,
			     const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(params[i].key, key) == 0)
			return params[i].val;
	return NULL;
}

int param_parse_all(const struct param_spec *schema,
		    const struct case_param *params, int n,
		    struct param_block *b, char *why, size_t whylen)
{
	return param_parse_all_family(schema, params, n, AF_INET, b, why,
				      whylen);
}

int param_parse_all_family(const struct param_spec *schema,
			   const struct case_param *params, int n, int family,
			   struct param_block *b, char *why, size_t whylen)
{
	const struct param_spec *s;
	const char *val;
	char kind[96];
	int pass, i, icmp_type = -1;

	memset(b, 0, sizeof(*b));
	b->schema = schema;
	b->family = family;
	if (find_given(schema, params, n, why, whylen) < 0)
		return -1;
	/* Two passes: codes last, so that their names resolve against the
	 * type whatever the order of the schema or the case. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0, s = schema; s && s->name; s++, i++) {
			if (i >= PARAM_MAX) {
				snprintf(why, whylen,
					 "more than %d parameters in a schema",
					 PARAM_MAX);
				return -1;
			}
			if ((s->kind == PARAM_ICMP_CODES) != (pass == 1))
				continue;
			val = given_val(params, n, s->name);
			if (!val && s->required) {
				snprintf(why, whylen, "needs %s=%s", s->name,
					 param_kind_str(s, kind, sizeof(kind)));
				return -1;
			}
			if (!val && !s->dflt)
				continue;
			if (parse_value(s, family, val ? val : s->dflt,
					icmp_type, &b->v[i], why, whylen) < 0)
				return -1;
			b->v[i].given = val != NULL;
			if (s->kind == PARAM_ICMP_TYPE && icmp_type < 0)
				icmp_type = (int)b->v[i].n;
		}
	}
	return 0;
}

const char *param_kind_str(const struct param_spec *s, char *buf, size_t len)
{
	struct sbuf b = sb_start(buf, len);

	switch (s->kind) {
	case PARAM_INT:
		sb_printf(&b, "%ld..%ld", s->lo, s->hi);
		break;
	case PARAM_ENUM:
		sb_tokens(&b, s->tokens, "|", "|");
		break;
	case PARAM_ICMP_TYPE:
		sb_printf(&b, "%s type %ld..%ld or a name",
			  family_icmp_of(s), s->lo, s->hi);
		break;
	case PARAM_ICMP_CODES:
		sb_printf(&b,
			  "%s code %ld..%ld or a name of the type, or a "
			  "sweep of codes and ranges " SWEEP_HINT,
			  family_icmp_of(s), s->lo, s->hi);
		break;
	case PARAM_DOC_ADDR4:
		sb_printf(&b, "IPv4 address in 192.0.2.0/24, 198.51.100.0/24 "
			      "or 203.0.113.0/24");
		break;
	}
	return buf;
}
