using SharpTrace.Lowering;
using SharpTrace.Cli;
using SharpTrace.CodeGen;
using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Cli;

/// <summary>Positional parameters, cpid, -p, and config variables with bpftrace's precedence, checked in the binder.</summary>
public sealed class ConfigAndParameterTests
{
    private sealed class Tracepoints : ITracepointCatalog
    {
        public IEnumerable<(string Category, string Name)> List() =>
            [("syscalls", "sys_enter_openat"), ("sched", "sched_switch"), ("sched", "sched_process_exec")];

        public TracepointFormat? Format(string category, string name) => new(name, 1, [], []);
    }

    private static (BoundProgram? Program, IReadOnlyList<Diagnostic> Diagnostics) Bind(string text, ProgramConfig? config = null) =>
        Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(new SourceText(text, "stdin")), new Tracepoints(), config);

    private static BoundExpression PrintfArgument(string expression, params string[] parameters)
    {
        var (program, diagnostics) = Bind($"BEGIN {{ printf(\"%d\", {expression}); }}", new ProgramConfig { PositionalParameters = parameters });
        Assert.True(program is not null, string.Join("\n", diagnostics.Select(d => d.Format())));
        var printf = Assert.IsType<BoundPrintf>(Assert.Single(program!.Probes[0].Body.Statements));
        return Assert.Single(printf.Arguments);
    }

    private static BoundExpression StrArgument(string expression, params string[] parameters)
    {
        var (program, _) = Bind($"BEGIN {{ printf(\"%s\", {expression}); }}", new ProgramConfig { PositionalParameters = parameters });
        return Assert.Single(Assert.IsType<BoundPrintf>(program!.Probes[0].Body.Statements[0]).Arguments);
    }

    [Theory]
    [InlineData("5", 5)]
    [InlineData("0x10", 16)]
    [InlineData("-3", -3)]
    public void NumericParameterIsAnIntegerLiteral(string text, long value) =>
        Assert.Equal(value, Assert.IsType<BoundIntegerLiteral>(PrintfArgument("$1", text)).Value);

    [Fact]
    public void MissingParameterIsZero() => Assert.Equal(0, Assert.IsType<BoundIntegerLiteral>(PrintfArgument("$2", "1")).Value);

    [Fact]
    public void ParameterCountIsAnInteger() => Assert.Equal(3, Assert.IsType<BoundIntegerLiteral>(PrintfArgument("$#", "a", "b", "c")).Value);

    [Fact]
    public void TextParameterIsAStringLiteral() => Assert.Equal("abc", Assert.IsType<BoundStringLiteral>(StrArgument("$1", "abc")).Value);

    [Fact]
    public void StrOfParameterIsItsTextEvenWhenNumeric()
    {
        Assert.Equal("5", Assert.IsType<BoundStringLiteral>(StrArgument("str($1)", "5")).Value);
        Assert.Equal("", Assert.IsType<BoundStringLiteral>(StrArgument("str($4)", "5")).Value);
    }

    [Fact]
    public void CpidIsTheChildPid() =>
        Assert.Equal(1234, Assert.IsType<BoundIntegerLiteral>(Assert.Single(Assert.IsType<BoundPrintf>(
            Bind("BEGIN { printf(\"%d\", cpid); }", new ProgramConfig { ChildPid = 1234 }).Program!.Probes[0].Body.Statements[0]).Arguments)).Value);

    // The newest bpftrace's cpid (0.17 refused it: "cpid cannot be used without child command (-c)"): zero, and a
    // warning each time it is read.
    [Fact]
    public void CpidWithoutCommandIsZeroAndWarnsWhenRead()
    {
        var (program, diagnostics) = Bind("BEGIN { printf(\"%d\", cpid); }");
        Assert.DoesNotContain(diagnostics, d => d.IsError);
        var types = BoundTreePrinter.Print(program!);
        Assert.Contains("BlockExpression :: uint32", types, StringComparison.Ordinal);
        Assert.Contains("Call warnf", types, StringComparison.Ordinal);
    }

    [Fact]
    public void TargetPidFiltersTracepointsButNotBegin()
    {
        var (program, _) = Bind("BEGIN { } tracepoint:sched:sched_switch { }", new ProgramConfig { TargetPid = 77 });
        Assert.Null(program!.Probes[0].Predicate);
        var filter = Assert.IsType<BoundBinary>(program.Probes[1].Predicate);
        Assert.Equal(77, Assert.IsType<BoundIntegerLiteral>(filter.Right).Value);
    }

    [Fact]
    public void UnknownConfigVariableSuggestsTheClosest() =>
        Assert.Contains(Bind("config = { max_strln = 32 } BEGIN { }").Diagnostics,
            d => d.Message == "Unrecognized config variable: max_strln (did you mean max_strlen?)");

    [Fact]
    public void ConfigKeyMayBeTheEnvironmentName() =>
        Assert.Equal(32, Bind("config = { BPFTRACE_MAX_STRLEN = 32 } BEGIN { }").Program!.Config.MaxStrlen);

    [Fact]
    public void EnvironmentWinsOverConfigBlock()
    {
        var config = ConfigVariables.FromEnvironment(new ProgramConfig(), new Dictionary<string, string> { ["BPFTRACE_MAX_STRLEN"] = "8" }, out _);
        var (program, _) = Bind("config = { max_strlen = 32; max_map_keys = 10 } BEGIN { }", config);
        Assert.Equal((8, 10), (program!.Config.MaxStrlen, program.Config.MaxMapKeys));
    }

    [Fact]
    public void LegacyEnvironmentNamesOfBpftrace017()
    {
        var config = ConfigVariables.FromEnvironment(new ProgramConfig(),
            new Dictionary<string, string> { ["BPFTRACE_STRLEN"] = "20", ["BPFTRACE_MAP_KEYS_MAX"] = "100", ["BPFTRACE_BTF"] = "/x" }, out var error);
        Assert.Null(error);
        Assert.Equal((20, 100), (config!.MaxStrlen, config.MaxMapKeys));
    }

    [Fact]
    public void InvalidEnvironmentValueIsAnError()
    {
        Assert.Null(ConfigVariables.FromEnvironment(new ProgramConfig(), new Dictionary<string, string> { ["BPFTRACE_PRINT_MAPS_ON_EXIT"] = "maybe" }, out var error));
        Assert.Equal("environment variable BPFTRACE_PRINT_MAPS_ON_EXIT: Invalid value for print_maps_on_exit: expected true or false, got 'maybe'", error);
    }

    [Fact]
    public void NoPrintMapsWinsOverConfigBlock()
    {
        var config = Program.Configure(new CliOptions { NoPrintMaps = true }, null, new Dictionary<string, string>(), out _);
        Assert.False(Bind("config = { print_maps_on_exit = true } BEGIN { }", config).Program!.Config.PrintMapsOnExit);
    }

    [Fact]
    public void PerfRbPagesSizesTheRingBufferAsAPowerOfTwo()
    {
        Assert.Equal(1 << 20, ProgramMaps.RingBufferSize(null));
        var size = ProgramMaps.RingBufferSize(3);
        Assert.True(size >= 3 * Environment.SystemPageSize * BpfMap.PossibleCpuCount && (size & (size - 1)) == 0);
    }

    [Fact]
    public void MaxProbesLimitsAttachPoints() =>
        Assert.Contains(Bind("tracepoint:sched:* { }", new ProgramConfig { MaxProbes = 1 }).Diagnostics,
            d => d.Message.StartsWith("Can not attach more than 1 probes (2 requested)", StringComparison.Ordinal));
}
