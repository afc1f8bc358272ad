/* One cell's capture: see cellpcap.h. */
#include "cellpcap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "match.h"
#include "names.h"
#include "outfile.h"
#include "pkt.h"
#include "resdoc.h"

#define MAX_FLOWS 8

static const struct tok protos[] = {
	{IPPROTO_UDP, "udp"},
	{IPPROTO_TCP, "tcp"},
	{IPPROTO_ICMP, "icmp"},
	{IPPROTO_ICMPV6, "icmpv6"},
	{0, NULL},
};

/* The cell's flows from its "flow" events. How many, or -1 with err. */
static int cell_flows(json_t *cell, struct flow *f, int max, char *err,
		      size_t errlen)
{
	json_t *e;
	size_t i;
	int n = 0, proto;

	json_array_foreach(json_object_get(cell, "events"), i, e)
	{
		if (strcmp(resdoc_str(e, "ev"), "flow") != 0 || n == max)
			continue;
		memset(&f[n], 0, sizeof(f[n]));
		if (str2tok(protos, resdoc_str(e, "proto"), &proto) < 0 ||
		    addr_parse(resdoc_str(e, "src"), &f[n].src) < 0 ||
		    addr_parse(resdoc_str(e, "dst"), &f[n].dst) < 0) {
			snprintf(err, errlen,
				 "cell %s x %s: a flow event that "
				 "does not parse",
				 resdoc_str(cell, "case"),
				 resdoc_str(cell, "probe"));
			return -1;
		}
		f[n].proto = proto;
		f[n].sport = (uint16_t)json_integer_value(
			json_object_get(e, "sport"));
		f[n].dport = (uint16_t)json_integer_value(
			json_object_get(e, "dport"));
		n++;
	}
	return n;
}

static bool is_any(const struct ipaddr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->a, zero, a->family == AF_INET6 ? 16 : 4) == 0;
}

/* A reply to one of f's datagrams: the reverse direction. */
static bool reply_of(const struct flow *f, const struct pkt_hdr *h)
{
	return h->proto == f->proto && addr_eq(&h->src, &f->dst) &&
	       h->sport == f->dport && h->dport == f->sport &&
	       (is_any(&f->src) || addr_eq(&h->dst, &f->src));
}

static bool belongs(const struct flow *f, int n, const uint8_t *b, size_t len)
{
	struct pkt p;
	int i;

	pkt_decode_eth(b, len, &p);
	if (!p.h.family)
		return false; /* ARP and anything else not IP */
	for (i = 0; i < n; i++) {
		if (flow_has(&f[i], &p.h) || reply_of(&f[i], &p.h))
			return true;
		if (p.h.kind == PK_ICMP_ERROR && p.quote.family &&
		    flow_has(&f[i], &p.quote))
			return true;
	}
	return false;
}

/* Whether the ledger's record of the i-th captured packet (wire length
 * len) gives it to someone other than probe; NULL packets, or a record
 * that is not this packet (the capture and the record disagree), say
 * nothing, and *agree turns false for good. */
static bool owned_elsewhere(json_t *packets, size_t i, size_t len,
			    const char *probe, bool *agree)
{
	json_t *pk = json_array_get(packets, i);
	const char *owner, *cls;

	if (!*agree || !pk ||
	    json_integer_value(json_object_get(pk, "len")) != (json_int_t)len) {
		*agree = false;
		return false;
	}
	owner = json_string_value(json_object_get(pk, "probe"));
	cls = json_string_value(json_object_get(pk, "class"));
	if (owner)
		return strcmp(owner, probe) != 0;
	return cls && strcmp(cls, "error-other") == 0;
}

