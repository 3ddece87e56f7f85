using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Stacks;

/// <summary>
/// Rust frames print demangled (docs/stacks.md): tests/programs/rust/rust_chain.rs, built by test.sh with rustc's
/// legacy symbol names (rust_chain) and with its v0 names (rust_chain_v0), calls main → outer → its closure →
/// middle (generic) → a trait method → leaf. The expected names are binutils' c++filt's for the same symbols, less
/// the hashes and crate disambiguators (as rustfilt prints them).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class RustStackTests : KernelTest
{
    [Theory]
    [InlineData("rust_chain", "rust_chain::outer::{{closure}}", "rust_chain::middle")]
    [InlineData("rust_chain_v0", "rust_chain::outer::{closure#0}", "rust_chain::middle::<rust_chain::Twice>")]
    public async Task UstackNamesRustFramesDemangled(string program, string closure, string middle)
    {
        var target = TestPrograms.PathOf(program);
        var script = $$"""uprobe:{{target}}:*rust_chain4leaf* { @[ustack(6)] = count(); }""";
        var result = await SharpTraceRun.RunAsync(["-e", script, "-c", target]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            ["rust_chain::leaf", "<rust_chain::Twice as rust_chain::Scale>::scale", middle, closure, "rust_chain::outer", "rust_chain::main"],
            Frames(result.Stdout).Select(f => f[..f.LastIndexOf('+')]));
    }

    [Fact]
    public async Task RustDemangleFalsePrintsTheNamesMangled()
    {
        var target = TestPrograms.PathOf("rust_chain_v0");
        var script = $$"""config = { rust_demangle = false } uprobe:{{target}}:*rust_chain4leaf* { @[ustack(1)] = count(); }""";
        var result = await SharpTraceRun.RunAsync(["-e", script, "-c", target]);

        Assert.Equal(0, result.ExitCode);
        var frame = Assert.Single(Frames(result.Stdout));
        Assert.Matches(@"^_RNvCs\w+_10rust_chain4leaf\+0$", frame);
    }

    /// <summary>The frames of the first stack key in text output, trimmed.</summary>
    private static List<string> Frames(string stdout)
    {
        var start = stdout.IndexOf("\n@[\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no stack key in:\n{stdout}");
        var end = stdout.IndexOf("]: ", start, StringComparison.Ordinal);
        return stdout[(start + 4)..end].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Trim()).ToList();
    }
}
