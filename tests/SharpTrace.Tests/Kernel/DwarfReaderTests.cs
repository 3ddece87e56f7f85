using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.Kernel.Dwarf;
using SharpTrace.Kernel.Elf;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Tests.Kernel;

/// <summary>
/// Our DWARF reader on programs gcc compiles with DWARF 4 and DWARF 5: every DIE readelf --debug-dump=info shows, at
/// the same offset with the same tag, and the C types of functions' parameters, structs, bitfields, arrays and enums.
/// </summary>
public sealed partial class DwarfReaderTests
{
    private const string Source = """
        #include <stddef.h>
        typedef unsigned long long u64;
        enum color { RED = 1, GREEN = -2 };
        struct flags { unsigned int a : 3; unsigned int b : 5; int c; };
        struct node { struct node *next; char name[16]; int grid[2][3]; u64 id; struct flags f; union { int i; float x; } u; };
        __attribute__((noinline)) int visit(struct node *node, const char *label, enum color color, u64 id, double ratio, _Bool ok)
        { return node->grid[1][2] + label[0] + color + (int)id + (int)ratio + ok; }
        __attribute__((noinline)) void nothing(void) { }
        int main(void) { struct node n = {0}; nothing(); return visit(&n, "x", RED, 7, 1.5, 1); }
        """;

    [Theory]
    [InlineData("-gdwarf-4")]
    [InlineData("-gdwarf-5")]
    public void EveryEntryReadelfShowsIsReadWithItsTag(string dwarfVersion)
    {
        using var program = new GccProgram(Source, dwarfVersion);
        var info = DwarfInfo.Read(ElfSections.Read(program.Path))!;

        var entries = ReadelfEntries(program.Path);

        Assert.NotEmpty(entries);
        foreach (var (offset, tag) in entries)
            Assert.Equal((offset, tag), (offset, info.EntryAt((ulong)offset)?.Tag ?? -1));
        Assert.Equal(dwarfVersion == "-gdwarf-5" ? 5 : 4, info.Units[0].Version);
    }

    [Theory]
    [InlineData("-gdwarf-4")]
    [InlineData("-gdwarf-5")]
    public void ParametersHaveTheirNamesAndCTypes(string dwarfVersion)
    {
        using var program = new GccProgram(Source, dwarfVersion);
        var types = new DwarfTypes(DwarfInfo.Read(ElfSections.Read(program.Path))!);

        var parameters = types.FunctionParameters("visit")!;

        Assert.Equal(["node", "label", "color", "id", "ratio", "ok"], parameters.Select(p => p.Name));
        Assert.Equal(["struct node *", "char *", "enum color", "u64", "double", "_Bool"], parameters.Select(p => p.Type.Name));
        Assert.Equal(
            ["struct node* node", "const char* label", "enum color color", "u64 id", "double ratio", "_Bool ok"],
            types.ListedParameters("visit"));
        Assert.Empty(types.FunctionParameters("nothing")!);
        Assert.Null(types.FunctionParameters("no_such_function"));
        Assert.True(((CPointerType)parameters[0].Type).IsUser);
        Assert.Equal(new CIntegerType("long long unsigned int", 8, false), parameters[3].Type.Resolved);
        var color = (CEnumType)parameters[2].Type;
        Assert.Equal([new CEnumValue("RED", 1), new CEnumValue("GREEN", -2)], color.Values);
    }

    [Theory]
    [InlineData("-gdwarf-4")]
    [InlineData("-gdwarf-5")]
    public void StructsHaveGccsLayout(string dwarfVersion)
    {
        using var program = new GccProgram(Source, dwarfVersion);
        var types = new DwarfTypes(DwarfInfo.Read(ElfSections.Read(program.Path))!);
        var node = (CStructType)((CPointerType)types.FunctionParameters("visit")![0].Type).Target;

        Assert.Equal(72, node.Size); // gcc: sizeof(struct node), offsets 24, 48, 56, 64 below
        Assert.Equal(
            [("next", 0, "struct node *"), ("name", 8, "char[16]"), ("grid", 24, "int[2][3]"), ("id", 48, "u64"), ("f", 56, "struct flags"), ("u", 64, "union (anonymous)")],
            node.Members.Select(m => (m.Name, m.Offset, m.Type.Name)));
        Assert.Same(node, ((CPointerType)node.Members[0].Type).Target);
        var flags = (CStructType)node.Members[4].Type;
        Assert.Equal([("a", 0, 3), ("b", 3, 5), ("c", 32, 0)], flags.Members.Select(m => (m.Name, m.BitOffset, m.BitfieldSize)));
        Assert.Equal((64, 4), (node.FindField(["u", "x"])!.Offset, node.FindField(["u", "x"])!.Type.Size));
    }

