/* Probe processes: see proc.h. */
#include "proc.h"

#include <errno.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event.h"
#include "fds.h"
#include "helper.h"
#include "privilege.h"

void proc_init(struct proc *p)
{
	memset(p, 0, sizeof(*p));
	p->in_fd = p->out_fd = p->err_fd = -1;
}

/* execv() takes char *const[] for historical reasons; the strings are
 * not written to. */
static void exec_argv(const char *path, const char *const *argv,
		      const char *const *envp)
{
	union {
		const char *const *c;
		char *const *v;
	} u = {argv}, e = {envp};

	if (envp)
		execve(path, u.v, e.v);
	else
		execv(path, u.v);
}

/* The program's side of a spawn: pid 1 of a PID namespace of its own.
 * When it dies, the kernel kills every process left in that namespace, so
 * nothing it forked (a backgrounded sleep, a daemon) outlives it. It dies
 * with its holder (PR_SET_PDEATHSIG); life is a pipe whose write end only
 * the holder has: end of file there means the holder is already gone and
 * the death signal will never come. Never returns. */
static void run_init(const char *path, const char *const *argv,
		     const char *const *envp, int life)
{
	struct pollfd pfd = {.fd = life, .events = POLLIN};

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
		dprintf(2, "prctl(PR_SET_PDEATHSIG): %s\n", strerror(errno));
		_exit(PROC_EXIT_NOSTART);
	}
	if (poll(&pfd, 1, 0) != 0)
		_exit(PROC_EXIT_NOSTART); /* the holder has ended */
	close(life);
	/* A /proc of its own PID namespace, in a mount namespace of its own
	 * (the host's mounts are not changed): ps, kill and /proc/PID name
	 * the command's own processes, not the host's. */
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0) {
		dprintf(2, "a mount namespace with its own /proc: %s\n",
			strerror(errno));
		_exit(PROC_EXIT_NOSTART);
	}
	exec_argv(path, argv, envp);
	dprintf(2, "exec %s: %s\n", path, strerror(errno));
	_exit(PROC_EXIT_NOSTART);
}

/* The holder: the harness's own child, in the harness's PID namespace. It
 * makes the program's PID namespace, starts the program there as its init
 * and ends as the program ended (the same exit status, or the same
 * signal). Killing the holder kills the program (its death signal), and
 * with it the whole namespace. Never returns. */
static void run_holder(const char *path, const char *const *argv,
		       const char *const *envp)
{
	struct rlimit nocore = {0, 0};
	int life[2], status;
	char why[256];
	pid_t init;

	/* The holder never execs: the worker's descriptors (other probes'
	 * pipes, the capture, the namespaces) would stay open in it, and the
	 * program's stdin would never reach end of file. */
	if (fds_close_except(NULL, 0, why, sizeof(why)) < 0) {
		dprintf(2, "%s\n", why);
		_exit(PROC_EXIT_NOSTART);
	}
	/* A user namespace of its own, which owns its PID and (in the
	 * program) mount namespaces: the program's capabilities hold there
	 * and nowhere else. It has none over the client's network namespace
	 * (made outside it) or any other, so it cannot configure links or
	 * routes (netlink wants CAP_NET_ADMIN there) nor enter another
	 * namespace, the host's included (setns wants CAP_SYS_ADMIN over
	 * it). Its user id stays that of the harness, for files. */
	if (privilege_user_ns(CLONE_NEWPID, why, sizeof(why)) < 0) {
		dprintf(2, "a user namespace of its own: %s\n", why);
		_exit(PROC_EXIT_NOSTART);
	}
	if (pipe(life) < 0) {
		dprintf(2, "pipe: %s\n", strerror(errno));
		_exit(PROC_EXIT_NOSTART);
	}
	init = fork();
	if (init < 0) {
		dprintf(2, "fork: %s\n", strerror(errno));
		_exit(PROC_EXIT_NOSTART);
	}
	if (init == 0) {
		close(life[1]);
		run_init(path, argv, envp, life[0]);
	}
	close(life[0]);
	/* The program's pipes are the program's: their end of file must
	 * come when it ends, not when the holder does. */
	close(0);
	close(1);
	close(2);
	while (waitpid(init, &status, 0) < 0)
		if (errno != EINTR)
			_exit(PROC_EXIT_NOSTART);
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	/* The same death, without a core of the holder's own. */
	setrlimit(RLIMIT_CORE, &nocore);
	signal(WTERMSIG(status), SIG_DFL);
	kill(getpid(), WTERMSIG(status));
	_exit(128 + WTERMSIG(status));
}

