# SPDX-License-Identifier: MIT
#
# Helpers for bench/run.sh: run a command natively, under tandem and in any
# extra variants, interleaved, N times; collect the "@NAME VALUE UNIT"
# lines the programs print; compute median, quartiles, min and max; print
# the table and keep the records that become results/latest.json.
#
# Sourced, not run.  Expects ROOT, TANDEM, RAW (per-run output directory),
# RECORDS, BENCHES and DERIVED (record files), REPS and CPUS_AT_START to be
# set, and the array TANDEM_OPTS (options for every `tandem run`).

# Seconds a native run may take before it counts as hung.  A tandem (or
# tuned) run gets TIMEOUT_FACTOR times the native run of its round, at
# least TANDEM_TIMEOUT_MIN and at most TANDEM_TIMEOUT_MAX: slow is not
# hung (the young LWK is 40x slower than Linux at some things), and a hang
# costs one timeout per benchmark, since a failed variant is not run again.
NATIVE_TIMEOUT=600
TIMEOUT_FACTOR=50
TANDEM_TIMEOUT_MIN=${BENCH_TIMEOUT_MIN:-10}
TANDEM_TIMEOUT_MAX=${BENCH_TIMEOUT_MAX:-120}

# Table layout: metric, unit, native, tandem, ratio, tuned, ratio.
ROWFMT='%-20s %-8s %-26s %-26s %8s  %-26s %8s\n'

# note TEXT: progress and remarks go to stderr; stdout has only the table.
note()
{
	printf '%s\n' "$*" >&2
}

# progress TEXT: an updating status line on a terminal, nothing elsewhere.
progress()
{
	[[ -t 2 ]] && printf '\r%-60s\r%s' '' "$*" >&2
	return 0
}

# fmt NUMBER: 3-4 significant figures, no exponent for ordinary values.
fmt()
{
	awk -v x="$1" 'BEGIN {
		a = x < 0 ? -x : x
		if (a >= 1000) printf "%.0f", x
		else if (a >= 100) printf "%.1f", x
		else if (a >= 1) printf "%.2f", x
		else printf "%.3g", x
	}'
}

# stats VALUE...: prints "n median min max q1 q3" (quartiles interpolated
# linearly between the sorted values).
stats()
{
	printf '%s\n' "$@" | sort -g | awk '
		{ v[NR] = $1 }
		function q(p,   h, i) {
			h = (NR - 1) * p + 1; i = int(h)
			return i >= NR ? v[NR] : v[i] + (h - i) * (v[i + 1] - v[i])
		}
		END { printf "%d %.6g %.6g %.6g %.6g %.6g\n",
			NR, q(0.5), v[1], v[NR], q(0.25), q(0.75) }'
}

# ratio A B: A/B formatted as "1.23x", or "-" when either is missing.
ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "" || b == "" || b + 0 == 0) { print "-"; exit }
		r = a / b
		printf (r >= 1000 ? "%.0fx" : r >= 0.1 ? "%.2fx" : "%.3gx"), r
	}'
}

# table_header: the column titles, once at the top of the table.
table_header()
{
	printf "$ROWFMT" "benchmark / metric" "unit" "native: median [min-max]" \
		"tandem: median [min-max]" "tandem/" "tuned Linux" "tandem/"
	printf "$ROWFMT" "" "" "" "" "native" "" "tuned"
	printf '%s\n' "$(printf '%.0s-' {1..128})"
}

# run_one FILE-STEM TIMEOUT CMD...: run CMD once under `timeout`, stdout
# in STEM.out, stderr in STEM.err.  Returns CMD's status; sets RUN_SECS
# to the wall time in seconds.
#
# CMD runs in a process group of its own, which is killed (SIGKILL) when
# the run ends: a program that ignores timeout's SIGTERM, or a child left
# behind by a crashed run, must not outlive its round.
run_one()
{
	local stem=$1 tmo=$2 t0 pid st
	shift 2

	t0=$EPOCHREALTIME
	setsid timeout -k 5 "$tmo" "$@" >"$stem.out" 2>"$stem.err" </dev/null &
	pid=$!
	# The braces keep bash's "Segmentation fault" remarks off the terminal.
	{ wait "$pid"; } 2>/dev/null
	st=$?
	kill -KILL -- -"$pid" 2>/dev/null
	RUN_SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
	return $st
}

# why_failed STATUS TIMEOUT: a few words on a non-zero status.
why_failed()
{
	local sig

	if (($1 == 124 || $1 == 137)); then
		printf 'status %s: timed out after %s s' "$1" "$2"
	elif (($1 > 128)); then
		sig=$(kill -l $(($1 - 128)) 2>/dev/null) || sig=$(($1 - 128))
		printf 'status %s: killed by signal %s' "$1" "$sig"
	else
		printf 'status %s' "$1"
	fi
}

