/* A worker's fresh topologies, built ahead of the cases that take them.
 *
 * Most of a case's setup is waiting, not work. A capture's packet socket
 * waits for an RCU grace period (synchronize_net) when libpcap binds it to
 * the link, again when it maps the ring (packet_set_ring), and twice more
 * when it closes (the ring's unmapping, then packet_release): on this kind
 * of machine about 8 ms each, three quarters of a simple case's wall time.
 * A topology (topo.h) is the same for every case, the fault comes after it;
 * so while the worker runs one case, threads of its own build the next
 * topologies and open their captures, and a finished case's capture is
 * closed while the worker goes on. Concurrent grace periods overlap: many
 * sockets closed at once cost about one wait.
 *
 * Nothing carries from a case to the next: every topology is new
 * namespaces, built once, and the capture a case takes is skipped to the
 * moment its probes start (capture_skip), as if opened then. */
#ifndef ICMPLAB_STOCK_H
#define ICMPLAB_STOCK_H

#include <stddef.h>

#include "capture.h"
#include "topo.h"

/* Topologies a stock keeps built ahead: a case takes one every few
 * milliseconds, and one build waits for two grace periods. */
#define STOCK_DEPTH 2

struct stock;

/* Starts the builder threads. NULL with err when a thread cannot start. */
struct stock *stock_new(char *err, size_t errlen);

/* Hands over a fresh topology, the caller in its own namespace, with a
 * live capture on the client's link (capture_open, no savefile); the
 * thread that built it starts the next. Waits while none is ready. 0, or
 * -1 with the build's error in err (nothing to clean then). */
int stock_take(struct stock *s, struct topo *t, struct capture *cap,
	       char *err, size_t errlen);

/* The next stock_take is the last: after it the builders build no more
 * and close what they built that nobody will take, while the caller runs
 * its last case rather than when it ends. */
void stock_last(struct stock *s);

/* Closes cap (capture_close) in a thread of its own, so the caller need
 * not wait for the socket's grace periods. */
void stock_retire(struct stock *s, struct capture *cap);

/* Closes fd in a thread of its own, as stock_retire does a capture. */
void stock_retire_fd(struct stock *s, int fd);

/* Stops the builders, which destroy what they built, and waits for them
 * and for every close in flight. NULL is fine. */
void stock_free(struct stock *s);

#endif
