/* Probe processes: spawning one in the client namespace with its stdin,
 * stdout and stderr on pipes, reading what it writes, and reaping it.
 *
 * Containment: a user's command runs as pid 1 of a PID namespace of its
 * own (with its own /proc in a mount namespace of its own), under a holder
 * process that is the harness's child (proc.pid). When the command ends, or the
 * holder is killed (the case's deadline), or the harness dies (PR_SET_PDEATHSIG
 * on the holder, and on the program), the kernel kills every process in that
 * namespace: nothing a program forks outlives its case. The holder ends as the
 * command did (same exit status, same signal). Probe binaries fork nothing and
 * run as the harness's children, dying with it by PR_SET_PDEATHSIG; a case's
 * styles of one binary are threads of one such process (proc_start_probes).
 *
 * Two kinds of probe run here: the probe binaries (icmplab-probe-*, whose
 * stdout is JSON-lines events and whose stdin answers their syncs), and
 * the user's command (`probe cmd`, run by /bin/sh, whose stdout is text).
 * This module knows how to start either and how to move bytes; what the
 * bytes mean is the case loop's business (run.c).
 */
#ifndef ICMPLAB_PROC_H
#define ICMPLAB_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <sys/types.h>

#include "catalog.h"
#include "topo.h"

#define PROC_LINE_MAX 4096 /* bytes per event line */
#define PROC_TEXT_MAX 1024 /* bytes of stderr (and a command's stdout) kept */
/* The exit status of a program that could not start: the spawn failed
 * before exec (its reason on stderr), or exec itself failed. It is also
 * what /bin/sh answers for a command it cannot find. */
#define PROC_EXIT_NOSTART 127
/* What /bin/sh answers for a command it found but cannot execute. */
#define PROC_EXIT_NOEXEC 126

/* The resident process of a probe binary's --serve, whose threads are
 * the styles of the case at hand (proc_start_probes). */
struct proc_group {
	pid_t pid;
	int status; /* wait status, once reaped */
	bool reaped;
	bool killed; /* a style was closed running: the process goes */
	int refs;    /* styles not closed yet */
};

struct proc {
	pid_t pid;		   /* 0: not started */
	struct proc_group *group;  /* a style in a thread: its process */
	bool exited;		   /* group: the style sent its status */
	int exit_status;	   /* group: that status */
	int in_fd, out_fd, err_fd; /* -1 when closed */
	char line[PROC_LINE_MAX];  /* the event line being read */
	size_t linelen;
	char errtext[PROC_TEXT_MAX]; /* stderr, first bytes */
	size_t errlen;
	char outtext[PROC_TEXT_MAX]; /* a command's stdout, first bytes */
	size_t outlen;
	int status; /* wait status, once reaped */
	bool reaped;
	uint64_t t_start, t_end; /* CLOCK_MONOTONIC ns */
};

/* An empty, not started process (fds -1). */
void proc_init(struct proc *p);

/* Starts probe binary def->binary from probe_dir in t's client namespace
 * with the arguments plan asks for (--style, --dst, --dport, --ttl,
 * --size, --count, --burst). The probe shares the worker's memory until
 * its exec (clone with CLONE_VM | CLONE_VFORK): starting one costs the
 * same whatever the worker's size. 0, or -1 with err (a missing binary
 * says to run make). A probe that got as far as its process but not its
 * program (setns or exec failed) is started: it ends with
 * PROC_EXIT_NOSTART and the reason on its stderr. */
int proc_start_probe(struct proc *p, const struct topo *t,
		     const char *probe_dir, const struct probe_def *def,
		     const struct fault_plan *plan, char *err, size_t errlen);

/* Starts probes ps[0..n-1], styles defs[0..n-1] of one binary, with no
 * exec and no fork: the binary's resident server in this worker (started
 * at its first use with --serve, in the worker's own namespace) runs each
 * style in a thread that enters t's client namespace, with its own
 * descriptor table and its own three pipes, so each ps[i] reads, tells
 * and closes as a probe of its own does. Their pid is the server's
 * (ps[i]->group): killing one style kills the server and every style it
 * runs. A style's status is the one it sent last (EV_EXIT, which the
 * caller notes in exited and exit_status) or, when it sent none, its
 * server's. Closing a style that still runs kills the server; the next
 * case that needs one starts a new one, as after any death. 1 <= n <=
 * PROC_SERVE_MAX. 0, or -1 with err; then no probe was left running and
 * the ps[i] are untouched. */