/* What the child of a probe spawn needs, in the parent's memory (which it
 * shares until its exec). */
struct spawn_child {
	const char *path;
	const char *const *argv, *const *envp;
	int in, out, err; /* the pipe ends that become 0, 1 and 2 */
	int netns;	  /* the client's namespace; -1: stay */
	pid_t parent;
	sigset_t mask; /* the parent's signal mask, for the program */
};

/* The child's stack: it runs only system calls and their wrappers. */
#define SPAWN_STACK (64 * 1024)

/* Writes a line of a, b, c and d (each may be NULL) to stderr: the child
 * of a probe spawn may not format (it shares the parent's memory, and the
 * parent may be in the middle of malloc or stdio). */
static void child_say(const char *a, const char *b, const char *c,
		      const char *d)
{
	const char *part[4] = {a, b, c, d};
	int i;

	for (i = 0; i < 4; i++)
		if (part[i] && write(2, part[i], strlen(part[i])) < 0)
			return;
	if (write(2, "\n", 1) < 0)
		return;
}

/* A system error's text without locale or formatting: a table look-up. */
static const char *child_strerror(int e)
{
	const char *s = strerrordesc_np(e);

	return s ? s : "unknown error";
}

/* The child of a probe spawn, between clone and exec. It runs in the
 * parent's memory on a stack of its own while the parent waits
 * (CLONE_VFORK), so it calls only system calls and writes no memory but
 * its stack (and errno). With sanitizers, their runtime would poison the
 * shadow of a stack it never unpoisons: none here. Never returns. */
__attribute__((no_sanitize_address)) static int run_probe_child(void *arg)
{
	const struct spawn_child *c = arg;
	struct sigaction sa, dfl;
	union {
		const char *const *c;
		char *const *v;
	} argv = {c->argv}, envp = {c->envp};
	int sig;

	/* Until stderr is the pipe, a failure can only be an exit status:
	 * PROC_EXIT_NOSTART, "could not start". */
	if (dup2(c->in, 0) < 0 || dup2(c->out, 1) < 0 || dup2(c->err, 2) < 0)
		_exit(PROC_EXIT_NOSTART);
	/* Every handled signal back to its default, as exec would do, but
	 * now: a handler of the parent's must not run on this stack and in
	 * the parent's memory once the signals are unblocked. SIGPIPE too,
	 * although the worker ignores it (suite.c): an ignored signal stays
	 * ignored across exec, and the worker's SIG_IGN is not the probe's
	 * business. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (sig = 1; sig < _NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigaction(sig, NULL, &sa) < 0 || sa.sa_handler == SIG_DFL ||
		    (sa.sa_handler == SIG_IGN && sig != SIGPIPE))
			continue; /* < 0: reserved by the C library */
		if (sigaction(sig, &dfl, NULL) < 0) {
			child_say("sigaction to the default: ",
				  child_strerror(errno), NULL, NULL);
			_exit(PROC_EXIT_NOSTART);
		}
	}
	/* The probe dies with the harness: nothing outlives a SIGKILLed
	 * run. If the harness died before the death signal was armed, no
	 * signal will come: stop here. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
		child_say("prctl(PR_SET_PDEATHSIG): ", child_strerror(errno),
			  NULL, NULL);
		_exit(PROC_EXIT_NOSTART);
	}
	if (getppid() != c->parent)
		_exit(PROC_EXIT_NOSTART);
	if (c->netns >= 0 && setns(c->netns, CLONE_NEWNET) < 0) {
		child_say("setns to the client: ", child_strerror(errno), NULL,
			  NULL);
		_exit(PROC_EXIT_NOSTART);
	}
	if (sigprocmask(SIG_SETMASK, &c->mask, NULL) < 0) {
		child_say("sigprocmask: ", child_strerror(errno), NULL, NULL);
		_exit(PROC_EXIT_NOSTART);
	}
	execve(c->path, argv.v, envp.v);
	child_say("exec ", c->path, ": ", child_strerror(errno));
	_exit(PROC_EXIT_NOSTART);
}

/* Starts a probe binary as spawn_argv says, without copying the worker's
 * address space: the child shares it (CLONE_VM) on a stack of its own
 * until its exec, the parent waiting meanwhile (CLONE_VFORK), as
 * posix_spawn does. A fork would copy the page tables of a worker that
 * may hold tens of megabytes, for each probe. Every signal stays blocked
 * in the parent until the child has gone: no handler may run in the
 * child. The child's pid, or -1 with errno. */
