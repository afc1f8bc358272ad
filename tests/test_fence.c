/* Tests for fences (harness/fence.c), the forger's answer to them
 * (forge_echo_reply) and the ledger's view of them (wire.c): a fence, its
 * Echo Reply and an error quoting it are told apart from every probe's
 * packets, and the answer names the fence it answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "fence.h"
#include "fixtures.h"
#include "forge.h"
#include "pkt.h"
#include "wire.h"

#define FENCE_ID  0x1234
#define FENCE_SEQ 7

/* A fence as the client's ping socket sends it: 198.51.100.2 >
 * 203.0.113.2, Echo Request, id 0x1234, seq 7, "icmplab fence" and its
 * NUL. The checksums are filled in by fix_sums. */
static const uint8_t fence4[] = {
	0x45, 0x00, 0x00, 0x2a, 0xab, 0xcd, 0x40, 0x00, 0x40, 0x01, 0x00, 0x00,
	198,  51,   100,  2,    203,  0,    113,  2,    /* ICMP */
	0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x07, 'i',  'c',  'm',  'p',
	'l',  'a',  'b',  ' ',  'f',  'e',  'n',  'c',  'e',  0x00,
};

/* The same over IPv6: 2001:db8:1::2 > 2001:db8:2::2. */
static const uint8_t fence6[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x16, 0x3a, 0x40, /* payload 22 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* ICMPv6 */
	0x80, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x07, 'i',  'c',  'm',  'p',
	'l',  'a',  'b',  ' ',  'f',  'e',  'n',  'c',  'e',  0x00,
};

static uint16_t sum6(const uint8_t *p, size_t len)
{
	uint8_t ph[40];
	size_t m = len - 40;

	memcpy(ph, p + 8, 32);
	memset(ph + 32, 0, 8);
	ph[34] = (uint8_t)(m >> 8);
	ph[35] = (uint8_t)m;
	ph[39] = 58;
	return fx_sum16(p + 40, m, fx_sum16(ph, sizeof(ph), 0));
}

/* The IPv4 fence with its checksums right. */
static void fence4_summed(uint8_t *out)
{
	uint16_t s;

	memcpy(out, fence4, sizeof(fence4));
	s = (uint16_t)~fx_sum16(out, 20, 0);
	out[10] = (uint8_t)(s >> 8), out[11] = (uint8_t)s;
	s = (uint16_t)~fx_sum16(out + 20, sizeof(fence4) - 20, 0);
	out[22] = (uint8_t)(s >> 8), out[23] = (uint8_t)s;
}

/* The reply: addresses swapped, type 0, TTL 64, the id given, the same
 * identifier, sequence and data; both checksums verify. */
static void test_reply4(void **state)
{
	uint8_t req[sizeof(fence4)], out[256];
	char err[200] = "";
	ssize_t n;
	struct pkt p;

	(void)state;
	fence4_summed(req);
	n = forge_echo_reply(req, sizeof(req), 0x0101, out, sizeof(out), err,
			     sizeof(err));
	if (n < 0)
		fail_msg("forge_echo_reply: %s", err);
	assert_int_equal(n, sizeof(fence4));
	assert_int_equal(out[0], 0x45);
	assert_int_equal(out[2] << 8 | out[3], sizeof(fence4));
	assert_int_equal(out[4] << 8 | out[5], 0x0101);
	assert_int_equal(out[8], 64);
	assert_int_equal(out[9], IPPROTO_ICMP);
	assert_memory_equal(out + 12, fence4 + 16, 4);
	assert_memory_equal(out + 16, fence4 + 12, 4);
	assert_int_equal(out[20], 0);
	assert_int_equal(out[21], 0);
	assert_memory_equal(out + 24, fence4 + 24, sizeof(fence4) - 24);
	assert_int_equal(fx_sum16(out, 20, 0), 0xffff);
	assert_int_equal(fx_sum16(out + 20, sizeof(fence4) - 20, 0), 0xffff);
	assert_int_equal(pkt_decode_ip(out, (size_t)n, &p), PKT_OK);
	assert_int_equal(p.h.kind, PK_ICMP_ECHO);
}

static void test_reply6(void **state)
{
	uint8_t req[sizeof(fence6)], out[256];
	char err[200] = "";
	uint16_t s;
	ssize_t n;

	(void)state;
	memcpy(req, fence6, sizeof(fence6));
	s = (uint16_t)~sum6(req, sizeof(req));
	req[42] = (uint8_t)(s >> 8), req[43] = (uint8_t)s;
	n = forge_echo_reply(req, sizeof(req), 0, out, sizeof(out), err,
			     sizeof(err));
	if (n < 0)
		fail_msg("forge_echo_reply: %s", err);
	assert_int_equal(n, sizeof(fence6));
	assert_int_equal(out[0], 0x60);
	assert_int_equal(out[4] << 8 | out[5], sizeof(fence6) - 40);
	assert_int_equal(out[6], 58);
	assert_int_equal(out[7], 64);
	assert_memory_equal(out + 8, fence6 + 24, 16);
	assert_memory_equal(out + 24, fence6 + 8, 16);
	assert_int_equal(out[40], 129);
	assert_int_equal(out[41], 0);
	assert_memory_equal(out + 44, fence6 + 44, sizeof(fence6) - 44);
	assert_int_equal(sum6(out, (size_t)n), 0xffff);
}

