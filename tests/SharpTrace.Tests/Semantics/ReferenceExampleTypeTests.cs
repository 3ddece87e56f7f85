namespace SharpTrace.Tests.Semantics;

/// <summary>Examples of the newest bpftrace's docs/language.md, typed as the text beside them says.</summary>
public class ReferenceExampleTypeTests
{
    [Fact]
    public void SizeofATypeAndAnArrayOfPointers()
    {
        // language.md, "sizeof": 4 for uint32; 80 for uint32*[10], "an array of 10 pointers to uint32".
        var types = SemanticKit.Types("BEGIN { @a = sizeof(uint32); @b = sizeof(uint32*[10]); @c = sizeof(int32[4]); @d = sizeof(int32*); }");
        Assert.Contains("Integer 4 :: int8", types, StringComparison.Ordinal);
        Assert.Contains("Integer 80 :: int8", types, StringComparison.Ordinal);
        Assert.Contains("Integer 16 :: int8", types, StringComparison.Ordinal);
        Assert.Contains("Integer 8 :: int8", types, StringComparison.Ordinal);
    }

    [Fact]
    public void DeleteIsABoolUsableAsAValue()
    {
        // stdlib.md, "delete": bool delete(map m, mapkey k), used in if (delete(@a, 2)) and $did_delete = delete(@a, 2).
        var types = SemanticKit.Types("BEGIN { @a[1] = 1; delete(@a, 1); if (delete(@a, 2)) { } $did_delete = delete(@a, 2); @b = delete(@a[1]); }");
        Assert.Contains("Delete @a :: bool", types, StringComparison.Ordinal);
        Assert.Equal(3, types.Split("Delete @a :: bool").Length - 1);
    }

    [Fact]
    public void TernaryOfVoidCallsIsAStatement()
    {
        // language.md, "Ternary operators": $a == 1 ? print("true") : print("false"); is accepted as a statement.
        Assert.Empty(SemanticKit.Errors("BEGIN { $a = 1; $a == 1 ? print(\"true\") : print(\"false\"); }"));
        Assert.Contains("If", SemanticKit.Types("BEGIN { $a = 1; $a == 1 ? printf(\"t\") : exit(); }"), StringComparison.Ordinal);
    }
}
