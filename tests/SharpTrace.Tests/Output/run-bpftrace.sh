#!/bin/bash
# Re-checks a golden expectation of OutputGoldenTests against real bpftrace 0.17:
#   ./run-bpftrace.sh 'BEGIN { @h = hist(5); exit(); }'           text output
#   ./run-bpftrace.sh -f json 'BEGIN { @h = hist(5); exit(); }'   JSON output
# Drops bpftrace's "Attaching N probes..." line / attached_probes record and its RLIMIT_MEMLOCK warning.
# Output is shown with `cat -A` so trailing spaces and blank lines are visible ($ marks each line end).
args=()
while [ $# -gt 1 ]; do args+=("$1"); shift; done
timeout 10 bpftrace "${args[@]}" -e "$1" 2>/dev/null | sed '1{/^Attaching/d}' | grep -av '"attached_probes"' | cat -A
