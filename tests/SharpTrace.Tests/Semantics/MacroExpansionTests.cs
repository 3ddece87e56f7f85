using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Macros (<c>macro name($v, @m, x) { ... }</c>), expanded before binding. The cases and messages are those of the
/// newest bpftrace's macro expansion tests and documentation (docs/language.md, "Macros"); where bpftrace's tests show
/// the whole output (the overload mismatches), ours must equal it, context lines included.
/// </summary>
public sealed class MacroExpansionTests
{
    [Fact]
    public void ParsesParametersTheirSpansAndWhetherTheBodyHasAValue()
    {
        var program = SyntaxTree.Parse("macro add($a, @b, c) { $a + c } macro put(@m) { @m = 1; } BEGIN { }").Root;

        var add = program.Macros[0];
        Assert.Equal(["$a", "@b", "c"], add.Parameters);
        Assert.Equal([new TextSpan(10, 2), new TextSpan(14, 2), new TextSpan(18, 1)], add.ParameterSpans);
        Assert.Equal(new TextSpan(0, 9), add.NameSpan);
        Assert.True(add.HasValue);
        Assert.False(program.Macros[1].HasValue);
    }

    [Fact]
    public void ExpandsTheDocumentedExamples()
    {
        var (program, diagnostics) = SemanticKit.Bind("""
            macro one() { 1 }
            macro add_one(x) { x + 1 }
            macro add_one_to_each($a, @b) { $a += 1; @b += 1; }
            macro add_two(x) { add_one(x) + 1 }
            BEGIN {
              printf("%d %d\n", one(), one);
              $a = 10;
              printf("%d %d\n", add_one($a), add_one(1 + 1));
              @b = 5;
              add_one_to_each($a, @b);
              printf("%d %d\n", $a + @b, add_two(1));
            }
            """);

        Assert.Empty(diagnostics);
        // one() and one are the literal, add_one($a) is $a + 1, add_two(1) is (1 + 1) + 1, folded into 3 as the
        // newest bpftrace folds literals after expanding macros (add_one(1 + 1) too); the statement call runs its
        // body in place, on the caller's $a and @b.
        Assert.Equal("""
            Map @b :: int64
            Probe begin
             Variable $a :: int64
             Block
              Printf #0
               Integer 1 :: int8
               Integer 1 :: int8
              VariableAssign $a
               Cast :: int64
                Integer 10 :: int8
              Printf #1
               Binary Add :: int64
                VariableRead $a :: int64
                Integer 1 :: int8
               Integer 3 :: int8
              MapAssign @b
               Cast :: int64
                Integer 5 :: int8
              Block
               VariableAssign $a
                Binary Add :: int64
                 VariableRead $a :: int64
                 Integer 1 :: int8
               MapAssign @b
                Binary Add :: int64
                 MapRead @b :: int64
                 Integer 1 :: int8
              Printf #2
               Binary Add :: int64
                VariableRead $a :: int64
                MapRead @b :: int64
               Integer 3 :: int8

            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }

    [Fact]
    public void MacroLocalsAreRenamedAndDoNotClashWithTheCallers()
    {
        var (program, diagnostics) = SemanticKit.Bind("""
            macro once(x) { let $x = x; $x + 1 }
            macro twice(x) { $y = once(x); $y * 2 }
            BEGIN { $x = 100; $y = 7; printf("%d %d %d\n", once(5), twice($x), $x + $y); }
            """);

        Assert.Empty(diagnostics);
        var probe = Assert.Single(program!.Probes);
        // once's $x called from the probe, twice's $y, and once's $x called from twice (one level deeper).
        Assert.Equal(["$$once_$x", "$$once_2_$x", "$$twice_$y", "$x", "$y"], probe.Variables.Select(v => v.Name).Order(StringComparer.Ordinal));
        var tree = BoundTreePrinter.Print(program);
        Assert.Contains("BlockExpression :: int64", tree, StringComparison.Ordinal);
    }

    [Fact]
    public void OverloadsAreChosenByTheKindOfEachArgument()
    {
        var (program, diagnostics) = SemanticKit.Bind("""
            macro add($x) { 1 } macro add(@x) { 2 } macro add(x) { 3 }
            macro pick() { 10 } macro pick(x) { 11 } macro pick(x, y) { 12 }
            BEGIN { $v = 0; @m = 0; printf("%d %d %d %d %d %d\n", add($v), add(@m), add(1), pick, pick(1), pick(1, 2)); }
            """);

        Assert.Empty(diagnostics);
        var printf = Assert.IsType<BoundPrintf>(program!.Probes[0].Body.Statements[^1]);
        Assert.Equal([1L, 2, 3, 10, 11, 12], printf.Arguments.Select(a => Assert.IsType<BoundIntegerLiteral>(a).Value));
    }

    [Fact]
    public void AMacroCallAsAStatementRunsItsBodyThereAndDropsItsValue()
    {
        var (program, diagnostics) = SemanticKit.Bind("""
            macro bump($a, @b) { $a += 1; @b[$a] = $a; $a }
            BEGIN { $i = 1; @n[0] = 0; bump($i, @n); }
            """);

        Assert.Empty(diagnostics);
        var block = Assert.IsType<BoundBlock>(program!.Probes[0].Body.Statements[^1]);
        Assert.Collection(block.Statements,
            s => Assert.Equal("$i", Assert.IsType<BoundVariableAssign>(s).Variable.Name),
            s => Assert.Equal("@n", Assert.IsType<BoundMapAssign>(s).Map.Name),
            s => Assert.Equal("$i", Assert.IsType<BoundVariableRead>(Assert.IsType<BoundExpressionStatement>(s).Expression).Variable.Name));
    }

    [Fact]
    public void MacrosMayCallMacrosAndUseParametersInPredicates()
    {
        var (program, diagnostics) = SemanticKit.Bind("""
            macro add1(x) { x + 1 } macro add2(x) { x + add1(x) } macro add3(x) { x + add2(x) }
            macro is_big(x) { x > 100 }
            BEGIN / is_big(add3(pid)) / { printf("%d\n", add3(1)); }
            """);

        Assert.Empty(diagnostics);
        Assert.NotNull(program!.Probes[0].Predicate);
    }

    [Theory]
    [InlineData("macro set($x, ⟦$x⟧) { $x } BEGIN { $a = 1; set($a, $a); }", "Variable for macro argument has already been used: $x")]
    [InlineData("macro set(@x, ⟦@x⟧) { @x } BEGIN { @a = 1; set(@a, @a); }", "Map for macro argument has already been used: @x")]
    [InlineData("macro set(x, ⟦x⟧) { x } BEGIN { set(1, 1); }", "Ident for macro argument has already been used: x")]
    [InlineData("macro test(⟦pid⟧) { } BEGIN { }", "syntax: builtin 'pid' can't be used as a macro argument")]
    [InlineData("macro add1(x) { x + ⟦add3(x)⟧ } macro add2(x) { x + add1(x) } macro add3(x) { x + add2(x) } BEGIN { printf(\"%d\", add3(1)); }",
        "Recursive macro call detected. Call chain: add3 > add2 > add1 > add3")]
    [InlineData("macro self() { ⟦self()⟧ } BEGIN { self(); }", "Recursive macro call detected. Call chain: self > self")]
    [InlineData("macro set() { ⟦@x[1]⟧ } BEGIN { @x[0] = 0; set(); }", "Unhygienic access to map: @x. Maps must be passed into the macro as arguments.")]
    [InlineData("macro set($x) { ⟦let $x⟧; $x } BEGIN { $y = 1; set($y); }", "Variable declaration shadows macro arg $x")]
    [InlineData("macro m() { ⟦$q⟧ } BEGIN { $q = 1; printf(\"%d\", m()); }", "Unhygienic access to variable: $q. Variables must be passed into the macro as arguments.")]
    // Type arguments, worded as the newest bpftrace's tests (macro_expansion.cpp, type_arg).
    [InlineData("macro m(x) { x + 1 } BEGIN { print(m(⟦typeof(uint64*)⟧)); }",
        "When used as a call argument, `typeof` builtin only valid for macro calls that are expecting a type parameter")]
    [InlineData("macro m(t) { sizeof(struct t) } BEGIN { print(m(⟦typeof(uint64*)⟧)); }",
        "Invalid replacement for macro 'm' type parameter 't' which makes up the type 'struct t'")]
    [InlineData("macro m(t) { sizeof(struct t) } BEGIN { $x = 1; print(m(⟦$x⟧)); }",
        "Invalid replacement for macro 'm' type parameter 't' which makes up the type 'struct t'")]
    [InlineData("macro out(x) { print(x); } macro inn(b) { out(⟦typeof(b[2])⟧); } BEGIN { inn(typeof(uint64_t)); }",
        "When used as a call argument, `typeof` builtin only valid for macro calls that are expecting a type parameter")]
    [InlineData("macro off(t, f) { offsetof(t, f) } BEGIN { print(off(typeof(struct Foo), ⟦foo().b⟧)); }",
        "FieldAccess expressions must be made up entirely of idents (e.g. a.b.c) to replace the second argument in `offsetof`")]
    [InlineData("BEGIN { print(⟦typeof(1)⟧); }",
        "When used as a call argument, `typeof` builtin only valid for macro calls that are expecting a type parameter")]
    // The reference's "begin { print(f(typeof(uint64*))); }": its check of typeof arguments comes before any function
    // is looked up, so an undefined function or macro gets this error, not "Unknown function: f".
    [InlineData("BEGIN { print(f(⟦typeof(uint64*)⟧)); }",
        "When used as a call argument, `typeof` builtin only valid for macro calls that are expecting a type parameter")]
    [InlineData("macro m(t) { sizeof(t) } BEGIN { f(1, ⟦typeof(uint64)⟧); }",
        "When used as a call argument, `typeof` builtin only valid for macro calls that are expecting a type parameter")]
    public void ReportsTheProblemAtItsSpan(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    // bpftrace's own expected output (tests/macro_expansion.cpp, overloading), with begin written as BEGIN.
    [InlineData("macro add($x, y) { $x + 1 } BEGIN { add(1, 1); }", """
        stdin:1:37-46: ERROR: Call to add() has arguments that do not match any definition.
        macro add($x, y) { $x + 1 } BEGIN { add(1, 1); }
                                            ~~~~~~~~~
        stdin:1:41-42: ERROR: Mismatched arg. add() expects a variable for arg $x but got an expression.
        macro add($x, y) { $x + 1 } BEGIN { add(1, 1); }
                                                ~
        stdin:1:11-13: ERROR: This is the argument in the closest definition.
        macro add($x, y) { $x + 1 } BEGIN { add(1, 1); }
                  ~~

        """)]
    [InlineData("macro add(@x, y) { @x + 1 } BEGIN { add(1, 1); }", """
        stdin:1:37-46: ERROR: Call to add() has arguments that do not match any definition.
        macro add(@x, y) { @x + 1 } BEGIN { add(1, 1); }
                                            ~~~~~~~~~
        stdin:1:41-42: ERROR: Mismatched arg. add() expects a map for arg @x but got an expression.
        macro add(@x, y) { @x + 1 } BEGIN { add(1, 1); }
                                                ~
        stdin:1:11-13: ERROR: This is the argument in the closest definition.
        macro add(@x, y) { @x + 1 } BEGIN { add(1, 1); }
                  ~~

        """)]
    [InlineData("macro add(x) { x + 1 } macro add(x, y) { x + y } BEGIN { add(1, 1, 1); }", """
        stdin:1:58-70: ERROR: Call to add() has arguments that do not match any definition.
        macro add(x) { x + 1 } macro add(x, y) { x + y } BEGIN { add(1, 1, 1); }
                                                                 ~~~~~~~~~~~~
        stdin:1:24-33: ERROR: The closest definition of add() has a different number of arguments. Expected: 2 but got 3
        macro add(x) { x + 1 } macro add(x, y) { x + y } BEGIN { add(1, 1, 1); }
                               ~~~~~~~~~

        """)]
    // The other mismatches and the bare identifier of a macro that wants arguments, worded as in bpftrace's tests.
    [InlineData("macro set($x) { $x } BEGIN { @a = 1; set(@a); }", """
        stdin:1:38-45: ERROR: Call to set() has arguments that do not match any definition.
        macro set($x) { $x } BEGIN { @a = 1; set(@a); }
                                             ~~~~~~~
        stdin:1:42-44: ERROR: Mismatched arg. set() expects a variable for arg $x but got a map.
        macro set($x) { $x } BEGIN { @a = 1; set(@a); }
                                                 ~~
        stdin:1:11-13: ERROR: This is the argument in the closest definition.
        macro set($x) { $x } BEGIN { @a = 1; set(@a); }
                  ~~

        """)]
    [InlineData("macro set(@x) { @x } BEGIN { $a = 0; set($a); }", """
        stdin:1:38-45: ERROR: Call to set() has arguments that do not match any definition.
        macro set(@x) { @x } BEGIN { $a = 0; set($a); }
                                             ~~~~~~~
        stdin:1:42-44: ERROR: Mismatched arg. set() expects a map for arg @x but got a variable.
        macro set(@x) { @x } BEGIN { $a = 0; set($a); }
                                                 ~~
        stdin:1:11-13: ERROR: This is the argument in the closest definition.
        macro set(@x) { @x } BEGIN { $a = 0; set($a); }
                  ~~

        """)]
    [InlineData("macro add1($x) { $x += 1; $x } BEGIN { $y = 1; $z = add1; }", """
        stdin:1:53-57: ERROR: Call to add1() has arguments that do not match any definition.
        macro add1($x) { $x += 1; $x } BEGIN { $y = 1; $z = add1; }
                                                            ~~~~
        stdin:1:1-11: ERROR: The closest definition of add1() has a different number of arguments. Expected: 1 but got 0
        macro add1($x) { $x += 1; $x } BEGIN { $y = 1; $z = add1; }
        ~~~~~~~~~~

        """)]
    [InlineData("macro set($x) { $x += 1; $x } macro set($x) { $x } BEGIN { $a = 1; set($a); }", """
        stdin:1:31-40: ERROR: Redefinition of macro: set
        macro set($x) { $x += 1; $x } macro set($x) { $x } BEGIN { $a = 1; set($a); }
                                      ~~~~~~~~~
        stdin:1:1-10: ERROR: This is the original definition.
        macro set($x) { $x += 1; $x } macro set($x) { $x } BEGIN { $a = 1; set($a); }
        ~~~~~~~~~

        """)]
    public void ReportsAsBpftraceDoes(string script, string expected)
    {
        var (program, diagnostics) = SemanticKit.Bind(script);

        Assert.Null(program);
        Assert.Equal(expected.Replace("\r", "", StringComparison.Ordinal), string.Concat(diagnostics.Select(d => d.Format())));
    }

    [Theory]
    // The newest bpftrace's cases (tests/macro_expansion.cpp, type_arg), as our unparser writes the types.
    [InlineData("macro sof(t) { sizeof(t) } BEGIN { print(sof(typeof(struct task_struct))); }", "sizeof(struct task_struct)")]
    [InlineData("macro sof(t) { sizeof(t) } BEGIN { print(sof(typeof(uint64))); }", "sizeof(uint64)")]
    [InlineData("macro sof(t) { sizeof(struct t) } BEGIN { print(sof(typeof(task_struct))); }", "sizeof(struct task_struct)")]
    [InlineData("macro sof(t) { sizeof(t*) } BEGIN { print(sof(typeof(uint64))); }", "sizeof(uint64 *)")]
    [InlineData("macro sof(t) { sizeof(t*) } BEGIN { print(sof(typeof(mytype))); }", "sizeof(mytype *)")]
    [InlineData("macro sof(a, b) { sizeof(a) + sizeof(b[2]) } BEGIN { print(sof(typeof(struct task_struct), typeof(uint64*))); }",
        "sizeof(struct task_struct) + sizeof(uint64 *[2])")]
    [InlineData("struct Foo { int x; } macro off(t) { offsetof(t, x) } BEGIN { print(off(typeof(struct Foo))); }", "offsetof(struct Foo, x)")]
    [InlineData("macro c(t) { (typeof(t))0 } BEGIN { print(c(typeof(uint64*))); }", "(uint64 *)0")]
    [InlineData("macro lt(t) { let $x: t = 0; } BEGIN { lt(typeof(uint32)); }", ": uint32 = 0;")]
    [InlineData("macro cst(t) { (t)0; } BEGIN { print(cst(typeof(uint32*))); }", "(uint32 *)0")]
    [InlineData("macro inner(t) { sizeof(t) } macro outer(t) { inner(t) } BEGIN { print(outer(typeof(uint64*))); }", "sizeof(uint64 *)")]
    [InlineData("macro inner(t) { sizeof(t) } macro outer(z) { inner(typeof(z)) } BEGIN { print(outer(typeof(uint64*))); }", "sizeof(uint64 *)")]
    [InlineData("macro out(x) { print(sizeof(x*)); } macro inn(b) { out(typeof(b[2])); } BEGIN { inn(typeof(uint64_t)); }", "sizeof(uint64_t[2]*)")]
    [InlineData("macro off(t, f) { offsetof(t, f) } BEGIN { print(off(typeof(struct Foo), x)); }", "offsetof(struct Foo, x)")]
    [InlineData("macro off(t, f) { offsetof(t, f) } BEGIN { print(off(typeof(struct Foo), a.b.c)); }", "offsetof(struct Foo, a.b.c)")]
    // Ours: a typeof of an expression is passed on as written, its variable the caller's.
    [InlineData("macro c(t) { (t)1 } BEGIN { $a = (uint8)2; print(c(typeof($a))); }", "(typeof($a))1")]
    public void ATypeArgumentReplacesItsParameterWhereTheBodyWritesAType(string script, string expected)
    {
        var tree = SyntaxTree.Parse(script);
        var diagnostics = new DiagnosticBag(tree.Source);
        var expanded = SharpTrace.Semantics.Macros.MacroExpansion.Expand(tree.Root, diagnostics, _ => false);

        Assert.Empty(diagnostics.Items);
        Assert.Contains(expected, Unparser.Unparse(expanded.Probes[0]), StringComparison.Ordinal);
    }

    [Fact]
    public void TypeArgumentsHaveTheTypesTheyName()
    {
        // The newest bpftrace's runtime tests (tests/runtime/macro, "it accepts typeof expressions…"): 16 + 8 + 1 and
        // 8 + 2; its documentation's p_cast makes -1 a uint8 *.
        var types = SemanticKit.Types("""
            struct Foo { char m; }
            macro sof(a, b) { sizeof(a[2]) + sizeof(b*) + sizeof(b) }
            macro m(t) { sizeof(t) + 2 } macro n(z, @r) { @r = m(typeof(z)); }
            macro p_cast(a, b) { (a*)b }
            BEGIN { @s = sof(typeof(uint64*), typeof(struct Foo)); n(typeof(uint64*), @n); @p = p_cast(typeof(uint8), -1); }
            """);

        Assert.Contains("Integer 25", types, StringComparison.Ordinal);
        Assert.Contains("Integer 10", types, StringComparison.Ordinal);
        Assert.Contains("Map @p :: uint8 *", types, StringComparison.Ordinal);
        // The int8 -1 becomes the address zero-extended, as the newest bpftrace casts it (0xff).
        Assert.Contains("Cast :: uint8 *\n    Cast :: uint8\n     Integer -1 :: int8", types, StringComparison.Ordinal);
    }

    [Fact]
    public void AMacroWithoutAValueHasNone()
    {
        var (program, diagnostics) = SemanticKit.Bind("macro m() { $q = 1; } BEGIN { $z = m(); }");

        Assert.Null(program);
        Assert.Equal("Cannot assign a value of type 'none' to a variable", Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void ACallOfNoMacroIsLeftToTheBinder()
    {
        SemanticKit.AssertDiagnostics("macro add3(x) { x + ⟦add5⟧(x) } BEGIN { printf(\"%d\", add3(1)); }", "Unknown function: add5");
    }

    [Fact]
    public void MacroDefinitionsAreGoneAfterExpansion()
    {
        var tree = SyntaxTree.Parse("macro one() { 1 } BEGIN { @x = one; }");
        var expanded = SharpTrace.Semantics.Macros.MacroExpansion.Expand(tree.Root, new DiagnosticBag(tree.Source), _ => false);

        Assert.Empty(expanded.Macros);
        var assignment = Assert.IsType<AssignmentStatement>(expanded.Probes[0].Body.Statements[0]);
        Assert.Equal(1UL, Assert.IsType<IntegerLiteral>(assignment.Value).Value);
    }
}
