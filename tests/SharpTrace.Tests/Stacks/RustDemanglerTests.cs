using System.Diagnostics;
using System.Text.RegularExpressions;
using SharpTrace.Output;

namespace SharpTrace.Tests.Stacks;

/// <summary>
/// Our Rust demangler against binutils' <c>c++filt</c>, which reads both of rustc's schemes. We print names as
/// rustfilt does, without hashes: c++filt keeps a legacy name's hash (<c>::h0123…</c>) and a v0 crate's
/// disambiguator (<c>std[a1b2…]</c>) and a constant's type (<c>4: usize</c>), which the comparison leaves out of its lines. rust-symbols.txt holds symbols
/// of tests/programs/rust/rust_chain.rs built by rustc 1.95 twice (legacy and v0 names), its standard library's
/// included.
/// </summary>
public sealed partial class RustDemanglerTests
{
    [Theory]
    [InlineData("_ZN10rust_chain4leaf17hdf4fe90b93c30019E", "rust_chain::leaf")]
    [InlineData("_ZN55_$LT$rust_chain..Twice$u20$as$u20$rust_chain..Scale$GT$5scale17h00ecdf79e375572eE", "<rust_chain::Twice as rust_chain::Scale>::scale")]
    [InlineData("_ZN10rust_chain5outer28_$u7b$$u7b$closure$u7d$$u7d$17hd7d82ea373b1547bE", "rust_chain::outer::{{closure}}")]
    [InlineData("_ZN10rust_chain4leaf17hdf4fe90b93c30019E.llvm.1234", "rust_chain::leaf")]
    [InlineData("_RNvCs8kn2V5LwZTM_10rust_chain4leaf", "rust_chain::leaf")]
    [InlineData("_RNCNvCs8kn2V5LwZTM_10rust_chain5outer0B3_", "rust_chain::outer::{closure#0}")]
    [InlineData("_RINvCs8kn2V5LwZTM_10rust_chain6middleNtB2_5TwiceEB2_", "rust_chain::middle::<rust_chain::Twice>")]
    [InlineData("_RNvXCs8kn2V5LwZTM_10rust_chainNtB2_5TwiceNtB2_5Scale5scale", "<rust_chain::Twice as rust_chain::Scale>::scale")]
    // RFC 3492's example, in Rust's form of Punycode (_ for the last -).
    [InlineData("_RNvCs8kn2V5LwZTM_10rust_chainu10Mnchen_3ya", "rust_chain::München")]
    public void DemanglesChosenForms(string symbol, string expected) => Assert.Equal(expected, RustDemangler.Demangle(symbol));

    [Theory]
    [InlineData("main")]
    [InlineData("_ZN3foo3barEv")] // C++
    [InlineData("_ZN3foo3barE")] // no hash: C++ too
    [InlineData("_R")]
    [InlineData("_RNvC")]
    [InlineData("_RNvCs8kn2V5LwZTM_10rust_chain4lea")]
    [InlineData("_RB9_")] // a back-reference forward
    public void LeavesWhatIsNoRustNameAlone(string symbol) => Assert.Null(RustDemangler.Demangle(symbol));

    [Fact]
    public void DemanglesEveryRustcSymbolAsCppfiltWithoutHashes()
    {
        var names = File.ReadAllLines(Path.Combine(SourceTree.TestProject, "Stacks", "rust-symbols.txt")).Where(l => l.Length > 0).ToList();
        var expected = Cppfilt(names);

        var wrong = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var reference = ConstantType().Replace(CrateDisambiguator().Replace(LegacyHash().Replace(expected[i], ""), ""), "$1");
            if (RustDemangler.Demangle(names[i]) != reference)
                wrong.Add($"{names[i]}: c++filt {reference}, ours {RustDemangler.Demangle(names[i]) ?? "(null)"}");
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {names.Count} differ:\n{string.Join("\n", wrong.Take(20))}");
    }

    private static string[] Cppfilt(IReadOnlyList<string> names)
    {
        var start = new ProcessStartInfo("c++filt") { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        foreach (var name in names)
            process.StandardInput.WriteLine(name);
        process.StandardInput.Close();
        process.WaitForExit();
        return output.Result.Split('\n')[..names.Count];
    }

    [GeneratedRegex(@"::h[0-9a-f]{16}$")]
    private static partial Regex LegacyHash();

    [GeneratedRegex(@"\[[0-9a-f]+\]")]
    private static partial Regex CrateDisambiguator();

    [GeneratedRegex(@"(\b-?\d+): (?:[iu](?:8|16|32|64|128|size))\b")]
    private static partial Regex ConstantType();
}
