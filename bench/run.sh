#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tandem's benchmarks, used by `make bench`: every benchmark runs natively
# and under `tandem run` in the same invocation, interleaved (native,
# tandem, native, tandem...), several times; the table gives the median,
# the min-max spread and the ratio tandem/native.  Nothing here passes or
# fails: the figures are for people to read.  See docs/performance.md.
#
# usage: bench/run.sh [--quick] [--only LIST] [--reps N] [--no-plots]
#                     [--tandem PATH]
#
#   --quick      small sizes, 5 rounds: a minute or so (make bench QUICK=1)
#   --only LIST  run only these benchmarks (comma-separated): startup,
#                syscall, mm, churn, stream, sync, procs, fwq, calls, proxy,
#                hpcc, instance (root: mm on a booted instance)
#   --reps N     rounds per benchmark (default 10, heavy ones 5; quick 5)
#   --no-plots   skip the gnuplot PNGs
#   --tandem PATH  the tandem command to compare (default build/tandem)
#
# Environment: TANDEM_RUN_OPTS (extra options for every `tandem run`, e.g.
# "--mem 8G"), STREAM_MIB (STREAM's three arrays together, in MiB),
# BENCH_TIMEOUT_MIN / BENCH_TIMEOUT_MAX (bounds in seconds of a tandem run's
# timeout, which is 50x the native run's time; default 30 and 120, with
# --quick 10 and 30).
#
# Writes the table to stdout and bench/results/latest.txt, the figures to
# bench/results/latest.json, plots to bench/results/*.png, every run's
# output to bench/results/raw/.  Exits 0 when the table was made, even if
# some runs failed under tandem (they are reported as FAILED); 2 on a
# usage error, 1 if the programs cannot be built.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TANDEM=$ROOT/build/tandem
B=$ROOT/build/bench
RES=$ROOT/bench/results
RAW=$RES/raw
RECORDS=$RAW/records.tsv
BENCHES=$RAW/benches.tsv
DERIVED=$RAW/derived.tsv
ALL="startup syscall mm churn stream sync procs fwq calls proxy hpcc instance"
QUICK=0
ONLY=$ALL
REPS_OPT=''
PLOTS=1
read -ra TANDEM_OPTS <<<"${TANDEM_RUN_OPTS:-}"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

usage()
{
	awk '/^# usage:/ { on = 1 } on && !/^#/ { exit } on { sub(/^# ?/, ""); print }' \
		"${BASH_SOURCE[0]}"
	exit "${1:-2}"
}

