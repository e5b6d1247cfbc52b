#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The program's view of itself in /proc (kernel/procfs.c): tests/progs/
# procview checks maps, smaps, smaps_rollup, status, statm, cmdline,
# environ and auxv the way glibc and programs use them. Each mode must pass
# natively (which proves the checks) and print exactly the same under
# tandem.
#
# usage: tests/integration/procfs.sh [--tandem PATH|native] [--keep]
#
#   --tandem PATH   the tandem binary (default: build/tandem in the tree);
#                   "native" runs both sides natively, to prove the cases
#   --keep          keep the temporary directory and say where it is
#
# Environment: CC (default cc), TANDEM_RUN_OPTS (extra `tandem run`
# options), TANDEM_TEST_TIMEOUT (seconds per run, default 60).
#
# Prints "ok NAME" or "FAIL NAME: why" (details indented below) per case,
# then "N passed, N failed, N skipped"; exits 1 when a case failed.
#
# The integration suite may source this file instead: it then only defines
# procfs_cases, which registers the same cases as run/procview-MODE through
# the suite's tcase and compare (tests/integration/lib.sh).

PROCVIEW_MODES=(maps smaps status paths fd self)

case_procview()
{
	local p

	p=$(prog procview) || return
	compare --native-status 0 --native-has '0 failed' -- "$p" "$1"
}

procfs_cases()
{
	local m

	for m in "${PROCVIEW_MODES[@]}"; do
		tcase "run/procview-$m" case_procview "$m"
	done
}

# Sourced by the suite: the definitions above are all it needs.
if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
	return 0
fi

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TANDEM=$ROOT/build/tandem
KEEP=0
TIMEOUT=${TANDEM_TEST_TIMEOUT:-60}
read -r -a RUN_OPTS <<<"${TANDEM_RUN_OPTS:-}"

usage()
{
	sed -n '/^# usage:/,/^# Prints/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while (($#)); do
	case $1 in
	--tandem) (($# >= 2)) || usage; TANDEM=$2; shift 2 ;;
	--tandem=*) TANDEM=${1#*=}; shift ;;
	--keep) KEEP=1; shift ;;
	-h | --help) usage ;;
	*) echo "procfs.sh: unknown option $1" >&2; usage ;;
	esac
done
if [[ $TANDEM != native && $TANDEM != /* ]]; then
	TANDEM=$PWD/$TANDEM
fi
if [[ ! $TIMEOUT =~ ^[1-9][0-9]*$ ]]; then
	echo "procfs.sh: TANDEM_TEST_TIMEOUT must be a number of seconds, not '$TIMEOUT'" >&2
	exit 2
fi
if [[ $TANDEM != native && ! -x $TANDEM ]]; then
	echo "procfs.sh: no tandem binary at $TANDEM (build it with make, or pass --tandem)" >&2
	exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tandem-procfs.XXXXXX") || exit 1
cleanup()
{
	if [[ $KEEP == 1 ]]; then
		echo "# kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'cleanup; trap - EXIT INT; kill -INT $$' INT
trap 'cleanup; trap - EXIT TERM; kill -TERM $$' TERM

export LC_ALL=C
ulimit -c 0
umask 022

PASSED=0
FAILED=0

fail()
{
	local name=$1 why=$2

	echo "FAIL $name: $why"
	FAILED=$((FAILED + 1))
}

BIN=$WORK/procview
if ! "${CC:-cc}" -O2 -g -Wall -Wextra -pthread -o "$BIN" \
	"$ROOT/tests/progs/procview.c" >"$WORK/build.log" 2>&1; then
	fail run/procview-build "building tests/progs/procview.c failed:"
	sed 's/^/    /' "$WORK/build.log"
	echo "$PASSED passed, $FAILED failed, 0 skipped"
	exit 1
fi

# run SIDE MODE CMD...: run one side in its own directory; SIDE.{out,err,rc}
run()
{
	local side=$1 mode=$2 d=$WORK/$2
	shift 2

	mkdir -p "$d"
	(cd "$d" && exec timeout -k 5 "$TIMEOUT" "$@" </dev/null \
		>"$d/$side.out" 2>"$d/$side.err")
	echo "$?" >"$d/$side.rc"
}

for mode in "${PROCVIEW_MODES[@]}"; do
	name=run/procview-$mode
	d=$WORK/$mode
	run native "$mode" "$BIN" "$mode"
	if [[ $TANDEM == native ]]; then
		run tandem "$mode" "$BIN" "$mode"
	else
		run tandem "$mode" "$TANDEM" run "${RUN_OPTS[@]}" -- "$BIN" "$mode"
	fi
	nrc=$(<"$d/native.rc")
	trc=$(<"$d/tandem.rc")

	if [[ $nrc != 0 ]] || ! grep -qx '0 failed' "$d/native.out"; then
		fail "$name" "the native run failed (status $nrc): the test itself is broken"
		grep -v ': yes$' "$d/native.out" "$d/native.err" | head -n 20 |
			sed 's/^/    /'
		continue
	fi
	bad=''
	[[ $trc == "$nrc" ]] || bad="exit status $trc under tandem, $nrc natively"
	if ! cmp -s "$d/native.out" "$d/tandem.out"; then
		bad=${bad:-stdout differs}
	fi
	if ! cmp -s "$d/native.err" "$d/tandem.err"; then
		bad=${bad:-stderr differs}
	fi
	if [[ -n $bad ]]; then
		fail "$name" "$bad"
		diff -u --label native --label tandem "$d/native.out" \
			"$d/tandem.out" | head -n 30 | sed 's/^/    /'
		diff -u --label native --label tandem "$d/native.err" \
			"$d/tandem.err" | head -n 10 | sed 's/^/    /'
		continue
	fi
	echo "ok $name"
	PASSED=$((PASSED + 1))
done

echo "$PASSED passed, $FAILED failed, 0 skipped"
((FAILED == 0))
