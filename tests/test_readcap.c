/* icmplab read on captures from real runs (tests/data/read-*.pcap: the
 * core port_unreachable case, and the forged hostile_* cases, as icmplab
 * run --out wrote them), on copies of them rewritten here through
 * libpcap (other link types, snaplen cuts, moved and redirected errors,
 * pcapng), and on damaged files. tests/data/read-results.json is the
 * results document of the hostile run, trimmed to four probes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "readcap.h"
#include "resdoc.h"
#include "runner.h"

#define PORT	    "tests/data/read-port.pcap"
#define PORT_CUT    "tests/data/read-port-cut.pcap"
#define HOSTILE(x)  "tests/data/read-hostile-" x ".pcap"
#define DOC_PORT    "tests/data/answer-results.json"
#define DOC_HOSTILE "tests/data/read-results.json"

/* A rewrite of one record: may change the header and the bytes (out has
 * room for 65535), returns the new length, or -1 to drop the record. */
typedef int (*rewrite_fn)(size_t no, struct pcap_pkthdr *h, const uint8_t *in,
			  uint8_t *out);

/* The records of path rewritten by fn into a new pcap file of link type
 * dlt, in memory: *buf (caller frees), *len. */
static void rewrite(const char *path, int dlt, rewrite_fn fn, char **buf,
		    size_t *len)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline(path, eb), *dead;
	pcap_dumper_t *d;
	struct pcap_pkthdr *h, nh;
	const u_char *data;
	static uint8_t out[65536];
	FILE *f = open_memstream(buf, len);
	size_t no = 0;
	int n;

	assert_non_null(in);
	assert_non_null(f);
	dead = pcap_open_dead(dlt, 65535);
	assert_non_null(dead);
	d = pcap_dump_fopen(dead, f);
	assert_non_null(d);
	while (pcap_next_ex(in, &h, &data) == 1) {
		nh = *h;
		n = fn(++no, &nh, data, out);
		if (n < 0)
			continue;
		nh.caplen = (bpf_u_int32)n;
		if (nh.len < nh.caplen)
			nh.len = nh.caplen;
		pcap_dump((u_char *)d, &nh, out);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	pcap_close(in);
}

static int read_buf(struct readcap *r, char *buf, size_t len, char *err,
		    size_t errlen)
{
	FILE *f = fmemopen(buf, len, "rb");

	assert_non_null(f);
	return readcap_fp(r, f, "memory", err, errlen);
}

/* The length of the IP datagram in an Ethernet frame (IPv4, or IPv6:
 * the capture holds two ICMPv6 packets of the namespace's own), or -1 for
 * ARP. */
static int ip_of(const struct pcap_pkthdr *h, const uint8_t *in)
{
	if (h->caplen < 14 || !((in[12] == 0x08 && in[13] == 0x00) ||
				(in[12] == 0x86 && in[13] == 0xdd)))
		return -1;
	return (int)h->caplen - 14;
}

static bool is_v6(const uint8_t *in)
{
	return in[12] == 0x86;
}

static int to_raw(size_t no, struct pcap_pkthdr *h, const uint8_t *in,
		  uint8_t *out)
{
	int n = ip_of(h, in);

	(void)no;
	if (n < 0)
		return -1;
	memcpy(out, in + 14, (size_t)n);
	h->len -= 14;
	return n;
}

static int to_ipv4(size_t no, struct pcap_pkthdr *h, const uint8_t *in,
		   uint8_t *out)
{
	return ip_of(h, in) < 0 || is_v6(in) ? -1 : to_raw(no, h, in, out);
}

static int to_sll(size_t no, struct pcap_pkthdr *h, const uint8_t *in,
		  uint8_t *out)
{
	int n = ip_of(h, in);

	(void)no;
	if (n < 0)
		return -1;
	memset(out, 0, 16);
	out[14] = in[12]; /* the ethertype last */
	out[15] = in[13];
	memcpy(out + 16, in + 14, (size_t)n);
	h->len += 2;
	return n + 16;
}

static int to_sll2(size_t no, struct pcap_pkthdr *h, const uint8_t *in,
		   uint8_t *out)
{
	int n = ip_of(h, in);

	(void)no;
	if (n < 0)
		return -1;
	memset(out, 0, 20);
	out[0] = in[12]; /* the ethertype first */
	out[1] = in[13];
	memcpy(out + 20, in + 14, (size_t)n);
	h->len += 6;
	return n + 20;
}

