/* Bounds-checked reading of packet bytes.
 *
 * Every read of wire bytes in icmplab goes through a cursor. A cursor is a
 * window [p, end); a read either takes the bytes it asks for and advances, or
 * fails with -1 and leaves the cursor where it was. Length checks compare the
 * request with (end - p), never compute p + n, so a huge n cannot wrap.
 */
#ifndef ICMPLAB_CURSOR_H
#define ICMPLAB_CURSOR_H

#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t *p;
	const uint8_t *end;
};

/* A cursor over len bytes at buf. buf may be NULL only when len is 0. */
void cur_init(struct cursor *c, const void *buf, size_t len);

/* Bytes left to read. */
size_t cur_left(const struct cursor *c);

/* Reads one field in network byte order. 0 on success, -1 when fewer bytes
 * are left than the field needs (the cursor is then unchanged). */
int cur_u8(struct cursor *c, uint8_t *v);
int cur_be16(struct cursor *c, uint16_t *v);
int cur_be32(struct cursor *c, uint32_t *v);

/* Copies n bytes to out (which the caller owns), or skips n bytes. */
int cur_bytes(struct cursor *c, void *out, size_t n);
int cur_skip(struct cursor *c, size_t n);

/* Splits off the next n bytes as a sub-cursor and advances c past them.
 * -1 when fewer than n bytes are left. */
int cur_sub(struct cursor *c, size_t n, struct cursor *sub);

/* Like cur_sub, but takes min(n, left) bytes: for a quoted datagram whose
 * header claims more than the error carries. Sets *short_by to how many bytes
 * were missing (0 when all n were there). Never fails. */
void cur_sub_upto(struct cursor *c, size_t n, struct cursor *sub,
		  size_t *short_by);

#endif