while (($#)); do
	case $1 in
	--quick) QUICK=1; shift ;;
	--only) (($# >= 2)) || usage >&2; ONLY=${2//,/ }; shift 2 ;;
	--only=*) ONLY=${1#*=}; ONLY=${ONLY//,/ }; shift ;;
	--reps) (($# >= 2)) || usage >&2; REPS_OPT=$2; shift 2 ;;
	--reps=*) REPS_OPT=${1#*=}; shift ;;
	--no-plots) PLOTS=0; shift ;;
	--tandem) (($# >= 2)) || usage >&2; TANDEM=$2; shift 2 ;;
	--tandem=*) TANDEM=${1#*=}; shift ;;
	-h | --help) usage 0 ;;
	*) note "bench/run.sh: unknown argument '$1'"; usage >&2 ;;
	esac
done
for b in $ONLY; do
	[[ " $ALL " == *" $b "* ]] || {
		note "bench/run.sh: no benchmark '$b'; there are: $ALL"
		exit 2
	}
done
if [[ -n $REPS_OPT && ! $REPS_OPT =~ ^[1-9][0-9]*$ ]]; then
	note "bench/run.sh: --reps '$REPS_OPT' is not a positive number"
	exit 2
fi

# A crash under tandem must not leave core files behind.
ulimit -c 0

# Sizes and rounds.  REPS is the default number of rounds; HEAVY the rounds
# of the benchmarks that take seconds per run.
NCPU=$(nproc)
export OMP_NUM_THREADS=$NCPU
if ((QUICK)); then
	REPS=5 HEAVY=5 STARTUP_REPS=20
	SYSCALL_CALLS=50000
	MM_MIB=128
	CHURN_STEPS=60
	STREAM_MIB=${STREAM_MIB:-192} STREAM_NTIMES=5
	FUTEX_TRIPS=2000 PTHREAD_PAIRS=200 BARRIER_OUTER=3 BARRIER_INNER=2000
	FORK_PAIRS=100 SHELL_PROCS=50
	FWQ_SAMPLES=2000
	PROXY_CALLS=20000
	HPCC_REPS=1
	TANDEM_TIMEOUT_MAX=${BENCH_TIMEOUT_MAX:-30}
else
	# HEAVY: the runs of seconds (mm, churn, stream, fwq, barrier, find)
	REPS=10 HEAVY=5 STARTUP_REPS=50
	SYSCALL_CALLS=200000
	MM_MIB=1024
	CHURN_STEPS=300
	STREAM_MIB=${STREAM_MIB:-2048} STREAM_NTIMES=10
	FUTEX_TRIPS=10000 PTHREAD_PAIRS=1000 BARRIER_OUTER=10 BARRIER_INNER=5000
	FORK_PAIRS=500 SHELL_PROCS=200
	FWQ_SAMPLES=20000
	TANDEM_TIMEOUT_MIN=${BENCH_TIMEOUT_MIN:-30}
	PROXY_CALLS=50000
	HPCC_REPS=3
fi
FWQ_WORK=32768
if [[ -n $REPS_OPT ]]; then
	REPS=$REPS_OPT HEAVY=$REPS_OPT STARTUP_REPS=$REPS_OPT HPCC_REPS=$REPS_OPT
fi

# --- the benchmarks -------------------------------------------------------

bench_startup()
{
	local nat tan

	measure -n "$STARTUP_REPS" -w "$B/spawntime" -h wall startup \
		"tandem run /bin/true against /bin/true, whole process" \
		-- /bin/true
	nat=$(median_of startup wall native)
	tan=$(median_of startup wall tandem)
	[[ -n $nat && -n $tan ]] &&
		derive startup overhead "$(awk -v a="$tan" -v b="$nat" 'BEGIN { print a - b }')" \
			ms "tandem minus native median; target: at most 3 ms"
}

bench_syscall()
{
	local x=() sig="$TANDEM run ${TANDEM_OPTS[*]} --entry=signal --"

	# The signal path next to the fast one, once tandem has a choice.
	if run_one "$RAW/entry-probe" 10 $sig /bin/true; then
		x=(-x "--entry=signal::$sig $B/syscall $SYSCALL_CALLS")
	fi
	measure -n "$REPS" "${x[@]}" -h "getpid getppid" syscall \
		"ns per call: getpid (local in tandem), getppid (direct);
		$SYSCALL_CALLS calls each" \
		-- "$B/syscall" "$SYSCALL_CALLS"
}

# hugetlb_na MIB: empty if MIB MiB of huge pages are free, else why not.
hugetlb_na()
{
	awk -v need=$(($1 * 1024)) '
		/^HugePages_Free:/ { free = $2 }
		/^Hugepagesize:/ { size = $2 }
		END {
			if (free * size >= need)
				exit
			printf "n/a: %d huge pages of %d KiB free, ", free, size
			printf "%d MiB needed (vm.nr_hugepages)", need / 1024
		}' /proc/meminfo
}

bench_mm()
{
	local na

	na=$(hugetlb_na "$MM_MIB")
	measure -n "$HEAVY" -h total \
		-x "MADV_HUGEPAGE::$B/mm --thp $MM_MIB" \
		-x "MAP_HUGETLB::${na:-$B/mm --hugetlb $MM_MIB}" \
		mm "mmap + first touch (a write per 4 KiB) + munmap of $MM_MIB MiB" \
		-- "$B/mm" "$MM_MIB"
}

bench_churn()
{
	local thp_malloc="env GLIBC_TUNABLES=glibc.malloc.hugetlb=1"

	measure -n "$HEAVY" -h time \
		-x "glibc.malloc.hugetlb=1::$thp_malloc $B/churn malloc $CHURN_STEPS" \
		churn_malloc "$CHURN_STEPS blocks of 4 KiB-64 MiB: malloc, touch, free" \
		-- "$B/churn" malloc "$CHURN_STEPS"
	measure -n "$HEAVY" -h time \
		-x "MADV_HUGEPAGE::$B/churn mmap --thp $CHURN_STEPS" \
		churn_mmap "$CHURN_STEPS blocks of 4 KiB-64 MiB: mmap, touch, munmap" \
		-- "$B/churn" mmap "$CHURN_STEPS"
}

# instance_na: empty if this run may reserve a partition for a while, else
# why not.
instance_na()
{
	((EUID == 0)) || { echo "n/a: reserving a partition needs root"; return; }
	((NCPU >= 2)) || { echo "n/a: needs 2 CPUs, one stays Linux's"; return; }
	[[ ! -e /run/tandem/reservation ]] ||
		echo "n/a: a reservation exists already; not touching it"
}

# instance_ready NAME: wait until the instance's pool is all pre-zeroed.
instance_ready()
{
	local i z

	for ((i = 0; i < 600; i++)); do
		z=$("$TANDEM" status --json "$1" 2>/dev/null |
			sed -n 's/.*"zeroing_bytes": *\([0-9]*\).*/\1/p' | head -1)
		[[ $z == 0 ]] && return 0
		sleep 0.1
	done
	return 1
}

# The LWK as it is meant to run: memory reserved from Linux as huge pages
# and zeroed by the instance's daemon before any program asks for it.  The
# same mm program runs natively (on the cores Linux keeps) and on a booted
# instance (on the reserved core), side by side as everywhere else.
bench_instance()
{
	local na name=bench$$ saved=("${TANDEM_OPTS[@]}") cpus_start=$CPUS_AT_START
	local log=$RAW/instance.log reserved=0

	na=$(instance_na)
	if [[ -z $na ]]; then
		"$TANDEM" reserve --cpus $((NCPU - 1)) --mem $((MM_MIB + 128))M \
			--page-size 2m >"$log" 2>&1 && reserved=1 ||
			na="n/a: tandem reserve failed (see $log)"
	fi
	if [[ -z $na ]]; then
		trap '"$TANDEM" shutdown --force >/dev/null 2>&1; "$TANDEM" release >/dev/null 2>&1' EXIT
		"$TANDEM" boot --name "$name" >>"$log" 2>&1 && instance_ready "$name" ||
			na="n/a: tandem boot failed or its pool was not zeroed (see $log)"
	fi
	if [[ -n $na ]]; then
		printf 'mm_instance: %s\n' "$na"
	else
		# Cores moved under this shell's feet: measure from here.
		CPUS_AT_START=$(cpus_allowed)
		TANDEM_OPTS+=(--instance "$name")
		measure -n "$HEAVY" -h total mm_instance \
			"mmap + first touch + munmap of $MM_MIB MiB, tandem on a booted
			instance (a reserved, pre-zeroed pool of 2 MiB pages)" \
			-- "$B/mm" "$MM_MIB"
		TANDEM_OPTS=("${saved[@]}")
		CPUS_AT_START=$cpus_start
	fi
	if [[ $reserved == 1 ]]; then
		"$TANDEM" shutdown "$name" >>"$log" 2>&1
		"$TANDEM" release >>"$log" 2>&1
		trap - EXIT
	fi
}

# Threads pinned one per core, in order, as tandem places them.
BIND="env OMP_PROC_BIND=close OMP_PLACES=cores"

bench_stream()
{
	local args="$STREAM_MIB $STREAM_NTIMES"

	measure -n "$HEAVY" -h triad \
		-x "THP, OMP_PROC_BIND=close::$BIND $B/stream --thp $args" \
		stream "STREAM triad, $OMP_NUM_THREADS OpenMP threads,
		3 arrays of $STREAM_MIB MiB in all" \
		-- "$B/stream" "$STREAM_MIB" "$STREAM_NTIMES"
}

bench_sync()
{
	measure -n "$REPS" -h roundtrip futex \
		"futex ping-pong round trip, two threads pinned on two cores" \
		-- "$B/futex" "$FUTEX_TRIPS"
	measure -n "$REPS" -h create_join pthread \
		"pthread_create + pthread_join, time per pair" \
		-- "$B/pthread" "$PTHREAD_PAIRS"
	measure -n "$HEAVY" -h barrier \
		-x "OMP_PROC_BIND=close::$BIND $B/ompbarrier $BARRIER_OUTER $BARRIER_INNER" \
		omp_barrier "OpenMP barrier overhead (EPCC method), $OMP_NUM_THREADS threads" \
		-- "$B/ompbarrier" "$BARRIER_OUTER" "$BARRIER_INNER"
}

bench_procs()
{
	local loop="n=0; while [ \$n -lt $SHELL_PROCS ]; do /bin/true; n=\$((n + 1)); done"

	measure -n "$REPS" -h fork_wait fork \
		"fork + _exit + waitpid, time per pair" \
		-- "$B/fork" "$FORK_PAIRS"
	measure -n "$REPS" -h fork_wait fork_threads \
		"fork + _exit + waitpid, time per pair, 4 idle threads" \
		-- "$B/fork" "$FORK_PAIRS" 4
	measure -n "$REPS" -w "$B/spawntime" -h wall shell \
		"sh -c: a loop running /bin/true $SHELL_PROCS times, whole process" \
		-- sh -c "$loop"
}

bench_fwq()
{
	# Each run writes its quanta to raw/fwq.VARIANT.dat; the last round's
	# are plotted.
	local nice="nice -n -20 $B/fwq $FWQ_SAMPLES $FWQ_WORK $RAW/fwq.{variant}.dat"

	# The tuned column: the highest CFS priority, which needs root.
	((EUID == 0)) || nice="n/a: nice -n -20 needs root"
	measure -n "$HEAVY" -h "core0_noise core1_noise" \
		-x "nice -n -20::$nice" fwq \
		"fixed work quantum, $FWQ_SAMPLES quanta per core,
		a thread pinned on each of $NCPU cores" \
		-- "$B/fwq" "$FWQ_SAMPLES" "$FWQ_WORK" "$RAW/fwq.{variant}.dat"
}

bench_calls()
{
	local find="find /usr -name '*.h' | wc -l"

	# Warm the page cache and dentries first: round 1 would be cold.
	sh -c "$find" >/dev/null 2>&1
	/usr/bin/python3 -I "$ROOT/bench/progs/imports.py" >/dev/null 2>&1
	measure -n "$HEAVY" -w "$B/spawntime" -h wall find \
		"wall time of sh -c \"$find\"" \
		-- sh -c "$find"
	measure -n "$REPS" -w "$B/spawntime" -h wall python \
		"wall time of python3 importing 50 standard modules" \
		-- /usr/bin/python3 -I "$ROOT/bench/progs/imports.py"
}

bench_proxy()
{
	local saved=("${TANDEM_OPTS[@]}") label="tandem --offload=direct" p d
	local direct="$TANDEM run ${TANDEM_OPTS[*]} --offload=direct --"

	# The tandem column proxies; the direct route takes the tuned column,
	# so tandem/tuned is proxy/direct.
	TANDEM_OPTS+=(--offload=proxy)
	measure -n "$REPS" -h "ikc_roundtrip getppid_median" \
		-x "$label::$direct $B/proxy $PROXY_CALLS" \
		proxy "the proxy route: IKC round trip of an empty call (LWK thread
		to its proxy and back) and getppid through the proxy (tandem
		column) and direct (last column); $PROXY_CALLS calls each" \
		-- "$B/proxy" "$PROXY_CALLS"
	TANDEM_OPTS=("${saved[@]}")
	p=$(median_of proxy getppid_median tandem)
	d=$(median_of proxy getppid_median "$label")
	[[ -n $p && -n $d ]] &&
		derive proxy proxy_vs_direct \
			"$(awk -v a="$p" -v b="$d" 'BEGIN { print a / b }')" x \
			"getppid, median call: through the proxy / direct"
}

