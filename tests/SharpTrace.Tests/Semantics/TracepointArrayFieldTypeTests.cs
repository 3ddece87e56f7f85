using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// A tracepoint field that is an array of integers is an array value named as the newest bpftrace names it from the
/// event's BTF (raw_syscalls:sys_enter's <c>unsigned long args[6]</c> is a <c>uint64[6]</c>); its elements are
/// integers of the element's size and sign. It was "A tracepoint field of type 'unsigned long' is not supported yet".
/// </summary>
public class TracepointArrayFieldTypeTests
{
    [Fact]
    public void AnIntegerArrayFieldIsAnArrayValue()
    {
        var dump = Types("tracepoint:raw_syscalls:sys_enter { @ = args.args[1]; $a = args.args; @s = args.small[0]; }");

        Assert.Contains(" Variable $a :: uint64[6]", dump);
        Assert.Contains("TracepointField args.args :: uint64[6]", dump);
        Assert.Contains("Map @ :: uint64", dump);
        Assert.Contains("StoredMember +8 :: uint64", dump);
        Assert.Contains("Map @s :: int16", dump);
    }

    [Fact]
    public void AConstantIndexPastTheEndIsTheReferencesError()
    {
        var (_, diagnostics) = Bind("tracepoint:raw_syscalls:sys_enter { @ = args.args[6]; }");

        Assert.Equal(["the index 6 is out of bounds for array of size 6"], diagnostics.Where(d => d.IsError).Select(d => d.Message));
    }

    private static (BoundProgram? Program, IReadOnlyList<Diagnostic> Diagnostics) Bind(string script) =>
        Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new RawSyscalls(), kernelTypes: SemanticKit.Kernel);

    private static string Types(string script)
    {
        var (program, diagnostics) = Bind(script);
        Assert.DoesNotContain(diagnostics, d => d.IsError);
        return BoundTreePrinter.Print(program!);
    }

    private sealed class RawSyscalls : ITracepointCatalog
    {
        // The kernel's format file, with a made-up signed field of another width.
        private static readonly TracepointFormat SysEnter = TracepointFormat.Parse("""
            name: sys_enter
            ID: 901
            format:
            	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
            	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
            	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
            	field:int common_pid;	offset:4;	size:4;	signed:1;

            	field:long id;	offset:8;	size:8;	signed:1;
            	field:unsigned long args[6];	offset:16;	size:48;	signed:0;
            	field:short small[2];	offset:64;	size:4;	signed:1;

            print fmt: ""
            """);

        public IEnumerable<(string Category, string Name)> List() => [("raw_syscalls", "sys_enter")];
        public TracepointFormat? Format(string category, string name) => (category, name) == ("raw_syscalls", "sys_enter") ? SysEnter : null;
    }
}
