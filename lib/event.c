/* JSON-lines encoding of probe events, through jansson. */
#include "event.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "names.h"

static const struct tok ev_kinds[] = {
	{EV_START, "start"},	   {EV_FLOW, "flow"}, {EV_CALL, "call"},
	{EV_ERRQUEUE, "errqueue"}, {EV_ICMP, "icmp"}, {EV_SYNC, "sync"},
	{EV_NOTE, "note"},	   {EV_SKIP, "skip"}, {EV_END, "end"},
	{EV_EXIT, "exit"},	   {0, NULL},
};

static const struct tok proto_names[] = {
	{IPPROTO_UDP, "udp"},
	{IPPROTO_TCP, "tcp"},
	{IPPROTO_ICMP, "icmp"},
	{IPPROTO_ICMPV6, "icmpv6"},
	{0, NULL},
};

const char *event_kind_name(enum ev_kind k)
{
	return tok2str(ev_kinds, (int)k, "?");
}

uint64_t event_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

json_t *event_errno_json(int e)
{
	const char *n;

	if (e == 0)
		return json_null();
	n = errno_name(e);
	return n ? json_string(n) : json_integer(e);
}

static void set_addr(json_t *o, const char *key, const struct ipaddr *a)
{
	char buf[ADDR_STRLEN];

	if (a->family)
		json_object_set_new(o, key, json_string(addr_str(a, buf)));
}

/* Everything after "ev" and "t", in the order the probes write it. */
static void add_fields(json_t *o, const struct event *e)
{
	switch (e->kind) {
	case EV_START:
	case EV_NOTE:
	case EV_SKIP:
		json_object_set_new(o, e->kind == EV_START ? "probe" : "text",
				    json_string(e->text));
		break;
	case EV_FLOW:
		json_object_set_new(
			o, "proto",
			json_string(tok2str(proto_names, e->proto, "?")));
		set_addr(o, "src", &e->src);
		json_object_set_new(o, "sport", json_integer(e->sport));
		set_addr(o, "dst", &e->dst);
		json_object_set_new(o, "dport", json_integer(e->dport));
		break;
	case EV_CALL:
		json_object_set_new(o, "call", json_string(e->call));
		if (e->via[0] && strcmp(e->via, e->call) != 0)
			json_object_set_new(o, "via", json_string(e->via));
		json_object_set_new(o, "ret", json_integer(e->ret));
		json_object_set_new(o, "errno", event_errno_json(e->err));
		if (e->value)
			json_object_set_new(o, "value",
					    event_errno_json(e->value));
		break;
	case EV_ERRQUEUE:
		json_object_set_new(o, "via", json_string(e->via));
		json_object_set_new(o, "ee_errno",
				    event_errno_json(e->ee_errno));
		json_object_set_new(
			o, "origin",
			json_string(tok2str(ee_origin_names, e->origin, "?")));
		json_object_set_new(o, "type", json_integer(e->type));
		json_object_set_new(o, "code", json_integer(e->code));
		json_object_set_new(o, "info", json_integer(e->info));
		json_object_set_new(o, "data", json_integer(e->data));
		set_addr(o, "offender", &e->offender);
		if (e->rfc4884_len >= 0)
			json_object_set_new(o, "rfc4884",
					    json_integer(e->rfc4884_len));
		break;
	case EV_ICMP:
		json_object_set_new(o, "via", json_string(e->via));
		json_object_set_new(o, "type", json_integer(e->type));
		json_object_set_new(o, "code", json_integer(e->code));
		set_addr(o, "from", &e->offender);
		json_object_set_new(o, "match",
				    json_string(e->own ? "own" : "other"));
		break;
	case EV_SYNC:
		json_object_set_new(o, "seq", json_integer(e->seq));
		json_object_set_new(o, "sent", json_boolean(e->sent));
		if (e->burst > 1)
			json_object_set_new(o, "burst", json_integer(e->burst));
		break;
	case EV_END:
		break;
	case EV_EXIT:
		json_object_set_new(o, "status", json_integer(e->value));
		break;
	}
}

json_t *event_json(const struct event *e)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "ev", json_string(event_kind_name(e->kind)));
	add_fields(o, e);
	return o;
}

