/* Integration: one case run for real (ttl_exceeded, --pcap-per-cell), then
 * `icmplab show` on it, the cell's own capture, and the HTML report opened
 * in a real headless browser (Debian's chromium, which scripts/install-deps
 * --test installs): the page runs its script to the end without an error,
 * the udp-connected x ttl_exceeded cell named in the address opens and
 * shows its rule, and screenshots at desktop and phone width are kept in
 * build/tests/html/ for a person to look at. A page with a script error is
 * opened too, to show the error check can fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "html.h"
#include "pkt.h"
#include "resdoc.h"
#include "runner.h"

#define OUT	"build/tests/html"
#define RUN	OUT "/run"
#define CELL_ID "cell-ttl_exceeded--udp-connected"

static json_t *doc; /* the run's results, NULL when it could not run */

/* Runs argv with stdout to out and stderr to errf; its exit status. */
static int run_to(const char *const *argv, const char *out, const char *errf)
{
	union {
		const char *const *c;
		char *const *v;
	} u;
	pid_t pid = fork();
	int status, fd;

	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		u.c = argv;
		execvp(argv[0], u.v);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The whole file as a string; caller frees. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	const char *argv[] = {ICMPLAB_BIN,	 "run",	  "--no-matrix",
			      "--pcap-per-cell", "--out", RUN,
			      "ttl_exceeded",	 NULL};
	char err[4096];
	int st;

	(void)state;
	mkdir("build/tests", 0755);
	mkdir(OUT, 0755);
	mkdir(RUN, 0755);
	if (!can_run_suite())
		return 0;
	st = run_cmd(argv, err, sizeof(err));
	if (st != 0) {
		fprintf(stderr, "icmplab run exited %d: %s\n", st, err);
		return -1;
	}
	doc = load_document(RUN "/results.json");
	return doc ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(doc);
	return 0;
}

#define NEED_RUN()                                                             \
	do {                                                                   \
		if (!doc) {                                                    \
			fprintf(stderr, "skip: the case did not run here\n");  \
			skip();                                                \
		}                                                              \
	} while (0)

