using SharpTrace.Kernel;

namespace SharpTrace.Tests.Probes;

public sealed class SyscallNumbersTests
{
    private static readonly SyscallNumbers Table = SyscallNumbers.From(Calls((0, "read"), (4, "stat"), (62, "kill"),
        (63, "uname"), (166, "umount2"), (450, "set_mempolicy_home_node")));

    [Theory]
    [InlineData("sys_enter_read", 0)]
    [InlineData("sys_exit_kill", 62)]
    [InlineData("sys_enter_set_mempolicy_home_node", 450)]
    public void ATracepointNamedAfterItsSyscallHasItsNumber(string tracepoint, int number) =>
        Assert.Equal(number, Table.NumberOf(tracepoint));

    [Theory]
    [InlineData("sys_enter_newstat", 4)]
    [InlineData("sys_exit_newuname", 63)]
    [InlineData("sys_enter_umount", 166)]
    public void ATracepointNamedAfterItsEntryPointHasTheNumberOfTheSyscallItServes(string tracepoint, int number) =>
        Assert.Equal(number, Table.NumberOf(tracepoint));

    [Theory]
    [InlineData("sys_enter_stat")]
    [InlineData("sys_enter_uname")]
    [InlineData("sys_enter_umount2")]
    [InlineData("sys_enter_nosuchcall")]
    [InlineData("sys_enter")]
    [InlineData("sched_switch")]
    public void ANameTheKernelGivesNoSuchTracepointHasNoNumber(string tracepoint) =>
        Assert.Null(Table.NumberOf(tracepoint));

    [Fact]
    public void TheBuiltInTableKnowsTheCallsUpToLinux618AsTheHeaderNumbersThem()
    {
        var numbers = SyscallNumbers.Load();

        // asm/unistd_64.h of this machine, for what it has; the newer ones from the kernel's syscall_64.tbl.
        var header = File.ReadLines("/usr/include/x86_64-linux-gnu/asm/unistd_64.h")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts is ["#define", var macro, _] && macro.StartsWith("__NR_", StringComparison.Ordinal))
            .ToDictionary(parts => parts[1]["__NR_".Length..], parts => int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(header["openat"], numbers.NumberOf("sys_enter_openat"));
        Assert.Equal(header["stat"], numbers.NumberOf("sys_enter_newstat"));
        Assert.All(header, call => Assert.Equal(call.Key, SyscallTable.NameOf(call.Value)));
        Assert.Equal(335, numbers.NumberOf("sys_enter_uretprobe"));
        Assert.Equal(451, numbers.NumberOf("sys_enter_cachestat"));
        Assert.Equal(469, numbers.NumberOf("sys_exit_file_setattr"));
    }

    [Fact]
    public void WithoutATableNothingIsKnown() =>
        Assert.Null(SyscallNumbers.From([]).NumberOf("sys_enter_cachestat"));

    [Fact]
    public void TwoNamesForOneNumberLeaveBothUnknown()
    {
        var numbers = SyscallNumbers.From(Calls((5, "a"), (5, "b"), (6, "c")));

        Assert.Null(numbers.NumberOf("sys_enter_a"));
        Assert.Null(numbers.NumberOf("sys_enter_b"));
        Assert.Equal(6, numbers.NumberOf("sys_enter_c"));
    }

    private static KeyValuePair<int, string>[] Calls(params (int Number, string Name)[] calls) =>
        [.. calls.Select(c => KeyValuePair.Create(c.Number, c.Name))];
}
