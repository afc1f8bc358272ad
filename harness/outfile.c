/* Output files: see outfile.h. */
#include "outfile.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int outfile_open(struct outfile *o, const char *path, char *err,
		 size_t errlen)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	int fd;

	memset(o, 0, sizeof(*o));
	if (snprintf(o->path, sizeof(o->path), "%s", path) >=
	    (int)sizeof(o->path)) {
		snprintf(err, errlen, "cannot write %s: path too long", path);
		return -1;
	}
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "cannot write %s: %s", path,
				 S_ISLNK(st.st_mode)
					 ? "it is a symbolic link, which "
					   "icmplab never writes through; "
					   "remove it"
					 : strerror(EISDIR));
			return -1;
		}
		/* A device or a FIFO: in place, and still not through a
		 * link swapped in since. */
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	} else {
		if (snprintf(o->tmp, sizeof(o->tmp), "%.*s.%s.XXXXXX",
			     slash ? (int)(slash - path + 1) : 0, path,
			     slash ? slash + 1 : path) >= (int)sizeof(o->tmp)) {
			snprintf(err, errlen, "cannot write %s: path too long",
				 path);
			return -1;
		}
		/* mkostemp: O_CREAT | O_EXCL, so never an existing file or
		 * link; mode 0600 until complete. */
		fd = mkostemp(o->tmp, O_CLOEXEC);
		if (fd >= 0 && fchmod(fd, 0644) < 0) {
			snprintf(err, errlen, "cannot write %s: fchmod: %s",
				 o->tmp, strerror(errno));
			close(fd);
			unlink(o->tmp);
			return -1;
		}
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		return -1;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		close(fd);
		if (o->tmp[0])
			unlink(o->tmp);
		return -1;
	}
	return 0;
}

static int commit(struct outfile *o, bool sync, char *err, size_t errlen)
{
	int bad = fflush(o->f) == EOF ? errno : ferror(o->f) ? EIO : 0;

	/* On disk before it takes the real name: a crash after the rename
	 * must not leave a named file with lost contents. */
	if (!bad && sync && o->tmp[0] && fsync(fileno(o->f)) < 0)
		bad = errno;
	/* A write error may show only when the buffer is flushed, or on a
	 * network file system only at close. */
	if (fclose(o->f) == EOF && !bad)
		bad = errno;
	o->f = NULL;
	if (!bad && o->tmp[0] && rename(o->tmp, o->path) < 0)
		bad = errno;
	if (!bad)
		return 0;
	snprintf(err, errlen, "cannot write %s: %s", o->path, strerror(bad));
	if (o->tmp[0])
		unlink(o->tmp);
	return -1;
}

int outfile_commit(struct outfile *o, char *err, size_t errlen)
{
	return commit(o, true, err, errlen);
}

int outfile_commit_unsynced(struct outfile *o, char *err, size_t errlen)
{
	return commit(o, false, err, errlen);
}

void outfile_abort(struct outfile *o)
{
	if (!o->f)
		return;
	fclose(o->f);
	o->f = NULL;
	if (o->tmp[0])
		unlink(o->tmp);
}
