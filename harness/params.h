/* Fault parameter schemas. Each fault row declares its parameters as a
 * table of struct param_spec (name, kind, range, default, one-line doc).
 * A case's key=value strings are parsed against it once, into a typed
 * struct param_block that the fault's setup function reads by index; the
 * case-file parser validates each value through the same code
 * (catalog_vocab's check_param), and `icmplab faults` prints the schema.
 */
#ifndef ICMPLAB_PARAMS_H
#define ICMPLAB_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "casefile.h"
#include "names.h"

enum param_kind {
	/* A decimal number lo..hi (lib/num.h rules) -> n. */
	PARAM_INT,
	/* One of the names in tokens -> n is that entry's value, s its
	 * name (static storage). */
	PARAM_ENUM,
	/* An ICMP type lo..hi, or a type name of family (lib/names.h) ->
	 * n. */
	PARAM_ICMP_TYPE,
	/* ICMP codes for a sweep: a comma-separated list of codes lo..hi,
	 * ranges LO-HI (numbers only, LO <= HI) and code names of the type
	 * given by the schema's PARAM_ICMP_TYPE parameter, at most
	 * PARAM_MAX_CODES in all -> codes. One code alone is not a sweep. */
	PARAM_ICMP_CODES,
	/* An IPv4 address in the documentation ranges of RFC 5737
	 * (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) -> addr. */
	PARAM_DOC_ADDR4,
};

#define PARAM_MAX	16 /* parameters one schema may declare */
/* A param_spec's family: the ICMP names of the case's own family (type=
 * unreachable is 3 in an ipv4 case, 1 in an ipv6 one). */
#define PARAM_FAMILY_CASE (-1)
#define PARAM_MAX_CODES 64

struct param_spec {
	const char *name; /* NULL ends a schema */
	enum param_kind kind;
	long lo, hi; /* PARAM_INT, PARAM_ICMP_TYPE, PARAM_ICMP_CODES */
	const struct tok *tokens; /* PARAM_ENUM; ends with {0, NULL} */
	int family;    /* PARAM_ICMP_*: whose names (AF_INET, AF_INET6, or
			* PARAM_FAMILY_CASE); 0 is AF_INET */
	bool required; /* the case must give it */
	/* The value a case that leaves the parameter out gets, written as
	 * a case would write it (a test parses every default); NULL: none,
	 * the setup function decides (the doc says how). */
	const char *dflt;
	const char *doc; /* one line */
};

struct param_codes {
	uint8_t v[PARAM_MAX_CODES];
	size_t n;
	bool sweep; /* a list or a range, even of one code */
};

struct param_value {
	bool given;		  /* written in the case */
	bool set;		  /* given, or filled from the default */
	long n;			  /* PARAM_INT, PARAM_ENUM, PARAM_ICMP_TYPE */
	const char *s;		  /* PARAM_ENUM: the token's name */
	struct param_codes codes; /* PARAM_ICMP_CODES */
	struct ipaddr addr;	  /* PARAM_DOC_ADDR4 */
};

/* A case's parameters, typed: v[i] belongs to schema[i]. */
struct param_block {
	const struct param_spec *schema;
	int family; /* the case's (AF_INET, AF_INET6), for the fault's rules */
	struct param_value v[PARAM_MAX];
};

/* The entry of schema named key, or NULL. */
const struct param_spec *param_find(const struct param_spec *schema,
				    const char *key);

/* Parses one value of spec into *out (which it fills entirely; given is
 * left false); a PARAM_FAMILY_CASE spec takes ICMPv4 names. icmp_type is the ICMP type that code names belong to, or
 * -1 when it is not known yet (the case parser checks one parameter at a
 * time): then a name of any type of spec's family is accepted, and out's
 * codes hold no number for it. Returns 0, or -1 with "expected KEY=..."
 * (the accepted forms, with the names) in why. */
int param_parse(const struct param_spec *spec, const char *val, int icmp_type,
		struct param_value *out, char *why, size_t whylen);

/* Checks one value as the case-file parser does, before the other
 * parameters and the family are known (param_parse with icmp_type -1; a
 * PARAM_FAMILY_CASE spec takes a name of either family). 0, or -1 with
 * why. */
int param_check(const struct param_spec *spec, const char *val, char *why,
		size_t whylen);

/* Parses n key=value pairs against schema into *b: every key must be in
 * the schema (once), every value valid, every required parameter given;
 * the others get their defaults. Code names are resolved against the
 * schema's ICMP type parameter. Returns 0, or -1 with the reason in why
 * ("takes no parameter 'x'; expected one of: a, b", "needs type=...",
 * "expected code=..."). */
int param_parse_all(const struct param_spec *schema,
		    const struct case_param *params, int n,
		    struct param_block *b, char *why, size_t whylen);

/* param_parse_all for a case of family (AF_INET, AF_INET6): the names of
 * PARAM_FAMILY_CASE specs are that family's, and b->family is set.
 * param_parse_all is this with AF_INET. */
int param_parse_all_family(const struct param_spec *schema,
			   const struct case_param *params, int n, int family,
			   struct param_block *b, char *why, size_t whylen);

/* The kind and range of spec in a few words ("1..1000", "yes|no",
 * "ICMPv4 type 0..255 or a name"), into buf (len bytes). Returns buf. */
const char *param_kind_str(const struct param_spec *spec, char *buf,
			   size_t len);

#endif
