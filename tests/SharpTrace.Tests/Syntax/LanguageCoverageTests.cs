using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Tests.Syntax;

/// <summary>
/// One test (or theory row) per construct of the newest bpftrace language reference (docs/language.md of
/// bpftrace), so docs/syntax.md can point at the test that shows each line of it.
/// </summary>
public class LanguageCoverageTests
{
    private static ProgramNode ParseClean(string text)
    {
        var tree = SyntaxTree.Parse(text);
        Assert.True(tree.Diagnostics.Count == 0, string.Concat(tree.Diagnostics.Select(d => d.Format())));
        RoundTripTests.AssertParsesAndRoundTrips(text, "inline");
        return tree.Root;
    }

    private static Expression Expr(string text) =>
        Assert.IsType<AssignmentStatement>(Assert.Single(ParseClean($"BEGIN {{ $r = {text}; }}").Probes[0].Body.Statements)).Value;

    // ---- Probes: every provider and short name of the reference's table, and its attach point forms ----

    [Theory]
    [InlineData("begin", "begin", new string[0])]
    [InlineData("end", "end", new string[0])]
    [InlineData("BEGIN", "BEGIN", new string[0])]
    [InlineData("END", "END", new string[0])]
    [InlineData("bench:count", "bench", new[] { "count" })]
    [InlineData("test:okay", "test", new[] { "okay" })]
    [InlineData("self:signal:SIGUSR1", "self", new[] { "signal", "SIGUSR1" })]
    [InlineData("hardware:cache-misses:1e6", "hardware", new[] { "cache-misses", "1e6" })]
    [InlineData("h:cycles", "h", new[] { "cycles" })]
    [InlineData("interval:s:1", "interval", new[] { "s", "1" })]
    [InlineData("interval:1s", "interval", new[] { "1s" })]
    [InlineData("i:hz:99", "i", new[] { "hz", "99" })]
    [InlineData("iter:task_file:/sys/fs/bpf/files", "iter", new[] { "task_file", "/sys/fs/bpf/files" })]
    [InlineData("it:task_vma", "it", new[] { "task_vma" })]
    [InlineData("fentry:vfs_read", "fentry", new[] { "vfs_read" })]
    [InlineData("fexit:kvm:x86_emulate_insn", "fexit", new[] { "kvm", "x86_emulate_insn" })]
    [InlineData("fentry:bpf:123:*", "fentry", new[] { "bpf", "123", "*" })]
    [InlineData("f:tcp_reset", "f", new[] { "tcp_reset" })]
    [InlineData("fr:fget", "fr", new[] { "fget" })]
    [InlineData("kfunc:vfs_read", "kfunc", new[] { "vfs_read" })]
    [InlineData("kretfunc:vfs_read", "kretfunc", new[] { "vfs_read" })]
    [InlineData("kprobe:tcp_reset", "kprobe", new[] { "tcp_reset" })]
    [InlineData("kprobe:kvm:x86_emulate_insn", "kprobe", new[] { "kvm", "x86_emulate_insn" })]
    [InlineData("kprobe:do_sys_open+10", "kprobe", new[] { "do_sys_open+10" })]
    [InlineData("k:f", "k", new[] { "f" })]
    [InlineData("kretprobe:d_lookup", "kretprobe", new[] { "d_lookup" })]
    [InlineData("kr:d_lookup", "kr", new[] { "d_lookup" })]
    [InlineData("profile:hz:99", "profile", new[] { "hz", "99" })]
    [InlineData("profile:1000000", "profile", new[] { "1000000" })]
    [InlineData("p:ms:10", "p", new[] { "ms", "10" })]
    [InlineData("rawtracepoint:vmlinux:kfree_skb", "rawtracepoint", new[] { "vmlinux", "kfree_skb" })]
    [InlineData("rt:sched_switch", "rt", new[] { "sched_switch" })]
    [InlineData("software:faults:100", "software", new[] { "faults", "100" })]
    [InlineData("software:cpu:", "software", new[] { "cpu", "" })]
    [InlineData("s:cs", "s", new[] { "cs" })]
    [InlineData("tracepoint:syscalls:sys_enter_openat", "tracepoint", new[] { "syscalls", "sys_enter_openat" })]
    [InlineData("t:block:block_rq_issue", "t", new[] { "block", "block_rq_issue" })]
    [InlineData("tp:sched:sched_switch", "tp", new[] { "sched", "sched_switch" })]
    [InlineData("uprobe:/bin/bash:readline", "uprobe", new[] { "/bin/bash", "readline" })]
    [InlineData("uprobe:/bin/bash:readline+10", "uprobe", new[] { "/bin/bash", "readline+10" })]
    [InlineData("uprobe:/bin/bash:0x4a0b0", "uprobe", new[] { "/bin/bash", "0x4a0b0" })]
    [InlineData("uprobe:libc:malloc", "uprobe", new[] { "libc", "malloc" })]
    [InlineData("uprobe:libssl.so.3:SSL_write", "uprobe", new[] { "libssl.so.3", "SSL_write" })]
    [InlineData("uprobe:./testprogs/uprobe_test:uprobeFunction1", "uprobe", new[] { "./testprogs/uprobe_test", "uprobeFunction1" })]
    [InlineData("uprobe:\"/opt/my app/app\":main", "uprobe", new[] { "/opt/my app/app", "main" })]
    [InlineData("uprobe:/bin/prog:cpp:\"bpftrace::BPFtrace::add_probe\"", "uprobe", new[] { "/bin/prog", "cpp", "bpftrace::BPFtrace::add_probe" })]
    [InlineData("u:/bin/bash:readline", "u", new[] { "/bin/bash", "readline" })]
    [InlineData("uretprobe:/bin/bash:readline", "uretprobe", new[] { "/bin/bash", "readline" })]
    [InlineData("ur:/bin/bash:readline", "ur", new[] { "/bin/bash", "readline" })]
    [InlineData("usdt:/root/tick:loop", "usdt", new[] { "/root/tick", "loop" })]
    [InlineData("usdt:/usr/lib/libc.so.6:libc:setjmp", "usdt", new[] { "/usr/lib/libc.so.6", "libc", "setjmp" })]
    [InlineData("usdt:*:loop", "usdt", new[] { "*", "loop" })]
    [InlineData("U:/root/tick:loop", "U", new[] { "/root/tick", "loop" })]
    [InlineData("watchpoint:0x10000000:8:rw", "watchpoint", new[] { "0x10000000", "8", "rw" })]
    [InlineData("watchpoint:increment+arg1:4:w", "watchpoint", new[] { "increment+arg1", "4", "w" })]
    [InlineData("w:0x10000000:8:w", "w", new[] { "0x10000000", "8", "w" })]
    [InlineData("asyncwatchpoint:increment+arg1:4:w", "asyncwatchpoint", new[] { "increment+arg1", "4", "w" })]
    [InlineData("aw:increment+arg1:4:w", "aw", new[] { "increment+arg1", "4", "w" })]
    [InlineData("kprobe:tcp_*", "kprobe", new[] { "tcp_*" })]
    [InlineData("kprobe:*socket*", "kprobe", new[] { "*socket*" })]
    [InlineData("tracepoint:syscalls:sys_enter_*", "tracepoint", new[] { "syscalls", "sys_enter_*" })]
    [InlineData("uprobe:$1:main", "uprobe", new[] { "$1", "main" })]
    public void ParsesEveryProbeKindAndShortName(string attachPoint, string provider, string[] parts)
    {
        var probe = Assert.Single(ParseClean($"{attachPoint} {{ @x = 1; }}").Probes);
        var point = Assert.Single(probe.AttachPoints);
        Assert.Equal((attachPoint, provider), (point.Raw, point.Provider));
        Assert.Equal(parts, point.Parts);
        Assert.Null(point.Name);
    }

