/* The case parser's own interface between its files: casefile.c (one
 * case's lines: keys, handlers, checks), caseset.c (a file's rows,
 * families and isolated probes, the groups and catalogue of .defs files)
 * and caseload.c (a directory of them). Not for use elsewhere. */
#ifndef ICMPLAB_CASEPARSE_H
#define ICMPLAB_CASEPARSE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "casefile.h"

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

/* The keys, in the order of enum key_id, with their handlers. */
extern const struct key_def cf_keys[K_COUNT + 1];

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

struct vars {
	int n;
	char name[CASE_MAX_VARS + CASE_MAX_PARAMS + 4][TOKEN_MAX];
	char val[CASE_MAX_VARS + CASE_MAX_PARAMS + 4][CASE_NAME_MAX];
};

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

/* The probes named anywhere in a file (every row's and the file's own
 * probes lines): a per-probe line naming another probe is a typo. */
struct probe_set {
	int n;
	char names[CASE_MAX_PROBES * 4][TOKEN_MAX];
};

/* One file's instances: count them (out NULL) or build them into out. */
struct expansion {
	struct case_def *scratch;
	struct probe_line *pls;
	struct probe_set all;
};

/* Shared helpers: see each definition for its contract. */
void cf_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cf_fail(const struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *cf_errno_text(int e, char *buf, size_t len);
bool cf_append(char *buf, size_t len, const char *s);
const char *cf_join_array(const char (*names)[TOKEN_MAX], int n, char *buf,
			  size_t len);
bool cf_in_list(const char *const *names, const char *s);
bool cf_is_blank(char ch);
char *cf_skip_blanks(char *s);
char *cf_next_token(char **s);
bool cf_is_lower_token(const char *s);
bool cf_is_name_token(const char *s);
int cf_set_text(struct parser *p, const char *key, const char *text, char *dst,
		size_t dstlen);
int cf_unknown_probe(struct parser *p, const char *name);
int cf_add_param(struct parser *p, char *tok);
int cf_find_probe(const struct case_def *c, const char *name);
int cf_parse_expect(struct parser *p, char *rest, struct case_expect *x);
void cf_strip_comment(char *line);
void cf_trim_end(char *s);
int cf_finish(struct parser *p);
int cf_set_path(struct parser *p);
bool cf_text_key(int k);
void cf_src_free(struct case_src *s);
int cf_scan(struct parser *p, const char *buf, size_t len, struct case_src *s,
	    bool lib_file);
int cf_probe_targets(struct parser *p, const struct case_lib *lib,
		     const char *tok, const char **out);
void cf_parser_init(struct parser *p, const char *path,
		    const struct case_vocab *v, char *err, size_t errlen);
int cf_expand(struct parser *p, const struct case_src *s,
	      const struct case_lib *lib, struct expansion *x,
	      struct case_def *out, int *count);
int cf_plan(struct parser *p, struct case_src *s, const struct case_lib *lib,
	    struct expansion *x, int *count);
void cf_expansion_free(struct expansion *x);
int cf_read_file(const char *path, char **buf, size_t *len, char *err,
		 size_t errlen);

#endif
