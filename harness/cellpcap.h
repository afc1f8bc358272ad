/* One cell's capture on its own: the packets of a case's capture that
 * belong to one probe's flow (its datagrams, the replies to them, and the
 * ICMP errors that quote them), without the other probes' traffic and
 * without neighbour discovery, ARP or MLD. Packets are judged by the
 * project's decoder (pkt.h) against the flows the probe announced in its
 * "flow" events (match.h). */
#ifndef ICMPLAB_CELLPCAP_H
#define ICMPLAB_CELLPCAP_H

#include <stddef.h>

#include <jansson.h>

/* Reads the capture in (a pcap file of the case), writes the cell's
 * packets to out through outfile.h (atomic, never through a link). Sets
 * *kept to how many were written (may be NULL). kase (the case's record
 * in the same document, or NULL) lends its packets' owners: a packet the
 * ledger gave another probe (a port used again) or no one (an error after
 * the probe's end) is left out, while the capture and the record agree
 * packet by packet. 0, or -1 with err (a cell without a flow event, an
 * unreadable capture, a failed write). */
int cellpcap_write(json_t *cell, json_t *kase, const char *in,
		   const char *out, size_t *kept, char *err, size_t errlen);

/* run --pcap-per-cell: for every case of doc with a capture and every
 * cell of it with a flow, DIR/CASE/PROBE.pcap next to the case's capture
 * (DIR: that capture's directory). Cells without a flow (a probe that sent
 * nothing, a user command) get none. 0, or -1 with err at the first
 * failure. */
int cellpcap_write_all(json_t *doc, char *err, size_t errlen);

/* Before a run into pcapdir: removes what --pcap-per-cell wrote there
 * (CASE/PROBE.pcap, temporary files of an interrupted write, then each
 * CASE directory once empty), so that no cell capture of an earlier run
 * can pass for this run's. Links are removed, never followed; other files
 * are left. 0, or -1 with err. */
int cellpcap_clear(const char *pcapdir, char *err, size_t errlen);

#endif
