using SharpTrace.Kernel.Dwarf;
using SharpTrace.Kernel.Elf;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Tests.Kernel;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// When a one-byte array member is a string: the newest bpftrace decides by where the type comes from. Its clang
/// parser (a script's declarations) makes a string only of plain <c>char</c>, typedefs looked through (it reads the
/// canonical type), so <c>signed char</c>, <c>unsigned char</c>, <c>int8_t</c> and <c>uint8_t</c> arrays are integer
/// arrays; its DWARF parser makes a string when the element's DIE is itself a character base type (<c>char</c>,
/// <c>signed char</c>, <c>unsigned char</c>), not a typedef (<c>uint8_t</c>) or a qualifier (<c>const char</c>); its BTF
/// parser makes a string of any one-byte integer.
/// </summary>
public class ArrayMemberTypingTests
{
    // int8_t and uint8_t as glibc defines them, here from the kernel's types as --include would bring them.
    private sealed class FixedWidthKernel : IKernelTypes
    {
        public CType? FindTagged(string keyword, string tag) => SemanticKit.Kernel.FindTagged(keyword, tag);
        public CType? FindNamed(string name) => name switch
        {
            "int8_t" => new CTypedefType("int8_t", CBaseTypes.SignedChar),
            "uint8_t" => new CTypedefType("uint8_t", CBaseTypes.UnsignedChar),
            "text_t" => new CTypedefType("text_t", CBaseTypes.Char),
            "size_t" => new CTypedefType("size_t", CBaseTypes.UnsignedLong),
            "uint64_t" => new CTypedefType("uint64_t", CBaseTypes.UnsignedLong),
            _ => SemanticKit.Kernel.FindNamed(name),
        };
        public (CEnumType Type, long Value)? FindEnumerator(string name) => SemanticKit.Kernel.FindEnumerator(name);
        public IReadOnlyList<CParameter>? FindTracepointArguments(string name) => null;
        public CFunctionType? FindFunctionPrototype(string name) => null;
    }

    private const string Foo = "struct Foo { char a[4]; signed char b[4]; unsigned char c[4]; int8_t d[4]; uint8_t e[4]; text_t f[4]; char g[2][3]; }\n";

