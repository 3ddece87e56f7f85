using SharpTrace.Output;
using SharpTrace.Runtime;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Tests.Probes;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Stacks;

/// <summary>
/// The newest bpftrace's <c>build_id</c> stack mode (bpftrace 0.17 has none): how it binds, its messages (the
/// reference's type resolver's words) and how its frames print (the reference's format_build_id_stack).
/// </summary>
public class BuildIdStackTests
{
    private const string Probe = "tracepoint:syscalls:sys_enter_getpid";
    private const string BuildId = "4d9fcc18d4c71a9ad33e704678b50c92d660bac5";

    private static (BoundProgram? Program, IReadOnlyList<Diagnostic> Diagnostics) Bind(string script, ProgramConfig? config = null) =>
        Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new FakeTracepoints(), config ?? new ProgramConfig());

    [Theory]
    [InlineData("ustack(build_id)", 127, "ustack_build_id_127")]
    [InlineData("ustack(build_id, 3)", 3, "ustack_build_id_3")]
    public void UstackTakesTheBuildIdMode(string expression, int depth, string typeName)
    {
        var (program, diagnostics) = Bind($"{Probe} {{ @[{expression}] = count(); }}");

        Assert.Empty(diagnostics);
        var type = Assert.Single(program!.Maps).KeyTypes![0];
        Assert.Equal(new StackType(true, StackMode.BuildId, depth), type);
        Assert.Equal(typeName, type.ToString());
    }

    [Fact]
    public void StackModeConfigBuildIdIsUstacksDefaultAndKstackFallsBackToRawWithAWarning()
    {
        var text = AnnotatedText.Parse($"{Probe} {{ @u[ustack] = count(); @k[⟦kstack⟧] = count(); }}");
        var (program, diagnostics) = Bind(text.Text, new ProgramConfig { StackMode = "build_id" });

        var warning = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, "'build_id' stack mode can only be used for ustack. Falling back to 'raw' mode.", text.Spans[0]),
            (warning.Severity, warning.Message, warning.Span));
        Assert.Equal(new StackType(true, StackMode.BuildId, 127), program!.Maps.Single(m => m.Name == "@u").KeyTypes![0]);
        Assert.Equal(new StackType(false, StackMode.Raw, 127), program.Maps.Single(m => m.Name == "@k").KeyTypes![0]);
    }

    [Theory]
    [InlineData("@x[⟦kstack(build_id)⟧] = count();", "'build_id' stack mode can only be used for ustack")]
    [InlineData("@x[⟦kstack(build_id, 5)⟧] = count();", "'build_id' stack mode can only be used for ustack")]
    [InlineData("@x[ustack(⟦build⟧)] = count();", "ustack() expects a stack mode (bpftrace, perf, raw or build_id), got 'build'")]
    public void BuildIdIsOnlyForUstack(string body, string message)
    {
        var text = AnnotatedText.Parse($"{Probe} {{ {body} }}");
        var (program, diagnostics) = Bind(text.Text);

        Assert.Null(program);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal((message, text.Spans[0]), (diagnostic.Message, diagnostic.Span));
    }

    [Fact]
    public void DwUstackHasNoBuildIdMode()
    {
        var text = AnnotatedText.Parse("uprobe:/bin/sh:main { @x[⟦dw_ustack(build_id)⟧] = count(); }");
        var (program, diagnostics) = Bind(text.Text);

        Assert.Null(program);
        Assert.Equal(("'build_id' stack mode can only be used for ustack", text.Spans[0]), (diagnostics[0].Message, diagnostics[0].Span));
    }

    [Fact]
    public void UstackUnwindDwarfLeavesBuildIdStacksToTheKernel()
    {
        var (program, diagnostics) = Bind("uprobe:/bin/sh:main { @[ustack(build_id, 4)] = count(); }", new ProgramConfig { UstackUnwind = "dwarf" });

        Assert.Empty(diagnostics);
        var type = Assert.IsType<StackType>(program!.Maps[0].KeyTypes![0]);
        Assert.False(type.IsDwarf);
        Assert.Equal(StackMode.BuildId, type.Mode);
    }

    [Fact]
    public void ConfigAcceptsBuildIdAndItsErrorNamesIt()
    {
        var good = SyntaxTree.Parse("config = { stack_mode = build_id } BEGIN { }");
        var bag = new DiagnosticBag(good.Source);
        Assert.Equal("build_id", ConfigBinder.Bind(good.Root.Config!, new ProgramConfig(), bag).StackMode);
        Assert.Empty(bag.Items);

        var bad = SyntaxTree.Parse("config = { stack_mode = buildid } BEGIN { }");
        var errors = new DiagnosticBag(bad.Source);
        ConfigBinder.Bind(bad.Root.Config!, new ProgramConfig(), errors);
        Assert.Contains("bpftrace, perf, raw or build_id", Assert.Single(errors.Items).Message);
    }

    private static byte[] Entry(int status, ulong offsetOrIp)
    {
        var entry = new byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(entry, status);
        Convert.FromHexString(BuildId).CopyTo(entry, 4);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(entry.AsSpan(24), offsetOrIp);
        return entry;
    }

    [Fact]
    public void FramesPrintAsTheReferenceFormatsThem()
    {
        // Valid: the build id in lowercase hex, a space, 0x and the offset in at least two hex digits.
        Assert.Equal($"{BuildId} 0x1159", Symbolizer.BuildIdFrame(Entry(1, 0x1159))!.Symbol);
        Assert.Equal($"{BuildId} 0x05", Symbolizer.BuildIdFrame(Entry(1, 5))!.Symbol);
        // No build id (status 2, BPF_STACK_BUILD_ID_IP): the address in hex without 0x.
        Assert.Equal("7f12a0001234", Symbolizer.BuildIdFrame(Entry(2, 0x7f12a0001234))!.Symbol);
        // Empty (status 0): the stack ended.
        Assert.Null(Symbolizer.BuildIdFrame(Entry(0, 0)));
    }

    private static StackValue Stack() => new([
        Symbolizer.BuildIdFrame(Entry(1, 0x1159))!,
        Symbolizer.BuildIdFrame(Entry(2, 0x7f12a0001234))!,
    ], StackMode.BuildId);

    [Fact]
    public void KeysAndValuesAreNotIndented()
    {
        Assert.Equal($"@[\n{BuildId} 0x1159\n7f12a0001234\n]: 3\n",
            TextOutputWriter.FormatMap(MapSnapshot.Keyed("@", new MapEntry([Stack()], new CountValue(3)))));
        Assert.Equal($"\n{BuildId} 0x1159\n7f12a0001234\n", Stack().Format(StackValue.ValueIndent));
    }

    [Fact]
    public void FoldedFramesAreTheBuildIdAndOffset()
    {
        Assert.Equal($"{BuildId} 0x1159", FoldedStacks.FrameName(Stack().Frames[0], StackMode.BuildId));
    }

    [Fact]
    public void BuildIdStacksHaveAStackTraceMapOfTheirOwnWithTheBuildIdFlag()
    {
        var result = Compilation.Compile(new SourceText("uprobe:/bin/sh:main { @a[ustack(build_id, 3)] = count(); @b[ustack(3)] = count(); }", "test.bt"),
            Semantics.SemanticKit.Tracepoints, null, Semantics.SemanticKit.Kernel);

        Assert.True(result.Program is not null, string.Join('\n', result.Diagnostics));
        var maps = result.Program.Maps.All;
        Assert.Contains(maps, m => m is { Type: SharpTrace.Kernel.BpfMapType.StackTrace, ValueSize: 3 * 32, Flags: 1 << 5 });
        Assert.Contains(maps, m => m is { Type: SharpTrace.Kernel.BpfMapType.StackTrace, ValueSize: 3 * 8, Flags: 0 });
    }
}
