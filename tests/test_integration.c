/* Integration: the real harness, real namespaces, real capture. Asserts on
 * every cell of the shipped cases, on the captures, on determinism across
 * runs and job counts, and on the run's refusals (bad case file, no root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

static const char *const udp_probes[] = {
	"udp-unconnected", "udp-connected", "udp-so-error", "udp-recverr",
	"udp-recverr-connected", NULL,
};

struct fixture {
	char dir[256];
	json_t *doc;
	int status;
};

static struct fixture main_run;

static int run_suite(struct fixture *f, const char *tag, const char *jobs)
{
	const char *d = make_tmpdir(tag);
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "-j", jobs,
			      "--out", d, NULL};
	char err[4096];

	if (!d)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s", d);
	f->status = run_cmd(argv, err, sizeof(err));
	if (f->status != 0)
		fprintf(stderr, "icmplab run exited %d: %s\n", f->status, err);
	f->doc = load_results(f->dir);
	return f->doc ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	if (!can_run_suite())
		return 0;
	return run_suite(&main_run, "it", "1");
}

static int teardown(void **state)
{
	(void)state;
	json_decref(main_run.doc);
	return 0;
}

#define NEED_SUITE()                                                        \
	do {                                                                \
		if (!main_run.doc) {                                        \
			fprintf(stderr, "skip: suite did not run here\n"); \
			skip();                                             \
		}                                                           \
	} while (0)

/* Every shipped cell matches its case file's expectation. */
static void test_every_cell_passes(void **state)
{
	json_t *c;
	size_t i;

	(void)state;
	NEED_SUITE();
	assert_true(json_array_size(json_object_get(main_run.doc, "cells")) >=
		    15);
	/* Name every cell that is off before failing on the first. */
	json_array_foreach(json_object_get(main_run.doc, "cells"), i, c)
	{
		const char *v = json_string_value(json_object_get(c, "verdict"));
		const char *why = json_string_value(json_object_get(c, "reason"));

		if (strcmp(v, "pass") != 0 && strcmp(v, "info") != 0)
			fprintf(stderr, "cell %s/%s: %s%s%s\n",
				json_string_value(json_object_get(c, "case")),
				json_string_value(json_object_get(c, "probe")),
				v, why ? ": " : "", why ? why : "");
	}
	json_array_foreach(json_object_get(main_run.doc, "cells"), i, c)
	{
		const char *v = json_string_value(json_object_get(c, "verdict"));

		assert_true(strcmp(v, "pass") == 0 || strcmp(v, "info") == 0);
	}
	assert_int_equal(main_run.status, 0);
}

static json_t *cell(const char *kase, const char *probe)
{
	json_t *c = find_cell(main_run.doc, kase, probe);

	if (!c)
		fail_msg("no cell %s/%s", kase, probe);
	return c;
}

static void assert_wire(json_t *c, int n, int type, int code,
			const char *from)
{
	json_t *w = json_object_get(c, "wire"), *x;
	size_t i;

	assert_int_equal(json_array_size(w), n);
	json_array_foreach(w, i, x)
	{
		assert_int_equal(json_integer_value(json_object_get(x, "type")),
				 type);
		assert_int_equal(json_integer_value(json_object_get(x, "code")),
				 code);
		assert_string_equal(json_string_value(json_object_get(x, "from")),
				    from);
	}
}

/* The stories of the issue, checked against the wire and the sockets
 * directly, not only against the case files' expectations. */
static void test_port_unreachable(void **state)
{
	json_t *c, *s;
	int i;

	(void)state;
	NEED_SUITE();
	for (i = 0; udp_probes[i]; i++) {
		c = cell("port_unreachable", udp_probes[i]);
		/* udp-connected sends twice; every datagram gets its 3/3. */
		assert_wire(c, strcmp(udp_probes[i], "udp-connected") ? 1 : 2,
			    3, 3, "203.0.113.2");
	}
	c = cell("port_unreachable", "udp-unconnected");
	assert_int_equal(json_array_size(json_object_get(c, "surfaced")), 0);
	assert_true(json_is_true(json_object_get(c, "unsurfaced")));
	c = cell("port_unreachable", "udp-connected");
	s = json_array_get(json_object_get(c, "surfaced"), 0);
	assert_string_equal(json_string_value(json_object_get(s, "via")), "recv");
	assert_string_equal(json_string_value(json_object_get(s, "errno")),
			    "ECONNREFUSED");
	c = cell("port_unreachable", "udp-recverr");
	s = json_array_get(json_object_get(c, "surfaced"), 0);
	assert_string_equal(json_string_value(json_object_get(s, "via")),
			    "errqueue");
	assert_string_equal(json_string_value(json_object_get(s, "origin")),
			    "icmp");
	assert_int_equal(json_integer_value(json_object_get(s, "type")), 3);
	assert_int_equal(json_integer_value(json_object_get(s, "code")), 3);
	assert_string_equal(json_string_value(json_object_get(s, "offender")),
			    "203.0.113.2");
}

static void test_ttl_exceeded(void **state)
{
	json_t *c, *s;
	int i;

	(void)state;
	NEED_SUITE();
	for (i = 0; udp_probes[i]; i++)
		assert_wire(cell("ttl_exceeded", udp_probes[i]),
			    strcmp(udp_probes[i], "udp-connected") ? 1 : 2, 11,
			    0, "198.51.100.1");
	assert_int_equal(json_array_size(json_object_get(
				 cell("ttl_exceeded", "udp-connected"),
				 "surfaced")),
			 0);
	assert_int_equal(json_array_size(json_object_get(
				 cell("ttl_exceeded", "udp-so-error"),
				 "surfaced")),
			 0);
	c = cell("ttl_exceeded", "udp-recverr-connected");
	s = json_array_get(json_object_get(c, "surfaced"), 0);
	assert_string_equal(json_string_value(json_object_get(s, "errno")),
			    "EHOSTUNREACH");
	assert_int_equal(json_integer_value(json_object_get(s, "type")), 11);
	assert_string_equal(json_string_value(json_object_get(s, "offender")),
			    "198.51.100.1");
}

