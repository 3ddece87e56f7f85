using System.Diagnostics;
using System.Text.Json;
using SharpTrace.Kernel;

namespace SharpTrace.KernelTests.Support;

/// <summary>A BPF program or map loaded in the kernel, as bpftool lists it.</summary>
public sealed record BpfObject(uint Id, string Type, string Name);

/// <summary>
/// Compares the BPF programs and maps loaded in the kernel with those loaded when the check
/// started, to prove that a tool leaves nothing behind after it exits.
/// </summary>
/// <remarks>
/// Lists objects by id (BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_NEXT_ID). It sees every process's objects; an object that
/// another live process holds (a bpftrace or a second sharptrace in another terminal: its /proc/PID/fdinfo names the
/// object's id) is that process's, not a leak of this run. What remains held by this test process, or by no process
/// at all once the tool has ended, is a leak. While it waits for the tool's objects to go, the check opens no map:
/// opening a prog_array by id just after its last fd closed makes the kernel keep it for good
/// (<see cref="SharpTrace.Kernel.KernelObjects.LoadedMapIds"/>, docs/reliability.md), which is how <c>bpftool map
/// show</c> in this loop once made a syscall dispatcher's table outlive its run. Objects are described (type, name,
/// through bpftool, which test.sh installs) only for a caller that asks, or to report a leak.
/// </remarks>
public sealed class KernelLeakCheck
{
    // The kernel frees a program or map after its last reference goes, partly from deferred
    // work, so ids can linger after the tool's exit: a syscall dispatcher and its prog_array
    // (faultable tracepoints) wait for an RCU Tasks Trace grace period, which took over 5 s
    // on this machine under a load of 30, and once over 20 s (a run beside seven builds). A real
    // leak stays for good, so a long bound only makes its failure slower to report, never missed.
    private static readonly TimeSpan ReleaseBound = TimeSpan.FromSeconds(60);

    private readonly HashSet<uint> _programsBefore;
    private readonly HashSet<uint> _mapsBefore;

    private KernelLeakCheck(HashSet<uint> programsBefore, HashSet<uint> mapsBefore)
    {
        _programsBefore = programsBefore;
        _mapsBefore = mapsBefore;
    }

    /// <summary>Records the BPF programs and maps loaded now.</summary>
    public static KernelLeakCheck Start() =>
        new(KernelObjects.LoadedProgramIds().ToHashSet(), KernelObjects.LoadedMapIds().ToHashSet());

    /// <summary>Programs loaded now that were not loaded at <see cref="Start"/>.</summary>
    public IReadOnlyList<BpfObject> NewPrograms() => DescribePrograms(NewProgramIds());

    /// <summary>
    /// Maps loaded now that were not loaded at <see cref="Start"/>. Opens each of them: ask while the tool that
    /// made them still holds them, not while they are being released.
    /// </summary>
    public IReadOnlyList<BpfObject> NewMaps() => DescribeMaps(NewMapIds());

    /// <summary>Fails unless every program and map loaded since <see cref="Start"/> is gone within <see cref="ReleaseBound"/>.</summary>
    public async Task AssertNoLeaksAsync()
    {
        var deadline = DateTime.UtcNow + ReleaseBound;
        while (true)
        {
            var (programs, maps) = LeakedIds();
            if (programs.Count == 0 && maps.Count == 0)
                return;
            // Described (opened) only now: a map left out of the description went meanwhile.
            if (DateTime.UtcNow > deadline && Describe(programs, maps) is { Count: > 0 } leaked)
                Assert.Fail($"Still loaded {ReleaseBound} after the tool ended:\n{string.Join('\n', leaked)}");
            await Task.Delay(50);
        }
    }

    /// <summary>Programs and maps loaded since <see cref="Start"/> that no other live process holds, described.</summary>
    public IReadOnlyList<string> Leaks()
    {
        var (programs, maps) = LeakedIds();
        return Describe(programs, maps);
    }

    private List<uint> NewProgramIds() => KernelObjects.LoadedProgramIds().Where(id => !_programsBefore.Contains(id)).ToList();

    private List<uint> NewMapIds() => KernelObjects.LoadedMapIds().Where(id => !_mapsBefore.Contains(id)).ToList();