int event_write(FILE *f, const struct event *e)
{
	json_t *o = json_object();
	char *s;
	int rc = 0;

	if (!o)
		return -1;
	json_object_set_new(o, "ev", json_string(event_kind_name(e->kind)));
	json_object_set_new(o, "t", json_integer((json_int_t)e->t_ns));
	add_fields(o, e);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return -1;
	if (fprintf(f, "%s\n", s) < 0 || fflush(f) != 0)
		rc = -1;
	free(s);
	return rc;
}

/* Field readers: each returns 0, or -1 with a reason naming the field. A
 * missing optional field leaves *out alone. */
static int get_int(json_t *o, const char *key, bool required, long long lo,
		   long long hi, long long *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);

	if (!v) {
		if (!required)
			return 0;
		snprintf(err, errlen, "missing field '%s'", key);
		return -1;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi) {
		snprintf(err, errlen,
			 "field '%s': expected an integer %lld..%lld", key, lo,
			 hi);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

static int get_str(json_t *o, const char *key, bool required, char *out,
		   size_t outlen, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);
	const char *s;

	if (!v) {
		if (!required)
			return 0;
		snprintf(err, errlen, "missing field '%s'", key);
		return -1;
	}
	if (!json_is_string(v)) {
		snprintf(err, errlen, "field '%s': expected a string", key);
		return -1;
	}
	s = json_string_value(v);
	if (strlen(s) >= outlen) {
		snprintf(err, errlen, "field '%s': longer than %zu bytes", key,
			 outlen - 1);
		return -1;
	}
	strcpy(out, s);
	return 0;
}

/* errno fields are null (0), a name, or a number we had no name for. */
static int get_errno(json_t *o, const char *key, bool required, int *out,
		     char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (!v && required) {
		snprintf(err, errlen, "missing field '%s'", key);
		return -1;
	}
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) < 4096) {
		*out = (int)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) &&
	    errno_from_name(json_string_value(v), out) == 0)
		return 0;
	snprintf(err, errlen, "field '%s': expected an errno name or null",
		 key);
	return -1;
}

