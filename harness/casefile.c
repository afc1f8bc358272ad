/* Case-file parser, the lines of one case: the keys and their handlers,
 * the checks that need the whole case, and the questions a built case
 * answers (case_expect_for, ...). caseset.c turns a file's rows, families
 * and isolated probes into cases by replaying lines through these
 * handlers; caseload.c reads a directory. The syntax is described in
 * casefile.h and docs/cases.md.
 *
 * The parser works one line at a time on a bounded copy of the line, so no
 * input can make it read or write outside its buffers. Every check that
 * needs the whole case (required keys, expect lines for listed probes) runs
 * once its last line has been replayed, with the line numbers kept.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casefile.h"
#include "names.h"
#include "num.h"
#include "caseparse.h"

static void verrf(char *err, size_t errlen, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void verrf(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (!err || errlen == 0)
		return;
	if (vsnprintf(err, errlen, fmt, ap) < 0)
		err[0] = '\0';
}

void cf_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Writes "path:line: message" (or "path: message" for line 0). Returns -1
 * so that callers can write `return cf_fail(...)`. */
int cf_fail(const struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || p->errlen == 0)
		return -1;
	if (line > 0)
		n = snprintf(p->err, p->errlen, "%s:%d: ", p->path, line);
	else
		n = snprintf(p->err, p->errlen, "%s: ", p->path);
	if (n < 0) {
		p->err[0] = '\0';
		return -1;
	}
	if ((size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	verrf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* strerror() text starts with a capital; our messages are lowercase. */
const char *cf_errno_text(int e, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(e));
	if (buf[0])
		buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

/* Appends s to buf (holding a string), keeping it terminated. Returns false
 * if s did not fit whole. */
bool cf_append(char *buf, size_t len, const char *s)
{
	size_t used = strnlen(buf, len);
	size_t n = strlen(s);

	if (used >= len || n >= len - used)
		return false;
	memcpy(buf + used, s, n + 1);
	return true;
}

/* "a, b, c" from a NULL-terminated list; ends in ", ..." if it is too long
 * for buf. */
static const char *join_names(const char *const *names, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	if (!names || !names[0]) {
		snprintf(buf, len, "(none configured)");
		return buf;
	}
	for (i = 0; names[i]; i++) {
		if ((i > 0 && !cf_append(buf, len - 5, ", ")) ||
		    !cf_append(buf, len - 5, names[i])) {
			cf_append(buf, len, ", ...");
			break;
		}
	}
	return buf;
}

static const char *join_toks(const struct tok *t, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; t[i].s; i++) {
		if ((i > 0 && !cf_append(buf, len - 5, ", ")) ||
		    !cf_append(buf, len - 5, t[i].s)) {
			cf_append(buf, len, ", ...");
			break;
		}
	}
	return buf;
}

/* names[0..n) joined with ", " into buf. */
const char *cf_join_array(const char (*names)[TOKEN_MAX], int n, char *buf,
			  size_t len)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			cf_append(buf, len, ", ");
		cf_append(buf, len, names[i]);
	}
	return buf;
}

bool cf_in_list(const char *const *names, const char *s)
{
	size_t i;

	for (i = 0; names && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return true;
	return false;
}

bool cf_is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

char *cf_skip_blanks(char *s)
{
	while (cf_is_blank(*s))
		s++;
	return s;
}

/* The next blank-separated token of *s, terminated in place; NULL at the end
 * of the line. */
char *cf_next_token(char **s)
{
	char *t = cf_skip_blanks(*s);
	char *e = t;

	if (!*t)
		return NULL;
	while (*e && !cf_is_blank(*e))
		e++;
	if (*e)
		*e++ = '\0';
	*s = e;
	return t;
}

/* A lowercase token: [a-z0-9_]+. */
bool cf_is_lower_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

/* A name as probes have them: [a-z0-9_-]+. */
bool cf_is_name_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	return true;
}

/* Parses the leading "X.Y" of s into X*1000+Y and sets *end past it. */
static int parse_version(const char *s, const char **end)
{
	long part[2];
	const char *p = s;
	char digits[16];
	int i;
	size_t n;

	for (i = 0; i < 2; i++) {
		if (i == 1) {
			if (*p != '.')
				return -1;
			p++;
		}
		n = strspn(p, "0123456789");
		if (n == 0 || n >= sizeof(digits))
			return -1;
		memcpy(digits, p, n);
		digits[n] = '\0';
		if (num_parse(digits, 0, VERSION_PART_MAX, &part[i]) < 0)
			return -1;
		p += n;
	}
	*end = p;
	return (int)(part[0] * 1000 + part[1]);
}

int kernel_version_parse(const char *release)
{
	const char *end;

	if (!release)
		return -1;
	return parse_version(release, &end);
}

