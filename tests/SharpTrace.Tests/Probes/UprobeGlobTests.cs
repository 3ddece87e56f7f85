using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Probes;

/// <summary>
/// uprobes on a binary written with wildcards, without <c>-p</c> (<c>uprobe:/usr/lib/*/libc.so*:malloc</c>): the files
/// the glob finds, kept and reported as the newest bpftrace's <c>resolve_binary_path</c> and probe matcher do.
/// </summary>
public sealed class UprobeGlobTests(CompiledProgram program) : IClassFixture<CompiledProgram>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sharptrace-uprobe-glob-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // DIR/d1/app, DIR/d2/app (copies of one PIE), DIR/d1/app-link (a symbolic link to d1/app), DIR/d1/app.txt (no ELF
    // file).
    private string Tree()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "d1"));
        Directory.CreateDirectory(Path.Combine(_directory, "d2"));
        File.Copy(program.Path, Path.Combine(_directory, "d1", "app"));
        File.Copy(program.Path, Path.Combine(_directory, "d2", "app"));
        File.CreateSymbolicLink(Path.Combine(_directory, "d1", "app-link"), Path.Combine(_directory, "d1", "app"));
        File.WriteAllText(Path.Combine(_directory, "d1", "app.txt"), "add3\n");
        return _directory;
    }

    [Fact]
    public void AWholeDirectoryWildcardNeedsNoQuotes()
    {
        // "/*" in a target is path text, as the newest bpftrace's parser reads it, not the start of a comment.
        var directory = Tree();

        var specs = ProbeSpecResolverTests.Resolve($"uprobe:{directory}/*/app:add3");

        Assert.Equal([$"uprobe:{directory}/d1/app:add3", $"uprobe:{directory}/d2/app:add3"], specs.Select(s => s.ToString()));
    }

    [Fact]
    public void EachMatchingFileIsProbedOnceEvenThroughASymbolicLink()
    {
        var directory = Tree();

        var specs = ProbeSpecResolverTests.Resolve($"uprobe:{directory}/d*/app*:add3");

        Assert.Equal([$"uprobe:{directory}/d1/app:add3", $"uprobe:{directory}/d2/app:add3"], specs.Select(s => s.ToString()));
        Assert.All(specs, s => Assert.Null(s.Pid));
        Assert.All(specs, s => Assert.Null(s.Unresolved));
        Assert.Equal([$"{directory}/d1/app", $"{directory}/d2/app"], UprobeTargets.Globbed($"{directory}/d*/app*"));
    }

    [Fact]
    public void FunctionPatternsAndReturnProbesWorkInEachFile()
    {
        var directory = Tree();

        var specs = ProbeSpecResolverTests.Resolve($"uretprobe:{directory}/d2/a*:n*");

        Assert.Equal([$"uretprobe:{directory}/d2/app:negate", $"uretprobe:{directory}/d2/app:nudge"], specs.Select(s => s.ToString()));
    }

    [Fact]
    public void OnlyExecutablesWithExecutePermissionAndSharedObjectsAreKept()
    {
        var directory = Tree();
        // A PIE (ET_DYN) is kept without execute permission, as bpftrace keeps shared libraries.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path.Combine(directory, "d2", "app"), UnixFileMode.UserRead);

        Assert.True(UprobeTargets.IsProbeable(Path.Combine(directory, "d2", "app")));
        Assert.False(UprobeTargets.IsProbeable(Path.Combine(directory, "d1", "app.txt")));
        Assert.False(UprobeTargets.IsProbeable(Path.Combine(directory, "d1")));
        Assert.False(UprobeTargets.IsProbeable("/nonexistent"));
    }

    [Fact]
    public void NoFileIsTheTargetErrorAndNoFunctionIsNoMatches()
    {
        var directory = Tree();

        var (none, noneDiagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics($"uprobe:{directory}/c*/app:add3");
        var (unmatched, unmatchedDiagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics($"uprobe:{directory}/d*/app:zz*");
        var (missing, missingDiagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics($"uprobe:{directory}/d*/app:nosuch");
        var (warned, warnedDiagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics($"uprobe:{directory}/d*/app:nosuch", new ProgramConfig { MissingProbes = "warn" });

        Assert.Empty(none.Concat(unmatched).Concat(missing).Concat(warned));
        Assert.Equal($"uprobe target file '{directory}/c*/app' does not exist or is not executable", Assert.Single(noneDiagnostics).Message);
        Assert.Equal($"No matches for uprobe {directory}/d*/app:zz*.", Assert.Single(unmatchedDiagnostics).Message);
        Assert.Equal($"No matches for uprobe {directory}/d*/app:nosuch.", Assert.Single(missingDiagnostics).Message);
        var warning = Assert.Single(warnedDiagnostics);
        Assert.Equal(($"No matches for uprobe {directory}/d*/app:nosuch. Skipping.", DiagnosticSeverity.Warning), (warning.Message, warning.Severity));
    }

    [Fact]
    public void AQuestionMarkGlobsOnlyInATargetWithAStarAndIsItselfInAFunction()
    {
        // The newest bpftrace globs a target (glob(3): ? is any one character) only when it holds a '*'; its probe
        // matcher takes '?' in a function name as itself. bpftrace 0.17 has no '?' in attach points (a syntax error).
        var directory = Tree();

        var globbed = ProbeSpecResolverTests.Resolve($"uprobe:{directory}/d?/ap*:add3");
        var (literal, literalDiagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics($"uprobe:{directory}/d?/app:add3");
        var (function, functionDiagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics($"uprobe:{directory}/d*/app:ad?3*");

        Assert.Equal([$"uprobe:{directory}/d1/app:add3", $"uprobe:{directory}/d2/app:add3"], globbed.Select(s => s.ToString()));
        Assert.Empty(literal.Concat(function));
        Assert.Equal($"uprobe target file '{directory}/d?/app' does not exist or is not executable", Assert.Single(literalDiagnostics).Message);
        Assert.Equal($"No matches for uprobe {directory}/d*/app:ad?3*.", Assert.Single(functionDiagnostics).Message);
    }

    [Fact]
    public void AnAddressInAWildcardTargetIsAnError()
    {
        var (specs, diagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics($"uprobe:{Tree()}/d*/app:0x1000");

        Assert.Empty(specs);
        Assert.Equal("Cannot use wildcards with absolute address", Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void APatternWithoutASlashIsLookedUpInEachPathDirectoryToo() =>
        Assert.Contains(BinaryGlob.Candidates("s*"), p => Path.GetFileName(p) == "sh" && Path.IsPathRooted(p));
}
