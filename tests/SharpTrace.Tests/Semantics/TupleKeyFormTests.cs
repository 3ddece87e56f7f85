namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>@m[a, b]</c> and <c>@m[(a, b)]</c> are one key, as in the newest bpftrace, whose map keys are one tuple
/// (tests/type_checker.cpp: <c>@x[1, 1] = 0; @x[(3, 4)];</c>, <c>@map[1, "hellohello"] = 1; @map[(3, "hi")] = 2;</c>).
/// </summary>
public class TupleKeyFormTests
{
    [Theory]
    [InlineData("BEGIN { @x[1, 1] = 0; @x[(3, 4)]; }")]
    [InlineData("""BEGIN { @map[1, "hellohello"] = 1; @map[(3, "hi")] = 2; }""")]
    [InlineData("BEGIN { @[pid, comm]++; @[(pid, comm)]++; }")]
    [InlineData("BEGIN { @[(pid, comm)] = count(); @[pid, comm] = count(); }")]
    public void BothFormsNameOneKey(string script) => Assert.Empty(SemanticKit.Errors(script));

    [Fact]
    public void TheFirstFormDecidesTheKeysLayout()
    {
        Assert.Contains("Map @[uint32, string[16]] :: int64\n", SemanticKit.Types("BEGIN { @[pid, comm]++; @[(pid, comm)]++; }"));
        Assert.Contains("Map @[(uint32,string[16])] :: int64\n", SemanticKit.Types("BEGIN { @[(pid, comm)]++; @[pid, comm]++; }"));
    }

    [Theory]
    // The newest bpftrace's runtime/variable "map key tuple with casted ints" and runtime/for "map delete": a tuple
    // held in a variable (or a loop's key) is the map's several keys, its integers widened as the keys' are.
    [InlineData("begin { @a[(int16)-1, ((int32)-2, 3)] = 10; @a[5, (6, 7)] = 11; $c = ((int8)-4, ((int16)-5, -6)); @a[$c] = 12; }")]
    [InlineData("begin { @[0,0,0] = 1; @[0,1,0] = 1; for ($kv : @) { if ($kv.0.1 == 1) { delete(@, $kv.0); } } }")]
    public void ATupleInAVariableIsTheMapsSeveralKeys(string script) => Assert.Empty(SemanticKit.Errors(script));

    [Fact]
    public void AKeyMismatchInACompoundAssignmentIsReportedOnce()
    {
        // `@["a"]++` reads and writes the key: one error, as the reference gives one.
        var errors = SemanticKit.Errors("""BEGIN { @[1]++; @["a"]++; }""");
        Assert.Equal(["Argument mismatch for @: trying to access with arguments: 'string[2]' when map expects arguments: 'int8'"], errors);
        Assert.Single(SemanticKit.Errors("""BEGIN { @[pid, comm]++; @[(pid, comm, 1)] += 1; }"""));
    }
}
