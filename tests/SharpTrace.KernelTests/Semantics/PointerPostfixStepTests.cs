using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// The value of a postfix <c>$p++</c> / <c>$p--</c> on a typed pointer is the pointer before the step, which moves by
/// the element's size (runtime/pointers "Pointer walk through struct": <c>($c++).b</c> over a struct array), read in a
/// uprobe on tests/programs/pointer_target.c (visit gets a pointer to a 40-byte list node with id 1 and a pointer into
/// the int array {100, 200, 300, 400, 500}). bpftrace 0.17 prints the same; compared with it, text and JSON.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class PointerPostfixStepTests : KernelTest
{
    [Fact]
    public async Task PostfixIncrementOfAPointerYieldsThePointerBeforeAnElementSizedStep()
    {
        var script = PointerTarget.Visit("""
              $v = (int32 *)arg1;
              $a = $v++;
              $b = $v++;
              $c = $v--;
              @post = (*$a, *$b, *$c, *$v);
              $n = (struct node *)arg0;
              $m = $n++;
              @step = (uint64)$n - (uint64)$m;
              @id = $m->id;
            """);

        var expected = await PointerTarget.TraceVisitAsync(BpftraceRun.Start(["-e", script]));
        var actual = await PointerTarget.TraceVisitAsync(SharpTraceRun.Start(["-e", script]));
        var expectedJson = await PointerTarget.TraceVisitAsync(BpftraceRun.Start(["-f", "json", "-e", script]));
        var actualJson = await PointerTarget.TraceVisitAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal("\n\n@id: 1\n@post: (100, 200, 300, 200)\n@step: 40\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
        Assert.Equal(JsonLines.NonEmpty(expectedJson.Stdout), JsonLines.NonEmpty(actualJson.Stdout));
    }
}
