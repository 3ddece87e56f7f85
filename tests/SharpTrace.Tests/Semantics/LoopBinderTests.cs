using SharpTrace.Lowering;
using SharpTrace.CodeGen;
using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// The binder's rules for for loops, break, continue, return, tuple elements and increments used as values. bpftrace
/// 0.17 has no for loops: the loop messages follow the newest bpftrace's where it has one ("shadows", "not allowed
/// outside of a loop", "does not support type"), ours otherwise; the tuple messages are bpftrace 0.17's.
/// </summary>
public sealed class LoopBinderTests
{
    [Theory]
    [InlineData("BEGIN { ⟦break⟧; }", "'break' statement is not allowed outside of a loop")]
    [InlineData("BEGIN { if (1) { ⟦continue⟧; } }", "'continue' statement is not allowed outside of a loop")]
    [InlineData("BEGIN { @m[1] = 1; for ($kv : @m) { } printf(\"%d\", ⟦$kv⟧.0); }", "Undefined or undeclared variable: $kv")]
    [InlineData("BEGIN { @x = 1; for ($kv : ⟦@x⟧) { } }", "@x has no explicit keys (scalar map), and cannot be used for iteration")]
    [InlineData("BEGIN { @a[1] = stats(1); for ($kv : ⟦@a⟧) { } }", "Loop expression does not support type: stats_t")]
    [InlineData("BEGIN { @h[1] = hist(1); for ($kv : ⟦@h⟧) { } }", "Loop expression does not support type: hist_t")]
    [InlineData("BEGIN { @m[1] = 1; for ($kv : @m) { printf(\"%d\", ⟦$kv.2⟧); } }", "Invalid tuple index: 2. Found 2 elements in tuple.")]
    [InlineData("BEGIN { $a = 1; printf(\"%d\", ⟦$a.0⟧); }", "Can not access index 0 on expression of type 'int8'")]
    [InlineData("BEGIN { @m[1] = 1; for ($kv : @m) { ⟦$kv = 3⟧; } }", "Type mismatch for $kv: trying to assign value of type 'int8' when variable already has a type '(int8,int8)'")]
    [InlineData("BEGIN { for ($i : ⟦0..\"a\"⟧) { } }", "Loop range requires an integer for the end value")]
    [InlineData("BEGIN { for ($i : ⟦\"a\"..5⟧) { } }", "Loop range requires an integer for the start value")]
    // bpf_loop runs at most 2^23 iterations and none beyond: a longer constant range is an error, not a silent no-op.
    [InlineData("BEGIN { ⟦for ($i : 0..8388609)⟧ { } }", "Loop range of 8388609 iterations is more than the kernel runs in one loop (8388608, bpf_loop's limit)")]
    [InlineData("BEGIN { ⟦for ($i : 1..8388610)⟧ { } }", "Loop range of 8388609 iterations is more than the kernel runs in one loop (8388608, bpf_loop's limit)")]
    // The newest bpftrace's type check (types/type_checker.cpp); an integer is the probe's return value.
    [InlineData("BEGIN { return ⟦\"a\"⟧; }", "Probe return values can only be integers. Found string[2]")]
    // The newest bpftrace's loop_return pass: the returns inside a probe's loops all have a value, or none has.
    [InlineData("BEGIN { for ($i : 0..2) { if ($i) { return 1; } ⟦return⟧; } }", "Return value used in loop is inconsistent")]
    [InlineData("BEGIN { @m[1] = 1; for ($kv : @m) { return; } for ($i : 0..2) { ⟦return $i⟧; } }", "Return value used in loop is inconsistent")]
    [InlineData("BEGIN { $y = ⟦$q⟧++; }", "Undefined or undeclared variable: $q")]
    public void ReportsTheProblemAtItsSpan(string annotated, string message)
    {
        var expected = AnnotatedText.Parse(annotated);
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(expected.Text), new NoTracepoints());

