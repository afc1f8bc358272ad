/* Cell verdicts: see verdict.h. */
#include "verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "proc.h"

/* An observation's errno as an expectation writes it: '-' is none. */
static int expect_errno(const struct observation *o)
{
	return o->err == OBS_NO_ERRNO ? EXPECT_NO_ERRNO : o->err;
}

static bool item_matches(const struct expect_item *x,
			 const struct observation *o)
{
	if (strcmp(o->via, x->via) != 0 || expect_errno(o) != x->err)
		return false;
	if (!x->has_icmp)
		return true;
	/* Only error-queue entries and raw packets carry an origin. */
	return (o->kind == OBS_ERRQUEUE || o->kind == OBS_PACKET) &&
	       o->origin == x->origin && o->type == x->type &&
	       o->code == x->code;
}

/* In order: a probe makes its calls round by round, so the k-th item it
 * surfaced answers the k-th expected one. A multiset match would pass a
 * sweep whose codes' errnos came back swapped. */
enum verdict verdict_compare(const struct observation *obs, size_t n,
			     const struct case_expect *e)
{
	size_t i;

	if (!e || n != (size_t)e->n || n > CASE_MAX_RESULTS)
		return VERDICT_FAIL;
	for (i = 0; i < n; i++)
		if (!item_matches(&e->items[i], &obs[i]))
			return VERDICT_FAIL;
	return VERDICT_PASS;
}

static enum verdict because(struct cell *c, enum verdict v, const char *fmt,
			    ...) __attribute__((format(printf, 3, 4)));

static enum verdict because(struct cell *c, enum verdict v, const char *fmt,
			    ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	return v;
}

static enum verdict decide(struct cell *c)
{
	c->reason[0] = '\0';
	if (c->drops > 0)
		return because(c, VERDICT_ERROR,
			       "the capture dropped %ld packets: the wire is "
			       "not known",
			       c->drops);
	if (c->helper_error[0])
		/* Whatever the wire shows, it is not what the fault makes. */
		return because(c, VERDICT_ERROR,
			       "a fault helper failed: %.480s",
			       c->helper_error);
	if (c->skip[0])
		return because(c, VERDICT_SKIP, "%s", c->skip);
	if (c->protocol_error[0])
		return because(c, VERDICT_ERROR, "%s", c->protocol_error);
	if (c->is_cmd && WIFEXITED(c->status) &&
	    (WEXITSTATUS(c->status) == PROC_EXIT_NOSTART ||
	     WEXITSTATUS(c->status) == PROC_EXIT_NOEXEC))
		/* Not found, not executable, or the spawn failed: the
		 * command never ran, so its status says nothing about the
		 * network. */
		return because(c, VERDICT_ERROR,
			       "the command could not start (exit %d): %.400s",
			       WEXITSTATUS(c->status),
			       c->errtext[0] ? c->errtext : "no message");
	if (c->is_cmd) {
		/* A command's exit status is its result, whatever it is. */
		if (!c->expect)
			return because(c, VERDICT_INFO,
				       "no expectation for this command: "
				       "reported, not judged");
		return verdict_compare(c->surfaced, c->nsurfaced, c->expect);
	}
	if (!WIFEXITED(c->status) || WEXITSTATUS(c->status) != 0)
		return because(c, VERDICT_ERROR, "probe %s: %.400s",
			       WIFEXITED(c->status) ? "exited with an error"
						    : "was killed",
			       c->errtext[0] ? c->errtext : "no message");
	if (!c->expect)
		return because(c, VERDICT_FAIL,
			       "no expectation applies to kernel %d.%d",
			       c->kver / 1000, c->kver % 1000);
	return verdict_compare(c->surfaced, c->nsurfaced, c->expect);
}

void verdict_decide(struct cell *c)
{
	c->verdict = decide(c);
	c->claim_holds = c->claim && c->verdict == VERDICT_PASS &&
			 verdict_compare(c->surfaced, c->nsurfaced, c->claim) ==
				 VERDICT_PASS;
}

bool verdict_unsurfaced(const struct cell *c)
{
	/* A command always "surfaces" its exit status: for it, the wire's
	 * error went unsaid when it still exited 0, or when it was still
	 * waiting at --cmd-timeout (whatever the kill made of its status). */
	return c->nwire > 0 &&
	       (c->is_cmd ? c->timed_out_ms || (WIFEXITED(c->status) &&
						WEXITSTATUS(c->status) == 0)
			  : c->nsurfaced == 0);
}
