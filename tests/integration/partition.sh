#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tandem's partition suite: reserve, boot, run --instance, status, ps, kmsg,
# shutdown and release, every command's bad input, the unprivileged path
# (run as a user of its own), kill -9 of a run, and a killed daemon. The
# helpers are lib.sh's; the cases are below.
#
# usage: tests/integration/partition.sh [--tandem PATH] [--filter GLOB]
#                                       [--list] [--keep] [--no-summary]
#
#   --tandem PATH   the tandem binary (default: build/tandem in the tree)
#   --filter GLOB   run only the cases whose name matches (e.g. 'partition/bad/*')
#   --list          print the names of the cases that would run
#   --keep          keep the temporary directory and say where it is
#   --no-summary    leave out the last line (run-tests.sh prints its own)
#
# Environment: TANDEM_TEST_TIMEOUT  seconds per command (default 60)
#              TANDEM_TEST_USER     the unprivileged user (default tandemtest;
#                                   made with useradd -M if missing, and
#                                   removed again at the end)
#
# Most cases need root: they change cpusets, huge pages and interrupt masks
# while they run. Each case gives back what it took, and a trap releases
# anything left when the suite ends, however it ends; the last case checks
# that the machine is as it was. A reservation or a booted instance found
# at the start belongs to someone else: the cases that would disturb it are
# skipped.
#
# Prints "ok NAME", "FAIL NAME: why" (details indented below) or
# "skip NAME: why" per case, then "N passed, N failed, N skipped"; exits 1
# when a case failed or no case ran.

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
suite_init "${BASH_SOURCE[0]}" "$@"
TUSER=${TANDEM_TEST_USER:-tandemtest}
RUN_OPTS=()
if [[ $TANDEM == native ]]; then
	echo "partition.sh: --tandem native: the partition cases need a real tandem" >&2
	exit 2
fi

RUN=/run/tandem
INST=ptest			# the instance name the root cases boot
MEM=64M				# reserved: 32 pages of 2 MiB
MEM_BYTES=$((64 << 20))
POOL=32M
POOL_BYTES=$((32 << 20))

# --- helpers ------------------------------------------------------------------

# t ARGS: run tandem with the time limit; its output as it comes.
t()
{
	timeout -k 5 "$TIMEOUT" "$TANDEM" "$@"
}

# as_user CMD...: run CMD as the unprivileged user, without root's groups
# or runtime directory.
as_user()
{
	setpriv --reuid="$TUSER" --regid="$TUSER" --init-groups \
		env -u XDG_RUNTIME_DIR HOME=/ "$@"
}

# jget FILE EXPR: print the Python expression EXPR over the JSON in FILE
# (as d); fails, saying why, when FILE is not JSON. The system's python3
# when there is one: a version manager's shim costs a quarter second.
PY=$(type -P /usr/bin/python3 python3 | head -n 1)
jget()
{
	"$PY" -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    sys.exit("not JSON (%s): %s" % (e, open(sys.argv[1]).read()[:300]))
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (dict, list)) or v is None else v)
' "$1" "$2"
}

# want WHAT GOT EXPECTED: fail loudly unless GOT is EXPECTED.
want()
{
	if [[ $2 != "$3" ]]; then
		echo "$1: got '$2', expected '$3'"
		return 1
	fi
}

