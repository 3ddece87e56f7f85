namespace SharpTrace.KernelTests.Support;

/// <summary>
/// Base of every kernel test class: xunit makes one instance per test, so each test is wrapped in a
/// <see cref="KernelLeakCheck"/> and fails if a BPF program or map it caused to be loaded outlives it.
/// </summary>
public abstract class KernelTest : IAsyncLifetime
{
    private KernelLeakCheck? _leaks;

    public Task InitializeAsync()
    {
        _leaks = KernelLeakCheck.Start();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _leaks?.AssertNoLeaksAsync() ?? Task.CompletedTask;
}
