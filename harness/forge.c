/* The forger's faults: filled in by the forger module. */
#include "catalog.h"

const struct fault_def forge_faults[] = {
	{NULL, NULL, NULL, NULL, NULL},
};