/* BSD loopback: AF_INET (2) or Linux's AF_INET6 (10) in the writer's
 * order; little-endian here for DLT_NULL, network order for DLT_LOOP. */
static int loop_order_be;
static int to_loop(size_t no, struct pcap_pkthdr *h, const uint8_t *in,
		   uint8_t *out)
{
	int n = ip_of(h, in);

	(void)no;
	if (n < 0)
		return -1;
	memset(out, 0, 4);
	out[loop_order_be ? 3 : 0] = is_v6(in) ? 10 : 2;
	memcpy(out + 4, in + 14, (size_t)n);
	h->len -= 10;
	return n + 4;
}

static int snap60(size_t no, struct pcap_pkthdr *h, const uint8_t *in,
		  uint8_t *out)
{
	size_t n = h->caplen < 60 ? h->caplen : 60;

	(void)no;
	memcpy(out, in, n);
	return (int)n;
}

/* The first error of read-port.pcap is packet 6, answering packet 5. */
static int move_error_early(size_t no, struct pcap_pkthdr *h, const uint8_t *in,
			    uint8_t *out)
{
	if (no == 6)
		h->ts.tv_sec -= 1;
	memcpy(out, in, h->caplen);
	return (int)h->caplen;
}

/* Packet 6's IPv4 destination (Ethernet 14 + 16) becomes 198.51.100.99:
 * an error sent to someone other than the quoted source. The ICMP
 * checksum does not cover the IP header, so it still verifies. */
static int redirect_error(size_t no, struct pcap_pkthdr *h, const uint8_t *in,
			  uint8_t *out)
{
	memcpy(out, in, h->caplen);
	if (no == 6)
		out[14 + 19] = 99;
	return (int)h->caplen;
}

static void expect_port_summary(const struct readcap *r)
{
	size_t i;

	assert_int_equal(r->nerr, 6);
	assert_int_equal(r->matched, 6);
	assert_int_equal(r->bad, 0);
	for (i = 0; i < r->nerr; i++) {
		assert_int_equal(r->err[i].flags, 0);
		assert_int_equal(r->err[i].p.h.icmp_type, 3);
		assert_int_equal(r->err[i].p.h.icmp_code, 3);
		assert_true(r->err[i].answers > 0);
	}
}

static void test_real_capture(void **state)
{
	struct readcap r;
	char err[512];
	size_t i;

	(void)state;
	assert_int_equal(readcap_open(&r, PORT, err, sizeof(err)), 0);
	assert_string_equal(r.linkname, "EN10MB");
	assert_int_equal(r.packets, 16);
	assert_int_equal(r.other, 2); /* ARP request and reply */
	assert_int_equal(r.datagrams, 8);
	expect_port_summary(&r);
	/* Every error comes right after the datagram it quotes. */
	for (i = 0; i < r.nerr; i++)
		assert_int_equal(r.err[i].answers + 1, r.err[i].no);
	assert_string_equal(r.file_problem, "");
	readcap_free(&r);
}

static char *text_of(const struct readcap *r, json_t *doc, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	char *w, *p;

	assert_int_equal(readcap_text(f, r, doc, path), 0);
	assert_int_equal(fclose(f), 0);
	/* A wrapped line joined again (its continuation is indented by
	 * six), so that what is asserted does not depend on the width. */
	for (w = p = buf; *p; p++) {
		if (p[0] == '\n' && strncmp(p + 1, "      ", 6) == 0) {
			*w++ = ' ';
			p += 6;
			continue;
		}
		*w++ = *p;
	}
	*w = '\0';
	return buf;
}

