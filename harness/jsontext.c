/* JSON strings from any bytes: see jsontext.h. */
#include "jsontext.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0; /* a continuation byte, C0, C1, F5..FF */
	/* The second byte's range rules out overlong forms (E0, F0),
	 * surrogates (ED) and code points above U+10FFFF (F4). */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

json_t *json_textn(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, at = 0, k;
	char *buf;
	json_t *j;

	/* At worst every byte becomes four. */
	if (n > (SIZE_MAX - 1) / 4)
		return NULL;
	buf = malloc(4 * n + 1);
	if (!buf)
		return NULL;
	while (i < n) {
		/* NUL is valid UTF-8 but ends every C string that reads the
		 * document later: escaped like an invalid byte. */
		k = u[i] ? utf8_seq_len(u + i, n - i) : 0;
		if (k) {
			memcpy(buf + at, u + i, k);
			at += k;
			i += k;
		} else {
			snprintf(buf + at, 5, "\\x%02x", u[i]);
			at += 4;
			i++;
		}
	}
	j = json_stringn(buf, at);
	free(buf);
	return j;
}

json_t *json_text(const char *s)
{
	return s ? json_textn(s, strlen(s)) : json_textn("", 0);
}
