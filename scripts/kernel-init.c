/* kernel-init: /init of the tiny initramfs scripts/kernel-matrix boots a
 * guest kernel with. Built statically (no libraries in the initramfs).
 *
 * It loads the modules the initramfs carries (the ones the guest needs to
 * reach the host's filesystem: virtio_pci, fuse, virtiofs and what they
 * depend on, in the order /modules.order gives; none on a kernel that has
 * them built in), mounts the host's filesystem (virtiofs tag "hostfs",
 * read-only) and makes it the root, then runs the program named by the
 * kernel command line's icmplab.init=PATH with icmplab.job=FILE as its
 * argument. When that program ends, this one syncs and powers the guest
 * off, so qemu exits; the program's exit status is whatever it wrote to its
 * own results, not ours.
 *
 * Every failure is printed on the console and ends in the same power-off:
 * the host then finds no results and says so, with the console log. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROOT "/newroot"
#define TAG  "hostfs"

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("kernel-init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

_Noreturn static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	/* Not reached unless reboot() failed; PID 1 must not return. */
	say("reboot(RB_POWER_OFF): %s", strerror(errno));
	for (;;)
		pause();
}

/* The console as fd 0, 1 and 2: the kernel opens /dev/console for init
 * only when the initramfs has the node, and this one has no nodes. */
static void open_console(void)
{
	int fd;

	if (mkdir("/dev", 0755) < 0 && errno != EEXIST)
		return;
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) < 0 &&
	    errno != EBUSY)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* The value of KEY=... on the kernel command line, copied into buf;
 * returns buf, or NULL when absent. */
static char *cmdline_get(const char *cmdline, const char *key, char *buf,
			 size_t len)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\n')
			p++;
		n = strcspn(p, " \n");
		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			if (n - klen - 1 >= len)
				return NULL;
			memcpy(buf, p + klen + 1, n - klen - 1);
			buf[n - klen - 1] = '\0';
			return buf;
		}
		p += n;
	}
	return NULL;
}

/* Loads every module /modules.order names (one file name a line, relative
 * to /modules), in order. Returns 0, or -1 after saying which failed. */
static int load_modules(void)
{
	char line[256], path[300];
	FILE *f = fopen("/modules.order", "r");
	int rc = 0;

	if (!f) {
		if (errno == ENOENT)
			return 0; /* all built in: the initramfs has none */
		say("/modules.order: %s", strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		int fd;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		snprintf(path, sizeof(path), "/modules/%s", line);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			say("%s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		if (syscall(SYS_finit_module, fd, "", 0) < 0 &&
		    errno != EEXIST) {
			say("loading %s: %s", line, strerror(errno));
			rc = -1;
		}
		close(fd);
	}
	fclose(f);
	return rc;
}

/* Mounts the host's filesystem read-only on ROOT. The virtio device may
 * still be probing when its driver's module has just loaded, so an unknown
 * tag is retried, for up to 30 s (an emulated guest on a busy host is slow). */
static int mount_host(void)
{
	struct timespec ts = {0, 50 * 1000 * 1000};
	int i;

	if (mkdir(ROOT, 0755) < 0 && errno != EEXIST) {
		say("mkdir %s: %s", ROOT, strerror(errno));
		return -1;
	}
	for (i = 0; i < 600; i++) {
		if (mount(TAG, ROOT, "virtiofs", MS_RDONLY, NULL) == 0)
			return 0;
		if (errno != ENOENT && errno != EINVAL && errno != ENODEV)
			break;
		nanosleep(&ts, NULL);
	}
	say("mount -t virtiofs %s %s: %s", TAG, ROOT, strerror(errno));
	return -1;
}

int main(void)
{
	char cmdline[4096], init[1024], job[1024];
	ssize_t n;
	pid_t pid;
	int fd, status;

	open_console();
	if (mkdir("/proc", 0755) < 0 && errno != EEXIST)
		power_off();
	if (mount("proc", "/proc", "proc", 0, NULL) < 0) {
		say("mount /proc: %s", strerror(errno));
		power_off();
	}
	fd = open("/proc/cmdline", O_RDONLY);
	n = fd < 0 ? -1 : read(fd, cmdline, sizeof(cmdline) - 1);
	if (n < 0) {
		say("/proc/cmdline: %s", strerror(errno));
		power_off();
	}
	close(fd);
	cmdline[n] = '\0';
	if (!cmdline_get(cmdline, "icmplab.init", init, sizeof(init)) ||
	    !cmdline_get(cmdline, "icmplab.job", job, sizeof(job))) {
		say("no icmplab.init=PATH and icmplab.job=FILE on the "
		    "kernel command line");
		power_off();
	}
	if (load_modules() < 0 || mount_host() < 0)
		power_off();
	/* The initramfs's own mounts go; the program mounts its own. */
	umount2("/proc", MNT_DETACH);
	umount2("/dev", MNT_DETACH);
	if (chdir(ROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0) {
		say("making %s the root: %s", ROOT, strerror(errno));
		power_off();
	}
	pid = fork();
	if (pid < 0) {
		say("fork: %s", strerror(errno));
		power_off();
	}
	if (pid == 0) {
		static char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
			    home[] = "HOME=/root", term[] = "TERM=dumb";
		char *argv[] = {init, job, NULL};
		char *envp[] = {path, home, term, NULL};

		execve(init, argv, envp);
		say("%s: %s", init, strerror(errno));
		_exit(127);
	}
	/* PID 1 reaps every orphan until the program itself ends. */
	for (;;) {
		pid_t w = wait(&status);

		if (w == pid || (w < 0 && errno == ECHILD))
			break;
	}
	power_off();
}
