/* The topology read back from the kernel: see topodump.h. */
#include "topodump.h"

#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/route/rtnl.h>
#include <nftables/libnftables.h>

#include "jsontext.h"

/* An IPv6 link-local prefix or address (fe80::/10): per link, the same in
 * every topology, and no part of a case. */
static bool link_local(struct nl_addr *a)
{
	const unsigned char *b;

	if (!a || nl_addr_get_family(a) != AF_INET6 || nl_addr_get_len(a) < 2)
		return false;
	b = nl_addr_get_binary_addr(a);
	return b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
}

static json_t *interfaces(struct nl_cache *links, struct nl_cache *addrs)
{
	json_t *a = json_array();
	struct nl_object *o, *p;
	char buf[128];

	for (o = nl_cache_get_first(links); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		int ifindex = rtnl_link_get_ifindex(l);
		json_t *as = json_array();

		if (rtnl_link_get_flags(l) & IFF_LOOPBACK) {
			json_decref(as);
			continue;
		}
		for (p = nl_cache_get_first(addrs); p;
		     p = nl_cache_get_next(p)) {
			struct rtnl_addr *ad = (struct rtnl_addr *)p;
			struct nl_addr *local = rtnl_addr_get_local(ad);

			if (rtnl_addr_get_ifindex(ad) != ifindex || !local ||
			    link_local(local))
				continue;
			json_array_append_new(
				as, json_text(nl_addr2str(local, buf,
							  sizeof(buf))));
		}
		json_array_append_new(
			a, json_pack("{s:o, s:i, s:b, s:o}", "name",
				     json_text(rtnl_link_get_name(l)), "mtu",
				     (int)rtnl_link_get_mtu(l), "up",
				     (rtnl_link_get_flags(l) & IFF_UP) != 0,
				     "addrs", as));
	}
	return a;
}

static json_t *routes(struct nl_cache *links, struct nl_cache *rts)
{
	json_t *a = json_array(), *r;
	struct nl_object *o;
	char buf[128];

	for (o = nl_cache_get_first(rts); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		struct nl_addr *dst = rtnl_route_get_dst(rt);
		struct rtnl_nexthop *nh;

		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
		    link_local(dst) ||
		    (rtnl_route_get_type(rt) != RTN_UNICAST &&
		     rtnl_route_get_type(rt) != RTN_UNREACHABLE &&
		     rtnl_route_get_type(rt) != RTN_PROHIBIT &&
		     rtnl_route_get_type(rt) != RTN_BLACKHOLE))
			continue;
		/* A multicast prefix the kernel adds with IPv6 (ff00::/8). */
		if (dst && nl_addr_get_family(dst) == AF_INET6 &&
		    nl_addr_get_len(dst) > 0 &&
		    ((const unsigned char *)nl_addr_get_binary_addr(dst))[0] ==
			    0xff)
			continue;
		r = json_object();
		if (!dst || nl_addr_get_prefixlen(dst) == 0)
			json_object_set_new(r, "dst", json_text("default"));
		else
			json_object_set_new(
				r, "dst",
				json_text(nl_addr2str(dst, buf, sizeof(buf))));
		nh = rtnl_route_get_nnexthops(rt) > 0
			     ? rtnl_route_nexthop_n(rt, 0)
			     : NULL;
		if (nh && rtnl_route_nh_get_gateway(nh))
			json_object_set_new(
				r, "via",
				json_text(nl_addr2str(
					rtnl_route_nh_get_gateway(nh), buf,
					sizeof(buf))));
		if (nh && rtnl_route_nh_get_ifindex(nh) > 0 &&
		    rtnl_link_i2name(links, rtnl_route_nh_get_ifindex(nh), buf,
				     sizeof(buf)))
			json_object_set_new(r, "dev", json_text(buf));
		json_object_set_new(
			r, "type",
			json_text(nl_rtntype2str(rtnl_route_get_type(rt), buf,
						 sizeof(buf))));
		json_array_append_new(a, r);
	}
	return a;
}

