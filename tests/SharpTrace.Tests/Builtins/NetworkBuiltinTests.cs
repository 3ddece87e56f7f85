using SharpTrace.Bpf;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>bswap, ntop and buf: their types, their errors in bpftrace 0.17's words, and how their values print.</summary>
public class NetworkBuiltinTests
{
    // Every message was produced by bpftrace 0.17 for the same expression.
    [Theory]
    [InlineData("""BEGIN { $x = ⟦bswap("a")⟧; }""", "bswap() only supports integer arguments (string provided)")]
    [InlineData("BEGIN { $x = ⟦bswap()⟧; }", "bswap() requires one argument (0 provided)")]
    [InlineData("BEGIN { $x = ⟦bswap(1,2)⟧; }", "bswap() requires one argument (2 provided)")]
    [InlineData("BEGIN { $x = ⟦bswap(curtask)⟧; }", "bswap() only supports integer arguments (pointer provided)")]
    // The newest bpftrace's bswap type rule: a bool is no integer to it.
    [InlineData("BEGIN { $x = ⟦bswap(true)⟧; }", "bswap() only supports integer arguments (bool provided)")]
    [InlineData("BEGIN { $x = ⟦ntop()⟧; }", "ntop() requires at least one argument (0 provided)")]
    [InlineData("BEGIN { $x = ⟦ntop(1,2,3)⟧; }", "ntop() takes up to 2 arguments (3 provided)")]
    // The newest bpftrace's argument check names its type "int" (0.17: "only supports integer arguments").
    [InlineData("""BEGIN { $x = ⟦ntop("a", 1)⟧; }""", "ntop() only supports int arguments (string provided)")]
    [InlineData("BEGIN { $x = ⟦ntop(curtask)⟧; }", "ntop() expects an integer or array argument, got pointer")]
    [InlineData("""BEGIN { $x = ⟦ntop("ab")⟧; }""", "ntop() argument must be 4 or 16 bytes in size")]
    [InlineData("BEGIN { $x = ⟦buf()⟧; }", "buf() requires at least one argument (0 provided)")]
    [InlineData("BEGIN { $x = ⟦buf(1,2,3)⟧; }", "buf() takes up to 2 arguments (3 provided)")]
    [InlineData("BEGIN { $x = ⟦buf(comm)⟧; }", "buf() expects a length argument for non-array type string")]
    [InlineData("BEGIN { $x = ⟦buf(curtask)⟧; }", "buf() expects a length argument for non-array type pointer")]
    [InlineData("BEGIN { $x = ⟦buf((int8)1)⟧; }", "buf() expects a length argument for non-array type int")]
    // The newest bpftrace's argument check names its type "int" (0.17: "only supports integer arguments").
    [InlineData("""BEGIN { $x = ⟦buf(curtask, "a")⟧; }""", "buf() only supports int arguments (string provided)")]
    [InlineData("""BEGIN { printf("%r\n", ⟦1⟧); }""", "printf: %r specifier expects a value of type buffer (integer supplied)", true)]
    [InlineData("""BEGIN { printf("%r\n", ⟦ntop(1)⟧); }""", "printf: %r specifier expects a value of type buffer (string supplied)", true)]
    [InlineData("""BEGIN { printf("%d\n", ⟦ntop(1)⟧); }""", "printf: %d specifier expects a value of type integer (string supplied)", true)]
    [InlineData("BEGIN { @ = ⟦ntop(1) + 1⟧; }", "Type mismatch for '+': comparing inet[24] with int8")]
    public void MisusesAreErrorsInBpftracesWords(string annotated, string message, bool wholePrintf = false)
    {
        // bpftrace underlines the whole printf call for argument mismatches.
        if (wholePrintf)
            annotated = annotated.Replace("⟦", "", StringComparison.Ordinal).Replace("⟧", "", StringComparison.Ordinal)
                .Replace("printf(", "⟦printf(", StringComparison.Ordinal).Replace("); }", ")⟧; }", StringComparison.Ordinal);
        SemanticKit.AssertDiagnostics(annotated, message);
    }

    // The newest reference's runtime/call "buf": in a struct the script declares, only plain `char` arrays are strings
    // (its clang parser), so buf($s.c) of a uint8_t[4] is buf of an array, its 4 bytes; buf of a string still needs a
    // length, in the newest's words.
    [Fact]
    public void BufOfAScriptStructsUint8ArrayTakesItsBytesAndACharArrayIsAString()
    {
        // The kit's kernel types lack the kernel's uint8_t typedefs: their base types, as clang sees them (UChar, not Char_S).
        const string structs = "struct MyStruct { const char* a; char b[4]; unsigned char c[4]; int d[4]; unsigned short e[4]; unsigned long f[4] }; ";

        var (program, diagnostics) = SemanticKit.Bind(structs + "kprobe:f { $s = (struct MyStruct *)arg0; @c = buf($s.c); @d = buf($s.d); @f = buf($s.f); @b = buf($s.b, 4); }");

        Assert.Empty(diagnostics);
        Assert.Equal([new BufferType(4), new BufferType(16), new BufferType(32), new BufferType(4)],
            new[] { "@c", "@d", "@f", "@b" }.Select(n => program!.Maps.Single(m => m.Name == n).ValueType));
        SemanticKit.AssertDiagnostics(structs + "kprobe:f { $s = (struct MyStruct *)arg0; @b = ⟦buf($s.b)⟧; }",
            "buf() expects a length argument for non-array type string");
    }

