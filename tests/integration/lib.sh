# SPDX-License-Identifier: MIT
#
# Helpers for tandem's integration cases, and the setup every suite script
# (run.sh, mm.sh, procfs.sh, fastentry.sh, partition.sh) shares when it
# runs on its own; sourced, never run.
#
# A case is a shell function run by tcase in its own subshell, with its own
# directory $CASE_DIR (outputs) and an empty working directory $CASE_DIR/cwd.
# It returns 0 to pass, 77 after calling skip, anything else to fail; what it
# prints is shown only when it fails, so it should print why.
#
# Globals set by suite_init and suite_begin: TANDEM (path, or "native"),
# RUN_OPTS (array, from TANDEM_RUN_OPTS), FILTER, WORK (suite temp dir),
# PROGS (C sources), TIMEOUT (seconds per command).

PASSED=0
FAILED=0
SKIPPED=0

# ---- a suite script run on its own -------------------------------------------
#
# run.sh, mm.sh, procfs.sh, fastentry.sh and partition.sh each run on their
# own with the same options and the same setup; these functions are that
# setup, in the order a script calls them (suite_main calls them all).

# suite_usage SCRIPT STATUS: print SCRIPT's header comment from "usage:" to
# the first line that is not a comment; exit with STATUS.
suite_usage()
{
	awk '/^# usage:/ { on = 1 } on && !/^#/ { exit } on { sub(/^# ?/, ""); print }' \
		"$1"
	exit "$2"
}

