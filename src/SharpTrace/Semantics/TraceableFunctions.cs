namespace SharpTrace.Semantics;

/// <summary>
/// The kernel functions kprobes may attach to, by module, read as the newest bpftrace reads them: tracefs's
/// <c>available_filter_functions</c> (a function a line, <c>FUNC [MODULE]</c> for a module's, vmlinux's without),
/// less the functions of the kprobe blocklist (debugfs <c>kprobes/blacklist</c>, by module) and those bpftrace keeps
/// away from because tracing them can hang the kernel (the idle loop, <c>rcu_*</c>, the XDP dispatcher, ftrace's
/// placeholders for dropped functions) or cannot be traced (GCC's <c>.part.N</c> fragments).
/// </summary>
internal sealed class TraceableFunctions
{
    /// <summary>The module the kernel image's own functions belong to, as bpftrace names it.</summary>
    public const string KernelImage = "vmlinux";

    /// <summary>Where debugfs lists the functions kprobes refuse.</summary>
    public const string BlocklistPath = "/sys/kernel/debug/kprobes/blacklist";

    private static readonly string[] UnsafeFunctions = ["arch_cpu_idle", "default_idle", "bpf_dispatcher_xdp_func"];
    private static readonly string[] UnsafePrefixes = ["__ftrace_invalid_address__", "rcu_"];

    private readonly SortedDictionary<string, SortedSet<string>> _byModule = new(StringComparer.Ordinal);

    private TraceableFunctions(string path, string? problem)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file the list was read from.</summary>
    public string Path { get; }

    /// <summary>Why the list could not be read (then it is empty), or null.</summary>
    public string? Problem { get; }

    /// <summary>
    /// Reads <paramref name="path"/> (available_filter_functions or a file in its format) and the kprobe blocklist at
    /// <paramref name="blocklistPath"/> (none when null or unreadable, as bpftrace ignores a missing one).
    /// </summary>
    public static TraceableFunctions Read(string path, string? blocklistPath = BlocklistPath)
    {
        IEnumerable<string> blocklist = [];
        if (blocklistPath is not null)
        {
            try
            {
                blocklist = File.ReadAllLines(blocklistPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // bpftrace reads the blocklist only where debugfs offers it.
            }
        }
        try
        {
            return Parse(path, File.ReadLines(path).ToList(), blocklist);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new TraceableFunctions(path, e.Message);
        }
    }

    /// <summary>A list that could not be read, saying why.</summary>
    public static TraceableFunctions Unreadable(string path, string problem) => new(path, problem);

    /// <summary>The list from the lines of available_filter_functions and of the kprobe blocklist (<c>0xA-0xB\tFUNC [MODULE]</c>).</summary>
    public static TraceableFunctions Parse(string path, IEnumerable<string> lines, IEnumerable<string> blocklistLines)
    {
        var blocked = new HashSet<(string Module, string Function)>();
        foreach (var line in blocklistLines)
        {
            var tab = line.LastIndexOf('\t');
            if (tab >= 0)
                blocked.Add(SplitModule(line[(tab + 1)..]));
        }
        var functions = new TraceableFunctions(path, null);
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.Length == 0)
                continue;
            var (module, function) = SplitModule(line);
            if (IsUnsafe(function) || blocked.Contains((module, function)))
                continue;
            if (!functions._byModule.TryGetValue(module, out var set))
                functions._byModule[module] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(function);
        }
        return functions;
    }

    /// <summary>Whether the list has <paramref name="module"/> (the kernel image always counts as loaded).</summary>
    public bool HasModule(string module) => module == KernelImage || _byModule.ContainsKey(module);

    /// <summary>Whether some module (or the one named) has <paramref name="function"/>.</summary>
    public bool Has(string function, string? module = null) =>
        module is null ? _byModule.Values.Any(set => set.Contains(function))
        : _byModule.TryGetValue(module, out var set) && set.Contains(function);

    /// <summary>
    /// The functions <paramref name="pattern"/> matches, sorted and without duplicates, as bpftrace's probe matcher
    /// finds them: without <paramref name="module"/> the pattern matches function names alone (<c>vfs_*</c>) and the
    /// results are names; with one it matches <c>MODULE:FUNCTION</c>, over that module's functions or, for a module
    /// pattern (<c>*</c>), every module's, and the results keep their module.
    /// </summary>
    public IReadOnlyList<string> Matching(string? module, string pattern)
    {
        IEnumerable<string> candidates = module is null
            ? _byModule.Values.SelectMany(set => set)
            : _byModule.Where(m => Wildcard.Has(module) || m.Key == module).SelectMany(m => m.Value.Select(f => $"{m.Key}:{f}"));
        return candidates.Where(c => Wildcard.Matches(pattern, c)).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static bool IsUnsafe(string function) =>
        UnsafeFunctions.Contains(function) || UnsafePrefixes.Any(p => function.StartsWith(p, StringComparison.Ordinal))
        || function.Contains(".part.", StringComparison.Ordinal);

    // "vfs_read" is vmlinux's; "ext4_sync_fs [ext4]" the module's.
    private static (string Module, string Function) SplitModule(string text)
    {
        if (text.EndsWith(']') && text.LastIndexOf(" [", StringComparison.Ordinal) is var open and >= 0)
            return (text[(open + 2)..^1], text[..open]);
        return (KernelImage, text);
    }
}
