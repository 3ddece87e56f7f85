using System.CommandLine;
using System.CommandLine.Help;

namespace SharpTrace.Cli;

/// <summary>How stdout is flushed (<c>-B</c>), as bpftrace names the modes.</summary>
internal enum OutputBuffering { Line, Full, None }

/// <summary>Everything the command line asked for, checked: what <see cref="Program"/> acts on.</summary>
internal sealed record CliOptions
{
    /// <summary>The program text from <c>-e</c>, a script file, or standard input (<c>-</c>); null when none was given.</summary>
    public string? Program { get; init; }

    /// <summary>The script file, <c>-</c> for standard input, or null with <c>-e</c>.</summary>
    public string? ScriptFile { get; init; }

    /// <summary>Positional parameters for <c>$1</c>..<c>$N</c>.</summary>
    public IReadOnlyList<string> Parameters { get; init; } = [];

    /// <summary>
    /// Named arguments for <c>getopt</c>: the parameters that start with <c>--</c> (after the <c>--</c> that ends
    /// options), by name; <c>--name=value</c> has the value, a bare <c>--name</c> null.
    /// </summary>
    public IReadOnlyDictionary<string, string?> NamedArguments { get; init; } = new Dictionary<string, string?>();

    /// <summary><c>-l</c> was given (with or without a pattern).</summary>
    public bool List { get; init; }

    public string? ListPattern { get; init; }
    /// <summary><c>-f</c>: text, json or folded.</summary>
    public string Format { get; init; } = "text";

    /// <summary><c>--flamegraph FILE</c>: where to write the SVG flame graph of the stacks printed at exit, or null.</summary>
    public string? FlameGraphFile { get; init; }

    public string? OutputFile { get; init; }
    public bool Quiet { get; init; }
    public bool Verbose { get; init; }

    /// <summary>Stages to print (<c>-d</c>): ast, bpf.</summary>
    public IReadOnlyList<string> DebugStages { get; init; } = [];

    public bool DryRun { get; init; }
    public bool NoPrintMaps { get; init; }
    public bool NoWarnings { get; init; }
    public int? Pid { get; init; }

    /// <summary><c>--probe-filter</c>: only attach points whose name this finds are loaded and attached; null for all.</summary>
    public System.Text.RegularExpressions.Regex? ProbeFilter { get; init; }
    public string? Command { get; init; }
    public OutputBuffering Buffering { get; init; } = OutputBuffering.Line;
    public IReadOnlyList<string> IncludeDirectories { get; init; } = [];

    /// <summary><c>--debuginfo DIR[:DIR]</c>, each given: directories searched first for separate debug files.</summary>
    public IReadOnlyList<string> DebugInfoDirectories { get; init; } = [];
    public IReadOnlyList<string> Includes { get; init; } = [];

    /// <summary><c>-k</c> is 1, <c>-kk</c> is 2.</summary>
    public int HelperErrorChecks { get; init; }

    public bool Unsafe { get; init; }
    public bool Info { get; init; }
    public bool Version { get; init; }

    /// <summary><c>--metrics</c>: where to serve the live maps, or null.</summary>
    public System.Net.IPEndPoint? MetricsEndpoint { get; init; }

    /// <summary><c>--metrics-label k=v</c>, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> MetricsLabels { get; init; } = [];

    /// <summary>bpftrace options accepted without effect here, and what the run must do about them.</summary>
    public CompatibilityOptions Compatibility { get; init; } = new();
}

/// <summary>
/// The <c>sharptrace</c> command line, spelled as bpftrace spells it: short options that bundle (<c>-qe '...'</c>),
/// options anywhere among the arguments, <c>--</c> ending options, and positional parameters after the script.
/// </summary>
internal sealed partial class CommandLineOptions
{
    /// <summary>Stages <c>-d</c> can print.</summary>
    public static readonly string[] DebugStageNames = ["ast", "types", "ir", "bpf", "all"];

