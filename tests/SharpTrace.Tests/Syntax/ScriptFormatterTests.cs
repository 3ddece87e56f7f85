using System.Text;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Formatting;

namespace SharpTrace.Tests.Syntax;

/// <summary>
/// <c>--fmt</c> against bpftrace's formatter: its repository's scripts, which it keeps formatted, are fixed points
/// (see Syntax/Formatting/Bpftrace/README.md).
/// </summary>
public class ScriptFormatterTests
{
    private static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Syntax", "Formatting", "Bpftrace");

    private static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Syntax", "Corpus");

    public static TheoryData<string> BpftraceScripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(FixtureDirectory, "*.bt", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(FixtureDirectory, file));
        return data;
    }

    private static string Format(string text)
    {
        var tree = SyntaxTree.Parse(text);
        Assert.False(tree.HasErrors, string.Join("", tree.Diagnostics.Select(d => d.Format())));
        return ScriptFormatter.Format(tree);
    }

    [Fact]
    public void EveryBpftraceScriptWeParseIsAFixture() => Assert.Equal(83, BpftraceScripts().Count);

    [Theory]
    [MemberData(nameof(BpftraceScripts))]
    public void BpftraceFormattedScriptIsAFixedPoint(string file)
    {
        var text = File.ReadAllText(Path.Combine(FixtureDirectory, file));
        Assert.Equal(text, Format(text));
    }

    [Theory]
    [MemberData(nameof(BpftraceScripts))]
    public void MangledWhiteSpaceFormatsBackToBpftraceLayout(string file)
    {
        var text = File.ReadAllText(Path.Combine(FixtureDirectory, file));
        var mangled = Mangle(text);
        Assert.NotEqual(text, mangled);
        Assert.Equal(text, Format(mangled));
    }

    [Fact]
    public void FormattingOurCorpusIsIdempotentAndReparses()
    {
        var count = 0;
        foreach (var file in Directory.GetFiles(CorpusDirectory, "*.bt").Order(StringComparer.Ordinal))
            foreach (var script in File.ReadAllText(file).Split("\n// ---\n"))
            {
                var tree = SyntaxTree.Parse(script);
                if (tree.HasErrors)
                    continue;
                var once = ScriptFormatter.Format(tree);
                var twice = Format(once);
                Assert.True(once == twice, $"{Path.GetFileName(file)}:\n{once}\n---- formatted again ----\n{twice}");
                count++;
            }
        Assert.True(count > 100, $"only {count} scripts formatted");
    }

    [Fact]
    public void CommentsAreKeptWhereBpftraceKeepsThem()
    {
        const string script = """
            #!/usr/bin/env bpftrace
            /*
             * A tool.
             *
             * More.
             */

            // Before the probe.
            BEGIN   {
                // First.
               @x = 1;   // At the end.


               /* Inline */ @y=2;
            }
            // The end.
            """;
        Assert.Equal("""
            #!/usr/bin/env bpftrace
            // A tool.
            //
            // More.

            // Before the probe.
            BEGIN
            {
              // First.
              @x = 1;
              // At the end.


              // Inline
              @y = 2;
            }
            // The end.

            """, Format(script));
    }

    [Fact]
    public void LongArgumentListsBreakAtTheFirstFitAlignedUnderTheParenthesis()
    {
        // bpftrace tries the break positions as a bit mask counting up and takes the first whose lines all fit in
        // 80 columns (90, less the indentation and "printf("): the last break as early as possible (before
        // $argument7), then the earliest that makes the rest fit (before $argument1).
        var arguments = string.Join(", ", Enumerable.Range(1, 12).Select(i => $"$argument{i}"));
        var formatted = Format($"BEGIN {{ printf(\"%d %d %d %d %d %d %d %d %d %d %d %d\\n\", {arguments}); }}");
        Assert.Equal("""
            BEGIN
            {
              printf("%d %d %d %d %d %d %d %d %d %d %d %d\n",
                     $argument1, $argument2, $argument3, $argument4, $argument5, $argument6,
                     $argument7, $argument8, $argument9, $argument10, $argument11, $argument12);
            }

            """, formatted);
    }

    [Fact]
    public void OperandsThatAreNotSimpleGetParenthesesAndCompoundAssignmentsComeBack()
    {
        Assert.Equal("""
            BEGIN
            {
              @x = ($a + 1) * 2;
              @x += 1;
              $t = ((struct task_struct*)curtask).pid;
              if (($a == 1 && $b > 2) || (!$c)) {
                exit();
              } else if $a {
                exit();
              }
            }

            """, Format("BEGIN { @x = ($a+1)*2; @x = @x + 1; $t = ((struct task_struct *)curtask).pid; if (($a == 1 && $b > 2) || !$c) { exit(); } else if ($a) { exit(); } }"));
    }

    [Fact]
    public void ConditionsAndForHeadersLoseTheirParenthesesWhereBpftraceDropsThem()
    {
        // bpftrace's printer.cpp: a simple condition is bare, any other keeps its parentheses; a for header has none.
        Assert.Equal("""
            BEGIN
            {
              if $x {
                exit();
              }
              if (!$x) {
                exit();
              }
              while ($i < 5) {
                $i++;
              }
              while f($i) {
                $i++;
              }
              for $kv : @m {
                print($kv);
              }
              for $i : 0..($n + 1) {
                print($i);
              }
              unroll (2) {
                exit();
              }
            }

            """, Format("BEGIN { if ($x) { exit(); } if !$x { exit(); } while ($i < 5) { $i++; } while (f($i)) { $i++; } for ($kv : @m) { print($kv); } for $i : 0..($n+1) { print($i); } unroll 2 { exit(); } }"));
    }

    /// <summary>
    /// The script with its layout spoiled: indentation gone, spaces at the ends of lines, extra spaces after commas,
    /// opening parentheses and around <c>=</c>, and lines ending in <c>;</c>, <c>{</c> or <c>,</c> joined to the next where neither holds a
    /// comment or directive (a blank line, which the formatter keeps, is never joined).
    /// </summary>
    private static string Mangle(string text)
    {
        var lines = new List<(string Text, bool Kept)>();
        var inC = false;
        foreach (var line in text.Split('\n'))
        {
            // A C definition's text, a directive and a comment line are kept as written.
            var startsC = line.StartsWith("struct ", StringComparison.Ordinal) || line.StartsWith("union ", StringComparison.Ordinal)
                || line.StartsWith("enum ", StringComparison.Ordinal);
            var kept = inC || startsC || line.StartsWith('#') || line.TrimStart().StartsWith("//", StringComparison.Ordinal);
            inC = (inC || startsC) && !line.StartsWith('}');
            lines.Add(kept ? (line, true) : (Spread(line).TrimStart() + (line.Length > 0 ? "  " : ""), false));
        }
        var joined = new List<(string Text, bool Kept)>();
        foreach (var line in lines)
        {
            if (joined.Count > 0 && !joined[^1].Kept && !line.Kept && Joinable(joined[^1].Text.TrimEnd()) && line.Text.Length > 0 && !HasComment(line.Text))
                joined[^1] = (joined[^1].Text + "   " + line.Text, false);
            else
                joined.Add(line);
        }
        return string.Join('\n', joined.Select(line => line.Text));

        static bool HasComment(string line) => line.Contains("//", StringComparison.Ordinal) || line.Contains("/*", StringComparison.Ordinal);

        // Not an attach point line ("kprobe:a,"), nor one with a ':' of "? :" or "for ($k : @m)".
        static bool Joinable(string line) =>
            line.Length > 0 && line[^1] is ';' or '{' or ',' && !HasComment(line) && !line.Contains(':', StringComparison.Ordinal);
    }

    /// <summary>Extra spaces after <c>,</c> and <c>(</c> and around <c>=</c>, outside strings and comments.</summary>
    private static string Spread(string line)
    {
        if (line.Length == 0 || !char.IsWhiteSpace(line[0]))
            return line;
        var result = new StringBuilder();
        var inString = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (!inString && c == '/' && i + 1 < line.Length && line[i + 1] is '/' or '*')
                return result.Append(line[i..]).ToString();
            result.Append(c);
            if (c == '"' && (i == 0 || line[i - 1] != '\\' || (i > 1 && line[i - 2] == '\\')))
                inString = !inString;
            else if (!inString && c is ',' or '(')
                result.Append("  ");
            else if (!inString && c == '=' && i > 0 && line[i - 1] == ' ' && i + 1 < line.Length && line[i + 1] == ' ')
                result.Insert(result.Length - 1, "  ").Append(' ');
        }
        return result.ToString();
    }
}