static void test_silent_drop(void **state)
{
	int i;

	(void)state;
	NEED_SUITE();
	for (i = 0; udp_probes[i]; i++) {
		json_t *c = cell("silent_drop", udp_probes[i]);

		assert_int_equal(json_array_size(json_object_get(c, "wire")), 0);
		assert_int_equal(json_array_size(json_object_get(c, "surfaced")),
				 0);
		assert_true(json_integer_value(json_object_get(c, "datagrams")) >=
			    1);
	}
}

/* Dual-stack sockets on an IPv4 flow: the probe's datagram left as IPv4
 * and the server's 3/3 matched it (the flow was unmapped); with IP_RECVERR
 * the entry comes as SOL_IPV6/IPV6_RECVERR (errqueue_ipv6), origin ICMP,
 * offender v4-mapped; IPV6_RECVERR alone hears nothing; the IPv6 twin of
 * the row has no dual-stack cell. */
static void test_dual_stack(void **state)
{
	static const char *const dual[] = {
		"udp-dual-connected", "udp-dual-recverr6", "udp-dual-recverr4",
		"udp-dual-recverr-both", NULL};
	json_t *c, *s;
	int i;

	(void)state;
	NEED_SUITE();
	for (i = 0; dual[i]; i++) {
		assert_wire(cell("port_unreachable_styles", dual[i]), 1, 3, 3,
			    "203.0.113.2");
		assert_null(find_cell(main_run.doc,
				      "port_unreachable_styles-ipv6", dual[i]));
	}
	c = cell("port_unreachable_styles", "udp-dual-recverr4");
	assert_int_equal(json_array_size(json_object_get(c, "surfaced")), 1);
	s = json_array_get(json_object_get(c, "surfaced"), 0);
	assert_string_equal(json_string_value(json_object_get(s, "via")),
			    "errqueue_ipv6");
	assert_string_equal(json_string_value(json_object_get(s, "errno")),
			    "ECONNREFUSED");
	assert_string_equal(json_string_value(json_object_get(s, "origin")),
			    "icmp");
	assert_string_equal(json_string_value(json_object_get(s, "offender")),
			    "::ffff:203.0.113.2");
	c = cell("port_unreachable_styles", "udp-dual-recverr6");
	assert_int_equal(json_array_size(json_object_get(c, "surfaced")), 0);
	assert_true(json_is_true(json_object_get(c, "unsurfaced")));
	c = cell("port_unreachable_styles", "udp-dual-connected");
	s = json_array_get(json_object_get(c, "surfaced"), 0);
	assert_string_equal(json_string_value(json_object_get(s, "via")),
			    "recv");
	assert_string_equal(json_string_value(json_object_get(s, "errno")),
			    "ECONNREFUSED");
	c = cell("ttl_exceeded_styles", "udp-dual-recverr-both");
	assert_wire(c, 1, 11, 0, "198.51.100.1");
	s = json_array_get(json_object_get(c, "surfaced"), 0);
	assert_string_equal(json_string_value(json_object_get(s, "via")),
			    "errqueue_ipv6");
	assert_string_equal(json_string_value(json_object_get(s, "offender")),
			    "::ffff:198.51.100.1");
}

/* Each case leaves a readable capture holding its datagrams and errors. */
static void test_pcaps(void **state)
{
	static const char *const cases[] = {"port_unreachable", "ttl_exceeded",
					    "silent_drop", NULL};
	char path[512], ebuf[PCAP_ERRBUF_SIZE];
	int i;

	(void)state;
	NEED_SUITE();
	for (i = 0; cases[i]; i++) {
		struct pcap_pkthdr *h;
		const u_char *b;
		pcap_t *p;
		int n = 0;

		snprintf(path, sizeof(path), "%s/pcap/%s.pcap", main_run.dir,
			 cases[i]);
		p = pcap_open_offline(path, ebuf);
		if (!p)
			fail_msg("%s", ebuf);
		while (pcap_next_ex(p, &h, &b) == 1)
			n++;
		pcap_close(p);
		/* 6 datagrams at least; the two answered cases twice that. */
		assert_true(n >= (strcmp(cases[i], "silent_drop") ? 12 : 6));
	}
}

/* Same cells with -j 2 as with -j 1, and run after run. */
/* Fails naming the first cell (a line of a fingerprint) in which b
 * differs from a, rather than printing two whole fingerprints. */
static void same_cells(const char *what, const char *a, const char *b)
{
	const char *pa = a, *pb = b;

	while (*pa && *pb) {
		size_t la = strcspn(pa, "\n"), lb = strcspn(pb, "\n");

		if (la != lb || memcmp(pa, pb, la) != 0)
			fail_msg("%s differs from the first run:\n  first: "
				 "%.*s\n  then:  %.*s",
				 what, (int)la, pa, (int)lb, pb);
		pa += la + (pa[la] != '\0');
		pb += lb + (pb[lb] != '\0');
	}
	if (*pa || *pb)
		fail_msg("%s has %s cells than the first run", what,
			 *pa ? "fewer" : "more");
}

static void test_deterministic(void **state)
{
	struct fixture again = {0}, par = {0};
	char *a, *b, *c;

	(void)state;
	NEED_SUITE();
	assert_int_equal(run_suite(&again, "again", "1"), 0);
	assert_int_equal(run_suite(&par, "par", "2"), 0);
	a = cells_fingerprint(main_run.doc);
	b = cells_fingerprint(again.doc);
	c = cells_fingerprint(par.doc);
	same_cells("-j 1 again", a, b);
	same_cells("-j 2", a, c);
	free(a), free(b), free(c);
	json_decref(again.doc);
	json_decref(par.doc);
}

/* A claim is judged beside the cell: the textbook claim about unconnected
 * sockets names the errors it predicts, and this kernel's cell says whether
 * they came. */
