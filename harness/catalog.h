/* The tables of what icmplab can do: probe styles and faults. Adding a probe
 * style or a fault is adding a row here (and, for a fault, a function). */
#ifndef ICMPLAB_CATALOG_H
#define ICMPLAB_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "casefile.h"
#include "topo.h"

struct probe_def {
	const char *name; /* stable identifier: results depend on it */
	const char *binary; /* build/probes/icmplab-probe-<binary> */
};

/* Ends with {NULL}. */
extern const struct probe_def probe_defs[];
const struct probe_def *probe_find(const char *name);

/* What a fault decided about how the probes send. */
struct fault_plan {
	struct ipaddr dst;
	uint16_t dport;
	int ttl; /* -1: kernel default */
	size_t size; /* payload bytes; 0: probe default */
	int min_quiet_ms; /* a generator slower than the default quiet */
};

struct fault_def {
	const char *name;
	const char *summary;
	const char *const *keys; /* accepted parameters, NULL-terminated */
	/* Sets up the fault in t and fills plan (pre-filled with the server
	 * address, port 33434, ttl -1). 0, or -1 with err. */
	int (*apply)(struct topo *t, const struct case_def *c,
		     struct fault_plan *plan, char *err, size_t errlen);
};

extern const struct fault_def fault_defs[];
const struct fault_def *fault_find(const char *name);

/* The parser's vocabulary, built from the two tables. */
const struct case_vocab *catalog_vocab(void);

/* A case parameter's value, or dflt. */
const char *case_param(const struct case_def *c, const char *key,
		       const char *dflt);

/* The port nobody listens on, where probes send by default. */
#define PROBE_DPORT 33434

#endif