# wait_until SECONDS DESC CMD...: poll CMD every 0.1 s until it succeeds.
wait_until()
{
	local limit=$(($1 * 10)) desc=$2 i
	shift 2

	for ((i = 0; i < limit; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "still not true after ${limit}00 ms: $desc"
	return 1
}

# expect STATUS TEXT -- ARGS: tandem ARGS ends with STATUS, says TEXT on
# stderr (lib.sh's expect_tandem, which also wants an empty stdout).
expect()
{
	local st=$1 text=$2
	shift 3
	expect_tandem "$st" --stderr-has "$text" -- "$@"
}

status_json()
{
	t status --json >"$CASE_DIR/status.json" 2>"$CASE_DIR/status.err"
}

# inst_field EXPR: EXPR over instance $INST in a fresh `status --json`.
inst_field()
{
	status_json || { echo "status --json failed:"; cat "$CASE_DIR/status.err"; return 1; }
	jget "$CASE_DIR/status.json" \
		"[i for i in d['instances'] if i['name'] == '$INST'][0]$1"
}

# The machine state that reserve changes and release must give back.
machine_state()
{
	local f

	for f in /sys/kernel/mm/hugepages/hugepages-*/nr_hugepages \
		/sys/devices/system/node/node*/hugepages/hugepages-*/nr_hugepages; do
		[[ -r $f ]] && echo "$f $(<"$f")"
	done
	ls -d /sys/fs/cgroup/cpuset/tandem-* /sys/fs/cgroup/tandem-* \
		/sys/fs/cgroup/unified/tandem-* 2>/dev/null
	[[ -r /sys/fs/cgroup/cpuset/cpuset.sched_load_balance ]] &&
		echo "load_balance $(</sys/fs/cgroup/cpuset/cpuset.sched_load_balance)"
	for f in /proc/irq/default_smp_affinity /proc/irq/*/smp_affinity; do
		[[ -r $f ]] && echo "$f $(<"$f")"
	done
	grep -F " $RUN/" /proc/mounts | cut -d' ' -f2,3
	[[ -e $RUN/reservation ]] && echo "reservation present"
	return 0
}

# Give back whatever the suite still holds: its instances, the
# reservation it made, the unprivileged user's instances.
cleanup_machine()
{
	local d

	local out=${CASE_DIR:-$WORK}/cleanup.out

	for d in "$RUN"/"$INST"*; do
		[[ -e $d/info ]] && "$TANDEM" shutdown --force "${d##*/}" >>"$out" 2>&1
	done
	if [[ -e $RUN/reservation && $FOREIGN_RESERVATION == 0 ]]; then
		"$TANDEM" release >>"$out" 2>&1
	fi
	if [[ -n $UBIN ]] && id "$TUSER" >/dev/null 2>&1; then
		as_user "$UBIN/tandem" shutdown --force default >/dev/null 2>&1
	fi
	return 0
}

# The reservation cases need root and a machine nobody else reserved.
need_machine()
{
	[[ $(id -u) == 0 ]] || skip "needs root (it changes cpusets and huge pages)"
	[[ $FOREIGN_RESERVATION == 0 ]] ||
		skip "a reservation made before the suite exists: not touching it"
	[[ -n $R_CPU ]] || skip "needs at least 2 online CPUs (one stays with Linux)"
	need_tandem || return 1
	[[ ! -e $RUN/reservation ]] || {
		echo "a reservation is left from an earlier case"; return 1; }
}

need_user()
{
	[[ $(id -u) == 0 ]] || skip "needs root to act as the unprivileged user $TUSER"
	[[ -n $UBIN ]] || skip "no unprivileged user: $USER_WHY"
	need_tandem
}

reserve_small()
{
	if ! t reserve --cpus "$R_CPU" --mem "$MEM" >"$CASE_DIR/reserve.out" 2>&1; then
		echo "tandem reserve --cpus $R_CPU --mem $MEM failed:"
		cat "$CASE_DIR/reserve.out"
		return 1
	fi
}

boot_small()
{
	if ! t boot --name "$INST" --mem "$POOL" >"$CASE_DIR/boot.out" 2>&1; then
		echo "tandem boot --name $INST --mem $POOL failed:"
		cat "$CASE_DIR/boot.out"
		return 1
	fi
}

# start_run: `tandem run --instance $INST -- sleep 60` in the background;
# RUN_PID is its pid (tandem run becomes the program).
start_run()
{
	"$TANDEM" run --instance "$INST" -- sleep 60 </dev/null \
		>"$CASE_DIR/run.out" 2>"$CASE_DIR/run.err" &
	RUN_PID=$!
	wait_until 10 "tandem ps shows the run (pid $RUN_PID)" ps_has "$RUN_PID"
}

ps_has()
{
	t ps --json >"$CASE_DIR/ps.json" 2>/dev/null &&
		jget "$CASE_DIR/ps.json" "[p['pid'] for p in d['processes']]" |
		grep -qw "$1"
}

# ps_comm_is PID NAME: the daemon has seen PID take the program's name.
ps_comm_is()
{
	t ps --json >"$CASE_DIR/ps.json" 2>/dev/null &&
		jget "$CASE_DIR/ps.json" "[p['comm'] for p in d['processes'] if p['pid'] == $1]" |
		grep -qw "$2"
}

running_is()
{
	[[ $(inst_field "['processes']['running']") == "$1" ]]
}

# End a case's own leftovers and check the machine is whole again.
finish()
{
	local rc=0

	# A killed run not yet reaped still counts as a member of its cpuset.
	if [[ -n ${RUN_PID:-} ]]; then
		kill -9 $RUN_PID 2>/dev/null
		wait $RUN_PID 2>/dev/null
	fi
	cleanup_machine
	machine_state >"$CASE_DIR/after"
	if ! cmp -s "$WORK/before" "$CASE_DIR/after"; then
		echo "the machine is not as it was before the case:"
		diff "$WORK/before" "$CASE_DIR/after" | sed 's/^/  /'
		if [[ -s $CASE_DIR/cleanup.out ]]; then
			echo "the clean-up said:"
			sed 's/^/  /' "$CASE_DIR/cleanup.out"
		fi
		rc=1
	fi
	return $rc
}

# --- bad input ----------------------------------------------------------------

# case_bad STATUS TEXT ARGS...: with nothing reserved; reserve and release
# as root (as a user they fail earlier, with status 3).
case_bad()
{
	local st=$1 text=$2
	shift 2

	if [[ $(id -u) != 0 && ( $1 == reserve || $1 == release ) ]]; then
		skip "needs root (as a user these fail earlier, with status 3)"
	fi
	[[ $FOREIGN_RESERVATION == 0 ]] ||
		skip "a reservation made before the suite exists"
	expect "$st" "$text" -- "$@"
}

case_bad_user()
{
	local st=$1 text=$2 out
	shift 2

	need_user || return
	as_user "$UBIN/tandem" "$@" >"$CASE_DIR/out" 2>"$CASE_DIR/err" </dev/null
	out=$?
	if [[ $out != "$st" ]] || ! grep -qF -- "$text" "$CASE_DIR/err"; then
		echo "as $TUSER: tandem $* ended with $out (expected $st), stderr:"
		sed 's/^/  /' "$CASE_DIR/err"
		echo "expected stderr to contain: $text"
		return 1
	fi
}

# --- the full cycle -----------------------------------------------------------

case_cycle()
{
	local got cg pid

	need_machine || return
	reserve_small || return

	status_json || { cat "$CASE_DIR/status.err"; finish; return 1; }
	want "reservation cpus" "$(jget "$CASE_DIR/status.json" "d['reservation']['cpus']")" "$R_CPU" &&
	want "reservation bytes" "$(jget "$CASE_DIR/status.json" "d['reservation']['mem_bytes']")" "$MEM_BYTES" &&
	want "nr_hugepages" "$(</proc/sys/vm/nr_hugepages)" "$((HP_BEFORE + 32))" &&
	cg=$(jget "$CASE_DIR/status.json" "d['reservation']['cgroup_path']") &&
	want "cpus of $cg" "$(<"$cg/cpuset.cpus")" "$R_CPU" &&
	boot_small || { finish; return 1; }

	wait_until 10 "the pool is pre-zeroed" \
		eval '[[ $(inst_field "[\"memory\"][\"zeroing_bytes\"]") == 0 ]]' &&
	want "mode" "$(inst_field "['mode']")" reserved &&
	want "instance cpus" "$(inst_field "['cpus']")" "$R_CPU" &&
	want "pool bytes" "$(inst_field "['memory']['total_bytes']")" "$POOL_BYTES" &&
	want "free bytes" "$(inst_field "['memory']['free_bytes']")" "$POOL_BYTES" &&
	want "pool kind" "$(inst_field "['memory']['pool']")" hugetlbfs &&
	want "running" "$(inst_field "['processes']['running']")" 0 &&
	t status >"$CASE_DIR/status.txt" &&
	grep -q "instance $INST: running" "$CASE_DIR/status.txt" ||
		{ finish; return 1; }

	start_run || { finish; return 1; }
	pid=$RUN_PID
	got=$(jget "$CASE_DIR/ps.json" "[p for p in d['processes'] if p['pid'] == $pid][0]")
	want "ps cores" "$(jget "$CASE_DIR/ps.json" "[p['cores'] for p in d['processes'] if p['pid'] == $pid][0]")" "$R_CPU" &&
	want "ps threads" "$(jget "$CASE_DIR/ps.json" "[p['threads'] for p in d['processes'] if p['pid'] == $pid][0]")" 1 &&
	want "ps instance" "$(jget "$CASE_DIR/ps.json" "[p['instance'] for p in d['processes'] if p['pid'] == $pid][0]")" "$INST" &&
	want "cpuset of the run" "$(sed 's|.*/\([^/]*/[^/]*\)$|\1|' "/proc/$pid/cpuset")" \
		"${cg##*/}/$INST" ||
		{ echo "ps entry: $got"; finish; return 1; }
	t ps >"$CASE_DIR/ps.txt" && grep -qw "$pid" "$CASE_DIR/ps.txt" ||
		{ echo "tandem ps does not list $pid:"; cat "$CASE_DIR/ps.txt"; finish; return 1; }
	t kmsg "$INST" >"$CASE_DIR/kmsg" &&
	grep -q "process $pid (uid 0) joined" "$CASE_DIR/kmsg" ||
		{ echo "kmsg lacks the join of $pid:"; cat "$CASE_DIR/kmsg"; finish; return 1; }

	# shutdown refuses while the program runs, release while booted
	expect 4 "still run" -- shutdown "$INST" &&
	expect 4 "still booted" -- release || { finish; return 1; }

	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
	wait_until 5 "status shows no process" running_is 0 &&
	t shutdown "$INST" >"$CASE_DIR/shutdown.out" 2>&1 &&
	[[ ! -e $RUN/$INST ]] &&
	t release >"$CASE_DIR/release.out" 2>&1 ||
		{ echo "shutdown or release failed:"; cat "$CASE_DIR"/shutdown.out "$CASE_DIR"/release.out 2>/dev/null; finish; return 1; }
	RUN_PID=
	finish
}

# JSON of status and ps: parses, and has the documented fields.
case_json()
{
	local k

	need_machine || return
	reserve_small && boot_small && start_run || { finish; return 1; }
	status_json &&
	for k in version reservation instances; do
		jget "$CASE_DIR/status.json" "d['$k']" >/dev/null || return 1
	done &&
	for k in name state mode daemon_pid owner_uid uptime_s booted_at cpus \
		nr_cpus proxy_cpus cgroup_path memory processes kmsg_bytes; do
		inst_field "['$k']" >/dev/null || { echo "no field $k"; finish; return 1; }
	done &&
	for k in pool pool_path page_size total_bytes free_bytes used_bytes \
		zeroing_bytes prezeroed_bytes prezero_error fragmentation_permille; do
		inst_field "['memory']['$k']" >/dev/null || { echo "no memory.$k"; finish; return 1; }
	done &&
	for k in modes sites_rewritten sites_kept fast_calls signal_calls; do
		inst_field "['entry']['$k']" >/dev/null || { echo "no entry.$k"; finish; return 1; }
	done &&
	[[ $(inst_field "['entry']['modes']") != "none yet" ]] ||
		{ echo "status names no entry path after a run"; finish; return 1; }
	for k in cpus nr_cpus linux_cpus mem_bytes page_size pages node cgroup cgroup_path; do
		jget "$CASE_DIR/status.json" "d['reservation']['$k']" >/dev/null ||
			{ echo "no reservation.$k"; finish; return 1; }
	done &&
	for k in instance pid ppid uid comm how threads cores rss_bytes pool_bytes age_s; do
		jget "$CASE_DIR/ps.json" "d['processes'][0]['$k']" >/dev/null ||
			{ echo "no ps field $k"; finish; return 1; }
	done || { finish; return 1; }
	finish
}

# ps_pool PID: the pool bytes `tandem ps` gives PID (nothing if not listed).
ps_pool()
{
	t ps --json >"$CASE_DIR/ps.json" 2>/dev/null &&
		jget "$CASE_DIR/ps.json" \
			"[p['pool_bytes'] for p in d['processes'] if p['pid'] == $1][0]"
}

# pool_at_least PID BYTES: ps says PID holds at least BYTES of the pool.
pool_at_least()
{
	local b

	b=$(ps_pool "$1") && ((b >= $2))
}

# ps shows what each process holds of the pool: a program that keeps 16 MiB
# (written, so the LWK must have handed it out) shows at least that, and
# no more than the pool.
case_ps_pool()
{
	local pid b

	need_machine || return
	reserve_small && boot_small || { finish; return 1; }
	"$TANDEM" run --instance "$INST" -- python3 -c '
import time
b = bytearray(16 << 20)
print("ready", flush=True)
time.sleep(60)' </dev/null >"$CASE_DIR/run.out" 2>"$CASE_DIR/run.err" &
	pid=$!
	wait_until 20 "the program holds its 16 MiB" grep -q ready "$CASE_DIR/run.out" &&
	wait_until 5 "tandem ps gives pid $pid at least 16 MiB of the pool" \
		pool_at_least "$pid" $((16 << 20)) || { kill -9 "$pid"; finish; return 1; }
	b=$(ps_pool "$pid")
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	((b <= POOL_BYTES)) || { echo "ps: pool_bytes $b is more than the pool"; finish; return 1; }
	finish
}

# A child killed while its parent, which never waits, runs on: it ended
# once, and the daemon says so once (a zombie is not found again).
case_zombie_once()
{
	local c n

	need_machine || return
	reserve_small && boot_small || { finish; return 1; }
	"$TANDEM" run --instance "$INST" -- python3 -c '
import os, time
pid = os.fork()
if pid == 0:
    time.sleep(30)
    os._exit(0)
print(pid, flush=True)
time.sleep(4)' </dev/null >"$CASE_DIR/run.out" 2>"$CASE_DIR/run.err" &
	wait_until 10 "the child's pid" grep -q . "$CASE_DIR/run.out" ||
		{ finish; return 1; }
	c=$(<"$CASE_DIR/run.out")
	wait_until 5 "the daemon finds the child $c" ps_has "$c" || { finish; return 1; }
	kill -9 "$c"
	sleep 1.5
	n=$(t kmsg "$INST" | grep -c "process $c ")
	wait
	want "kmsg lines about the killed child $c (found, ended)" "$n" 2 ||
		{ t kmsg "$INST" | grep "process $c "; finish; return 1; }
	finish
}

# kill -9 of a run: the daemon sees it end, the pool is whole again, the
# cores' placement counts come back.
case_kill9()
{
	local free used

	need_machine || return
	reserve_small && boot_small || { finish; return 1; }
	free=$(inst_field "['memory']['free_bytes']") &&
	want "free bytes before the run" "$free" "$POOL_BYTES" &&
	start_run || { finish; return 1; }
	used=$(inst_field "['memory']['used_bytes']") &&
	want "placed threads while it runs" "$(inst_field "['processes']['placed_threads']")" 1 ||
		{ finish; return 1; }
	if ((used == 0)); then
		echo "the LWK counts no pool memory in use while the program runs"
		finish
		return 1
	fi
	# The daemon learns the program's name by polling; wait for it, so
	# the log line below names the program and not the tandem tool.
	wait_until 10 "ps names the program" ps_comm_is "$RUN_PID" sleep
	kill -9 "$RUN_PID"
	wait "$RUN_PID" 2>/dev/null
	wait_until 5 "status shows no process after kill -9" running_is 0 &&
	want "free bytes after kill -9" "$(inst_field "['memory']['free_bytes']")" "$free" &&
	want "placed threads after kill -9" "$(inst_field "['processes']['placed_threads']")" 0 &&
	t kmsg "$INST" >"$CASE_DIR/kmsg" &&
	grep -q "process $RUN_PID (sleep) ended" "$CASE_DIR/kmsg" ||
		{ echo "kmsg:"; cat "$CASE_DIR/kmsg"; finish; return 1; }
	RUN_PID=
	finish
}

# Programs started separately run at once on one instance, from its
# pool: both run, status counts both, one of them maps the reserved huge
# pages, and the pool is whole again when they end.
case_two_at_once()
{
	local a b d=$CASE_DIR

	need_machine || return
	reserve_small && boot_small || { finish; return 1; }
	"$TANDEM" run --instance "$INST" -- sh -c 'echo first; exec sleep 60' \
		</dev/null >"$d/a.out" 2>"$d/a.err" &
	a=$!
	"$TANDEM" run --instance "$INST" -- \
		dd if=/dev/zero of=/dev/null bs=4M count=1000000000 \
		</dev/null >"$d/b.out" 2>"$d/b.err" &
	b=$!
	RUN_PID="$a $b"
	wait_until 10 "ps shows both programs" eval "ps_has $a && ps_has $b" &&
	wait_until 10 "status counts two processes" running_is 2 &&
	want "the first program's output" "$(cat "$d/a.out")" first &&
	wait_until 10 "dd uses the 2 MiB pool" eval \
		'(( $(inst_field "[\"memory\"][\"pools\"]" |
		   "$PY" -c "import json,sys; print(sum(p[\"used_bytes\"] for p in json.load(sys.stdin) if p[\"page_size\"] == 2097152))") > 0 ))' ||
		{ echo "status:"; t status "$INST"; cat "$d"/a.err "$d"/b.err; finish; return 1; }
	kill -TERM $a $b
	wait $a $b 2>/dev/null
	RUN_PID=
	wait_until 5 "status shows no process" running_is 0 &&
	want "free bytes after both ended" "$(inst_field "['memory']['free_bytes']")" "$POOL_BYTES" ||
		{ finish; return 1; }
	finish
}

