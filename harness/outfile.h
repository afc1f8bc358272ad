/* Output files that do not lie: written under a temporary name in the same
 * directory and renamed over the target only once every write (and the
 * close) succeeded, so a reader sees the old file or the whole new one,
 * never a part. Never through a symbolic link: a target that is a link is
 * refused (a planted OUT/pcap/x.pcap -> /tmp/victim is not followed), the
 * temporary file is created with O_EXCL and O_NOFOLLOW. A target that is a
 * device or a FIFO (/dev/null, /dev/full) is written in place, as there is
 * nothing to rename over. */
#ifndef ICMPLAB_OUTFILE_H
#define ICMPLAB_OUTFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

struct outfile {
	FILE *f;	     /* write here */
	char path[PATH_MAX]; /* the target */
	char tmp[PATH_MAX];  /* the temporary name; "" when in place */
};

/* Opens path for writing as above. 0, or -1 with err ("PATH: reason"). */
int outfile_open(struct outfile *o, const char *path, char *err,
		 size_t errlen);

/* Closes o->f (whoever wrote to it; closing it is o's business) and puts
 * the file in place. 0, or -1 with err ("cannot write PATH: reason"),
 * the temporary file then removed and the target untouched. */
int outfile_commit(struct outfile *o, char *err, size_t errlen);

/* outfile_commit without waiting for the disk (fsync): for the many files
 * of a run, which its caller makes durable at once (syncfs) before the
 * document that names them is written. Until then a crash may leave a
 * named file with lost contents. */
int outfile_commit_unsynced(struct outfile *o, char *err, size_t errlen);

/* Closes o->f and removes the temporary file; the target is untouched.
 * Does nothing when o is not open. */
void outfile_abort(struct outfile *o);

#endif
