using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>How a flame graph looks: its title, the word for its counts, its size.</summary>
internal sealed record FlameGraphOptions
{
    /// <summary>The heading at the top.</summary>
    public string Title { get; init; } = "Flame Graph";

    /// <summary>A line under the heading (what was traced), or null.</summary>
    public string? Subtitle { get; init; }

    /// <summary>What the counts are, in tooltips: <c>samples</c> for count(), a word such as <c>total</c> for sums.</summary>
    public string Unit { get; init; } = "samples";

    /// <summary>The width of the image in pixels.</summary>
    public int Width { get; init; } = 1200;

    /// <summary>The height of one frame in pixels.</summary>
    public int FrameHeight { get; init; } = 16;

    /// <summary>Frames narrower than this many pixels are left out (they could not be seen or clicked).</summary>
    public double MinFrameWidth { get; init; } = 0.1;
}

/// <summary>
/// Draws folded stacks as an interactive SVG flame graph (docs/stacks.md): one rectangle per frame, the root at the
/// bottom, each frame as wide as the counts of the stacks that pass through it, callers below their callees. Frames
/// with the same name under the same parent are merged, and siblings are sorted by name, so the x axis is no time
/// axis. A small embedded script zooms into a clicked frame, searches frames by regular expression, and shows the
/// frame under the pointer; each frame's <c>title</c> element is its tooltip.
/// </summary>
internal static class FlameGraph
{
    private const int Padding = 10;
    private const int FontSize = 12;
    // Average width of a character of FontSize in Verdana, relative to the font size: used to cut labels to fit.
    private const double CharWidth = 0.59;
    private const int TitleHeight = FontSize * 5;
    private const int FooterHeight = FontSize * 3;

