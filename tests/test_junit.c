/* JUnit XML from a results document: the hand-written document with a
 * pass, a fail, a skip and an error (tests/data/ci-results.json) must give
 * well-formed XML (checked by a small XML 1.0 reader here, no new
 * dependency), the right counts per suite, times, attachments, and escaping
 * that survives hostile text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "junit.h"
#include "resdoc.h"
#include "runner.h"

#define DOC "tests/data/ci-results.json"

static char *junit_of(json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(junit_write(f, doc), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* --- a small XML 1.0 well-formedness reader ---------------------------
 * Enough for what a writer of JUnit can produce: an XML declaration,
 * elements with attributes, character data, the five entities and
 * numeric references. No DTD, comments, CDATA or processing instructions
 * (the writer makes none, so they count as problems). */

struct xml {
	const char *p;
	int problems;
	char stack[16][32];
	int depth;
	/* How many elements of each name were seen. */
	int testsuites, testsuite, testcase, failure, error, skipped, sysout;
	int roots;
};

static void xbad(struct xml *x, const char *what)
{
	fprintf(stderr, "xml: %s at '%.30s'\n", what, x->p);
	x->problems++;
}

/* One UTF-8 character that XML allows; advances. */
static bool xchar(struct xml *x)
{
	const unsigned char *s = (const unsigned char *)x->p;
	uint32_t c;
	int n, i;

	if (s[0] < 0x80) {
		if (s[0] < 0x20 && s[0] != '\t' && s[0] != '\n' && s[0] != '\r')
			return false;
		x->p++;
		return true;
	}
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (!n || s[0] > 0xf4)
		return false;
	c = s[0] & (0x7fu >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return false;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return false;
	x->p += n;
	return true;
}

/* After '&': a reference, then ';'. */
static void xref(struct xml *x)
{
	static const char *const ents[] = {"amp;",  "lt;",   "gt;",
					   "quot;", "apos;", NULL};
	int i;

	for (i = 0; ents[i]; i++)
		if (strncmp(x->p, ents[i], strlen(ents[i])) == 0) {
			x->p += strlen(ents[i]);
			return;
		}
	if (x->p[0] == '#') {
		long v;
		char *end;

		v = strtol(x->p + 1, &end, 10);
		if (end > x->p + 1 && *end == ';' &&
		    (v == 9 || v == 10 || v == 13 ||
		     (v >= 0x20 && v < 0xd800))) {
			x->p = end + 1;
			return;
		}
	}
	xbad(x, "bad reference");
	x->p++;
}

static bool is_name(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':';
}

static void xcount(struct xml *x, const char *name)
{
	if (strcmp(name, "testsuites") == 0)
		x->testsuites++;
	else if (strcmp(name, "testsuite") == 0)
		x->testsuite++;
	else if (strcmp(name, "testcase") == 0)
		x->testcase++;
	else if (strcmp(name, "failure") == 0)
		x->failure++;
	else if (strcmp(name, "error") == 0)
		x->error++;
	else if (strcmp(name, "skipped") == 0)
		x->skipped++;
	else if (strcmp(name, "system-out") == 0)
		x->sysout++;
}

/* After '<': a start tag (or an empty element). */
static void xstart(struct xml *x)
{
	char name[32];
	size_t n = 0;

	while (is_name(*x->p) && n + 1 < sizeof(name))
		name[n++] = *x->p++;
	name[n] = '\0';
	if (!n)
		return xbad(x, "no element name");
	if (x->depth == 0)
		x->roots++;
	xcount(x, name);
	for (;;) {
		char q;

		while (*x->p == ' ' || *x->p == '\n' || *x->p == '\t')
			x->p++;
		if (x->p[0] == '/' && x->p[1] == '>') {
			x->p += 2;
			return;
		}
		if (*x->p == '>') {
			x->p++;
			if (x->depth >= 16)
				return xbad(x, "too deep");
			snprintf(x->stack[x->depth++], 32, "%s", name);
			return;
		}
		if (!is_name(*x->p))
			return xbad(x, "bad attribute");
		while (is_name(*x->p))
			x->p++;
		if (*x->p != '=' || (x->p[1] != '"' && x->p[1] != '\''))
			return xbad(x, "attribute without a quoted value");
		q = x->p[1];
		x->p += 2;
		while (*x->p && *x->p != q) {
			if (*x->p == '<')
				return xbad(x, "'<' in an attribute");
			if (*x->p == '&') {
				x->p++;
				xref(x);
			} else if (!xchar(x)) {
				return xbad(x, "bad character");
			}
		}
		if (!*x->p)
			return xbad(x, "unterminated attribute");
		x->p++;
	}
}

/* After "</". */
static void xend(struct xml *x)
{
	size_t n = 0;
	char name[32];

	while (is_name(*x->p) && n + 1 < sizeof(name))
		name[n++] = *x->p++;
	name[n] = '\0';
	if (*x->p != '>')
		return xbad(x, "bad end tag");
	x->p++;
	if (x->depth == 0 || strcmp(x->stack[x->depth - 1], name) != 0)
		return xbad(x, "end tag does not match");
	x->depth--;
}

static int xml_check(const char *s, struct xml *x)
{
	const char *decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

	memset(x, 0, sizeof(*x));
	x->p = s;
	if (strncmp(s, decl, strlen(decl)) != 0)
		xbad(x, "no XML declaration");
	else
		x->p += strlen(decl);
	while (*x->p && x->problems < 10) {
		if (x->p[0] == '<' && x->p[1] == '/') {
			x->p += 2;
			xend(x);
		} else if (x->p[0] == '<') {
			x->p++;
			xstart(x);
		} else if (x->p[0] == '&') {
			x->p++;
			xref(x);
		} else if (strncmp(x->p, "]]>", 3) == 0) {
			xbad(x, "']]>' in text");
			x->p += 3;
		} else if (x->depth == 0 && !strchr(" \t\r\n", *x->p)) {
			xbad(x, "text outside the root");
			x->p++;
		} else if (!xchar(x)) {
			xbad(x, "bad character");
			x->p++;
		}
	}
	if (x->depth)
		xbad(x, "unclosed element");
	if (x->roots != 1)
		xbad(x, "not exactly one root");
	return x->problems;
}

/* --- tests ------------------------------------------------------------ */

static void test_well_formed_counts(void **state)
{
	json_t *doc = load_document(DOC);
	char *out = junit_of(doc);
	struct xml x;

	(void)state;
	assert_int_equal(xml_check(out, &x), 0);
	assert_int_equal(x.testsuites, 1);
	assert_int_equal(x.testsuite, 2);
	assert_int_equal(x.testcase, 4);
	assert_int_equal(x.failure, 1);
	assert_int_equal(x.error, 1);
	assert_int_equal(x.skipped, 1);
	assert_int_equal(x.sysout, 4);
	assert_non_null(strstr(out, "<testsuites name=\"icmplab\" tests=\"4\" "
				    "failures=\"1\" errors=\"1\" skipped=\"1\" "
				    "time=\"0.070\">"));
	assert_non_null(strstr(out, "<testsuite name=\"core\" tests=\"2\" "
				    "failures=\"1\" errors=\"0\" skipped=\"0\" "
				    "time=\"0.040\">"));
	assert_non_null(strstr(out, "<testsuite name=\"errors\" tests=\"2\" "
				    "failures=\"0\" errors=\"1\" skipped=\"1\" "
				    "time=\"0.030\">"));
	free(out);
	json_decref(doc);
}

/* One testcase per cell: classname the group, name case/probe, the case's
 * time shared; the failure says expected vs surfaced. */
static void test_cells(void **state)
{
	json_t *doc = load_document(DOC);
	char *out = junit_of(doc);

	(void)state;
	assert_non_null(strstr(out, "<testcase classname=\"core\" "
				    "name=\"port_unreachable/udp-recverr\" "
				    "time=\"0.020\">\n      <failure "
				    "message=\"expected "
				    "errqueue:ECONNREFUSED/icmp/3/3; surfaced "
				    "none\" type=\"fail\">expected: "
				    "errqueue:ECONNREFUSED/icmp/3/3\nsurfaced: "
				    "none\nwire: 3/3 x1\ndatagrams: 1\n"
				    "</failure>"));
	assert_non_null(strstr(out,
			       "<testcase classname=\"errors\" "
			       "name=\"du13_admin/ping\" time=\"0.015\">\n"
			       "      <skipped message=\"ping sockets are "
			       "not allowed here: net.ipv4.ping_group_range "
			       "is 1 0\"/>"));
	/* The error's reason, escaped: entities, the newline as a
	 * reference in the attribute, the control byte gone, the UTF-8
	 * kept. */
	assert_non_null(strstr(out,
			       "<error message=\"a fault helper failed: "
			       "forger: &lt;sendto&gt; &amp; &quot;raw&quot; "
			       "&apos;socket&apos;&#10;second line "
			       "\xc3\xbc"
			       "ber\" type=\"error\">"));
	free(out);
	json_decref(doc);
}

/* The capture is attached by absolute path, a relative one made absolute
 * against the current directory. */
static void test_attachments(void **state)
{
	json_t *doc = load_document(DOC);
	char *out = junit_of(doc), cwd[PATH_MAX], want[PATH_MAX + 64];

	(void)state;
	assert_non_null(strstr(out, "<system-out>[[ATTACHMENT|/tmp/icmplab-ci/"
				    "pcap/port_unreachable.pcap]]\n"
				    "</system-out>"));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want),
		 "<system-out>[[ATTACHMENT|%s/pcap/du13_admin.pcap]]\n", cwd);
	assert_non_null(strstr(out, want));
	free(out);
	json_decref(doc);
}

