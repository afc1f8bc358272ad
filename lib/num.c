/* Strict decimal numbers: see num.h. No strtol: it skips blanks, takes a
 * '+', and with base 0 reads "010" as 8 and "0x10" as 16. */
#include "num.h"

#include <limits.h>
#include <string.h>

int num_parse_span(const char *s, size_t len, long lo, long hi, long *out)
{
	const char *end;
	unsigned long mag = 0, limit;
	int neg = 0, digit;

	if (!s || len == 0)
		return NUM_INVALID;
	end = s + len;
	if (*s == '-') {
		if (lo >= 0)
			return NUM_INVALID;
		neg = 1;
		s++;
	}
	if (s == end)
		return NUM_INVALID;
	/* Largest magnitude a long of this sign holds. */
	limit = neg ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return NUM_INVALID;
		digit = *s - '0';
		if (mag > (limit - (unsigned long)digit) / 10) {
			/* Too large for a long, so outside lo..hi; the rest
			 * must still be digits for it to be a number. */
			for (s++; s < end; s++)
				if (*s < '0' || *s > '9')
					return NUM_INVALID;
			return NUM_RANGE;
		}
		mag = mag * 10 + (unsigned long)digit;
	}
	if (neg) {
		/* -mag fits in a long: mag <= LONG_MAX + 1. */
		long v = mag == (unsigned long)LONG_MAX + 1 ? LONG_MIN
							    : -(long)mag;

		if (v < lo || v > hi)
			return NUM_RANGE;
		*out = v;
		return 0;
	}
	if ((long)mag < lo || (long)mag > hi)
		return NUM_RANGE;
	*out = (long)mag;
	return 0;
}

int num_parse(const char *s, long lo, long hi, long *out)
{
	if (!s)
		return NUM_INVALID;
	return num_parse_span(s, strlen(s), lo, hi, out);
}
