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

/* Parses all of s as a decimal number in lo..hi with strtol. Only digits
 * are accepted: strtol alone would also take blanks and a sign. Returns 0,
 * -1 if s is not a number, -2 if it is out of range. */
static int parse_num(const char *s, long lo, long hi, long *out)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (*end)
		return -1;
	if (errno == ERANGE || n < lo || n > hi)
		return -2;
	*out = n;
	return 0;
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
		if (parse_num(digits, 0, VERSION_PART_MAX, &part[i]) < 0)
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

static int do_family(struct parser *p, char *rest)
{
	char *tok;

	if (only_token(p, "family", rest, "family ipv4|ipv6", &tok))
		return -1;
	if (strcmp(tok, "ipv4") == 0)
		p->c->family = AF_INET;
	else if (strcmp(tok, "ipv6") == 0)
		p->c->family = AF_INET6;
	else
		return fail(p, p->line,
			    "unknown family '" SHOW "'; expected one of: ipv4, "
			    "ipv6",
			    tok);
	return 0;
}

static int do_quiet(struct parser *p, char *rest)
{
	char *tok;
	long ms;
	int r;

	if (only_token(p, "quiet value", rest, "quiet MILLISECONDS", &tok))
		return -1;
	r = parse_num(tok, QUIET_MIN, QUIET_MAX, &ms);
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
	struct case_def *c = p->c;
	char *tok;
	int i;

	while ((tok = next_token(&rest))) {
		if (!in_list(p->v->probes, tok))
			return unknown_probe(p, tok);
		i = find_probe(c, tok);
		if (i >= 0)
			return fail(p, p->line,
				    "probe '%s' listed twice; the first is on "
				    "line %d, keep one",
				    tok, p->probe_line[i]);
		if (c->nprobes >= CASE_MAX_PROBES)
			return fail(p, p->line,
				    "too many probes (more than %d); split "
				    "the case",
				    CASE_MAX_PROBES);
		if (set_token(p, "probe name", tok, c->probes[c->nprobes]))
			return -1;
		p->probe_line[c->nprobes++] = p->line;
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
		if (parse_num(part[0], 0, 4095, &num) != 0)
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
		if (parse_num(part[i], 0, ICMP_FIELD_MAX, &num) != 0)
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
	[K_FAMILY] = {"family", true, true, "family ipv4|ipv6", do_family},
	[K_FAULT] = {"fault", true, true, "fault NAME [key=value ...]",
		     do_fault},
	[K_PROBES] = {"probes", false, true, "probes NAME [NAME ...]",
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

static int parse_line(struct parser *p, char *line)
{
	char list[CASE_TEXT_MAX];
	char *s, *key;
	int k;

	strip_comment(line);
	trim_end(line);
	s = line;
	key = next_token(&s);
	if (!key)
		return 0;
	s = skip_blanks(s);
	for (k = 0; keys[k].name; k++)
		if (strcmp(keys[k].name, key) == 0)
			break;
	if (!keys[k].name) {
		list[0] = '\0';
		for (k = 0; keys[k].name; k++) {
			if (k > 0)
				append(list, sizeof(list), ", ");
			append(list, sizeof(list), keys[k].name);
		}
		return fail(p, p->line,
			    "unknown key '" SHOW "'; expected one of: %s", key,
			    list);
	}
	if (keys[k].once && p->key_line[k])
		return fail(p, p->line,
			    "second '%s' line; the first is on line %d, keep "
			    "only one",
			    key, p->key_line[k]);
	if (!*s)
		return fail(p, p->line, "'%s' needs a value; expected '%s'",
			    key, keys[k].usage);
	if (!p->key_line[k])
		p->key_line[k] = p->line;
	return keys[k].fn(p, s);
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

/* The parser proper. With zeroed, *out is known to be all zero already
 * (fresh calloc memory from case_load_dir) and is not cleared again: a
 * case_def is large and mostly unused, and clearing it would make every
 * page of every loaded case resident (and so of every forked worker). */
static int parse_buf(const char *path, const char *buf, size_t len,
		     const struct case_vocab *v, struct case_def *out,
		     char *err, size_t errlen, bool zeroed)
{
	struct parser p;
	char line[CASE_LINE_MAX + 1];
	size_t pos = 0, n, i;
	const char *s, *nl;
	unsigned char ch;

	memset(&p, 0, sizeof(p));
	p.path = path ? path : "(no path)";
	p.v = v;
	p.c = out;
	p.err = err;
	p.errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	if (!out || !v || !path || (!buf && len))
		return fail(&p, 0,
			    "case_parse_buf needs a path, a buffer, a "
			    "vocabulary and an output case");
	if (!zeroed)
		memset(out, 0, sizeof(*out));
	if (set_path(&p))
		return -1;
	while (pos < len) {
		s = buf + pos;
		nl = memchr(s, '\n', len - pos);
		n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl ? 1 : 0);
		if (p.line == INT_MAX)
			return fail(&p, 0, "too many lines");
		p.line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n > CASE_LINE_MAX)
			return fail(&p, p.line,
				    "line too long (%zu characters); keep "
				    "lines to at most %d",
				    n, CASE_LINE_MAX);
		for (i = 0; i < n; i++) {
			ch = (unsigned char)s[i];
			if (ch == '\0')
				return fail(&p, p.line,
					    "NUL byte at column %zu; case "
					    "files are plain text",
					    i + 1);
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				return fail(&p, p.line,
					    "control character 0x%02x at "
					    "column %zu; case files are plain "
					    "text",
					    ch, i + 1);
		}
		memcpy(line, s, n);
		line[n] = '\0';
		if (parse_line(&p, line))
			return -1;
	}
	return finish(&p);
}

int case_parse_buf(const char *path, const char *buf, size_t len,
		   const struct case_vocab *v, struct case_def *out, char *err,
		   size_t errlen)
{
	return parse_buf(path, buf, len, v, out, err, errlen, false);
}

static int parse_file(const char *path, const struct case_vocab *v,
		      struct case_def *out, char *err, size_t errlen,
		      bool zeroed)
{
	char msg[128];
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t r;
	int fd, rc;

	if (err && errlen)
		err[0] = '\0';
	if (out && !zeroed)
		memset(out, 0, sizeof(*out));
	if (!path) {
		errf(err, errlen, "case_parse_file needs a path");
		return -1;
	}
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
	buf = malloc(CASE_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		errf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	/* One byte more than allowed, to tell "exactly full" from "too big". */
	while (n < CASE_FILE_MAX + 1) {
		r = read(fd, buf + n, CASE_FILE_MAX + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			errf(err, errlen, "%s: cannot read: %s", path,
			     errno_text(errno, msg, sizeof(msg)));
			close(fd);
			free(buf);
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
		free(buf);
		return -1;
	}
	rc = parse_buf(path, buf, n, v, out, err, errlen, zeroed);
	free(buf);
	return rc;
}

int case_parse_file(const char *path, const struct case_vocab *v,
		    struct case_def *out, char *err, size_t errlen)
{
	return parse_file(path, v, out, err, errlen, false);
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

static bool has_case_suffix(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".case") == 0;
}

/* Adds every *.case under dir to l. Hidden entries (".name") are skipped,
 * and symbolic links are not followed into directories, so a link loop
 * cannot make the walk endless. */
static int collect(const char *dir, int depth, struct path_list *l, char *err,
		   size_t errlen)
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
			rc = collect(sub, depth + 1, l, err, errlen);
			free(sub);
			if (rc)
				break;
			continue;
		}
		if (!has_case_suffix(de->d_name)) {
			free(sub);
			continue;
		}
		if (path_list_add(l, sub)) {
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

int case_load_dir(const char *dir, const struct case_vocab *v,
		  struct case_def **out, char *err, size_t errlen)
{
	struct path_list l = {NULL, 0, 0};
	struct case_def *cases;
	size_t i;

	if (err && errlen)
		err[0] = '\0';
	if (!out || !dir) {
		errf(err, errlen, "case_load_dir needs a directory and out");
		return -1;
	}
	*out = NULL;
	if (collect(dir, 0, &l, err, errlen)) {
		path_list_free(&l);
		return -1;
	}
	if (l.n == 0) {
		errf(err, errlen,
		     "no case files (*.case) under '%s'; add one or check the "
		     "path",
		     dir);
		path_list_free(&l);
		return -1;
	}
	if (l.n > INT_MAX) {
		errf(err, errlen, "too many case files under '%s'", dir);
		path_list_free(&l);
		return -1;
	}
	qsort(l.v, l.n, sizeof(l.v[0]), cmp_paths);
	cases = calloc(l.n, sizeof(*cases));
	if (!cases) {
		errf(err, errlen, "out of memory for %zu cases", l.n);
		path_list_free(&l);
		return -1;
	}
	for (i = 0; i < l.n; i++) {
		size_t k;

		/* cases is fresh from calloc: already zero. */
		if (parse_file(l.v[i], v, &cases[i], err, errlen, true)) {
			free(cases);
			path_list_free(&l);
			return -1;
		}
		/* Names key the results, the pcap files and the baselines. */
		for (k = 0; k < i; k++)
			if (strcmp(cases[k].name, cases[i].name) == 0) {
				errf(err, errlen,
				     "%s: case name '%s' is already used by %s; "
				     "rename one of the files",
				     cases[i].path, cases[i].name,
				     cases[k].path);
				free(cases);
				path_list_free(&l);
				return -1;
			}
	}
	*out = cases;
	path_list_free(&l);
	return (int)i;
}

/* The line of list (n lines) for probe on kernel kver: a ranged line that
 * applies wins over an unranged one. */
static const struct case_expect *pick_expect(const struct case_expect *list,
					     int n, const char *probe,
					     int kver)
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
