/* Text built up in a fixed buffer. */
#ifndef ICMPLAB_TEXT_H
#define ICMPLAB_TEXT_H

#include <stddef.h>

/* Appends formatted text to the NUL-terminated string in buf (len bytes
 * in all), cut to fit and kept terminated; a full buffer is left as it
 * is. */
void text_appendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
