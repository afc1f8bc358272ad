/* The topology of a case as it really is once the fault is set up, read
 * back from the kernel (route netlink, nftables), for the results document's
 * per-case "topology" object (docs/results.md): what `icmplab show` and the
 * HTML report draw. Read back rather than restated, so that a fault that
 * changes an MTU, adds a route or a firewall rule shows what it did. */
#ifndef ICMPLAB_TOPODUMP_H
#define ICMPLAB_TOPODUMP_H

#include <stddef.h>

#include <jansson.h>

#include "topo.h"

/* {"nodes": [NODE, ...]} for client, router and server in that order, each
 * NODE {"node", "interfaces": [{"name", "mtu", "up", "addrs": ["A/LEN"]}],
 * "routes": [{"dst", "via", "dev", "type"}], "nft": "ruleset text"} (nft
 * only when the node has a ruleset; a node that topo_nft never touched
 * has none, being new, and is not asked). Loopbacks, link-local addresses and
 * their routes are left out. A node that the fault left alone (not in
 * t->changed) is not read again: it is as the first such node this
 * process read. The caller must be in its home namespace; it is again on
 * return. New reference, or NULL with err. */
json_t *topo_dump(const struct topo *t, char *err, size_t errlen);

#endif
