using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.Kernel;
using SharpTrace.Semantics;
using static SharpTrace.Tests.ExternalTool;

namespace SharpTrace.Tests.Golden;

/// <summary>
/// The machine golden scripts compile for, the same everywhere: tracepoint formats copied from a real kernel into
/// Golden/Tracepoints/CATEGORY/NAME.format, a fixed list of raw tracepoints, and the programs of tests/programs
/// built with gcc into a temporary directory, which scripts name as <c>{programs}</c>.
/// </summary>
public sealed class GoldenMachine : IDisposable
{
    /// <summary>What scripts write for the directory of the test programs; outputs show it in place of the real path.</summary>
    public const string ProgramsPlaceholder = "{programs}";

    private static readonly string[] Programs = ["uprobe_target", "probe_args", "usdt_probes"];
    private readonly string _programs = Directory.CreateTempSubdirectory("sharptrace-golden-").FullName;

    public GoldenMachine()
    {
        foreach (var program in Programs)
        {
            var source = Path.Combine(GoldenFiles.RepositoryRoot, "tests", "programs", program + ".c");
            // As test.sh builds them: -O0 keeps every function and its symbol.
            Run("gcc", "-O0", "-g", "-fno-omit-frame-pointer", "-o", Path.Combine(_programs, program), source);
        }
    }

    internal ITracepointCatalog Tracepoints { get; } = new FixtureTracepoints(Path.Combine(GoldenFiles.Directory, "Tracepoints"));

    /// <summary>This machine's kernel symbols, read once (reading /proc/kallsyms takes a second or two here).</summary>
    internal Kallsyms Kallsyms => _kallsyms.Value;

    private readonly Lazy<Kallsyms> _kallsyms = new(() => Kallsyms.Load());

    /// <summary>The script as the compiler sees it: <c>{programs}</c> replaced by the real directory.</summary>
    public string Resolve(string script) => script.Replace(ProgramsPlaceholder, _programs, StringComparison.Ordinal);

    /// <summary>What dumps show for the number of possible CPUs, which loops over every CPU's slot compare with.</summary>
    public const string CpusPlaceholder = "{possible_cpus}";

    /// <summary>
    /// A dump with what depends on this machine replaced by placeholders: the test programs' directory, and the number
    /// of possible CPUs where a per-CPU loop jumps back while its counter is below it (<c>if r7 &lt; 0x2 goto pc-9</c>).
    /// Only backward conditional jumps are touched: no other code the compiler writes jumps back on a constant.
    /// </summary>
    public string Normalize(string dump)
    {
        var cpus = "0x" + BpfMap.PossibleCpuCount.ToString("x", CultureInfo.InvariantCulture);
        var text = dump.Replace(_programs, ProgramsPlaceholder, StringComparison.Ordinal);
        return Regex.Replace(text, @"(if r\d+ \S+ )" + cpus + @"( goto pc-)", "${1}" + CpusPlaceholder + "${2}");
    }

    public void Dispose() => Directory.Delete(_programs, recursive: true);

    /// <summary>
    /// Tracepoints read from copies of tracefs format files, so goldens do not depend on this kernel; each file is read
    /// once (the fuzz tests compile a million scripts against them).
    /// </summary>
    private sealed class FixtureTracepoints(string directory) : ITracepointCatalog
    {
        private readonly Lazy<IReadOnlyList<(string Category, string Name)>> _list = new(() =>
            System.IO.Directory.EnumerateFiles(directory, "*.format", SearchOption.AllDirectories)
                .Select(path => (Path.GetFileName(Path.GetDirectoryName(path)!), Path.GetFileNameWithoutExtension(path)))
                .Order().ToList());

        private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), TracepointFormat?> _formats = new();

        public IEnumerable<(string Category, string Name)> List() => _list.Value;

        public TracepointFormat? Format(string category, string name) => _formats.GetOrAdd((category, name), key =>
        {
            var path = Path.Combine(directory, key.Item1, key.Item2 + ".format");
            return File.Exists(path) ? TracepointFormat.Parse(File.ReadAllText(path)) : null;
        });

        public IEnumerable<string> RawTracepoints() => ["sched_switch", "sched_wakeup", "sys_enter", "sys_exit"];

        public IEnumerable<string> Iterators() => ["task", "task_file", "task_vma"];
    }
}
