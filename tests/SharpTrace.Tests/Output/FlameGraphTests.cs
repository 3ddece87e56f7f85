using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using SharpTrace.Output;
using static SharpTrace.Tests.Output.OutputTestKit;

namespace SharpTrace.Tests.Output;

/// <summary>
/// <c>--flamegraph FILE.svg</c> (docs/stacks.md): the SVG drawn from folded stacks is well-formed XML, has one
/// rectangle per merged frame, widths proportional to the counts, and survives names full of markup.
/// </summary>
public sealed class FlameGraphTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // 100 samples: main (100) → work (70) → {compute (40), io (30)}, main → idle (30); "main;work 0" adds no frame.
    private const string Known = """
        main;work;compute 40
        main;work;io 30
        main;idle 30
        main;work 0
        """;

    private static XDocument Parse(string svg)
    {
        // XmlReader with the default (strict) settings rejects any well-formedness error or invalid character.
        using var reader = XmlReader.Create(new StringReader(svg), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        return XDocument.Load(reader);
    }

    private static List<XElement> Frames(XDocument svg) =>
        svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "f").ToList();

    private static string Name(XElement frame)
    {
        var title = frame.Element(Svg + "title")!.Value;
        return title[..title.LastIndexOf(" (", StringComparison.Ordinal)];
    }

    private static double Attribute(XElement element, string name) =>
        double.Parse(element.Attribute(name)!.Value, CultureInfo.InvariantCulture);

    [Fact]
    public void KnownInputHasOneRectanglePerMergedFrame()
    {
        var svg = Parse(FlameGraph.Render(FoldedStacks.Parse(Known)));

        var frames = Frames(svg);
        Assert.Equal(["all", "main", "idle", "work", "compute", "io"], frames.Select(Name));
        Assert.All(frames, f => Assert.Single(f.Elements(Svg + "rect")));
        Assert.Equal(frames.Count + 1, svg.Descendants(Svg + "rect").Count()); // and the background
    }

    [Fact]
    public void WidthsAreProportionalToCountsAndChildrenSitOnTheirParents()
    {
        var options = new FlameGraphOptions { Width = 1020 }; // 1000 pixels for 100 samples
        var svg = Parse(FlameGraph.Render(FoldedStacks.Parse(Known), options));

        var rects = Frames(svg).ToDictionary(Name, f => f.Element(Svg + "rect")!);
        var expected = new Dictionary<string, (double X, double Width)>
        {
            ["all"] = (10, 1000), ["main"] = (10, 1000),
            // Siblings sorted by name: idle before work, compute before io.
            ["idle"] = (10, 300), ["work"] = (310, 700),
            ["compute"] = (310, 400), ["io"] = (710, 300),
        };
        foreach (var (name, (x, width)) in expected)
        {
            Assert.Equal(x, Attribute(rects[name], "x"), 3);
            Assert.Equal(width, Attribute(rects[name], "width"), 3);
        }
        // The root at the bottom, each callee one frame above its caller.
        Assert.Equal(Attribute(rects["main"], "y") - 16, Attribute(rects["work"], "y"));
        Assert.Equal(Attribute(rects["work"], "y") - 16, Attribute(rects["io"], "y"));
        Assert.Equal(Attribute(rects["idle"], "y"), Attribute(rects["work"], "y"));
    }

    [Fact]
    public void TooltipsGiveCountsAndShares()
    {
        var svg = Parse(FlameGraph.Render(FoldedStacks.Parse(Known)));

        var titles = Frames(svg).Select(f => f.Element(Svg + "title")!.Value).ToList();
        Assert.Contains("work (70 samples, 70%)", titles);
        Assert.Contains("io (30 samples, 30%)", titles);
    }

    [Fact]
    public void FramesMergeOnlyUnderTheSameParent()
    {
        var svg = Parse(FlameGraph.Render(FoldedStacks.Parse("a;x 1\nb;x 1\na;x 2\n")));

        Assert.Equal(["all", "a", "x", "b", "x"], Frames(svg).Select(Name));
        Assert.Contains("x (3 samples, 75%)", Frames(svg).Select(f => f.Element(Svg + "title")!.Value));
    }

    [Fact]
    public void OddSymbolNamesAreEscaped()
    {
        string[] names = ["operator<<(std::ostream&, char const*)", "\"quoted\" & 'single'", "]]>", "bad\u0001byte", "raw\uDCFFbyte"];
        var svg = Parse(FlameGraph.Render(names.Select(n => new FoldedStack(["main", n], 1))));

        var shown = Frames(svg).Select(Name).ToHashSet();
        Assert.Contains("operator<<(std::ostream&, char const*)", shown);
        Assert.Contains("\"quoted\" & 'single'", shown);
        Assert.Contains("]]>", shown);
        // Characters XML cannot hold, and bytes that were not UTF-8, become U+FFFD.
        Assert.Contains("bad\uFFFDbyte", shown);
        Assert.Contains("raw\uFFFDbyte", shown);
    }

    [Fact]
    public void LongNamesAreCutToFitTheirFrame()
    {
        var name = new string('f', 300);
        var svg = Parse(FlameGraph.Render([new FoldedStack([name], 1), new FoldedStack(["tiny"], 99)]));

        var label = Frames(svg).Single(f => Name(f) == name).Element(Svg + "text")!.Value;
        Assert.Equal("", label); // 12 pixels wide: not even three characters fit
        var all = Frames(svg).Single(f => Name(f) == "all").Element(Svg + "text")!.Value;
        Assert.Equal("all", all);
    }

    [Fact]
    public void NoStacksStillMakeAValidSvgThatSaysSo()
    {
        var svg = Parse(FlameGraph.Render([]));

        Assert.Empty(Frames(svg));
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "No stacks were collected");
    }

    [Fact]
    public void TheScriptZoomsSearchesAndIsSafeInsideCdata()
    {
        var svg = Parse(FlameGraph.Render(FoldedStacks.Parse(Known)));

        var script = svg.Descendants(Svg + "script").Single().Value;
        Assert.DoesNotContain("]]>", FlameGraphScript.Source);
        Assert.Contains("function zoom(", script);
        Assert.Contains("new RegExp(", script);
        Assert.NotNull(svg.Descendants(Svg + "text").SingleOrDefault(t => (string?)t.Attribute("id") == "search"));
        Assert.NotNull(svg.Descendants(Svg + "text").SingleOrDefault(t => (string?)t.Attribute("id") == "unzoom"));
    }

    [Fact]
    public void WriterDrawsTheStackMapsPrintedAtExitOnceAndPassesEverythingOn()
    {
        var text = new StringWriter();
        var svgText = new StringWriter();
        var writer = new FlameGraphOutputWriter(new TextOutputWriter(text), svgText, "sharptrace -e 'profile:hz:99 { @[ustack] = sum(1); }'");
        var stack = new StackValue([new StackFrame(0x401010, "inner+16"), new StackFrame(0x401100, "main+4")]);

        writer.MapsAtExit([Keyed("@", E(new SumValue(5), stack)), Scalar("@n", new IntegerValue(1))]);
        writer.MapsAtExit([]);

        Assert.Equal("\n\n@[\n    inner+16\n    main+4\n]: 5\n@n: 1\n", text.ToString());
        var svg = Parse(svgText.ToString());
        Assert.Equal(["all", "main", "inner"], Frames(svg).Select(Name));
        Assert.Contains("inner (5 total, 100%)", Frames(svg).Select(f => f.Element(Svg + "title")!.Value));
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "sharptrace -e 'profile:hz:99 { @[ustack] = sum(1); }'");
    }
}
