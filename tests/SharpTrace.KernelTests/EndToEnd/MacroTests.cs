using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// Scripts with macros, run in the kernel. bpftrace 0.17 has no macros: the reference is bpftrace 0.17 running the
/// script expanded by hand (as the newest bpftrace's documentation says a call expands), and the values the test can
/// know itself (the child's pid, its comm).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class MacroTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    // A predicate macro, a macro changing the caller's $n and @opens, and one with a local of its own ($v, renamed).
    private static string WithMacros(string path) => $$"""
        macro is_target(p) { str(p) == "{{path}}" }
        macro tally($n, @by) { $n += 1; @by[comm] = count(); $n }
        macro twice(x) { let $v = x; $v * 2 }
        tracepoint:syscalls:sys_enter_openat / is_target(args->filename) / {
          $v = 40;
          $n = 41;
          $r = tally($n, @opens);
          printf("%d %d %d %d %s\n", pid, twice(pid) - pid, $n + $r, $v, comm);
          exit();
        }
        """;

    private static string ExpandedByHand(string path) => $$"""
        tracepoint:syscalls:sys_enter_openat / str(args->filename) == "{{path}}" / {
          $v = 40;
          $n = 41;
          $n += 1; @opens[comm] = count(); $r = $n;
          $w = pid;
          printf("%d %d %d %d %s\n", pid, $w * 2 - pid, $n + $r, $v, comm);
          exit();
        }
        """;

    private static async Task<(RunResult Result, int ChildPid)> TraceOneOpenAsync(TracerProcess tool, string path)
    {
        await tool.WaitForAttachedAsync(Bound);
        using var child = System.Diagnostics.Process.Start(TestPrograms.PathOf("opener"), path)!;
        await child.WaitForExitAsync().WaitAsync(Bound);
        return (await tool.WaitForExitAsync(Bound), child.Id);
    }

    [Fact]
    public async Task MacroScriptPrintsWhatBpftracePrintsForItsExpansion()
    {
        var path = $"/tmp/sharptrace-macro-{Guid.NewGuid():N}";
        using var bpftrace = BpftraceRun.Start(["-e", ExpandedByHand(path)]);
        var (expected, bpftraceChild) = await TraceOneOpenAsync(bpftrace, path);
        using var sharptrace = SharpTraceRun.Start(["-e", WithMacros(path)]);
        var (actual, child) = await TraceOneOpenAsync(sharptrace, path);

        Assert.Equal((0, $"{bpftraceChild} {bpftraceChild} 84 40 opener\n\n\n@opens[opener]: 1\n"), (expected.ExitCode, expected.Stdout));
        Assert.Equal((0, $"{child} {child} 84 40 opener\n\n\n@opens[opener]: 1\n"), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task MacroScriptJsonIsWhatBpftracePrintsForItsExpansion()
    {
        var path = $"/tmp/sharptrace-macro-{Guid.NewGuid():N}";
        using var bpftrace = BpftraceRun.Start(["-f", "json", "-e", ExpandedByHand(path)]);
        var (expected, bpftraceChild) = await TraceOneOpenAsync(bpftrace, path);
        using var sharptrace = SharpTraceRun.Start(["-f", "json", "-e", WithMacros(path)]);
        var (actual, child) = await TraceOneOpenAsync(sharptrace, path);

        Assert.Equal((0, 0), (expected.ExitCode, actual.ExitCode));
        var ours = JsonLines.NonEmpty(actual.Stdout);
        Assert.Equal(JsonLines.NonEmpty(expected.Stdout).Select(l => l.Replace($"{bpftraceChild}", "PID", StringComparison.Ordinal)),
            ours.Select(l => l.Replace($"{child}", "PID", StringComparison.Ordinal)));
        Assert.Contains($"{child} {child} 84 40 opener", actual.Stdout, StringComparison.Ordinal);
        JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MacrosImportedFromAFilePrintWhatBpftracePrintsForTheExpansion(bool json)
    {
        // The macros in helpers.bt, the probe in main.bt, in a directory only we can write (bpftrace refuses others).
        var path = $"/tmp/sharptrace-macro-{Guid.NewGuid():N}";
        var dir = Directory.CreateTempSubdirectory("sharptrace-import-");
        try
        {
            var script = WithMacros(path);
            var probeStart = script.IndexOf("tracepoint:", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir.FullName, "helpers.bt"), script[..probeStart]);
            var main = Path.Combine(dir.FullName, "main.bt");
            File.WriteAllText(main, "import \"helpers.bt\";\n" + script[probeStart..]);
            string[] format = json ? ["-f", "json"] : [];

            using var bpftrace = BpftraceRun.Start([.. format, "-e", ExpandedByHand(path)]);
            var (expected, bpftraceChild) = await TraceOneOpenAsync(bpftrace, path);
            using var sharptrace = SharpTraceRun.Start([.. format, main]);
            var (actual, child) = await TraceOneOpenAsync(sharptrace, path);

            Assert.Equal((0, 0), (expected.ExitCode, actual.ExitCode));
            Assert.Equal(JsonLines.NonEmpty(expected.Stdout).Select(l => l.Replace($"{bpftraceChild}", "PID", StringComparison.Ordinal)),
                JsonLines.NonEmpty(actual.Stdout).Select(l => l.Replace($"{child}", "PID", StringComparison.Ordinal)));
            Assert.Contains($"{child} {child} 84 40 opener", actual.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // (script with macros, the same expanded by hand for bpftrace 0.17, which has neither macros nor let). Each sets a
    // map: bpftrace 0.17 prints two empty lines at exit even when there is no map to print, and we print none.
    public static TheoryData<string, string> BeginScripts => new()
    {
        {
            // $u is assigned before the loop: one first assigned in its body would be unknown after it (block scoping).
            """macro inc($x) { $x += 1; $x } BEGIN { $t = 0; $i = 0; $u = 0; while ($i < 3) { $u = inc($t); $i++; } printf("%d %d\n", $t, $u); @t = $t; exit(); }""",
            """BEGIN { $t = 0; $i = 0; $u = 0; while ($i < 3) { $t += 1; $u = $t; $i++; } printf("%d %d\n", $t, $u); @t = $t; exit(); }"""
        },
        {
            """macro s(x) { let $q = x; $q } macro tag(@m, k) { @m[k] = count(); } BEGIN { tag(@names, s("key")); printf("%s\n", s("abc")); exit(); }""",
            """BEGIN { $q = "key"; @names[$q] = count(); $r = "abc"; printf("%s\n", $r); exit(); }"""
        },
        {
            """macro big() { let $p = pid; $p > 1 } macro one() { 1 } BEGIN / big() / { printf("%d %d\n", one, one() + one); @done = 1; exit(); }""",
            """BEGIN / pid > 1 / { printf("%d %d\n", 1, 1 + 1); @done = 1; exit(); }"""
        },
    };

    [Theory]
    [MemberData(nameof(BeginScripts))]
    public async Task TextIsWhatBpftracePrintsForTheExpansion(string script, string expanded)
    {
        await AgainstBpftrace.AssertTextMatchesAsync(expanded, ourScript: script);
    }

    [Theory]
    [MemberData(nameof(BeginScripts))]
    public async Task JsonIsWhatBpftracePrintsForTheExpansion(string script, string expanded)
    {
        await AgainstBpftrace.AssertJsonLinesMatchAsync(expanded, ourScript: script);
    }

    [Fact]
    public async Task DocumentedExamplesPrintWhatTheDocumentationSays()
    {
        // docs/language.md's examples, with print(x) written as printf (the values the comments give: 1 1 11 3 17 3).
        var result = await SharpTraceRun.RunAsync(["-e", """
            macro one() { 1 }
            macro add_one(x) { x + 1 }
            macro add_one_to_each($a, @b) { $a += 1; @b += 1; }
            macro side_effects(x) { x; x; x; }
            macro add_two(x) { add_one(x) + 1 }
            BEGIN {
              printf("%d %d", one(), one);
              $a = 10;
              printf(" %d %d", add_one($a), add_one(1 + 1));
              @b = 5;
              add_one_to_each($a, @b);
              printf(" %d", $a + @b);
              side_effects(printf("hi"));
              printf(" %d\n", add_two(1));
              exit();
            }
            """]);

        Assert.Equal((0, "1 1 11 3 17hihihi 3\n\n\n@b: 6\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task TypeArgumentsPrintWhatTheNewestBpftracesDocsAndTestsSay()
    {
        // bpftrace 0.17 has no macros nor typeof: the newest's docs/language.md (p_cast prints 0xff, its int8 -1
        // zero-extended to a uint8 *) and tests/runtime/macro ("it accepts typeof expressions…": 25, 10, 0xff).
        var result = await SharpTraceRun.RunAsync(["-e", """
            struct Foo { char m; }
            macro p_cast(a, b) { (a*)b }
            macro sof(a, b) { sizeof(a[2]) + sizeof(b*) + sizeof(b) }
            macro m(t) { sizeof(t) + 2 } macro n(z) { print(m(typeof(z))); }
            macro cst(a) { (a*)-1 }
            BEGIN {
              print(p_cast(typeof(uint8), -1));
              print(sof(typeof(uint64*), typeof(struct Foo)));
              n(typeof(uint64*));
              print(cst(typeof(uint8)));
              exit();
            }
            """]);

        Assert.Equal((0, "0xff\n25\n10\n0xff\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task WrongArgumentIsReportedWithBpftracesWordsAndExitCodeOne()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "macro add($x, y) { $x + 1 } begin { add(1, 1); }"]);

        Assert.Equal((1, ""), (result.ExitCode, result.Stdout));
        Assert.Equal("""
            stdin:1:37-46: ERROR: Call to add() has arguments that do not match any definition.
            macro add($x, y) { $x + 1 } begin { add(1, 1); }
                                                ~~~~~~~~~
            stdin:1:41-42: ERROR: Mismatched arg. add() expects a variable for arg $x but got an expression.
            macro add($x, y) { $x + 1 } begin { add(1, 1); }
                                                    ~
            stdin:1:11-13: ERROR: This is the argument in the closest definition.
            macro add($x, y) { $x + 1 } begin { add(1, 1); }
                      ~~

            """.Replace("\r", "", StringComparison.Ordinal), result.Stderr);
    }
}
