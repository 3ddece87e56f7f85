namespace SharpTrace.Runtime;

/// <summary>
/// Runs a blocking kernel call (detaching, closing) for many items on several threads at once: each such call
/// may wait for an RCU grace period, and waits that run side by side share grace periods instead of queueing.
/// </summary>
internal static class ConcurrentRelease
{
    private const int MaxThreads = 64;

    /// <summary>Calls <paramref name="release"/> once for each item; returns when every call has returned.</summary>
    public static void Run<T>(IReadOnlyList<T> items, Action<T> release)
    {
        var threads = Math.Min(MaxThreads, items.Count);
        if (threads <= 1)
        {
            foreach (var item in items)
                release(item);
            return;
        }
        var next = -1;
        void Work()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Count)
                release(items[i]);
        }
        var workers = new Thread[threads - 1];
        for (var t = 0; t < workers.Length; t++)
        {
            workers[t] = new Thread(Work, maxStackSize: 256 * 1024) { IsBackground = true, Name = "release" };
            workers[t].Start();
        }
        Work();
        foreach (var worker in workers)
            worker.Join();
    }
}