/* Copies free text into a field, or fails if it does not fit. */
int cf_set_text(struct parser *p, const char *key, const char *text, char *dst,
		size_t dstlen)
{
	size_t n = strlen(text);

	if (n >= dstlen)
		return cf_fail(p, p->line,
			       "%s too long (%zu characters); shorten it to at "
			       "most %zu",
			       key, n, dstlen - 1);
	memcpy(dst, text, n + 1);
	return 0;
}

/* Copies a token known to be valid into a TOKEN_MAX field. The vocabulary
 * is the caller's, so its names are checked here too. */
static int set_token(struct parser *p, const char *what, const char *tok,
		     char *dst)
{
	size_t n = strlen(tok);

	if (n >= TOKEN_MAX)
		return cf_fail(p, p->line,
			       "%s '" SHOW "' too long; names are at most %d "
			       "characters",
			       what, tok, TOKEN_MAX - 1);
	memcpy(dst, tok, n + 1);
	return 0;
}

int cf_unknown_probe(struct parser *p, const char *name)
{
	char list[CASE_TEXT_MAX];

	return cf_fail(p, p->line,
		       "unknown probe '" SHOW "'; expected one of: %s", name,
		       join_names(p->v->probes, list, sizeof(list)));
}

static int only_token(struct parser *p, const char *key, char *rest,
		      const char *usage, char **tok)
{
	char *extra;

	*tok = cf_next_token(&rest);
	extra = cf_next_token(&rest);
	if (extra)
		return cf_fail(p, p->line,
			       "unexpected '" SHOW
			       "' after the %s; expected '%s'",
			       extra, key, usage);
	return 0;
}

static int do_title(struct parser *p, char *rest)
{
	return cf_set_text(p, "title", rest, p->c->title, sizeof(p->c->title));
}

static int do_why(struct parser *p, char *rest)
{
	return cf_set_text(p, "why", rest, p->c->why, sizeof(p->c->why));
}

/* A claim names where it comes from, so that a reader can look it up:
 * "RFC 1122 4.2.3.9: ..." or "UNP vol. 1, 3rd ed., 8.9: ...". The source
 * is what comes before the first ": ", and it carries a number (the RFC,
 * the section or the page). */
static int do_claim(struct parser *p, char *rest)
{
	const char *colon = strstr(rest, ": ");
	size_t n = colon ? (size_t)(colon - rest) : 0;

	if (!colon || n == 0 || n > CLAIM_SOURCE_MAX ||
	    strcspn(rest, "0123456789") >= n)
		return cf_fail(p, p->line,
			       "a claim names its source first, with its "
			       "section: 'claim RFC 1122 4.2.3.9: statement' "
			       "or 'claim UNP vol. 1, 3rd ed., 8.9: "
			       "statement'");
	return cf_set_text(p, "claim", rest, p->c->claim, sizeof(p->c->claim));
}

static int do_ref(struct parser *p, char *rest)
{
	struct case_def *c = p->c;

	if (c->nrefs >= CASE_MAX_REFS)
		return cf_fail(p, p->line,
			       "too many ref lines (more than %d); put several "
			       "references on one line, separated by ';'",
			       CASE_MAX_REFS);
	if (cf_set_text(p, "ref", rest, c->refs[c->nrefs], sizeof(c->refs[0])))
		return -1;
	c->nrefs++;
	return 0;
}

static int do_quiet(struct parser *p, char *rest)
{
	char *tok;
	long ms;
	int r;

	if (only_token(p, "quiet value", rest, "quiet MILLISECONDS", &tok))
		return -1;
	r = num_parse(tok, QUIET_MIN, QUIET_MAX, &ms);
	if (r == -1)
		return cf_fail(p, p->line,
			       "bad quiet value '" SHOW "'; expected a whole "
			       "number of milliseconds, %d..%d",
			       tok, QUIET_MIN, QUIET_MAX);
	if (r == -2)
		return cf_fail(p, p->line,
			       "quiet value '" SHOW "' out of range; expected "
			       "%d..%d milliseconds",
			       tok, QUIET_MIN, QUIET_MAX);
	p->c->quiet_ms = (int)ms;
	return 0;
}

