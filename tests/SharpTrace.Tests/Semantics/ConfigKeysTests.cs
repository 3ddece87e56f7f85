using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// The config keys of the newest reference (docs/language.md, "Config Variables", and src/config.cpp): each accepted
/// and checked; renamed and deprecated keys warned about as bpftrace warns; environment-only ones refused.
/// </summary>
public class ConfigKeysTests
{
    private static (ProgramConfig Config, IReadOnlyList<Diagnostic> Diagnostics) Bind(string block)
    {
        var tree = SyntaxTree.Parse($"config = {{ {block} }} BEGIN {{ }}");
        Assert.Empty(tree.Diagnostics);
        var diagnostics = new DiagnosticBag(tree.Source);
        return (ConfigBinder.Bind(tree.Root.Config!, new ProgramConfig(), diagnostics), diagnostics.Items);
    }

    [Theory]
    [InlineData("license = \"GPL\"")]
    [InlineData("license = \"Dual BSD/GPL\"")]
    [InlineData("show_debug_info = false")]
    [InlineData("use_blazesym = 1")]
    [InlineData("cache_user_symbols = PER_PID")]
    [InlineData("cache_user_symbols = per_program")]
    [InlineData("missing_probes = warn")]
    [InlineData("on_stack_limit = 64")]
    [InlineData("log_size = 1000")]
    [InlineData("unstable_tseries = enable")]
    [InlineData("unstable_dw_ustack = error")]
    [InlineData("unstable_import_statement = warn")]
    [InlineData("unstable_typeinfo = true")]
    public void EveryDocumentedKeyIsAccepted(string entry)
    {
        var (_, diagnostics) = Bind(entry);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void ShowDebugInfoIsOffByDefaultAndSetByTheConfigBlock()
    {
        // bpftrace built without blazesym has it off: stacks keep bpftrace 0.17's format unless a script asks.
        Assert.False(new ProgramConfig().ShowDebugInfo);
        Assert.True(Bind("show_debug_info = 1").Config.ShowDebugInfo);
        Assert.False(Bind("show_debug_info = false").Config.ShowDebugInfo);
    }

    [Fact]
    public void LicenseIsTheOneProgramsLoadWith()
    {
        Assert.Equal("GPL", new ProgramConfig().License);
        Assert.Equal("Dual MIT/GPL", Bind("license = \"Dual MIT/GPL\"").Config.License);
    }

    [Theory]
    [InlineData("license = \"MIT\"", "Invalid value for license: expected one of GPL, GPL v2, GPL and additional rights, Dual BSD/GPL, Dual MIT/GPL, Dual MPL/GPL, got 'MIT'")]
    [InlineData("unstable_tseries = maybe", "Invalid value for unstable_tseries: expected enable, warn or error, got 'maybe'")]
    [InlineData("btf = 1", "btf: can only be set as an environment variable")]
    [InlineData("vmlinux = 1", "vmlinux: can only be set as an environment variable")]
    public void BadValuesAndEnvironmentOnlyKeysAreErrors(string entry, string message)
    {
        var (_, diagnostics) = Bind(entry);
        Assert.Equal(message, Assert.Single(diagnostics, d => d.IsError).Message);
    }

    // The warnings of bpftrace's config pass (src/ast/passes/config_analyser.cpp).
    [Fact]
    public void RenamedKeysSetTheNewOneAndDeprecatedOnesDoNothingWithAWarning()
    {
        var (config, diagnostics) = Bind("strlen = 40; symbol_source = 1; unstable_macro = 1");

        Assert.Equal(40, config.MaxStrlen);
        Assert.All(diagnostics, d => Assert.False(d.IsError));
        Assert.Equal(
            ["strlen has been renamed, please use max_strlen", "symbol_source is deprecated and has no effect", "unstable_macro is deprecated and has no effect"],
            diagnostics.Select(d => d.Message));
    }
}