/* Anything but a whole Echo Request that fits is refused, with a reason. */
static void test_reply_refuses(void **state)
{
	uint8_t req[sizeof(fence4)], out[256];
	char err[200];

	(void)state;
	fence4_summed(req);
	err[0] = '\0';
	assert_int_equal(forge_echo_reply(req, 10, 1, out, sizeof(out), err,
					  sizeof(err)),
			 -1);
	assert_true(err[0]);
	req[20] = 0; /* a reply is not answered */
	assert_int_equal(forge_echo_reply(req, sizeof(req), 1, out,
					  sizeof(out), err, sizeof(err)),
			 -1);
	fence4_summed(req);
	assert_int_equal(forge_echo_reply(req, sizeof(req), 1, out, 30, err,
					  sizeof(err)),
			 -1);
	req[3] = 0x40; /* a total length past the bytes */
	assert_int_equal(forge_echo_reply(req, sizeof(req), 1, out,
					  sizeof(out), err, sizeof(err)),
			 -1);
	assert_int_equal(forge_echo_reply(fence6, 50, 1, out, sizeof(out),
					  err, sizeof(err)),
			 -1);
}

/* The fence itself, its reply, and an error quoting it; another
 * identifier is not ours, and a quote cut before the sequence number
 * answers nothing. */
static void test_fence_packet(void **state)
{
	uint8_t req[sizeof(fence4)], reply[256];
	static uint8_t err_pkt[FORGE_PKT_MAX];
	struct forge_spec s;
	char err[200] = "";
	struct pkt p;
	bool answer;
	uint16_t seq = 0;
	ssize_t n;

	(void)state;
	fence4_summed(req);
	pkt_decode_ip(req, sizeof(req), &p);
	assert_true(fence_packet(&p, FENCE_ID, &answer, &seq));
	assert_false(answer);
	assert_false(fence_packet(&p, FENCE_ID + 1, &answer, &seq));

	n = forge_echo_reply(req, sizeof(req), 1, reply, sizeof(reply), err,
			     sizeof(err));
	assert_true(n > 0);
	pkt_decode_ip(reply, (size_t)n, &p);
	assert_true(fence_packet(&p, FENCE_ID, &answer, &seq));
	assert_true(answer);
	assert_int_equal(seq, FENCE_SEQ);

	memset(&s, 0, sizeof(s));
	inet_pton(AF_INET, "198.51.100.1", s.src);
	s.type = 3;
	s.code = 1;
	s.ip_id = 2;
	n = forge_build(&s, req, sizeof(req), err_pkt, sizeof(err_pkt), err,
			sizeof(err));
	if (n < 0)
		fail_msg("forge_build: %s", err);
	pkt_decode_ip(err_pkt, (size_t)n, &p);
	seq = 0;
	assert_true(fence_packet(&p, FENCE_ID, &answer, &seq));
	assert_true(answer);
	assert_int_equal(seq, FENCE_SEQ);

	s.variant = FORGE_SHORT_QUOTE;
	n = forge_build(&s, req, sizeof(req), err_pkt, sizeof(err_pkt), err,
			sizeof(err));
	assert_true(n > 0);
	pkt_decode_ip(err_pkt, (size_t)n, &p);
	assert_false(fence_packet(&p, FENCE_ID, &answer, &seq) && answer);
}

/* The ledger: with the fence's identifier set, its packets are "fence",
 * never held for a flow, and the answer's sequence number is taken once. */
static void test_wire_fences(void **state)
{
	static struct wire w;
	uint8_t frame[14 + 256], req[sizeof(fence4)];
	char err[200];
	struct ipaddr dst;
	uint16_t seqs[4];
	ssize_t n;

	(void)state;
	assert_int_equal(addr_parse("203.0.113.2", &dst), 0);
	wire_init(&w, &dst);
	wire_set_fence(&w, FENCE_ID);
	memset(frame, 0, 14);
	frame[12] = 0x08;
	fence4_summed(req);
	memcpy(frame + 14, req, sizeof(req));
	wire_on_packet(&w, frame, 14 + sizeof(req), 14 + sizeof(req),
		       w.real_minus_mono + 1);
	n = forge_echo_reply(req, sizeof(req), 1, frame + 14, 256, err,
			     sizeof(err));
	assert_true(n > 0);
	wire_on_packet(&w, frame, 14 + (size_t)n, 14 + (size_t)n,
		       w.real_minus_mono + 2);
	assert_int_equal(w.npackets, 2);
	assert_int_equal(w.packets[0].cls, WIRE_FENCE);
	assert_int_equal(w.packets[1].cls, WIRE_FENCE);
	assert_string_equal(wire_class_name(WIRE_FENCE), "fence");
	assert_int_equal(wire_take_fences(&w, seqs, 4), 1);
	assert_int_equal(seqs[0], FENCE_SEQ);
	assert_int_equal(wire_take_fences(&w, seqs, 4), 0);
	wire_finish(&w);
	assert_null(w.packets[0].probe);
	wire_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply4),
		cmocka_unit_test(test_reply6),
		cmocka_unit_test(test_reply_refuses),
		cmocka_unit_test(test_fence_packet),
		cmocka_unit_test(test_wire_fences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
