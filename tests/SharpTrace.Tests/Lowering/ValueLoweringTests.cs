namespace SharpTrace.Tests.Lowering;

/// <summary>Values that read the probe's context, memory, tuples and builtin calls lower to IR (no previous-emitter fallback).</summary>
public sealed class ValueLoweringTests
{
    [Fact]
    public void KprobeArgumentsComeFromPtRegsAndTheSeventhFromTheStack()
    {
        var text = LoweringKit.Ir("kprobe:vfs_read { @a = arg1; @b = arg7; } kretprobe:vfs_read { @r = retval; }");

        Assert.DoesNotContain("not supported", text);
        Assert.Contains("load.u64 [%0+104]", text); // si
        Assert.Contains("load.u64 [%0+152]", text); // sp, then the second word above the return address
        Assert.Contains("call bpf_probe_read_kernel(&$s", text);
        Assert.Contains("load.u64 [%0+80]", text); // ax in the return probe
    }

    [Fact]
    public void ElapsedReadsTheStartTimeWithoutALookup()
    {
        var text = LoweringKit.Ir("BEGIN { @e = elapsed; }");

        Assert.Contains("= &value[start_time]", text);
        Assert.DoesNotContain("lookup map[start_time]", text);
    }

    [Fact]
    public void StringComparisonsWithALiteralCompareWordsUpToItsNul()
    {
        var text = LoweringKit.Ir("""tracepoint:syscalls:sys_enter_openat /comm == "sh"/ { @n = 1; }""");

        Assert.DoesNotContain("not supported", text);
        Assert.Contains("call bpf_get_current_comm(", text);
        Assert.Matches(@"%\d+ = load\.u16 \$s\d+\n  if %\d+ != 26739 goto", text); // "sh" as a little-endian u16
        Assert.Matches(@"%\d+ = load\.u8 \$s\d+\+2\n  if %\d+ != 0 goto", text); // then the NUL
        Assert.DoesNotContain("load.u8 $s0+3", text); // bytes after the NUL are not compared
    }

    [Fact]
    public void AStringLiteralLongerThanTheBufferNeverEqualsIt()
    {
        var text = LoweringKit.Ir("""tracepoint:syscalls:sys_enter_openat /comm == "0123456789abcdefXYZ"/ { @n = 1; }""");

        // comm holds 16 bytes: both words compared, then no way to the body; the same in the probe's variant for the
        // raw sys_enter tracepoint, printed after it.
        var variants = text.Split(SharpTrace.Lowering.IrPrinter.RawSyscallHeading);
        Assert.Equal(2, variants.Length);
        Assert.All(variants, variant => Assert.Equal(2, variant.Split("= load.u64").Length - 1));
        Assert.DoesNotContain("update map[@n]", text);
    }

    [Fact]
    public void TupleElementsAreReadFromTheTuplesSlot()
    {
        var text = LoweringKit.Ir("""BEGIN { $t = (1, "ab", (int8)-3); @x = $t.2; @s = $t.1; }""");

        Assert.DoesNotContain("not supported", text);
        Assert.Contains("load.s8 $s0+4", text); // laid out as a C struct: the int8 1 at 0, "ab" at 1 (3 bytes), the int8 at 4
        Assert.Contains("copy $s", text);
    }

    [Fact]
    public void AScriptsCharArrayAtTheEndOfACopyIsBuiltIntoASlotEndingInAZero()
    {
        // A script's char[4] is a string[5] (the newest's clang parser): its copy's struct keeps 8 bytes, so the string
        // is the field's 4 bytes and a zero in a slot of its own, and an index checked against 5 never reads past the copy.
        var text = LoweringKit.Ir("struct A { int id; char s[4]; } BEGIN { $c = *(struct A *)0; $i = 1; @a = $c.s[$i]; @b = $c.s; }");

        Assert.Matches(@"copy (\$s\d+), \$s\d+\+4, 4\n  zero \1\+4, 1\n  if %\d+ > 4 goto oob", text);
        Assert.Matches(@"copy (\$s\d+), \$s\d+\+4, 4\n  zero \1\+4, 1\n  zero \1\+5, 3\n", text);
    }

    [Fact]
    public void BswapOfAConstantFoldsAndOfAValueIsOneSwap()
    {
        var text = LoweringKit.Ir("BEGIN { @c = bswap((uint16)0x1234); @v = bswap((uint32)pid); }");

        Assert.Contains("store.u64 $s0, 13330", text); // 0x3412, as bpftrace 0.17 prints it: a uint16 in its zeroed 8-byte slot
        Assert.Contains("bswap32 %", text);
    }

    [Fact]
    public void StacksAreStackIdsFromTheirDepthsMap()
    {
        var text = LoweringKit.Ir("tracepoint:syscalls:sys_enter_openat { @k[kstack(3)] = count(); @u[ustack] = count(); }");

        Assert.DoesNotContain("not supported", text);
        Assert.Contains("call bpf_get_stackid(%0, map[stack_3], 0)", text);
        Assert.Contains("call bpf_get_stackid(%0, map[stack_127], 256)", text); // BPF_F_USER_STACK
    }

    [Fact]
    public void MemberReadsUseTheProbeReadHelperOfTheirSize()
    {
        var text = LoweringKit.Ir("tracepoint:syscalls:sys_enter_openat { @p = curtask->pid; }");

        Assert.DoesNotContain("not supported", text);
        Assert.Contains("call bpf_probe_read_kernel(&$s", text);
        Assert.Contains(", 4, %", text); // pid_t: 4 bytes
        Assert.Contains("load.s32 $s", text);
    }

    [Fact]
    public void ATupleStoredInAMapOfWiderStringsTakesTheMapsLayout()
    {
        // The map's strings are as long as the longest assigned (string[21]), the first literal's 4: -5 goes right
        // after the 21 bytes (an int8 needs no alignment), not after 4; the value's last 2 bytes are zeroed padding.
        var text = LoweringKit.Ir("""BEGIN { @m[1] = ("xyz", -5); @m[2] = ("abcdefghijklmnopqrst", 1); }""");

        Assert.Contains("store.u8 $s0+21, -5\n  zero $s0+22, 2", text);
        Assert.Contains("fill $s0, \"xyz\\x00\\x00", text); // the string padded to the map's 21 bytes
    }
}
