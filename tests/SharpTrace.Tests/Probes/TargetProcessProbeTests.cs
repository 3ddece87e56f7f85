using System.Diagnostics;
using SharpTrace.Kernel.Elf;
using SharpTrace.Probes;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Probes;

/// <summary>
/// <c>-p PID</c> for uprobes and usdt probes: the attach points carry the process (the kernel then installs them in it
/// alone), targets are found as the process sees them, and a wildcard target, or none, names the files it maps, named
/// under <c>/proc/PID/root</c> as bpftrace names them (<c>bpftrace -l 'usdt:*' -p PID</c>).
/// </summary>
public sealed class TargetProcessProbeTests(UsdtProgram usdt, CompiledProgram program) : IClassFixture<UsdtProgram>, IClassFixture<CompiledProgram>
{
    private static readonly int Self = Environment.ProcessId;

    [Fact]
    public void MappedFilesAreTheProgramThenItsLibrariesUnderTheProcessRoot()
    {
        using var running = Start(usdt.Path);

        var files = UprobeTargets.MappedFiles(running.Id);

        Assert.Equal($"/proc/{running.Id}/root{usdt.Path}", files[0]);
        Assert.Contains(files, f => f.StartsWith($"/proc/{running.Id}/root/", StringComparison.Ordinal) && Path.GetFileName(f).StartsWith("libc.so.", StringComparison.Ordinal));
        Assert.Equal(files.Count, files.Distinct().Count());
        Assert.Empty(UprobeTargets.MappedFiles(int.MaxValue));
    }

    [Fact]
    public void ProcessInOurMountNamespaceSeesOurPaths()
    {
        Assert.Equal("", UprobeTargets.MountRoot(Self));
        Assert.Equal(program.Path, UprobeTargets.Find(program.Path, Self));
        // With -p, libc is the file the process maps, as /proc/PID/maps names it (bcc's which_so for the newest bpftrace),
        // which may be another name of the file the loader's cache gives.
        var mapped = File.ReadLines($"/proc/{Self}/maps").Select(l => l.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6).Select(f => f[5].Trim()).First(p => p.Contains("/libc.", StringComparison.Ordinal) && p.Contains(".so", StringComparison.Ordinal));
        Assert.Equal(mapped, UprobeTargets.Find("libc", Self));
        // A path -p's listing printed is not rooted a second time.
        Assert.Equal($"/proc/{Self}/root{program.Path}", UprobeTargets.Find($"/proc/{Self}/root{program.Path}", Self));
    }

