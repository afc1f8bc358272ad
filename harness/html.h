/* The HTML report of a results document (docs/results.md): one
 * self-contained file that works offline (inline CSS and a little inline
 * JavaScript, no fetches, no external fonts): the short answer, each
 * group's matrix, every cell opening to what `icmplab show` prints (the
 * model is cellview.h), the claims with their tallies, the kernel, date
 * and settings. Readable on a phone, printable (every cell opened).
 *
 * Every text from the document is escaped (html_escape): case files and
 * command output are not trusted. */
#ifndef ICMPLAB_HTML_H
#define ICMPLAB_HTML_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* s onto f with &, <, >, " and ' as character references, and control
 * characters other than tab and newline as their visible symbols
 * (U+2400 + c), so that no text can open a tag, end an attribute or
 * break the page. s NULL writes nothing. */
void html_escape(FILE *f, const char *s);

/* The fragment id of a case ("case-NAME") or a cell ("cell-NAME--PROBE",
 * probe non-NULL) onto f: letters, digits, '-', '.' and '_' as they are,
 * any other byte (and a '_' before two upper-case hex digits) as "_XX",
 * so the id needs no further escaping in an attribute or a URL. */
void html_id(FILE *f, const char *name, const char *probe);

/* The report of doc onto f. base: the directory the file will be in,
 * absolute, for links to captures below it (NULL: links are absolute
 * paths). date: when the run was made, as text. 0, or -1 when a write
 * failed (ferror). */
int html_write(FILE *f, json_t *doc, const char *base, const char *date);

/* One case's section of the report (its <details>: topology, fault, and
 * each cell opened) onto f, from the cells of doc that name it; doc also
 * gives "kernel" and the case by name, so a document of this case alone
 * is enough. base as html_write. 0, or -1. */
int html_case(FILE *f, json_t *doc, json_t *kase, const char *base);

/* Writes case i's section (i: its index in the document's "cases") onto
 * f, as html_case would. 0, or -1. */
typedef int (*html_case_writer)(void *arg, FILE *f, size_t i);

/* html_write, with each case's section written by put instead of rendered
 * from doc: doc may then lack what only the sections read (the slim
 * document of spool.h). put NULL: html_write. */
int html_write_with(FILE *f, json_t *doc, const char *base, const char *date,
		    html_case_writer put, void *arg);

/* html_write to path through outfile.h (atomic, never through a link);
 * links to captures are relative to path's directory; date NULL: now.
 * 0, or -1 with err ("cannot write PATH: why"). */
int html_write_path(const char *path, json_t *doc, const char *date, char *err,
		    size_t errlen);

/* html_write_path with put (html_write_with). */
int html_write_path_with(const char *path, json_t *doc, const char *date,
			 html_case_writer put, void *arg, char *err,
			 size_t errlen);

/* The base html_write_path gives the report written to path: its
 * directory, absolute; "" when that cannot be resolved (absolute links). */
void html_base(const char *path, char *base, size_t len);

#endif
