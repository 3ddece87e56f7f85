using SharpTrace.Kernel;
using SharpTrace.Output;

namespace SharpTrace.Tests.Api;

/// <summary>The embedding API's compile side and its event printer, without the kernel.</summary>
public sealed class TraceScriptTests
{
    [Fact]
    public void ScriptWithAnErrorGivesDiagnosticsAndNoProgram()
    {
        var result = TraceScript.Compile("""BEGIN { @x = 1; prnt("a"); }""");

        Assert.False(result.Success);
        Assert.Null(result.Program);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("stdin:1:17-21: ERROR: Unknown function: prnt\nBEGIN { @x = 1; prnt(\"a\"); }\n                ~~~~\n", error.Format());
    }

    [Fact]
    public void AProbePastTheScratchLimitIsAnErrorAtTheProbeNotAnException()
    {
        // Four 201-byte strings (804 bytes) pass BPF's 512 bytes of stack: they move to the scratch map. Two of 17,001
        // bytes pass what one per-CPU map value can hold.
        static string Tuple(int length, int count) =>
            $"BEGIN {{ $x = ({string.Join(", ", Enumerable.Repeat($"\"{new string('a', length)}\"", count))}); printf(\"%s\\n\", $x.1); }}";
        var script = Tuple(17000, 2);

        var result = TraceScript.Compile(script);

        Assert.True(TraceScript.Compile(Tuple(200, 4)).Success);
        Assert.False(result.Success);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("begin: the probe needs more than 32768 bytes of scratch space", error.Message);
        Assert.Equal((0, script.Length), (error.Span.Start, error.Span.Length));
    }

    // runtime/basic "kaddr fails": the script compiles (-d types succeeds), and checking it against this kernel stops at
    // the call, before anything is created, with the reference's located error; one exception type for "cannot run
    // here", its message naming the probe as for a probe kind the kernel lacks.
    [Fact]
    public void AKernelSymbolTheKernelLacksIsAProbeUnavailableErrorCarryingTheLocatedDiagnostic()
    {
        const string Script = "begin { print(kaddr(\"asdfzzzzzzz\")) }";
        var result = TraceScript.Compile(Script);

        Assert.True(result.Success);
        var error = Assert.Throws<ProbeUnavailableException>(result.Program!.Verify);
        Assert.Equal("stdin:1:15-35: ERROR: Failed to resolve kernel symbol: asdfzzzzzzz\n" + Script + "\n" + new string(' ', 14) + new string('~', 20) + "\n",
            error.LocatedDiagnostic);
        Assert.EndsWith(": Failed to resolve kernel symbol: asdfzzzzzzz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DiagnosticsNameTheScriptFile()
    {
        var result = TraceScript.Compile("BEGIN { prnt(); }", new CompileOptions { FileName = "trace.bt" });

        Assert.StartsWith("trace.bt:1:9-13: ERROR: ", Assert.Single(result.Diagnostics).Format());
    }

    [Fact]
    public void CompiledProgramNamesItsProbesAndDisassemblesEachOne()
    {
        var result = TraceScript.Compile("""BEGIN { printf("hi\n"); } END { @x = 1; }""");

        var program = Assert.IsType<TraceProgram>(result.Program);
        // The newest bpftrace's names (its attach point's provider, lowercased): `begin` and `end` however written.
        Assert.Equal(["begin", "end"], program.ProbeNames);
        var listing = program.Disassemble();
        Assert.StartsWith("begin:\n", listing);
        Assert.Contains("\nend:\n", listing);
        Assert.Contains("exit", listing);
    }

    [Theory]
    [InlineData("BEGIN", "END")]
    [InlineData("begin", "end")]
    [InlineData("BEGIN", "end")]
    public void BeginAndEndAreNamedInLowerCaseHoweverWrittenAndTheAstKeepsTheSpelling(string begin, string end)
    {
        // The newest bpftrace lowercases the provider (probe_types.cpp): its probe names, messages (`reg can not be
        // used with "begin" probes`) and generated code say begin and end; its AST printer writes the attach point as
        // the script wrote it (raw_input). bpftrace 0.17 says BEGIN and END and has no lowercase spelling.
        var script = begin + " { @x = 1; } " + end + " { @y = 2; }";
        var program = Assert.IsType<TraceProgram>(TraceScript.Compile(script).Program);

        Assert.Equal(["begin", "end"], program.ProbeNames);
        Assert.StartsWith("Map @x :: int8\nMap @y :: int8\nProbe begin\n", program.DescribeTypes());
        Assert.Contains("\nProbe end\n", program.DescribeTypes());
        Assert.StartsWith("begin:\n", program.DescribeIr());
        Assert.Contains("\nend:\n", program.DescribeIr());
        Assert.Contains("\nend:\n", program.Disassemble());
        Assert.Equal("compiled: TraceProgram: begin, end", TraceScript.Compile(script).ToString());
        var ast = TraceScript.Parse(script).PrintAst();
        Assert.Contains($"AttachPoint \"{begin}\" provider=\"{begin}\" parts=[]\n", ast);
        Assert.Contains($"AttachPoint \"{end}\" provider=\"{end}\" parts=[]\n", ast);
        SemanticsAssert("kprobe:f { } " + begin + " { reg(\"ip\"); }", "reg can not be used with \"begin\" probes");
    }

    [Fact]
    public void ListingAProgramLeavesOutTheProbesThatRunInTheProcess()
    {
        // The newest bpftrace's -l with a script skips its special probes (begin, end, self): nothing attaches them.
        var program = Assert.IsType<TraceProgram>(TraceScript.Compile("BEGIN { } end { } self:signal:SIGUSR1 { }").Program);

        Assert.Equal("", program.ListProbes(null, withArguments: false));
    }

    private static void SemanticsAssert(string script, string message) =>
        Assert.Contains(TraceScript.Compile(script).Diagnostics, d => d.Message == message);

    [Fact]
    public void ParseGivesTheSyntaxTreeAndOnlySyntaxErrors()
    {
        var parsed = TraceScript.Parse("BEGIN { prnt(1); }");

        Assert.Empty(parsed.Diagnostics);
        Assert.Contains("prnt", parsed.PrintAst());
    }

    [Fact]
    public void PrinterWritesEventsAsTheWriterDoesWithExitMapsAsOneSection()
    {
        var a = MapSnapshot.Scalar("@a", new IntegerValue(1));
        var b = MapSnapshot.Keyed("@b", new MapEntry([new StringValue("k")], new CountValue(2)));
        var printed = new StringWriter();
        var direct = new StringWriter();

        var printer = new EventPrinter(new TextOutputWriter(printed));
        foreach (var traceEvent in new TraceEvent[]
        {
            new AttachedEvent(1), new PrintfEvent("hi\n"), new MapEvent(a),
            new LostEventsEvent(3), new MapEvent(a, AtExit: true), new MapEvent(b, AtExit: true), new ExitEvent(0),
        })
        {
            printer.Print(traceEvent);
        }
        var writer = new TextOutputWriter(direct);
        writer.AttachedProbes(1);
        writer.Printf("hi\n");
        writer.Map(a);
        writer.LostEvents(3);
        writer.MapsAtExit([a, b]);

        // The writers themselves are checked against bpftrace 0.17 (Output tests); the printer must add nothing.
        Assert.Equal(direct.ToString(), printed.ToString());
    }
}
