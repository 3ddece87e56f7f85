using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Tests.Golden;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>args</c> of a uprobe as a value (the newest bpftrace's tests/runtime/builtin "args in uprobe store in map", "args
/// in a tuple in map", "args in uprobe store in map and access field", "args in uprobe as a map key", and
/// tests/runtime/record "record printing complex args"), on add3(int a, int b, int c) of tests/programs/probe_args: the
/// record type is one type for the probe across binding passes, so a map or tuple holding it accepts it again.
/// </summary>
public sealed class UprobeArgsValueTests(GoldenMachine machine) : IClassFixture<GoldenMachine>
{
    private string Types(string body)
    {
        var source = machine.Resolve($"uprobe:{GoldenMachine.ProgramsPlaceholder}/probe_args:add3 {{ {body} }}");
        var result = TraceScript.Compile(source, machine.Tracepoints, new CompileOptions(), SemanticKit.Kernel);
        Assert.True(result.Program is not null, string.Join('\n', result.Diagnostics.Select(d => d.ToString())));
        Assert.Empty(result.Diagnostics);
        return machine.Normalize(result.Program.DescribeTypes()).Replace("\r", "", StringComparison.Ordinal);
    }

    [Fact]
    public void ArgsStoredInAMap() =>
        Assert.Contains("Map @ :: struct uprobe_args\n", Types("@ = args; exit();"));

    [Fact]
    public void ArgsInATupleKeyAndATupleValue() =>
        Assert.Contains("Map @[(int8,string[6],struct uprobe_args)] :: (struct uprobe_args,string[4])\n",
            Types("""$a = (1, "hello", args); @[$a] = (args, "bye"); exit();"""));

    [Fact]
    public void ArgsStoredInAMapAndAFieldReadBack()
    {
        var dump = Types("@ = args; print(@.c); exit();");

        Assert.Contains("Map @ :: struct uprobe_args\n", dump);
        Assert.Contains("StoredMember +8 :: int32\n", dump);
    }

    [Fact]
    public void ArgsAsAMapKey() =>
        Assert.Contains("Map @[struct uprobe_args] :: int8\n", Types("@[args] = 1; exit();"));

    [Fact]
    public void ArgsInARecordKeyAndARecordValue() =>
        Assert.Contains(
            "Map @[record { .a = int8, .b = string[6], .c = (struct uprobe_args,record { .x = int8, .y = int32 }) }] :: (string[4],record { .m = struct uprobe_args, .n = int8 })\n",
            Types("""$args = args; $a = (a=1, b="hello", c=(args, (x=100, y=$args.c))); @[$a] = ("bye", (m=args, n=10)); exit();"""));
}
