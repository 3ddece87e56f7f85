using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// The newest bpftrace's postfix types at run time on tests/programs/pointer_target's <c>visit(&amp;first, values,
/// &amp;link)</c>, where <c>values</c> is <c>int[5] = { 100, 200, 300, 400, 500 }</c>: <c>(int32[4]*)arg1</c> points at
/// its first four, <c>*</c> reads them as one array value (printed as the newest bpftrace prints int arrays), and a
/// string cast to a larger size keeps its text. bpftrace 0.17 refuses all of these (a syntax error).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class PostfixTypeSyntaxKernelTests : KernelTest
{
    [Fact]
    public async Task APointerToAnArrayReadsTheArrayAndAStringCastsToALargerOne()
    {
        var script = PointerTarget.Visit("""
              $v = (int32[4]*)arg1; print(*$v);
              let $w: int32[2]*; $w = (int32[2]*)(arg1 + 8); print(*$w);
              print(sizeof(*$v));
              $s = (string[16])"visit"; printf("%s|\n", $s);
            """);
        var run = await PointerTarget.TraceVisitAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal((0, "[100,200,300,400]\n[300,400]\n16\nvisit|\n"), (run.ExitCode, run.Stdout));
    }
}
