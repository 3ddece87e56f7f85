using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Probes;

/// <summary>A machine with one tracepoint (syscalls:sys_enter_getpid) and a few raw tracepoints, for tests without tracefs.</summary>
internal sealed class FakeTracepoints : ITracepointCatalog
{
    private static readonly TracepointFormat GetPid = TracepointFormat.Parse("""
        name: sys_enter_getpid
        ID: 1
        format:
        	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
        	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
        	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
        	field:int common_pid;	offset:4;	size:4;	signed:1;

        	field:int __syscall_nr;	offset:8;	size:4;	signed:1;

        print fmt: ""
        """);

    public IEnumerable<(string Category, string Name)> List() => [("syscalls", "sys_enter_getpid")];

    public TracepointFormat? Format(string category, string name) =>
        (category, name) == ("syscalls", "sys_enter_getpid") ? GetPid : null;

    public IEnumerable<string> RawTracepoints() => ["sched_switch", "sched_wakeup", "sys_enter", "sys_exit"];

    public IEnumerable<string> Iterators() => ["task", "task_file", "task_vma"];
}
