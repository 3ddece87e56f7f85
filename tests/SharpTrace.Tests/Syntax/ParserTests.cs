using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Tests.Syntax;

public class ParserTests
{
    private static ProgramNode ParseClean(string text)
    {
        var tree = SyntaxTree.Parse(text);
        Assert.True(tree.Diagnostics.Count == 0, string.Concat(tree.Diagnostics.Select(d => d.Format())));
        return tree.Root;
    }

    private static IReadOnlyList<Statement> Statements(string body) => ParseClean($"BEGIN {{ {body} }}").Probes[0].Body.Statements;

    private static Expression Expr(string text) =>
        Assert.IsType<AssignmentStatement>(Assert.Single(Statements($"$r = {text};"))).Value;

    /// <summary>The tree of an expression as a compact, fully parenthesized string.</summary>
    private static string Shape(Expression e) => e switch
    {
        BinaryExpression b => $"({Shape(b.Left)} {Unparser.GetText(b.Operator)} {Shape(b.Right)})",
        UnaryExpression u => $"({Unparser.GetText(u.Operator)}{Shape(u.Operand)})",
        TernaryExpression t => $"({Shape(t.Condition)} ? {Shape(t.WhenTrue)} : {Shape(t.WhenFalse)})",
        CastExpression c => $"(({Unparser.Unparse(c.Type)}){Shape(c.Operand)})",
        _ => Unparser.Unparse(e),
    };

    [Theory]
    [InlineData("1 + 2 * 3", "(1 + (2 * 3))")]
    [InlineData("1 - 2 - 3", "((1 - 2) - 3)")]
    [InlineData("8 / 4 / 2", "((8 / 4) / 2)")]
    [InlineData("1 << 2 + 3", "(1 << (2 + 3))")]
    [InlineData("1 < 2 == 3 > 4", "((1 < 2) == (3 > 4))")]
    [InlineData("1 & 2 ^ 3 | 4", "(((1 & 2) ^ 3) | 4)")]
    [InlineData("1 == 2 & 3", "((1 == 2) & 3)")]
    [InlineData("a || b && c", "(a || (b && c))")]
    [InlineData("!a && ~b || -c", "(((!a) && (~b)) || (-c))")]
    [InlineData("a ? b : c ? d : e", "(a ? b : (c ? d : e))")]
    [InlineData("a ? b ? 1 : 2 : 3", "(a ? (b ? 1 : 2) : 3)")]
    [InlineData("a || b ? 1 : 2", "((a || b) ? 1 : 2)")]
    [InlineData("(1 + 2) * 3", "((1 + 2) * 3)")]
    [InlineData("- -1", "(-(-1))")]
    [InlineData("2 - -1", "(2 - (-1))")]
    [InlineData("*$p + 1", "((*$p) + 1)")]
    [InlineData("&$x", "(&$x)")]
    [InlineData("(uint32)$a + 1", "(((uint32)$a) + 1)")]
    [InlineData("(int8)-1", "((int8)(-1))")]
    [InlineData("(struct task_struct *)curtask", "((struct task_struct *)curtask)")]
    [InlineData("(struct task_struct **)0", "((struct task_struct **)0)")]
    [InlineData("(uint8[4])0", "((uint8[4])0)")]
    [InlineData("(uint64_t)-1", "((uint64_t)(-1))")]
    [InlineData("(FOO) * 2", "((FOO)(*2))")]
    [InlineData("(pid) - 1", "(pid - 1)")]
    [InlineData("(x) + 1", "(x + 1)")]
    [InlineData("(int64)$p->pid * 2", "(((int64)$p->pid) * 2)")]
    public void FollowsCsPrecedence(string text, string shape) => Assert.Equal(shape, Shape(Expr(text)));

    [Fact]
    public void ParsesLiterals()
    {
        Assert.Equal(new IntegerLiteral(new TextSpan(13, 4), 16, "0x10"), Expr("0x10"));
        Assert.Equal("a\"b", Assert.IsType<StringLiteral>(Expr("\"a\\\"b\"")).Value);
        Assert.True(Assert.IsType<BooleanLiteral>(Expr("true")).Value);
        Assert.False(Assert.IsType<BooleanLiteral>(Expr("false")).Value);
        Assert.Equal(3, Assert.IsType<PositionalParameter>(Expr("$3")).Index);
        Assert.IsType<PositionalParameterCount>(Expr("$#"));
        Assert.Equal("$v", Assert.IsType<VariableExpression>(Expr("$v")).Name);
        Assert.Equal("comm", Assert.IsType<Identifier>(Expr("comm")).Name);
    }

