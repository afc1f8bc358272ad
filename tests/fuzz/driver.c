/* Replay-and-mutate driver for fuzz targets built without libFuzzer.
 *
 *	driver CORPUS_DIR N
 *
 * runs LLVMFuzzerTestOneInput on every regular file in CORPUS_DIR, then on
 * N mutants of randomly chosen corpus entries. The PRNG has a fixed seed,
 * so a crash reproduces by running the same command again. The driver
 * knows nothing of the target: every fuzz_*.c in the project links with
 * it. With clang -fsanitize=fuzzer this file is left out and libFuzzer
 * supplies main(). */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The target's entry point, as libFuzzer declares it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs larger than this are cut: the parsers under test read packets
 * and case files, and a bounded size keeps a mutation run fast. */
#define FUZZ_MAX_INPUT (1u << 20)
/* Room a mutant may grow by through insertions. */
#define FUZZ_MAX_GROWTH 64

struct input {
	uint8_t *b;
	size_t len;
};

struct corpus {
	struct input *in;
	size_t n, cap;
};

/* xorshift64 (Marsaglia 2003): small, fast, and the same sequence on
 * every platform, which is all a reproducible mutation run needs. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* A number in [0, n); n must be nonzero. */
static size_t rng_below(uint64_t *s, size_t n)
{
	return (size_t)(rng_next(s) % n);
}

static void corpus_add(struct corpus *c, uint8_t *b, size_t len)
{
	struct input *in;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		in = realloc(c->in, c->cap * sizeof(*in));
		if (!in)
			err(1, "corpus");
		c->in = in;
	}
	c->in[c->n].b = b;
	c->in[c->n].len = len;
	c->n++;
}

/* Reads one file whole (up to FUZZ_MAX_INPUT bytes). Returns NULL with errno
 * set on failure; an empty file gives a non-NULL buffer of length 0. */
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b, *shrunk;
	size_t n;

	if (!f)
		return NULL;
	/* One byte more than the limit, to have a non-NULL buffer for an
	 * empty file as well. */
	b = malloc(FUZZ_MAX_INPUT + 1);
	if (!b) {
		fclose(f);
		return NULL;
	}
	n = fread(b, 1, FUZZ_MAX_INPUT, f);
	if (ferror(f)) {
		free(b);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	/* Give back what the file did not use; keep the big buffer if the
	 * allocator will not shrink it. */
	shrunk = realloc(b, n ? n : 1);
	*len = n;
	return shrunk ? shrunk : b;
}

/* Loads every regular file in dir, in name order so that the order of
 * the runs, and therefore the mutants, do not depend on the file system. */
static void corpus_load(struct corpus *c, const char *dir)
{
	struct dirent **names;
	char path[PATH_MAX];
	struct stat st;
	uint8_t *b;
	size_t len;
	int n, i;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		err(1, "%s", dir);
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir,
			     names[i]->d_name) >= (int)sizeof(path))
			errx(1, "%s/%s: path too long", dir, names[i]->d_name);
		free(names[i]);
		if (stat(path, &st) < 0)
			err(1, "%s", path);
		if (!S_ISREG(st.st_mode))
			continue;
		b = read_file(path, &len);
		if (!b)
			err(1, "%s", path);
		corpus_add(c, b, len);
	}
	free(names);
}

/* Applies one to four random edits to buf (len bytes, room for cap). */
static size_t mutate(uint64_t *s, uint8_t *buf, size_t len, size_t cap)
{
	size_t edits = 1 + rng_below(s, 4), pos, n, i;

	while (edits--) {
		switch (rng_below(s, 7)) {
		case 0: /* flip one bit */
			if (len) {
				pos = rng_below(s, len);
				buf[pos] ^= (uint8_t)(1u << rng_below(s, 8));
			}
			break;
		case 1: /* set a byte to a boundary value */
			if (len)
				buf[rng_below(s, len)] =
					rng_below(s, 2) ? 0xff : 0x00;
			break;
		case 2: /* set a byte to anything */
			if (len)
				buf[rng_below(s, len)] = (uint8_t)rng_next(s);
			break;
		case 3: /* truncate */
			if (len)
				len = rng_below(s, len);
			break;
		case 4: /* insert a few random bytes */
			n = 1 + rng_below(s, 8);
			if (len + n > cap)
				break;
			pos = rng_below(s, len + 1);
			memmove(buf + pos + n, buf + pos, len - pos);
			for (i = 0; i < n; i++)
				buf[pos + i] = (uint8_t)rng_next(s);
			len += n;
			break;
		case 5: /* delete a few bytes */
			if (!len)
				break;
			pos = rng_below(s, len);
			n = 1 + rng_below(s, len - pos < 8 ? len - pos : 8);
			memmove(buf + pos, buf + pos + n, len - pos - n);
			len -= n;
			break;
		case 6: /* set a 16-bit field to a boundary: lengths */
			if (len >= 2) {
				static const uint16_t v[] = {0, 1, 0x7fff,
							     0x8000, 0xffff};

				pos = rng_below(s, len - 1);
				n = v[rng_below(s, sizeof(v) / sizeof(v[0]))];
				buf[pos] = (uint8_t)(n >> 8);
				buf[pos + 1] = (uint8_t)n;
			}
			break;
		}
	}
	return len;
}

/* Runs the target on a private heap copy of exactly len bytes, so that
 * AddressSanitizer sees a read one byte past the input. */
static void run_one(const uint8_t *b, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		err(1, "input");
	if (len)
		memcpy(copy, b, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
}

int main(int argc, char **argv)
{
	struct corpus c = {NULL, 0, 0};
	uint64_t seed = 0x9e3779b97f4a7c15u;
	unsigned long long n, i;
	uint8_t *buf;
	size_t k, len, total = 0;
	char *end;

	if (argc != 3)
		errx(1, "usage: %s CORPUS_DIR N", argv[0]);
	errno = 0;
	n = strtoull(argv[2], &end, 10);
	if (errno || end == argv[2] || *end || argv[2][0] == '-' ||
	    n > 100000000ull)
		errx(1, "%s: N must be a number from 0 to 100000000", argv[2]);
	corpus_load(&c, argv[1]);
	if (c.n == 0 && n > 0)
		errx(1, "%s: no corpus files to mutate; add at least one",
		     argv[1]);

	for (k = 0; k < c.n; k++)
		run_one(c.in[k].b, c.in[k].len);
	total = c.n;

	buf = malloc(FUZZ_MAX_INPUT + FUZZ_MAX_GROWTH);
	if (!buf)
		err(1, "mutation buffer");
	for (i = 0; i < n; i++) {
		k = rng_below(&seed, c.n);
		len = c.in[k].len;
		if (len)
			memcpy(buf, c.in[k].b, len);
		len = mutate(&seed, buf, len, FUZZ_MAX_INPUT + FUZZ_MAX_GROWTH);
		run_one(buf, len);
		total++;
	}
	free(buf);
	for (k = 0; k < c.n; k++)
		free(c.in[k].b);
	free(c.in);
	printf("fuzz: %zu inputs, no crash\n", total);
	return 0;
}
