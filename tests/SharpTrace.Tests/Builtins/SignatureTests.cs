using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// Argument counts and kinds checked once, from each builtin's declared signature, in bpftrace's words (every message
/// below was produced by bpftrace 0.17 for the same expression).
/// </summary>
public class SignatureTests
{
    [Theory]
    [InlineData("""BEGIN { printf("%s", ⟦ksym("a")⟧); }""", "ksym() expects an integer or pointer argument")]
    [InlineData("""BEGIN { printf("%s", ⟦usym(comm)⟧); }""", "usym() expects an integer or pointer argument")]
    [InlineData("""BEGIN { printf("%s", ⟦ksym()⟧); }""", "ksym() requires one argument (0 provided)")]
    [InlineData("""BEGIN { printf("%s", ⟦usym()⟧); }""", "usym() requires one argument (0 provided)")]
    [InlineData("""BEGIN { ⟦time("%H", 1)⟧; }""", "time() takes up to one argument (2 provided)")]
    [InlineData("BEGIN { @[⟦kstack(1,2,3)⟧] = count(); }", "kstack() takes up to 2 arguments (3 provided)")]
    public void ArgumentsAreCheckedInBpftracesWords(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void AnAddressMayBeAPointer() =>
        SemanticKit.AssertDiagnostics("""BEGIN { printf("%s\n", ksym(curtask)); }""");
}