    [Fact]
    public void AttachPointMayHaveAName()
    {
        var point = Assert.Single(ParseClean("myprobe=kprobe:tcp_reset { }").Probes[0].AttachPoints);
        Assert.Equal(("myprobe", "kprobe", "tcp_reset"), (point.Name, point.Provider, point.Parts[0]));
    }

    [Fact]
    public void SeveralAttachPointsWildcardsAndATrailingComma()
    {
        var probe = Assert.Single(ParseClean("kprobe:tcp_reset,kprobe:*socket*,\n  uprobe:/bin/bash:readline, { }").Probes);
        Assert.Equal(["kprobe", "kprobe", "uprobe"], probe.AttachPoints.Select(a => a.Provider));
    }

    // ---- Literals ----

    [Theory]
    [InlineData("0123", 83UL)]           // octal has a leading 0
    [InlineData("0x10", 16UL)]
    [InlineData("0X10", 16UL)]
    [InlineData("2e3", 2000UL)]          // scientific, integers only
    [InlineData("1_000_123_000", 1_000_123_000UL)]
    [InlineData("123UL", 123UL)]         // C suffixes are parsed and ignored
    [InlineData("123U", 123UL)]
    [InlineData("123LL", 123UL)]
    [InlineData("1ns", 1UL)]
    [InlineData("1us", 1_000UL)]
    [InlineData("1ms", 1_000_000UL)]
    [InlineData("1s", 1_000_000_000UL)]
    [InlineData("1m", 60_000_000_000UL)]
    [InlineData("1h", 3_600_000_000_000UL)]
    [InlineData("1d", 86_400_000_000_000UL)]
    public void ParsesEveryIntegerLiteralFormOfTheReference(string text, ulong value) =>
        Assert.Equal(value, Assert.IsType<IntegerLiteral>(Expr(text)).Value);