    /// <summary>The SVG document of <paramref name="stacks"/>; stacks that weigh nothing or less are left out.</summary>
    public static string Render(IEnumerable<FoldedStack> stacks, FlameGraphOptions? options = null)
    {
        options ??= new FlameGraphOptions();
        var root = Frame.Build(stacks.Where(s => s.Count > 0));
        var usable = options.Width - 2 * Padding;
        var scale = root.Count == 0 ? 0 : usable / (double)root.Count;
        var visible = new List<Frame>();
        root.Collect(visible, f => f.Count * scale >= options.MinFrameWidth);
        var depth = visible.Count == 0 ? 0 : visible.Max(f => f.Depth) + 1;
        var height = TitleHeight + depth * options.FrameHeight + FooterHeight;
        var graph = new Graph(options, height, scale, root.Count);

        var svg = new StringBuilder();
        graph.Header(svg);
        if (root.Count == 0)
            svg.Append(graph.Text(options.Width / 2.0, TitleHeight + FontSize * 2, "No stacks were collected", "middle", "empty"));
        foreach (var frame in visible)
            graph.AppendFrame(svg, frame);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Text as XML character data or an attribute value: markup characters escaped, characters XML cannot hold replaced by U+FFFD.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        var valid = RawText.ToValidUnicode(text);
        for (var i = 0; i < valid.Length; i++)
        {
            var c = valid[i];
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&apos;"); break;
                case '\t' or '\n' or '\r': escaped.Append(c); break;
                case < ' ' or '\uFFFE' or '\uFFFF': escaped.Append('\uFFFD'); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < valid.Length && char.IsLowSurrogate(valid[i + 1]))
                        escaped.Append(c).Append(valid[++i]);
                    else
                        escaped.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
                    break;
            }
        }
        return escaped.ToString();
    }

    /// <summary>A frame of the merged tree: its name, the counts through it, where it starts (in counts) and its depth.</summary>
    private sealed class Frame(string name, int depth)
    {
        private readonly Dictionary<string, Frame> _children = new(StringComparer.Ordinal);

        public string Name { get; } = name;
        public int Depth { get; } = depth;
        public long Count { get; private set; }
        public long Start { get; private set; }

        public static Frame Build(IEnumerable<FoldedStack> stacks)
        {
            var root = new Frame("all", 0);
            foreach (var stack in stacks)
            {
                var frame = root;
                frame.Count += stack.Count;
                foreach (var name in stack.Frames)
                {
                    if (!frame._children.TryGetValue(name, out var child))
                        frame._children[name] = child = new Frame(name, frame.Depth + 1);
                    child.Count += stack.Count;
                    frame = child;
                }
            }
            root.Place(0);
            return root;
        }

        // Children sorted by name, laid side by side from the parent's start; what is left at the end is the parent's own.
        private void Place(long start)
        {
            Start = start;
            foreach (var child in _children.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                child.Place(start);
                start += child.Count;
            }
        }

        // Parents before children, siblings by name: every frame the filter keeps, below a kept parent.
        public void Collect(List<Frame> frames, Func<Frame, bool> keep)
        {
            if (Count == 0 || !keep(this))
                return;
            frames.Add(this);
            foreach (var child in _children.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
                child.Collect(frames, keep);
        }
    }

    /// <summary>The drawing: sizes and the writing of each part.</summary>
    private sealed class Graph(FlameGraphOptions options, int height, double scale, long total)
    {
        public void Header(StringBuilder svg)
        {
            var width = options.Width;
            svg.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"")
                .Append(CultureInfo.InvariantCulture, $" data-pad=\"{Padding}\" data-total=\"{total}\" data-min=\"{Number(options.MinFrameWidth)}\" data-char=\"{Number(FontSize * CharWidth)}\" data-unit=\"{Escape(options.Unit)}\">\n")
                .Append("<style>\n")
                .Append("text { font-family: Verdana, sans-serif; font-size: ").Append(FontSize).Append("px; fill: #000; }\n")
                .Append("#title { font-size: ").Append(FontSize + 5).Append("px; }\n")
                .Append("#subtitle { fill: #555; }\n")
                .Append("g.f text { pointer-events: none; }\n")
                .Append("g.f:hover rect { stroke: #000; stroke-width: 0.5; }\n")
                .Append("g.f.above rect { opacity: 0.5; }\n")
                .Append(".button { cursor: pointer; fill: #335; }\n")
                .Append(".button:hover { text-decoration: underline; }\n")
                .Append("#unzoom { visibility: hidden; }\n")
                .Append("</style>\n")
                .Append("<defs><linearGradient id=\"background\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">")
                .Append("<stop offset=\"5%\" stop-color=\"#f0f0f0\"/><stop offset=\"95%\" stop-color=\"#e6e6f0\"/></linearGradient></defs>\n")
                .Append(CultureInfo.InvariantCulture, $"<rect id=\"canvas\" x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"url(#background)\"/>\n")
                .Append(Text(width / 2.0, FontSize * 2, options.Title, "middle", "title"));
            if (options.Subtitle is { } subtitle)
                svg.Append(Text(width / 2.0, FontSize * 3.5, subtitle, "middle", "subtitle"));
            svg.Append(Text(Padding, FontSize * 2, "Reset Zoom", "start", "unzoom", "button"))
                .Append(Text(width - Padding, FontSize * 2, "Search", "end", "search", "button"))
                .Append(Text(Padding, height - FontSize, "", "start", "details"))
                .Append(Text(width - Padding, height - FontSize, "", "end", "matched"))
                .Append("<script type=\"text/ecmascript\"><![CDATA[\n").Append(FlameGraphScript.Source).Append("]]></script>\n");
        }

        public void AppendFrame(StringBuilder svg, Frame frame)
        {
            var x = Padding + frame.Start * scale;
            var width = frame.Count * scale;
            var y = height - FooterHeight - (frame.Depth + 1) * options.FrameHeight;
            var percent = total == 0 ? 0 : 100.0 * frame.Count / total;
            // "1 sample", "2 samples"; other units ("total") have no plural.
            var unit = frame.Count == 1 && options.Unit.EndsWith('s') ? options.Unit[..^1] : options.Unit;
            var tooltip = FormattableString.Invariant($"{frame.Name} ({frame.Count:N0} {unit}, {percent:0.##}%)");
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"f\" data-x=\"{frame.Start}\" data-w=\"{frame.Count}\" data-d=\"{frame.Depth}\">")
                .Append("<title>").Append(Escape(tooltip)).Append("</title>")
                .Append(CultureInfo.InvariantCulture, $"<rect x=\"{Number(x)}\" y=\"{y}\" width=\"{Number(width)}\" height=\"{options.FrameHeight - 1}\" rx=\"2\" fill=\"{Color(frame)}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Number(x + 3)}\" y=\"{Number(y + options.FrameHeight - 4.5)}\">{Escape(Label(frame.Name, width))}</text>")
                .Append("</g>\n");
        }

        public string Text(double x, double y, string text, string anchor, string id, string? cssClass = null) =>
            FormattableString.Invariant($"<text id=\"{id}\" x=\"{Number(x)}\" y=\"{Number(y)}\" text-anchor=\"{anchor}\"")
            + (cssClass is null ? "" : $" class=\"{cssClass}\"") + ">" + Escape(text) + "</text>\n";

        // The name if it fits in the frame, else as much as fits followed by "..", else nothing; the script cuts the
        // same way when zooming.
        private static string Label(string name, double width)
        {
            var fits = (int)((width - 6) / (FontSize * CharWidth));
            if (fits < 3)
                return "";
            return name.Length <= fits ? name : name[..(fits - 2)] + "..";
        }

        // Warm colours (reds, oranges, yellows) picked by the name, so one function has one colour in every graph;
        // the root is grey.
        private static string Color(Frame frame)
        {
            if (frame.Depth == 0)
                return "rgb(200,200,200)";
            var hash = 2166136261u;
            foreach (var c in frame.Name)
                hash = (hash ^ c) * 16777619u;
            var red = 205 + (int)(hash % 51);
            var green = (int)(hash / 51 % 231);
            var blue = (int)(hash / (51 * 231) % 56);
            return FormattableString.Invariant($"rgb({red},{green},{blue})");
        }

        private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
