using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// The newest bpftrace's smaller value rules: a bool array's elements are bools, pton()'s array is cast and indexed as
/// any integer array, bare <c>config</c> is the whole record, tuples and records compare with <c>==</c> and
/// <c>!=</c>; the types <c>-d types</c> prints and the reference's messages for the misuses.
/// </summary>
public class ValueGapTests
{
    [Fact]
    public void ABoolArraysElementsAreBools()
    {
        // runtime/bool "bool array": `(bool[2])(uint16)1` holds bools; an element is a bool (the newest's ArrayAccess
        // takes the array's element type), whether its index is a constant or known only at run time.
        var types = SemanticKit.Types("BEGIN { $b = (bool[2])(uint16)1; $i = 1; $x = $b[0]; $y = $b[$i]; @z = ((bool[4])(uint32)256)[1]; }");

        Assert.Contains("Variable $x :: bool", types, StringComparison.Ordinal);
        Assert.Contains("Variable $y :: bool", types, StringComparison.Ordinal);
        Assert.Contains("Map @z :: bool", types, StringComparison.Ordinal);
    }

    [Fact]
    public void PtonsArrayIsCastAndIndexedAsAnyIntegerArray()
    {
        // language.md "Array Casts": `skc_daddr == (uint32)pton("127.0.0.1")`; pton's value is a uint8 array.
        var types = SemanticKit.Types("""
            BEGIN { $i = 3; $a = (uint32)pton("127.0.0.1"); $b = pton("::1")[15]; $c = pton("10.0.0.9")[$i];
              $e = pton("1.2.3.4") == (uint8[4])(uint32)0x04030201; }
            """);

        // A variable holds its integer in 64 bits here; the expressions keep the array's and the cast's types.
        Assert.Contains("""
              VariableAssign $a
               Cast :: uint32
                Pton :: uint8[4]
              VariableAssign $b
               StoredMember +15 :: uint8
                Pton :: uint8[16]
              VariableAssign $c
               ArrayElement [4] copy :: uint8
                Pton :: uint8[4]
            """, types, StringComparison.Ordinal);
        Assert.Contains("Variable $e :: bool", types, StringComparison.Ordinal);
    }

    [Theory]
    // The newest bpftrace's type checker's messages for these casts and indexes of an array.
    [InlineData("""BEGIN { @x = ⟦(uint64)⟧pton("127.0.0.1"); }""", "Cannot cast from \"uint8[4]\" to \"uint64\"")]
    [InlineData("""BEGIN { @x = ⟦pton("127.0.0.1")[4]⟧; }""", "the index 4 is out of bounds for array of size 4")]
    public void PtonsArrayMisusesReportTheNewestBpftracesErrors(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void BareConfigIsTheRecordOfEveryConfigVariableInTheReferencesOrder()
    {
        // The newest bpftrace's builtins pass makes `config` a record of literals: five bools, eight integers, then strings.
        var types = SemanticKit.Types("BEGIN { $c = config; print(config); }");

        Assert.Contains("Variable $c :: record { .cpp_demangle = bool, .lazy_symbolication = bool, .print_maps_on_exit = bool, "
            + ".use_blazesym = bool, .show_debug_info = bool, .log_size = uint64, .max_bpf_progs = uint64, .max_cat_bytes = uint64, "
            + ".max_map_keys = uint64, .max_probes = uint64, .max_strlen = uint64, .on_stack_limit = uint64, .perf_rb_pages = uint64, "
            + ".str_trunc_trailer = string[3], .unstable_import_statement = string[6], .unstable_tseries = string[5], .unstable_typeinfo = string[6], "
            + ".unstable_dw_ustack = string[5], .missing_probes = string[6], .stack_mode = string[9], .license = string[4] }", types, StringComparison.Ordinal);
    }

    [Fact]
    public void TuplesAndRecordsCompareWithEqualsAndNotEqualsAsBools()
    {
        // tests/self/tuple.bt and record.bt: nested tuples, integers of other sizes, longer strings, records whose fields
        // are in another order.
        var types = SemanticKit.Types("""
            BEGIN { $x = ("hello", -6); $a = (1, true, $x); @b = (1, true, ("hello", -6));
              $t = $a == @b; $u = $a != (1, true, ("ello", (int8)-6));
              $r = (a = 1, b = "hello"); $v = $r == (b = "hello", a = (uint64)1); $w = (1, "x") != (2, "longer"); }
            """);

        foreach (var name in new[] { "$t", "$u", "$v", "$w" })
            Assert.Contains($"Variable {name} :: bool", types, StringComparison.Ordinal);
    }

    [Theory]
    // The newest bpftrace's type checker (IsCompatible, then the operator) words them so.
    [InlineData("BEGIN { $a = (1, true); $b = (2, false, 3); @x = ⟦$a == $b⟧; }", "Type mismatch for '==': comparing (int8,bool) with (int8,bool,int8)")]
    [InlineData("""BEGIN { $a = (1, true, "bye"); $b = (2, "bye", false); @x = ⟦$a != $b⟧; }""", "Type mismatch for '!=': comparing (int8,bool,string[4]) with (int8,string[4],bool)")]
    [InlineData("BEGIN { $a = (a = 1); @x = ⟦$a == (b = 1)⟧; }", "Type mismatch for '==': comparing record { .a = int8 } with record { .b = int8 }")]
    [InlineData("BEGIN { $a = (1, 2); @x = ⟦$a == (a = 1, b = 2)⟧; }", "Type mismatch for '==': comparing (int8,int8) with record { .a = int8, .b = int8 }")]
    [InlineData("BEGIN { $a = (2, (int8[2])(int16)1); $b = (2, (int8[8])1); @x = ⟦$a == $b⟧; }", "Type mismatch for '==': comparing (int8,int8[2]) with (int8,int8[8])")]
    [InlineData("BEGIN { $a = (1, 2); @x = ⟦$a == 1⟧; }", "Type mismatch for '==': comparing (int8,int8) with int8")]
    public void IncompatibleTuplesAreATypeMismatch(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    [InlineData("""BEGIN { $a = (1, "hello", true); $b = (2, "bye", false); @x = $a ⟦<⟧ $b; }""", "The < operator can not be used on expressions of types (int8,string[6],bool), (int8,string[4],bool)")]
    [InlineData("BEGIN { $a = (1, 2); @x = $a ⟦+⟧ $a; }", "The + operator can not be used on expressions of types (int8,int8), (int8,int8)")]
    public void OtherOperatorsOnTuplesAreRefused(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void AddressOfAMapIsAKernelPointerToItsValueType()
    {
        // type_checker.cpp's map_address test: `&@a` of a scalar or keyed map; type_resolver.cpp's MapAddr rule types it
        // a kernel pointer to the map's value type.
        var types = SemanticKit.Types("BEGIN { @a = 1; @b[1] = \"x\"; @c = count(); $x = &@a; $y = &@b; $z = &@c; }");

        Assert.Contains("Variable $x :: int8 *", types, StringComparison.Ordinal);
        Assert.Contains("Variable $y :: string[2] *", types, StringComparison.Ordinal);
        Assert.Contains("Variable $z :: void *", types, StringComparison.Ordinal);
        Assert.Contains("MapAddress @a :: int8 *", types, StringComparison.Ordinal);
    }

    [Fact]
    public void AddressOfAMapNeverAssignedIsAnUndefinedMap() =>
        SemanticKit.AssertDiagnostics("BEGIN { $x = &⟦@a⟧; }", "Undefined map: @a");
}
