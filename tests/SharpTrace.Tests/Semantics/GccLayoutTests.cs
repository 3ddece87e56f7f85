using System.Diagnostics;
using System.Text;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Struct layouts from our C parser compared with gcc's: each definition is compiled into a C program that prints
/// sizeof, _Alignof and every member's bit offset (found for bitfields by setting the field and looking for the first
/// set bit), and the output is compared with ours.
/// </summary>
public class GccLayoutTests
{
    public static readonly TheoryData<string> Definitions = new()
    {
        "struct s { char c; int i; char d; };",
        "struct s { char c; long l; short s; };",
        "struct s { char a[3]; short b; double d; char e; };",
        "struct s { int *p; char c; char *q[3]; };",
        "union s { char c[5]; int i; short s; };",
        "struct s { unsigned int a : 3; unsigned int b : 5; unsigned int c : 30; char d; };",
        "struct s { char c; int a : 7; int b : 26; };",
        "struct s { unsigned char a : 4; unsigned long b : 60; unsigned short c : 15; char d; };",
        "struct s { char c; long long : 0; char d; };",
        "struct s { char c; int : 3; char d; };",
        "struct s { _Bool a : 1; _Bool b; unsigned long long c : 33; unsigned int d : 31; };",
        "struct s { char c; struct { int x; char y; }; union { short u; long v; }; char z; };",
        "struct s { char c; struct inner { char a; int b[3]; } in[2]; char last; };",
        "struct s { short a; char flex[]; };",
        "struct __attribute__((packed)) s { char c; int i; short h; };",
        "struct s { enum e { A = 1, B = 0xffffffff } e; char c; enum f { N = -1 } f; };",
        "struct s { void (*callback)(int, char *); char c; int (*table)[4]; };",
        "struct s { char c; long double ld; __int128 big; };",
        "union s { unsigned int a : 3; unsigned long b : 40; char c; };",
        "struct s { unsigned short a : 9, b : 9, c : 9; };",
    };

    [Theory]
    [MemberData(nameof(Definitions))]
    public void LayoutMatchesGcc(string definition)
    {
        var declarations = CDeclarationKit.ReadClean(definition + "\nBEGIN { }");
        var type = Assert.IsType<CStructType>(declarations.Types.FindType(definition.StartsWith("union") ? "union s" : "struct s"));
        var members = Flatten(type).ToList();

        var ours = new StringBuilder($"size {type.Size} align {type.Alignment}\n");
        foreach (var (name, location) in members)
            ours.Append($"{name} {location.BitOffset}\n");

        Assert.Equal(RunGcc(definition, definition.StartsWith("union") ? "union s" : "struct s", members), ours.ToString());
    }

    // Every named member, including those reached through anonymous struct/union members, with its location.
    private static IEnumerable<(string Name, CFieldLocation Location)> Flatten(CStructType type)
    {
        foreach (var member in type.Members)
        {
            if (member.IsAnonymous && member.Type.Resolved is CStructType inner)
                foreach (var (name, _) in Flatten(inner))
                    yield return (name, type.FindMember(name)!);
            else if (!member.IsAnonymous)
                yield return (member.Name, type.FindMember(member.Name)!);
        }
    }

    private static string RunGcc(string definition, string typeName, IReadOnlyList<(string Name, CFieldLocation Location)> members)
    {
        var program = new StringBuilder();
        program.Append("#include <stdio.h>\n#include <string.h>\n#include <stddef.h>\n");
        program.Append(definition).Append('\n');
        program.Append("static int first_bit(const unsigned char *p, size_t n) {\n");
        program.Append("  for (size_t i = 0; i < n * 8; i++) if (p[i / 8] >> (i % 8) & 1) return (int)i;\n  return -1;\n}\n");
        program.Append("int main(void) {\n");
        program.Append($"  printf(\"size %zu align %zu\\n\", sizeof({typeName}), _Alignof({typeName}));\n");
        foreach (var (name, location) in members)
        {
            if (location.IsBitfield)
                program.Append($"  {{ {typeName} v; memset(&v, 0, sizeof v); v.{name} = ~0ULL; " +
                               $"printf(\"{name} %d\\n\", first_bit((const unsigned char *)&v, sizeof v)); }}\n");
            else
                program.Append($"  printf(\"{name} %zu\\n\", offsetof({typeName}, {name}) * 8);\n");
        }
        program.Append("  return 0;\n}\n");

        var directory = Directory.CreateTempSubdirectory("sharptrace-layout-");
        try
        {
            var source = Path.Combine(directory.FullName, "layout.c");
            var binary = Path.Combine(directory.FullName, "layout");
            File.WriteAllText(source, program.ToString());
            Run("gcc", $"-w -o {binary} {source}");
            return Run(binary, "");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), $"{file} did not finish");
        Assert.True(process.ExitCode == 0, $"{file} {arguments} failed:\n{error.Result}");
        return output.Result;
    }
}
