/* Case files into cases: the rows, families and isolated probes of a
 * file, each built by replaying the file's lines with the row's variables
 * filled in; the probe groups and catalogue of .defs files. The language
 * is described in casefile.h and docs/cases.md. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caseparse.h"

void cf_src_free(struct case_src *s)
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
static const char *const builtin_vars[] = {"family", "icmp", "fault", "row",
					   "probe", NULL};

/* The family prefix of a row argument ("ipv6:code=4": only the IPv6
 * case), as a family, and its length; 0 without one. */
static int arg_family(const char *tok, size_t *len)
{
	*len = 5;
	if (strncmp(tok, "ipv4:", 5) == 0)
		return AF_INET;
	if (strncmp(tok, "ipv6:", 5) == 0)
		return AF_INET6;
	*len = 0;
	return 0;
}

static int scan_vars(struct parser *p, struct case_src *s, char *rest)
{
	char *tok;

	while ((tok = cf_next_token(&rest))) {
		if (!cf_is_lower_token(tok) || strlen(tok) >= TOKEN_MAX)
			return cf_fail(p, p->line,
				       "bad variable name '" SHOW "'; expected "
				       "lowercase letters, digits and '_'",
				       tok);
		if (cf_in_list(builtin_vars, tok) || strcmp(tok, "kernel") == 0)
			return cf_fail(
				p, p->line,
				"variable '%s' is built in; choose another "
				"name",
				tok);
		if (index_of(s->vars, s->nvars, tok) >= 0)
			return cf_fail(p, p->line,
				       "variable '%s' named twice; keep one",
				       tok);
		if (s->nvars >= CASE_MAX_VARS)
			return cf_fail(p, p->line,
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

	while ((tok = cf_next_token(&rest))) {
		if (strcmp(tok, "ipv4") == 0)
			f = AF_INET;
		else if (strcmp(tok, "ipv6") == 0)
			f = AF_INET6;
		else
			return cf_fail(p, p->line,
				       "unknown family '" SHOW
				       "'; expected one "
				       "of: ipv4, ipv6",
				       tok);
		for (i = 0; i < s->nfams; i++)
			if (s->fams[i] == f)
				return cf_fail(p, p->line,
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
	char *name = cf_next_token(&rest);
	int i;

	/* name_instance checks the length with its suffixes. */
	if (!cf_is_lower_token(name) || strlen(name) >= CASE_NAME_MAX)
		return cf_fail(p, p->line,
			       "bad row name '" SHOW "'; expected lowercase "
			       "letters, digits and '_', at most %d characters",
			       name, CASE_NAME_MAX - 1);
	for (i = 0; i < s->nrows; i++)
		if (strcmp(s->rows[i].name, name) == 0)
			return cf_fail(p, p->line,
				       "second row named '%s'; the first is on "
				       "line %d, rename one",
				       name, s->rows[i].line);
	if (s->nrows >= CASE_MAX_ROWS)
		return cf_fail(p, p->line, "too many rows (more than %d)",
			       CASE_MAX_ROWS);
	r = &s->rows[s->nrows++];
	r->name = name;
	r->args = cf_skip_blanks(rest);
	r->line = p->line;
	return 0;
}

/* Splits buf into lines, checks each line's bytes and key, and files it:
 * the file's axes (family, vars, isolate) and rows at once, the rest as
 * src_lines for replay. lib_file: a .defs file (group and explain only). */
int cf_scan(struct parser *p, const char *buf, size_t len, struct case_src *s,
	    bool lib_file)
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
		return cf_fail(p, 0, "out of memory");
	while (pos < len) {
		t = buf + pos;
		nl = memchr(t, '\n', len - pos);
		n = nl ? (size_t)(nl - t) : len - pos;
		pos += n + (nl ? 1 : 0);
		if (p->line == INT_MAX)
			return cf_fail(p, 0, "too many lines");
		p->line++;
		if (n > 0 && t[n - 1] == '\r')
			n--;
		if (n > CASE_LINE_MAX)
			return cf_fail(p, p->line,
				       "line too long (%zu characters); keep "
				       "lines to at most %d",
				       n, CASE_LINE_MAX);
		for (i = 0; i < n; i++) {
			ch = (unsigned char)t[i];
			if (ch == '\0')
				return cf_fail(p, p->line,
					       "NUL byte at column %zu; case "
					       "files are plain text",
					       i + 1);
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				return cf_fail(
					p, p->line,
					"control character 0x%02x at "
					"column %zu; case files are plain "
					"text",
					ch, i + 1);
		}
		memcpy(line, t, n);
		line[n] = '\0';
		cf_strip_comment(line);
		cf_trim_end(line);
		rest = line;
		key = cf_next_token(&rest);
		if (!key)
			continue;
		rest = cf_skip_blanks(rest);
		for (k = 0; cf_keys[k].name; k++)
			if (strcmp(cf_keys[k].name, key) == 0)
				break;
		if (!cf_keys[k].name) {
			char list[CASE_TEXT_MAX];
			int j;

			list[0] = '\0';
			for (j = 0; cf_keys[j].name; j++) {
				if (j > 0)
					cf_append(list, sizeof(list), ", ");
				cf_append(list, sizeof(list), cf_keys[j].name);
			}
			return cf_fail(p, p->line,
				       "unknown key '" SHOW
				       "'; expected one of: "
				       "%s",
				       key, list);
		}
		if (lib_file && k != K_GROUP && k != K_EXPLAIN && k != K_EXPECT)
			return cf_fail(
				p, p->line,
				"'%s' does not belong in a .defs file; it "
				"holds only 'group', 'expect' and "
				"'explain' lines",
				key);
		if (!lib_file && k == K_GROUP)
			return cf_fail(p, p->line,
				       "'group' lines belong in a .defs file "
				       "beside the cases, so that every case "
				       "sees the same groups");
		if (!*rest)
			return cf_fail(p, p->line,
				       "'%s' needs a value; expected '%s'", key,
				       cf_keys[k].usage);
		if (k == K_ROW) {
			memset(seen, 0, sizeof(seen));
			block = s->nrows;
		} else if (cf_keys[k].once && seen[k] && !cf_text_key(k)) {
			/* Qualified free-text lines may repeat; build()
			 * says when two apply to one instance. */
			return cf_fail(p, p->line,
				       "second '%s' line; the first is on line "
				       "%d, keep only one",
				       key, seen[k]);
		}
		seen[k] = p->line;
		if (block >= 0 && (k == K_FAMILY || k == K_VARS))
			return cf_fail(p, p->line,
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
				return cf_fail(
					p, p->line,
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
				return cf_fail(p, 0, "out of memory");
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
			cf_append(list, sizeof(list), ", ");
		cf_append(list, sizeof(list), lib->groups[i].name);
	}
	return cf_fail(p, p->line,
		       "unknown probe group '" SHOW "'; expected one of: %s "
		       "(groups are defined in the .defs files)",
		       name, list[0] ? list : "@all");
}

/* The probes a token names: itself, or a group's members. Returns the
 * count (>= 1) with the names in out; -1 on error. */
int cf_probe_targets(struct parser *p, const struct case_lib *lib,
		     const char *tok, const char **out)
{
	const struct group_def *g;
	int i;

	if (tok[0] != '@') {
		if (!cf_in_list(p->v->probes, tok))
			return cf_unknown_probe(p, tok);
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
	char *name = cf_next_token(&rest), *tok;

	if (name[0] != '@' || !cf_is_name_token(name + 1) ||
	    strlen(name) >= TOKEN_MAX)
		return cf_fail(p, p->line,
			       "bad group name '" SHOW "'; expected '@' and "
			       "lowercase letters, digits, '_' and '-', e.g. "
			       "@udp-core",
			       name);
	if (find_group(lib, name) || strcmp(name, "@all") == 0)
		return cf_fail(p, p->line,
			       "group '%s' is already defined; keep one", name);
	if (lib->ngroups >= CASE_MAX_GROUPS)
		return cf_fail(p, p->line, "too many groups (more than %d)",
			       CASE_MAX_GROUPS);
	g = &lib->groups[lib->ngroups];
	memset(g, 0, sizeof(*g));
	memcpy(g->name, name, strlen(name) + 1);
	while ((tok = cf_next_token(&rest))) {
		const char *t[CASE_MAX_PROBES + 1];
		int n = cf_probe_targets(p, lib, tok, t), i;

		if (n < 0)
			return -1;
		for (i = 0; i < n; i++) {
			if (index_of(g->probes, g->n, t[i]) >= 0)
				return cf_fail(
					p, p->line,
					"probe '%s' listed twice in group "
					"'%s'",
					t[i], name);
			if (g->n >= CASE_MAX_PROBES)
				return cf_fail(p, p->line,
					       "too many probes in group '%s' "
					       "(more than %d)",
					       name, CASE_MAX_PROBES);
			memcpy(g->probes[g->n++], t[i], strlen(t[i]) + 1);
		}
	}
	if (g->n == 0)
		return cf_fail(p, p->line,
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
		cf_src_free(&lib->defs[i]);
	}
	free(lib->defs);
	free(lib);
}

void cf_parser_init(struct parser *p, const char *path,
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

	cf_parser_init(&p, path, v, err, errlen);
	if (!lib || !v || !path || (!buf && len))
		return cf_fail(&p, 0,
			       "case_lib_add_buf needs a library, a path, a "
			       "buffer and a vocabulary");
	memset(&s, 0, sizeof(s));
	if (cf_scan(&p, buf, len, &s, true))
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
		tok = cf_next_token(&rest);
		if (cf_probe_targets(&p, lib, tok, t) < 0)
			goto bad;
		if (!*cf_skip_blanks(rest)) {
			cf_fail(&p, p.line,
				"'%s %s' has nothing after the probe",
				cf_keys[s.lines[i].key].name, tok);
			goto bad;
		}
	}
	nv = realloc(lib->defs, (size_t)(lib->ndefs + 1) * sizeof(*nv));
	if (!nv) {
		cf_fail(&p, 0, "out of memory");
		goto bad;
	}
	lib->defs = nv;
	s.path = s.own_path = strdup(path);
	if (!s.own_path) {
		cf_fail(&p, 0, "out of memory");
		goto bad;
	}
	lib->defs[lib->ndefs++] = s;
	return 0;
bad:
	s.path = NULL;
	cf_src_free(&s);
	return -1;
}

/* ---- Instances: one per row, family and (isolated) probe ------------- */

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
	while ((tok = cf_next_token(&rest)))
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
			cf_join_array(vs->name, vs->n, list, sizeof(list));
			return cf_fail(p, p->line,
				       "unknown variable '{" SHOW
				       "}'; expected "
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
	return cf_fail(p, p->line,
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
		while (cf_is_blank(*t))
			t++;
		for (e = t; *e && !cf_is_blank(*e); e++)
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
	while (cf_is_blank(*t))
		t++;
	for (e = t; *e && !cf_is_blank(*e); e++)
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
	n = cf_probe_targets(p, lib, pl->target, t);
	for (i = 0; i < n; i++)
		if (strcmp(t[i], probe) == 0)
			return (own_row ? 10000 : 0) + 10 * pl->nquals + 1;
	return 0;
}

/* Runs a key's handler with the once check of a single file. */
static int apply_key(struct parser *p, int k, int line, char *text)
{
	p->line = line;
	if (cf_keys[k].once && p->key_line[k])
		return cf_fail(
			p, p->line,
			"second '%s' line; the first is on line %d, keep "
			"only one",
			cf_keys[k].name, p->key_line[k]);
	if (!p->key_line[k])
		p->key_line[k] = p->line;
	return cf_keys[k].fn(p, text);
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
		    const struct src_row *r, int fam, struct vars *vs,
		    char *params, size_t plen)
{
	char copy[CASE_LINE_MAX + 1], *rest, *tok, *eq;
	size_t used = 0, n, skip;
	int pass, af, i;

	params[0] = '\0';
	if (!r)
		return 0;
	p->line = r->line;
	/* Two passes: the arguments for every family, then those of this
	 * case's family ("ipv6:code=4"), which replace them. */
	for (pass = 0; pass < 2; pass++) {
		snprintf(copy, sizeof(copy), "%s", r->args);
		rest = copy;
		while ((tok = cf_next_token(&rest))) {
			af = arg_family(tok, &skip);
			if (af) {
				for (i = 0; i < s->nfams; i++)
					if (s->fams[i] == af)
						break;
				if (i == s->nfams)
					return cf_fail(
						p, p->line,
						"row argument '" SHOW "' is "
						"for a family the file does "
						"not run; add it to the "
						"family line or drop it",
						tok);
			}
			if ((pass == 0) != (af == 0) || (af && af != fam))
				continue;
			tok += skip;
			eq = strchr(tok, '=');
			if (!eq || eq == tok || !eq[1])
				return cf_fail(p, p->line,
					       "bad row argument '" SHOW
					       "'; expected key=value (a "
					       "fault parameter or one of the "
					       "vars)",
					       tok);
			*eq = '\0';
			if (index_of(s->vars, s->nvars, tok) >= 0) {
				if (strlen(eq + 1) >= CASE_NAME_MAX)
					return cf_fail(
						p, p->line,
						"value of '%s' too long; at "
						"most %d characters",
						tok, CASE_NAME_MAX - 1);
				var_set(vs, tok, strlen(tok), eq + 1);
				continue;
			}
			*eq = '=';
			n = strlen(tok);
			if (used + n + 2 > plen)
				return cf_fail(p, p->line,
					       "row line too long");
			memcpy(params + used, tok, n);
			used += n;
			params[used++] = ' ';
			params[used] = '\0';
		}
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
				return cf_fail(p, p->line,
					       "value of fault parameter '%s' "
					       "too long",
					       c->params[i].key);
			why[0] = '\0';
			if (p->v->check_param &&
			    p->v->check_param(c->fault, c->params[i].key,
					      eq + 1, why, sizeof(why)) != 0) {
				why[sizeof(why) - 1] = '\0';
				return cf_fail(p, p->line,
					       "bad fault parameter '%s=" SHOW
					       "' for fault '%s'; %s",
					       c->params[i].key, eq + 1,
					       c->fault,
					       why[0] ? why
						      : "this fault does not "
							"take it");
			}
			memcpy(c->params[i].val, eq + 1, strlen(eq + 1) + 1);
			return 0;
		}
	}
	return cf_add_param(p, tok);
}

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

	cf_join_array(s->known, s->nknown, list, sizeof(list));
	return cf_fail(p, p->line,
		       "unknown variable '" SHOW
		       "' in a qualifier; expected one "
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
			return cf_fail(p, p->line,
				       "explain for probe '%s' has no text; "
				       "expected 'explain %s <why this probe "
				       "sees what it sees>'",
				       pl->target, pl->target);
		return cf_set_text(p, "explain", body, text, CASE_TEXT_MAX);
	}
	snprintf(text, sizeof(text), "%.*s %s", TOKEN_MAX, pl->target, body);
	return cf_parse_expect(p, text, &x);
}

/* The catalogue's lines of key k, split for the instance's variables vs:
 * once an instance, not once for each of its probes. 0, -1 when out of
 * memory; *cat is the caller's to free. */
static int split_catalogue(const struct case_lib *lib, int k,
			   const struct vars *vs, struct probe_line **cat,
			   int *ncat)
{
	int d, i, n = 0;

	for (d = 0; lib && d < lib->ndefs; d++)
		for (i = 0; i < lib->defs[d].nlines; i++)
			n += lib->defs[d].lines[i].key == k;
	*ncat = 0;
	*cat = calloc((size_t)n + 1, sizeof(**cat));
	if (!*cat)
		return -1;
	for (d = 0; lib && d < lib->ndefs; d++)
		for (i = 0; i < lib->defs[d].nlines; i++)
			if (lib->defs[d].lines[i].key == k)
				split_probe_line(&lib->defs[d].lines[i],
						 lib->defs[d].path, NULL, vs,
						 &(*cat)[(*ncat)++]);
	return 0;
}

/* The catalogue's lines of key k for probe (cat, split_catalogue), used
 * when the case file has none: the best-scoring ones. Two explain lines
 * with the best score are an error; expect lines with it all apply
 * (kernel ranges). Returns 0, -1 on an error of the catalogue, -2 when a
 * line fails with this case's variables in it. */
static int apply_catalogue(struct parser *p, const struct case_lib *lib, int k,
			   const struct vars *vs, const char *probe,
			   const struct probe_line *cat, int ncat)
{
	const char *first_path = NULL;
	int i, sc, top = 0, ntop = 0, first_line = 0, pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ncat; i++) {
			const struct probe_line *pl = &cat[i];

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
				return cf_fail(p, 0,
					       "explain lines %s:%d and %s:%d "
					       "of the catalogue fit probe '%s' "
					       "of '%s' equally well; give one "
					       "of them a qualifier",
					       first_path, first_line, pl->path,
					       pl->src->line, probe, p->c->name);
			first_path = pl->path;
			first_line = pl->src->line;
			if (k == K_EXPLAIN && ntop > 1)
				continue;
			if (apply_one(p, vs, k, pl, probe))
				return -2; /* the case's values */
		}
	return 0;
}

/* A catalogue line that fails once this case's variables are in it: the
 * cause is the case (its row's values), so the error names the case file
 * and the row's line first, then the catalogue line and what it said. */
static int catalogue_misfit(struct parser *p, const struct case_src *s,
			    int row, const char *probe)
{
	char said[CASE_TEXT_MAX];
	int line = row >= 0 ? s->rows[row].line : p->key_line[K_PROBES];

	if (!p->err || p->errlen == 0)
		return -1;
	snprintf(said, sizeof(said), "%s", p->err);
	return cf_fail(p, line,
		       "%s%s%sprobe '%s' takes the catalogue's line, which "
		       "this case's values do not fit: %s",
		       row >= 0 ? "row '" : "", row >= 0 ? s->rows[row].name : "",
		       row >= 0 ? "': " : "", probe, said);
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
	struct probe_line *cat = NULL;
	int np = 0, ncat = 0, i, j, best, sc, rc = 0;

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
			if (cf_probe_targets(p, lib, pls[np].target, t) < 0)
				return -1;
		} else if (!cf_in_list(p->v->probes, pls[np].target)) {
			return cf_unknown_probe(p, pls[np].target);
		} else if (index_of(all->names, all->n, pls[np].target) < 0) {
			/* What is wrong inside the line comes first. */
			if (check_line(p, vs, k, &pls[np]))
				return -1;
			return cf_fail(p, p->line,
				       "%s for probe '%s', which is not in "
				       "'probes'; add it there or remove this "
				       "line",
				       cf_keys[k].name, pls[np].target);
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
		for (i = 0; best && i < np && rc == 0; i++) {
			sc = line_score(p, lib, &pls[i], c->probes[j],
					row >= 0 && pls[i].src->block == row);
			if (sc == best &&
			    apply_one(p, vs, k, &pls[i], c->probes[j]))
				rc = -1;
		}
		if (rc < 0)
			break;
		if (best || (k != K_EXPLAIN && k != K_EXPECT))
			continue;
		if (!cat && split_catalogue(lib, k, vs, &cat, &ncat) < 0) {
			rc = cf_fail(p, 0, "out of memory");
			break;
		}
		rc = apply_catalogue(p, lib, k, vs, c->probes[j], cat, ncat);
		if (rc == -2)
			rc = catalogue_misfit(p, s, row, c->probes[j]);
		if (rc < 0)
			break;
	}
	free(cat);
	return rc < 0 ? -1 : 0;
}

/* Builds one instance into c (zeroed): replays the file's lines and the
 * row's block, with the variables filled in. only: the isolated probe, or
 * NULL. */
/* The vocabulary's check of the whole instance (case_vocab.check_case),
 * reported where the cause was written: the family line for a family the
 * fault lacks, the row line when the row set parameters, else the fault
 * line. */
static int check_case(struct parser *p, const struct src_row *r,
		      bool row_params)
{
	char why[CASE_TEXT_MAX];
	int rc, line;

	if (!p->v->check_case)
		return 0;
	why[0] = '\0';
	rc = p->v->check_case(p->c, why, sizeof(why));
	if (rc == 0)
		return 0;
	why[sizeof(why) - 1] = '\0';
	if (rc == -2)
		line = p->key_line[K_FAMILY];
	else if (r && row_params)
		line = r->line;
	else
		line = p->key_line[K_FAULT];
	return cf_fail(p, line, "%s", why[0] ? why : "the fault refuses this case");
}

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
	/* The origin an error-queue entry or raw read of the family names. */
	var_set(&vs, "icmp", 4, fam == AF_INET6 ? "icmp6" : "icmp");
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
		tok = cf_next_token(&rest);
		var_set(&vs, "fault", 5, tok ? tok : "");
		vars_from_params(&vs, rest);
	}
	if (row_args(p, s, r, fam, &vs, params, sizeof(params)))
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

		if ((sl->block != -1 && sl->block != row) ||
		    !cf_text_key(sl->key))
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
		if (cf_text_key(k)) {
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
			while ((tok = cf_next_token(&rest)))
				if (set_param(p, tok))
					return -1;
		}
	}
	if (r && params[0] && !p->key_line[K_FAULT])
		return cf_fail(
			p, r->line,
			"row '%s' sets fault parameters but the file has "
			"no fault line",
			r->name);
	if (only) {
		i = cf_find_probe(c, only);
		if (i < 0)
			return cf_fail(p, 0, "isolated probe '%s' not found",
				       only);
		memmove(c->probes[0], c->probes[i], TOKEN_MAX);
		p->probe_line[0] = p->probe_line[i];
		c->nprobes = 1;
	}
	if (apply_probe_lines(p, s, lib, row, K_EXPECT, &vs, pls, all) ||
	    apply_probe_lines(p, s, lib, row, K_CLAIM_EXPECT, &vs, pls, all) ||
	    apply_probe_lines(p, s, lib, row, K_EXPLAIN, &vs, pls, all))
		return -1;
	if (cf_finish(p))
		return -1;
	return check_case(p, r, params[0] != '\0');
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
		return cf_fail(p, row >= 0 ? s->rows[row].line : 0,
			       "instance name too long; at most %zu characters",
			       sizeof(c->name) - 1);
	memcpy(c->group, stem, strlen(stem) + 1);
	return 0;
}

