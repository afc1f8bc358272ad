/* Capture on the client's link with libpcap, saving every packet to a .pcap
 * file as it is read. */
#ifndef ICMPLAB_CAPTURE_H
#define ICMPLAB_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#include "outfile.h"

struct capture {
	pcap_t *pc;
	pcap_dumper_t *dump; /* writes to save.f */
	struct outfile save; /* the savefile, until capture_finish */
	int fd; /* selectable fd, readable when packets wait */
	unsigned long packets;
};

/* Called for each packet: the frame, its captured length, its length on
 * the wire, and when the kernel captured it (CLOCK_REALTIME, ns). */
typedef void (*capture_cb)(void *arg, const uint8_t *frame, size_t caplen,
			   size_t wirelen, uint64_t t_real_ns);

/* Opens a live, non-blocking, immediate-mode capture on ifname in the
 * calling thread's current namespace and, when path is not NULL, a savefile
 * there (see capture_finish). The capture is live when this returns. 0, or -1 with libpcap's
 * message in err. */
int capture_open(struct capture *c, const char *ifname, const char *path,
		 char *err, size_t errlen);

/* Starts the savefile at path (see capture_finish) for the packets read
 * from now on. 0, or -1 with err. */
int capture_save(struct capture *c, const char *path, char *err,
		 size_t errlen);

/* Reads every packet waiting now and forgets it: the capture then holds
 * what the link carries from now on, as if it had just been opened.
 * Returns how many, -1 on error. */
int capture_skip(struct capture *c, char *err, size_t errlen);

/* Hands every packet waiting now to cb; returns how many, -1 on error. */
int capture_dispatch(struct capture *c, capture_cb cb, void *arg, char *err,
		     size_t errlen);

/* Packets the kernel dropped before the capture read them (ring full), or -1
 * if libpcap cannot tell. Any drop makes the case's cells untrustworthy. */
long capture_drops(struct capture *c);

/* Puts the savefile in place (outfile.h: written under a temporary name,
 * renamed when complete). 0 (also without a savefile), or -1 with err
 * naming the file and the reason. */
int capture_finish(struct capture *c, char *err, size_t errlen);

/* Closes the capture; a savefile not finished is removed, so an
 * interrupted case leaves none. Safe twice. */
void capture_close(struct capture *c);

/* capture_close, but the libpcap handle is returned (NULL if none) for
 * the caller to pcap_close, maybe in another thread: closing a packet
 * socket waits for RCU grace periods (stock.h). */
pcap_t *capture_release(struct capture *c);

#endif