/* The cell's explanation as the report writes it. Caller frees. */
static char *rule_html(void)
{
	json_t *c = find_cell(doc, "ttl_exceeded", "udp-connected");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(c);
	assert_non_null(f);
	assert_true(resdoc_str(c, "explain")[0] != '\0');
	html_escape(f, resdoc_str(c, "explain"));
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_show(void **state)
{
	const char *argv[] = {ICMPLAB_BIN,	   "show",     "--results",
			      RUN "/results.json", "--pcap",   OUT "/cell.pcap",
			      "ttl_exceeded",	   "udp-conn", NULL};
	const char *bad[] = {ICMPLAB_BIN,	  "show",	 "--results",
			     RUN "/results.json", "ttl_exceded", NULL};
	json_t *c;
	char *text;

	(void)state;
	NEED_RUN();
	assert_int_equal(run_to(argv, OUT "/show.txt", OUT "/show.err"), 0);
	text = slurp(OUT "/show.txt");
	c = find_cell(doc, "ttl_exceeded", "udp-connected");
	assert_non_null(strstr(text, "client  c0 198.51.100.2/24 mtu 1500"));
	assert_non_null(strstr(text, "the probes send with TTL 1"));
	assert_non_null(strstr(text, "call   connect() = 0"));
	assert_non_null(strstr(text, "wire > IP 198.51.100.2."));
	assert_non_null(strstr(text, "wire < IP 198.51.100.1 > 198.51.100.2: "
				     "ICMP TTL exceeded in transit (11/0)"));
	assert_non_null(strstr(text, "Verdict:     pass"));
	assert_non_null(strstr(text, "Time Exceeded is a soft error"));
	assert_non_null(strstr(
		text, resdoc_str(resdoc_case(doc, "ttl_exceeded"), "pcap")));
	free(text);
	assert_int_equal(run_to(bad, OUT "/show.txt", OUT "/show.err"), 2);
	text = slurp(OUT "/show.err");
	assert_non_null(strstr(text, "did you mean ttl_exceeded"));
	free(text);
	(void)c;
}

/* The cell's capture: its datagrams and the errors quoting them, nothing
 * else, and the same file --pcap-per-cell wrote. */
static void test_cell_pcap(void **state)
{
	json_t *c;
	char perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *b;
	struct pkt p;
	pcap_t *pc;
	size_t out = 0, errs = 0, other = 0;
	struct stat sa, sz;
	char *a, *z;

	(void)state;
	NEED_RUN();
	c = find_cell(doc, "ttl_exceeded", "udp-connected");
	assert_non_null(c);
	pc = pcap_open_offline(OUT "/cell.pcap", perr);
	if (!pc)
		fail_msg("%s", perr);
	while (pcap_next_ex(pc, &h, &b) == 1) {
		pkt_decode_eth(b, h->caplen, &p);
		if (p.h.kind == PK_UDP)
			out++;
		else if (p.h.kind == PK_ICMP_ERROR && p.quote.kind == PK_UDP)
			errs++;
		else
			other++;
	}
	pcap_close(pc);
	assert_int_equal(out, (size_t)resdoc_datagrams(c));
	assert_int_equal(errs, json_array_size(json_object_get(c, "wire")));
	assert_int_equal(other, 0);
	assert_true(out >= 1 && errs >= 1);
	a = slurp(OUT "/cell.pcap");
	z = slurp(RUN "/pcap/ttl_exceeded/udp-connected.pcap");
	assert_int_equal(stat(OUT "/cell.pcap", &sa), 0);
	assert_int_equal(stat(RUN "/pcap/ttl_exceeded/udp-connected.pcap", &sz),
			 0);
	assert_int_equal(sa.st_size, sz.st_size);
	assert_memory_equal(a, z, (size_t)sa.st_size);
	free(a);
	free(z);
}

static const char *chromium(void)
{
	const char *env = getenv("ICMPLAB_CHROMIUM");

	if (env && *env)
		return env;
	if (access("/usr/bin/chromium", X_OK) == 0)
		return "/usr/bin/chromium";
	fail_msg("no chromium: scripts/install-deps --test installs Debian's "
		 "chromium (make test runs it), or set ICMPLAB_CHROMIUM");
	return NULL;
}

/* Opens url headless: --dump-dom into dom (or a screenshot of the given
 * size into png), the browser's log into log. */
static void browse(const char *url, const char *dom, const char *png,
		   const char *size, const char *log)
{
	char shot[PATH_MAX + 16], win[64];
	const char *argv[] = {"timeout",
			      "120",
			      chromium(),
			      "--headless",
			      "--no-sandbox",
			      "--disable-gpu",
			      "--hide-scrollbars",
			      "--enable-logging=stderr",
			      "--v=0",
			      "--user-data-dir=" OUT "/profile",
			      "--virtual-time-budget=5000",
			      NULL,
			      NULL,
			      NULL,
			      NULL};
	int n = 11, st;

	if (png) {
		snprintf(shot, sizeof(shot), "--screenshot=%s", png);
		snprintf(win, sizeof(win), "--window-size=%s", size);
		argv[n++] = shot;
		argv[n++] = win;
	} else {
		argv[n++] = "--dump-dom";
	}
	argv[n] = url;
	st = run_to(argv, png ? OUT "/chromium.out" : dom, log);
	if (st != 0)
		fail_msg("chromium exited %d (its log: %s)", st, log);
}

/* The console lines of a browser log: none is expected. */
static void no_console(const char *log)
{
	char *text = slurp(log), *l = strstr(text, "CONSOLE");

	if (l)
		fail_msg("a console message in %s: %.200s", log, l);
	assert_null(strstr(text, "Uncaught"));
	free(text);
}

static void test_browser(void **state)
{
	char abs[PATH_MAX], url[PATH_MAX + 64], *dom, *el, *end, *rule;
	struct stat st;

	(void)state;
	NEED_RUN();
	if (!realpath(RUN "/index.html", abs))
		fail_msg("no %s/index.html: %s", RUN, strerror(errno));
	snprintf(url, sizeof(url), "file://%s#%s", abs, CELL_ID);
	browse(url, OUT "/dom.html", NULL, NULL, OUT "/chromium-dom.log");
	no_console(OUT "/chromium-dom.log");
	dom = slurp(OUT "/dom.html");
	/* The page's script ran to its end, and no error was recorded. */
	assert_non_null(strstr(dom, "data-js=\"ok\""));
	assert_non_null(strstr(dom, "data-errors=\"0\""));
	/* The address opened the cell, and its rule is rendered. */
	assert_non_null(strstr(dom, "data-opened=\"" CELL_ID "\""));
	el = strstr(dom, "id=\"" CELL_ID "\" open=");
	if (!el)
		fail_msg("the cell %s is not open in the browser's DOM",
			 CELL_ID);
	end = strstr(el, "</details>");
	assert_non_null(end);
	*end = '\0';
	rule = rule_html();
	if (!strstr(el, rule))
		fail_msg("the opened cell does not show its rule '%s'", rule);
	assert_non_null(strstr(el, "ICMP TTL exceeded in transit (11/0)"));
	free(rule);
	free(dom);

	browse(url, NULL, OUT "/screenshot.png", "1280,2600",
	       OUT "/chromium-shot.log");
	browse(url, NULL, OUT "/screenshot-phone.png", "390,4200",
	       OUT "/chromium-phone.log");
	assert_int_equal(stat(OUT "/screenshot.png", &st), 0);
	assert_true(st.st_size > 10000);
	assert_int_equal(stat(OUT "/screenshot-phone.png", &st), 0);
	assert_true(st.st_size > 10000);
}

/* The check above can fail: the same page with a script error after the
 * report's own scripts is seen as one error. */
static void test_browser_sees_errors(void **state)
{
	char abs[PATH_MAX], url[PATH_MAX + 16], *page, *tail, *dom;
	FILE *f;

	(void)state;
	NEED_RUN();
	page = slurp(RUN "/index.html");
	tail = strstr(page, "</body>");
	assert_non_null(tail);
	*tail = '\0';
	f = fopen(OUT "/broken.html", "w");
	assert_non_null(f);
	fprintf(f, "%s<script>no_such_function();</script></body></html>\n",
		page);
	assert_int_equal(fclose(f), 0);
	free(page);
	assert_non_null(realpath(OUT "/broken.html", abs));
	snprintf(url, sizeof(url), "file://%s", abs);
	browse(url, OUT "/broken-dom.html", NULL, NULL,
	       OUT "/chromium-broken.log");
	dom = slurp(OUT "/broken-dom.html");
	assert_non_null(strstr(dom, "data-errors=\"1\""));
	assert_non_null(strstr(dom, "no_such_function"));
	free(dom);
	/* and no_console would see it in the browser's log */
	dom = slurp(OUT "/chromium-broken.log");
	assert_non_null(strstr(dom, "CONSOLE"));
	free(dom);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_cell_pcap),
		cmocka_unit_test(test_browser),
		cmocka_unit_test(test_browser_sees_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
