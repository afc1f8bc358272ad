/* The client/router/server topology, built in anonymous network namespaces.
 *
 *   client (c0) 198.51.100.2/24 2001:db8:1::2/64
 *      | veth
 *   router (rc) 198.51.100.1/24 2001:db8:1::1/64
 *   router (rs) 203.0.113.1/24  2001:db8:2::1/64
 *      | veth
 *   server (s0) 203.0.113.2/24  2001:db8:2::2/64
 *
 * The client routes 203.0.113.0/24 and 192.0.2.0/24 (and 2001:db8:2::/64,
 * 2001:db8:3::/64) through the router; the server routes 198.51.100.0/24
 * (2001:db8:1::/64) back. The router has only its connected routes, so
 * 192.0.2.0/24 is unroutable there. No namespace has a default route.
 *
 * Namespaces are made with unshare(CLONE_NEWNET) and held only by the file
 * descriptors in struct topo: when the process that holds them dies, however
 * it dies, they and their links vanish. Nothing in the namespace the caller
 * started in is changed (the caller ends up back in it).
 */
#ifndef ICMPLAB_TOPO_H
#define ICMPLAB_TOPO_H

#include <stddef.h>

#include "addr.h"

enum topo_node { NODE_CLIENT, NODE_ROUTER, NODE_SERVER, NODE_MAX };

struct topo {
	int home;	    /* fd of the namespace the caller was in */
	int ns[NODE_MAX];   /* fds, -1 when closed */
	int client_ifindex; /* of c0, inside the client namespace */
	struct ipaddr client4, router_c4, router_s4, server4;
	struct ipaddr client6, router_c6, router_s6, server6;
	/* Nodes that topo_nft gave a ruleset (bit 1 << node): the others
	 * have none, being new (topo_dump lists only these). */
	unsigned nft_nodes;
	/* Nodes whose links, routes or ruleset the fault changed, through
	 * topo_set_mtu, topo_add_route or topo_nft (bit 1 << node): the
	 * others read back as every new topology does (topodump.h). */
	unsigned changed;
};

#define TOPO_CLIENT_IF	"c0"
#define TOPO_ROUTER_CIF "rc"
#define TOPO_ROUTER_SIF "rs"
#define TOPO_SERVER_IF	"s0"

/* Builds the topology: three namespaces, two veth pairs through netlink
 * (libnl-route), addresses (IPv6 without DAD), routes, loopbacks up, and the
 * per-namespace settings icmplab depends on: forwarding on in the router
 * only; rp_filter off; ICMP rate limits off (icmp_ratelimit=0,
 * icmp_ratemask=0, ipv6 icmp ratelimit 0, ipv6 icmp ratemask empty where
 * the kernel has it) in router and server; ping_group_range
 * "0 2147483647" in the client. Also in all three: redirects and router
 * advertisements ignored (accept_redirects=0, accept_ra=0), PMTU discovery
 * on (ip_no_pmtu_disc=0), no DAD (accept_dad=0).
 * On success every veth end can transmit at once: its qdisc is active and
 * its IPv6 link-local address is no longer tentative (topo_build waits for
 * both, normally well under a millisecond), so the first datagram of a test
 * is not lost to a neighbour lookup that fails once and retries a second
 * later. Returns 0, or -1 with a message in err (the partial topology is
 * destroyed). The caller is in its own namespace again on return. */
int topo_build(struct topo *t, char *err, size_t errlen);

/* Returns the calling thread to the home namespace if it is elsewhere,
 * then closes the namespace fds (the namespaces go when nothing else holds
 * them) and sets them to -1. Safe twice, and on a zeroed or partly built
 * topo: fds 0 to 2 are never held by a topo (topo_build moves its fds above
 * them), so they are taken as "not held" and left open. */
void topo_destroy(struct topo *t);

/* "client", "router", "server"; "?" for anything else. Static storage. */
const char *topo_node_name(enum topo_node node);

/* Moves the calling thread into node's namespace; topo_leave() returns it
 * home. 0 / -1 with err. */
int topo_enter(const struct topo *t, enum topo_node node, char *err,
	       size_t errlen);
int topo_leave(const struct topo *t, char *err, size_t errlen);

/* Writes every namespace sysctl topo_build sets, each value it would
 * write, in the caller's current network namespace: a check, before a run,
 * that this machine lets the suite set them (a user namespace refuses
 * ping_group_range's group range, for one). Call it only inside a
 * throwaway namespace. 0, or -1 with "sysctl PATH = 'VAL': reason" in
 * err. */
int topo_check_sysctls(char *err, size_t errlen);

/* Writes val to /proc/sys/<path> inside node's namespace, e.g.
 * topo_sysctl(t, NODE_ROUTER, "net/ipv4/ip_forward", "1", ...). Returns to
 * the home namespace. 0 / -1 with err naming the path. */
int topo_sysctl(const struct topo *t, enum topo_node node, const char *path,
		const char *val, char *err, size_t errlen);

/* Runs an nftables script (nft syntax) inside node's namespace through
 * libnftables. 0 / -1 with nft's own message in err. */
int topo_nft(struct topo *t, enum topo_node node, const char *script, char *err,
	     size_t errlen);

/* Address helpers for a family: the client's, the server's, and the
 * router's address on each side. */
const struct ipaddr *topo_addr(const struct topo *t, enum topo_node node,
			       int family, int server_side);

/* Sets an interface's MTU / adds a route of a given type inside node's
 * namespace, through netlink. type is RTN_UNICAST with gw, or
 * RTN_UNREACHABLE, RTN_PROHIBIT, RTN_BLACKHOLE without. */
int topo_set_mtu(struct topo *t, enum topo_node node, const char *ifname,
		 unsigned mtu, char *err, size_t errlen);
int topo_add_route(struct topo *t, enum topo_node node,
		   const char *prefix, int type, const struct ipaddr *gw,
		   char *err, size_t errlen);

#endif