# suite_init SCRIPT [ARGS...]: parse the options every suite takes
# (--tandem, --filter, --list, --keep, --no-summary, --help) into TANDEM,
# FILTER, LIST, KEEP and SUMMARY, and set ROOT, PROGS, TIMEOUT and RUN_OPTS
# (TANDEM_RUN_OPTS).  Exits 2, with SCRIPT's usage, on a bad option.
suite_init()
{
	local script=$1 name=${1##*/}
	shift

	ROOT=$(cd "$(dirname "$script")/../.." && pwd)
	PROGS=$ROOT/tests/progs
	TANDEM=$ROOT/build/tandem
	FILTER='*' LIST=0 KEEP=0 SUMMARY=1
	TIMEOUT=${TANDEM_TEST_TIMEOUT:-60}
	if [[ ! $TIMEOUT =~ ^[1-9][0-9]*$ ]]; then
		echo "$name: TANDEM_TEST_TIMEOUT must be a number of seconds, not '$TIMEOUT'" >&2
		exit 2
	fi
	read -r -a RUN_OPTS <<<"${TANDEM_RUN_OPTS:-}"

	while (($#)); do
		case $1 in
		--tandem | --filter)
			(($# >= 2)) || suite_usage "$script" 2 >&2
			[[ $1 == --tandem ]] && TANDEM=$2 || FILTER=$2
			shift 2 ;;
		--tandem=*) TANDEM=${1#*=}; shift ;;
		--filter=*) FILTER=${1#*=}; shift ;;
		--list) LIST=1; shift ;;
		--keep) KEEP=1; shift ;;
		--no-summary) SUMMARY=0; shift ;;
		-h | --help) suite_usage "$script" 0 ;;
		*)
			echo "$name: unknown option $1" >&2
			suite_usage "$script" 2 >&2 ;;
		esac
	done
	if [[ $TANDEM != native && $TANDEM != /* ]]; then
		TANDEM=$PWD/$TANDEM
	fi
}

# suite_begin NAME: the suite's temporary directory WORK (removed at the
# end unless --keep), and the same conditions for every case, whoever runs
# the suite: C collation for sort and grep, no core files (the soft limit:
# a case about core dumps raises it for itself), a known umask.  A suite
# that must clean up more sets its own EXIT trap after this and calls
# suite_cleanup from it.
suite_begin()
{
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/tandem-$1.XXXXXX") || exit 1
	# Die of the signal that stopped us, so whoever ran us stops as well.
	trap suite_cleanup EXIT
	trap 'suite_cleanup; trap - EXIT INT; kill -INT $$' INT
	trap 'suite_cleanup; trap - EXIT TERM; kill -TERM $$' TERM

	export LC_ALL=C
	unset LANGUAGE
	ulimit -S -c 0
	umask 022
}

suite_cleanup()
{
	if [[ $KEEP == 1 ]]; then
		echo "# kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}

# suite_end: the summary line (unless --no-summary, where an empty
# selection is the caller's call); the suite's exit status.
suite_end()
{
	if [[ $SUMMARY == 1 ]]; then
		echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
		((PASSED + SKIPPED + FAILED > 0)) || return 1
	fi
	((FAILED == 0))
}

# suite_main SCRIPT NAME CASES [ARGS...]: a suite script run on its own:
# take its options from ARGS (suite_init), then list the cases that the
# function CASES registers (--list) or run them as suite NAME; the suite's
# exit status.  No local variables: the cases run inside this function,
# and bash would show its locals to them.
suite_main()
{
	suite_init "$1" "${@:4}"
	if [[ $LIST == 1 ]]; then
		"$3"
		exit 0
	fi
	suite_begin "$2"
	"$3"
	suite_end
}

# tcase NAME FUNC [ARGS...]: run FUNC ARGS in a subshell as the case NAME,
# if NAME matches the filter, and print its one result line.
tcase()
{
	local name=$1 dir rc line
	shift

	# shellcheck disable=SC2053 # a glob on purpose
	[[ $name == $FILTER ]] || return 0
	if [[ $LIST == 1 ]]; then
		echo "$name"
		return 0
	fi

	dir=$WORK/cases/${name//\//_}
	mkdir -p "$dir/cwd"
	(
		CASE_DIR=$dir
		cd "$dir/cwd" || exit 1
		"$@"
	) >"$dir/log" 2>&1 </dev/null
	rc=$?

	case $rc in
	0)
		echo "ok $name"
		PASSED=$((PASSED + 1))
		;;
	77)
		echo "skip $name: $(head -n 1 "$dir/skip")"
		SKIPPED=$((SKIPPED + 1))
		;;
	*)
		if [[ -s $dir/log ]]; then
			IFS= read -r line <"$dir/log"
			echo "FAIL $name: $line"
			tail -n +2 "$dir/log" | head -n 60 | cut -c 1-240 |
				sed 's/^/    /'
		else
			echo "FAIL $name: case returned $rc and said nothing"
		fi
		FAILED=$((FAILED + 1))
		;;
	esac
}

# skip REASON: end the current case as skipped.
skip()
{
	echo "$*" >"$CASE_DIR/skip"
	exit 77
}

# need_hugepages MIB: at least MIB MiB of 2 MiB huge pages free for the
# rest of the case.  As root, raises vm.nr_hugepages by what is missing and
# puts it back when the case's subshell exits; skips otherwise, or when
# Linux cannot find the memory.
need_hugepages()
{
	local want=$((($1 + 1) / 2)) free total

	free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
	((free >= want)) && return 0
	[[ $(id -u) == 0 ]] ||
		skip "needs $1 MiB of free 2 MiB pages (vm.nr_hugepages, or root to make them)"
	total=$(</proc/sys/vm/nr_hugepages)
	# shellcheck disable=SC2064 # the value now, on purpose
	trap "echo $total >/proc/sys/vm/nr_hugepages" EXIT
	echo $((total + want - free)) >/proc/sys/vm/nr_hugepages
	free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
	((free >= want)) ||
		skip "Linux made only $free of the $want huge pages of 2 MiB asked for"
}

# prog NAME: print the path of test program NAME, building it from
# $PROGS on first use. Variants: NAME-static, NAME-pie, NAME-nopie,
# NAME-omp (OpenMP, -fopenmp).
prog()
{
	local name=$1 src flags=()
	local out=$WORK/bin/$name

	if [[ -x $out ]]; then
		echo "$out"
		return 0
	fi
	case $name in
	*-static) src=${name%-static} flags=(-static) ;;
	*-nopie) src=${name%-nopie} flags=(-fno-pie -no-pie) ;;
	*-pie) src=${name%-pie} flags=(-fPIE -pie) ;;
	*-omp) src=${name%-omp} flags=(-fopenmp) ;;
	*) src=$name ;;
	esac

	mkdir -p "$WORK/bin"
	if ! ${CC:-cc} -O2 -g -Wall -Wextra "${flags[@]}" -pthread \
		-o "$out.tmp" "$PROGS/$src.c" >"$out.log" 2>&1; then
		if [[ ${flags[0]:-} == -static ]] &&
			! ${CC:-cc} -print-file-name=libc.a | grep -q /; then
			skip "no static C library (libc.a; Debian: libc6-dev)"
		fi
		if [[ ${flags[0]:-} == -fopenmp ]] &&
			! ${CC:-cc} -print-file-name=libgomp.so | grep -q /; then
			skip "no OpenMP runtime (libgomp; Debian: libgomp1 and gcc)"
		fi
		echo "building $name from $PROGS/$src.c failed:" >&2
		cat "$out.log" >&2
		return 1
	fi
	mv "$out.tmp" "$out"
	echo "$out"
}

# data_file NAME SEED BYTES: print the path of a generated text file,
# making it on first use (the same arguments always give the same bytes).
data_file()
{
	local out=$WORK/data/$1 gen

	if [[ ! -f $out ]]; then
		gen=$(prog gen) || return
		mkdir -p "$WORK/data"
		"$gen" "$2" "$3" >"$out.tmp" && mv "$out.tmp" "$out" || return 1
	fi
	echo "$out"
}

# need_cmd CMD PACKAGE: skip the case when the command CMD is missing
# (tools/deps.sh installs the Debian PACKAGE that has it). In CI (CI=true)
# deps.sh has run, so a missing command there fails the case instead: a
# case CI skips would prove nothing.
need_cmd()
{
	command -v "$1" >/dev/null 2>&1 && return 0
	if [[ ${CI:-} == true ]]; then
		echo "$1 is missing in CI: tools/deps.sh should have installed Debian's $2"
		exit 1
	fi
	skip "$1 is not installed (Debian: $2; tools/deps.sh installs it)"
}

need_tandem()
{
	if [[ $TANDEM == native ]]; then
		skip "tandem-only case: needs a real tandem (--tandem native)"
	fi
	if [[ ! -x $TANDEM ]]; then
		echo "no tandem binary at $TANDEM (build it with make, or pass --tandem)"
		return 1
	fi
}

# Run one side of a comparison. Fills $CASE_DIR/SIDE.out, .err, .status
# (as a shell reports it), .how ("exit N", "signal N", "signal N core" or
# "timeout N", from waitrun) and .launcher (waitrun's own messages).
# Options come from compare (globals C_*).
run_side()
{
	local side=$1 runner
	shift
	local d=$CASE_DIR

	runner=$(prog waitrun) || return
	local ropts=()
	[[ -z ${C_SIGNAL:-} ]] || ropts=(--signal-on-output "$C_SIGNAL")
	rm -f "$d/$side.how"
	(
		umask "$C_UMASK"
		cd "$C_CWD" || exit 1
		if [[ -n $C_PIPE ]]; then
			# shellcheck disable=SC2002 # stdin must be a pipe
			cat "$C_PIPE" | "$runner" "${ropts[@]}" "$TIMEOUT" \
				"$d/$side.how" "$d/$side.err" "$@" \
				>"$d/$side.out" 2>"$d/$side.launcher"
			exit "${PIPESTATUS[1]}"
		fi
		exec "$runner" "${ropts[@]}" "$TIMEOUT" "$d/$side.how" \
			"$d/$side.err" "$@" \
			<"$C_STDIN" >"$d/$side.out" 2>"$d/$side.launcher"
	)
	echo "$?" >"$d/$side.status"
	[[ -s $d/$side.how ]] || echo "none" >"$d/$side.how"
}

# describe_how FILE: the .how of a run, in words.
describe_how()
{
	local how n core

	read -r how n core <"$1"
	case $how in
	exit) echo "exit status $n" ;;
	signal) echo "killed by SIG$(kill -l "$n" 2>/dev/null)${core:+ (core dumped)} (shell status $((128 + n)))" ;;
	timeout) echo "still running after ${n}s, killed" ;;
	*) echo "no status (the launcher failed)" ;;
	esac
}

# show_diff WHAT NATIVE TANDEM: print a short diff of two output files.
show_diff()
{
	echo "$1 differs (- native, + tandem):"
	cmp "$2" "$3" 2>&1 | sed "s|$CASE_DIR/||g; s/^/  /"
	timeout 20 diff -u --label native --label tandem "$2" "$3" |
		head -n 24 | cut -c 1-200 | sed 's/^/  /'
}

# only_volatile REGEX: do all differing stdout lines match REGEX?
only_volatile()
{
	local d=$CASE_DIR

	diff "$d/native.cmp" "$d/tandem.cmp" | grep '^[<>]' |
		grep -qvE "$1" && return 1
	return 0
}

# normalize SIDE SED: make SIDE.cmp, the stdout that is compared.
normalize()
{
	if [[ -n $2 ]]; then
		sed -E "$2" "$CASE_DIR/$1.out" >"$CASE_DIR/$1.cmp"
	else
		ln -f "$CASE_DIR/$1.out" "$CASE_DIR/$1.cmp"
	fi
}

# compare [OPTIONS] -- CMD [ARGS...]
# Run CMD natively and as `tandem run $RUN_OPTS -- CMD ARGS` with the same
# stdin, cwd, umask and environment; pass when stdout, stderr and the way
# the command ended are identical: the same exit status, or death by the
# same signal (a shell shows both as 128+N; waitrun tells them apart).
#   --stdin FILE        stdin from FILE (default /dev/null)
#   --pipe FILE         stdin is a pipe fed from FILE by cat
#   --env K=V           run with exactly these variables (repeatable, env -i)
#   --umask MASK        umask for the program (default 022)
#   --cwd DIR           working directory (default the case's empty dir)
#   --native-status N   sanity: the native run must exit with N
#   --native-has TEXT   sanity: the native stdout must contain TEXT
#   --normalize SED     compare stdout after this sed -E script (for output
#                       that shows the state of the machine, not tandem's)
#   --retry-if-only RE  rerun (up to 3 times) when the only stdout lines that
#                       differ match RE (the machine changed in between)
#   --launcher WORDS    start CMD through a launcher (WORDS split on spaces):
#                       natively `WORDS CMD ARGS`, under tandem `WORDS tandem
#                       run $RUN_OPTS -- CMD ARGS`, as `mpiexec -n 2 tandem
#                       run ./app` does
#   --signal-on-output SIG  send signal SIG (a number) to the command from
#                       outside, 200 ms after it first writes to stdout
# How the command ended includes the core-dump bit (see run_side).
compare()
{
	local d=$CASE_DIR env_on=0 envs=() want_status='' want_text=()
	local retry_re='' norm='' attempt ns bad tcmd t launcher=()
	C_STDIN=/dev/null C_PIPE='' C_UMASK=022 C_CWD=$CASE_DIR/cwd C_SIGNAL=''

	while (($#)); do
		case $1 in
		--stdin) C_STDIN=$2; shift 2 ;;
		--pipe) C_PIPE=$2; shift 2 ;;
		--env) env_on=1; envs+=("$2"); shift 2 ;;
		--umask) C_UMASK=$2; shift 2 ;;
		--cwd) C_CWD=$2; shift 2 ;;
		--native-status) want_status=$2; shift 2 ;;
		--native-has) want_text+=("$2"); shift 2 ;;
		--retry-if-only) retry_re=$2; shift 2 ;;
		--normalize) norm=$2; shift 2 ;;
		--launcher) read -r -a launcher <<<"$2"; shift 2 ;;
		--signal-on-output) C_SIGNAL=$2; shift 2 ;;
		--) shift; break ;;
		*) echo "compare: unknown option $1"; return 1 ;;
		esac
	done

	if [[ $TANDEM == native ]]; then
		tcmd=("$@")
	else
		if [[ ! -x $TANDEM ]]; then
			echo "no tandem binary at $TANDEM (build it with make, or pass --tandem)"
			return 1
		fi
		tcmd=("$TANDEM" run "${RUN_OPTS[@]}" -- "$@")
	fi
	if ((${#launcher[@]})); then
		set -- "${launcher[@]}" "$@"
		tcmd=("${launcher[@]}" "${tcmd[@]}")
	fi
	if ((env_on)); then
		set -- env -i "${envs[@]}" "$@"
		tcmd=(env -i "${envs[@]}" "${tcmd[@]}")
	fi

	for attempt in 1 2 3; do
		run_side native "$@" || return
		run_side tandem "${tcmd[@]}" || return
		normalize native "$norm"
		normalize tandem "$norm"
		if [[ -n $retry_re ]] &&
			cmp -s "$d/native.err" "$d/tandem.err" &&
			cmp -s "$d/native.how" "$d/tandem.how" &&
			! cmp -s "$d/native.cmp" "$d/tandem.cmp" &&
			only_volatile "$retry_re" && ((attempt < 3)); then
			echo "attempt $attempt: only volatile lines differ, retrying"
			continue
		fi
		break
	done

	ns=$(<"$d/native.status")
	bad=0
	if grep -q '^timeout' "$d/native.how"; then
		echo "native run timed out after ${TIMEOUT}s: the test itself is broken"
		return 1
	fi
	if grep -q '^timeout' "$d/tandem.how"; then
		echo "timed out after ${TIMEOUT}s under tandem (natively it ended)"
		bad=1
	fi
	if grep -qv 'killed after' "$d/native.launcher"; then
		echo "native launcher said:"
		sed 's/^/  /' "$d/native.launcher"
	fi
	if grep -qv 'killed after' "$d/tandem.launcher"; then
		echo "tandem-side launcher said:"
		sed 's/^/  /' "$d/tandem.launcher"
	fi
	if [[ -n $want_status && $ns != "$want_status" ]]; then
		echo "native run: $(describe_how "$d/native.how"), the test expects $want_status: the test itself is broken"
		sed 's/^/  native stderr: /' "$d/native.err" | head -n 5
		return 1
	fi
	for t in "${want_text[@]}"; do
		if ! grep -qF -- "$t" "$d/native.cmp"; then
			echo "native stdout lacks '$t': the test itself is broken"
			return 1
		fi
	done
	if ! cmp -s "$d/native.how" "$d/tandem.how"; then
		echo "native: $(describe_how "$d/native.how"); tandem: $(describe_how "$d/tandem.how")"
		bad=1
	fi
	if ! cmp -s "$d/native.cmp" "$d/tandem.cmp"; then
		show_diff stdout "$d/native.cmp" "$d/tandem.cmp"
		bad=1
	fi
	if ! cmp -s "$d/native.err" "$d/tandem.err"; then
		show_diff stderr "$d/native.err" "$d/tandem.err"
		bad=1
	fi
	return $bad
}

# compare_prog NAME [OPTIONS] [-- ARGS...]: build test program NAME (see
# prog) and compare it, run with ARGS, natively and under tandem: compare
# [OPTIONS] -- PROGRAM [ARGS...].  No option may be "--".
compare_prog()
{
	local name=$1 p opts=()

	shift
	while (($#)) && [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	(($#)) && shift
	p=$(prog "$name") || return
	compare "${opts[@]}" -- "$p" "$@"
}

# expect_tandem STATUS [CHECKS] -- ARGS...
# Run `tandem ARGS` alone (stdin /dev/null, stdout and stderr kept apart) and
# require exit status STATUS, an empty stdout and a stderr that passes every
# check. A status >= 128 is reported as a crash.
#   --stderr-is TEXT     stderr is exactly TEXT and a newline
#   --stderr-has TEXT    stderr contains TEXT (fixed string)
#   --stderr-match ERE   stderr has a line matching ERE (case-insensitive)
expect_tandem()
{
	local want=$1 checks=() d=$CASE_DIR bad=0 i runner
	shift
	while (($#)) && [[ $1 != -- ]]; do
		checks+=("$1" "$2")
		shift 2
	done
	shift

	need_tandem || return 1
	runner=$(prog waitrun) || return
	(
		cd "$CASE_DIR/cwd" || exit 1
		exec "$runner" "$TIMEOUT" "$d/tandem.how" "$d/tandem.err" \
			"$TANDEM" "$@" \
			</dev/null >"$d/tandem.out" 2>"$d/tandem.launcher"
	)
	if grep -q '^timeout' "$d/tandem.how" 2>/dev/null; then
		echo "tandem $* timed out after ${TIMEOUT}s (expected status $want)"
		return 1
	fi
	if [[ ! -s $d/tandem.how ]] || grep -qv 'killed after' "$d/tandem.launcher"; then
		echo "the launcher failed:"
		sed 's/^/  /' "$d/tandem.launcher"
		return 1
	fi
	if [[ $(<"$d/tandem.how") != "exit $want" ]]; then
		if [[ $(<"$d/tandem.how") == signal* ]]; then
			echo "tandem crashed: $(describe_how "$d/tandem.how"), expected exit status $want"
		else
			echo "$(describe_how "$d/tandem.how"), expected $want"
		fi
		bad=1
	fi
	if [[ -s $d/tandem.out ]]; then
		echo "stdout should be empty (errors go to stderr), got:"
		head -n 5 "$d/tandem.out" | sed 's/^/  /'
		bad=1
	fi
	for ((i = 0; i < ${#checks[@]}; i += 2)); do
		local how=${checks[i]} text=${checks[i + 1]}

		case $how in
		--stderr-is)
			if ! printf '%s\n' "$text" | cmp -s - "$d/tandem.err"; then
				echo "stderr should be exactly: $text"
				bad=1
			fi
			;;
		--stderr-has)
			if ! grep -qF -- "$text" "$d/tandem.err"; then
				echo "stderr should contain: $text"
				bad=1
			fi
			;;
		--stderr-match)
			if ! grep -qiE -- "$text" "$d/tandem.err"; then
				echo "stderr should match /$text/"
				bad=1
			fi
			;;
		*)
			echo "expect_tandem: unknown check $how"
			return 1
			;;
		esac
	done
	if ((bad)); then
		echo "command: tandem $*"
		echo "stderr was:"
		head -n 10 "$d/tandem.err" | cut -c 1-200 | sed 's/^/  /'
	fi
	return $bad
}
