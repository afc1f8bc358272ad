/* The tables of what icmplab can do: faults here, probe styles in
 * lib/probetab.h. Adding a fault is adding a row (and a function). */
#ifndef ICMPLAB_CATALOG_H
#define ICMPLAB_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "casefile.h"
#include "params.h"
#include "probetab.h" /* probe_defs[], probe_find */
#include "helper.h"
#include "topo.h"


#define PLAN_MAX_HELPERS 4

/* What a fault decided about how the probes send. */
struct fault_plan {
	struct ipaddr dst;
	uint16_t dport;
	int ttl; /* -1: kernel default */
	size_t size; /* payload bytes; 0: probe default */
	int min_quiet_ms; /* the least safety bound a slow generator needs */
	unsigned count; /* send-and-observe rounds per probe; 0 means 1 */
	unsigned burst; /* datagrams sent back to back per round; 0 means 1 */
	/* Fences (fence.h). The harness's fence identifier, set before the
	 * fault is applied (fence_on), for a fault that answers them itself
	 * (the forger). fence_at_router: the fault ends the datagram at the
	 * router (a drop, no route, TTL 1 by the network, a rate limit), so
	 * fences go to the router's client-side address, whose Echo Reply
	 * comes after the router has handled the datagram; otherwise they go
	 * to dst, along the datagram's whole path. */
	bool fence_on;
	uint16_t fence_id;
	bool fence_at_router;
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
	/* The parameters it takes (params.h); ends with {NULL}. The case
	 * parser checks each value against it, fault_params parses them
	 * once into the block setup receives, `icmplab faults` prints it. */
	const struct param_spec *params;
	/* Rules between parameters, on the parsed block (mtu= only with
	 * type=3 code=4, ...). 0, or -1 with the reason in why. NULL: none.
	 */
	int (*rules)(const struct param_block *a, char *why, size_t whylen);
	/* Sets up the fault in t and fills plan (pre-filled with the server
	 * address of the case's family, port PROBE_DPORT, ttl -1), reading
	 * the case's parameters from a only. 0, or -1 with err. */
	int (*setup)(struct topo *t, const struct case_def *c,
		     const struct param_block *a, struct fault_plan *plan,
		     char *err, size_t errlen);
	/* fault_apply in every row: the entry point callers that hold a row
	 * (run.c) call. */
	int (*apply)(struct topo *t, const struct case_def *c,
		     struct fault_plan *plan, char *err, size_t errlen);
	/* The fault has no IPv6 form: setup refuses family ipv6, and so
	 * does the case parser (catalog_vocab's check_case). */
	bool ipv4_only;
};

/* Parses c's parameters against f's schema and rules into *a. 0, or -1
 * with "PATH: fault 'NAME': reason" in err. Nothing else is touched. */
int fault_params(const struct fault_def *f, const struct case_def *c,
		 struct param_block *a, char *err, size_t errlen);

/* Applies c's fault: finds its row by c->fault, parses the parameters
 * (fault_params) and calls the row's setup with them. 0, or -1 with err
 * (an unknown fault, a parameter, or what setup reports). */
int fault_apply(struct topo *t, const struct case_def *c,
		struct fault_plan *plan, char *err, size_t errlen);

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

/* Makes every packet the client sends to plan's destination leave with
 * TTL (hop limit) 1: an nftables rule in the client's output hook, so
 * that the router answers Time Exceeded to any program, whatever its
 * sockets ask for. 0, or -1 with err. */
int fault_ttl_by_network(struct topo *t, struct fault_plan *plan, char *err,
			 size_t errlen);

/* The parser's vocabulary, built from the probe and fault tables; its
 * check_param validates a value through the fault's schema, its
 * check_case the whole instance as fault_apply would before setup: the
 * parameters with the fault's rules, and the family. */
const struct case_vocab *catalog_vocab(void);

/* The port nobody listens on, where probes send by default. */
#define PROBE_DPORT 33434

#endif
