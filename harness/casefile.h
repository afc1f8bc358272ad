/* Case files: declarative files under cases/, one parser. docs/cases.md
 * teaches the language; this is the reference.
 *
 * Syntax (line oriented; '#' starts a comment; blank lines ignored; fields
 * separated by blanks):
 *
 *   title    Port unreachable from the server's kernel        (required, once)
 *   family   ipv4 [ipv6]       (required, once; each family is an instance)
 *   fault    NAME [key=value ...]                             (required, once)
 *   probes   NAME|@GROUP [...]               (required; may repeat, adds up)
 *   expect   PROBE|@GROUP [VAR=V[|V...]] [kernel>=X.Y] [kernel<X.Y] RESULT ...
 *   explain  PROBE|@GROUP [VAR=V[|V...]] free text: why this probe sees it
 *   why      free text: one sentence of why for the case     (required, once)
 *   ref      free text: RFC 1122 4.1.3.3; udp(7); __udp4_lib_err (repeats)
 *   quiet    MILLISECONDS (1..10000): quiet period for this case's silences
 *   claim    free text: a statement (textbook, RFC) that this case tests
 *   claim-expect PROBE|@GROUP [VAR=V] [kernel...] RESULT ...  what the
 *            claim predicts for PROBE (needs a claim line); the report says
 *            whether this kernel confirms it
 *   command  free text: the command the `cmd` probe runs, with {addr} and
 *            {port} replaced by the destination and {dir} by the case
 *            file's folder (once)
 *   vars     NAME ...         (once, before any row) row variables
 *   isolate  probe|none       (once; in a row, for that row) probe: a
 *            fresh topology for every probe, each probe of the row an
 *            instance of its own; none (the default): one for the row
 *   row      NAME [key=value ...]  starts a row: an instance named NAME
 *            whose fault takes these parameters (a key named in `vars` sets
 *            that variable instead); the lines after it, up to the next
 *            row, belong to the row and override the file's lines of the
 *            same key (for expect, explain and claim-expect: of the same
 *            probe)
 *
 * A file without row lines is one instance named after the file (its base
 * name without .case). Instance names: the row's name; "-ipv6" added for
 * the IPv6 instance of a file that lists both families; "-PROBE" added
 * under `isolate probe`. Every instance carries the file's base name as its
 * group.
 *
 * Variables of an instance: family (ipv4, ipv6), fault (its name), row,
 * every fault parameter (code, type, ...), and the row's vars. {NAME} in a
 * line's text or results is replaced by the variable's value (not in
 * command lines, whose {addr}, {port} and {dir} are the command's); an
 * unknown {NAME} is an error. A qualifier VAR=V1|V2 makes a line apply
 * only to instances whose VAR is one of the values.
 *
 * Which expect, explain and claim-expect lines apply to a probe of an
 * instance: of the lines naming the probe (directly or through a group)
 * whose qualifiers all match, those of the row's own block win over the
 * file's; then more qualifiers win over fewer; then a line naming the
 * probe wins over a group's line. A probe with no explain line takes the
 * best matching explain line of the catalogue (below).
 *
 * Files named *.defs under the case directory hold what cases share, read
 * before the cases: `group @NAME PROBE ...` (a probe group; @all, every
 * probe but cmd, is built in) and catalogue `explain` lines, keyed by probe
 * (or group) and qualifiers.
 *
 * RESULT is "none" (alone) or VIA:ERRNO, or for an error-queue entry
 * VIA:ERRNO/ORIGIN/TYPE/CODE, e.g. recv:ECONNREFUSED,
 * errqueue:EHOSTUNREACH/icmp/11/0. ERRNO may also be '-' (no errno: a raw
 * socket's packet, raw:-/icmp/3/3) or a number (exit:1 for a command's
 * exit status). VIA is a lowercase token ([a-z0-9_]+);
 * ERRNO a name errno_from_name() knows; ORIGIN a name in ee_origin_names;
 * TYPE and CODE 0..255. The results are compared in order: a probe makes
 * its calls round by round, so a sweep's k-th item is judged at its place.
 *
 * Every probe of an instance needs at least one `expect` line that applies
 * to any kernel, or a set of ranged lines; an `expect` naming a probe that
 * no probes line of the file lists is an error. Unknown keys, faults,
 * probes, groups, variables, fault parameters and errno names are errors.
 * Every error names file and line (and the row, for an instance of a row)
 * and what was expected.
 */