# kill -9 of a program while another runs on the instance: what it held
# comes back at once (the daemon's reaper), zeroed, and the other runs on.
case_kill9_shared()
{
	local free b d=$CASE_DIR

	need_machine || return
	reserve_small && boot_small && start_run || { finish; return 1; }
	free=$(inst_field "['memory']['free_bytes']") || { finish; return 1; }
	"$TANDEM" run --instance "$INST" -- \
		dd if=/dev/zero of=/dev/null bs=8M count=1000000000 \
		</dev/null >"$d/b.out" 2>"$d/b.err" &
	b=$!
	wait_until 10 "dd holds its 8 MiB buffer" eval \
		"(( \$(inst_field \"['memory']['free_bytes']\") <= $free - 8388608 ))" ||
		{ kill -9 $b; wait $b; finish; return 1; }
	kill -9 $b
	wait $b 2>/dev/null
	wait_until 5 "free bytes back to $free after kill -9" eval \
		"[[ \$(inst_field \"['memory']['free_bytes']\") == $free ]]" &&
	wait_until 5 "nothing left to zero" eval \
		"[[ \$(inst_field \"['memory']['dirty_bytes']\") == 0 ]]" &&
	want "processes running" "$(inst_field "['processes']['running']")" 1 &&
	t kmsg "$INST" >"$d/kmsg" &&
	grep -q "pool: took back the memory of 1 ended process" "$d/kmsg" ||
		{ echo "kmsg:"; cat "$d/kmsg" 2>/dev/null; finish; return 1; }
	finish
}