bench_hpcc()
{
	local h="$ROOT/bench/hpcc.sh $RAW/hpcc.{variant}"
	local tuned="-x GLIBC_TUNABLES=glibc.malloc.hugetlb=1"

	if ! command -v hpcc >/dev/null || ! command -v mpiexec.openmpi >/dev/null; then
		note "hpcc: skipped: needs hpcc and openmpi-bin (tools/deps.sh installs them)"
		return 0
	fi
	# Each rank a tandem run of its own, as docs/mpi.md launches them.
	measure -n "$HPCC_REPS" -h "HPL StarSTREAM_Triad MPIRandomAccess" \
		-T "$h -- {tandem}" \
		-x "glibc.malloc.hugetlb=1 (THP)::$h $tuned --" \
		hpcc "HPC Challenge summary, 2 MPI ranks (Open MPI, vader),
		tests/data/hpccinf.txt (HPL N=1000)" \
		-- "$ROOT/bench/hpcc.sh" "$RAW/hpcc.{variant}" --
}

# --- report ---------------------------------------------------------------

# headline_summary: the headline ratios, as measure() collected them.
headline_summary()
{
	echo
	echo "headline ratios, tandem/native (medians; time: <1 is better," \
		"MB/s: >1 is better):"
	printf '%s\n' "${HEADLINES[@]}"
}

