using System.Diagnostics;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// iter probes: a tracing program on the kernel's task, task_file and task_vma iterators, run once per object while
/// sharptrace reads the iterator, its printf text printed and the run ended; or pinned in bpffs and read with cat.
/// Each test looks for objects of its own process (its pid, a file it opened, a file it mapped) and compares what the
/// iterator saw with /proc. bpftrace 0.17 cannot load iterators on this kernel ("iter task not available"), so /proc
/// is the reference.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class IterProbeTests : KernelTest
{
    private static readonly int Self = Environment.ProcessId;

    [Fact]
    public async Task TaskIteratorFindsThisProcessWithItsCommAndEndsByItself()
    {
        var script = $$"""iter:task { if (ctx->task->pid == {{Self}}) { printf("%d %s\n", ctx->task->tgid, ctx->task->comm); } }""";

        var result = await SharpTraceRun.RunAsync(["-e", script]);

        var comm = File.ReadAllText("/proc/self/comm").TrimEnd('\n');
        Assert.Equal((0, $"{Self} {comm}\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task TaskFileIteratorFindsAFileThisProcessOpened()
    {
        var path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenHandle(path);
            var fd = (int)file.DangerousGetHandle();
            var inode = Inode(path);
            var script = $$"""
                iter:task_file /ctx->task->pid == {{Self}}/ {
                  if (ctx->fd == {{fd}}) { printf("%d %lu %d %s\n", ctx->fd, ctx->file->f_inode->i_ino, ctx->task->pid, path(ctx->file->f_path, 200)); }
                }
                """;

            var result = await SharpTraceRun.RunAsync(["-e", script]);

            Assert.Equal((0, $"{fd} {inode} {Self} {path}\n"), (result.ExitCode, result.Stdout));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task TaskVmaIteratorFindsTheMappingOfAFileThisProcessMapped()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[3 * 4096]);
            using var mapped = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using var view = mapped.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            var inode = Inode(path);
            var script = $$"""
                iter:task_vma /ctx->task->pid == {{Self}} && ctx->vma->vm_file->f_inode->i_ino == {{inode}}/ {
                  printf("%lx-%lx\n", ctx->vma->vm_start, ctx->vma->vm_end);
                }
                """;

            var result = await SharpTraceRun.RunAsync(["-e", script]);

            // /proc/self/maps names the same ranges, for the file's path.
            var expected = string.Concat(File.ReadLines("/proc/self/maps").Where(line => line.EndsWith(" " + path, StringComparison.Ordinal))
                .Select(line => line.Split(' ')[0] + "\n"));
            Assert.NotEqual("", expected);
            Assert.Equal((0, expected), (result.ExitCode, result.Stdout));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task JsonOutputHasOnePrintfRecordPerLineAndEndRuns()
    {
        var script = $$"""iter:task /ctx->task->pid == {{Self}} || ctx->task->pid == 2/ { printf("%d\n", ctx->task->pid); } END { printf("end\n"); }""";

        var result = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);

        Assert.Equal((0, "{\"type\": \"attached_probes\", \"data\": {\"probes\": 2}}\n" + $"{{\"type\": \"printf\", \"data\": \"2\\n\"}}\n{{\"type\": \"printf\", \"data\": \"{Self}\\n\"}}\n{{\"type\": \"printf\", \"data\": \"end\\n\"}}\n"),
            (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task PinnedIteratorRunsAgainEachTimeItsFileIsRead()
    {
        var name = $"sharptrace-test-{Self}-{Guid.NewGuid():N}";
        var pinned = "/sys/fs/bpf/" + name;
        try
        {
            var script = $$"""iter:task:{{name}} { if (ctx->task->pid == {{Self}}) { printf("pinned %d\n", ctx->task->pid); } }""";

            var result = await SharpTraceRun.RunAsync(["-e", script]);

            Assert.Equal((0, $"Program pinned to {pinned}\n"), (result.ExitCode, result.Stdout));
            Assert.True(File.Exists(pinned));
            Assert.Equal($"pinned {Self}\n", await CatAsync(pinned));
            Assert.Equal($"pinned {Self}\n", await CatAsync(pinned));
        }
        finally
        {
            // Removing the pin releases the link and its program, which the leak check then sees gone.
            File.Delete(pinned);
        }
    }

    [Fact]
    public async Task AnIteratorThatNeedsAMapFailsInOneLineAndLeavesNothingLoaded()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "BEGIN { @b = 1; } iter:bpf_map_elem { printf(\"x\\n\"); }"]);

        Assert.Equal((1, ""), (result.ExitCode, result.Stdout));
        Assert.StartsWith("ERROR: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("iter:bpf_map_elem", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListingNamesEveryIteratorOfTheKernelsBtfThatLoads()
    {
        // The kernel's BTF holds struct bpf_iter__NAME for each iterator; those that need a map to attach to do not load.
        var result = await SharpTraceRun.RunAsync(["-l", "iter:*"]);

        var listed = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        Assert.Contains("iter:task", listed);
        Assert.Contains("iter:task_file", listed);
        Assert.Contains("iter:task_vma", listed);
        Assert.All(listed, name => Assert.Contains("bpf_iter__" + name["iter:".Length..] + "\0", BtfStrings));
        Assert.DoesNotContain("iter:bpf_map_elem", listed);
        Assert.Contains("bpf_iter__bpf_map_elem struct but does not support loading", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerboseListingShowsWhatCtxHoldsBesidesMeta()
    {
        var result = await SharpTraceRun.RunAsync(["-lv", "iter:task_file"]);

        Assert.Equal((0, "iter:task_file\n    struct task_struct * task\n    u32 fd\n    struct file * file\n"), (result.ExitCode, result.Stdout));
    }

    private static string BtfStrings => System.Text.Encoding.ASCII.GetString(File.ReadAllBytes("/sys/kernel/btf/vmlinux"));

    private static string Inode(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var text = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return ulong.Parse(text, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }

    private static async Task<string> CatAsync(string path)
    {
        using var cat = Process.Start(new ProcessStartInfo("cat", [path]) { RedirectStandardOutput = true })!;
        var text = await cat.StandardOutput.ReadToEndAsync();
        await cat.WaitForExitAsync();
        return text;
    }
}
