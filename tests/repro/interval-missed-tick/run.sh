#!/bin/bash
# run.sh [SECONDS] [PERIOD_MS]: why an interval period goes missing while CPU 0 runs another BPF program.
# Runs, as IntervalTickTests does, another tracer's long program at each getpid of getpid_flood on CPU 0, and a
# tracer with `interval:ms:PERIOD` and `profile:ms:PERIOD` printing nsecs and cpu, while an ftrace instance records
# each CPU's timer expiries (timer:hrtimer_expire_entry, naming the interrupted task and its preempt and
# migrate-disable depths) and context switches. analyze.py then lists each missing interval period with both CPUs'
# timer expiries in it, and sorts each profile expiry (ran, or skipped) by the task it interrupted.
# With NO_LOAD=1 neither the other tracer nor getpid_flood runs (the tracer runs SECONDS alone).
# Needs root, tracefs, the built sharptrace and tests/programs/out/getpid_flood. Run it under the kernel-test lock:
#   flock /tmp/sharptrace-kernel-tests.lock tests/repro/interval-missed-tick/run.sh 60 5
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
st=${SHARPTRACE_BIN:-$root/src/SharpTrace.Cli/bin/Debug/net10.0/sharptrace}
flood=$root/tests/programs/out/getpid_flood
secs=${1:-60}
period=${2:-5}
out=$(mktemp -d /tmp/interval-missed-tick.XXXXXX)
inst=/sys/kernel/tracing/instances/interval-missed-tick-$$
events="timer/hrtimer_expire_entry sched/sched_switch"
mkdir "$inst"
cleanup() {
    [ -n "${tp:-}" ] && kill -INT "$tp" 2>/dev/null && wait "$tp" || true
    [ -n "${lp:-}" ] && kill -INT "$lp" 2>/dev/null && wait "$lp" || true
    echo 0 > "$inst/tracing_on"
    for e in $events; do echo 0 > "$inst/events/$e/enable"; done
    rmdir "$inst"
}
trap cleanup EXIT
echo 32768 > "$inst/buffer_size_kb"
echo mono > "$inst/trace_clock"
for e in $events; do echo 1 > "$inst/events/$e/enable"; done
if [ -z "${NO_LOAD:-}" ]; then
    "$st" -e 'tracepoint:syscalls:sys_enter_getpid /comm == "getpid_flood" && cpu == 0/ { for ($j : 0..200000) { @spin = $j; } }' > "$out/load" 2>&1 &
    lp=$!
    until grep -q Attached "$out/load"; do sleep 0.2; done
fi
"$st" -e "interval:ms:$period { printf(\"I %llu %d\n\", nsecs, cpu); } profile:ms:$period { printf(\"P %llu %d\n\", nsecs, cpu); }" > "$out/ticks" 2>&1 &
tp=$!
until grep -q Attached "$out/ticks"; do sleep 0.2; done
echo 1 > "$inst/tracing_on"
if [ -n "${NO_LOAD:-}" ]; then sleep "$secs"; else taskset -c 0 timeout "$secs" "$flood" 1000000000 || true; fi
echo 0 > "$inst/tracing_on"
kill -INT "$tp"; wait "$tp"; tp=
cat "$inst/trace" > "$out/ftrace"
echo "output in $out"
python3 "$here/analyze.py" "$out/ticks" "$out/ftrace" $((period * 1000000))