# mpiexec -n 2 tandem run --instance: both ranks join, the MPI program
# passes its checks, the pool is whole afterwards.
case_mpi()
{
	local d=$CASE_DIR prog

	need_machine || return
	command -v mpicc.openmpi >/dev/null && command -v mpiexec.openmpi >/dev/null ||
		skip "needs Open MPI (mpicc.openmpi, mpiexec.openmpi: tools/deps.sh)"
	prog=$d/mpi_check
	mpicc.openmpi -O2 -o "$prog" "$PROGS/mpi_check.c" >"$d/cc.out" 2>&1 ||
		{ echo "mpicc.openmpi:"; cat "$d/cc.out"; return 1; }
	# Each rank's threads take 8 MiB stacks from the pool (RLIMIT_STACK):
	# more than the small pool of the other cases.
	t reserve --cpus "$R_CPU" --mem 256M >"$d/reserve.out" 2>&1 &&
	t boot --name "$INST" --mem 192M >"$d/boot.out" 2>&1 ||
		{ cat "$d"/reserve.out "$d"/boot.out; finish; return 1; }
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
		timeout -k 5 "$TIMEOUT" mpiexec.openmpi -n 2 --oversubscribe \
		--mca pml ob1 --mca btl self,vader \
		"$TANDEM" run --instance "$INST" -- "$prog" 5 \
		</dev/null >"$d/mpi.out" 2>"$d/mpi.err"
	want "mpiexec status" "$?" 0 &&
	grep -q "all checks passed" "$d/mpi.out" &&
	grep -q "ranks 2," "$d/mpi.out" ||
		{ cat "$d/mpi.out" "$d/mpi.err"; finish; return 1; }
	t kmsg "$INST" >"$d/kmsg" &&
	want "joins in kmsg" "$(grep -c joined "$d/kmsg")" 2 &&
	wait_until 5 "status shows no process" running_is 0 &&
	want "free bytes after the ranks" "$(inst_field "['memory']['free_bytes']")" $((192 << 20)) ||
		{ cat "$d/kmsg"; finish; return 1; }
	finish
}

