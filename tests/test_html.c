/* The HTML report on a stored document (tests/data/show-results.json,
 * whose case ttl_exceeded_styles has a hostile title and explanation):
 * escaping, fragment ids, a self-contained page, the cell with its rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "html.h"
#include "runner.h"

#define DOC "tests/data/show-results.json"

static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	html_escape(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static char *id_of(const char *name, const char *probe)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	html_id(f, name, probe);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_escape(void **state)
{
	char *s;

	(void)state;
	s = escaped("<a href=\"x\" title='y'>&amp;</a>");
	assert_string_equal(s, "&lt;a href=&quot;x&quot; title=&#39;y&#39;"
			       "&gt;&amp;amp;&lt;/a&gt;");
	free(s);
	s = escaped("tab\there\nnew\x01\x1b[31m\x7f");
	assert_string_equal(s, "tab\there\nnew&#x2401;&#x241b;[31m&#x2421;");
	free(s);
	s = escaped("caf\xc3\xa9 \\x80"); /* UTF-8 and jsontext's \xNN */
	assert_string_equal(s, "caf\xc3\xa9 \\x80");
	free(s);
	s = escaped("");
	assert_string_equal(s, "");
	free(s);
}

static void test_id(void **state)
{
	char *s;

	(void)state;
	s = id_of("ttl_exceeded", "udp-connected");
	assert_string_equal(s, "cell-ttl_exceeded--udp-connected");
	free(s);
	s = id_of("a b\"<", NULL);
	assert_string_equal(s, "case-a_20b_22_3C");
	free(s);
	/* A literal "_3C" must not read as an escaped '<'. */
	s = id_of("x_3C", NULL);
	assert_string_equal(s, "case-x_5F3C");
	free(s);
}

/* The report as one string, through a temporary file; caller frees. */
static char *report(json_t *doc)
{
	FILE *f = tmpfile();
	char *buf;
	long len;

	assert_non_null(f);
	assert_int_equal(html_write(f, doc, "/nonexistent", "2026-12-02"), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s += strlen(what);
	}
	return n;
}

static void test_report(void **state)
{
	json_t *doc = load_document(DOC);
	char *html = report(doc), *cell, *end;

	(void)state;
	/* Hostile text stays text. */
	assert_null(strstr(html, "<script>alert"));
	assert_null(strstr(html, "<img"));
	assert_non_null(strstr(html,
			       "TTL &lt;script&gt;alert(1)&lt;/script&gt; "
			       "&amp; &quot;quoted&quot; &#39;text&#39;"));
	assert_non_null(strstr(html, "&lt;/details&gt;&lt;img src=x "
				     "onerror=alert(1)&gt;"));
	assert_int_equal(count(html, "<details"), count(html, "</details>"));
	assert_int_equal(count(html, "<script>"), 2); /* both inline */
	/* Self-contained: nothing fetched. */
	assert_null(strstr(html, "http://"));
	assert_null(strstr(html, "https://"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "src=\""));
	assert_non_null(strstr(html, "<meta name=\"viewport\""));
	assert_non_null(strstr(html, "@media print"));
	/* The known cell: its rule, its timeline, its capture (relative). */
	cell = strstr(html, "<details class=\"cell\" "
			    "id=\"cell-ttl_exceeded--udp-connected\">");
	assert_non_null(cell);
	end = strstr(cell, "</details>");
	assert_non_null(end);
	*end = '\0';
	assert_non_null(strstr(cell, "<b>The rule:</b> Time Exceeded is a soft "
				     "error"));
	assert_non_null(strstr(cell, "ICMP TTL exceeded in transit (11/0)"));
	assert_non_null(strstr(cell, "recv() = -1 EAGAIN"));
	assert_non_null(strstr(cell, "href=\"pcap/ttl_exceeded.pcap\""));
	*end = '<';
	assert_non_null(
		strstr(html, "href=\"#cell-ttl_exceeded--udp-connected\""));
	assert_non_null(strstr(html, "<div class=\"node\"><b>router</b>"));
	assert_non_null(strstr(html, "rs 203.0.113.1/24 <span class=\"mtu\">"
				     "mtu 1500</span>"));
	assert_non_null(strstr(html, "kernel 6.18.44"));
	assert_non_null(strstr(html, "2026-12-02"));
	free(html);
	json_decref(doc);
}

static void test_write_path(void **state)
{
	json_t *doc = load_document(DOC);
	char dir[] = "/tmp/icmplab-html-XXXXXX", path[64], err[512];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/index.html", dir);
	assert_int_equal(html_write_path(path, doc, NULL, err, sizeof(err)), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(html_write_path("/nonexistent/dir/index.html", doc,
					 NULL, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "/nonexistent/dir"));
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_write_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
