/* Fences: how a case proves that the wire is silent instead of waiting.
 *
 * After a probe's datagram has left, the harness sends an ICMP Echo
 * Request (the fence) from the client along the same path, to a node the
 * datagram reached or passed through. The whole case runs on one CPU
 * (run.c), where every packet between the namespaces is queued on that
 * CPU's backlog in order, and a node handles them in that order: the
 * datagram first, and with it any error it draws, then the fence. So once
 * the fence's answer (its Echo Reply, or an error quoting it) is on the
 * capture, any error for the datagram already is. A forger is a process,
 * not the kernel's softirq; it answers fences itself, after the datagrams
 * it read before them (forge.c), so the same holds however late it is.
 *
 * The fence socket is an ICMP ping socket of the harness in the client's
 * namespace: the kernel picks its identifier, unique among the ping
 * sockets there (the probes' own ping sockets never get fence replies),
 * and a raw ICMP socket of a probe, which passes errors only, never sees
 * an Echo Reply. An error quoting a fence is someone else's error to a
 * raw socket, and appears in its cell as such.
 */
#ifndef ICMPLAB_FENCE_H
#define ICMPLAB_FENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "pkt.h"
#include "topo.h"

/* Echo Request and Reply types of each family (RFC 792, RFC 4443 4). */
#define ECHO_REQUEST4 8
#define ECHO_REPLY4   0
#define ECHO_REQUEST6 128
#define ECHO_REPLY6   129

/* What a fence carries after its 8-byte header (with its NUL): how the
 * forger tells a fence from a ping probe's Echo Request. */
#define FENCE_TEXT "icmplab fence"

struct fence {
	int fd;		  /* -1: no fence socket */
	uint16_t id;	  /* the Echo identifier the kernel gave it */
	uint16_t next;	  /* the sequence number of the next fence */
	struct ipaddr to; /* where the fences go */
	unsigned sent;
};

/* Opens the fence socket for family inside the client's namespace of t
 * and returns home; fences will go to `to`. 0, or -1 with err. */
int fence_open(struct fence *f, const struct topo *t, const struct ipaddr *to,
	       char *err, size_t errlen);

/* Sends one fence and returns its sequence number through *seq. 0, or -1
 * with err. */
int fence_send(struct fence *f, uint16_t *seq, char *err, size_t errlen);

/* Closes the socket (safe twice, and on a zeroed fence with fd -1). */
void fence_close(struct fence *f);

/* Is p a fence of identifier id, or an answer to one: an Echo Request or
 * Reply with that identifier, or an ICMP error quoting such a request?
 * *answer says whether it answers one (a reply or an error), and *seq
 * which. */
bool fence_packet(const struct pkt *p, uint16_t id, bool *answer,
		  uint16_t *seq);

#endif
