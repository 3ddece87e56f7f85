namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>ctx->regs.ip</c>: a member of a struct member of the context (a perf event's <c>struct bpf_perf_event_data</c>
/// holds <c>regs</c> by value), as the newest bpftrace reads it; the run-time value is checked in
/// PerfEventContextTests (kernel).
/// </summary>
public class ContextStructMemberTests
{
    [Fact]
    public void AMemberOfTheContextsRegsIsAnIntegerReadFromTheContext()
    {
        var types = SemanticKit.Types("profile:hz:99 { @ip = ctx->regs.ip; @si = ctx.regs.si; }");
        Assert.Contains("Map @ip :: uint64\n", types);
        Assert.Contains("Map @si :: uint64\n", types);
        Assert.Equal(2, types.Split("ContextArgument :: uint64").Length - 1);
    }

    [Fact]
    public void AnUnknownNestedMemberIsTheReferencesError() =>
        SemanticKit.AssertDiagnostics("profile:hz:99 { @x = ⟦ctx->regs.nope⟧; }",
            "Struct/union of type 'struct pt_regs' does not contain a field named 'nope'");

    [Fact]
    public void TheRegsStructItselfIsNotReadAsAValue() =>
        Assert.Equal(["Reading a ctx field of type 'struct pt_regs' is not supported yet"],
            SemanticKit.Errors("profile:hz:99 { @x = ctx->regs; }"));
}
