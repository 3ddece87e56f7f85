using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>
/// One test of a <c>--test</c> run: the names of every test in order, which one this is, how long it ran, whether each
/// test so far passed, and what this one printed (shown only when it failed).
/// </summary>
public sealed record TestResult(IReadOnlyList<string> Tests, int Index, ulong Nanoseconds, IReadOnlyList<bool> Passed, string Output)
{
    private const string Green = "\u001b[32m", Red = "\u001b[31m", Reset = "\u001b[0m";

    /// <summary>This test's name (<c>test:NAME</c>'s NAME).</summary>
    public string Name => Tests[Index];

    /// <summary>Whether this test passed.</summary>
    public bool HasPassed => Passed[Index];

    /// <summary>
    /// The newest bpftrace's text, in the layout of googletest: a header before the first test, a RUN and an OK or
    /// FAILED line per test (a failed test's output between them), a summary after the last.
    /// </summary>
    public string FormatText()
    {
        var text = new StringBuilder();
        if (Index == 0)
            text.Append(CultureInfo.InvariantCulture, $"{Green}[==========]{Reset} Running {Tests.Count} tests.\n");
        text.Append(CultureInfo.InvariantCulture, $"{Green}[ RUN      ]{Reset} {Name}\n");
        if (HasPassed)
            text.Append(CultureInfo.InvariantCulture, $"{Green}[       OK ]{Reset} {Name}");
        else
        {
            foreach (var line in Output.Split('\n').Where(l => l.Length > 0))
                text.Append(line).Append('\n');
            text.Append(CultureInfo.InvariantCulture, $"{Red}[  FAILED  ]{Reset} {Name}");
        }
        text.Append(CultureInfo.InvariantCulture, $" ({Duration(Nanoseconds)})\n");
        if (Index == Tests.Count - 1)
        {
            var failed = Passed.Count(p => !p);
            text.Append(CultureInfo.InvariantCulture, $"{Green}[==========]{Reset} {Tests.Count} {TestOrTests(Tests.Count)} ran.\n");
            text.Append(CultureInfo.InvariantCulture, $"{Green}[  PASSED  ]{Reset} {Passed.Count - failed} {TestOrTests(Passed.Count - failed)}.\n");
            if (failed > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{Red}[  FAILED  ]{Reset} {failed} {TestOrTests(failed)}, listed below:\n");
                for (var i = 0; i < Tests.Count; i++)
                    if (!Passed[i])
                        text.Append(CultureInfo.InvariantCulture, $"{Red}[  FAILED  ]{Reset} {Tests[i]}\n");
            }
        }
        return text.ToString();
    }

    private static string TestOrTests(int count) => count == 1 ? "test" : "tests";

    // The largest unit the duration reaches, as bpftrace picks it (it prints that unit's size instead of the value).
    private static string Duration(ulong nanoseconds) => nanoseconds switch
    {
        >= 1_000_000_000 => $"{nanoseconds / 1_000_000_000} s",
        >= 1_000_000 => $"{nanoseconds / 1_000_000} ms",
        >= 1_000 => $"{nanoseconds / 1_000} us",
        _ => $"{nanoseconds} ns",
    };
}

/// <summary>One benchmark of a <c>--bench</c> run: the names of every benchmark, which one this is, its average time and how many runs it took.</summary>
public sealed record BenchmarkResult(IReadOnlyList<string> Benchmarks, int Index, ulong AverageNanoseconds, ulong Iterations)
{
    /// <summary>This benchmark's name (<c>bench:NAME</c>'s NAME).</summary>
    public string Name => Benchmarks[Index];

    /// <summary>The newest bpftrace's table: a header and a rule before the first benchmark, then one row each.</summary>
    public string FormatText()
    {
        const string Benchmark = "Benchmark", Time = "Time(ns)", Iters = "Iterations";
        const int TimeWidth = 15;
        var nameWidth = Math.Max(40, Benchmarks.Max(b => b.Length)) + 1;
        var text = new StringBuilder();
        if (Index == 0)
            text.Append(Benchmark.PadRight(nameWidth)).Append(Time.PadRight(TimeWidth)).Append(Iters).Append('\n')
                .Append('-', nameWidth + TimeWidth + Iters.Length).Append('\n');
        return text.Append(Name.PadRight(nameWidth))
            .Append(AverageNanoseconds.ToString(CultureInfo.InvariantCulture).PadRight(TimeWidth))
            .Append(Iterations.ToString(CultureInfo.InvariantCulture)).Append('\n').ToString();
    }
}
