/* The user command's text: placeholders become quoted references to
 * variables of its environment, never pasted values; and the start of a
 * probe binary: in the client's namespace, with the signals and the death
 * signal it needs, its failure to start reported (proc.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

static struct proc_command cmd;

static void build(const char *dst, const char *tpl, const char *case_path)
{
	struct fault_plan plan = {.dport = 33434, .ttl = -1};
	char err[256] = "";

	assert_int_equal(addr_parse(dst, &plan.dst), 0);
	if (proc_command_build(tpl, &plan, case_path, &cmd, err,
			       sizeof(err)) < 0)
		fail_msg("%s", err);
}

/* Outside quotes, inside "..." and inside '...': each placeholder stays
 * one word of the value, whatever quoting the template uses. */
static void test_placeholders_quoted(void **state)
{
	(void)state;
	build("203.0.113.2", "nc -u {addr} {port}", "cases/v4/x.case");
	assert_string_equal(cmd.text,
			    "nc -u \"${ICMPLAB_ADDR}\" \"${ICMPLAB_PORT}\"");
	build("203.0.113.2", "echo \"at {dir}/s\" 'to {hostport}'",
	      "cases/v4/x.case");
	assert_string_equal(cmd.text, "echo \"at ${ICMPLAB_DIR}/s\" "
				      "'to '\"${ICMPLAB_HOSTPORT}\"''");
	/* An escaped quote opens nothing. */
	build("203.0.113.2", "echo \\\" {addr}", "x.case");
	assert_string_equal(cmd.text, "echo \\\" \"${ICMPLAB_ADDR}\"");
}

/* The values go to the environment; a directory full of shell syntax is
 * only a value. */
static void test_values_in_environment(void **state)
{
	(void)state;
	build("203.0.113.2", "bash {dir}/udp-ask.sh {addr} {port}",
	      "/tmp/a b/$(touch /tmp/x)/commands.case");
	assert_string_equal(cmd.env[0], "ICMPLAB_ADDR=203.0.113.2");
	assert_string_equal(cmd.env[1], "ICMPLAB_PORT=33434");
	assert_string_equal(cmd.env[2], "ICMPLAB_DIR=/tmp/a b/$(touch /tmp/x)");
	assert_string_equal(cmd.env[3], "ICMPLAB_HOSTPORT=203.0.113.2:33434");
	assert_null(strstr(cmd.text, "touch"));
	build("203.0.113.2", "ls {dir}", "commands.case");
	assert_string_equal(cmd.env[2], "ICMPLAB_DIR=.");
	build("203.0.113.2", "ls {dir}", "/x.case");
	assert_string_equal(cmd.env[2], "ICMPLAB_DIR=/");
}

/* {addr} is the bare address in both families; {hostport} brackets an
 * IPv6 address, as URLs and most tools want it. */
static void test_hostport_ipv6(void **state)
{
	(void)state;
	build("2001:db8:2::2", "curl http://{hostport}/", "x.case");
	assert_string_equal(cmd.env[0], "ICMPLAB_ADDR=2001:db8:2::2");
	assert_string_equal(cmd.env[3],
			    "ICMPLAB_HOSTPORT=[2001:db8:2::2]:33434");
	build("2001:db8:2::2", "dig -{family} @{addr}", "x.case");
	assert_string_equal(cmd.text,
			    "dig -\"${ICMPLAB_FAMILY}\" @\"${ICMPLAB_ADDR}\"");
	assert_string_equal(cmd.env[4], "ICMPLAB_FAMILY=6");
	build("203.0.113.2", "nc -{family} {addr}", "x.case");
	assert_string_equal(cmd.env[4], "ICMPLAB_FAMILY=4");
}

/* A misspelt placeholder is refused, never run as the literal text; shell
 * braces that are not {name} are the shell's. */