# shutdown --force ends what runs first.
case_shutdown_force()
{
	local pid

	need_machine || return
	reserve_small && boot_small && start_run || { finish; return 1; }
	pid=$RUN_PID
	t shutdown --force "$INST" >"$CASE_DIR/shutdown.out" 2>&1 &&
	grep -q "1 program was ended first" "$CASE_DIR/shutdown.out" ||
		{ echo "shutdown --force:"; cat "$CASE_DIR/shutdown.out"; finish; return 1; }
	if kill -0 "$pid" 2>/dev/null && [[ $(ps -o stat= -p "$pid") != Z* ]]; then
		echo "the program (pid $pid) still runs after shutdown --force"
		finish
		return 1
	fi
	wait "$pid" 2>/dev/null
	RUN_PID=
	finish
}

# Conflicts on a reservation: reserve twice, double boot, no cores left,
# cores or memory beyond the reservation, release while booted.
case_conflicts()
{
	need_machine || return
	reserve_small || return
	expect 4 "already reserved" -- reserve --cpus "$R_CPU" --mem "$MEM" &&
	expect 2 "are not reserved" -- boot --name "${INST}2" --cpus "$L_CPU" &&
	expect 2 "of the reservation" -- boot --name "${INST}2" --mem 1G &&
	expect 2 "are not Linux cores" -- boot --name "${INST}2" --proxy-cpus "$R_CPU" &&
	boot_small &&
	expect 4 "already booted" -- boot --name "$INST" &&
	expect 4 "belongs to an instance already" -- boot --name "${INST}2" &&
	expect 4 "still booted" -- release ||
		{ finish; return 1; }
	finish
}

