#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# One HPC Challenge run for bench/run.sh (the hpcc benchmark): Debian's
# hpcc (Open MPI) at 2 ranks on tests/data/hpccinf.txt, in a fresh
# directory, each rank's command prefixed by WRAPPER (e.g. `tandem run
# --`).  Prints hpcc's summary figures as "@NAME VALUE UNIT" lines and one
# line of hpcc's own validations (tests/integration/hpcc-verdict.awk),
# which must read the same natively and under tandem.  See
# docs/performance.md.
#
# usage: bench/hpcc.sh DIR [MPIEXEC-OPTION...] -- [WRAPPER...]
#
# DIR is emptied and used as the working directory.  Exits non-zero if
# mpiexec fails, hpcc writes no summary, or a validation fails.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:?usage: bench/hpcc.sh DIR [MPIEXEC-OPTION...] -- [WRAPPER...]}
shift
mpiopts=()
while (($#)) && [[ $1 != -- ]]; do
	mpiopts+=("$1")
	shift
done
(($#)) && shift

if [[ $(id -u) == 0 ]]; then
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
rm -rf "$dir" && mkdir -p "$dir" &&
	cp "$ROOT/tests/data/hpccinf.txt" "$dir/" || exit 1
cd "$dir" || exit 1
mpiexec.openmpi -n 2 --mca pml ob1 --mca btl self,vader "${mpiopts[@]}" \
	"$@" hpcc >mpiexec.out 2>&1 || {
	echo "hpcc.sh: mpiexec failed (status $?); see $dir/mpiexec.out" >&2
	exit 1
}
[[ -s hpccoutf.txt ]] || { echo "hpcc.sh: no hpccoutf.txt in $dir" >&2; exit 1; }

# The summary figures, as hpcc names them; HPL in GFlop/s.
awk -F= '
	/^Begin of Summary section/ { on = 1; next }
	/^End of Summary section/ { on = 0 }
	on { v[$1] = $2 }
	END {
		if (!("HPL_Tflops" in v))
			exit 1
		printf "@HPL %.6g GFlop/s\n", v["HPL_Tflops"] * 1000
		printf "@StarDGEMM %.6g GFlop/s\n", v["StarDGEMM_Gflops"]
		printf "@PTRANS %.6g GB/s\n", v["PTRANS_GBs"]
		printf "@MPIRandomAccess %.6g GUP/s\n", v["MPIRandomAccess_GUPs"]
		printf "@StarSTREAM_Triad %.6g GB/s\n", v["StarSTREAM_Triad"]
		printf "@MPIFFT %.6g GFlop/s\n", v["MPIFFT_Gflops"]
		printf "@RingLatency %.6g us\n", v["RandomlyOrderedRingLatency_usec"]
		printf "@RingBandwidth %.6g GB/s\n", v["RandomlyOrderedRingBandwidth_GBytes"]
	}' hpccoutf.txt || { echo "hpcc.sh: no summary in $dir/hpccoutf.txt" >&2; exit 1; }
if awk -f "$ROOT/tests/integration/hpcc-verdict.awk" hpccoutf.txt >verdict.txt; then
	echo "hpcc validations: all $(wc -l <verdict.txt) passed"
else
	echo "hpcc validations failed:"
	grep FAILED verdict.txt
	exit 1
fi