    [Fact]
    public void ParsesMapsWithAndWithoutKeys()
    {
        var scalar = Assert.IsType<MapAccess>(Expr("@x"));
        Assert.True(scalar.IsScalar);
        Assert.Equal("@", Assert.IsType<MapAccess>(Expr("@")).Name);
        var keyed = Assert.IsType<MapAccess>(Expr("@m[1, \"a\"]"));
        Assert.Equal("@m", keyed.Name);
        Assert.Equal(2, keyed.Keys.Count);
        Assert.IsType<StringLiteral>(keyed.Keys[1]);
        var indexed = Assert.IsType<IndexExpression>(Expr("@m[1][2]"));
        Assert.IsType<MapAccess>(indexed.Target);
    }

    [Fact]
    public void ParsesCallsWithNameSpan()
    {
        var call = Assert.IsType<ExpressionStatement>(Assert.Single(Statements("printf(\"%d\\n\", pid)"))).Expression;
        var printf = Assert.IsType<CallExpression>(call);
        Assert.Equal("printf", printf.Name);
        Assert.Equal(new TextSpan(8, 6), printf.NameSpan);
        Assert.Equal(2, printf.Arguments.Count);
        Assert.Empty(Assert.IsType<CallExpression>(Expr("count()")).Arguments);
    }

    [Fact]
    public void ParsesFieldAccessOnArgs()
    {
        var dot = Assert.IsType<FieldAccess>(Expr("args.filename"));
        Assert.Equal(("filename", false), (dot.Field, dot.IsArrow));
        Assert.Equal("args", Assert.IsType<Identifier>(dot.Target).Name);
        var arrow = Assert.IsType<FieldAccess>(Expr("args->filename"));
        Assert.Equal(("filename", true), (arrow.Field, arrow.IsArrow));
        var chain = Assert.IsType<FieldAccess>(Expr("curtask->real_parent->pid"));
        Assert.Equal("real_parent", Assert.IsType<FieldAccess>(chain.Target).Field);
        Assert.Equal("if", Assert.IsType<FieldAccess>(Expr("$s.if")).Field);
    }

    [Fact]
    public void ParsesTuplesAndTupleIndexing()
    {
        var tuple = Assert.IsType<TupleExpression>(Expr("(1, \"a\")"));
        Assert.Equal(2, tuple.Elements.Count);
        Assert.Single(Assert.IsType<TupleExpression>(Expr("(1,)")).Elements);
        Assert.IsType<IntegerLiteral>(Expr("(1)"));
        var nested = Assert.IsType<FieldAccess>(Expr("$t.0.1"));
        Assert.Equal("1", nested.Field);
        Assert.Equal("0", Assert.IsType<FieldAccess>(nested.Target).Field);
        var record = Assert.IsType<RecordExpression>(Expr("(x = 1, y = \"b\")"));
        Assert.Equal(["x", "y"], record.Fields.Select(f => f.Name));
    }

    [Fact]
    public void ParsesSizeofAndOffsetof()
    {
        var sizeofType = Assert.IsType<SizeofExpression>(Expr("sizeof(struct task_struct)"));
        Assert.Equal("struct task_struct", sizeofType.Type!.Name);
        Assert.Null(sizeofType.Operand);
        Assert.Equal("uint64", Assert.IsType<SizeofExpression>(Expr("sizeof(uint64)")).Type!.Name);
        Assert.IsType<VariableExpression>(Assert.IsType<SizeofExpression>(Expr("sizeof($x)")).Operand);
        var offsetof = Assert.IsType<OffsetofExpression>(Expr("offsetof(struct task_struct, se.vruntime)"));
        Assert.Equal(["se", "vruntime"], offsetof.FieldPath);
        Assert.IsType<UnaryExpression>(Assert.IsType<OffsetofExpression>(Expr("offsetof(*curtask, comm)")).Operand);
    }

