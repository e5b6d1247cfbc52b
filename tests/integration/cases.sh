# SPDX-License-Identifier: MIT
#
# tandem's integration cases; sourced by run.sh, never run.
#
# run/*      compare a program run natively and under tandem: same stdout,
#            stderr and exit status (see compare in lib.sh)
# offload/*  what --offload does that a comparison cannot see: routes in
#            --trace and --stats, the proxy threads
# bad/*      programs tandem must refuse: exit status and message checked
# cli/*      command-line errors: exit status 2 and a message
# stats/*    what tandem reports about a run (--stats)
# mpi/*      MPI programs and HPC Challenge under mpiexec (in mpi.sh)
#
# bad/*, offload/*, cli/* and stats/* need a real tandem and are skipped
# with --tandem native.
# Case names are stable: add new ones, do not rename old ones.

FILE_1M=(1m.txt 2 1048576)
FILE_20M=(20m.txt 1 20971520)

# --- programs every system has ---------------------------------------------

case_true() { compare --native-status 0 -- true; }
case_false() { compare --native-status 1 -- false; }

# /proc's link count is the number of processes on the machine (a helper
# process of tandem's would change it), and /tmp's time changes whenever
# anyone makes a file there: neither says anything about tandem.
case_ls_root()
{
	compare --normalize 's/^(d[^ ]+) +[0-9]+ (.* proc)$/\1 N \2/' \
		--retry-if-only ' (tmp|run|dev)$' \
		--native-has ' N root root' -- ls -la /
}

case_cat_file()
{
	local big

	big=$(data_file "${FILE_1M[@]}") || return
	printf 'first line\nsecond line without newline' >small.txt
	compare -- cat small.txt "$big"
}

case_sort_20m()
{
	local f

	f=$(data_file "${FILE_20M[@]}") || return
	compare -- sort "$f"
}

case_wc_20m()
{
	local f

	f=$(data_file "${FILE_20M[@]}") || return
	compare -- wc "$f"
}

case_sha256sum_20m()
{
	local f

	f=$(data_file "${FILE_20M[@]}") || return
	compare -- sha256sum "$f"
}

case_grep_tree()
{
	local gen a b f

	gen=$(prog gen) || return
	for a in 0 1 2 3; do
		for b in 0 1 2 3; do
			mkdir -p "tree/d$a/s$b"
			for f in 0 1 2 3 4 5 6 7; do
				"$gen" "$a$b$f" 8192 >"tree/d$a/s$b/f$f.txt"
			done
		done
	done
	compare --native-has 'tree/d3/' -- grep -rn -e abc -e 'x[aeiou]z' tree
}

case_env_controlled()
{
	compare --env A=1 --env B=2 --env 'C=two words' --env D= \
		--native-has 'C=two words' -- "$(type -P env)"
}

case_sh_pipeline() { compare --native-has b -- sh -c 'echo a | tr a b'; }

# The real interpreter, not a version manager's shell-script shim.
case_python3()
{
	local py

	py=$(type -P python3) || skip "python3 is not installed"
	py=$("$py" -c 'import sys; print(sys.executable)') || return 1
	compare -- "$py" -c '
import hashlib, json
d = {"name": "tandem", "n": list(range(20)),
     "nested": {"pi": 3.14159, "none": None, "flags": [True, False]}}
s = json.dumps(d, sort_keys=True)
print(s)
print(json.loads(s) == d)
print(hashlib.sha256(s.encode()).hexdigest())
print(hashlib.md5(b"tandem" * 100000).hexdigest())
print(hashlib.sha512(bytes(range(256)) * 1000).hexdigest())
'
}

# multiprocessing with the fork context: children that end with os._exit
# while their queue's feeder thread may be inside the pool (a grow lock
# left held by a killed thread hung about one run in six).
case_python3_mp_fork()
{
	local py

	py=$(type -P python3) || skip "python3 is not installed"
	py=$("$py" -c 'import sys; print(sys.executable)') || return 1
	compare --native-has 'rounds 20 results 60' -- "$py" -c '
import multiprocessing as mp, os
def work(q, i):
    q.put(i * i + (os.getpid() > 0))
if __name__ == "__main__":
    ctx = mp.get_context("fork")
    got = []
    for r in range(20):
        q = ctx.Queue()
        ps = [ctx.Process(target=work, args=(q, r * 3 + k)) for k in range(3)]
        [p.start() for p in ps]
        [p.join() for p in ps]
        got += [q.get() for _ in range(3)]
        print(r, sorted(p.exitcode for p in ps))
    print("rounds 20 results", len(got), "sum", sum(got))
'
}

# --- our own C programs -------------------------------------------------------

case_hello()
{
	local p

	p=$(prog "hello-$1") || return
	compare --native-has "$2" -- "$p" first 'second arg'
}

case_tiny_elf()
{
	local mk

	mk=$(prog mkelf) || return
	"$mk" tiny tiny || return 1
	compare --native-status 42 --native-has tiny -- ./tiny
}

case_signal_death()
{
	local p

	p=$(prog "$1") || return
	compare --native-status "$2" -- "$p"
}

case_argv_empty()
{
	compare_prog args --native-has 'argc=7' -- '' a '' '' 'b c' ''
}

case_argv_10000()
{
	local p many

	p=$(prog args) || return
	mapfile -t many < <(seq -f 'argument-%g' 1 10000)
	compare --native-has 'argc=10001' -- "$p" "${many[@]}"
}

case_env_100k()
{
	local p big

	p=$(prog envdump) || return
	big=$(head -c 102400 /dev/zero | tr '\0' x)
	compare --env "BIG=$big" --env SMALL=1 --native-has 'len=102404' \
		-- "$p"
}

case_stdin_pipe()
{
	local f

	f=$(data_file "${FILE_1M[@]}") || return
	compare --pipe "$f" -- cat
}

case_exit_code()
{
	compare_prog exit --native-status "$1" -- "$1"
}

case_umask_cwd()
{
	local p

	p=$(prog umaskcwd) || return
	mkdir -p "a dir/deeper"
	compare --umask 027 --cwd "$CASE_DIR/cwd/a dir/deeper" \
		--native-has 'umask 0027' --native-has '/a dir/deeper' -- "$p"
}

case_proc_cmdline()
{
	compare_prog procself --native-has 'matches memory: yes' \
		-- cmdline '' 'two words' last
}

case_proc_environ()
{
	compare_prog procself --env A=1 --env 'B=two words' --env C= \
		--native-has 'matches memory: yes' -- environ
}

