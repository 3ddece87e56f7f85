using SharpTrace.Builtins;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Tests.Lowering;
using SharpTrace.Tests.Semantics;
using static SharpTrace.Tests.ExternalTool;

namespace SharpTrace.Tests.Builtins;

/// <summary>tests/programs/uaddr_target.c built with gcc as test.sh builds it: a PIE, and a fixed-address executable.</summary>
public sealed class UaddrTargets : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sharptrace-uaddr-").FullName;

    public UaddrTargets()
    {
        var source = Path.Combine(Golden.GoldenFiles.RepositoryRoot, "tests", "programs", "uaddr_target.c");
        Pie = Path.Combine(_directory, "uaddr_target");
        FixedAddress = Path.Combine(_directory, "uaddr_target_nopie");
        Run("gcc", "-O0", "-g", "-fno-omit-frame-pointer", "-o", Pie, source);
        Run("gcc", "-O0", "-g", "-fno-omit-frame-pointer", "-no-pie", "-o", FixedAddress, source);
    }

    public string Pie { get; }
    public string FixedAddress { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>
/// uaddr, percpu_kaddr, socket_cookie, cgroup_path, strlen, ntop of pton and find: types, lowering, and errors in bpftrace's words (0.17's where it
/// has the function: uaddr, cgroup_path; the newest's otherwise).
/// </summary>
public sealed class SymbolBuiltinTests(UaddrTargets programs) : IClassFixture<UaddrTargets>
{
    private string Probe(string body, string? binary = null) => $"uprobe:{binary ?? programs.FixedAddress}:uaddr_probe {{ {body} }}";

    [Theory]
    [InlineData("kprobe:f { @ = ⟦uaddr(\"A\")⟧; }", "uaddr can not be used with \"kprobe\" probes")]
    [InlineData("BEGIN { @ = ⟦uaddr(\"A\")⟧; }", "uaddr can not be used with \"begin\" probes")]
    // The newest bpftrace's argument check names its type "int" (0.17: "only supports integer arguments"), for
    // cgroup_path's and percpu_kaddr's integers alike.
    [InlineData("BEGIN { @ = ⟦cgroup_path(\"a\")⟧; }", "cgroup_path() only supports int arguments (string provided)")]
    [InlineData("BEGIN { @ = ⟦cgroup_path(1, 2)⟧; }", "cgroup_path() only supports string arguments (int provided)")]
    [InlineData("BEGIN { @ = ⟦cgroup_path()⟧; }", "cgroup_path() requires at least one argument (0 provided)")]
    [InlineData("BEGIN { @ = ⟦cgroup_path(1, \"a\", \"b\")⟧; }", "cgroup_path() takes up to 2 arguments (3 provided)")]
    [InlineData("BEGIN { $x = cgroup_path(1); @ = ⟦$x + 1⟧; }", "Type mismatch for '+': comparing cgroup_path_t with int8")]
    [InlineData("kprobe:f { @ = ⟦socket_cookie(arg0)⟧; }", "socket_cookie can not be used with \"kprobe\" probes")]
    [InlineData("tracepoint:syscalls:sys_enter_openat { @ = ⟦socket_cookie(0)⟧; }", "socket_cookie can not be used with \"tracepoint\" probes")]
    [InlineData("fentry:vfs_read { @ = ⟦socket_cookie(1)⟧; }", "socket_cookie() only supports pointer arguments (int provided)")]
    [InlineData("fentry:vfs_read { @ = ⟦socket_cookie(curtask)⟧; }", "socket_cookie() only supports 'struct sock *' as the argument ('struct task_struct *' provided)")]
    [InlineData("BEGIN { @ = ⟦percpu_kaddr(0)⟧; }", "percpu_kaddr() expects a string literal (int provided)")]
    [InlineData("BEGIN { @ = ⟦percpu_kaddr(\"runqueues\", \"a\")⟧; }", "percpu_kaddr() only supports int arguments (string provided)")]
    [InlineData("BEGIN { @ = ⟦percpu_kaddr()⟧; }", "percpu_kaddr() requires at least one argument (0 provided)")]
    public void MisusesAreErrorsInBpftracesWords(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    // bpftrace 0.17's messages for the same calls.
    [Theory]
    [InlineData("@ = ⟦uaddr(123)⟧;", "uaddr() expects a string literal (int provided)")]
    [InlineData("$s = \"global_u8\"; @ = ⟦uaddr($s)⟧;", "uaddr() expects a string literal (string provided)")]
    [InlineData("@ = ⟦uaddr(\"?\")⟧;", "uaddr() expects a string that is a valid symbol (^[a-zA-Z0-9./_-]+$) as input (\"?\" provided)")]
    [InlineData("@ = ⟦uaddr()⟧;", "uaddr() requires one argument (0 provided)")]
    public void UaddrMisusesAreBpftrace017sErrors(string body, string message) =>
        SemanticKit.AssertDiagnostics(Probe(body), message);

    [Fact]
    public void UaddrOfASymbolTheBinaryLacksIsBpftrace017sError() =>
        SemanticKit.AssertDiagnostics(Probe("@ = ⟦uaddr(\"nosuchsym_xyz\")⟧;"), $"Could not resolve symbol: {programs.FixedAddress}:nosuchsym_xyz");

    // As bpftrace 0.17 and the newest type it: the pointee's width is the symbol's size when 1, 2 or 4 bytes, else 64 bits.
    [Theory]
    [InlineData("global_u8", "int8 *")]
    [InlineData("global_u16", "int16 *")]
    [InlineData("global_i32", "int32 *")]
    [InlineData("global_u64", "int64 *")]
    [InlineData("global_text", "int64 *")]
    public void UaddrPointsToAnIntegerOfTheSymbolsSize(string symbol, string type)
    {
        var (program, diagnostics) = SemanticKit.Bind(Probe($"@ = uaddr(\"{symbol}\");"));
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal(type, program.Maps.Single().ValueType?.ToString());
    }

    [Fact]
    public void UaddrIsTheSymbolsAddressInAFixedAddressExecutable()
    {
        var (program, diagnostics) = SemanticKit.Bind(Probe("@ = uaddr(\"global_u64\");"));
        Assert.True(program is not null, string.Join('\n', diagnostics));
        var address = Nm(programs.FixedAddress)["global_u64"];
        Assert.Contains($"uaddr \"global_u64\"", BoundTreePrinter.Print(program));
        var ir = LoweringKit.Ir(Probe("@ = uaddr(\"global_u64\");"));
        Assert.Contains(address.ToString(System.Globalization.CultureInfo.InvariantCulture), ir);
        Assert.DoesNotContain("bpf_get_func_ip", ir);
    }

    [Fact]
    public void UaddrInAPieAddsTheLoadAddressTheProbeFinds()
    {
        var ir = LoweringKit.Ir(Probe("@ = uaddr(\"global_u64\");", programs.Pie));
        Assert.Contains("bpf_get_func_ip", ir);
    }

    [Fact]
    public void UaddrInAPieNeedsOneAttachPoint() =>
        SemanticKit.AssertDiagnostics($"uprobe:{programs.Pie}:uaddr_probe, uprobe:{programs.Pie}:main {{ @ = ⟦uaddr(\"global_u8\")⟧; }}",
            "uaddr() in a position-independent binary needs a probe with one attach point, to find the binary's load address (2 attach points here)");

    [Fact]
    public void UaddrInAFixedAddressExecutableTakesSeveralAttachPoints()
    {
        var (program, diagnostics) = SemanticKit.Bind($"uprobe:{programs.FixedAddress}:uaddr_probe, uprobe:{programs.FixedAddress}:main {{ @ = *uaddr(\"global_u8\"); }}");
        Assert.True(program is not null, string.Join('\n', diagnostics));
    }

    [Fact]
    public void CgroupPathIsItsOwnTypePrintedAsAPath()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @p[cgroup_path(cgroup, \"unified\")] = 1; @q = cgroup_path(1); }");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal(new CgroupPathType("unified"), program.Maps.Single(m => m.Name == "@p").KeyTypes!.Single());
        Assert.Equal(new CgroupPathType("*"), program.Maps.Single(m => m.Name == "@q").ValueType);
    }

    [Fact]
    public void CgroupPathOfAHierarchysRootIsSlashUnderItsName()
    {
        var mount = File.ReadLines("/proc/mounts").Select(l => l.Split(' ')).FirstOrDefault(f => f[0] == "cgroup2")?[1];
        if (mount is null)
            return; // no cgroup v2 hierarchy on this machine: nothing to name
        var root = FileIdentity.Of(mount)!.Value.Inode;
        Assert.Equal(new StringValue("unified:/"), new CgroupPathType("unified").Decode(BitConverter.GetBytes(root)));
        Assert.Equal(new StringValue("unified:/"), new CgroupPathType("uni*").Decode(BitConverter.GetBytes(root)));
        Assert.Equal(new StringValue(""), new CgroupPathType("nothing").Decode(BitConverter.GetBytes(root)));
    }

    [Fact]
    public void SocketCookieIsAUint64OfTheSocketInTracingPrograms()
    {
        var (program, diagnostics) = SemanticKit.Bind("struct sock { int a; } fentry:vfs_read { @c = socket_cookie((struct sock *)0); }");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal(BpfType.UInt64, program.Maps.Single().ValueType);
        Assert.Contains("bpf_get_socket_cookie", LoweringKit.Ir("struct sock { int a; } fentry:vfs_read { @c = socket_cookie((struct sock *)0); }"));
    }

    [Fact]
    public void PercpuKaddrOfAVariableTheKernelLacksIsTheNewestsError()
    {
        if (!File.Exists("/sys/kernel/btf/vmlinux"))
            return; // without kernel BTF every name is unknown, which the next assertion does not show
        SemanticKit.AssertDiagnostics("BEGIN { @ = ⟦percpu_kaddr(\"nonsense\")⟧; }", "Could not resolve variable \"nonsense\" from BTF");
    }

    [Fact]
    public void PercpuKaddrHandsTheVariablesBtfIdToTheHelpers()
    {
        if (!File.Exists("/sys/kernel/btf/vmlinux"))
            return; // the variable is found in the kernel's BTF
        const string Script = """BEGIN { @a = percpu_kaddr("runqueues"); @b = percpu_kaddr("runqueues", 1); }""";
        var (program, diagnostics) = SemanticKit.Bind(Script);
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal("uint64 *", program.Maps.Single(m => m.Name == "@a").ValueType?.ToString());
        var ir = LoweringKit.Ir(Script);
        Assert.Contains("call bpf_this_cpu_ptr(&ksym[runqueues])", ir);
        Assert.Contains("call bpf_per_cpu_ptr(&ksym[runqueues], 1)", ir);
    }

    // The newest reference's strings.bt: strlen of a string, a char array or a char pointer is a uint64; its
    // static_assert and fail messages for anything else.
    [Theory]
    [InlineData("strlen(comm)")]
    [InlineData("strlen(\"abc\")")]
    [InlineData("strlen(curtask->comm)")]
    [InlineData("strlen((int8 *)curtask)")]
    public void StrlenIsAUint64(string expression)
    {
        var (program, diagnostics) = SemanticKit.Bind($"BEGIN {{ @v = {expression}; }}");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal(BpfType.UInt64, program.Maps.Single().ValueType);
    }

    [Theory]
    [InlineData("BEGIN { @v = ⟦strlen(1)⟧; }", "string-like values must be either strings, arrays or pointers")]
    [InlineData("BEGIN { @v = ⟦strlen(curtask)⟧; }", "string-like pointers must point to a char-like type")]
    [InlineData("BEGIN { @v = ⟦strlen(curtask->cpus_mask.bits)⟧; }", "string-like arrays must contain a char-like type")]
    [InlineData("BEGIN { @v = ⟦strlen()⟧; }", "strlen() requires one argument (0 provided)")]
    public void StrlenMisusesAreTheNewestsErrors(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void NtopTakesPtonsBytes()
    {
        var (program, diagnostics) = SemanticKit.Bind("""BEGIN { @a = ntop(pton("1.2.3.4")); $b = pton("::1"); @b = ntop($b); @c = ntop(10, pton("::1")); }""");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.All(program.Maps, m => Assert.Equal(InetType.Instance, m.ValueType));
    }

    [Fact]
    public void FindIsABoolAndGivesTheVariableTheMapsValueType()
    {
        var (program, diagnostics) = SemanticKit.Bind("""BEGIN { @m[1, "a"] = (2, "b"); let $v; @f = find(@m, (1, "a"), $v); @t = $v; if (find(@m, (3, "c"), $v)) { @g = 1; } }""");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal(BoolType.Instance, program.Maps.Single(m => m.Name == "@f").ValueType);
        Assert.Equal(program.Maps.Single(m => m.Name == "@m").ValueType, program.Maps.Single(m => m.Name == "@t").ValueType);
    }

    [Theory]
    [InlineData("BEGIN { @x = 1; $v = 0; @f = find(⟦@x⟧, 1, $v); }", "call to find expects a map with explicit keys (non-scalar map)")]
    [InlineData("BEGIN { @m[1] = 1; $v = 0; @f = find(⟦@m[1]⟧, 1, $v); }", "find() expects a map argument without keys, such as find(@m, key, $v)")]
    [InlineData("BEGIN { @m[1] = 1; @f = find(@m, 1, ⟦@n⟧); }", "find() expects a variable as its third argument, such as find(@m, key, $v)")]
    [InlineData("BEGIN { @m[1] = 1; $v = 0; @f = ⟦find(@m, 1)⟧; }", "find() requires 3 arguments (2 provided)")]
    public void FindMisusesAreErrors(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    private static Dictionary<string, ulong> Nm(string binary) =>
        Run("nm", binary).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).Where(f => f.Length == 3)
            .GroupBy(f => f[2]).ToDictionary(g => g.Key, g => ulong.Parse(g.First()[0], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
}