static char *escaped(const char *s, bool attr)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(junit_escape(f, s, attr), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_escape(void **state)
{
	char *e;
	struct xml x;
	char doc[512];

	(void)state;
	e = escaped("<&>\"'", false);
	assert_string_equal(e, "&lt;&amp;&gt;&quot;&apos;");
	free(e);
	/* Controls XML cannot hold are dropped; tab, LF kept in text. */
	e = escaped("a\x01\x1f\x7f\tb\nc\rd", false);
	assert_string_equal(e, "a\x7f\tb\nc&#13;d");
	free(e);
	e = escaped("a\tb\nc", true);
	assert_string_equal(e, "a&#9;b&#10;c");
	free(e);
	/* Invalid UTF-8: a stray continuation, a truncated sequence, an
	 * overlong '/', a surrogate, U+FFFE: each a U+FFFD. Valid text
	 * (2, 3, 4 bytes) is kept. */
	e = escaped("\x80|\xc3|\xc0\xaf|\xed\xa0\x80|\xef\xbf\xbe|\xc3\xbc"
		    "\xe2\x82\xac\xf0\x9f\x98\x80",
		    false);
	assert_string_equal(e, "\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf"
			       "\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
			       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xc3\xbc"
			       "\xe2\x82\xac\xf0\x9f\x98\x80");
	snprintf(doc, sizeof(doc),
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>%s</a>", e);
	assert_int_equal(xml_check(doc, &x), 0);
	free(e);
}

/* The checker refuses what a careless writer makes. */
static void test_checker_refuses(void **state)
{
	static const char *const bad[] = {
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>x & y</a>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a b=\"<\"/>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a><b></a></b>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\x01</a>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xff</a>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/><b/>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a b=c/>",
		NULL,
	};
	struct xml x;
	int i;

	(void)state;
	for (i = 0; bad[i]; i++)
		assert_true(xml_check(bad[i], &x) > 0);
}

/* Hostile names and reasons still give well-formed XML. */
static void test_hostile(void **state)
{
	json_t *doc = json_pack(
		"{s:s, s:[{s:s, s:s, s:s, s:f}], s:[{s:s, s:s, s:s, s:s}]}",
		"kernel", "6.1\x01<", "cases", "name", "a<b>&\"c'", "group",
		"g]]>\x02", "pcap", "/tmp/x&y<z>.pcap", "duration_ms", 5.0,
		"cells", "case", "a<b>&\"c'", "probe", "p\xc3\xa9", "verdict",
		"fail", "reason", "\x1b[31mred\x1b[0m");
	char *out;
	struct xml x;

	(void)state;
	assert_non_null(doc);
	out = junit_of(doc);
	assert_int_equal(xml_check(out, &x), 0);
	assert_int_equal(x.testcase, 1);
	assert_int_equal(x.failure, 1);
	assert_non_null(
		strstr(out, "[[ATTACHMENT|/tmp/x&amp;y&lt;z&gt;.pcap]]"));
	assert_non_null(strstr(out, "reason: [31mred[0m\n"));
	free(out);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed_counts),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_attachments),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_checker_refuses),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests_name("junit", tests, NULL, NULL);
}
