using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>import "path";</c>, as the newest bpftrace documents it (docs/language.md, "Imports"), with files in a private
/// temporary directory (bpftrace refuses world-writable ones, such as /tmp itself). Messages are bpftrace's
/// (src/ast/passes/resolve_imports.cpp, parser.cpp) except where noted.
/// </summary>
public sealed class ImportTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sharptrace-import-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    // The script as a file of the temporary directory, so relative imports resolve there.
    private (BoundProgram? Program, IReadOnlyList<Diagnostic> Diagnostics) Bind(string script) =>
        Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(new SourceText(script, Path.Combine(_dir.FullName, "main.bt"))),
            SemanticKit.Tracepoints, kernelTypes: SemanticKit.Kernel);

    [Fact]
    public void ParsesImportsAtTheRoot()
    {
        var program = SyntaxTree.Parse("import \"a.bt\"; import \"lib\"; BEGIN { }").Root;

        Assert.Equal([("a.bt", new TextSpan(0, 13)), ("lib", new TextSpan(15, 12))], program.Imports.Select(i => (i.Path, i.Span)));
    }

    [Fact]
    public void ImportsPrintInTheAstAndUnparseAsWritten()
    {
        var program = SyntaxTree.Parse("import \"lib/a.bt\";\nBEGIN { }").Root;

        Assert.Contains("Import \"lib/a.bt\"", AstPrinter.Print(program), StringComparison.Ordinal);
        Assert.StartsWith("import \"lib/a.bt\";\n", Unparser.Unparse(program), StringComparison.Ordinal);
    }

    [Fact]
    public void ImportedMacrosMapsAndProbesJoinTheScriptImportedProbesFirst()
    {
        Write("helpers.bt", "let @seen = lruhash(10);\nmacro greet(x) { printf(\"hello %s\\n\", x); }\nEND { @seen[1] = 1; }\n");

        var (program, diagnostics) = Bind("import \"helpers.bt\";\nBEGIN { greet(\"world\"); }");

        Assert.Empty(diagnostics);
        Assert.Equal(["end", "begin"], program!.Probes.Select(p => p.Name));
        Assert.Contains(program.Maps, m => m.Name == "@seen");
    }

    [Fact]
    public void NestedImportsAreRelativeToTheImportingFileAndEachFileIsImportedOnce()
    {
        Write("lib/a.bt", "import \"b.bt\";\nmacro a() { b() + 1 }\n");
        Write("lib/b.bt", "macro b() { 41 }\n");

        // b.bt is named twice (through a.bt and through the directory): its macro is not a redefinition.
        var (program, diagnostics) = Bind("import \"lib/a.bt\";\nimport \"lib\";\nimport \"lib/a.bt\";\nBEGIN { @x = a(); }");

        Assert.Empty(diagnostics);
        Assert.Single(program!.Probes);
    }

    [Fact]
    public void ADirectoryImportsItsScriptsAndSkipsOtherFiles()
    {
        Write("lib/one.bt", "macro one() { 1 }\n");
        Write("lib/two.bt", "macro two() { 2 }\n");
        Write("lib/notes.txt", "not a script\n");

        var (program, diagnostics) = Bind("import \"lib\";\nBEGIN { @x = one() + two(); }");

        Assert.Empty(diagnostics);
        Assert.NotNull(program);
    }

    [Fact]
    public void ErrorsInAnImportedFileNameThatFileAndItsLine()
    {
        Write("lib/bad.bt", "// a comment\nmacro oops() { @nope }\n");

        var (_, diagnostics) = Bind("import \"lib/bad.bt\";\nBEGIN { oops(); }");

        Assert.Equal("""
            lib/bad.bt:2:16-21: ERROR: Unhygienic access to map: @nope. Maps must be passed into the macro as arguments.
            macro oops() { @nope }
                           ~~~~~

            """.Replace("\r", "", StringComparison.Ordinal), string.Concat(diagnostics.Select(d => d.Format())));
    }

    [Fact]
    public void SyntaxErrorsInAnImportedFileNameThatFile()
    {
        Write("broken.bt", "BEGIN { @x = 1 +; }\n");

        var (program, diagnostics) = Bind("import \"broken.bt\";\nBEGIN { }");

        Assert.Null(program);
        Assert.StartsWith("broken.bt:1:", Assert.Single(diagnostics).Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void AConfigBlockInAnImportIsAnError()
    {
        Write("cfg.bt", "config = { max_strlen = 10 }\n");

        var (_, diagnostics) = Bind("import \"cfg.bt\";\nBEGIN { }");

        Assert.Equal("""
            cfg.bt:1:1-29: ERROR: invalid `config` within import
            config = { max_strlen = 10 }
            ~~~~~~~~~~~~~~~~~~~~~~~~~~~~

            """.Replace("\r", "", StringComparison.Ordinal), string.Concat(diagnostics.Select(d => d.Format())));
    }

    [Fact]
    public void AMissingFileIsReportedAtTheImportWithThePathChecked()
    {
        var (_, diagnostics) = Bind("import \"nothere.bt\";\nBEGIN { }");

        var error = Assert.Single(diagnostics);
        // bpftrace gives the path checked as a hint line; here it is part of the message.
        Assert.Equal(($"Unable to find suitable path for import (checked: {Path.Combine(_dir.FullName, "nothere.bt")})", new TextSpan(0, 19)),
            (error.Message, error.Span));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void NothingIsImportedFromAWorldWritableDirectory()
    {
        var path = Write("open/lib.bt", "macro one() { 1 }\n");
        File.SetUnixFileMode(Path.GetDirectoryName(path)!, (UnixFileMode)0b111_111_111);

        var (_, diagnostics) = Bind("import \"open/lib.bt\";\nBEGIN { }");

        Assert.Equal($"cowardly refusing to import from a directory with global write permissions: \"{path}\"", Assert.Single(diagnostics).Message);
    }

    [Theory]
    [InlineData("notes.txt", "unknown import type: \"notes.txt\"")]
    [InlineData("types.h", "Importing types.h (C headers, BPF C sources and objects need a C compiler) is not supported yet")]
    [InlineData("lib.bpf.c", "Importing lib.bpf.c (C headers, BPF C sources and objects need a C compiler) is not supported yet")]
    public void FilesOtherThanScriptsAreRefused(string file, string message)
    {
        Write(file, "\n");

        var (_, diagnostics) = Bind($"import \"{file}\";\nBEGIN {{ }}");

        Assert.Equal(message, Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void AnImportAfterAProbeIsAnError()
    {
        SemanticKit.AssertDiagnostics("BEGIN { } ⟦import \"x.bt\"⟧;", "root imports must appear before probes and functions");
    }
}
