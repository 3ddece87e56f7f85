using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Output;

/// <summary>
/// Structs, unions and arrays copied out of memory, decoded and printed as the newest bpftrace prints them (its
/// tests/runtime/struct, array and json-output cases): <c>{ .a = 1, .b = hello }</c> and <c>[1,2,3]</c> in text,
/// objects and arrays in JSON, pointers in hex (JSON: the number), enums by name (JSON: the number).
/// </summary>
public class CompoundValueTests
{
    // The layout of tests/programs/probe_args.c's struct sample, as a script declares it.
    private const string Sample = "struct sample { int id; short delta; char label[8]; unsigned int flags : 3; int level : 5; long values[3]; struct sample *next; };";

    [Fact]
    public void AStructPrintsItsMembersInOrder()
    {
        var type = Type(Sample, "struct sample");
        var bytes = new byte[type.Size];
        BitConverter.GetBytes(7).CopyTo(bytes, 0);
        BitConverter.GetBytes((short)-3).CopyTo(bytes, 4);
        "alpha"u8.ToArray().CopyTo(bytes, 6);
        // flags (3 bits) = 5 and level (5 bits) = -6, in the byte after label (gcc packs them into the int holding it).
        bytes[14] = 5 | (26 << 3);
        BitConverter.GetBytes(1L).CopyTo(bytes, 16);
        BitConverter.GetBytes(-2L).CopyTo(bytes, 24);
        BitConverter.GetBytes(3L).CopyTo(bytes, 32);
        BitConverter.GetBytes(0x7ffd5e3c10UL).CopyTo(bytes, 40);

        var value = new CValueType(type, IsUserSpace: true).Decode(bytes, "..");

        // bpftrace prints a bitfield's bits without sign extension: level's -6 in 5 bits is 26.
        Assert.Equal("{ .id = 7, .delta = -3, .label = alpha, .flags = 5, .level = 26, .values = [1,-2,3], .next = 0x7ffd5e3c10 }",
            TextOutputWriter.FormatValue(value));
        Assert.Equal("""{"id": 7, "delta": -3, "label": "alpha", "flags": 5, "level": 26, "values": [1,-2,3], "next": 549711658000}""",
            JsonOutputWriter.FormatValue(value));
    }

    [Fact]
    public void NestedStructsAndArraysNest()
    {
        // bpftrace's "nested struct assignment into map" and "print_non_map_nested_struct" cases.
        var type = Type("struct Foo { struct { int m[1]; } y; struct { int n; } a; }; struct B { int y[2][2]; };", "struct Foo");
        var bytes = new byte[8];
        BitConverter.GetBytes(2).CopyTo(bytes, 0);
        BitConverter.GetBytes(3).CopyTo(bytes, 4);

        var value = new CValueType(type, IsUserSpace: true).Decode(bytes, "..");

        Assert.Equal("{ .y = { .m = [2] }, .a = { .n = 3 } }", TextOutputWriter.FormatValue(value));
        Assert.Equal("""{"y": {"m": [2]}, "a": {"n": 3}}""", JsonOutputWriter.FormatValue(value));
    }

    [Fact]
    public void MultiDimensionalArraysAreArraysOfArrays()
    {
        var b = Type("struct B { int y[2][2]; };", "struct B");
        var member = b.FindMember("y")!;
        var bytes = new byte[16];
        for (var i = 0; i < 4; i++)
            BitConverter.GetBytes(5 + i).CopyTo(bytes, 4 * i);

        var value = new CValueType(member.Type, IsUserSpace: true).Decode(bytes, "..");

        Assert.Equal("[[5,6],[7,8]]", TextOutputWriter.FormatValue(value));
        Assert.Equal("[[5,6],[7,8]]", JsonOutputWriter.FormatValue(value));
    }

    [Fact]
    public void UnionsShowEveryMemberAndEnumsTheirNames()
    {
        var type = Type("enum color { RED = 1, GREEN = 333 }; union N { int i; enum color c; }; struct Foo { int m; union N n; enum color k; };", "struct Foo");
        var bytes = new byte[12];
        BitConverter.GetBytes(2).CopyTo(bytes, 0);
        BitConverter.GetBytes(333).CopyTo(bytes, 4);
        BitConverter.GetBytes(7).CopyTo(bytes, 8);

        var value = new CValueType(type, IsUserSpace: true).Decode(bytes, "..");

        Assert.Equal("{ .m = 2, .n = { .i = 333, .c = GREEN }, .k = 7 }", TextOutputWriter.FormatValue(value));
        Assert.Equal("""{"m": 2, "n": {"i": 333, "c": 333}, "k": 7}""", JsonOutputWriter.FormatValue(value));
    }

    [Fact]
    public void AStructOrArrayInAKeyPrintsAsInTextAndWithoutSpacesInJson()
    {
        // The newest bpftrace writes a key's text in JSON with its spaces removed (its json.cpp), tuples joined by commas.
        var point = new RecordValue([new RecordMember("x", new IntegerValue(3, IsSigned: true)), new RecordMember("y", new IntegerValue(-4, IsSigned: true))]);
        var array = new ArrayValue([new IntegerValue(1, IsSigned: false), new IntegerValue(2, IsSigned: false)]);
        var map = MapSnapshot.Keyed("@p", new MapEntry([point, new IntegerValue(1, IsSigned: true)], new IntegerValue(2, IsSigned: true)),
            new MapEntry([array, new StringValue("a b")], new IntegerValue(3, IsSigned: true)));

        Assert.Equal("@p[{ .x = 3, .y = -4 }, 1]: 2\n@p[[1,2], a b]: 3\n", TextOutputWriter.FormatMap(map));
        Assert.Equal("""{"type": "map", "data": {"@p": {"{.x=3,.y=-4},1": 2, "[1,2],a b": 3}}}""" + "\n", JsonOutputWriter.FormatMap(map));
    }

    [Fact]
    public void AnEmptyRecordPrintsAsBraces()
    {
        Assert.Equal("{}", TextOutputWriter.FormatValue(new RecordValue([])));
        Assert.Equal("{}", JsonOutputWriter.FormatValue(new RecordValue([])));
    }

    private static CStructType Type(string declarations, string name)
    {
        var c = CDeclarationKit.ReadClean(declarations + " BEGIN { }");
        return c.Struct(name);
    }
}
