using SharpTrace.Semantics;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// ppid, leader_tid, leader_comm, has_cpid, cpid, strcap, strstr, str_concat, memcmp, container_of, reg and ctx in
/// kprobes and perf events: their types as the newest bpftrace's reference (docs/stdlib.md, its stdlib macros) gives
/// them, and their errors in its words (reg's checked against bpftrace 0.17, the others from the newest's source).
/// </summary>
public class StdlibBuiltinTests
{
    [Theory]
    [InlineData("ppid", "uint32")]
    [InlineData("ppid()", "uint32")]
    [InlineData("ppid(curtask->parent)", "uint32")]
    [InlineData("leader_tid", "uint32")]
    [InlineData("leader_tid(curtask)", "uint32")]
    [InlineData("leader_comm", "string")]
    [InlineData("leader_comm()", "string")]
    [InlineData("has_cpid", "bool")]
    [InlineData("has_cpid()", "bool")]
    [InlineData("cpid", "uint32")]
    [InlineData("""strcap("abc")""", "int64")]
    [InlineData("""strstr(comm, "sh")""", "int64")]
    [InlineData("""strstr(comm, str(arg0))""", "int64")]
    [InlineData("""str_concat(comm, "abc")""", "string")]
    [InlineData("""memcmp(comm, "abc", 3)""", "int32")]
    [InlineData("reg(\"ip\")", "uint64")]
    [InlineData("ctx->ip", "uint64")]
    [InlineData("container_of(curtask->parent, struct task_struct, parent)", "struct task_struct *")]
    public void HasTheReferencesType(string expression, string type)
    {
        var (program, diagnostics) = SemanticKit.Bind($"kprobe:f {{ @v = {expression}; }}");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.DoesNotContain(diagnostics, d => d.IsError);
        var assignment = Assert.IsType<BoundMapAssign>(Assert.Single(program.Probes[0].Body.Statements));
        Assert.Equal(type, assignment.Value.Type.ToString());
    }

    [Theory]
    [InlineData("leader_comm", 16)]
    [InlineData("""str_concat(comm, "abc")""", 20)]
    [InlineData("""str_concat("ab", curtask->comm)""", 19)]
    public void StringsHaveTheirCapacity(string expression, int capacity)
    {
        var (program, diagnostics) = SemanticKit.Bind($"kprobe:f {{ @v = {expression}; }}");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        var assignment = Assert.IsType<BoundMapAssign>(Assert.Single(program.Probes[0].Body.Statements));
        Assert.Equal(capacity, Assert.IsType<StringType>(assignment.Value.Type).Capacity);
    }

    [Theory]
    [InlineData("""strcap("abc")""", 4)]
    [InlineData("strcap(comm)", 16)]
    [InlineData("strcap(curtask->comm)", 16)]
    public void StrcapOfAStringOrArrayIsItsCapacity(string expression, long capacity)
    {
        var (program, diagnostics) = SemanticKit.Bind($"BEGIN {{ @v = {expression}; }}");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        var assignment = Assert.IsType<BoundMapAssign>(Assert.Single(program.Probes[0].Body.Statements));
        Assert.Equal(capacity, Assert.IsType<BoundIntegerLiteral>(assignment.Value).Value);
    }

    [Fact]
    public void HasCpidIsTrueOnlyWithAChildCommand()
    {
        static bool HasCpid(ProgramConfig? config)
        {
            var (program, _) = SemanticKit.Bind("BEGIN { @v = has_cpid; }", config);
            var assignment = Assert.IsType<BoundMapAssign>(Assert.Single(program!.Probes[0].Body.Statements));
            return Assert.IsType<BoundIntegerLiteral>(assignment.Value).Value == 1;
        }
        Assert.False(HasCpid(null));
        Assert.True(HasCpid(new ProgramConfig { ChildPid = 42 }));
    }

    [Fact]
    public void PpidLeaderTidAndLeaderCommReadTheTasksRelatives()
    {
        // The reference's macros: task.real_parent.pid, task.group_leader.pid, task.group_leader.comm.
        Assert.Equal(
            SemanticKit.Types("BEGIN { @a = (uint32)curtask->real_parent->pid; @b = (uint32)curtask->group_leader->pid; @c = curtask->group_leader->comm; }"),
            SemanticKit.Types("BEGIN { @a = ppid; @b = leader_tid; @c = leader_comm; }"));
    }

