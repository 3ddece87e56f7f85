namespace SharpTrace.KernelTests.Support;

/// <summary>Paths inside the SharpTrace checkout the tests were built from.</summary>
public static class Repository
{
    /// <summary>The checkout's root folder, the one holding SharpTrace.slnx.</summary>
    public static string Root
    {
        get
        {
            // Walk up from the test assembly (tests/SharpTrace.KernelTests/bin/<config>/net10.0/).
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SharpTrace.slnx")))
                    return dir.FullName;
            }
            throw new InvalidOperationException($"No SharpTrace.slnx above {AppContext.BaseDirectory}.");
        }
    }
}