static pid_t clone_probe(const char *path, const char *const *argv,
			 const char *const *envp, int netns, int in, int out,
			 int errp)
{
	struct spawn_child c = {
		.path = path,
		.argv = argv,
		.envp = envp ? envp : (const char *const *)environ,
		.in = in,
		.out = out,
		.err = errp,
		.netns = netns,
		.parent = getpid(),
	};
	sigset_t all;
	char *stack;
	pid_t pid;
	int e;

	stack = mmap(NULL, SPAWN_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &c.mask);
	/* The stack grows down on every architecture this runs on. */
	pid = clone(run_probe_child, stack + SPAWN_STACK,
		    CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
	e = errno;
	sigprocmask(SIG_SETMASK, &c.mask, NULL);
	munmap(stack, SPAWN_STACK);
	errno = e;
	return pid;
}

/* Starts argv in the client namespace with stdin, stdout and stderr on
 * pipes to the harness. contain: in a PID and mount namespace of its own,
 * p->pid being its holder (run_holder), which needs a fork (the holder
 * runs on, without exec); otherwise p->pid is the program itself (our
 * probe binaries, which fork nothing, and whose /proc/self/task/TID must
 * be their own), started by clone_probe. envp: the environment (NULL:
 * the harness's). */
static int spawn_argv(struct proc *p, const struct topo *t, const char *path,
		      const char *const *argv, const char *const *envp,
		      bool contain, char *err, size_t errlen)
{
	int in[2], out[2], errp[2];
	pid_t parent = getpid();

	if (pipe2(in, O_CLOEXEC) < 0)
		goto fail_pipe;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]);
		goto fail_pipe;
	}
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		goto fail_pipe;
	}
	p->t_start = event_now_ns();
	p->pid = contain ? fork()
			 : clone_probe(path, argv, envp, t->ns[NODE_CLIENT],
				       in[0], out[1], errp[1]);
	if (p->pid < 0) {
		snprintf(err, errlen, "%s: %s", contain ? "fork" : "clone",
			 strerror(errno));
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		close(errp[0]), close(errp[1]);
		return -1;
	}
	if (p->pid == 0) { /* the holder, forked */
		/* Until stderr is the pipe, a failure can only be an exit
		 * status: PROC_EXIT_NOSTART, "could not start". */
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(errp[1], 2) < 0)
			_exit(PROC_EXIT_NOSTART);
		/* An ignored signal stays ignored across exec: the worker's
		 * SIG_IGN (suite.c) is not the command's business. */
		if (signal(SIGPIPE, SIG_DFL) == SIG_ERR) {
			dprintf(2, "signal(SIGPIPE): %s\n", strerror(errno));
			_exit(PROC_EXIT_NOSTART);
		}
		/* The holder dies with the harness, and the program with
		 * the holder: nothing outlives a SIGKILLed run. If the
		 * harness died before the death signal was armed, no signal
		 * will come: stop here. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
			dprintf(2, "prctl(PR_SET_PDEATHSIG): %s\n",
				strerror(errno));
			_exit(PROC_EXIT_NOSTART);
		}
		if (getppid() != parent)
			_exit(PROC_EXIT_NOSTART);
		if (setns(t->ns[NODE_CLIENT], CLONE_NEWNET) < 0) {
			dprintf(2, "setns to the client: %s\n",
				strerror(errno));
			_exit(PROC_EXIT_NOSTART);
		}
		run_holder(path, argv, envp);
	}
	close(in[0]);
	close(out[1]);
	close(errp[1]);
	p->in_fd = in[1];
	p->out_fd = out[0];
	p->err_fd = errp[0];
	/* A blocking read would stall the whole case on one probe; the
	 * caller's cleanup kills the probe and closes these on failure. */
	if (fcntl(p->out_fd, F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(p->err_fd, F_SETFL, O_NONBLOCK) < 0) {
		snprintf(err, errlen, "fcntl(O_NONBLOCK) on a probe pipe: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
fail_pipe:
	snprintf(err, errlen, "pipe: %s", strerror(errno));
	return -1;
}

/* The arguments every style of a case shares: the plan's. bufs holds
 * their text. */
struct plan_args {
	char dst[ADDR_STRLEN], port[8], ttl[12], size[24], count[16],
		burst[16];
};

static int add_plan_args(const struct fault_plan *plan, struct plan_args *b,
			 const char **argv, int argc)
{
	addr_str(&plan->dst, b->dst);
	snprintf(b->port, sizeof(b->port), "%u", plan->dport);
	argv[argc++] = "--dst";
	argv[argc++] = b->dst;
	argv[argc++] = "--dport";
	argv[argc++] = b->port;
	if (plan->ttl >= 0) {
		snprintf(b->ttl, sizeof(b->ttl), "%d", plan->ttl);
		argv[argc++] = "--ttl";
		argv[argc++] = b->ttl;
	}
	if (plan->size) {
		snprintf(b->size, sizeof(b->size), "%zu", plan->size);
		argv[argc++] = "--size";
		argv[argc++] = b->size;
	}
	if (plan->count > 1) {
		snprintf(b->count, sizeof(b->count), "%u", plan->count);
		argv[argc++] = "--count";
		argv[argc++] = b->count;
	}
	if (plan->burst > 1) {
		snprintf(b->burst, sizeof(b->burst), "%u", plan->burst);
		argv[argc++] = "--burst";
		argv[argc++] = b->burst;
	}
	return argc;
}

static int probe_path(const char *probe_dir, const struct probe_def *def,
		      char *path, size_t len, char *err, size_t errlen)
{
	snprintf(path, len, "%s/icmplab-probe-%s", probe_dir, def->binary);
	if (access(path, X_OK) < 0) {
		snprintf(err, errlen, "probe binary %s: %s (run make)", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

int proc_start_probe(struct proc *p, const struct topo *t,
		     const char *probe_dir, const struct probe_def *def,
		     const struct fault_plan *plan, char *err, size_t errlen)
{
	char path[512];
	struct plan_args b;
	const char *argv[24];
	int argc = 0;

	if (probe_path(probe_dir, def, path, sizeof(path), err, errlen) < 0)
		return -1;
	argv[argc++] = path;
	argv[argc++] = "--style";
	argv[argc++] = def->name;
	argc = add_plan_args(plan, &b, argv, argc);
	argv[argc] = NULL;
	return spawn_argv(p, t, path, argv, NULL, false, err, errlen);
}

/* Reaps g's process if it has ended (wait: waits for it to). True once
 * it is reaped. */
static bool group_wait(struct proc_group *g, bool wait)
{
	pid_t r;

	if (g->reaped)
		return true;
	do
		r = waitpid(g->pid, &g->status, wait ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r != g->pid)
		return false;
	g->reaped = true;
	return true;
}

/* A probe binary's resident --serve process in this worker: started by
 * the first case that needs it, kept while its styles end by themselves,
 * replaced once it was killed. */
struct resident {
	char path[512];
	int sock;	     /* the worker's end of its request socket */
	int err_fd;	     /* its stderr, read when it fails */
	struct proc_group g; /* g.pid 0: none */
};

#define RESIDENTS_MAX 8
static struct resident residents[RESIDENTS_MAX];

/* Ends r's process, or reaps it when it has ended already: closing its
 * socket tells it to exit. */
static void resident_end(struct resident *r)
{
	if (r->g.pid <= 0)
		return;
	close(r->sock);
	close(r->err_fd);
	group_wait(&r->g, true);
	r->g = (struct proc_group){0};
	r->sock = r->err_fd = -1;
}

void proc_stop_servers(void)
{
	int i;

	for (i = 0; i < RESIDENTS_MAX; i++)
		resident_end(&residents[i]);
}

/* Starts path's resident server in the worker's own namespace (each of
 * its styles enters the client's, in its own thread). */
static int resident_start(struct resident *r, const char *path, char *err,
			  size_t errlen)
{
	char parent[16];
	const char *argv[] = {path, "--serve", parent, NULL};
	int sv[2], ep[2], null;
	pid_t pid = -1;

	snprintf(parent, sizeof(parent), "%ld", (long)getpid());
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -1;
	}
	if (pipe2(ep, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(sv[0]), close(sv[1]);
		return -1;
	}
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null >= 0)
		pid = clone_probe(path, argv, NULL, -1, sv[1], null, ep[1]);
	if (pid < 0)
		snprintf(err, errlen, "starting %s: %s", path, strerror(errno));
	if (null >= 0)
		close(null);
	close(sv[1]);
	close(ep[1]);
	if (pid < 0) {
		close(sv[0]);
		close(ep[0]);
		return -1;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->sock = sv[0];
	r->err_fd = ep[0];
	r->g = (struct proc_group){.pid = pid};
	return 0;
}

/* err: why r's process failed, its status and the first line of its
 * stderr. It is killed and reaped. */
static void resident_failed(struct resident *r, char *err, size_t errlen)
{
	char why[256];
	ssize_t n;

	kill(r->g.pid, SIGKILL);
	group_wait(&r->g, true);
	n = read(r->err_fd, why, sizeof(why) - 1);
	why[n > 0 ? n : 0] = '\0';
	if (strchr(why, '\n'))
		*strchr(why, '\n') = '\0';
	snprintf(err, errlen, "%s --serve %s %d%s%s", r->path,
		 WIFEXITED(r->g.status) ? "exited" : "killed by signal",
		 WIFEXITED(r->g.status) ? WEXITSTATUS(r->g.status)
					: WTERMSIG(r->g.status),
		 why[0] ? ": " : "", why);
	resident_end(r);
}

/* Sends one request (proc_start_probes) to r and waits for its "ok". 0;
 * -1 when r failed (then it is gone, and err says why). */
static int resident_ask(struct resident *r, const char *req, size_t len,
			const int *fds, int nfds, char *err, size_t errlen)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * (1 + 3 * PROC_SERVE_MAX))];
	} ctl;
	struct iovec iov = {(void *)(uintptr_t)req, len};
	struct msghdr m = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds),
	};
	struct cmsghdr *cm;
	char ok[4];
	ssize_t n;

	memset(ctl.buf, 0, sizeof(ctl.buf));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)nfds);
	do
		n = sendmsg(r->sock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len) {
		do
			n = recv(r->sock, ok, sizeof(ok), 0);
		while (n < 0 && errno == EINTR);
		if (n == 2 && memcmp(ok, "ok", 2) == 0)
			return 0;
	}
	resident_failed(r, err, errlen);
	return -1;
}

