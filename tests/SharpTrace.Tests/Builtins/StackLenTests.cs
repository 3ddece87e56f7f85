using SharpTrace.Semantics;
using SharpTrace.Tests.Lowering;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// <c>len()</c> of a stack (the newest bpftrace's stdlib: <c>len(ustack)</c>, <c>len(kstack)</c>, of stack values too),
/// and of maps: errors in the words of its base.bt, and what the lowering asks of the kernel.
/// </summary>
public sealed class StackLenTests
{
    [Theory]
    [InlineData("BEGIN { @x = 1; @l = ⟦len(@x)⟧; }", "call to len() expects a map with explicit keys (non-scalar map)")]
    [InlineData("kprobe:f { @s = kstack; @l = ⟦len(@s)⟧; }", "call to len() expects a map with explicit keys (non-scalar map)")]
    [InlineData("BEGIN { @l = ⟦len(1)⟧; }", "call to len() expects a map, ustack, or kstack")]
    [InlineData("BEGIN { @l = ⟦len(\"abc\")⟧; }", "call to len() expects a map, ustack, or kstack")]
    [InlineData("BEGIN { @m[1] = 1; @l = ⟦len(@m[1])⟧; }", "call to len() expects a map, ustack, or kstack")]
    public void MisusesAreErrorsInTheNewestBpftracesWords(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    // The newest bpftrace unwinds dw_ustack in the probe (its __ustack_dwunwind), so its len() counts the frames there;
    // ours is unwound in user space from a copy of the stack, so the probe cannot count them: refused, in
    // docs/differences.md.
    [Fact]
    public void LenOfADwUstackIsRefusedAsItsFramesAreOnlyKnownInUserSpace() =>
        Assert.Equal(["len() of a dw_ustack is not supported: its frames are only known in user space"],
            SemanticKit.Errors("profile:hz:99 { @l = len(dw_ustack); }"));

    [Theory]
    [InlineData("kprobe:f { @l = len(kstack); }")]
    [InlineData("kprobe:f { @l = len(ustack(perf, 3)); }")]
    [InlineData("kprobe:f { $s = ustack(3); @l = len($s); }")]
    [InlineData("kprobe:f { @s[1] = kstack; @l = len(@s[1]); }")]
    [InlineData("kprobe:f { @m[1] = 1; @l = len(@m); }")]
    public void LenOfAStackOrAKeyedMapIsAnInt64(string script) =>
        Assert.Contains("Map @l :: int64\n", SemanticKit.Types(script), StringComparison.Ordinal);

    [Fact]
    public void LenOfAStackTakenHereOnlyWalksItForItsDepth()
    {
        var ir = LoweringKit.Ir("kprobe:f { @l = len(kstack(5)); }");

        Assert.Contains("lookup map[stack_frames_5]", ir, StringComparison.Ordinal);
        Assert.Contains("call bpf_get_stack(%0, %", ir, StringComparison.Ordinal);
        Assert.Contains(", 40, 0)", ir, StringComparison.Ordinal);
        Assert.DoesNotContain("bpf_get_stackid", ir, StringComparison.Ordinal);
    }

    [Fact]
    public void AStackValueRecordsItsDepthAboveItsIdWhenTheProgramAsksForIt()
    {
        var ir = LoweringKit.Ir("kprobe:f { $s = ustack(3); @l = len($s); } kprobe:g { @k[ustack(3)] = count(); }");

        // Both probes' stacks record it (a value may go anywhere); a user stack's walk asks for the user stack (256).
        Assert.Equal(2, CountOf(ir, "call bpf_get_stackid("));
        Assert.Equal(2, CountOf(ir, ", 24, 256)"));
        Assert.Equal(2, CountOf(ir, "store.u16 $s0+2, "));
        Assert.Contains(">> 16", ir, StringComparison.Ordinal);
    }

    [Fact]
    public void ProgramsThatDoNotAskForADepthWalkEachStackOnce()
    {
        var ir = LoweringKit.Ir("kprobe:f { @k[ustack(3)] = count(); @n = len(@k); @l = len(kstack); }");

        Assert.Equal(1, CountOf(ir, "call bpf_get_stackid("));
        Assert.DoesNotContain("store.u16", ir, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7u, 7)]
    [InlineData(0x0003_0007u, 7)]
    [InlineData(0x0400_0fffu, 0xfff)]
    [InlineData(0xffff_fff2u, -14)]
    public void TheStackIdOfAValueLeavesOutItsDepth(uint low, int id) => Assert.Equal(id, StackType.IdOf(low));

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