    [Theory]
    // The reference has no binary, "0o" octal, size suffix or float literals: they are errors, as in bpftrace.
    [InlineData("0b101")]
    [InlineData("0o17")]
    [InlineData("1K")]
    [InlineData("4M")]
    [InlineData("1e-3")]
    public void RejectsLiteralFormsTheReferenceDoesNotHave(string text) =>
        Assert.Contains(SyntaxTree.Parse($"BEGIN {{ $r = {text}; }}").Diagnostics, d => d.IsError);

    [Fact]
    public void ParsesStringEscapesAndBooleans()
    {
        // \n \t \0nn (octal) \xnn (hex) of the reference, and \\ and \" .
        Assert.Equal("a\nb\tc\nA\\\"", Assert.IsType<StringLiteral>(Expr("\"a\\nb\\tc\\012\\x41\\\\\\\"\"")).Value);
        Assert.True(Assert.IsType<BooleanLiteral>(Expr("true")).Value);
        Assert.False(Assert.IsType<BooleanLiteral>(Expr("false")).Value);
    }

    [Fact]
    public void ParsesPositionalParametersAndTheirCount()
    {
        Assert.Equal(1, Assert.IsType<PositionalParameter>(Expr("$1")).Index);
        Assert.Equal(42, Assert.IsType<PositionalParameter>(Expr("$42")).Index);
        Assert.IsType<PositionalParameterCount>(Expr("$#"));
        Assert.IsType<BinaryExpression>(Expr("str($1 + 1)").As<CallExpression>().Arguments[0]);
    }

    // ---- Expressions ----

    [Fact]
    public void ParsesEmptyAndSingleElementTuplesAndTupleIndexing()
    {
        Assert.Empty(Assert.IsType<TupleExpression>(Expr("()")).Elements);
        Assert.Single(Assert.IsType<TupleExpression>(Expr("(1,)")).Elements);
        var indexed = Assert.IsType<IndexExpression>(Expr("(1, \"hello\")[1 - 1]"));
        Assert.IsType<TupleExpression>(indexed.Target);
        Assert.Equal("0", Assert.IsType<FieldAccess>(Expr("$b.0")).Field);
    }

    [Fact]
    public void ParsesRecords()
    {
        var record = Assert.IsType<RecordExpression>(Expr("(a = 1, b = \"x\")"));
        Assert.Equal(["a", "b"], record.Fields.Select(f => f.Name));
        Assert.Equal("a", Assert.IsType<FieldAccess>(Expr("$r.a")).Field);
    }

    [Fact]
    public void ParsesShortTernaryAsBpftraceDoes()
    {
        var ternary = Assert.IsType<TernaryExpression>(Expr("$a ?: 5"));
        Assert.Same(ternary.Condition, ternary.WhenTrue);
        Assert.Equal(5UL, Assert.IsType<IntegerLiteral>(ternary.WhenFalse).Value);
        Assert.Equal("$a ?: 5", Unparser.Unparse(ternary));
    }

    [Theory]
    [InlineData("(uint32) $z", "uint32", 0, null)]
    [InlineData("(int16 *) $pz", "int16", 1, null)]
    [InlineData("(struct qstr *)arg1", "struct qstr", 1, null)]
    [InlineData("(union u **)arg1", "union u", 2, null)]
    [InlineData("(uint8[8]) 12345", "uint8", 0, 8)]
    [InlineData("(int8[])12345", "int8", 0, 0)]
    [InlineData("(uint64_t)1", "uint64_t", 0, null)]
    public void ParsesCastsToIntegerPointerAndArrayTypes(string text, string type, int pointerDepth, int? arrayLength)
    {
        var cast = Assert.IsType<CastExpression>(Expr(text));
        Assert.Equal((type, pointerDepth, arrayLength), (cast.Type.Name, cast.Type.PointerDepth, cast.Type.ArrayLength));
    }

