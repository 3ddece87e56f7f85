using SharpTrace.Semantics;
using SharpTrace.Tests.Lowering;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>strncmp, strcontains, is_err, kptr and uptr: types, lowering, and errors in bpftrace's words.</summary>
public class StringBuiltinTests
{
    // Every message was produced by bpftrace 0.17 for the same expression, except is_err's (0.17 has no is_err; the
    // newest bpftrace defines it as a macro over casts).
    [Theory]
    [InlineData("""BEGIN { @v = ⟦strncmp("a", "b")⟧; }""", "strncmp() requires 3 arguments (2 provided)")]
    [InlineData("""BEGIN { @v = ⟦strncmp(1, "b", 1)⟧; }""", "strncmp() only supports string arguments (int provided)")]
    [InlineData("""BEGIN { @v = ⟦strncmp("a", 1, 1)⟧; }""", "strncmp() only supports string arguments (int provided)")]
    [InlineData("""BEGIN { @v = ⟦strncmp("a", "b", pid)⟧; }""", "strncmp() expects a int literal (int provided)")]
    [InlineData("""BEGIN { @v = ⟦strncmp("a", "b", "c")⟧; }""", "strncmp() expects a int literal (string provided)")]
    [InlineData("""BEGIN { @v = ⟦strncmp("a", "b", -1)⟧; }""", "Builtin strncmp requires a non-negative size")]
    [InlineData("""BEGIN { @v = ⟦strcontains("abc")⟧; }""", "strcontains() requires 2 arguments (1 provided)")]
    [InlineData("""BEGIN { @v = ⟦strcontains(1, "a")⟧; }""", "strcontains() only supports string arguments (int provided)")]
    [InlineData("""BEGIN { @v = ⟦strcontains("a", 1)⟧; }""", "strcontains() only supports string arguments (int provided)")]
    [InlineData("""BEGIN { @v = ⟦kptr(1, 2)⟧; }""", "kptr() requires one argument (2 provided)")]
    [InlineData("""BEGIN { @v = ⟦kptr("a")⟧; }""", "kptr() only supports integer or pointer arguments (string provided)")]
    [InlineData("""BEGIN { @v = ⟦uptr("a")⟧; }""", "uptr() only supports integer or pointer arguments (string provided)")]
    [InlineData("""BEGIN { @v = ⟦is_err("a")⟧; }""", "is_err() expects an integer or pointer argument")]
    public void MisusesAreErrorsInBpftracesWords(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    // The newest reference's stdlib.md: `int64 strncmp(…)`, `bool strcontains(…)`, `bool is_err(void * ptr)`
    // (bpftrace 0.17's strcontains is an int64 1/0: docs/differences.md).
    [Theory]
    [InlineData("""strncmp(comm, "bash", 4)""", "int64")]
    [InlineData("""strcontains(comm, "sh")""", "bool")]
    [InlineData("is_err(curtask)", "bool")]
    public void HasTheReferencesType(string expression, string type)
    {
        var (program, diagnostics) = SemanticKit.Bind($"BEGIN {{ @v = {expression}; }}");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal(type, program.Maps.Single().ValueType?.ToString());
    }

    [Fact]
    public void StrncmpComparesAtMostNBytes()
    {
        // One loop over the bytes compared, two loads in its body: n = 3 bounds it although both buffers hold more.
        var ir = LoweringKit.Ir("""BEGIN { @v = strncmp(comm, "bpftrace", 3); }""");
        Assert.Equal(2, ir.Split("load.u8").Length - 1);
        Assert.Matches(@"if %\d+ < 3 goto strcmp", ir);
    }

    [Theory]
    [InlineData("$a == $b", 16)]
    [InlineData("strlen($a)", 16)]
    [InlineData("""strcontains($a, "ab")""", 15)]
    public void LoopsOfAtMostSixteenBytesStayInline(string expression, int count)
    {
        var ir = LoweringKit.Ir($"config = {{ max_strlen = 16 }} kprobe:vfs_read {{ $a = str(arg0); $b = str(arg1); @v = {expression}; }}");
        Assert.Matches($@"if %\d+ < {count} goto", ir);
        Assert.DoesNotContain("callback", ir);
    }

    [Theory]
    [InlineData("$a == $b")]
    [InlineData("$a != $b")]
    [InlineData("strncmp($a, $b, 2000)")]
    [InlineData("memcmp($a, $b, arg0)")]
    [InlineData("strlen($a)")]
    [InlineData("""strcontains($a, "needle")""")]
    [InlineData("strcontains($a, $b)")]
    [InlineData("""strstr($a, "needle")""")]
    [InlineData("strstr($a, $b)")]
    public void StringOperationsAreLoopsWhoseCodeDoesNotGrowWithMaxStrlen(string expression)
    {
        // The bytes are walked by loops bounded by the strings' size; past ByteLoop.InlineLimit bytes each is a bpf_loop
        // callback (the verifier checks it once, whatever the count), the count given to the call.
        string Ir(int maxStrlen) => LoweringKit.Ir(
            $"config = {{ max_strlen = {maxStrlen} }} kprobe:vfs_read {{ $a = str(arg0); $b = str(arg1); @v = {expression}; }}");
        var (small, large) = (Ir(64), Ir(1024));
        Assert.Equal(small.Split("load.u8").Length, large.Split("load.u8").Length);
        Assert.Matches(@"loop (1024|1019), \w+_callback\(", large);
        Assert.DoesNotMatch(@"if %\d+ < (1024|1019) goto (strcmp|memcmp|strlen|contains|strstr_needle)\d", large);
    }

    [Fact]
    public void UptrReadsThroughThePointerAsUserMemoryAndKptrAsKernelMemory()
    {
        Assert.Contains("call bpf_probe_read_user", LoweringKit.Ir("BEGIN { @v = uptr(curtask)->pid; }"));
        Assert.DoesNotContain("call bpf_probe_read_user", LoweringKit.Ir("BEGIN { @v = kptr(uptr(curtask))->pid; }"));
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @i = uptr(5); }");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.IsType<IntegerType>(program.Maps.Single().ValueType);
    }
}