# short_status STATUS: a failure in a few words, for a table cell (the
# whole status is printed under the benchmark).
short_status()
{
	case $1 in
	n/a*) echo n/a ;;
	*"(status "[0-9]*) echo "FAILED (status $(sed 's/.*(status \([0-9]*\).*/\1/' <<<"$1"))" ;;
	*"output differs"*) echo "FAILED (wrong output)" ;;
	*) echo "$1" ;;
	esac
}

# output_of STEM: the run's output lines that are not results.
output_of()
{
	grep -v '^@' "$1.out"
}

# measure [-n REPS] [-w WRAPPER] [-x 'LABEL::CMD ARGS'] [-h METRICS]
#         [-T 'CMD ARGS'] NAME TITLE -- CMD [ARGS...]
#
# Runs CMD natively and `tandem run -- CMD` in turn, REPS rounds (native
# first in each round), plus each -x variant (a tuned Linux: a command of
# plain words, no quoting; "LABEL::n/a: why" is shown and not run).
# -T gives the tandem variant's command instead, in plain words, where
# {tandem} stands for `tandem run OPTIONS --` (e.g. inside an mpiexec line).
# WRAPPER (words) goes in front of every variant, e.g. build/bench/spawntime
# to time a whole process.  In the arguments, {variant} becomes the
# variant's name (native, tandem, x1, x2...), so runs can write files of
# their own.  -h names the metrics that go into the headline summary.
#
# A variant that fails (non-zero status, timeout, or output other than the
# native run's) is reported as FAILED with its status and not run again.
measure()
{
	local reps=$REPS wrapper=() extras=() headline='' opt OPTIND=1
	local name title nvar v r i st tmo stem m val unit metric vname who
	local tandem_cmd=''
	local native_secs=1 cpus_before cpus_now cpu_note
	local -a label status cmd
	local -A vals units seen

	while getopts n:w:x:h:T: opt; do
		case $opt in
		T) tandem_cmd=$OPTARG ;;
		n) reps=$OPTARG ;;
		w) read -ra wrapper <<<"$OPTARG" ;;
		x) extras+=("$OPTARG") ;;
		h) headline=$OPTARG ;;
		*) note "measure: bad option"; return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	# The title may be written over several lines.
	name=$1 title=$(printf '%s' "$2" | tr -s ' \t\n' '   ')
	shift 2
	[[ ${1:-} == -- ]] && shift

	label=(native tandem)
	status=(ok ok)
	for ((i = 0; i < ${#extras[@]}; i++)); do
		label+=("${extras[i]%%::*}")
		case ${extras[i]#*::} in
		n/a*) status+=("${extras[i]#*::}") ;;
		*) status+=(ok) ;;
		esac
	done
	nvar=${#label[@]}
	cpus_before=$(cpus_allowed)

	for ((r = 1; r <= reps; r++)); do
		progress "  $name: round $r/$reps"
		for ((v = 0; v < nvar; v++)); do
			[[ ${status[v]} == ok ]] || continue
			case $v in
			0) cmd=("$@") ;;
			1)
				if [[ -n $tandem_cmd ]]; then
					read -ra cmd <<<"${tandem_cmd//\{tandem\}/$TANDEM run ${TANDEM_OPTS[*]} --}"
				else
					cmd=("$TANDEM" run "${TANDEM_OPTS[@]}" -- "$@")
				fi
				;;
			*) read -ra cmd <<<"${extras[v - 2]#*::}" ;;
			esac
			vname=${label[v]}
			((v >= 2)) && vname=x$((v - 1))
			cmd=("${wrapper[@]}" "${cmd[@]//\{variant\}/$vname}")
			stem=$RAW/$name.$vname.$r

			if ((v == 0)); then
				tmo=$NATIVE_TIMEOUT
			else
				tmo=$(awk -v s="$native_secs" -v f=$TIMEOUT_FACTOR \
					-v lo=$TANDEM_TIMEOUT_MIN -v hi=$TANDEM_TIMEOUT_MAX \
					'BEGIN { t = int(s * f); t = t < lo ? lo : t
					  print (t > hi ? hi : t) }')
			fi
			run_one "$stem" "$tmo" "${cmd[@]}"
			st=$?
			((v == 0)) && native_secs=$RUN_SECS

			case $v in
			0) who=' natively' ;;
			1) who=' under tandem' ;;
			*) who='' ;;
			esac
			if ((st != 0)); then
				status[v]="FAILED$who ($(why_failed $st $tmo))"
			elif ((v > 0)) && [[ ${status[0]} == ok ]] &&
			     ! cmp -s <(output_of "$stem") \
				<(output_of "$RAW/$name.native.$r"); then
				status[v]="FAILED$who (output differs from native:"
				status[v]+=" diff $RAW/$name.native.$r.out $stem.out)"
			fi
			if [[ ${status[v]} != ok ]]; then
				progress ''
				note "  $name: ${label[v]}: ${status[v]}"
				note "    command: ${cmd[*]}"
				sed -n '1,5s/^/    | /p' "$stem.err" >&2
				continue
			fi

			while read -r m val unit; do
				metric=${m#@}
				if [[ -z ${seen[$metric]:-} ]]; then
					seen[$metric]=1
					METRIC_ORDER+=("$metric")
				fi
				units[$metric]=$unit
				vals[$metric,$v]+="$val "
			done < <(grep '^@' "$stem.out")
		done
	done
	progress ''

	# Someone reserving cores (a cpuset) in the middle changes the figures.
	cpus_now=$(cpus_allowed)
	cpu_note=''
	[[ $cpus_before == "$CPUS_AT_START" && $cpus_now == "$CPUS_AT_START" ]] ||
		cpu_note="CPUs allowed changed during the runs: $CPUS_AT_START at the start, $cpus_before before, $cpus_now after"
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$title" "$reps" \
		"${wrapper[*]} $*" "$cpu_note" >>"$BENCHES"

	print_bench
}

