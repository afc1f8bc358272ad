/* Name tables. See names.h.
 *
 * Every table ends with { 0, NULL }. Several tables have a real entry whose
 * value is 0 (echo-reply, "net unreachable", SO_EE_ORIGIN_NONE), so the scan
 * stops on a NULL name, never on a zero value. */
#include "names.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
/* linux/errqueue.h uses struct timespec without including its header. */
#include <time.h>
#include <linux/errqueue.h>

const char *tok2str(const struct tok *t, int v, const char *dflt)
{
	for (; t && t->s; t++)
		if (t->v == v)
			return t->s;
	return dflt;
}

int str2tok(const struct tok *t, const char *s, int *v)
{
	if (!s)
		return -1;
	for (; t && t->s; t++) {
		if (strcmp(t->s, s) == 0) {
			*v = t->v;
			return 0;
		}
	}
	return -1;
}

/* Every errno Linux defines (asm-generic/errno-base.h and errno.h), in
 * numeric order. Aliases come last: tok2str returns the first match, so a
 * number always prints as its primary name ("EAGAIN", not "EWOULDBLOCK",
 * since the two are one value on Linux), while str2tok still accepts the
 * alias spellings a case file might use. */
static const struct tok errno_names[] = {
	{EPERM, "EPERM"},
	{ENOENT, "ENOENT"},
	{ESRCH, "ESRCH"},
	{EINTR, "EINTR"},
	{EIO, "EIO"},
	{ENXIO, "ENXIO"},
	{E2BIG, "E2BIG"},
	{ENOEXEC, "ENOEXEC"},
	{EBADF, "EBADF"},
	{ECHILD, "ECHILD"},
	{EAGAIN, "EAGAIN"},
	{ENOMEM, "ENOMEM"},
	{EACCES, "EACCES"},
	{EFAULT, "EFAULT"},
	{ENOTBLK, "ENOTBLK"},
	{EBUSY, "EBUSY"},
	{EEXIST, "EEXIST"},
	{EXDEV, "EXDEV"},
	{ENODEV, "ENODEV"},
	{ENOTDIR, "ENOTDIR"},
	{EISDIR, "EISDIR"},
	{EINVAL, "EINVAL"},
	{ENFILE, "ENFILE"},
	{EMFILE, "EMFILE"},
	{ENOTTY, "ENOTTY"},
	{ETXTBSY, "ETXTBSY"},
	{EFBIG, "EFBIG"},
	{ENOSPC, "ENOSPC"},
	{ESPIPE, "ESPIPE"},
	{EROFS, "EROFS"},
	{EMLINK, "EMLINK"},
	{EPIPE, "EPIPE"},
	{EDOM, "EDOM"},
	{ERANGE, "ERANGE"},
	{EDEADLK, "EDEADLK"},
	{ENAMETOOLONG, "ENAMETOOLONG"},
	{ENOLCK, "ENOLCK"},
	{ENOSYS, "ENOSYS"},
	{ENOTEMPTY, "ENOTEMPTY"},
	{ELOOP, "ELOOP"},
	{ENOMSG, "ENOMSG"},
	{EIDRM, "EIDRM"},
	{ECHRNG, "ECHRNG"},
	{EL2NSYNC, "EL2NSYNC"},
	{EL3HLT, "EL3HLT"},
	{EL3RST, "EL3RST"},
	{ELNRNG, "ELNRNG"},
	{EUNATCH, "EUNATCH"},
	{ENOCSI, "ENOCSI"},
	{EL2HLT, "EL2HLT"},
	{EBADE, "EBADE"},
	{EBADR, "EBADR"},
	{EXFULL, "EXFULL"},
	{ENOANO, "ENOANO"},
	{EBADRQC, "EBADRQC"},
	{EBADSLT, "EBADSLT"},
	{EBFONT, "EBFONT"},
	{ENOSTR, "ENOSTR"},
	{ENODATA, "ENODATA"},
	{ETIME, "ETIME"},
	{ENOSR, "ENOSR"},
	{ENONET, "ENONET"},
	{ENOPKG, "ENOPKG"},
	{EREMOTE, "EREMOTE"},
	{ENOLINK, "ENOLINK"},
	{EADV, "EADV"},
	{ESRMNT, "ESRMNT"},
	{ECOMM, "ECOMM"},
	{EPROTO, "EPROTO"},
	{EMULTIHOP, "EMULTIHOP"},
	{EDOTDOT, "EDOTDOT"},
	{EBADMSG, "EBADMSG"},
	{EOVERFLOW, "EOVERFLOW"},
	{ENOTUNIQ, "ENOTUNIQ"},
	{EBADFD, "EBADFD"},
	{EREMCHG, "EREMCHG"},
	{ELIBACC, "ELIBACC"},
	{ELIBBAD, "ELIBBAD"},
	{ELIBSCN, "ELIBSCN"},
	{ELIBMAX, "ELIBMAX"},
	{ELIBEXEC, "ELIBEXEC"},
	{EILSEQ, "EILSEQ"},
	{ERESTART, "ERESTART"},
	{ESTRPIPE, "ESTRPIPE"},
	{EUSERS, "EUSERS"},
	{ENOTSOCK, "ENOTSOCK"},
	{EDESTADDRREQ, "EDESTADDRREQ"},
	{EMSGSIZE, "EMSGSIZE"},
	{EPROTOTYPE, "EPROTOTYPE"},
	{ENOPROTOOPT, "ENOPROTOOPT"},
	{EPROTONOSUPPORT, "EPROTONOSUPPORT"},
	{ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"},
	{EOPNOTSUPP, "EOPNOTSUPP"},
	{EPFNOSUPPORT, "EPFNOSUPPORT"},
	{EAFNOSUPPORT, "EAFNOSUPPORT"},
	{EADDRINUSE, "EADDRINUSE"},
	{EADDRNOTAVAIL, "EADDRNOTAVAIL"},
	{ENETDOWN, "ENETDOWN"},
	{ENETUNREACH, "ENETUNREACH"},
	{ENETRESET, "ENETRESET"},
	{ECONNABORTED, "ECONNABORTED"},
	{ECONNRESET, "ECONNRESET"},
	{ENOBUFS, "ENOBUFS"},
	{EISCONN, "EISCONN"},
	{ENOTCONN, "ENOTCONN"},
	{ESHUTDOWN, "ESHUTDOWN"},
	{ETOOMANYREFS, "ETOOMANYREFS"},
	{ETIMEDOUT, "ETIMEDOUT"},
	{ECONNREFUSED, "ECONNREFUSED"},
	{EHOSTDOWN, "EHOSTDOWN"},
	{EHOSTUNREACH, "EHOSTUNREACH"},
	{EALREADY, "EALREADY"},
	{EINPROGRESS, "EINPROGRESS"},
	{ESTALE, "ESTALE"},
	{EUCLEAN, "EUCLEAN"},
	{ENOTNAM, "ENOTNAM"},
	{ENAVAIL, "ENAVAIL"},
	{EISNAM, "EISNAM"},
	{EREMOTEIO, "EREMOTEIO"},
	{EDQUOT, "EDQUOT"},
	{ENOMEDIUM, "ENOMEDIUM"},
	{EMEDIUMTYPE, "EMEDIUMTYPE"},
	{ECANCELED, "ECANCELED"},
	{ENOKEY, "ENOKEY"},
	{EKEYEXPIRED, "EKEYEXPIRED"},
	{EKEYREVOKED, "EKEYREVOKED"},
	{EKEYREJECTED, "EKEYREJECTED"},
	{EOWNERDEAD, "EOWNERDEAD"},
	{ENOTRECOVERABLE, "ENOTRECOVERABLE"},
	{ERFKILL, "ERFKILL"},
	{EHWPOISON, "EHWPOISON"},
	/* Aliases. */
	{EWOULDBLOCK, "EWOULDBLOCK"},
	{EDEADLOCK, "EDEADLOCK"},
	{ENOTSUP, "ENOTSUP"},
	{0, NULL},
};

const char *errno_name(int e)
{
	/* 0 is "no error", which a probe reports as often as a real one. */
	if (e == 0)
		return "0";
	return tok2str(errno_names, e, NULL);
}

int errno_from_name(const char *s, int *e)
{
	if (s && strcmp(s, "0") == 0) {
		*e = 0;
		return 0;
	}
	return str2tok(errno_names, s, e);
}

/* ICMPv4 message types (RFC 792, RFC 950 for masks, RFC 1256 for router
 * discovery, RFC 8335 for extended echo). Input aliases last:
 * "unreachable" (packetdrill's word) and "parameter-problem". */
static const struct tok icmp4_types[] = {
	{0, "echo-reply"},	   {3, "dest-unreach"},
	{4, "source-quench"},	   {5, "redirect"},
	{8, "echo-request"},	   {9, "router-advert"},
	{10, "router-solicit"},	   {11, "time-exceeded"},
	{12, "param-problem"},	   {13, "timestamp-request"},
	{14, "timestamp-reply"},   {15, "info-request"},
	{16, "info-reply"},	   {17, "mask-request"},
	{18, "mask-reply"},	   {42, "ext-echo-request"},
	{43, "ext-echo-reply"},	   {3, "unreachable"},
	{12, "parameter-problem"}, {0, NULL},
};

/* Codes 0-5 from RFC 792, 6-12 from RFC 1122 3.2.2.1, 13-15 from RFC 1812
 * 5.2.7.1. */
static const struct tok icmp4_unreach_codes[] = {
	{0, "net unreachable"},
	{1, "host unreachable"},
	{2, "protocol unreachable"},
	{3, "port unreachable"},
	{4, "fragmentation needed"},
	{5, "source route failed"},
	{6, "destination network unknown"},
	{7, "destination host unknown"},
	{8, "source host isolated"},
	{9, "network administratively prohibited"},
	{10, "host administratively prohibited"},
	{11, "network unreachable for TOS"},
	{12, "host unreachable for TOS"},
	{13, "communication administratively prohibited"},
	{14, "host precedence violation"},
	{15, "precedence cutoff in effect"},
	/* Input names (case files: code=port); the file names of
	 * cases/v4/forge/du*.case use the same words. */
	{0, "net"},
	{1, "host"},
	{2, "protocol"},
	{3, "port"},
	{4, "frag-needed"},
	{5, "source-route"},
	{6, "net-unknown"},
	{7, "host-unknown"},
	{8, "source-isolated"},
	{9, "net-prohibited"},
	{10, "host-prohibited"},
	{11, "net-tos"},
	{12, "host-tos"},
	{13, "comm-prohibited"},
	{14, "precedence-violation"},
	{15, "precedence-cutoff"},
	{0, NULL},
};

/* RFC 792. */
static const struct tok icmp4_redirect_codes[] = {
	{0, "redirect for network"},
	{1, "redirect for host"},
	{2, "redirect for TOS and network"},
	{3, "redirect for TOS and host"},
	/* Input names. */
	{0, "net"},
	{1, "host"},
	{2, "tos-net"},
	{3, "tos-host"},
	{0, NULL},
};

/* RFC 792. */
static const struct tok icmp4_timxceed_codes[] = {
	{0, "TTL exceeded in transit"},
	{1, "fragment reassembly time exceeded"},
	/* Input names. */
	{0, "ttl"},
	{0, "transit"},
	{1, "reassembly"},
	{0, NULL},
};

/* Code 0 from RFC 792, 1 from RFC 1108 (security option), 2 from RFC 1812
 * 5.2.7.3. */
static const struct tok icmp4_paramprob_codes[] = {
	{0, "pointer indicates the error"},
	{1, "missing a required option"},
	{2, "bad length"},
	/* Input names. */
	{0, "pointer"},
	{1, "missing-option"},
	{2, "bad-length"},
	{0, NULL},
};

/* ICMPv6 types: errors and echo from RFC 4443, MLD from RFC 2710 and 3810,
 * neighbor discovery from RFC 4861. Input aliases last, as for ICMPv4. */
static const struct tok icmp6_types[] = {
	{1, "dest-unreach"},	  {2, "packet-too-big"},
	{3, "time-exceeded"},	  {4, "param-problem"},
	{128, "echo-request"},	  {129, "echo-reply"},
	{130, "mld-query"},	  {131, "mld-report"},
	{132, "mld-done"},	  {133, "router-solicit"},
	{134, "router-advert"},	  {135, "neighbor-solicit"},
	{136, "neighbor-advert"}, {137, "redirect"},
	{143, "mld2-report"},	  {1, "unreachable"},
	{4, "parameter-problem"}, {0, NULL},
};

/* RFC 4443 3.1; code 7 from RFC 6554, code 8 from RFC 8883. */
static const struct tok icmp6_unreach_codes[] = {
	{0, "no route to destination"},
	{1, "communication with destination administratively prohibited"},
	{2, "beyond scope of source address"},
	{3, "address unreachable"},
	{4, "port unreachable"},
	{5, "source address failed ingress/egress policy"},
	{6, "reject route to destination"},
	{7, "error in source routing header"},
	{8, "headers too long"},
	/* Input names. */
	{0, "no-route"},
	{1, "admin-prohibited"},
	{2, "beyond-scope"},
	{3, "address"},
	{4, "port"},
	{5, "policy"},
	{6, "reject-route"},
	{7, "source-routing"},
	{8, "headers-too-long"},
	{0, NULL},
};

/* RFC 4443 3.2 defines only code 0. */
static const struct tok icmp6_toobig_codes[] = {
	{0, "packet too big"},
	/* Input name. */
	{0, "too-big"},
	{0, NULL},
};

/* RFC 4443 3.3. */
static const struct tok icmp6_timxceed_codes[] = {
	{0, "hop limit exceeded in transit"},
	{1, "fragment reassembly time exceeded"},
	/* Input names. */
	{0, "hop-limit"},
	{0, "transit"},
	{1, "reassembly"},
	{0, NULL},
};

/* RFC 4443 3.4; code 3 from RFC 7112, 4 from RFC 8754, 5-10 from
 * RFC 8883. */
static const struct tok icmp6_paramprob_codes[] = {
	{0, "erroneous header field encountered"},
	{1, "unrecognized next header type encountered"},
	{2, "unrecognized IPv6 option encountered"},
	{3, "IPv6 first fragment has incomplete IPv6 header chain"},
	{4, "SR upper-layer header error"},
	{5, "unrecognized next header type encountered by intermediate node"},
	{6, "extension header too big"},
	{7, "extension header chain too long"},
	{8, "too many extension headers"},
	{9, "too many options in extension header"},
	{10, "option too big"},
	/* Input names. */
	{0, "header"},
	{1, "next-header"},
	{2, "option"},
	{0, NULL},
};

/* Which code table belongs to which type. A struct tok cannot carry a
 * pointer, hence this second kind of table; it ends with codes == NULL for
 * the same reason the name tables end with s == NULL. */
struct type_codes {
	int type;
	const struct tok *codes;
};

static const struct type_codes icmp4_codes[] = {
	{3, icmp4_unreach_codes},
	{5, icmp4_redirect_codes},
	{11, icmp4_timxceed_codes},
	{12, icmp4_paramprob_codes},
	{0, NULL},
};

static const struct type_codes icmp6_codes[] = {
	{1, icmp6_unreach_codes},
	{2, icmp6_toobig_codes},
	{3, icmp6_timxceed_codes},
	{4, icmp6_paramprob_codes},
	{0, NULL},
};

const struct tok *icmp_type_table(int family)
{
	switch (family) {
	case AF_INET:
		return icmp4_types;
	case AF_INET6:
		return icmp6_types;
	default:
		return NULL;
	}
}

const struct tok *icmp_code_table(int family, int type)
{
	const struct type_codes *tc;

	switch (family) {
	case AF_INET:
		tc = icmp4_codes;
		break;
	case AF_INET6:
		tc = icmp6_codes;
		break;
	default:
		return NULL;
	}
	for (; tc->codes; tc++)
		if (tc->type == type)
			return tc->codes;
	return NULL;
}

const char *icmp_type_name(int family, int type)
{
	return tok2str(icmp_type_table(family), type, NULL);
}

const char *icmp_code_name(int family, int type, int code)
{
	return tok2str(icmp_code_table(family, type), code, NULL);
}

int icmp_name_is_input(const char *s)
{
	return s && *s && !strchr(s, ' ');
}

int icmp_type_from_name(int family, const char *s, int *type)
{
	if (!icmp_name_is_input(s))
		return -1;
	return str2tok(icmp_type_table(family), s, type);
}

int icmp_code_from_name(int family, int type, const char *s, int *code)
{
	if (!icmp_name_is_input(s))
		return -1;
	return str2tok(icmp_code_table(family, type), s, code);
}

const struct tok ee_origin_names[] = {
	{SO_EE_ORIGIN_NONE, "none"},
	{SO_EE_ORIGIN_LOCAL, "local"},
	{SO_EE_ORIGIN_ICMP, "icmp"},
	{SO_EE_ORIGIN_ICMP6, "icmp6"},
	{SO_EE_ORIGIN_TXSTATUS, "txstatus"},
	{SO_EE_ORIGIN_ZEROCOPY, "zerocopy"},
	{SO_EE_ORIGIN_TXTIME, "txtime"},
	{0, NULL},
};
