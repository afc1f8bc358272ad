/* Error-queue control messages: see errqueue.h. */
#include "errqueue.h"

#include <netinet/in.h>
#include <string.h>

enum errq_result errq_decode(const struct cmsghdr *c, struct errq_entry *out)
{
	struct sockaddr_storage ss;
	size_t have, n;

	if (!((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
	      (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)))
		return ERRQ_OTHER;
	if (c->cmsg_len < CMSG_LEN(sizeof(out->ee)))
		return ERRQ_SHORT;
	memset(out, 0, sizeof(*out));
	out->level = c->cmsg_level;
	memcpy(&out->ee, CMSG_DATA(c), sizeof(out->ee));
	/* The offender follows the struct; only as much of it as the
	 * control message holds is there, and a family without its whole
	 * sockaddr is no address. */
	have = c->cmsg_len - CMSG_LEN(sizeof(out->ee));
	if (have < sizeof(sa_family_t))
		return ERRQ_ENTRY;
	n = have < sizeof(ss) ? have : sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, CMSG_DATA(c) + sizeof(out->ee), n);
	if ((ss.ss_family == AF_INET && n >= sizeof(struct sockaddr_in)) ||
	    (ss.ss_family == AF_INET6 && n >= sizeof(struct sockaddr_in6))) {
		if (addr_from_sockaddr((struct sockaddr *)&ss, &out->offender,
				       NULL) == 0)
			out->offender_family = ss.ss_family;
	}
	return ERRQ_ENTRY;
}

const char *errq_level_str(int level)
{
	return level == SOL_IPV6 ? "SOL_IPV6/IPV6_RECVERR"
				 : "SOL_IP/IP_RECVERR";
}
