/* Decoding one error-queue control message (recvmsg with MSG_ERRQUEUE).
 *
 * An AF_INET socket's errors come as SOL_IP/IP_RECVERR; an AF_INET6
 * socket's as SOL_IPV6/IPV6_RECVERR, also for an ICMPv4 error about a
 * v4-mapped flow (ipv6_recv_error writes every entry of an IPv6 socket,
 * origin ICMP included, with a sockaddr_in6 offender). Both are a struct
 * sock_extended_err followed by the offender's sockaddr, which the kernel
 * only fills when it knows one (SO_EE_OFFENDER). */
#ifndef ICMPLAB_ERRQUEUE_H
#define ICMPLAB_ERRQUEUE_H

#include <stddef.h>
#include <sys/socket.h>

#include <linux/errqueue.h>

#include "addr.h"

enum errq_result {
	ERRQ_SHORT = -1, /* an error cmsg too short for sock_extended_err */
	ERRQ_OTHER = 0,	 /* not an error cmsg (another level or type) */
	ERRQ_ENTRY = 1,	 /* decoded */
};

struct errq_entry {
	int level; /* SOL_IP or SOL_IPV6: the cmsg it came in */
	struct sock_extended_err ee;
	/* The offender's sockaddr family as the kernel wrote it (AF_INET,
	 * AF_INET6), 0 when the cmsg holds none or too little of one. */
	int offender_family;
	/* Its address as written: a v4-mapped sockaddr_in6 stays AF_INET6
	 * ::ffff:a.b.c.d (the family is what the program sees). */
	struct ipaddr offender;
};

/* Decodes c, a control message of a received msghdr whose cmsg_len the
 * caller has from CMSG_NXTHDR (so at most the control buffer). Accepts
 * SOL_IP/IP_RECVERR and SOL_IPV6/IPV6_RECVERR; every length is checked
 * before a byte is read. Fills *out only for ERRQ_ENTRY. */
enum errq_result errq_decode(const struct cmsghdr *c, struct errq_entry *out);

/* "SOL_IP/IP_RECVERR", "SOL_IPV6/IPV6_RECVERR" for an entry's level. */
const char *errq_level_str(int level);

#endif