static void test_styles_from_results(void **state)
{
	json_t *doc = load_document(DOC_PORT);
	struct readcap r;
	char err[512], *t;

	(void)state;
	assert_int_equal(readcap_open(&r, PORT, err, sizeof(err)), 0);
	t = text_of(&r, doc, DOC_PORT);
	/* The tcpdump-like line, the match, and the measured styles:
	 * answer-results.json's port_unreachable cells. */
	assert_non_null(strstr(t, "#6 +0.108921 203.0.113.2 > 198.51.100.2: "
				  "ICMP port unreachable (3/3), quoting udp "
				  "198.51.100.2.44410 > 203.0.113.2.33434\n"));
	assert_non_null(strstr(t, "answers datagram #5"));
	assert_non_null(strstr(t, "udp-connected (recv:ECONNREFUSED)"));
	assert_non_null(strstr(t, "deaf: udp-unconnected"));
	assert_non_null(strstr(t, "on this kernel: as for #6"));
	assert_non_null(strstr(t, "summary: 8 datagrams, 6 ICMP errors, 6 "
				  "matched, 0 forged or malformed"));
	assert_null(strstr(t, "no results document"));
	free(t);
	readcap_free(&r);
	/* A bad checksum is not measured by the well-formed cells: a
	 * document without a cell that saw one says so. */
	assert_int_equal(
		readcap_open(&r, HOSTILE("bad_csum"), err, sizeof(err)), 0);
	t = text_of(&r, doc, DOC_PORT);
	assert_non_null(strstr(t,
			       "no cell of " DOC_PORT " saw an error like "
			       "it; forged and malformed ones are measured"));
	assert_null(strstr(t, "heard by"));
	free(t);
	readcap_free(&r);
	assert_int_equal(readcap_open(&r, PORT, err, sizeof(err)), 0);
	/* Without a document it says how to get one, and guesses nothing. */
	t = text_of(&r, NULL, "results/latest/results.json");
	assert_non_null(strstr(t, "no results document at "
				  "results/latest/results.json: run `make "
				  "run`"));
	assert_null(strstr(t, "heard by"));
	free(t);
	readcap_free(&r);
	json_decref(doc);
}

static void test_json(void **state)
{
	json_t *doc = load_document(DOC_PORT), *rep, *e, *st, *back;
	struct readcap r;
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(readcap_open(&r, PORT, err, sizeof(err)), 0);
	rep = readcap_json(&r, doc, DOC_PORT);
	assert_non_null(rep);
	assert_int_equal(json_integer_value(json_object_get(rep, "errors")), 6);
	assert_int_equal(json_integer_value(json_object_get(rep, "matched")),
			 6);
	e = json_array_get(json_object_get(rep, "icmp_errors"), 0);
	assert_string_equal(resdoc_str(e, "verdict"), "ok");
	assert_int_equal(json_integer_value(json_object_get(e, "datagram")), 5);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(e, "quote"), "dport")),
			 33434);
	/* Each kind of error's styles once; the error names its index. */
	assert_int_equal(json_array_size(json_object_get(rep, "styles")), 1);
	st = json_array_get(
		json_object_get(rep, "styles"),
		(size_t)json_integer_value(json_object_get(e, "styles")));
	assert_int_equal(json_integer_value(json_object_get(st, "first")), 6);
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(st, "deaf"), 0)),
			    "udp-unconnected");
	/* Written as it is made, it is the same document. */
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(readcap_write_json(f, &r, doc, DOC_PORT), 0);
	assert_int_equal(fclose(f), 0);
	back = json_loads(buf, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, rep));
	json_decref(back);
	free(buf);
	json_decref(rep);
	readcap_free(&r);
	json_decref(doc);
}

static void test_link_types(void **state)
{
	static const struct {
		int dlt;
		rewrite_fn fn;
		int be;
	} lt[] = {
		{DLT_RAW, to_raw, 0},	    {DLT_IPV4, to_ipv4, 0},
		{DLT_LINUX_SLL, to_sll, 0}, {DLT_LINUX_SLL2, to_sll2, 0},
		{DLT_NULL, to_loop, 0},	    {DLT_LOOP, to_loop, 1},
	};
	struct readcap r;
	char err[512], *buf;
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(lt) / sizeof(lt[0]); i++) {
		loop_order_be = lt[i].be;
		rewrite(PORT, lt[i].dlt, lt[i].fn, &buf, &len);
		assert_int_equal(read_buf(&r, buf, len, err, sizeof(err)), 0);
		assert_int_equal(r.linktype, lt[i].dlt);
		/* The ARP frames dropped; DLT_IPV4 holds no IPv6. */
		assert_int_equal(r.packets, lt[i].dlt == DLT_IPV4 ? 12 : 14);
		assert_int_equal(r.other, 0);
		expect_port_summary(&r);
		readcap_free(&r);
		free(buf);
	}
}

