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
            if (probe.CompileError is { } error)
                throw new ProbeUnavailableException(probe.Name, error.Message) { LocatedDiagnostic = error.Format() };
            if (probe.CannotRun is { } reason)
                throw new ProbeUnavailableException(probe.Name, reason);
            foreach (var spec in probe.AttachPoints)
            {
                try
                {
                    Probes.ProbeAttacher.ThrowIfUnavailable(spec);
                }
                catch (ProbeUnavailableException e) when (SkipsMissingProbe(spec.ToString(), e))
                {
                    _skipped.Add(spec);
                }
            }
        }
        CreateMaps();
        LoadPrograms();
    }

    /// <summary>
    /// Whether a probe that cannot attach is skipped rather than failing the run (<c>missing_probes</c>): with <c>warn</c>
    /// the reason and bpftrace's "Unable to attach probe: NAME. Skipping." are warnings, with <c>ignore</c> nothing is said.
    /// </summary>
    private bool SkipsMissingProbe(string name, KernelException failure)
    {
        var mode = _program.Bound.Config.MissingProbes;
        if (mode == "warn")
        {
            _warning(failure.Message);
            _warning($"Unable to attach probe: {name}. Skipping.");
        }
        return mode is "warn" or "ignore";
    }
}
