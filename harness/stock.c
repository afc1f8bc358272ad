/* Topologies built ahead: see stock.h. */
#include "stock.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Closes in flight at most: a case retires one capture, and each holds a
 * ring of megabytes until its socket is gone. */
#define CLOSERS_MAX 8

enum slot_state { SLOT_EMPTY, SLOT_BUILDING, SLOT_READY };

struct slot {
	struct stock *s;
	int index;
	uint64_t started; /* when its build began (stock.starts) */
	pthread_t th;
	bool running; /* its thread was started */
	enum slot_state state;
	uint64_t seq; /* when it became ready: the oldest is taken first */
	int rc;
	struct topo t;
	struct capture cap;
	char err[512];
};

struct stock {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* any slot's state, stopping, closers */
	bool stopping;
	bool last; /* the next take is the last */
	int first_builds; /* slots whose first topology is built */
	uint64_t starts;  /* builds begun */
	uint64_t seq;
	int closers;
	struct slot slots[STOCK_DEPTH];
};

/* The capture of sl's topology, opened in the calling thread, which is in
 * its own namespace again on return; the topology is destroyed when it
 * fails. */
static int open_capture(struct slot *sl)
{
	int rc;

	if (topo_enter(&sl->t, NODE_CLIENT, sl->err, sizeof(sl->err)) < 0)
		goto fail;
	rc = capture_open(&sl->cap, TOPO_CLIENT_IF, NULL, sl->err,
			  sizeof(sl->err));
	if (topo_leave(&sl->t, sl->err, sizeof(sl->err)) < 0 || rc < 0)
		goto fail;
	return 0;
fail:
	capture_close(&sl->cap);
	topo_destroy(&sl->t);
	return -1;
}

/* A topology and its capture, built in the calling thread. */
static int build(struct slot *sl)
{
	if (topo_build(&sl->t, sl->err, sizeof(sl->err)) < 0)
		return -1;
	return open_capture(sl);
}

/* Whether the last take (stock_last) will be served by another slot,
 * ready or built before this one: then this one need not be made at all,
 * and its grace periods would only delay the worker's end. Under mu. */
static bool spare(const struct stock *s, const struct slot *sl)
{
	int i;

	if (!s->last)
		return false;
	for (i = 0; i < STOCK_DEPTH; i++) {
		const struct slot *o = &s->slots[i];

		if (o != sl && (o->state == SLOT_READY ||
				(o->state == SLOT_BUILDING && o->started &&
				 o->started < sl->started)))
			return true;
	}
	return false;
}