static void test_unsupported_link(void **state)
{
	struct readcap r;
	char err[512], *buf;
	size_t len;

	(void)state;
	rewrite(PORT, DLT_IEEE802_11, snap60, &buf, &len);
	assert_int_equal(read_buf(&r, buf, len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "memory: link type 105 (IEEE802_11) is "
				    "not one icmplab decodes"));
	readcap_free(&r);
	free(buf);
}

static void test_snaplen_cut(void **state)
{
	struct readcap r;
	char err[512], *buf, *t;
	size_t len, i;

	(void)state;
	rewrite(PORT, DLT_EN10MB, snap60, &buf, &len);
	assert_int_equal(read_buf(&r, buf, len, err, sizeof(err)), 0);
	assert_int_equal(r.nerr, 6);
	/* Cut inside the quoted IP header: nothing to match, and the
	 * capture's doing, not the sender's. */
	assert_int_equal(r.matched, 0);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.unchecked, 6);
	assert_int_equal(r.cut, 14);
	for (i = 0; i < r.nerr; i++)
		assert_int_equal(r.err[i].flags, RCF_CUT | RCF_CSUM_UNCHECKED);
	t = text_of(&r, NULL, "x");
	assert_non_null(strstr(t, "quoting a quote the capture cut short"));
	assert_non_null(strstr(t, "6 cut too short by the capture to match"));
	free(t);
	readcap_free(&r);
	free(buf);
}

static void test_error_before_datagram(void **state)
{
	struct readcap r;
	char err[512], *buf;
	size_t len;

	(void)state;
	rewrite(PORT, DLT_EN10MB, move_error_early, &buf, &len);
	assert_int_equal(read_buf(&r, buf, len, err, sizeof(err)), 0);
	assert_int_equal(r.err[0].no, 6);
	/* Packet 5 and 7 are both of that flow (udp-connected sends two);
	 * before both, the error can only be forged. */
	assert_int_equal(r.err[0].flags, RCF_BEFORE);
	assert_int_equal(r.matched, 5);
	assert_int_equal(r.bad, 1);
	readcap_free(&r);
	free(buf);
}

static void test_not_to_sender(void **state)
{
	struct readcap r;
	char err[512], *buf;
	size_t len;

	(void)state;
	rewrite(PORT, DLT_EN10MB, redirect_error, &buf, &len);
	assert_int_equal(read_buf(&r, buf, len, err, sizeof(err)), 0);
	assert_int_equal(r.err[0].flags, RCF_NOT_TO_SENDER);
	assert_int_equal(r.bad, 1);
	readcap_free(&r);
	free(buf);
}

static void test_hostile(void **state)
{
	static const struct {
		const char *path;
		unsigned flags;
	} h[] = {
		{HOSTILE("bad_csum"), RCF_BAD_CSUM},
		{HOSTILE("other_dst"), RCF_DST_DIFFERS},
		{HOSTILE("other_sport"), RCF_UNMATCHED},
		{HOSTILE("rfc4884"), RCF_EXTENSION},
		{HOSTILE("short_quote"), RCF_QUOTE_SHORT},
	};
	struct readcap r;
	char err[512];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		assert_int_equal(readcap_open(&r, h[i].path, err, sizeof(err)),
				 0);
		assert_true(r.nerr > 0);
		for (j = 0; j < r.nerr; j++)
			assert_int_equal(r.err[j].flags, h[i].flags);
		/* An extension is a note, not a fault. */
		assert_int_equal(r.bad,
				 h[i].flags == RCF_EXTENSION ? 0 : r.nerr);
		readcap_free(&r);
	}
}

