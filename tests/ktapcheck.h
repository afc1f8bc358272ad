/* A KTAP reader for tests: checks the structure ktap.rst asks for. */
#ifndef ICMPLAB_TEST_KTAPCHECK_H
#define ICMPLAB_TEST_KTAPCHECK_H

/* Reads text as KTAP version 1 as icmplab writes it: nesting by
 * KTAP_INDENT, each level opened by a version line and a plan (1..N, or
 * 1..0 # SKIP reason when nothing ran), test lines numbered from 1 whose
 * names keep to [A-Za-z0-9_-], plans that add up, a parent that is not ok
 * when a subtest is not. Returns the number of problems, each printed on
 * stderr with its line number. */
int check_ktap(const char *text);

#endif
