#!/usr/bin/env bash
# Measures the NativeAOT sharptrace binary: its size, the time `sharptrace -e 'BEGIN { exit(); }'` takes from
# start to exit next to `bpftrace -e` with the same program (and the JIT build of sharptrace), and peak RSS
# (/usr/bin/time -v). Writes the results as the "Startup, size and memory" section of docs/benchmarks.md,
# replacing only that section; other sections of the file are left as they are.
#
#   bench/startup.sh [RUNS]      (as root; RUNS defaults to 20)
#
# Builds what it measures: the AOT binary with `dotnet publish -p:PublishAot=true` into artifacts/aot/ and the JIT
# build with `dotnet build -c Release`. Set SHARPTRACE_AOT to measure an AOT binary built elsewhere.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-20}"
program='BEGIN { exit(); }'
doc="$root/docs/benchmarks.md"
heading="## Startup, size and memory"

aot="${SHARPTRACE_AOT:-$root/artifacts/aot/sharptrace}"
if [[ -z "${SHARPTRACE_AOT:-}" ]]; then
    echo "startup.sh: publishing the NativeAOT binary into artifacts/aot/" >&2
    dotnet publish "$root/src/SharpTrace.Cli" -c Release -r linux-x64 -p:PublishAot=true -o "$root/artifacts/aot" \
        --nologo -v quiet >&2
fi
echo "startup.sh: building the JIT binary (Release)" >&2
dotnet build "$root/src/SharpTrace.Cli" -c Release --nologo -v quiet >&2
jit="$root/src/SharpTrace.Cli/bin/Release/net10.0/sharptrace"
bpftrace="$(command -v bpftrace)"

# Milliseconds of one run, start to exit, output discarded.
run_ms() {
    local start end
    start=$EPOCHREALTIME
    "$@" >/dev/null 2>&1
    end=$EPOCHREALTIME
    echo "$start $end" | awk '{ printf "%.1f\n", ($2 - $1) * 1000 }'
}

# "median min" of RUNS runs, after one warm-up run (page cache, tracefs, first BTF parse).
timing() {
    "$@" >/dev/null 2>&1 || { echo "startup.sh: $* failed" >&2; exit 1; }
    for ((i = 0; i < runs; i++)); do run_ms "$@"; done |
        sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f %.1f\n", m, v[1] }'
}

# Peak resident set size in MiB, from /usr/bin/time -v.
peak_rss() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }'
}

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

row() {
    local name="$1"; shift
    read -r median min < <(timing "$@")
    echo "| $name | $median | $min | $(peak_rss "$@") |"
}

rows="$(
    row "sharptrace (NativeAOT)" "$aot" -e "$program"
    row "sharptrace (JIT, dotnet build -c Release)" "$jit" -e "$program"
    row "bpftrace $("$bpftrace" -V 2>/dev/null | awk '{ print $2 }')" "$bpftrace" -e "$program"
)"
aot_size="$(stat -c %s "$aot")"
jit_size="$(du -cb "$(dirname "$jit")"/*.dll "$jit" | tail -1 | cut -f1)"
bpftrace_size="$(stat -c %s "$(readlink -f "$bpftrace")")"
# Shared libraries each binary loads (ldd), counted once each.
libs_size() { ldd "$1" | awk '/=> \// { print $3 }' | xargs -r readlink -f | sort -u | xargs -r stat -c %s | awk '{ s += $1 } END { print s + 0 }'; }
aot_libs="$(libs_size "$aot")"
bpftrace_libs="$(libs_size "$bpftrace")"

section="$(cat <<MD
$heading

Produced by \`bench/startup.sh\` ($runs runs each after one warm-up; $(date -u +%Y-%m-%d), $(uname -r), $(nproc) vCPUs,
load average $(cut -d' ' -f1 /proc/loadavg) when it ran). Time is from start to exit of \`-e '$program'\`: parse,
compile, load the BEGIN program, run it through \`BPF_PROG_TEST_RUN\`, release everything.

| tool | median ms | min ms | peak RSS MiB |
| --- | ---: | ---: | ---: |
$rows

Size: the NativeAOT \`sharptrace\` is one self-contained file of $(mib "$aot_size") MiB (symbols stripped into
\`sharptrace.dbg\`, which is not needed to run); the only shared libraries it loads are libc and libm
($(mib "$aot_libs") MiB). The JIT build is $(mib "$jit_size") MiB of assemblies plus the shared .NET runtime. The
\`bpftrace\` binary is $(mib "$bpftrace_size") MiB and loads $(mib "$bpftrace_libs") MiB of shared libraries (LLVM,
Clang, libbpf, BCC among them).

Build the binary with \`dotnet publish src/SharpTrace.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot\`.
MD
)"

"$root/bench/section.sh" "$doc" "$heading" <<<"$section"
echo "$section"
