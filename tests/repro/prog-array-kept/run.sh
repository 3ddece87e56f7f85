#!/bin/bash
# Reproduces the kernel keeping a prog_array for good (docs/reliability.md, "A dispatcher's table the kernel kept").
# Run as root, through the kernel tests' lock; every table it makes the kernel keep stays until a reboot (8.5 KB each).
#   run.sh minimal             reopen.c, 5 tables closed then reopened once by id; then 5 closed only
#   run.sh run TIMES [BIN]     the wildcard dispatcher test's run; its table, kept loaded by holding the run's programs,
#                              opened by id and closed TIMES times back to back: kept for good with 2, gone with 1
set -e
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mktemp -d)"
gcc -O2 -o "$out/reopen" "$here/reopen.c"
gcc -O2 -o "$out/hold_poll" "$here/hold_poll.c"
listed() { local n=0; for id in "$@"; do bpftool map show id "$id" >/dev/null 2>&1 && n=$((n + 1)); done; echo "$n"; }
case "$1" in
minimal)
    for reopen in 1 0; do
        ids=$("$out/reopen" 5 "$reopen")
        sleep 3
        echo "reopened $reopen: $(listed $ids) of 5 still listed 3 s after"
    done ;;
run)
    bin="${3:-$here/../../../src/SharpTrace.Cli/bin/Debug/net10.0/sharptrace}"
    "$bin" -e 'tracepoint:syscalls:sys_enter_* /pid == cpid/ { @[probe] = count(); }' -c "$here/../../programs/out/syscall_mix" >/dev/null 2>&1 &
    tool=$!
    ids=$("$out/hold_poll" "$tool" "$2")
    wait "$tool" || true
    sleep 30
    echo "opened $2 times: tables $(echo $ids), $(listed $ids) still listed 30 s after; programs named sys_enter_ left: $(bpftool prog show | grep -c 'name sys_enter_' || true)" ;;
*)
    echo "usage: $0 minimal | run TIMES [SHARPTRACE]" >&2; exit 2 ;;
esac
rm -rf "$out"
