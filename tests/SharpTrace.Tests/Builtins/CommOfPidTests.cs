using SharpTrace.Semantics;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// <c>comm(pid)</c>, the newest bpftrace's stdlib <c>comm($pid)</c> macro: its errors in the reference's words, and
/// <c>comm</c> and <c>comm()</c> still the current task's name, a <c>string[16]</c>. The kernel tests run it (the
/// test kit's kernel has no kfuncs, so here it is refused as the reference refuses it where
/// <c>kfunc_allowed("bpf_task_from_pid")</c> is false).
/// </summary>
public class CommOfPidTests
{
    [Theory]
    [InlineData("""BEGIN { @v = ⟦comm("a")⟧; }""", "Only integer supported for comm()'s pid")]
    [InlineData("""BEGIN { $s = "a"; @v = ⟦comm($s)⟧; }""", "Only integer supported for comm()'s pid")]
    [InlineData("""BEGIN { @v = ⟦comm(1, 2)⟧; }""", "comm() takes up to one argument (2 provided)")]
    [InlineData("""BEGIN { @v = ⟦comm(1)⟧; }""", "Syntax comm(PID) is not supported in this probe type yet. Type: special")]
    [InlineData("""tracepoint:syscalls:sys_enter_openat { @v = ⟦comm(pid)⟧; }""", "Syntax comm(PID) is not supported in this probe type yet. Type: tracepoint")]
    public void MisusesAreErrorsInTheReferencesWords(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    [InlineData("comm")]
    [InlineData("comm()")]
    public void CommWithoutAPidIsTheCurrentTasksSixteenBytes(string expression)
    {
        var (program, diagnostics) = SemanticKit.Bind($"BEGIN {{ @v = sizeof({expression}); }}");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        var size = Assert.IsType<BoundIntegerLiteral>(program.Probes.Single().Body.Statements.OfType<BoundMapAssign>().Single().Value);
        Assert.Equal(16, size.Value);
    }
}
