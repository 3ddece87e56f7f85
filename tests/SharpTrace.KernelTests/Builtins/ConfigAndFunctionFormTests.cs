using System.Globalization;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// config.NAME and the function forms of builtin variables (jiffies(), ncpus(), username()…), read when the test
/// itself opens a missing file: checked against the config block and environment the test gives, the test's own pid,
/// user and the possible CPUs in /sys, in text and JSON.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ConfigAndFunctionFormTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private const string Path = "/nonexistent/sharptrace-function-forms";

    private static string Script => $$"""
        config = { max_strlen = 48; log_size = 77; stack_mode = perf }
        tracepoint:syscalls:sys_enter_openat /pid() == {{Environment.ProcessId}} && str(args->filename) == "{{Path}}"/ {
          printf("%d %d %s %s|%d %d %d %s %d %d\n", config.max_strlen, config.log_size, config.stack_mode, config.missing_probes,
            pid(), tid() > 0, ncpus(), username(), jiffies() > 0, numaid() == numaid);
          @cfg = (config.max_map_keys, config.license); @who[username(), pid()] = ncpus();
          exit();
        }
        """;

    [Fact]
    public async Task TextHasTheConfigAndTheFunctionsValues()
    {
        var result = await TraceOpenAsync([], new Dictionary<string, string> { ["BPFTRACE_MAX_MAP_KEYS"] = "1234" });

        Assert.Equal(0, result.ExitCode);
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(
            $"48 77 perf error|{pid} 1 {PossibleCpus()} {Environment.UserName} 1 1\n\n\n@cfg: (1234, GPL)\n@who[{Environment.UserName}, {pid}]: {PossibleCpus()}\n",
            result.Stdout);
    }

    [Fact]
    public async Task JsonHasTheConfigAndTheFunctionsValues()
    {
        var result = await TraceOpenAsync(["-f", "json"], new Dictionary<string, string>());

        Assert.Equal(0, result.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(result.Stdout);
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(
        [
            $$"""{"type": "printf", "data": "48 77 perf error|{{pid}} 1 {{PossibleCpus()}} {{Environment.UserName}} 1 1\n"}""",
            """{"type": "map", "data": {"@cfg": [4096,"GPL"]}}""",
            "{\"type\": \"map\", \"data\": {\"@who\": {\"" + Environment.UserName + "," + pid + "\": " + PossibleCpus() + "}}}",
        ], JsonLines.NonEmpty(result.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }

    private static async Task<RunResult> TraceOpenAsync(string[] format, IReadOnlyDictionary<string, string> environment)
    {
        using var sharptrace = SharpTraceRun.Start([.. format, "-e", Script], environment);
        await sharptrace.WaitForAttachedAsync(Bound);
        try
        {
            using var _ = File.OpenRead(Path);
        }
        catch (DirectoryNotFoundException)
        {
            // the open the probe sees
        }
        return await sharptrace.WaitForExitAsync(Bound);
    }

    private static int PossibleCpus() =>
        File.ReadAllText("/sys/devices/system/cpu/possible").Trim().Split(',')
            .Sum(range => range.Split('-') is [var first, var last] ? int.Parse(last, CultureInfo.InvariantCulture) - int.Parse(first, CultureInfo.InvariantCulture) + 1 : 1);
}