#ifndef ICMPLAB_CASEFILE_H
#define ICMPLAB_CASEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CASE_NAME_MAX	   64
#define CASE_TEXT_MAX	   1024
/* The longest source a claim may name before its ": ". */
#define CLAIM_SOURCE_MAX   64
#define CASE_MAX_PROBES	   32
#define CASE_MAX_PARAMS	   16
#define CASE_MAX_EXPECTS   64 /* expect lines per case */
#define CASE_MAX_RESULTS   32 /* RESULT tokens per expect line */
#define CASE_MAX_REFS	   8
#define TOKEN_MAX	   32
#define CASE_LINE_MAX	   2048 /* characters per line, without the line end */
#define CASE_FILE_MAX	   (256 * 1024) /* bytes per file */
#define CASE_MAX_VARS	   16		/* names on a vars line */
#define CASE_MAX_ROWS	   512		/* rows per file */
#define CASE_MAX_INSTANCES 1024		/* cases one file expands to */
#define CASE_MAX_GROUPS	   64		/* probe groups in all .defs files */

/* Details the parser settles beyond the syntax above:
 * - A line ends with LF or CRLF; the last line needs no line end. Any other
 *   control character (NUL, a lone CR, ...) except tab is an error.
 * - '#' starts a comment at the start of a line or after a blank, so a '#'
 *   inside a word ("rfc792#p4") stays part of the text.
 * - Free text runs to the end of the line; blanks around it are dropped.
 *   Text that does not fit its field is an error, never cut short.
 * - title, family, fault, why, quiet and claim may appear only once; so may
 *   the explain line of each probe.
 * - Two expect lines of one probe may not both apply to the same kernel:
 *   at most one unranged line, and ranged lines must not overlap.
 * - kernel>= and kernel< take X.Y with X 1..999 and Y 0..999.
 */

/* ERRNO written as '-': the observation carries no errno (a raw socket's
 * packet, a readiness bit). */
#define EXPECT_NO_ERRNO (-1)

/* One expected observation: what a probe surfaced and through which call.
 * err is an errno, EXPECT_NO_ERRNO, or a plain number written as digits (an
 * exit status, for via "exit"). */
struct expect_item {
	char via[TOKEN_MAX]; /* "recv", "so_error", "errqueue", ... */
	int err;	     /* errno value */
	bool is_number;	     /* err was written as digits (an exit status) */
	bool has_icmp;	     /* ORIGIN/TYPE/CODE given */
	int origin, type, code;
};

/* A kernel version as major*1000 + minor (6.12 -> 6012). */
struct kernel_range {
	int min; /* inclusive; 0 = no lower bound */
	int max; /* exclusive; 0 = no upper bound */
};

struct case_expect {
	char probe[TOKEN_MAX];
	struct kernel_range kr;
	int n; /* 0 means "none": nothing surfaces */
	struct expect_item items[CASE_MAX_RESULTS];
	int line;
};

struct case_param {
	char key[TOKEN_MAX];
	char val[CASE_NAME_MAX];
};

struct case_explain {
	char probe[TOKEN_MAX];
	char text[CASE_TEXT_MAX];
};

struct case_def {
	char path[256];
	char name[CASE_NAME_MAX];  /* the instance: row, family, probe */
	char group[CASE_NAME_MAX]; /* the file's base name */
	char title[CASE_TEXT_MAX];
	int family; /* AF_INET or AF_INET6 */
	char fault[TOKEN_MAX];
	int nparams;
	struct case_param params[CASE_MAX_PARAMS];
	int nprobes;
	char probes[CASE_MAX_PROBES][TOKEN_MAX];
	int nexpects;
	struct case_expect expects[CASE_MAX_EXPECTS];
	int nexplains;
	struct case_explain explains[CASE_MAX_PROBES];
	char why[CASE_TEXT_MAX];
	char claim[CASE_TEXT_MAX];
	int nrefs;
	char refs[CASE_MAX_REFS][CASE_TEXT_MAX];
	/* claim-expect lines: what the claim predicts per probe, judged
	 * beside the real expectation (a claim may be refuted without the
	 * cell failing). */
	int nclaims;
	struct case_expect claims[CASE_MAX_PROBES];
	char command[CASE_TEXT_MAX]; /* a user command probe's template */
	int quiet_ms;		     /* 0 = the run's default */
};

/* What the parser accepts as names. The harness fills this from its fault
 * and probe tables; tests may fill it by hand. */