    [Fact]
    public void ParsesAddressOfVariablesAndMaps()
    {
        Assert.Equal(UnaryOperator.AddressOf, Assert.IsType<UnaryExpression>(Expr("&$x")).Operator);
        Assert.IsType<MapAccess>(Assert.IsType<UnaryExpression>(Expr("&@m")).Operand);
        Assert.IsType<UnaryExpression>(Assert.IsType<UnaryExpression>(Expr("**(int64**)reg(\"sp\")")).Operand);
    }

    [Fact]
    public void ParsesMapKeysAsListsOrTuples()
    {
        Assert.Equal(2, Assert.IsType<MapAccess>(Expr("@name[pid, comm]")).Keys.Count);
        Assert.IsType<TupleExpression>(Assert.Single(Assert.IsType<MapAccess>(Expr("@name[(pid, comm)]")).Keys));
    }

    // ---- Statements ----

    [Fact]
    public void ParsesDiscardAssignment()
    {
        var statement = Assert.IsType<AssignmentStatement>(Assert.Single(ParseClean("BEGIN { _ = has_key(@a, 1); }").Probes[0].Body.Statements));
        Assert.Equal("_", Assert.IsType<Identifier>(statement.Target).Name);
    }

    [Theory]
    [InlineData("$x++", true, false)]
    [InlineData("$x--", false, false)]
    [InlineData("++$x", true, true)]
    [InlineData("--$x", false, true)]
    [InlineData("@x++", true, false)]
    [InlineData("--@x", false, true)]
    [InlineData("@m[1, \"a\"]++", true, false)]
    [InlineData("++@m[pid]", true, true)]
    [InlineData("@[pid, comm]--", false, false)]
    public void ParsesIncrementsOnVariablesAndMapEntries(string text, bool isIncrement, bool isPrefix)
    {
        var statement = Assert.Single(ParseClean($"BEGIN {{ {text}; }}").Probes[0].Body.Statements);
        var increment = Assert.IsType<IncrementExpression>(Assert.IsType<ExpressionStatement>(statement).Expression);
        Assert.Equal((isIncrement, isPrefix), (increment.IsIncrement, increment.IsPrefix));
        Assert.IsType<IncrementExpression>(Expr(text));
    }

    [Fact]
    public void ParsesLetWithTypesAndValues()
    {
        var statements = ParseClean("BEGIN { let $a = 1; let $b; let $c: uint64; let $d: string = \"x\"; let $e: struct task_struct * = curtask; }")
            .Probes[0].Body.Statements.Cast<LetStatement>().ToArray();
        Assert.Equal(["$a", "$b", "$c", "$d", "$e"], statements.Select(s => s.Variable));
        Assert.Equal([null, null, "uint64", "string", "struct task_struct"], statements.Select(s => s.Type?.Name));
    }

    [Theory]
    [InlineData("hash")]
    [InlineData("lruhash")]
    [InlineData("percpuhash")]
    [InlineData("percpulruhash")]
    public void ParsesMapDeclarations(string kind)
    {
        var program = ParseClean($"let @a = {kind}(100);\nlet @b = {kind}(2)\nbegin {{ @a[1] = 1; }}");
        Assert.Equal([("@a", kind), ("@b", kind)], program.MapDeclarations.Select(m => (m.MapName, m.Kind)));
    }

    [Fact]
    public void ParsesForLoopsOverMapsAndRanges()
    {
        var statements = ParseClean("begin { for ($kv : @map) { print($kv.0.1); continue; } for ($i : 0..ncpus) { break; } for ($j : $a..$b + 1) { } }")
            .Probes[0].Body.Statements;
        Assert.Equal("@map", Assert.IsType<ForMapStatement>(statements[0]).Map.Name);
        Assert.IsType<Identifier>(Assert.IsType<ForRangeStatement>(statements[1]).End);
        Assert.IsType<BinaryExpression>(Assert.IsType<ForRangeStatement>(statements[2]).End);
    }

    [Fact]
    public void ForLoopsMayLeaveOutTheirParentheses()
    {
        // The newest bpftrace's stdlib.md writes "for $elem : 1..$i { }"; its parser makes the parentheses optional.
        var statements = ParseClean("begin { for $elem : 1..$i { @[$elem] = $elem - 1; } for $kv : @map { print($kv.1); } }")
            .Probes[0].Body.Statements;
        var range = Assert.IsType<ForRangeStatement>(statements[0]);
        Assert.Equal(("$elem", typeof(IntegerLiteral), typeof(VariableExpression)), (range.Variable, range.Start.GetType(), range.End.GetType()));
        Assert.Equal("@map", Assert.IsType<ForMapStatement>(statements[1]).Map.Name);
    }

