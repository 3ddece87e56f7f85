using SharpTrace.KernelTests.Support;
using SharpTrace.Kernel;

namespace SharpTrace.KernelTests.Kernel;

[Trait("Category", "Kernel")]
public class TracefsTests : KernelTest
{
    [Fact]
    public void FindsTheMountedTracefs() => Assert.Equal("/sys/kernel/tracing", Tracefs.EnsureMounted());

    [Fact]
    public void EventIdMatchesTheIdFile()
    {
        var tracefs = Tracefs.Open();
        var expected = int.Parse(File.ReadAllText("/sys/kernel/tracing/events/syscalls/sys_enter_getpid/id"));
        Assert.Equal(expected, tracefs.GetEventId("syscalls", "sys_enter_getpid"));
    }

    [Fact]
    public void RealSchedSwitchFormatMatchesTheGolden()
    {
        var format = Tracefs.Open().ReadFormat("sched", "sched_switch");
        Assert.Equal(TracepointFormatTests.CommonFields, format.CommonFields);
        Assert.Equal(TracepointFormatTests.SchedSwitchFields, format.Fields);
        Assert.Equal(TracefsGolden.SchedSwitch.TrimEnd(),
            File.ReadAllText("/sys/kernel/tracing/events/sched/sched_switch/format").TrimEnd());
    }

    [Fact]
    public void EveryListedFormatParses()
    {
        var tracefs = Tracefs.Open();
        var events = tracefs.ListEvents().ToList();
        Assert.Contains(("syscalls", "sys_enter_getpid"), events);
        foreach (var (category, name) in events)
        {
            var format = tracefs.ReadFormat(category, name);
            Assert.Equal(name, format.Name);
            Assert.Equal(4, format.CommonFields.Count);
            Assert.All(format.Fields, f => Assert.Matches("^[A-Za-z_][A-Za-z0-9_]*$", f.Name));
        }
    }

    [Fact]
    public void MissingTracepointSaysWhichOne()
    {
        var error = Assert.Throws<KernelException>(() => Tracefs.Open().GetEventId("nosuch", "event"));
        Assert.Equal("find tracepoint nosuch:event: no such file or directory", error.Message);
    }
}
