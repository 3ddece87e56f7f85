using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Probes;

/// <summary>
/// kprobe and kretprobe attach points against a fixture of available_filter_functions (Fixtures/: vmlinux's functions,
/// then ext4's and xfs's as <c>FUNC [MODULE]</c>, with a duplicate line, GCC's <c>.part.N</c> fragment, functions the
/// newest bpftrace never traces (<c>rcu_*</c>, the idle loop, ftrace's placeholders) and a kprobe blocklist naming one
/// vmlinux and one xfs function). Names and order are what the newest bpftrace's probe matcher gives: a sorted set of
/// function names, or of <c>MODULE:FUNCTION</c> when the attach point names a module.
/// </summary>
public sealed class KprobeWildcardTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Probes", "Fixtures");

    private sealed class Machine : ITracepointCatalog
    {
        private readonly SharpTrace.Semantics.TraceableFunctions _functions =
            SharpTrace.Semantics.TraceableFunctions.Read(Path.Combine(Fixtures, "available_filter_functions"), Path.Combine(Fixtures, "kprobes_blacklist"));

        public IEnumerable<(string Category, string Name)> List() => [];
        public TracepointFormat? Format(string category, string name) => null;
        public SharpTrace.Semantics.TraceableFunctions TraceableFunctions() => _functions;
    }

    private static (List<string> Names, List<Diagnostic> Diagnostics) Resolve(string point, ProgramConfig? config = null)
    {
        var tree = SyntaxTree.Parse(point + " { }");
        Assert.Empty(tree.Diagnostics);
        var diagnostics = new DiagnosticBag(tree.Source);
        var resolution = new ProbeResolution(new Machine(), diagnostics, [], config);
        var specs = StandardBuiltins.Catalog.ProbeKinds.Resolve(tree.Root.Probes[0].AttachPoints[0], resolution);
        return (specs.Select(s => s.ToString()).ToList(), diagnostics.Items.ToList());
    }

    private static List<string> Expand(string point)
    {
        var (names, diagnostics) = Resolve(point);
        Assert.Empty(diagnostics);
        return names;
    }

    private static (List<string> Probes, List<string> Warnings) List(string? pattern)
    {
        var warnings = new List<string>();
        var listing = new ProbeListing(new Machine(), _ => null, _ => null);
        return (listing.List(pattern, warnings.Add).ToList(), warnings);
    }

    [Fact]
    public void AFunctionWildcardExpandsOverEveryModulesFunctionsNamedWithoutTheModule()
    {
        Assert.Equal(["kprobe:vfs_open", "kprobe:vfs_read", "kprobe:vfs_statx", "kprobe:vfs_write"], Expand("kprobe:vfs_*"));
        Assert.Equal(["kprobe:ext4_file_read_iter", "kprobe:generic_file_read_iter", "kprobe:xfs_file_read_iter"], Expand("k:*_file_read_iter"));
        Assert.Equal(["kretprobe:vfs_write"], Expand("kr:vfs_*e"));
    }

    [Fact]
    public void AModuleAndAWildcardExpandOverThatModulesFunctionsNamedWithIt()
    {
        Assert.Equal(["kprobe:ext4:ext4_file_read_iter", "kprobe:ext4:ext4_sync_fs"], Expand("kprobe:ext4:*"));
        Assert.Equal(["kretprobe:xfs:xfs_file_read_iter", "kretprobe:xfs:xfs_fs_sync_fs"], Expand("kretprobe:xfs:*"));
        Assert.Equal(["kprobe:vmlinux:do_sys_open"], Expand("kprobe:vmlinux:do_*"));
    }

    [Fact]
    public void AWildcardModuleExpandsOverEachModuleHoldingTheFunction()
    {
        Assert.Equal(["kprobe:vmlinux:vfs_read"], Expand("kprobe:*:vfs_read"));
        // vmlinux's ext4_sync_fs is on the blocklist; ext4's is not: the blocklist is by module.
        Assert.Equal(["kprobe:ext4:ext4_sync_fs", "kprobe:xfs:xfs_fs_sync_fs"], Expand("kprobe:*:*sync_fs"));
        Assert.Equal(["kprobe:xfs:xfs_file_read_iter", "kprobe:xfs:xfs_fs_sync_fs"], Expand("kprobe:*s:*"));
    }

    [Fact]
    public void AFunctionNamedExactlyIsKeptAsWritten()
    {
        Assert.Equal(["kprobe:vfs_read"], Expand("kprobe:vfs_read"));
        Assert.Equal(["kprobe:vfs_read+16"], Expand("kprobe:vfs_read+16"));
        Assert.Equal(["kprobe:ext4:ext4_sync_fs"], Expand("kprobe:ext4:ext4_sync_fs"));
        Assert.Equal(["kretprobe:vmlinux:vfs_write"], Expand("kretprobe:vmlinux:vfs_write"));
    }

    [Theory]
    // The duplicate vfs_read line, the .part. fragment, the functions bpftrace keeps away from and the blocklisted ones.
    [InlineData("kprobe:*idle*", "No matches for kprobe *idle*.")]
    [InlineData("kprobe:rcu_*", "No matches for kprobe rcu_*.")]
    [InlineData("kprobe:ext4:rcu*", "No matches for kprobe ext4:rcu*.")]
    [InlineData("kprobe:vfs_fsync*", "No matches for kprobe vfs_fsync*.")]
    [InlineData("kprobe:*ftrace*", "No matches for kprobe *ftrace*.")]
    [InlineData("kprobe:first_nmi", "No matches for kprobe first_nmi.")]
    [InlineData("kretprobe:xfs:xfs_vn_getattr", "No matches for kretprobe xfs:xfs_vn_getattr.")]
    [InlineData("kprobe:bpf_dispatcher_xdp_func", "No matches for kprobe bpf_dispatcher_xdp_func.")]
    [InlineData("kprobe:nosuch_*", "No matches for kprobe nosuch_*.")]
    [InlineData("kprobe:ext4:vfs_read", "No matches for kprobe ext4:vfs_read.")]
    // '?' is itself, as in the newest bpftrace's probe matcher (bpftrace 0.17 has no '?' in attach points).
    [InlineData("kprobe:vfs_rea?", "No matches for kprobe vfs_rea?.")]
    [InlineData("kprobe:vfs_?ead*", "No matches for kprobe vfs_?ead*.")]
    [InlineData("kprobe:ext?:*", "No matches for kprobe ext?:*.")]
    [InlineData("kprobe:btrfs:btrfs_sync_fs", "specified module btrfs in probe kprobe:btrfs:btrfs_sync_fs is not loaded.")]
    public void APointTheListLacksIsTheMissingProbesError(string point, string message)
    {
        var (names, diagnostics) = Resolve(point);

        Assert.Empty(names);
        var error = Assert.Single(diagnostics);
        Assert.Equal((message, true), (error.Message, error.IsError));
    }

    [Fact]
    public void MissingProbesWarnSkipsAndDropsTheProbe()
    {
        var result = TraceScript.Compile("config = { missing_probes = \"warn\" } kprobe:nosuch_* { } kprobe:vfs_read, kprobe:nosuch { }",
            new Machine(), new CompileOptions());

        Assert.Equal(
            ["No matches for kprobe nosuch_*. Skipping.",
             "Probe has no valid attach points. It is being removed which may cause issues with program behavior.",
             "No matches for kprobe nosuch. Skipping."],
            result.Diagnostics.Select(d => d.Message));
        Assert.Equal(["kprobe:vfs_read"], result.Program!.ProbeNames);
    }

    [Fact]
    public void UnsafeTriesAFunctionTheListLacksWithBpftracesWarning()
    {
        var (names, diagnostics) = Resolve("kprobe:first_nmi", new ProgramConfig { Unsafe = true });

        Assert.Equal(["kprobe:first_nmi"], names);
        var warning = Assert.Single(diagnostics);
        Assert.Equal(("first_nmi is not traceable (either non-existing, inlined, or marked as \"notrace\"); attaching to it will likely fail", false),
            (warning.Message, warning.IsError));
    }

    [Fact]
    public void ListingAFunctionPatternGivesNamesWithoutModules()
    {
        var (probes, warnings) = List("kprobe:*");

        Assert.Empty(warnings);
        Assert.Equal(
            ["kprobe:do_sys_open", "kprobe:ext4_file_read_iter", "kprobe:ext4_sync_fs", "kprobe:generic_file_read_iter", "kprobe:vfs_open",
             "kprobe:vfs_read", "kprobe:vfs_statx", "kprobe:vfs_write", "kprobe:xfs_file_read_iter", "kprobe:xfs_fs_sync_fs"],
            probes);
        Assert.Equal(["kretprobe:vfs_open", "kretprobe:vfs_read", "kretprobe:vfs_statx", "kretprobe:vfs_write"], List("kr:vfs_*").Probes);
        Assert.Empty(List("kprobe:vfs_re?d*").Probes);
    }

    [Fact]
    public void ListingWithAModuleGivesModuleAndFunction()
    {
        Assert.Equal(["kprobe:ext4:ext4_file_read_iter", "kprobe:ext4:ext4_sync_fs"], List("kprobe:ext4:*").Probes);
        Assert.Equal(
            ["kretprobe:ext4:ext4_file_read_iter", "kretprobe:vmlinux:generic_file_read_iter", "kretprobe:vmlinux:vfs_read",
             "kretprobe:xfs:xfs_file_read_iter"],
            List("kretprobe:*:*read*").Probes);
        Assert.Empty(List("kprobe:btrfs:*").Probes);
    }

    [Fact]
    public void KprobesAreInTheKernelListKretprobesAreNot()
    {
        var (all, warnings) = List(null);

        Assert.Empty(warnings);
        Assert.Contains("kprobe:vfs_read", all);
        Assert.DoesNotContain(all, p => p.StartsWith("kretprobe:", StringComparison.Ordinal));
        Assert.Equal(["kprobe:vfs_read"], List("k*:vfs_r*").Probes);
    }

    [Fact]
    public void AnUnreadableListSaysWhy()
    {
        var functions = TraceableFunctions.Read(Path.Combine(Fixtures, "nonexistent"));

        Assert.NotNull(functions.Problem);
        Assert.False(functions.Has("vfs_read"));
    }
}
