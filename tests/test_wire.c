/* Tests for harness/wire.c: the ledger credits each datagram and ICMP error
 * to the flow alive when it was captured. Two probes of one case may have
 * the same protocol, addresses and ports one after the other (the first
 * closed its socket, the second got the same ephemeral port): what the
 * second sends, and the errors quoting it, are the second's, even when
 * they reach the ledger before its flow event (issue 13, item 5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>

#include "../harness/wire.h"
#include "fixtures.h"

#define SEC 1000000000ull

/* The flow of fx_eth_v4_udp_padded, which fx_eth_v4_port_unreach quotes:
 * UDP 198.51.100.2:40000 > 203.0.113.2:33434. */
static struct flow udp_flow(void)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.proto = IPPROTO_UDP;
	assert_int_equal(addr_parse("198.51.100.2", &f.src), 0);
	assert_int_equal(addr_parse("203.0.113.2", &f.dst), 0);
	f.sport = 40000;
	f.dport = 33434;
	return f;
}

/* Feeds a fixture frame captured at monotonic time t. */
static void feed(struct wire *w, const uint8_t *b, size_t len, uint64_t t)
{
	wire_on_packet(w, b, len, len, t + w->real_minus_mono);
}

static void datagram(struct wire *w, uint64_t t)
{
	feed(w, fx_eth_v4_udp_padded, sizeof(fx_eth_v4_udp_padded), t);
}

static void error(struct wire *w, uint64_t t)
{
	feed(w, fx_eth_v4_port_unreach, sizeof(fx_eth_v4_port_unreach), t);
}

static struct wire *new_wire(void)
{
	static struct wire w;
	struct ipaddr dst;

	assert_int_equal(addr_parse("203.0.113.2", &dst), 0);
	wire_init(&w, &dst);
	return &w;
}

/* The second flow is known before its packets come. */
static void test_reuse_known_flow(void **state)
{
	struct wire *w = new_wire();
	struct flow f = udp_flow();

	(void)state;
	assert_int_equal(wire_add_flow_at(w, &f, 0, "first", 10 * SEC), 0);
	datagram(w, 11 * SEC);
	error(w, 11 * SEC + 1000);
	assert_int_equal(wire_add_flow_at(w, &f, 1, "second", 20 * SEC), 1);
	datagram(w, 21 * SEC);
	error(w, 21 * SEC + 1000);
	datagram(w, 22 * SEC);
	error(w, 22 * SEC + 1000);
	wire_finish(w);
	assert_int_equal(w->owners[0].datagrams, 1);
	assert_int_equal(w->owners[0].nerrors, 1);
	assert_int_equal(w->owners[1].datagrams, 2);
	assert_int_equal(w->owners[1].nerrors, 2);
	assert_string_equal(w->packets[0].probe, "first");
	assert_string_equal(w->packets[3].probe, "second");
	wire_free(w);
}

/* The second probe's packets reach the ledger before its flow event (the
 * event is still in its pipe): first credited to the earlier flow, they
 * move when the later flow is announced. */
static void test_reuse_late_flow_event(void **state)
{
	struct wire *w = new_wire();
	struct flow f = udp_flow();

	(void)state;
	assert_int_equal(wire_add_flow_at(w, &f, 0, "first", 10 * SEC), 0);
	datagram(w, 11 * SEC);
	error(w, 11 * SEC + 1000);
	datagram(w, 21 * SEC);
	error(w, 21 * SEC + 1000);
	assert_int_equal(w->owners[0].datagrams, 2);
	assert_int_equal(w->owners[0].nerrors, 2);
	(void)wire_take_credited(w);
	assert_int_equal(wire_add_flow_at(w, &f, 1, "second", 20 * SEC), 1);
	assert_int_equal(wire_take_credited(w), 1u << 1);
	/* A late error of the first probe's datagram, captured before the
	 * second flow started, stays the first's. */
	error(w, 19 * SEC);
	wire_finish(w);
	assert_int_equal(w->owners[0].datagrams, 1);
	assert_int_equal(w->owners[0].nerrors, 2);
	assert_int_equal(w->owners[0].errors[0].t_ns, 11 * SEC + 1000);
	assert_int_equal(w->owners[0].errors[1].t_ns, 19 * SEC);
	assert_int_equal(w->owners[1].datagrams, 1);
	assert_int_equal(w->owners[1].nerrors, 1);
	assert_int_equal(w->owners[1].errors[0].t_ns, 21 * SEC + 1000);
	assert_string_equal(w->packets[0].probe, "first");
	assert_string_equal(w->packets[1].probe, "first");
	assert_string_equal(w->packets[2].probe, "second");
	assert_string_equal(w->packets[3].probe, "second");
	assert_string_equal(w->packets[4].probe, "first");
	wire_free(w);
}