static void test_claim_judged(void **state)
{
	json_t *c, *claim;

	(void)state;
	NEED_SUITE();
	c = cell("textbook_unconnected_du", "udp-unconnected");
	claim = json_object_get(c, "claim");
	assert_non_null(claim);
	assert_true(json_array_size(json_object_get(claim, "predicts")) == 10);
	/* Measured on the kernels this suite knows: nothing reaches an
	 * unconnected socket, so the claim does not hold. */
	assert_true(json_is_false(json_object_get(claim, "holds")));
	assert_int_equal(json_array_size(json_object_get(c, "wire")), 16);
}

/* A user's own command under each fault: its exit status beside the wire,
 * reported but not judged when it has no expectation. */
/* The stdout of cmd (a shell line of controlled paths) into buf; its
 * exit status, or -1. */
static int output_of(const char *cmd, char *buf, size_t len)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0, r;
	int st;

	buf[0] = '\0';
	if (!p)
		return -1;
	while (n + 1 < len && (r = fread(buf + n, 1, len - 1 - n, p)) > 0)
		n += r;
	buf[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The seed story end to end: a run of the two core cases, then why on
 * its document says Time Exceeded was on the wire, recv() found nothing,
 * and udp-recverr and raw-icmp heard it. */
static void test_why_seed_story(void **state)
{
	const char *d = make_tmpdir("why");
	const char *argv[] = {ICMPLAB_BIN, "run", "--out", NULL,
			      "ttl_exceeded", "port_unreachable", NULL};
	static char out[65536];
	char err[4096], cmd[1024];

	(void)state;
	NEED_SUITE();
	argv[3] = d;
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 0);
	snprintf(cmd, sizeof(cmd),
		 "%s why --results %s/results.json udp-connected ttl_exceeded",
		 ICMPLAB_BIN, d);
	assert_int_equal(output_of(cmd, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "(type 11, code 0) from "));
	assert_non_null(strstr(out, "ICMP TTL exceeded in transit, type 11 "
				    "code 0, quoting udp "));
	assert_non_null(strstr(out, "  recv() returned -1, errno EAGAIN"));
	assert_non_null(strstr(out, "What surfaced: nothing: the wire "
				    "carried the error"));
	assert_non_null(strstr(out, "  udp-recverr: "
				    "errqueue:EHOSTUNREACH/icmp/11/0"));
	/* An unconnected socket is bound to any address: the error's
	 * destination is the client's address all the same. */
	snprintf(cmd, sizeof(cmd),
		 "%s why --results %s/results.json udp-unconnected ttl",
		 ICMPLAB_BIN, d);
	assert_int_equal(output_of(cmd, out, sizeof(out)), 0);
	assert_non_null(strstr(out, " > 198.51.100.2: ICMP TTL exceeded"));
	assert_null(strstr(out, "0.0.0.0"));
	/* A misspelled style: exit 2 with a suggestion. */
	snprintf(cmd, sizeof(cmd),
		 "%s why --results %s/results.json udp-conected ttl 2>&1",
		 ICMPLAB_BIN, d);
	assert_int_equal(output_of(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "did you mean udp-connected"));
}

/* Each command has its own --help; a misspelled case or probe gets a
 * suggestion and exit 2. */
static void test_help_and_suggestions(void **state)
{
	static char out[65536];
	char cmd[1024];

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s why --help", ICMPLAB_BIN);
	assert_int_equal(output_of(cmd, out, sizeof(out)), 0);
	assert_true(strncmp(out, "usage: icmplab why [--results FILE] STYLE "
				 "FAULT\n",
			    46) == 0);
	assert_null(strstr(out, "--probe-cmd"));
	snprintf(cmd, sizeof(cmd), "%s help run", ICMPLAB_BIN);
	assert_int_equal(output_of(cmd, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "usage: icmplab run [options]"));
	assert_non_null(strstr(out, "--probe-cmd"));
	snprintf(cmd, sizeof(cmd), "%s run --probe udp-conected 2>&1",
		 ICMPLAB_BIN);
	assert_int_equal(output_of(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "did you mean udp-connected"));
	NEED_SUITE();
	snprintf(cmd, sizeof(cmd), "%s run ttl_exeeded 2>&1", ICMPLAB_BIN);
	assert_int_equal(output_of(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "no case 'ttl_exeeded'"));
	assert_non_null(strstr(out, "did you mean ttl_exceeded"));
}

/* The default report of the whole suite fits 100 columns. */
static void test_short_report_width(void **state)
{
	static char out[1 << 20];
	char cmd[1024];
	const char *p, *e;

	(void)state;
	NEED_SUITE();
	snprintf(cmd, sizeof(cmd), "%s report %s/results.json", ICMPLAB_BIN,
		 main_run.dir);
	assert_int_equal(output_of(cmd, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\nttl       heard by udp-recverr"));
	for (p = out; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (e - p > 100)
			fail_msg("a line of %d columns: %.*s", (int)(e - p),
				 (int)(e - p), p);
	}
}

static void test_probe_cmd(void **state)
{
	const char *d = make_tmpdir("cmd");
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "--out", NULL,
			      "--probe-cmd", "printf x | nc -u -w1 {addr} {port}; "
					     "echo sent to {addr} {port}",
			      "port_unreachable", "silent_drop", NULL};
	char err[4096];
	json_t *doc, *c, *s;

	(void)state;
	NEED_SUITE();
	argv[4] = d;
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 0);
	doc = load_results(d);
	assert_non_null(doc);
	c = find_cell(doc, "port_unreachable", "cmd");
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "verdict")),
			    "info");
	assert_string_equal(json_string_value(json_object_get(c, "stdout")),
			    "sent to 203.0.113.2 33434\n");
	s = json_array_get(json_object_get(c, "surfaced"), 0);
	assert_string_equal(json_string_value(json_object_get(s, "via")), "exit");
	/* nc exits 0 although the 3/3 for its datagram was on the wire. */
	assert_int_equal(json_integer_value(json_object_get(s, "errno")), 0);
	assert_int_equal(json_array_size(json_object_get(c, "wire")), 1);
	assert_true(json_is_true(json_object_get(c, "unsurfaced")));
	/* The other probes kept their own errors. */
	assert_int_equal(json_array_size(json_object_get(
				 find_cell(doc, "port_unreachable", "udp-so-error"),
				 "wire")),
			 1);
	c = find_cell(doc, "silent_drop", "cmd");
	assert_int_equal(json_array_size(json_object_get(c, "wire")), 0);
	json_decref(doc);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* How many processes have exactly this argv (NUL-separated, as
 * /proc/PID/cmdline holds it, len bytes). */
