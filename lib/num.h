/* The one number parser: strict decimal integers with a range, for the
 * command line, fault parameters, case files and probe arguments. */
#ifndef ICMPLAB_NUM_H
#define ICMPLAB_NUM_H

#include <stddef.h>

/* What num_parse returns besides 0. */
#define NUM_INVALID (-1) /* not a decimal number */
#define NUM_RANGE   (-2) /* a decimal number outside lo..hi */

/* Parses all of s as a decimal integer in lo..hi (lo <= hi) into *out.
 * Accepted: one or more digits 0-9, read as decimal (a leading zero is
 * not octal: "010" is 10), preceded by '-' only when lo < 0. Refused
 * (NUM_INVALID): NULL, the empty string, blanks anywhere, '+', a '-' when
 * lo >= 0, "0x" or any other non-digit, trailing characters. Refused
 * (NUM_RANGE): a number below lo or above hi, including one too large for
 * a long (no overflow, errno untouched). Returns 0 and sets *out, or
 * NUM_INVALID / NUM_RANGE and leaves *out alone. */
int num_parse(const char *s, long lo, long hi, long *out);

/* The same for the len bytes at s, which need not be NUL-terminated (a
 * piece of a list such as "0-15,20"). */
int num_parse_span(const char *s, size_t len, long lo, long hi, long *out);

#endif
