using SharpTrace.Tests.Kernel;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Struct names in uprobe probes resolved from the traced binary's DWARF, as the newest bpftrace's FieldAnalyser and
/// Dwarf::get_stype resolve them (tests/runtime/dwarf "cast to struct", "struct override", "complex type
/// declaration"): the script's own definition first, then a struct the probe's binary defines (the first binary to
/// define a name gives it its type for the whole script, as the newest keeps one struct table per script), then the
/// kernel's BTF. Probes of other kinds do not read binaries.
/// </summary>
public sealed class DwarfStructNameTests
{
    // Laid out by gcc on x86-64: Foo is a at 0, b at 4, c at 16 (28 bytes); Bar is x at 0, foos at 8, nested at 24.
    private const string Source = """
        struct Foo { int a; char b[10]; int c[3]; };
        struct Bar { int x; struct Foo *foos[2]; struct Foo nested; };
        struct thread_info { int status; int marker; };
        __attribute__((noinline)) struct Foo *uprobeFunction2(struct Foo *foo1, struct Foo *foo2) { return foo1->a > foo2->a ? foo1 : foo2; }
        __attribute__((noinline)) struct Bar *uprobeFunctionBar(struct Bar *bar) { return bar; }
        __attribute__((noinline)) int uprobeFunctionInfo(struct thread_info *info) { return info->status + info->marker; }
        int main(void) { struct Foo f = {0}; struct Bar b = {0}; struct thread_info t = {0}; uprobeFunction2(&f, &f); uprobeFunctionBar(&b); return uprobeFunctionInfo(&t); }
        """;

    [Fact]
    public void CastToAStructOfTheBinaryReadsItsDwarfLayout()
    {
        using var program = new GccProgram(Source, "-g");

        var types = SemanticKit.Types($$"""uprobe:{{program.Path}}:uprobeFunction2 { printf("%d %d\n", ((struct Foo *)arg0).a, ((struct Foo *)arg0).c[1]); }""");

        Assert.Equal($$"""
            Probe uprobe:{{program.Path}}:uprobeFunction2
             Block
              Printf #0
               MemoryRead +0 user :: int32
                Cast :: struct Foo *
                 Builtin arg0 :: uint64
               MemoryRead +4 user :: int32
                MemoryRead +16 user :: int32[3]
                 Cast :: struct Foo *
                  Builtin arg0 :: uint64

            """, types);
    }

    [Fact]
    public void DeclaredArrayOfPointersToTheBinarysStructTakesTheArgumentsMember()
    {
        using var program = new GccProgram(Source, "-g");

        var types = SemanticKit.Types($$"""uprobe:{{program.Path}}:uprobeFunctionBar { let $x: struct Foo *[2] = args.bar->foos; printf("bar.foos[0].a = %d\n", $x[0]->a); }""");

        Assert.Contains("Variable $x :: struct Foo *[2]\n", types, StringComparison.Ordinal);
        Assert.Contains("MemoryRead +8 user :: struct Foo *[2]\n", types, StringComparison.Ordinal);
    }

    [Fact]
    public void SizeofOffsetofAndTheBareTagNameTheBinarysStruct()
    {
        using var program = new GccProgram(Source, "-g");

        var types = SemanticKit.Types($$"""uprobe:{{program.Path}}:uprobeFunction2 { @ = (sizeof(struct Foo), offsetof(struct Foo, c), ((Foo *)arg0)->c[2]); }""");

        Assert.Contains("""
               Tuple :: (int8,int8,int32)
                Integer 28 :: int8
                Integer 16 :: int8
                MemoryRead +8 user :: int32
                 MemoryRead +16 user :: int32[3]
                  Cast :: struct Foo *
            """, types, StringComparison.Ordinal);
    }

    [Fact]
    public void TheScriptsOwnDefinitionWinsOverTheBinarys()
    {
        using var program = new GccProgram(Source, "-g");
        var script = $$"""struct Foo { int b; } uprobe:{{program.Path}}:uprobeFunction2 { printf("%d\n", ((struct Foo *)arg0).{0}); }""";

        Assert.Contains("MemoryRead +0 user :: int32\n", SemanticKit.Types(script.Replace("{0}", "b", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(["Struct/union of type 'struct Foo' does not contain a field named 'c'"],
            SemanticKit.Errors(script.Replace("{0}", "c", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheBinarysStructWinsOverTheKernelsInUprobesOnly()
    {
        // The kit's kernel has struct thread_info { unsigned long flags; }; the program's has status and marker.
        using var program = new GccProgram(Source, "-g");

        Assert.Contains("MemoryRead +4 user :: int32\n",
            SemanticKit.Types($$"""uprobe:{{program.Path}}:uprobeFunctionInfo { print(((struct thread_info *)arg0)->marker); }"""), StringComparison.Ordinal);
        Assert.Equal(["Struct/union of type 'struct thread_info' does not contain a field named 'marker'"],
            SemanticKit.Errors("""kprobe:f { print(((struct thread_info *)arg0)->marker); }"""));
    }

    [Fact]
    public void ProbesOfOtherKindsDoNotReadBinaries() =>
        Assert.Equal(["Cannot resolve unknown type \"struct Foo\""], SemanticKit.Errors("kprobe:f { print(((struct Foo *)arg0)->a); }"));

    [Fact]
    public void TheFirstBinaryToDefineANameGivesItsTypeToTheWholeScript()
    {
        using var first = new GccProgram(Source, "-g");
        using var second = new GccProgram(Source.Replace("struct Foo { int a;", "struct Foo { long pad; int a;", StringComparison.Ordinal), "-g");
        string Script(string one, string two) => $$"""
            uprobe:{{one}}:uprobeFunction2 { @a = ((struct Foo *)arg0)->a; }
            uprobe:{{two}}:uprobeFunction2 { @b = ((struct Foo *)arg0)->a; }
            """;

        Assert.Equal(2, CountOf("MemoryRead +0 user :: int32\n", SemanticKit.Types(Script(first.Path, second.Path))));
        Assert.Equal(2, CountOf("MemoryRead +8 user :: int32\n", SemanticKit.Types(Script(second.Path, first.Path))));
        // Several attach points of one probe: the first binary that defines it.
        Assert.Contains("MemoryRead +8 user :: int32\n",
            SemanticKit.Types($$"""uprobe:{{second.Path}}:uprobeFunction2, uprobe:{{first.Path}}:uprobeFunction2 { @ = ((struct Foo *)arg0)->a; }"""), StringComparison.Ordinal);
    }

    private static int CountOf(string line, string text) => text.Split(line).Length - 1;
}
