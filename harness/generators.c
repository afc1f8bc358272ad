/* Real generators: faults where a kernel in the topology, following its own
 * rules, decides which ICMP error goes back (or that none does). Nothing
 * here forges a packet: each fault only arranges the router's state (a
 * route, a firewall rule, neighbour timers, an MTU, rate limits) and the
 * plan the probes send by.
 *
 * Every fault has an IPv4 and an IPv6 form; the plan's destination and
 * the router's state follow the case's family (c->family, pre-filled into
 * plan->dst by the caller).
 */
#include "catalog.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>

/* A destination the router has no route for: the client sends
 * 192.0.2.0/24 to the router (topo.h), the router knows only its two
 * connected networks. */
#define UNROUTED_PREFIX "192.0.2.0/24"
#define UNROUTED_DST	"192.0.2.1"
/* The same over IPv6: the client routes 2001:db8:3::/64 to the router,
 * which has no route for it. */
#define UNROUTED_PREFIX6 "2001:db8:3::/64"
#define UNROUTED_DST6	 "2001:db8:3::1"

/* On the server's network, owned by nobody: the router has a connected
 * route for it and must resolve it with ARP. */
#define UNOWNED_DST "203.0.113.99"
/* The same in the server's IPv6 prefix: the router resolves it with
 * neighbour discovery. */
#define UNOWNED_DST6 "2001:db8:2::99"

/* Payload of the pmtu fault's datagrams: 1400 + 8 (UDP) + 20 (IPv4) =
 * 1428 bytes, which fits the client's 1500-byte link and so leaves the
 * client whole, with DF (IP_PMTUDISC_WANT, the Linux default). */
#define PMTU_PAYLOAD  1400
#define PMTU_DATAGRAM (PMTU_PAYLOAD + 28)
/* 68: the smallest MTU an IPv4 link may have (RFC 791; ETH_MIN_MTU), so
 * that a program's small datagrams can meet the fault too (icmplab try).
 * Below 576, the least every host must take (RFC 1122 3.3.2), the
 * server's own errors, up to 576 bytes (icmp_send), leave in fragments,
 * and a client clamps what it learns to route/min_pmtu (552). */
#define PMTU_MIN 68

static const struct param_spec no_params[] = {{.name = NULL}};

static bool is_v6(const struct case_def *c)
{
	return c->family == AF_INET6;
}

static int set_dst(struct fault_plan *plan, const char *dst, char *err,
		   size_t errlen)
{
	if (addr_parse(dst, &plan->dst) == 0)
		return 0;
	snprintf(err, errlen, "destination '%s': not an address", dst);
	return -1;
}

/* --- no_route -------------------------------------------------------- */

enum { NR_BURST, NR_NPARAMS };

static const struct param_spec no_route_params[NR_NPARAMS + 1] = {
	[NR_BURST] = {.name = "burst",
		      .kind = PARAM_INT,
		      .lo = 1,
		      .hi = 1000,
		      .dflt = "1",
		      .doc = "datagrams sent back to back per round (ip_error "
			     "answers five at once)"},
};

/* Nothing to set up: the router's FIB lookup for 192.0.2.1 fails
 * (fib_lookup returns -ENETUNREACH), ip_route_input_slow gives the
 * datagram an input route whose handler is ip_error, and ip_error maps
 * ENETUNREACH to 3/0 (RFC 1812 5.2.7.1). ip_error has its own token bucket
 * per source address (route/error_cost, error_burst: five at once, then
 * one a second), which the icmp_* sysctls do not touch and which a
 * namespace cannot change on kernels where those two sysctls exist only in
 * the initial namespace; burst=<n> shows it. */
static int apply_no_route(struct topo *t, const struct case_def *c,
			  const struct param_block *a, struct fault_plan *plan,
			  char *err, size_t errlen)
{
	(void)t;
	plan->burst = (unsigned)a->v[NR_BURST].n;
	plan->fence_at_router = true;
	return set_dst(plan, is_v6(c) ? UNROUTED_DST6 : UNROUTED_DST, err,
		       errlen);
}

/* --- route type=... -------------------------------------------------- */

/* The route types topo_add_route can install without a gateway. Each
 * carries an error in fib_props[] that ip_error turns into a code:
 * unreachable -EHOSTUNREACH (3/1), prohibit -EACCES (3/13), blackhole
 * -EINVAL (nothing). A throw route would need topo_add_route to take
 * RTN_THROW; in the main table with no rules it ends the lookup with
 * -EAGAIN, which fib_lookup turns into -ENETUNREACH: the same 3/0 as no
 * route at all. */