    // ---- Top level ----

    [Fact]
    public void ConfigValuesMayBeIntegersStringsBooleansAndNames()
    {
        var config = ParseClean("config = {\n  stack_mode=perf;\n  max_map_keys=2;\n  license = \"GPL\"; cpp_demangle = false\n}\nbegin { }").Config!;
        Assert.Equal(["stack_mode", "max_map_keys", "license", "cpp_demangle"], config.Entries.Select(e => e.Key));
        Assert.Equal([typeof(Identifier), typeof(IntegerLiteral), typeof(StringLiteral), typeof(BooleanLiteral)],
            config.Entries.Select(e => e.Value.GetType()));
    }

    [Fact]
    public void KeepsCDefinitionsAsTextWithSpans()
    {
        const string text = "#include <linux/socket.h>\nstruct S {\n  int x;\n}\nunion U { int a; };\nenum E { A = 1, B };\nbegin { }";
        var program = ParseClean(text);
        var source = new SourceText(text);
        Assert.Equal(["struct S {\n  int x;\n}", "union U { int a; };", "enum E { A = 1, B };"],
            program.CDefinitions.Select(c => source.ToString(c.Span)));
        Assert.Equal(program.CDefinitions.Select(c => c.Text), program.CDefinitions.Select(c => source.ToString(c.Span)));
    }

    [Fact]
    public void ParsesMacrosOfTheReference()
    {
        var program = ParseClean("""
            macro one() { 1 }
            macro add_one(x) { x + 1 }
            macro add_one_to_each($a, @b) { $a += 1; @b += 1; }
            begin { print(one()); print(one); $a = 10; add_one_to_each($a, @b); print(add_one(1 + 1)); }
            """);
        Assert.Equal([("one", 0), ("add_one", 1), ("add_one_to_each", 2)], program.Macros.Select(m => (m.Name, m.Parameters.Count)));
    }

    // ---- Diagnostics ----

    [Fact]
    public void WarningsUseBpftracesLayout()
    {
        // bpftrace 0.17: `bpftrace -d -e 'BEGIN { if ((int32)-1 < (uint32)1) { exit() } }'`
        var source = new SourceText("BEGIN { if ((int32)-1 < (uint32)1) { exit() } }");
        var warning = new Diagnostic(DiagnosticSeverity.Warning, source, new TextSpan(22, 1),
            "comparison of integers of different signs: 'int32' and 'unsigned int32' can lead to undefined behavior");
        Assert.Equal("""
            stdin:1:23-24: WARNING: comparison of integers of different signs: 'int32' and 'unsigned int32' can lead to undefined behavior
            BEGIN { if ((int32)-1 < (uint32)1) { exit() } }
                                  ~

            """.ReplaceLineEndings("\n"), warning.Format());
    }

    [Fact]
    public void SpanOverSeveralLinesShowsOnlyTheLines()
    {
        // bpftrace 0.17: `bpftrace -d -e $'BEGIN { @x = "a" +\n 1; }'` prints "stdin:1-2: ERROR: Type mismatch ..." alone.
        var source = new SourceText("BEGIN { @x = \"a\" +\n 1; }");
        var error = new Diagnostic(DiagnosticSeverity.Error, source, TextSpan.FromBounds(13, 21), "Type mismatch for '+': comparing 'string[2]' with 'int64'");
        Assert.Equal("stdin:1-2: ERROR: Type mismatch for '+': comparing 'string[2]' with 'int64'\n", error.Format());
    }

    [Fact]
    public void ThreeIndependentErrorsInOneRun()
    {
        var tree = SyntaxTree.Parse("BEGIN { @x = ; @ok = 1; }\nkprobe:f { $y = (1, 2; }\nEND { @z = 1 + * ; }\ninterval:s:1 { @fine = 2 }");
        Assert.Equal(["stdin:1:14-15: ERROR: syntax error, unexpected ;", "stdin:2:21-23: ERROR: syntax error, unexpected ;, expecting ) or \",\"",
            "stdin:3:18-19: ERROR: syntax error, unexpected ;"], tree.Diagnostics.Select(d => d.Format().Split('\n')[0]));
        Assert.Equal(4, tree.Root.Probes.Count);
    }
}

internal static class ExpressionExtensions
{
    public static T As<T>(this Expression expression) where T : Expression => Assert.IsType<T>(expression);
}
