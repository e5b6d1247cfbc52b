#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The program's view of itself in /proc (kernel/procfs.c): tests/progs/
# procview checks maps, smaps, smaps_rollup, status, statm, cmdline,
# environ and auxv the way glibc and programs use them. Each mode must pass
# natively (which proves the checks) and print exactly the same under
# tandem.
#
# usage: tests/integration/procfs.sh [--tandem PATH|native] [--filter GLOB]
#                                   [--list] [--keep] [--no-summary]
#
#   --tandem PATH   the tandem binary (default: build/tandem in the tree);
#                   "native" runs both sides natively, to prove the cases
#   --filter GLOB   run only the cases whose name matches
#   --list          print the case names
#   --keep          keep the temporary directory and say where it is
#   --no-summary    leave out the last line
#
# Environment: CC (default cc), TANDEM_RUN_OPTS (extra `tandem run`
# options), TANDEM_TEST_TIMEOUT (seconds per run, default 60).
#
# Prints "ok NAME", "FAIL NAME: why" (details indented below) or "skip
# NAME: why" per case, then "N passed, N failed, N skipped"; exits 1 when
# a case failed or none ran.
#
# The integration suite may source this file instead: it then only defines
# procfs_cases, which registers the same cases as run/procview-MODE through
# the suite's tcase and compare (tests/integration/lib.sh).

PROCVIEW_MODES=(maps smaps status paths fd self)

case_procview()
{
	compare_prog procview --native-status 0 --native-has '0 failed' -- "$1"
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

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
suite_main "${BASH_SOURCE[0]}" procfs procfs_cases "$@"
