using System.Diagnostics;
using System.Text;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Cli;

/// <summary>
/// Strings are bytes: a <c>comm</c>, a literal's <c>\xNN</c> escape or a raw byte in a script file that is not UTF-8
/// is printed byte for byte in text output, as bpftrace prints it (it used to become U+FFFD, three other bytes).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ByteStringTests : KernelTest
{
    private static string TempPath(string suffix) => Path.Combine(Path.GetTempPath(), $"sharptrace-bytes-{Guid.NewGuid():N}{suffix}");

    // A script file with \xff and \xfe escapes, a raw 0xfe byte in a literal, and valid UTF-8 (é) beside them.
    private static string WriteScript()
    {
        var path = TempPath(".bt");
        var script = new List<byte>();
        script.AddRange(Encoding.ASCII.GetBytes("BEGIN { printf(\"a\\xffb\\x41\\xc3\\xa9|\\n\"); @s = \"x"));
        script.Add(0xfe);
        script.AddRange(Encoding.ASCII.GetBytes("y\"; printf(\"%s|\\n\", @s); exit(); }"));
        File.WriteAllBytes(path, script.ToArray());
        return path;
    }

    private static async Task<byte[]> OutputOfAsync(Func<string[], Task<RunResult>> run, string[] args)
    {
        var output = TempPath(".out");
        try
        {
            var result = await run(["-o", output, .. args]);
            Assert.True(result.ExitCode == 0, result.Stderr);
            return File.ReadAllBytes(output);
        }
        finally
        {
            File.Delete(output);
        }
    }

    // The lines that end in '|' (the script's printf lines), bytes intact.
    private static byte[][] MarkedLines(byte[] output)
    {
        var lines = new List<byte[]>();
        foreach (var range in output.AsSpan().Split((byte)'\n'))
            if (output[range] is [.., (byte)'|'] line)
                lines.Add(line);
        return [.. lines];
    }

    [Fact]
    public async Task EscapesAndRawBytesInLiteralsPrintAsTheBytesTheyNameAsInBpftrace()
    {
        var script = WriteScript();
        try
        {
            var expected = MarkedLines(await OutputOfAsync(a => BpftraceRun.RunAsync(a), [script]));
            var actual = MarkedLines(await OutputOfAsync(a => SharpTraceRun.RunAsync(a), [script]));

            byte[][] bytes = [[(byte)'a', 0xff, (byte)'b', (byte)'A', 0xc3, 0xa9, (byte)'|'], [(byte)'x', 0xfe, (byte)'y', (byte)'|']];
            Assert.Equal(bytes, expected);
            Assert.Equal(bytes, actual);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task JsonPrintsBytesThatAreNotUtf8AsReplacementCharactersKeepingTheOutputValidJson()
    {
        // bpftrace (0.17 and the newest) writes every byte above 0x7f, even valid UTF-8, as "\uffffffXX", which is not
        // JSON; SharpTrace keeps valid UTF-8 and writes U+FFFD for the bytes that are not (docs/differences.md).
        var script = WriteScript();
        try
        {
            var output = await OutputOfAsync(a => SharpTraceRun.RunAsync(a), ["-f", "json", script]);
            var texts = Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
                .Where(record => record.GetProperty("type").GetString() == "printf")
                .Select(record => record.GetProperty("data").GetString()).ToList();
            Assert.Equal(["a\uFFFDbA\u00e9|\n", "x\uFFFDy|\n"], texts);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task ACommThatIsNotUtf8PrintsByteForByteAsInBpftrace()
    {
        // A copy of sleep named "sl\xffep": its comm is those bytes. The filter compares comm with a \xff escape.
        var folder = Directory.CreateTempSubdirectory("sharptrace-bytes-");
        using var sleeper = StartShell($"cp /bin/sleep \"{folder.FullName}/$(printf 'sl\\377ep')\" && while :; do \"{folder.FullName}/$(printf 'sl\\377ep')\" 0.02; done");
        try
        {
            const string Program = "tracepoint:syscalls:sys_enter_clock_nanosleep /comm == \"sl\\xffep\"/ { printf(\"%s|\\n\", comm); exit(); }";
            var expected = MarkedLines(await OutputOfAsync(a => BpftraceRun.RunAsync(a), ["-e", Program]));
            var actual = MarkedLines(await OutputOfAsync(a => SharpTraceRun.RunAsync(a), ["-e", Program]));

            byte[][] bytes = [[(byte)'s', (byte)'l', 0xff, (byte)'e', (byte)'p', (byte)'|']];
            Assert.Equal(bytes, expected);
            Assert.Equal(bytes, actual);
        }
        finally
        {
            sleeper.Kill(entireProcessTree: true);
            sleeper.WaitForExit();
            // .NET cannot name the copy (its name is not UTF-8): the shell removes it.
            using var remove = StartShell($"rm -rf '{folder.FullName}'");
            remove.WaitForExit();
        }
    }

    private static Process StartShell(string commandLine)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(commandLine);
        return Process.Start(start)!;
    }
}
