/* The runtime every probe binary shares: arguments, events, the sync
 * handshake with the harness, and error-queue reading.
 *
 * A probe binary holds a table of styles (probe_styles, defined by the
 * family file it is linked with; names and summaries from lib/probetab.c);
 * `icmplab-probe-udp --style udp-connected
 * --dst 203.0.113.2 --dport 33434` runs one. One style, one fresh socket,
 * one question. Exit codes: 0 ran (whatever it observed), 3 setup failed,
 * 4 cannot run here (a skip event says why). `--serve WORKER` is the
 * worker's resident server: it runs the styles of each request it reads
 * on stdin, each in a thread of its own in the client's namespace with
 * its own descriptor table, whose exit code is its last event ("exit").
 * Style code is thread-safe: no static buffers, and probe_err,
 * probe_errx and probe_exit instead of err, errx and exit.
 */
#ifndef ICMPLAB_PROBE_H
#define ICMPLAB_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"

struct probe {
	const char *style;
	struct ipaddr dst;
	uint16_t dport;
	int ttl;	   /* -1: the kernel's default */
	size_t size;	   /* payload bytes */
	unsigned count;	   /* send-and-observe rounds (--count), >= 1 */
	unsigned burst;	   /* datagrams per round sent back to back, >= 1 */
	unsigned seq;	   /* datagrams sent so far */
	bool last_go_wire; /* the last sync ended with an ICMP on the wire */
};

/* A style this binary runs. Its name must have a row in lib/probetab.c
 * (probe_defs[]), which holds the summary, the binary and the families;
 * --list prints them from there and test_probetab checks that each binary
 * lists exactly the rows that name it. */
struct probe_style {
	const char *name;
	int (*run)(struct probe *p);
};

/* Defined by the family file (probes/udp.c, ...); ends with {NULL}. */
extern const struct probe_style probe_styles[];

/* Emits a "call" event for a system call that just returned ret, taking
 * errno from the caller's errno when ret < 0. via may be NULL. Returns ret
 * and leaves errno as it found it. */
long probe_call(const char *call, const char *via, long ret);

/* Emits a "call" event for getsockopt(SO_ERROR) and returns the value. */
int probe_so_error(int fd);

/* The same with another observation label, for a second socket in one
 * style (e.g. "control_so_error"). */
int probe_so_error_via(int fd, const char *via);

/* Emits a "flow" event for fd's local address against p's destination. */
void probe_flow(const struct probe *p, int fd, int proto);

/* Emits a "flow" event for an ICMP echo socket: the identifier the kernel
 * gave fd (getsockname's port) goes in both sport and dport, which is how
 * the harness matches echo requests and the errors that quote them. */
void probe_flow_ident(const struct probe *p, int fd, int proto);

/* Reports that datagram number ++p->seq was (sent) or was not sent, and
 * blocks until the harness answers. Returns true when the harness saw an ICMP
 * error for it on the wire. */
bool probe_sync(struct probe *p, bool sent);

/* The same after a burst of n datagrams (seq advances by n; sent says
 * whether any left). */
bool probe_sync_burst(struct probe *p, unsigned n, bool sent);

/* Reads the error queue until it is empty (MSG_ERRQUEUE | MSG_DONTWAIT),
 * emitting one "call" event per recvmsg and one "errqueue" event per entry.
 * Entries of either level (SOL_IP/IP_RECVERR, SOL_IPV6/IPV6_RECVERR) are
 * read; family AF_UNSPEC (a dual-stack socket) labels each entry with the
 * level it came in ("errqueue_ip", "errqueue_ipv6") and notes its
 * offender's sockaddr family. Returns the number of entries read. */
int probe_drain_errqueue(int fd, int family);

/* Reads at most max entries from the error queue (MSG_ERRQUEUE |
 * MSG_DONTWAIT), labelling the calls and entries via (NULL: "errqueue").
 * Stops early, after logging the failed recvmsg, when the queue is empty.
 * With rfc4884_note, each entry also gets a note with the RFC 4884 length
 * and flags the kernel put in ee_rfc4884 (IP_RECVERR_RFC4884). Returns the
 * number of entries read. */
int probe_read_errqueue(int fd, int family, const char *via, int max,
			bool rfc4884_note);

/* Polls fd once with timeout 0 for events and emits a "call" event whose
 * ret is the revents the kernel reported (0: nothing ready), or -1 with
 * errno if poll failed, plus a note naming the bits. via may be NULL
 * ("poll"). Returns revents, or -1. */
int probe_poll(int fd, short events, const char *via);

/* Writes the names of the POLL* / EPOLL* bits in revents ("POLLIN|POLLERR",
 * "none") into buf (len bytes) and returns buf. The two sets share values
 * on Linux for the bits named here. */
const char *probe_revents_str(unsigned revents, char *buf, size_t len);

/* Emits an "icmp" event: an ICMP error read from a raw socket (via), its
 * type, code and sender, and whether its quote names the probe's own
 * datagram. */
void probe_icmp(const char *via, int type, int code, const struct ipaddr *from,
		bool own);

/* Binds fd to the wildcard address of p's family, port 0, so the kernel
 * picks the port (or ping identifier) before anything is sent and the flow
 * is known up front; exits 3 on failure. */
void probe_bind_any(const struct probe *p, int fd);

/* Connects a datagram socket to p->dst at port (logged); exits 3 on
 * failure. */
void probe_connect(const struct probe *p, int fd, uint16_t port);

/* Sets IP_RECVERR (IPV6_RECVERR) on fd, logged as a call labelled via
 * (NULL: "ip_recverr"/"ipv6_recverr"). Returns setsockopt's result. */
long probe_set_recverr(const struct probe *p, int fd, const char *via);

/* Sets the TTL / hop limit on fd when p->ttl >= 0. */
void probe_set_ttl(const struct probe *p, int fd);

/* Builds the payload for datagram p->seq + 1 into buf (p->size bytes, at
 * most len). Returns the length. */
size_t probe_payload(const struct probe *p, uint8_t *buf, size_t len);

/* Ends the style with status code: exit(code) in a process of its own;
 * in a thread of --serve, the thread ends instead, its status sent as the
 * last event ("exit") and its pipes and sockets closed. */
void probe_exit(int code) __attribute__((noreturn));

/* err(3) and errx(3) for a style: the message goes to the style's own
 * stderr, then probe_exit(code). */
void probe_err(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void probe_errx(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

void probe_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Emits a skip event and exits 4. */
void probe_skip(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif
