#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The LWK's memory management (kernel/mm, docs/memory.md): the memory system
# calls behave as Linux's (tests/progs/mm_ops, run natively and under tandem
# with identical output), pool memory takes no page fault, freed memory
# comes back zeroed, an exhausted pool gives ENOMEM the program can recover
# from, nothing leaks, and real programs with large memory needs run.
#
# usage: tests/integration/mm.sh [--tandem PATH|native] [--filter GLOB]
#                                [--list] [--keep]
#
#   --tandem PATH   the tandem binary (default: build/tandem in the tree);
#                   "native" runs the comparisons natively on both sides,
#                   to prove the cases (tandem-only cases are skipped)
#   --filter GLOB   run only the cases whose name matches (e.g. 'mm/ops*')
#   --list          print the case names
#   --keep          keep the temporary directory and say where it is
#
# Environment: CC (default cc), TANDEM_RUN_OPTS (extra `tandem run` options),
# TANDEM_TEST_TIMEOUT (seconds per command, default 60; the big cases allow
# five times that).
#
# Prints "ok NAME", "FAIL NAME: why" (details indented below) or "skip
# NAME: why" per case, then "N passed, N failed, N skipped"; exits 1 when a
# case failed or none ran.
#
# The integration suite may source this file instead (after lib.sh): it then
# only defines mm_cases, which registers the same cases through the suite's
# tcase, so `run.sh --filter 'mm/*'` runs them.
#
# Leak check: every tandem-only case runs with --stats=json and requires
# "held_by_others":0, the pool pages still held, when the run's first
# process ends, by any process but it (its children are all reaped by then),
# and no report of a free the pool refused.  The comparing cases see such a
# report as a stderr difference.

# The pool's "held_by_others" from a --stats=json stderr file, or "none".
mm_held_by_others()
{
	local v

	v=$(grep -o '"held_by_others":[0-9]*' "$1" | tail -n 1 | cut -d: -f2)
	echo "${v:-none}"
}