static const struct tok route_kinds[] = {
	{RTN_UNREACHABLE, "unreachable"},
	{RTN_PROHIBIT, "prohibit"},
	{RTN_BLACKHOLE, "blackhole"},
	{0, NULL},
};

enum { RT_TYPE, RT_NPARAMS };

/* Without type=, an unreachable route: the plainest of the three. */
static const struct param_spec route_params[RT_NPARAMS + 1] = {
	[RT_TYPE] = {.name = "type",
		     .kind = PARAM_ENUM,
		     .tokens = route_kinds,
		     .dflt = "unreachable",
		     .doc = "the route's type: 3/1, 3/13, or silence"},
};

static int apply_route(struct topo *t, const struct case_def *c,
		       const struct param_block *a, struct fault_plan *plan,
		       char *err, size_t errlen)
{
	bool v6 = is_v6(c);

	if (topo_add_route(t, NODE_ROUTER, v6 ? UNROUTED_PREFIX6 : UNROUTED_PREFIX,
			   (int)a->v[RT_TYPE].n, NULL, err, errlen) < 0)
		return -1;
	/* Fences for a destination no route leads to would draw errors of
	 * their own (and none from a blackhole). */
	plan->fence_at_router = true;
	return set_dst(plan, v6 ? UNROUTED_DST6 : UNROUTED_DST, err, errlen);
}

/* --- nft_reject with=... --------------------------------------------- */

/* nftables' names for the ICMP codes `reject with icmp` takes in an ip
 * table (nft(8), REJECT STATEMENT). nftables 1.0.6 also takes the older
 * `reject with icmp type NAME` and prints the form used here. The code is
 * only for the reader: nft_reject_ipv4 hands it to nf_send_unreach, which
 * calls icmp_send(skb, 3, code, 0). nft also takes a number, and the
 * kernel does not check it (nft_reject_init), but only these names reach
 * the script: the value pasted into it is the table's own string.
 *
 * Then the names `reject with icmpv6` takes in an ip6 table (nftables'
 * icmpv6_code: every code it offers): nft_reject_ipv6 hands the code to
 * nf_send_unreach6, which calls icmpv6_send(skb, ICMPV6_DEST_UNREACH,
 * code, 0). The parameter takes every name once; an ipv4 case takes only
 * the first list's, an ipv6 case only the second's (reject_rules). */
static const struct tok reject_kinds[] = {
	{0, "net-unreachable"},	  {1, "host-unreachable"},
	{2, "prot-unreachable"},  {3, "port-unreachable"},
	{9, "net-prohibited"},	  {10, "host-prohibited"},
	{13, "admin-prohibited"}, {0, "no-route"},
	{3, "addr-unreachable"},  {5, "policy-fail"},
	{6, "reject-route"},	  {0, NULL},
};

static const char *const reject_names4[] = {
	"net-unreachable", "host-unreachable", "prot-unreachable",
	"port-unreachable", "net-prohibited", "host-prohibited",
	"admin-prohibited", NULL,
};

static const char *const reject_names6[] = {
	"no-route",	   "admin-prohibited", "addr-unreachable",
	"port-unreachable", "policy-fail",      "reject-route",
	NULL,
};

enum { NFT_WITH, NFT_NPARAMS };

/* Without with=, port-unreachable, which is also what nft's bare `reject`
 * sends for IPv4 (and, as 1/4, for IPv6). */
static const struct param_spec reject_params[NFT_NPARAMS + 1] = {
	[NFT_WITH] = {.name = "with",
		      .kind = PARAM_ENUM,
		      .tokens = reject_kinds,
		      .dflt = "port-unreachable",
		      .doc = "nft's name for the code of the 3/x it sends; "
			     "ipv6 (1/x): no-route, admin-prohibited, "
			     "addr-unreachable, port-unreachable, "
			     "policy-fail, reject-route"},
};

static bool name_in(const char *const *names, const char *name)
{
	for (; *names; names++)
		if (strcmp(*names, name) == 0)
			return true;
	return false;
}

static int reject_rules(const struct param_block *a, char *why,
			size_t whylen)
{
	bool v6 = a->family == AF_INET6;

	if (name_in(v6 ? reject_names6 : reject_names4, a->v[NFT_WITH].s))
		return 0;
	snprintf(why, whylen,
		 "with=%s is not a code nftables' reject takes for %s; "
		 "expected one of: %s",
		 a->v[NFT_WITH].s, v6 ? "ipv6 (icmpv6)" : "ipv4 (icmp)",
		 v6 ? "no-route, admin-prohibited, addr-unreachable, "
		      "port-unreachable, policy-fail, reject-route"
		    : "net-unreachable, host-unreachable, prot-unreachable, "
		      "port-unreachable, net-prohibited, host-prohibited, "
		      "admin-prohibited");
	return -1;
}