#define PROC_SERVE_MAX 32
int proc_start_probes(struct proc *const *ps, const struct probe_def *const *defs,
		      int n, const struct topo *t, const char *probe_dir,
		      const struct fault_plan *plan, char *err, size_t errlen);

/* Ends this worker's resident probe servers (proc_start_probes) and
 * reaps them. */
void proc_stop_servers(void);

/* A user's command, ready to run: its template's placeholders {addr},
 * {port}, {dir}, {hostport} and {family} become quoted references to the
 * variables ICMPLAB_ADDR, ICMPLAB_PORT, ICMPLAB_DIR, ICMPLAB_HOSTPORT and
 * ICMPLAB_FAMILY of its environment ("${ICMPLAB_ADDR}"), never the values
 * pasted into shell text: a case directory named $(reboot) is a path, not
 * a command. */
#define PROC_NVARS 5
/* A placeholder of 5 bytes or more becomes at most '"${ICMPLAB_HOSTPORT}"'
 * (23 bytes), so every template of fewer than CASE_TEXT_MAX bytes fits. */
#define PROC_COMMAND_MAX (5 * CASE_TEXT_MAX)
struct proc_command {
	char text[PROC_COMMAND_MAX];	   /* what /bin/sh -c runs */
	char env[PROC_NVARS][PATH_MAX + 64]; /* "ICMPLAB_ADDR=203.0.113.2" */
};

/* Fills cmd from template tpl for the destination of plan: {addr} the
 * bare address, {port} the port, {hostport} addr:port ([addr]:port for
 * IPv6), {family} 4 or 6, {dir} the folder of case_path (for scripts
 * shipped beside a case; "." when it has none). The template's quoting is
 * followed: a placeholder inside '...' or "..." stays one word. 0, or -1
 * with err when the result does not fit (never cut) or tpl names a
 * placeholder that does not exist (proc_command_check). */
int proc_command_build(const char *tpl, const struct fault_plan *plan,
		       const char *case_path, struct proc_command *cmd,
		       char *err, size_t errlen);

/* Checks tpl's placeholders: {NAME}, a lowercase name in braces not
 * preceded by '$' (so ${HOME} and awk's '{print $1}' are shell text), must
 * be one of {addr}, {port}, {hostport}, {family}, {dir}. 0, or -1 with
 * err naming the first unknown one and the known ones. */
int proc_command_check(const char *tpl, char *err, size_t errlen);

/* Runs cmd->text with /bin/sh in t's client namespace, contained (see
 * above), its variables added to the harness's environment, stdin at end
 * of file. 0, or -1 with err. */
int proc_start_command(struct proc *p, const struct topo *t,
		       const struct proc_command *cmd, char *err,
		       size_t errlen);

/* Called for each complete line of a probe's stdout (without its newline;
 * not NUL-terminated), or with line NULL once for a line longer than
 * PROC_LINE_MAX (its bytes past the limit are dropped). */
typedef void (*proc_line_fn)(void *arg, const char *line, size_t len);

/* Reads what the probe's stdout has without blocking and hands each line
 * to fn; at end of file, the last unterminated line too, then closes it. */
void proc_read_lines(struct proc *p, proc_line_fn fn, void *arg);

/* Reads a command's stdout into outtext, without blocking. */
void proc_read_output(struct proc *p);

/* Reads stderr into errtext, without blocking. */
void proc_read_errors(struct proc *p);

/* Writes msg to the probe's stdin. 0, or -1 with errno (EPIPE: the probe
 * has ended, as the worker ignores SIGPIPE; 0: a short write). 0 without
 * writing when stdin is closed. */
int proc_tell(struct proc *p, const char *msg);

/* Reaps p if it was started, is not reaped yet, and both its stdout and
 * stderr reached end of file (so waiting cannot block for long); sets
 * status, reaped and t_end and closes its stdin. True when it reaped p now
 * (p->reaped says whether it ever was). */
bool proc_reap(struct proc *p);

/* Reaps p now, without waiting for end of file on its stdout and stderr
 * (which are closed): for a probe that was killed but whose pipes some
 * other process still holds. Waits for p's holder, so call it only once p
 * was killed. Sets status, reaped and t_end. */
void proc_reap_now(struct proc *p);

/* Kills p if it still runs and waits for it, closes every fd. */
void proc_close(struct proc *p);

#endif
