/* Fuzz target for harness/resdoc.c and harness/diff.c: any bytes as a
 * results document (as `icmplab diff`, `report` and --baseline read one)
 * are refused with a reason or read and compared without a crash. The
 * input is one document, or two split at the first NUL byte (OLD NUL
 * NEW). Each accepted document has its cells turned into the reporters'
 * words, is diffed with the other, and its baseline form is written and
 * must read back as a results document (diff.h promises it is one). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "resdoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every per-cell reader of resdoc.h on every cell of doc. */
static void read_cells(json_t *doc)
{
	char buf[256];
	json_t *cell;
	size_t i;

	json_array_foreach(json_object_get(doc, "cells"), i, cell)
	{
		resdoc_surfaced_str(cell, buf, sizeof(buf));
		resdoc_expected_str(cell, buf, sizeof(buf));
		resdoc_wire_str(cell, buf, sizeof(buf));
		(void)resdoc_datagrams(cell);
		(void)resdoc_cell_seconds(doc, cell);
		(void)resdoc_case_cells(doc, resdoc_str(cell, "case"));
		(void)resdoc_case(doc, resdoc_str(cell, "case"));
	}
}

/* Writes doc's baseline form and reads it back: it must be a results
 * document. */
static void baseline_round_trip(json_t *doc)
{
	char *text = NULL, err[512];
	size_t len = 0;
	json_t *back;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	if (diff_write_baseline(f, doc) < 0) {
		fclose(f);
		free(text);
		return;
	}
	fclose(f);
	back = resdoc_load_buf("baseline", text, len, err, sizeof(err));
	if (!back)
		abort();
	read_cells(back);
	json_decref(back);
	free(text);
}

/* Loads one document; a refusal must say why. */
static json_t *load(const uint8_t *b, size_t n, const char *name)
{
	char err[512];
	json_t *doc;

	err[0] = '\0';
	doc = resdoc_load_buf(name, (const char *)b, n, err, sizeof(err));
	if (!doc && !err[0])
		abort();
	return doc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t n1 = nul ? (size_t)(nul - data) : size;
	json_t *a, *b;
	FILE *devnull;
	struct diff_counts k;

	a = load(data, n1, "old");
	b = nul ? load(nul + 1, size - n1 - 1, "new") : json_incref(a);
	devnull = fopen("/dev/null", "w");
	if (a)
		read_cells(a);
	if (nul && b)
		read_cells(b);
	if (a && b && devnull)
		(void)diff_results(devnull, a, b, NULL, &k);
	if (a)
		baseline_round_trip(a);
	if (devnull)
		fclose(devnull);
	json_decref(a);
	json_decref(b);
	return 0;
}
