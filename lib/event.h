/* Probe events: what a probe did and saw, one JSON object per line.
 *
 * A probe writes events on stdout; the harness decodes them. Every event has
 * "ev" (its kind) and "t" (CLOCK_MONOTONIC nanoseconds). The kinds:
 *
 *   start    {"probe": style}                      first line
 *   flow     {"proto","src","sport","dst","dport"} the datagram flow the
 *            probe's socket uses; the harness matches quoted headers with it
 *   call     {"call","via"?,"ret","errno","value"?} one system call: its
 *            return value and errno name (null on success); "via" labels an
 *            observation (e.g. getsockopt -> "so_error", recvmsg with
 *            MSG_ERRQUEUE -> "errqueue"); "value" is an errno-valued
 *            out-parameter (SO_ERROR) by name, omitted when 0
 *   errqueue {"via","ee_errno","origin","type","code","info","data",
 *            "offender"?, "rfc4884"?} one sock_extended_err read from the
 *            error queue
 *   icmp     {"via","type","code","from","match"} an ICMP error read from a
 *            raw socket; match is "own" or "other"
 *   sync     {"seq","sent","burst"?} the probe sent datagram number seq
 *            (sent=false if the send failed; burst=N when seq ends a burst
 *            of N sent back to back) and waits for one line on stdin: "go
 *            wire" once the ICMP for it reached the client, "go quiet"
 *            after a quiet period with none (for a burst: after the wire
 *            has been quiet that long, "go wire" if any error came). The
 *            reply decides when to observe.
 *   note     {"text"}      anything worth keeping
 *   skip     {"text"}      the probe cannot run here; it exits 4
 *   end      {}            last line; the probe exits 0
 */
#ifndef ICMPLAB_EVENT_H
#define ICMPLAB_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "addr.h"

enum ev_kind {
	EV_START = 1,
	EV_FLOW,
	EV_CALL,
	EV_ERRQUEUE,
	EV_ICMP,
	EV_SYNC,
	EV_NOTE,
	EV_SKIP,
	EV_END,
	/* A style run as a thread of a probe's --serve: its exit status
	 * (in value), the last line it writes. The harness keeps it as the
	 * style's wait status, not as an event of the cell. */
	EV_EXIT,
};

#define EV_NAME_MAX 32
#define EV_TEXT_MAX 256

struct event {
	enum ev_kind kind;
	uint64_t t_ns;
	/* call, errqueue, icmp */
	char call[EV_NAME_MAX]; /* the system call, "recv" */
	char via[EV_NAME_MAX];	/* the observation label; = call if unset */
	long ret;
	int err;   /* errno of a failed call; 0 on success */
	int value; /* errno-valued out-parameter (SO_ERROR); 0 if none;
		      exit: the status */
	/* errqueue, icmp */
	int ee_errno;
	int origin;
	int type, code;
	uint32_t info, data;
	struct ipaddr offender; /* family 0 if none */
	bool own;	 /* icmp: the quote names the probe's own datagram */
	int rfc4884_len; /* errqueue: extension offset reported, -1 none */
	/* flow */
	int proto; /* IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP, ... */
	struct ipaddr src, dst;
	uint16_t sport, dport;
	/* sync */
	unsigned seq;
	bool sent;
	unsigned burst; /* sync: datagrams in the burst; 0 or 1: a single one */
	/* start (probe style), note, skip */
	char text[EV_TEXT_MAX];
};

/* Names of enum ev_kind, for the "ev" field. */
const char *event_kind_name(enum ev_kind k);

/* CLOCK_MONOTONIC now, in nanoseconds. */
uint64_t event_now_ns(void);

/* Writes e as one JSON line to f and flushes it. Returns 0, -1 on a write
 * error (errno set). */
int event_write(FILE *f, const struct event *e);

/* The event as event_write writes it, without "t": the fields of one
 * kind, in the same order. For a parsed line, a new object equal to the
 * line without "t" (parse and write are inverse on what probes write).
 * New reference; NULL when out of memory. */
json_t *event_json(const struct event *e);

/* An errno as the events write it: its name, the number when it has no
 * name, JSON null for 0. New reference. */
json_t *event_errno_json(int e);

/* Decodes one line (without its newline; need not be NUL-terminated).
 * Returns 0 and fills *out; -1 with a reason in err for anything that is not
 * a well-formed event (bad JSON, missing "ev", unknown kind, wrong field
 * type, unknown errno name, bad address). */
int event_parse(const char *line, size_t len, struct event *out, char *err,
		size_t errlen);

#endif