# cpus_allowed: the CPU list this shell may run on now.
cpus_allowed()
{
	awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status
}

# print_bench: (inside measure) the table block of one benchmark and its
# records.  Uses measure's locals: name title label status vals units
# headline, and the METRIC_ORDER it filled.
print_bench()
{
	local metric unit better v i cells=() meds=() st n med min max q1 q3
	local line h

	printf '%s: %s\n' "$name" "$title"
	for ((v = 2; v < nvar; v++)); do
		if ((v == 2)); then
			printf '    tuned Linux: %s\n' "${label[v]}"
		elif [[ ${status[v]} != n/a* ]]; then
			printf '    tuned Linux (row below): %s\n' "${label[v]}"
		fi
	done
	[[ ${#METRIC_ORDER[@]} -gt 0 ]] || METRIC_ORDER=(run)

	for metric in "${METRIC_ORDER[@]}"; do
		unit=${units[$metric]:-}
		better=lower
		[[ $unit == */s ]] && better=higher
		h=0
		[[ " $headline " == *" $metric "* ]] && h=1
		for ((v = 0; v < nvar; v++)); do
			st=${status[v]}
			cells[v]=$(short_status "$st") meds[v]=''
			if [[ $st == ok && -n ${vals[$metric,$v]:-} ]]; then
				# shellcheck disable=SC2086
				read -r n med min max q1 q3 <<<"$(stats ${vals[$metric,$v]})"
				cells[v]="$(fmt "$med") [$(fmt "$min")-$(fmt "$max")]"
				meds[v]=$med
				MEDIAN[$name/$metric/${label[v]}]=$med
			elif [[ $st == ok ]]; then
				st="no result"
				cells[v]=$st
			fi
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" \
				"$metric" "$unit" "$better" "$v" "${label[v]}" "$h" "$st" \
				"${vals[$metric,$v]:-}" >>"$RECORDS"
		done

		if ((h)); then
			st=$(ratio "${meds[1]}" "${meds[0]}")
			[[ ${status[1]} == ok ]] || st=${status[1]}
			[[ ${status[0]} == ok ]] || st=${status[0]}
			HEADLINES+=("$(printf '  %-26s %-8s %s' "$name/$metric" "$unit" "$st")")
		fi
		line=$(printf "$ROWFMT" "  $metric" "$unit" "${cells[0]}" \
			"${cells[1]}" "$(ratio "${meds[1]}" "${meds[0]}")" \
			"${cells[2]:-}" "$( ((nvar > 2)) && ratio "${meds[1]}" "${meds[2]}")")
		printf '%s\n' "${line%"${line##*[! ]}"}"
		for ((v = 3; v < nvar; v++)); do
			[[ ${status[v]} == n/a* ]] && continue
			line=$(printf "$ROWFMT" "    (${label[v]})" "$unit" "" "" "" \
				"${cells[v]}" "$(ratio "${meds[1]}" "${meds[v]}")")
			printf '%s\n' "${line%"${line##*[! ]}"}"
		done
	done
	for ((v = 0; v < nvar; v++)); do
		[[ ${status[v]} == ok ]] ||
			printf '    %s: %s\n' "${label[v]}" "${status[v]}"
	done
	[[ -z $cpu_note ]] || printf '    warning: %s\n' "$cpu_note"
	METRIC_ORDER=()
}

# derive NAME METRIC VALUE UNIT TEXT: a figure computed from others (such
# as tandem's start-up cost in ms); shown under its benchmark, kept in JSON.
derive()
{
	printf '    %s: %s %s (%s)\n' "$2" "$(fmt "$3")" "$4" "$5"
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$DERIVED"
}

# median_of NAME METRIC VARIANT-LABEL: a median measure() recorded, or "".
median_of()
{
	printf '%s' "${MEDIAN[$1/$2/$3]:-}"
}

declare -A MEDIAN
METRIC_ORDER=()
HEADLINES=()