    [Fact]
    public void BufLongerThanMaxStrlenWarnsAndIsCut()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @b = buf(curtask, 2000); }");

        var warning = Assert.Single(diagnostics);
        Assert.False(warning.IsError);
        Assert.Equal("buf() length is too long and will be shortened to 1024 bytes (see BPFTRACE_STRLEN)", warning.Message);
        Assert.Equal(new BufferType(1024), program!.Maps[0].ValueType);

        var (small, smallDiagnostics) = SemanticKit.Bind("BEGIN { @b = buf(curtask, 100); }", new ProgramConfig { MaxStrlen = 64 });
        Assert.Equal("buf() length is too long and will be shortened to 64 bytes (see BPFTRACE_STRLEN)", Assert.Single(smallDiagnostics).Message);
        Assert.Equal(new BufferType(64), small!.Maps[0].ValueType);
    }

    [Theory]
    [InlineData("bswap((uint8)1)", 1)]
    [InlineData("bswap((int16)1)", 2)]
    [InlineData("bswap((int32)1)", 4)]
    [InlineData("bswap(1)", 1)] // 1 is an int8 literal, as the newest bpftrace types it
    public void BswapIsUnsignedOfItsArgumentsWidth(string expression, int bytes)
    {
        var (program, diagnostics) = SemanticKit.Bind($"BEGIN {{ $x = {expression}; @ = $x; }}");

        Assert.Empty(diagnostics);
        Assert.Equal(program!.Probes[0].Variables.Single(v => v.Name == "$x").Type, program.Maps[0].ValueType); // a map keeps the width, as the newest bpftrace
        Assert.Contains($"uint{bytes * 8}", BoundTreePrinter.Print(program), StringComparison.Ordinal);
    }

    [Fact]
    public void BufOfAnArrayTakesTheArraysSize()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @b = buf(curtask->cpus_mask.bits); @c = buf(curtask->comm, 3); }");

        Assert.Empty(diagnostics);
        Assert.Equal(new BufferType(32), program!.Maps.Single(m => m.Name == "@b").ValueType);
        Assert.Equal(new BufferType(3), program.Maps.Single(m => m.Name == "@c").ValueType);
    }

    // Expected texts are Python's socket.inet_ntop, which is glibc's inet_ntop.
    [Theory]
    [InlineData(2, "7f000001", "127.0.0.1")]
    [InlineData(10, "00000000000000000000000000000001", "::1")]
    [InlineData(10, "00000000000000000000000000000000", "::")]
    [InlineData(10, "20010db8000000000000000000000001", "2001:db8::1")]
    [InlineData(10, "20010db8000000010000000000000001", "2001:db8:0:1::1")]
    [InlineData(10, "20010db8000100000001000000000000", "2001:db8:1:0:1::")]
    [InlineData(10, "20010db8000000000001000000000001", "2001:db8::1:0:0:1")]
    [InlineData(10, "20010db8000100010001000100010001", "2001:db8:1:1:1:1:1:1")]
    [InlineData(10, "20010db8000100010001000100010000", "2001:db8:1:1:1:1:1:0")]
    [InlineData(10, "00000000000000000000ffff01020304", "::ffff:1.2.3.4")]
    [InlineData(10, "00000000000000000000000001020304", "::1.2.3.4")]
    [InlineData(10, "fe800000000000000000000000000000", "fe80::")]
    [InlineData(5, "7f000001", "")]
    public void InetAddressesPrintAsInetNtopWritesThem(int family, string hex, string text)
    {
        var bytes = Convert.FromHexString(hex).Concat(new byte[16]).Take(16).ToArray();
        Assert.Equal(text, InetAddress.Format(family, bytes));
    }

    [Fact]
    public void BuffersPrintPrintableBytesAndEscapeTheRest()
    {
        var value = new BufferValue([(byte)'h', (byte)'i', 0, 1, 0x7f, 0xff, (byte)'"', (byte)'\\', (byte)'\n', (byte)'z']);

        Assert.Equal("hi\\x00\\x01\\x7f\\xff\"\\\\x0az", value.ToString());
        Assert.Equal("hi\\x00\\x01\\x7f\\xff\"\\\\x0az", TextOutputWriter.FormatValue(value));
        // The newest bpftrace's JSON: the bytes as signed C chars (output/json.cpp), not 0.17's escaped text.
        Assert.Equal("[104,105,0,1,127,-1,34,92,10,122]", JsonOutputWriter.FormatValue(value));
        Assert.Equal("|\\x68\\x69|68 69|hi|%5r|", PrintfFormatter.Format("|%rx|%rh|%r|%5r|",
            [new BufferValue([0x68, 0x69]), new BufferValue([0x68, 0x69]), new BufferValue([0x68, 0x69]), new BufferValue([0x68])]));
    }

    [Fact]
    public void ByteSwapIsBpfEndTowardsTheOtherByteOrder()
    {
        var program = new Assembler().ByteSwap(Reg.R0, 16).ByteSwap(Reg.R3, 32).ByteSwap(Reg.R0, 64).Exit().Assemble();

        // BPF_ENDIAN(BPF_TO_BE, reg, bits) on this little-endian machine: opcode 0xdc, the width in imm.
        Assert.Equal(
            ["dc 00 00 00 10 00 00 00", "dc 03 00 00 20 00 00 00", "dc 00 00 00 40 00 00 00", "95 00 00 00 00 00 00 00"],
            program.Instructions.Select(i => string.Join(" ", BitConverter.GetBytes(i.Encode()).Select(b => b.ToString("x2")))));
        Assert.Equal(["r0 = be16 r0", "r3 = be32 r3", "r0 = be64 r0", "exit"], program.Instructions.Select(i => i.ToString()));
        Assert.Throws<AssemblerException>(() => new Assembler().ByteSwap(Reg.R0, 8));
    }
}
