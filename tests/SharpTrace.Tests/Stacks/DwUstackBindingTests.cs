using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Tests.Probes;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Stacks;

/// <summary>How <c>dw_ustack</c> and <c>config = { ustack_unwind = dwarf }</c> bind.</summary>
public sealed class DwUstackBindingTests
{
    [Theory]
    [InlineData("dw_ustack", StackMode.Bpftrace, 127)]
    [InlineData("dw_ustack(5)", StackMode.Bpftrace, 5)]
    [InlineData("dw_ustack(perf)", StackMode.Perf, 127)]
    [InlineData("dw_ustack(raw, 9)", StackMode.Raw, 9)]
    public void DwUstackFormsAreUnwoundUserStacksOfSixteenBytes(string expression, StackMode mode, int depth)
    {
        var (program, diagnostics) = Bind($"profile:hz:99 {{ @[{expression}] = count(); }}");

        Assert.Empty(diagnostics);
        var type = Assert.IsType<StackType>(Assert.Single(program!.Maps).KeyTypes![0]);
        Assert.Equal(new StackType(true, mode, depth) { IsDwarf = true }, type);
        Assert.Equal(16, type.Size);
        Assert.StartsWith("dw_ustack", type.ToString());
        Assert.Contains(program.Actions, a => a.Kind == "dw_ustack");
    }

    [Fact]
    public void DwUstackIsAnErrorWhereTheContextHasNoUserRegisters()
    {
        var text = AnnotatedText.Parse("tracepoint:syscalls:sys_enter_getpid { @[⟦dw_ustack⟧] = count(); }");
        var (program, diagnostics) = Bind(text.Text);

        Assert.Null(program);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(("dw_ustack can only be used in uprobe, uretprobe, usdt and profile probes, not in tracepoint", text.Spans[0]),
            (diagnostic.Message, diagnostic.Span));
    }

    [Fact]
    public void UstackUnwindDwarfMakesBareUstackUnwoundWhereItCanBe()
    {
        var config = new ProgramConfig { UstackUnwind = "dwarf" };
        var (profile, _) = Bind("profile:hz:99 { @[ustack(perf)] = count(); }", config);
        var (tracepoint, _) = Bind("tracepoint:syscalls:sys_enter_getpid { @[ustack] = count(); }", config);

        Assert.Equal(new StackType(true, StackMode.Perf, 127) { IsDwarf = true }, profile!.Maps[0].KeyTypes![0]);
        Assert.Equal(new StackType(true, StackMode.Bpftrace, 127), tracepoint!.Maps[0].KeyTypes![0]);
    }

    [Theory]
    [InlineData(null, 8)]
    [InlineData(4096, 1)]
    [InlineData(10000, 3)]
    [InlineData(65536, 16)]
    public void DwUstackSizeSetsThePagesARecordHoldsAndTheRingBufferGrows(int? size, int pages)
    {
        var config = size is { } bytes ? new ProgramConfig { DwUstackSize = bytes } : new ProgramConfig();
        var (program, _) = Bind("profile:hz:99 { @[dw_ustack] = count(); }", config);

        var action = Assert.IsType<global::SharpTrace.Builtins.UserStackSampleAction>(Assert.Single(program!.Actions, a => a.Kind == "dw_ustack"));
        Assert.Equal(pages, action.StackPages);
        Assert.Equal(72 + pages * 4096, action.Layout.Size);
        Assert.Equal(8 << 20, global::SharpTrace.Lowering.ProgramMaps.RingBufferSize(null, program.Actions));
        Assert.Equal(1 << 20, global::SharpTrace.Lowering.ProgramMaps.RingBufferSize(null, []));
    }

    private static (BoundProgram? Program, IReadOnlyList<Diagnostic> Diagnostics) Bind(string script, ProgramConfig? config = null)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new FakeTracepoints(), config ?? new ProgramConfig());
        return (program, diagnostics.ToList());
    }
}
