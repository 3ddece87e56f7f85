using SharpTrace.Builtins;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>strerror(n): its type, its errors in bpftrace 0.17's words, and the text its values print as.</summary>
public class StrerrorTests
{
    // Every message was produced by bpftrace 0.17 for the same expression, but the first: the newest bpftrace's strerror
    // is a stdlib macro that casts its argument, (int32)errno (src/stdlib/strings.bt), so a string is that cast's error.
    [Theory]
    [InlineData("""BEGIN { printf("%s", ⟦strerror("a")⟧); }""", "Cannot cast from \"string[2]\" to \"int32\"")]
    [InlineData("""BEGIN { printf("%s", ⟦strerror()⟧); }""", "strerror() requires one argument (0 provided)")]
    [InlineData("""BEGIN { printf("%s", ⟦strerror(1,2)⟧); }""", "strerror() requires one argument (2 provided)")]
    [InlineData("""BEGIN { ⟦printf("%d", strerror(1))⟧; }""", "printf: %d specifier expects a value of type integer (string supplied)")]
    [InlineData("BEGIN { $x = ⟦strerror(5) + 1⟧; }", "Type mismatch for '+': comparing strerror with int8")]
    public void MisusesAreErrorsInBpftracesWords(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    // The newest bpftrace casts the argument to an int32 (0.17 refused a pointer with "only supports integer arguments").
    [Theory]
    [InlineData("strerror(curtask)", "    Cast :: int32\n     Builtin curtask :: struct task_struct *\n")]
    [InlineData("strerror(true)", "    Cast :: int32\n     Boolean true :: bool\n")]
    public void APointerOrABoolIsCastToAnInt32AsTheNewestsMacroCastsIt(string call, string cast)
    {
        var types = SemanticKit.Types("BEGIN { @ = " + call + "; }");
        Assert.Contains("   Strerror :: strerror\n" + cast, types, StringComparison.Ordinal);
    }

    [Fact]
    public void PrintsWithPercentSAndAsMapKeysAndValues()
    {
        var (program, diagnostics) = SemanticKit.Bind("""BEGIN { printf("%s\n", strerror(2)); @k[strerror(1)] = count(); @v = strerror(-1); }""");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal(ErrnoTextType.Instance, program.Maps.Single(m => m.Name == "@k").KeyTypes!.Single());
        Assert.Equal(ErrnoTextType.Instance, program.Maps.Single(m => m.Name == "@v").ValueType);
    }

    // The texts are libc's (strerror(3)), as bpftrace 0.17 printed them for the same numbers.
    [Theory]
    [InlineData(0, "Success")]
    [InlineData(1, "Operation not permitted")]
    [InlineData(2, "No such file or directory")]
    [InlineData(5, "Input/output error")]
    [InlineData(13, "Permission denied")]
    [InlineData(-1, "Unknown error -1")]
    [InlineData(1000, "Unknown error 1000")]
    public void ValuesDecodeToLibcsText(long errno, string text) =>
        Assert.Equal(new StringValue(text), ErrnoTextType.Instance.Decode(BitConverter.GetBytes(errno)));
}
