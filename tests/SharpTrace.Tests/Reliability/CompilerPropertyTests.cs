using CsCheck;
using SharpTrace.Tests.Golden;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Reliability;

/// <summary>
/// Hostile input for the whole compiler without a kernel: scripts generated from a grammar of the language, and the
/// golden scripts mutated, go through parsing, checking, lowering and code generation (and the -d ast, types and bpf
/// printers). Each ends in a program or in diagnostics; none may throw, overflow the stack or hang. CsCheck shrinks a
/// failing case to a small one and prints its seed. The suite runs a short sweep; SHARPTRACE_FUZZ_CASES sets a longer
/// one (docs/reliability.md).
/// </summary>
public sealed class CompilerPropertyTests(GoldenMachine machine) : IClassFixture<GoldenMachine>
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private long _cases;

    /// <summary>
    /// With SHARPTRACE_FUZZ_PROGRESS naming a file, a long run appends a line to it every 10,000 cases (the test, the
    /// cases passed so far, the time taken), so a run stopped early still says how far it got.
    /// </summary>
    private void ReportProgress(string test)
    {
        var done = Interlocked.Increment(ref _cases) - 1;
        if (done % 10_000 == 0 && done > 0 && Environment.GetEnvironmentVariable("SHARPTRACE_FUZZ_PROGRESS") is { Length: > 0 } path)
            File.AppendAllText(path, $"{DateTime.UtcNow:HH:mm:ss} {test}: {done} cases passed in {_clock.Elapsed.TotalSeconds:0} s\n");
    }

    private static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("SHARPTRACE_FUZZ_CASES"), out var n) && n > 0 ? n : 1_000;

    /// <summary>
    /// SHARPTRACE_FUZZ_THREADS: how many threads CsCheck samples on (1 unless set), for a long run on a machine with
    /// CPUs to spare. Each case draws its own seed, so the threads run distinct cases and the count is of all of them.
    /// </summary>
    private static int Threads =>
        int.TryParse(Environment.GetEnvironmentVariable("SHARPTRACE_FUZZ_THREADS"), out var n) && n > 0 ? n : 1;

    // ---- A grammar of scripts -------------------------------------------------------------------------------------

    private static readonly Gen<string> Integer = Gen.OneOf(
        Gen.Int[-3, 300].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf<string>("0", "-1", "0x7fffffffffffffff", "0xffffffffffffffff", "9223372036854775807", "18446744073709551615", "1 << 63", "255"));

    private static readonly Gen<string> IntegerBuiltin =
        Gen.OneOf<string>("pid", "tid", "uid", "gid", "nsecs", "elapsed", "cpu", "rand", "cgroup", "$1", "$#", "$x", "$y", "@i", "@m[1]", "@k[comm]", "len(@m)");

    // What only a tracepoint:syscalls:sys_enter_openat probe offers.
    private static readonly Gen<string> OpenatArgument = Gen.OneOf<string>("args.flags", "args->dfd", "args.mode", "(int64)args.filename");

    private static readonly Gen<string> Operator =
        Gen.OneOf<string>("+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "==", "!=", "<", ">", "<=", ">=", "&&", "||");

    private static readonly Gen<string> Cast = Gen.OneOf<string>("(int8)", "(uint8)", "(int16)", "(uint32)", "(int64)", "(uint64)");

    private static Gen<string> IntegerExpression(int depth, bool openat) => depth == 0
        ? (openat ? Gen.OneOf(Integer, IntegerBuiltin, OpenatArgument) : Gen.OneOf(Integer, IntegerBuiltin))
        : Gen.OneOf(
            IntegerExpression(0, openat),
            Gen.Select(IntegerExpression(depth - 1, openat), Operator, IntegerExpression(depth - 1, openat), (a, op, b) => $"({a} {op} {b})"),
            Gen.Select(Gen.OneOf<string>("-", "!", "~"), IntegerExpression(depth - 1, openat), (op, a) => $"{op} {a}"),
            Gen.Select(Cast, IntegerExpression(depth - 1, openat), (c, a) => $"{c}{a}"),
            Gen.Select(IntegerExpression(depth - 1, openat), IntegerExpression(depth - 1, openat), IntegerExpression(depth - 1, openat),
                (c, a, b) => $"({c} ? {a} : {b})"),
            Gen.Select(IntegerExpression(depth - 1, openat), a => $"bswap({a})"));

    private static Gen<string> StringExpression(bool openat) => openat
        ? Gen.OneOf<string>("comm", "\"text\"", "str(args.filename)", "str(args->filename, 8)", "probe", "$s")
        : Gen.OneOf<string>("comm", "\"text\"", "probe", "$s", "str(0)");

    // One map per aggregation kind: a map keeps its kind.
    private static Gen<string> Aggregation(bool openat) => Gen.OneOf(
        Gen.Const("@count = count();"),
        IntegerExpression(1, openat).Select(e => $"@sum = sum({e});"), IntegerExpression(1, openat).Select(e => $"@min = min({e});"),
        IntegerExpression(1, openat).Select(e => $"@max = max({e});"), IntegerExpression(1, openat).Select(e => $"@avg = avg({e});"),
        IntegerExpression(1, openat).Select(e => $"@stats = stats({e});"), IntegerExpression(1, openat).Select(e => $"@hist[comm] = hist({e});"),
        IntegerExpression(1, openat).Select(e => $"@lhist = lhist({e}, 0, 100, 10);"));

    // Each map keeps one key and value type across the script, as the language requires.
    private static Gen<string> Statement(int depth, bool openat)
    {
        var integer = IntegerExpression(2, openat);
        var text = StringExpression(openat);
        var simple = Gen.OneOf(
            Gen.Select(IntegerExpression(1, openat), integer, (k, v) => $"@m[{k}] = {v};"),
            Gen.Select(text, integer, (k, v) => $"@k[{k}] = {v};"),
            Gen.Select(text, v => $"@s = {v};"),
            Gen.Select(integer, text, (a, b) => $"@t[{a}] = ((int64)({a}), {b});"),
            Gen.Select(integer, v => $"@i = {v};"),
            Aggregation(openat),
            Gen.Select(text, Gen.Const(0), (k, _) => $"@c[{k}, pid] = count();"),
            Gen.Select(integer, v => $"$x = {v};"),
            Gen.Select(text, v => $"$s = {v};"),
            Gen.Select(integer, text, (a, b) => $"printf(\"%d %s\\n\", {a}, {b});"),
            Gen.OneOf<string>("exit();", "clear(@m);", "zero(@c);", "delete(@m[1]);", "print(@m);", "print(@c, 3);",
                "@i++;", "$x += 2;", "$y--;", "time(\"%H\\n\");", "@h = hist(@i);", "@n = kstack;", "@u[ustack(3)] = count();"));
        if (depth == 0)
            return simple;
        return Gen.OneOf(
            simple,
            Gen.Select(IntegerExpression(1, openat), Block(depth - 1, openat), Block(depth - 1, openat), (c, a, b) => $"if ({c}) {a} else {b}"),
            Gen.Select(Gen.Int[0, 3], Block(depth - 1, openat), (n, b) => $"for ($i{depth} : 0..{n}) {b}"),
            Block(depth - 1, openat).Select(b => $"for ($kv{depth} : @m) {b}"),
            Gen.Select(Gen.Int[1, 4], Block(depth - 1, openat), (n, b) => $"unroll({n}) {b}"),
            Block(depth - 1, openat).Select(b => $"while ($y < 3) {{ $y++; {b} }}"));
    }

    private static Gen<string> Block(int depth, bool openat) =>
        Statement(depth, openat).Array[0, 4].Select(s => "{ " + string.Join(' ', s) + " }");

    private static Gen<string> ProbeText(string probe, bool openat) =>
        Gen.Select(Gen.Select(IntegerBuiltin.Where(b => !b.StartsWith('$') || b.StartsWith("$1") || b.StartsWith("$#")), Operator, Integer,
                (a, op, b) => $"/{a} {op} {b}/").Array[0, 1], Block(2, openat),
            (predicate, body) => $"{probe} {string.Concat(predicate)} {{ $x = 0; $y = 0; $s = \"\"; {body} }}");

    // Each probe's generator is built once: built per case (SelectMany), the grammar's generators took 6 ms a script.
    private static readonly Gen<string> Probe = Gen.OneOf(
        ProbeText("tracepoint:syscalls:sys_enter_openat", openat: true),
        Gen.OneOf(new[] { "BEGIN", "END", "interval:s:1", "profile:hz:99", "software:page-faults:100", "tracepoint:syscalls:sys_exit_read" }
            .Select(probe => ProbeText(probe, openat: false)).ToArray()));

    private static readonly Gen<string> Script = Probe.Array[1, 3]
        .Select(probes => "BEGIN { @i = 1; @m[1] = 1; @k[\"a\"] = 1; @s = \"\"; @t[0] = ((int64)0, \"\"); @c[\"\", 0] = count(); } " + string.Join('\n', probes));

    [Fact]
    public void GeneratedScriptsCompileOrFailWithDiagnostics() =>
        Script.Sample(script => CompilesOrReports(script, "generated scripts"), iter: Iterations, threads: Threads);

    // ---- Mutations of the golden scripts ---------------------------------------------------------------------------

    private static readonly string[] Fragments =
        ["{", "}", "(", ")", ";", ",", "@m", "$x", "1", "\"s\"", "+", "[", "]", "/", "?", ":", "..", "=", "printf(", "count()",
         "args.", "->", "*", "&", "(uint8)", "struct", "0xffffffffffffffff", "$99", "//", "\n", "kstack(", "for ($k : @m)"];

    private static readonly Gen<string> Mutated = Gen.Select(
        Gen.OneOf<string>(GoldenFiles.ScriptNames().Select(s => File.ReadAllText(GoldenFiles.ScriptPath(s))).ToArray()),
        Gen.Select(Gen.Int[0, 3], Gen.Double[0, 1], Gen.Int[1, 12], Gen.OneOf<string>(Fragments), (kind, at, length, fragment) => new Mutation(kind, at, length, fragment)).Array[1, 5],
        (script, mutations) =>
        {
            foreach (var (kind, at, length, fragment) in mutations)
            {
                var i = (int)(at * script.Length);
                var n = Math.Min(length, script.Length - i);
                script = kind switch
                {
                    0 => script.Remove(i, n),
                    1 => script.Insert(i, fragment),
                    2 => script.Insert(i, script.Substring(i, n)),
                    _ => script.Remove(i, n).Insert(i, fragment),
                };
            }
            return script;
        });

    private sealed record Mutation(int Kind, double At, int Length, string Fragment);

    [Fact]
    public void MutatedGoldenScriptsCompileOrFailWithDiagnostics() =>
        Mutated.Sample(script => CompilesOrReports(script, "mutated golden scripts"), iter: Iterations, threads: Threads);

    /// <summary>The property: a program or diagnostics, never an exception; dumps of a program never throw either.</summary>
    private bool CompilesOrReports(string script, string test)
    {
        ReportProgress(test);
        // As TraceScript.Compile, keeping the syntax tree: a script that fails prints the tree it was parsed into
        // (-d ast) without parsing it again.
        var result = Compilation.Compile(new SharpTrace.Syntax.SourceText(machine.Resolve(script), "stdin"), machine.Tracepoints,
            new SharpTrace.Semantics.ProgramConfig(), SemanticKit.Kernel, () => machine.Kallsyms);
        if (result.Program is { } compiled)
        {
            var program = new TraceProgram(compiled);
            _ = program.DescribeTypes();
            _ = program.Disassemble();
            return true;
        }
        _ = SharpTrace.Syntax.AstPrinter.Print(result.Tree.Root);
        return result.Diagnostics.Any(d => d.IsError);
    }
}
