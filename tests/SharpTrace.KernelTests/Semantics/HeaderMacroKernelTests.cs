using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>Macros from <c>#include</c>d headers (and the kernel-internal fallback table) in real traces.</summary>
[Trait("Category", "Kernel")]
public sealed class HeaderMacroKernelTests : KernelTest
{
    [Fact]
    public async Task AddressFamiliesFromSysSocketFilterSocketCallsAsInBpftrace()
    {
        // tests/programs/sockets.c makes one AF_INET, two AF_INET6 and three AF_UNIX sockets.
        var script = Path.Combine(Path.GetTempPath(), $"sharptrace-sockets-{Guid.NewGuid():N}.bt");
        await File.WriteAllTextAsync(script, """
            #include <sys/socket.h>
            tracepoint:syscalls:sys_enter_socket /pid == cpid && args->family == AF_INET/ { @inet = count(); }
            tracepoint:syscalls:sys_enter_socket /pid == cpid && args->family == AF_INET6/ { @inet6 = count(); }
            tracepoint:syscalls:sys_enter_socket /pid == cpid && args->family == AF_UNIX/ { @unix = count(); }
            """);
        try
        {
            var expected = await BpftraceRun.RunAsync([script, "-c", TestPrograms.PathOf("sockets")]);
            var actual = await SharpTraceRun.RunAsync(["-q", script, "-c", TestPrograms.PathOf("sockets")]);

            Assert.Equal((0, "\n\n@inet: 1\n@inet6: 2\n@unix: 3\n"), (expected.ExitCode, expected.Stdout));
            Assert.Equal((0, expected.Stdout, ""), (actual.ExitCode, actual.Stdout, actual.Stderr));
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task TaskStatesFromTheFallbackTableMatchTheKernels()
    {
        // The installed linux/sched.h is the UAPI one: TASK_INTERRUPTIBLE comes from the fallback table. A sleeping
        // `sleep` is switched out in that state, as the kernel's own prev_state says.
        var result = await SharpTraceRun.RunAsync(["-q", "-e", """
            #include <linux/sched.h>
            tracepoint:sched:sched_switch /args.prev_pid == cpid && args.prev_state == TASK_INTERRUPTIBLE/ { @sleeping = count(); }
            """, "-c", "sleep 0.2"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"\n@sleeping: [1-9]\d*\n$", result.Stdout);
    }

    [Fact]
    public async Task MacrosOfHeadersInAnIncludeDirectoryAndOfIncludeFilesArePrinted()
    {
        var directory = Directory.CreateTempSubdirectory("sharptrace-headers-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "limits_of_test.h"), "#include \"nested.h\"\n#define LIMIT (BASE << 2)\n");
            await File.WriteAllTextAsync(Path.Combine(directory, "nested.h"), "#define BASE 5\n");
            await File.WriteAllTextAsync(Path.Combine(directory, "extra.h"), "#define EXTRA 0x10\n");
            var result = await SharpTraceRun.RunAsync(["-q", "-I", directory, "--include", "extra.h", "-e",
                "#include <limits_of_test.h>\nBEGIN { printf(\"%d %d %d\\n\", LIMIT, BASE, EXTRA); exit(); }"]);

            Assert.Equal((0, "20 5 16\n", ""), (result.ExitCode, result.Stdout, result.Stderr));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static TheoryData<string> ToolsUsingHeaderMacros() =>
        ["tcpdrop.bt", "runqlat.bt", "tcpconnect.bt", "tcpaccept.bt", "tcplife.bt", "tcpretrans.bt", "runqlen.bt", "naptime.bt"];

    [Theory]
    [MemberData(nameof(ToolsUsingHeaderMacros))]
    public async Task ToolScriptsResolveTheirHeaderIdentifiers(string tool)
    {
        var result = await SharpTraceRun.RunAsync(["-d", "types", Path.Combine("/usr/sbin", tool)]);

        Assert.DoesNotContain("Unknown identifier", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("file not found", result.Stderr, StringComparison.Ordinal);
        // Whatever is still unsupported in the tool is reported as a script error, never as a crash.
        Assert.True(result.ExitCode == 0 || result.Stderr.Contains("ERROR: ", StringComparison.Ordinal), result.Stderr);
    }
}