    [Fact]
    public void ParsesIncrementsAndDecrements()
    {
        var statements = Statements("@x++; @m[k]--; ++$i; --@y");
        var increments = statements.Select(s => Assert.IsType<IncrementExpression>(Assert.IsType<ExpressionStatement>(s).Expression)).ToArray();
        Assert.Equal([(true, false), (false, false), (true, true), (false, true)], increments.Select(i => (i.IsIncrement, i.IsPrefix)));
        Assert.IsType<MapAccess>(increments[1].Target);
    }

    [Theory]
    [InlineData("=", null)]
    [InlineData("+=", BinaryOperator.Add)]
    [InlineData("-=", BinaryOperator.Subtract)]
    [InlineData("*=", BinaryOperator.Multiply)]
    [InlineData("/=", BinaryOperator.Divide)]
    [InlineData("%=", BinaryOperator.Modulo)]
    [InlineData("&=", BinaryOperator.BitwiseAnd)]
    [InlineData("|=", BinaryOperator.BitwiseOr)]
    [InlineData("^=", BinaryOperator.BitwiseXor)]
    [InlineData("<<=", BinaryOperator.ShiftLeft)]
    [InlineData(">>=", BinaryOperator.ShiftRight)]
    public void ParsesAssignments(string op, object? compound)
    {
        var assignment = Assert.IsType<AssignmentStatement>(Assert.Single(Statements($"@m[1] {op} 2")));
        Assert.Equal((BinaryOperator?)compound, assignment.CompoundOperator);
        Assert.IsType<MapAccess>(assignment.Target);
        Assert.Equal(new TextSpan(8, 8 + op.Length), assignment.Span);
    }

    [Fact]
    public void LastStatementMayOmitItsSemicolon()
    {
        Assert.Equal(2, Statements("@a = 1; @b = 2").Count);
        Assert.Equal(2, Statements("if (1) { @a = 1 } @b = 2;").Count);
        Assert.Empty(Statements(""));
    }

    [Fact]
    public void ParsesIfElseChains()
    {
        var @if = Assert.IsType<IfStatement>(Assert.Single(Statements("if ($x > 1) { @a = 1; } else if ($x) { @b = 2 } else { @c = 3 }")));
        Assert.IsType<BinaryExpression>(@if.Condition);
        Assert.Single(@if.Then.Statements);
        var elseIf = Assert.IsType<IfStatement>(@if.Else);
        Assert.IsType<Block>(elseIf.Else);
        Assert.Null(Assert.IsType<IfStatement>(Assert.Single(Statements("if (1) { }"))).Else);
    }

    [Fact]
    public void ParsesLoopsAndJumps()
    {
        var statements = Statements("""
            while ($i < 10) { $i++; if ($i == 5) { break; } continue }
            unroll(3) { @u++ }
            for ($kv : @map) { print($kv.0) }
            for ($i : 0..ncpus) { }
            let $x; let $y: uint32; let $z = 5; let $p: struct task_struct * = curtask;
            { @nested = 1 }
            return 1
            """);
        Assert.IsType<WhileStatement>(statements[0]);
        Assert.IsType<UnrollStatement>(statements[1]);
        var forMap = Assert.IsType<ForMapStatement>(statements[2]);
        Assert.Equal(("$kv", "@map"), (forMap.Variable, forMap.Map.Name));
        var forRange = Assert.IsType<ForRangeStatement>(statements[3]);
        Assert.Equal("ncpus", Assert.IsType<Identifier>(forRange.End).Name);
        var lets = statements.Skip(4).Take(4).Cast<LetStatement>().ToArray();
        Assert.Equal([("$x", false, false), ("$y", true, false), ("$z", false, true), ("$p", true, true)],
            lets.Select(l => (l.Variable, l.Type != null, l.Value != null)));
        Assert.Equal(1, lets[3].Type!.PointerDepth);
        Assert.IsType<Block>(statements[8]);
        Assert.NotNull(Assert.IsType<ReturnStatement>(statements[9]).Value);
        var loop = Assert.IsType<WhileStatement>(statements[0]);
        Assert.IsType<ContinueStatement>(loop.Body.Statements[^1]);
    }