    private readonly Option<string?> _program = new("-e") { Description = "Execute this program", HelpName = "program" };
    private readonly Argument<string[]> _arguments = new("filename")
    {
        Description = "Script file to run ('-' reads standard input), then positional parameters $1..$N (with -e, all are parameters)",
        Arity = ArgumentArity.ZeroOrMore,
    };
    // As in bpftrace, -l is a flag and the search pattern is the first argument, so -lv bundles.
    private readonly Option<bool> _list = new("-l", "--list")
    {
        Description = "List probes: those matching the search pattern given as argument (all without one), or with -e or a script those it attaches; with -v, tracepoint arguments",
    };
    private readonly Option<string> _format = new("-f") { Description = "Output format: text, json or folded (maps keyed by stacks as folded stacks)", HelpName = "format", DefaultValueFactory = _ => "text" };
    private readonly Option<string?> _flameGraph = new("--flamegraph") { Description = "Also write the maps keyed by stacks, as printed at exit, to FILE as an SVG flame graph", HelpName = "file" };
    private readonly Option<string?> _output = new("-o", "--output") { Description = "Write the program's output to a file instead of stdout", HelpName = "file" };
    private readonly Option<string> _buffering = new("-B") { Description = "Output buffering: line, full or none", HelpName = "mode", DefaultValueFactory = _ => "line" };
    private readonly Option<bool> _quiet = new("-q", "--quiet") { Description = "Keep messages quiet (no 'Attached N probes')" };
    private readonly Option<bool> _verbose = new("-v", "--verbose") { Description = "Verbose messages: the verifier log of a rejected program, tracepoint arguments with -l" };
    private readonly Option<string[]> _debug = new("-d", "--debug")
    {
        Description = "Print a compiler stage and exit: ast, types, bpf or all (repeat or separate with commas)",
        HelpName = "stage",
    };
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Create the maps and load every program (the kernel verifies them), then release them: attach nothing, run nothing" };
    private readonly Option<int?> _pid = new("-p", "--pid") { Description = "Only trace this process (BEGIN/END excepted); end when it exits", HelpName = "pid" };
    private readonly Option<string?> _probeFilter = new("--probe-filter") { Description = "Only load and attach the probes whose name matches REGEX (a search; BEGIN, END and self probes always run)", HelpName = "regex" };
    private readonly Option<string?> _command = new("-c", "--cmd") { Description = "Run this command once probes are attached, end when it exits; its pid is 'cpid'", HelpName = "command" };
    private readonly Option<string[]> _includeDirectories = new("-I") { Description = "Add a directory to the include search path", HelpName = "dir" };
    private readonly Option<string[]> _debugInfo = new("--debuginfo") { Description = "Add directories (colon-separated) to the debug info search path", HelpName = "dirs" };
    private readonly Option<string[]> _includes = new("--include") { Description = "Add an #include file before the program", HelpName = "file" };
    private readonly Option<bool> _helperErrors = new("-k", "--warnings") { Description = "Warn when a BPF helper returns an error (accepted; see docs/cli.md)" };
    private readonly Option<bool> _allHelperErrors = new("-kk") { Description = "Check all BPF helper functions (accepted; see docs/cli.md)" };
    private readonly Option<bool> _unsafe = new("--unsafe") { Description = "Allow unsafe builtin functions" };
    private readonly Option<bool> _info = new("--info") { Description = "Print what this kernel supports: map and program types, helpers, probe kinds" };
    private readonly Option<bool> _noWarnings = new("--no-warnings") { Description = "Do not print warning messages" };
    private readonly Option<bool> _noPrintMaps = new("--no-print-maps") { Description = "Do not print maps at exit" };
    private readonly Option<bool> _version = new("-V", "--version") { Description = "Print the sharptrace version" };
    private readonly Option<string?> _metrics = new("--metrics")
    {
        Description = "Serve the maps as live metrics at http://[ADDR:]PORT/metrics (Prometheus or OpenMetrics text; ADDR defaults to 127.0.0.1)",
        HelpName = "[addr:]port",
    };
    private readonly Option<string[]> _metricsLabels = new("--metrics-label")
    {
        Description = "Add the label k=v to every metrics series (repeatable), such as host=web-1",
        HelpName = "k=v",
    };