        Assert.Null(program);
        var error = Assert.Single(diagnostics, d => d.IsError);
        Assert.Equal((message, expected.Spans.Single()), (error.Message, error.Span));
    }

    [Theory]
    [InlineData("BEGIN { @m[1] = 2; for ($kv : @m) { } }", "(int8,int8)")]
    [InlineData("BEGIN { @m[\"a\", 1] = \"v\"; for ($kv : @m) { } }", "((string,int8),string)")]
    [InlineData("BEGIN { @c[1] = count(); for ($kv : @c) { } }", "(int8,int64)")]
    [InlineData("BEGIN { @c[1] = max(5); for ($kv : @c) { } }", "(int8,int64)")]
    public void LoopVariableIsTheKeyAndValueTuple(string script, string type)
    {
        var probe = Bind(script).Probes.Single();

        Assert.Equal(type, probe.Variables.Single(v => v.Name == "$kv").Type.ToString());
    }

    [Fact]
    public void ForBodyRecordsTheVariablesItAssignsNestedLoopsAndIncrementsIncluded()
    {
        var program = Bind("BEGIN { $a = 0; $b = 0; $c = 0; $d = 0; for ($i : 0..2) { $a = 1; printf(\"%d\\n\", $c++); for ($j : 0..2) { $b += $j; } } }");

        var loop = Assert.IsType<BoundForRange>(program.Probes[0].Body.Statements[4]);
        Assert.Equal(["$a", "$b", "$c"], loop.Assigned.Select(v => v.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MapTypedLaterInTheProgramStillGivesTheLoopVariableItsType()
    {
        var program = Bind("BEGIN { for ($kv : @m) { printf(\"%s\\n\", $kv.1); } } END { @m[1] = \"x\"; }");

        Assert.Equal("(int8,string)", program.Probes[0].Variables.Single(v => v.Name == "$kv").Type.ToString());
    }

    [Fact]
    public void LoopVariablesOfSiblingLoopsAreDistinct()
    {
        var probe = Bind("BEGIN { @m[1] = 1; @s[\"a\"] = 1; for ($kv : @m) { } for ($kv : @s) { } }").Probes.Single();

        Assert.Equal(["(int8,int8)", "(string,int8)"], probe.Variables.Where(v => v.Name == "$kv").Select(v => v.Type.ToString()));
    }

    [Fact]
    public void BreakAndContinueBindInsideNestedBlocksOfALoop()
    {
        var probe = Bind("BEGIN { for ($i : 0..3) { if ($i == 1) { continue; } else { if ($i == 2) { break; } } } }").Probes.Single();

        var loop = Assert.IsType<BoundForRange>(probe.Body.Statements.Single());
        Assert.Equal("int8", loop.Variable.Type.ToString()); // 0..3: get_range_type's int8
    }

    [Fact]
    public void IncrementOfAMapNothingElseTypesDeclaresAnIntegerMap()
    {
        var program = Bind("BEGIN { $y = @n++; @k[1]--; }");

        Assert.All(program.Maps, m => Assert.Equal(BpfType.Int64, m.ValueType));
        Assert.IsType<BoundIncrement>(((BoundVariableAssign)program.Probes[0].Body.Statements[0]).Value);
    }

    [Fact]
    public void OnlyProbesWithLoopsGetALoopVariablesEntry()
    {
        var program = Bind("BEGIN { @m[1] = 1; $a = 1; for ($kv : @m) { } } END { $b = \"s\"; } interval:s:1 { for ($i : 0..2) { } }");
        var maps = new ProgramMaps(program);

        var definition = maps.All.Single(d => d.Ref == maps.LoopVariablesMap);
        // BEGIN: $a (an int8 in 8) and $kv (an (int8,int8) in 8), then the leave flag; interval: $i and its start. One entry each.
        Assert.Equal((BpfMapType.PerCpuArray, 24, 2), (definition.Type, definition.ValueSize, definition.MaxEntries));
        Assert.Equal([0, 1], new[] { program.Probes[0], program.Probes[2] }.Select(maps.LoopVariablesEntry));
    }

    private static BoundProgram Bind(string script)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new NoTracepoints());
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        return program!;
    }

    private sealed class NoTracepoints : ITracepointCatalog
    {
        public IEnumerable<(string Category, string Name)> List() => [];
        public TracepointFormat? Format(string category, string name) => null;
    }
}