static int apply_nft_reject(struct topo *t, const struct case_def *c,
			    const struct param_block *a,
			    struct fault_plan *plan, char *err, size_t errlen)
{
	const char *with = a->v[NFT_WITH].s;
	bool v6 = is_v6(c);
	char script[512];

	(void)plan;
	/* Forward hook: the router rejects what it would have forwarded,
	 * so the error comes from the router's address, as from a
	 * firewall on the path. */
	snprintf(script, sizeof(script),
		 "table %s icmplab {\n"
		 "  chain forward {\n"
		 "    type filter hook forward priority 0; policy accept;\n"
		 "    iifname \"" TOPO_ROUTER_CIF "\" %s udp counter "
		 "reject with %s %s\n"
		 "  }\n"
		 "}\n",
		 v6 ? "ip6" : "ip", v6 ? "meta l4proto" : "ip protocol",
		 v6 ? "icmpv6" : "icmp", with);
	return topo_nft(t, NODE_ROUTER, script, err, errlen);
}

/* --- arp_failure ----------------------------------------------------- */

/* The router's neighbour parameters on its server-side link, so that it
 * gives up on an address after one ARP request and one retransmit timer
 * (neigh_max_probes = ucast + app + mcast = 1) instead of three requests a
 * second apart. mcast_solicit must stay at least 1: with no probe to send
 * at all, __neigh_event_send marks the entry failed at once and frees the
 * datagram without an error. __neigh_event_send never arms the timer for
 * less than HZ/100, so asking for 1 ms gets that floor: about 10 ms. */
static const struct {
	const char *key;
	const char *val;
} arp_fast[] = {
	{"mcast_solicit", "1"},	  {"ucast_solicit", "0"},
	{"app_solicit", "0"},	  {"mcast_resolicit", "0"},
	{"retrans_time_ms", "1"}, {NULL, NULL},
};

/* The least safety bound (--quiet-ms) on a sync's wait here: several
 * times the give-up time above. The wait itself ends at the kernel's own
 * event: the fence queues behind the datagram on the same incomplete
 * neighbour entry, and its own 3/1 (1/3) comes after the datagram's. */
#define ARP_QUIET_MS 100

static int apply_arp_failure(struct topo *t, const struct case_def *c,
			     const struct param_block *a,
			     struct fault_plan *plan, char *err, size_t errlen)
{
	char path[128];
	int i;

	(void)a;
	/* Over IPv6 the same parameters, of the ND table (nd_tbl): one
	 * Neighbor Solicitation, then ndisc_error_report and
	 * ip6_link_failure answer 1/3 (address unreachable). */
	for (i = 0; arp_fast[i].key; i++) {
		snprintf(path, sizeof(path), "net/%s/neigh/%s/%s",
			 is_v6(c) ? "ipv6" : "ipv4", TOPO_ROUTER_SIF,
			 arp_fast[i].key);
		if (topo_sysctl(t, NODE_ROUTER, path, arp_fast[i].val, err,
				errlen) < 0)
			return -1;
	}
	if (plan->min_quiet_ms < ARP_QUIET_MS)
		plan->min_quiet_ms = ARP_QUIET_MS;
	return set_dst(plan, is_v6(c) ? UNOWNED_DST6 : UNOWNED_DST, err,
		       errlen);
}

/* --- pmtu mtu=... df=... --------------------------------------------- */

static const struct tok yes_no[] = {
	{1, "yes"},
	{0, "no"},
	{0, NULL},
};

enum { PMTU_MTU, PMTU_DF, PMTU_NPARAMS };

static const struct param_spec pmtu_params[PMTU_NPARAMS + 1] = {
	[PMTU_MTU] = {.name = "mtu",
		      .kind = PARAM_INT,
		      .lo = PMTU_MIN,
		      .hi = PMTU_DATAGRAM - 1,
		      .dflt = "1280",
		      .doc = "MTU of the router-server link, below the "
			     "1428-byte datagram"},
	[PMTU_DF] = {.name = "df",
		     .kind = PARAM_ENUM,
		     .tokens = yes_no,
		     .dflt = "yes",
		     .doc = "no: the client sends without DF "
			    "(ip_no_pmtu_disc), the router fragments"},
};

