#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tandem's test runner, used by `make check`: every unit-test binary in
# build/tests/test_*, then the integration suites (tests/integration/run.sh,
# then mm.sh, then partition.sh, which needs root for most of its cases).
#
# usage: tests/run-tests.sh [--tandem PATH|native] [--filter GLOB]
#                           [--only unit|integration] [--keep]
#
#   --tandem PATH   the tandem binary for the integration suite (default
#                   build/tandem); "native" proves the comparison cases by
#                   running both sides natively
#   --filter GLOB   run only the cases whose name matches: unit cases are
#                   named test_BINARY/NAME, integration cases run/..., bad/...,
#                   cli/..., stats/... and mpi/... (see tests/integration/run.sh
#                   --list), the memory suite's mm/... (mm.sh --list), the
#                   partition suite's partition/... (partition.sh --list)
#   --only WHICH    unit or integration
#   --keep          keep the integration suite's temporary directory
#   --variant TAG=OPTS  run the integration suite once more per variant,
#                   with OPTS added to every `tandem run` and the cases
#                   named NAME@TAG (repeatable; make check runs the suite
#                   with each system-call entry path)
#
# Environment: TANDEM_RUN_OPTS (extra options for every `tandem run`, e.g.
# "--offload=proxy"), TANDEM_TEST_TIMEOUT (seconds per integration command,
# default 60), TANDEM_UNIT_TIMEOUT (seconds per unit binary, default 300).
#
# Prints "ok NAME", "FAIL NAME: why" (details indented below) or
# "skip NAME: why" for every case and ends with one line
# "N passed, N failed, N skipped". Exits 1 if a case failed or none ran,
# 2 on a usage error.

set -u
# The result loops below run in this shell (to count), and what they read
# runs in the foreground (so ^C reaches it): pipelines with lastpipe.
shopt -s lastpipe

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TANDEM=$ROOT/build/tandem
FILTER='*'
ONLY=''
KEEP=()
VARIANTS=()
UNIT_TIMEOUT=${TANDEM_UNIT_TIMEOUT:-300}

# Unit binaries run in the tree: no core files there. The soft limit only,
# so that the integration cases about core dumps can raise it again.
ulimit -S -c 0

# usage [STATUS]: print the header comment from "usage:" on; exit.
usage()
{
	awk '/^# usage:/ { on = 1 } on && !/^#/ { exit } on { sub(/^# ?/, ""); print }' \
		"${BASH_SOURCE[0]}"
	exit "${1:-2}"
}