static int count_argv(const char *want, size_t len)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[300], buf[256];
	int n = 0, fd;
	ssize_t got;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		got = read(fd, buf, sizeof(buf));
		close(fd);
		if (got == (ssize_t)len && memcmp(buf, want, len) == 0)
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* A command that outlives the case's deadline is killed at it, with every
 * process it started, and its cell says so: before, the harness killed
 * only /bin/sh and then waited for the end of file that `sleep` still
 * held, 25 s, and the cell claimed a kill at the deadline. */
static void test_cmd_killed_at_deadline(void **state)
{
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "--json", NULL,
			      "--timeout-ms", "1000", "--probe",
			      "udp-unconnected", "--probe-cmd",
			      "sleep 25; true", "silent_drop", NULL};
	char err[4096], path[512];
	const char *d = make_tmpdir("deadline"), *why;
	double t0, took;
	json_t *doc, *c;
	json_error_t je;

	(void)state;
	NEED_SUITE();
	assert_non_null(d);
	snprintf(path, sizeof(path), "%s/r.json", d);
	argv[4] = path;
	t0 = now_s();
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 1);
	took = now_s() - t0;
	if (took > 6.0)
		fail_msg("the run took %.1f s with --timeout-ms 1000", took);
	doc = json_load_file(path, 0, &je);
	assert_non_null(doc);
	c = find_cell(doc, "silent_drop", "cmd");
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "verdict")),
			    "error");
	why = json_string_value(json_object_get(c, "reason"));
	assert_non_null(why);
	assert_non_null(strstr(why, "killed at the case deadline"));
	/* The real time it ran, not the 25 s the sleep asked for. */
	assert_true(json_real_value(json_object_get(c, "duration_ms")) >= 900.0);
	assert_true(json_real_value(json_object_get(c, "duration_ms")) < 4000.0);
	json_decref(doc);
}

/* A command that leaves a process in the background leaves nothing once
 * its case is over: the command's PID namespace dies with it. */
static void test_cmd_background_dies(void **state)
{
	char cmd[128], want[64], err[4096];
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "--probe",
			      "udp-unconnected", "--probe-cmd", NULL,
			      "silent_drop", NULL};
	size_t len;
	double t0;
	int n;

	(void)state;
	NEED_SUITE();
	/* A unique argv marks the sleep: 100.PID seconds. */
	len = (size_t)snprintf(want, sizeof(want), "sleep%c100.%d", '\0',
			       (int)getpid()) + 1;
	snprintf(cmd, sizeof(cmd), "sleep 100.%d >/dev/null 2>&1 &",
		 (int)getpid());
	argv[6] = cmd;
	assert_int_equal(count_argv(want, len), 0);
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 0);
	t0 = now_s();
	while ((n = count_argv(want, len)) > 0 && now_s() - t0 < 3.0)
		usleep(10000);
	assert_int_equal(n, 0);
}

/* Copies file src to dst. 0 or -1. */
static int copy_file(const char *src, const char *dst)
{
	char buf[65536];
	ssize_t n;
	int in = open(src, O_RDONLY | O_CLOEXEC),
	    out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	return close(out) == 0 && n == 0 ? 0 : -1;
}

/* The shipped script cases, in a cases directory whose path has a blank
 * and shell syntax: they run as they do from cases/, and the syntax is
 * only a name. Before, {dir} was pasted into the shell text: the path
 * ran `touch` and the blank split the script's path. */
static void test_cmd_dir_not_shell(void **state)
{
	static const char *const files[] = {"v4/cmd/commands.case",
					    "v4/cmd/udp-ask.sh",
					    "probes.defs", "catalogue.defs",
					    NULL};
	const char *d = make_tmpdir("inj");
	char root[256], dir[512], victim[128], src[256], dst[768], err[4096];
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "--cases",
			      NULL, "script_closed", "script_silent", NULL};
	int i;

	(void)state;
	NEED_SUITE();
	assert_non_null(d);
	snprintf(victim, sizeof(victim), "%s-INJECTED", d);
	snprintf(root, sizeof(root), "%s/a b", d);
	assert_int_equal(mkdir(root, 0755), 0);
	/* A directory name cannot hold '/': the command spans three. */
	snprintf(dir, sizeof(dir), "%s/$(touch %s)", root, victim);
	snprintf(dst, sizeof(dst), "mkdir -p '%s'", dir);
	assert_int_equal(system(dst), 0);
	for (i = 0; files[i]; i++) {
		snprintf(src, sizeof(src), "cases/%s", files[i]);
		snprintf(dst, sizeof(dst), "%s/%s",
			 strchr(files[i], '/') ? dir : root,
			 strrchr(files[i], '/') ? strrchr(files[i], '/') + 1
						: files[i]);
		assert_int_equal(copy_file(src, dst), 0);
	}
	argv[4] = root;
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 0);
	assert_int_not_equal(access(victim, F_OK), 0);
}

/* A command's output that is not UTF-8 is kept, escaped (\xNN): before,
 * jansson refused the string and "stdout" silently vanished from the
 * cell. A command that cannot start is an error cell and fails the run:
 * before, exit:127 was an "info" cell and the run exited 0. */
