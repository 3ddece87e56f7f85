using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Tuples and records are laid out as C structs, as the newest bpftrace's Struct::CreateRecord lays them out: each
/// element at the next multiple of its alignment (integers their size, strings 1, structs and arrays their C
/// alignment, tuples their widest element's, bools 1, byte arrays such as timestamps 1), the size rounded up to the
/// widest alignment. Its runtime/tuples cases
/// "tuple struct sizing 1-3", "complex tuple 4", "struct in tuple sizing" and "array in tuple sizing" give the sizes.
/// </summary>
public class TupleLayoutTests
{
    private static string Sizeof(string setup) => SemanticKit.Types("begin { " + setup + " @s = sizeof($t); }");

    [Theory]
    // runtime/tuples "tuple struct sizing 1", "2", "3".
    [InlineData("$t = ((int8) 1, (int64) 1, (int8) 1, (int64) 1);", 32)]
    [InlineData("$t = ((int8) 1, (int16) 1, (int32) 1);", 8)]
    [InlineData("$t = ((int32) 1, (int16) 1, (int8) 1);", 8)]
    // runtime/tuples "complex tuple 4": the literal 3 is an int8, the strings 7 and 4 bytes, unaligned.
    [InlineData("""$t = ((int8)-100, (int8) 100, "abcdef", 3, (int32) 1, (int64)-10, (int8)10, (int16)-555, "abc");""", 32)]
    // A nested tuple is aligned as its widest element: (int16, int8) is 4 bytes at 2.
    [InlineData("$t = ((int8)1, ((int16)2, (int8)3));", 6)]
    // A record is laid out as the tuple of its fields.
    [InlineData("$t = (a = (int8)1, b = (int64)2);", 16)]
    [InlineData("""$t = (a = "ab", b = (int16)2, c = "x");""", 8)]
    // The newest bpftrace's in-tuple alignments (types.cpp GetInTupleAlignment) and sizes: a bool is one byte; its
    // byte arrays (timestamp 16 bytes, usym 16, inet 24, mac address 6) start anywhere; ksym_t and username_t are
    // 8 bytes at a multiple of 8.
    [InlineData("$t = (true, (int8)1);", 2)]
    [InlineData("$t = ((int8)1, true, (int16)2);", 4)]
    [InlineData("$t = ((int8)1, strftime(\"%H\", 1));", 17)]
    [InlineData("$t = ((int8)1, usym(1));", 17)]
    [InlineData("$t = ((int8)1, ntop(1));", 25)]
    [InlineData("$t = ((int8)1, ksym(1));", 16)]
    [InlineData("$t = ((int8)1, username);", 16)]
    public void ATupleIsSizedAsACStruct(string setup, int size) =>
        Assert.Contains($"Integer {size} :: ", Sizeof(setup));

    [Fact]
    public void StructsAndArraysInATupleAreAlignedAsInC()
    {
        // runtime/tuples "struct in tuple sizing" (12) and "array in tuple sizing" (20).
        Assert.Contains("Integer 12 :: ", SemanticKit.Types(
            "struct Foo { int m; int n; } begin { $p = (struct Foo *)0; $t = ((int32)1, *$p); @s = sizeof($t); }"));
        Assert.Contains("Integer 20 :: ", SemanticKit.Types(
            "struct A { int x[4]; } begin { $p = (struct A *)0; $t = ((int32)1, $p.x); @s = sizeof($t); }"));
    }

