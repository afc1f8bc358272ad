/* Case-file parser. The syntax is described in casefile.h.
 *
 * The parser works one line at a time on a bounded copy of the line, so no
 * input can make it read or write outside its buffers. Every check that
 * needs the whole file (required keys, expect lines for listed probes) runs
 * once the last line has been read, with the line numbers kept on the way.
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

#define SHOW		 "%.64s" /* how much of a bad token a message quotes back */
#define DIR_DEPTH_MAX	 16	 /* nesting of directories under a case dir */
#define VERSION_PART_MAX 999	 /* so that major*1000+minor stays unique */
#define QUIET_MIN	 1
#define QUIET_MAX	 10000
#define ICMP_FIELD_MAX	 255

struct parser;
typedef int (*key_fn)(struct parser *p, char *rest);

enum key_id {
	K_TITLE,
	K_FAMILY,
	K_FAULT,
	K_PROBES,
	K_EXPECT,
	K_EXPLAIN,
	K_WHY,
	K_REF,
	K_QUIET,
	K_CLAIM,
	K_CLAIM_EXPECT,
	K_COMMAND,
	K_VARS,
	K_ISOLATE,
	K_ROW,
	K_GROUP,
	K_COUNT
};

struct key_def {
	const char *name;
	bool once;
	bool required;
	const char *usage; /* the line as a user would write it */
	key_fn fn;
};

struct parser {
	const char *path;
	int line;
	const struct case_vocab *v;
	const struct case_lib *lib; /* groups and catalogue; may be NULL */
	struct case_def *c;
	char *err;
	size_t errlen;
	int key_line[K_COUNT]; /* first line of each key; 0 = not seen */
	int probe_line[CASE_MAX_PROBES]; /* where each probe was listed */
	int explain_line[CASE_MAX_PROBES];
};

static void verrf(char *err, size_t errlen, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(const struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void verrf(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (!err || errlen == 0)
		return;
	if (vsnprintf(err, errlen, fmt, ap) < 0)
		err[0] = '\0';
}

static void errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Writes "path:line: message" (or "path: message" for line 0). Returns -1
 * so that callers can write `return fail(...)`. */
static int fail(const struct parser *p, int line, const char *fmt, ...)
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
static const char *errno_text(int e, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(e));
	if (buf[0])
		buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

/* Appends s to buf (holding a string), keeping it terminated. Returns false
 * if s did not fit whole. */
static bool append(char *buf, size_t len, const char *s)
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
		if ((i > 0 && !append(buf, len - 5, ", ")) ||
		    !append(buf, len - 5, names[i])) {
			append(buf, len, ", ...");
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
		if ((i > 0 && !append(buf, len - 5, ", ")) ||
		    !append(buf, len - 5, t[i].s)) {
			append(buf, len, ", ...");
			break;
		}
	}
	return buf;
}

/* names[0..n) joined with ", " into buf. */
static const char *join_array(const char (*names)[TOKEN_MAX], int n, char *buf,
			      size_t len)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			append(buf, len, ", ");
		append(buf, len, names[i]);
	}
	return buf;
}