static void test_cmd_bytes_and_not_found(void **state)
{
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "--json", NULL,
			      "--probe", "udp-unconnected", "--probe-cmd", NULL,
			      "silent_drop", NULL};
	const char *d = make_tmpdir("bytes");
	char err[4096], path[512];
	json_t *doc, *c;
	json_error_t je;

	(void)state;
	NEED_SUITE();
	assert_non_null(d);
	snprintf(path, sizeof(path), "%s/r.json", d);
	argv[4] = path;
	argv[8] = "printf 'ok\\377x\\316\\273\\000after'";
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 0);
	doc = json_load_file(path, 0, &je);
	assert_non_null(doc);
	c = find_cell(doc, "silent_drop", "cmd");
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "stdout")),
			    "ok\\xffx\xce\xbb\\x00after");
	json_decref(doc);

	argv[8] = "icmplab-no-such-command-here {addr}";
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 1);
	doc = json_load_file(path, 0, &je);
	assert_non_null(doc);
	c = find_cell(doc, "silent_drop", "cmd");
	assert_string_equal(json_string_value(json_object_get(c, "verdict")),
			    "error");
	assert_non_null(strstr(json_string_value(json_object_get(c, "reason")),
			       "could not start (exit 127)"));
	json_decref(doc);
}

/* A --probe-cmd too long for the buffer is refused before anything runs,
 * never cut and run cut. */
static void test_probe_cmd_too_long(void **state)
{
	const char *argv[] = {ICMPLAB_BIN, "run", "--probe-cmd", NULL, NULL};
	char *cmd = malloc(5000), err[4096];

	(void)state;
	assert_non_null(cmd);
	memset(cmd, 'x', 4999);
	memcpy(cmd, "echo ", 5);
	cmd[4999] = '\0';
	argv[3] = cmd;
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--probe-cmd: 4999 bytes"));
	free(cmd);
}

/* A malformed case file stops the run before anything runs: exit 2 and a
 * message naming file and line. */
static void test_bad_case_file(void **state)
{
	const char *d = make_tmpdir("bad");
	char path[512], err[4096];
	const char *argv[] = {ICMPLAB_BIN, "run", "--cases", NULL, "--out",
			      NULL, NULL};
	FILE *f;

	(void)state;
	assert_non_null(d);
	snprintf(path, sizeof(path), "%s/broken.case", d);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "title x\nfamily ipv4\nfault tll\n");
	fclose(f);
	argv[3] = d;
	argv[5] = d;
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 2);
	assert_non_null(strstr(err, "broken.case:3:"));
	assert_non_null(strstr(err, "tll"));
	snprintf(path, sizeof(path), "%s/pcap", d);
	assert_int_not_equal(access(path, F_OK), 0); /* nothing ran */
}

/* A result file that cannot be written fails the run with a message naming
 * it, even though every cell passed: --json /dev/full, whose writes fail
 * only when the buffer is flushed. (matrix.txt as a link to /dev/full, the
 * old form of this test, is now removed before the run: icmplab never
 * writes through a link.) */
static void test_unwritable_results(void **state)
{
	const char *d = make_tmpdir("full");
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "--out", NULL,
			      "--json", "/dev/full", "--probe",
			      "udp-unconnected", "silent_drop", NULL};
	char err[4096];
	json_t *doc;

	(void)state;
	NEED_SUITE();
	assert_non_null(d);
	argv[4] = d;
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "cannot write /dev/full: No space left"));
	/* The cells themselves were fine: only the write failed. */
	doc = load_results(d);
	assert_non_null(doc);
	assert_true(json_is_true(json_object_get(doc, "complete")));
	assert_string_equal(json_string_value(json_object_get(
				    find_cell(doc, "silent_drop",
					      "udp-unconnected"),
				    "verdict")),
			    "pass");
	json_decref(doc);
}

/* --family ipv6 runs the IPv6 cases only, and the matrix says ICMPv6:
 * the server's 1/4 is "icmp6 1/4", never a bare 1/4. */
static void test_family_selects(void **state)
{
	const char *d = make_tmpdir("family");
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "--out", NULL,
			      "--family", "ipv6", "--probe", "udp-recverr",
			      "core", NULL};
	char dir[256], path[512], err[4096], text[65536];
	json_t *doc, *c;
	size_t i, n;
	FILE *f;

	(void)state;
	NEED_SUITE();
	assert_non_null(d);
	snprintf(dir, sizeof(dir), "%s", d);
	argv[4] = dir;
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 0);
	doc = load_results(dir);
	assert_non_null(doc);
	assert_true(json_array_size(json_object_get(doc, "cells")) >= 3);
	json_array_foreach(json_object_get(doc, "cells"), i, c)
		assert_string_equal(
			json_string_value(json_object_get(c, "family")),
			"ipv6");
	c = find_cell(doc, "port_unreachable-ipv6", "udp-recverr");
	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(c, "wire"), 0),
				 "type")),
			 1);
	json_decref(doc);
	snprintf(path, sizeof(path), "%s/matrix.txt", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_non_null(strstr(text, "icmp6 1/4 x"));
	assert_non_null(strstr(text, "errqueue:ECONNREFUSED(icmp6 1/4)"));
}

/* A pcap path planted as a link to another file: the file is not written
 * (before, as root, it was overwritten with the capture). */
static void test_pcap_link_not_followed(void **state)
{
	const char *d = make_tmpdir("link");
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "--out", NULL,
			      "--probe", "udp-unconnected", "silent_drop", NULL};
	char dir[256], path[512], victim[512], err[4096], buf[32] = "";
	FILE *f;

	(void)state;
	NEED_SUITE();
	assert_non_null(d);
	snprintf(dir, sizeof(dir), "%s", d);
	argv[4] = dir;
	snprintf(victim, sizeof(victim), "%s-victim", dir);
	f = fopen(victim, "w");
	assert_non_null(f);
	fputs("precious", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/pcap", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/pcap/silent_drop.pcap", dir);
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 0);
	f = fopen(victim, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "precious");
	unlink(victim);
}

