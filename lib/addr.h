/* A family-agnostic IP address, and its text form. */
#ifndef ICMPLAB_ADDR_H
#define ICMPLAB_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

struct ipaddr {
	int family; /* AF_INET, AF_INET6, or 0 for "none" */
	uint8_t a[16]; /* 4 or 16 bytes used, network order */
};

/* Parses "198.51.100.2" or "2001:db8::2". 0 on success, -1 otherwise. */
int addr_parse(const char *s, struct ipaddr *out);

/* Writes the text form into buf (ADDR_STRLEN bytes); "-" for family 0.
 * Returns buf. */
const char *addr_str(const struct ipaddr *a, char *buf);

bool addr_eq(const struct ipaddr *x, const struct ipaddr *y);

/* Fills a sockaddr_in/sockaddr_in6 from addr and port (host order); returns
 * its length, or 0 for family 0. */
socklen_t addr_to_sockaddr(const struct ipaddr *a, uint16_t port,
			   struct sockaddr_storage *ss);

/* The reverse; port may be NULL. -1 for a family that is neither. */
int addr_from_sockaddr(const struct sockaddr *sa, struct ipaddr *out,
		       uint16_t *port);

/* Writes the IPv4-mapped IPv6 address ::ffff:a.b.c.d of the IPv4 address
 * v4 into out (RFC 4291 2.5.5.2). Returns 0, or -1 (out untouched) when v4
 * is not IPv4. */
int addr_v4_mapped(const struct ipaddr *v4, struct ipaddr *out);

/* If a is an IPv4-mapped IPv6 address, turns it into the IPv4 address it
 * maps and returns true; otherwise leaves it and returns false. */
bool addr_unmap_v4(struct ipaddr *a);

/* Sets a from 4 or 16 raw network-order bytes. */
void addr_set(struct ipaddr *a, int family, const void *bytes);

#endif
