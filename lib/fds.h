/* Closing every descriptor but a few: for a process (or a thread with a
 * descriptor table of its own) that must hold nothing of its parent's. */
#ifndef ICMPLAB_FDS_H
#define ICMPLAB_FDS_H

#include <stddef.h>

/* Closes every descriptor from 3 up except those in keep[0..nkeep-1].
 * Uses close_range(2) and, where the kernel lacks it (ENOSYS, before
 * Linux 5.9), closes the open descriptors one by one. 0, or -1 with err. */
int fds_close_except(const int *keep, size_t nkeep, char *err, size_t errlen);

#endif