# mm_tandem NAME [TANDEM-OPTIONS...] -- CMD...: run CMD under tandem only,
# with --stats=json; NAME.out, NAME.err; fails on a non-zero status or a
# leak.  Its own time limit is the suite's TIMEOUT (times MM_SLOW); tandem
# runs under the command MM_WRAP (words), if set.
mm_tandem()
{
	local name=$1 opts=() d=$CASE_DIR rc held limit
	shift

	while (($#)) && [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	if [[ $TANDEM == native ]]; then
		skip "what only the LWK promises: needs a real tandem (not --tandem native)"
	fi
	need_tandem
	limit=$((TIMEOUT * ${MM_SLOW:-1}))
	# shellcheck disable=SC2086 # MM_WRAP is words
	timeout -k 5 "$limit" ${MM_WRAP:-} "$TANDEM" run "${RUN_OPTS[@]}" --stats=json \
		"${opts[@]}" -- "$@" </dev/null >"$d/$name.out" 2>"$d/$name.err"
	rc=$?
	if ((rc == 124)); then
		echo "$name: tandem run ${opts[*]} -- $* timed out after ${limit}s"
		return 1
	fi
	if ((rc != 0)); then
		echo "$name: tandem run ${opts[*]} -- $* ended with status $rc"
		sed 's/^/  out: /' "$d/$name.out" | head -n 10
		grep -v tandem_stats "$d/$name.err" | sed 's/^/  err: /' | head -n 10
		return 1
	fi
	# The pool's check of each free: frames given back twice or never had.
	if grep -q 'not allocated' "$d/$name.err"; then
		echo "$name: the pool refused a free:"
		grep 'not allocated' "$d/$name.err" | head -n 5 | sed 's/^/  /'
		return 1
	fi
	held=$(mm_held_by_others "$d/$name.err")
	if [[ $held != 0 ]]; then
		echo "$name: pool pages still held by other processes at the end: $held (a leak)"
		return 1
	fi
}

# mm_expect FILE TEXT: FILE has TEXT, else say so.
mm_expect()
{
	if ! grep -qF -- "$2" "$CASE_DIR/$1"; then
		echo "$1 lacks '$2':"
		sed 's/^/  /' "$CASE_DIR/$1" | head -n 20
		return 1
	fi
}

# case_mm_ops [--huge] [TANDEM_OPTS...]: mm_ops natively and under
# tandem; --huge first makes 2 MiB pages free, so that the LWK's pool has
# them and maps every large enough mapping with them.
case_mm_ops()
{
	local p opts

	if [[ ${1:-} == --huge ]]; then
		need_hugepages 256
		shift
	fi
	opts=("$@")
	p=$(prog mm_ops) || return
	if ((${#opts[@]})); then
		local RUN_OPTS=("${RUN_OPTS[@]}" "${opts[@]}")
	fi
	compare --native-status 0 --native-has ' 0 failed' -- "$p"
}

# The memory calls' argument checks (tests/progs/mm_args): every errno
# as Linux's, MADV_COLLAPSE's included.
case_mm_args()
{
	local p

	p=$(prog mm_args) || return
	compare --native-status 0 --native-has 'collapse aligned: = 0' -- "$p"
}

case_mm_no_faults()
{
	local p

	p=$(prog mm_ops) || return
	mm_tandem ops -- "$p" --no-faults || return
	mm_expect ops.out ' 0 failed'
}

case_mm_enomem()
{
	local p

	p=$(prog mm_ops) || return
	mm_tandem enomem --mem 64M -- "$p" enomem 1024 || return
	mm_expect enomem.out 'ok enomem'
}

# DONTNEED of a huge page swaps a fresh one in; with none left (the 2 MiB
# pool used up under a small --mem) the page is zeroed in place instead,
# and the LWK must say nothing: the stderr comparison catches its reports
# (it once freed zero frames there: "freeing frames N+0 ... not allocated").
case_mm_huge_full()
{
	local p RUN_OPTS=("${RUN_OPTS[@]}" --mem 16M)

	need_hugepages 8
	p=$(prog mm_ops) || return
	compare --native-status 0 --native-has 'ok huge-full' -- \
		"$p" huge-full 16
}

# Frames freed by one process are zero when the next one gets them; each
# process is reaped, so 12 x 24 MiB fit in 64 MiB.
case_mm_zero_reuse()
{
	local p

	p=$(prog mm_ops) || return
	mm_tandem reuse --mem 64M -- sh -c "
		i=0
		while [ \$i -lt 6 ]; do
			'$p' dirty 24 && '$p' zero 24 || exit 1
			i=\$((i + 1))
		done" || return
	mm_expect reuse.out 'ok 24 MiB zero'
}

# Memory one run dirtied and gave back reads zero in the next run.
case_mm_zero_next_run()
{
	local p

	p=$(prog mm_ops) || return
	mm_tandem dirty --mem 600M -- "$p" dirty 512 || return
	mm_tandem zero --mem 600M -- "$p" zero 512 || return
	mm_expect zero.out 'ok 512 MiB zero'
}

# What an image held comes back when its pid boots the next one.
case_mm_exec_reclaim()
{
	local p

	p=$(prog mm_ops) || return
	mm_tandem exec --mem 64M -- "$p" hold 40 "$p" hold 40 "$p" zero 40 ||
		return
	mm_expect exec.out 'ok 40 MiB zero'
}

# mm_pool_file NAME: the 4 KiB pool's Linux page size from NAME.err
# (--stats=json "folio_4k"), or "none".
mm_pool_file()
{
	local v

	v=$(grep -o '"folio_4k":[0-9]*' "$CASE_DIR/$1.err" | tail -n 1 |
		cut -d: -f2)
	echo "${v:-none}"
}

# case_mm_pool_thp: a private run's 4 KiB pool is a file on a huge=always
# tmpfs of its own (2 MiB folios) where Linux lets tandem mount one (root:
# CAP_SYS_ADMIN): 24 MiB mapped 2 MiB-aligned, zero, and populated with a
# fault per 2 MiB (a memfd takes one per 64 KiB: 384).
case_mm_pool_thp()
{
	local p folio faults

	p=$(prog mm_ops) || return
	[[ $(id -u) == 0 ]] || skip "mounting a private tmpfs needs root"
	grep -q '\[deny\]' /sys/kernel/mm/transparent_hugepage/shmem_enabled \
		2>/dev/null && skip "shmem huge pages are denied here (shmem_enabled)"
	mm_tandem thp -- "$p" mapfaults 24 || return
	folio=$(mm_pool_file thp)
	if [[ $folio != 2097152 ]]; then
		echo "the 4 KiB pool is in Linux pages of $folio bytes, not 2 MiB folios"
		return 1
	fi
	mm_expect thp.out 'ok 24 MiB: 2 MiB-aligned yes' || return
	faults=$(sed -n 's/.*aligned yes, \([0-9]*\) faults.*/\1/p' \
		"$CASE_DIR/thp.out")
	if ((faults > 48)); then
		echo "24 MiB took $faults page faults: not one per 2 MiB folio"
		return 1
	fi
}

# case_mm_pool_memfd OPTS | --no-admin: the fallback, a memfd in 4 KiB
# pages: with --page-size 4k, or without CAP_SYS_ADMIN (setpriv drops it
# from the bounding set, so tandem cannot mount); the memory still works.
case_mm_pool_memfd()
{
	local p folio

	p=$(prog mm_ops) || return
	if [[ $1 == --no-admin ]]; then
		command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
		local MM_WRAP="setpriv --bounding-set -sys_admin"
		shift
	fi
	mm_tandem memfd "$@" -- "$p" mapfaults 24 || return
	folio=$(mm_pool_file memfd)
	if [[ $folio != 4096 ]]; then
		echo "the 4 KiB pool is in Linux pages of $folio bytes, not 4 KiB"
		return 1
	fi
	mm_expect memfd.out 'ok 24 MiB: 2 MiB-aligned'
}

case_mm_bss()
{
	local p

	p=$(prog mm_bss) || return
	local TIMEOUT=$((TIMEOUT * 5))
	compare --native-status 0 --native-has 'pages not zero' -- "$p"
}

case_mm_bss_no_faults()
{
	local p

	p=$(prog mm_bss) || return
	MM_SLOW=5 mm_tandem bss -- "$p" --no-faults || return
	mm_expect bss.out 'no page fault'
}

case_mm_python_2g()
{
	local TIMEOUT=$((TIMEOUT * 5))

	command -v python3 >/dev/null || skip "no python3"
	compare --native-status 0 --native-has 'freed' -- python3 -c '
objs, total = [], 0
while total < 2 << 30:
    b = bytearray(64 << 10)
    b[0], b[-1] = 1, 2
    objs.append(b)
    total += len(b)
print("allocated", total >> 20, "MiB in", len(objs), "objects, check",
      sum(b[0] + b[-1] for b in objs))
del objs
small = [str(i) * 3 for i in range(2000000)]
print("small objects", len(small), small[-1][:7])
del small
print("freed")'
}

# GNU sort sizes its buffer at about 65 times its input, and the LWK
# populates what is mapped: a 200 MiB sort would take 13 GiB.  With --mem
# it gets ENOMEM for that and halves its buffer until one fits.
case_mm_sort_200m()
{
	local f TIMEOUT=$((TIMEOUT * 5))
	local RUN_OPTS=("${RUN_OPTS[@]}" --mem 2G)

	f=$(data_file 200m.txt 3 209715200) || return
	compare -- sort "$f"
}

# A job script's `ulimit -v` (soft and hard) inside the run: the program's
# own memory fits, so fork, exec and a large allocation work as natively,
# and the limit reaches the exec'd images.
case_mm_ulimit_v()
{
	compare --native-status 0 --native-has 'exec 1000000' -- sh -c \
		'ulimit -v 1000000 && /bin/true && echo fork ok &&
		 (ulimit -v 500000; exec sh -c "ulimit -v; ulimit -Hv") &&
		 exec sh -c "echo exec \$(ulimit -v)"'
}

# An unlimited stack under an address-space limit: the stack reservation
# must leave the program room, as Linux's stack counts only what it uses.
case_mm_ulimit_v_stack()
{
	compare --native-status 0 --native-has 'ran' -- sh -c \
		'ulimit -s unlimited && ulimit -v 900000 && /bin/true &&
		 sh -c "echo ran"'
}

mm_cases()
{
	tcase mm/ops case_mm_ops
	tcase mm/ops-page-4k case_mm_ops --page-size 4k
	tcase mm/ops-heap-step-2m case_mm_ops --heap-step 2M
	tcase mm/ops-huge case_mm_ops --huge
	tcase mm/ops-huge-page-2m case_mm_ops --huge --page-size 2m
	tcase mm/args case_mm_args
	tcase mm/no-faults case_mm_no_faults
	tcase mm/enomem case_mm_enomem
	tcase mm/huge-dontneed-full case_mm_huge_full
	tcase mm/zero-reuse case_mm_zero_reuse
	tcase mm/zero-next-run case_mm_zero_next_run
	tcase mm/exec-reclaim case_mm_exec_reclaim
	tcase mm/ulimit-v case_mm_ulimit_v
	tcase mm/ulimit-v-stack-unlimited case_mm_ulimit_v_stack
	tcase mm/pool-thp case_mm_pool_thp
	tcase mm/pool-memfd-page-4k case_mm_pool_memfd --page-size 4k
	tcase mm/pool-memfd-no-admin case_mm_pool_memfd --no-admin
	tcase mm/bss-1g case_mm_bss
	tcase mm/bss-1g-no-faults case_mm_bss_no_faults
	tcase mm/python3-2g case_mm_python_2g
	tcase mm/sort-200m case_mm_sort_200m
}

# Sourced by the suite: the definitions above are all it needs.
if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
	return 0
fi

set -u

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
suite_main "${BASH_SOURCE[0]}" mm mm_cases "$@"
