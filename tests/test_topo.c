/* Tests for harness/topo.c: the three-namespace topology. They need root
 * (CAP_SYS_ADMIN for unshare, CAP_NET_ADMIN inside); without it every test
 * says why and is skipped. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/rtnetlink.h>
#include <nftables/libnftables.h>

#include <cmocka.h>

#include "../harness/topo.h"
#include "../harness/topodump.h"

static const char *skip_reason; /* NULL when the tests can run */
static char skip_buf[128];

/* Decided once: root, and unshare(CLONE_NEWNET) allowed (it is not in
 * some containers). The attempt runs in a child so that this process's
 * namespace is not touched. */
static void decide_skip(void)
{
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		skip_reason = "needs root (unshare and netlink in namespaces)";
		return;
	}
	pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : (errno & 0x7f));
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		skip_reason = "could not test unshare(CLONE_NEWNET) in a child";
		return;
	}
	if (WEXITSTATUS(status) != 0) {
		snprintf(skip_buf, sizeof(skip_buf),
			 "unshare(CLONE_NEWNET) not allowed here: %s",
			 strerror(WEXITSTATUS(status)));
		skip_reason = skip_buf;
	}
}

#define SKIP_UNLESS_PRIVILEGED()                                               \
	do {                                                                   \
		if (skip_reason) {                                             \
			print_message("skipped: %s\n", skip_reason);           \
			skip();                                                \
		}                                                              \
	} while (0)

static ino_t ns_ino_of_fd(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_ino;
}

static ino_t current_ns_ino(void)
{
	struct stat st;

	assert_int_equal(stat("/proc/thread-self/ns/net", &st), 0);
	return st.st_ino;
}

/* Every topo function must leave the thread at home, errors included. */
static void assert_at_home(const struct topo *t)
{
	assert_true(current_ns_ino() == ns_ino_of_fd(t->home));
}

static int setup_topo(void **state)
{
	static struct topo t;
	char err[256];

	*state = NULL;
	if (skip_reason)
		return 0;
	if (topo_build(&t, err, sizeof(err)) < 0) {
		print_error("topo_build: %s\n", err);
		return -1;
	}
	*state = &t;
	return 0;
}

static int teardown_topo(void **state)
{
	if (*state)
		topo_destroy(*state);
	return 0;
}

/* Reads /proc/sys/<path> inside node, without the trailing newline. */
static void read_sysctl(const struct topo *t, enum topo_node node,
			const char *path, char *out, size_t outlen)
{
	char file[256], err[256];
	ssize_t n;
	int fd;

	snprintf(file, sizeof(file), "/proc/sys/%s", path);
	assert_int_equal(topo_enter(t, node, err, sizeof(err)), 0);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, out, outlen - 1);
	if (fd >= 0)
		close(fd);
	assert_int_equal(topo_leave(t, err, sizeof(err)), 0);
	if (n < 0)
		fail_msg("%s: %s: %s", topo_node_name(node), file,
			 strerror(errno));
	out[n] = '\0';
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
}

/* A UDP socket made inside node (it stays in that namespace). */
static int udp_socket_in(const struct topo *t, enum topo_node node, int family)
{
	char err[256];
	int fd;

	assert_int_equal(topo_enter(t, node, err, sizeof(err)), 0);
	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(topo_leave(t, err, sizeof(err)), 0);
	assert_true(fd >= 0);
	return fd;
}

/* The source address the node's routing picks toward dst, or -errno from
 * connect(). */
static int source_for(const struct topo *t, enum topo_node node,
		      const struct ipaddr *dst, struct ipaddr *src)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, rc = 0;

	fd = udp_socket_in(t, node, dst->family);
	len = addr_to_sockaddr(dst, 9, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		rc = -errno;
	} else {
		len = sizeof(ss);
		assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len),
				 0);
		assert_int_equal(
			addr_from_sockaddr((struct sockaddr *)&ss, src, NULL),
			0);
	}
	close(fd);
	return rc;
}

static void test_client_routes_through_router(void **state)
{
	const struct topo *t = *state;
	struct ipaddr src;
	char a[ADDR_STRLEN];
	int fam;

	SKIP_UNLESS_PRIVILEGED();
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		assert_int_equal(
			source_for(t, NODE_CLIENT,
				   topo_addr(t, NODE_SERVER, family, 1), &src),
			0);
		if (!addr_eq(&src, topo_addr(t, NODE_CLIENT, family, 0)))
			fail_msg("client source toward server is %s",
				 addr_str(&src, a));
	}
	/* 192.0.2.0/24 is routed by the client, to the router. */
	assert_int_equal(addr_parse("192.0.2.7", &src), 0);
	assert_int_equal(source_for(t, NODE_CLIENT, &src, &src), 0);
	assert_true(addr_eq(&src, &t->client4));
	assert_true(t->client_ifindex > 0);
	assert_at_home(t);
}