    [Fact]
    public void ConditionsAndForHeadersMayGoWithoutParenthesesAsInTheNewestBpftrace()
    {
        // Its parser.cpp: without "(", an if/while condition is a unary expression, a for range's ends primary ones.
        var statements = Statements("""
            if $x { } else if !f($x) { }
            if @m[1].y { }
            while $i { $i--; }
            while -$i[0] { }
            for $kv : @m { }
            for $i : 0..5 { }
            for $j : ((uint64)1)..($n + 1) { }
            unroll 3 { }
            if ($a) { }
            for ($i : 0..$n + 1) { }
            """);
        var @if = Assert.IsType<IfStatement>(statements[0]);
        Assert.IsType<VariableExpression>(@if.Condition);
        var elseIf = Assert.IsType<IfStatement>(@if.Else);
        Assert.Equal(UnaryOperator.LogicalNot, Assert.IsType<UnaryExpression>(elseIf.Condition).Operator);
        Assert.IsType<FieldAccess>(Assert.IsType<IfStatement>(statements[1]).Condition);
        Assert.IsType<VariableExpression>(Assert.IsType<WhileStatement>(statements[2]).Condition);
        Assert.IsType<UnaryExpression>(Assert.IsType<WhileStatement>(statements[3]).Condition);
        Assert.Equal(("$kv", "@m"), (Assert.IsType<ForMapStatement>(statements[4]).Variable, ((ForMapStatement)statements[4]).Map.Name));
        var range = Assert.IsType<ForRangeStatement>(statements[5]);
        Assert.Equal((0UL, 5UL), (Assert.IsType<IntegerLiteral>(range.Start).Value, Assert.IsType<IntegerLiteral>(range.End).Value));
        var casts = Assert.IsType<ForRangeStatement>(statements[6]);
        Assert.IsType<CastExpression>(casts.Start);
        Assert.IsType<BinaryExpression>(casts.End);
        Assert.IsType<UnrollStatement>(statements[7]);
        Assert.IsType<VariableExpression>(Assert.IsType<IfStatement>(statements[8]).Condition);
        Assert.IsType<BinaryExpression>(Assert.IsType<ForRangeStatement>(statements[9]).End);
    }

    [Fact]
    public void ParsesProbesWithSeveralAttachPointsAndPredicate()
    {
        var program = ParseClean("""
            tracepoint:syscalls:sys_enter_openat, tracepoint:syscalls:sys_enter_open
            /comm == "bash" && args.flags / 2 > 1/
            {
                @[comm] = count();
            }
            """);
        var probe = Assert.Single(program.Probes);
        Assert.Equal(["tracepoint:syscalls:sys_enter_openat", "tracepoint:syscalls:sys_enter_open"], probe.AttachPoints.Select(a => a.Raw));
        Assert.Equal(["syscalls", "sys_enter_open"], probe.AttachPoints[1].Parts);
        var predicate = Assert.IsType<BinaryExpression>(probe.Predicate);
        Assert.Equal(BinaryOperator.LogicalAnd, predicate.Operator);
        Assert.Equal(BinaryOperator.Divide, Assert.IsType<BinaryExpression>(Assert.IsType<BinaryExpression>(predicate.Right).Left).Operator);
    }

    [Theory]
    [InlineData("BEGIN", "BEGIN")]
    [InlineData("END", "END")]
    [InlineData("begin", "begin")]
    [InlineData("end", "end")]
    [InlineData("interval:s:1", "interval")]
    [InlineData("profile:hz:99", "profile")]
    [InlineData("kprobe:vfs_*", "kprobe")]
    [InlineData("k:f", "k")]
    [InlineData("uprobe:/bin/bash:readline", "uprobe")]
    [InlineData("uprobe:\"/path with space\":func", "uprobe")]
    [InlineData("uprobe:/bin/bash:readline+10", "uprobe")]
    [InlineData("uprobe:/bin/bash:0x1234", "uprobe")]
    [InlineData("usdt:/bin/x:prov:probe", "usdt")]
    [InlineData("self:signal:SIGUSR1", "self")]
    [InlineData("tracepoint:syscalls:sys_enter_exec*", "tracepoint")]
    public void KeepsProviderAsWritten(string attachPoint, string provider)
    {
        foreach (var text in new[] { $"{attachPoint} {{ }}", $"{attachPoint} /pid/ {{ }}", $"{attachPoint}{{}}" })
        {
            var probe = Assert.Single(ParseClean(text).Probes);
            var point = Assert.Single(probe.AttachPoints);
            Assert.Equal(provider, point.Provider);
            Assert.Equal(attachPoint, point.Raw);
        }
    }

