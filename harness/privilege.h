/* Can this process run the suite, and if it is not root, can it become
 * root of a user namespace of its own? */
#ifndef ICMPLAB_PRIVILEGE_H
#define ICMPLAB_PRIVILEGE_H

#include <stddef.h>
#include <sys/types.h>

/* Checks, in this order, what a run needs: root (or, for an ordinary user,
 * a new user namespace in which this process is root: entered here, for
 * the rest of the process's life), the capabilities CAP_SYS_ADMIN,
 * CAP_NET_ADMIN and CAP_NET_RAW, and, in a throwaway child, what a case
 * does first (a network namespace with a packet socket and the suite's
 * sysctls, mount and PID namespaces). Returns 0 when all is there, 1 when
 * it is there because this call entered a user namespace (msg says so),
 * -1 with msg saying exactly what is missing. Call it while the process
 * has one thread. */
int privilege_require(char *msg, size_t len);

/* privilege_require in two halves, so the caller can work while the
 * throwaway child makes its namespaces (closing its packet socket alone
 * waits for an RCU grace period). privilege_start does the checks in
 * this process and starts the child: 0, or -1 with msg (then there is
 * nothing to finish). privilege_finish waits for the child and returns as
 * privilege_require does. */
struct privilege_check {
	pid_t pid;
	int fd;
	int entered;
	char entered_msg[256]; /* what privilege_finish says when entered */
};
int privilege_start(struct privilege_check *pc, char *msg, size_t len);
int privilege_finish(struct privilege_check *pc, char *msg, size_t len);

/* Makes the calling process (single-threaded) root of a new user
 * namespace, with the namespaces of flags (CLONE_NEWPID, ...) made in it
 * too: its own user and group map to 0, nothing else is mapped, and its
 * capabilities hold only over namespaces that this one owns. 0, or -1 with
 * err. */
int privilege_user_ns(int flags, char *err, size_t len);

#endif
