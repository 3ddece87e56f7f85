namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Unions as values on <c>-d types</c> (issue #12's acceptance: a test per new type rule): a union copied into a
/// variable, a map key, a map value and a record field keeps its type, named as the newest bpftrace names it
/// (types.cpp's typestr: a named union by its C spelling, <c>union word</c>; one without a tag as <c>union {T1,T2}</c>,
/// its members' types without spaces; a record <c>record { .w = union word, .h = uint16 }</c>).
/// </summary>
public class UnionValueTypeTests
{
    private const string Definitions = """
        union word { unsigned int u; unsigned short halves[2]; };
        struct holder { int id; union word tag; union { int i; short s[2]; } raw; };

        """;

    [Fact]
    public void ANamedUnionKeepsItsTypeInVariablesMapKeysMapValuesAndRecords()
    {
        var dump = SemanticKit.Types(Definitions + """
            BEGIN { $h = (struct holder *)0; $u = $h->tag; @k[$h->tag] = 1; @v[1] = $u; @r = (w = $u, h = $u.halves[1]); }
            """);

        Assert.Contains(" Variable $u :: union word\n", dump);
        Assert.Contains("Map @k[union word] :: ", dump);
        Assert.Matches(@"Map @v\[int\d+\] :: union word\n", dump);
        Assert.Contains("Map @r :: record { .w = union word, .h = uint16 }\n", dump);
    }

    [Fact]
    public void AUnionWithoutATagIsNamedByItsMembersTypes()
    {
        var dump = SemanticKit.Types(Definitions + """
            BEGIN { $h = (struct holder *)0; $a = $h->raw; @a = $a; @t = (1, $h->raw); }
            """);

        Assert.Contains(" Variable $a :: union {int32,int16[2]}\n", dump);
        Assert.Contains("Map @a :: union {int32,int16[2]}\n", dump);
        Assert.Matches(@"Map @t :: \(int\d+,union \{int32,int16\[2\]\}\)\n", dump);
    }
}
