/* libpcap capture: see capture.h. */
#include "capture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Every frame whole: the client's link keeps the veth default MTU of
 * 1500 (no fault changes it; pmtu lowers the router-server link), so its
 * frames are at most 1514 bytes. The ring's frames are sized by it (1680
 * bytes, two to a page); a jumbo-sized snapshot made them 9296 bytes, one
 * to 16 KiB, and the ring seven times the memory for fewer frames. */
#define SNAPLEN 1600
/* Over a thousand frames: the harness may be busy spawning probes while
 * packets arrive (the busiest case puts about 800 on the link), and a drop
 * would make a cell wrong (drops are counted and reported, see
 * capture_drops). */
#define BUFSIZE (2 * 1024 * 1024)

int capture_open(struct capture *c, const char *ifname, const char *path,
		 char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	int rc;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->pc = pcap_create(ifname, ebuf);
	if (!c->pc) {
		snprintf(err, errlen, "pcap_create %s: %s", ifname, ebuf);
		return -1;
	}
	if (pcap_set_snaplen(c->pc, SNAPLEN) != 0 ||
	    pcap_set_immediate_mode(c->pc, 1) != 0 ||
	    pcap_set_buffer_size(c->pc, BUFSIZE) != 0 ||
	    pcap_set_timeout(c->pc, 1) != 0) {
		snprintf(err, errlen, "pcap settings on %s: %s", ifname,
			 pcap_geterr(c->pc));
		goto fail;
	}
	rc = pcap_activate(c->pc);
	if (rc < 0) {
		snprintf(err, errlen, "pcap_activate %s: %s (%s)", ifname,
			 pcap_statustostr(rc), pcap_geterr(c->pc));
		goto fail;
	}
	/* rc > 0 is a warning (e.g. promiscuous mode unsupported): the
	 * capture still works, and nothing here needs promiscuous mode. */
	if (pcap_datalink(c->pc) != DLT_EN10MB) {
		snprintf(err, errlen, "pcap on %s: link type %d, expected "
				      "Ethernet",
			 ifname, pcap_datalink(c->pc));
		goto fail;
	}
	if (pcap_setnonblock(c->pc, 1, ebuf) < 0) {
		snprintf(err, errlen, "pcap_setnonblock: %s", ebuf);
		goto fail;
	}
	c->fd = pcap_get_selectable_fd(c->pc);
	if (c->fd < 0) {
		snprintf(err, errlen, "pcap on %s has no selectable fd",
			 ifname);
		goto fail;
	}
	if (path && capture_save(c, path, err, errlen) < 0)
		goto fail;
	return 0;
fail:
	capture_close(c);
	return -1;
}

int capture_save(struct capture *c, const char *path, char *err,
		 size_t errlen)
{
	if (outfile_open(&c->save, path, err, errlen) < 0)
		return -1;
	c->dump = pcap_dump_fopen(c->pc, c->save.f);
	if (!c->dump) {
		snprintf(err, errlen, "pcap savefile %s: %s", path,
			 pcap_geterr(c->pc));
		outfile_abort(&c->save);
		return -1;
	}
	return 0;
}

struct dispatch_arg {
	struct capture *c;
	capture_cb cb;
	void *arg;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	struct dispatch_arg *d = (struct dispatch_arg *)user;

	if (d->c->dump)
		pcap_dump((u_char *)d->c->dump, h, bytes);
	d->c->packets++;
	d->cb(d->arg, bytes, h->caplen, h->len,
	      (uint64_t)h->ts.tv_sec * 1000000000u +
		      (uint64_t)h->ts.tv_usec * 1000u);
}

/* Hands every packet waiting now to fn; how many, or -1 with err. */
static int drain(struct capture *c, pcap_handler fn, u_char *user, char *err,
		 size_t errlen)
{
	int n, total = 0;

	if (!c->pc)
		return 0;
	do {
		n = pcap_dispatch(c->pc, -1, fn, user);
		if (n < 0) {
			snprintf(err, errlen, "pcap_dispatch: %s",
				 pcap_geterr(c->pc));
			return -1;
		}
		total += n;
	} while (n > 0);
	return total;
}

int capture_dispatch(struct capture *c, capture_cb cb, void *arg, char *err,
		     size_t errlen)
{
	struct dispatch_arg d = {c, cb, arg};

	return drain(c, on_packet, (u_char *)&d, err, errlen);
}

static void drop_packet(u_char *user, const struct pcap_pkthdr *h,
			const u_char *bytes)
{
	(void)user, (void)h, (void)bytes;
}

int capture_skip(struct capture *c, char *err, size_t errlen)
{
	return drain(c, drop_packet, NULL, err, errlen);
}

long capture_drops(struct capture *c)
{
	struct pcap_stat st;

	if (!c->pc || pcap_stats(c->pc, &st) < 0)
		return -1;
	return (long)st.ps_drop + (long)st.ps_ifdrop;
}

int capture_finish(struct capture *c, char *err, size_t errlen)
{
	int rc;

	if (!c->dump)
		return 0;
	/* The dumper writes to save.f and pcap_dump_close would only fclose
	 * it, hiding the result: outfile_commit closes it, checked. */
	if (pcap_dump_flush(c->dump) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", c->save.path,
			 strerror(errno));
		return -1;
	}
	c->dump = NULL;
	/* Durable when the run syncs its captures' file system (suite.h):
	 * an fsync a case cost tens of milliseconds under load. */
	rc = outfile_commit_unsynced(&c->save, err, errlen);
	return rc;
}

pcap_t *capture_release(struct capture *c)
{
	pcap_t *pc = c->pc;

	/* Unfinished: the savefile would be a part of a capture. */
	c->dump = NULL;
	outfile_abort(&c->save);
	c->pc = NULL;
	c->fd = -1;
	return pc;
}

void capture_close(struct capture *c)
{
	pcap_t *pc = capture_release(c);

	if (pc)
		pcap_close(pc);
}