    [Fact]
    public void ElementsStartAtTheirAlignmentAndThePaddingAfterEachIsItsSlot()
    {
        // "complex tuple 4": int8, int8, string[7], int8, int32, int64, int8, int16, string[4].
        var tuple = new TupleType([BpfType.Int8, BpfType.Int8, new StringType(7), BpfType.Int8, BpfType.Int32, BpfType.Int64,
            BpfType.Int8, new IntegerType(2, true), new StringType(4)]);

        Assert.Equal([0, 1, 2, 9, 12, 16, 24, 26, 28], Enumerable.Range(0, 9).Select(tuple.OffsetOf));
        Assert.Equal([1, 1, 7, 3, 4, 8, 2, 2, 4], Enumerable.Range(0, 9).Select(tuple.SlotSize));
        Assert.Equal((32, 8), (tuple.Size, tuple.Alignment));

        // The tail is padded to the widest alignment, and it belongs to the last element's slot.
        var tail = new TupleType([BpfType.Int64, BpfType.Int8]);
        Assert.Equal((16, 8, 8), (tail.Size, tail.OffsetOf(1), tail.SlotSize(1)));
        var strings = new TupleType([new StringType(3), new StringType(2)]);
        Assert.Equal((5, 1, 3), (strings.Size, strings.Alignment, strings.OffsetOf(1)));
    }

    [Fact]
    public void BuffersAndCgroupPathsStartAnywhereStacksAtAWord()
    {
        // Our buffer, cgroup path and stack values are sized otherwise than the newest bpftrace's (a 8-byte length, a
        // cgroup id, a stack id), but start where its do: its buffer and cgroup_path_t are byte arrays, its stacks words.
        Assert.Equal(1, new TupleType([BpfType.Int8, new BufferType(5)]).OffsetOf(1));
        Assert.Equal(1, new TupleType([BpfType.Int8, new SharpTrace.Builtins.CgroupPathType("*")]).OffsetOf(1));
        Assert.Equal(1, new TupleType([BpfType.Int8, SharpTrace.Builtins.MacAddressType.Instance]).OffsetOf(1));
        Assert.Equal(8, new TupleType([BpfType.Int8, new StackType(false, SharpTrace.Output.StackMode.Bpftrace, 127)]).OffsetOf(1));
        var withBool = new TupleType([BpfType.Int8, BoolType.Instance]);
        Assert.Equal((1, 2), (withBool.OffsetOf(1), withBool.Size));
    }

    [Fact]
    public void AnArrayCopyAlignsAsItsElements()
    {
        var foo = new CValueType(new CArrayType(new CIntegerType("int", 4, true), 4), IsUserSpace: false);
        var tuple = new TupleType([BpfType.Int8, foo]);

        Assert.Equal((4, 20), (tuple.OffsetOf(1), tuple.Size));
    }

    [Fact]
    public void SeveralMapKeysAreLaidOutAsOneTuple()
    {
        // The newest bpftrace's keys of @m[a, b] are one tuple: a for loop copies them into $kv.0 as they are.
        var map = new MapSymbol("@m", 0) { KeyTypes = [new StringType(3), BpfType.Int8, new StringType(2)], ValueType = BpfType.Int64 };

        Assert.Equal([0, 3, 4], Enumerable.Range(0, 3).Select(map.KeyOffset));
        // 6 bytes of keys, rounded up to 8: the padding is the last key's slot, zeroed so equal keys hash equal.
        Assert.Equal((8, 1, 4), (map.KeySize, map.KeySlotSize(1), map.KeySlotSize(2)));
        Assert.Equal(map.KeyLayout, new TupleType(map.KeyTypes));

        var wide = new MapSymbol("@w", 1) { KeyTypes = [BpfType.Int8, BpfType.Int64], ValueType = BpfType.Int64 };
        Assert.Equal((8, 16, 8), (wide.KeyOffset(1), wide.KeySize, wide.KeySlotSize(0)));
    }

    [Fact]
    public void AForLoopsEntryIsTheTupleOfTheKeysAndTheValue()
    {
        var dump = SemanticKit.Types("""begin { @c["ab", (int8)3, "x"] = ("q", (int16)-2); for ($kv : @c) { print($kv); } }""");

        Assert.Contains("$kv :: ((string[3],int8,string[2]),(string[2],int16))", dump);
    }
}