static void udp_client_to_server(const struct topo *t, int family)
{
	static const char payload[] = "icmplab topo test";
	struct sockaddr_storage ss, from;
	struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
	struct ipaddr src;
	socklen_t len, fromlen = sizeof(from);
	char buf[64], a[ADDR_STRLEN];
	int rx, tx;
	ssize_t n;

	rx = udp_socket_in(t, NODE_SERVER, family);
	assert_int_equal(
		setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	len = addr_to_sockaddr(topo_addr(t, NODE_SERVER, family, 1), 40000,
			       &ss);
	assert_int_equal(bind(rx, (struct sockaddr *)&ss, len), 0);

	tx = udp_socket_in(t, NODE_CLIENT, family);
	assert_int_equal(sendto(tx, payload, sizeof(payload), 0,
				(struct sockaddr *)&ss, len),
			 (ssize_t)sizeof(payload));

	n = recvfrom(rx, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		     &fromlen);
	if (n < 0)
		fail_msg("server did not receive the datagram: %s",
			 strerror(errno));
	assert_int_equal(n, (ssize_t)sizeof(payload));
	assert_memory_equal(buf, payload, sizeof(payload));
	assert_int_equal(
		addr_from_sockaddr((struct sockaddr *)&from, &src, NULL), 0);
	if (!addr_eq(&src, topo_addr(t, NODE_CLIENT, family, 0)))
		fail_msg("datagram came from %s", addr_str(&src, a));
	close(tx);
	close(rx);
}

static void test_udp_v4_reaches_server(void **state)
{
	SKIP_UNLESS_PRIVILEGED();
	udp_client_to_server(*state, AF_INET);
}

static void test_udp_v6_reaches_server(void **state)
{
	SKIP_UNLESS_PRIVILEGED();
	udp_client_to_server(*state, AF_INET6);
}

/* The interface names of the calling thread's namespace, one per line,
 * from /proc/thread-self/net/dev (counters dropped: they move). */
static void home_links(char *out, size_t outlen)
{
	char line[512];
	size_t used = 0;
	FILE *f;

	f = fopen("/proc/thread-self/net/dev", "r");
	assert_non_null(f);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		char *name = line;
		int n;

		if (!colon)
			continue; /* the two header lines */
		*colon = '\0';
		while (*name == ' ')
			name++;
		n = snprintf(out + used, outlen - used, "%s\n", name);
		assert_true(n > 0 && (size_t)n < outlen - used);
		used += (size_t)n;
	}
	fclose(f);
}

static void test_home_links_unchanged(void **state)
{
	static char before[8192], during[8192], after[8192];
	struct topo t;
	char err[256];

	(void)state;
	SKIP_UNLESS_PRIVILEGED();
	home_links(before, sizeof(before));
	assert_int_equal(topo_build(&t, err, sizeof(err)), 0);
	assert_at_home(&t);
	home_links(during, sizeof(during));
	topo_destroy(&t);
	home_links(after, sizeof(after));
	assert_string_equal(during, before);
	assert_string_equal(after, before);
	/* And none of ours is visible here. */
	assert_int_equal(if_nametoindex(TOPO_ROUTER_CIF), 0);
	assert_int_equal(if_nametoindex(TOPO_CLIENT_IF), 0);
}