int cf_add_param(struct parser *p, char *tok)
{
	struct case_def *c = p->c;
	struct case_param *cp;
	char *eq = strchr(tok, '=');
	char why[CASE_TEXT_MAX];
	size_t klen, vlen;
	int i;

	if (!eq || eq == tok || !eq[1])
		return cf_fail(p, p->line,
			       "bad fault parameter '" SHOW "'; expected "
			       "key=value",
			       tok);
	*eq = '\0';
	klen = strlen(tok);
	vlen = strlen(eq + 1);
	if (!cf_is_lower_token(tok))
		return cf_fail(p, p->line,
			       "bad fault parameter name '" SHOW "'; expected "
			       "lowercase letters, digits and '_'",
			       tok);
	if (klen >= sizeof(cp->key))
		return cf_fail(p, p->line,
			       "fault parameter name '" SHOW
			       "' too long; at most "
			       "%zu characters",
			       tok, sizeof(cp->key) - 1);
	if (vlen >= sizeof(cp->val))
		return cf_fail(p, p->line,
			       "value of fault parameter '%s' too long (%zu "
			       "characters); at most %zu",
			       tok, vlen, sizeof(cp->val) - 1);
	for (i = 0; i < c->nparams; i++)
		if (strcmp(c->params[i].key, tok) == 0)
			return cf_fail(
				p, p->line,
				"fault parameter '%s' given twice; keep one",
				tok);
	if (c->nparams >= CASE_MAX_PARAMS)
		return cf_fail(p, p->line,
			       "too many fault parameters (more than %d)",
			       CASE_MAX_PARAMS);
	if (p->v->check_param) {
		why[0] = '\0';
		if (p->v->check_param(c->fault, tok, eq + 1, why,
				      sizeof(why)) != 0) {
			why[sizeof(why) - 1] = '\0';
			return cf_fail(p, p->line,
				       "bad fault parameter '%s=" SHOW
				       "' for fault '%s'; %s",
				       tok, eq + 1, c->fault,
				       why[0] ? why
					      : "this fault does not take it");
		}
	}
	cp = &c->params[c->nparams++];
	memcpy(cp->key, tok, klen + 1);
	memcpy(cp->val, eq + 1, vlen + 1);
	return 0;
}

static int do_fault(struct parser *p, char *rest)
{
	char list[CASE_TEXT_MAX];
	char *tok = cf_next_token(&rest);

	if (!cf_in_list(p->v->faults, tok))
		return cf_fail(p, p->line,
			       "unknown fault '" SHOW "'; expected one of: %s",
			       tok,
			       join_names(p->v->faults, list, sizeof(list)));
	if (set_token(p, "fault name", tok, p->c->fault))
		return -1;
	while ((tok = cf_next_token(&rest)))
		if (cf_add_param(p, tok))
			return -1;
	return 0;
}

int cf_find_probe(const struct case_def *c, const char *name)
{
	int i;

	for (i = 0; i < c->nprobes; i++)
		if (strcmp(c->probes[i], name) == 0)
			return i;
	return -1;
}

static int do_probes(struct parser *p, char *rest)
{
	const char *t[CASE_MAX_PROBES + 1];
	struct case_def *c = p->c;
	char *tok;
	int i, j, n;

	while ((tok = cf_next_token(&rest))) {
		n = cf_probe_targets(p, p->lib, tok, t);
		if (n < 0)
			return -1;
		for (j = 0; j < n; j++) {
			if (p->v->probe_families &&
			    !(p->v->probe_families(t[j]) &
			      (c->family == AF_INET6 ? 2u : 1u))) {
				if (tok[0] == '@')
					continue;
				return cf_fail(p, p->line,
					       "probe '%s' has no %s form "
					       "(icmplab probes lists the "
					       "families); drop it or the "
					       "family",
					       t[j],
					       c->family == AF_INET6 ? "ipv6"
								     : "ipv4");
			}
			i = cf_find_probe(c, t[j]);
			if (i >= 0)
				return cf_fail(p, p->line,
					       "probe '%s' listed twice; the "
					       "first is on line %d, keep one",
					       t[j], p->probe_line[i]);
			if (c->nprobes >= CASE_MAX_PROBES)
				return cf_fail(
					p, p->line,
					"too many probes (more than %d); "
					"split the case",
					CASE_MAX_PROBES);
			if (set_token(p, "probe name", t[j],
				      c->probes[c->nprobes]))
				return -1;
			p->probe_line[c->nprobes++] = p->line;
		}
	}
	return 0;
}

/* VIA:ERRNO or VIA:ERRNO/ORIGIN/TYPE/CODE. */
static int parse_result(struct parser *p, const char *tok,
			struct expect_item *it)
{
	char buf[CASE_LINE_MAX + 1];
	char list[CASE_TEXT_MAX];
	char *colon, *part[4], *s;
	long num;
	int nparts = 1, i;
	size_t len = strlen(tok);

