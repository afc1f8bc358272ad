/* The client/router/server topology in anonymous network namespaces. See
 * topo.h for the picture.
 *
 * Everything here is done from inside the namespace it concerns: sysctls
 * through /proc/sys (whose net/ entries follow the opener's namespace),
 * netlink through a socket opened after setns() (a socket stays bound to the
 * namespace it was created in). The namespace the caller started in is
 * never written to; every function goes back to it before returning. */
#include "topo.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/if.h> /* IF_OPER_UP; after net/if.h */
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>
#include <nftables/libnftables.h>

/* The loopback device is ifindex 1 in every network namespace. */
#define LOOPBACK_IFINDEX 1

#define N_CLIENT (1u << NODE_CLIENT)
#define N_ROUTER (1u << NODE_ROUTER)
#define N_SERVER (1u << NODE_SERVER)
#define N_ALL	 (N_CLIENT | N_ROUTER | N_SERVER)

static const char *const node_names[NODE_MAX] = {
	[NODE_CLIENT] = "client",
	[NODE_ROUTER] = "router",
	[NODE_SERVER] = "server",
};

/* Namespace-wide settings, written in table order right after a namespace
 * is made, before any interface exists, so that the conf/default values
 * are what the new interfaces inherit: the veth ends are made later, in
 * their namespaces, and take them as they are made (each end is checked in
 * tests/test_topo.c), so no interface needs writes of its own. A new
 * namespace copies its IPv4 conf from the host's initial namespace, so
 * nothing is left to chance. The effective rp_filter is the larger of
 * conf/all and conf/<if>: both 0.
 *
 * Forwarding comes first on purpose: when net/ipv4/ip_forward changes, the
 * kernel resets conf/all/accept_redirects to its opposite
 * (inet_forward_change), so writing it later would undo ours. */
#define SYSCTL_OPTIONAL 1u /* missing on older kernels: ENOENT is fine */
#define SYSCTL_MAPPED_GIDS 2u /* the value: the groups this user ns maps */

struct sysctl_setting {
	unsigned nodes;
	const char *path;
	const char *val;
	unsigned flags;
};

static const struct sysctl_setting ns_settings[] = {
	{N_ROUTER, "net/ipv4/ip_forward", "1", 0},
	{N_CLIENT | N_SERVER, "net/ipv4/ip_forward", "0", 0},
	{N_ROUTER, "net/ipv6/conf/all/forwarding", "1", 0},
	{N_CLIENT | N_SERVER, "net/ipv6/conf/all/forwarding", "0", 0},
	{N_ALL, "net/ipv4/conf/all/rp_filter", "0", 0},
	{N_ALL, "net/ipv4/conf/default/rp_filter", "0", 0},
	{N_ALL, "net/ipv4/conf/all/accept_redirects", "0", 0},
	{N_ALL, "net/ipv4/conf/default/accept_redirects", "0", 0},
	{N_ALL, "net/ipv6/conf/all/accept_redirects", "0", 0},
	{N_ALL, "net/ipv6/conf/default/accept_redirects", "0", 0},
	{N_ALL, "net/ipv6/conf/all/accept_dad", "0", 0},
	{N_ALL, "net/ipv6/conf/default/accept_dad", "0", 0},
	{N_ALL, "net/ipv4/ip_no_pmtu_disc", "0", 0},
	/* No router advertisements are taken (so no route can appear from
	 * outside the topology), and none are solicited: fewer stray
	 * packets on the wire. */
	{N_ALL, "net/ipv6/conf/all/accept_ra", "0", 0},
	{N_ALL, "net/ipv6/conf/default/accept_ra", "0", 0},
	/* Every ICMP error the router and server owe must leave: no
	 * per-destination token bucket (ratelimit 0), and no type in the
	 * ratemask, which also exempts them from the namespace-wide
	 * icmp_msgs_per_sec budget (icmp_global_allow looks at the mask
	 * first). */
	{N_ROUTER | N_SERVER, "net/ipv4/icmp_ratelimit", "0", 0},
	{N_ROUTER | N_SERVER, "net/ipv4/icmp_ratemask", "0", 0},
	{N_ROUTER | N_SERVER, "net/ipv6/icmp/ratelimit", "0", 0},
	/* The IPv6 ratemask is a list of the ICMPv6 types that ARE limited
	 * (default "0-1,3-127": all errors but Packet Too Big); an empty
	 * list limits none. Older kernels lack the knob (and limit only by
	 * ratelimit, which is 0 here), hence optional. */
	{N_ROUTER | N_SERVER, "net/ipv6/icmp/ratemask", "", SYSCTL_OPTIONAL},
	/* Any group may open ICMP datagram ("ping") sockets: every group
	 * this user namespace maps (all of them, "0 2147483647", outside
	 * one; the kernel refuses a range with an unmapped group). */
	{N_CLIENT, "net/ipv4/ping_group_range", NULL, SYSCTL_MAPPED_GIDS},
};

