/* Fuzz target for lib/event.c: event_parse on the raw bytes, which need
 * not be NUL-terminated (a sanitizer build catches a read past size).
 * Whatever parses is written back and parsed again, and must come back
 * the same kind: the harness relies on event_write producing lines that
 * event_parse accepts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event e, back;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (event_parse((const char *)data, size, &e, err, sizeof(err)) < 0) {
		/* A refusal always says why. */
		if (!err[0])
			abort();
		return 0;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return 0;
	if (event_write(f, &e) < 0) {
		fclose(f);
		free(buf);
		return 0;
	}
	fclose(f);
	if (len == 0 || buf[len - 1] != '\n' ||
	    event_parse(buf, len - 1, &back, err, sizeof(err)) < 0 ||
	    back.kind != e.kind || back.t_ns != e.t_ns)
		abort();
	free(buf);
	return 0;
}
