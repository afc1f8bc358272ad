/* Real generators: faults where a kernel in the topology, following its own
 * rules, decides which ICMP error goes back (or that none does). Nothing
 * here forges a packet: each fault only arranges the router's state (a
 * route, a firewall rule, neighbour timers, an MTU, rate limits) and the
 * plan the probes send by.
 *
 * Only IPv4 for now: every apply refuses an ipv6 case with a message.
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

/* On the server's network, owned by nobody: the router has a connected
 * route for it and must resolve it with ARP. */
#define UNOWNED_DST "203.0.113.99"

/* Payload of the pmtu fault's datagrams: 1400 + 8 (UDP) + 20 (IPv4) =
 * 1428 bytes, which fits the client's 1500-byte link and so leaves the
 * client whole, with DF (IP_PMTUDISC_WANT, the Linux default). */
#define PMTU_PAYLOAD  1400
#define PMTU_DATAGRAM (PMTU_PAYLOAD + 28)
#define PMTU_DEFAULT  "1280"
/* 576: every IPv4 host must take datagrams this large (RFC 791, RFC 1122
 * 3.3.2), and an ICMP error is at most 576 bytes (icmp_send). Below it the
 * server's own port unreachable would have to be fragmented too. */
#define PMTU_MIN 576

#define RATE_BURST_DEFAULT "20"

static const char *const no_keys[] = {NULL};

