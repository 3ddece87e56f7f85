using SharpTrace.Builtins;
using SharpTrace.Output;
using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// errorf, warnf, exit(code), signal, signal_thread and the builtins this kernel refuses (override, path outside iter probes, skboutput,
/// write_user): their types and every error. Messages marked 0.17 were produced by bpftrace 0.17 for the same script;
/// the others are the newest reference's (its stdlib macros and passes), for what 0.17 lacks.
/// </summary>
public class EffectsTests
{
    private const string Tp = "tracepoint:syscalls:sys_enter_openat";
    private static readonly ProgramConfig Unsafe = new() { Unsafe = true };

    [Fact]
    public void ErrorfAndWarnfAreFormattedActionsThatKnowTheCallsPlace()
    {
        var (program, diagnostics) = SemanticKit.Bind("""BEGIN { errorf("Something bad with args: %d, %s", 10, "arg2"); warnf("w %d", 1); }""");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        var messages = program.Actions.OfType<ScriptMessageAction>().ToList();
        Assert.Equal(["errorf", "warnf"], messages.Select(m => m.Kind));
        // The reference's example: "stdin:1:9-62: ERROR: Something bad with args: 10, arg2".
        Assert.Equal("stdin:1:9-62", messages[0].Location.ToString());
        Assert.Equal((1, 9), (messages[0].Location.Line, messages[0].Location.Column));
        Assert.Equal(2, messages[0].ArgumentTypes.Count);
    }

    [Fact]
    public void ScriptMessagesPrintAsBpftracePrintsThem()
    {
        var error = new ScriptMessage(true, "Something bad with args: 10, arg2", "stdin", 1, 9, "stdin:1:9-62");
        Assert.Equal("stdin:1:9-62: ERROR: Something bad with args: 10, arg2", error.Format());
        Assert.Equal("a.bt:2:3-9: WARNING: w", new ScriptMessage(false, "w\n", "a.bt", 2, 3, "a.bt:2:3-9").Format());

        var json = new StringWriter();
        new JsonOutputWriter(json).ScriptMessage(error with { Text = "say \"hi\"" });
        // bpftrace's record (src/output/json.cpp): no "data", the text in "msg", the place in filename, line and col.
        Assert.Equal("{\"type\": \"errorf\", \"msg\": \"say \\\"hi\\\"\", \"filename\": \"stdin\", \"line\": 1, \"col\": 9}\n", json.ToString());
    }

    [Theory]
    [InlineData("""BEGIN { ⟦errorf()⟧; }""", "errorf() requires at least one argument (0 provided)")]
    [InlineData("""BEGIN { ⟦warnf(1)⟧; }""", "warnf() expects a string literal (int provided)")]
    [InlineData("""BEGIN { $x = ⟦errorf("a")⟧; }""", "errorf() should not be used in an assignment or as a map key")]
    [InlineData("""BEGIN { ⟦errorf("%d", "a")⟧; }""", "errorf: %d specifier expects a value of type integer (string supplied)")]
    public void ErrorfAndWarnfMisuses(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void ExitWithACodeSendsItInItsRecord()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { if (pid > 1) { exit(3); } exit(); } END { exit(pid); }");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        var exits = program.Actions.OfType<ExitAction>().ToList();
        Assert.Equal([true, false], exits.Select(e => e.HasCode));
        Assert.Equal(16, exits[0].Layout.Size);
    }

