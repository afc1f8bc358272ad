/* The tables of what icmplab can do: probe styles and faults. Adding a probe
 * style or a fault is adding a row here (and, for a fault, a function). */
#ifndef ICMPLAB_CATALOG_H
#define ICMPLAB_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "casefile.h"
#include "helper.h"
#include "topo.h"

struct probe_def {
	const char *name; /* stable identifier: results depend on it */
	const char *binary; /* build/probes/icmplab-probe-<binary>; NULL for
			       the user command probe */
};

/* Ends with {NULL}. */
extern const struct probe_def probe_defs[];
const struct probe_def *probe_find(const char *name);

#define PLAN_MAX_HELPERS 4

/* What a fault decided about how the probes send. */
struct fault_plan {
	struct ipaddr dst;
	uint16_t dport;
	int ttl; /* -1: kernel default */
	size_t size; /* payload bytes; 0: probe default */
	int min_quiet_ms; /* a generator slower than the default quiet */
	unsigned count; /* send-and-observe rounds per probe; 0 means 1 */
	unsigned burst; /* datagrams sent back to back per round; 0 means 1 */
	/* Processes the fault started (a forger, a listener), each started
	 * with helper_start (so they die with the harness): the harness
	 * stops them when the case ends, and a failure one of them reports
	 * makes the case's cells errors. */
	struct helper helpers[PLAN_MAX_HELPERS];
	int nhelpers;
};

struct fault_def {
	const char *name;
	const char *summary;
	const char *const *keys; /* accepted parameters, NULL-terminated */
	/* Checks one parameter's value when case files are parsed (before
	 * anything runs). 0, or -1 with "expected ..." in why. NULL: any
	 * value of a listed key is accepted. */
	int (*check)(const char *key, const char *val, char *why,
		     size_t whylen);
	/* Sets up the fault in t and fills plan (pre-filled with the server
	 * address of the case's family, port PROBE_DPORT, ttl -1). 0, or -1
	 * with err. */
	int (*apply)(struct topo *t, const struct case_def *c,
		     struct fault_plan *plan, char *err, size_t errlen);
};

/* Each fault module keeps its own table, ending with {NULL}:
 *   basic_faults     harness/catalog.c   port_unreachable, ttl_exceeded, ...
 *   forge_faults     harness/forge.c     the forger's ICMP errors
 *   generator_faults harness/generators.c  real routers answering */
extern const struct fault_def basic_faults[];
extern const struct fault_def forge_faults[];
extern const struct fault_def generator_faults[];

/* Looks a fault up in every table. */
const struct fault_def *fault_find(const char *name);

/* Calls fn for every fault of every table, in table order. */
void fault_foreach(void (*fn)(const struct fault_def *f, void *arg),
		   void *arg);

/* Starts a TCP listener on the server at plan's destination and port (a
 * helper process: accepts, reads, discards), for probes that need an
 * established connection before the fault meets their data. 0, or -1 with
 * err. */
int fault_tcp_listener(struct topo *t, struct fault_plan *plan, char *err,
		       size_t errlen);

/* Parameter value helpers for check functions: an integer in lo..hi. */
int param_int(const char *val, long lo, long hi, long *out);

/* The parser's vocabulary, built from the two tables. */
const struct case_vocab *catalog_vocab(void);

/* A case parameter's value, or dflt. */
const char *case_param(const struct case_def *c, const char *key,
		       const char *dflt);

/* The port nobody listens on, where probes send by default. */
#define PROBE_DPORT 33434

#endif