/* An interrupted run (SIGINT, SIGTERM) never leaves its files beside the
 * previous run's results: the previous run's files are gone, results.json
 * says "complete": false, and no pcap is empty. Before, a 0-byte pcap was
 * left beside the old results.json. */
static void test_interrupted_run(void **state)
{
	static const int sigs[] = {SIGINT, SIGTERM};
	const char *d = make_tmpdir("intr");
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "--out", NULL,
			      "--quiet-ms", "2000", "--probe",
			      "udp-unconnected", "port_unreachable",
			      "silent_drop", NULL};
	char dir[256], path[1024], err[4096];
	struct dirent *e;
	struct stat st;
	json_t *doc;
	DIR *pd;
	int k, null;
	pid_t pid;

	(void)state;
	NEED_SUITE();
	assert_non_null(d);
	snprintf(dir, sizeof(dir), "%s", d);
	argv[4] = dir;
	for (k = 0; k < 2; k++) {
		/* A complete previous run. */
		assert_int_equal(run_cmd(argv, err, sizeof(err)), 0);
		doc = load_results(dir);
		assert_true(json_is_true(json_object_get(doc, "complete")));
		json_decref(doc);
		pid = fork();
		if (pid == 0) {
			null = open("/dev/null", O_WRONLY);
			dup2(null, 1);
			dup2(null, 2);
			/* No fence answers: silent_drop's sync waits its
			 * whole 2 s bound, the window the signal aims at. */
			setenv("ICMPLAB_TEST_BREAK", "fence-lost", 1);
			{
				union {
					const char *const *c;
					char *const *v;
				} u = {argv};
				execv(argv[0], u.v);
			}
			_exit(127);
		}
		/* Inside silent_drop's bound: port_unreachable is done,
		 * silent_drop's capture is open. */
		usleep(1200000);
		kill(pid, sigs[k]);
		waitpid(pid, NULL, 0);
		doc = load_results(dir);
		assert_non_null(doc);
		assert_true(json_is_false(json_object_get(doc, "complete")));
		assert_null(json_object_get(doc, "cells"));
		json_decref(doc);
		snprintf(path, sizeof(path), "%s/matrix.txt", dir);
		assert_int_not_equal(access(path, F_OK), 0);
		snprintf(path, sizeof(path), "%s/pcap", dir);
		pd = opendir(path);
		assert_non_null(pd);
		while ((e = readdir(pd))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/pcap/%s", dir,
				 e->d_name);
			assert_int_equal(stat(path, &st), 0);
			if (st.st_size == 0)
				fail_msg("%s is empty", path);
			/* silent_drop's was never finished. */
			assert_string_not_equal(e->d_name, "silent_drop.pcap");
		}
		closedir(pd);
	}
}

/* A fault helper that fails is never a silent wire: each failure, made on
 * its real path by the test-only ICMPLAB_TEST_BREAK, turns every cell of
 * the case into an error whose reason names the helper and the failed
 * call, and the case lists the helper's error. The same cases pass in the
 * main run, so the break is what changed them. */
static void test_helper_failures(void **state)
{
	static const struct {
		const char *brk, *kase, *probe[2], *helper, *says;
	} rows[] = {
		{"forger-recv", "du03_port", {"udp-connected", "udp-recverr"},
		 "forger", "forger: recvfrom on the packet socket: "},
		{"forger-build", "du03_port", {"udp-connected", "udp-recverr"},
		 "forger", "forger: cannot answer a datagram from 198.51.100."},
		{"forger-send", "du03_port", {"udp-connected", "udp-recverr"},
		 "forger", "forger: sendto 198.51.100."},
		{"listener", "est_du03_port",
		 {"tcp-established", "tcp-established-recverr"}, "listener",
		 "listener: accept: "},
	};
	char err[4096], why[256];
	json_t *c0, *helpers, *h;
	size_t i, k, j;
	int seen = 0;

	(void)state;
	NEED_SUITE();
	/* Unbroken, the same helpers ran to the end and said nothing. */
	json_array_foreach(json_object_get(main_run.doc, "cases"), j, c0)
	{
		const char *name =
			json_string_value(json_object_get(c0, "name"));

		helpers = json_object_get(c0, "helpers");
		if (strcmp(name, "est_du03_port") == 0)
			assert_string_equal(json_string_value(json_object_get(
						    json_array_get(helpers, 0),
						    "name")),
					    "listener");
		if (strcmp(name, "du03_port") == 0 ||
		    strcmp(name, "est_du03_port") == 0) {
			h = json_array_get(helpers,
					   json_array_size(helpers) - 1);
			assert_string_equal(
				json_string_value(json_object_get(h, "name")),
				"forger");
			seen++;
		}
		if (strcmp(name, "port_unreachable") == 0)
			assert_int_equal(json_array_size(helpers), 0);
		json_array_foreach(helpers, k, h)
			assert_null(json_object_get(h, "error"));
	}
	assert_int_equal(seen, 2);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *d = make_tmpdir("helper");
		const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix",
				      "--out", d, "--probe", rows[i].probe[0],
				      "--probe", rows[i].probe[1],
				      rows[i].kase, NULL};
		json_t *doc, *c;
		bool listed = false;

		assert_non_null(d);
		for (k = 0; k < 2; k++)
			assert_string_equal(
				json_string_value(json_object_get(
					cell(rows[i].kase, rows[i].probe[k]),
					"verdict")),
				"pass");
		setenv("ICMPLAB_TEST_BREAK", rows[i].brk, 1);
		assert_int_equal(run_cmd(argv, err, sizeof(err)), 1);
		unsetenv("ICMPLAB_TEST_BREAK");
		/* Never silent about the break itself either. */
		assert_non_null(strstr(err, "test only"));
		doc = load_results(d);
		assert_non_null(doc);
		snprintf(why, sizeof(why), "a fault helper failed: %s",
			 rows[i].says);
		for (k = 0; k < 2; k++) {
			c = find_cell(doc, rows[i].kase, rows[i].probe[k]);
			assert_non_null(c);
			assert_string_equal(
				json_string_value(json_object_get(c, "verdict")),
				"error");
			if (!strstr(json_string_value(
					    json_object_get(c, "reason")),
				    why))
				fail_msg("%s: reason '%s' lacks '%s'",
					 rows[i].brk,
					 json_string_value(
						 json_object_get(c, "reason")),
					 why);
		}
		helpers = json_object_get(
			json_array_get(json_object_get(doc, "cases"), 0),
			"helpers");
		json_array_foreach(helpers, j, h)
		{
			const char *e =
				json_string_value(json_object_get(h, "error"));

			if (strcmp(json_string_value(json_object_get(h, "name")),
				   rows[i].helper) == 0 &&
			    e && strstr(e, rows[i].says) == e)
				listed = true;
		}
		assert_true(listed);
		json_decref(doc);
	}
}

