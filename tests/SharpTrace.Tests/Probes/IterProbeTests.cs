using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Probes;

/// <summary>
/// <c>iter:NAME[:PIN]</c> as the newest bpftrace defines it (docs/language.md "iterator"; src/ast/passes/attachpoint_passes.cpp
/// for the errors, types/type_resolver.cpp for <c>ctx</c>, codegen for printf as <c>bpf_seq_printf</c>), resolved and
/// bound against the kit's iterators and <c>struct bpf_iter__*</c> types instead of the kernel's.
/// </summary>
public sealed class IterProbeTests
{
    [Theory]
    [InlineData("iter:task", "task", "", "iter:task")]
    [InlineData("it:task_file", "task_file", "", "iter:task_file")]
    [InlineData("iter:task_vma:list", "task_vma", "list", "iter:task_vma:list")]
    [InlineData("iter:task:/sys/fs/bpf/files", "task", "/sys/fs/bpf/files", "iter:task:/sys/fs/bpf/files")]
    public void IteratorAndPinResolveToOneTracingProgram(string point, string iterator, string pin, string name)
    {
        var spec = Assert.Single(ProbeSpecResolverTests.Resolve(point));

        Assert.Equal(("iter", iterator, pin, name), (spec.Kind.Name, spec.Target, spec.Name, spec.ToString()));
        Assert.Equal(BpfProgramType.Tracing, spec.Kind.ProgramType);
        Assert.Equal("bpf_iter__" + iterator, spec.Kind.ContextStruct(spec));
    }

