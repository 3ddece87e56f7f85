using System.Diagnostics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Syntax;

/// <summary>
/// Random and mutated token streams never make the parser throw or hang. The seed is fixed; the number of cases
/// comes from SHARPTRACE_FUZZ_CASES (default 100,000), so a longer run is one environment variable away.
/// </summary>
public class FuzzTests
{
    private const int Seed = 20240601;

    private static int Cases =>
        int.TryParse(Environment.GetEnvironmentVariable("SHARPTRACE_FUZZ_CASES"), out var n) && n > 0 ? n : 100_000;

    /// <summary>
    /// SHARPTRACE_FUZZ_FROM: the first case checked (default 0). The cases before it are still generated, so case N is
    /// the same script whatever the start: a failure a long run found far in is reproduced without parsing the rest.
    /// </summary>
    private static int FirstCase =>
        int.TryParse(Environment.GetEnvironmentVariable("SHARPTRACE_FUZZ_FROM"), out var n) && n > 0 ? n : 0;

    // Fragments a script is made of: every fixed token, names, literals, attach points, comments and bad text.
    private static readonly string[] Fragments =
    [
        .. TokenFacts.Operators.Select(o => o.Text),
        .. TokenFacts.Keywords.Keys,
        "BEGIN", "END", "kprobe:f", "tracepoint:syscalls:sys_enter_openat", "uprobe:/bin/bash:readline+10",
        "uprobe:\"/a b\":f", "interval:s:1", "config", "let", "macro", "import", "args", "pid", "printf", "count",
        "@", "@x", "$x", "$1", "$#", "$", "0", "42", "0x1f", "077", "1_000", "5ms", "2e3", "0x", "99999999999999999999",
        "\"str\"", "\"esc\\n\\x41\\101\"", "\"unterminated", "\"\\q\"", "// c\n", "/* c */", "/* open", "#include <x.h>\n",
        "#!", "\n", " ", "\t", "`", "é", "\0", "struct s { int x; };", "(uint32)", "(struct task_struct *)", "..",
    ];

    private static readonly string[] Seeds =
    [
        "BEGIN { printf(\"hello\\n\"); @x = 1; }",
        "tracepoint:syscalls:sys_enter_openat /comm == \"bash\"/ { @[comm, pid] = count(); $x = args.filename; }",
        "kprobe:f,kprobe:g { if ($1 > 2) { @a++ } else { delete(@m[1]) } }",
        "config = { a = 1 } let @m = hash(2); macro f($a) { $a + 1 } END { for ($kv : @m) { print($kv.0) } }",
        "BEGIN { $t = (1, \"a\"); @s = sizeof(struct x); $y = (int8)-1 ? $t.0 : 3 << 2; while (1) { break } }",
    ];

    [Fact]
    public void RandomTokenStreamsNeverThrowOrHang()
    {
        var random = new Random(Seed);
        var (cases, first) = (Cases, FirstCase);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < cases; i++)
        {
            var count = random.Next(1, 40);
            var text = string.Join(random.Next(3) == 0 ? "" : " ", Enumerable.Range(0, count).Select(_ => Fragments[random.Next(Fragments.Length)]));
            if (i >= first)
                AssertParsesQuickly(text, i);
            ReportProgress("random token streams", i, clock);
        }
    }

    [Fact]
    public void MutatedScriptsNeverThrowOrHang()
    {
        var random = new Random(Seed + 1);
        var (cases, first) = (Cases, FirstCase);
        var corpus = Seeds.ToList();
        var corpusDirectory = Path.Combine(AppContext.BaseDirectory, "Syntax", "Corpus");
        if (Directory.Exists(corpusDirectory))
            corpus.AddRange(Directory.GetFiles(corpusDirectory, "*.bt").Order().Select(File.ReadAllText));

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < cases; i++)
        {
            var text = corpus[random.Next(corpus.Count)];
            var mutations = random.Next(1, 6);
            for (var m = 0; m < mutations; m++)
                text = Mutate(text, random);
            if (i >= first)
                AssertParsesQuickly(text, i);
            ReportProgress("mutated scripts (parser)", i, clock);
        }
    }

    /// <summary>The CPU time the calling thread has used (utime and stime of proc(5), in ticks of 1/100 s).</summary>
    private static TimeSpan ThreadCpuTime()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>With SHARPTRACE_FUZZ_PROGRESS naming a file, a line every 100,000 cases: how far a long run got.</summary>
    private static void ReportProgress(string test, int index, Stopwatch clock)
    {
        if ((index + 1) % 100_000 == 0 && Environment.GetEnvironmentVariable("SHARPTRACE_FUZZ_PROGRESS") is { Length: > 0 } path)
            File.AppendAllText(path, $"{DateTime.UtcNow:HH:mm:ss} {test}: {index + 1} cases passed in {clock.Elapsed.TotalSeconds:0} s\n");
    }

    private static string Mutate(string text, Random random)
    {
        if (text.Length == 0)
            return Fragments[random.Next(Fragments.Length)];
        var at = random.Next(text.Length);
        var length = Math.Min(text.Length - at, random.Next(1, 12));
        return random.Next(4) switch
        {
            0 => text.Remove(at, length),
            1 => text.Insert(at, Fragments[random.Next(Fragments.Length)]),
            2 => text.Insert(at, text.Substring(random.Next(text.Length - length + 1), length)),
            _ => text[..at] + text[(at + length)..].Insert(0, Fragments[random.Next(Fragments.Length)]),
        };
    }

    private static void AssertParsesQuickly(string text, int index)
    {
        var stopwatch = Stopwatch.StartNew();
        SyntaxTree tree;
        try
        {
            tree = SyntaxTree.Parse(text);
        }
        catch (Exception e)
        {
            Assert.Fail($"Parse threw {e.GetType().Name} for case {index}:\n{text}\n{e}");
            return;
        }
        if (stopwatch.ElapsedMilliseconds >= 2000)
        {
            // Wall time counts the time the machine gave to others (a long run at nice 19 on a loaded machine, where a
            // parse of a few microseconds once took 16 s): the parse is timed again in this thread's CPU time, which
            // only a parser that really loops spends.
            var cpu = ThreadCpuTime();
            SyntaxTree.Parse(text);
            var spent = ThreadCpuTime() - cpu;
            Assert.True(spent < TimeSpan.FromSeconds(2), $"Parse took {spent.TotalMilliseconds} ms of CPU time ({stopwatch.ElapsedMilliseconds} ms) for case {index}:\n{text}");
        }
        foreach (var diagnostic in tree.Diagnostics)
        {
            Assert.InRange(diagnostic.Span.Start, 0, text.Length);
            Assert.InRange(diagnostic.Span.End, diagnostic.Span.Start, text.Length);
            diagnostic.Format();
        }
        // Error-free results must survive the round trip too.
        if (tree.Diagnostics.Count == 0)
        {
            var unparsed = Unparser.Unparse(tree.Root);
            var reparsed = SyntaxTree.Parse(unparsed);
            Assert.True(reparsed.Diagnostics.Count == 0, $"unparse of case {index}:\n{text}\ngave:\n{unparsed}\n{string.Concat(reparsed.Diagnostics.Select(d => d.Format()))}");
            string before = AstPrinter.Print(tree.Root), after = AstPrinter.Print(reparsed.Root);
            if (before != after)
                Assert.Fail($"case {index}:\n{text}\nparses to:\n{before}\nbut its unparse:\n{unparsed}\nparses to:\n{after}");
        }
        else
            AstPrinter.Print(tree.Root);
    }
}
