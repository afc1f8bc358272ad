/* The cell view and `show` on a stored document
 * (tests/data/show-results.json: the ttl_exceeded case of a real run with
 * its topology and the udp-connected and udp-recverr cells, two neighbour
 * discovery packets, and a made-up case ttl_exceeded_styles without a
 * topology whose title and explanation are hostile HTML). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellview.h"
#include "resdoc.h"
#include "runner.h"
#include "show.h"

#define DOC "tests/data/show-results.json"

static json_t *cell(json_t *doc, const char *kase, const char *probe)
{
	char err[512];
	json_t *c = cellview_find_cell(doc, kase, probe, err, sizeof(err));

	if (!c)
		fail_msg("%s", err);
	return c;
}

/* The timeline holds the probe's events and its own packets only, in
 * time order, and the others are counted. */
static void test_timeline(void **state)
{
	json_t *doc = load_document(DOC);
	struct cellview v;
	size_t i, sent = 0, errors = 0, calls = 0;

	(void)state;
	assert_int_equal(
		cellview_init(&v, doc,
			      cell(doc, "ttl_exceeded", "udp-connected")),
		0);
	assert_string_equal(v.name, "ttl_exceeded");
	assert_string_equal(v.probe, "udp-connected");
	assert_non_null(v.topology);
	for (i = 0; i < v.nsteps; i++) {
		if (i)
			assert_true(v.steps[i - 1].t_ms <= v.steps[i].t_ms);
		sent += v.steps[i].kind == CV_SENT;
		errors += v.steps[i].kind == CV_ERROR;
		calls += v.steps[i].kind == CV_CALL;
		if (v.steps[i].kind == CV_ERROR) {
			assert_non_null(
				strstr(v.steps[i].text,
				       "IP 198.51.100.1 > 198.51.100.2: "
				       "ICMP TTL exceeded in transit "
				       "(11/0)"));
			assert_non_null(strstr(v.steps[i].text,
					       "quoting 198.51.100.2."));
			assert_non_null(strstr(v.steps[i].text,
					       "> 203.0.113.2.33434: UDP"));
		}
	}
	assert_int_equal(sent, 2);
	assert_int_equal(errors, 2);
	assert_true(calls >= 6); /* socket, setsockopt, bind, connect, ... */
	/* 2 neighbour discovery + udp-recverr's datagram and error. */
	assert_int_equal(v.left_out, 4);
	assert_non_null(strstr(v.rule, "the probes send with TTL 1"));
	assert_string_equal(v.wire, "11/0 x2");
	assert_string_equal(v.expected, "none");
	cellview_free(&v);
	cellview_free(&v); /* twice is safe */
	json_decref(doc);
}

/* Names: exact, a unique prefix, an ambiguous prefix, a misspelling. */
static void test_find(void **state)
{
	json_t *doc = load_document(DOC), *k;
	char err[512];

	(void)state;
	k = cellview_find_case(doc, "ttl_exceeded", err, sizeof(err));
	assert_non_null(k);
	assert_string_equal(resdoc_str(k, "name"), "ttl_exceeded");
	k = cellview_find_case(doc, "ttl_exceeded_s", err, sizeof(err));
	assert_non_null(k);
	assert_string_equal(resdoc_str(k, "name"), "ttl_exceeded_styles");
	assert_null(cellview_find_case(doc, "ttl", err, sizeof(err)));
	assert_non_null(strstr(err, "ambiguous"));
	assert_non_null(strstr(err, "ttl_exceeded_styles"));
	assert_null(cellview_find_case(doc, "ttl_exceded", err, sizeof(err)));
	assert_non_null(strstr(err, "did you mean ttl_exceeded"));
	assert_non_null(cell(doc, "ttl_exceeded", "udp-r"));
	assert_null(cellview_find_cell(doc, "ttl_exceeded", "udp-", err,
				       sizeof(err)));
	assert_non_null(strstr(err, "ambiguous"));
	assert_null(cellview_find_cell(doc, "ttl_exceeded", "udp-conected", err,
				       sizeof(err)));
	assert_non_null(strstr(err, "case ttl_exceeded: no probe "
				    "'udp-conected'"));
	assert_non_null(strstr(err, "did you mean udp-connected"));
	json_decref(doc);
}

static void test_packet_line(void **state)
{
	json_t *p = json_pack("{s:f, s:i, s:s, s:s, s:s, s:s, s:s, s:i, s:i, "
			      "s:i}",
			      "t_ms", 1.0, "len", 74, "class", "datagram",
			      "src", "2001:db8:1::2", "dst", "2001:db8:2::2",
			      "parse", "truncated: quote ends early", "proto",
			      "udp", "ttl", 1, "sport", 40000, "dport", 33434);
	char buf[256];

	(void)state;
	cellview_packet_line(p, buf, sizeof(buf));
	assert_string_equal(buf, "IP6 2001:db8:1::2.40000 > "
				 "2001:db8:2::2.33434: UDP, ttl 1, 74 bytes "
				 "[truncated: quote ends early]");
	json_decref(p);
	p = json_pack("{s:i, s:s, s:s}", "len", 42, "class", "other", "parse",
		      "unsupported: ethertype is neither IPv4 nor IPv6");
	cellview_packet_line(p, buf, sizeof(buf));
	assert_string_equal(buf, "not IP, 42 bytes (unsupported: ethertype "
				 "is neither IPv4 nor IPv6)");
	json_decref(p);
	assert_true(cellview_in_family("198.51.100.2/24", "ipv4"));
	assert_false(cellview_in_family("2001:db8:1::2/64", "ipv4"));
	assert_true(cellview_in_family("2001:db8:1::2/64", "ipv6"));
}

/* `show` prints what a person needs, within 100 columns where it wraps. */
static void test_show_text(void **state)
{
	json_t *doc = load_document(DOC);
	char *buf = NULL, err[512];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(show_write(f, doc, "ttl_exceeded", "udp-conn", err,
				    sizeof(err)),
			 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(buf, "client  c0 198.51.100.2/24 mtu 1500"));
	assert_non_null(strstr(buf, "router  rc 198.51.100.1/24 mtu 1500; "
				    "rs 203.0.113.1/24 mtu 1500"));
	assert_null(strstr(buf, "2001:db8")); /* an IPv4 case */
	assert_non_null(strstr(buf, "route 203.0.113.0/24 via 198.51.100.1"));
	assert_non_null(strstr(buf, "the probes send with TTL 1"));
	assert_non_null(strstr(buf, "wire < IP 198.51.100.1 > "));
	assert_non_null(strstr(buf, "call   recv() = -1 EAGAIN"));
	assert_non_null(strstr(buf, "Verdict:     pass"));
	assert_non_null(strstr(buf, "Why: Time Exceeded is a soft error"));
	assert_non_null(strstr(buf, "See: net/ipv4/udp.c"));
	assert_non_null(strstr(buf, "Capture: /nonexistent/pcap/"
				    "ttl_exceeded.pcap"));
	assert_null(strstr(buf, "udp-recverr x")); /* one cell only */
	free(buf);
	/* Without a probe: every cell of the case, the topology once. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(
		show_write(f, doc, "ttl_exceeded", NULL, err, sizeof(err)), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(buf, "ttl_exceeded x udp-connected: pass"));
	assert_non_null(strstr(buf, "ttl_exceeded x udp-recverr: pass"));
	assert_null(strstr(strstr(buf, "Topology") + 1, "Topology ("));
	free(buf);
	assert_int_equal(
		show_write(stdout, doc, "nope", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no case 'nope'"));
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_packet_line),
		cmocka_unit_test(test_show_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
