using System.Diagnostics;
using System.Runtime.CompilerServices;
using SharpTrace.Kernel.Btf;
using SharpTrace.Semantics.CTypes;

// Measures what a script using kernel types pays for BTF: reading vmlinux, locating its type records and indexing
// names (together: opening), then resolving struct task_struct with every member type reachable without following
// pointers. Each run starts from nothing (no cache carried over); the first run is reported apart, as a cold start
// sees it (in a JIT build it includes compiling the reader).
var path = args.Length > 0 ? args[0] : BtfFile.VmlinuxPath;
const int runs = 20;

var results = new List<Run>();
for (var i = 0; i <= runs; i++)
    results.Add(Measure(path));

var first = results[0];
var rest = results.Skip(1).ToList();
Console.WriteLine($"BTF file: {path} ({new FileInfo(path).Length / 1024.0 / 1024.0:F1} MiB, {first.TypeCount} types)");
Console.WriteLine($"task_struct: {first.TaskSize} bytes, {first.Members} members resolved (embedded structs included)");
Report("read file", first.Read, rest.Select(r => r.Read));
Report("locate type records", first.Records - first.Read, rest.Select(r => r.Records - r.Read));
Report("index names", first.Open - first.Records, rest.Select(r => r.Open - r.Records));
Report("open total (read + locate + index)", first.Open, rest.Select(r => r.Open));
Report("resolve struct task_struct", first.Resolve, rest.Select(r => r.Resolve));
Console.WriteLine($"managed memory held after open: {Median(rest.Select(r => r.BytesAfterOpen / 1048576.0)):F1} MiB; " +
                  $"after resolving task_struct: {Median(rest.Select(r => r.BytesAfterResolve / 1048576.0)):F1} MiB");
Console.WriteLine($"process peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F1} MiB");

static void Report(string what, double first, IEnumerable<double> rest) =>
    Console.WriteLine($"{what,-36} first {first,7:F2} ms   median {Median(rest),7:F2} ms");

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

[MethodImpl(MethodImplOptions.NoInlining)]
static Run Measure(string path)
{
    var baseline = Settle();
    var clock = Stopwatch.StartNew();
    var bytes = File.ReadAllBytes(path);
    var read = clock.Elapsed.TotalMilliseconds;
    var file = BtfFile.Parse(bytes);
    var records = clock.Elapsed.TotalMilliseconds;
    var types = new BtfTypes(file);
    var open = clock.Elapsed.TotalMilliseconds;
    clock.Stop();
    var afterOpen = Settle() - baseline;

    clock.Restart();
    var task = (CStructType)types.FindTagged("struct", "task_struct")!;
    var members = Walk(task, []);
    var resolve = clock.Elapsed.TotalMilliseconds;
    var afterResolve = Settle() - baseline;
    GC.KeepAlive(types);
    return new Run(file.TypeCount, task.Size, members, read, records, open, resolve, afterOpen, afterResolve);
}

static long Settle()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    return GC.GetTotalMemory(forceFullCollection: true);
}

// Every member of the struct and of the structs and unions embedded in it (not behind pointers), with their names.
static int Walk(CStructType type, HashSet<CStructType> seen)
{
    if (!seen.Add(type))
        return 0;
    var count = 0;
    foreach (var member in type.Members)
    {
        count++;
        _ = member.Type.Name;
        var inner = member.Type.Resolved;
        while (inner is CArrayType array)
            inner = array.Element.Resolved;
        if (inner is CStructType nested)
            count += Walk(nested, seen);
    }
    return count;
}

internal sealed record Run(int TypeCount, int TaskSize, int Members, double Read, double Records, double Open, double Resolve,
    long BytesAfterOpen, long BytesAfterResolve);
