using SharpTrace.Builtins;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Tests.Lowering;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// jiffies, numaid, nsecs(mode), pid/tid(mode), username, probetype and pcomm: their types, their lowering, and their
/// errors in the newest bpftrace's words (bpftrace 0.17 has none of the function forms).
/// </summary>
public class ClockAndTaskBuiltinTests
{
    [Theory]
    [InlineData("jiffies", 8, "call bpf_jiffies64")]
    [InlineData("numaid", 4, "call bpf_get_numa_node_id")]
    [InlineData("nsecs(monotonic)", 8, "call bpf_ktime_get_ns")]
    [InlineData("nsecs(boot)", 8, "call bpf_ktime_get_boot_ns")]
    [InlineData("nsecs(tai)", 8, "call bpf_ktime_get_tai_ns")]
    [InlineData("nsecs(sw_tai)", 8, "call bpf_ktime_get_boot_ns")]
    [InlineData("pid(init)", 4, "call bpf_get_current_pid_tgid")]
    [InlineData("tid(curr_ns)", 4, "call bpf_get_current_pid_tgid")]
    [InlineData("pid()", 4, "call bpf_get_current_pid_tgid")]
    public void IsAnUnsignedIntegerFromItsHelper(string expression, int bytes, string call)
    {
        var (program, diagnostics) = SemanticKit.Bind($"BEGIN {{ @v = {expression}; }}");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Contains($":: uint{bytes * 8}\n", BoundTreePrinter.Print(program).Split("Block")[1]);
        Assert.Contains(call, LoweringKit.Ir($"BEGIN {{ @v = {expression}; }}"));
    }

    [Theory]
    [InlineData("BEGIN { @v = nsecs(⟦bogus⟧); }", "Invalid timestamp mode: bogus")]
    [InlineData("BEGIN { @v = ⟦nsecs(1)⟧; }", "nsecs() only supports timestamp_mode arguments (int provided)")]
    [InlineData("BEGIN { @v = ⟦nsecs(boot, tai)⟧; }", "nsecs() takes up to one argument (2 provided)")]
    [InlineData("BEGIN { @v = pid(⟦host⟧); }", "Invalid PID namespace mode: host (expects: curr_ns or init)")]
    [InlineData("BEGIN { @v = ⟦tid(1)⟧; }", "tid() only supports curr_ns and init as the argument")]
    [InlineData("BEGIN { @v = ⟦pid(init, init)⟧; }", "pid() takes up to one argument (2 provided)")]
    [InlineData("BEGIN { @v = ⟦probetype(1)⟧; }", "probetype() requires no arguments (1 provided)")]
    public void MisusesAreErrorsInBpftracesWords(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void BareNsecsStaysOnTheMonotonicClockAsBpftrace017()
    {
        // The newest bpftrace reads CLOCK_BOOTTIME for the bare name; docs/differences.md says why we do not.
        var ir = LoweringKit.Ir("BEGIN { @a = nsecs; @b = nsecs(); }");
        Assert.Equal(2, ir.Split("call bpf_ktime_get_ns").Length - 1);
        Assert.DoesNotContain("boot", ir);
    }

    [Fact]
    public void SoftwareTaiIsBootTimePlusAnOffsetMeasuredAtCompileTime()
    {
        var ir = LoweringKit.Ir("BEGIN { @v = nsecs(sw_tai); }");
        Assert.Contains("call bpf_ktime_get_boot_ns", ir);
        Assert.DoesNotContain("call bpf_ktime_get_tai_ns", ir);
    }

    [Fact]
    public void UsernameIsTheUidNamedInUserSpace()
    {
        var (program, diagnostics) = SemanticKit.Bind("""BEGIN { @u = username; @k[username] = count(); printf("%s\n", username); }""");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal(UsernameType.Instance, program.Maps.Single(m => m.Name == "@u").ValueType);
        Assert.Equal(UsernameType.Instance, program.Maps.Single(m => m.Name == "@k").KeyTypes!.Single());
    }

    [Fact]
    public void UsernameDecodesFromThePasswdFile()
    {
        var passwd = Path.GetTempFileName();
        try
        {
            File.WriteAllText(passwd, "root:x:0:0:root:/root:/bin/bash\n# comment\nalice:x:1000:1000::/home/alice:/bin/sh\n");
            Assert.Equal("root", UsernameType.NameOf(0, passwd));
            Assert.Equal("alice", UsernameType.NameOf(1000, passwd));
            Assert.Equal("", UsernameType.NameOf(4242, passwd));
            Assert.Equal("", UsernameType.NameOf(0, passwd + ".missing"));
        }
        finally
        {
            File.Delete(passwd);
        }
        Assert.Equal(new StringValue("root"), UsernameType.Instance.Decode(BitConverter.GetBytes(0UL)));
    }

    [Theory]
    [InlineData("BEGIN", "special")]
    [InlineData("END", "special")]
    [InlineData("tracepoint:syscalls:sys_enter_openat", "tracepoint")]
    [InlineData("interval:s:1", "interval")]
    public void ProbetypeIsTheProbesTypeAsALiteral(string probe, string type)
    {
        var (program, diagnostics) = SemanticKit.Bind($"{probe} {{ @t = probetype; @u = probetype(); }}");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        var tree = BoundTreePrinter.Print(program);
        Assert.Equal(2, tree.Split($"String \"{type}\"").Length - 1);
    }

    [Fact]
    public void PcommIsTheRealParentsComm()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @a = pcomm; @b = pcomm(); @c = pcomm(curtask->parent); @d = curtask->real_parent->comm; }");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        var types = program.Maps.Select(m => m.ValueType).Distinct().ToList();
        Assert.Single(types);
    }
}