    public CommandLineOptions()
    {
        _format.AcceptOnlyFromAmong("text", "json", "folded");
        _buffering.AcceptOnlyFromAmong("line", "full", "none");
        // Named explicitly: a RootCommand takes the name of the apphost, SharpTrace.Cli.
        Root = new Command("sharptrace", "sharptrace: run bpftrace programs, compiled straight to eBPF")
        {
            new HelpOption { Description = "Show this help" },
            _program, _arguments, _list, _format, _flameGraph, _output, _buffering, _quiet, _verbose, _debug, _dryRun, _pid, _probeFilter, _command,
            _includeDirectories, _includes, _debugInfo, _helperErrors, _allHelperErrors, _unsafe, _info, _noWarnings, _noPrintMaps, _version,
            _metrics, _metricsLabels,
        };
        AddCompatibilityOptions(Root);
    }

    /// <summary>The command with every option, for parsing and for <c>--help</c>.</summary>
    public Command Root { get; }

    /// <summary>Parses <paramref name="args"/>; returns the options, or null and one line saying what is wrong.</summary>
    public CliOptions? Parse(string[] args, out ParseResult result, out string? error)
    {
        args = WithBareDebugOptions(args);
        result = Root.Parse(args);
        if (result.Errors.Count > 0)
        {
            // One line: System.CommandLine lists allowed values on lines of their own.
            error = string.Join(' ', result.Errors[0].Message.Split(['\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return null;
        }
        // Without "--", an unknown option would arrive as a file name or a parameter: bpftrace calls it an invalid option.
        var optionsEnd = Array.IndexOf(args, "--");
        var stray = (result.GetValue(_arguments) ?? []).FirstOrDefault(a =>
            a.Length > 1 && a[0] == '-' && (optionsEnd < 0 || Array.IndexOf(args, a) < optionsEnd));
        if (stray is not null)
        {
            error = $"invalid option {stray}";
            return null;
        }
        return Read(result, out error);
    }

    private CliOptions? Read(ParseResult parse, out string? error)
    {
        error = null;
        var program = parse.GetValue(_program);
        var arguments = parse.GetValue(_arguments) ?? [];
        var stages = (parse.GetValue(_debug) ?? [])
            .SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        var verboseDebug = stages.RemoveAll(s => s == VerboseDebugStage) > 0;
        if (verboseDebug)
            stages.Add("all");
        if (stages.FirstOrDefault(s => !DebugStageNames.Contains(s)) is { } badStage)
        {
            error = $"Invalid debug stage '{badStage}': expected {string.Join(", ", DebugStageNames)}";
            return null;
        }
        if (stages.Contains("all"))
            stages = ["ast", "types", "ir", "bpf"];

        var listed = parse.GetValue(_list);
        string? listPattern = null;
        string? scriptFile = null;
        if (program is null && arguments.Length > 0)
        {
            scriptFile = arguments[0];
            arguments = arguments[1..];
        }
        // bpftrace -l FILENAME lists the probes of a script; any other -l argument is a search pattern.
        if (listed && scriptFile is not null && !File.Exists(scriptFile))
            (listPattern, scriptFile) = (scriptFile, null);
        else if (listed && program is not null && arguments.Length > 0)
            (listPattern, arguments) = (arguments[0], arguments[1..]);

        var pid = parse.GetValue(_pid);
        var command = parse.GetValue(_command);
        if (pid is not null && command is not null)
            error = "-p and -c cannot be used together";
        else if (pid is <= 0)
            error = $"-p {pid}: a process id is a positive number";
        else if (command is not null && string.IsNullOrWhiteSpace(command))
            error = "-c needs a command";
        if (error is not null || ReadCompatibility(parse, verboseDebug, out error) is not { } compatibility)
            return null;
        if (ReadProbeFilter(parse.GetValue(_probeFilter), out error) is var probeFilter && error is not null)
            return null;
        var (metricsEndpoint, metricsLabels) = ReadMetrics(parse, out error);
        if (error is not null)
            return null;
        var flameGraph = parse.GetValue(_flameGraph);
        if (flameGraph is { Length: 0 })
        {
            error = "--flamegraph needs a file name, such as --flamegraph profile.svg";
            return null;
        }

        return new CliOptions
        {
            Program = program,
            ScriptFile = scriptFile,
            Parameters = arguments.Where(a => !IsNamedArgument(a)).ToList(),
            NamedArguments = NamedArgumentsOf(arguments),
            List = listed,
            ListPattern = listPattern,
            Format = parse.GetValue(_format) ?? "text",
            FlameGraphFile = flameGraph,
            OutputFile = parse.GetValue(_output),
            Buffering = Enum.Parse<OutputBuffering>(parse.GetValue(_buffering) ?? "line", ignoreCase: true),
            Quiet = parse.GetValue(_quiet),
            Verbose = parse.GetValue(_verbose),
            DebugStages = stages.Distinct().ToList(),
            DryRun = parse.GetValue(_dryRun),
            Pid = pid,
            ProbeFilter = probeFilter,
            Command = command,
            IncludeDirectories = parse.GetValue(_includeDirectories) ?? [],
            DebugInfoDirectories = parse.GetValue(_debugInfo) ?? [],
            Includes = parse.GetValue(_includes) ?? [],
            HelperErrorChecks = parse.GetValue(_allHelperErrors) ? 2 : parse.GetValue(_helperErrors) ? 1 : 0,
            Unsafe = parse.GetValue(_unsafe),
            Info = parse.GetValue(_info),
            NoWarnings = parse.GetValue(_noWarnings),
            NoPrintMaps = parse.GetValue(_noPrintMaps),
            Version = parse.GetValue(_version),
            MetricsEndpoint = metricsEndpoint,
            MetricsLabels = metricsLabels,
            Compatibility = compatibility,
        };
    }

    // bpftrace's regex is ECMAScript's (std::regex), searched for in each probe's name.
    private static System.Text.RegularExpressions.Regex? ReadProbeFilter(string? pattern, out string? error)
    {
        error = null;
        if (pattern is null)
            return null;
        try
        {
            return new System.Text.RegularExpressions.Regex(pattern,
                System.Text.RegularExpressions.RegexOptions.ECMAScript | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            error = $"Invalid --probe-filter regex '{pattern}': {e.Message}";
            return null;
        }
    }

    // As bpftrace: every parameter that starts with "--" is a named argument, "--name=value" or "--name".
    private static bool IsNamedArgument(string argument) => argument.Length > 2 && argument.StartsWith("--", StringComparison.Ordinal);

    private static Dictionary<string, string?> NamedArgumentsOf(IEnumerable<string> arguments)
    {
        var named = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var argument in arguments.Where(IsNamedArgument).Select(a => a[2..]))
        {
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
                named[argument] = null;
            else
                named[argument[..equals]] = argument[(equals + 1)..];
        }
        return named;
    }

    private (System.Net.IPEndPoint?, IReadOnlyList<KeyValuePair<string, string>>) ReadMetrics(ParseResult parse, out string? error)
    {
        error = null;
        var labels = new List<KeyValuePair<string, string>>();
        foreach (var label in parse.GetValue(_metricsLabels) ?? [])
        {
            var equals = label.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = $"--metrics-label {label}: expected name=value, such as host=web-1";
                return (null, []);
            }
            labels.Add(new(label[..equals], label[(equals + 1)..]));
        }
        if (parse.GetValue(_metrics) is not { } text)
        {
            if (labels.Count > 0)
                error = "--metrics-label needs --metrics";
            return (null, []);
        }
        if (RunOptions.ParseMetricsEndpoint(text) is not { } endpoint)
        {
            error = $"--metrics {text}: expected [ADDR:]PORT with an IP address, such as 9100, 0.0.0.0:9100 or [::1]:9100";
            return (null, []);
        }
        error = new RunOptions { MetricsLabels = labels }.CheckMetricsLabels() is { } bad ? "--metrics-label: " + bad : null;
        return (endpoint, labels);
    }
}