static void test_hostile_styles(void **state)
{
	json_t *doc = load_document(DOC_HOSTILE);
	struct readcap r;
	char err[512], *t;

	(void)state;
	/* Measured: with the quoted destination changed, a socket with
	 * IP_RECVERR still hears it, a connected one does not. */
	assert_int_equal(
		readcap_open(&r, HOSTILE("other_dst"), err, sizeof(err)), 0);
	t = text_of(&r, doc, DOC_HOSTILE);
	assert_non_null(strstr(t, "forged: quotes a destination the datagram "
				  "was not sent to: it went to 203.0.113.2"));
	assert_non_null(strstr(t, "where an error of this type and code "
				  "quoted no probe's datagram"));
	assert_non_null(
		strstr(t, "udp-recverr (errqueue:ECONNREFUSED/icmp/3/3;"));
	assert_non_null(strstr(t, "deaf: udp-unconnected, udp-connected"));
	free(t);
	readcap_free(&r);
	/* A bad checksum: only the raw socket saw it. */
	assert_int_equal(
		readcap_open(&r, HOSTILE("bad_csum"), err, sizeof(err)), 0);
	t = text_of(&r, doc, DOC_HOSTILE);
	assert_non_null(strstr(t, "malformed: bad ICMP checksum"));
	assert_non_null(strstr(t,
			       "that saw this same error (hostile_bad_csum): "
			       "heard by raw-icmp (raw:-/icmp/3/3); deaf: "));
	free(t);
	readcap_free(&r);
	json_decref(doc);
}

static void test_damaged_files(void **state)
{
	static char junk[] = "not a capture at all, not even close........";
	struct readcap r;
	char err[512], *buf;
	size_t len;
	FILE *f;

	(void)state;
	/* Cut in the middle of a record: what came before is kept. */
	assert_int_equal(readcap_open(&r, PORT_CUT, err, sizeof(err)), 1);
	assert_non_null(strstr(r.file_problem, "truncated"));
	assert_int_equal(r.packets, 9);
	assert_int_equal(r.nerr, 2);
	assert_int_equal(r.matched, 2);
	readcap_free(&r);

	assert_int_equal(read_buf(&r, junk, sizeof(junk) - 1, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "memory: not a capture libpcap can read"));
	readcap_free(&r);

	/* Only the file header. */
	rewrite(PORT, DLT_EN10MB, snap60, &buf, &len);
	assert_int_equal(read_buf(&r, buf, 24, err, sizeof(err)), 0);
	assert_int_equal(r.packets, 0);
	readcap_free(&r);
	/* Cut inside the file header. */
	assert_int_equal(read_buf(&r, buf, 10, err, sizeof(err)), -1);
	readcap_free(&r);
	free(buf);

	assert_int_equal(
		readcap_open(&r, "tests/data/no-such.pcap", err, sizeof(err)),
		-1);
	assert_string_equal(err, "tests/data/no-such.pcap: cannot open: No "
				 "such file or directory");
	readcap_free(&r);
	(void)f;
}

/* Writes little-endian u16/u32 into a growing stream. */
static void le16(FILE *f, uint16_t v)
{
	fputc(v & 0xff, f);
	fputc(v >> 8, f);
}

static void le32(FILE *f, uint32_t v)
{
	le16(f, (uint16_t)(v & 0xffff));
	le16(f, (uint16_t)(v >> 16));
}

/* read-port.pcap as pcapng (the pcapng specification: a Section Header
 * Block, one Interface Description Block, an Enhanced Packet Block per
 * packet, microsecond time stamps): libpcap cannot write pcapng, and no
 * Debian tool that converts is installed, so the few blocks are written
 * here to show that read takes pcapng through libpcap. */
static void test_pcapng(void **state)
{
	char eb[PCAP_ERRBUF_SIZE], err[512], *buf = NULL;
	pcap_t *in = pcap_open_offline(PORT, eb);
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t len = 0, pad;
	uint64_t us;
	struct readcap r;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(in);
	le32(f, 0x0a0d0d0a); /* SHB */
	le32(f, 28);
	le32(f, 0x1a2b3c4d);
	le16(f, 1);
	le16(f, 0);
	le32(f, 0xffffffff);
	le32(f, 0xffffffff);
	le32(f, 28);
	le32(f, 1); /* IDB */
	le32(f, 20);
	le16(f, DLT_EN10MB);
	le16(f, 0);
	le32(f, 65535);
	le32(f, 20);
	while (pcap_next_ex(in, &h, &data) == 1) {
		pad = (4 - h->caplen % 4) % 4;
		us = (uint64_t)h->ts.tv_sec * 1000000u +
		     (uint64_t)h->ts.tv_usec;
		le32(f, 6); /* EPB */
		le32(f, (uint32_t)(32 + h->caplen + pad));
		le32(f, 0);
		le32(f, (uint32_t)(us >> 32));
		le32(f, (uint32_t)us);
		le32(f, h->caplen);
		le32(f, h->len);
		fwrite(data, 1, h->caplen, f);
		fwrite("\0\0\0", 1, pad, f);
		le32(f, (uint32_t)(32 + h->caplen + pad));
	}
	pcap_close(in);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(read_buf(&r, buf, len, err, sizeof(err)), 0);
	assert_int_equal(r.packets, 16);
	expect_port_summary(&r);
	readcap_free(&r);
	/* And cut in its last block. */
	assert_int_equal(read_buf(&r, buf, len - 30, err, sizeof(err)), 1);
	assert_int_equal(r.packets, 15);
	assert_true(r.file_problem[0] != '\0');
	readcap_free(&r);
	free(buf);
}