case_proc_exe()
{
	local p

	p=$(prog procself) || return
	compare --native-has "-> $p" -- "$p" exe
}

case_proc_exe_file()
{
	compare_prog procself --native-has 'stat /proc/self/exe is argv[0]: yes' \
		--native-has 'open /proc/self/exe is argv[0]: yes' -- exe-file
}

case_proc_comm()
{
	compare_prog procself --native-has 'PR_GET_NAME: procself' -- comm
}

case_proc_auxv()
{
	local p

	p=$(prog "$1") || return
	compare --native-has "AT_EXECFN=\"$p\"" \
		--native-has "AT_ENTRY is this program's _start: yes" \
		--native-has "AT_PHDR is this program's headers: yes" \
		--native-has 'AT_SYSINFO_EHDR points at an ELF image: yes' \
		--native-has '/proc/self/auxv agrees with getauxval: yes' \
		-- "$p"
}

case_threads()
{
	compare_prog threads --native-status 0
}

# A thread's exit clears its tid word once: its stack may be another
# thread's by the time the first thread is gone.
case_join_reuse()
{
	compare_prog joinreuse --native-status 0 \
		--native-has "every join returned after its thread's work: yes"
}

case_raise()
{
	compare_prog raise --native-status 0 --native-has 'on the sigaltstack 1'
}

case_forkexec()
{
	compare_prog forkexec --native-has 'hello from the child'
}

# vfork and posix_spawn children leave the parent's dispositions alone.
case_vfork_signals()
{
	compare_prog vforksig --native-status 0 \
		--native-has 'after vfork: USR1 handler, USR2 handler, mask unchanged' \
		--native-has 'after posix_spawn: SIGCHLD handler'
}

# A thread blocked in read() must not hold up the others' calls.
case_blocked_read()
{
	compare_prog blockedread --native-status 0 \
		--native-has 'reader is blocked: yes' \
		--native-has 'reader got 5 bytes: hello'
}

# A handler interrupts a blocked call: EINTR, or a restart with SA_RESTART.
case_signal_eintr()
{
	compare_prog eintr --native-status 0 \
		--native-has 'read, no SA_RESTART: returned -1 (EINTR), handler ran: yes' \
		--native-has 'read, SA_RESTART: returned 4 (data), handler ran: yes' \
		--native-has 'poll, SA_RESTART: returned -1 (EINTR), handler ran: yes'
}

# A handler that siglongjmps out of a blocked read, three times.
case_sigjmp_read()
{
	compare_prog sigjmp --native-status 0 --native-has 'read afterwards: 3 (abc)'
}

# A timer's handler siglongjmps out of a loop of calls, 2000 times: under
# --offload=proxy each jump abandons a proxied call wherever it is.
case_sigjmp_timer()
{
	compare_prog sigjmptimer --native-status 0 \
		--native-has 'left 2000 calls with siglongjmp: yes'
}

# SIGUSR1 every 200 us to each of four threads passing a token with a
# mutex and a condition variable, a thread blocked in read() and main.
case_sigstorm()
{
	compare_prog sigstorm --native-status 0 \
		--native-has 'token passes: 16000' --native-has 'bytes read: 200'
}

# A thread's own file table and credentials hold for its calls.
case_own_context()
{
	compare_prog ownctx --native-status 0 \
		--native-has 'read of the closed descriptor: -1 (EBADF)'
}

case_sigpipe()
{
	compare_prog sigpipe --native-status 141 --native-has 'handler ran 1 times'
}

# --- execve and the descriptor table at their edges ---------------------------

# script_chain N: s1..sN in the working directory, each the #! interpreter
# of the next (with an argument), s1's own interpreter /bin/sh.
script_chain()
{
	local i prev=/bin/sh

	printf '#!/bin/sh\necho "s1 runs: $0 $*"\n' >s1
	chmod 755 s1
	prev=$PWD/s1
	for ((i = 2; i <= $1; i++)); do
		printf '#!%s arg%d\necho never\n' "$prev" "$i" >"s$i"
		chmod 755 "s$i"
		prev=$PWD/s$i
	done
}

# Linux follows five nested #! scripts.
case_exec_nested_shebang()
{
	script_chain 5
	compare --native-has 's1 runs:' -- ./s5 x 'y z'
}

# The sixth gives ELOOP, to a shell and to tandem run.
case_exec_shebang_loop()
{
	script_chain 6
	compare --native-has 'status 127' -- sh -c './s6; echo "status $?"'
}

case_bad_shebang_loop()
{
	script_chain 6
	expect_tandem 126 --stderr-has 'too many nested #! interpreters' \
		-- run "${RUN_OPTS[@]}" -- ./s6
}

case_exec_edge()
{
	compare_prog execedge --native-status 0 --native-has "$2" -- "$1" ${3:+"$3"}
}

