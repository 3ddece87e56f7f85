using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>config = { ... }</c> as the bpftrace language reference describes it: names with or without the BPFTRACE_
/// prefix, in either case, and a value from the environment winning over the script's.
/// </summary>
public class ConfigBinderTests
{
    private static (ProgramConfig Config, IReadOnlyList<Diagnostic> Diagnostics) BindConfig(string script, ProgramConfig? outside = null)
    {
        var tree = SyntaxTree.Parse(script);
        Assert.Empty(tree.Diagnostics);
        var diagnostics = new DiagnosticBag(tree.Source);
        var config = ConfigBinder.Bind(tree.Root.Config!, outside ?? new ProgramConfig(), diagnostics);
        return (config, diagnostics.Items);
    }

    [Fact]
    public void LiteralsSetTheirVariables()
    {
        var (config, diagnostics) = BindConfig("config = { stack_mode=perf; max_map_keys=2; print_maps_on_exit=false; max_strlen=32 } BEGIN { }");

        Assert.Empty(diagnostics);
        Assert.Equal("perf", config.StackMode);
        Assert.Equal(2, config.MaxMapKeys);
        Assert.False(config.PrintMapsOnExit);
        Assert.Equal(32, config.MaxStrlen);
    }

    [Theory]
    [InlineData("BPFTRACE_MAX_MAP_KEYS")]
    [InlineData("MAX_MAP_KEYS")]
    [InlineData("max_map_keys")]
    public void EnvironmentStyleAndLowerCaseNamesAreTheSameVariable(string name)
    {
        var (config, diagnostics) = BindConfig($"config = {{ {name}=7 }} BEGIN {{ }}");

        Assert.Empty(diagnostics);
        Assert.Equal(7, config.MaxMapKeys);
    }

    [Fact]
    public void ValueSetOutsideTheScriptWins()
    {
        var outside = new ProgramConfig { MaxMapKeys = 100, SetOutsideScript = new HashSet<string> { "max_map_keys" } };

        var (config, diagnostics) = BindConfig("config = { max_map_keys=2; max_strlen=16 } BEGIN { }", outside);

        Assert.Empty(diagnostics);
        Assert.Equal(100, config.MaxMapKeys);
        Assert.Equal(16, config.MaxStrlen);
    }

    [Fact]
    public void LaterEntryOfTheSameVariableWins()
    {
        var (config, _) = BindConfig("config = { max_strlen=16; max_strlen=24 } BEGIN { }");

        Assert.Equal(24, config.MaxStrlen);
    }

    [Fact]
    public void WrongEntriesAreReportedAndTheOthersStillApply()
    {
        const string script = "config = { max_strlen=0; nope=1; max_map_keys=9 } BEGIN { }";
        var (config, diagnostics) = BindConfig(script);

        Assert.All(diagnostics, d => Assert.True(d.IsError));
        Assert.Equal(["max_strlen=0", "nope=1"], diagnostics.Select(d => script.Substring(d.Span.Start, d.Span.Length)));
        Assert.Equal(new ProgramConfig().MaxStrlen, config.MaxStrlen);
        Assert.Equal(9, config.MaxMapKeys);
    }

    [Fact]
    public void BoundProgramCarriesTheScriptsConfig()
    {
        var (program, diagnostics) = SemanticKit.Bind("config = { max_strlen=32 } kprobe:f { @s = str(arg0); }");

        Assert.Empty(diagnostics);
        Assert.Equal(32, program!.Config.MaxStrlen);
        Assert.Equal(new StringType(32), program.Maps[0].ValueType);
    }
}
