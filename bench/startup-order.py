#!/usr/bin/env python3
"""Lists the methods a few typical runs of the NativeAOT sharptrace execute, for the ILCompiler order file
(src/SharpTrace.Cli/startup.order) that places them together at the start of the code.

    bench/startup-order.py [BINARY]     (as root; valgrind installed; BINARY defaults to artifacts/aot/sharptrace)

The binary must have its symbols beside it (sharptrace.dbg, as `dotnet publish` leaves them). Each run goes
through callgrind with every executed instruction recorded; each instruction is mapped to the method holding it
(nm of sharptrace.dbg), and every name of that method is written, in order of first execution. Every name, because
identical method bodies are folded into one and a method can also have an exported alias: the compiler places the
body by whichever of its names the order file lists.

Why: the kernel maps a binary's code in 64 KiB blocks around each page a run touches (fault-around, and page-cache
folios of up to 64 KiB), and a start-up that touches a few methods in every block of the 4 MB of code keeps all of it
resident. docs/benchmarks.md, "Peak memory", has the numbers. Re-run after larger changes: methods missing from the
file still work, they only land among the cold code.
"""
import bisect
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORDER_FILE = os.path.join(ROOT, "src", "SharpTrace.Cli", "startup.order")
# valgrind loads a position-independent main program at this address on x86-64; the code it cannot attribute to a
# file mapping (the managed code) is reported as object "???" at its absolute address.
VALGRIND_PIE_BASE = 0x108000
RUNS = [
    ["-e", "BEGIN { exit(); }"],
    # Long enough for the reader to wait for records even at valgrind's pace.
    ["-e", 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); printf("%d %s\\n", pid, str(args->filename)); }'
           " interval:s:3 { exit(); }"],
]


def symbols(dbg):
    """Start address -> (size, [names]) of every function symbol."""
    table = {}
    listing = subprocess.run(["nm", "-S", "--defined-only", dbg], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4 and parts[2] in "tTwW":
            start, size = int(parts[0], 16), int(parts[1], 16)
            old_size, names = table.get(start, (0, []))
            names.append(parts[3])
            table[start] = (max(old_size, size), names)
    return table


def executed(callgrind_out, binary):
    """Addresses (relative to the binary's load address) of the instructions a callgrind run executed in binary."""
    inside, bias = False, 0
    with open(callgrind_out, errors="replace") as lines:
        for line in lines:
            if line.startswith("ob="):
                obj = line.strip()[3:]
                inside = obj in (binary, "???")
                bias = VALGRIND_PIE_BASE if obj == "???" else 0
            elif inside and line.startswith("0x"):
                address = int(line.split()[0], 16) - bias
                if address >= 0:
                    yield address


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "artifacts", "aot", "sharptrace"))
    table = symbols(binary + ".dbg")
    starts = sorted(table)
    order, seen = [], set()
    with tempfile.TemporaryDirectory() as tmp:
        for i, args in enumerate(RUNS):
            out = os.path.join(tmp, f"callgrind.{i}")
            subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=yes", "--compress-pos=no",
                            "--compress-strings=no", f"--callgrind-out-file={out}", binary, *args],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            for address in executed(out, binary):
                k = bisect.bisect_right(starts, address) - 1
                if k < 0:
                    continue
                start = starts[k]
                size, names = table[start]
                if start in seen or address >= start + max(size, 1):
                    continue
                seen.add(start)
                order.extend(names)
    with open(ORDER_FILE, "w") as f:
        f.write("\n".join(order) + "\n")
    hot = sum(table[s][0] for s in seen)
    print(f"{ORDER_FILE}: {len(seen)} methods ({hot:,} bytes of code), {len(order)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
