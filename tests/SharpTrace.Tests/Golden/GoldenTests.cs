using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Golden;

/// <summary>
/// Golden tests of generated code: each script in Golden/Scripts is compiled without a kernel, and each of its dumps
/// (<see cref="GoldenDump.All"/>) must equal the file checked in beside it. Re-bless after an intended change with
/// tests/bless-golden.sh; review the goldens' diff like code.
/// </summary>
public sealed class GoldenTests(GoldenMachine machine) : IClassFixture<GoldenMachine>
{
    // system() needs --unsafe; nothing else in code generation depends on it.
    private static readonly ProgramConfig Config = new() { Unsafe = true };

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var script in GoldenFiles.ScriptNames())
            foreach (var dump in GoldenDump.All)
                cases.Add(script, dump.Suffix);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DumpMatchesGolden(string script, string dump)
    {
        var program = Compile(script);
        var text = machine.Normalize(GoldenDump.All.Single(d => d.Suffix == dump).Print(program));
        GoldenFiles.Check(GoldenFiles.GoldenPath(script, dump), text);
    }

    [Fact]
    public void ThereAreAtLeastThirtyScripts() => Assert.True(GoldenFiles.ScriptNames().Count >= 30);

    /// <summary>
    /// Every probe of every golden script is lowered to IR and translated from it: none falls back to the previous
    /// emitter (a probe that did would show "not supported yet" in its IR dump).
    /// </summary>
    [Fact]
    public void NoGoldenScriptFallsBackToThePreviousEmitter()
    {
        var fallbacks = GoldenFiles.ScriptNames().Where(script => Compile(script).DescribeIr().Contains("not supported yet", StringComparison.Ordinal)).ToList();

        Assert.True(fallbacks.Count == 0, "scripts with a probe the IR does not cover: " + string.Join(", ", fallbacks));
    }

    [Fact]
    public void EveryProbeKindHasAScript()
    {
        var kinds = StandardBuiltins.Catalog.ProbeKinds.All.Select(k => k.Name);
        var covered = GoldenFiles.ScriptNames().SelectMany(script => Compile(script).ProbeNames)
            .Select(name => name.Split(':')[0].ToLowerInvariant()).ToHashSet();

        Assert.Empty(kinds.Except(covered));
    }

    [Fact]
    public void EveryGoldenFileBelongsToAScriptAndADump()
    {
        var expected = GoldenFiles.ScriptNames().SelectMany(script => GoldenDump.All.Select(d => GoldenFiles.GoldenPath(script, d.Suffix)));
        var stale = Directory.EnumerateFiles(GoldenFiles.Scripts, "*.txt").Except(expected).ToList();
        if (GoldenFiles.Blessing)
            stale.ForEach(File.Delete);
        else
            Assert.True(stale.Count == 0, "golden files without a script or dump (tests/bless-golden.sh removes them): " + string.Join(", ", stale.Select(Path.GetFileName)));
    }

    private TraceProgram Compile(string script)
    {
        var source = machine.Resolve(File.ReadAllText(GoldenFiles.ScriptPath(script)));
        var result = TraceScript.Compile(source, machine.Tracepoints, new CompileOptions { FileName = script + ".bt", Config = Config },
            SemanticKit.Kernel);
        Assert.True(result.Program is not null, $"{script}.bt does not compile:\n" + string.Join('\n', result.Diagnostics.Select(d => d.ToString())));
        return result.Program;
    }
}
