/* Fuzz target for lib/pkt.c: the same bytes as an Ethernet frame, as a
 * bare IP datagram and as an ICMPv6 message from a raw socket, each
 * described afterwards so that the text path sees every status and flag
 * combination too. */
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt p;
	char d[256];

	pkt_decode_eth(data, size, &p);
	pkt_describe(&p, d, sizeof(d));
	pkt_decode_ip(data, size, &p);
	pkt_describe(&p, d, sizeof(d));
	pkt_decode_icmp6(data, size, NULL, &p);
	pkt_describe(&p, d, sizeof(d));
	/* A tiny buffer exercises the cut-off path of pkt_describe. */
	pkt_describe(&p, d, 5);
	return 0;
}
