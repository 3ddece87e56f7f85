namespace SharpTrace.Kernel;

/// <summary>The kernel's tracing file system: tracepoint ids, record formats and the list of events.</summary>
internal sealed class Tracefs
{
    private const string TracingRoot = "/sys/kernel/tracing";
    private const string DebugTracingRoot = "/sys/kernel/debug/tracing";

    /// <summary>Uses the tracefs mounted at <paramref name="root"/> (the directory holding events/).</summary>
    public Tracefs(string root) => Root = root;

    /// <summary>The tracefs directory, e.g. /sys/kernel/tracing.</summary>
    public string Root { get; }

    /// <summary>Finds tracefs, mounting it at /sys/kernel/tracing if need be.</summary>
    public static Tracefs Open() => new(EnsureMounted());

    /// <summary>
    /// Returns the tracefs directory: /sys/kernel/tracing if it has events/, else mounts tracefs there,
    /// else falls back to the old debugfs location.
    /// </summary>
    public static string EnsureMounted()
    {
        if (Directory.Exists(Path.Combine(TracingRoot, "events")))
            return TracingRoot;
        Directory.CreateDirectory(TracingRoot);
        if (Native.Mount("tracefs", TracingRoot, "tracefs", 0, null) == 0 &&
            Directory.Exists(Path.Combine(TracingRoot, "events")))
            return TracingRoot;
        var errno = Native.LastErrno;
        if (Directory.Exists(Path.Combine(DebugTracingRoot, "events")))
            return DebugTracingRoot;
        throw new KernelException($"mount tracefs at {TracingRoot}", errno);
    }

    /// <summary>The perf event id of tracepoint CATEGORY:NAME (events/CATEGORY/NAME/id).</summary>
    public int GetEventId(string category, string name)
    {
        var path = EventPath(category, name, "id");
        try
        {
            return int.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KernelException($"find tracepoint {category}:{name}", Native.Enoent);
        }
    }

    /// <summary>The record layout of tracepoint CATEGORY:NAME (events/CATEGORY/NAME/format).</summary>
    public TracepointFormat ReadFormat(string category, string name)
    {
        try
        {
            return TracepointFormat.Parse(File.ReadAllText(EventPath(category, name, "format")));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KernelException($"find tracepoint {category}:{name}", Native.Enoent);
        }
    }

    /// <summary>Every tracepoint, from available_events ("category:name" lines).</summary>
    public IEnumerable<(string Category, string Name)> ListEvents()
    {
        foreach (var line in File.ReadLines(Path.Combine(Root, "available_events")))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
                yield return (line[..colon], line[(colon + 1)..].Trim());
        }
    }

    private string EventPath(string category, string name, string file)
    {
        // The names come from user scripts; keep them inside events/. No tracepoint has such a name: not found.
        if (category.Contains('/') || name.Contains('/') || category.StartsWith('.') || name.StartsWith('.'))
            throw new KernelException($"find tracepoint {category}:{name}", Native.Enoent);
        return Path.Combine(Root, "events", category, name, file);
    }
}
