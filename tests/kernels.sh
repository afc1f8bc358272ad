#!/bin/bash
# tests/kernels.sh: the part of `make test` that needs qemu. The quick
# kernel matrix on Debian's 6.1 cloud kernel (the core cases, every cell
# must pass), then the same run interrupted as a terminal's Ctrl-C would
# (SIGINT to its process group) once its guest runs: it must exit 130 and
# leave no qemu, virtiofsd or other process of it behind; and once more
# killed with SIGKILL, after which nothing of it may be left either. Skipped, saying
# why, where qemu is not installed (scripts/install-deps --kernels) or
# without root.
set -u
cd "$(dirname "$0")/.."
kernel=linux-image-cloud-amd64
echo "== tests/kernels.sh"
virtiofsd=
for p in /usr/lib/qemu/virtiofsd /usr/libexec/virtiofsd; do
	[ -x "$p" ] && virtiofsd=$p
done
if ! command -v qemu-system-x86_64 >/dev/null || [ -z "$virtiofsd" ]; then
	echo "kernels: skipped: no qemu-system-x86_64 or virtiofsd here;" \
		"scripts/install-deps --kernels installs them (.ci/run does)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "kernels: skipped: the kernel matrix needs root"
	exit 0
fi
tmp=$(mktemp -d /tmp/icmplab-kt.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() {
	echo "kernels: FAILED: $*"
	bad=1
}

# 1. The quick matrix: exit 0, a tally without failures.
scripts/kernel-matrix --quick --kernels "$kernel" --out "$tmp/run" \
	>"$tmp/run.log" 2>&1
rc=$?
sed 's/^/  /' "$tmp/run/summary.txt" 2>/dev/null || cat "$tmp/run.log"
if [ $rc -ne 0 ]; then
	fail "kernel-matrix --quick exited $rc; its log and the guest's console:"
	cat "$tmp/run.log"
	tail -n 20 "$tmp"/run/*/console.log
fi
grep -q ' pass:[1-9][0-9]* fail:0 xfail:0 xpass:0 skip:[0-9]* error:0 (exit 0)$' \
	"$tmp/run/summary.txt" 2>/dev/null || fail "no passing tally in the summary"

# 2. Stopped while its guest runs: SIGINT to its process group, as a
# terminal's Ctrl-C, must end it with 130 and take everything it started
# with it; SIGKILL to the script alone (no trap can run) must take its
# guest and helpers within a few seconds too. Job control gives the run a
# process group of its own with SIGINT not ignored, as an interactive
# shell starts a command in the foreground; every process it starts has
# the run's directory in its arguments (TMPDIR, --out).
stop_run() { # NAME SIGNAL TARGET(group|process) WANTED-STATUS
	local dir=$tmp/$1 pid rc left
	mkdir -p "$dir"
	set -m
	TMPDIR=$dir scripts/kernel-matrix --quick --kernels "$kernel" \
		--out "$dir/out" >"$dir.log" 2>&1 &
	pid=$!
	set +m
	for _ in $(seq 600); do
		pgrep -f "qemu-system-x86_64 .*$dir" >/dev/null && break
		sleep 0.2
	done
	if ! pgrep -f "qemu-system-x86_64 .*$dir" >/dev/null; then
		fail "$1: the guest never started"
		cat "$dir.log"
	fi
	sleep 2 # into the guest's boot
	if [ "$3" = group ]; then
		kill "-$2" -- "-$pid"
	else
		kill "-$2" "$pid"
	fi
	wait "$pid" 2>/dev/null # no "Killed" notice
	rc=$?
	[ $rc -eq "$4" ] || {
		fail "$1: kernel-matrix exited $rc, not $4"
		cat "$dir.log"
	}
	# Well before the guest would have ended by itself.
	for _ in $(seq 25); do
		[ -z "$(pgrep -f "$dir")" ] && break
		sleep 0.2
	done
	left=$(pgrep -a -f "$dir")
	[ -z "$left" ] || {
		fail "$1: left behind after SIG$2:"
		echo "$left"
		for p in $(pgrep -f "$dir"); do kill -KILL "$p"; done
	}
}
stop_run int INT group 130
[ -z "$(ls -A "$tmp/int" | grep -v '^out$')" ] ||
	fail "int: its scratch directory was not removed: $(ls "$tmp/int")"
stop_run kill KILL process 137

if [ $bad -eq 0 ]; then
	echo "kernels: passed (quick matrix on $kernel; SIGINT and SIGKILL left nothing behind)"
fi
exit $bad
