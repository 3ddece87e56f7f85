using System.Diagnostics;
using System.Globalization;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// cgroupid of a cgroup the test creates (against the directory's inode and bpftrace 0.17), syscall_name of a traced
/// openat, signal_name of a signal the test sends, and pton and username against bpftrace 0.17; in text and JSON.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class AddressBuiltinTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task CgroupidIsTheCgroupOfAProcessMovedIntoItAsBpftraceSays()
    {
        var directory = Path.Combine(CgroupV2Mount(), "sharptrace-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            var inode = StatInode(directory);
            var script = $$"""tracepoint:syscalls:sys_enter_openat /cgroup == cgroupid("{{directory}}")/ { printf("%llu %s\n", cgroup, comm); exit(); }""";
            using var bpftrace = BpftraceRun.Start(["-e", script]);
            var expected = await OpenInCgroupAsync(bpftrace, directory);
            using var sharptrace = SharpTraceRun.Start(["-e", script]);
            var actual = await OpenInCgroupAsync(sharptrace, directory);
            using var json = SharpTraceRun.Start(["-f", "json", "-e", script.Replace("printf(\"%llu %s\\n\", cgroup, comm);", "@[cgroup, comm] = 1;", StringComparison.Ordinal)]);
            var jsonResult = await OpenInCgroupAsync(json, directory);

            // bpftrace 0.17 ends with two newlines even when it prints no map; SharpTrace does not (docs/differences.md).
            Assert.Equal($"{inode} opener\n\n\n", expected.Stdout);
            Assert.Equal((0, $"{inode} opener\n"), (actual.ExitCode, actual.Stdout));
            Assert.Equal(["{\"type\": \"map\", \"data\": {\"@\": {\"" + inode + ",opener\": 1}}}"],
                JsonLines.NonEmpty(jsonResult.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public async Task SyscallNameOfATracedOpenatIsOpenat()
    {
        const string Script = """
            tracepoint:syscalls:sys_enter_openat /comm == "opener"/ { printf("%s\n", syscall_name(args->__syscall_nr)); @s = syscall_name(args->__syscall_nr); exit(); }
            """;
        using var text = SharpTraceRun.Start(["-e", Script]);
        await text.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", "/nonexistent/sharptrace-syscall");
        var textResult = await text.WaitForExitAsync(Bound);
        using var json = SharpTraceRun.Start(["-f", "json", "-e", Script]);
        await json.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", "/nonexistent/sharptrace-syscall");
        var jsonResult = await json.WaitForExitAsync(Bound);

        Assert.Equal((0, "openat\n\n\n@s: openat\n"), (textResult.ExitCode, textResult.Stdout));
        Assert.Equal(["""{"type": "printf", "data": "openat\n"}""", """{"type": "map", "data": {"@s": "openat"}}"""],
            JsonLines.NonEmpty(jsonResult.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }

    [Theory]
    // SIGUSR1 is 10 and SIGTERM 15 on Linux; the texts are strsignal(3)'s.
    [InlineData("text", "USR1", "User defined signal 1|10\n\n\n@s: User defined signal 1\n")]
    [InlineData("json", "TERM", "{\"type\": \"printf\", \"data\": \"Terminated|15\\n\"}\n{\"type\": \"map\", \"data\": {\"@s\": \"Terminated\"}}\n")]
    public async Task SignalNameOfASignalTheTestSends(string format, string signal, string output)
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            const string Script = """
                tracepoint:signal:signal_generate /args->pid == $1/ { printf("%s|%d\n", signal_name(args->sig), args->sig); @s = signal_name(args->sig); exit(); }
                """;
            using var tool = SharpTraceRun.Start(["-f", format, "-e", Script, sleeper.Id.ToString(CultureInfo.InvariantCulture)]);
            await tool.WaitForAttachedAsync(Bound);
            await SendAsync("-" + signal, sleeper.Id);
            var result = await tool.WaitForExitAsync(Bound);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal(output, format == "text"
                ? result.Stdout
                : string.Concat(JsonLines.NonEmpty(result.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)).Select(l => l + "\n")));
        }
        finally
        {
            if (!sleeper.HasExited)
                sleeper.Kill();
        }
    }

    [Fact]
    public async Task PtonAndUsernamePrintAsBpftracePrintsThem()
    {
        const string Script = """
            BEGIN { printf("%s\n", username); @u = username; @a = pton("127.0.0.1"); @b[pton("::1")] = 1; exit(); }
            """;
        foreach (var format in new[] { "text", "json" })
        {
            var expected = await BpftraceRun.RunAsync(["-f", format, "-e", Script]);
            var actual = await SharpTraceRun.RunAsync(["-f", format, "-e", Script]);

            Assert.Equal(0, actual.ExitCode);
            Assert.Equal(JsonLines.NonEmpty(expected.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)),
                JsonLines.NonEmpty(actual.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task UsernameTCastOfAUidPrintsThatUsersName()
    {
        // The newest bpftrace (tests/type_checker.cpp cast_username) casts any integer to username_t and prints it as
        // the first /etc/passwd name with that uid, an empty string for a uid no line has (BPFtrace::resolve_uid):
        // uid 0 is root, 65534 nobody here; 4242 has no user. bpftrace 0.17 has no username_t.
        Assert.DoesNotContain(File.ReadLines("/etc/passwd"), l => l.Split(':') is [_, _, "4242", ..]);
        Assert.Contains("nobody:x:65534:", File.ReadAllText("/etc/passwd"), StringComparison.Ordinal);
        const string Script = """
            begin { $n = (username_t)0; printf("%s|%s|%s|\n", $n, (username_t)65534, (username_t)4242); print((username_t)(uint32)0);
              @u[(username_t)(uint16)65534] = (username_t)0; exit(); }
            """;
        var text = await SharpTraceRun.RunAsync(["-e", Script]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", Script]);

        Assert.Equal((0, "root|nobody||\nroot\n\n\n@u[nobody]: root\n"), (text.ExitCode, text.Stdout));
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(["{\"type\": \"printf\", \"data\": \"root|nobody||\\n\"}", "{\"type\": \"value\", \"data\": \"root\"}",
            "{\"type\": \"map\", \"data\": {\"@u\": {\"nobody\": \"root\"}}}"],
            JsonLines.NonEmpty(json.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }

    private static async Task<RunResult> OpenInCgroupAsync(TracerProcess tool, string cgroup)
    {
        await tool.WaitForAttachedAsync(Bound);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var arg in new[] { "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$1\" /nonexistent/sharptrace-cgroup", cgroup, TestPrograms.PathOf("opener") })
            start.ArgumentList.Add(arg);
        using (var shell = Process.Start(start)!)
            await shell.WaitForExitAsync();
        return await tool.WaitForExitAsync(Bound);
    }

    private static async Task SendAsync(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Where the cgroup v2 hierarchy is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified beside v1).</summary>
    private static string CgroupV2Mount() =>
        File.ReadLines("/proc/mounts").Select(l => l.Split(' ')).First(f => f[2] == "cgroup2")[1];

    /// <summary>The directory's inode number as stat(1) reports it: the kernel's id of a cgroup v2 directory.</summary>
    private static ulong StatInode(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return ulong.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }
}
