namespace SharpTrace.Tests.Golden;

/// <summary>
/// Where golden scripts and their expected dumps live: in the source tree (tests/SharpTrace.Tests/Golden/Scripts),
/// not the build output, so blessing rewrites the files that are checked in.
/// </summary>
internal static class GoldenFiles
{
    /// <summary>Set to 1 to rewrite every golden file that differs instead of failing (tests/bless-golden.sh does).</summary>
    public const string BlessVariable = "SHARPTRACE_BLESS";

    /// <summary>tests/SharpTrace.Tests/Golden in the source tree.</summary>
    public static string Directory { get; } = Path.Combine(SourceTree.TestProject, "Golden");

    /// <summary>The scripts and their goldens: NAME.bt beside NAME.SUFFIX.txt for each dump.</summary>
    public static string Scripts { get; } = Path.Combine(Directory, "Scripts");

    /// <summary>The repository's root, which holds tests/programs.</summary>
    public static string RepositoryRoot => SourceTree.Root;

    public static bool Blessing => Environment.GetEnvironmentVariable(BlessVariable) == "1";

    /// <summary>The scripts' names (file names without .bt), sorted.</summary>
    public static IReadOnlyList<string> ScriptNames() =>
        System.IO.Directory.EnumerateFiles(Scripts, "*.bt").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Order(StringComparer.Ordinal).ToList();

    public static string ScriptPath(string name) => Path.Combine(Scripts, name + ".bt");

    public static string GoldenPath(string name, string suffix) => Path.Combine(Scripts, $"{name}.{suffix}.txt");

    /// <summary>Fails with a unified diff when <paramref name="actual"/> differs from the golden file; when blessing, rewrites it instead.</summary>
    public static void Check(string goldenPath, string actual)
    {
        var expected = File.Exists(goldenPath) ? File.ReadAllText(goldenPath) : null;
        if (expected == actual)
            return;
        if (Blessing)
        {
            File.WriteAllText(goldenPath, actual);
            return;
        }
        var relative = Path.GetRelativePath(RepositoryRoot, goldenPath);
        if (expected is null)
            Assert.Fail($"{relative} does not exist; create it with tests/bless-golden.sh");
        Assert.Fail($"{relative} differs from the compiler's output (re-bless with tests/bless-golden.sh if the change is intended):\n"
            + GoldenDiff.Unified(relative, expected, "actual", actual));
    }
}