static void test_unknown_placeholder(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(proc_command_check("nc {adr} {port}", err,
					    sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "unknown placeholder '{adr}'"));
	assert_non_null(strstr(err, "{hostport}"));
	assert_int_equal(proc_command_check("nc {addr} {Port}", err,
					    sizeof(err)),
			 0); /* not lowercase: shell text */
	assert_int_equal(proc_command_check("echo ${HOME} {a,b} {} "
					    "| awk '{print $1}' {port}",
					    err, sizeof(err)),
			 0);
	assert_int_equal(proc_command_check("x {fam1ly}", err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "'{fam1ly}'"));
}

/* Too long for the buffer is an error, never a cut command. */
static void test_too_long(void **state)
{
	struct fault_plan plan = {.dport = 33434, .ttl = -1};
	char *tpl = malloc(PROC_COMMAND_MAX + 10), err[256] = "";

	(void)state;
	assert_non_null(tpl);
	memset(tpl, 'x', PROC_COMMAND_MAX + 9);
	tpl[PROC_COMMAND_MAX + 9] = '\0';
	assert_int_equal(addr_parse("203.0.113.2", &plan.dst), 0);
	assert_int_equal(proc_command_build(tpl, &plan, "x.case", &cmd, err,
					    sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "longer than"));
	free(tpl);
}

/* The probe binaries' side: a directory of stand-in probes (shell scripts
 * or junk) under the name proc_start_probe builds, and a namespace. */
static char probe_dir[] = "/tmp/icmplab-test-proc-XXXXXX";
static const struct probe_def stand_in = {.name = "t", .binary = "t"};
static char probe_path[sizeof(probe_dir) + 32];

/* Writes the stand-in probe, mode 0755. */
static void write_probe(const char *text)
{
	FILE *f;

	snprintf(probe_path, sizeof(probe_path), "%s/icmplab-probe-t",
		 probe_dir);
	f = fopen(probe_path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(probe_path, 0755), 0);
}

/* Setns into any namespace, the caller's own included, needs
 * CAP_SYS_ADMIN: without it, a spawn cannot get as far as exec. */
#define SKIP_UNLESS_ROOT()                                                     \
	do {                                                                   \
		if (geteuid() != 0) {                                          \
			print_message("skipped: needs root (setns into the "   \
				      "client's namespace)\n");                \
			skip();                                                \
		}                                                              \
	} while (0)

static void on_line(void *arg, const char *line, size_t len)
{
	char *out = arg;
	size_t have = strlen(out);

	if (line && have + len + 2 < PROC_LINE_MAX) {
		memcpy(out + have, line, len);
		out[have + len] = '\n';
		out[have + len + 1] = '\0';
	}
}

/* Reads p's stdout lines into out and its stderr into errtext until both
 * end, then reaps it; fails the test after 10 s. */
static void finish(struct proc *p, char *out)
{
	struct pollfd pfd[2];
	time_t until = time(NULL) + 10;

	out[0] = '\0';
	while (p->out_fd >= 0 || p->err_fd >= 0) {
		assert_true(time(NULL) < until);
		pfd[0].fd = p->out_fd;
		pfd[1].fd = p->err_fd;
		pfd[0].events = pfd[1].events = POLLIN;
		poll(pfd, 2, 1000);
		proc_read_lines(p, on_line, out);
		proc_read_errors(p);
	}
	assert_true(proc_reap(p));
}

static int setup_probe_dir(void **state)
{
	(void)state;
	return mkdtemp(probe_dir) ? 0 : -1;
}

static int teardown_probe_dir(void **state)
{
	(void)state;
	unlink(probe_path);
	return rmdir(probe_dir);
}

/* A binary there but not executable by the kernel (no ELF, no #!): the
 * spawn succeeds and the probe "did not start", exit status
 * PROC_EXIT_NOSTART with exec's reason on its stderr, as a probe that
 * died before its first event is told apart from one that ran. A binary
 * that is not there at all is refused before any spawn. */
