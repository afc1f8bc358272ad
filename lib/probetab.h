/* The probe table: every probe style icmplab knows, defined once. The
 * harness runs and orders probes by it, `icmplab probes` prints it, and
 * each probe binary takes its styles' summaries from it (`--list`); a test
 * runs every binary's --list against it. Adding a style is a row here and
 * a row plus a function in probes/<binary>.c. */
#ifndef ICMPLAB_PROBETAB_H
#define ICMPLAB_PROBETAB_H

enum probe_kind {
	/* One of our binaries (build/probes/icmplab-probe-<binary>): speaks
	 * the event protocol and the sync handshake. */
	PROBE_EVENTS,
	/* A user's own shell command: no events, no sync; its exit status
	 * and output are what surface. binary is NULL. */
	PROBE_COMMAND,
};

/* Address families a style can run with (a bit set). */
#define PROBE_IPV4 0x1u
#define PROBE_IPV6 0x2u

struct probe_def {
	const char *name;   /* stable identifier: results depend on it */
	const char *binary; /* icmplab-probe-<binary>; NULL for PROBE_COMMAND */
	enum probe_kind kind;
	unsigned families;   /* PROBE_IPV4 | PROBE_IPV6 */
	const char *summary; /* one line: what the style does, in order */
};

/* The most rows probe_defs[] may have, for callers that copy the names
 * into a fixed array (test_probetab checks the table fits). */
#define PROBE_DEFS_MAX 64

/* In the order of the matrix's columns; ends with {NULL}. */
extern const struct probe_def probe_defs[];

/* The row named name, or NULL. Points into probe_defs[]. */
const struct probe_def *probe_find(const char *name);

/* "ipv4", "ipv6", "ipv4 ipv6" (or "none") for a PROBE_IPV* set. Static
 * storage. */
const char *probe_families_str(unsigned families);

#endif