static void *builder(void *arg)
{
	struct slot *sl = arg;
	struct stock *s = sl->s;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->stopping && sl->state != SLOT_EMPTY)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->stopping)
			break;
		sl->state = SLOT_BUILDING;
		/* At the start every slot is empty: their first topologies
		 * are made one after another, so that the worker's first
		 * case waits for one build, not for all at once. Their
		 * captures' waits overlap. */
		while (!s->stopping && s->first_builds < sl->index)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->stopping)
			break;
		sl->started = ++s->starts;
		if (spare(s, sl))
			break;
		pthread_mutex_unlock(&s->mu);
		sl->rc = topo_build(&sl->t, sl->err, sizeof(sl->err));
		pthread_mutex_lock(&s->mu);
		if (s->first_builds == sl->index)
			s->first_builds++;
		pthread_cond_broadcast(&s->cv);
		if (spare(s, sl)) {
			if (sl->rc == 0)
				topo_destroy(&sl->t);
			break;
		}
		pthread_mutex_unlock(&s->mu);
		if (sl->rc == 0)
			sl->rc = open_capture(sl);
		pthread_mutex_lock(&s->mu);
		sl->state = SLOT_READY;
		sl->seq = ++s->seq;
		sl->started = 0;
		pthread_cond_broadcast(&s->cv);
	}
	/* A spare, never built: the slots after it need not wait for it. */
	if (sl->state == SLOT_BUILDING) {
		sl->state = SLOT_EMPTY;
		sl->started = 0;
		if (s->first_builds == sl->index)
			s->first_builds++;
	}
	/* What nobody will take goes now, in this thread: its grace
	 * periods overlap with the other builders' and the caller's. */
	if (sl->state == SLOT_READY && sl->rc == 0) {
		sl->state = SLOT_EMPTY;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		topo_destroy(&sl->t);
		capture_close(&sl->cap);
		return NULL;
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct stock *stock_new(char *err, size_t errlen)
{
	struct stock *s = calloc(1, sizeof(*s));
	int i, e;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	for (i = 0; i < STOCK_DEPTH; i++) {
		struct slot *sl = &s->slots[i];

		sl->s = s;
		sl->index = i;
		sl->cap.fd = -1;
		e = pthread_create(&sl->th, NULL, builder, sl);
		if (e) {
			snprintf(err, errlen, "a topology builder: %s",
				 strerror(e));
			stock_free(s);
			return NULL;
		}
		sl->running = true;
	}
	return s;
}

int stock_take(struct stock *s, struct topo *t, struct capture *cap,
	       char *err, size_t errlen)
{
	struct slot *sl;
	int i, rc;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		bool building = false;

		sl = NULL;
		for (i = 0; i < STOCK_DEPTH; i++) {
			building |= s->slots[i].state == SLOT_BUILDING;
			if (s->slots[i].state == SLOT_READY &&
			    (!sl || s->slots[i].seq < sl->seq))
				sl = &s->slots[i];
		}
		if (sl)
			break;
		/* A take after the last (a case handed again): the
		 * builders are gone, so the caller builds its own. */
		if (s->stopping && !building) {
			struct slot own = {.s = s, .cap = {.fd = -1}};

			pthread_mutex_unlock(&s->mu);
			if (build(&own) < 0) {
				snprintf(err, errlen, "%s", own.err);
				return -1;
			}
			*t = own.t;
			*cap = own.cap;
			return 0;
		}
		pthread_cond_wait(&s->cv, &s->mu);
	}
	rc = sl->rc;
	if (rc == 0) {
		*t = sl->t;
		*cap = sl->cap;
	} else {
		snprintf(err, errlen, "%s", sl->err);
	}
	sl->state = SLOT_EMPTY;
	if (s->last)
		s->stopping = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

void stock_last(struct stock *s)
{
	pthread_mutex_lock(&s->mu);
	s->last = true;
	pthread_mutex_unlock(&s->mu);
}

/* A capture's handle or a descriptor, to close. */
struct closing {
	struct stock *s;
	pcap_t *pc;
	int fd;
};

static void *closer(void *arg)
{
	struct closing *c = arg;
	struct stock *s = c->s;

	if (c->pc)
		pcap_close(c->pc);
	else
		close(c->fd);
	free(c);
	pthread_mutex_lock(&s->mu);
	s->closers--;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void retire(struct stock *s, pcap_t *pc, int fd)
{
	struct closing *c = malloc(sizeof(*c));
	pthread_attr_t attr;
	pthread_t th;
	int e;

	if (!c) {
		if (pc)
			pcap_close(pc);
		else
			close(fd);
		return;
	}
	c->s = s;
	c->pc = pc;
	c->fd = fd;
	pthread_mutex_lock(&s->mu);
	while (s->closers >= CLOSERS_MAX)
		pthread_cond_wait(&s->cv, &s->mu);
	s->closers++;
	pthread_mutex_unlock(&s->mu);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e = pthread_create(&th, &attr, closer, c);
	pthread_attr_destroy(&attr);
	if (e) /* closed here, then: slower, not wrong */
		closer(c);
}

void stock_retire(struct stock *s, struct capture *cap)
{
	pcap_t *pc = capture_release(cap);

	if (pc)
		retire(s, pc, -1);
}

void stock_retire_fd(struct stock *s, int fd)
{
	if (fd >= 0)
		retire(s, NULL, fd);
}

void stock_free(struct stock *s)
{
	int i;

	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	for (i = 0; i < STOCK_DEPTH; i++) {
		struct slot *sl = &s->slots[i];

		if (!sl->running)
			continue;
		pthread_join(sl->th, NULL);
	}
	pthread_mutex_lock(&s->mu);
	while (s->closers > 0)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