	if (len >= sizeof(buf))
		return cf_fail(p, p->line, "result too long");
	memcpy(buf, tok, len + 1);
	colon = strchr(buf, ':');
	if (!colon || colon == buf || !colon[1])
		return cf_fail(p, p->line,
			       "bad result '" SHOW
			       "'; expected none, VIA:ERRNO "
			       "or VIA:ERRNO/ORIGIN/TYPE/CODE, e.g. "
			       "recv:ECONNREFUSED",
			       tok);
	*colon = '\0';
	if (!cf_is_lower_token(buf))
		return cf_fail(p, p->line,
			       "bad via '" SHOW "' in result '" SHOW
			       "'; expected "
			       "lowercase letters, digits and '_', e.g. recv",
			       buf, tok);
	if (strlen(buf) >= sizeof(it->via))
		return cf_fail(p, p->line,
			       "via '" SHOW
			       "' too long; at most %zu characters",
			       buf, sizeof(it->via) - 1);
	part[0] = colon + 1;
	for (s = part[0]; *s; s++) {
		if (*s != '/')
			continue;
		if (nparts == 4) {
			nparts++;
			break;
		}
		*s = '\0';
		part[nparts++] = s + 1;
	}
	if (nparts != 1 && nparts != 4)
		return cf_fail(p, p->line,
			       "bad result '" SHOW "'; expected "
			       "VIA:ERRNO/ORIGIN/TYPE/CODE, e.g. "
			       "errqueue:EHOSTUNREACH/icmp/11/0",
			       tok);
	memset(it, 0, sizeof(*it));
	memcpy(it->via, buf, strlen(buf) + 1);
	if (strcmp(part[0], "-") == 0)
		it->err = EXPECT_NO_ERRNO;
	else if (part[0][0] >= '0' && part[0][0] <= '9') {
		if (num_parse(part[0], 0, 4095, &num) != 0)
			return cf_fail(p, p->line,
				       "bad number '" SHOW "' in result '" SHOW
				       "'; expected 0..4095",
				       part[0], tok);
		it->err = (int)num;
		it->is_number = true;
	} else if (errno_from_name(part[0], &it->err) != 0)
		return cf_fail(
			p, p->line,
			"unknown errno '" SHOW "' in result '" SHOW "'; "
			"expected an errno name such as ECONNREFUSED, '-' "
			"or a number",
			part[0], tok);
	if (nparts == 1)
		return 0;
	if (str2tok(ee_origin_names, part[1], &it->origin) != 0)
		return cf_fail(p, p->line,
			       "unknown origin '" SHOW "' in result '" SHOW
			       "'; "
			       "expected one of: %s",
			       part[1], tok,
			       join_toks(ee_origin_names, list, sizeof(list)));
	for (i = 2; i < 4; i++) {
		if (num_parse(part[i], 0, ICMP_FIELD_MAX, &num) != 0)
			return cf_fail(p, p->line,
				       "bad icmp %s '" SHOW "' in result '" SHOW
				       "'; expected a number 0..%d",
				       i == 2 ? "type" : "code", part[i], tok,
				       ICMP_FIELD_MAX);
		if (i == 2)
			it->type = (int)num;
		else
			it->code = (int)num;
	}
	it->has_icmp = true;
	return 0;
}

/* kernel>=X.Y or kernel<X.Y. */
static int parse_range(struct parser *p, const char *tok,
		       struct kernel_range *kr)
{
	const char *ver, *end;
	bool lower;
	int *bound, k;

	if (strncmp(tok, "kernel>=", 8) == 0) {
		lower = true;
		ver = tok + 8;
	} else if (strncmp(tok, "kernel<", 7) == 0 && tok[7] != '=') {
		lower = false;
		ver = tok + 7;
	} else {
		return cf_fail(p, p->line,
			       "bad kernel range '" SHOW
			       "'; expected kernel>=X.Y "
			       "or kernel<X.Y, e.g. kernel>=6.1",
			       tok);
	}
	k = parse_version(ver, &end);
	if (k < 0 || *end || k < 1000)
		return cf_fail(
			p, p->line,
			"bad kernel version '" SHOW "' in '" SHOW "'; "
			"expected X.Y with X 1..%d and Y 0..%d, e.g. 6.1",
			ver, tok, VERSION_PART_MAX, VERSION_PART_MAX);
	bound = lower ? &kr->min : &kr->max;
	if (*bound)
		return cf_fail(p, p->line,
			       "second kernel%s bound '" SHOW "'; an expect "
			       "line takes at most one",
			       lower ? ">=" : "<", tok);
	*bound = k;
	return 0;
}

static bool ranges_overlap(const struct kernel_range *a,
			   const struct kernel_range *b)
{
	int lo = a->min > b->min ? a->min : b->min;
	int ahi = a->max ? a->max : INT_MAX;
	int bhi = b->max ? b->max : INT_MAX;

	return lo < (ahi < bhi ? ahi : bhi);
}

static bool is_ranged(const struct kernel_range *kr)
{
	return kr->min != 0 || kr->max != 0;
}

/* Rejects a line that applies to a kernel an earlier line of the same
 * probe already covers: the verdict would depend on line order. */