/* A worker runs its slot's cases one after another; one that dies (here
 * killed on purpose by the test-only ICMPLAB_TEST_BREAK) costs its case
 * alone: that case's cells say why, and the slot's next case runs in a
 * new worker. -j 1, so the next case can only have run in the new one. */
static void test_worker_dies(void **state)
{
	const char *d = make_tmpdir("worker");
	const char *argv[] = {
		ICMPLAB_BIN,
		"run",
		"--no-matrix",
		"-j",
		"1",
		"--out",
		NULL,
		"--probe",
		"udp-connected",
		"port_unreachable",
		"ttl_exceeded",
		"silent_drop",
		NULL,
	};
	static const char *const kases[] = {"port_unreachable", "silent_drop",
					    "ttl_exceeded"};
	char err[4096];
	json_t *doc, *c;
	int i;

	(void)state;
	NEED_SUITE();
	assert_non_null(d);
	argv[6] = d;
	setenv("ICMPLAB_TEST_BREAK", "worker-dies:silent_drop", 1);
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 1);
	unsetenv("ICMPLAB_TEST_BREAK");
	doc = load_results(d);
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "cells")), 3);
	for (i = 0; i < 3; i++) {
		c = json_array_get(json_object_get(doc, "cells"), (size_t)i);
		/* In case order, whichever worker ran them. */
		assert_string_equal(
			json_string_value(json_object_get(c, "case")),
			kases[i]);
		if (i == 1) {
			assert_string_equal(json_string_value(json_object_get(
						    c, "verdict")),
					    "error");
			assert_string_equal(
				json_string_value(json_object_get(c, "reason")),
				"case could not run: Killed");
		} else {
			assert_string_equal(json_string_value(json_object_get(
						    c, "verdict")),
					    "pass");
		}
	}
	json_decref(doc);
}

/* A probe that dies between its sync event and the answer (here killed
 * on purpose by the test-only ICMPLAB_TEST_BREAK, as the OOM killer
 * might) costs its own process's cells only: the answer's write fails
 * with EPIPE, which becomes that cell's error, and the worker, which
 * ignores SIGPIPE, goes on to give the case's other cells. Without
 * SIG_IGN the signal killed the worker and every cell became "case could
 * not run". A case's styles of one probe binary are threads of one
 * process: the victim's sibling style dies with it, the styles of the
 * other binaries do not. */
static void test_probe_killed_mid_sync(void **state)
{
	static const char *const others[] = {"raw-icmp", "ping", "tcp-connect",
					     NULL};
	const char *d = make_tmpdir("sync");
	const char *argv[] = {
		ICMPLAB_BIN,
		"run",
		"--no-matrix",
		"--out",
		NULL,
		"--probe",
		"udp-poll",
		"--probe",
		"udp-next-send",
		"--probe",
		"raw-icmp",
		"--probe",
		"ping",
		"--probe",
		"tcp-connect",
		"port_unreachable_styles",
		NULL,
	};
	char err[4096];
	json_t *doc, *c, *kase;
	int i;

	(void)state;
	NEED_SUITE();
	assert_non_null(d);
	argv[4] = d;
	setenv("ICMPLAB_TEST_BREAK", "kill-at-sync:udp-poll", 1);
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 1);
	unsetenv("ICMPLAB_TEST_BREAK");
	doc = load_results(d);
	assert_non_null(doc);
	kase = json_array_get(json_object_get(doc, "cases"), 0);
	assert_null(json_object_get(kase, "error"));
	c = find_cell(doc, "port_unreachable_styles", "udp-poll");
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "verdict")),
			    "error");
	assert_string_equal(json_string_value(json_object_get(c, "reason")),
			    "could not answer its sync: the probe had ended "
			    "(EPIPE)");
	c = find_cell(doc, "port_unreachable_styles", "udp-next-send");
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "verdict")),
			    "error");
	for (i = 0; others[i]; i++) {
		json_t *m = cell("port_unreachable_styles", others[i]);

		c = find_cell(doc, "port_unreachable_styles", others[i]);
		assert_non_null(c);
		assert_string_equal(
			json_string_value(json_object_get(c, "verdict")),
			"pass");
		/* The same socket story as in the unbroken main run. */
		assert_int_equal(
			json_array_size(json_object_get(c, "surfaced")),
			json_array_size(json_object_get(m, "surfaced")));
		assert_int_equal(json_array_size(json_object_get(c, "wire")),
				 json_array_size(json_object_get(m, "wire")));
	}
	json_decref(doc);
}

/* Silence is proven by fences (fence.h), not waited for: every case of
 * the main run that synced sent fences, none reached the bound, and the
 * fences and their answers are on the wire as "fence", never a probe's. */