# The daemon killed while a program runs: the program ends with a message
# that says why; status says the instance is stale and cleans it up;
# release still works.
case_daemon_killed()
{
	local dpid st

	need_machine || return
	reserve_small && boot_small && start_run || { finish; return 1; }
	dpid=$(inst_field "['daemon_pid']") || { finish; return 1; }
	kill -9 "$dpid"
	wait_until 5 "the daemon $dpid is gone" eval "! kill -0 $dpid"
	wait_until 10 "the program ends" eval "! kill -0 $RUN_PID 2>/dev/null || [[ \$(ps -o stat= -p $RUN_PID) == Z* ]]" ||
		{ finish; return 1; }
	wait "$RUN_PID"
	st=$?
	RUN_PID=
	want "the program's exit status (SIGTERM)" "$st" 143 &&
	grep -q "the daemon of instance $INST (pid $dpid) ended while the program" "$CASE_DIR/run.err" ||
		{ echo "run stderr:"; cat "$CASE_DIR/run.err"; finish; return 1; }
	t status >"$CASE_DIR/status.out" 2>"$CASE_DIR/status.err"
	want "status exit" "$?" 0 || { finish; return 1; }
	if ! grep -q "instance $INST is stale" "$CASE_DIR/status.err"; then
		echo "status did not say the instance is stale; stderr:"
		cat "$CASE_DIR/status.err"
		finish
		return 1
	fi
	grep -q "instance $INST" "$CASE_DIR/status.out" &&
		{ echo "status still shows the stale instance:"; cat "$CASE_DIR/status.out"; finish; return 1; }
	expect 5 "no instance named" -- shutdown "$INST" &&
	t release >"$CASE_DIR/release.out" 2>&1 ||
		{ echo "release after the daemon died:"; cat "$CASE_DIR/release.out"; finish; return 1; }
	finish
}

# kmsg on a ring that wrapped: whole lines only, the newest kept; --clear;
# -f sees lines as they come and ends with the instance.
case_kmsg()
{
	local d=$CASE_DIR fill n first last

	[[ $(id -u) == 0 ]] || skip "needs root (to write to root's instance page)"
	[[ $FOREIGN_RESERVATION == 0 ]] ||
		skip "a reservation made before the suite exists: boot would use it"
	need_tandem || return
	fill=$(prog kmsgfill) || return
	t boot --name "$INST" --mem 8M >"$d/boot.out" 2>&1 ||
		{ echo "boot:"; cat "$d/boot.out"; finish; return 1; }

	# The daemon's last line comes once the pool is pre-zeroed.
	wait_until 10 "the pool is pre-zeroed" \
		eval '[[ $(inst_field "[\"memory\"][\"zeroing_bytes\"]") == 0 ]]' ||
		{ finish; return 1; }

	# 3000 lines of about 50 bytes: more than twice the 64 KiB ring.
	"$fill" "$RUN/$INST/instance" 3000 wrap &&
	t kmsg "$INST" >"$d/kmsg" || { finish; return 1; }
	n=$(wc -c <"$d/kmsg")
	first=$(head -n 1 "$d/kmsg")
	last=$(tail -n 1 "$d/kmsg")
	((n <= 65536 && n > 60000)) || { echo "kmsg printed $n bytes, expected just under 64 KiB"; finish; return 1; }
	[[ $first == '<info> 0 kmsgfill: wrap line '* ]] ||
		{ echo "first line is not whole: '$first'"; finish; return 1; }
	want "last line" "$last" "<info> 0 kmsgfill: wrap line 3000 of 3000" ||
		{ finish; return 1; }

	t kmsg --clear "$INST" && t kmsg "$INST" >"$d/cleared" &&
	want "bytes after --clear" "$(wc -c <"$d/cleared")" 0 ||
		{ finish; return 1; }
	t kmsg -f "$INST" >"$d/follow" 2>"$d/follow.err" &
	sleep 0.3
	"$fill" "$RUN/$INST/instance" 3 new &&
	wait_until 5 "kmsg -f shows the new lines" grep -q "new line 3 of 3" "$d/follow" &&
	t shutdown "$INST" >/dev/null &&
	wait_until 5 "kmsg -f ends with the instance" eval "! kill -0 $! 2>/dev/null" &&
	want "lines kmsg -f printed" "$(grep -c kmsgfill "$d/follow")" 3 &&
	grep -q "instance $INST ended" "$d/follow.err" ||
		{ echo "kmsg -f printed:"; cat "$d/follow" "$d/follow.err"; finish; return 1; }
	finish
}

