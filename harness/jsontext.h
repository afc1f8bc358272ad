/* Text from outside (case files, a command's output, messages) as JSON
 * strings that are never lost: jansson refuses a string that is not valid
 * UTF-8 (json_string returns NULL, and the field silently vanishes from
 * its object), so every byte that does not belong to a valid UTF-8
 * sequence, and every NUL byte (which would cut the C strings that read
 * the document), is written as the four characters \xNN (lowercase hex). Valid
 * text is unchanged; a literal "\x41" already in the text is kept as it
 * is, so the escape is for reading, not for an exact round trip. */
#ifndef ICMPLAB_JSONTEXT_H
#define ICMPLAB_JSONTEXT_H

#include <stddef.h>

#include <jansson.h>

/* The n bytes at s (NUL bytes included) as a JSON string. New reference;
 * NULL only when memory runs out. */
json_t *json_textn(const char *s, size_t n);

/* The C string s as a JSON string; s NULL is "". As json_textn. */
json_t *json_text(const char *s);

/* Length of the valid UTF-8 sequence (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) at s, of at most n bytes; 0 when
 * the byte at s does not start one. n must be at least 1. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

#endif
