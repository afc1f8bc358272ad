/* Cells and cases as typed records, and the one place that writes them as
 * JSON (docs/results.md).
 *
 * A cell is one probe of one case: what the probe's run saw (wire errors,
 * observations, events), how the run went (skip, protocol error, exit
 * status, helpers, capture drops), what the case expected, and the
 * verdict (verdict.h decides it). run.c fills cells from a case it ran,
 * suite.c fills error cells for a case that could not run; both write them
 * with cell_json, so the schema is written once.
 */
#ifndef ICMPLAB_CELL_H
#define ICMPLAB_CELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "casefile.h"
#include "event.h"
#include "helper.h"
#include "observe.h"
#include "wire.h"

enum verdict {
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_SKIP,
	VERDICT_ERROR,
	VERDICT_INFO,
};

/* "pass", "fail", "skip", "error", "info". */
const char *verdict_name(enum verdict v);

#define CELL_REASON_MAX 512
#define HELPER_NOTE_MAX (HELPER_REASON_MAX + 64)

struct cell {
	/* Which cell. */
	const struct case_def *c;
	const char *probe;
	/* false: the case never ran (suite.c); the cell holds only its
	 * identity, an error verdict and the reason. */
	bool ran;
	/* What the run saw; the arrays belong to the caller. */
	unsigned datagrams;
	const struct wire_error *wire;
	size_t nwire;
	const struct observation *surfaced;
	size_t nsurfaced;
	const struct observation *others; /* raw sockets: others' errors */
	size_t nothers;
	const struct event *events;
	size_t nevents;
	uint64_t t0; /* the case's start: times are written since then */
	/* How the run went; "" (never NULL) for none. */
	long drops;		    /* packets the capture lost */
	const char *helper_error;   /* what a fault helper reported */
	const char *skip;	    /* why the probe cannot run here */
	const char *protocol_error; /* the probe broke the event protocol */
	bool is_cmd;	     /* a user command: exit status is its result */
	int status;	     /* the probe's wait status */
	const char *errtext; /* its stderr */
	size_t errtext_len;  /* its bytes, NULs included; 0: strlen */
	const char *command; /* is_cmd: the command line that ran */
	const char *output;  /* is_cmd: its stdout */
	size_t output_len;   /* its bytes, NULs included; 0: strlen */
	double duration_ms;  /* is_cmd: its wall time */
	int timed_out_ms;    /* is_cmd: killed at --cmd-timeout; 0: not */
	/* What it is judged against. expect: NULL when no line applies to
	 * this kernel; claim: NULL when the case has no claim-expect line for
	 * the probe. */
	const struct case_expect *expect, *claim;
	const char *explain; /* NULL: none */
	int kver;	     /* major*1000+minor */
	/* Set by verdict_decide (or by hand for a cell that never ran). */
	enum verdict verdict;
	char reason[CELL_REASON_MAX]; /* "" for none */
	bool claim_holds; /* written when claim and the verdict is pass */
};

/* The cell as its results-document object. New reference. */
json_t *cell_json(const struct cell *c);

/* A fault helper of the case, as the case reports it. */
struct helper_note {
	const char *name;
	char error[HELPER_NOTE_MAX]; /* "" when it ran to the end */
};

struct case_record {
	const struct case_def *c;
	/* Not NULL: the case could not run; only name, group, title and this
	 * are written. */
	const char *error;
	const char *pcap; /* NULL: no capture file */
	struct ipaddr dst;
	uint16_t dport;
	int ttl; /* -1: not set by the fault */
	int quiet_ms;
	const struct wire_packet *packets;
	size_t npackets;
	long drops;
	const struct helper_note *helpers;
	size_t nhelpers;
	uint64_t t0, t_end;
	json_t *topology; /* topodump.h; NULL: not written (borrowed) */
	/* Where the case's time went (CLOCK_MONOTONIC ns, 0: not reached):
	 * the topology built, the fault applied and the capture open, the
	 * first probe started, the last probe ended, the case torn down;
	 * and how long some probe's sync waited for evidence. */
	uint64_t t_topo, t_fault, t_probes, t_probes_end, t_teardown;
	uint64_t wait_ns;
	unsigned fences;	   /* fences sent (fence.h) */
	unsigned silence_unproven; /* syncs whose fence went unanswered */
};

/* The case as its results-document object. New reference. */
json_t *case_record_json(const struct case_record *r);

/* One observation as a "surfaced" item. New reference. */
json_t *observation_json(const struct observation *o);

/* An expectation as its tokens ("recv:ECONNREFUSED"); [] for "none"; JSON
 * null when e is NULL (no line applies). New reference. */
json_t *expect_json(const struct case_expect *e);

#endif
