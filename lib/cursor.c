/* Bounds-checked reading of packet bytes. See cursor.h for the contract.
 *
 * Every check compares the request against cur_left(), which is computed as
 * end - p and so cannot overflow; p + n is only formed after the check has
 * proved that n bytes exist, so it never points past end. */
#include "cursor.h"

#include <string.h>

/* Advances by n bytes the caller has already checked are there. A cursor
 * built from (NULL, 0) must stay NULL: even NULL + 0 is undefined. */
static void advance(struct cursor *c, size_t n)
{
	if (n)
		c->p += n;
}

void cur_init(struct cursor *c, const void *buf, size_t len)
{
	c->p = buf;
	/* NULL + 0 is undefined in C, so a zero-length NULL window is spelled
	 * out rather than computed. */
	c->end = len ? c->p + len : c->p;
}

size_t cur_left(const struct cursor *c)
{
	return (size_t)(c->end - c->p);
}

int cur_u8(struct cursor *c, uint8_t *v)
{
	if (cur_left(c) < 1)
		return -1;
	*v = c->p[0];
	c->p += 1;
	return 0;
}

int cur_be16(struct cursor *c, uint16_t *v)
{
	if (cur_left(c) < 2)
		return -1;
	*v = (uint16_t)((unsigned)c->p[0] << 8 | c->p[1]);
	c->p += 2;
	return 0;
}

int cur_be32(struct cursor *c, uint32_t *v)
{
	if (cur_left(c) < 4)
		return -1;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	     (uint32_t)c->p[2] << 8 | (uint32_t)c->p[3];
	c->p += 4;
	return 0;
}

int cur_bytes(struct cursor *c, void *out, size_t n)
{
	if (cur_left(c) < n)
		return -1;
	/* memcpy with n == 0 still requires valid pointers; skip it. */
	if (n)
		memcpy(out, c->p, n);
	advance(c, n);
	return 0;
}

int cur_skip(struct cursor *c, size_t n)
{
	if (cur_left(c) < n)
		return -1;
	advance(c, n);
	return 0;
}

int cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	if (cur_left(c) < n)
		return -1;
	sub->p = c->p;
	advance(c, n);
	sub->end = c->p;
	return 0;
}

void cur_sub_upto(struct cursor *c, size_t n, struct cursor *sub,
		  size_t *short_by)
{
	size_t left = cur_left(c);
	size_t take = n < left ? n : left;

	if (short_by)
		*short_by = n - take;
	sub->p = c->p;
	advance(c, take);
	sub->end = c->p;
}
