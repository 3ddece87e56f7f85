using System.CommandLine;

namespace SharpTrace.Cli;

/// <summary>
/// The bpftrace options (0.17's and the newest's) that have no effect in sharptrace, as read from the command line.
/// Each is accepted, so a bpftrace habit is never "invalid option"; <see cref="Refusal"/> and <see cref="Notices"/>
/// say where going on silently would mislead.
/// </summary>
internal sealed record CompatibilityOptions
{
    /// <summary>Values <c>--no-feature</c> takes, as in the newest bpftrace.</summary>
    public static readonly string[] FeatureNames = ["kprobe_multi", "kprobe_session", "uprobe_multi"];

    /// <summary>Values <c>--mode</c> takes, as in the newest bpftrace.</summary>
    public static readonly string[] ModeNames = ["codegen", "compiler-bench", "bench", "test", "format"];

    /// <summary><c>-dd</c>: bpftrace 0.17's verbose debug output; the same stages as <c>-d</c> here.</summary>
    public bool VerboseDebug { get; init; }

    public bool Btf { get; init; }
    public bool UsdtFileActivation { get; init; }
    public bool VerifyLlvmIr { get; init; }
    public IReadOnlyList<string> NoFeatures { get; init; } = [];
    public IReadOnlyList<string> DwarfPids { get; init; } = [];
    public string? TraceableFunctions { get; init; }
    public string? EmitElf { get; init; }
    public string? EmitLlvm { get; init; }
    public string? Aot { get; init; }

    /// <summary><c>--mode</c>, or the mode <c>--test</c>, <c>--bench</c> or <c>--fmt</c> selects; null for a normal run.</summary>
    public string? Mode { get; init; }

    /// <summary>Why the run cannot do what these options ask (one line), or null when it can.</summary>
    public string? Refusal =>
        EmitElf is not null ? "--emit-elf: sharptrace writes no ELF file (it assembles eBPF itself, without LLVM or libbpf)"
        : EmitLlvm is not null ? "--emit-llvm: sharptrace has no LLVM IR (it compiles straight to eBPF); -d bpf prints the eBPF it loads"
        : Aot is not null ? "--aot: sharptrace builds no ahead-of-time tracer"
        : Mode is "codegen" or "compiler-bench" ? $"--mode {Mode}: not supported by sharptrace (-d bpf prints the eBPF it loads)"
        : null;

    /// <summary>One warning line for each option that is ignored where a user would expect an effect.</summary>
    public IEnumerable<string> Notices
    {
        get
        {
            if (DwarfPids.Count > 0)
                yield return "--dwarf-pid is ignored: sharptrace has no DWARF unwinder";
            if (TraceableFunctions is not null)
                yield return "--traceable-functions is ignored: the list is for kprobe and fentry probes, which sharptrace cannot attach on this kernel";
        }
    }
}

internal sealed partial class CommandLineOptions
{
    private readonly Option<bool> _btf = new("-b", "--btf") { Description = "Force BTF (accepted; BTF is always used)" };
    private readonly Option<bool> _usdtFileActivation = new("--usdt-file-activation") { Description = "Activate USDT semaphores by file path (accepted; the default: the kernel raises them in every process)" };
    private readonly Option<string[]> _noFeature = new("--no-feature") { Description = "Disable detected features (accepted; none is used)", HelpName = "feature" };
    private readonly Option<bool> _verifyLlvmIr = new("--verify-llvm-ir") { Description = "Check the LLVM IR (accepted; there is none)" };
    private readonly Option<string[]> _dwarfPid = new("--dwarf-pid") { Description = "Pids for the DWARF unwinder (ignored, with a warning)", HelpName = "pid" };
    private readonly Option<string?> _traceableFunctions = new("--traceable-functions") { Description = "Traceable kernel functions (ignored, with a warning)", HelpName = "file" };
    private readonly Option<string?> _emitElf = new("--emit-elf") { Description = "Write an ELF file (not supported: exits 1)", HelpName = "file" };
    private readonly Option<string?> _emitLlvm = new("--emit-llvm") { Description = "Write LLVM IR (not supported: exits 1)", HelpName = "file" };
    private readonly Option<string?> _aot = new("--aot") { Description = "Build an ahead-of-time tracer (not supported: exits 1)", HelpName = "file" };
    private readonly Option<string?> _mode = new("--mode") { Description = "Developer mode: test, bench, format (--fmt); codegen and compiler-bench exit 1", HelpName = "mode" };
    private readonly Option<bool> _test = new("--test") { Description = "Run the test: probes and report each (instead of tracing)" };
    private readonly Option<bool> _bench = new("--bench") { Description = "Time the bench: probes and print a table (instead of tracing)" };
    private readonly Option<bool> _fmt = new("--fmt") { Description = "Print the script formatted (parse only); with -o, replace FILE" };