static void test_exec_failure_reported(void **state)
{
	struct fault_plan plan = {.dport = 33434, .ttl = -1};
	struct topo t;
	struct proc p;
	char err[256] = "", out[PROC_LINE_MAX], want[512];

	(void)state;
	SKIP_UNLESS_ROOT();
	memset(&t, 0, sizeof(t));
	t.ns[NODE_CLIENT] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(t.ns[NODE_CLIENT] >= 0);
	assert_int_equal(addr_parse("203.0.113.2", &plan.dst), 0);
	write_probe("this is not a program\n");
	proc_init(&p);
	if (proc_start_probe(&p, &t, probe_dir, &stand_in, &plan, err,
			     sizeof(err)) < 0)
		fail_msg("%s", err);
	finish(&p, out);
	assert_string_equal(out, "");
	assert_true(WIFEXITED(p.status));
	assert_int_equal(WEXITSTATUS(p.status), PROC_EXIT_NOSTART);
	snprintf(want, sizeof(want), "exec %s: %s\n", probe_path,
		 strerror(ENOEXEC));
	assert_string_equal(p.errtext, want);
	proc_close(&p);

	unlink(probe_path);
	proc_init(&p);
	assert_int_equal(proc_start_probe(&p, &t, probe_dir, &stand_in, &plan,
					  err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "(run make)"));
	assert_int_equal(p.pid, 0);
	close(t.ns[NODE_CLIENT]);
}

/* The probe runs in the client's namespace (a new one here, not the
 * test's), with the arguments of the plan; SIGPIPE, which the worker
 * ignores, is back to its default, while another ignored signal stays
 * ignored as across any exec; its signal mask is the worker's, with
 * nothing the spawn blocks for itself. */