    [Fact]
    public void AttachPointsCarryTheProcess()
    {
        var config = new ProgramConfig { TargetPid = Self };

        var uprobe = Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:add3", config));
        var uretprobe = Assert.Single(ProbeSpecResolverTests.Resolve($"uretprobe:{program.Path}:add3", config));
        var usdtProbe = Assert.Single(ProbeSpecResolverTests.Resolve($"usdt:{usdt.Path}:usdt_probes:guarded", config));

        Assert.Equal((Self, Self, Self), (uprobe.Pid, uretprobe.Pid, usdtProbe.Pid));
        Assert.Equal((program.Path, usdt.Path), (uprobe.Target, usdtProbe.Target));
        Assert.Null(Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:add3")).Pid);
        // -c's command is probed alone too; --dry-run and -l give it as 0, no process.
        Assert.Equal(42, Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:add3", new ProgramConfig { ChildPid = 42 })).Pid);
        Assert.Null(Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:add3", new ProgramConfig { ChildPid = 0 })).Pid);
    }

    [Fact]
    public void WildcardTargetNamesTheFilesTheProcessMaps()
    {
        using var running = Start(usdt.Path);
        var config = new ProgramConfig { TargetPid = running.Id };
        var root = $"/proc/{running.Id}/root";

        var malloc = ProbeSpecResolverTests.Resolve("uprobe:*:malloc", config);
        var guarded = Assert.Single(ProbeSpecResolverTests.Resolve("usdt:*:usdt_probes:guarded", config));
        var twice = ProbeSpecResolverTests.Resolve("usdt::*:twice", config);

        var libc = Assert.Single(malloc);
        Assert.StartsWith("libc.so.", Path.GetFileName(libc.Target));
        Assert.StartsWith(root + "/", libc.Target);
        Assert.Equal((running.Id, "malloc"), (libc.Pid, libc.Name));
        Assert.Equal((root + usdt.Path, "usdt_probes:guarded", running.Id), (guarded.Target, guarded.Name, guarded.Pid));
        Assert.NotEqual(0UL, guarded.SemaphoreFileOffset);
        Assert.Equal(["other:twice", "usdt_probes:twice", "usdt_probes:twice"], twice.Select(s => s.Name));
        Assert.Equal(guarded.FileOffset, Assert.Single(ProbeSpecResolverTests.Resolve($"usdt:{usdt.Path}:usdt_probes:guarded", config)).FileOffset);
        // A target pattern matches the path as the process sees it.
        Assert.Equal(root + usdt.Path, Assert.Single(ProbeSpecResolverTests.Resolve("usdt:*/usdt_probes:usdt_probes:guarded", config)).Target);
    }

    [Fact]
    public void ATargetLeftOutIsTheProcesssProgramAsInTheNewestBpftrace()
    {
        using var running = Start(usdt.Path);
        var config = new ProgramConfig { TargetPid = running.Id };
        var program = $"/proc/{running.Id}/root{usdt.Path}";

        var main = Assert.Single(ProbeSpecResolverTests.Resolve("uprobe:main", config));
        var cpp = Assert.Single(ProbeSpecResolverTests.Resolve("uprobe:cpp:main", config));
        var everywhere = ProbeSpecResolverTests.Resolve("uprobe:*:cpp:main", config);

        Assert.Equal((program, "main", (string?)null, running.Id), (main.Target, main.Name, main.Language, main.Pid));
        Assert.Equal((program, "main", (string?)"cpp", running.Id), (cpp.Target, cpp.Name, cpp.Language, cpp.Pid));
        Assert.Contains(everywhere, s => s.Target == program && s.Name == "main" && s.Language == "cpp");
        // Without a process there is no program to name.
        Assert.Equal("uprobe probes need a binary and a function: uprobe:/path/to/binary:function",
            Assert.Single(ProbeSpecResolverTests.ResolveWithDiagnostics("uprobe:main").Diagnostics).Message);
    }

    [Fact]
    public void WildcardTargetThatMatchesNothingInTheProcessIsNoMatch()
    {
        using var running = Start(usdt.Path);
        var config = new ProgramConfig { TargetPid = running.Id };

        var (specs, diagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics("uprobe:*:no_such_function", config);
        var (usdtSpecs, usdtDiagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics("usdt:*:nosuch:probe", config);

        Assert.Empty(specs);
        Assert.Equal("No matches for uprobe *:no_such_function.", Assert.Single(diagnostics).Message);
        Assert.Empty(usdtSpecs);
        Assert.Equal("No matches for usdt *:nosuch:probe.", Assert.Single(usdtDiagnostics).Message);
    }

    [Fact]
    public void EmptyUsdtTargetWithoutAProcessIsRefused()
    {
        // The newest bpftrace's words; a wildcard target instead names files of the machine (UsdtProbeTests).
        var (specs, diagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics("usdt::usdt_probes:guarded");

        Assert.Empty(specs);
        Assert.Equal("usdt probe must specify at least path or pid to probe. To target all paths/pids set the path to '*'.", Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void ListingWithAProcessListsEveryMappedFilesProbesUnderItsRoot()
    {
        var elf = ElfFile.Read(usdt.Path);
        var exe = $"/proc/7/root{usdt.Path}";
        var libc = "/proc/7/root/usr/lib/libc.so.6";
        var binaries = new Dictionary<string, UprobeBinary>
        {
            [exe] = new(exe, ["main", "guarded"]) { UsdtProbes = elf.UsdtProbes },
            [libc] = new(libc, ["malloc", "free"]),
        };
        var listing = new ProbeListing(new FakeTracepoints(), _ => null, path => binaries.GetValueOrDefault(path), pid: 7,
            mappedFiles: pid => pid == 7 ? [exe, libc] : []);

        // As bpftrace 0.17 printed `-l 'usdt:*' -p PID` and `-l 'usdt:*:*twice' -p PID` for a running usdt_probes.
        var all = listing.List("usdt:*", _ => { }).ToList();
        Assert.Equal(10, all.Count);
        Assert.Equal($"usdt:{exe}:other:twice", all[0]);
        Assert.Equal($"usdt:{exe}:usdt_probes:twice", all[^1]);
        Assert.Equal([$"usdt:{exe}:other:twice", $"usdt:{exe}:usdt_probes:twice"], listing.List("usdt:*:*twice", _ => { }));
        Assert.Equal([$"usdt:{exe}:usdt_probes:guarded"], listing.List("U:guarded", _ => { }));
        // uprobe:FUNC and uprobe:*:FUNC are FUNC in every mapped file, as the newest bpftrace matches them.
        Assert.Equal([$"uprobe:{libc}:malloc"], listing.List("uprobe:malloc", _ => { }));
        Assert.Equal([$"uprobe:{exe}:guarded", $"uprobe:{exe}:main", $"uprobe:{libc}:free", $"uprobe:{libc}:malloc"], listing.List("uprobe:*", _ => { }));
        Assert.Equal([$"uprobe:{libc}:free"], listing.List("uprobe:*libc*:f*", _ => { }));
        // A bare -l -p PID adds the process's user probes to the kernel's.
        Assert.Contains($"uprobe:{libc}:malloc", listing.List(null, _ => { }));
        Assert.Contains($"usdt:{exe}:usdt_probes:guarded", listing.List(null, _ => { }));
    }

    [Fact]
    public void ListingWithoutAProcessStillNeedsABinary()
    {
        var listing = new ProbeListing(new FakeTracepoints(), _ => null, _ => null, mappedFiles: _ => ["/x"]);

        Assert.Throws<SharpTrace.CodeGen.CompileException>(() => listing.List("uprobe:*", _ => { }).ToList());
        Assert.DoesNotContain(listing.List(null, _ => { }), p => p.StartsWith("uprobe:", StringComparison.Ordinal) || p.StartsWith("usdt:", StringComparison.Ordinal));
    }

    // The program runs long enough for the test (usdt_probes fires its probes 100 ms apart); killed when disposed.
    private static RunningProgram Start(string path) => new(Process.Start(new ProcessStartInfo(path, "600") { RedirectStandardOutput = true })!);

    private sealed class RunningProgram : IDisposable
    {
        private readonly Process _process;

        public RunningProgram(Process process)
        {
            _process = process;
            // Wait until the loader has mapped the libraries: the first round's output.
            _process.StandardOutput.ReadLine();
        }

        public int Id => _process.Id;

        public void Dispose()
        {
            _process.Kill();
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