static int check_expect_clash(struct parser *p, const struct case_expect *x)
{
	const struct case_def *c = p->c;
	const struct case_expect *o;
	int i;

	for (i = 0; i < c->nexpects; i++) {
		o = &c->expects[i];
		if (strcmp(o->probe, x->probe) != 0 ||
		    is_ranged(&o->kr) != is_ranged(&x->kr))
			continue;
		if (!is_ranged(&x->kr))
			return cf_fail(p, p->line,
				       "second expect for probe '%s' without a "
				       "kernel range; the first is on line %d, "
				       "give one of them kernel>= or kernel<",
				       x->probe, o->line);
		if (ranges_overlap(&o->kr, &x->kr))
			return cf_fail(p, p->line,
				       "kernel range overlaps the expect for "
				       "probe '%s' on line %d; make the ranges "
				       "disjoint",
				       x->probe, o->line);
	}
	return 0;
}

/* The body of an expect or claim-expect line, into x. */
int cf_parse_expect(struct parser *p, char *rest, struct case_expect *x)
{
	char *tok = cf_next_token(&rest);
	bool none = false;

	if (!cf_in_list(p->v->probes, tok))
		return cf_unknown_probe(p, tok);
	memset(x, 0, sizeof(*x));
	if (set_token(p, "probe name", tok, x->probe))
		return -1;
	x->line = p->line;
	while ((tok = cf_next_token(&rest))) {
		if (strncmp(tok, "kernel", 6) == 0) {
			if (x->n > 0 || none)
				return cf_fail(
					p, p->line,
					"kernel range '" SHOW "' after the "
					"results; put kernel>= and kernel< "
					"before them",
					tok);
			if (parse_range(p, tok, &x->kr))
				return -1;
			continue;
		}
		if (none || (x->n > 0 && strcmp(tok, "none") == 0))
			return cf_fail(p, p->line,
				       "'none' must be the only result; remove "
				       "it or the others");
		if (strcmp(tok, "none") == 0) {
			none = true;
			continue;
		}
		if (x->n >= CASE_MAX_RESULTS)
			return cf_fail(p, p->line,
				       "too many results (more than %d) on one "
				       "expect line",
				       CASE_MAX_RESULTS);
		if (parse_result(p, tok, &x->items[x->n]))
			return -1;
		x->n++;
	}
	if (!none && x->n == 0)
		return cf_fail(
			p, p->line,
			"no result for probe '%s'; expected 'expect %s "
			"[kernel>=X.Y] [kernel<X.Y] RESULT ...' or 'none'",
			x->probe, x->probe);
	if (x->kr.min && x->kr.max && x->kr.min >= x->kr.max)
		return cf_fail(
			p, p->line,
			"kernel>=%d.%d with kernel<%d.%d matches no kernel; "
			"the lower bound must be below the upper",
			x->kr.min / 1000, x->kr.min % 1000, x->kr.max / 1000,
			x->kr.max % 1000);
	return 0;
}

static int do_expect(struct parser *p, char *rest)
{
	struct case_def *c = p->c;
	struct case_expect *x = &c->expects[c->nexpects];

	if (c->nexpects >= CASE_MAX_EXPECTS)
		return cf_fail(
			p, p->line,
			"too many expect lines (more than %d); split the "
			"case",
			CASE_MAX_EXPECTS);
	if (cf_parse_expect(p, rest, x) || check_expect_clash(p, x))
		return -1;
	c->nexpects++;
	return 0;
}

static int do_claim_expect(struct parser *p, char *rest)
{
	struct case_def *c = p->c;

	if (c->nclaims >= CASE_MAX_PROBES)
		return cf_fail(p, p->line,
			       "too many claim-expect lines (more than %d)",
			       CASE_MAX_PROBES);
	if (cf_parse_expect(p, rest, &c->claims[c->nclaims]))
		return -1;
	c->nclaims++;
	return 0;
}

static int do_command(struct parser *p, char *rest)
{
	return cf_set_text(p, "command", rest, p->c->command,
			   sizeof(p->c->command));
}

static int do_explain(struct parser *p, char *rest)
{
	struct case_def *c = p->c;
	struct case_explain *e;
	char *tok = cf_next_token(&rest);
	int i;

	if (!cf_in_list(p->v->probes, tok))
		return cf_unknown_probe(p, tok);
	for (i = 0; i < c->nexplains; i++)
		if (strcmp(c->explains[i].probe, tok) == 0)
			return cf_fail(
				p, p->line,
				"second explain for probe '%s'; the first "
				"is on line %d, keep one",
				tok, p->explain_line[i]);
	if (c->nexplains >= CASE_MAX_PROBES)
		return cf_fail(p, p->line,
			       "too many explain lines (more than %d)",
			       CASE_MAX_PROBES);
	e = &c->explains[c->nexplains];
	if (set_token(p, "probe name", tok, e->probe))
		return -1;
	rest = cf_skip_blanks(rest);
	if (!*rest)
		return cf_fail(
			p, p->line,
			"explain for probe '%s' has no text; expected "
			"'explain %s <why this probe sees what it sees>'",
			tok, tok);
	if (cf_set_text(p, "explain", rest, e->text, sizeof(e->text)))
		return -1;
	p->explain_line[c->nexplains++] = p->line;
	return 0;
}