static void test_probe_in_client_namespace(void **state)
{
	struct fault_plan plan = {.dport = 33434, .ttl = 7};
	struct sigaction ign = {.sa_handler = SIG_IGN}, pipe_was, usr2_was;
	struct topo t;
	struct proc p;
	struct stat st, home_st;
	char err[256] = "", out[PROC_LINE_MAX], want[PROC_LINE_MAX];
	unsigned long long sigign, sigblk;
	sigset_t usr1, mask_was;
	int home;

	(void)state;
	SKIP_UNLESS_ROOT();
	if (access("/bin/bash", X_OK) < 0) {
		print_message("skipped: no /bin/bash to show the signals\n");
		skip();
	}
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(home >= 0);
	if (unshare(CLONE_NEWNET) < 0) {
		print_message("skipped: unshare(CLONE_NEWNET): %s\n",
			      strerror(errno));
		close(home);
		skip();
	}
	memset(&t, 0, sizeof(t));
	t.ns[NODE_CLIENT] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_int_equal(setns(home, CLONE_NEWNET), 0);
	assert_true(t.ns[NODE_CLIENT] >= 0);
	assert_int_equal(fstat(t.ns[NODE_CLIENT], &st), 0);
	assert_int_equal(fstat(home, &home_st), 0);
	assert_true(st.st_ino != home_st.st_ino);
	close(home);

	assert_int_equal(addr_parse("203.0.113.2", &plan.dst), 0);
	/* bash, not sh: dash clears the signal mask it was given; bash
	 * hands it on to what it execs, sed here, which prints its own. */
	write_probe("#!/bin/bash\n"
		    "readlink /proc/self/ns/net\n"
		    "echo \"$@\"\n"
		    "exec sed -n 's/^\\(SigBlk\\|SigIgn\\):[[:space:]]*/0x/p' "
		    "/proc/self/status\n");
	assert_int_equal(sigaction(SIGPIPE, &ign, &pipe_was), 0);
	assert_int_equal(sigaction(SIGUSR2, &ign, &usr2_was), 0);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	assert_int_equal(sigprocmask(SIG_BLOCK, &usr1, &mask_was), 0);
	proc_init(&p);
	if (proc_start_probe(&p, &t, probe_dir, &stand_in, &plan, err,
			     sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(sigprocmask(SIG_SETMASK, &mask_was, NULL), 0);
	assert_int_equal(sigaction(SIGPIPE, &pipe_was, NULL), 0);
	assert_int_equal(sigaction(SIGUSR2, &usr2_was, NULL), 0);
	finish(&p, out);
	assert_string_equal(p.errtext, "");
	assert_true(WIFEXITED(p.status));
	assert_int_equal(WEXITSTATUS(p.status), 0);
	proc_close(&p);
	close(t.ns[NODE_CLIENT]);

	/* net:[ino] of the client's namespace, the arguments, the masks. */
	snprintf(want, sizeof(want),
		 "net:[%llu]\n--style t --dst 203.0.113.2 --dport 33434 "
		 "--ttl 7\n",
		 (unsigned long long)st.st_ino);
	assert_memory_equal(out, want, strlen(want));
	assert_int_equal(
		sscanf(out + strlen(want), "%llx\n%llx", &sigblk, &sigign), 2);
	assert_int_equal(sigblk, 1ULL << (SIGUSR1 - 1));
	assert_false(sigign & (1ULL << (SIGPIPE - 1)));
	assert_true(sigign & (1ULL << (SIGUSR2 - 1)));
}

/* A probe dies with its worker (PR_SET_PDEATHSIG): a worker that ends
 * without reaping its probe leaves nothing running. This process adopts
 * the orphan (a subreaper) to see how it ended. */
static void test_probe_dies_with_worker(void **state)
{
	struct fault_plan plan = {.dport = 33434, .ttl = -1};
	int tell[2], status, i;
	pid_t worker, probe = 0;
	time_t until;

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_int_equal(addr_parse("203.0.113.2", &plan.dst), 0);
	write_probe("#!/bin/sh\necho $$\nexec sleep 30\n");
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	assert_int_equal(pipe(tell), 0);
	worker = fork();
	assert_true(worker >= 0);
	if (worker == 0) {
		struct topo t;
		struct proc p;
		char err[256], out[PROC_LINE_MAX];
		struct pollfd pfd;

		close(tell[0]);
		memset(&t, 0, sizeof(t));
		t.ns[NODE_CLIENT] = open("/proc/self/ns/net", O_RDONLY);
		proc_init(&p);
		if (proc_start_probe(&p, &t, probe_dir, &stand_in, &plan, err,
				     sizeof(err)) < 0)
			_exit(1);
		out[0] = '\0';
		pfd.fd = p.out_fd;
		pfd.events = POLLIN;
		for (i = 0; i < 100 && !strchr(out, '\n'); i++) {
			poll(&pfd, 1, 100);
			proc_read_lines(&p, on_line, out);
		}
		if (write(tell[1], out, strlen(out)) < 0)
			_exit(2);
		_exit(0); /* the probe is neither killed nor reaped */
	}
	close(tell[1]);
	{
		char line[32] = "";
		ssize_t n = read(tell[0], line, sizeof(line) - 1);

		assert_true(n > 0);
		line[n] = '\0';
		probe = (pid_t)atoi(line);
	}
	close(tell[0]);
	assert_int_equal(waitpid(worker, &status, 0), worker);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(probe > 0);
	/* Adopted by this process, it must be gone long before its sleep. */
	until = time(NULL) + 10;
	while (waitpid(probe, &status, WNOHANG) == 0) {
		if (time(NULL) > until) {
			kill(probe, SIGKILL);
			waitpid(probe, &status, 0);
			fail_msg("the probe outlived its worker");
		}
		usleep(10000);
	}
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* on_line with room for a whole probe's events. */
static void on_serve_line(void *arg, const char *line, size_t len)
{
	char *out = arg;
	size_t have = strlen(out);

	if (line && have + len + 2 < 8192) {
		memcpy(out + have, line, len);
		out[have + len] = '\n';
		out[have + len + 1] = '\0';
	}
}

/* Whether the descriptor table at dir (/proc/PID/task/TID/fd) has open
 * any of the pipes whose other ends p holds. */
static bool holds_pipe_of(const char *dir, const struct proc *p)
{
	const int fds[3] = {p->in_fd, p->out_fd, p->err_fd};
	char link[512], target[64], want[64];
	struct dirent *e;
	struct stat st;
	bool found = false;
	DIR *d;
	int k;

	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)) && !found) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		for (k = 0; k < 3; k++) {
			assert_int_equal(fstat(fds[k], &st), 0);
			snprintf(want, sizeof(want), "pipe:[%lu]",
				 (unsigned long)st.st_ino);
			if (strcmp(target, want) == 0)
				found = true;
		}
	}
	closedir(d);
	return found;
}

