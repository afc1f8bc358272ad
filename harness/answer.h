/* The question-sized views of a results document (docs/results.md): the
 * short answer (core faults x core socket styles), and `icmplab why STYLE
 * FAULT`, one cell in sentences. Pure functions over the document: they work
 * on a stored run as well as on the one just made. */
#ifndef ICMPLAB_ANSWER_H
#define ICMPLAB_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* The widest line the short answer writes. */
#define ANSWER_WIDTH 100

/* Writes the short answer: one row per core fault present in doc, one column
 * per core socket style, each cell what surfaced through which call, then a
 * line per fault saying which styles hear it. Writes nothing when doc holds
 * none of the core faults. Returns how many rows it wrote. */
int answer_short(FILE *f, json_t *doc);

/* Writes text onto f in lines of at most ANSWER_WIDTH columns: the first
 * goes on after first_w columns already written, the others are indented
 * by indent; ends with a newline. */
void answer_wrap(FILE *f, int first_w, int indent, const char *text);

/* Writes one line per case group ("group" of the CASE objects) with its
 * tally of verdicts. */
void answer_groups(FILE *f, json_t *doc);

/* Does the case (name, fault) belong to what the user called fault: the
 * case's own name, a core fault's name or alias ("ttl", "port", ...), or a
 * fault name. Exported so that main() can pick the cases to run when no
 * stored run has the cell. */
bool answer_case_matches(const char *name, const char *fault,
			 const char *asked);

/* Resolves the user's words: *style to a probe name from the probe table
 * (a name, a short header, or a prefix of one name), asked checked against
 * the core faults, the fault table, doc's case names and names[0..n) (the
 * case files' names). 0 when both are known, or -1 with err ("unknown
 * socket style 'udp-conected'; did you mean udp-connected?"). doc may be
 * NULL. */
int answer_resolve(json_t *doc, const char *const *names, int n,
		   const char **style, const char *asked, char *err,
		   size_t errlen);

/* "; did you mean A, B or C?" for the (at most three) names[0..n) closest
 * to word, or "" when none is close. Writes into buf (always terminated). */
void answer_suggest(const char *word, const char *const *names, int n,
		    char *buf, size_t len);

/* Writes `why STYLE FAULT` for doc onto f: the wire, each system call, what
 * surfaced, the explanation, and the other styles that heard the same error
 * in the same cases. Returns 0, or 1 (nothing written) when doc has no cell
 * of that style for that fault. style must be resolved (answer_resolve). */
int answer_why(FILE *f, json_t *doc, const char *style, const char *asked);

/* The short answer as data, for reports other than the terminal's (the
 * HTML report): the rows answer_short writes (core faults present in doc)
 * by the core socket styles, each cell borrowed from doc (NULL: none) with
 * the text the terminal shows for it. */
#define ANSWER_ROWS 8
#define ANSWER_COLS 8
struct answer_grid {
	int nrows, ncols;
	const char *label[ANSWER_ROWS], *fault[ANSWER_ROWS];
	const char *style[ANSWER_COLS], *head[ANSWER_COLS];
	json_t *cell[ANSWER_ROWS][ANSWER_COLS];
	char text[ANSWER_ROWS][ANSWER_COLS][16];
};
void answer_short_grid(json_t *doc, struct answer_grid *g);

#endif