# host_json: what the figures were measured on.
host_json()
{
	local model thp hp_free hp_size cs
	model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	thp=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
	hp_free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
	hp_size=$(awk '/^Hugepagesize:/ { print $2 }' /proc/meminfo)
	cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
	printf '{"kernel": "%s", "cpu": "%s", "cpus": %d, "cpus_online": %d, ' \
		"$(uname -r)" "${model//\"/}" "$NCPU" "$(nproc --all)"
	printf '"cpus_allowed": "%s", "memory_kib": %d, ' \
		"$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)" \
		"$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
	printf '"thp": "%s", "hugepages_free": %d, "hugepage_kib": %d, ' \
		"$thp" "${hp_free:-0}" "${hp_size:-0}"
	printf '"clocksource": "%s", "loadavg_at_start": "%s"}' "$cs" "$LOAD_AT_START"
}

# write_json FILE: the records as JSON; fields are described in docs/performance.md.
write_json()
{
	local commit
	commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null)
	{
		printf '{\n  "schema": "tandem-bench/1",\n'
		printf '  "generated": "%s",\n  "quick": %s,\n' "$(date -Is)" \
			"$( ((QUICK)) && echo true || echo false)"
		printf '  "git_commit": "%s",\n  "tandem_run_options": "%s",\n' \
			"$commit" "${TANDEM_OPTS[*]}"
		printf '  "omp_num_threads": %d,\n' "$OMP_NUM_THREADS"
		printf '  "host": %s,\n' "$(host_json)"
		awk -F'\t' -f "$ROOT/bench/json.awk" "$BENCHES" "$RECORDS" "$DERIVED"
		printf '}\n'
	} >"$1"
}