    [Fact]
    public void StringsFromStrOffsetsAreRead()
    {
        // -gsplit-dwarf keeps a skeleton unit in the binary whose strings are indexed (DW_FORM_strx).
        using var program = new GccProgram(Source, "-gdwarf-5", "-gsplit-dwarf");
        var info = DwarfInfo.Read(ElfSections.Read(program.Path))!;

        Assert.EndsWith(".dwo", info.Text(info.Units[0].Root!.Get(0x76 /* DW_AT_dwo_name */)) ?? "", StringComparison.Ordinal);
    }

    // "<1><2e>: Abbrev Number: 5 (DW_TAG_typedef)" for each DIE; the numeric tag from readelf's name table.
    private static List<(int Offset, int Tag)> ReadelfEntries(string path)
    {
        var tags = new Dictionary<string, int>
        {
            ["compile_unit"] = DwarfTag.CompileUnit, ["base_type"] = DwarfTag.BaseType, ["typedef"] = DwarfTag.Typedef,
            ["pointer_type"] = DwarfTag.PointerType, ["const_type"] = DwarfTag.ConstType, ["structure_type"] = DwarfTag.StructureType,
            ["union_type"] = DwarfTag.UnionType, ["member"] = DwarfTag.Member, ["array_type"] = DwarfTag.ArrayType,
            ["subrange_type"] = DwarfTag.SubrangeType, ["enumeration_type"] = DwarfTag.EnumerationType,
            ["enumerator"] = DwarfTag.Enumerator, ["subprogram"] = DwarfTag.Subprogram, ["formal_parameter"] = DwarfTag.FormalParameter,
            ["variable"] = 0x34, ["lexical_block"] = 0x0b, ["subroutine_type"] = DwarfTag.SubroutineType,
        };
        return DieLine().Matches(GccProgram.Run("readelf", "--debug-dump=info", path))
            .Select(m => (int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), tags[m.Groups[2].Value]))
            .ToList();
    }

    [GeneratedRegex(@"<\d+><([0-9a-f]+)>: Abbrev Number: \d+ \(DW_TAG_(\w+)\)")]
    private static partial Regex DieLine();
}

/// <summary>A C source compiled with gcc into a temporary directory, removed on dispose.</summary>
internal sealed class GccProgram : IDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("sharptrace-dwarf-").FullName;

    public GccProgram(string source, params string[] flags)
        : this(source, new Dictionary<string, string>(), flags)
    {
    }

    /// <summary>Compiles <paramref name="source"/> with <paramref name="headers"/> (name, text) beside it.</summary>
    public GccProgram(string source, IReadOnlyDictionary<string, string> headers, params string[] flags)
    {
        foreach (var (name, text) in headers)
            File.WriteAllText(System.IO.Path.Combine(_directory, name), text);
        var file = System.IO.Path.Combine(_directory, "program.c");
        File.WriteAllText(file, source);
        Path = System.IO.Path.Combine(_directory, "program");
        Run("gcc", ["-O0", "-o", Path, .. flags, file], _directory);
    }

    public string Path { get; }

    /// <summary>The temporary directory holding the program.</summary>
    public string Directory => _directory;

    public void Dispose() => System.IO.Directory.Delete(_directory, recursive: true);

    public static string Run(string program, params string[] args) => Run(program, args, null);

    private static string Run(string program, string[] args, string? workingDirectory)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
            start.WorkingDirectory = workingDirectory;
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Result : throw new InvalidOperationException($"{program} failed: {error}");
    }
}