    [Theory]
    [InlineData("""BEGIN { ⟦exit("a")⟧; }""", "exit() only supports int arguments (string provided)")]
    [InlineData("""BEGIN { ⟦exit(1, 2)⟧; }""", "exit() takes up to one argument (2 provided)")]
    public void ExitMisuses(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void SignalNamesAndNumbersAreCheckedWhenCompiling()
    {
        var (program, diagnostics) = SemanticKit.Bind($$"""{{Tp}} { signal("SIGUSR1"); signal("usr2"); signal(9); signal_thread("KILL"); signal(pid); }""", Unsafe);
        Assert.True(program is not null, string.Join('\n', diagnostics));
        // Each call has a warnf for the kernel's refusal; signal(pid) also an errorf for a number out of range.
        var messages = program.Actions.OfType<ScriptMessageAction>().ToList();
        Assert.Equal(6, messages.Count);
        Assert.Equal("signal() expects an integer between 1 and 64 (inclusive). Got %d", messages.Single(m => m.IsError).Format);
        Assert.Equal([10, 12, 9, 1, 19, null], new[] { "SIGUSR1", "usr2", "SIGKILL", "hup", "sigstop", "SIGNOPE" }.Select(Signal.NumberOf));
    }

    // Messages: bpftrace 0.17 (bpftrace --unsafe for all but the first).
    [Theory]
    [InlineData("BEGIN { ⟦signal(1)⟧; }", false, "signal() is an unsafe function being used in safe mode")]
    [InlineData("BEGIN { ⟦signal(1)⟧; }", true, "signal can not be used with \"begin\" probes")]
    [InlineData("interval:s:1 { ⟦signal(1)⟧; }", true, "signal can not be used with \"interval\" probes")]
    [InlineData(Tp + """ { ⟦signal("SIGFOO")⟧; }""", true, "SIGFOO is not a valid signal")]
    [InlineData(Tp + " { ⟦signal(100)⟧; }", true, "100 is not a valid signal, allowed range: [1,64]")]
    [InlineData(Tp + " { ⟦signal(0)⟧; }", true, "0 is not a valid signal, allowed range: [1,64]")]
    [InlineData(Tp + " { ⟦signal(comm)⟧; }", true, "signal only accepts string literals or integers")]
    [InlineData(Tp + " { ⟦signal()⟧; }", true, "signal() requires one argument (0 provided)")]
    [InlineData(Tp + " { $x = ⟦signal(1)⟧; }", true, "signal() should not be used in an assignment or as a map key")]
    [InlineData(Tp + " { ⟦signal_thread(1)⟧; }", false, "signal_thread() is an unsafe function being used in safe mode")]
    public void SignalMisuses(string annotated, bool @unsafe, string message) =>
        SemanticKit.AssertDiagnostics(annotated, @unsafe ? Unsafe : new ProgramConfig(), message);

    // override: bpftrace 0.17's words for the checks it has; the others are the newest reference's, then the reason
    // this kernel cannot run it.
    [Theory]
    [InlineData("BEGIN { ⟦override(1)⟧; }", false, "override() is an unsafe function being used in safe mode")]
    [InlineData("BEGIN { ⟦override(1)⟧; }", true, "override can only be used with kprobes.")]
    [InlineData("""kprobe:vfs_read { ⟦override("a")⟧; }""", true, "override() only supports int arguments (string provided)")]
    [InlineData("kprobe:vfs_read { ⟦override(1)⟧; }", true, "override() is not available here: bpf_override_return runs only in kprobe programs, and this kernel cannot attach kprobes")]
    [InlineData("BEGIN { $x = ⟦path(1)⟧; }", true, "The path function can only be used with 'fentry', 'fexit', 'iter' probes")]
    [InlineData("BEGIN { $x = ⟦path()⟧; }", true, "path() requires at least one argument (0 provided)")]
    [InlineData("fentry:vfs_open { $x = ⟦path(args.path, $y)⟧; }", true, "path: invalid size value, need non-negative literal")]
    // path() runs in iter probes now: the newest bpftrace's type check remains (fentry itself fails when the run starts).
    [InlineData("fentry:vfs_open { $x = ⟦path(0)⟧; }", true, "path() only supports pointer or C type argument (int provided)")]
    [InlineData("""BEGIN { $x = ⟦skboutput("a", 1, 2)⟧; }""", true, "skboutput() requires 4 arguments (3 provided)")]
    [InlineData("""BEGIN { $x = ⟦skboutput("a", 1, 2, 0)⟧; }""", true, "skboutput() is not available here: bpf_skb_output needs the sk_buff of an fentry or fexit program, which this kernel refuses (BPF trampolines are refused)")]
    [InlineData("""BEGIN { $x = ⟦write_user(1, 2, 3)⟧; }""", false, "write_user() is unsafe. To use you need the --unsafe flag")]
    [InlineData("""BEGIN { $x = ⟦write_user(1, 2, 3)⟧; }""", true, "write_user() is not available here: this kernel refuses programs that call bpf_probe_write_user")]
    [InlineData("BEGIN { ⟦unwatch(1)⟧; }", false, "unwatch() is not available: it removes the watchpoints of asyncwatchpoint probes, which the newest bpftrace removed (a watchpoint probe watches until the run ends)")]
    [InlineData("BEGIN { ⟦unwatch()⟧; }", false, "unwatch() requires one argument (0 provided)")]
    public void RefusedBuiltinsSayWhy(string annotated, bool @unsafe, string message) =>
        SemanticKit.AssertDiagnostics(annotated, @unsafe ? Unsafe : new ProgramConfig(), message);
}
