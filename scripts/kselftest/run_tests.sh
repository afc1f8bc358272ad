#!/bin/bash
# icmplab as a kselftest collection: runs the suite (or the cases and
# options given as arguments, e.g. KSELFTEST_RUN_TESTS_SH_ARGS="core" under
# run_kselftest.sh) and writes KTAP version 1 on stdout: one test per case,
# its cells as subtests. Exit: 0 pass, 1 fail, 4 skip (an ordinary user
# where the system allows no user namespace, a capability dropped, no
# network namespaces; the reason is on stderr and in the plan line). An
# ordinary user's run goes on as root of a user namespace of its own.
# ICMPLAB_OUT=DIR also keeps results.json, matrix.txt and the captures.
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp) && err=$(mktemp) || exit 1
trap 'rm -f "$out" "$err"' EXIT

args=(run -j "$(nproc 2>/dev/null || echo 1)" --no-matrix --ktap -)
[ -z "${ICMPLAB_OUT:-}" ] || args+=(--out "$ICMPLAB_OUT")
# stderr both shown and kept; the pipeline ends only when tee has written
# all of it (a process substitution could still be writing when read).
"$here/bin/icmplab" "${args[@]}" "$@" 2>&1 >"$out" | tee "$err" >&2
rc=${PIPESTATUS[0]}
if [ -s "$out" ]; then
	cat "$out"
else
	# Nothing ran (cannot run here, bad arguments): a KTAP
	# document without tests that says why.
	reason=$(grep -v '^$' "$err" | tail -n 1 | tr -d '\r')
	echo "KTAP version 1"
	if [ $rc -eq 4 ]; then
		echo "1..0 # SKIP ${reason:-cannot run here}"
	else
		echo "1..0"
		echo "# ${reason:-icmplab run exited $rc}"
	fi
fi
exit $rc
