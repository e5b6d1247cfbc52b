#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Integration cases for the fast system-call entry (docs/fast-entry.md).
#
# run/fastentry-*   programs compared natively and under tandem run
#                   $TANDEM_RUN_OPTS, so they follow --entry when the suite
#                   runs with --entry=signal or --entry=rewrite;
# entry/*           what --entry chooses and what --stats says about it
#                   (need a real tandem);
# cli/entry-*       bad --entry values.
#
# Sourced by tests/integration/run.sh (after lib.sh), it defines
# fastentry_cases, which registers the cases with tcase.  Run on its own,
# it takes run.sh's options and environment (TANDEM_RUN_OPTS,
# TANDEM_TEST_TIMEOUT, CC):
#
# usage: tests/integration/fastentry.sh [--tandem PATH|native] [--filter GLOB]
#                                       [--list] [--keep] [--no-summary]

# fastentry_dso NR: the test library built with -DNR=NR, built once.
fastentry_dso()
{
	local out=$WORK/bin/libfastentry$1.so

	if [[ ! -f $out ]]; then
		mkdir -p "$WORK/bin"
		if ! ${CC:-cc} -O2 -g -shared -fPIC -DNR="$1" -o "$out.tmp" \
			"$PROGS/fastentry_dso.c" >"$out.log" 2>&1; then
			echo "building $out from $PROGS/fastentry_dso.c failed:"
			cat "$out.log"
			return 1
		fi
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

case_fastentry_prog()
{
	local p

	p=$(prog "fastentry_$1") || return
	compare --native-status 0 -- "$p"
}

case_fastentry_dlopen()
{
	local p a b

	p=$(prog fastentry_dlopen) || return
	a=$(fastentry_dso 39) || return
	b=$(fastentry_dso 110) || return
	compare --native-status 0 --native-has 'in the library: 0' \
		-- "$p" "$a" "$b" 300
}

# fastentry_stats OPTIONS... -- CMD...: run tandem with --stats=json and
# print the "entry" object of the summary, e.g.
#   "mode":"rewrite","sites":12,"sites_kept":3,"fast_calls":90,"signal_calls":9
fastentry_stats()
{
	local opts=() out=$CASE_DIR/stats.err

	while (($#)) && [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	timeout -k 5 "$TIMEOUT" "$TANDEM" run "${RUN_OPTS[@]}" "${opts[@]}" \
		--stats=json -- "$@" >"$CASE_DIR/stats.out" 2>"$out" </dev/null
	grep -o '"entry":{[^}]*}' "$out" | tail -n 1 | sed 's/^"entry":{//; s/}$//'
}

# fastentry_field JSON NAME: one number or string out of fastentry_stats.
fastentry_field()
{
	sed -n "s/.*\"$2\":\"\\{0,1\\}\\([^,\"]*\\).*/\\1/p" <<<"$1"
}

# fastentry_expect JSON CONDITION: a [[ ]] condition over the fields of
# fastentry_stats ($mode, $sites, $sites_kept, $fast_calls, $signal_calls);
# says what --stats said and fails when it does not hold.
fastentry_expect()
{
	local mode sites sites_kept fast_calls signal_calls

	if [[ -z $1 ]]; then
		echo "no entry object in --stats=json; stderr was:"
		head -n 5 "$CASE_DIR/stats.err"
		return 1
	fi
	mode=$(fastentry_field "$1" mode)
	sites=$(fastentry_field "$1" sites)
	sites_kept=$(fastentry_field "$1" sites_kept)
	fast_calls=$(fastentry_field "$1" fast_calls)
	signal_calls=$(fastentry_field "$1" signal_calls)
	: "$mode" "$sites" "$sites_kept" "$fast_calls" "$signal_calls"
	if ! eval "[[ $2 ]]"; then
		echo "expected $2; --stats said: $1"
		return 1
	fi
}

# --entry=rewrite: sites are rewritten and calls come in through them.
case_entry_rewrite()
{
	local p e

	need_tandem || return
	p=$(prog fastentry_race) || return
	e=$(fastentry_stats --entry=rewrite -- "$p") || return
	fastentry_expect "$e" '$mode == rewrite' || return
	# Every one of the program's 76 sites, and most of its calls.
	fastentry_expect "$e" '$sites -ge 76 && $fast_calls -gt 50000' || return
}

# Sites after a RIP-relative load and after leas are rewritten, and their
# calls come in through them (run/fastentry-riprel checks they are right).
case_entry_riprel()
{
	local p e

	need_tandem || return
	p=$(prog fastentry_riprel) || return
	e=$(fastentry_stats --entry=rewrite -- "$p") || return
	# 3 sites x 2000 calls, less the 16 traps each makes before it is
	# rewritten (REWRITE_AFTER in platform/hosted/rewrite.c).
	fastentry_expect "$e" '$fast_calls -ge 5952' || return
	grep -qx 'lea rip ok' "$CASE_DIR/stats.out" || {
		echo "the program said:"
		cat "$CASE_DIR/stats.out"
		return 1
	}
}

# --entry=signal: nothing is rewritten, every call traps.
case_entry_signal()
{
	local p e

	need_tandem || return
	p=$(prog fastentry_race) || return
	e=$(fastentry_stats --entry=signal -- "$p") || return
	fastentry_expect "$e" '$mode == signal' || return
	fastentry_expect "$e" '$sites -eq 0 && $fast_calls -eq 0' || return
	fastentry_expect "$e" '$signal_calls -gt 50000' || return
}

# The default (auto) rewrites where the machine allows; here it should.
case_entry_auto()
{
	local p e mode

	need_tandem || return
	p=$(prog fastentry_race) || return
	RUN_OPTS=()
	e=$(fastentry_stats -- "$p") || return
	mode=$(fastentry_field "$e" mode)
	if [[ $mode == signal ]]; then
		skip "auto chose the signal path on this machine (see tandem kmsg)"
	fi
	fastentry_expect "$e" '$mode == rewrite' || return
}

# --entry crosses execve: a shell running the program keeps the choice.
case_entry_exec()
{
	local p e m

	need_tandem || return
	p=$(prog fastentry_race) || return
	for m in signal rewrite; do
		e=$(fastentry_stats --entry=$m -- sh -c "\"$p\" >/dev/null") || return
		fastentry_expect "$e" "\$mode == $m" || return
	done
}

case_cli_entry_bad()
{
	expect_tandem 2 --stderr-has bogus --stderr-match 'auto, rewrite or signal' \
		-- run "${RUN_OPTS[@]}" --entry=bogus -- true
}

case_cli_entry_missing()
{
	expect_tandem 2 --stderr-has --entry -- run --entry
}

fastentry_cases()
{
	local t

	for t in jit race signal fork regs selfpatch riprel gs; do
		tcase "run/fastentry-$t" case_fastentry_prog "$t"
	done
	tcase run/fastentry-dlopen case_fastentry_dlopen
	tcase entry/rewrite case_entry_rewrite
	tcase entry/signal case_entry_signal
	tcase entry/riprel case_entry_riprel
	tcase entry/auto case_entry_auto
	tcase entry/across-execve case_entry_exec
	tcase cli/entry-bad case_cli_entry_bad
	tcase cli/entry-missing case_cli_entry_missing
}

# ---- on its own: the same setup as run.sh ---------------------------------

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -u
	source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
	suite_main "${BASH_SOURCE[0]}" fastentry fastentry_cases "$@"
fi