/* Every thread of the serving process: none holds both styles' pipes
 * (each style's table is its own), the main thread holds neither, and
 * each style's pipes are held by some thread. */
static void assert_tables_apart(pid_t pid, const struct proc *a,
				const struct proc *b)
{
	char dir[64], fd[64 + 256 + 8];
	struct dirent *e;
	bool has_a = false, has_b = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		bool x, y;

		if (e->d_name[0] == '.')
			continue;
		snprintf(fd, sizeof(fd), "%s/%s/fd", dir, e->d_name);
		x = holds_pipe_of(fd, a);
		y = holds_pipe_of(fd, b);
		assert_false(x && y);
		if (atoi(e->d_name) == (int)pid)
			assert_false(x || y);
		has_a |= x;
		has_b |= y;
	}
	closedir(d);
	assert_true(has_a && has_b);
}

/* The last line of text (which ends with a newline). */
static const char *last_line(const char *text)
{
	size_t n = strlen(text);

	assert_true(n > 0 && text[n - 1] == '\n');
	for (n--; n > 0 && text[n - 1] != '\n'; n--)
		;
	return text + n;
}

/* proc_start_probes: two styles of the real UDP probe binary, each a
 * thread of its resident server (--serve, a child of this process) with
 * a descriptor table of its own. Each runs in the client's namespace on
 * its own three pipes (its events name its own style), answers its sync
 * and ends with status 0 as its last line. The server serves the next
 * start too, goes when a style is closed still running, and is replaced
 * then. The namespace has no route, so the sends fail: what is tested is
 * the plumbing, not the network. */
