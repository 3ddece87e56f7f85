using SharpTrace.Kernel;

namespace SharpTrace.Runtime;

internal sealed partial class Session
{
    /// <summary>
    /// What a run does before it attaches, and nothing after: the probes are checked, every map is created and every
    /// program loaded (so the verifier sees them), then everything is released. Throws as <see cref="Run"/> would.
    /// </summary>
    public void Verify()
    {
        try
        {
            CheckAndLoad();
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>
    /// The part of a run before attaching: every probe this kernel cannot serve is refused first (nothing is created
    /// for a program that cannot run), then the maps are created and the programs loaded.
    /// </summary>
    private void CheckAndLoad()
    {
        foreach (var probe in _program.Probes.Select(p => p.Probe))
        {
            if (probe.CannotRun is { } reason)
                throw new ProbeUnavailableException(probe.Name, reason);
            foreach (var spec in probe.AttachPoints)
                Probes.ProbeAttacher.ThrowIfUnavailable(spec);
        }
        CreateMaps();
        LoadPrograms();
    }
}