    private void AddCompatibilityOptions(Command root)
    {
        _mode.AcceptOnlyFromAmong(CompatibilityOptions.ModeNames);
        foreach (var option in (Option[])[_btf, _usdtFileActivation, _noFeature, _verifyLlvmIr, _dwarfPid,
                     _traceableFunctions, _emitElf, _emitLlvm, _aot, _mode, _test, _bench, _fmt])
            root.Options.Add(option);
        foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
            help.Action = new HelpTextAction();
    }

    /// <summary>
    /// bpftrace 0.17's bare <c>-d</c> and <c>-dd</c> (debug output of every stage, then exit) become <c>--debug all</c>;
    /// <c>-d STAGE</c>, the newest bpftrace's form, stays. A <c>-d</c> is bare when what follows is an option, <c>-</c>,
    /// or a script file (it exists, or has a '.' or '/' no stage name has); otherwise it is read as stages, so that a
    /// misspelt stage is an error rather than a script file.
    /// </summary>
    private static string[] WithBareDebugOptions(string[] args)
    {
        var rewritten = new List<string>(args.Length + 2);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                rewritten.AddRange(args[i..]);
                break;
            }
            var bare = arg == "-dd" || (arg is "-d" or "--debug" && (i + 1 == args.Length || IsNotStages(args[i + 1])));
            rewritten.AddRange(bare ? ["--debug", arg == "-dd" ? VerboseDebugStage : "all"] : [arg]);
            // An option's value is never an option: skip it (-e '-d' is a program).
            if (!bare && TakesValue(arg) && i + 1 < args.Length)
                rewritten.Add(args[++i]);
        }
        return rewritten.ToArray();

        static bool IsNotStages(string next) =>
            next.StartsWith('-') || next.Contains('.') || next.Contains('/') || File.Exists(next);
    }

    /// <summary>The stage <c>-dd</c> stands for: all stages, remembered as bpftrace 0.17's verbose form.</summary>
    private const string VerboseDebugStage = "all-verbose";

    private static readonly HashSet<string> OptionsWithValues =
        ["-e", "-f", "-o", "--output", "-B", "-d", "--debug", "-p", "--pid", "-c", "--cmd", "-I", "--include", "--no-feature",
         "--debuginfo", "--dwarf-pid", "--traceable-functions", "--emit-elf", "--emit-llvm", "--aot", "--probe-filter", "--mode"];

    private static bool TakesValue(string arg) => OptionsWithValues.Contains(arg);

    private CompatibilityOptions? ReadCompatibility(ParseResult parse, bool verboseDebug, out string? error)
    {
        error = null;
        var features = (parse.GetValue(_noFeature) ?? [])
            .SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (features.Any(f => !CompatibilityOptions.FeatureNames.Contains(f)))
        {
            error = $"--no-feature can only have values '{string.Join(',', CompatibilityOptions.FeatureNames)}'";
            return null;
        }
        string?[] modes = [parse.GetValue(_mode), parse.GetValue(_test) ? "test" : null, parse.GetValue(_bench) ? "bench" : null,
            parse.GetValue(_fmt) ? "format" : null];
        if (modes.Count(m => m is not null) > 1)
        {
            error = "--mode, --test, --bench and --fmt exclude each other";
            return null;
        }
        return new CompatibilityOptions
        {
            VerboseDebug = verboseDebug,
            Btf = parse.GetValue(_btf),
            UsdtFileActivation = parse.GetValue(_usdtFileActivation),
            VerifyLlvmIr = parse.GetValue(_verifyLlvmIr),
            NoFeatures = features,
            DwarfPids = parse.GetValue(_dwarfPid) ?? [],
            TraceableFunctions = parse.GetValue(_traceableFunctions),
            EmitElf = parse.GetValue(_emitElf),
            EmitLlvm = parse.GetValue(_emitLlvm),
            Aot = parse.GetValue(_aot),
            Mode = modes.FirstOrDefault(m => m is not null),
        };
    }
}
