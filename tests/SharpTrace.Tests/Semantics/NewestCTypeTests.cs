using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>sizeof(uint64_t)</c>: a typedef name the kernel's BTF holds, as the newest bpftrace resolves it (runtime/builtin
/// "sizeof_btf_int" prints 8); the kernel types here are a stand-in holding <c>uint64_t</c> and <c>pid_t</c>.
/// </summary>
public class SizeofKernelTypedefTests
{
    private sealed class TypedefKernel : IKernelTypes
    {
        public CType? FindTagged(string keyword, string tag) => SemanticKit.Kernel.FindTagged(keyword, tag);
        public CType? FindNamed(string name) => name switch
        {
            "uint64_t" => new CTypedefType("uint64_t", CBaseTypes.UnsignedLong),
            "pid_t" => new CTypedefType("pid_t", CBaseTypes.Int),
            // A typedef named as a builtin: the builtin wins.
            "pid" => new CTypedefType("pid", CBaseTypes.Long),
            _ => SemanticKit.Kernel.FindNamed(name),
        };
        public (CEnumType Type, long Value)? FindEnumerator(string name) => SemanticKit.Kernel.FindEnumerator(name);
        public IReadOnlyList<CParameter>? FindTracepointArguments(string name) => null;
        public CFunctionType? FindFunctionPrototype(string name) => null;
    }

    [Fact]
    public void SizeofAKernelTypedefIsItsTypesSize()
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog,
            SyntaxTree.Parse("begin { print(sizeof(uint64_t)); print(sizeof(pid_t)); print(sizeof(pid)); }"), SemanticKit.Tracepoints, kernelTypes: new TypedefKernel());

        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        var values = BoundTreePrinter.Print(program).Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Integer ", StringComparison.Ordinal));
        // pid, a builtin (uint32), stays the builtin though a typedef of 8 bytes is named so.
        Assert.Equal(["Integer 8 :: int8", "Integer 4 :: int8", "Integer 4 :: int8"], values);
    }

    [Fact]
    public void TypeofAKernelTypedefIsItsType()
    {
        // runtime/btf "vmlinux integer types": `let $a: typeof(size_t) = 1` takes the typedef's type.
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog,
            SyntaxTree.Parse("begin { let $a: typeof(uint64_t) = 1; let $b: typeof(pid_t) = 2; print(($a, $b)); }"), SemanticKit.Tracepoints, kernelTypes: new TypedefKernel());

        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        var dump = BoundTreePrinter.Print(program);
        Assert.Contains("Variable $a :: uint64\n", dump, StringComparison.Ordinal);
        Assert.Contains("Variable $b :: int32\n", dump, StringComparison.Ordinal);
    }
}

/// <summary>
/// <c>struct bar { … } __attribute__((packed))</c> in a script (runtime/struct "struct with attribute" and "struct with
/// attribute and comment"): the attribute after the definition's <c>}</c> is taken and honoured, as gcc lays it out
/// (gcc -O0: sizeof 12, 9, 9; offsetof(struct bar, z) 5).
/// </summary>
public class PackedScriptStructTests
{
    private const string Definitions = "struct foo { int x; char y; int z; } struct bar { int x; char y; int z; } __attribute__((packed)) " +
        "struct bar2 { int x; char y; int z; } __attribute__((packed)) __attribute__((aligned(1))) ";

    [Theory]
    [InlineData("sizeof(struct foo)", 12)]
    [InlineData("sizeof(struct bar)", 9)]
    [InlineData("sizeof(struct bar2)", 9)]
    [InlineData("offsetof(struct bar, z)", 5)]
    [InlineData("offsetof(struct foo, z)", 8)]
    public void TheAttributeAfterTheDefinitionPacksIt(string expression, int value) =>
        Assert.Contains($"Integer {value} ::", SemanticKit.Types(Definitions + $"begin {{ print({expression}); }}"), StringComparison.Ordinal);

    [Fact]
    public void CommentsMayStandAroundTheAttribute() =>
        Assert.Contains("Integer 9 ::", SemanticKit.Types("struct foo { int x; char y; int z; } /**/ __attribute__ /**/ ((packed)) /**/ begin { print(sizeof(struct foo)); }"), StringComparison.Ordinal);

    [Fact]
    public void AFieldOfAPackedStructIsReadAtItsPackedOffset()
    {
        var dump = SemanticKit.Types(Definitions + "kprobe:f { $b = (struct bar *)arg0; print($b->z); }");
        Assert.Contains("MemoryRead +5 kernel :: int32", dump, StringComparison.Ordinal);
    }
}
