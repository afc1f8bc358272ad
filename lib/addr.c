/* A family-agnostic IP address. See addr.h. */
#include "addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static size_t addr_bytes(int family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return 0;
	}
}

int addr_parse(const char *s, struct ipaddr *out)
{
	struct ipaddr a;

	memset(&a, 0, sizeof(a));
	if (!s)
		return -1;
	/* inet_pton only: no name lookups, and no "1.2.3" shorthand that
	 * inet_aton would accept, so a typo in a case file is an error. */
	if (inet_pton(AF_INET, s, a.a) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, a.a) == 1)
		a.family = AF_INET6;
	else
		return -1;
	*out = a;
	return 0;
}

const char *addr_str(const struct ipaddr *a, char *buf)
{
	if (!a || !addr_bytes(a->family) ||
	    !inet_ntop(a->family, a->a, buf, ADDR_STRLEN)) {
		buf[0] = '-';
		buf[1] = '\0';
	}
	return buf;
}

bool addr_eq(const struct ipaddr *x, const struct ipaddr *y)
{
	/* Only the bytes the family uses count: a v4 address may have been
	 * built over a buffer with leftovers past byte 4. */
	return x->family == y->family &&
	       memcmp(x->a, y->a, addr_bytes(x->family)) == 0;
}

socklen_t addr_to_sockaddr(const struct ipaddr *a, uint16_t port,
			   struct sockaddr_storage *ss)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	memset(ss, 0, sizeof(*ss));
	switch (a->family) {
	case AF_INET:
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		memcpy(&sin.sin_addr, a->a, 4);
		memcpy(ss, &sin, sizeof(sin));
		return sizeof(sin);
	case AF_INET6:
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(port);
		memcpy(&sin6.sin6_addr, a->a, 16);
		memcpy(ss, &sin6, sizeof(sin6));
		return sizeof(sin6);
	default:
		return 0;
	}
}

int addr_from_sockaddr(const struct sockaddr *sa, struct ipaddr *out,
		       uint16_t *port)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	/* Copied out rather than cast, since sa may point into a cmsg buffer
	 * (SO_EE_OFFENDER) with no alignment guarantee. */
	switch (sa->sa_family) {
	case AF_INET:
		memcpy(&sin, sa, sizeof(sin));
		addr_set(out, AF_INET, &sin.sin_addr);
		if (port)
			*port = ntohs(sin.sin_port);
		return 0;
	case AF_INET6:
		memcpy(&sin6, sa, sizeof(sin6));
		addr_set(out, AF_INET6, &sin6.sin6_addr);
		if (port)
			*port = ntohs(sin6.sin6_port);
		return 0;
	default:
		return -1;
	}
}

void addr_set(struct ipaddr *a, int family, const void *bytes)
{
	size_t n = addr_bytes(family);

	memset(a, 0, sizeof(*a));
	a->family = n ? family : 0;
	if (n)
		memcpy(a->a, bytes, n);
}

static const uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0,    0,
					     0, 0, 0, 0, 0xff, 0xff};

int addr_v4_mapped(const struct ipaddr *v4, struct ipaddr *out)
{
	uint8_t b[16];

	if (v4->family != AF_INET)
		return -1;
	memcpy(b, v4_mapped_prefix, sizeof(v4_mapped_prefix));
	memcpy(b + 12, v4->a, 4);
	addr_set(out, AF_INET6, b);
	return 0;
}

bool addr_unmap_v4(struct ipaddr *a)
{
	uint8_t b[4];

	if (a->family != AF_INET6 ||
	    memcmp(a->a, v4_mapped_prefix, sizeof(v4_mapped_prefix)) != 0)
		return false;
	memcpy(b, a->a + 12, 4);
	addr_set(a, AF_INET, b);
	return true;
}
