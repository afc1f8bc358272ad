/* Real generators' faults: filled in by the generators module. */
#include "catalog.h"

const struct fault_def generator_faults[] = {
	{NULL, NULL, NULL, NULL, NULL},
};
