using SharpTrace.KernelTests.Support;
using SharpTrace.Output;

namespace SharpTrace.KernelTests.Api;

/// <summary>The embedding API run against the real kernel: events in order, typed maps, cancellation, early disposal.</summary>
[Trait("Category", "Kernel")]
public sealed class TraceProgramTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task BeginOutputEndOutputAndExitMapsArriveInOrderWithTypedValues()
    {
        var program = Compile("""BEGIN { printf("a %d\n", 1); @x = 5; @c["k"] = count(); exit(); } END { printf("end\n"); }""");

        var events = await CollectAsync(program.RunAsync());

        Assert.Equal<TraceEvent>(
            [
                new AttachedEvent(2),
                new PrintfEvent("a 1\n"),
                new PrintfEvent("end\n"),
                new MapEvent(MapSnapshot.Keyed("@c", new MapEntry([new StringValue("k")], new CountValue(1))), AtExit: true),
                new MapEvent(MapSnapshot.Scalar("@x", new IntegerValue(5)), AtExit: true),
                new StoppedEvent(),
                new ExitEvent(0),
            ],
            events);
    }

    [Fact]
    public async Task CancellingDetachesRunsEndAndStillDeliversTheExitMaps()
    {
        var path = $"/tmp/sharptrace-api-{Guid.NewGuid():N}";
        var program = Compile($$"""
            tracepoint:syscalls:sys_enter_openat /str(args.filename) == "{{path}}"/ { @opens[comm] = count(); }
            END { printf("end\n"); }
            """);
        using var cancellation = new CancellationTokenSource();
        var events = new List<TraceEvent>();

        await foreach (var traceEvent in program.RunAsync(cancellation.Token).WithTimeout(Bound))
        {
            events.Add(traceEvent);
            if (traceEvent is AttachedEvent)
            {
                await TestPrograms.RunAsync("opener", path);
                await TestPrograms.RunAsync("opener", path);
                cancellation.Cancel();
            }
        }

        Assert.Equal<TraceEvent>(
            [
                new AttachedEvent(2),
                new StartedEvent(),
                new PrintfEvent("end\n"),
                new MapEvent(MapSnapshot.Keyed("@opens", new MapEntry([new StringValue("opener")], new CountValue(2))), AtExit: true),
                new StoppedEvent(),
                new ExitEvent(0),
            ],
            events);
    }

    [Fact]
    public async Task DisposingTheEnumeratorEarlyReleasesEveryKernelObject()
    {
        var leaks = KernelLeakCheck.Start();
        var program = Compile("tracepoint:syscalls:sys_enter_openat { @opens[comm] = count(); } END { printf(\"end\\n\"); }");
        var loadedWhileRunning = 0;

        await foreach (var traceEvent in program.RunAsync().WithTimeout(Bound))
        {
            Assert.IsType<AttachedEvent>(traceEvent);
            loadedWhileRunning = leaks.NewPrograms().Count;
            break;
        }

        // Both programs were in the kernel while the run was live (one syscalls tracepoint keeps its perf event: no
        // dispatcher), and nothing is once the loop is left (the kernel frees maps a moment after their last handle
        // closes, which AssertNoLeaksAsync allows for).
        Assert.Equal(2, loadedWhileRunning);
        await leaks.AssertNoLeaksAsync();
    }

    [Fact]
    public async Task LeavingTheStreamEarlyStopsWithoutRunningEnd()
    {
        var marker = $"/tmp/sharptrace-api-end-{Guid.NewGuid():N}";
        var program = CompileUnsafe($$"""
            tracepoint:syscalls:sys_enter_openat { @opens[comm] = count(); }
            END { system("touch {{marker}}"); }
            """);
        try
        {
            // The control: a graceful stop (cancellation) runs END, which creates the marker file.
            using (var cancellation = new CancellationTokenSource())
            {
                await foreach (var traceEvent in program.RunAsync(cancellation.Token).WithTimeout(Bound))
                {
                    if (traceEvent is AttachedEvent)
                        await cancellation.CancelAsync();
                }
            }
            Assert.True(File.Exists(marker), "END did not run on cancellation");
            File.Delete(marker);

            var leaks = KernelLeakCheck.Start();
            var loadedWhileRunning = 0;
            await foreach (var traceEvent in program.RunAsync().WithTimeout(Bound))
            {
                Assert.IsType<AttachedEvent>(traceEvent);
                loadedWhileRunning = leaks.NewPrograms().Count;
                break;
            }

            // Every program (the probe's and END's) was loaded while the run was live; once the loop is left END has not
            // run and nothing remains.
            Assert.Equal(2, loadedWhileRunning);
            await leaks.AssertNoLeaksAsync();
            await Task.Delay(200);
            Assert.False(File.Exists(marker), "END ran although the consumer left the stream early");
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public void SynchronousRunCallsBackInTheCallingThread()
    {
        var program = Compile("""BEGIN { printf("%d\n", tid); exit(); }""");
        var events = new List<TraceEvent>();

        program.Run(events.Add);

        Assert.Equal<TraceEvent>(
            [new AttachedEvent(1), new PrintfEvent($"{CurrentThreadId()}\n"), new StoppedEvent(), new ExitEvent(0)],
            events);
    }

    [Fact]
    public async Task AnExceptionInTheConsumerReleasesEveryKernelObject()
    {
        var leaks = KernelLeakCheck.Start();
        var program = Compile("tracepoint:syscalls:sys_enter_openat { @opens[comm] = count(); }");

        var thrown = Assert.Throws<InvalidOperationException>(() =>
            program.Run(traceEvent => throw new InvalidOperationException($"consumer saw {traceEvent}")));

        Assert.StartsWith("consumer saw AttachedEvent", thrown.Message);
        await leaks.AssertNoLeaksAsync();
    }

    [Fact]
    public async Task TimeArrivesAsATimeEventWithTheFormattedText()
    {
        var program = Compile("""BEGIN { time("year %Y\n"); exit(); }""");

        var events = await CollectAsync(program.RunAsync());

        Assert.Equal<TraceEvent>([new AttachedEvent(1), new TimeEvent($"year {DateTime.Now.Year}\n"), new StoppedEvent(), new ExitEvent(0)], events);
    }

    [Fact]
    public void CompileReportsAMissingTracepointAsAPositionedDiagnosticWithoutThrowing()
    {
        var result = TraceScript.Compile("BEGIN { }\ntracepoint:nosuch:probe { }");

        Assert.False(result.Success);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("stdin:2:1-24: ERROR: No matches for tracepoint nosuch:probe.\ntracepoint:nosuch:probe { }\n~~~~~~~~~~~~~~~~~~~~~~~\n", diagnostic.Format());
    }

    private static TraceProgram Compile(string script)
    {
        var result = TraceScript.Compile(script);
        Assert.True(result.Success, string.Concat(result.Diagnostics.Select(d => d.Format())));
        return result.Program;
    }

    private static TraceProgram CompileUnsafe(string script)
    {
        var result = TraceScript.Compile(script, new CompileOptions { Config = new SharpTrace.Semantics.ProgramConfig { Unsafe = true } });
        Assert.True(result.Success, string.Concat(result.Diagnostics.Select(d => d.Format())));
        return result.Program;
    }

    private static async Task<List<TraceEvent>> CollectAsync(IAsyncEnumerable<TraceEvent> events)
    {
        var collected = new List<TraceEvent>();
        await foreach (var traceEvent in events.WithTimeout(Bound))
            collected.Add(traceEvent);
        return collected;
    }

    private static int CurrentThreadId() => int.Parse(File.ReadAllText("/proc/thread-self/stat").Split(' ')[0]);
}

/// <summary>Bounds every wait of an enumeration, so a run that never ends fails the test instead of hanging it.</summary>
internal static class AsyncEnumerableTimeout
{
    public static async IAsyncEnumerable<T> WithTimeout<T>(this IAsyncEnumerable<T> source, TimeSpan bound)
    {
        await using var enumerator = source.GetAsyncEnumerator();
        while (true)
        {
            var next = enumerator.MoveNextAsync().AsTask();
            if (await Task.WhenAny(next, Task.Delay(bound)) != next)
                throw new TimeoutException($"No event within {bound}.");
            if (!await next)
                yield break;
            yield return enumerator.Current;
        }
    }
}