/* Over IPv6 a link's MTU is at least 1280 (RFC 8200 5; the kernel turns
 * IPv6 off on a smaller link, addrconf_notify), and no router fragments
 * (ip6_forward answers every datagram too big with Packet Too Big), so
 * there is no df=no. The datagram is 1400 + 8 + 40 = 1448 bytes. */
#define PMTU_MIN6 1280

static int pmtu_rules(const struct param_block *a, char *why, size_t whylen)
{
	if (a->family != AF_INET6)
		return 0;
	if (a->v[PMTU_MTU].n < PMTU_MIN6) {
		snprintf(why, whylen,
			 "mtu=%ld: an IPv6 link takes at least %d (RFC 8200 "
			 "5); expected mtu=%d..%d",
			 a->v[PMTU_MTU].n, PMTU_MIN6, PMTU_MIN6,
			 PMTU_DATAGRAM - 1);
		return -1;
	}
	if (!a->v[PMTU_DF].n) {
		snprintf(why, whylen,
			 "df=no: IPv6 has no DF bit and its routers never "
			 "fragment; leave df out for ipv6");
		return -1;
	}
	return 0;
}

static int apply_pmtu(struct topo *t, const struct case_def *c,
		      const struct param_block *a, struct fault_plan *plan,
		      char *err, size_t errlen)
{
	unsigned mtu = (unsigned)a->v[PMTU_MTU].n;

	(void)c;
	/* Both ends: an MTU belongs to the link, and a veth drops a frame
	 * larger than the receiving end's MTU (is_skb_forwardable), so
	 * ends that disagree lose packets that real links carry. */
	if (topo_set_mtu(t, NODE_ROUTER, TOPO_ROUTER_SIF, mtu, err, errlen) <
		    0 ||
	    topo_set_mtu(t, NODE_SERVER, TOPO_SERVER_IF, mtu, err, errlen) < 0)
		return -1;
	/* df=no: sockets made while ip_no_pmtu_disc is set start with
	 * IP_PMTUDISC_DONT (inet_create), so the client sends without DF
	 * and the router fragments (ip_forward -> ip_exceeds_mtu is false
	 * without DF). Per namespace, so only the client changes. */
	if (!a->v[PMTU_DF].n &&
	    topo_sysctl(t, NODE_CLIENT, "net/ipv4/ip_no_pmtu_disc", "1", err,
			errlen) < 0)
		return -1;
	plan->size = PMTU_PAYLOAD;
	if (plan->count < 2)
		plan->count = 2;
	return 0;
}

/* --- rate_limit burst=... -------------------------------------------- */

/* The kernel's own defaults (Documentation/networking/ip-sysctl.rst,
 * icmp_sk_init), which topo_build turned off in the router: for the types
 * in the mask 0x1818 = 6168 (3 dest unreachable, 4 source quench, 11 time
 * exceeded, 12 parameter problem), one error per destination per
 * icmp_ratelimit ms with a burst of six (icmpv4_xrlim_allow,
 * XRLIM_BURST_FACTOR), within a budget of icmp_msgs_per_sec, burst
 * icmp_msgs_burst (icmp_global_allow). On this kernel that budget and its
 * sysctls are per namespace (net->ipv4.icmp_global_credit); older kernels
 * kept one budget for the whole host. Each error sent takes 0, 1 or 2
 * credits at random (icmp_global_consume), so when the budget is what
 * binds, how many errors pass varies from run to run. */
static const struct {
	const char *path;
	const char *val;
} icmp_defaults[] = {
	{"net/ipv4/icmp_ratemask", "6168"},
	{"net/ipv4/icmp_msgs_per_sec", "1000"},
	{"net/ipv4/icmp_msgs_burst", "50"},
	{NULL, NULL},
};

/* Over IPv6 (net/ipv6/icmp.c): the types limited are a list, by default
 * every error but Packet Too Big ("0-1,3-127"; topo_build emptied it);
 * icmpv6_global_allow asks the same namespace budget as IPv4
 * (icmp_global_allow, the net.ipv4 icmp_msgs_* sysctls, set above), and
 * icmpv6_xrlim_allow keeps the per-destination bucket of
 * net.ipv6.icmp.ratelimit ms, shortened for a destination reached by a
 * route shorter than /128: tmo >>= (128 - plen) >> 5, a quarter for the
 * client's /64. */
#define ICMPV6_RATEMASK_DEFAULT "0-1,3-127"

enum { RL_BURST, RL_RATELIMIT, RL_SET, RL_NPARAMS };

