namespace SharpTrace.Kernel;

/// <summary>
/// A program attached somewhere in the kernel. Stopping it is quick and keeps the kernel objects; disposing it
/// releases them, which can wait for the kernel (RCU grace periods), so a session stops every probe, prints, and
/// releases last.
/// </summary>
internal interface IProbeAttachment : IDisposable
{
    /// <summary>Stops the program from running at this attach point; idempotent; never throws.</summary>
    void Stop();
}