static bool in_list(const char *const *names, const char *s)
{
	size_t i;

	for (i = 0; names && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return true;
	return false;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static char *skip_blanks(char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

/* The next blank-separated token of *s, terminated in place; NULL at the end
 * of the line. */
static char *next_token(char **s)
{
	char *t = skip_blanks(*s);
	char *e = t;

	if (!*t)
		return NULL;
	while (*e && !is_blank(*e))
		e++;
	if (*e)
		*e++ = '\0';
	*s = e;
	return t;
}

/* A lowercase token: [a-z0-9_]+. */
static bool is_lower_token(const char *s)
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
static bool is_name_token(const char *s)
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
static int set_text(struct parser *p, const char *key, const char *text,
		    char *dst, size_t dstlen)
{
	size_t n = strlen(text);

	if (n >= dstlen)
		return fail(p, p->line,
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
		return fail(p, p->line,
			    "%s '" SHOW "' too long; names are at most %d "
			    "characters",
			    what, tok, TOKEN_MAX - 1);
	memcpy(dst, tok, n + 1);
	return 0;
}

static int unknown_probe(struct parser *p, const char *name)
{
	char list[CASE_TEXT_MAX];

	return fail(p, p->line, "unknown probe '" SHOW "'; expected one of: %s",
		    name, join_names(p->v->probes, list, sizeof(list)));
}

static int only_token(struct parser *p, const char *key, char *rest,
		      const char *usage, char **tok)
{
	char *extra;

	*tok = next_token(&rest);
	extra = next_token(&rest);
	if (extra)
		return fail(p, p->line,
			    "unexpected '" SHOW "' after the %s; expected '%s'",
			    extra, key, usage);
	return 0;
}

static int do_title(struct parser *p, char *rest)
{
	return set_text(p, "title", rest, p->c->title, sizeof(p->c->title));
}

static int do_why(struct parser *p, char *rest)
{
	return set_text(p, "why", rest, p->c->why, sizeof(p->c->why));
}

static int do_claim(struct parser *p, char *rest)
{
	return set_text(p, "claim", rest, p->c->claim, sizeof(p->c->claim));
}

static int do_ref(struct parser *p, char *rest)
{
	struct case_def *c = p->c;

	if (c->nrefs >= CASE_MAX_REFS)
		return fail(p, p->line,
			    "too many ref lines (more than %d); put several "
			    "references on one line, separated by ';'",
			    CASE_MAX_REFS);
	if (set_text(p, "ref", rest, c->refs[c->nrefs], sizeof(c->refs[0])))
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
		return fail(p, p->line,
			    "bad quiet value '" SHOW "'; expected a whole "
			    "number of milliseconds, %d..%d",
			    tok, QUIET_MIN, QUIET_MAX);
	if (r == -2)
		return fail(p, p->line,
			    "quiet value '" SHOW "' out of range; expected "
			    "%d..%d milliseconds",
			    tok, QUIET_MIN, QUIET_MAX);
	p->c->quiet_ms = (int)ms;
	return 0;
}

static int add_param(struct parser *p, char *tok)
{
	struct case_def *c = p->c;
	struct case_param *cp;
	char *eq = strchr(tok, '=');
	char why[CASE_TEXT_MAX];
	size_t klen, vlen;
	int i;

	if (!eq || eq == tok || !eq[1])
		return fail(p, p->line,
			    "bad fault parameter '" SHOW "'; expected "
			    "key=value",
			    tok);
	*eq = '\0';
	klen = strlen(tok);
	vlen = strlen(eq + 1);
	if (!is_lower_token(tok))
		return fail(p, p->line,
			    "bad fault parameter name '" SHOW "'; expected "
			    "lowercase letters, digits and '_'",
			    tok);
	if (klen >= sizeof(cp->key))
		return fail(p, p->line,
			    "fault parameter name '" SHOW "' too long; at most "
			    "%zu characters",
			    tok, sizeof(cp->key) - 1);
	if (vlen >= sizeof(cp->val))
		return fail(p, p->line,
			    "value of fault parameter '%s' too long (%zu "
			    "characters); at most %zu",
			    tok, vlen, sizeof(cp->val) - 1);
	for (i = 0; i < c->nparams; i++)
		if (strcmp(c->params[i].key, tok) == 0)
			return fail(
				p, p->line,
				"fault parameter '%s' given twice; keep one",
				tok);
	if (c->nparams >= CASE_MAX_PARAMS)
		return fail(p, p->line,
			    "too many fault parameters (more than %d)",
			    CASE_MAX_PARAMS);
	if (p->v->check_param) {
		why[0] = '\0';
		if (p->v->check_param(c->fault, tok, eq + 1, why,
				      sizeof(why)) != 0) {
			why[sizeof(why) - 1] = '\0';
			return fail(p, p->line,
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
	char *tok = next_token(&rest);

	if (!in_list(p->v->faults, tok))
		return fail(p, p->line,
			    "unknown fault '" SHOW "'; expected one of: %s",
			    tok, join_names(p->v->faults, list, sizeof(list)));
	if (set_token(p, "fault name", tok, p->c->fault))
		return -1;
	while ((tok = next_token(&rest)))
		if (add_param(p, tok))
			return -1;
	return 0;
}

static int probe_targets(struct parser *p, const struct case_lib *lib,
			 const char *tok, const char **out);

static int find_probe(const struct case_def *c, const char *name)
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

	while ((tok = next_token(&rest))) {
		n = probe_targets(p, p->lib, tok, t);
		if (n < 0)
			return -1;
		for (j = 0; j < n; j++) {
			i = find_probe(c, t[j]);
			if (i >= 0)
				return fail(p, p->line,
					    "probe '%s' listed twice; the "
					    "first is on line %d, keep one",
					    t[j], p->probe_line[i]);
			if (c->nprobes >= CASE_MAX_PROBES)
				return fail(p, p->line,
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
		return fail(p, p->line, "result too long");
	memcpy(buf, tok, len + 1);
	colon = strchr(buf, ':');
	if (!colon || colon == buf || !colon[1])
		return fail(p, p->line,
			    "bad result '" SHOW "'; expected none, VIA:ERRNO "
			    "or VIA:ERRNO/ORIGIN/TYPE/CODE, e.g. "
			    "recv:ECONNREFUSED",
			    tok);
	*colon = '\0';
	if (!is_lower_token(buf))
		return fail(p, p->line,
			    "bad via '" SHOW "' in result '" SHOW "'; expected "
			    "lowercase letters, digits and '_', e.g. recv",
			    buf, tok);
	if (strlen(buf) >= sizeof(it->via))
		return fail(p, p->line,
			    "via '" SHOW "' too long; at most %zu characters",
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
		return fail(p, p->line,
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
			return fail(p, p->line,
				    "bad number '" SHOW "' in result '" SHOW
				    "'; expected 0..4095",
				    part[0], tok);
		it->err = (int)num;
		it->is_number = true;
	} else if (errno_from_name(part[0], &it->err) != 0)
		return fail(p, p->line,
			    "unknown errno '" SHOW "' in result '" SHOW "'; "
			    "expected an errno name such as ECONNREFUSED, '-' "
			    "or a number",
			    part[0], tok);
	if (nparts == 1)
		return 0;
	if (str2tok(ee_origin_names, part[1], &it->origin) != 0)
		return fail(p, p->line,
			    "unknown origin '" SHOW "' in result '" SHOW "'; "
			    "expected one of: %s",
			    part[1], tok,
			    join_toks(ee_origin_names, list, sizeof(list)));
	for (i = 2; i < 4; i++) {
		if (num_parse(part[i], 0, ICMP_FIELD_MAX, &num) != 0)
			return fail(p, p->line,
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
		return fail(p, p->line,
			    "bad kernel range '" SHOW "'; expected kernel>=X.Y "
			    "or kernel<X.Y, e.g. kernel>=6.1",
			    tok);
	}
	k = parse_version(ver, &end);
	if (k < 0 || *end || k < 1000)
		return fail(p, p->line,
			    "bad kernel version '" SHOW "' in '" SHOW "'; "
			    "expected X.Y with X 1..%d and Y 0..%d, e.g. 6.1",
			    ver, tok, VERSION_PART_MAX, VERSION_PART_MAX);
	bound = lower ? &kr->min : &kr->max;
	if (*bound)
		return fail(p, p->line,
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
			return fail(p, p->line,
				    "second expect for probe '%s' without a "
				    "kernel range; the first is on line %d, "
				    "give one of them kernel>= or kernel<",
				    x->probe, o->line);
		if (ranges_overlap(&o->kr, &x->kr))
			return fail(p, p->line,
				    "kernel range overlaps the expect for "
				    "probe '%s' on line %d; make the ranges "
				    "disjoint",
				    x->probe, o->line);
	}
	return 0;
}

/* The body of an expect or claim-expect line, into x. */
static int parse_expect(struct parser *p, char *rest, struct case_expect *x)
{
	char *tok = next_token(&rest);
	bool none = false;

	if (!in_list(p->v->probes, tok))
		return unknown_probe(p, tok);
	memset(x, 0, sizeof(*x));
	if (set_token(p, "probe name", tok, x->probe))
		return -1;
	x->line = p->line;
	while ((tok = next_token(&rest))) {
		if (strncmp(tok, "kernel", 6) == 0) {
			if (x->n > 0 || none)
				return fail(p, p->line,
					    "kernel range '" SHOW "' after the "
					    "results; put kernel>= and kernel< "
					    "before them",
					    tok);
			if (parse_range(p, tok, &x->kr))
				return -1;
			continue;
		}
		if (none || (x->n > 0 && strcmp(tok, "none") == 0))
			return fail(p, p->line,
				    "'none' must be the only result; remove "
				    "it or the others");
		if (strcmp(tok, "none") == 0) {
			none = true;
			continue;
		}
		if (x->n >= CASE_MAX_RESULTS)
			return fail(p, p->line,
				    "too many results (more than %d) on one "
				    "expect line",
				    CASE_MAX_RESULTS);
		if (parse_result(p, tok, &x->items[x->n]))
			return -1;
		x->n++;
	}
	if (!none && x->n == 0)
		return fail(p, p->line,
			    "no result for probe '%s'; expected 'expect %s "
			    "[kernel>=X.Y] [kernel<X.Y] RESULT ...' or 'none'",
			    x->probe, x->probe);
	if (x->kr.min && x->kr.max && x->kr.min >= x->kr.max)
		return fail(
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
		return fail(p, p->line,
			    "too many expect lines (more than %d); split the "
			    "case",
			    CASE_MAX_EXPECTS);
	if (parse_expect(p, rest, x) || check_expect_clash(p, x))
		return -1;
	c->nexpects++;
	return 0;
}

static int do_claim_expect(struct parser *p, char *rest)
{
	struct case_def *c = p->c;

	if (c->nclaims >= CASE_MAX_PROBES)
		return fail(p, p->line,
			    "too many claim-expect lines (more than %d)",
			    CASE_MAX_PROBES);
	if (parse_expect(p, rest, &c->claims[c->nclaims]))
		return -1;
	c->nclaims++;
	return 0;
}

static int do_command(struct parser *p, char *rest)
{
	return set_text(p, "command", rest, p->c->command,
			sizeof(p->c->command));
}

static int do_explain(struct parser *p, char *rest)
{
	struct case_def *c = p->c;
	struct case_explain *e;
	char *tok = next_token(&rest);
	int i;

	if (!in_list(p->v->probes, tok))
		return unknown_probe(p, tok);
	for (i = 0; i < c->nexplains; i++)
		if (strcmp(c->explains[i].probe, tok) == 0)
			return fail(p, p->line,
				    "second explain for probe '%s'; the first "
				    "is on line %d, keep one",
				    tok, p->explain_line[i]);
	if (c->nexplains >= CASE_MAX_PROBES)
		return fail(p, p->line, "too many explain lines (more than %d)",
			    CASE_MAX_PROBES);
	e = &c->explains[c->nexplains];
	if (set_token(p, "probe name", tok, e->probe))
		return -1;
	rest = skip_blanks(rest);
	if (!*rest)
		return fail(p, p->line,
			    "explain for probe '%s' has no text; expected "
			    "'explain %s <why this probe sees what it sees>'",
			    tok, tok);
	if (set_text(p, "explain", rest, e->text, sizeof(e->text)))
		return -1;
	p->explain_line[c->nexplains++] = p->line;
	return 0;
}

static const struct key_def keys[K_COUNT + 1] = {
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
	[K_CLAIM] = {"claim", true, false, "claim <statement>", do_claim},
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
static void strip_comment(char *line)
{
	char *s;

	for (s = line; *s; s++) {
		if (*s == '#' && (s == line || is_blank(s[-1]))) {
			*s = '\0';
			return;
		}
	}
}

static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = '\0';
}

/* Checks that need the whole file. */
static int finish(struct parser *p)
{
	const struct case_def *c = p->c;
	int i, k;

	for (k = 0; keys[k].name; k++)
		if (keys[k].required && !p->key_line[k])
			return fail(p, 0, "missing '%s'; expected a line '%s'",
				    keys[k].name, keys[k].usage);
	for (i = 0; i < c->nexpects; i++)
		if (find_probe(c, c->expects[i].probe) < 0)
			return fail(p, c->expects[i].line,
				    "expect for probe '%s', which is not in "
				    "'probes'; add it there or remove this "
				    "line",
				    c->expects[i].probe);
	for (i = 0; i < c->nclaims; i++) {
		if (!c->claim[0])
			return fail(p, c->claims[i].line,
				    "claim-expect without a claim; add a line "
				    "'claim <statement>'");
		if (find_probe(c, c->claims[i].probe) < 0)
			return fail(p, c->claims[i].line,
				    "claim-expect for probe '%s', which is not "
				    "in 'probes'; add it there or remove this "
				    "line",
				    c->claims[i].probe);
	}
	for (i = 0; i < c->nexplains; i++)
		if (find_probe(c, c->explains[i].probe) < 0)
			return fail(p, p->explain_line[i],
				    "explain for probe '%s', which is not in "
				    "'probes'; add it there or remove this "
				    "line",
				    c->explains[i].probe);
	for (i = 0; i < c->nprobes; i++) {
		for (k = 0; k < c->nexpects; k++)
			if (strcmp(c->expects[k].probe, c->probes[i]) == 0)
				break;
		if (k == c->nexpects)
			return fail(
				p, p->probe_line[i],
				"probe '%s' has no expect line; add "
				"'expect %s RESULT ...' or 'expect %s none'",
				c->probes[i], c->probes[i], c->probes[i]);
	}
	return 0;
}

/* path and name: the name is the base name without ".case". */
static int set_path(struct parser *p)
{
	struct case_def *c = p->c;
	const char *base = strrchr(p->path, '/');
	size_t n = strlen(p->path);

	if (n >= sizeof(c->path))
		return fail(p, 0, "path too long (%zu characters); at most %zu",
			    n, sizeof(c->path) - 1);
	memcpy(c->path, p->path, n + 1);
	base = base ? base + 1 : p->path;
	n = strlen(base);
	if (n >= 5 && strcmp(base + n - 5, ".case") == 0)
		n -= 5;
	if (n == 0)
		return fail(p, 0,
			    "no case name in the path; name the file "
			    "NAME.case");
	if (n >= sizeof(c->name))
		return fail(p, 0,
			    "case name too long (%zu characters); at most %zu",
			    n, sizeof(c->name) - 1);
	memcpy(c->name, base, n);
	c->name[n] = '\0';
	return 0;
}

/* Keys whose free text may start with qualifiers. */
static bool text_key(int k)
{
	return k == K_TITLE || k == K_WHY || k == K_CLAIM || k == K_REF ||
	       k == K_QUIET;
}

/* ---- One file as read: its lines, rows and axes ------------------------ */

/* A line of a file, kept for replay into each instance. */
struct src_line {
	int key;    /* enum key_id */
	int line;   /* 1-based line number */
	int block;  /* -1: the file's own lines; else the row's index */
	char *rest; /* the text after the key, comment and end blanks cut */
};

struct src_row {
	char *name;
	char *args; /* the key=value tokens after the name */
	int line;
	int isolate; /* 0: as the file says; 1: per probe; 2: none */
};

struct case_src {
	const char *path;
	char *own_path; /* a .defs file's copy of its path */
	char *store;	/* every line's rest, NUL-terminated, back to back */
	struct src_line *lines;
	int nlines;
	struct src_row *rows;
	int nrows;
	char vars[CASE_MAX_VARS][TOKEN_MAX];
	int nvars;
	int fams[2];
	int nfams;
	bool isolate;
	int family_line;
	/* Names a qualifier may test: the built-ins, the vars and every fault
	 * parameter the file sets (filled by plan). */
	char known[CASE_MAX_VARS + 4 * CASE_MAX_PARAMS + 4][TOKEN_MAX];
	int nknown;
};

struct group_def {
	char name[TOKEN_MAX]; /* with its '@' */
	int n;
	char probes[CASE_MAX_PROBES][TOKEN_MAX];
};

struct case_lib {
	struct group_def groups[CASE_MAX_GROUPS];
	int ngroups;
	struct case_src *defs; /* the .defs files: catalogue explain lines */
	int ndefs;
};

static void src_free(struct case_src *s)
{
	if (!s)
		return;
	free(s->store);
	free(s->lines);
	free(s->rows);
	memset(s, 0, sizeof(*s));
}

static int index_of(const char (*names)[TOKEN_MAX], int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* Variable names the instance always has. */
static const char *const builtin_vars[] = {"family", "fault", "row", "probe",
					   NULL};

static int scan_vars(struct parser *p, struct case_src *s, char *rest)
{
	char *tok;

	while ((tok = next_token(&rest))) {
		if (!is_lower_token(tok) || strlen(tok) >= TOKEN_MAX)
			return fail(p, p->line,
				    "bad variable name '" SHOW "'; expected "
				    "lowercase letters, digits and '_'",
				    tok);
		if (in_list(builtin_vars, tok) || strcmp(tok, "kernel") == 0)
			return fail(p, p->line,
				    "variable '%s' is built in; choose another "
				    "name",
				    tok);
		if (index_of(s->vars, s->nvars, tok) >= 0)
			return fail(p, p->line,
				    "variable '%s' named twice; keep one", tok);
		if (s->nvars >= CASE_MAX_VARS)
			return fail(p, p->line,
				    "too many variables (more than %d)",
				    CASE_MAX_VARS);
		memcpy(s->vars[s->nvars++], tok, strlen(tok) + 1);
	}
	return 0;
}

static int scan_family(struct parser *p, struct case_src *s, char *rest)
{
	char *tok;
	int f, i;

	while ((tok = next_token(&rest))) {
		if (strcmp(tok, "ipv4") == 0)
			f = AF_INET;
		else if (strcmp(tok, "ipv6") == 0)
			f = AF_INET6;
		else
			return fail(p, p->line,
				    "unknown family '" SHOW "'; expected one "
				    "of: ipv4, ipv6",
				    tok);
		for (i = 0; i < s->nfams; i++)
			if (s->fams[i] == f)
				return fail(p, p->line,
					    "family '%s' listed twice; keep "
					    "one",
					    tok);
		s->fams[s->nfams++] = f;
	}
	s->family_line = p->line;
	return 0;
}

static int scan_row(struct parser *p, struct case_src *s, char *rest)
{
	struct src_row *r;
	char *name = next_token(&rest);
	int i;

	/* name_instance checks the length with its suffixes. */
	if (!is_lower_token(name) || strlen(name) >= CASE_NAME_MAX)
		return fail(p, p->line,
			    "bad row name '" SHOW "'; expected lowercase "
			    "letters, digits and '_', at most %d characters",
			    name, CASE_NAME_MAX - 1);
	for (i = 0; i < s->nrows; i++)
		if (strcmp(s->rows[i].name, name) == 0)
			return fail(p, p->line,
				    "second row named '%s'; the first is on "
				    "line %d, rename one",
				    name, s->rows[i].line);
	if (s->nrows >= CASE_MAX_ROWS)
		return fail(p, p->line, "too many rows (more than %d)",
			    CASE_MAX_ROWS);
	r = &s->rows[s->nrows++];
	r->name = name;
	r->args = skip_blanks(rest);
	r->line = p->line;
	return 0;
}

/* Splits buf into lines, checks each line's bytes and key, and files it:
 * the file's axes (family, vars, isolate) and rows at once, the rest as
 * src_lines for replay. lib_file: a .defs file (group and explain only). */
static int scan(struct parser *p, const char *buf, size_t len,
		struct case_src *s, bool lib_file)
{
	char line[CASE_LINE_MAX + 1];
	int seen[K_COUNT];
	size_t pos = 0, n, i, used = 0;
	const char *t, *nl;
	unsigned char ch;
	char *key, *rest;
	int k, block = -1, cap_lines = 0;

	memset(seen, 0, sizeof(seen));
	s->path = p->path;
	s->store = malloc(len + 1);
	s->rows = calloc(CASE_MAX_ROWS, sizeof(*s->rows));
	if (!s->store || !s->rows)
		return fail(p, 0, "out of memory");
	while (pos < len) {
		t = buf + pos;
		nl = memchr(t, '\n', len - pos);
		n = nl ? (size_t)(nl - t) : len - pos;
		pos += n + (nl ? 1 : 0);
		if (p->line == INT_MAX)
			return fail(p, 0, "too many lines");
		p->line++;
		if (n > 0 && t[n - 1] == '\r')
			n--;
		if (n > CASE_LINE_MAX)
			return fail(p, p->line,
				    "line too long (%zu characters); keep "
				    "lines to at most %d",
				    n, CASE_LINE_MAX);
		for (i = 0; i < n; i++) {
			ch = (unsigned char)t[i];
			if (ch == '\0')
				return fail(p, p->line,
					    "NUL byte at column %zu; case "
					    "files are plain text",
					    i + 1);
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				return fail(p, p->line,
					    "control character 0x%02x at "
					    "column %zu; case files are plain "
					    "text",
					    ch, i + 1);
		}
		memcpy(line, t, n);
		line[n] = '\0';
		strip_comment(line);
		trim_end(line);
		rest = line;
		key = next_token(&rest);
		if (!key)
			continue;
		rest = skip_blanks(rest);
		for (k = 0; keys[k].name; k++)
			if (strcmp(keys[k].name, key) == 0)
				break;
		if (!keys[k].name) {
			char list[CASE_TEXT_MAX];
			int j;

			list[0] = '\0';
			for (j = 0; keys[j].name; j++) {
				if (j > 0)
					append(list, sizeof(list), ", ");
				append(list, sizeof(list), keys[j].name);
			}
			return fail(p, p->line,
				    "unknown key '" SHOW "'; expected one of: "
				    "%s",
				    key, list);
		}
		if (lib_file && k != K_GROUP && k != K_EXPLAIN && k != K_EXPECT)
			return fail(p, p->line,
				    "'%s' does not belong in a .defs file; it "
				    "holds only 'group', 'expect' and "
				    "'explain' lines",
				    key);
		if (!lib_file && k == K_GROUP)
			return fail(p, p->line,
				    "'group' lines belong in a .defs file "
				    "beside the cases, so that every case "
				    "sees the same groups");
		if (!*rest)
			return fail(p, p->line,
				    "'%s' needs a value; expected '%s'", key,
				    keys[k].usage);
		if (k == K_ROW) {
			memset(seen, 0, sizeof(seen));
			block = s->nrows;
		} else if (keys[k].once && seen[k] && !text_key(k)) {
			/* Qualified free-text lines may repeat; build()
			 * says when two apply to one instance. */
			return fail(p, p->line,
				    "second '%s' line; the first is on line "
				    "%d, keep only one",
				    key, seen[k]);
		}
		seen[k] = p->line;
		if (block >= 0 && (k == K_FAMILY || k == K_VARS))
			return fail(p, p->line,
				    "'%s' is for the whole file; move it "
				    "above the first row (line %d)",
				    key, s->rows[0].line);
		/* Keep the text: rest points into line, which is reused. */
		n = strlen(rest);
		memcpy(s->store + used, rest, n + 1);
		rest = s->store + used;
		used += n + 1;
		if (k == K_FAMILY) {
			if (scan_family(p, s, rest))
				return -1;
			continue;
		}
		if (k == K_VARS) {
			if (scan_vars(p, s, rest))
				return -1;
			continue;
		}
		if (k == K_ISOLATE) {
			bool per_probe = strcmp(rest, "probe") == 0;

			if (!per_probe && strcmp(rest, "none") != 0)
				return fail(p, p->line,
					    "bad isolate '" SHOW "'; expected "
					    "'isolate probe' or 'isolate none'",
					    rest);
			if (block >= 0)
				s->rows[block].isolate = per_probe ? 1 : 2;
			else
				s->isolate = per_probe;
			continue;
		}
		if (k == K_ROW) {
			if (scan_row(p, s, rest))
				return -1;
			continue;
		}
		if (s->nlines == cap_lines) {
			struct src_line *nv;

			cap_lines = cap_lines ? cap_lines * 2 : 64;
			nv = realloc(s->lines, (size_t)cap_lines * sizeof(*nv));
			if (!nv)
				return fail(p, 0, "out of memory");
			s->lines = nv;
		}
		s->lines[s->nlines++] =
			(struct src_line){k, p->line, block, rest};
	}
	return 0;
}

/* ---- Groups and the catalogue ------------------------------------------ */

static const struct group_def *find_group(const struct case_lib *lib,
					  const char *name)
{
	int i;

	if (!lib)
		return NULL;
	for (i = 0; i < lib->ngroups; i++)
		if (strcmp(lib->groups[i].name, name) == 0)
			return &lib->groups[i];
	return NULL;
}

static int unknown_group(struct parser *p, const struct case_lib *lib,
			 const char *name)
{
	char list[CASE_TEXT_MAX];
	int i;

	list[0] = '\0';
	for (i = 0; lib && i < lib->ngroups; i++) {
		if (i > 0)
			append(list, sizeof(list), ", ");
		append(list, sizeof(list), lib->groups[i].name);
	}
	return fail(p, p->line,
		    "unknown probe group '" SHOW "'; expected one of: %s "
		    "(groups are defined in the .defs files)",
		    name, list[0] ? list : "@all");
}

/* The probes a token names: itself, or a group's members. Returns the
 * count (>= 1) with the names in out; -1 on error. */
static int probe_targets(struct parser *p, const struct case_lib *lib,
			 const char *tok, const char **out)
{
	const struct group_def *g;
	int i;

	if (tok[0] != '@') {
		if (!in_list(p->v->probes, tok))
			return unknown_probe(p, tok);
		out[0] = tok;
		return 1;
	}
	g = find_group(lib, tok);
	if (!g && strcmp(tok, "@all") == 0) {
		int n = 0;

		for (i = 0; p->v->probes[i] && n < CASE_MAX_PROBES; i++)
			if (strcmp(p->v->probes[i], "cmd") != 0)
				out[n++] = p->v->probes[i];
		return n;
	}
	if (!g)
		return unknown_group(p, lib, tok);
	for (i = 0; i < g->n; i++)
		out[i] = g->probes[i];
	return g->n;
}

static int lib_group(struct parser *p, struct case_lib *lib, char *rest)
{
	struct group_def *g;
	char *name = next_token(&rest), *tok;

	if (name[0] != '@' || !is_name_token(name + 1) ||
	    strlen(name) >= TOKEN_MAX)
		return fail(p, p->line,
			    "bad group name '" SHOW "'; expected '@' and "
			    "lowercase letters, digits, '_' and '-', e.g. "
			    "@udp-core",
			    name);
	if (find_group(lib, name) || strcmp(name, "@all") == 0)
		return fail(p, p->line,
			    "group '%s' is already defined; keep one", name);
	if (lib->ngroups >= CASE_MAX_GROUPS)
		return fail(p, p->line, "too many groups (more than %d)",
			    CASE_MAX_GROUPS);
	g = &lib->groups[lib->ngroups];
	memset(g, 0, sizeof(*g));
	memcpy(g->name, name, strlen(name) + 1);
	while ((tok = next_token(&rest))) {
		const char *t[CASE_MAX_PROBES + 1];
		int n = probe_targets(p, lib, tok, t), i;

		if (n < 0)
			return -1;
		for (i = 0; i < n; i++) {
			if (index_of(g->probes, g->n, t[i]) >= 0)
				return fail(p, p->line,
					    "probe '%s' listed twice in group "
					    "'%s'",
					    t[i], name);
			if (g->n >= CASE_MAX_PROBES)
				return fail(p, p->line,
					    "too many probes in group '%s' "
					    "(more than %d)",
					    name, CASE_MAX_PROBES);
			memcpy(g->probes[g->n++], t[i], strlen(t[i]) + 1);
		}
	}
	if (g->n == 0)
		return fail(p, p->line,
			    "group '%s' has no probes; expected 'group %s "
			    "PROBE ...'",
			    name, name);
	lib->ngroups++;
	return 0;
}

struct case_lib *case_lib_new(void)
{
	return calloc(1, sizeof(struct case_lib));
}

void case_lib_free(struct case_lib *lib)
{
	int i;

	if (!lib)
		return;
	for (i = 0; i < lib->ndefs; i++) {
		free(lib->defs[i].own_path);
		src_free(&lib->defs[i]);
	}
	free(lib->defs);
	free(lib);
}

static void parser_init(struct parser *p, const char *path,
			const struct case_vocab *v, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->path = path ? path : "(no path)";
	p->v = v;
	p->err = err;
	p->errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
}

int case_lib_add_buf(struct case_lib *lib, const char *path, const char *buf,
		     size_t len, const struct case_vocab *v, char *err,
		     size_t errlen)
{
	struct parser p;
	struct case_src s, *nv;
	char copy[CASE_LINE_MAX + 1];
	int i;

	parser_init(&p, path, v, err, errlen);
	if (!lib || !v || !path || (!buf && len))
		return fail(&p, 0,
			    "case_lib_add_buf needs a library, a path, a "
			    "buffer and a vocabulary");
	memset(&s, 0, sizeof(s));
	if (scan(&p, buf, len, &s, true))
		goto bad;
	for (i = 0; i < s.nlines; i++) {
		const char *t[CASE_MAX_PROBES + 1];
		char *rest = copy, *tok;

		p.line = s.lines[i].line;
		memcpy(copy, s.lines[i].rest, strlen(s.lines[i].rest) + 1);
		if (s.lines[i].key == K_GROUP) {
			if (lib_group(&p, lib, copy))
				goto bad;
			continue;
		}
		/* A catalogue line: its probe or group must exist, and it
		 * needs a body. */
		tok = next_token(&rest);
		if (probe_targets(&p, lib, tok, t) < 0)
			goto bad;
		if (!*skip_blanks(rest)) {
			fail(&p, p.line, "'%s %s' has nothing after the probe",
			     keys[s.lines[i].key].name, tok);
			goto bad;
		}
	}
	nv = realloc(lib->defs, (size_t)(lib->ndefs + 1) * sizeof(*nv));
	if (!nv) {
		fail(&p, 0, "out of memory");
		goto bad;
	}
	lib->defs = nv;
	s.path = s.own_path = strdup(path);
	if (!s.own_path) {
		fail(&p, 0, "out of memory");
		goto bad;
	}
	lib->defs[lib->ndefs++] = s;
	return 0;
bad:
	s.path = NULL;
	src_free(&s);
	return -1;
}

/* ---- Instances: one per row, family and (isolated) probe ------------- */

struct vars {
	int n;
	char name[CASE_MAX_VARS + CASE_MAX_PARAMS + 4][TOKEN_MAX];
	char val[CASE_MAX_VARS + CASE_MAX_PARAMS + 4][CASE_NAME_MAX];
};

static const char *var_get(const struct vars *vs, const char *name)
{
	int i;

	for (i = 0; i < vs->n; i++)
		if (strcmp(vs->name[i], name) == 0)
			return vs->val[i];
	return NULL;
}

/* Sets name (overwriting); names and values that do not fit are left to
 * the parameter checks, which report them. */
static void var_set(struct vars *vs, const char *name, size_t nlen,
		    const char *val)
{
	int i;

	if (nlen >= TOKEN_MAX || strlen(val) >= CASE_NAME_MAX)
		return;
	for (i = 0; i < vs->n; i++)
		if (strlen(vs->name[i]) == nlen &&
		    strncmp(vs->name[i], name, nlen) == 0)
			break;
	if (i == vs->n) {
		if (vs->n >= (int)(sizeof(vs->name) / sizeof(vs->name[0])))
			return;
		vs->n++;
	}
	memcpy(vs->name[i], name, nlen);
	vs->name[i][nlen] = '\0';
	memcpy(vs->val[i], val, strlen(val) + 1);
}

/* key=value tokens of text into vs (fault parameters, or the row's). */
static void vars_from_params(struct vars *vs, const char *text)
{
	char copy[CASE_LINE_MAX + 1], *rest = copy, *tok, *eq;

	snprintf(copy, sizeof(copy), "%s", text);
	while ((tok = next_token(&rest)))
		if ((eq = strchr(tok, '=')) && eq != tok)
			var_set(vs, tok, (size_t)(eq - tok), eq + 1);
}

/* Replaces {NAME} in in with the variable's value. Returns 0; -1 with a
 * message for an unknown name or a result too long. */
static int subst(struct parser *p, const struct vars *vs, const char *in,
		 char *out, size_t outlen)
{
	char name[TOKEN_MAX], list[CASE_TEXT_MAX];
	const char *close, *val;
	size_t used = 0, n;

	while (*in) {
		if (*in != '{' || !(close = strchr(in, '}')) ||
		    (size_t)(close - in - 1) >= sizeof(name)) {
			if (used + 1 >= outlen)
				goto toolong;
			out[used++] = *in++;
			continue;
		}
		n = (size_t)(close - in - 1);
		memcpy(name, in + 1, n);
		name[n] = '\0';
		val = var_get(vs, name);
		if (!val) {
			join_array(vs->name, vs->n, list, sizeof(list));
			return fail(p, p->line,
				    "unknown variable '{" SHOW "}'; expected "
				    "one of: %s",
				    name, list);
		}
		n = strlen(val);
		if (used + n >= outlen)
			goto toolong;
		memcpy(out + used, val, n);
		used += n;
		in = close + 1;
	}
	out[used] = '\0';
	return 0;
toolong:
	return fail(p, p->line,
		    "line too long once its variables are filled "
		    "in; keep it to at most %zu characters",
		    outlen - 1);
}

/* A qualifier token: NAME=VALUE[|VALUE...], NAME not "kernel". */
static bool is_qualifier(const char *tok)
{
	const char *eq = strchr(tok, '=');
	size_t i;

	if (!eq || eq == tok || !eq[1] || strncmp(tok, "kernel", 6) == 0)
		return false;
	for (i = 0; tok + i < eq; i++)
		if (!((tok[i] >= 'a' && tok[i] <= 'z') ||
		      (tok[i] >= '0' && tok[i] <= '9') || tok[i] == '_'))
			return false;
	return true;
}

/* Does VALUE list (a|b|c) hold val? */
static bool value_in(const char *list, const char *val)
{
	size_t n = strlen(val);
	const char *s = list, *bar;

	for (;;) {
		bar = strchr(s, '|');
		if ((bar ? (size_t)(bar - s) : strlen(s)) == n &&
		    strncmp(s, val, n) == 0)
			return true;
		if (!bar)
			return false;
		s = bar + 1;
	}
}

/* A per-probe line (expect, explain, claim-expect) taken apart for one
 * instance. */
struct probe_line {
	const struct src_line *src;
	const char *path; /* its file (a .defs file for the catalogue) */
	char target[TOKEN_MAX + 1]; /* probe or @group; longer is cut */
	const char *body; /* into src->rest: what follows the qualifiers */
	int nquals;
	bool matches;		 /* every qualifier holds for the instance */
	char unknown[TOKEN_MAX]; /* a qualifier's name the file does not know */
};

/* Reads the qualifiers at the start of t: tokens NAME=V[|V...]. With s,
 * only names s knows are qualifiers (free text may hold '='), without s
 * every such token is (a catalogue line). Sets *body past them, counts
 * them and says whether all hold for vs; *unknown gets the first name s
 * does not know (per-probe lines report it). */
static void split_quals(const char *t, const struct case_src *s, bool text,
			const struct vars *vs, const char **body, int *nquals,
			bool *matches, char *unknown)
{
	char tok[CASE_LINE_MAX + 1];
	const char *e, *val;
	char *eq;
	size_t n;

	*nquals = 0;
	*matches = true;
	if (unknown)
		unknown[0] = '\0';
	for (;;) {
		while (is_blank(*t))
			t++;
		for (e = t; *e && !is_blank(*e); e++)
			;
		n = (size_t)(e - t);
		memcpy(tok, t, n);
		tok[n] = '\0';
		if (n == 0 || !is_qualifier(tok))
			break;
		eq = strchr(tok, '=');
		*eq = '\0';
		if (s && index_of(s->known, s->nknown, tok) < 0) {
			if (text)
				break;
			if (unknown && !unknown[0])
				snprintf(unknown, TOKEN_MAX, "%.*s",
					 TOKEN_MAX - 1, tok);
		}
		val = var_get(vs, tok);
		if (!val || !value_in(eq + 1, val))
			*matches = false;
		(*nquals)++;
		t = e;
	}
	*body = t;
}

/* Splits a per-probe line and says whether its qualifiers match vs. s is
 * the line's case file, NULL for a catalogue line. */
static void split_probe_line(const struct src_line *src, const char *path,
			     const struct case_src *s, const struct vars *vs,
			     struct probe_line *pl)
{
	const char *t = src->rest, *e;
	size_t n;

	pl->src = src;
	pl->path = path;
	while (is_blank(*t))
		t++;
	for (e = t; *e && !is_blank(*e); e++)
		;
	n = (size_t)(e - t);
	n = n > TOKEN_MAX ? TOKEN_MAX : n;
	memcpy(pl->target, t, n);
	pl->target[n] = '\0';
	split_quals(e, s, false, vs, &pl->body, &pl->nquals, &pl->matches,
		    pl->unknown);
}

/* How well a matching line fits a probe: 0 when it does not name it. */
static int line_score(struct parser *p, const struct case_lib *lib,
		      const struct probe_line *pl, const char *probe,
		      bool own_row)
{
	const char *t[CASE_MAX_PROBES + 1];
	int n, i;

	if (!pl->matches)
		return 0;
	if (pl->target[0] != '@') {
		if (strcmp(pl->target, probe) != 0)
			return 0;
		return (own_row ? 10000 : 0) + 10 * pl->nquals + 2;
	}
	n = probe_targets(p, lib, pl->target, t);
	for (i = 0; i < n; i++)
		if (strcmp(t[i], probe) == 0)
			return (own_row ? 10000 : 0) + 10 * pl->nquals + 1;
	return 0;
}

/* Runs a key's handler with the once check of a single file. */
static int apply_key(struct parser *p, int k, int line, char *text)
{
	p->line = line;
	if (keys[k].once && p->key_line[k])
		return fail(p, p->line,
			    "second '%s' line; the first is on line %d, keep "
			    "only one",
			    keys[k].name, p->key_line[k]);
	if (!p->key_line[k])
		p->key_line[k] = p->line;
	return keys[k].fn(p, text);
}

/* Whether the row's own block has a line of key k. */
static bool row_has(const struct case_src *s, int row, int k)
{
	int i;

	for (i = 0; i < s->nlines; i++)
		if (s->lines[i].block == row && s->lines[i].key == k)
			return true;
	return false;
}

/* The fault parameters and variables a row sets: key=value tokens whose
 * key is a var go to vs only; the rest are fault parameters, applied
 * after the fault line (rowparams). */
static int row_args(struct parser *p, const struct case_src *s,
		    const struct src_row *r, struct vars *vs, char *params,
		    size_t plen)
{
	char copy[CASE_LINE_MAX + 1], *rest = copy, *tok, *eq;
	size_t used = 0, n;

	params[0] = '\0';
	if (!r)
		return 0;
	p->line = r->line;
	snprintf(copy, sizeof(copy), "%s", r->args);
	while ((tok = next_token(&rest))) {
		eq = strchr(tok, '=');
		if (!eq || eq == tok || !eq[1])
			return fail(p, p->line,
				    "bad row argument '" SHOW "'; expected "
				    "key=value (a fault parameter or one of "
				    "the vars)",
				    tok);
		*eq = '\0';
		if (index_of(s->vars, s->nvars, tok) >= 0) {
			if (strlen(eq + 1) >= CASE_NAME_MAX)
				return fail(p, p->line,
					    "value of '%s' too long; at most "
					    "%d characters",
					    tok, CASE_NAME_MAX - 1);
			var_set(vs, tok, strlen(tok), eq + 1);
			continue;
		}
		*eq = '=';
		n = strlen(tok);
		if (used + n + 2 > plen)
			return fail(p, p->line, "row line too long");
		memcpy(params + used, tok, n);
		used += n;
		params[used++] = ' ';
		params[used] = '\0';
	}
	return 0;
}

/* Sets or replaces one fault parameter from a row. */
static int set_param(struct parser *p, char *tok)
{
	struct case_def *c = p->c;
	char *eq = strchr(tok, '=');
	char why[CASE_TEXT_MAX];
	int i;

	if (eq) {
		*eq = '\0';
		for (i = 0; i < c->nparams; i++)
			if (strcmp(c->params[i].key, tok) == 0)
				break;
		*eq = '=';
		if (i < c->nparams) {
			if (strlen(eq + 1) >= sizeof(c->params[i].val))
				return fail(p, p->line,
					    "value of fault parameter '%s' "
					    "too long",
					    c->params[i].key);
			why[0] = '\0';
			if (p->v->check_param &&
			    p->v->check_param(c->fault, c->params[i].key,
					      eq + 1, why, sizeof(why)) != 0) {
				why[sizeof(why) - 1] = '\0';
				return fail(p, p->line,
					    "bad fault parameter '%s=" SHOW
					    "' for fault '%s'; %s",
					    c->params[i].key, eq + 1, c->fault,
					    why[0] ? why
						   : "this fault does not "
						     "take it");
			}
			memcpy(c->params[i].val, eq + 1, strlen(eq + 1) + 1);
			return 0;
		}
	}
	return add_param(p, tok);
}

/* The probes named anywhere in a file (every row's and the file's own
 * probes lines): a per-probe line naming another probe is a typo. */
struct probe_set {
	int n;
	char names[CASE_MAX_PROBES * 4][TOKEN_MAX];
};

/* Applies one chosen per-probe line to probe. */
static int apply_one(struct parser *p, const struct vars *vs, int k,
		     const struct probe_line *pl, const char *probe)
{
	char text[CASE_LINE_MAX + TOKEN_MAX + 2], body[CASE_LINE_MAX + 1];
	const char *path = p->path;
	int rc;

	p->path = pl->path;
	p->line = pl->src->line;
	rc = subst(p, vs, pl->body, body, sizeof(body));
	if (rc == 0) {
		snprintf(text, sizeof(text), "%.*s %s", TOKEN_MAX, probe, body);
		rc = apply_key(p, k, pl->src->line, text);
	}
	p->path = path;
	return rc;
}

static int unknown_qualifier(struct parser *p, const struct case_src *s,
			     const char *name)
{
	char list[CASE_TEXT_MAX];

	join_array(s->known, s->nknown, list, sizeof(list));
	return fail(p, p->line,
		    "unknown variable '" SHOW "' in a qualifier; expected one "
		    "of: %s",
		    name, list);
}

/* Parses a line that applies to no probe of the instance, for its
 * errors. */
static int check_line(struct parser *p, const struct vars *vs, int k,
		      const struct probe_line *pl)
{
	char text[CASE_LINE_MAX + TOKEN_MAX + 2], body[CASE_LINE_MAX + 1];
	struct case_expect x;

	if (subst(p, vs, pl->body, body, sizeof(body)))
		return -1;
	if (k == K_EXPLAIN) {
		if (!body[0])
			return fail(p, p->line,
				    "explain for probe '%s' has no text; "
				    "expected 'explain %s <why this probe "
				    "sees what it sees>'",
				    pl->target, pl->target);
		return set_text(p, "explain", body, text, CASE_TEXT_MAX);
	}
	snprintf(text, sizeof(text), "%.*s %s", TOKEN_MAX, pl->target, body);
	return parse_expect(p, text, &x);
}

/* The catalogue's lines of key k for probe, used when the case file has
 * none: the best-scoring ones. Two explain lines with the best score are
 * an error; expect lines with it all apply (kernel ranges). */
static int apply_catalogue(struct parser *p, const struct case_lib *lib, int k,
			   const struct vars *vs, const char *probe,
			   struct probe_line *pl)
{
	const char *first_path = NULL;
	int d, i, sc, top = 0, ntop = 0, first_line = 0, pass;

	for (pass = 0; pass < 2; pass++)
		for (d = 0; lib && d < lib->ndefs; d++)
			for (i = 0; i < lib->defs[d].nlines; i++) {
				if (lib->defs[d].lines[i].key != k)
					continue;
				split_probe_line(&lib->defs[d].lines[i],
						 lib->defs[d].path, NULL, vs,
						 pl);
				sc = line_score(p, lib, pl, probe, false);
				if (pass == 0) {
					if (sc > top) {
						top = sc;
						ntop = 0;
					}
					if (sc == top && sc > 0)
						ntop++;
					continue;
				}
				if (sc == 0 || sc != top)
					continue;
				if (k == K_EXPLAIN && ntop > 1 && first_path)
					return fail(p, 0,
						    "explain lines %s:%d and "
						    "%s:%d of the catalogue "
						    "fit probe '%s' of '%s' "
						    "equally well; give one of "
						    "them a qualifier",
						    first_path, first_line,
						    pl->path, pl->src->line,
						    probe, p->c->name);
				first_path = pl->path;
				first_line = pl->src->line;
				if (k == K_EXPLAIN && ntop > 1)
					continue;
				if (apply_one(p, vs, k, pl, probe))
					return -1;
			}
	return 0;
}

/* Applies the per-probe lines of key k for every probe of the instance:
 * the best-scoring lines of the file (own row first), or for explain, of
 * the catalogue. pls has room for every line of the file, and two more. */
static int apply_probe_lines(struct parser *p, const struct case_src *s,
			     const struct case_lib *lib, int row, int k,
			     const struct vars *vs, struct probe_line *pls,
			     const struct probe_set *all)
{
	const char *t[CASE_MAX_PROBES + 1];
	struct case_def *c = p->c;
	int np = 0, i, j, best, sc;

	for (i = 0; i < s->nlines; i++) {
		const struct src_line *sl = &s->lines[i];

		if (sl->key != k || (sl->block != -1 && sl->block != row))
			continue;
		split_probe_line(sl, s->path, s, vs, &pls[np]);
		p->line = sl->line;
		if (pls[np].unknown[0])
			return unknown_qualifier(p, s, pls[np].unknown);
		/* Names are checked even where the line does not apply. */
		if (pls[np].target[0] == '@') {
			if (probe_targets(p, lib, pls[np].target, t) < 0)
				return -1;
		} else if (!in_list(p->v->probes, pls[np].target)) {
			return unknown_probe(p, pls[np].target);
		} else if (index_of(all->names, all->n, pls[np].target) < 0) {
			/* What is wrong inside the line comes first. */
			if (check_line(p, vs, k, &pls[np]))
				return -1;
			return fail(p, p->line,
				    "%s for probe '%s', which is not in "
				    "'probes'; add it there or remove this "
				    "line",
				    keys[k].name, pls[np].target);
		}
		np++;
	}
	for (j = 0; j < c->nprobes; j++) {
		best = 0;
		for (i = 0; i < np; i++) {
			sc = line_score(p, lib, &pls[i], c->probes[j],
					row >= 0 && pls[i].src->block == row);
			if (sc > best)
				best = sc;
		}
		for (i = 0; best && i < np; i++) {
			sc = line_score(p, lib, &pls[i], c->probes[j],
					row >= 0 && pls[i].src->block == row);
			if (sc == best &&
			    apply_one(p, vs, k, &pls[i], c->probes[j]))
				return -1;
		}
		if (!best && (k == K_EXPLAIN || k == K_EXPECT) &&
		    apply_catalogue(p, lib, k, vs, c->probes[j], pls + np))
			return -1;
	}
	return 0;
}

/* Builds one instance into c (zeroed): replays the file's lines and the
 * row's block, with the variables filled in. only: the isolated probe, or
 * NULL. */
static int build(struct parser *p, const struct case_src *s,
		 const struct case_lib *lib, int row, int fam, const char *only,
		 const struct probe_set *all, struct probe_line *pls)
{
	struct case_def *c = p->c;
	const struct src_row *r = row >= 0 ? &s->rows[row] : NULL;
	char text[CASE_LINE_MAX + 1], params[CASE_LINE_MAX + 1];
	char *rest, *tok;
	const char *body;
	struct vars vs;
	int i, k, sc, nq, best[K_COUNT];
	bool match;

	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "family", 6, fam == AF_INET6 ? "ipv6" : "ipv4");
	var_set(&vs, "row", 3, r ? r->name : c->group);
	if (only)
		var_set(&vs, "probe", 5, only);
	for (i = 0; i < s->nlines; i++) {
		const struct src_line *sl = &s->lines[i];

		if (sl->key != K_FAULT ||
		    (sl->block != row &&
		     (sl->block != -1 || row_has(s, row, K_FAULT))))
			continue;
		snprintf(text, sizeof(text), "%s", sl->rest);
		rest = text;
		tok = next_token(&rest);
		var_set(&vs, "fault", 5, tok ? tok : "");
		vars_from_params(&vs, rest);
	}
	if (row_args(p, s, r, &vs, params, sizeof(params)))
		return -1;
	vars_from_params(&vs, params);

	c->family = fam;
	p->key_line[K_FAMILY] = s->family_line;
	/* Free-text lines may carry qualifiers: of a once key the best
	 * matching line wins (the row's own, then more qualifiers); every
	 * matching ref line applies. */
	for (k = 0; k < K_COUNT; k++)
		best[k] = -1;
	for (i = 0; i < s->nlines; i++) {
		const struct src_line *sl = &s->lines[i];

		if ((sl->block != -1 && sl->block != row) || !text_key(sl->key))
			continue;
		split_quals(sl->rest, s, true, &vs, &body, &nq, &match, NULL);
		sc = (row >= 0 && sl->block == row ? 10000 : 0) + 10 * nq;
		if (match && sc > best[sl->key])
			best[sl->key] = sc;
	}
	/* The file's lines and the row's, in file order; a once key or the
	 * probes of the row replace the file's. */
	for (i = 0; i < s->nlines; i++) {
		const struct src_line *sl = &s->lines[i];

		k = sl->key;
		body = sl->rest;
		if (k == K_EXPECT || k == K_EXPLAIN || k == K_CLAIM_EXPECT)
			continue;
		if (sl->block != -1 && sl->block != row)
			continue;
		if (text_key(k)) {
			split_quals(sl->rest, s, true, &vs, &body, &nq, &match,
				    NULL);
			sc = (row >= 0 && sl->block == row ? 10000 : 0) +
			     10 * nq;
			if (!match || (k != K_REF && sc != best[k]))
				continue;
		} else if (sl->block == -1 && row >= 0 &&
			   (k == K_COMMAND || k == K_FAULT || k == K_PROBES) &&
			   row_has(s, row, k)) {
			continue;
		}
		p->line = sl->line;
		if (k == K_COMMAND || k == K_FAULT || k == K_PROBES)
			snprintf(text, sizeof(text), "%s", body);
		else if (subst(p, &vs, body, text, sizeof(text)))
			return -1;
		if (apply_key(p, k, sl->line, text))
			return -1;
		if (k == K_FAULT && r && params[0]) {
			p->line = r->line;
			snprintf(text, sizeof(text), "%s", params);
			rest = text;
			while ((tok = next_token(&rest)))
				if (set_param(p, tok))
					return -1;
		}
	}
	if (r && params[0] && !p->key_line[K_FAULT])
		return fail(p, r->line,
			    "row '%s' sets fault parameters but the file has "
			    "no fault line",
			    r->name);
	if (only) {
		i = find_probe(c, only);
		if (i < 0)
			return fail(p, 0, "isolated probe '%s' not found",
				    only);
		memmove(c->probes[0], c->probes[i], TOKEN_MAX);
		p->probe_line[0] = p->probe_line[i];
		c->nprobes = 1;
	}
	if (apply_probe_lines(p, s, lib, row, K_EXPECT, &vs, pls, all) ||
	    apply_probe_lines(p, s, lib, row, K_CLAIM_EXPECT, &vs, pls, all) ||
	    apply_probe_lines(p, s, lib, row, K_EXPLAIN, &vs, pls, all))
		return -1;
	return finish(p);
}

/* The probes of a row (or of the file, row -1) into set: the probes lines
 * that apply, replayed into a scratch case. */
static int row_probes(struct parser *p, const struct case_src *s, int row,
		      struct case_def *scratch, struct probe_set *set)
{
	struct parser q = *p;
	char text[CASE_LINE_MAX + 1];
	bool own = row >= 0 && row_has(s, row, K_PROBES);
	int i;

	q.c = scratch;
	scratch->nprobes = 0;
	memset(q.key_line, 0, sizeof(q.key_line));
	for (i = 0; i < s->nlines; i++) {
		const struct src_line *sl = &s->lines[i];

		if (sl->key != K_PROBES || sl->block != (own ? row : -1))
			continue;
		snprintf(text, sizeof(text), "%s", sl->rest);
		if (apply_key(&q, K_PROBES, sl->line, text))
			return -1;
	}
	for (i = 0; i < scratch->nprobes; i++)
		if (index_of(set->names, set->n, scratch->probes[i]) < 0 &&
		    set->n < (int)(sizeof(set->names) / TOKEN_MAX))
			memcpy(set->names[set->n++], scratch->probes[i],
			       TOKEN_MAX);
	return 0;
}

/* One file's instances: count them (out NULL) or build them into out. */
struct expansion {
	struct case_def *scratch;
	struct probe_line *pls;
	struct probe_set all;
};

static int name_instance(struct parser *p, const struct case_src *s, int row,
			 int fam, const char *only, const char *stem)
{
	struct case_def *c = p->c;
	int n;

	n = snprintf(c->name, sizeof(c->name), "%s%s%s%s",
		     row >= 0 ? s->rows[row].name : stem,
		     s->nfams > 1 && fam == AF_INET6 ? "-ipv6" : "",
		     only ? "-" : "", only ? only : "");
	if (n < 0 || (size_t)n >= sizeof(c->name))
		return fail(p, row >= 0 ? s->rows[row].line : 0,
			    "instance name too long; at most %zu characters",
			    sizeof(c->name) - 1);
	memcpy(c->group, stem, strlen(stem) + 1);
	return 0;
}

static int expand(struct parser *p, const struct case_src *s,
		  const struct case_lib *lib, struct expansion *x,
		  struct case_def *out, int *count)
{
	struct probe_set rp;
	char stem[CASE_NAME_MAX];
	int nrows = s->nrows ? s->nrows : 1, r, f, i, n = 0, row, nprobe;
	int fams[2], nfams;
	struct case_def *c;
	bool iso;

	/* set_path gives the file's base name, checked. */
	p->c = x->scratch;
	if (set_path(p))
		return -1;
	memcpy(stem, x->scratch->name, sizeof(stem));
	/* Without a family line: one instance, and finish() says what is
	 * missing. */
	nfams = s->nfams ? s->nfams : 1;
	fams[0] = s->nfams ? s->fams[0] : AF_INET;
	fams[1] = s->fams[1];
	for (r = 0; r < nrows; r++) {
		row = s->nrows ? r : -1;
		rp.n = 0;
		p->c = x->scratch;
		if (row_probes(p, s, row, x->scratch, &rp))
			return -1;
		iso = row >= 0 && s->rows[row].isolate
			      ? s->rows[row].isolate == 1
			      : s->isolate;
		for (f = 0; f < nfams; f++) {
			nprobe = iso ? rp.n : 1;
			if (iso && rp.n == 0)
				nprobe = 1; /* finish() says what is missing */
			for (i = 0; i < nprobe; i++, n++) {
				struct parser q = *p;

				if (!out)
					continue;
				c = &out[n];
				q.c = c;
				memset(q.key_line, 0, sizeof(q.key_line));
				if (set_path(&q) ||
				    name_instance(&q, s, row, fams[f],
						  iso && rp.n ? rp.names[i]
							      : NULL,
						  stem) ||
				    build(&q, s, lib, row, fams[f],
					  iso && rp.n ? rp.names[i] : NULL,
					  &x->all, x->pls))
					return -1;
			}
		}
	}
	*count = n;
	return 0;
}

/* A scanned file's instance count, after the checks that need no
 * instance; x is made ready for building. */
static void add_known(struct case_src *s, const char *name, size_t n)
{
	char tok[TOKEN_MAX];

	if (n == 0 || n >= TOKEN_MAX)
		return;
	memcpy(tok, name, n);
	tok[n] = '\0';
	if (index_of(s->known, s->nknown, tok) < 0 &&
	    s->nknown < (int)(sizeof(s->known) / sizeof(s->known[0])))
		memcpy(s->known[s->nknown++], tok, n + 1);
}

/* The names a qualifier may test in this file. */
static void collect_known(struct case_src *s)
{
	const char *t, *eq;
	int i;

	s->nknown = 0;
	for (i = 0; builtin_vars[i]; i++)
		add_known(s, builtin_vars[i], strlen(builtin_vars[i]));
	for (i = 0; i < s->nvars; i++)
		add_known(s, s->vars[i], strlen(s->vars[i]));
	for (i = 0; i < s->nlines + s->nrows; i++) {
		if (i < s->nlines && s->lines[i].key != K_FAULT)
			continue;
		t = i < s->nlines ? s->lines[i].rest
				  : s->rows[i - s->nlines].args;
		while (*t) {
			while (is_blank(*t))
				t++;
			eq = t;
			while (*eq && !is_blank(*eq) && *eq != '=')
				eq++;
			if (*eq == '=')
				add_known(s, t, (size_t)(eq - t));
			while (*t && !is_blank(*t))
				t++;
		}
	}
}

static int plan(struct parser *p, struct case_src *s,
		const struct case_lib *lib, struct expansion *x, int *count)
{
	int r;

	memset(x, 0, sizeof(*x));
	x->scratch = calloc(1, sizeof(*x->scratch));
	x->pls = calloc((size_t)s->nlines + 2, sizeof(*x->pls));
	if (!x->scratch || !x->pls)
		return fail(p, 0, "out of memory");
	p->lib = lib;
	p->c = x->scratch;
	collect_known(s);
	for (r = -1; r < s->nrows; r++)
		if (row_probes(p, s, r, x->scratch, &x->all))
			return -1;
	if (expand(p, s, lib, x, NULL, count))
		return -1;
	if (*count > CASE_MAX_INSTANCES)
		return fail(p, 0,
			    "expands to %d cases (rows x families x isolated "
			    "probes); at most %d per file, split it",
			    *count, CASE_MAX_INSTANCES);
	return 0;
}

static void expansion_free(struct expansion *x)
{
	free(x->scratch);
	free(x->pls);
	memset(x, 0, sizeof(*x));
}

int case_parse_set(const char *path, const char *buf, size_t len,
		   const struct case_vocab *v, const struct case_lib *lib,
		   struct case_def **out, char *err, size_t errlen)
{
	struct parser p;
	struct case_src s;
	struct expansion x;
	int n = 0, rc = -1;

	parser_init(&p, path, v, err, errlen);
	memset(&s, 0, sizeof(s));
	memset(&x, 0, sizeof(x));
	if (out)
		*out = NULL;
	if (!out || !v || !path || (!buf && len))
		return fail(&p, 0,
			    "case_parse_set needs a path, a buffer, a "
			    "vocabulary and an output");
	if (scan(&p, buf, len, &s, false) || plan(&p, &s, lib, &x, &n))
		goto done;
	*out = calloc((size_t)n, sizeof(**out));
	if (!*out) {
		fail(&p, 0, "out of memory for %d instances", n);
		goto done;
	}
	p.line = 0;
	if (expand(&p, &s, lib, &x, *out, &n)) {
		free(*out);
		*out = NULL;
		goto done;
	}
	rc = n;
done:
	expansion_free(&x);
	src_free(&s);
	return rc;
}

int case_parse_buf(const char *path, const char *buf, size_t len,
		   const struct case_vocab *v, struct case_def *out, char *err,
		   size_t errlen)
{
	struct case_def *set = NULL;
	int n;

	if (!out) {
		errf(err, errlen, "case_parse_buf needs an output case");
		return -1;
	}
	memset(out, 0, sizeof(*out));
	n = case_parse_set(path, buf, len, v, NULL, &set, err, errlen);
	if (n < 0)
		return -1;
	if (n != 1) {
		errf(err, errlen,
		     "%s: holds %d instances (rows, families or isolated "
		     "probes); case_parse_buf reads a one-case file",
		     path, n);
		free(set);
		return -1;
	}
	memcpy(out, set, sizeof(*out));
	free(set);
	return 0;
}

/* Reads a whole file of at most CASE_FILE_MAX bytes into a malloc'd
 * buffer. */
static int read_file(const char *path, char **buf, size_t *len, char *err,
		     size_t errlen)
{
	char msg[128];
	struct stat st;
	size_t n = 0;
	ssize_t r;
	int fd;

	*buf = NULL;
	/* O_NONBLOCK: a fifo named *.case must not hang the loader. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		errf(err, errlen, "%s: cannot open: %s; check the path", path,
		     errno_text(errno, msg, sizeof(msg)));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errf(err, errlen,
		     "%s: not a regular file; a case must be a plain file",
		     path);
		return -1;
	}
	*buf = malloc(CASE_FILE_MAX + 1);
	if (!*buf) {
		close(fd);
		errf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	/* One byte more than allowed, to tell "exactly full" from "too big". */
	while (n < CASE_FILE_MAX + 1) {
		r = read(fd, *buf + n, CASE_FILE_MAX + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			errf(err, errlen, "%s: cannot read: %s", path,
			     errno_text(errno, msg, sizeof(msg)));
			close(fd);
			free(*buf);
			*buf = NULL;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > CASE_FILE_MAX) {
		errf(err, errlen,
		     "%s: file too large (more than %d bytes); a case file "
		     "is at most %d bytes",
		     path, CASE_FILE_MAX, CASE_FILE_MAX);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	*len = n;
	return 0;
}

int case_parse_file(const char *path, const struct case_vocab *v,
		    struct case_def *out, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (out)
		memset(out, 0, sizeof(*out));
	if (!path) {
		errf(err, errlen, "case_parse_file needs a path");
		return -1;
	}
	if (read_file(path, &buf, &len, err, errlen))
		return -1;
	rc = case_parse_buf(path, buf, len, v, out, err, errlen);
	free(buf);
	return rc;
}

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
		errf(err, errlen,
		     "%s: directories nested deeper than %d; flatten the "
		     "case tree",
		     dir, DIR_DEPTH_MAX);
		return -1;
	}
	d = opendir(dir);
	if (!d) {
		errf(err, errlen, "cannot open case directory '%s': %s; %s",
		     dir, errno_text(errno, msg, sizeof(msg)),
		     depth == 0 ? "check the path" : "check its permissions");
		return -1;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				errf(err, errlen,
				     "cannot read case directory '%s': %s", dir,
				     errno_text(errno, msg, sizeof(msg)));
				rc = -1;
			}
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		nlen = strlen(de->d_name);
		sub = malloc(dlen + nlen + 2);
		if (!sub) {
			errf(err, errlen, "%s: out of memory", dir);
			rc = -1;
			break;
		}
		snprintf(sub, dlen + nlen + 2, "%s%s%s", dir, slash ? "" : "/",
			 de->d_name);
		if (lstat(sub, &st) != 0) {
			errf(err, errlen, "cannot stat '%s': %s", sub,
			     errno_text(errno, msg, sizeof(msg)));
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
			errf(err, errlen, "%s: out of memory", dir);
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

	if (read_file(path, &buf, &len, p->err, p->errlen))
		return -1;
	rc = scan(p, buf, len, src, false);
	free(buf);
	if (rc == 0)
		rc = plan(p, src, lib, x, n);
	return rc;
}

static int load_defs(const struct path_list *defs, const struct case_vocab *v,
		     struct case_lib *lib, char *err, size_t errlen)
{
	char *buf;
	size_t len, i;
	int rc;

	for (i = 0; i < defs->n; i++) {
		if (read_file(defs->v[i], &buf, &len, err, errlen))
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
		errf(err, errlen,
		     "case_load_dir needs a directory, a vocabulary and out");
		return -1;
	}
	*out = NULL;
	memset(&x, 0, sizeof(x));
	memset(&src, 0, sizeof(src));
	if (collect(dir, 0, &l, &defs, err, errlen))
		goto done;
	if (l.n == 0) {
		errf(err, errlen,
		     "no case files (*.case) under '%s'; add one or check the "
		     "path",
		     dir);
		goto done;
	}
	qsort(l.v, l.n, sizeof(l.v[0]), cmp_paths);
	qsort(defs.v, defs.n, sizeof(defs.v[0]), cmp_paths);
	lib = case_lib_new();
	if (!lib) {
		errf(err, errlen, "out of memory");
		goto done;
	}
	if (load_defs(&defs, v, lib, err, errlen))
		goto done;
	/* Count first, so that the instances are built in place in memory
	 * that is still zero (a case_def is large and mostly unused). */
	for (i = 0; i < l.n; i++) {
		parser_init(&p, l.v[i], v, err, errlen);
		rc = load_one(&p, l.v[i], &src, &x, lib, &n);
		expansion_free(&x);
		src_free(&src);
		if (rc)
			goto done;
		if (n > INT_MAX / 2 - total) {
			errf(err, errlen, "too many cases under '%s'", dir);
			rc = -1;
			goto done;
		}
		total += n;
	}
	rc = -1;
	cases = calloc((size_t)total, sizeof(*cases));
	if (!cases) {
		errf(err, errlen, "out of memory for %d cases", total);
		goto done;
	}
	for (i = 0, k = 0; i < l.n; i++, k += n) {
		parser_init(&p, l.v[i], v, err, errlen);
		if (load_one(&p, l.v[i], &src, &x, lib, &n) == 0)
			rc = expand(&p, &src, lib, &x, cases + k, &n);
		else
			rc = -1;
		expansion_free(&x);
		src_free(&src);
		if (rc)
			goto done;
		rc = -1;
	}
	/* Names key the results, the pcap files and the baselines. */
	for (k = 0; k < total; k++)
		for (j = 0; j < k; j++)
			if (strcmp(cases[j].name, cases[k].name) == 0) {
				errf(err, errlen,
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
