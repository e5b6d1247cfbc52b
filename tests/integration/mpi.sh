#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tandem's MPI cases: a small MPI program (tests/progs/mpi_check.c) built
# with Open MPI and with MPICH and run at 2 and 4 ranks, and HPC Challenge
# (Debian's hpcc, built with Open MPI) at 2 ranks, each natively and as
# `mpiexec -n N tandem run PROG`. Sourced by run.sh, whose all_cases calls
# mpi_cases; run directly, it runs run.sh with only these cases:
#
# usage: tests/integration/mpi.sh [run.sh options, e.g. --tandem native]
#
# mpi/openmpi-npN, mpi/mpich-npN
#        mpi_check: the same stdout, stderr and exit status natively and
#        under tandem, and natively "all checks passed"
# mpi/hpcc-np2
#        hpcc with tests/data/hpccinf.txt, in a directory of its own per
#        side: both runs exit 0 and every validation hpcc prints in
#        hpccoutf.txt passes, with the same verdicts (hpcc-verdict.awk)
#
# Every rank runs on this node and the ranks talk through the MPI
# library's shared memory. Open MPI is held to its ob1 messaging layer
# over the vader (shared memory, with single-copy process_vm_readv for
# large messages) and self transports, so no network transport is tried.
# MPICH keeps its default device (Debian's is ch4 with the UCX netmod):
# ranks of one node exchange messages through MPICH's /dev/shm segments
# and UCX's shared-memory transports.
#
# The commands are missing only where tools/deps.sh has not run: the cases
# are skipped then, except in CI (CI=true), where that fails them.

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	exec "$(dirname "$0")/run.sh" --filter 'mpi/*' "$@"
fi

MPI_CHECK_ROUNDS=20

# mpi_need MPI: skip (or in CI fail) when MPI's compiler or launcher is
# missing. MPI is openmpi or mpich.
mpi_need()
{
	case $1 in
	openmpi)
		need_cmd mpicc.openmpi openmpi-bin
		need_cmd mpiexec.openmpi openmpi-bin
		;;
	mpich)
		need_cmd mpicc.mpich mpich
		need_cmd mpiexec.mpich mpich
		;;
	esac
}

# mpi_launcher MPI N: print the launcher words for N ranks of MPI on this
# node. Open MPI refuses to run as root without being told, and by default
# refuses more ranks than cores (4 ranks on a 2-core machine).
mpi_launcher()
{
	case $1 in
	openmpi)
		echo "mpiexec.openmpi -n $2 --oversubscribe --mca pml ob1 --mca btl self,vader"
		;;
	mpich)
		echo "mpiexec.mpich -n $2"
		;;
	esac
}

mpi_env()
{
	if [[ $(id -u) == 0 ]]; then
		export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
	fi
}

# mpi_prog MPI: print the path of mpi_check built with MPI's compiler,
# building it on first use.
mpi_prog()
{
	local out=$WORK/bin/mpi_check-$1

	if [[ -x $out ]]; then
		echo "$out"
		return 0
	fi
	mkdir -p "$WORK/bin"
	if ! "mpicc.$1" -O2 -g -Wall -Wextra -o "$out.tmp" \
		"$PROGS/mpi_check.c" >"$out.log" 2>&1; then
		echo "building mpi_check with mpicc.$1 failed:" >&2
		cat "$out.log" >&2
		return 1
	fi
	mv "$out.tmp" "$out"
	echo "$out"
}

# case_mpi_check MPI N: mpi_check at N ranks, natively and under tandem.
case_mpi_check()
{
	local p

	mpi_need "$1"
	mpi_env
	p=$(mpi_prog "$1") || return
	compare --launcher "$(mpi_launcher "$1" "$2")" \
		--native-status 0 --native-has "ranks $2, rounds $MPI_CHECK_ROUNDS" \
		--native-has 'all checks passed' \
		-- "$p" "$MPI_CHECK_ROUNDS"
}

# hpcc_side SIDE CMD...: run CMD (an hpcc launch) in SIDE.d, a fresh
# directory holding only hpccinf.txt, then judge SIDE.d/hpccoutf.txt into
# SIDE.verdict. Returns 1 when the run or a verdict failed, after saying
# why.
hpcc_side()
{
	local side=$1 d=$CASE_DIR bad=0
	shift

	mkdir -p "$d/$side.d"
	cp "$ROOT/tests/data/hpccinf.txt" "$d/$side.d/" || return 1
	# shellcheck disable=SC2034 # run_side's settings, as compare sets them
	C_STDIN=/dev/null C_PIPE='' C_UMASK=022 C_CWD=$d/$side.d
	run_side "$side" "$@" || return 1

	if [[ $(<"$d/$side.how") != "exit 0" ]]; then
		echo "$side run: $(describe_how "$d/$side.how"), expected exit status 0"
		echo "  command: $*"
		sed "s/^/  $side stderr: /" "$d/$side.err" | head -n 10
		sed "s/^/  $side launcher: /" "$d/$side.launcher" | head -n 5
		bad=1
	fi
	if [[ ! -s $d/$side.d/hpccoutf.txt ]]; then
		echo "$side run wrote no hpccoutf.txt in $d/$side.d"
		return 1
	fi
	if ! awk -f "$HERE/hpcc-verdict.awk" "$d/$side.d/hpccoutf.txt" \
		>"$d/$side.verdict"; then
		echo "$side run: hpcc validations failed:"
		grep FAILED "$d/$side.verdict" | sed 's/^/  /'
		bad=1
	fi
	return $bad
}

# HPC Challenge at 2 ranks: every validation passes natively and under
# tandem. hpcc writes hpccoutf.txt in its working directory, so each side
# has one of its own. It takes about 6 s on 2 idle cores; its time-bounded
# sections stretch on a loaded machine, hence twice the usual time limit.
# With only one core the two ranks poll on it in turn, and hpcc's
# MPIRandomAccess_LCG section stalls for minutes, natively as well.
case_mpi_hpcc()
{
	local launcher tcmd bad=0 cpus

	need_cmd hpcc hpcc
	mpi_need openmpi
	mpi_env
	TIMEOUT=$((TIMEOUT * 2))
	cpus=$(nproc)
	if ((cpus < 2)); then
		echo "note: only $cpus CPU available here (nproc), 2 ranks share it"
	fi
	read -r -a launcher <<<"$(mpi_launcher openmpi 2)"
	if [[ $TANDEM == native ]]; then
		tcmd=(hpcc)
	else
		need_tandem || return
		tcmd=("$TANDEM" run "${RUN_OPTS[@]}" -- hpcc)
	fi

	if ! hpcc_side native "${launcher[@]}" hpcc; then
		echo "the native run failed: the test itself (or this machine) is broken"
		return 1
	fi
	hpcc_side tandem "${launcher[@]}" "${tcmd[@]}" || bad=1
	if [[ -s $CASE_DIR/tandem.verdict ]] &&
		! cmp -s "$CASE_DIR/native.verdict" "$CASE_DIR/tandem.verdict"; then
		show_diff "hpcc verdicts" "$CASE_DIR/native.verdict" \
			"$CASE_DIR/tandem.verdict"
		bad=1
	fi
	return $bad
}

mpi_cases()
{
	local mpi n

	for mpi in openmpi mpich; do
		for n in 2 4; do
			tcase "mpi/$mpi-np$n" case_mpi_check "$mpi" "$n"
		done
	done
	tcase mpi/hpcc-np2 case_mpi_hpcc
}