static void test_fences(void **state)
{
	json_t *k, *p, *ph;
	size_t i, j;
	long fences = 0;
	int fenced_packets = 0;

	(void)state;
	NEED_SUITE();
	json_array_foreach(json_object_get(main_run.doc, "cases"), i, k)
	{
		const char *name = json_string_value(json_object_get(k, "name"));

		assert_int_equal(json_integer_value(json_object_get(
					 k, "silence_unproven")),
				 0);
		ph = json_object_get(k, "phases_ms");
		if (!ph)
			fail_msg("%s: no phases_ms", name);
		assert_non_null(json_object_get(ph, "setup"));
		assert_non_null(json_object_get(ph, "teardown"));
		fences += json_integer_value(json_object_get(k, "fences"));
		if (strcmp(name, "silent_drop") == 0)
			assert_true(json_integer_value(
					    json_object_get(k, "fences")) > 0);
		json_array_foreach(json_object_get(k, "packets"), j, p)
		{
			const char *cls = json_string_value(
				json_object_get(p, "class"));

			if (!cls || strcmp(cls, "fence") != 0)
				continue;
			fenced_packets++;
			assert_null(json_object_get(p, "probe"));
		}
	}
	assert_true(fences > 0);
	assert_true(fenced_packets > 0);
}

/* A forger that answers 300 ms late (ICMPLAB_TEST_BREAK=forger-delay) is
 * still caught: its fence replies queue behind its errors, so no sync is
 * answered before the error it waits for. */
static void test_late_error_caught(void **state)
{
	const char *d = make_tmpdir("late");
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "--out", NULL,
			      "--probe", "udp-connected", "--probe",
			      "udp-recverr", "--probe", "udp-unconnected",
			      "du03_port", NULL};
	char err[4096];
	json_t *doc, *k, *c;
	const char *probes[] = {"udp-connected", "udp-recverr",
				"udp-unconnected"};
	size_t i;

	(void)state;
	NEED_SUITE();
	assert_non_null(d);
	argv[4] = d;
	setenv("ICMPLAB_TEST_BREAK", "forger-delay:300", 1);
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 0);
	unsetenv("ICMPLAB_TEST_BREAK");
	doc = load_results(d);
	assert_non_null(doc);
	k = json_array_get(json_object_get(doc, "cases"), 0);
	assert_int_equal(
		json_integer_value(json_object_get(k, "silence_unproven")), 0);
	/* It did wait: each datagram's error came 300 ms after it. */
	assert_true(json_real_value(json_object_get(
			    json_object_get(k, "phases_ms"), "wait")) >= 300.0);
	for (i = 0; i < 3; i++) {
		c = find_cell(doc, "du03_port", probes[i]);
		assert_non_null(c);
		assert_string_equal(
			json_string_value(json_object_get(c, "verdict")),
			"pass");
		/* The same cell as in the unbroken main run. */
		assert_int_equal(json_array_size(json_object_get(c, "wire")),
				 json_array_size(json_object_get(
					 cell("du03_port", probes[i]), "wire")));
		assert_int_equal(
			json_array_size(json_object_get(c, "surfaced")),
			json_array_size(json_object_get(
				cell("du03_port", probes[i]), "surfaced")));
	}
	json_decref(doc);
}

/* A fence never answered (ICMPLAB_TEST_BREAK=fence-lost sends none) is
 * no proof of silence: at the bound the cell is an error that says so,
 * not a pass on a wire that merely looked quiet. */
static void test_silence_not_proven(void **state)
{
	const char *d = make_tmpdir("unproven");
	const char *argv[] = {ICMPLAB_BIN, "run", "--no-matrix", "--out", NULL,
			      "--quiet-ms", "50", "--probe", "udp-connected",
			      "silent_drop", NULL};
	char err[4096];
	json_t *doc, *k, *c;
	const char *reason;

	(void)state;
	NEED_SUITE();
	assert_non_null(d);
	argv[4] = d;
	setenv("ICMPLAB_TEST_BREAK", "fence-lost", 1);
	assert_int_equal(run_cmd(argv, err, sizeof(err)), 1);
	unsetenv("ICMPLAB_TEST_BREAK");
	doc = load_results(d);
	assert_non_null(doc);
	k = json_array_get(json_object_get(doc, "cases"), 0);
	assert_true(json_integer_value(
			    json_object_get(k, "silence_unproven")) >= 1);
	c = find_cell(doc, "silent_drop", "udp-connected");
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "verdict")),
			    "error");
	reason = json_string_value(json_object_get(c, "reason"));
	if (!reason || !strstr(reason, "silence not proven"))
		fail_msg("reason '%s' lacks 'silence not proven'",
			 reason ? reason : "(none)");
	json_decref(doc);
}

/* Without root the run is a skip with the reason: exit 4. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_cell_passes),
		cmocka_unit_test(test_port_unreachable),
		cmocka_unit_test(test_ttl_exceeded),
		cmocka_unit_test(test_silent_drop),
		cmocka_unit_test(test_dual_stack),
		cmocka_unit_test(test_pcaps),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_claim_judged),
		cmocka_unit_test(test_why_seed_story),
		cmocka_unit_test(test_short_report_width),
		cmocka_unit_test(test_help_and_suggestions),
		cmocka_unit_test(test_probe_cmd),
		cmocka_unit_test(test_cmd_killed_at_deadline),
		cmocka_unit_test(test_cmd_background_dies),
		cmocka_unit_test(test_cmd_dir_not_shell),
		cmocka_unit_test(test_cmd_bytes_and_not_found),
		cmocka_unit_test(test_probe_cmd_too_long),
		cmocka_unit_test(test_bad_case_file),
		cmocka_unit_test(test_unwritable_results),
		cmocka_unit_test(test_family_selects),
		cmocka_unit_test(test_pcap_link_not_followed),
		cmocka_unit_test(test_interrupted_run),
		cmocka_unit_test(test_helper_failures),
		cmocka_unit_test(test_probe_killed_mid_sync),
		cmocka_unit_test(test_worker_dies),
		cmocka_unit_test(test_fences),
		cmocka_unit_test(test_late_error_caught),
		cmocka_unit_test(test_silence_not_proven),
	};

	return cmocka_run_group_tests_name("integration", tests, setup,
					   teardown);
}
