using SharpTrace.Lowering;
using SharpTrace.CodeGen;
using SharpTrace.Kernel;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>let @m = percpuarray(N);</c>: one integer index (or none: index 0), aggregations other than hist and lhist.
/// The errors are written with the offending text marked (⟦ ⟧). bpftrace 0.17 has no map declarations, so there is
/// nothing to compare with; the wording of the plain-value error is the one percpuhash already uses.
/// </summary>
public class PerCpuArrayBinderTests
{
    [Theory]
    [InlineData("⟦let @m = percpuarray(4)⟧; BEGIN { @m[1] = 1; }",
        "@m is declared percpuarray but holds a int8: per-CPU maps can only hold aggregations such as count() or sum()")]
    [InlineData("⟦let @m = percpuarray(4)⟧; BEGIN { @m[1] = \"s\"; }",
        "@m is declared percpuarray but holds a string[2]: per-CPU maps can only hold aggregations such as count() or sum()")]
    [InlineData("⟦let @m = percpuarray(4)⟧; BEGIN { @m[\"a\"] = count(); }",
        "@m is declared percpuarray but has keys [string[1024]]: an array is indexed by one integer, 0 to 3")]
    [InlineData("⟦let @m = percpuarray(8)⟧; BEGIN { @m[1, 2] = sum(3); }",
        "@m is declared percpuarray but has keys [int8, int8]: an array is indexed by one integer, 0 to 7")]
    [InlineData("⟦let @m = percpuarray(8)⟧; BEGIN { @m[1] = hist(3); }",
        "@m is declared percpuarray but holds a hist: an array holds count(), sum(), min(), max(), avg() or stats(); declare it percpuhash for hist()")]
    [InlineData("⟦let @m = percpuarray(1)⟧; BEGIN { @m = lhist(3, 0, 10, 1); }",
        "@m is declared percpuarray but holds a lhist: an array holds count(), sum(), min(), max(), avg() or stats(); declare it percpuhash for lhist()")]
    [InlineData("let @m = percpuarray(⟦0⟧); BEGIN { @m[1] = count(); }",
        "percpuarray() requires one argument: the maximum number of entries, a positive integer")]
    public void MisuseIsReported(string annotated, string message) => SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    [InlineData("let @m = percpuarray(4); BEGIN { @m[1] = count(); @m[2] = count(); }")]
    [InlineData("let @m = percpuarray(4); BEGIN { @m[(uint8)1] = sum(5); $i = 2; @m[$i] = sum(1); }")]
    [InlineData("let @m = percpuarray(4); let @n = percpuarray(4); BEGIN { @m[1] = min(5); @n[2] = max(5); }")]
    [InlineData("let @m = percpuarray(4); let @n = percpuarray(2); BEGIN { @m[1] = avg(5); @n[0] = stats(5); }")]
    [InlineData("let @m = percpuarray(1); BEGIN { @m = count(); }")]
    public void AggregationsIndexedByOneIntegerAreAccepted(string script) => SemanticKit.AssertDiagnostics(script);

    [Fact]
    public void AScalarArrayDeclaredLargerWarnsThatItHoldsOneEntry() =>
        SemanticKit.AssertDiagnostics("⟦let @m = percpuarray(4)⟧; BEGIN { @m = count(); }",
            "@m has no keys: it holds one entry whatever size is declared");

    [Fact]
    public void TheKernelMapIsAPerCpuArrayOfU32IndicesWithAPresentWordAfterTheValue()
    {
        var (program, diagnostics) = SemanticKit.Bind("let @s = percpuarray(6); let @a = percpuarray(1); BEGIN { @s[1] = sum(2); @a = avg(3); }");

        Assert.Empty(diagnostics);
        var maps = new ProgramMaps(program!).All.Where(d => d.Symbol is not null).ToDictionary(d => d.Symbol!.Name);
        // sum: an 8-byte slot, then "present"; avg: (total, count), then "present". A scalar array has index 0 only.
        Assert.Equal((BpfMapType.PerCpuArray, 4, 16, 6), (maps["@s"].Type, maps["@s"].KeySize, maps["@s"].ValueSize, maps["@s"].MaxEntries));
        Assert.Equal((BpfMapType.PerCpuArray, 4, 24, 1), (maps["@a"].Type, maps["@a"].KeySize, maps["@a"].ValueSize, maps["@a"].MaxEntries));
    }
}
