using System.Diagnostics;
using SharpTrace.Kernel.Elf;
using SharpTrace.Output;

namespace SharpTrace.Tests.Stacks;

/// <summary>Our Itanium C++ demangler against binutils' <c>c++filt</c>: chosen forms, and every function name of libstdc++.</summary>
public sealed class CppDemanglerTests
{
    [Theory]
    [InlineData("_ZN3foo3barEv")]
    [InlineData("_ZNKSt6vectorIiSaIiEE4sizeEv")]
    [InlineData("_Z3addii")]
    [InlineData("_ZN9__gnu_cxx13new_allocatorIcE8allocateEmPKv")]
    [InlineData("_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEC2EPKcRKS3_")]
    [InlineData("_ZN2ns5ClassD1Ev")]
    [InlineData("_ZN2ns5ClassC2ERKS0_")]
    [InlineData("_ZL6helperPKcz")]
    [InlineData("_ZNK2ns1AIiE3getEv")]
    [InlineData("_Z1fIiEvT_")]
    [InlineData("_ZplRK1AS1_")]
    [InlineData("_ZN1A1BIJidEE1fEv")]
    [InlineData("_ZSt4swapIiEvRT_S1_")]
    [InlineData("_Z1fPFviE")]
    [InlineData("_Z1fA10_i")]
    [InlineData("_ZN3foo3barB5cxx11Ev")]
    [InlineData("_Z3fooILi5EEvv")]
    [InlineData("_ZN1AcvbEv")]
    [InlineData("_Z1gRA3_Ki")]
    [InlineData("_ZTV3Foo")]
    [InlineData("_ZZ3foovE1x")]
    [InlineData("_Z5levelv.cold")]
    [InlineData("_ZN12_GLOBAL__N_16workerEv")]
    public void DemanglesAsCppfilt(string mangled)
    {
        Assert.Equal(Cppfilt([mangled])[0], CppDemangler.Demangle(mangled));
    }

    [Theory]
    [InlineData("main")]
    [InlineData("_Z")]
    [InlineData("_Z3foo")]
    [InlineData("_ZN3fooE_garbage")]
    public void LeavesWhatIsNoMangledNameAlone(string symbol)
    {
        var demangled = CppDemangler.Demangle(symbol);

        Assert.True(demangled is null || demangled == Cppfilt([symbol])[0], demangled);
    }

    [Fact]
    public void DemanglesMostOfLibstdcxxExactlyAsCppfilt()
    {
        var library = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6" }.First(File.Exists);
        var names = ElfFile.Read(library).Functions.Select(f => f.Name).Where(n => n.StartsWith("_Z", StringComparison.Ordinal)).ToList();
        var expected = Cppfilt(names);

        var demangled = 0;
        var wrong = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            if (CppDemangler.Demangle(names[i]) is not { } ours)
                continue;
            if (ours != expected[i])
                wrong.Add($"{names[i]}: c++filt {expected[i]}, ours {ours}");
            demangled++;
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} differ:\n{string.Join("\n", wrong.Take(30))}");
        // The rest (lambdas, decltype expressions, unusual template forms) stay mangled rather than wrong.
        Assert.True(demangled > names.Count * 8 / 10, $"demangled {demangled} of {names.Count}");
    }

    private static string[] Cppfilt(IReadOnlyList<string> names)
    {
        var start = new ProcessStartInfo("c++filt") { RedirectStandardInput = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-n");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        foreach (var name in names)
            process.StandardInput.WriteLine(name);
        process.StandardInput.Close();
        process.WaitForExit();
        return output.Result.Split('\n')[..names.Count];
    }
}
