using SharpTrace.Output;
using SharpTrace.Runtime;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Records as the newest bpftrace defines them (docs/language.md "Records": "a struct-like type where every element
/// has a name and a type", fields read with '.'; types.cpp names the type <c>record { .a = int64, ... }</c>;
/// types_format.cpp prints it as a struct).
/// </summary>
public class RecordTypeTests
{
    private static string Types(string script)
    {
        var (program, diagnostics) = SemanticKit.Bind(script);
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.Empty(diagnostics);
        return BoundTreePrinter.Print(program!).Replace("\r", "", StringComparison.Ordinal);
    }

    [Fact]
    public void ARecordHasNamedFieldsReadWithDot()
    {
        var dump = Types("""BEGIN { $a = (color = "green", size = 2); @s = $a.size; @r[$a] = (n = (1, "x"), m = $a); }""");

        Assert.Contains("Variable $a :: record { .color = string[6], .size = int8 }\n", dump);
        Assert.Contains("Map @r[record { .color = string[6], .size = int8 }] :: record { .n = (int8,string[2]), .m = record { .color = string[6], .size = int8 } }\n", dump);
        Assert.Contains("""
              MapAssign @s
               RecordField .size :: int8
                VariableRead $a :: record { .color = string[6], .size = int8 }
            """, dump);
        Assert.Contains("""
              VariableAssign $a
               Record :: record { .color = string[6], .size = int8 }
                String "green" :: string[6]
                Integer 2 :: int8
            """, dump);
    }

    [Theory]
    // type_resolver.cpp's FieldAccess rule and parser.cpp's named argument list.
    [InlineData("BEGIN { $a = (x = 1); @r = $a.y; }", "Record does not contain a field named 'y'")]
    [InlineData("BEGIN { @r = (x = 1, x = 2); }", "Named argument list already contains name: x")]
    [InlineData("BEGIN { $a = (x = 1); @r = $a.0; }", "Can not access index 0 on expression of type 'record { .x = int8 }'")]
    public void RecordMisusesAreReportedInTheReferencesWords(string script, string message)
    {
        Assert.Equal([message], SemanticKit.Bind(script).Diagnostics.Select(d => d.Message));
    }

    [Fact]
    public void ARecordWithTheSameFieldsInAnotherOrderIsAssignableAndKeepsTheFirstOrder()
    {
        // type_checker.cpp's record tests: "Different field order should be compatible as long as types match", for
        // variables, map values, map keys and nested records; the variable keeps its first assignment's order.
        var dump = Types("""
            BEGIN {
              $t = (a = 1, b = 2); $t = (b = 4, a = 5);
              @t = (a = 1, b = "x"); @t = (b = "yy", a = 5);
              @k[(a = 1, b = 2, c = "s")] = 1; @k[(b = 4, c = "other", a = 3)] = 2;
              $n = (a = 1, b = (x = 2, y = 3)); $n = (b = (y = 6, x = 5), a = 4);
            }
            """);

        Assert.Contains("Variable $t :: record { .a = int8, .b = int8 }\n", dump);
        Assert.Contains("Map @t :: record { .a = int8, .b = string[3] }\n", dump);
        Assert.Contains("Map @k[record { .a = int8, .b = int8, .c = string[6] }] :: int8\n", dump);
        Assert.Contains("Variable $n :: record { .a = int8, .b = record { .x = int8, .y = int8 } }\n", dump);
    }

    [Fact]
    public void ARecordsNarrowerIntegersAndShorterStringsFitAVariablesFields()
    {
        // type_checker.cpp's record_mixed_types: narrower fields are widened into the variable's.
        var dump = Types("""BEGIN { $a = (x = (int64)1, y = "hello"); $a = (y = "hi", x = (int16)2); $b = (p = (uint32)1); $b = (p = (uint8)2); }""");

        Assert.Contains("Variable $a :: record { .x = int64, .y = string[6] }\n", dump);
        Assert.Contains("Variable $b :: record { .p = uint32 }\n", dump);
    }

    [Theory]
    // type_checker.cpp: "Different field names should cause error", and a field of another type; the value's own
    // types, as its nested-record case ("record { .a = int8, .b = record { .x = int64, .y = string[3] } }").
    [InlineData("BEGIN { $t = (a = 1, b = 2); $t = (a = 3, c = 4); }",
        "Type mismatch for $t: trying to assign value of type 'record { .a = int8, .c = int8 }' when variable already has a type 'record { .a = int8, .b = int8 }'")]
    [InlineData("BEGIN { $t = (a = 1, b = 2); $t = (b = \"x\", a = 3); }",
        "Type mismatch for $t: trying to assign value of type 'record { .b = string[2], .a = int8 }' when variable already has a type 'record { .a = int8, .b = int8 }'")]
    [InlineData("BEGIN { $t = (a = 1, b = 2); $t = (a = 3); }",
        "Type mismatch for $t: trying to assign value of type 'record { .a = int8 }' when variable already has a type 'record { .a = int8, .b = int8 }'")]
    public void ARecordWithOtherFieldsIsATypeMismatch(string script, string message)
    {
        Assert.Equal([message], SemanticKit.Bind(script).Diagnostics.Where(d => d.IsError).Select(d => d.Message));
    }

    [Fact]
    public void ARecordDecodesAsAStructPrintsInTextAndJson()
    {
        var type = new TupleType([BpfType.Int64, new StringType(8)]) { Names = ["size", "color"] };
        var bytes = new byte[16];
        bytes[0] = 2;
        "green"u8.CopyTo(bytes.AsSpan(8));

        var value = ValueDecoder.Decode(type, bytes, SharpTrace.Tests.Output.OfflineDecoding.Default());

        Assert.Equal("{ .size = 2, .color = green }", TextOutputWriter.FormatValue(value));
        Assert.Equal("{\"size\": 2, \"color\": \"green\"}", JsonOutputWriter.FormatValue(value, 1));
    }
}