while (($#)); do
	case $1 in
	--tandem) (($# >= 2)) || usage >&2; TANDEM=$2; shift 2 ;;
	--tandem=*) TANDEM=${1#*=}; shift ;;
	--filter) (($# >= 2)) || usage >&2; FILTER=$2; shift 2 ;;
	--filter=*) FILTER=${1#*=}; shift ;;
	--only) (($# >= 2)) || usage >&2; ONLY=$2; shift 2 ;;
	--only=*) ONLY=${1#*=}; shift ;;
	--keep) KEEP=(--keep); shift ;;
	--variant) (($# >= 2)) || usage >&2; VARIANTS+=("$2"); shift 2 ;;
	--variant=*) VARIANTS+=("${1#*=}"); shift ;;
	-h | --help) usage 0 ;;
	*) echo "run-tests.sh: unknown option $1" >&2; usage >&2 ;;
	esac
done
case $ONLY in
'' | unit | integration) ;;
*) echo "run-tests.sh: --only takes unit or integration, not '$ONLY'" >&2; exit 2 ;;
esac
if [[ $TANDEM != native && $TANDEM != /* ]]; then
	TANDEM=$PWD/$TANDEM
fi

PASSED=0
FAILED=0
SKIPPED=0

# result LINE [PREFIX]: echo and count one result line; a line that is not a
# result is passed on indented. Results of cases whose name does not match
# the filter are dropped.
result()
{
	local line=$1 prefix=${2:-} word rest name

	word=${line%% *}
	rest=${line#* }
	case $word in
	ok | FAIL | skip)
		if [[ $line != *' '* || -z $rest ]]; then
			echo "    $line"
			return
		fi
		name=${rest%%: *}
		# shellcheck disable=SC2053 # a glob on purpose
		[[ $prefix${name%@*} == $FILTER ]] || return 0
		echo "$word $prefix$rest"
		case $word in
		ok) PASSED=$((PASSED + 1)) ;;
		FAIL) FAILED=$((FAILED + 1)) ;;
		skip) SKIPPED=$((SKIPPED + 1)) ;;
		esac
		;;
	*)
		echo "    $line"
		;;
	esac
}

# could_match PREFIX: can a case named PREFIX... match the filter?
could_match()
{
	local lit=${FILTER%%[*?[]*}

	[[ $1 == "$lit"* || $lit == "$1"* ]]
}

run_unit()
{
	local bin name rc seen fails

	for bin in "$ROOT"/build/tests/test_*; do
		[[ -f $bin && -x $bin ]] || continue
		name=${bin##*/}
		could_match "$name/" || continue

		seen=0
		fails=0
		(cd "$ROOT" && exec timeout --foreground -k 5 "$UNIT_TIMEOUT" \
			"$bin" 2>&1 </dev/null) |
		while IFS= read -r line; do
			case $line in
			FAIL\ *) seen=$((seen + 1)) fails=$((fails + 1)) ;;
			ok\ * | skip\ *) seen=$((seen + 1)) ;;
			# The binary's own summary: ours counts the same lines.
			[0-9]*' passed, '[0-9]*' failed'*) continue ;;
			esac
			result "$line" "$name/"
		done
		rc=${PIPESTATUS[0]}

		# Not any one case's fault: shown whatever the filter.
		if ((rc == 124 || rc == 137)); then
			FILTER='*' result "FAIL exit-status: timed out after ${UNIT_TIMEOUT}s" "$name/"
		elif ((rc > 128)); then
			FILTER='*' result "FAIL exit-status: killed by SIG$(kill -l $((rc - 128)) 2>/dev/null) after $seen cases" "$name/"
		elif ((rc != 0 && fails == 0)); then
			FILTER='*' result "FAIL exit-status: exited $rc but reported no failed case" "$name/"
		elif ((seen == 0)); then
			FILTER='*' result "FAIL no-cases: printed no ok/FAIL/skip line" "$name/"
		fi
	done
}

# run_integration SCRIPT [TAG OPTS]: one integration suite (run.sh,
# partition.sh), with OPTS added to every `tandem run` and each case named
# NAME@TAG (no TAG: plain names).
run_integration()
{
	local script=$1 tag=${2:-} opts=${3:-} rc fails=0

	TANDEM_RUN_OPTS="${TANDEM_RUN_OPTS:+$TANDEM_RUN_OPTS }$opts" \
	"$ROOT/tests/integration/$script" --tandem "$TANDEM" \
		--filter "$FILTER" --no-summary "${KEEP[@]}" |
	while IFS= read -r line; do
		if [[ -n $tag ]]; then
			case $line in
			ok\ *|FAIL\ *|skip\ *)
				read -r word name rest <<<"$line"
				name=${name%:}
				line="$word $name@$tag${rest:+: $rest}"
				;;
			esac
		fi
		case $line in
		'    '*) echo "$line" ;;
		FAIL\ *) fails=$((fails + 1)); result "$line" ;;
		*) result "$line" ;;
		esac
	done
	rc=${PIPESTATUS[0]}
	if ((rc != 0 && fails == 0)); then
		FILTER='*' result "FAIL integration/harness${tag:+@$tag}: $script exited $rc without a failed case"
	fi
}

[[ $ONLY == integration ]] || run_unit
if [[ $ONLY != unit ]]; then
	if ((${#VARIANTS[@]} == 0)); then
		run_integration run.sh
	else
		for v in "${VARIANTS[@]}"; do
			run_integration run.sh "${v%%=*}" "${v#*=}"
		done
	fi
	# Memory (mm.sh, whose cases make huge pages for themselves as root)
	# and partitions (which change cpusets and huge pages) run once,
	# whatever the variants; not at all when the filter names none of
	# their cases, since their set-up changes the machine's state.
	could_match mm/ && run_integration mm.sh
	[[ $TANDEM == native ]] || ! could_match partition/ ||
		run_integration partition.sh
fi

echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
if ((PASSED + FAILED + SKIPPED == 0)); then
	echo "no test case ran (filter '$FILTER'${ONLY:+, only $ONLY})" >&2
	exit 1
fi
((FAILED == 0))
