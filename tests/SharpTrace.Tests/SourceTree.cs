namespace SharpTrace.Tests;

/// <summary>Where the tests find the repository's files: the source tree the test project was built from.</summary>
internal static class SourceTree
{
    /// <summary>tests/SharpTrace.Tests.</summary>
    public static string TestProject { get; } = FindTestProject();

    /// <summary>The repository's root, which holds src/ and tests/.</summary>
    public static string Root { get; } = Path.GetFullPath(Path.Combine(TestProject, "..", ".."));

    private static string FindTestProject()
    {
        // The tests run from bin/CONFIGURATION/FRAMEWORK under the project directory.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SharpTrace.Tests.csproj")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no SharpTrace.Tests.csproj above {AppContext.BaseDirectory}");
    }
}