    [Theory]
    // assert_str's messages in the newest bpftrace's string library.
    [InlineData("""BEGIN { @v = ⟦strcap(1)⟧; }""", "string-like values must be either strings, arrays or pointers")]
    [InlineData("""BEGIN { @v = ⟦strstr(1, "a")⟧; }""", "string-like values must be either strings, arrays or pointers")]
    [InlineData("""BEGIN { @v = ⟦strstr(comm, curtask)⟧; }""", "string-like pointers must point to a char-like type")]
    [InlineData("""BEGIN { @v = ⟦str_concat(curtask->cpus_mask.bits, "a")⟧; }""", "string-like arrays must contain a char-like type")]
    [InlineData("""BEGIN { @v = ⟦strstr("a")⟧; }""", "strstr() requires 2 arguments (1 provided)")]
    [InlineData("""BEGIN { @v = ⟦str_concat("a")⟧; }""", "str_concat() requires 2 arguments (1 provided)")]
    [InlineData("""BEGIN { @v = ⟦memcmp("a", "b")⟧; }""", "memcmp() requires 3 arguments (2 provided)")]
    // The newest bpftrace's memcmp macro casts the length, (uint64)count (src/stdlib/internal.bt): a string is that cast's error.
    [InlineData("""BEGIN { @v = ⟦memcmp("a", "b", "c")⟧; }""", "Cannot cast from \"string[2]\" to \"uint64\"")]
    [InlineData("""BEGIN { @v = ⟦has_cpid(1)⟧; }""", "has_cpid() requires no arguments (1 provided)")]
    [InlineData("""BEGIN { @v = ⟦ppid(1, 2)⟧; }""", "ppid() takes up to one argument (2 provided)")]
    // bpftrace 0.17's messages for reg.
    [InlineData("""BEGIN { @v = ⟦reg("ip")⟧; }""", "reg can not be used with \"begin\" probes")]
    [InlineData("""tracepoint:syscalls:sys_enter_openat { @v = ⟦reg("ip")⟧; }""", "reg can not be used with \"tracepoint\" probes")]
    [InlineData("""kprobe:f { @v = ⟦reg(1)⟧; }""", "reg() expects a string literal (int provided)")]
    [InlineData("""kprobe:f { $r = "ip"; @v = ⟦reg($r)⟧; }""", "reg() expects a string literal (string provided)")]
    [InlineData("""kprobe:f { @v = ⟦reg("foo")⟧; }""", "'foo' is not a valid register on this architecture (x86_64)")]
    [InlineData("""kprobe:f { @v = ⟦reg()⟧; }""", "reg() requires one argument (0 provided)")]
    // The newest bpftrace's ctx errors (src/ast/passes/builtins.cpp); 0.17 says the same for tracepoints.
    [InlineData("""tracepoint:syscalls:sys_enter_openat { @v = ⟦ctx⟧; }""", "Use args instead of ctx in tracepoint")]
    [InlineData("""kprobe:f { @v = ⟦ctx->nosuch⟧; }""", "Struct/union of type 'struct pt_regs' does not contain a field named 'nosuch'")]
    // container_of's own words: the reference's macro fails inside offsetof and the cast instead.
    [InlineData("""kprobe:f { @v = container_of(curtask, ⟦1⟧, comm); }""", "container_of() expects a struct or union type as its second argument")]
    [InlineData("""kprobe:f { @v = container_of(curtask, struct task_struct, ⟦1⟧); }""", "container_of() expects a member name as its third argument")]
    [InlineData("""kprobe:f { @v = ⟦struct task_struct⟧; }""", "A type (struct task_struct) is not a value: only container_of() takes one as an argument")]
    public void MisusesAreErrorsInTheReferencesWords(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    // The newest bpftrace's memcmp macro casts the length, (uint64)count: a bool is cast, not refused.
    [Fact]
    public void MemcmpsLengthIsCastToAUint64AsTheNewestsMacroCastsIt()
    {
        var types = SemanticKit.Types("BEGIN { @v = memcmp(\"a\", \"b\", true); }");

        Assert.Contains("    Cast :: uint64\n     Boolean true :: bool\n", types, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kprobe:f { @v = ctx->si; }", "struct pt_regs *")]
    [InlineData("profile:hz:99 { @v = ctx->sample_period; }", "struct bpf_perf_event_data *")]
    [InlineData("software:cpu-clock:1000 { @v = ctx->addr; }", "struct bpf_perf_event_data *")]
    public void CtxIsTheProgramTypesContext(string script, string pointer)
    {
        var types = SemanticKit.Types(script.Replace("@v = ", "$c = ctx; @v = ", StringComparison.Ordinal));
        Assert.Contains("Ctx :: " + pointer, types, StringComparison.Ordinal);
        Assert.Contains("ContextArgument", types, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("interval:s:$1", "interval:s:2")]
    [InlineData("tracepoint:syscalls:$2", "tracepoint:syscalls:sys_enter_openat")]
    [InlineData("tracepoint:syscalls:sys_$3_openat", "tracepoint:syscalls:sys_enter_openat")]
    [InlineData("tracepoint:syscalls:\"sys_\"$3\"_openat\"", "tracepoint:syscalls:sys_enter_openat")]
    [InlineData("interval:ms:1$4", "interval:ms:1")]
    public void PositionalParametersAreTextInAttachPoints(string point, string name)
    {
        var (program, diagnostics) = SemanticKit.Bind(point + " { }", new ProgramConfig { PositionalParameters = ["2", "sys_enter_openat", "enter"] });
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal(name, Assert.Single(program.Probes[0].AttachPoints).ToString());
    }

    [Theory]
    // Neither bpftrace reads $# in an attach point (0.17: "Not a positional parameter"); these are the newest's words.
    [InlineData("⟦interval:ms:$#⟧ { }", "invalid trailing character for positional param: #. Try quoting this entire part if this is intentional e.g. \"$#\".")]
    [InlineData("⟦interval:ms:$0⟧ { }", "invalid trailing character for positional param: 0. Try quoting this entire part if this is intentional e.g. \"$0\".")]
    [InlineData("⟦uprobe:/bin/bash:$a⟧ { }", "invalid trailing character for positional param: a. Try quoting this entire part if this is intentional e.g. \"$a\".")]
    public void OnlyDollarAndANumberIsAParameterInAnAttachPoint(string script, string message) =>
        SemanticKit.AssertDiagnostics(script, new ProgramConfig { PositionalParameters = ["2"] }, message);

    [Fact]
    public void AQuotedDollarInAnAttachPointIsText()
    {
        // bpftrace's parser test: uprobe:"$1":$2 is uprobe:$1:bar. A missing binary named "$1" is then the error.
        SemanticKit.AssertDiagnostics("⟦uprobe:\"$1\":$2⟧ { }", new ProgramConfig { PositionalParameters = ["foo", "bar"] },
            "uprobe target file '$1' does not exist or is not executable");
    }
}
