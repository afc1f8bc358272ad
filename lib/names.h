/* Name tables: errno names, ICMP and ICMPv6 type and code names, error-queue
 * origins. Tables end with a { 0, NULL } sentinel. */
#ifndef ICMPLAB_NAMES_H
#define ICMPLAB_NAMES_H

struct tok {
	int v;
	const char *s;
};

/* The name for v in t, or dflt when v is not in the table. */
const char *tok2str(const struct tok *t, int v, const char *dflt);
/* Looks up s (exact, case-sensitive). 0 and *v set on success, -1 if absent. */
int str2tok(const struct tok *t, const char *s, int *v);

/* "ECONNREFUSED" for ECONNREFUSED; "0" for 0; "E?123" style text written into
 * a static buffer is never returned: unknown numbers give NULL. */
const char *errno_name(int e);
/* "ECONNREFUSED" -> ECONNREFUSED. 0 on success, -1 for an unknown name. */
int errno_from_name(const char *s, int *e);

/* ICMP names: family is AF_INET or AF_INET6. Type names are short tokens
 * ("dest-unreach", "time-exceeded"); code names are the RFC phrases
 * ("port unreachable"). NULL when unknown. */
const char *icmp_type_name(int family, int type);
const char *icmp_code_name(int family, int type, int code);

/* ICMP names on input (case files: type=unreachable code=port). A table
 * holds each value's primary name first, then input aliases, so a number
 * always prints its primary name. An input name is an entry without blanks:
 * every type name, and the short code names ("port", "frag-needed",
 * "ttl") listed after the RFC phrases. */

/* True when s could be written in a case file (non-empty, no blank). */
int icmp_name_is_input(const char *s);
/* 0 and *type for an input type name of family ("dest-unreach",
 * "unreachable"); -1 otherwise (numbers are the caller's to parse). */
int icmp_type_from_name(int family, const char *s, int *type);
/* 0 and *code for an input code name of family's type ("port" with type
 * 3); -1 when the type has no such name. */
int icmp_code_from_name(int family, int type, const char *s, int *code);

/* The tables behind these lookups, for listing the names: the types of
 * family, and the codes of one type (NULL when the type has no named codes
 * or the family is unknown). Both end with {0, NULL}. */
const struct tok *icmp_type_table(int family);
const struct tok *icmp_code_table(int family, int type);

/* SO_EE_ORIGIN_* names: "none", "local", "icmp", "icmp6", "txstatus",
 * "zerocopy", "txtime". */
extern const struct tok ee_origin_names[];

#endif
