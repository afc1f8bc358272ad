/* `icmplab read FILE`: a user's own capture explained (docs/read.md).
 *
 * Every ICMP and ICMPv6 error in a pcap or pcapng file (any link type
 * pkt_decode_link reads) is decoded with lib/pkt.c, its quoted datagram
 * matched to the datagrams of the capture by protocol, addresses and ports
 * (flow_has, match.h), and classified: malformed (bad checksum, quote cut
 * short or invalid, bad RFC 4884 extension), forged (quotes no datagram of
 * the capture, arrives before the datagram it quotes, quotes another
 * destination than the datagram was sent to, is addressed to someone other
 * than the quoted source). Then a results document says which socket
 * styles heard errors like it on this kernel.
 *
 * Nothing in the file is trusted: a damaged record ends the reading with
 * the reason kept (file_problem), packets cut by the snaplen are counted
 * and their errors marked, and no field is used before the decoder said it
 * was there.
 */
#ifndef ICMPLAB_READCAP_H
#define ICMPLAB_READCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "pkt.h"

/* At most this many packets are kept (datagrams and errors); a larger
 * capture is read up to here and says so. */
#define READCAP_MAX_KEPT 4000000u

/* What one error is found to be. MALFORMED and FORGED flags make it count
 * as "forged or malformed" in the summary; the others are notes. */
#define RCF_BAD_CSUM	  0x0001 /* malformed: ICMP checksum wrong */
#define RCF_QUOTE_SHORT	  0x0002 /* malformed: quote cut short */
#define RCF_QUOTE_INVALID 0x0004 /* malformed: quoted header invalid */
#define RCF_EXT_BAD                                                            \
	0x0008			  /* malformed: RFC 4884 length, no            \
				   * valid extension */
#define RCF_INVALID	   0x0010 /* malformed: its own headers invalid */
#define RCF_UNMATCHED	   0x0020 /* forged: quotes no datagram here */
#define RCF_BEFORE	   0x0040 /* forged: earlier than the datagram */
#define RCF_DST_DIFFERS	   0x0080 /* forged: datagram went elsewhere */
#define RCF_NOT_TO_SENDER  0x0100 /* forged: not sent to the quoted source */
#define RCF_EXTENSION	   0x0200 /* note: RFC 4884 extension present */
#define RCF_CUT		   0x0400 /* note: snaplen cut the packet */
#define RCF_CSUM_UNCHECKED 0x0800 /* note: too cut to check the checksum */
#define RCF_NO_FLOW	   0x1000 /* note: quote has no ports to match */

#define RCF_MALFORMED                                                          \
	(RCF_BAD_CSUM | RCF_QUOTE_SHORT | RCF_QUOTE_INVALID | RCF_EXT_BAD |    \
	 RCF_INVALID)
#define RCF_FORGED                                                             \
	(RCF_UNMATCHED | RCF_BEFORE | RCF_DST_DIFFERS | RCF_NOT_TO_SENDER)

/* A capture time: seconds and nanoseconds as the file gave them. */
struct readcap_time {
	int64_t sec;
	uint32_t nsec;
};

/* A datagram of the capture that an error could quote: UDP, TCP or an
 * ICMP echo whose ports (or id) were decoded. */
struct readcap_dgram {
	size_t no; /* packet number in the file, from 1 */
	struct readcap_time t;
	struct pkt_hdr h;
};

/* One ICMP or ICMPv6 error of the capture. */
struct readcap_error {
	size_t no;
	struct readcap_time t;
	size_t caplen, wirelen;
	struct pkt p;
	unsigned flags; /* RCF_* */
	size_t answers; /* the datagram it answers (packet number), 0: none */
	struct readcap_time answers_t;
	size_t sent; /* datagrams of the quoted flow in the capture */
	struct ipaddr sent_dst; /* with RCF_DST_DIFFERS: where they went */
	char parse[256];	/* pkt_describe */
};

struct readcap {
	char name[4096]; /* the file, as the user named it */
	int linktype;
	const char *linkname; /* libpcap's name for it */
	int snaplen;
	size_t packets;		/* records read */
	size_t datagrams;	/* IP packets that are not ICMP errors */
	size_t other;		/* not IP (ARP, ...) or not decodable */
	size_t cut;		/* records shorter than the packet was */
	size_t matched;		/* errors that answer a datagram here */
	size_t bad;		/* errors forged or malformed */
	size_t unchecked;	/* neither, but cut by the snaplen before
				 * they could be matched */
	bool stopped;		/* more packets than READCAP_MAX_KEPT */
	char file_problem[512]; /* why reading stopped early, or "" */
	struct readcap_time first;
	struct readcap_dgram *dg;
	size_t ndg, capdg;
	struct readcap_error *err;
	size_t nerr, caperr;
};

/* Reads the capture at path ('-': standard input) into r, which the caller
 * frees with readcap_free (also after a failure). Returns 0 when the file
 * was read to its end, 1 when it was read in part (r->file_problem says
 * why: a damaged or cut record; what came before it is in r), or -1 with
 * err ("PATH: why") when it is not a capture libpcap reads, or its link
 * type is not one pkt_decode_link decodes. */
int readcap_open(struct readcap *r, const char *path, char *err, size_t errlen);

/* The same from an open stream (fmemopen for a buffer), which it closes.
 * name is used in messages. */
int readcap_fp(struct readcap *r, FILE *f, const char *name, char *err,
	       size_t errlen);

void readcap_free(struct readcap *r);

/* The report as a JSON object (docs/read.md): the capture, the summary,
 * one object per error, and what socket styles heard errors like them in
 * doc, once per kind of error ("styles"; each error's "styles" is its
 * index there). doc may be NULL: no results document; doc_path names it,
 * or where it was looked for. New reference, NULL when memory runs out. */
json_t *readcap_json(const struct readcap *r, json_t *doc,
		     const char *doc_path);

/* readcap_json written onto f as it is made, one error at a time, for a
 * capture with many errors. 0, or -1 when a write failed or memory ran
 * out (errno says which). */
int readcap_write_json(FILE *f, const struct readcap *r, json_t *doc,
		       const char *doc_path);

/* readcap_write_json onto path ('-': standard output, flushed), written
 * whole or not at all (outfile.h). 0, or -1 with err ("cannot write PATH:
 * why"). */
int readcap_write_json_path(const char *path, const struct readcap *r,
			    json_t *doc, const char *doc_path, char *err,
			    size_t errlen);

/* The same report as text onto f: a tcpdump-like line per error, its
 * match and classes, the styles that heard it, and a summary line.
 * Returns 0, or -1 when a write failed. */
int readcap_text(FILE *f, const struct readcap *r, json_t *doc,
		 const char *doc_path);

#endif
