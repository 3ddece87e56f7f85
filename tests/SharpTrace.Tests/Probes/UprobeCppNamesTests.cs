using SharpTrace.Probes;

namespace SharpTrace.Tests.Probes;

/// <summary>
/// The <c>cpp</c> qualifier's matching of a name against mangled symbols, as the newest bpftrace matches: the demangled
/// name without its parameters unless the pattern writes a <c>(</c>, the mangled name itself too.
/// </summary>
public sealed class UprobeCppNamesTests
{
    [Theory]
    [InlineData("shapes::area", "_ZN6shapes4areaEii", true)]
    [InlineData("shapes::scale", "_ZN6shapes5scaleEi", true)]
    [InlineData("shapes::scale", "_ZN6shapes5scaleEls", true)]
    [InlineData("shapes::scale(int)", "_ZN6shapes5scaleEi", true)]
    [InlineData("shapes::scale(int)", "_ZN6shapes5scaleEls", false)]
    [InlineData("shapes::*", "_ZN6shapes7counter3addEiPKNS_5pointE", true)]
    [InlineData("shapes::counter::add", "_ZN6shapes7counter3addEiPKNS_5pointE", true)]
    [InlineData("*add", "_ZN6shapes7counter3addEiPKNS_5pointE", true)]
    [InlineData("shapes::are", "_ZN6shapes4areaEii", false)]
    [InlineData("_ZN6shapes4areaEii", "_ZN6shapes4areaEii", true)]
    [InlineData("main", "main", true)]
    [InlineData("shapes::area", "main", false)]
    public void NamesMatchDemangledSymbols(string pattern, string symbol, bool matches) =>
        Assert.Equal(matches, UprobeCppNames.Matches(pattern, symbol));

    [Theory]
    [InlineData("shapes::area(int, int)", "shapes::area")]
    [InlineData("shapes::counter::get() const", "shapes::counter::get")]
    [InlineData("f(void (*)(int))", "f")]
    [InlineData("no_parameters", "no_parameters")]
    public void ParameterListsAreLeftOut(string demangled, string expected) =>
        Assert.Equal(expected, UprobeCppNames.WithoutParameters(demangled));

    [Fact]
    public void ListedNamesAreQuotedDemangledNames()
    {
        Assert.Equal("\"shapes::scale(long, short)\"", UprobeCppNames.Listed("_ZN6shapes5scaleEls"));
        Assert.Equal("main", UprobeCppNames.Listed("main"));
    }
}
