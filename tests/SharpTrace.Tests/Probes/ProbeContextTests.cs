using SharpTrace.Builtins;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Probes;

/// <summary>Which builtins each probe kind allows, and how they read the probe's context.</summary>
public class ProbeContextTests
{
    [Theory]
    // Checked against bpftrace 0.17 (`bpftrace -e`): same message, same span. Our arg list adds rawtracepoint.
    [InlineData("tracepoint:syscalls:sys_enter_getpid { @ = ⟦retval⟧; }",
        "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes (try to use args->ret instead)")]
    [InlineData("interval:s:1 { @ = ⟦retval⟧; }", "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes")]
    [InlineData("rt:sys_enter { @ = ⟦retval⟧; }", "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes")]
    [InlineData("tracepoint:syscalls:sys_enter_getpid { @ = ⟦arg0⟧; }", "The arg0 builtin can only be used with 'kprobes', 'uprobes', 'usdt' and 'rawtracepoint' probes")]
    [InlineData("profile:hz:99 { @ = ⟦arg1⟧; }", "The arg1 builtin can only be used with 'kprobes', 'uprobes', 'usdt' and 'rawtracepoint' probes")]
    [InlineData("BEGIN { @ = ⟦arg0⟧; }", "The arg0 builtin can only be used with 'kprobes', 'uprobes', 'usdt' and 'rawtracepoint' probes")]
    [InlineData("rt:sys_enter { @ = ⟦arg12⟧; }", "The arg12 builtin can only be used with 'kprobes', 'uprobes', 'usdt' and 'rawtracepoint' probes")]
    [InlineData("uprobe:libc:malloc { @ = ⟦arg01⟧; }", "Unknown identifier: 'arg01'")]
    [InlineData("rt:sys_enter { @ = ⟦args⟧.id; }", "args in rawtracepoint:sys_enter needs the kernel's BTF, which has no prototype for it")]
    [InlineData("kprobe:vfs_read { @ = ⟦retval⟧; }", "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes")]
    [InlineData("kretprobe:vfs_read { @ = ⟦arg0⟧; }", "The arg0 builtin can only be used with 'kprobes', 'uprobes', 'usdt' and 'rawtracepoint' probes")]
    [InlineData("kretprobe:vfs_* { @[⟦func⟧] = count(); }", "func in a kretprobe with several functions is not supported yet")]
    public void BuiltinOutsideItsProbeKindsIsAnError(string annotated, string message)
    {
        var text = AnnotatedText.Parse(annotated);
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(text.Text), new FakeTracepoints());

        Assert.Null(program);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal((message, text.Spans[0]), (diagnostic.Message, diagnostic.Span));
    }

    [Theory]
    [InlineData("uprobe:libc:malloc { @ = arg0 + arg5 + arg9; }")]
    [InlineData("uretprobe:libc:malloc { @ = retval; }")]
    [InlineData("rt:sys_enter { @ = arg0 + arg11; }")]
    [InlineData("kprobe:vfs_read { @ = arg0 + arg7; }")]
    [InlineData("k:vfs_read,k:vfs_write { @[func, kstack] = count(); }")]
    [InlineData("kretprobe:vfs_read { @ = hist(retval); }")]
    [InlineData("struct req { int len; } kprobe:blk_mq_start_request { @[((struct req *)arg0)->len] = count(); }")]
    public void BuiltinInItsProbeKindBinds(string script)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new FakeTracepoints());

        Assert.Empty(diagnostics);
        Assert.NotNull(program);
    }

    [Theory]
    [InlineData("uprobe:libc:malloc { @s = str(arg0); }", true)]
    [InlineData("uretprobe:libc:malloc { @s = str(retval); }", true)]
    [InlineData("rt:sys_enter { @s = str(arg0); }", null)]
    [InlineData("kprobe:do_sys_open { @s = str(arg1); }", null)]
    public void StrOfAnIntegerReadsUserMemoryInUprobesAndEitherElsewhere(string script, bool? fromUserSpace)
    {
        var (program, _) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new FakeTracepoints());

        var assign = Assert.IsType<BoundMapAssign>(Assert.Single(program!.Probes[0].Body.Statements));
        Assert.Equal(fromUserSpace, Assert.IsType<BoundStr>(assign.Value).FromUserSpace);
    }

    [Theory]
    [InlineData("kprobe:vfs_read { @[func] = count(); }", "string")]
    [InlineData("kretprobe:xfs:xfs_file_read_iter { @[func] = count(); }", "string")]
    [InlineData("kprobe:vfs_* { @[func] = count(); }", "ksym")]
    [InlineData("fentry:vfs_read { @[func] = count(); }", "string")]
    public void FuncInKernelProbesIsTheNamedFunctionOrTheSymbolOfTheInstructionPointer(string script, string keyType)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new FakeTracepoints());

        Assert.Empty(diagnostics);
        Assert.StartsWith(keyType, Assert.Single(program!.Maps).KeyTypes![0].ToString());
    }

    [Theory]
    [InlineData("arg0", 0)]
    [InlineData("arg7", 7)]
    [InlineData("arg42", 42)]
    public void ArgNamesParse(string name, int index) => Assert.Equal(index, Arg.Parse(name)?.Index);

    [Theory]
    [InlineData("arg")]
    [InlineData("arg01")]
    [InlineData("argx")]
    [InlineData("args")]
    [InlineData("arg123")]
    public void OtherNamesAreNotArgs(string name) => Assert.Null(Arg.Parse(name));
}
