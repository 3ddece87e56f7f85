using SharpTrace.Builtins;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>pton, macaddr, syscall_name, signal_name and cgroupid: types, values, and errors in bpftrace's words.</summary>
public class AddressBuiltinTests
{
    // Every message was produced by bpftrace 0.17 for the same expression, except syscall_name's and signal_name's,
    // which 0.17 lacks (their argument check is the one every integer builtin shares).
    [Theory]
    [InlineData("""BEGIN { @v = ⟦pton("1.2.3")⟧; }""", "pton() expects a valid IPv4/IPv6 address, got 1.2.3")]
    [InlineData("""BEGIN { @v = ⟦pton("a")⟧; }""", "pton() expects an string argument of an IPv4/IPv6 address, got a")]
    [InlineData("""BEGIN { @v = ⟦pton()⟧; }""", "pton() requires one argument (0 provided)")]
    [InlineData("""BEGIN { @v = ⟦pton("1.2.3.256")⟧; }""", "pton() expects a valid IPv4/IPv6 address, got 1.2.3.256")]
    [InlineData("""BEGIN { @v = ⟦pton("1:2:3")⟧; }""", "pton() expects a valid IPv4/IPv6 address, got 1:2:3")]
    [InlineData("""BEGIN { @v = ⟦cgroupid(1)⟧; }""", "cgroupid() expects a string literal (int provided)")]
    [InlineData("""BEGIN { @v = ⟦cgroupid("/nonexistent")⟧; }""", "Failed to get `cgroupid` for path: \"/nonexistent\": No such file or directory")]
    // The newest bpftrace's syscall_name and signal_name are stdlib macros that cast their argument, (int32)n
    // (src/stdlib/strings.bt): a string is that cast's error (0.17: "only supports integer arguments").
    [InlineData("""BEGIN { @v = ⟦syscall_name("a")⟧; }""", "Cannot cast from \"string[2]\" to \"int32\"")]
    [InlineData("""BEGIN { @v = ⟦signal_name("a")⟧; }""", "Cannot cast from \"string[2]\" to \"int32\"")]
    [InlineData("""BEGIN { @v = ⟦macaddr((1, 2))⟧; }""", "macaddr() only supports array or pointer arguments (tuple provided)")]
    public void MisusesAreErrorsInBpftracesWords(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void MacaddrOfAStringLiteralIsRefusedTwiceAsBpftrace017Does() =>
        Assert.Equal(["macaddr() argument must be 6 bytes in size", "macaddr() does not support literal string arguments"],
            SemanticKit.Bind("""BEGIN { @v = macaddr("abc"); }""").Diagnostics.Select(d => d.Message));

    [Theory]
    [InlineData("127.0.0.1", new byte[] { 127, 0, 0, 1 })]
    [InlineData("::1", new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 })]
    [InlineData("fe80::1:2", new byte[] { 254, 128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2 })]
    [InlineData("::ffff:1.2.3.4", new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4 })]
    public void PtonGivesInetPtonsBytes(string text, byte[] bytes) => Assert.Equal(bytes, Pton.Parse(text));

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("01.2.3.4")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1:2:3")]
    [InlineData("fe80::1%eth0")]
    public void PtonRefusesWhatInetPtonRefuses(string text) => Assert.Null(Pton.Parse(text));

    [Fact]
    public void PtonIsAUint8ArrayPrintedInBrackets()
    {
        var (program, diagnostics) = SemanticKit.Bind("""BEGIN { @a = pton("1.2.3.4"); @b = pton("::1"); }""");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        var type = Assert.IsType<CValueType>(program.Maps.Single(m => m.Name == "@a").ValueType);
        Assert.Equal("uint8[4]", type.ToString());
        Assert.Equal(4, type.Size);
        Assert.Equal(16, program.Maps.Single(m => m.Name == "@b").ValueType!.Size);
        var value = type.Decode([1, 2, 3, 4], "..");
        Assert.Equal("[1,2,3,4]", TextOutputWriter.FormatValue(value));
        Assert.Equal("[1,2,3,4]", JsonOutputWriter.FormatValue(value));
    }

    [Fact]
    public void MacaddrTakesTheFirstSixBytesOfALongerArrayAsTheNewestBpftrace()
    {
        // bpftrace 0.17 says "macaddr() argument must be 6 bytes in size" here; the newest wants at least 6.
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @m = macaddr(curtask->comm); }");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal(MacAddressType.Instance, program.Maps.Single().ValueType);
    }

    [Fact]
    public void MacaddrPrintsUpperCaseHexPairs() =>
        Assert.Equal(new StringValue("18:C0:4D:08:2E:BB"), MacAddressType.Instance.Decode([0x18, 0xc0, 0x4d, 0x08, 0x2e, 0xbb]));

    // The names are the kernel's x86-64 system call table's; the texts are glibc's strsignal(3), as the newest
    // bpftrace's tables give them.
    [Theory]
    [InlineData(0, "read")]
    [InlineData(59, "execve")]
    [InlineData(257, "openat")]
    [InlineData(435, "clone3")]
    [InlineData(462, "mseal")]
    [InlineData(400, "Unknown syscall")]
    [InlineData(-1, "Unknown syscall")]
    public void SyscallNamesAreTheKernelsTable(int number, string name)
    {
        if (!SyscallTable.HasTable)
            return; // the table is x86-64's; another architecture gets a compile-time error instead
        Assert.Equal(new StringValue(name), SyscallNameType.Instance.Decode(BitConverter.GetBytes((long)number)));
    }

    [Theory]
    [InlineData(0, "Unknown signal 0")]
    [InlineData(2, "Interrupt")]
    [InlineData(9, "Killed")]
    [InlineData(15, "Terminated")]
    [InlineData(34, "Real-time signal 0")]
    [InlineData(64, "Real-time signal 30")]
    [InlineData(65, "N/A")]
    [InlineData(-1, "N/A")]
    public void SignalNamesAreStrsignalsText(int signal, string text) =>
        Assert.Equal(new StringValue(text), SignalNameType.Instance.Decode(BitConverter.GetBytes((long)signal)));

    [Fact]
    public void CgroupidIsTheDirectorysInodeAsAConstant()
    {
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            var inode = SharpTrace.Kernel.FileIdentity.Of(directory.FullName)!.Value.Inode;
            var (program, diagnostics) = SemanticKit.Bind($$"""BEGIN { @id = cgroupid("{{directory.FullName}}"); }""");
            Assert.True(program is not null, string.Join('\n', diagnostics));
            Assert.Contains($"Integer {inode} :: uint64", BoundTreePrinter.Print(program));
        }
        finally
        {
            directory.Delete();
        }
    }
}