# The LWK's descriptors answer every call as not open (kernel/fdguard.c).
# io_uring would reach Linux around the LWK: refused as by a kernel
# without it.
case_io_uring_enosys()
{
	local out

	need_tandem || return
	out=$("$TANDEM" run "${RUN_OPTS[@]}" -- python3 -c '
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(425, 8, ctypes.create_string_buffer(120))
print(r, os.strerror(ctypes.get_errno()))' 2>&1)
	[[ $out == "-1 Function not implemented" ]] ||
		{ echo "io_uring_setup under tandem: '$out', expected ENOSYS"; return 1; }
}

case_fd_lwk_ebadf()
{
	compare_prog fdprobe --native-status 0 \
		--native-has 'soft limit + 256: 0 open' \
		--native-has 'after close_range: works'
}

# Every call that takes a descriptor (poll, select, epoll_ctl, kcmp, bpf,
# io_submit, the *at calls...) answers for an LWK one as for a closed one;
# close_range and closefrom leave the LWK's own open.
case_fd_lwk_calls()
{
	local p

	p=$(prog fdcalls) || return
	compare --native-status 0 \
		--native-has 'descriptors: 0 differ from a closed one' \
		--native-has 'after close_range and closefrom: works' -- "$p"
}

# A file neither ELF nor #! runs with /bin/sh, as execvp runs it.
case_script_no_shebang()
{
	printf 'echo "no #!: $0 $*"\n' >plain
	chmod 755 plain
	compare --native-has 'no #!: ./plain a b c' -- ./plain a 'b c'
}

# An empty PATH entry is the working directory.
case_path_empty_entry()
{
	printf 'echo "found via PATH: $0"\n' >plain-in-cwd
	chmod 755 plain-in-cwd
	compare --env PATH=/usr/bin:/bin: --native-has 'found via PATH' \
		-- plain-in-cwd
}

# The LWK's descriptors sit above the soft limit when it is low.
case_nofile_low_soft()
{
	local p

	p=$(prog execedge) || return
	[[ $(ulimit -Hn) == unlimited || $(ulimit -Hn) -ge 100 ]] ||
		skip "the hard RLIMIT_NOFILE ($(ulimit -Hn)) leaves no room"
	compare --native-has 'opened 5, the first as 3' \
		-- sh -c 'ulimit -Sn 4 && exec "$0" nofile' "$p"
}

# Root reads an execute-only program as Linux's loader does.
case_execute_only_root()
{
	local p

	[[ $(id -u) == 0 ]] || skip "needs root"
	p=$(prog hello-pie) || return
	cp "$p" ./x-only && chmod 111 ./x-only || return 1
	compare --native-has 'type=ET_DYN' -- ./x-only a
}

# An unprivileged user cannot read it: tandem says so and what to do.
case_bad_execute_only_user()
{
	local p dir rc

	need_tandem || return 1
	[[ $(id -u) == 0 ]] || skip "needs root (to run as nobody)"
	need_cmd setpriv util-linux
	p=$(prog hello-pie) || return
	dir=$(mktemp -d /tmp/tandem-xonly.XXXXXX) || return 1
	chmod 755 "$dir"
	cp "$p" "$dir/x-only" && chmod 111 "$dir/x-only" || return 1
	(cd "$dir" && setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TANDEM" run "${RUN_OPTS[@]}" -- ./x-only) >out 2>err
	rc=$?
	rm -rf "$dir"
	if [[ $rc != 126 ]] || ! grep -q 'execute-only file.*chmod u+r' err; then
		echo "as nobody: status $rc (expected 126), stderr:"
		cat err
		return 1
	fi
}

# --- offloading: routes, statistics, proxies ----------------------------------

# stats_calls FILE ROUTE: the calls --stats=json counted for ROUTE.
stats_calls()
{
	grep -o "\"$2\":{\"calls\":[0-9]*" "$1" | grep -o '[0-9]*$'
}

# --stats counts proxied calls under proxy, and none with --offload=direct.
case_offload_stats()
{
	local f n

	need_tandem || return
	f=$(data_file "${FILE_1M[@]}") || return
	"$TANDEM" run "${RUN_OPTS[@]}" --offload=proxy --stats=json -- \
		cat "$f" >/dev/null 2>proxy.err || { cat proxy.err; return 1; }
	n=$(stats_calls proxy.err proxy)
	if [[ -z $n || $n -lt 10 ]]; then
		echo "--offload=proxy: --stats counted '${n:-nothing}' proxy calls for cat of 1 MiB:"
		cat proxy.err
		return 1
	fi
	"$TANDEM" run "${RUN_OPTS[@]}" --offload=direct --stats=json -- \
		cat "$f" >/dev/null 2>direct.err || { cat direct.err; return 1; }
	n=$(stats_calls direct.err proxy)
	if [[ $n != 0 ]]; then
		echo "--offload=direct: --stats counted '${n:-nothing}' proxy calls, expected 0:"
		cat direct.err
		return 1
	fi
}

# A per-call override wins over the default route; --trace shows both.
case_offload_override()
{
	local bad=0

	need_tandem || return
	"$TANDEM" run "${RUN_OPTS[@]}" --offload=proxy --offload-call \
		write=direct --trace -- /bin/echo hello >out 2>trace ||
		{ cat trace; return 1; }
	if ! grep -q '^\[[0-9]*\] write(1, "hello\\n", 6) = 6 <direct>$' trace; then
		echo "write=direct: the write is not traced as <direct>"
		bad=1
	fi
	if ! grep -q '^\[[0-9]*\] close(.*<proxy>$' trace; then
		echo "--offload=proxy: no close is traced as <proxy>"
		bad=1
	fi
	if grep -q '<proxy>$' <(grep -E '\] (rt_sigprocmask|gettid|futex|exit_group)\(' trace); then
		echo "a call that acts on the calling thread went to the proxy"
		bad=1
	fi
	((bad)) && head -n 40 trace
	return $bad
}

# The route survives execve: cat, exec'd by sh, proxies its openat.
case_offload_execve()
{
	need_tandem || return
	echo data >data.txt
	"$TANDEM" run "${RUN_OPTS[@]}" --offload=proxy --trace -- \
		sh -c 'exec cat data.txt' >out 2>trace || { cat trace; return 1; }
	if ! grep -q 'openat(AT_FDCWD, "data.txt", O_RDONLY) = 3 <proxy>$' trace; then
		echo "after execve, cat's openat of data.txt is not traced as <proxy>:"
		grep 'data.txt' trace
		return 1
	fi
	[[ $(<out) == data ]] || { echo "cat printed '$(<out)'"; return 1; }
}

# The proxy is a thread of the program's process, pinned to --proxy-cpus.
case_offload_proxy_cpus()
{
	local p cpu

	need_tandem || return
	p=$(prog tasks) || return
	cpu=$(($(nproc) - 1))
	"$TANDEM" run "${RUN_OPTS[@]}" --offload=proxy --proxy-cpus "$cpu" \
		-- "$p" >out 2>err || { cat err; return 1; }
	if ! grep -qx "tandem-proxy cpus $cpu" out; then
		echo "no thread 'tandem-proxy' on CPU $cpu (--proxy-cpus $cpu); the threads were:"
		cat out err
		return 1
	fi
	"$TANDEM" run "${RUN_OPTS[@]}" --offload=direct -- "$p" >out 2>err ||
		{ cat err; return 1; }
	if grep -q tandem-proxy out; then
		echo "--offload=direct started a proxy thread:"
		cat out
		return 1
	fi
}

# --- threads, futexes, signals, processes ----------------------------------

case_pthread_stress()
{
	local p

	p=$(prog "$1") || return
	compare --native-status 0 \
		--native-has 'created and joined 1000 threads' -- "$p"
}

# OMP_NUM_THREADS above the core count oversubscribes: it must still work.
case_omp()
{
	compare_prog omp-omp --env "OMP_NUM_THREADS=$1" --native-status 0 \
		--native-has "team of $1"
}

# Threads are pinned only on cores that are the run's own (--cpus, an
# instance): without --cpus a thread may run on every core it was allowed,
# as natively; with --cpus naming two cores or more it is pinned to one.
case_placement()
{
	local cpus out

	compare --native-status 0 -- grep Cpus_allowed_list /proc/self/status ||
		return
	need_tandem || return
	cpus=$(grep Cpus_allowed_list /proc/self/status | cut -f2)
	[[ $cpus == *[,-]* ]] || skip "one core allowed: pinning cannot show"
	out=$("$TANDEM" run --cpus "$cpus" -- \
		grep Cpus_allowed_list /proc/self/status) || return
	if [[ ${out#*:} == *[,-]* ]]; then
		echo "with --cpus $cpus the thread is not pinned: $out"
		return 1
	fi
}

case_futex()
{
	compare_prog futex --native-status 0 -- "$@"
}

# A futex wait's busy-wait ends at its timeout: tandem gets a spin budget
# of seconds, the waits have timeouts of 1 us and 1 ms.
case_futex_spin_bounded()
{
	local p RUN_OPTS=("${RUN_OPTS[@]}" --futex-spin 2000000000)

	p=$(prog futex) || return
	compare --native-status 0 -- "$p" spin-bounded private
}

# More threads than cores: a waiter yields the core to the thread that
# will wake it.  The program pins itself to its first CPU; tandem gets a
# partition of that core alone.
case_futex_oversub()
{
	local p cpu RUN_OPTS=("${RUN_OPTS[@]}")

	p=$(prog futex) || return
	cpu=$(taskset -pc $$ | sed 's/.*: //; s/[-,].*//')
	RUN_OPTS+=(--cpus "$cpu" --oversubscribe)
	compare --native-status 0 -- "$p" oversub private
}

case_sigs()
{
	compare_prog sigs --native-status 0 -- "$1"
}

# A handler that needs 1 MiB of stack, or one on a 64 KiB sigaltstack,
# interrupts a blocked call (tests/progs/deephandler.c): Linux runs it on
# the thread's stack or its sigaltstack, and so must tandem.
case_deep_handler()
{
	compare_prog deephandler --native-status 0 -- "$1"
}

# cores_on: let the programs of this case dump core, into the case's
# directory, small (coredump_filter 0: no memory contents, on both sides);
# skip where that cannot be done without touching the system.
cores_on()
{
	local pattern

	pattern=$(</proc/sys/kernel/core_pattern) || skip "no core_pattern"
	if [[ $pattern == '|'* ]]; then
		skip "core_pattern pipes cores to a system handler ($pattern): not fed by tests"
	fi
	if [[ $pattern == /* ]]; then
		skip "core_pattern writes cores outside the case's directory ($pattern)"
	fi
	ulimit -S -c unlimited 2>/dev/null ||
		ulimit -S -c "$(ulimit -H -c)" 2>/dev/null
	if [[ $(ulimit -S -c) == 0 ]]; then
		skip "core dumps are off (hard RLIMIT_CORE 0)"
	fi
	echo 0 >"/proc/$BASHPID/coredump_filter" || return 1
}

# A fault with no handler: the status and the core-dump bit.
case_fault()
{
	local p rc

	p=$(prog fault) || return
	if [[ $2 == core ]]; then
		cores_on || return
	else
		ulimit -S -c 0
	fi
	compare --native-status "$3" -- "$p" "$1"
	rc=$?
	if [[ $2 == core ]] && ! grep -q ' core$' "$CASE_DIR/native.how"; then
		echo "the native run dumped no core ($(describe_how "$CASE_DIR/native.how")): the test itself is broken"
		return 1
	fi
	return $rc
}

# SIGSEGV and SIGBUS ignored by a shell stay ignored in what it execs.
case_sig_dispositions_exec()
{
	local p

	p=$(prog sigs) || return
	compare --native-has 'SIGSEGV: ignored' -- \
		sh -c 'trap "" SEGV BUS; exec "$1" dispositions' sh "$p"
}

# A core holds the program's memory, not the LWK's pool: with Linux's
# default filter (anonymous and shared memory dumped) it may be larger than
# the native one by the LWK's own image, not by gigabytes.
case_fault_core_size()
{
	local p native lwk

	p=$(prog fault) || return
	cores_on || return
	echo 0x33 >"/proc/$BASHPID/coredump_filter" || return 1
	mkdir -p "$CASE_DIR/n" "$CASE_DIR/t"
	(cd "$CASE_DIR/n" && "$p" segv; :) >/dev/null 2>&1
	(cd "$CASE_DIR/t" && "$TANDEM" run "${RUN_OPTS[@]}" -- "$p" segv; :) \
		>/dev/null 2>&1
	native=$(stat -c %s "$CASE_DIR"/n/core* 2>/dev/null) ||
		{ echo "the native run left no core: the test itself is broken"; return 1; }
	lwk=$(stat -c %s "$CASE_DIR"/t/core* 2>/dev/null) ||
		{ echo "tandem left no core"; return 1; }
	rm -f "$CASE_DIR"/n/core* "$CASE_DIR"/t/core*
	if ((lwk > native + 64 * 1024 * 1024)); then
		echo "tandem's core is $lwk bytes, native's $native: more than 64 MiB larger"
		return 1
	fi
}

case_fault_child()
{
	local p

	p=$(prog fault) || return
	cores_on || return
	compare --native-status 0 --native-has 'core dumped: yes' \
		-- "$p" child "$1"
}

case_process()
{
	compare_prog procs --native-status "$1" -- "${@:2}"
}

# Three runs of the race: one run misses the torn fork copy too often.
case_fork_race()
{
	local p

	p=$(prog procs) || return
	compare --native-status 0 -- sh -c \
		'for i in 1 2 3; do "$0" fork-race || exit 1; done' "$p"
}

# 300 children killed as they map and unmap 1 MiB, in a 64 MiB pool: a
# child killed inside the allocator must neither hang the others nor keep
# memory (a fresh child's 1 MiB fails with 300 bad status otherwise).
case_killed_while_mapping()
{
	local RUN_OPTS=("${RUN_OPTS[@]}" --mem 64M)

	compare_prog procs --native-status 0 -- kill-mapping
}

case_sh_sort_pipeline()
{
	compare --native-has 99999 -- sh -c 'seq 1 100000 | sort -r | head -3'
}

case_sh_200_processes()
{
	local script='n=0
for i in $(seq 200); do /bin/true && n=$((n + 1)); done
echo "$n processes ran"'

	compare --native-has '200 processes' -- sh -c "$script"
}

# The harness sends signal $1 once every thread sleeps in a futex wait.
case_killed_in_futex_waits()
{
	compare_prog futexblock --signal-on-output "$1" --native-status "$2" \
		--native-has 'asleep in futex waits' -- "${@:3}"
}

# tandem only: every process of a pipeline is counted by --stats=json.
case_stats_processes()
{
	local d=$CASE_DIR runner json n

	need_tandem || return 1
	runner=$(prog waitrun) || return
	touch one two three
	(
		cd "$CASE_DIR/cwd" || exit 1
		exec "$runner" "$TIMEOUT" "$d/tandem.how" "$d/tandem.err" \
			"$TANDEM" run "${RUN_OPTS[@]}" --stats=json -- \
			sh -c 'ls | wc -l' \
			</dev/null >"$d/tandem.out" 2>"$d/tandem.launcher"
	)
	if [[ $(<"$d/tandem.how") != "exit 0" ]]; then
		echo "tandem run --stats=json sh -c 'ls | wc -l': $(describe_how "$d/tandem.how"), expected exit status 0"
		sed 's/^/  stderr: /' "$d/tandem.err" | head -n 10
		return 1
	fi
	if [[ $(<"$d/tandem.out") != 3 ]]; then
		echo "stdout should be 3 (three files), got:"
		head -n 5 "$d/tandem.out" | sed 's/^/  /'
		return 1
	fi
	json=$(grep -E '^\{.*"processes":' "$d/tandem.err")
	n=$(sed -nE 's/.*"processes":([0-9]+).*/\1/p' <<<"$json" | head -n 1)
	if [[ -z $n ]]; then
		echo "no JSON line with a \"processes\" field on stderr; stderr was:"
		head -n 10 "$d/tandem.err" | cut -c 1-200 | sed 's/^/  /'
		return 1
	fi
	if ((n < 3)); then
		echo "\"processes\": $n, expected at least 3 (sh, ls, wc); the line:"
		echo "  $json" | cut -c 1-240
		return 1
	fi
}

# stats_run OUT [OPTIONS] -- CMD...: tandem run --stats=json OPTIONS CMD,
# stdout to /dev/null, stderr (through a pipe, so that the summary of a
# killed run, which its watcher prints, is complete) to OUT; prints the
# status.
stats_run()
{
	local out=$1 opts=()

	shift
	while [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	"$TANDEM" run "${RUN_OPTS[@]}" "${opts[@]}" -- "$@" 2>&1 >/dev/null |
		cat >"$out"
	echo "${PIPESTATUS[0]}"
}

# stats_field FILE NAME: the number after "NAME": in the --stats=json line.
stats_field()
{
	grep -E '^\{"tandem_stats"' "$1" | grep -oE "\"$2\":[0-9]+" |
		head -n 1 | grep -oE '[0-9]+$'
}

# stats_expect FILE NAME OP VALUE WHY: fail unless field NAME OP VALUE.
stats_expect()
{
	local v

	v=$(stats_field "$1" "$2")
	if [[ -z $v ]] || ! (($v $3 $4)); then
		echo "--stats=json \"$2\" is ${v:-missing}, expected $3 $4 ($5); stderr:"
		cut -c 1-400 "$1" | sed 's/^/  /'
		return 1
	fi
}

# A program spinning in user space: its threads' time is program time.
case_stats_time_spin()
{
	local p st prog sys

	need_tandem || return
	p=$(prog statwork) || return
	st=$(stats_run spin.err --stats=json -- "$p" spin 300)
	[[ $st == 0 ]] || { echo "status $st, expected 0"; cat spin.err; return 1; }
	stats_expect spin.err program_ns '>=' 250000000 "it spun 300 ms" &&
	prog=$(stats_field spin.err program_ns) &&
	sys=$(stats_field spin.err syscalls_ns) &&
	# Spinning counted as call time would make it about prog.  The few
	# calls of start-up take milliseconds on a loaded machine (tens
	# through the proxy), so the bound is half, not a tenth.
	stats_expect spin.err syscalls_ns '<' $((prog / 2)) \
		"program time $prog ns must be at least twice it"
}

# Many system calls: time in them is counted, by route.
case_stats_time_calls()
{
	local p st off

	need_tandem || return
	p=$(prog statwork) || return
	st=$(stats_run calls.err --stats=json -- "$p" calls 100000)
	[[ $st == 0 ]] || { echo "status $st, expected 0"; cat calls.err; return 1; }
	stats_expect calls.err syscalls_ns '>=' $((100000 * 20)) \
		"100000 getppid calls of at least 20 ns each" &&
	stats_expect calls.err local_ns '>' 0 "the loader's mmap calls are local" ||
		return
	# getppid goes to Linux: direct, or through the proxy (--offload).
	off=$(($(stats_field calls.err direct_ns) +
	       $(stats_field calls.err proxy_ns)))
	if ((off < 100000 * 20)); then
		echo "--stats=json: $off ns in offloaded calls (direct_ns + proxy_ns), expected at least 100000 getppid calls of 20 ns; stderr:"
		cut -c 1-400 calls.err | sed 's/^/  /'
		return 1
	fi
}

# The largest page the run used is the largest --page-size allows.
case_stats_largest_page()
{
	local p st

	need_tandem || return
	p=$(prog statwork) || return
	st=$(stats_run map.err --stats=json --page-size 4k -- "$p" map 8192)
	[[ $st == 0 ]] || { echo "status $st, expected 0"; cat map.err; return 1; }
	stats_expect map.err largest_page == 4096 "--page-size 4k" || return
	"$TANDEM" run "${RUN_OPTS[@]}" --stats --page-size 4k -- \
		"$p" map 8192 2>text.err >/dev/null
	if ! grep -qE '^  largest page  4 KiB$' text.err; then
		echo "--stats does not say 'largest page  4 KiB'; stderr:"
		sed 's/^/  /' text.err
		return 1
	fi
}

# With 2 MiB pages free, a 2 MiB-aligned mapping gets one.
case_stats_largest_page_2m()
{
	local p st

	need_tandem || return
	need_hugepages 64
	p=$(prog statwork) || return
	st=$(stats_run map.err --stats=json --page-size 2m -- "$p" map 16384)
	[[ $st == 0 ]] || { echo "status $st, expected 0"; cat map.err; return 1; }
	stats_expect map.err largest_page == 2097152 "--page-size 2m, 16 MiB mapped"
}

# The page faults --stats reports are Linux's count for the run, children
# included: what wait4 tells tandem's parent, less the watcher's fork.
case_stats_page_faults()
{
	local p outer mine

	need_tandem || return
	p=$(prog statwork) || return
	"$p" rusage outer.txt "$TANDEM" run "${RUN_OPTS[@]}" --stats=json -- \
		sh -c "'$p' filemap 32768" >/dev/null 2>map.err ||
		{ echo "the run failed:"; cat map.err; return 1; }
	outer=$(<outer.txt)
	mine=$(stats_field map.err minor)
	if [[ -z $mine ]] || ((mine < 8192 || mine > outer ||
	      mine < outer - 200)); then
		echo "--stats: ${mine:-no} minor faults; Linux counted $outer for the whole tandem run (32 MiB of a file mapping touched by a child: at least 8192 expected); stderr:"
		cut -c 1-400 map.err | sed 's/^/  /'
		return 1
	fi
}

# A run killed by signal $2 still prints its summary, and tandem run
# ends with status $1; $3... is the command, prog:NAME a test program.
case_stats_killed()
{
	local status=$1 sig=$2 st cmd

	need_tandem || return
	shift 2
	if [[ $1 == prog:* ]]; then
		cmd=$(prog "${1#prog:}") || return
		set -- "$cmd" "${@:2}"
	fi
	ulimit -c 0
	st=$(stats_run killed.err --stats=json -- "$@")
	if [[ $st != "$status" ]]; then
		echo "status $st, expected $status"
		cat killed.err
		return 1
	fi
	stats_expect killed.err signal == "$sig" "killed by signal $sig" &&
	stats_expect killed.err syscalls '>' 0 "the calls it made" || return
	"$TANDEM" run "${RUN_OPTS[@]}" --stats -- "$@" 2>&1 >/dev/null |
		cat >text.err
	if ! grep -qE "^  ended         killed by signal $sig( |$)" text.err; then
		echo "--stats does not say 'killed by signal $sig'; stderr:"
		sed 's/^/  /' text.err
		return 1
	fi
}

# The exit status, as the program gave it.
# processes counts processes, not images: a fork counts, an execve not.
case_stats_processes()
{
	local st

	need_tandem || return
	st=$(stats_run procs.err --stats=json -- \
		sh -c '/bin/true; /bin/true | /bin/true; exec sh -c "exec /bin/true"')
	[[ $st == 0 ]] || { echo "status $st, expected 0"; cat procs.err; return 1; }
	stats_expect procs.err processes == 4 "sh, then /bin/true three times" \
		"(an exec is no new process)"
}

case_stats_exit_status()
{
	local st

	need_tandem || return
	st=$(stats_run exit.err --stats=json -- sh -c 'exit 3')
	[[ $st == 3 ]] || { echo "status $st, expected 3"; cat exit.err; return 1; }
	stats_expect exit.err exit_status == 3 "sh -c 'exit 3'" || return
	if [[ $(grep -c '"tandem_stats"' exit.err) != 1 ]]; then
		echo "expected exactly one summary (the watcher must stay quiet); stderr:"
		cut -c 1-200 exit.err | sed 's/^/  /'
		return 1
	fi
}

# --- programs tandem must refuse ----------------------------------------------

case_bad_not_found_path()
{
	expect_tandem 127 \
		--stderr-is 'tandem: ./no-such-program: No such file or directory' \
		-- run "${RUN_OPTS[@]}" -- ./no-such-program
}

case_bad_not_found_bare()
{
	expect_tandem 127 \
		--stderr-is 'tandem: no-such-program-for-tandem: No such file or directory' \
		-- run "${RUN_OPTS[@]}" -- no-such-program-for-tandem
}

case_bad_not_executable()
{
	printf '#!/bin/sh\necho hello\n' >not-executable.sh
	chmod 644 not-executable.sh
	expect_tandem 126 --stderr-has not-executable.sh \
		-- run "${RUN_OPTS[@]}" -- ./not-executable.sh
}

case_bad_directory()
{
	mkdir a-directory
	expect_tandem 126 --stderr-has a-directory \
		-- run "${RUN_OPTS[@]}" -- ./a-directory
}

# Binary, not ELF: a NUL in the first line (text would go to /bin/sh).
case_bad_not_elf()
{
	printf 'MZ\0\0binary, not a program\n' >text-file
	chmod 755 text-file
	expect_tandem 126 --stderr-has text-file \
		-- run "${RUN_OPTS[@]}" -- ./text-file
}

# A script whose interpreter is missing was found but cannot run: 126,
# like an ELF file tandem cannot load, and the message names the
# interpreter (the script itself is not what is missing).
case_bad_missing_interpreter()
{
	printf '#!/nonexistent/tandem-interp\necho hello\n' >script
	chmod 755 script
	expect_tandem 126 --stderr-has /nonexistent/tandem-interp \
		-- run "${RUN_OPTS[@]}" -- ./script
}

case_bad_crafted_elf()
{
	local mk

	mk=$(prog mkelf) || return
	"$mk" "$1" "$1.elf" || return 1
	expect_tandem 126 --stderr-has "$1.elf" \
		-- run "${RUN_OPTS[@]}" -- "./$1.elf"
}

case_bad_truncated_elf()
{
	head -c 100 "$(type -P true)" >truncated
	chmod 755 truncated
	expect_tandem 126 --stderr-has truncated \
		-- run "${RUN_OPTS[@]}" -- ./truncated
}

# --- command-line errors --------------------------------------------------

case_cli_unknown_option()
{
	expect_tandem 2 --stderr-match usage --stderr-has --no-such-option \
		-- run "${RUN_OPTS[@]}" --no-such-option -- true
}

case_cli_unknown_command()
{
	expect_tandem 2 --stderr-match usage --stderr-has no-such-command \
		-- no-such-command
}

# Under a limit on the address space (ulimit -v, as batch systems set), a
# program that fits runs as it does natively.
case_ulimit_v()
{
	compare --native-status 0 --launcher "prlimit --as=$1" -- \
		python3 -c 'print(sum(range(1000)))'
}

case_cli_bad_mem()
{
	expect_tandem 2 --stderr-has 12Q \
		-- run "${RUN_OPTS[@]}" --mem 12Q -- true
}

case_cli_mem_too_small()
{
	expect_tandem 2 --stderr-has 'at least 16M' \
		-- run "${RUN_OPTS[@]}" --mem 4K -- true
}

# --mem 0 is a size, too small: the message gives the minimum.
case_cli_mem_zero()
{
	expect_tandem 2 --stderr-has 'at least 16M' \
		-- run "${RUN_OPTS[@]}" --mem 0 -- true
}

# A bad CPU list: one line that says what is wrong with it, and the hint,
# not the whole usage text.
case_cli_bad_cpus()
{
	expect_tandem 2 --stderr-is "tandem: --cpus '$1'$2
(\`tandem --help\` shows the usage)" \
		-- run "${RUN_OPTS[@]}" --cpus "$1" -- true
}

case_cli_bad_heap_step()
{
	expect_tandem 2 --stderr-has 'multiple of 4K' \
		-- run "${RUN_OPTS[@]}" --heap-step "$1" -- true
}

case_cli_no_program()
{
	expect_tandem 2 --stderr-match . -- run "${RUN_OPTS[@]}" "$@"
}

case_cli_bad_offload()
{
	expect_tandem 2 --stderr-match usage --stderr-has "'sideways'" \
		-- run "${RUN_OPTS[@]}" --offload=sideways -- true
}

case_cli_offload_unknown_call()
{
	expect_tandem 2 --stderr-has "no system call named 'no_such_call'" \
		-- run "${RUN_OPTS[@]}" --offload=proxy,no_such_call=direct -- true
}

case_cli_offload_local_call()
{
	expect_tandem 2 --stderr-has 'getpid is served by the LWK itself' \
		-- run "${RUN_OPTS[@]}" --offload-call getpid=proxy -- true
}

case_cli_offload_thread_call()
{
	expect_tandem 2 \
		--stderr-has 'sched_yield acts on the calling thread itself and always runs direct' \
		-- run "${RUN_OPTS[@]}" --offload=direct,sched_yield=proxy -- true
}

case_cli_bad_proxy_cpus()
{
	expect_tandem 2 --stderr-has "--proxy-cpus '1-x'" \
		-- run "${RUN_OPTS[@]}" --proxy-cpus 1-x -- true
}

# --- the list -------------------------------------------------------------

all_cases()
{
	local n g

	tcase run/true case_true
	tcase run/false case_false
	tcase run/ls-root case_ls_root
	tcase run/cat-file case_cat_file
	tcase run/sort-20m case_sort_20m
	tcase run/wc-20m case_wc_20m
	tcase run/sha256sum-20m case_sha256sum_20m
	tcase run/grep-r-tree case_grep_tree
	tcase run/env-controlled case_env_controlled
	tcase run/sh-pipeline case_sh_pipeline
	tcase run/python3-json-hashlib case_python3
	tcase run/python3-mp-fork case_python3_mp_fork
	tcase run/c-static case_hello static 'type=ET_EXEC interp=no'
	tcase run/c-pie case_hello pie 'type=ET_DYN interp=yes'
	tcase run/c-nopie case_hello nopie 'type=ET_EXEC interp=yes'
	tcase run/tiny-elf case_tiny_elf
	tcase run/segv case_signal_death segv 139
	tcase run/abort case_signal_death abort 134
	tcase run/argv-empty-strings case_argv_empty
	tcase run/argv-10000 case_argv_10000
	tcase run/env-100k case_env_100k
	tcase run/ulimit-v-1g case_ulimit_v 1000000000
	tcase run/ulimit-v-400m case_ulimit_v 400000000
	tcase run/stdin-pipe case_stdin_pipe
	for n in 0 1 2 3 7 42 100 126 127 128 200 254 255; do
		tcase "run/exit-$n" case_exit_code "$n"
	done
	tcase run/umask-cwd case_umask_cwd
	tcase run/proc-cmdline case_proc_cmdline
	tcase run/proc-environ case_proc_environ
	tcase run/proc-exe case_proc_exe
	tcase run/proc-exe-file case_proc_exe_file
	tcase run/proc-comm case_proc_comm
	tcase run/proc-auxv case_proc_auxv auxv
	tcase run/proc-auxv-static case_proc_auxv auxv-static
	tcase run/threads case_threads
	tcase run/thread-join-stack-reuse case_join_reuse
	tcase run/fork-exec-wait case_forkexec
	tcase run/vfork-keeps-parent-signals case_vfork_signals
	tcase run/raise-handler case_raise
	tcase run/blocked-read-others-run case_blocked_read
	tcase run/signal-interrupts-read case_signal_eintr
	tcase run/sigpipe case_sigpipe
	tcase run/siglongjmp-out-of-read case_sigjmp_read
	tcase run/siglongjmp-out-of-calls case_sigjmp_timer
	tcase run/sigstorm-futex-read case_sigstorm
	tcase run/thread-changes-own-context case_own_context

	tcase run/exec-nested-shebang case_exec_nested_shebang
	tcase run/exec-shebang-loop case_exec_shebang_loop
	tcase run/exec-proc-self-exe case_exec_edge self 'again: argc=2'
	tcase run/exec-empty-argv case_exec_edge argc0 'again: argc=1 argv[0]=""'
	tcase run/exec-text-busy case_exec_edge txtbsy 'Text file busy'
	tcase run/exec-ptrace-traceme-fork case_exec_edge traceme \
		'first stop: Trace/breakpoint trap'
	tcase run/exec-ptrace-traceme-vfork case_exec_edge traceme \
		'first stop: Trace/breakpoint trap' vfork
	tcase run/exec-script-no-shebang case_script_no_shebang
	tcase run/exec-path-empty-entry case_path_empty_entry
	tcase run/exec-execute-only-root case_execute_only_root
	tcase run/fd-list-hides-lwk case_exec_edge fdlist 'fd 2'
	tcase run/fd-nofile-setrlimit case_exec_edge nofile 'opened 5'
	tcase run/fd-nofile-low-soft case_nofile_low_soft
	tcase run/fd-lwk-ebadf case_fd_lwk_ebadf
	tcase run/fd-lwk-calls case_fd_lwk_calls
	tcase run/io-uring-enosys case_io_uring_enosys

	tcase offload/stats-count-proxy case_offload_stats
	tcase offload/per-call-override case_offload_override
	tcase offload/route-survives-execve case_offload_execve
	tcase offload/proxy-thread-pinned case_offload_proxy_cpus

	tcase run/pthread-stress case_pthread_stress pthstress
	tcase run/pthread-stress-static case_pthread_stress pthstress-static
	for n in 1 2 4 8; do
		tcase "run/omp-threads-$n" case_omp "$n"
	done
	tcase run/placement-pin-own-cores case_placement
	for g in timeout bitset errors wake-count requeue cmp-requeue \
		wake-op eintr; do
		tcase "run/futex-$g-private" case_futex "$g" private
		tcase "run/futex-$g-shared" case_futex "$g" shared
	done
	tcase run/futex-shared-across-fork case_futex across-fork
	tcase run/futex-spin-bounded case_futex_spin_bounded
	tcase run/futex-oversub case_futex_oversub
	for g in siginfo-kill siginfo-faults siglongjmp-segv mask sigsuspend \
		restart handler-syscalls resethand nodefer altstack-raise \
		altstack-kill altstack-blocked-read altstack-blocked-longjmp \
		altstack-overflow \
		altstack-overflow-thread sigqueue sigtimedwait signalfd \
		efault sent-while-blocked sent-to-process; do
		tcase "run/sig-$g" case_sigs "$g"
	done
	for g in read read-restart futex futex-restart read-onstack \
		read-onstack-restart futex-onstack longjmp longjmp-nomask nested; do
		tcase "run/sig-deep-handler-$g" case_deep_handler "$g"
	done
	tcase run/fault-segv-core case_fault segv core 139
	tcase run/fault-core-size case_fault_core_size
	tcase run/fault-segv-ignored-core case_fault segv-ignored core 139
	tcase run/fault-segv-blocked-core case_fault segv-blocked core 139
	tcase run/sig-dispositions-after-exec case_sig_dispositions_exec
	tcase run/fault-bus-core case_fault bus core 135
	tcase run/fault-fpe-core case_fault fpe core 136
	tcase run/fault-ill-core case_fault ill core 132
	tcase run/fault-trap-core case_fault trap core 133
	tcase run/fault-segv-nocore case_fault segv nocore 139
	tcase run/fault-bus-nocore case_fault bus nocore 135
	tcase run/fault-fpe-nocore case_fault fpe nocore 136
	tcase run/fault-ill-nocore case_fault ill nocore 132
	tcase run/fault-trap-nocore case_fault trap nocore 133
	for g in segv bus fpe ill trap; do
		tcase "run/fault-child-$g" case_fault_child "$g"
	done
	tcase run/process-chain-5 case_process 5 chain 5
	tcase run/process-wait case_process 0 wait
	tcase run/process-zombies case_process 0 zombies
	tcase run/process-spawn-system case_process 0 spawn
	tcase run/process-spawn-from-threads case_process 0 spawn-threads
	tcase run/process-fds-cloexec case_process 0 fds
	tcase run/process-vfork case_process 0 vfork
	tcase run/process-fork-threads case_process 0 fork-threads
	tcase run/process-fork-from-threads-race case_fork_race
	tcase run/process-fork-while-threads-call case_process 0 fork-calls
	tcase run/process-fork-mixed-threads case_process 0 fork-mixed
	tcase run/process-fork-tid-word case_process 0 fork-tid
	tcase run/process-fork-then-kill case_process 0 fork-kill
	tcase run/process-killed-while-mapping case_killed_while_mapping
	tcase run/sh-seq-sort-head case_sh_sort_pipeline
	tcase run/sh-200-processes case_sh_200_processes
	tcase run/sigterm-futex-waiters case_killed_in_futex_waits 15 143
	tcase run/sigint-futex-waiters case_killed_in_futex_waits 2 130
	tcase run/sigkill-futex-waiters case_killed_in_futex_waits 9 137
	tcase run/sigterm-handler-futex-waiters case_killed_in_futex_waits \
		15 42 handler
	tcase stats/json-processes case_stats_processes
	tcase stats/time-spin case_stats_time_spin
	tcase stats/time-calls case_stats_time_calls
	tcase stats/largest-page-4k case_stats_largest_page
	tcase stats/largest-page-2m case_stats_largest_page_2m
	tcase stats/page-faults case_stats_page_faults
	tcase stats/exit-status case_stats_exit_status
	tcase stats/processes case_stats_processes
	tcase stats/killed-sigkill case_stats_killed 137 9 sh -c 'kill -9 $$'
	tcase stats/killed-sigterm case_stats_killed 143 15 sh -c 'kill -TERM $$'
	tcase stats/killed-segv case_stats_killed 139 11 prog:segv

	tcase bad/not-found-path case_bad_not_found_path
	tcase bad/not-found-bare case_bad_not_found_bare
	tcase bad/not-executable case_bad_not_executable
	tcase bad/directory case_bad_directory
	tcase bad/not-elf case_bad_not_elf
	tcase bad/missing-interpreter case_bad_missing_interpreter
	tcase bad/wrong-arch-aarch64 case_bad_crafted_elf aarch64
	tcase bad/elfclass32 case_bad_crafted_elf class32
	tcase bad/truncated-elf case_bad_truncated_elf
	tcase bad/shebang-loop case_bad_shebang_loop
	tcase bad/execute-only-user case_bad_execute_only_user
	tcase bad/corrupt-phoff case_bad_crafted_elf phoff

	tcase cli/unknown-option case_cli_unknown_option
	tcase cli/unknown-command case_cli_unknown_command
	tcase cli/bad-mem-size case_cli_bad_mem
	tcase cli/bad-mem-too-small case_cli_mem_too_small
	tcase cli/bad-mem-zero case_cli_mem_zero
	tcase cli/bad-cpus-backwards case_cli_bad_cpus 1-0 \
		': the range 1-0 runs backwards; write 0-1'
	tcase cli/bad-cpus-comma case_cli_bad_cpus , \
		": a CPU number is missing at ','; use e.g. 0-3,6"
	tcase cli/bad-cpus-trailing-comma case_cli_bad_cpus 0, \
		' ends with a comma; remove it'
	tcase cli/bad-heap-step-small case_cli_bad_heap_step 1
	tcase cli/bad-heap-step-large case_cli_bad_heap_step 1T
	tcase cli/no-program case_cli_no_program --
	tcase cli/no-program-no-dashdash case_cli_no_program
	tcase cli/bad-offload-route case_cli_bad_offload
	tcase cli/offload-unknown-call case_cli_offload_unknown_call
	tcase cli/offload-local-call case_cli_offload_local_call
	tcase cli/offload-thread-call case_cli_offload_thread_call
	tcase cli/bad-proxy-cpus case_cli_bad_proxy_cpus

	fastentry_cases
	procfs_cases
	mpi_cases
}