int cf_expand(struct parser *p, const struct case_src *s,
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
	if (cf_set_path(p))
		return -1;
	memcpy(stem, x->scratch->name, sizeof(stem));
	/* Without a family line: one instance, and cf_finish() says what is
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
				nprobe = 1; /* cf_finish() says what is missing
					     */
			for (i = 0; i < nprobe; i++, n++) {
				struct parser q = *p;

				if (!out)
					continue;
				c = &out[n];
				q.c = c;
				memset(q.key_line, 0, sizeof(q.key_line));
				if (cf_set_path(&q) ||
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
	size_t skip;
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
			while (cf_is_blank(*t))
				t++;
			if (arg_family(t, &skip))
				t += skip;
			eq = t;
			while (*eq && !cf_is_blank(*eq) && *eq != '=')
				eq++;
			if (*eq == '=')
				add_known(s, t, (size_t)(eq - t));
			while (*t && !cf_is_blank(*t))
				t++;
		}
	}
}

int cf_plan(struct parser *p, struct case_src *s, const struct case_lib *lib,
	    struct expansion *x, int *count)
{
	int r;

	memset(x, 0, sizeof(*x));
	x->scratch = calloc(1, sizeof(*x->scratch));
	x->pls = calloc((size_t)s->nlines + 2, sizeof(*x->pls));
	if (!x->scratch || !x->pls)
		return cf_fail(p, 0, "out of memory");
	p->lib = lib;
	p->c = x->scratch;
	collect_known(s);
	for (r = -1; r < s->nrows; r++)
		if (row_probes(p, s, r, x->scratch, &x->all))
			return -1;
	if (cf_expand(p, s, lib, x, NULL, count))
		return -1;
	if (*count > CASE_MAX_INSTANCES)
		return cf_fail(
			p, 0,
			"expands to %d cases (rows x families x isolated "
			"probes); at most %d per file, split it",
			*count, CASE_MAX_INSTANCES);
	return 0;
}

