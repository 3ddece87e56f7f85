#!/usr/bin/env bash
# Runs every SharpTrace test on a Debian machine with the .NET SDK, as root.
#   ./test.sh          kernel tests run the sharptrace built by `dotnet build` (Debug)
#   ./test.sh --aot    kernel tests run the NativeAOT binary, published into artifacts/aot/ first
# Sets up what the tests need (bpftrace, gcc, bpftool, prometheus, systemtap-sdt-dev, tracefs), builds the test
# programs and the solution, runs both test projects, and ends with one line:
#   N passed, N failed[, N skipped]
# Exits non-zero when anything failed, a build included.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

aot=0
[[ "${1:-}" == --aot ]] && aot=1

results="$root/TestResults"
passed=0
failed=0
skipped=0

summary() {
    local line="$passed passed, $failed failed"
    ((skipped > 0)) && line+=", $skipped skipped"
    echo "$line"
    ((failed == 0))
}

setup_failure() {
    echo "test.sh: $1" >&2
    failed=$((failed + 1))
}

# --- machine set-up -------------------------------------------------------------------
missing=()
command -v bpftrace >/dev/null || missing+=(bpftrace)
command -v gcc >/dev/null || missing+=(gcc)
# g++ builds tests/programs/cpp/cpp_names.cpp (C++ uprobes); binutils' dwp packs split DWARF into a .dwp.
command -v g++ >/dev/null || missing+=(g++)
command -v dwp >/dev/null || missing+=(binutils)
# bpftool lists loaded BPF programs and maps for the kernel tests' leak checks.
[[ -x /usr/sbin/bpftool || -x /usr/bin/bpftool || -x /sbin/bpftool ]] || missing+=(bpftool)
# prometheus: promtool checks the metrics exposition; the server scrapes the live endpoint in a kernel test.
[[ -x /usr/bin/promtool && -x /usr/bin/prometheus ]] || missing+=(prometheus)
# systemtap-sdt-dev: <sys/sdt.h>, the USDT probe macros tests/programs/usdt_probes.c uses.
[[ -f /usr/include/sys/sdt.h || -f /usr/include/x86_64-linux-gnu/sys/sdt.h ]] || missing+=(systemtap-sdt-dev)
# xz-utils: xz compresses the MiniDebugInfo the .gnu_debugdata tests build.
command -v xz >/dev/null || missing+=(xz-utils)
# rustc: builds tests/programs/rust/rust_chain.rs, whose frames the Rust demangling tests name.
command -v rustc >/dev/null || [[ -x /root/.cargo/bin/rustc ]] || missing+=(rustc)
if ((${#missing[@]} > 0)); then
    echo "test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -q && apt-get install -y -q "${missing[@]}"; } >/dev/null ||
        setup_failure "apt-get install ${missing[*]} failed"
fi

if [[ ! -d /sys/kernel/tracing/events ]]; then
    mount -t tracefs tracefs /sys/kernel/tracing || setup_failure "cannot mount tracefs at /sys/kernel/tracing"
fi

# --- test programs: tests/programs/NAME.c -> tests/programs/out/NAME ------------------
# -O0 and frame pointers keep every call and symbol for uprobes and stack walks.
mkdir -p tests/programs/out
for source in tests/programs/*.c; do
    name="$(basename "$source" .c)"
    [[ $name == cfi_chain ]] && continue
    gcc -O0 -g -fno-omit-frame-pointer -Wall -Wextra -Werror -o "tests/programs/out/$name" "$source" ||
        setup_failure "cannot compile $source"
done
# uaddr_target also without PIE: a fixed-address executable, whose symbol addresses bpftrace 0.17's uaddr reads right.
gcc -O0 -g -fno-omit-frame-pointer -no-pie -Wall -Wextra -Werror -o tests/programs/out/uaddr_target_nopie tests/programs/uaddr_target.c ||
    setup_failure "cannot compile tests/programs/uaddr_target.c without PIE"
# cfi_chain is optimized and has no frame pointers: dw_ustack unwinds it with its .eh_frame.
gcc -O2 -fomit-frame-pointer -g -Wall -Wextra -Werror -o tests/programs/out/cfi_chain tests/programs/cfi_chain.c ||
    setup_failure "cannot compile tests/programs/cfi_chain.c"
# cpp_names is C++: uprobes name its functions by their demangled names (uprobe:BIN:cpp:"shapes::area").
g++ -O0 -g -fno-omit-frame-pointer -Wall -Wextra -Werror -o tests/programs/out/cpp_names tests/programs/cpp/cpp_names.cpp ||
    setup_failure "cannot compile tests/programs/cpp/cpp_names.cpp"
# dwarf_args with split DWARF: DWARF 5 in a .dwo file beside it (out/split/), and DWARF 4 packed by dwp into
# dwarf_args.dwp (out/dwp/), its .dwo removed so that only the package holds the types.
rm -rf tests/programs/out/split tests/programs/out/dwp
mkdir -p tests/programs/out/split tests/programs/out/dwp
gcc -O0 -g -gsplit-dwarf -fno-omit-frame-pointer -Wall -Wextra -Werror -o tests/programs/out/split/dwarf_args tests/programs/dwarf_args.c ||
    setup_failure "cannot compile tests/programs/dwarf_args.c with -gsplit-dwarf"
{ gcc -O0 -g -gdwarf-4 -gsplit-dwarf -fno-omit-frame-pointer -Wall -Wextra -Werror -o tests/programs/out/dwp/dwarf_args tests/programs/dwarf_args.c &&
    dwp -e tests/programs/out/dwp/dwarf_args -o tests/programs/out/dwp/dwarf_args.dwp && rm -f tests/programs/out/dwp/*.dwo; } ||
    setup_failure "cannot build tests/programs/out/dwp/dwarf_args.dwp"
# rust_chain, twice: with rustc's legacy symbol names (its default; naming it needs an unstable flag) and with its
# v0 names, for the Rust demangling tests.
rustc="$(command -v rustc || echo /root/.cargo/bin/rustc)"
for out in rust_chain rust_chain_v0; do
    mangling=()
    [[ $out == *_v0 ]] && mangling=(-C symbol-mangling-version=v0)
    "$rustc" -C opt-level=0 -C force-frame-pointers=yes "${mangling[@]}" -o "tests/programs/out/$out" tests/programs/rust/rust_chain.rs ||
        setup_failure "cannot compile tests/programs/rust/rust_chain.rs into $out with $rustc"
done
# jit_loop is a .NET program whose JIT-compiled methods the perf map tests name (run as dotnet jit_loop.dll).
dotnet build tests/programs/jit_loop --nologo -v quiet -clp:NoSummary -o tests/programs/out/jit_loop >/dev/null ||
    setup_failure "cannot build tests/programs/jit_loop"

# --- build -------------------------------------------------------------------------------
if ! dotnet build SharpTrace.slnx --nologo -v minimal -clp:NoSummary; then
    echo "test.sh: build failed" >&2
    failed=$((failed + 1))
    summary
    exit 1
fi
# The kernel tests run the sharptrace binary just built, not an older one.
export SHARPTRACE_BIN="$root/src/SharpTrace.Cli/bin/Debug/net10.0/sharptrace"
if ((aot)); then
    if ! dotnet publish src/SharpTrace.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot --nologo -v quiet; then
        echo "test.sh: NativeAOT publish failed" >&2
        failed=$((failed + 1))
        summary
        exit 1
    fi
    export SHARPTRACE_BIN="$root/artifacts/aot/sharptrace"
fi

# --- tests -------------------------------------------------------------------------------
rm -rf "$results"

# Reads one TRX counter (passed, failed, ...) from the <Counters> element.
counter() {
    grep -o "<Counters [^>]*>" "$1" | grep -o " $2=\"[0-9]*\"" | grep -o "[0-9]*"
}

for project in SharpTrace.Tests SharpTrace.KernelTests; do
    trx="$results/$project.trx"
    echo "=== $project"
    # Kernel tests see every BPF object on the machine (leak checks), so two checkouts must not
    # run them at once: they take turns on one lock.
    serialize=()
    [[ $project == SharpTrace.KernelTests ]] && serialize=(flock /tmp/sharptrace-kernel-tests.lock)
    # The blame timeout turns a hung test into a named failure; the outer timeout bounds
    # anything else (a hung build server, a stuck test host).
    "${serialize[@]}" timeout -k 30s 20m dotnet test "tests/$project" --no-build --nologo \
        --logger "trx;LogFileName=$trx" --results-directory "$results" \
        --blame-hang-timeout 5m --blame-hang-dump-type none
    rc=$?

    if [[ ! -f "$trx" ]]; then
        setup_failure "$project wrote no results (dotnet test exit code $rc)"
        continue
    fi
    p="$(counter "$trx" passed)"
    f="$(counter "$trx" failed)"
    e="$(counter "$trx" error)"
    total="$(counter "$trx" total)"
    executed="$(counter "$trx" executed)"
    s=$((${total:-0} - ${executed:-0}))
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0}))
    skipped=$((skipped + s))
    if ((rc != 0 && ${f:-0} + ${e:-0} == 0)); then
        setup_failure "$project: the test run ended with code $rc without a failed test: a crash or a hang aborted it (see above)"
    fi
    grep -o 'testName="[^"]*"[^>]* outcome="Failed"' "$trx" | sed 's/^testName="\([^"]*\)".*/FAILED \1/'
done

summary
