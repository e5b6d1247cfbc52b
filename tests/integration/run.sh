#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tandem's integration suite: runs real programs natively and under tandem
# and compares what they do; checks that bad programs and bad command lines
# are refused cleanly. The cases are in cases.sh and, for MPI and HPC
# Challenge, mpi.sh; the helpers in lib.sh.
#
# usage: tests/integration/run.sh [--tandem PATH|native] [--filter GLOB]
#                                 [--list] [--keep] [--no-summary]
#
#   --tandem PATH   the tandem binary (default: build/tandem in the tree);
#                   "native" runs the tandem side without any wrapper, to
#                   prove the cases themselves (tandem-only cases are
#                   skipped)
#   --filter GLOB   run only the cases whose name matches (e.g. 'run/proc-*')
#   --list          print the names of the cases that would run
#   --keep          keep the temporary directory and say where it is
#   --no-summary    leave out the last line (run-tests.sh prints its own)
#
# Environment: TANDEM_RUN_OPTS  extra options for every `tandem run`,
#              split on spaces (e.g. "--offload=proxy")
#              TANDEM_TEST_TIMEOUT  seconds per command (default 60)
#              CC  the C compiler for the test programs (default cc)
#
# Prints "ok NAME", "FAIL NAME: why" (details indented below) or
# "skip NAME: why" per case, then "N passed, N failed, N skipped"; exits 1
# when a case failed or no case ran.

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
suite_init "${BASH_SOURCE[0]}" "$@"
source "$HERE/cases.sh"
source "$HERE/fastentry.sh"
source "$HERE/procfs.sh"
source "$HERE/mpi.sh"

if [[ $LIST == 1 ]]; then
	all_cases
	exit 0
fi
suite_begin integration
all_cases

# No pool-page count around the suite: each `tandem run` here makes a
# private pool that dies with it.  Leaks are checked where a pool outlives
# a run: mm.sh (each case's pages all free at its end) and partition.sh (an
# instance's free count after its programs end or are killed).
suite_end
