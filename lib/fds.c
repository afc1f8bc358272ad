/* Closing descriptors: see fds.h. */
#include "fds.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool kept(int fd, const int *keep, size_t nkeep)
{
	size_t i;

	for (i = 0; i < nkeep; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* Without close_range: every open descriptor, as /proc lists them for
 * the calling thread (whose table may be its own, unshare(CLONE_FILES)).
 * Closing while reading the directory may hide entries, so it reads again
 * until a pass closes nothing. */
static int close_listed(const int *keep, size_t nkeep, char *err, size_t errlen)
{
	struct dirent *e;
	unsigned closed;
	DIR *d;
	int fd;

	do {
		d = opendir("/proc/thread-self/fd");
		if (!d) {
			snprintf(err, errlen,
				 "close_range is missing and "
				 "/proc/thread-self/fd "
				 "cannot be read: %s",
				 strerror(errno));
			return -1;
		}
		closed = 0;
		while ((e = readdir(d))) {
			if (e->d_name[0] < '0' || e->d_name[0] > '9')
				continue;
			fd = atoi(e->d_name);
			if (fd < 3 || fd == dirfd(d) || kept(fd, keep, nkeep))
				continue;
			/* EBADF cannot happen for a listed descriptor; any
			 * other error still leaves it closed (close(2)). */
			(void)close(fd);
			closed++;
		}
		closedir(d);
	} while (closed);
	return 0;
}

int fds_close_except(const int *keep, size_t nkeep, char *err, size_t errlen)
{
	unsigned lo = 3, hi;
	int next, r;
	size_t i;

	/* The gaps between kept descriptors, lowest first. */
	for (;;) {
		next = -1;
		for (i = 0; i < nkeep; i++)
			if (keep[i] >= (int)lo && (next < 0 || keep[i] < next))
				next = keep[i];
		hi = next < 0 ? ~0u : (unsigned)next - 1;
		r = next >= 0 && (unsigned)next == lo ? 0
						      : close_range(lo, hi, 0);
		if (r < 0 && errno == ENOSYS)
			return close_listed(keep, nkeep, err, errlen);
		if (r < 0) {
			snprintf(err, errlen, "close_range(%u, %u): %s", lo, hi,
				 strerror(errno));
			return -1;
		}
		if (next < 0)
			return 0;
		lo = (unsigned)next + 1;
	}
}