    internal static (BoundProgram? Program, IReadOnlyList<Diagnostic> Diagnostics) Bind(string script) =>
        Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), SemanticKit.Tracepoints, kernelTypes: new FixedWidthKernel());

    internal static string Types(string script)
    {
        var (program, diagnostics) = Bind(script);
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.DoesNotContain(diagnostics, d => d.IsError);
        return BoundTreePrinter.Print(program!).Replace("\r", "", StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyPlainCharArraysOfAScriptStructAreStrings()
    {
        // -d types names C arrays as the newest does, typedefs looked through (int8[4], uint8[4]); what matters is string or not.
        var dump = Types(Foo + "kprobe:f { $f = (struct Foo *)arg0; @a = $f->a; @b = $f->b; @c = $f->c; @d = $f->d; @e = $f->e; @f = $f->f; @g = $f->g[1]; }");

        // A script's char[N] is a string[N+1] in the newest (its clang parser reads the byte after the field).
        Assert.Contains("Map @a :: string[5]\n", dump, StringComparison.Ordinal);
        Assert.Contains("Map @b :: int8[4]\n", dump, StringComparison.Ordinal);
        Assert.Contains("Map @c :: uint8[4]\n", dump, StringComparison.Ordinal);
        Assert.Contains("Map @d :: int8[4]\n", dump, StringComparison.Ordinal);
        Assert.Contains("Map @e :: uint8[4]\n", dump, StringComparison.Ordinal);
        // A typedef of char is char to clang's canonical type: a string.
        Assert.Contains("Map @f :: string[5]\n", dump, StringComparison.Ordinal);
        // Each dimension of a char array: the inner one is the string.
        Assert.Contains("Map @g :: string[4]\n", dump, StringComparison.Ordinal);
    }

    [Fact]
    public void AUint8ArrayMemberCastsToAnIntegerOfItsSize()
    {
        // tests/runtime/array "cast int array to int proberead": `(int32)((struct A *)arg0).y` of a uint8_t y[4].
        var dump = Types("struct A { int x[4]; uint8_t y[4]; } kprobe:f { $y = (int32)((struct A *)arg0).y; @ = (uint32)((struct A *)arg0)->y; }");

        Assert.Contains("Variable $y :: int32\n", dump, StringComparison.Ordinal);
        Assert.Contains("Map @ :: uint32\n", dump, StringComparison.Ordinal);
    }

    [Fact]
    public void ACharArrayMemberIsAStringAndCastsToNoInteger()
    {
        // A string is none of the types an integer cast takes: type_checker.cpp's "Cannot cast from" with both types.
        var errors = Bind("struct A { char s[4]; } kprobe:f { $y = (int32)((struct A *)arg0).s; }").Diagnostics.Where(d => d.IsError).Select(d => d.Message);

        Assert.Equal(["Cannot cast from \"string[5]\" to \"int32\""], errors);
    }

    [Fact]
    public void AStructKeepsItsCLayoutWhileItsCharArrayReadsAsAStringOfOneByteMore()
    {
        // The newest's clang parser: the struct's size and offsets are clang's (clang_Type_getSizeOf/getOffsetOf), the
        // field alone a string[N+1]; so a copy of the struct holds 8 bytes, a tuple holding the field 5 of it (1 + 5,
        // padded to the int8's alignment: 6), a record holding the struct the struct's 8 (4 + 8).
        var dump = Types("""
            struct A { int id; char s[4]; }
            kprobe:f { $p = (struct A *)arg0; $c = *$p;
              @a = sizeof(struct A); @b = sizeof($c); @c = offsetof(struct A, s); @d = sizeof($c.s); @e = sizeof(((int8)1, $p->s)); @f = sizeof((n = 1, a = $c)); }
            """);

        foreach (var (map, size) in new[] { ("@a", 8), ("@b", 8), ("@c", 4), ("@d", 5), ("@e", 6), ("@f", 12) })
            Assert.Matches($@"MapAssign {map}\n\s+Integer {size} ::", dump);
    }

    [Fact]
    public void DwarfMakesAStringOfADirectCharacterElementOnly()
    {
        const string source = """
            #include <stdint.h>
            struct rec { char a[4]; signed char b[4]; unsigned char c[4]; int8_t d[4]; uint8_t e[4]; const char f[4]; char g[2][3]; };
            __attribute__((noinline)) int look(struct rec *r) { return r->a[0]; }
            int main(void) { struct rec r = {0}; return look(&r); }
            """;
        using var program = new GccProgram(source, "-g");
        var types = new DwarfTypes(DwarfInfo.Read(ElfSections.Read(program.Path))!);
        var rec = (CStructType)((CPointerType)types.FunctionParameters("look")![0].Type).Target;

        var text = rec.Members.Select(m => (m.Name, ((CArrayType)m.Type).IsText)).ToList();

        // char g[2][3] is two string[3] (BTF's typing; the newest's DWARF reader keeps only the inner string[3]).
        Assert.Equal([("a", true), ("b", true), ("c", true), ("d", false), ("e", false), ("f", false), ("g", false)], text);
        Assert.True(((CArrayType)((CArrayType)rec.Members[6].Type).Element).IsText);
    }
}

/// <summary>
/// A pointer to a typedef is the pointer to the typedef's target, as the newest bpftrace keeps no typedef names in its
/// types: <c>(size_t *)x</c>, <c>typeof(size_t *)</c> and <c>(uint64 *)x</c> are one type, assignable to each other.
/// </summary>
public class TypedefPointerTests
{
    [Fact]
    public void APointerToATypedefIsThePointerToItsTarget()
    {
        var dump = ArrayMemberTypingTests.Types("kprobe:f { $p = (size_t *)arg0; $p = (uint64 *)arg1; @q = (uint64 *)arg0; @q = (size_t *)arg1; }");

        Assert.Contains("Variable $p :: uint64 *\n", dump, StringComparison.Ordinal);
        Assert.Contains("Map @q :: uint64 *\n", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("size_t", dump, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeofAPointerToATypedefIsThePointerToItsTarget()
    {
        var dump = ArrayMemberTypingTests.Types("kprobe:f { let $p: typeof(size_t *); $p = (uint64 *)arg1; let $r: typeof((size_t *)0); $r = (uint64 *)arg1; let $q: size_t *; $q = (uint64 *)arg0; @ = (typeof((uint64 *)0))arg0; @ = (size_t *)arg1; }");

        Assert.Contains("Variable $p :: uint64 *\n", dump, StringComparison.Ordinal);
        Assert.Contains("Variable $q :: uint64 *\n", dump, StringComparison.Ordinal);
        Assert.Contains("Variable $r :: uint64 *\n", dump, StringComparison.Ordinal);
        Assert.Contains("Map @ :: uint64 *\n", dump, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAddressOfAnIntegerVariableIsThePointerToTheTypedefOfItsType()
    {
        // tests/runtime/btf "vmlinux integer types", word for word: &$a of a typeof(size_t) (a uint64) is a size_t *.
        var dump = ArrayMemberTypingTests.Types("begin { let $a: typeof(size_t) = 1; let $b: typeof(size_t*) = &$a; $c = (uint64_t)1; $d = (char)1; $e = (char *)&$d }");

        Assert.Contains("Variable $b :: uint64 *\n", dump, StringComparison.Ordinal);
        Assert.Contains("Variable $e :: int8 *\n", dump, StringComparison.Ordinal);
        Assert.Empty(ArrayMemberTypingTests.Bind("begin { $a = (uint64)1; let $b: uint64 * = &$a; $i = (int32)1; let $j: int * = &$i; }").Diagnostics);
    }

    [Fact]
    public void ACastMessageNamesAPointerToATypedefAsTheNewestDoes()
    {
        // type_checker.cpp names the pointer by its target's bpftrace type: "uint64 *".
        var errors = ArrayMemberTypingTests.Bind("kprobe:f { $p = (size_t *)arg0; $s = (struct task_struct)$p; }").Diagnostics.Where(d => d.IsError).Select(d => d.Message);

        Assert.Equal(["Cannot cast from \"uint64 *\" to \"struct task_struct\""], errors);
    }
}
