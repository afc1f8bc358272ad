/* What a run needs of this machine, checked before anything else runs:
 * see privilege.h. An ordinary user becomes root of a user namespace of
 * its own (unshare -Ur, in this process: no exec), where the network
 * namespaces a case creates belong to it and its capabilities hold. */
#include "privilege.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if_ether.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "topo.h"

/* The capabilities a run uses, each with what for. */
static const struct {
	int cap;
	const char *name;
	const char *use;
} needed_caps[] = {
	{CAP_SYS_ADMIN, "CAP_SYS_ADMIN", "to create namespaces"},
	{CAP_NET_ADMIN, "CAP_NET_ADMIN", "to build the topology"},
	{CAP_NET_RAW, "CAP_NET_RAW", "to capture and to open raw sockets"},
};

/* Names the needed capabilities missing from the effective set into buf
 * ("CAP_NET_RAW (to capture ...)"; empty: none missing). */
static void missing_caps(char *buf, size_t len)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	size_t i, n = 0;

	buf[0] = '\0';
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0) {
		snprintf(buf, len, "capget: %s", strerror(errno));
		return;
	}
	for (i = 0; i < sizeof(needed_caps) / sizeof(needed_caps[0]); i++) {
		int c = needed_caps[i].cap;

		if (d[c / 32].effective & (1u << (c % 32)))
			continue;
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s (%s)",
					      n ? ", " : "", needed_caps[i].name,
					      needed_caps[i].use);
	}
}

/* In a throwaway child: what a case does first, in namespaces of its own
 * (a network namespace with a packet socket and the suite's sysctls, a
 * mount and a PID namespace for commands). Writes the first failure to
 * fd and exits 1; exits 0 when all worked. */
_Noreturn static void try_namespaces(int fd)
{
	char err[512];
	int s;

	if (unshare(CLONE_NEWNET) < 0) {
		dprintf(fd, "unshare(CLONE_NEWNET): %s (no CONFIG_NET_NS, or "
			    "a container without CAP_SYS_ADMIN)",
			strerror(errno));
		_exit(1);
	}
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (s < 0) {
		dprintf(fd, "no packet socket in a new network namespace: %s "
			    "(the capture needs CAP_NET_RAW)",
			strerror(errno));
		_exit(1);
	}
	close(s);
	if (topo_check_sysctls(err, sizeof(err)) < 0) {
		dprintf(fd, "cannot set the namespace sysctls the suite needs: "
			    "%s",
			err);
		_exit(1);
	}
	if (unshare(CLONE_NEWNS | CLONE_NEWPID) < 0) {
		dprintf(fd, "unshare(CLONE_NEWNS|CLONE_NEWPID): %s (commands "
			    "run in mount and PID namespaces of their own)",
			strerror(errno));
		_exit(1);
	}
	_exit(0);
}

/* Writes text to a /proc/self file; 0 or -1 with errno. */
static int put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int e;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	e = errno;
	if (close(fd) < 0 && n >= 0)
		return -1;
	errno = e;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

int privilege_user_ns(int flags, char *err, size_t len)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	if (unshare(CLONE_NEWUSER | flags) < 0) {
		snprintf(err, len, "unshare(CLONE_NEWUSER): %s",
			 strerror(errno));
		return -1;
	}
	/* Only its own user and group: all a process may map without
	 * CAP_SETUID in the parent namespace; setgroups must be denied
	 * before such a gid_map. */
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (put("/proc/self/uid_map", map) < 0) {
		snprintf(err, len, "/proc/self/uid_map: %s", strerror(errno));
		return -1;
	}
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (put("/proc/self/setgroups", "deny") < 0 ||
	    put("/proc/self/gid_map", map) < 0) {
		snprintf(err, len, "/proc/self/gid_map: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Makes this process root of a new user namespace of its own; 1 with msg
 * saying so, or -1 with msg saying what is missing. */
static int enter_user_namespace(char *msg, size_t len)
{
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
	char why[256];

	if (privilege_user_ns(0, why, sizeof(why)) < 0) {
		if (strncmp(why, "unshare", 7) == 0)
			snprintf(msg, len,
				 "not root, and no user namespace for an "
				 "ordinary user here: %s (user."
				 "max_user_namespaces is 0, or unprivileged "
				 "user namespaces are turned off); run as "
				 "root",
				 why);
		else
			snprintf(msg, len,
				 "not root, and cannot map this user in a "
				 "user namespace: %s",
				 why);
		return -1;
	}
	snprintf(msg, len, "not root: running as root of a user namespace "
			   "of its own (uid %u, gid %u outside)",
		 uid, gid);
	return 1;
}

int privilege_start(struct privilege_check *pc, char *msg, size_t len)
{
	char why[1024];
	int p[2];

	msg[0] = '\0';
	pc->pid = -1;
	pc->fd = -1;
	pc->entered = 0;
	/* Not root: a user namespace; root without a capability stays
	 * refused (an administrator took it away on purpose). */
	if (geteuid() != 0) {
		pc->entered = enter_user_namespace(msg, len);
		if (pc->entered < 0)
			return -1;
		snprintf(pc->entered_msg, sizeof(pc->entered_msg), "%s", msg);
	}
	missing_caps(why, sizeof(why));
	if (why[0]) {
		snprintf(msg, len, "root without %s; run as root with these "
				   "capabilities",
			 why);
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(msg, len, "cannot run here: pipe: %s",
			 strerror(errno));
		return -1;
	}
	pc->pid = fork();
	if (pc->pid == 0) {
		close(p[0]);
		try_namespaces(p[1]);
	}
	close(p[1]);
	if (pc->pid < 0) {
		close(p[0]);
		snprintf(msg, len, "cannot run here: fork: %s",
			 strerror(errno));
		return -1;
	}
	pc->fd = p[0];
	return 0;
}

int privilege_finish(struct privilege_check *pc, char *msg, size_t len)
{
	char why[1024];
	int status;
	ssize_t n;

	if (pc->pid <= 0)
		return -1;
	do
		n = read(pc->fd, why, sizeof(why) - 1);
	while (n < 0 && errno == EINTR);
	why[n > 0 ? n : 0] = '\0';
	close(pc->fd);
	pc->fd = -1;
	while (waitpid(pc->pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	pc->pid = -1;
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(msg, len, "cannot run here: %s",
			 why[0] ? why : "the namespace check did not finish");
		return -1;
	}
	if (pc->entered)
		snprintf(msg, len, "%s", pc->entered_msg);
	return pc->entered;
}

int privilege_require(char *msg, size_t len)
{
	struct privilege_check pc;

	if (privilege_start(&pc, msg, len) < 0)
		return -1;
	return privilege_finish(&pc, msg, len);
}