static int get_addr(json_t *o, const char *key, struct ipaddr *out, char *err,
		    size_t errlen)
{
	char buf[ADDR_STRLEN];

	buf[0] = '\0';
	if (get_str(o, key, false, buf, sizeof(buf), err, errlen) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	/* Absent means none; present, even "", must be an address. */
	if (json_object_get(o, key) && addr_parse(buf, out) < 0) {
		snprintf(err, errlen, "field '%s': '%s' is not an address", key,
			 buf);
		return -1;
	}
	return 0;
}

static int decode(json_t *o, struct event *e, char *err, size_t errlen)
{
	char kind[EV_NAME_MAX], name[EV_NAME_MAX];
	long long n = 0;
	int k;

	if (get_str(o, "ev", true, kind, sizeof(kind), err, errlen) < 0)
		return -1;
	if (str2tok(ev_kinds, kind, &k) < 0) {
		snprintf(err, errlen, "unknown event kind '%s'", kind);
		return -1;
	}
	e->kind = (enum ev_kind)k;
	if (get_int(o, "t", true, 0, INT64_MAX, &n, err, errlen) < 0)
		return -1;
	e->t_ns = (uint64_t)n;

	switch (e->kind) {
	case EV_START:
		return get_str(o, "probe", true, e->text, sizeof(e->text), err,
			       errlen);
	case EV_NOTE:
	case EV_SKIP:
		return get_str(o, "text", true, e->text, sizeof(e->text), err,
			       errlen);
	case EV_FLOW:
		if (get_str(o, "proto", true, name, sizeof(name), err, errlen) <
		    0)
			return -1;
		if (str2tok(proto_names, name, &e->proto) < 0) {
			snprintf(err, errlen, "unknown protocol '%s'", name);
			return -1;
		}
		if (get_addr(o, "src", &e->src, err, errlen) < 0 ||
		    get_addr(o, "dst", &e->dst, err, errlen) < 0)
			return -1;
		if (get_int(o, "sport", true, 0, 65535, &n, err, errlen) < 0)
			return -1;
		e->sport = (uint16_t)n;
		if (get_int(o, "dport", true, 0, 65535, &n, err, errlen) < 0)
			return -1;
		e->dport = (uint16_t)n;
		return 0;
	case EV_CALL:
		if (get_str(o, "call", true, e->call, sizeof(e->call), err,
			    errlen) < 0 ||
		    get_str(o, "via", false, e->via, sizeof(e->via), err,
			    errlen) < 0)
			return -1;
		if (!e->via[0])
			strcpy(e->via, e->call);
		if (get_int(o, "ret", true, LONG_MIN, LONG_MAX, &n, err,
			    errlen) < 0)
			return -1;
		e->ret = (long)n;
		if (get_errno(o, "errno", true, &e->err, err, errlen) < 0 ||
		    get_errno(o, "value", false, &e->value, err, errlen) < 0)
			return -1;
		return 0;
	case EV_ERRQUEUE:
		if (get_str(o, "via", true, e->via, sizeof(e->via), err,
			    errlen) < 0 ||
		    get_errno(o, "ee_errno", true, &e->ee_errno, err, errlen) <
			    0 ||
		    get_str(o, "origin", true, name, sizeof(name), err,
			    errlen) < 0)
			return -1;
		if (str2tok(ee_origin_names, name, &e->origin) < 0) {
			snprintf(err, errlen, "unknown origin '%s'", name);
			return -1;
		}
		if (get_int(o, "type", true, 0, 255, &n, err, errlen) < 0)
			return -1;
		e->type = (int)n;
		if (get_int(o, "code", true, 0, 255, &n, err, errlen) < 0)
			return -1;
		e->code = (int)n;
		if (get_int(o, "info", true, 0, UINT32_MAX, &n, err, errlen) <
		    0)
			return -1;
		e->info = (uint32_t)n;
		if (get_int(o, "data", true, 0, UINT32_MAX, &n, err, errlen) <
		    0)
			return -1;
		e->data = (uint32_t)n;
		n = -1;
		if (get_int(o, "rfc4884", false, 0, 65535, &n, err, errlen) < 0)
			return -1;
		e->rfc4884_len = (int)n;
		return get_addr(o, "offender", &e->offender, err, errlen);
	case EV_ICMP:
		if (get_str(o, "via", true, e->via, sizeof(e->via), err,
			    errlen) < 0 ||
		    get_str(o, "match", true, name, sizeof(name), err, errlen) <
			    0)
			return -1;
		if (strcmp(name, "own") != 0 && strcmp(name, "other") != 0) {
			snprintf(err, errlen,
				 "field 'match': expected own or other");
			return -1;
		}
		e->own = strcmp(name, "own") == 0;
		if (get_int(o, "type", true, 0, 255, &n, err, errlen) < 0)
			return -1;
		e->type = (int)n;
		if (get_int(o, "code", true, 0, 255, &n, err, errlen) < 0)
			return -1;
		e->code = (int)n;
		return get_addr(o, "from", &e->offender, err, errlen);
	case EV_SYNC:
		if (get_int(o, "seq", true, 0, UINT32_MAX, &n, err, errlen) < 0)
			return -1;
		e->seq = (unsigned)n;
		if (!json_is_boolean(json_object_get(o, "sent"))) {
			snprintf(err, errlen,
				 "field 'sent': expected a boolean");
			return -1;
		}
		e->sent = json_is_true(json_object_get(o, "sent"));
		n = 0;
		if (get_int(o, "burst", false, 0, 100000, &n, err, errlen) < 0)
			return -1;
		e->burst = (unsigned)n;
		return 0;
	case EV_END:
		return 0;
	case EV_EXIT:
		if (get_int(o, "status", true, 0, 255, &n, err, errlen) < 0)
			return -1;
		e->value = (int)n;
		return 0;
	}
	return -1;
}

int event_parse(const char *line, size_t len, struct event *out, char *err,
		size_t errlen)
{
	json_error_t jerr;
	json_t *o;
	int rc;

	memset(out, 0, sizeof(*out));
	out->rfc4884_len = -1;
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		snprintf(err, errlen, "not JSON: %s", jerr.text);
		return -1;
	}
	if (!json_is_object(o)) {
		snprintf(err, errlen, "expected a JSON object");
		json_decref(o);
		return -1;
	}
	rc = decode(o, out, err, errlen);
	json_decref(o);
	return rc;
}
