using System.Diagnostics;
using System.Text.Json;

namespace SharpTrace.KernelTests.Support;

/// <summary>A BPF program or map loaded in the kernel, as bpftool lists it.</summary>
public sealed record BpfObject(uint Id, string Type, string Name);

/// <summary>
/// Compares the BPF programs and maps loaded in the kernel with those loaded when the check
/// started, to prove that a tool leaves nothing behind after it exits.
/// </summary>
/// <remarks>
/// Uses <c>bpftool prog|map show -j</c> (test.sh installs bpftool). It sees every process's
/// objects, which is why kernel tests do not run in parallel.
/// TODO: switch to SharpTrace.Kernel's BPF_PROG_GET_NEXT_ID / BPF_MAP_GET_NEXT_ID enumeration
/// once it exists, and drop the bpftool dependency.
/// </remarks>
public sealed class KernelLeakCheck
{
    // The kernel frees a program or map after its last reference goes, partly from deferred
    // work, so ids can linger for a moment after the tool's exit.
    private static readonly TimeSpan ReleaseBound = TimeSpan.FromSeconds(5);

    private readonly HashSet<uint> _programsBefore;
    private readonly HashSet<uint> _mapsBefore;

    private KernelLeakCheck(HashSet<uint> programsBefore, HashSet<uint> mapsBefore)
    {
        _programsBefore = programsBefore;
        _mapsBefore = mapsBefore;
    }

    /// <summary>Records the BPF programs and maps loaded now.</summary>
    public static KernelLeakCheck Start() =>
        new(List("prog").Select(p => p.Id).ToHashSet(), List("map").Select(m => m.Id).ToHashSet());

    /// <summary>Programs loaded now that were not loaded at <see cref="Start"/>.</summary>
    public IReadOnlyList<BpfObject> NewPrograms() => List("prog").Where(p => !_programsBefore.Contains(p.Id)).ToList();

    /// <summary>Maps loaded now that were not loaded at <see cref="Start"/>.</summary>
    public IReadOnlyList<BpfObject> NewMaps() => List("map").Where(m => !_mapsBefore.Contains(m.Id)).ToList();

    /// <summary>Fails unless every program and map loaded since <see cref="Start"/> is gone within a few seconds.</summary>
    public async Task AssertNoLeaksAsync()
    {
        var deadline = DateTime.UtcNow + ReleaseBound;
        while (true)
        {
            var leaked = NewPrograms().Select(p => $"program {p}").Concat(NewMaps().Select(m => $"map {m}")).ToList();
            if (leaked.Count == 0)
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Still loaded {ReleaseBound} after the tool ended:\n{string.Join('\n', leaked)}");
            await Task.Delay(50);
        }
    }

    private static List<BpfObject> List(string kind)
    {
        var bpftool = new[] { "/usr/sbin/bpftool", "/usr/bin/bpftool", "/sbin/bpftool" }.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("bpftool is not installed; ./test.sh installs it (apt-get install bpftool).");
        var start = new ProcessStartInfo(bpftool, [kind, "show", "-j"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bpftool.");
        var stderr = process.StandardError.ReadToEndAsync();
        var json = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TracerProcess.DefaultTimeout) || process.ExitCode != 0)
            throw new InvalidOperationException($"bpftool {kind} show -j failed: {stderr.Result}");

        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(item => new BpfObject(
                item.GetProperty("id").GetUInt32(),
                item.TryGetProperty("type", out var type) ? type.ToString() : "",
                item.TryGetProperty("name", out var name) ? name.ToString() : ""))
            .ToList();
    }
}