static void test_settings(void **state)
{
	static const struct {
		enum topo_node node;
		const char *name;
	} ends[] = {{NODE_CLIENT, TOPO_CLIENT_IF},
		    {NODE_ROUTER, TOPO_ROUTER_CIF},
		    {NODE_ROUTER, TOPO_ROUTER_SIF},
		    {NODE_SERVER, TOPO_SERVER_IF}};
	static const char *const per_link[][2] = {
		{"ipv4", "rp_filter"},	      {"ipv4", "accept_redirects"},
		{"ipv6", "accept_redirects"}, {"ipv6", "accept_dad"},
		{"ipv6", "accept_ra"}};
	const struct topo *t = *state;
	char v[128], path[128];
	int i, k;

	SKIP_UNLESS_PRIVILEGED();
	read_sysctl(t, NODE_ROUTER, "net/ipv4/ip_forward", v, sizeof(v));
	assert_string_equal(v, "1");
	read_sysctl(t, NODE_CLIENT, "net/ipv4/ip_forward", v, sizeof(v));
	assert_string_equal(v, "0");
	read_sysctl(t, NODE_SERVER, "net/ipv4/ip_forward", v, sizeof(v));
	assert_string_equal(v, "0");
	read_sysctl(t, NODE_ROUTER, "net/ipv6/conf/all/forwarding", v,
		    sizeof(v));
	assert_string_equal(v, "1");
	read_sysctl(t, NODE_CLIENT, "net/ipv6/conf/c0/forwarding", v,
		    sizeof(v));
	assert_string_equal(v, "0");
	/* ip_forward resets accept_redirects when it changes; ours wins. */
	read_sysctl(t, NODE_CLIENT, "net/ipv4/conf/all/accept_redirects", v,
		    sizeof(v));
	assert_string_equal(v, "0");
	read_sysctl(t, NODE_CLIENT, "net/ipv4/conf/c0/rp_filter", v, sizeof(v));
	assert_string_equal(v, "0");
	read_sysctl(t, NODE_ROUTER, "net/ipv6/conf/rs/accept_dad", v,
		    sizeof(v));
	assert_string_equal(v, "0");
	/* Every veth end has each per-link setting, whether written for
	 * the link or inherited from conf/default when it was made. */
	for (i = 0; i < 4; i++)
		for (k = 0; k < 5; k++) {
			snprintf(path, sizeof(path), "net/%s/conf/%s/%s",
				 per_link[k][0], ends[i].name, per_link[k][1]);
			read_sysctl(t, ends[i].node, path, v, sizeof(v));
			if (strcmp(v, "0") != 0)
				fail_msg("%s: %s is %s", topo_node_name(ends[i].node),
					 path, v);
		}
	read_sysctl(t, NODE_ROUTER, "net/ipv4/icmp_ratelimit", v, sizeof(v));
	assert_string_equal(v, "0");
	read_sysctl(t, NODE_SERVER, "net/ipv4/icmp_ratemask", v, sizeof(v));
	assert_string_equal(v, "0");
	read_sysctl(t, NODE_SERVER, "net/ipv6/icmp/ratelimit", v, sizeof(v));
	assert_string_equal(v, "0");
	if (access("/proc/sys/net/ipv6/icmp/ratemask", F_OK) == 0) {
		read_sysctl(t, NODE_ROUTER, "net/ipv6/icmp/ratemask", v,
			    sizeof(v));
		assert_string_equal(v, "");
	}
	read_sysctl(t, NODE_CLIENT, "net/ipv4/ping_group_range", v, sizeof(v));
	assert_string_equal(v, "0\t2147483647");
	assert_at_home(t);
}

static void test_sysctl_write_and_errors(void **state)
{
	const struct topo *t = *state;
	char v[64], err[256];

	SKIP_UNLESS_PRIVILEGED();
	assert_int_equal(topo_sysctl(t, NODE_SERVER, "net/ipv4/ip_default_ttl",
				     "7", err, sizeof(err)),
			 0);
	read_sysctl(t, NODE_SERVER, "net/ipv4/ip_default_ttl", v, sizeof(v));
	assert_string_equal(v, "7");
	read_sysctl(t, NODE_CLIENT, "net/ipv4/ip_default_ttl", v, sizeof(v));
	assert_string_not_equal(v, "7");

	err[0] = '\0';
	assert_int_equal(topo_sysctl(t, NODE_ROUTER, "net/ipv4/no_such_knob",
				     "1", err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "net/ipv4/no_such_knob"));
	assert_non_null(strstr(err, "router"));
	assert_at_home(t);
	assert_int_equal(topo_sysctl(t, NODE_MAX, "net/ipv4/ip_forward", "1",
				     err, sizeof(err)),
			 -1);
	assert_at_home(t);
}

/* Runs script in the calling thread's own namespace: only "list", so
 * nothing here is changed. 0 if nft succeeded. */
static int nft_here(const char *script)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	int rc;

	assert_non_null(ctx);
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	rc = nft_run_cmd_from_buffer(ctx, script);
	nft_ctx_free(ctx);
	return rc;
}

