using SharpTrace.KernelTests.Support;
using SharpTrace.Kernel;

namespace SharpTrace.KernelTests.Kernel;

public class TracepointFormatTests : KernelTest
{
    internal static readonly TracepointField[] CommonFields =
    [
        new("common_type", "unsigned short", 0, 2, false, false, null),
        new("common_flags", "unsigned char", 2, 1, false, false, null),
        new("common_preempt_count", "unsigned char", 3, 1, false, false, null),
        new("common_pid", "int", 4, 4, true, false, null),
    ];

    internal static readonly TracepointField[] SchedSwitchFields =
    [
        new("prev_comm", "char", 8, 16, false, false, 16),
        new("prev_pid", "pid_t", 24, 4, true, false, null),
        new("prev_prio", "int", 28, 4, true, false, null),
        new("prev_state", "long", 32, 8, true, false, null),
        new("next_comm", "char", 40, 16, false, false, 16),
        new("next_pid", "pid_t", 56, 4, true, false, null),
        new("next_prio", "int", 60, 4, true, false, null),
    ];

    [Fact]
    public void ParsesFixedArraysAndSeparatesCommonFields()
    {
        var format = TracepointFormat.Parse(TracefsGolden.SchedSwitch);
        Assert.Equal("sched_switch", format.Name);
        Assert.Equal(372, format.Id);
        Assert.Equal(CommonFields, format.CommonFields);
        Assert.Equal(SchedSwitchFields, format.Fields);
    }

    [Fact]
    public void ParsesDataLocStrings()
    {
        var format = TracepointFormat.Parse(TracefsGolden.SchedProcessExec);
        Assert.Equal(
            [
                new TracepointField("filename", "char[]", 8, 4, false, true, null),
                new TracepointField("pid", "pid_t", 12, 4, true, false, null),
                new TracepointField("old_pid", "pid_t", 16, 4, true, false, null),
            ],
            format.Fields);
    }

    [Fact]
    public void ParsesPointersAndSyscallArguments()
    {
        var format = TracepointFormat.Parse(TracefsGolden.SysEnterOpenat);
        Assert.Equal(
            [
                new TracepointField("__syscall_nr", "int", 8, 4, true, false, null),
                new TracepointField("dfd", "int", 16, 8, false, false, null),
                new TracepointField("filename", "const char *", 24, 8, false, false, null),
                new TracepointField("flags", "int", 32, 8, false, false, null),
                new TracepointField("mode", "umode_t", 40, 8, false, false, null),
            ],
            format.Fields);
    }
}