# A program on an instance cannot use the LWK's descriptors (the instance
# page, the pool files: issue 5): every call on them answers as for a
# descriptor that is not open, and the instance is whole afterwards.
case_fd_lwk()
{
	local d=$CASE_DIR probe

	need_machine || return
	probe=$(prog fdprobe) || return
	reserve_small && boot_small || { finish; return 1; }
	"$TANDEM" run --instance "$INST" -- "$probe" </dev/null >"$d/run.out" 2>&1
	grep -q 'soft limit + 256: 0 open' "$d/run.out" &&
	grep -q 'after close_range: works' "$d/run.out" ||
		{ echo "fdprobe on the instance:"; cat "$d/run.out"; finish; return 1; }
	"$TANDEM" run --instance "$INST" -- true ||
		{ echo "a run after fdprobe failed"; finish; return 1; }
	finish
}

# --- the unprivileged path ----------------------------------------------------

case_user_cycle()
{
	local d=$CASE_DIR u

	need_user || return
	u=$(id -u "$TUSER")
	as_user "$UBIN/tandem" boot --mem 16M >"$d/boot.out" 2>&1 ||
		{ echo "boot as $TUSER:"; cat "$d/boot.out"; finish; return 1; }
	as_user "$UBIN/tandem" status --json >"$d/status.json" 2>"$d/status.err" &&
	want "mode" "$(jget "$d/status.json" "[i for i in d['instances'] if i['name'] == 'default'][0]['mode']")" pinning-only &&
	want "owner" "$(jget "$d/status.json" "[i for i in d['instances'] if i['name'] == 'default'][0]['owner_uid']")" "$u" &&
	want "pool" "$(jget "$d/status.json" "[i for i in d['instances'] if i['name'] == 'default'][0]['memory']['pool']")" memfd &&
	as_user "$UBIN/tandem" status >"$d/status.txt" 2>&1 &&
	grep -q "pinning only" "$d/status.txt" ||
		{ echo "status as $TUSER:"; cat "$d/status.txt" "$d/status.err" 2>/dev/null; finish; return 1; }
	(cd / && as_user "$UBIN/tandem" run --instance default -- sh -c 'id -u; sleep 1') \
		>"$d/run.out" 2>"$d/run.err" &
	wait_until 10 "ps as $TUSER shows the run" \
		eval "as_user '$UBIN/tandem' ps --json | grep -q '\"uid\":$u'" ||
		{ finish; return 1; }
	wait $!
	want "the program's uid" "$(cat "$d/run.out")" "$u" &&
	as_user "$UBIN/tandem" kmsg >"$d/kmsg" 2>&1 && grep -q joined "$d/kmsg" &&
	as_user "$UBIN/tandem" shutdown >"$d/shutdown.out" 2>&1 ||
		{ echo "run, kmsg or shutdown as $TUSER:"; cat "$d"/run.err "$d"/kmsg "$d"/shutdown.out 2>/dev/null; finish; return 1; }
	finish
}

# An unprivileged user runs on root's reserved instance (the daemon moves
# it into the cpuset), and may not shut it down.
case_user_joins_reserved()
{
	local d=$CASE_DIR cg

	need_machine || return
	need_user || return
	reserve_small && boot_small || { finish; return 1; }
	cg=$(inst_field "['cgroup_path']") || { finish; return 1; }
	(cd / && as_user "$UBIN/tandem" run --instance "$INST" -- cat /proc/self/cpuset) \
		>"$d/run.out" 2>"$d/run.err"
	want "cpuset of the user's run" "$(sed 's|.*/\([^/]*/[^/]*\)$|\1|' "$d/run.out")" \
		"$(basename "$(dirname "$cg")")/${cg##*/}" ||
		{ cat "$d/run.err"; finish; return 1; }
	case_bad_user 3 "only its owner or root" shutdown "$INST" ||
		{ finish; return 1; }
	finish
}

# --- the list -----------------------------------------------------------------

