using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// kaddr's address is a constant in the code but not a literal, as in the newest bpftrace (its code generator puts the
/// address in): str() of it reads the string there instead of folding the address into its decimal digits.
/// </summary>
public sealed class KaddrTests
{
    private const string Missing = "\"sharptrace_no_such_symbol\"";

    [Fact]
    public void StrOfKaddrReadsTheStringAtTheAddress()
    {
        var types = SemanticKit.Types($"BEGIN {{ print(str(kaddr({Missing}), 5)); }}");

        Assert.Contains("Str ", types, StringComparison.Ordinal);
        Assert.Contains("Kaddr :: uint64", types, StringComparison.Ordinal);
        Assert.DoesNotContain("String \"", types, StringComparison.Ordinal);
    }

    [Fact]
    public void KaddrIsNotALiteral() =>
        Assert.Contains("Boolean false", SemanticKit.Types($"BEGIN {{ @l = is_literal(kaddr({Missing})); }}"), StringComparison.Ordinal);

    // runtime/basic "kaddr fails": the newest bpftrace's code generator stops at the call, where it points; the types
    // check (-d types) as they do there.
    [Fact]
    public void AnUnknownSymbolIsAnErrorAtTheCallWhenTheProbeCompiles()
    {
        const string Script = "begin { print(kaddr(\"asdfzzzzzzz\")) }";
        var (program, diagnostics) = SemanticKit.Bind(Script);

        Assert.NotNull(program);
        Assert.Empty(diagnostics);
        var error = program.Probes.Single().CompileError;
        Assert.NotNull(error);
        Assert.StartsWith("stdin:1:15-35: ERROR: Failed to resolve kernel symbol: asdfzzzzzzz\n" + Script + "\n", error.Format(), StringComparison.Ordinal);
    }
}