/* Writes one frame at t_ms (caplen bytes of a len-byte frame). */
static void dump_at(pcap_dumper_t *d, int t_ms, const uint8_t *b, size_t caplen,
		    size_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = 1000 + t_ms / 1000;
	h.ts.tv_usec = (t_ms % 1000) * 1000;
	h.caplen = (bpf_u_int32)caplen;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)d, &h, b);
}

/* IPv6: each fixture error after the datagram it quotes, rebuilt from the
 * quote behind the error's own Ethernet header (14 bytes; the error's IPv6
 * and ICMPv6 headers are 48). The packet-too-big quotes 64 bytes of a
 * 1500-byte datagram, so that datagram is a record cut by the snaplen. */
static void test_ipv6(void **state)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	char *buf = NULL, err[512], *t;
	size_t len = 0;
	uint8_t dg[256];
	struct readcap r;
	FILE *f = open_memstream(&buf, &len);
	pcap_dumper_t *d;

	(void)state;
	assert_non_null(dead);
	assert_non_null(f);
	d = pcap_dump_fopen(dead, f);
	assert_non_null(d);
	memcpy(dg, fx_eth_v6_port_unreach, 14);
	memcpy(dg + 14, fx_eth_v6_port_unreach + 62,
	       sizeof(fx_eth_v6_port_unreach) - 62);
	dump_at(d, 0, dg, 14 + sizeof(fx_eth_v6_port_unreach) - 62,
		14 + sizeof(fx_eth_v6_port_unreach) - 62);
	dump_at(d, 1, fx_eth_v6_port_unreach, sizeof(fx_eth_v6_port_unreach),
		sizeof(fx_eth_v6_port_unreach));
	memcpy(dg + 14, fx_eth_v6_too_big + 62, sizeof(fx_eth_v6_too_big) - 62);
	dump_at(d, 10, dg, 14 + sizeof(fx_eth_v6_too_big) - 62, 14 + 1500);
	dump_at(d, 12, fx_eth_v6_too_big, sizeof(fx_eth_v6_too_big),
		sizeof(fx_eth_v6_too_big));
	pcap_dump_close(d);
	pcap_close(dead);

	assert_int_equal(read_buf(&r, buf, len, err, sizeof(err)), 0);
	assert_int_equal(r.nerr, 2);
	assert_int_equal(r.matched, 2);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.cut, 1);
	assert_int_equal(r.err[0].answers, 1);
	assert_int_equal(r.err[1].answers, 3);
	assert_int_equal(r.err[1].p.mtu, 1280);
	t = text_of(&r, NULL, "x");
	assert_non_null(strstr(t,
			       "#2 +0.001000 2001:db8:2::2 > 2001:db8:1::2: "
			       "ICMP6 port unreachable (1/4), quoting udp "
			       "2001:db8:1::2.40000 > 2001:db8:2::2.33434\n"));
	assert_non_null(strstr(t, "(2/0) mtu 1280, quoting udp "));
	free(t);
	readcap_free(&r);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_capture),
		cmocka_unit_test(test_styles_from_results),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_unsupported_link),
		cmocka_unit_test(test_snaplen_cut),
		cmocka_unit_test(test_error_before_datagram),
		cmocka_unit_test(test_not_to_sender),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_hostile_styles),
		cmocka_unit_test(test_damaged_files),
		cmocka_unit_test(test_pcapng),
		cmocka_unit_test(test_ipv6),
	};

	return cmocka_run_group_tests_name("readcap", tests, NULL, NULL);
}
