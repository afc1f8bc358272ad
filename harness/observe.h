/* Observations: what a probe's socket told the program, from its events.
 *
 * A probe writes every system call it makes; only some of them say
 * something about an ICMP error. observe_event holds that rule (which
 * events count as surfaced) and turns each into a typed observation; the
 * verdict compares observations with the case's expectation and the cell
 * writes them, so neither has to know about events.
 */
#ifndef ICMPLAB_OBSERVE_H
#define ICMPLAB_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "event.h"

/* What an observation carries in place of an errno. */
enum obs_kind {
	OBS_CALL,     /* a call failed, or handed back an errno (SO_ERROR) */
	OBS_ERRQUEUE, /* a sock_extended_err from the error queue */
	OBS_PACKET,   /* an ICMP error a raw socket read: no errno */
	OBS_EXIT,     /* a user command's exit status or killing signal */
};

/* err when there is none: a raw packet, or an errno field that was 0. */
#define OBS_NO_ERRNO (-1)

struct observation {
	enum obs_kind kind;
	char via[EV_NAME_MAX];	/* "recv", "so_error", "errqueue", "exit" */
	char call[EV_NAME_MAX]; /* the system call: "recv", "recvmsg" */
	/* An errno (OBS_CALL, OBS_ERRQUEUE), OBS_NO_ERRNO, or for OBS_EXIT
	 * the exit status or signal number. */
	int err;
	/* OBS_ERRQUEUE, OBS_PACKET: where the error came from (ee_origin;
	 * SO_EE_ORIGIN_ICMP for a packet), its ICMP type and code. */
	int origin;
	int type, code;
	uint32_t info; /* OBS_ERRQUEUE: ee_info (the MTU of 3/4) */
	/* OBS_ERRQUEUE: the offender; OBS_PACKET: the sender. Family 0 when
	 * not known. */
	struct ipaddr from;
	/* The round it belongs to: the seq of the last sync event before it;
	 * 0 before the first (setup calls). Not written to the results. */
	unsigned round;
};

/* Where observe_event puts an event. */
enum obs_place {
	OBS_IGNORED,   /* says nothing the verdict looks at */
	OBS_SURFACED,  /* the socket surfaced it to the program */
	OBS_FOR_OTHERS /* a raw socket read another program's error */
};

/* The round observations are counted in; zero-initialise it per probe. */
struct observer {
	unsigned round;
};

/* Reads one event of a probe, in the order the probe wrote them. Fills *o
 * and returns where it belongs (OBS_SURFACED, OBS_FOR_OTHERS), or returns
 * OBS_IGNORED and leaves *o alone. Sync events move the round on. Pure: no
 * I/O, no allocation. */
enum obs_place observe_event(struct observer *s, const struct event *e,
			     struct observation *o);

/* A growing list of observations. Zero-initialise it; obs_list_free. */
struct obs_list {
	struct observation *v;
	size_t n, cap;
};

/* Appends a copy of o. 0, or -1 when out of memory (l unchanged). */
int obs_list_add(struct obs_list *l, const struct observation *o);

void obs_list_free(struct obs_list *l);

/* A user command's one observation: its exit status (via "exit") or the
 * signal that killed it (via "signal"), from a waitpid status. */
void observe_exit(int wait_status, struct observation *o);

#endif
