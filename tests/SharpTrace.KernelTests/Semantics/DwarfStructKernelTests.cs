using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// Struct names in uprobe probes taken from the traced binary's DWARF, on tests/programs/dwarf_structs.c, which calls
/// uprobeFunction2(&amp;foo1, &amp;foo2), uprobeFunctionBar(&amp;bar) and uprobeFunctionInfo(&amp;info) once each with
/// the values the newest bpftrace's tests/testprogs/uprobe_test.c passes. The scripts are the newest's
/// tests/runtime/dwarf "cast to struct", "struct override" and "complex type declaration" (their paths ours), and the
/// whole stdout is compared with their expectations, in text and JSON. bpftrace 0.17 resolves struct names from DWARF
/// too (with <c>-&gt;</c>, as it writes member access through a pointer) and agrees where the kernel's BTF has no struct
/// of the same name; where it has, 0.17 takes the kernel's and the newest the binary's (docs/differences.md).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class DwarfStructKernelTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private static string Program => TestPrograms.PathOf("dwarf_structs");

    [Fact]
    public async Task CastToAStructOfTheBinary()
    {
        var script = $$"""uprobe:{{Program}}:uprobeFunction2 { printf("foo1.a = %d\n", ((struct Foo *)arg0).a); exit(); }""";

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, "foo1.a = 123\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "printf", "data": "foo1.a = 123\n"}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task TheScriptsDefinitionOverridesTheBinarys()
    {
        var script = $$"""struct Foo { int b; } uprobe:{{Program}}:uprobeFunction2 { printf("foo1.b = %d\n", ((struct Foo *)arg0).b); exit(); }""";

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal((0, "foo1.b = 123\n"), (text.ExitCode, text.Stdout));
    }

    [Fact]
    public async Task ComplexTypeDeclaration()
    {
        var script = $$"""uprobe:{{Program}}:uprobeFunctionBar { let $x: struct Foo *[2] = args.bar->foos; printf("bar.foos[0].a = %d\n", $x[0]->a); exit(); }""";

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, "bar.foos[0].a = 123\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "printf", "data": "bar.foos[0].a = 123\n"}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task AStructOfTheBinaryPrintsWhole()
    {
        // The newest's print of a struct: `{ .a = 123, … }` in text, an object in JSON; char[10] is a string.
        var script = $$"""uprobe:{{Program}}:uprobeFunction2 { print(*(struct Foo *)arg1); $b = (struct Bar *)0; exit(); }""";

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, "{ .a = 456, .b = world, .c = [4,5,6] }\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "value", "data": {"a": 456, "b": "world", "c": [4,5,6]}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task StructsOfTheBinaryMatchBpftrace()
    {
        var script = $$"""
            uprobe:{{Program}}:uprobeFunction2 { printf("foo1.a = %d %s\n", ((struct Foo *)arg0)->a, ((struct Foo *)arg0)->b); print(*(struct Foo *)arg1); }
            uprobe:{{Program}}:uprobeFunctionBar { $x = (struct Bar *)arg0; printf("%d %d\n", $x->foos[1]->c[2], $x->nested.c[1]); }
            uretprobe:{{Program}}:main { exit(); }
            """;

        var expected = await TraceAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceAsync(SharpTraceRun.Start(["-e", script]));

        // bpftrace 0.17 writes its exit section's two newlines even with no map to print; we write none (DESIGN.md).
        const string Text = """
            foo1.a = 123 hello
            { .a = 456, .b = world, .c = [4,5,6] }
            6 2

            """;
        Assert.Equal(Text + "\n\n", expected.Stdout);
        Assert.Equal((0, Text), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task TheBinarysStructWinsOverTheKernelsOfTheSameName()
    {
        // The kernel's struct thread_info starts with flags; the program's is { int status; int marker; } = { 7, 9 }.
        // The newest resolves the name in the binary's DWARF before BTF (FieldAnalyser::resolve_type); bpftrace 0.17
        // takes the kernel's and refuses `marker` (docs/differences.md).
        var script = $$"""uprobe:{{Program}}:uprobeFunctionInfo { $i = (struct thread_info *)arg0; printf("%d %d %d\n", $i->status, $i->marker, sizeof(struct thread_info)); exit(); }""";

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal((0, "7 9 8\n"), (text.ExitCode, text.Stdout));
    }

    private static async Task<RunResult> TraceAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("dwarf_structs");
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
