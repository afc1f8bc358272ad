/* Fuzz target for the reporters: any bytes that resdoc accepts as a
 * results document are printed as every view prints them (the short
 * answer, the full matrix, why for a few questions, KTAP and JUnit) without
 * a crash or a read past a string; what resdoc refuses it refuses with a
 * reason. The reporters trust only what resdoc_load checked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "junit.h"
#include "ktap.h"
#include "report.h"
#include "resdoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const questions[][2] = {
	{"udp-connected", "ttl"},
	{"udp-connected", "ttl_exceeded"},
	{"raw-icmp", "port"},
	{"tcp-connect", "drop"},
	{"cmd", "port_unreachable"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	json_t *doc;
	FILE *null;
	size_t i;

	err[0] = '\0';
	doc = resdoc_load_buf("fuzz", (const char *)data, size, err,
			      sizeof(err));
	if (!doc) {
		if (!err[0])
			abort();
		return 0;
	}
	null = fopen("/dev/null", "w");
	if (!null)
		abort();
	report_short(null, doc);
	report_matrix(null, doc);
	for (i = 0; i < sizeof(questions) / sizeof(questions[0]); i++)
		(void)answer_why(null, doc, questions[i][0], questions[i][1]);
	(void)ktap_write(null, doc);
	(void)junit_write(null, doc);
	fclose(null);
	json_decref(doc);
	return 0;
}