/* A probe's end closes its flow: an error captured later quotes a socket
 * that is gone, and is nobody's until a later flow takes the port (issue
 * 13 item 5, reproduced on purpose): whether the end is known before the
 * error reaches the ledger or after. */
static void test_flow_ends_with_probe(void **state)
{
	struct wire *w = new_wire();
	struct flow f = udp_flow();

	(void)state;
	assert_int_equal(wire_add_flow_at(w, &f, 0, "first", 10 * SEC), 0);
	datagram(w, 11 * SEC);
	error(w, 11 * SEC + 1000);
	/* Captured after the end, read before the end event. */
	error(w, 14 * SEC);
	assert_int_equal(w->owners[0].nerrors, 2);
	wire_end_owner(w, 0, 12 * SEC);
	assert_int_equal(w->owners[0].nerrors, 1);
	assert_int_equal(w->packets[2].cls, WIRE_ERROR_OTHER);
	assert_null(w->packets[2].probe);
	/* Captured after the end, read after it too. */
	error(w, 15 * SEC);
	assert_int_equal(w->packets[3].cls, WIRE_ERROR_OTHER);
	/* A later probe gets the port: what follows its start is its. */
	assert_int_equal(wire_add_flow_at(w, &f, 1, "second", 20 * SEC), 1);
	datagram(w, 21 * SEC);
	error(w, 21 * SEC + 1000);
	wire_finish(w);
	assert_int_equal(w->owners[0].datagrams, 1);
	assert_int_equal(w->owners[0].nerrors, 1);
	assert_int_equal(w->owners[0].errors[0].t_ns, 11 * SEC + 1000);
	assert_int_equal(w->owners[1].datagrams, 1);
	assert_int_equal(w->owners[1].nerrors, 1);
	assert_string_equal(w->packets[5].probe, "second");
	wire_free(w);
}

/* One flow, as before: every packet is its own, whatever the times. */
static void test_single_flow(void **state)
{
	struct wire *w = new_wire();
	struct flow f = udp_flow();

	(void)state;
	assert_int_equal(wire_add_flow_at(w, &f, 0, "only", 10 * SEC), 0);
	datagram(w, 9 * SEC); /* before its start: a clock's rounding */
	error(w, 11 * SEC);
	wire_finish(w);
	assert_int_equal(w->owners[0].datagrams, 1);
	assert_int_equal(w->owners[0].nerrors, 1);
	wire_free(w);
}

/* A user's command: a flow to the destination only (any protocol and
 * ports). Only errors quoting a datagram it was seen sending, by source
 * address and port, are its: one quoting another source port (a forger's
 * guess) is nobody's, and so is one quoting a datagram that never left. */
static void test_command_learns_its_flows(void **state)
{
	struct wire *w = new_wire();
	struct flow f;
	uint8_t other[sizeof(fx_eth_v4_port_unreach)];

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(addr_parse("203.0.113.2", &f.dst), 0);
	assert_int_equal(wire_add_flow(w, &f, 0, "cmd"), 0);
	/* The quoted source port 40000 becomes 40001 (offset: Ethernet 14,
	 * IP 20, ICMP 8, quoted IP 20). */
	memcpy(other, fx_eth_v4_port_unreach, sizeof(other));
	assert_int_equal(other[62] << 8 | other[63], 40000);
	other[63] = 0x41;
	datagram(w, 1 * SEC);
	error(w, 1 * SEC + 1000);
	feed(w, other, sizeof(other), 1 * SEC + 2000);
	error(w, 1 * SEC + 3000);
	wire_finish(w);
	assert_int_equal(w->owners[0].datagrams, 1);
	assert_int_equal(w->owners[0].nerrors, 2);
	assert_int_equal(w->packets[1].cls, WIRE_ERROR);
	assert_int_equal(w->packets[2].cls, WIRE_ERROR_OTHER);
	assert_null(w->packets[2].probe);
	wire_free(w);

	/* Nothing sent: the same error is nobody's. */
	w = new_wire();
	assert_int_equal(wire_add_flow(w, &f, 0, "cmd"), 0);
	error(w, 1 * SEC);
	wire_finish(w);
	assert_int_equal(w->owners[0].datagrams, 0);
	assert_int_equal(w->owners[0].nerrors, 0);
	assert_int_equal(w->packets[0].cls, WIRE_ERROR_OTHER);
	wire_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reuse_known_flow),
		cmocka_unit_test(test_reuse_late_flow_event),
		cmocka_unit_test(test_single_flow),
		cmocka_unit_test(test_flow_ends_with_probe),
		cmocka_unit_test(test_command_learns_its_flows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