    // By id only: nothing is opened.
    private (List<uint> Programs, List<uint> Maps) LeakedIds()
    {
        var programs = NewProgramIds();
        var maps = NewMapIds();
        if (programs.Count == 0 && maps.Count == 0)
            return (programs, maps);
        var (otherPrograms, otherMaps) = HeldByOtherProcesses();
        return (programs.Where(id => !otherPrograms.Contains(id)).ToList(), maps.Where(id => !otherMaps.Contains(id)).ToList());
    }

    private static List<string> Describe(List<uint> programs, List<uint> maps) =>
        DescribePrograms(programs).Select(p => $"program {p}").Concat(DescribeMaps(maps).Select(m => $"map {m}")).ToList();

    // Opening a program by id is harmless (a program has no user references), so one listing of all serves.
    private static List<BpfObject> DescribePrograms(List<uint> ids) =>
        ids.Count == 0 ? [] : [.. Bpftool("prog", "show", "-j").EnumerateArray().Select(Described).Where(p => ids.Contains(p.Id))];

    // Only the given maps are opened; one gone meanwhile is left out.
    private static List<BpfObject> DescribeMaps(List<uint> ids) =>
        [.. ids.Select(id => Bpftool("map", "show", "id", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-j"))
            .Where(map => map.ValueKind == JsonValueKind.Object).Select(Described)];

    private static BpfObject Described(JsonElement item) => new(
        item.GetProperty("id").GetUInt32(),
        item.TryGetProperty("type", out var type) ? type.ToString() : "",
        item.TryGetProperty("name", out var name) ? name.ToString() : "");

    /// <summary>
    /// The ids of the programs and maps that processes other than this one hold open, read from their
    /// /proc/PID/fdinfo (a BPF fd's fdinfo has a <c>prog_id:</c> or <c>map_id:</c> line; a link's names its program).
    /// </summary>
    private static (HashSet<uint> Programs, HashSet<uint> Maps) HeldByOtherProcesses()
    {
        var programs = new HashSet<uint>();
        var maps = new HashSet<uint>();
        var self = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(process);
            if (pid == self || !pid.All(char.IsAsciiDigit))
                continue;
            var (heldPrograms, heldMaps) = HeldBy(process);
            programs.UnionWith(heldPrograms);
            maps.UnionWith(heldMaps);
        }
        return (programs, maps);
    }

    /// <summary>The ids of the programs and maps that the process at <paramref name="process"/> (<c>/proc/PID</c>) holds open.</summary>
    private static (HashSet<uint> Programs, HashSet<uint> Maps) HeldBy(string process)
    {
        var programs = new HashSet<uint>();
        var maps = new HashSet<uint>();
        IEnumerable<string> fds;
        try
        {
            fds = Directory.GetFiles(Path.Combine(process, "fdinfo"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (programs, maps); // the process ended, or hides its fds
        }
        foreach (var fd in fds)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(fd);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // the fd was closed meanwhile
            }
            foreach (var line in lines)
            {
                if (TryId(line, "prog_id:", out var program))
                    programs.Add(program);
                else if (TryId(line, "map_id:", out var map))
                    maps.Add(map);
            }
        }
        return (programs, maps);
    }

    private static bool TryId(string line, string prefix, out uint id)
    {
        id = 0;
        return line.StartsWith(prefix, StringComparison.Ordinal)
            && uint.TryParse(line.AsSpan(prefix.Length).Trim(), System.Globalization.CultureInfo.InvariantCulture, out id);
    }

    // bpftool's JSON output; for `show id N` of an object gone meanwhile (bpftool fails), an undefined element.
    private static JsonElement Bpftool(params string[] arguments)
    {
        var bpftool = new[] { "/usr/sbin/bpftool", "/usr/bin/bpftool", "/sbin/bpftool" }.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("bpftool is not installed; ./test.sh installs it (apt-get install bpftool).");
        var start = new ProcessStartInfo(bpftool, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bpftool.");
        var stderr = process.StandardError.ReadToEndAsync();
        var json = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TracerProcess.DefaultTimeout))
            throw new InvalidOperationException($"bpftool {string.Join(' ', arguments)} did not end");
        if (process.ExitCode != 0)
        {
            if (arguments.Contains("id"))
                return default;
            throw new InvalidOperationException($"bpftool {string.Join(' ', arguments)} failed: {stderr.Result}");
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