static void test_serve_styles(void **state)
{
	static const char *const names[] = {"udp-unconnected", "udp-recverr"};
	struct fault_plan plan = {.dport = 33434, .ttl = -1};
	const struct probe_def *defs[2];
	struct proc procs[2], *ps[2] = {&procs[0], &procs[1]};
	struct {
		int pipe[2];
		struct proc p; /* holds_pipe_of's view of it */
	} stray;
	static char out[2][8192];
	char err[256] = "", path[512], want[64];
	struct topo t;
	int home, i, answered[2] = {0, 0}, done = 0;
	pid_t pid;
	time_t until;

	(void)state;
	SKIP_UNLESS_ROOT();
	snprintf(path, sizeof(path), "%s/icmplab-probe-udp",
		 ICMPLAB_PROBE_DIR);
	if (access(path, X_OK) < 0) {
		print_message("skipped: %s not built (make)\n", path);
		skip();
	}
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(home >= 0);
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	memset(&t, 0, sizeof(t));
	t.ns[NODE_CLIENT] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_int_equal(setns(home, CLONE_NEWNET), 0);
	close(home);
	assert_int_equal(addr_parse("203.0.113.2", &plan.dst), 0);
	for (i = 0; i < 2; i++) {
		defs[i] = probe_find(names[i]);
		assert_non_null(defs[i]);
		proc_init(&procs[i]);
		out[i][0] = '\0';
	}
	/* Open without close-on-exec, as libpcap opens a case's capture. */
	assert_int_equal(pipe(stray.pipe), 0);
	stray.p.in_fd = stray.p.out_fd = stray.pipe[0];
	stray.p.err_fd = stray.pipe[1];
	if (proc_start_probes(ps, defs, 2, &t, ICMPLAB_PROBE_DIR, &plan, err,
			      sizeof(err)) < 0)
		fail_msg("%s", err);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)procs[0].pid);
	assert_false(holds_pipe_of(path, &stray.p));
	close(stray.pipe[0]);
	close(stray.pipe[1]);
	/* As soon as the start returns, no style holds the other's pipes:
	 * a stdin read end kept by a sibling would let the worker write to
	 * a style that is gone, as if it were alive. */
	assert_int_equal(procs[0].pid, procs[1].pid);
	assert_ptr_equal(procs[0].group, procs[1].group);
	assert_tables_apart(procs[0].pid, &procs[0], &procs[1]);
	until = time(NULL) + 10;
	while (done < 2) {
		struct pollfd pfd[4];

		if (time(NULL) >= until)
			fail_msg("still running after 10 s: %s / %s / %s / %s",
				 out[0], procs[0].errtext, out[1],
				 procs[1].errtext);
		for (i = 0; i < 2; i++) {
			pfd[2 * i].fd = procs[i].out_fd;
			pfd[2 * i + 1].fd = procs[i].err_fd;
			pfd[2 * i].events = pfd[2 * i + 1].events = POLLIN;
		}
		poll(pfd, 4, 1000);
		for (done = 0, i = 0; i < 2; i++) {
			const char *at = out[i];
			int syncs = 0;

			proc_read_lines(&procs[i], on_serve_line, out[i]);
			proc_read_errors(&procs[i]);
			while ((at = strstr(at, "\"ev\":\"sync\""))) {
				syncs++;
				at++;
			}
			for (; answered[i] < syncs; answered[i]++)
				assert_int_equal(proc_tell(&procs[i],
							   "go quiet\n"),
						 0);
			/* As the worker's event reader does (run.c). */
			if (strstr(out[i], "{\"ev\":\"exit\"") &&
			    strstr(out[i], "\"status\":0}")) {
				procs[i].exited = true;
				procs[i].exit_status = 0;
			}
			if (procs[i].out_fd < 0 && procs[i].err_fd < 0)
				proc_reap(&procs[i]);
			done += procs[i].reaped;
		}
	}
	for (i = 0; i < 2; i++) {
		assert_true(WIFEXITED(procs[i].status));
		if (WEXITSTATUS(procs[i].status) != 0)
			fail_msg("%s: exit %d: %s", names[i],
				 WEXITSTATUS(procs[i].status),
				 procs[i].errtext);
		snprintf(want, sizeof(want), "\"%s\"", names[i]);
		assert_non_null(strstr(out[i], "\"ev\":\"start\""));
		assert_non_null(strstr(out[i], want));
		assert_null(strstr(out[i], names[1 - i]));
		assert_true(answered[i] >= 1);
		/* The status line ends the style's output. */
		assert_string_equal(last_line(out[i]) +
					    strlen(last_line(out[i])) -
					    strlen("\"status\":0}\n"),
				    "\"status\":0}\n");
		assert_int_equal(
			strncmp(last_line(out[i]), "{\"ev\":\"exit\"", 12), 0);
	}
	/* Styles that ended by themselves leave their server running, and
	 * the next case's styles are its threads too. */
	pid = procs[0].pid;
	proc_close(&procs[0]);
	proc_close(&procs[1]);
	assert_int_equal(kill(pid, 0), 0);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), 0);
	for (i = 0; i < 2; i++)
		proc_init(&procs[i]);
	if (proc_start_probes(ps, defs, 2, &t, ICMPLAB_PROBE_DIR, &plan, err,
			      sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(procs[0].pid, pid);
	/* A style closed while it runs (blocked on its sync) takes its
	 * server with it; the next start gets a new one. */
	proc_close(&procs[0]);
	proc_close(&procs[1]);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
	for (i = 0; i < 2; i++)
		proc_init(&procs[i]);
	if (proc_start_probes(ps, defs, 1, &t, ICMPLAB_PROBE_DIR, &plan, err,
			      sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_not_equal(procs[0].pid, pid);
	pid = procs[0].pid;
	proc_close(&procs[0]);
	proc_stop_servers();
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
	close(t.ns[NODE_CLIENT]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholders_quoted),
		cmocka_unit_test(test_values_in_environment),
		cmocka_unit_test(test_hostport_ipv6),
		cmocka_unit_test(test_unknown_placeholder),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_exec_failure_reported),
		cmocka_unit_test(test_probe_in_client_namespace),
		cmocka_unit_test(test_probe_dies_with_worker),
		cmocka_unit_test(test_serve_styles),
	};

	return cmocka_run_group_tests_name("proc", tests, setup_probe_dir,
					   teardown_probe_dir);
}
