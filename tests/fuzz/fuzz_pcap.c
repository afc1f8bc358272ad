/* Fuzz target for harness/readcap.c, the reader behind `icmplab read`:
 * any bytes as a capture file (pcap or pcapng, read by libpcap from
 * memory) are refused with a reason, or read, matched and reported, text
 * and JSON, without a crash. A small results document built in gives the
 * report's styles path cells to search, in each of its three ways (the
 * same error, a well-formed one, one that quoted no probe's datagram). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "readcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc_text[] =
	"{\"kernel\": \"fuzz\", \"cases\": [{\"name\": \"k\", \"packets\": "
	"[{\"class\": \"error-other\", \"type\": 3, \"code\": 3}]}],"
	" \"cells\": ["
	"{\"case\": \"k\", \"probe\": \"a\", \"family\": \"ipv4\","
	" \"events\": [{\"ev\": \"flow\", \"proto\": \"udp\"}],"
	" \"wire\": [{\"type\": 3, \"code\": 3, \"parse\": \"ok\"}],"
	" \"surfaced\": [{\"via\": \"recv\", \"errno\": \"ECONNREFUSED\"}]},"
	"{\"case\": \"k\", \"probe\": \"b\", \"family\": \"ipv4\","
	" \"events\": [{\"ev\": \"flow\", \"proto\": \"udp\"}],"
	" \"wire\": [], \"surfaced\": []},"
	"{\"case\": \"k\", \"probe\": \"c\", \"family\": \"ipv6\","
	" \"wire\": [{\"type\": 1, \"code\": 4, \"parse\": \"ok\"}],"
	" \"surfaced\": []}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *doc;
	struct readcap r;
	char err[512];
	json_t *rep;
	FILE *f, *devnull;

	if (!doc) {
		doc = json_loads(doc_text, 0, NULL);
		if (!doc)
			abort();
	}
	/* fmemopen refuses an empty buffer; an empty file says nothing. */
	if (size == 0)
		return 0;
	f = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (!f)
		return 0;
	err[0] = '\0';
	if (readcap_fp(&r, f, "fuzz", err, sizeof(err)) < 0) {
		/* A refusal must say why. */
		if (!err[0])
			abort();
		readcap_free(&r);
		return 0;
	}
	rep = readcap_json(&r, doc, "doc");
	json_decref(rep);
	devnull = fopen("/dev/null", "w");
	if (devnull) {
		(void)readcap_text(devnull, &r, doc, "doc");
		(void)readcap_text(devnull, &r, NULL, "none");
		fclose(devnull);
	}
	readcap_free(&r);
	return 0;
}
