using SharpTrace.Records;

namespace SharpTrace.Runtime.Unwinding;

/// <summary>
/// The <c>dw_ustack</c> samples of a session, unwound as their records arrive and kept by id for the values that
/// name them (map keys, printf arguments). Equal stacks share one array, and each distinct stack has a canonical id
/// (its first sample's), so that map entries keyed by samples of the same stack can be printed as one.
/// </summary>
internal sealed class UnwoundStacks(Func<int, ProcessMaps> processMaps)
{
    // User addresses lie in the lower half; a sample taken while the thread ran in the kernel has no user registers.
    private const ulong KernelStart = 0x8000_0000_0000_0000;

    private readonly DwarfUnwinder _unwinder = new(processMaps);
    private readonly Dictionary<UInt128, (int Pid, ulong[] Addresses, UInt128 Canonical)> _samples = [];
    private readonly Dictionary<string, UInt128> _canonical = new(StringComparer.Ordinal);

    /// <summary>Unwinds <paramref name="sample"/> (at most <paramref name="depth"/> frames) and keeps the result under its id.</summary>
    public void Add(UserStackSample sample, int depth)
    {
        var addresses = sample.Ip >= KernelStart ? [] : _unwinder.Unwind(sample, depth).ToArray();
        var key = $"{sample.Pid}:{string.Join(',', addresses)}";
        if (!_canonical.TryGetValue(key, out var canonical))
            _canonical[key] = canonical = sample.Id;
        else
            addresses = _samples[canonical].Addresses;
        _samples[sample.Id] = (sample.Pid, addresses, canonical);
    }

    /// <summary>The process and addresses of sample <paramref name="id"/>; no addresses for a sample whose record never came (lost, or sent after exit by another CPU).</summary>
    public (int Pid, IReadOnlyList<ulong> Addresses) Get(UInt128 id) =>
        _samples.TryGetValue(id, out var sample) ? (sample.Pid, sample.Addresses) : ((int)(ulong)(id >> 64), []);

    /// <summary>
    /// The id of the first sample with the same process and stack as <paramref name="id"/>; 0 for every sample whose
    /// record never came, so that they print as one entry with an empty stack.
    /// </summary>
    public UInt128 Canonical(UInt128 id) => _samples.TryGetValue(id, out var sample) ? sample.Canonical : UInt128.Zero;
}