ensure_gnuplot()
{
	command -v gnuplot >/dev/null && return 0
	if ((EUID != 0)); then
		note "plots skipped: gnuplot is not installed" \
			"(as root: apt-get install gnuplot-nox)"
		return 1
	fi
	note "installing gnuplot-nox for the plots..."
	if ! apt-get install -y gnuplot-nox >"$RAW/apt.log" 2>&1; then
		apt-get update >>"$RAW/apt.log" 2>&1
		apt-get install -y gnuplot-nox >>"$RAW/apt.log" 2>&1
	fi
	command -v gnuplot >/dev/null && return 0
	note "plots skipped: apt-get install gnuplot-nox failed (see $RAW/apt.log)"
	return 1
}

make_plots()
{
	local made=()

	ensure_gnuplot || return 0
	# Headline ratios: log2 of tandem/native, green where tandem is better.
	awk -F'\t' -f "$ROOT/bench/ratios.awk" "$RECORDS" >"$RAW/ratios.dat"
	if [[ -s $RAW/ratios.dat ]] &&
	   gnuplot -e "datafile='$RAW/ratios.dat'; outfile='$RES/ratios.png'" \
		"$ROOT/bench/ratios.gp" 2>>"$RAW/gnuplot.log"; then
		made+=("$RES/ratios.png")
	fi
	# The last round's quanta; a variant that failed has none.
	local nat=$RAW/fwq.native.dat tan=$RAW/fwq.tandem.dat failed
	[[ -s $nat ]] || nat=''
	failed=$(awk -F'\t' '$1 == "fwq" && $5 == 1 && $8 != "ok"' "$RECORDS")
	[[ -s $tan && -z $failed ]] || tan=''
	if [[ -n $nat$tan ]] &&
	   gnuplot -e "native='$nat'; tandem='$tan'; outfile='$RES/fwq.png'; ncores=$NCPU" \
		"$ROOT/bench/fwq.gp" 2>>"$RAW/gnuplot.log"; then
		made+=("$RES/fwq.png")
	fi
	if ((${#made[@]})); then
		note "plots: ${made[*]}"
	else
		note "no plots made (see $RAW/gnuplot.log)"
	fi
}

# --- main -----------------------------------------------------------------

main()
{
	local b t0

	rm -rf "$RAW"
	mkdir -p "$RAW"
	note "building tandem and the benchmark programs (log: $RAW/build.log)..."
	if ! { make -C "$ROOT" all && make -C "$ROOT" -f bench/Makefile; } \
		>"$RAW/build.log" 2>&1; then
		cat "$RAW/build.log" >&2
		note "bench/run.sh: the build failed (messages above)"
		exit 1
	fi
	if [[ ! -x $TANDEM ]]; then
		note "bench/run.sh: $TANDEM is not an executable;" \
			"run make, or give --tandem PATH"
		exit 1
	fi
	# Measure the build made now, whatever `make` does in the tree later:
	# tandem finds its LWK image next to itself, so copy them together.
	if [[ $TANDEM == "$ROOT/build/tandem" ]]; then
		mkdir -p "$RAW/bin"
		cp -p "$ROOT"/build/tandem* "$RAW/bin/" 2>/dev/null
		TANDEM=$RAW/bin/tandem
	fi
	: >"$RECORDS"
	: >"$BENCHES"
	: >"$DERIVED"
	LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
	CPUS_AT_START=$(cpus_allowed)
	t0=$SECONDS

	{
		printf 'tandem benchmarks%s, %s; %d of %d CPUs (%s), load %s\n' \
			"$( ((QUICK)) && echo ' (quick)')" "$(date '+%Y-%m-%d %H:%M')" \
			"$NCPU" "$(nproc --all)" "$(uname -r)" "$LOAD_AT_START"
		printf 'figures: median [min-max] of the rounds; ratios are of medians\n\n'
		table_header
		for b in $ONLY; do
			"bench_$b"
		done
		headline_summary
		printf '\n%d s in all\n' $((SECONDS - t0))
	} | tee "$RES/latest.txt"

	write_json "$RES/latest.json"
	note "figures: $RES/latest.json, table: $RES/latest.txt"
	((PLOTS)) && make_plots
	return 0
}

main