/* The node's nftables ruleset as nft prints it; "" when it has none. */
static int ruleset(json_t *node, const char *name, char *err, size_t errlen)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *out;

	if (!ctx || nft_ctx_buffer_output(ctx) < 0 ||
	    nft_ctx_buffer_error(ctx) < 0) {
		snprintf(err, errlen, "%s: nftables context: failed", name);
		if (ctx)
			nft_ctx_free(ctx);
		return -1;
	}
	if (nft_run_cmd_from_buffer(ctx, "list ruleset") != 0) {
		out = nft_ctx_get_error_buffer(ctx);
		snprintf(err, errlen, "%s: nft list ruleset: %s", name,
			 out && *out ? out : "failed without a message");
		nft_ctx_free(ctx);
		return -1;
	}
	out = nft_ctx_get_output_buffer(ctx);
	if (out && *out)
		json_object_set_new(node, "nft", json_text(out));
	nft_ctx_free(ctx);
	return 0;
}

/* One node, read in its namespace (the caller entered it). */
static json_t *node_dump(const char *name, bool nft, char *err, size_t errlen)
{
	struct nl_cache *links = NULL, *addrs = NULL, *rts = NULL;
	struct nl_sock *sk = nl_socket_alloc();
	json_t *node = NULL;
	int e = 0;

	if (!sk) {
		snprintf(err, errlen, "%s: netlink socket: out of memory",
			 name);
		return NULL;
	}
	if ((e = nl_connect(sk, NETLINK_ROUTE)) < 0 ||
	    (e = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links)) < 0 ||
	    (e = rtnl_addr_alloc_cache(sk, &addrs)) < 0 ||
	    (e = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &rts)) < 0) {
		snprintf(err, errlen, "%s: reading the topology back: %s", name,
			 nl_geterror(e));
		goto out;
	}
	node = json_pack("{s:s, s:o, s:o}", "node", name, "interfaces",
			 interfaces(links, addrs), "routes",
			 routes(links, rts));
	if (node && nft && ruleset(node, name, err, errlen) < 0) {
		json_decref(node);
		node = NULL;
	}
out:
	if (rts)
		nl_cache_free(rts);
	if (addrs)
		nl_cache_free(addrs);
	if (links)
		nl_cache_free(links);
	nl_socket_free(sk);
	return node;
}

/* Each node as every new topology reads back (topo_build makes them all
 * alike), from the first whose fault left it alone: reading a node costs
 * three netlink dumps, and most faults change one node or none. Held for
 * the process's life; a worker runs its cases in one thread, and the lock
 * keeps any other caller right. */
static struct {
	pthread_mutex_t mu;
	json_t *node[NODE_MAX];
} pristine = {PTHREAD_MUTEX_INITIALIZER, {NULL}};

json_t *topo_dump(const struct topo *t, char *err, size_t errlen)
{
	json_t *nodes = json_array(), *n;
	int i;

	for (i = 0; i < NODE_MAX; i++) {
		bool same = !(t->changed & (1u << i));

		if (same) {
			pthread_mutex_lock(&pristine.mu);
			n = json_deep_copy(pristine.node[i]);
			pthread_mutex_unlock(&pristine.mu);
			if (n) {
				json_array_append_new(nodes, n);
				continue;
			}
		}
		if (topo_enter(t, (enum topo_node)i, err, errlen) < 0)
			goto fail;
		n = node_dump(topo_node_name((enum topo_node)i),
			      t->nft_nodes & (1u << i), err, errlen);
		if (topo_leave(t, err, errlen) < 0 || !n) {
			json_decref(n);
			goto fail;
		}
		if (same) {
			pthread_mutex_lock(&pristine.mu);
			if (!pristine.node[i])
				pristine.node[i] = json_deep_copy(n);
			pthread_mutex_unlock(&pristine.mu);
		}
		json_array_append_new(nodes, n);
	}
	return json_pack("{s:o}", "nodes", nodes);
fail:
	json_decref(nodes);
	return NULL;
}