    [Theory]
    // The newest bpftrace's wordings (attachpoint_passes.cpp); 0.17 here cannot load iterators and says
    // "iter task not available for your kernel version." for every one of them.
    [InlineData("⟦iter:task*⟧ { }", "iter probe type does not support wildcards")]
    [InlineData("⟦iter:task:*⟧ { }", "iter probe type does not support wildcards")]
    [InlineData("⟦iter:nosuch⟧ { }", "iter nosuch not available for your kernel version.")]
    [InlineData("⟦iter⟧ { }", "iter probe type takes 2 arguments (1 optional)")]
    [InlineData("⟦iter:task:a:b⟧ { }", "iter probe type takes 2 arguments (1 optional)")]
    [InlineData("iter:task, ⟦iter:task_file⟧ { }", "iter probe only supports one attach point.")]
    [InlineData("tracepoint:syscalls:sys_enter_openat { $c = ⟦ctx⟧; }", "Use args instead of ctx in tracepoint")]
    [InlineData("BEGIN { $c = ⟦ctx⟧->task; }", "The ctx builtin can not be used with 'special' probes")]
    [InlineData("iter:task { $c = ⟦ctx->nosuch⟧; }", "Struct/union of type 'struct bpf_iter__task' does not contain a field named 'nosuch'")]
    public void MistakesGetBpftracesMessage(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void CtxIsTheIteratorsStructAndItsPointersEndTheProbeWhenNull()
    {
        var types = Compile("iter:task_file { @[ctx->task->pid, ctx->fd] = ctx->file->f_flags; $c = ctx; }").DescribeTypes();

        Assert.Contains("ContextArgument 1, ends the probe if null :: struct task_struct *", types, StringComparison.Ordinal);
        Assert.Contains("ContextArgument 3, ends the probe if null :: struct file *", types, StringComparison.Ordinal);
        Assert.Contains("ContextArgument :: uint32", types, StringComparison.Ordinal);
        Assert.Contains("Ctx :: struct bpf_iter__task_file *", types, StringComparison.Ordinal);
    }

    [Fact]
    public void PrintfIsFormattedByTheKernelWithSixtyFourBitIntegers()
    {
        var types = Compile("""iter:task_vma { printf("%s %5d %-x %p %c%%\n", ctx->task->comm, ctx->task->pid, ctx->vma->vm_start, ctx->vma, 65); }""").DescribeTypes();

        Assert.Contains("""SeqPrintf "%s %5lld %-llx 0x%llx %c%%\n"  """.TrimEnd(), types, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""iter:task { printf(⟦"%o\n"⟧, 8); }""", "printf in iter probes is formatted by the kernel (bpf_seq_printf): %o is not one of %d %i %u %x %X %c %s %p")]
    [InlineData("""iter:task { ⟦printf("%d%d%d%d%d%d%d%d%d%d%d%d%d", 1,2,3,4,5,6,7,8,9,10,11,12,13)⟧; }""", "printf in iter probes takes at most 12 arguments (bpf_seq_printf)")]
    // The kernel formats it, and its %s reads a string at the address it is given: the reference hands it an enum's
    // number (or a tuple) as that address, which the kernel prints as an empty string. We refuse it (docs/differences.md).
    [InlineData("""enum Foo { A, B } iter:task { printf(⟦"%s\n"⟧, B); }""", "printf in iter probes is formatted by the kernel (bpf_seq_printf): %s cannot print a value of type enum Foo")]
    [InlineData("""iter:task { printf(⟦"%s\n"⟧, ctx->task->pid); }""", "printf in iter probes is formatted by the kernel (bpf_seq_printf): %s cannot print a value of type int32")]
    public void PrintfTheKernelCannotFormatIsRefused(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void PathOfAStructPathIsAStringOfTheSizeAsked()
    {
        // The size asked, else max_strlen (1024 by default), as the reference's stdlib says; sizeof folds to an integer literal, typed by its value as the newest bpftrace types one.
        var types = Compile("iter:task_file { @a = sizeof(path(ctx->file->f_path)); @b = sizeof(path(ctx->file->f_path, 100)); }").DescribeTypes();

        Assert.Contains("MapAssign @a\n   Integer 1024 :: int16\n  MapAssign @b\n   Integer 100 :: int8", types, StringComparison.Ordinal);
    }

    [Theory]
    // The newest bpftrace's words, with our (bpftrace 0.17's) type names.
    [InlineData("iter:task_file { $p = ⟦path(ctx->fd)⟧; }", "path() only supports pointer or C type argument (int provided)")]
    [InlineData("iter:task_file { $p = path(⟦ctx->file⟧); }", "path() needs a 'struct path' or 'struct path *' (struct file * provided)")]
    [InlineData("iter:task_file { $p = ⟦path(ctx->file, $x)⟧; }", "path: invalid size value, need non-negative literal")]
    public void PathOfSomethingElseIsRefused(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void TargetPidGoesToTheKernelNotIntoAPredicate()
    {
        var (program, diagnostics) = SemanticKit.Bind("iter:task { printf(\"%d\\n\", ctx->task->pid); }", new ProgramConfig { TargetPid = 42 });

        Assert.Empty(diagnostics);
        var probe = Assert.Single(program!.Probes);
        Assert.Null(probe.Predicate);
        Assert.Equal(42, Assert.Single(probe.AttachPoints).Pid);
    }

    [Fact]
    public void ListingShowsTheKernelsIteratorsAndWithVTheirCtxFields()
    {
        var task = SemanticKit.Kernel.FindTagged("struct", "task_struct")!;
        var meta = SemanticKit.Kernel.FindTagged("struct", "bpf_iter_meta")!;
        IReadOnlyList<CParameter> parameters = [new("meta", new CPointerType(meta)), new("task", new CPointerType(task))];
        var listing = new ProbeListing(new FakeTracepoints(), _ => null, _ => null,
            kernelFunctionArguments: name => name == "bpf_iter_task" ? parameters : null);
        var warnings = new List<string>();

        Assert.Equal(["iter:task", "iter:task_file", "iter:task_vma"], listing.List("iter:*", warnings.Add));
        Assert.Equal(["iter:task_file", "iter:task_vma"], listing.List("it:task_*", warnings.Add));
        Assert.Equal("iter:task\n    struct task_struct * task\n", listing.Format(["iter:task"], withArguments: true, warnings.Add));
        Assert.DoesNotContain(listing.List(null, warnings.Add), p => p.StartsWith("iter", StringComparison.Ordinal));
        Assert.Empty(warnings);
    }

    [Fact]
    public void AnIteratorTheKernelLoadsNoProgramForIsNotListedAndSaysWhy()
    {
        // bpftrace's probe_matcher.cpp checks each iterator as its feature check loads it, and warns (here: sockmap,
        // bpf_map_elem, bpf_sk_storage_map, which need a map).
        var listing = new ProbeListing(new FakeTracepoints(), _ => null, _ => null, iteratorLoads: name => name != "task_vma");
        var warnings = new List<string>();

        Assert.Equal(["iter:task", "iter:task_file"], listing.List("iter:*", warnings.Add));
        Assert.Equal(["The kernel contains bpf_iter__task_vma struct but does not support loading an iterator program against it."], warnings);
    }

    private static TraceProgram Compile(string script)
    {
        var result = TraceScript.Compile(script, SemanticKit.Tracepoints, null, SemanticKit.Kernel);
        Assert.True(result.Program is not null, string.Join('\n', result.Diagnostics.Select(d => d.ToString())));
        return result.Program;
    }
}
