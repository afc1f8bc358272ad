/* `icmplab show CASE [PROBE]`: one cell opened on the terminal (the
 * topology, the fault's rule, the probe's calls and packets on one time
 * axis, the verdict, the explanation, the references, the capture), from
 * the model in cellview.h. */
#ifndef ICMPLAB_SHOW_H
#define ICMPLAB_SHOW_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "cellview.h"

/* Writes the case's topology and fault (once) onto f. */
void show_case(FILE *f, const struct cellview *v);

/* Writes the cell: its timeline, verdict, explanation, references and
 * capture. */
void show_cell(FILE *f, const struct cellview *v);

/* `show CASE [PROBE]` on doc: the case (name or unique prefix) with one
 * cell (probe name or unique prefix), or with every cell when probe is
 * NULL. 0, or -1 with err (unknown or ambiguous names, with suggestions;
 * out of memory). */
int show_write(FILE *f, json_t *doc, const char *kase, const char *probe,
	       char *err, size_t errlen);

/* The command `icmplab show [--results FILE] [--pcap FILE] CASE [PROBE]`:
 * loads results (NULL: dflt, the latest run), shows args[0] [args[1]] on
 * standard output, and with pcap_out writes that cell's own capture
 * (cellpcap.h). Messages go to stderr. Returns the exit status: 0 shown, 1
 * the capture or stdout could not be written, 2 bad usage, unknown names
 * or an unreadable document. */
int show_command(const char *results, const char *dflt, const char *pcap_out,
		 const char *const *args, int nargs);

#endif