/* The interfaces and, through topo_addr(), their addresses. The router
 * creates both veth pairs and hands one end of each to its neighbour. */
struct iface {
	enum topo_node node;
	const char *name;
	int server_side; /* for the router's two interfaces */
};

static const struct iface ifaces[] = {
	{NODE_CLIENT, TOPO_CLIENT_IF, 0},
	{NODE_ROUTER, TOPO_ROUTER_CIF, 0},
	{NODE_ROUTER, TOPO_ROUTER_SIF, 1},
	{NODE_SERVER, TOPO_SERVER_IF, 1},
};

/* Static routes: prefix via the router's address on the node's side. */
static const struct {
	enum topo_node node;
	const char *prefix;
	int family;
	int gw_server_side;
} routes[] = {
	{NODE_CLIENT, "203.0.113.0/24", AF_INET, 0},
	{NODE_CLIENT, "192.0.2.0/24", AF_INET, 0},
	{NODE_CLIENT, "2001:db8:2::/64", AF_INET6, 0},
	{NODE_CLIENT, "2001:db8:3::/64", AF_INET6, 0},
	{NODE_SERVER, "198.51.100.0/24", AF_INET, 1},
	{NODE_SERVER, "2001:db8:1::/64", AF_INET6, 1},
};

__attribute__((format(printf, 3, 4))) static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* libnl's messages start with a capital ("Object exists"); ours do not. */
static const char *nlerr(int e, char *buf, size_t len)
{
	snprintf(buf, len, "%s", nl_geterror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

const char *topo_node_name(enum topo_node node)
{
	if ((unsigned)node >= NODE_MAX)
		return "?";
	return node_names[node];
}

/* Moves the descriptor above the standard ones, so that a topo never holds
 * fd 0, 1 or 2 and a zeroed topo can be told from a built one. */
static int keep_fd(int fd)
{
	int hi;

	if (fd < 0 || fd > 2)
		return fd;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return hi;
}

static int open_current_ns(void)
{
	return keep_fd(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
}

static int go_home(const struct topo *t, char *err, size_t errlen)
{
	if (setns(t->home, CLONE_NEWNET) < 0) {
		seterr(err, errlen, "setns back to the home namespace: %s",
		       strerror(errno));
		return -1;
	}
	return 0;
}

/* Leaves the thread at home after a failure, keeping the first message. */
static void go_home_quiet(const struct topo *t)
{
	(void)setns(t->home, CLONE_NEWNET);
}

static int node_ok(const struct topo *t, enum topo_node node, char *err,
		   size_t errlen)
{
	if ((unsigned)node >= NODE_MAX) {
		seterr(err, errlen, "node %d: no such node", (int)node);
		return -1;
	}
	if (t->ns[node] < 0 || t->home < 0) {
		seterr(err, errlen, "%s: namespace not built or destroyed",
		       node_names[node]);
		return -1;
	}
	return 0;
}

int topo_enter(const struct topo *t, enum topo_node node, char *err,
	       size_t errlen)
{
	if (node_ok(t, node, err, errlen) < 0)
		return -1;
	if (setns(t->ns[node], CLONE_NEWNET) < 0) {
		seterr(err, errlen, "%s: setns: %s", node_names[node],
		       strerror(errno));
		return -1;
	}
	return 0;
}

int topo_leave(const struct topo *t, char *err, size_t errlen)
{
	if (t->home < 0) {
		seterr(err, errlen, "home namespace: not held");
		return -1;
	}
	return go_home(t, err, errlen);
}

/* Writes val and a newline (as sysctl(8) does; it also lets an empty list
 * be written) to /proc/sys/<path> in the current namespace. */
static int write_sysctl(const char *node, const char *path, const char *val,
			bool optional, char *err, size_t errlen)
{
	char file[256], buf[128];
	int fd, n;
	ssize_t w;

	n = snprintf(file, sizeof(file), "/proc/sys/%s", path);
	if (n < 0 || (size_t)n >= sizeof(file)) {
		seterr(err, errlen, "%s: sysctl %s: path too long", node, path);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%s\n", val);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		seterr(err, errlen, "%s: sysctl %s: value too long", node,
		       path);
		return -1;
	}
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		if (optional && errno == ENOENT)
			return 0;
		seterr(err, errlen, "%s: sysctl %s: %s", node, path,
		       strerror(errno));
		return -1;
	}
	w = write(fd, buf, (size_t)n);
	if (w != n) {
		seterr(err, errlen, "%s: sysctl %s = '%s': %s", node, path, val,
		       w < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int topo_sysctl(const struct topo *t, enum topo_node node, const char *path,
		const char *val, char *err, size_t errlen)
{
	int rc;

	if (topo_enter(t, node, err, errlen) < 0)
		return -1;
	rc = write_sysctl(node_names[node], path, val, false, err, errlen);
	if (rc < 0) {
		go_home_quiet(t);
		return -1;
	}
	return go_home(t, err, errlen);
}

/* "LOW HIGH": the group ids of this process's user namespace that map to
 * groups outside it (/proc/self/gid_map's first range), at most
 * 2147483647: all groups in the initial namespace, only the mapped ones
 * in a user namespace (the range an unprivileged run can write). */
static int mapped_gids(char *val, size_t len, char *err, size_t errlen)
{
	unsigned long long in = 0, out = 0, count = 0, high;
	FILE *f = fopen("/proc/self/gid_map", "re");
	int n = f ? fscanf(f, "%llu %llu %llu", &in, &out, &count) : -1;

	if (f)
		fclose(f);
	if (n != 3 || count == 0) {
		seterr(err, errlen, "/proc/self/gid_map: %s",
		       f ? "no mapped group" : strerror(errno));
		return -1;
	}
	high = in + count - 1;
	if (high > 2147483647ULL)
		high = 2147483647ULL;
	snprintf(val, len, "%llu %llu", in, high);
	return 0;
}

/* Writes one of ns_settings in the current network namespace. */
static int ns_setting(const char *node, const struct sysctl_setting *s,
		      char *err, size_t errlen)
{
	char val[64];

	if (s->flags & SYSCTL_MAPPED_GIDS) {
		if (mapped_gids(val, sizeof(val), err, errlen) < 0)
			return -1;
		return write_sysctl(node, s->path, val, false, err, errlen);
	}
	return write_sysctl(node, s->path, s->val, s->flags & SYSCTL_OPTIONAL,
			    err, errlen);
}

int topo_check_sysctls(char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(ns_settings) / sizeof(ns_settings[0]); i++)
		if (ns_setting("here", &ns_settings[i], err, errlen) < 0)
			return -1;
	return 0;
}

static int ns_sysctls(enum topo_node node, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(ns_settings) / sizeof(ns_settings[0]); i++) {
		const struct sysctl_setting *s = &ns_settings[i];

		if (!(s->nodes & (1u << node)))
			continue;
		if (ns_setting(node_names[node], s, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* A route-netlink socket in the current namespace. */
static struct nl_sock *rt_open(const char *node, char *err, size_t errlen)
{
	struct nl_sock *sk;
	char eb[64];
	int e;

	sk = nl_socket_alloc();
	if (!sk) {
		seterr(err, errlen, "%s: netlink socket: out of memory", node);
		return NULL;
	}
	e = nl_connect(sk, NETLINK_ROUTE);
	if (e < 0) {
		seterr(err, errlen, "%s: netlink socket: %s", node,
		       nlerr(e, eb, sizeof(eb)));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

/* Applies changes to the link with ifindex (RTM_NEWLINK on an existing
 * link, as rtnl_link_change does). */
static int link_change(struct nl_sock *sk, int ifindex,
		       struct rtnl_link *changes)
{
	struct rtnl_link *orig;
	int e;

	orig = rtnl_link_alloc();
	if (!orig)
		return -NLE_NOMEM;
	rtnl_link_set_ifindex(orig, ifindex);
	e = rtnl_link_change(sk, orig, changes, 0);
	rtnl_link_put(orig);
	return e;
}

static int link_up(struct nl_sock *sk, const char *node, const char *ifname,
		   int ifindex, char *err, size_t errlen)
{
	struct rtnl_link *ch;
	char eb[64];
	int e;

	ch = rtnl_link_alloc();
	if (!ch) {
		seterr(err, errlen, "%s: %s up: out of memory", node, ifname);
		return -1;
	}
	rtnl_link_set_flags(ch, IFF_UP);
	e = link_change(sk, ifindex, ch);
	rtnl_link_put(ch);
	if (e < 0) {
		seterr(err, errlen, "%s: %s up: %s", node, ifname,
		       nlerr(e, eb, sizeof(eb)));
		return -1;
	}
	return 0;
}

/* Whether route cache rc holds the local route (table local, type local,
 * /128) of IPv6 address addr. */
static bool has_local_route(struct nl_cache *rc, struct nl_addr *addr)
{
	struct nl_object *o;

	if (!addr || nl_addr_get_len(addr) != 16)
		return false;
	for (o = nl_cache_get_first(rc); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		struct nl_addr *dst = rtnl_route_get_dst(r);

		if (rtnl_route_get_type(r) == RTN_LOCAL && dst &&
		    nl_addr_get_prefixlen(dst) == 128 &&
		    nl_addr_get_len(dst) == 16 &&
		    memcmp(nl_addr_get_binary_addr(dst),
			   nl_addr_get_binary_addr(addr), 16) == 0)
			return true;
	}
	return false;
}

/* Whether every IPv6 address of the interface is in service, and one of
 * them is link-local: 1 yes, 0 not yet, a negative libnl error. An address
 * is in service once it is not tentative and its local route exists: the
 * kernel inserts that route, and joins the address's solicited-node
 * group, only when the address's DAD work item has run, IFA_F_NODAD or
 * not (addrconf_dad_begin, addrconf_dad_completed). */
static int ipv6_settled(struct nl_sock *sk, int ifindex)
{
	struct nl_cache *ac = NULL, *rc = NULL;
	struct nl_object *o;
	int e, linklocal = 0, ok = 1;

	e = rtnl_addr_alloc_cache(sk, &ac);
	if (e < 0)
		return e;
	e = rtnl_route_alloc_cache(sk, AF_INET6, 0, &rc);
	if (e < 0) {
		nl_cache_free(ac);
		return e;
	}
	for (o = nl_cache_get_first(ac); o && ok; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (rtnl_addr_get_ifindex(a) != ifindex ||
		    rtnl_addr_get_family(a) != AF_INET6)
			continue;
		if (rtnl_addr_get_scope(a) == RT_SCOPE_LINK)
			linklocal = 1;
		if ((rtnl_addr_get_flags(a) & IFA_F_TENTATIVE) ||
		    !has_local_route(rc, rtnl_addr_get_local(a)))
			ok = 0;
	}
	nl_cache_free(rc);
	nl_cache_free(ac);
	return linklocal && ok;
}

/* Waits, briefly, until the link can carry the first packet of a test, and
 * says so if it cannot. Two things lag behind "both ends up":
 *
 * A veth end brought up before its peer has no carrier, so the kernel
 * leaves the noop qdisc (which drops everything) on it and defers the
 * activation to the link watch worker once the peer comes up; events that
 * worker does not deem urgent wait up to a second. Until it runs, the
 * first ARP reply or neighbour advertisement sent through that end is
 * lost, and the sender retries only a second later. An RTM_GETLINK for the
 * device runs its pending link watch event synchronously
 * (linkwatch_sync_dev in rtnl_getlink), so the first query usually settles
 * it.
 *
 * IPv6 addresses are put in service by a queued work item, even with
 * accept_dad=0 and IFA_F_NODAD (see ipv6_settled). Until it has run, the
 * kernel's link-local address is tentative, so the router cannot send a
 * neighbour solicitation for a datagram it forwards (ndisc_send_ns wants a
 * usable link-local source), and a node does not listen to the
 * solicited-node group of its global address, so it ignores the
 * solicitation; either way the next try is a second away.
 *
 * Polled every 100 us for up to two seconds; it normally takes one or two
 * queries. */
static int link_ready(struct nl_sock *sk, const char *node, const char *ifname,
		      int ifindex, char *err, size_t errlen)
{
	const struct timespec pause = {.tv_sec = 0, .tv_nsec = 100000};
	struct rtnl_link *link;
	char eb[64];
	int e, oper = IF_OPER_UNKNOWN, v6 = 0, tries;

	for (tries = 0; tries < 20000; tries++) {
		if (oper != IF_OPER_UP) {
			link = NULL;
			e = rtnl_link_get_kernel(sk, ifindex, NULL, &link);
			if (e < 0)
				goto nlfail;
			oper = rtnl_link_get_operstate(link);
			rtnl_link_put(link);
		}
		if (oper == IF_OPER_UP) {
			v6 = ipv6_settled(sk, ifindex);
			if (v6 < 0) {
				e = v6;
				goto nlfail;
			}
			if (v6)
				return 0;
		}
		nanosleep(&pause, NULL);
	}
	if (oper != IF_OPER_UP)
		seterr(err, errlen,
		       "%s: %s not operationally up (state %d) 2 s after both "
		       "veth ends went up",
		       node, ifname, oper);
	else
		seterr(err, errlen,
		       "%s: %s has no usable IPv6 link-local address 2 s after "
		       "going up",
		       node, ifname);
	return -1;
nlfail:
	seterr(err, errlen, "%s: query %s: %s", node, ifname,
	       nlerr(e, eb, sizeof(eb)));
	return -1;
}

/* Creates the veth pair here/there; there is made directly in the
 * namespace peer_ns, so it never exists anywhere else. */
static int make_veth(struct nl_sock *sk, const char *here, const char *there,
		     int peer_ns, char *err, size_t errlen)
{
	struct rtnl_link *link, *peer;
	char eb[64];
	int e;

	link = rtnl_link_veth_alloc();
	if (!link) {
		seterr(err, errlen, "router: veth %s: out of memory", here);
		return -1;
	}
	peer = rtnl_link_veth_get_peer(link);
	rtnl_link_set_name(link, here);
	rtnl_link_set_name(peer, there);
	rtnl_link_set_ns_fd(peer, peer_ns);
	e = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(peer);
	rtnl_link_veth_release(link);
	if (e < 0) {
		seterr(err, errlen, "router: create veth %s/%s: %s", here,
		       there, nlerr(e, eb, sizeof(eb)));
		return -1;
	}
	return 0;
}

static struct nl_addr *nl_from_ipaddr(const struct ipaddr *a)
{
	return nl_addr_build(a->family, a->a, a->family == AF_INET ? 4 : 16);
}

static int add_addr(struct nl_sock *sk, const char *node, const char *ifname,
		    int ifindex, const struct ipaddr *a, char *err,
		    size_t errlen)
{
	struct rtnl_addr *ra;
	struct nl_addr *local;
	char eb[64], as[ADDR_STRLEN];
	int plen = a->family == AF_INET ? 24 : 64;
	int e;

	ra = rtnl_addr_alloc();
	local = nl_from_ipaddr(a);
	if (!ra || !local) {
		e = -NLE_NOMEM;
		goto out;
	}
	nl_addr_set_prefixlen(local, plen);
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, a->family);
	e = rtnl_addr_set_local(ra, local);
	if (e < 0)
		goto out;
	rtnl_addr_set_prefixlen(ra, plen);
	/* Usable at once: no duplicate address detection, whose tentative
	 * phase would make the address unusable for about a second. */
	if (a->family == AF_INET6)
		rtnl_addr_set_flags(ra, IFA_F_NODAD);
	e = rtnl_addr_add(sk, ra, NLM_F_EXCL);
out:
	if (local)
		nl_addr_put(local);
	if (ra)
		rtnl_addr_put(ra);
	if (e < 0) {
		seterr(err, errlen, "%s: add address %s/%d to %s: %s", node,
		       addr_str(a, as), plen, ifname, nlerr(e, eb, sizeof(eb)));
		return -1;
	}
	return 0;
}

/* Host bits below the prefix length must be zero: IPv4 refuses such a
 * route with a bare EINVAL and IPv6 silently masks them; either way the
 * case file has a typo, so say so. */
static bool host_bits_clear(struct nl_addr *dst)
{
	const uint8_t *b = nl_addr_get_binary_addr(dst);
	unsigned len = nl_addr_get_len(dst);
	unsigned plen = nl_addr_get_prefixlen(dst);
	unsigned i;

	for (i = plen; i < len * 8; i++)
		if (b[i / 8] & (0x80u >> (i % 8)))
			return false;
	return true;
}

static const char *route_type_name(int type)
{
	switch (type) {
	case RTN_UNICAST:
		return "unicast";
	case RTN_UNREACHABLE:
		return "unreachable";
	case RTN_PROHIBIT:
		return "prohibit";
	case RTN_BLACKHOLE:
		return "blackhole";
	default:
		return NULL;
	}
}

/* Adds prefix (text) of type in the current namespace. */
static int add_route(struct nl_sock *sk, const char *node, const char *prefix,
		     int type, const struct ipaddr *gw, char *err,
		     size_t errlen)
{
	struct rtnl_route *r = NULL;
	struct rtnl_nexthop *nh;
	struct nl_addr *dst = NULL, *gwa = NULL;
	const char *tname = route_type_name(type);
	char eb[64];
	int family, e;

	if (!tname) {
		seterr(err, errlen,
		       "%s: route %s: type %d not supported; expected "
		       "RTN_UNICAST, RTN_UNREACHABLE, RTN_PROHIBIT or "
		       "RTN_BLACKHOLE",
		       node, prefix, type);
		return -1;
	}
	if (type == RTN_UNICAST && (!gw || !gw->family)) {
		seterr(err, errlen, "%s: unicast route %s: needs a gateway",
		       node, prefix);
		return -1;
	}
	if (type != RTN_UNICAST && gw && gw->family) {
		seterr(err, errlen,
		       "%s: %s route %s: takes no gateway; pass NULL", node,
		       tname, prefix);
		return -1;
	}
	/* The family is explicit: nl_addr_parse with AF_UNSPEC would also
	 * take "aa:bb:cc:dd:ee:ff" as a link-layer address. */
	family = strchr(prefix, ':') ? AF_INET6 : AF_INET;
	e = nl_addr_parse(prefix, family, &dst);
	if (e < 0) {
		seterr(err, errlen,
		       "%s: route prefix '%s': not an address/length, e.g. "
		       "192.0.2.0/24 or 2001:db8:3::/64",
		       node, prefix);
		return -1;
	}
	if (!host_bits_clear(dst)) {
		seterr(err, errlen,
		       "%s: route prefix '%s': host bits set below the prefix "
		       "length",
		       node, prefix);
		nl_addr_put(dst);
		return -1;
	}
	if (gw && gw->family && gw->family != family) {
		seterr(err, errlen,
		       "%s: route %s: gateway is of the other address family",
		       node, prefix);
		nl_addr_put(dst);
		return -1;
	}

	r = rtnl_route_alloc();
	if (!r) {
		e = -NLE_NOMEM;
		goto out;
	}
	rtnl_route_set_family(r, (uint8_t)family);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
	rtnl_route_set_type(r, (uint8_t)type);
	e = rtnl_route_set_dst(r, dst);
	if (e < 0)
		goto out;
	if (type == RTN_UNICAST) {
		gwa = nl_from_ipaddr(gw);
		nh = rtnl_route_nh_alloc();
		if (!gwa || !nh) {
			if (nh)
				rtnl_route_nh_free(nh);
			e = -NLE_NOMEM;
			goto out;
		}
		rtnl_route_nh_set_gateway(nh, gwa);
		rtnl_route_add_nexthop(r, nh); /* r owns nh now */
	}
	e = rtnl_route_add(sk, r, NLM_F_EXCL);
out:
	if (gwa)
		nl_addr_put(gwa);
	if (r)
		rtnl_route_put(r);
	nl_addr_put(dst);
	if (e < 0) {
		char gs[ADDR_STRLEN];

		if (type == RTN_UNICAST)
			seterr(err, errlen, "%s: add route %s via %s: %s", node,
			       prefix, addr_str(gw, gs),
			       nlerr(e, eb, sizeof(eb)));
		else
			seterr(err, errlen, "%s: add %s route %s: %s", node,
			       tname, prefix, nlerr(e, eb, sizeof(eb)));
		return -1;
	}
	return 0;
}

const struct ipaddr *topo_addr(const struct topo *t, enum topo_node node,
			       int family, int server_side)
{
	bool v6;

	if (family != AF_INET && family != AF_INET6)
		return NULL;
	v6 = family == AF_INET6;
	switch (node) {
	case NODE_CLIENT:
		return v6 ? &t->client6 : &t->client4;
	case NODE_SERVER:
		return v6 ? &t->server6 : &t->server4;
	case NODE_ROUTER:
		if (server_side)
			return v6 ? &t->router_s6 : &t->router_s4;
		return v6 ? &t->router_c6 : &t->router_c4;
	default:
		return NULL;
	}
}

static int set_addrs(struct topo *t)
{
	return addr_parse("198.51.100.2", &t->client4) |
	       addr_parse("198.51.100.1", &t->router_c4) |
	       addr_parse("203.0.113.1", &t->router_s4) |
	       addr_parse("203.0.113.2", &t->server4) |
	       addr_parse("2001:db8:1::2", &t->client6) |
	       addr_parse("2001:db8:1::1", &t->router_c6) |
	       addr_parse("2001:db8:2::1", &t->router_s6) |
	       addr_parse("2001:db8:2::2", &t->server6);
}

/* Makes a namespace for node, enters it (the thread stays there), and
 * applies the namespace-wide settings. */
static int make_node(struct topo *t, enum topo_node node, char *err,
		     size_t errlen)
{
	if (unshare(CLONE_NEWNET) < 0) {
		seterr(err, errlen, "%s: unshare(CLONE_NEWNET): %s%s",
		       node_names[node], strerror(errno),
		       errno == EPERM ? "; needs CAP_SYS_ADMIN (run as root)"
				      : "");
		return -1;
	}
	t->ns[node] = open_current_ns();
	if (t->ns[node] < 0) {
		seterr(err, errlen, "%s: open /proc/thread-self/ns/net: %s",
		       node_names[node], strerror(errno));
		return -1;
	}
	return ns_sysctls(node, err, errlen);
}

/* link_ready() for each of node's interfaces, inside node. */
static int links_ready(struct nl_sock *sk, enum topo_node node, char *err,
		       size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(ifaces) / sizeof(ifaces[0]); i++) {
		int ifindex;

		if (ifaces[i].node != node)
			continue;
		ifindex = (int)if_nametoindex(ifaces[i].name);
		if (ifindex <= 0) {
			seterr(err, errlen, "%s: interface %s: %s",
			       node_names[node], ifaces[i].name,
			       strerror(errno));
			return -1;
		}
		if (link_ready(sk, node_names[node], ifaces[i].name, ifindex,
			       err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* Inside node's namespace (entered by the caller): loopback up, then for
 * each of the node's interfaces, settings, up and addresses, then the
 * node's routes. The router first creates the veth pairs. */
static int configure_node(struct topo *t, enum topo_node node, char *err,
			  size_t errlen)
{
	const char *name = node_names[node];
	struct nl_sock *sk;
	size_t i;
	int rc = -1;

	sk = rt_open(name, err, errlen);
	if (!sk)
		return -1;
	if (link_up(sk, name, "lo", LOOPBACK_IFINDEX, err, errlen) < 0)
		goto out;
	if (node == NODE_ROUTER &&
	    (make_veth(sk, TOPO_ROUTER_CIF, TOPO_CLIENT_IF, t->ns[NODE_CLIENT],
		       err, errlen) < 0 ||
	     make_veth(sk, TOPO_ROUTER_SIF, TOPO_SERVER_IF, t->ns[NODE_SERVER],
		       err, errlen) < 0))
		goto out;
	for (i = 0; i < sizeof(ifaces) / sizeof(ifaces[0]); i++) {
		const struct iface *f = &ifaces[i];
		int ifindex;

		if (f->node != node)
			continue;
		ifindex = (int)if_nametoindex(f->name);
		if (ifindex <= 0) {
			seterr(err, errlen, "%s: interface %s: %s", name,
			       f->name, strerror(errno));
			goto out;
		}
		if (node == NODE_CLIENT)
			t->client_ifindex = ifindex;
		if (link_up(sk, name, f->name, ifindex, err, errlen) < 0 ||
		    add_addr(sk, name, f->name, ifindex,
			     topo_addr(t, node, AF_INET, f->server_side), err,
			     errlen) < 0 ||
		    add_addr(sk, name, f->name, ifindex,
			     topo_addr(t, node, AF_INET6, f->server_side), err,
			     errlen) < 0)
			goto out;
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (routes[i].node != node)
			continue;
		if (add_route(sk, name, routes[i].prefix, RTN_UNICAST,
			      topo_addr(t, NODE_ROUTER, routes[i].family,
					routes[i].gw_server_side),
			      err, errlen) < 0)
			goto out;
	}
	/* The router's ends were up first; the client's and server's come
	 * up with the carrier on. Each node's ends are checked once their
	 * peers are up: here for client and server, in links_ready() for
	 * the router. */
	if (node != NODE_ROUTER && links_ready(sk, node, err, errlen) < 0)
		goto out;
	rc = 0;
out:
	nl_socket_free(sk);
	return rc;
}

/* Inside the router, after the client and server brought their ends up. */
static int router_ready(char *err, size_t errlen)
{
	struct nl_sock *sk;
	int rc;

	sk = rt_open(node_names[NODE_ROUTER], err, errlen);
	if (!sk)
		return -1;
	rc = links_ready(sk, NODE_ROUTER, err, errlen);
	nl_socket_free(sk);
	return rc;
}

int topo_build(struct topo *t, char *err, size_t errlen)
{
	/* Client and server exist before the router, which places one end
	 * of each veth pair in them. The router's ends come up first, so
	 * the carrier is on when the neighbours' routes go in; the router's
	 * ends are checked last (link_ready). */
	static const enum topo_node make_order[] = {NODE_CLIENT, NODE_SERVER,
						    NODE_ROUTER};
	static const enum topo_node conf_order[] = {NODE_ROUTER, NODE_CLIENT,
						    NODE_SERVER};
	size_t i;
	int n;

	memset(t, 0, sizeof(*t));
	t->home = -1;
	for (n = 0; n < NODE_MAX; n++)
		t->ns[n] = -1;
	if (set_addrs(t) != 0) {
		seterr(err, errlen, "topology addresses: parse failed");
		return -1;
	}
	t->home = open_current_ns();
	if (t->home < 0) {
		seterr(err, errlen, "open /proc/thread-self/ns/net: %s",
		       strerror(errno));
		return -1;
	}
	for (i = 0; i < NODE_MAX; i++)
		if (make_node(t, make_order[i], err, errlen) < 0)
			goto fail;
	/* make_node left the thread in the router's namespace. */
	for (i = 0; i < NODE_MAX; i++) {
		if (setns(t->ns[conf_order[i]], CLONE_NEWNET) < 0) {
			seterr(err, errlen, "%s: setns: %s",
			       node_names[conf_order[i]], strerror(errno));
			goto fail;
		}
		if (configure_node(t, conf_order[i], err, errlen) < 0)
			goto fail;
	}
	if (setns(t->ns[NODE_ROUTER], CLONE_NEWNET) < 0) {
		seterr(err, errlen, "router: setns: %s", strerror(errno));
		goto fail;
	}
	if (router_ready(err, errlen) < 0)
		goto fail;
	if (go_home(t, err, errlen) < 0)
		goto fail;
	return 0;
fail:
	go_home_quiet(t);
	topo_destroy(t);
	return -1;
}

void topo_destroy(struct topo *t)
{
	int n;

	/* A thread still inside a node would keep it alive. */
	if (t->home > 2)
		go_home_quiet(t);
	for (n = 0; n < NODE_MAX; n++) {
		if (t->ns[n] > 2)
			close(t->ns[n]);
		t->ns[n] = -1;
	}
	if (t->home > 2)
		close(t->home);
	t->home = -1;
	t->client_ifindex = 0;
}

int topo_nft(struct topo *t, enum topo_node node, const char *script, char *err,
	     size_t errlen)
{
	struct nft_ctx *ctx;
	const char *msg;
	int rc;

	if (topo_enter(t, node, err, errlen) < 0)
		return -1;
	/* nft_ctx_new opens its netlink socket right away, so it must be
	 * made here, inside the node; it is freed before going home. */
	ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx) {
		seterr(err, errlen, "%s: nftables context: out of memory",
		       node_names[node]);
		go_home_quiet(t);
		return -1;
	}
	if (nft_ctx_buffer_output(ctx) < 0 || nft_ctx_buffer_error(ctx) < 0) {
		seterr(err, errlen, "%s: nftables output buffers: failed",
		       node_names[node]);
		nft_ctx_free(ctx);
		go_home_quiet(t);
		return -1;
	}
	/* Even a script that failed may have left some of its rules. */
	t->nft_nodes |= 1u << node;
	t->changed |= 1u << node;
	rc = nft_run_cmd_from_buffer(ctx, script);
	if (rc != 0) {
		size_t len;

		msg = nft_ctx_get_error_buffer(ctx);
		if (!msg || !*msg)
			msg = "failed without a message";
		len = strlen(msg);
		while (len > 0 && msg[len - 1] == '\n')
			len--;
		seterr(err, errlen, "%s: nft: %.*s", node_names[node], (int)len,
		       msg);
		nft_ctx_free(ctx);
		go_home_quiet(t);
		return -1;
	}
	nft_ctx_free(ctx);
	return go_home(t, err, errlen);
}

int topo_set_mtu(struct topo *t, enum topo_node node, const char *ifname,
		 unsigned mtu, char *err, size_t errlen)
{
	struct nl_sock *sk;
	struct rtnl_link *ch;
	char eb[64];
	int ifindex, e;

	if (topo_enter(t, node, err, errlen) < 0)
		return -1;
	t->changed |= 1u << node;
	ifindex = (int)if_nametoindex(ifname);
	if (ifindex <= 0) {
		seterr(err, errlen, "%s: interface '%s': %s", node_names[node],
		       ifname, strerror(errno));
		go_home_quiet(t);
		return -1;
	}
	sk = rt_open(node_names[node], err, errlen);
	if (!sk) {
		go_home_quiet(t);
		return -1;
	}
	ch = rtnl_link_alloc();
	if (!ch) {
		e = -NLE_NOMEM;
	} else {
		rtnl_link_set_mtu(ch, mtu);
		e = link_change(sk, ifindex, ch);
		rtnl_link_put(ch);
	}
	nl_socket_free(sk);
	if (e < 0) {
		seterr(err, errlen, "%s: set mtu %u on %s: %s",
		       node_names[node], mtu, ifname, nlerr(e, eb, sizeof(eb)));
		go_home_quiet(t);
		return -1;
	}
	return go_home(t, err, errlen);
}

int topo_add_route(struct topo *t, enum topo_node node,
		   const char *prefix, int type, const struct ipaddr *gw,
		   char *err, size_t errlen)
{
	struct nl_sock *sk;
	int rc;

	if (topo_enter(t, node, err, errlen) < 0)
		return -1;
	t->changed |= 1u << node;
	sk = rt_open(node_names[node], err, errlen);
	if (!sk) {
		go_home_quiet(t);
		return -1;
	}
	rc = add_route(sk, node_names[node], prefix, type, gw, err, errlen);
	nl_socket_free(sk);
	if (rc < 0) {
		go_home_quiet(t);
		return -1;
	}
	return go_home(t, err, errlen);
}
