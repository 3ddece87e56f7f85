using SharpTrace.KernelTests.Support;
using SharpTrace.Kernel;

namespace SharpTrace.KernelTests.Kernel;

public class ObjectNameTests : KernelTest
{
    [Theory]
    [InlineData("@x", "_x")]
    [InlineData("tracepoint:syscalls:sys_enter_openat", "tracepoint_sysc")]
    [InlineData("ok.name_1", "ok.name_1")]
    [InlineData("", "")]
    public void SanitizesToFifteenKernelNameCharacters(string name, string expected) =>
        Assert.Equal(expected, ObjectName.Sanitize(name));

    [Theory]
    [InlineData("0-1", 2)]
    [InlineData("0", 1)]
    [InlineData("0-3,8-9\n", 6)]
    public void CountsCpusInAKernelCpuList(string list, int count) => Assert.Equal(count, BpfMap.ParseCpuList(list));
}
