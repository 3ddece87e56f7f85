using System.Diagnostics;
using SharpTrace;

// Parse speed over the tool corpus Debian's bpftrace package installs (/usr/sbin/*.bt): every script parsed once is
// one pass; after warm-up passes (the JIT compiles the parser), timed passes report the median and the fastest.
// Prints a Markdown section for docs/benchmarks.md (bench/parse.sh writes it there).
var folder = args.Length > 0 ? args[0] : "/usr/sbin";
var scripts = Directory.GetFiles(folder, "*.bt").Order(StringComparer.Ordinal)
    .Select(path => (Name: Path.GetFileName(path), Text: File.ReadAllText(path))).ToList();
if (scripts.Count == 0)
{
    Console.Error.WriteLine($"no *.bt scripts in {folder} (apt-get install bpftrace installs them)");
    return 1;
}

const int warmups = 20;
const int passes = 50;
var clock = Stopwatch.StartNew();
var first = ParseAll();
var firstMs = clock.Elapsed.TotalMilliseconds;
for (var i = 1; i < warmups; i++)
    ParseAll();
var times = new List<double>();
for (var i = 0; i < passes; i++)
{
    clock.Restart();
    ParseAll();
    times.Add(clock.Elapsed.TotalMilliseconds);
}
times.Sort();
var lines = scripts.Sum(s => s.Text.Count(c => c == '\n'));
var bytes = scripts.Sum(s => s.Text.Length);

Console.WriteLine($"""
    ## Parse speed

    Produced by `bench/parse.sh` ({DateTime.Now:yyyy-MM-dd}, {Environment.ProcessorCount} CPUs, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}).
    One pass parses every tool script Debian's bpftrace package installs ({scripts.Count} files in {folder},
    {lines} lines, {bytes / 1024.0:F0} KiB) in one process, {first} of them with errors (expected: 0).

    | pass | ms |
    | --- | ---: |
    | first (cold, includes JIT) | {firstMs:F1} |
    | median of {passes} after {warmups} warm-up passes | {times[passes / 2]:F2} |
    | fastest | {times[0]:F2} |

    The issue's target is the whole corpus in under 20 ms after warm-up.
    """);
return 0;

int ParseAll() => scripts.Count(s => TraceScript.Parse(s.Text, s.Name).Diagnostics.Any(d => d.IsError));