static void test_nft_stays_in_node(void **state)
{
	struct topo *t = *state;
	char err[512];

	SKIP_UNLESS_PRIVILEGED();
	if (topo_nft(t, NODE_ROUTER,
		     "add table inet icmplab_topo_test\n"
		     "add chain inet icmplab_topo_test chk { type filter hook "
		     "forward priority 0; }\n",
		     err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_at_home(t);
	assert_int_equal(topo_nft(t, NODE_ROUTER,
				  "list table inet icmplab_topo_test", err,
				  sizeof(err)),
			 0);
	/* Not in the client, not at home. */
	assert_int_equal(topo_nft(t, NODE_CLIENT,
				  "list table inet icmplab_topo_test", err,
				  sizeof(err)),
			 -1);
	assert_int_not_equal(nft_here("list table inet icmplab_topo_test"), 0);

	err[0] = '\0';
	assert_int_equal(
		topo_nft(t, NODE_ROUTER, "add tabel inet x", err, sizeof(err)),
		-1);
	assert_non_null(strstr(err, "router: nft: "));
	assert_true(strlen(err) > strlen("router: nft: "));
	assert_at_home(t);
}

static void test_destroy_closes_fds(void **state)
{
	struct topo t, z;
	char err[256];
	int fds[NODE_MAX + 1], i, stdin_open;

	(void)state;
	SKIP_UNLESS_PRIVILEGED();
	assert_int_equal(topo_build(&t, err, sizeof(err)), 0);
	for (i = 0; i < NODE_MAX; i++) {
		fds[i] = t.ns[i];
		assert_true(fds[i] > 2);
		assert_true(fcntl(fds[i], F_GETFD) & FD_CLOEXEC);
	}
	fds[NODE_MAX] = t.home;
	/* A thread left inside a node is brought home by destroy. */
	assert_int_equal(topo_enter(&t, NODE_ROUTER, err, sizeof(err)), 0);
	topo_destroy(&t);
	for (i = 0; i <= NODE_MAX; i++) {
		errno = 0;
		assert_int_equal(fcntl(fds[i], F_GETFD), -1);
		assert_int_equal(errno, EBADF);
	}
	for (i = 0; i < NODE_MAX; i++)
		assert_int_equal(t.ns[i], -1);
	assert_int_equal(t.home, -1);
	assert_int_not_equal(if_nametoindex("lo"), 0);
	assert_int_equal(if_nametoindex(TOPO_ROUTER_CIF), 0);

	/* Twice, and on a zeroed topo: fd 0 is left alone. */
	topo_destroy(&t);
	stdin_open = fcntl(0, F_GETFD) >= 0;
	memset(&z, 0, sizeof(z));
	topo_destroy(&z);
	assert_int_equal(fcntl(0, F_GETFD) >= 0, stdin_open);
	assert_int_equal(topo_enter(&t, NODE_CLIENT, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "client"));
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int open_fds(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(dir);
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

/* Also checks that building and destroying leaks no descriptor (netlink
 * sockets, namespace fds). */
static void test_twenty_builds(void **state)
{
	enum { ROUNDS = 20 };
	struct topo t;
	char err[256];
	double total = 0, worst = 0, t0, dt;
	int i, fds_before;

	(void)state;
	SKIP_UNLESS_PRIVILEGED();
	fds_before = open_fds();
	for (i = 0; i < ROUNDS; i++) {
		t0 = now_ms();
		if (topo_build(&t, err, sizeof(err)) < 0)
			fail_msg("build %d: %s", i, err);
		dt = now_ms() - t0;
		total += dt;
		if (dt > worst)
			worst = dt;
		assert_at_home(&t);
		topo_destroy(&t);
	}
	assert_int_equal(open_fds(), fds_before);
	print_message("topo_build: mean %.2f ms, worst %.2f ms over %d\n",
		      total / ROUNDS, worst, ROUNDS);
}

/* Each route type, added in the router, decides what connect() there
 * returns for an address inside it. */
static const struct {
	const char *prefix;
	int type;
	const char *dst;
	int expect; /* -errno from connect, or 0 */
} route_cases[] = {
	{"192.0.2.0/26", RTN_UNREACHABLE, "192.0.2.1", -EHOSTUNREACH},
	{"192.0.2.64/26", RTN_PROHIBIT, "192.0.2.65", -EACCES},
	{"192.0.2.128/26", RTN_BLACKHOLE, "192.0.2.129", -EINVAL},
	{"192.0.2.192/26", RTN_UNICAST, "192.0.2.193", 0},
	{"2001:db8:3:1::/64", RTN_UNREACHABLE, "2001:db8:3:1::1",
	 -EHOSTUNREACH},
	{"2001:db8:3:2::/64", RTN_PROHIBIT, "2001:db8:3:2::1", -EACCES},
	{"2001:db8:3:3::/64", RTN_BLACKHOLE, "2001:db8:3:3::1", -EINVAL},
	{"2001:db8:3:4::/64", RTN_UNICAST, "2001:db8:3:4::1", 0},
	{NULL, 0, NULL, 0},
};

static void test_add_route_types(void **state)
{
	struct topo *t = *state;
	struct ipaddr dst, src;
	char err[256];
	int i;

	SKIP_UNLESS_PRIVILEGED();
	assert_int_equal(addr_parse("192.0.2.1", &dst), 0);
	/* Before: the router has no route at all to 192.0.2.0/24. */
	assert_int_equal(source_for(t, NODE_ROUTER, &dst, &src), -ENETUNREACH);
	for (i = 0; route_cases[i].prefix; i++) {
		const struct ipaddr *gw = NULL;
		int rc;

		assert_int_equal(addr_parse(route_cases[i].dst, &dst), 0);
		if (route_cases[i].type == RTN_UNICAST)
			gw = topo_addr(t, NODE_SERVER, dst.family, 1);
		if (topo_add_route(t, NODE_ROUTER, route_cases[i].prefix,
				   route_cases[i].type, gw, err,
				   sizeof(err)) < 0)
			fail_msg("%s", err);
		assert_at_home(t);
		rc = source_for(t, NODE_ROUTER, &dst, &src);
		if (rc != route_cases[i].expect)
			fail_msg("%s: connect gave %s, expected %s",
				 route_cases[i].prefix, strerror(-rc),
				 strerror(-route_cases[i].expect));
		if (rc == 0)
			assert_true(addr_eq(&src, topo_addr(t, NODE_ROUTER,
							    dst.family, 1)));
	}
}

static void test_add_route_rejects(void **state)
{
	struct topo *t = *state;
	struct ipaddr gw4 = t ? t->router_c4 : (struct ipaddr){0};
	char err[256];

	SKIP_UNLESS_PRIVILEGED();
	/* Already there: the client's own route to the server side. */
	assert_int_equal(topo_add_route(t, NODE_CLIENT, "203.0.113.0/24",
					RTN_UNICAST, &gw4, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "203.0.113.0/24"));
	assert_int_equal(topo_add_route(t, NODE_CLIENT, "192.0.2.1/24",
					RTN_UNREACHABLE, NULL, err,
					sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "host bits"));
	assert_int_equal(topo_add_route(t, NODE_CLIENT, "192.0.2.0/24",
					RTN_UNICAST, NULL, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "gateway"));
	assert_int_equal(topo_add_route(t, NODE_CLIENT, "192.0.2.0/25",
					RTN_BLACKHOLE, &gw4, err, sizeof(err)),
			 -1);
	assert_int_equal(topo_add_route(t, NODE_CLIENT, "2001:db8:9::/64",
					RTN_UNICAST, &gw4, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "family"));
	assert_int_equal(topo_add_route(t, NODE_CLIENT, "192.0.2.0/25",
					RTN_LOCAL, NULL, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "not supported"));
	assert_int_equal(topo_add_route(t, NODE_CLIENT, "not-a-prefix",
					RTN_BLACKHOLE, NULL, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "not-a-prefix"));
	assert_at_home(t);
}

static unsigned mtu_in(const struct topo *t, enum topo_node node,
		       const char *ifname)
{
	struct ifreq ifr;
	int fd = udp_socket_in(t, node, AF_INET);

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	assert_int_equal(ioctl(fd, SIOCGIFMTU, &ifr), 0);
	close(fd);
	return (unsigned)ifr.ifr_mtu;
}

static void test_set_mtu(void **state)
{
	struct topo *t = *state;
	char err[256];

	SKIP_UNLESS_PRIVILEGED();
	assert_int_equal(mtu_in(t, NODE_ROUTER, TOPO_ROUTER_SIF), 1500);
	assert_int_equal(topo_set_mtu(t, NODE_ROUTER, TOPO_ROUTER_SIF, 1280,
				      err, sizeof(err)),
			 0);
	assert_int_equal(mtu_in(t, NODE_ROUTER, TOPO_ROUTER_SIF), 1280);
	assert_int_equal(mtu_in(t, NODE_ROUTER, TOPO_ROUTER_CIF), 1500);
	assert_int_equal(
		topo_set_mtu(t, NODE_ROUTER, "nope0", 1280, err, sizeof(err)),
		-1);
	assert_non_null(strstr(err, "nope0"));
	assert_int_equal(topo_set_mtu(t, NODE_ROUTER, TOPO_ROUTER_SIF, 10, err,
				      sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "mtu 10"));
	assert_at_home(t);
}

static void test_addr_helper(void **state)
{
	const struct topo *t = *state;
	struct ipaddr a;

	SKIP_UNLESS_PRIVILEGED();
	assert_int_equal(addr_parse("203.0.113.1", &a), 0);
	assert_true(addr_eq(topo_addr(t, NODE_ROUTER, AF_INET, 1), &a));
	assert_int_equal(addr_parse("2001:db8:1::1", &a), 0);
	assert_true(addr_eq(topo_addr(t, NODE_ROUTER, AF_INET6, 0), &a));
	assert_int_equal(addr_parse("2001:db8:2::2", &a), 0);
	assert_true(addr_eq(topo_addr(t, NODE_SERVER, AF_INET6, 0), &a));
	assert_null(topo_addr(t, NODE_CLIENT, AF_UNIX, 0));
	assert_null(topo_addr(t, NODE_MAX, AF_INET, 0));
	assert_string_equal(topo_node_name(NODE_SERVER), "server");
	assert_string_equal(topo_node_name(NODE_MAX), "?");
}

/* topo_dump reads a node the fault left alone as the first such node
 * read in this process: here, against reading every node of a second
 * topology, one of whose nodes (the router) is changed. The router's new
 * route shows; the others are equal, read or not. */
static void test_dump_unchanged_nodes(void **state)
{
	struct topo *t = *state, u;
	json_t *first, *cached, *full, *routes, *r;
	char err[256], *a, *b;
	size_t i;
	bool found = false;

	SKIP_UNLESS_PRIVILEGED();
	first = topo_dump(t, err, sizeof(err));
	if (!first)
		fail_msg("%s", err);
	if (topo_build(&u, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(topo_add_route(&u, NODE_ROUTER, "192.0.2.0/25",
					RTN_BLACKHOLE, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(u.changed, 1u << NODE_ROUTER);
	cached = topo_dump(&u, err, sizeof(err));
	u.changed = (1u << NODE_MAX) - 1;
	full = topo_dump(&u, err, sizeof(err));
	topo_destroy(&u);
	if (!cached || !full)
		fail_msg("%s", err);
	a = json_dumps(cached, JSON_SORT_KEYS);
	b = json_dumps(full, JSON_SORT_KEYS);
	assert_string_equal(a, b);
	free(a);
	free(b);
	routes = json_object_get(
		json_array_get(json_object_get(full, "nodes"), NODE_ROUTER),
		"routes");
	json_array_foreach(routes, i, r)
		found |= strcmp(json_string_value(json_object_get(r, "dst")),
				"192.0.2.0/25") == 0;
	assert_true(found);
	/* The client of the first topology, read, is the client of the
	 * second, not read. */
	assert_true(json_equal(
		json_array_get(json_object_get(first, "nodes"), NODE_CLIENT),
		json_array_get(json_object_get(cached, "nodes"), NODE_CLIENT)));
	json_decref(first);
	json_decref(cached);
	json_decref(full);
}

#define TOPO_TEST(f)                                                           \
	cmocka_unit_test_setup_teardown(f, setup_topo, teardown_topo)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TOPO_TEST(test_client_routes_through_router),
		TOPO_TEST(test_udp_v4_reaches_server),
		TOPO_TEST(test_udp_v6_reaches_server),
		cmocka_unit_test(test_home_links_unchanged),
		TOPO_TEST(test_settings),
		TOPO_TEST(test_sysctl_write_and_errors),
		TOPO_TEST(test_nft_stays_in_node),
		cmocka_unit_test(test_destroy_closes_fds),
		cmocka_unit_test(test_twenty_builds),
		TOPO_TEST(test_add_route_types),
		TOPO_TEST(test_add_route_rejects),
		TOPO_TEST(test_set_mtu),
		TOPO_TEST(test_addr_helper),
		TOPO_TEST(test_dump_unchanged_nodes),
	};

	decide_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
