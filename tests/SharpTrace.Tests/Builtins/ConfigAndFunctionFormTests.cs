using SharpTrace.Semantics;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// The <c>config</c> builtin (config.NAME, the newest bpftrace's record of its configuration: src/ast/passes/builtins.cpp)
/// and the function forms the newest reference gives every builtin variable (<c>jiffies()</c>, <c>ncpus()</c>…).
/// </summary>
public class ConfigAndFunctionFormTests
{
    [Theory]
    [InlineData("config = { max_strlen = 32 } BEGIN { @ = config.max_strlen; }", "Integer 32 :: uint64")]
    [InlineData("config = { log_size = 5 } BEGIN { @ = config.log_size; }", "Integer 5 :: uint64")]
    [InlineData("BEGIN { @ = config.log_size; }", "Integer 1000000 :: uint64")]
    [InlineData("BEGIN { @ = config.on_stack_limit; }", "Integer 32 :: uint64")]
    [InlineData("config = { stack_mode = perf } BEGIN { @ = config.stack_mode; }", "String \"perf\"")]
    [InlineData("BEGIN { @ = config.str_trunc_trailer; }", "String \"..\"")]
    [InlineData("config = { unstable_tseries = enable } BEGIN { @ = config.unstable_tseries; }", "String \"enable\"")]
    [InlineData("BEGIN { @ = config.unstable_tseries; }", "String \"warn\"")]
    [InlineData("BEGIN { @ = config.missing_probes; }", "String \"error\"")]
    [InlineData("config = { license = \"Dual BSD/GPL\" } BEGIN { @ = config.license; }", "String \"Dual BSD/GPL\"")]
    [InlineData("config = { cpp_demangle = false } BEGIN { @ = config.cpp_demangle; }", "Boolean false :: bool")]
    [InlineData("BEGIN { @ = config.print_maps_on_exit; }", "Boolean true :: bool")]
    public void ConfigReadsTheCompiledSettings(string script, string expected)
    {
        var (program, diagnostics) = SemanticKit.Bind(script);
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.Contains(expected, BoundTreePrinter.Print(program!), StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigFromTheEnvironmentWins()
    {
        var config = new ProgramConfig().WithEnvironment(new Dictionary<string, string> { ["BPFTRACE_MAX_STRLEN"] = "48" }, out _)!;
        var (program, _) = SemanticKit.Bind("config = { max_strlen = 32 } BEGIN { @ = config.max_strlen; }", config);
        Assert.Contains("Integer 48 :: uint64", BoundTreePrinter.Print(program!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BEGIN { @ = ⟦config.nosuch⟧; }", "config has no field named 'nosuch'")]
    // Bare `config` is the whole record now (ValueGapTests); a call with an argument that names no field is refused.
    [InlineData("BEGIN { @ = ⟦config(1)⟧; }", "config is a record of the config variables: read one of them as config.NAME")]
    public void ConfigErrors(string annotated, string message) => SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    [InlineData("jiffies")]
    [InlineData("ncpus")]
    [InlineData("numaid")]
    [InlineData("username")]
    [InlineData("cpu")]
    [InlineData("uid")]
    [InlineData("gid")]
    [InlineData("rand")]
    [InlineData("cgroup")]
    [InlineData("elapsed")]
    [InlineData("curtask")]
    [InlineData("comm")]
    [InlineData("probe")]
    public void EveryVariableIsAlsoAFunction(string name)
    {
        var (call, callDiagnostics) = SemanticKit.Bind($"tracepoint:syscalls:sys_enter_openat {{ @a = {name}(); }}");
        var (bare, bareDiagnostics) = SemanticKit.Bind($"tracepoint:syscalls:sys_enter_openat {{ @a = {name}; }}");
        Assert.True(call is not null, string.Concat(callDiagnostics.Select(d => d.Format())));
        Assert.Equal(bare!.Maps.Single().ValueType, call!.Maps.Single().ValueType);
        Assert.Empty(bareDiagnostics);
    }

    [Fact]
    public void AVariableTakesNoArguments() =>
        SemanticKit.AssertDiagnostics("BEGIN { @ = ⟦jiffies⟧(1); }", "Unknown function: jiffies");
}
