/* Fences: see fence.h. */
#include "fence.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char fence_text[] = FENCE_TEXT;

int fence_open(struct fence *f, const struct topo *t, const struct ipaddr *to,
	       char *err, size_t errlen)
{
	int family = to->family == AF_INET6 ? AF_INET6 : AF_INET;
	int proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	struct ipaddr any = {.family = family};
	struct sockaddr_storage ss;
	socklen_t len;
	uint16_t port;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->to = *to;
	if (topo_enter(t, NODE_CLIENT, err, errlen) < 0)
		return -1;
	f->fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       proto);
	if (f->fd < 0) {
		snprintf(err, errlen,
			 "the fence's ping socket in the client: %s (ping "
			 "sockets need net.ipv4.ping_group_range)",
			 strerror(errno));
		topo_leave(t, NULL, 0);
		return -1;
	}
	/* Bound before anything is sent, so the identifier is known to the
	 * ledger and the forger before the first fence. */
	len = addr_to_sockaddr(&any, 0, &ss);
	if (bind(f->fd, (struct sockaddr *)&ss, len) < 0) {
		snprintf(err, errlen, "bind of the fence socket: %s",
			 strerror(errno));
		goto fail;
	}
	len = sizeof(ss);
	if (getsockname(f->fd, (struct sockaddr *)&ss, &len) < 0) {
		snprintf(err, errlen, "getsockname of the fence socket: %s",
			 strerror(errno));
		goto fail;
	}
	port = family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
				  : ((struct sockaddr_in *)&ss)->sin_port;
	f->id = ntohs(port);
	return topo_leave(t, err, errlen);
fail:
	fence_close(f);
	topo_leave(t, NULL, 0);
	return -1;
}

int fence_send(struct fence *f, uint16_t *seq, char *err, size_t errlen)
{
	uint8_t msg[8 + sizeof(fence_text)], sink[256];
	struct sockaddr_storage ss;
	socklen_t len = addr_to_sockaddr(&f->to, 0, &ss);
	int n;

	/* Replies queue on the socket; nobody reads them but here. */
	for (n = 0; n < 64 && recv(f->fd, sink, sizeof(sink), MSG_DONTWAIT) >= 0;
	     n++)
		;
	memset(msg, 0, sizeof(msg));
	msg[0] = f->to.family == AF_INET6 ? ECHO_REQUEST6 : ECHO_REQUEST4;
	/* Checksum and identifier: the kernel's (ping_v4_sendmsg,
	 * ping_v6_sendmsg). */
	msg[6] = (uint8_t)(f->next >> 8);
	msg[7] = (uint8_t)f->next;
	memcpy(msg + 8, fence_text, sizeof(fence_text));
	if (sendto(f->fd, msg, sizeof(msg), 0, (struct sockaddr *)&ss, len) !=
	    (ssize_t)sizeof(msg)) {
		char a[ADDR_STRLEN];

		snprintf(err, errlen, "sending a fence to %s: %s",
			 addr_str(&f->to, a), strerror(errno));
		return -1;
	}
	*seq = f->next++;
	f->sent++;
	return 0;
}

void fence_close(struct fence *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

static bool is_request(const struct pkt_hdr *h)
{
	return h->kind == PK_ICMP_ECHO &&
	       h->icmp_type == (h->family == AF_INET6 ? ECHO_REQUEST6
						      : ECHO_REQUEST4);
}

bool fence_packet(const struct pkt *p, uint16_t id, bool *answer,
		  uint16_t *seq)
{
	const struct pkt_hdr *h = &p->h;

	*answer = false;
	if (h->family == 0)
		return false;
	if (h->kind == PK_ICMP_ERROR) {
		/* Its sequence number is the quote's bytes 6-7: a quote
		 * cut shorter does not say which fence it answers. */
		if (p->quote_status == PKT_INVALID ||
		    (p->flags & PKTF_QUOTE_SHORT) || !is_request(&p->quote) ||
		    p->quote.echo_id != id)
			return false;
		*answer = true;
		*seq = p->quote.echo_seq;
		return true;
	}
	if (h->kind != PK_ICMP_ECHO || h->echo_id != id)
		return false;
	*answer = !is_request(h) &&
		  h->icmp_type == (h->family == AF_INET6 ? ECHO_REPLY6
							 : ECHO_REPLY4);
	*seq = h->echo_seq;
	return true;
}