const struct key_def cf_keys[K_COUNT + 1] = {
	[K_TITLE] = {"title", true, true, "title <short title>", do_title},
	[K_FAMILY] = {"family", true, true, "family ipv4 [ipv6]", NULL},
	[K_FAULT] = {"fault", true, true, "fault NAME [key=value ...]",
		     do_fault},
	[K_PROBES] = {"probes", false, true, "probes NAME|@GROUP [...]",
		      do_probes},
	[K_EXPECT] = {"expect", false, false,
		      "expect PROBE [kernel>=X.Y] [kernel<X.Y] RESULT ...",
		      do_expect},
	[K_EXPLAIN] = {"explain", false, false, "explain PROBE <text>",
		       do_explain},
	[K_WHY] = {"why", true, true, "why <one sentence>", do_why},
	[K_REF] = {"ref", false, false, "ref <reference>", do_ref},
	[K_QUIET] = {"quiet", true, false, "quiet MILLISECONDS", do_quiet},
	[K_CLAIM] = {"claim", true, false, "claim SOURCE: statement", do_claim},
	[K_CLAIM_EXPECT] = {"claim-expect", false, false,
			    "claim-expect PROBE [kernel>=X.Y] [kernel<X.Y] "
			    "RESULT ...",
			    do_claim_expect},
	[K_COMMAND] = {"command", true, false,
		       "command <shell command with {addr} and {port}>",
		       do_command},
	[K_VARS] = {"vars", true, false, "vars NAME ...", NULL},
	[K_ISOLATE] = {"isolate", true, false, "isolate probe", NULL},
	[K_ROW] = {"row", false, false, "row NAME [key=value ...]", NULL},
	[K_GROUP] = {"group", false, false, "group @NAME PROBE ...", NULL},
	[K_COUNT] = {NULL, false, false, NULL, NULL},
};

/* Cuts the line at a comment: a '#' at the start or after a blank. */
void cf_strip_comment(char *line)
{
	char *s;

	for (s = line; *s; s++) {
		if (*s == '#' && (s == line || cf_is_blank(s[-1]))) {
			*s = '\0';
			return;
		}
	}
}

void cf_trim_end(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && cf_is_blank(s[n - 1]))
		s[--n] = '\0';
}

/* Checks that need the whole file. */
int cf_finish(struct parser *p)
{
	const struct case_def *c = p->c;
	int i, k;

	for (k = 0; cf_keys[k].name; k++)
		if (cf_keys[k].required && !p->key_line[k])
			return cf_fail(p, 0,
				       "missing '%s'; expected a line '%s'",
				       cf_keys[k].name, cf_keys[k].usage);
	for (i = 0; i < c->nexpects; i++)
		if (cf_find_probe(c, c->expects[i].probe) < 0)
			return cf_fail(p, c->expects[i].line,
				       "expect for probe '%s', which is not in "
				       "'probes'; add it there or remove this "
				       "line",
				       c->expects[i].probe);
	for (i = 0; i < c->nclaims; i++) {
		if (!c->claim[0])
			return cf_fail(
				p, c->claims[i].line,
				"claim-expect without a claim; add a line "
				"'claim SOURCE: statement'");
		if (cf_find_probe(c, c->claims[i].probe) < 0)
			return cf_fail(
				p, c->claims[i].line,
				"claim-expect for probe '%s', which is not "
				"in 'probes'; add it there or remove this "
				"line",
				c->claims[i].probe);
	}
	for (i = 0; i < c->nexplains; i++)
		if (cf_find_probe(c, c->explains[i].probe) < 0)
			return cf_fail(
				p, p->explain_line[i],
				"explain for probe '%s', which is not in "
				"'probes'; add it there or remove this "
				"line",
				c->explains[i].probe);
	for (i = 0; i < c->nprobes; i++) {
		for (k = 0; k < c->nexpects; k++)
			if (strcmp(c->expects[k].probe, c->probes[i]) == 0)
				break;
		/* A user's command without an expectation is reported, not
		 * judged (icmplab try: nothing written for other programs
		 * applies to it), as under run --probe-cmd. */
		if (k == c->nexpects && strcmp(c->probes[i], "cmd") != 0)
			return cf_fail(
				p, p->probe_line[i],
				"probe '%s' has no expect line; add "
				"'expect %s RESULT ...' or 'expect %s none'",
				c->probes[i], c->probes[i], c->probes[i]);
	}
	return 0;
}