void cf_expansion_free(struct expansion *x)
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

	cf_parser_init(&p, path, v, err, errlen);
	memset(&s, 0, sizeof(s));
	memset(&x, 0, sizeof(x));
	if (out)
		*out = NULL;
	if (!out || !v || !path || (!buf && len))
		return cf_fail(&p, 0,
			       "case_parse_set needs a path, a buffer, a "
			       "vocabulary and an output");
	if (cf_scan(&p, buf, len, &s, false) || cf_plan(&p, &s, lib, &x, &n))
		goto done;
	*out = calloc((size_t)n, sizeof(**out));
	if (!*out) {
		cf_fail(&p, 0, "out of memory for %d instances", n);
		goto done;
	}
	p.line = 0;
	if (cf_expand(&p, &s, lib, &x, *out, &n)) {
		free(*out);
		*out = NULL;
		goto done;
	}
	rc = n;
done:
	cf_expansion_free(&x);
	cf_src_free(&s);
	return rc;
}

int case_parse_buf(const char *path, const char *buf, size_t len,
		   const struct case_vocab *v, struct case_def *out, char *err,
		   size_t errlen)
{
	struct case_def *set = NULL;
	int n;

	if (!out) {
		cf_errf(err, errlen, "case_parse_buf needs an output case");
		return -1;
	}
	memset(out, 0, sizeof(*out));
	n = case_parse_set(path, buf, len, v, NULL, &set, err, errlen);
	if (n < 0)
		return -1;
	if (n != 1) {
		cf_errf(err, errlen,
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
int cf_read_file(const char *path, char **buf, size_t *len, char *err,
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
		cf_errf(err, errlen, "%s: cannot open: %s; check the path",
			path, cf_errno_text(errno, msg, sizeof(msg)));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		cf_errf(err, errlen,
			"%s: not a regular file; a case must be a plain file",
			path);
		return -1;
	}
	*buf = malloc(CASE_FILE_MAX + 1);
	if (!*buf) {
		close(fd);
		cf_errf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	/* One byte more than allowed, to tell "exactly full" from "too big". */
	while (n < CASE_FILE_MAX + 1) {
		r = read(fd, *buf + n, CASE_FILE_MAX + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cf_errf(err, errlen, "%s: cannot read: %s", path,
				cf_errno_text(errno, msg, sizeof(msg)));
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
		cf_errf(err, errlen,
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
		cf_errf(err, errlen, "case_parse_file needs a path");
		return -1;
	}
	if (cf_read_file(path, &buf, &len, err, errlen))
		return -1;
	rc = case_parse_buf(path, buf, len, v, out, err, errlen);
	free(buf);
	return rc;
}