struct case_vocab {
	const char *const *faults; /* NULL-terminated */
	const char *const *probes; /* NULL-terminated */
	/* Checks one fault parameter. Returns 0 if fine; otherwise -1 with a
	 * reason in why (e.g. "expected type=0..255"). May be NULL (any
	 * parameter accepted). */
	int (*check_param)(const char *fault, const char *key, const char *val,
			   char *why, size_t whylen);
	/* Checks a whole built instance: what one value at a time cannot
	 * show (rules between parameters, the fault's families). Called once
	 * per instance after every other check passed. Returns 0 if fine;
	 * -1 with a reason in why about the fault's parameters (reported at
	 * the row line that set parameters, else at the fault line); -2 with
	 * a reason about the family (reported at the family line). May be
	 * NULL (no check). */
	int (*check_case)(const struct case_def *c, char *why, size_t whylen);
	/* The families a probe has a form for: bit 0 IPv4, bit 1 IPv6. A
	 * group leaves out of an instance the probes without its family; a
	 * probe named on its own is refused. May be NULL (every probe runs
	 * over both). */
	unsigned (*probe_families)(const char *probe);
};

/* What the case files share: probe groups and the explain catalogue, from
 * *.defs files. Opaque; case_lib_free(NULL) is fine. */
struct case_lib;

/* A new, empty library (only the built-in @all group), or NULL when out of
 * memory. */
struct case_lib *case_lib_new(void);
void case_lib_free(struct case_lib *lib);

/* Adds the groups and catalogue lines of one .defs buffer to lib. Returns
 * 0; -1 with "path:line: message" in err. lib keeps copies of what it
 * needs. */
int case_lib_add_buf(struct case_lib *lib, const char *path, const char *buf,
		     size_t len, const struct case_vocab *v, char *err,
		     size_t errlen);

/* Parses a case file from a buffer into its instances; path is used for
 * messages and names, lib may be NULL (no groups but @all, no catalogue).
 * Returns the number of instances (>= 1) and sets *out to a calloc'd array
 * the caller frees; -1 with "path:line: message" in err (*out is NULL). */
int case_parse_set(const char *path, const char *buf, size_t len,
		   const struct case_vocab *v, const struct case_lib *lib,
		   struct case_def **out, char *err, size_t errlen);

/* Parses a case file that holds exactly one instance (no rows, one family,
 * no isolation) into *out, which is caller-owned and fully overwritten.
 * Returns 0 on success; -1 with "path:line: message" in err. */
int case_parse_buf(const char *path, const char *buf, size_t len,
		   const struct case_vocab *v, struct case_def *out, char *err,
		   size_t errlen);

/* Reads and parses a one-instance file (at most CASE_FILE_MAX bytes).
 * Same contract. */
int case_parse_file(const char *path, const struct case_vocab *v,
		    struct case_def *out, char *err, size_t errlen);

/* Loads every *.defs file under dir into a library, then every *.case
 * file (recursively, sorted by path) into its instances; two instances
 * may not have the same name. Returns the number of instances and sets
 * *out to a malloc'd array the caller frees; -1 with err on the first
 * malformed file (nothing is returned then). */
int case_load_dir(const char *dir, const struct case_vocab *v,
		  struct case_def **out, char *err, size_t errlen);

/* The expect line that applies to probe on kernel kver (major*1000+minor),
 * or NULL. A ranged line wins over an unranged one. A kver <= 0 (unknown
 * kernel) matches only unranged lines. The result points into c. */
const struct case_expect *case_expect_for(const struct case_def *c,
					  const char *probe, int kver);

/* The claim-expect line that applies to probe on kernel kver, chosen as
 * case_expect_for chooses, or NULL. */
const struct case_expect *case_claim_for(const struct case_def *c,
					 const char *probe, int kver);

/* The explain text for probe, or NULL. */
const char *case_explain_for(const struct case_def *c, const char *probe);

/* Parses "6.12.3-amd64" -> 6012. -1 if it does not start with N.N, or if
 * either part is over 999 (the encoding would be ambiguous). */
int kernel_version_parse(const char *release);

/* Formats an expect item as the token it was written as. */
const char *expect_item_str(const struct expect_item *e, char *buf, size_t len);

/* Formats the results of an expect line as written: "none", or the items
 * separated by one space. Writes at most len bytes into buf (always
 * terminated when len > 0) and returns buf. */
const char *expect_results_str(const struct case_expect *x, char *buf,
			       size_t len);

/* Writes c as a one-case file (what a row, family and isolated probe
 * expand to): a case file that parses to the same case. Returns 0; -1 if
 * f has an error. */
int case_write(FILE *f, const struct case_def *c);

/* Copies src into dst, which must be all zeros (calloc'd): only the parts
 * in use (the first nexpects expects, and so on), so that only the pages
 * holding them are touched. A case_def is hundreds of kilobytes, most of
 * them arrays left empty, and a plain assignment writes every page. */
void case_def_copy(struct case_def *dst, const struct case_def *src);

#endif