static const struct tok ttl_setters[] = {
	{0, "probe"},
	{1, "network"},
	{0, NULL},
};

static const struct param_spec rate_params[RL_NPARAMS + 1] = {
	[RL_BURST] = {.name = "burst",
		      .kind = PARAM_INT,
		      .lo = 2,
		      .hi = 1000,
		      .dflt = "20",
		      .doc = "TTL-1 datagrams sent back to back"},
	/* The kernel's default (icmp_sk_init). */
	[RL_RATELIMIT] = {.name = "ratelimit",
			  .kind = PARAM_INT,
			  .lo = 0,
			  .hi = 60000,
			  .dflt = "1000",
			  .doc = "the router's net.ipv4.icmp_ratelimit (ipv6: "
				 "net.ipv6.icmp.ratelimit), in "
				 "milliseconds; 0: the per-destination bucket "
				 "off"},
	[RL_SET] = {.name = "set",
		    .kind = PARAM_ENUM,
		    .tokens = ttl_setters,
		    .dflt = "probe",
		    .doc = "network: nftables in the client sets TTL 1 on "
			   "every packet to the server (a program's own "
			   "datagrams, however many it sends)"},
};

static int apply_rate_limit(struct topo *t, const struct case_def *c,
			    const struct param_block *a,
			    struct fault_plan *plan, char *err, size_t errlen)
{
	char ratelimit[24];
	bool v6 = is_v6(c);
	int i;

	for (i = 0; icmp_defaults[i].path; i++) {
		/* The ICMPv4 mask stays empty in an ipv6 case. */
		if (v6 && i == 0)
			continue;
		if (topo_sysctl(t, NODE_ROUTER, icmp_defaults[i].path,
				icmp_defaults[i].val, err, errlen) < 0)
			return -1;
	}
	if (v6 && topo_sysctl(t, NODE_ROUTER, "net/ipv6/icmp/ratemask",
			      ICMPV6_RATEMASK_DEFAULT, err, errlen) < 0)
		return -1;
	/* ratelimit=0 turns the per-destination bucket off and leaves the
	 * namespace's budget alone in charge (icmpv4_global_allow still
	 * asks icmp_global_allow for the masked types). */
	snprintf(ratelimit, sizeof(ratelimit), "%ld", a->v[RL_RATELIMIT].n);
	if (topo_sysctl(t, NODE_ROUTER,
			v6 ? "net/ipv6/icmp/ratelimit"
			   : "net/ipv4/icmp_ratelimit",
			ratelimit, err, errlen) < 0)
		return -1;
	/* TTL 1: every datagram draws a Time Exceeded (11/0; 3/0 over
	 * IPv6, ip6_forward), a type in the default mask, from the router
	 * (ip_forward). */
	plan->burst = (unsigned)a->v[RL_BURST].n;
	/* A fence's own error would meet the limit it measures. */
	plan->fence_at_router = true;
	if (a->v[RL_SET].n)
		return fault_ttl_by_network(t, plan, err, errlen);
	plan->ttl = 1;
	return 0;
}

const struct fault_def generator_faults[] = {
	{"no_route", "the router has no route to 192.0.2.1 (2001:db8:3::1); ip_error "
	 "(ip6_pkt_drop) answers",
	 no_route_params, NULL, apply_no_route, fault_apply, false},
	{"route",
	 "a route of type unreachable, prohibit or blackhole for 192.0.2.0/24 "
	 "(2001:db8:3::/64) at the router",
	 route_params, NULL, apply_route, fault_apply, false},
	{"nft_reject",
	 "nftables in the router's forward hook: reject with icmp (icmpv6) "
	 "<with>",
	 reject_params, reject_rules, apply_nft_reject, fault_apply, false},
	{"arp_failure",
	 "datagram for 203.0.113.99 (2001:db8:2::99), which nobody owns; the "
	 "router's ARP (neighbour discovery) gives up",
	 no_params, NULL, apply_arp_failure, fault_apply, false},
	{"pmtu",
	 "the router-server link has MTU <mtu> (1280); 1428-byte datagrams, "
	 "with DF unless df=no (1448-byte IPv6 datagrams)",
	 pmtu_params, pmtu_rules, apply_pmtu, fault_apply, false},
	{"rate_limit",
	 "a burst of TTL-1 datagrams; the router's ICMP rate limits at their "
	 "defaults",
	 rate_params, NULL, apply_rate_limit, fault_apply, false},
	{NULL, NULL, NULL, NULL, NULL, NULL, false},
};
