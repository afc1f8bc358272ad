/* load_document (runner.h): a member of runner.a of its own, so that
 * programs that do not call it (the benchmark) need neither the harness
 * library nor cmocka. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "resdoc.h"
#include "runner.h"

json_t *load_document(const char *path)
{
	char err[512];
	json_t *doc = resdoc_load(path, err, sizeof(err));

	if (!doc)
		fail_msg("%s", err);
	return doc;
}
