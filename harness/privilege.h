/* Can this process run the suite, and if it is not root, can it become
 * root of a user namespace of its own? */
#ifndef ICMPLAB_PRIVILEGE_H
#define ICMPLAB_PRIVILEGE_H

#include <stddef.h>

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

/* Makes the calling process (single-threaded) root of a new user
 * namespace, with the namespaces of flags (CLONE_NEWPID, ...) made in it
 * too: its own user and group map to 0, nothing else is mapped, and its
 * capabilities hold only over namespaces that this one owns. 0, or -1 with
 * err. */
int privilege_user_ns(int flags, char *err, size_t len);

#endif