all_cases()
{
	local allc

	tcase partition/bad/reserve-no-args case_bad 2 "needs --cpus and --mem" reserve
	tcase partition/bad/reserve-cpu-list case_bad 2 "is not a CPU list" reserve --cpus 1-x --mem 64M
	tcase partition/bad/reserve-cpus-beyond case_bad 2 "do not exist" reserve --cpus "$NCPU-$((NCPU + 3))" --mem 64M
	allc=$(</sys/devices/system/cpu/online)
	tcase partition/bad/reserve-last-core case_bad 2 "Linux needs at least one" reserve --cpus "$allc" --mem 64M
	tcase partition/bad/reserve-mem-beyond case_bad 2 "has only" reserve --cpus 1 --mem 1000T
	tcase partition/bad/reserve-mem-size case_bad 2 "is not a size" reserve --cpus 1 --mem 12Q
	tcase partition/bad/reserve-node case_bad 2 "does not exist" reserve --cpus 1 --mem 64M@999
	tcase partition/bad/reserve-page-size case_bad 2 "use 2m or 1g" reserve --cpus 1 --mem 64M --page-size 4k
	tcase partition/bad/reserve-option case_bad 2 "unknown option" reserve --cpus 1 --mem 64M --bogus
	tcase partition/bad/release-nothing case_bad 5 "nothing is reserved" release
	tcase partition/bad/release-args case_bad 2 "takes no arguments" release now
	tcase partition/bad/boot-name case_bad 2 "instance name" boot --name a/b
	tcase partition/bad/boot-mem-size case_bad 2 "is not a size" boot --mem 12Q
	tcase partition/bad/boot-mem-node case_bad 2 "only reserve takes" boot --mem 64M@0
	tcase partition/bad/boot-mem-beyond case_bad 2 "is available" boot --name "$INST" --mem 1000T
	tcase partition/bad/boot-cpu-list case_bad 2 "is not a CPU list" boot --cpus x
	tcase partition/bad/boot-cpus-beyond case_bad 2 "not available to you" boot --name "$INST" --cpus "$NCPU"
	tcase partition/bad/boot-option case_bad 2 "unknown option" boot --bogus
	tcase partition/bad/status-unknown case_bad 5 "no instance named" status "$INST-none"
	tcase partition/bad/status-option case_bad 2 "unknown option" status --bogus
	tcase partition/bad/ps-unknown case_bad 5 "no instance named" ps "$INST-none"
	tcase partition/bad/kmsg-unknown case_bad 5 "no instance named" kmsg "$INST-none"
	tcase partition/bad/kmsg-option case_bad 2 "unknown option" kmsg --bogus
	tcase partition/bad/shutdown-unknown case_bad 5 "no instance named" shutdown "$INST-none"
	tcase partition/bad/shutdown-option case_bad 2 "unknown option" shutdown --bogus
	tcase partition/bad/run-instance-unknown case_bad 2 "no instance named" run --instance "$INST-none" -- true
	tcase partition/bad/run-instance-cpus case_bad 2 "the instance's cores" run --instance "$INST" --cpus 1 -- true
	tcase partition/bad/run-instance-stats case_bad 2 "--stats is for a private run" run --instance "$INST" --stats -- true
	tcase partition/bad/user-reserve case_bad_user 3 "needs root" reserve --cpus 1 --mem 64M
	tcase partition/bad/user-release case_bad_user 3 "needs root" release

	tcase partition/cycle case_cycle
	tcase partition/json case_json
	tcase partition/conflicts case_conflicts
	tcase partition/ps-pool-bytes case_ps_pool
	tcase partition/zombie-once case_zombie_once
	tcase partition/kill9-reclaim case_kill9
	tcase partition/two-at-once case_two_at_once
	tcase partition/kill9-reclaim-shared case_kill9_shared
	tcase partition/mpi-np2 case_mpi
	tcase partition/shutdown-force case_shutdown_force
	tcase partition/daemon-killed case_daemon_killed
	tcase partition/kmsg-ring case_kmsg
	tcase partition/fd-lwk-ebadf case_fd_lwk
	tcase partition/user-cycle case_user_cycle
	tcase partition/user-joins-reserved case_user_joins_reserved
	tcase partition/machine-restored case_restored
}

case_restored()
{
	[[ $(id -u) == 0 ]] || skip "needs root (nothing was changed without it)"
	finish
}

# --- setup --------------------------------------------------------------------

if [[ $LIST == 1 ]]; then
	NCPU=0 R_CPU= L_CPU= FOREIGN_RESERVATION=0 UBIN=
	all_cases
	exit 0
fi

suite_begin partition

# CPUs: the last online one is reserved, the first stays with Linux.
NCPU=$(($(sed 's/.*[-,]//' /sys/devices/system/cpu/possible) + 1))
ONLINE=$(</sys/devices/system/cpu/online)
L_CPU=${ONLINE%%[-,]*}
R_CPU=${ONLINE##*[-,]}
[[ $R_CPU == "$L_CPU" ]] && R_CPU=
HP_BEFORE=$(</proc/sys/vm/nr_hugepages)
FOREIGN_RESERVATION=0
[[ -e $RUN/reservation ]] && FOREIGN_RESERVATION=1

# The unprivileged user, and copies of the binaries it can reach.
UBIN=
USER_WHY=
MADE_USER=0
if [[ $(id -u) == 0 && $LIST == 0 ]]; then
	if ! id "$TUSER" >/dev/null 2>&1; then
		if useradd -M -s /usr/sbin/nologin "$TUSER" 2>"$WORK/useradd.err"; then
			MADE_USER=1
		else
			USER_WHY="useradd $TUSER failed: $(head -n 1 "$WORK/useradd.err")"
		fi
	fi
	if id "$TUSER" >/dev/null 2>&1; then
		UBIN=$(mktemp -d /tmp/tandem-partition-bin.XXXXXX) &&
			chmod 755 "$UBIN" &&
			cp "$TANDEM" "$(dirname "$TANDEM")/tandem-lwk" "$UBIN/" 2>/dev/null ||
			{ USER_WHY="cannot copy tandem for $TUSER"; UBIN=; }
	fi
fi

at_exit()
{
	cleanup_machine
	[[ -n $UBIN ]] && rm -rf "$UBIN"
	# The test user's instance directory (its instances are shut down).
	if id "$TUSER" >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
		rm -rf "/tmp/tandem-$(id -u "$TUSER")"
	fi
	((MADE_USER)) && userdel "$TUSER" 2>/dev/null
	suite_cleanup
}
trap at_exit EXIT
trap 'trap - INT; exit 130' INT
trap 'trap - TERM; exit 143' TERM

machine_state >"$WORK/before"
all_cases
suite_end
