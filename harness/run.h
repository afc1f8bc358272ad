/* Running one case: topology, fault, capture, probes, cells. */
#ifndef ICMPLAB_RUN_H
#define ICMPLAB_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "casefile.h"

struct stock;

struct run_opts {
	const char *probe_dir; /* where icmplab-probe-* live */
	const char *pcap_dir; /* one <case>.pcap each; NULL for none */
	int quiet_ms; /* the safety bound on a sync's wait for its fence */
	int cpu; /* pin the case to this CPU; -1: do not pin */
	int kver; /* running kernel, major*1000+minor */
	int timeout_ms; /* a whole case may take at most this */
	/* The naive reference for benchmarks: when > 0, probes run one after
	 * another and every sync is answered after this many milliseconds,
	 * whatever the wire says (as `nc -u` waits before deciding). */
	int fixed_wait_ms;
	/* The user command probe's template ({addr}, {port}); overrides a
	 * case's `command`. NULL: the case's own. */
	const char *probe_cmd;
	/* A user command still running this long after it started is
	 * killed, with every process it started; the cell says it timed
	 * out. <= 0: only the case's timeout_ms applies. */
	int cmd_timeout_ms;
	/* Where topologies come from built ahead (stock.h), or NULL: each
	 * case builds its own. A worker's, for its own thread only. */
	struct stock *stock;
};

/* Runs case c in the calling process, which it changes (namespaces, CPU
 * affinity, children): call it in a process of its own. Returns a new JSON
 * object {"case": {...}, "cells": [...]} that the caller owns, or NULL with
 * err when the case could not be set up at all. */
json_t *run_case(const struct case_def *c, const struct run_opts *o, char *err,
		 size_t errlen);

#endif