/* path and name: the name is the base name without ".case". */
int cf_set_path(struct parser *p)
{
	struct case_def *c = p->c;
	const char *base = strrchr(p->path, '/');
	size_t n = strlen(p->path);

	if (n >= sizeof(c->path))
		return cf_fail(p, 0,
			       "path too long (%zu characters); at most %zu", n,
			       sizeof(c->path) - 1);
	memcpy(c->path, p->path, n + 1);
	base = base ? base + 1 : p->path;
	n = strlen(base);
	if (n >= 5 && strcmp(base + n - 5, ".case") == 0)
		n -= 5;
	if (n == 0)
		return cf_fail(p, 0,
			       "no case name in the path; name the file "
			       "NAME.case");
	if (n >= sizeof(c->name))
		return cf_fail(
			p, 0,
			"case name too long (%zu characters); at most %zu", n,
			sizeof(c->name) - 1);
	memcpy(c->name, base, n);
	c->name[n] = '\0';
	return 0;
}

/* Keys whose free text may start with qualifiers. */
bool cf_text_key(int k)
{
	return k == K_TITLE || k == K_WHY || k == K_CLAIM || k == K_REF ||
	       k == K_QUIET;
}

/* The line of list (n lines) for probe on kernel kver: a ranged line that
 * applies wins over an unranged one. */
static const struct case_expect *pick_expect(const struct case_expect *list,
					     int n, const char *probe, int kver)
{
	const struct case_expect *any = NULL, *x;
	int i;

	for (i = 0; i < n; i++) {
		x = &list[i];
		if (strncmp(x->probe, probe, sizeof(x->probe)) != 0)
			continue;
		if (!is_ranged(&x->kr)) {
			if (!any)
				any = x;
			continue;
		}
		if (kver > 0 && (!x->kr.min || kver >= x->kr.min) &&
		    (!x->kr.max || kver < x->kr.max))
			return x;
	}
	return any;
}

const struct case_expect *case_expect_for(const struct case_def *c,
					  const char *probe, int kver)
{
	if (!c || !probe)
		return NULL;
	return pick_expect(c->expects,
			   c->nexpects < CASE_MAX_EXPECTS ? c->nexpects
							  : CASE_MAX_EXPECTS,
			   probe, kver);
}

const struct case_expect *case_claim_for(const struct case_def *c,
					 const char *probe, int kver)
{
	if (!c || !probe)
		return NULL;
	return pick_expect(c->claims,
			   c->nclaims < CASE_MAX_PROBES ? c->nclaims
							: CASE_MAX_PROBES,
			   probe, kver);
}

const char *case_explain_for(const struct case_def *c, const char *probe)
{
	int i, n;

	if (!c || !probe)
		return NULL;
	n = c->nexplains < CASE_MAX_PROBES ? c->nexplains : CASE_MAX_PROBES;
	for (i = 0; i < n; i++)
		if (strncmp(c->explains[i].probe, probe,
			    sizeof(c->explains[i].probe)) == 0)
			return c->explains[i].text;
	return NULL;
}

const char *expect_item_str(const struct expect_item *e, char *buf, size_t len)
{
	char en[16], on[16];
	const char *ename, *oname;

	if (!buf || len == 0)
		return "";
	if (!e) {
		buf[0] = '\0';
		return buf;
	}
	ename = e->err == EXPECT_NO_ERRNO ? "-"
		: e->is_number		  ? NULL
					  : errno_name(e->err);
	if (!ename) {
		snprintf(en, sizeof(en), "%d", e->err);
		ename = en;
	}
	if (!e->has_icmp) {
		snprintf(buf, len, "%.*s:%s", TOKEN_MAX, e->via, ename);
		return buf;
	}
	oname = tok2str(ee_origin_names, e->origin, NULL);
	if (!oname) {
		snprintf(on, sizeof(on), "%d", e->origin);
		oname = on;
	}
	snprintf(buf, len, "%.*s:%s/%s/%d/%d", TOKEN_MAX, e->via, ename, oname,
		 e->type, e->code);
	return buf;
}

const char *expect_results_str(const struct case_expect *x, char *buf,
			       size_t len)
{
	char item[TOKEN_MAX + 64];
	size_t used = 0;
	int i, n, r;

	if (!buf || len == 0)
		return "";
	buf[0] = '\0';
	if (!x)
		return buf;
	if (x->n <= 0) {
		snprintf(buf, len, "none");
		return buf;
	}
	n = x->n < CASE_MAX_RESULTS ? x->n : CASE_MAX_RESULTS;
	for (i = 0; i < n; i++) {
		expect_item_str(&x->items[i], item, sizeof(item));
		r = snprintf(buf + used, len - used, "%s%s", i ? " " : "",
			     item);
		if (r < 0 || (size_t)r >= len - used)
			break;
		used += (size_t)r;
	}
	return buf;
}

