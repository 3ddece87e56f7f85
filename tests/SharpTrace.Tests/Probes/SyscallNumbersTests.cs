using SharpTrace.Kernel;

namespace SharpTrace.Tests.Probes;

public sealed class SyscallNumbersTests
{
    private static readonly string[] Header =
    [
        "#ifndef _ASM_UNISTD_64_H",
        "#define __NR_read 0",
        "#define __NR_stat 4",
        "#define __NR_kill 62",
        "#define __NR_uname 63",
        "#define __NR_umount2 166",
        "#define __NR_set_mempolicy_home_node 450",
        "#endif",
    ];

    [Theory]
    [InlineData("sys_enter_read", 0)]
    [InlineData("sys_exit_kill", 62)]
    [InlineData("sys_enter_set_mempolicy_home_node", 450)]
    public void ATracepointNamedAfterItsSyscallHasTheHeadersNumber(string tracepoint, int number) =>
        Assert.Equal(number, SyscallNumbers.Parse(Header).NumberOf(tracepoint));

    [Theory]
    [InlineData("sys_enter_newstat", 4)]
    [InlineData("sys_exit_newuname", 63)]
    [InlineData("sys_enter_umount", 166)]
    public void ATracepointNamedAfterItsEntryPointHasTheNumberOfTheSyscallItServes(string tracepoint, int number) =>
        Assert.Equal(number, SyscallNumbers.Parse(Header).NumberOf(tracepoint));

    [Theory]
    [InlineData("sys_enter_stat")]
    [InlineData("sys_enter_uname")]
    [InlineData("sys_enter_umount2")]
    [InlineData("sys_enter_nosuchcall")]
    [InlineData("sys_enter")]
    [InlineData("sched_switch")]
    public void ANameTheKernelGivesNoSuchTracepointHasNoNumber(string tracepoint) =>
        Assert.Null(SyscallNumbers.Parse(Header).NumberOf(tracepoint));

    [Fact]
    public void SyscallsNewerThanTheHeaderAreKnown()
    {
        var numbers = SyscallNumbers.Parse(Header);

        Assert.Equal(451, numbers.NumberOf("sys_enter_cachestat"));
        Assert.Equal(469, numbers.NumberOf("sys_exit_file_setattr"));
    }

    [Fact]
    public void WithoutAHeaderNothingIsKnown() =>
        Assert.Null(SyscallNumbers.Parse([]).NumberOf("sys_enter_cachestat"));

    [Fact]
    public void TwoNamesForOneNumberLeaveBothUnknown()
    {
        var numbers = SyscallNumbers.Parse(["#define __NR_a 5", "#define __NR_b 5", "#define __NR_c 6"]);

        Assert.Null(numbers.NumberOf("sys_enter_a"));
        Assert.Null(numbers.NumberOf("sys_enter_b"));
        Assert.Equal(6, numbers.NumberOf("sys_enter_c"));
    }
}
