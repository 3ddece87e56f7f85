namespace SharpTrace.KernelTests.Support;

/// <summary>How a traced tool ended: its exit code and everything it wrote, cleaned of harness noise.</summary>
public sealed record RunResult(int ExitCode, string Stdout, string Stderr);