    [Theory]
    [InlineData("BEGIN/1/{ @x = 1 }", "BEGIN")]
    [InlineData("kprobe:f/pid > 1/{ }", "kprobe:f")]
    [InlineData("uprobe:/bin/bash:readline/pid == 1/{ }", "uprobe:/bin/bash:readline")]
    [InlineData("uprobe:./a.out:main/1/{ }", "uprobe:./a.out:main")]
    public void PredicateMayFollowAttachPointWithoutSpace(string text, string attachPoint)
    {
        var probe = Assert.Single(ParseClean(text).Probes);
        Assert.Equal(attachPoint, Assert.Single(probe.AttachPoints).Raw);
        Assert.NotNull(probe.Predicate);
    }

    [Fact]
    public void ParsesPreamble()
    {
        var program = ParseClean("""
            #include <linux/sched.h>
            #define RED "\033[31m"
            struct Foo { int x; struct { int y; } inner; };
            union U { int a; char b; }
            enum E { A, B };
            config = { max_map_keys = 1024; stack_mode = perf }
            let @lru = lruhash(100);
            macro add($a, @b, c) { $a + c }
            BEGIN { }
            """);
        Assert.Equal(["#include <linux/sched.h>", "#define RED \"\\033[31m\""], program.Preprocessor.Select(p => p.Text));
        Assert.Equal(["struct Foo { int x; struct { int y; } inner; };", "union U { int a; char b; }", "enum E { A, B };"],
            program.CDefinitions.Select(c => c.Text));
        Assert.Equal(["max_map_keys", "stack_mode"], program.Config!.Entries.Select(e => e.Key));
        Assert.Equal("perf", Assert.IsType<Identifier>(program.Config.Entries[1].Value).Name);
        var map = Assert.Single(program.MapDeclarations);
        Assert.Equal(("@lru", "lruhash", 100UL), (map.MapName, map.Kind, Assert.IsType<IntegerLiteral>(map.MaxEntries).Value));
        var macro = Assert.Single(program.Macros);
        Assert.Equal(["$a", "@b", "c"], macro.Parameters);
        Assert.Single(program.Probes);
    }

    [Fact]
    public void SpansCoverTheirText()
    {
        const string text = "kprobe:f /pid > 1/ { @m[tid] = (uint32)arg0 + 1; }";
        var probe = ParseClean(text).Probes[0];
        var source = new SourceText(text);
        Assert.Equal(text, source.ToString(probe.Span));
        Assert.Equal("pid > 1", source.ToString(probe.Predicate!.Span));
        var assignment = Assert.IsType<AssignmentStatement>(probe.Body.Statements[0]);
        Assert.Equal("@m[tid] = (uint32)arg0 + 1", source.ToString(assignment.Span));
        Assert.Equal("@m[tid]", source.ToString(assignment.Target.Span));
        Assert.Equal("(uint32)arg0 + 1", source.ToString(assignment.Value.Span));
        Assert.Equal("{ @m[tid] = (uint32)arg0 + 1; }", source.ToString(probe.Body.Span));
    }

    [Fact]
    public void AstPrinterShowsOneNodePerLine()
    {
        var program = ParseClean("BEGIN /$1/ { @x[1] = -2; }");
        Assert.Equal("""
            Program
             Probe
              AttachPoint "BEGIN" provider="BEGIN" parts=[]
              Predicate
               PositionalParameter $1
              Block
               Assignment =
                Map @x
                 Integer 1
                Unary -
                 Integer 2

            """.ReplaceLineEndings("\n"), AstPrinter.Print(program));
        Assert.Contains("Program [0..26)", AstPrinter.Print(program, includeSpans: true));
    }

    [Fact]
    public void UnparserWritesReadableSource()
    {
        var program = ParseClean("kprobe:a,kprobe:b/pid>1/{@m[tid]=(1+2)*3;if(1){@x++}else{delete(@m[1])}}");
        Assert.Equal("""
            kprobe:a,
            kprobe:b
            /pid > 1/
            {
              @m[tid] = (1 + 2) * 3;
              if (1) {
                @x++;
              } else {
                delete(@m[1]);
              }
            }

            """.ReplaceLineEndings("\n"), Unparser.Unparse(program));
    }
}