static const char *range_str(const struct kernel_range *kr, char *buf,
			     size_t len)
{
	int n = 0;

	buf[0] = '\0';
	if (kr->min)
		n = snprintf(buf, len, " kernel>=%d.%d", kr->min / 1000,
			     kr->min % 1000);
	if (kr->max && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " kernel<%d.%d",
			 kr->max / 1000, kr->max % 1000);
	return buf;
}

static void write_expects(FILE *f, const char *key, const struct case_expect *x,
			  int n)
{
	char res[CASE_MAX_RESULTS * (TOKEN_MAX + 64)], kr[64];
	int i;

	for (i = 0; i < n; i++)
		fprintf(f, "%-8s %s%s %s\n", key, x[i].probe,
			range_str(&x[i].kr, kr, sizeof(kr)),
			expect_results_str(&x[i], res, sizeof(res)));
}

/* The members case_def_copy copies whole, between the arrays it copies
 * only as far as their counts, in the order they are declared. */
_Static_assert(offsetof(struct case_def, nexpects) <
			       offsetof(struct case_def, expects) &&
		       offsetof(struct case_def, expects) <
			       offsetof(struct case_def, nexplains) &&
		       offsetof(struct case_def, nexplains) <
			       offsetof(struct case_def, explains) &&
		       offsetof(struct case_def, explains) <
			       offsetof(struct case_def, why) &&
		       offsetof(struct case_def, nrefs) <
			       offsetof(struct case_def, refs) &&
		       offsetof(struct case_def, refs) <
			       offsetof(struct case_def, nclaims) &&
		       offsetof(struct case_def, nclaims) <
			       offsetof(struct case_def, claims) &&
		       offsetof(struct case_def, claims) <
			       offsetof(struct case_def, command),
	       "case_def_copy's spans follow the members' order");

/* dst's bytes [from, to) from src's. */
static void span(struct case_def *dst, const struct case_def *src,
		 size_t from, size_t to)
{
	memcpy((char *)dst + from, (const char *)src + from, to - from);
}

/* n elements of size each at offset at, n clamped to max. */
static void used(struct case_def *dst, const struct case_def *src,
		 size_t at, int n, int max, size_t size)
{
	if (n < 0)
		n = 0;
	if (n > max)
		n = max;
	span(dst, src, at, at + (size_t)n * size);
}

void case_def_copy(struct case_def *dst, const struct case_def *src)
{
#define AT(m) offsetof(struct case_def, m)
	span(dst, src, 0, AT(expects));
	used(dst, src, AT(expects), src->nexpects, CASE_MAX_EXPECTS,
	     sizeof(src->expects[0]));
	span(dst, src, AT(nexplains), AT(explains));
	used(dst, src, AT(explains), src->nexplains, CASE_MAX_PROBES,
	     sizeof(src->explains[0]));
	span(dst, src, AT(why), AT(refs));
	used(dst, src, AT(refs), src->nrefs, CASE_MAX_REFS,
	     sizeof(src->refs[0]));
	span(dst, src, AT(nclaims), AT(claims));
	used(dst, src, AT(claims), src->nclaims, CASE_MAX_PROBES,
	     sizeof(src->claims[0]));
	span(dst, src, AT(command), sizeof(*src));
#undef AT
}

int case_write(FILE *f, const struct case_def *c)
{
	int i;

	fprintf(f, "# %s: instance '%s' of %s\n", c->group, c->name, c->path);
	fprintf(f, "title    %s\n", c->title);
	fprintf(f, "family   %s\n", c->family == AF_INET6 ? "ipv6" : "ipv4");
	fprintf(f, "fault    %s", c->fault);
	for (i = 0; i < c->nparams; i++)
		fprintf(f, " %s=%s", c->params[i].key, c->params[i].val);
	fprintf(f, "\nprobes  ");
	for (i = 0; i < c->nprobes; i++)
		fprintf(f, " %s", c->probes[i]);
	fprintf(f, "\n");
	write_expects(f, "expect", c->expects, c->nexpects);
	for (i = 0; i < c->nexplains; i++)
		fprintf(f, "explain  %s %s\n", c->explains[i].probe,
			c->explains[i].text);
	fprintf(f, "why      %s\n", c->why);
	for (i = 0; i < c->nrefs; i++)
		fprintf(f, "ref      %s\n", c->refs[i]);
	if (c->quiet_ms)
		fprintf(f, "quiet    %d\n", c->quiet_ms);
	if (c->claim[0])
		fprintf(f, "claim    %s\n", c->claim);
	write_expects(f, "claim-expect", c->claims, c->nclaims);
	if (c->command[0])
		fprintf(f, "command  %s\n", c->command);
	fprintf(f, "\n");
	return ferror(f) ? -1 : 0;
}
