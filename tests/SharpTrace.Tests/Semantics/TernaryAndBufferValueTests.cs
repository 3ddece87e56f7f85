using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Ternaries of tuples and of buffers whose sizes differ, and <c>==</c>/<c>!=</c> of two buffers, as the newest
/// bpftrace types them (types.cpp's get_promoted_type for the branches; codegen's binop_buf for buffers).
/// </summary>
public sealed class TernaryAndBufferValueTests
{
    private static BoundTernary Ternary(BoundProgram program) =>
        Find<BoundTernary>(program.Probes[0].Body).Single();

    private static IEnumerable<T> Find<T>(BoundNode node) where T : BoundNode
    {
        if (node is T match)
            yield return match;
        foreach (var child in node.GetType().GetProperties().Where(p => p.Name != "EqualityContract")
            .Select(p => p.GetValue(node)).SelectMany(v => v switch { BoundNode n => [n], IEnumerable<BoundNode> many => many, _ => [] }))
        {
            foreach (var found in Find<T>(child))
                yield return found;
        }
    }

    [Fact]
    public void TuplesWhoseStringsDifferInSizeMeetInTheLongerStrings()
    {
        // runtime/other "ternary_tuple".
        const string script = """i:ms:1 { $a = nsecs ? ("hellolongstr", "a") : ("b", "hellolongstr"); print($a); exit(); }""";
        var (program, diagnostics) = SemanticKit.Bind(script);
        Assert.Empty(diagnostics);

        Assert.Equal(new TupleType([new StringType(13), new StringType(13)]), Ternary(program!).Type);
        Assert.Contains("""
              VariableAssign $a
               Ternary :: (string[13],string[13])
                Builtin nsecs :: uint64
                Tuple :: (string[13],string[2])
            """.Replace("\r", "", StringComparison.Ordinal), SemanticKit.Types(script));
    }

    [Fact]
    public void TuplesAndRecordsPromoteTheirIntegersElementByElement()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { $t = nsecs ? ((int8)1, (uint16)2, \"a\") : ((int32)3, (uint8)4, \"bcd\"); $r = nsecs ? (x = (int16)1, y = \"ab\") : (y = \"abcd\", x = (int64)2); }");
        Assert.Empty(diagnostics);

        var ternaries = Find<BoundTernary>(program!.Probes[0].Body).ToList();
        Assert.Equal(new TupleType([BpfType.Int32, new IntegerType(2, false), new StringType(4)]), ternaries[0].Type);
        // A record's fields keep the first branch's order.
        Assert.Equal(new TupleType([BpfType.Int64, new StringType(5)]) { Names = ["x", "y"] }, ternaries[1].Type);
    }

    [Theory]
    // The newest's words and full types (type_checker.cpp "Branches must return the same type or compatible types";
    // a buffer's size counts its 4-byte length, as the newest's CreateBuffer does).
    [InlineData("BEGIN { $t = nsecs ? (1, 2) : (1, 2, 3); }", "Branches must return the same type or compatible types: have '(int8,int8)' and '(int8,int8,int8)'")]
    [InlineData("BEGIN { $t = nsecs ? (1, \"a\") : (\"a\", 1); }", "Branches must return the same type or compatible types: have '(int8,string[2])' and '(string[2],int8)'")]
    [InlineData("BEGIN { $t = nsecs ? buf(\"a\", 1) : \"a\"; }", "Branches must return the same type or compatible types: have 'buffer[5]' and 'string[2]'")]
    public void TuplesThatDoNotMeetAreStillRefused(string script, string message)
    {
        var (_, diagnostics) = SemanticKit.Bind(script);
        Assert.Equal(message, Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void BuffersOfTwoSizesMeetInTheLargerOne()
    {
        // runtime/other "ternary_buf".
        const string script = """i:ms:1 { $a = nsecs ? buf("hi", 2) : buf("bye", 3); print($a); exit(); }""";
        var (program, diagnostics) = SemanticKit.Bind(script);
        Assert.Empty(diagnostics);

        Assert.Equal(new BufferType(3), Ternary(program!).Type);
        Assert.Contains("""
              VariableAssign $a
               Ternary :: buffer
            """.Replace("\r", "", StringComparison.Ordinal), SemanticKit.Types(script));
    }

    [Fact]
    public void BuffersCompareWithEqualityOperatorsOnly()
    {
        // runtime/variable "buf_equality".
        const string script = """i:ms:1 {$a = buf("hi", 2); $b = buf("bye", 3); printf("equal=%d, unequal=%d\n", $a == $a, $a != $b); exit();}""";
        Assert.Contains("""
              Printf #0
               ArrayComparison == :: bool
                VariableRead $a :: buffer[6]
                VariableRead $a :: buffer[6]
               ArrayComparison != :: bool
                VariableRead $a :: buffer[6]
                VariableRead $b :: buffer[7]
            """.Replace("\r", "", StringComparison.Ordinal), SemanticKit.Types(script));

        var (_, diagnostics) = SemanticKit.Bind("""BEGIN { $a = buf("hi", 2); $b = $a < $a; }""");
        Assert.Contains("<", Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }
}