/* The resident server of path, started if none runs. */
static struct resident *resident_for(const char *path, char *err, size_t errlen)
{
	struct resident *r = NULL;
	int i;

	for (i = 0; i < RESIDENTS_MAX && !r; i++)
		if (residents[i].g.pid > 0 &&
		    strcmp(residents[i].path, path) == 0)
			r = &residents[i];
	for (i = 0; i < RESIDENTS_MAX && !r; i++)
		if (residents[i].g.pid == 0)
			r = &residents[i];
	if (!r) {
		snprintf(err, errlen, "more than %d probe binaries",
			 RESIDENTS_MAX);
		return NULL;
	}
	/* Killed with a case's styles, or gone on its own: a new one. */
	if (r->g.pid > 0 && group_wait(&r->g, false))
		resident_end(r);
	if (r->g.pid == 0 && resident_start(r, path, err, errlen) < 0)
		return NULL;
	return r;
}

int proc_start_probes(struct proc *const *ps, const struct probe_def *const *defs,
		      int n, const struct topo *t, const char *probe_dir,
		      const struct fault_plan *plan, char *err, size_t errlen)
{
	char path[512], req[4096];
	int pipes[PROC_SERVE_MAX][3][2], fds[1 + 3 * PROC_SERVE_MAX];
	const char *argv[24];
	struct plan_args b;
	struct resident *r;
	size_t len = 0;
	int argc, i, k, tries, rc = -1;
	uint64_t t0 = 0;

	if (n < 1 || n > PROC_SERVE_MAX) {
		snprintf(err, errlen, "%d probes at once; 1..%d", n,
			 PROC_SERVE_MAX);
		return -1;
	}
	if (probe_path(probe_dir, defs[0], path, sizeof(path), err, errlen) <
	    0)
		return -1;
	for (i = 0; i < n; i++)
		for (k = 0; k < 3; k++)
			pipes[i][k][0] = pipes[i][k][1] = -1;
	/* The request: the words of a style run, NUL-separated, and each
	 * style's three pipe ends as indexes into the descriptors that
	 * follow the client's namespace. */
	argc = add_plan_args(plan, &b, argv, 0);
	for (i = 0; i < argc; i++)
		len += (size_t)snprintf(req + len, sizeof(req) - len, "%s%c",
					argv[i], 0);
	fds[0] = t->ns[NODE_CLIENT];
	for (i = 0; i < n; i++) {
		for (k = 0; k < 3; k++)
			if (pipe2(pipes[i][k], O_CLOEXEC) < 0) {
				snprintf(err, errlen, "pipe: %s",
					 strerror(errno));
				goto out;
			}
		/* The style's ends: stdin reads, stdout and stderr write. */
		fds[1 + 3 * i] = pipes[i][0][0];
		fds[2 + 3 * i] = pipes[i][1][1];
		fds[3 + 3 * i] = pipes[i][2][1];
		len += (size_t)snprintf(
			req + len, sizeof(req) - len, "--fds%c%s:%d:%d:%d%c", 0,
			defs[i]->name, 3 * i, 3 * i + 1, 3 * i + 2, 0);
		if (len >= sizeof(req)) {
			snprintf(err, errlen, "probe request too long");
			goto out;
		}
	}
	/* A server that died since its last case, or dies at this request,
	 * is replaced once. */
	for (tries = 0;; tries++) {
		r = resident_for(path, err, errlen);
		if (!r)
			goto out;
		t0 = event_now_ns();
		if (resident_ask(r, req, len, fds, 1 + 3 * n, err, errlen) == 0)
			break;
		if (tries == 1)
			goto out;
	}
	for (i = 0; i < n; i++) {
		struct proc *p = ps[i];

		p->pid = r->g.pid;
		p->group = &r->g;
		p->t_start = t0;
		p->in_fd = pipes[i][0][1];
		p->out_fd = pipes[i][1][0];
		p->err_fd = pipes[i][2][0];
		pipes[i][0][1] = pipes[i][1][0] = pipes[i][2][0] = -1;
		r->g.refs++;
		if (fcntl(p->out_fd, F_SETFL, O_NONBLOCK) < 0 ||
		    fcntl(p->err_fd, F_SETFL, O_NONBLOCK) < 0) {
			snprintf(err, errlen,
				 "fcntl(O_NONBLOCK) on a probe pipe: %s",
				 strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		for (k = 0; k < 3; k++) {
			if (pipes[i][k][0] >= 0)
				close(pipes[i][k][0]);
			if (pipes[i][k][1] >= 0)
				close(pipes[i][k][1]);
		}
	return rc;
}

/* The placeholders and the variables that carry their values. */
static const struct {
	const char *name; /* as the template writes it */
	const char *var;  /* the environment variable */
} placeholders[PROC_NVARS] = {
	{"{addr}", "ICMPLAB_ADDR"},
	{"{port}", "ICMPLAB_PORT"},
	{"{dir}", "ICMPLAB_DIR"},
	{"{hostport}", "ICMPLAB_HOSTPORT"},
	{"{family}", "ICMPLAB_FAMILY"},
};

int proc_command_check(const char *tpl, char *err, size_t errlen)
{
	const char *s, *e;
	size_t len;
	int i;

	for (s = strchr(tpl, '{'); s; s = strchr(s + 1, '{')) {
		if (s > tpl && s[-1] == '$')
			continue;
		for (e = s + 1; (*e >= 'a' && *e <= 'z') || *e == '_' ||
				(e > s + 1 && *e >= '0' && *e <= '9');
		     e++)
			;
		if (*e != '}' || e == s + 1)
			continue; /* not a {name}: shell text */
		len = (size_t)(e - s) + 1;
		for (i = 0; i < PROC_NVARS; i++)
			if (strlen(placeholders[i].name) == len &&
			    strncmp(s, placeholders[i].name, len) == 0)
				break;
		if (i == PROC_NVARS) {
			snprintf(err, errlen,
				 "unknown placeholder '%.*s'; expected one "
				 "of: {addr}, {port}, {hostport}, {family}, "
				 "{dir}",
				 (int)len, s);
			return -1;
		}
	}
	return 0;
}

/* Appends s to out (size bytes, *at used). -1 when it does not fit. */
static int append(char *out, size_t size, size_t *at, const char *s)
{
	size_t n = strlen(s);

	if (n >= size - *at)
		return -1;
	memcpy(out + *at, s, n + 1);
	*at += n;
	return 0;
}

int proc_command_build(const char *tpl, const struct fault_plan *plan,
		       const char *case_path, struct proc_command *cmd,
		       char *err, size_t errlen)
{
	enum { PLAIN, SINGLE, DOUBLE } q = PLAIN;
	char addr[ADDR_STRLEN], value[PATH_MAX + 32], ref[64], one[2] = "";
	const char *slash = strrchr(case_path, '/');
	size_t at = 0, k;
	int i;

	if (proc_command_check(tpl, err, errlen) < 0)
		return -1;
	/* The values, as variables of the command's environment. */
	addr_str(&plan->dst, addr);
	for (i = 0; i < PROC_NVARS; i++) {
		switch (i) {
		case 0:
			snprintf(value, sizeof(value), "%s", addr);
			break;
		case 1:
			snprintf(value, sizeof(value), "%u", plan->dport);
			break;
		case 2:
			if (!slash)
				snprintf(value, sizeof(value), ".");
			else if ((size_t)(slash - case_path) >= PATH_MAX) {
				snprintf(err, errlen,
					 "%s: the case's directory is longer "
					 "than %d bytes",
					 case_path, PATH_MAX - 1);
				return -1;
			} else
				snprintf(value, sizeof(value), "%.*s",
					 (int)(slash == case_path
						       ? 1
						       : slash - case_path),
					 case_path);
			break;
		case 3:
			snprintf(value, sizeof(value),
				 plan->dst.family == AF_INET6 ? "[%s]:%u"
							      : "%s:%u",
				 addr, plan->dport);
			break;
		default:
			snprintf(value, sizeof(value), "%s",
				 plan->dst.family == AF_INET6 ? "6" : "4");
			break;
		}
		snprintf(cmd->env[i], sizeof(cmd->env[i]), "%s=%s",
			 placeholders[i].var, value);
	}
	/* The text: each placeholder becomes a quoted reference to its
	 * variable, so that no value is ever read as shell syntax. The
	 * quoting follows the template's own: inside '...' the quote is
	 * closed and opened again, inside "..." the reference is already
	 * quoted. */
	cmd->text[0] = '\0';
	while (*tpl) {
		for (i = 0; i < PROC_NVARS; i++)
			if (strncmp(tpl, placeholders[i].name,
				    strlen(placeholders[i].name)) == 0)
				break;
		if (i < PROC_NVARS) {
			snprintf(ref, sizeof(ref),
				 q == SINGLE   ? "'\"${%s}\"'"
				 : q == DOUBLE ? "${%s}"
					       : "\"${%s}\"",
				 placeholders[i].var);
			if (append(cmd->text, sizeof(cmd->text), &at, ref) < 0)
				goto too_long;
			tpl += strlen(placeholders[i].name);
			continue;
		}
		k = 1;
		if (*tpl == '\\' && q != SINGLE && tpl[1])
			k = 2; /* an escaped character is not a quote */
		else if (*tpl == '\'' && q != DOUBLE)
			q = q == SINGLE ? PLAIN : SINGLE;
		else if (*tpl == '"' && q != SINGLE)
			q = q == DOUBLE ? PLAIN : DOUBLE;
		while (k--) {
			one[0] = *tpl++;
			if (append(cmd->text, sizeof(cmd->text), &at, one) < 0)
				goto too_long;
		}
	}
	return 0;
too_long:
	snprintf(err, errlen,
		 "the command is longer than %zu bytes once its placeholders "
		 "are written as variables",
		 sizeof(cmd->text) - 1);
	return -1;
}

int proc_start_command(struct proc *p, const struct topo *t,
		       const struct proc_command *cmd, char *err,
		       size_t errlen)
{
	const char *argv[] = {"/bin/sh", "-c", cmd->text, NULL};
	const char **envp;
	size_t n = 0, k = 0, i;
	int v, rc;

	while (environ[n])
		n++;
	envp = calloc(n + PROC_NVARS + 1, sizeof(*envp));
	if (!envp) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* The harness's environment, without stale values of ours. */
	for (i = 0; i < n; i++) {
		for (v = 0; v < PROC_NVARS; v++) {
			size_t len = strlen(placeholders[v].var);

			if (strncmp(environ[i], placeholders[v].var, len) ==
				    0 &&
			    environ[i][len] == '=')
				break;
		}
		if (v == PROC_NVARS)
			envp[k++] = environ[i];
	}
	for (v = 0; v < PROC_NVARS; v++)
		envp[k++] = cmd->env[v];
	envp[k] = NULL;
	rc = spawn_argv(p, t, argv[0], argv, envp, true, err, errlen);
	free(envp);
	if (rc < 0)
		return -1;
	close(p->in_fd); /* stdin: end of file */
	p->in_fd = -1;
	return 0;
}

/* Reads what fd has into text (keeping the first size-1 bytes, dropping
 * the rest); closes fd at end of file. */
static void read_text(int *fd, char *text, size_t size, size_t *len)
{
	char buf[1024];
	ssize_t n;
	size_t room;

	while (*fd >= 0) {
		n = read(*fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(*fd);
			*fd = -1;
			return;
		}
		room = size - 1 - *len;
		if ((size_t)n < room)
			room = (size_t)n;
		memcpy(text + *len, buf, room);
		*len += room;
		text[*len] = '\0';
	}
}

void proc_read_output(struct proc *p)
{
	read_text(&p->out_fd, p->outtext, sizeof(p->outtext), &p->outlen);
}

void proc_read_errors(struct proc *p)
{
	read_text(&p->err_fd, p->errtext, sizeof(p->errtext), &p->errlen);
}

void proc_read_lines(struct proc *p, proc_line_fn fn, void *arg)
{
	char buf[4096];
	ssize_t n;
	size_t k;
	bool overlong = false;

	while (p->out_fd >= 0) {
		n = read(p->out_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(p->out_fd);
			p->out_fd = -1;
			if (p->linelen)
				fn(arg, p->line, p->linelen);
			p->linelen = 0;
			return;
		}
		for (k = 0; k < (size_t)n; k++) {
			if (buf[k] == '\n') {
				fn(arg, p->line, p->linelen);
				p->linelen = 0;
				overlong = false;
			} else if (p->linelen < sizeof(p->line)) {
				p->line[p->linelen++] = buf[k];
			} else if (!overlong) {
				fn(arg, NULL, sizeof(p->line));
				overlong = true;
			}
		}
	}
}

int proc_tell(struct proc *p, const char *msg)
{
	size_t len = strlen(msg);
	ssize_t n;

	if (p->in_fd < 0)
		return 0;
	n = write(p->in_fd, msg, len);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = 0; /* a short write */
	return -1;
}

bool proc_reap(struct proc *p)
{
	if (p->reaped || p->pid <= 0 || p->out_fd >= 0 || p->err_fd >= 0)
		return false;
	if (p->group) {
		/* A style's status is the one it sent; without one, its
		 * process ended under it (killed), and the process's
		 * status is the style's. Its pipes are closed, so that
		 * status is moments away at most. */
		if (p->exited)
			p->status = p->exit_status << 8;
		else if (group_wait(p->group, true))
			p->status = p->group->status;
	} else if (waitpid(p->pid, &p->status, 0) != p->pid)
		return false;
	p->reaped = true;
	p->t_end = event_now_ns();
	if (p->in_fd >= 0)
		close(p->in_fd);
	p->in_fd = -1;
	return true;
}

void proc_reap_now(struct proc *p)
{
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	p->out_fd = p->err_fd = -1;
	proc_reap(p);
}

void proc_close(struct proc *p)
{
	if (p->group) {
		struct proc_group *g = p->group;

		/* A style still running at the end of its case goes, and
		 * its server with it (a thread cannot be killed alone); the
		 * next case gets a new server. One whose styles all ended
		 * by themselves serves on. */
		if (!p->reaped && !g->reaped) {
			kill(g->pid, SIGKILL);
			g->killed = true;
		}
		if (--g->refs == 0 && g->killed)
			group_wait(g, true);
		p->group = NULL;
		p->reaped = true;
	} else if (!p->reaped && p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
	}
	if (p->in_fd >= 0)
		close(p->in_fd);
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	p->in_fd = p->out_fd = p->err_fd = -1;
}
