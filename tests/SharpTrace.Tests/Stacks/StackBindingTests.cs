using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Tests.Probes;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Stacks;

/// <summary>How kstack, ustack, ksym, usym, kaddr and func bind; messages checked against bpftrace 0.17 where it has them.</summary>
public class StackBindingTests
{
    private const string Probe = "tracepoint:syscalls:sys_enter_getpid";

    [Theory]
    [InlineData("kstack", false, StackMode.Bpftrace, 127)]
    [InlineData("ustack", true, StackMode.Bpftrace, 127)]
    [InlineData("kstack(5)", false, StackMode.Bpftrace, 5)]
    [InlineData("ustack(perf)", true, StackMode.Perf, 127)]
    [InlineData("kstack(raw, 1024)", false, StackMode.Raw, 1024)]
    public void StackFormsGiveTheirModeAndDepth(string expression, bool isUser, StackMode mode, int depth)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse($"{Probe} {{ @[{expression}] = count(); }}"), new FakeTracepoints());

        Assert.Empty(diagnostics);
        Assert.Equal(new StackType(isUser, mode, depth), Assert.Single(program!.Maps).KeyTypes![0]);
    }

    [Fact]
    public void StackModeConfigIsTheDefaultMode()
    {
        var config = new ProgramConfig { StackMode = "perf" };
        var (program, _) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse($"{Probe} {{ @[kstack] = count(); }}"), new FakeTracepoints(), config);

        Assert.Equal(new StackType(false, StackMode.Perf, 127), program!.Maps[0].KeyTypes![0]);
    }

    [Theory]
    [InlineData("@x[⟦kstack(2000)⟧] = count();", "kstack([int limit]): limit shouldn't exceed 1024, 2000 given")]
    [InlineData("@x[⟦kstack(\"x\")⟧] = count();", "kstack: invalid limit value")]
    [InlineData("@x[⟦kstack(1, 2)⟧] = count();", "Expected stack mode as first argument")]
    [InlineData("@x[⟦ustack(perf, 3, 4)⟧] = count();", "ustack() takes up to 2 arguments (3 provided)")]
    [InlineData("@x[⟦kstack + 1⟧] = count();", "Type mismatch for '+': comparing kstack_bpftrace_127 with int8")]
    [InlineData("@x[⟦func⟧] = count();", "The func builtin can not be used with 'tracepoint' probes")]
    [InlineData("@x[⟦ksym(1,2)⟧] = count();", "ksym() requires one argument (2 provided)")]
    [InlineData("@x[⟦kaddr(1)⟧] = count();", "kaddr() expects a string literal (int provided)")]
    [InlineData("@x[kstack(⟦foo⟧)] = count();", "kstack() expects a stack mode (bpftrace, perf, raw or build_id), got 'foo'")]
    public void MisusedStackBuiltinsAreErrors(string body, string message)
    {
        var text = AnnotatedText.Parse($"{Probe} {{ {body} }}");
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(text.Text), new FakeTracepoints());

        Assert.Null(program);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal((message, text.Spans[0]), (diagnostic.Message, diagnostic.Span));
    }

    // The newest bpftrace's type resolver types func in a uprobe or uretprobe as usym_t (of one function or several);
    // bpftrace 0.17 typed one function's name as a string.
    [Theory]
    [InlineData("uprobe:libc:malloc")]
    [InlineData("uprobe:libc:malloc,uprobe:libc:free")]
    [InlineData("uprobe:libc:m*")]
    [InlineData("uretprobe:libc:malloc")]
    [InlineData("ur:libc:malloc")]
    public void FuncInAUserProbeIsAUsymT(string probe)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(probe + " { @[func] = count(); }"), new FakeTracepoints());

        Assert.Empty(diagnostics);
        Assert.Equal(UserSymbolType.Instance, program!.Maps[0].KeyTypes![0]);
    }

    [Fact]
    public void FuncInAUprobeIsAUsymTInTypeDumpsAndMessages()
    {
        var types = Dump("uprobe:libc:malloc { $f = func; @f = func; }");
        var (_, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse("uprobe:libc:malloc { $f = func; $f = \"a\"; }"), new FakeTracepoints());

        Assert.Contains("Map @f :: usym_t\n", types, StringComparison.Ordinal);
        Assert.Contains(" Variable $f :: usym_t\n", types, StringComparison.Ordinal);
        Assert.Equal(["Type mismatch for $f: trying to assign value of type 'string[2]' when variable already has a type 'usym_t'"],
            diagnostics.Where(d => d.IsError).Select(d => d.Message));
    }

    private static string Dump(string script)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new FakeTracepoints());
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        return BoundTreePrinter.Print(program!).Replace("\r", "", StringComparison.Ordinal);
    }

    [Fact]
    public void SymbolsAndStacksArePrintfArguments()
    {
        var script = $$"""{{Probe}} { printf("%s %s %s\n", kstack(3), ksym(1), usym(2)); }""";
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new FakeTracepoints());

        Assert.Empty(diagnostics);
        var printf = Assert.IsType<SharpTrace.Records.PrintfAction>(Assert.Single(program!.Actions));
        Assert.Equal([new StackType(false, StackMode.Bpftrace, 3), KernelSymbolType.Instance, UserSymbolType.Instance], printf.ArgumentTypes);
    }
}
