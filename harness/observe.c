/* Observations from events: see observe.h. */
#include "observe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <linux/errqueue.h>

/* An errno field as an observation holds it: 0 (the field was null) is
 * no errno at all. */
static int errno_or_none(int e)
{
	return e ? e : OBS_NO_ERRNO;
}

static void start(struct observation *o, enum obs_kind kind, const char *via,
		  const char *call, unsigned round)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	snprintf(o->via, sizeof(o->via), "%s", via);
	snprintf(o->call, sizeof(o->call), "%s", call);
	o->round = round;
}

enum obs_place observe_event(struct observer *s, const struct event *e,
			     struct observation *o)
{
	switch (e->kind) {
	case EV_SYNC:
		s->round = e->seq;
		return OBS_IGNORED;
	case EV_CALL:
		/* A call that failed with EAGAIN found nothing, and a
		 * non-blocking connect's EINPROGRESS says only that it
		 * started; any other failure, or an errno handed back as a
		 * value (SO_ERROR), is the socket telling the program
		 * something. */
		if (!((e->ret < 0 && e->err != EAGAIN &&
		       e->err != EINPROGRESS) ||
		      e->value))
			return OBS_IGNORED;
		start(o, OBS_CALL, e->via, e->call, s->round);
		o->err = errno_or_none(e->value ? e->value : e->err);
		return OBS_SURFACED;
	case EV_ERRQUEUE:
		start(o, OBS_ERRQUEUE, e->via, "recvmsg", s->round);
		o->err = errno_or_none(e->ee_errno);
		o->origin = e->origin;
		o->type = e->type;
		o->code = e->code;
		o->info = e->info;
		o->from = e->offender;
		return OBS_SURFACED;
	case EV_ICMP:
		/* A packet, not an errno: the program must read it itself. A
		 * raw socket reads every ICMP error on the host: only those
		 * quoting the probe's own datagram count as surfaced; the
		 * rest are kept apart, as the evidence that raw sockets see
		 * other programs' errors. */
		start(o, OBS_PACKET, e->via, "recvmsg", s->round);
		o->err = OBS_NO_ERRNO;
		o->origin = e->offender.family == AF_INET6
				    ? SO_EE_ORIGIN_ICMP6
				    : SO_EE_ORIGIN_ICMP;
		o->type = e->type;
		o->code = e->code;
		o->from = e->offender;
		return e->own ? OBS_SURFACED : OBS_FOR_OTHERS;
	default:
		return OBS_IGNORED;
	}
}

/* What a command tells its user is its exit status (or the signal that
 * ended it); the rest (its output) goes beside it in the cell. */
void observe_exit(int wait_status, struct observation *o)
{
	bool sig = WIFSIGNALED(wait_status);

	start(o, OBS_EXIT, sig ? "signal" : "exit", "waitpid", 0);
	o->err = sig ? WTERMSIG(wait_status) : WEXITSTATUS(wait_status);
}

int obs_list_add(struct obs_list *l, const struct observation *o)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct observation *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *o;
	return 0;
}

void obs_list_free(struct obs_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