int cellpcap_write(json_t *cell, json_t *kase, const char *in,
		   const char *out, size_t *kept, char *err, size_t errlen)
{
	json_t *packets = kase ? json_object_get(kase, "packets") : NULL;
	const char *probe = resdoc_str(cell, "probe");
	bool agree = json_is_array(packets);
	size_t i = 0;
	char perr[PCAP_ERRBUF_SIZE];
	struct flow flows[MAX_FLOWS];
	struct pcap_pkthdr *h;
	const u_char *bytes;
	struct outfile o;
	pcap_dumper_t *d;
	pcap_t *pc;
	size_t n = 0;
	int nf, rc;

	nf = cell_flows(cell, flows, MAX_FLOWS, err, errlen);
	if (nf < 0)
		return -1;
	if (nf == 0) {
		snprintf(err, errlen,
			 "cell %s x %s announced no flow: there "
			 "is nothing of its own to cut out",
			 resdoc_str(cell, "case"), resdoc_str(cell, "probe"));
		return -1;
	}
	pc = pcap_open_offline(in, perr);
	if (!pc) {
		snprintf(err, errlen, "%s", perr);
		return -1;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		snprintf(err, errlen, "%s: link type %d; expected Ethernet", in,
			 pcap_datalink(pc));
		pcap_close(pc);
		return -1;
	}
	if (outfile_open(&o, out, err, errlen) < 0) {
		pcap_close(pc);
		return -1;
	}
	/* The dumper writes to o.f; outfile_commit closes it, checked (as
	 * capture.c does). */
	d = pcap_dump_fopen(pc, o.f);
	if (!d) {
		snprintf(err, errlen, "%s: %s", out, pcap_geterr(pc));
		outfile_abort(&o);
		pcap_close(pc);
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &h, &bytes)) == 1)
		if (!owned_elsewhere(packets, i++, h->len, probe, &agree) &&
		    belongs(flows, nf, bytes, h->caplen)) {
			pcap_dump((u_char *)d, h, bytes);
			n++;
		}
	if (rc != PCAP_ERROR_BREAK) {
		snprintf(err, errlen, "%s: %s", in, pcap_geterr(pc));
		outfile_abort(&o);
		pcap_close(pc);
		return -1;
	}
	pcap_close(pc);
	if (pcap_dump_flush(d) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", out,
			 strerror(errno));
		outfile_abort(&o);
		return -1;
	}
	if (outfile_commit(&o, err, errlen) < 0)
		return -1;
	if (kept)
		*kept = n;
	return 0;
}

int cellpcap_write_all(json_t *doc, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct flow flows[MAX_FLOWS];
	json_t *c, *k;
	const char *pcap, *slash;
	size_t i;
	int nf;

	json_array_foreach(json_object_get(doc, "cells"), i, c)
	{
		k = resdoc_case(doc, resdoc_str(c, "case"));
		pcap = resdoc_str(k, "pcap");
		slash = strrchr(pcap, '/');
		if (!pcap[0])
			continue;
		nf = cell_flows(c, flows, MAX_FLOWS, err, errlen);
		if (nf < 0)
			return -1;
		if (nf == 0)
			continue; /* a probe that sent nothing: no file */
		snprintf(dir, sizeof(dir), "%.*s%s%s",
			 slash ? (int)(slash - pcap + 1) : 0, pcap,
			 resdoc_str(k, "name"), "");
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot make %s: %s", dir,
				 strerror(errno));
			return -1;
		}
		snprintf(path, sizeof(path), "%s/%s.pcap", dir,
			 resdoc_str(c, "probe"));
		if (cellpcap_write(c, k, pcap, path, NULL, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* Removes the .pcap files (and ".NAME.pcap.XXXXXX") in the directory fd. */
static int clear_dir(int fd, const char *path, char *err, size_t errlen)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	size_t n;

	if (!d) {
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	while ((e = readdir(d))) {
		n = strlen(e->d_name);
		if (!(n > 5 && strcmp(e->d_name + n - 5, ".pcap") == 0) &&
		    !(e->d_name[0] == '.' && strstr(e->d_name, ".pcap.")))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot remove %s/%s: %s", path,
				 e->d_name, strerror(errno));
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int cellpcap_clear(const char *pcapdir, char *err, size_t errlen)
{
	char path[PATH_MAX + 256];
	struct dirent *e;
	DIR *d = opendir(pcapdir);
	int fd;

	if (!d) {
		snprintf(err, errlen, "cannot read %s: %s", pcapdir,
			 strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), e->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue; /* a file (a case's capture) or a link */
		snprintf(path, sizeof(path), "%s/%s", pcapdir, e->d_name);
		if (clear_dir(fd, path, err, errlen) < 0) {
			closedir(d);
			return -1;
		}
		/* Left when something else is in it: not ours to remove. */
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
	return 0;
}
