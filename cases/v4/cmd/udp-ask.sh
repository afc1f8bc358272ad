#!/bin/bash
# udp-ask ADDR PORT: a small UDP client of the kind people write, using bash's
# /dev/udp (a connected UDP socket). Sends one line, waits up to half a
# second for an answer. Exit 0: an answer came; 1: the socket reported an
# error (e.g. connection refused: a port unreachable came back); 2: no
# answer in time.
exec 3<>"/dev/udp/$1/$2" || exit 1
printf 'icmplab\n' >&3 || exit 1
read -r -t 0.5 -u 3 _
rc=$?
if [ "$rc" -gt 128 ]; then
	echo "udp-ask: no answer from $1:$2 within 0.5 s" >&2
	exit 2
fi
exit "$rc"
