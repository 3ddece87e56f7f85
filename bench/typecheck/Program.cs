using System.Diagnostics;
using SharpTrace;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;

// Measures type-checking (parse + bind) every tool script Debian ships (/usr/sbin/*.bt) against this machine's
// tracefs and BTF, as `sharptrace -d types` would one tool at a time: each tool gets a fresh lazily-opened BTF and a
// fresh tracefs catalog. Reported: the whole corpus per run (first run apart), and the tools that open BTF.
var directory = args.Length > 0 ? args[0] : "/usr/sbin";
var tools = Directory.GetFiles(directory, "*.bt").Order(StringComparer.Ordinal).Select(p => (Path: p, Text: File.ReadAllText(p))).ToList();
const int runs = 10;

var totals = new List<double>();
var perTool = tools.ToDictionary(t => t.Path, _ => new List<double>());
var opened = 0;
var bound = 0;
for (var run = 0; run <= runs; run++)
{
    var clock = Stopwatch.StartNew();
    opened = bound = 0;
    foreach (var (path, text) in tools)
    {
        var toolClock = Stopwatch.StartNew();
        var kernel = KernelTypes.Lazy() as KernelTypes;
        var (program, _) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(new SourceText(text, path)), new TracefsCatalog(), kernelTypes: kernel);
        opened += kernel?.IsLoaded == true ? 1 : 0;
        bound += program is null ? 0 : 1;
        if (run > 0)
            perTool[path].Add(toolClock.Elapsed.TotalMilliseconds);
    }
    totals.Add(clock.Elapsed.TotalMilliseconds);
}

var rest = totals.Skip(1).Order().ToArray();
Console.WriteLine($"{tools.Count} tools in {directory}; {bound} bind without errors; {opened} open BTF");
Console.WriteLine($"whole corpus: first {totals[0]:F1} ms, median of {runs} {rest[rest.Length / 2]:F1} ms, " +
                  $"per tool {rest[rest.Length / 2] / tools.Count:F2} ms");
Console.WriteLine("slowest tools (median ms): " + string.Join(", ", perTool
    .Select(t => (Name: Path.GetFileName(t.Key), Median: t.Value.Order().ElementAt(t.Value.Count / 2)))
    .OrderByDescending(t => t.Median).Take(5).Select(t => $"{t.Name} {t.Median:F1}")));