static int ipv4_only(const struct case_def *c, char *err, size_t errlen)
{
	if (c->family == AF_INET)
		return 0;
	snprintf(err, errlen,
		 "%s: fault '%s' has only an ipv4 form; use family ipv4",
		 c->path, c->fault);
	return -1;
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

static const char *const no_route_keys[] = {"burst", NULL};

static int check_burst(const char *key, const char *val, char *why,
		       size_t whylen)
{
	long v;

	(void)key;
	if (param_int(val, 1, 1000, &v) == 0)
		return 0;
	snprintf(why, whylen, "expected burst=1..1000");
	return -1;
}

/* Nothing to set up: the router's FIB lookup for 192.0.2.1 fails
 * (fib_lookup returns -ENETUNREACH), ip_route_input_slow gives the
 * datagram an input route whose handler is ip_error, and ip_error maps
 * ENETUNREACH to 3/0 (RFC 1812 5.2.7.1). ip_error has its own token bucket
 * per source address (route/error_cost, error_burst: five at once, then
 * one a second), which the icmp_* sysctls do not touch and which a
 * namespace cannot change on kernels where those two sysctls exist only in
 * the initial namespace; burst=<n> shows it. */
static int apply_no_route(struct topo *t, const struct case_def *c,
			  struct fault_plan *plan, char *err, size_t errlen)
{
	long burst;

	(void)t;
	if (ipv4_only(c, err, errlen) < 0)
		return -1;
	if (param_int(case_param(c, "burst", "1"), 1, 1000, &burst) < 0) {
		snprintf(err, errlen, "%s: no_route: bad burst", c->path);
		return -1;
	}
	plan->burst = (unsigned)burst;
	return set_dst(plan, UNROUTED_DST, err, errlen);
}

/* --- route type=... -------------------------------------------------- */

struct route_kind {
	const char *name;
	int rtn;
};

/* The route types topo_add_route can install without a gateway. Each
 * carries an error in fib_props[] that ip_error turns into a code:
 * unreachable -EHOSTUNREACH (3/1), prohibit -EACCES (3/13), blackhole
 * -EINVAL (nothing). A throw route would need topo_add_route to take
 * RTN_THROW; in the main table with no rules it ends the lookup with
 * -EAGAIN, which fib_lookup turns into -ENETUNREACH: the same 3/0 as no
 * route at all. */
static const struct route_kind route_kinds[] = {
	{"unreachable", RTN_UNREACHABLE},
	{"prohibit", RTN_PROHIBIT},
	{"blackhole", RTN_BLACKHOLE},
	{NULL, 0},
};

static const struct route_kind *route_kind_find(const char *name)
{
	const struct route_kind *k;

	for (k = route_kinds; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static const char *const route_keys[] = {"type", NULL};

static int check_route(const char *key, const char *val, char *why,
		       size_t whylen)
{
	(void)key; /* the only key */
	if (route_kind_find(val))
		return 0;
	snprintf(why, whylen,
		 "expected type=unreachable, type=prohibit or type=blackhole");
	return -1;
}

/* Without type=, an unreachable route: the plainest of the three. */
static int apply_route(struct topo *t, const struct case_def *c,
		       struct fault_plan *plan, char *err, size_t errlen)
{
	const struct route_kind *k =
		route_kind_find(case_param(c, "type", "unreachable"));

	if (ipv4_only(c, err, errlen) < 0)
		return -1;
	if (!k) { /* the parser ran check_route: not reached */
		snprintf(err, errlen, "%s: route: unknown type", c->path);
		return -1;
	}
	if (topo_add_route(t, NODE_ROUTER, UNROUTED_PREFIX, k->rtn, NULL, err,
			   errlen) < 0)
		return -1;
	return set_dst(plan, UNROUTED_DST, err, errlen);
}

/* --- nft_reject with=... --------------------------------------------- */

/* nftables' names for the ICMP codes `reject with icmp` takes in an ip
 * table (nft(8), REJECT STATEMENT). nftables 1.0.6 also takes the older
 * `reject with icmp type NAME` and prints the form used here. The code is
 * only for the reader: nft_reject_ipv4 hands it to nf_send_unreach, which
 * calls icmp_send(skb, 3, code, 0). nft also takes a number, and the
 * kernel does not check it (nft_reject_init), but only these names reach
 * the script: the value is pasted into it. */
static const struct {
	const char *name;
	int code;
} reject_kinds[] = {
	{"net-unreachable", 0},	  {"host-unreachable", 1},
	{"prot-unreachable", 2},  {"port-unreachable", 3},
	{"net-prohibited", 9},	  {"host-prohibited", 10},
	{"admin-prohibited", 13}, {NULL, 0},
};

static const char *const reject_keys[] = {"with", NULL};

static int check_reject(const char *key, const char *val, char *why,
			size_t whylen)
{
	size_t i, n;

	(void)key;
	for (i = 0; reject_kinds[i].name; i++)
		if (strcmp(reject_kinds[i].name, val) == 0)
			return 0;
	n = (size_t)snprintf(why, whylen, "expected with=");
	for (i = 0; reject_kinds[i].name && n < whylen; i++)
		n += (size_t)snprintf(why + n, whylen - n, "%s%s",
				      i ? ", " : "", reject_kinds[i].name);
	return -1;
}

/* Without with=, port-unreachable, which is also what nft's bare `reject`
 * sends for IPv4. */
static int apply_nft_reject(struct topo *t, const struct case_def *c,
			    struct fault_plan *plan, char *err, size_t errlen)
{
	const char *with = case_param(c, "with", "port-unreachable");
	char script[512];

	(void)plan;
	if (ipv4_only(c, err, errlen) < 0)
		return -1;
	/* Forward hook: the router rejects what it would have forwarded,
	 * so the error comes from the router's address, as from a
	 * firewall on the path. */
	snprintf(script, sizeof(script),
		 "table ip icmplab {\n"
		 "  chain forward {\n"
		 "    type filter hook forward priority 0; policy accept;\n"
		 "    iifname \"" TOPO_ROUTER_CIF "\" ip protocol udp counter "
		 "reject with icmp %s\n"
		 "  }\n"
		 "}\n",
		 with);
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

/* How long a sync may wait when the wire is silent: several times the
 * give-up time above, so that a late 3/1 is still waited for. */
#define ARP_QUIET_MS 100

static int apply_arp_failure(struct topo *t, const struct case_def *c,
			     struct fault_plan *plan, char *err, size_t errlen)
{
	char path[128];
	int i;

	if (ipv4_only(c, err, errlen) < 0)
		return -1;
	for (i = 0; arp_fast[i].key; i++) {
		snprintf(path, sizeof(path), "net/ipv4/neigh/%s/%s",
			 TOPO_ROUTER_SIF, arp_fast[i].key);
		if (topo_sysctl(t, NODE_ROUTER, path, arp_fast[i].val, err,
				errlen) < 0)
			return -1;
	}
	if (plan->min_quiet_ms < ARP_QUIET_MS)
		plan->min_quiet_ms = ARP_QUIET_MS;
	return set_dst(plan, UNOWNED_DST, err, errlen);
}

/* --- pmtu mtu=... df=... --------------------------------------------- */

static const char *const pmtu_keys[] = {"mtu", "df", NULL};

static int check_pmtu(const char *key, const char *val, char *why,
		      size_t whylen)
{
	long v;

	if (strcmp(key, "mtu") == 0) {
		if (param_int(val, PMTU_MIN, PMTU_DATAGRAM - 1, &v) == 0)
			return 0;
		snprintf(why, whylen,
			 "expected mtu=%d..%d (below the %d-byte datagram)",
			 PMTU_MIN, PMTU_DATAGRAM - 1, PMTU_DATAGRAM);
		return -1;
	}
	if (strcmp(val, "yes") == 0 || strcmp(val, "no") == 0)
		return 0;
	snprintf(why, whylen, "expected df=yes or df=no");
	return -1;
}

static int apply_pmtu(struct topo *t, const struct case_def *c,
		      struct fault_plan *plan, char *err, size_t errlen)
{
	long mtu;

	if (ipv4_only(c, err, errlen) < 0)
		return -1;
	if (param_int(case_param(c, "mtu", PMTU_DEFAULT), PMTU_MIN,
		      PMTU_DATAGRAM - 1, &mtu) < 0) {
		snprintf(err, errlen, "%s: pmtu: bad mtu", c->path);
		return -1;
	}
	/* Both ends: an MTU belongs to the link, and a veth drops a frame
	 * larger than the receiving end's MTU (is_skb_forwardable), so
	 * ends that disagree lose packets that real links carry. */
	if (topo_set_mtu(t, NODE_ROUTER, TOPO_ROUTER_SIF, (unsigned)mtu, err,
			 errlen) < 0 ||
	    topo_set_mtu(t, NODE_SERVER, TOPO_SERVER_IF, (unsigned)mtu, err,
			 errlen) < 0)
		return -1;
	/* df=no: sockets made while ip_no_pmtu_disc is set start with
	 * IP_PMTUDISC_DONT (inet_create), so the client sends without DF
	 * and the router fragments (ip_forward -> ip_exceeds_mtu is false
	 * without DF). Per namespace, so only the client changes. */
	if (strcmp(case_param(c, "df", "yes"), "no") == 0 &&
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
#define ICMP_RATELIMIT_DEFAULT "1000"
static const struct {
	const char *path;
	const char *val;
} icmp_defaults[] = {
	{"net/ipv4/icmp_ratemask", "6168"},
	{"net/ipv4/icmp_msgs_per_sec", "1000"},
	{"net/ipv4/icmp_msgs_burst", "50"},
	{NULL, NULL},
};

static const char *const rate_keys[] = {"burst", "ratelimit", NULL};

static int check_rate(const char *key, const char *val, char *why,
		      size_t whylen)
{
	long v;

	if (strcmp(key, "burst") == 0) {
		if (param_int(val, 2, 1000, &v) == 0)
			return 0;
		snprintf(why, whylen, "expected burst=2..1000");
		return -1;
	}
	if (param_int(val, 0, 60000, &v) == 0)
		return 0;
	snprintf(why, whylen,
		 "expected ratelimit=0..60000 (milliseconds, as the sysctl)");
	return -1;
}

static int apply_rate_limit(struct topo *t, const struct case_def *c,
			    struct fault_plan *plan, char *err, size_t errlen)
{
	long burst;
	int i;

	if (ipv4_only(c, err, errlen) < 0)
		return -1;
	if (param_int(case_param(c, "burst", RATE_BURST_DEFAULT), 2, 1000,
		      &burst) < 0) {
		snprintf(err, errlen, "%s: rate_limit: bad burst", c->path);
		return -1;
	}
	for (i = 0; icmp_defaults[i].path; i++)
		if (topo_sysctl(t, NODE_ROUTER, icmp_defaults[i].path,
				icmp_defaults[i].val, err, errlen) < 0)
			return -1;
	/* ratelimit=0 turns the per-destination bucket off and leaves the
	 * namespace's budget alone in charge (icmpv4_global_allow still
	 * asks icmp_global_allow for the masked types). */
	if (topo_sysctl(t, NODE_ROUTER, "net/ipv4/icmp_ratelimit",
			case_param(c, "ratelimit", ICMP_RATELIMIT_DEFAULT), err,
			errlen) < 0)
		return -1;
	/* TTL 1: every datagram draws a Time Exceeded (11/0), a type in
	 * the default mask, from the router (ip_forward). */
	plan->ttl = 1;
	plan->burst = (unsigned)burst;
	return 0;
}

const struct fault_def generator_faults[] = {
	{"no_route", "the router has no route to 192.0.2.1; ip_error answers",
	 no_route_keys, check_burst, apply_no_route},
	{"route",
	 "a route of type unreachable, prohibit or blackhole for 192.0.2.0/24 "
	 "at the router",
	 route_keys, check_route, apply_route},
	{"nft_reject",
	 "nftables in the router's forward hook: reject with icmp <with>",
	 reject_keys, check_reject, apply_nft_reject},
	{"arp_failure",
	 "datagram for 203.0.113.99, which nobody owns; the router's ARP gives "
	 "up",
	 no_keys, NULL, apply_arp_failure},
	{"pmtu",
	 "the router-server link has MTU <mtu> (1280); 1428-byte datagrams, "
	 "with DF unless df=no",
	 pmtu_keys, check_pmtu, apply_pmtu},
	{"rate_limit",
	 "a burst of TTL-1 datagrams; the router's ICMP rate limits at their "
	 "defaults",
	 rate_keys, check_rate, apply_rate_limit},
	{NULL, NULL, NULL, NULL, NULL},
};
