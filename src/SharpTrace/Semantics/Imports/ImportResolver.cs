using System.Text;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics.Imports;

/// <summary>
/// Resolves a script's <c>import "path";</c> directives before binding, as the newest bpftrace documents them: the path
/// is relative to the directory of the script that imports it (the current directory for <c>-e</c>); a <c>.bt</c>
/// file's probes, macros, map declarations and C definitions join the script (imported probes first, as bpftrace
/// orders them); a directory imports its <c>.bt</c> files; each path is imported once; imported scripts may import in
/// turn but may not have a <c>config</c> block; nothing is imported from a world-writable directory. C headers,
/// BPF C sources and objects need a C compiler this build does not have: importing one is an error saying so.
/// The script and its imports become one <see cref="SourceText"/> of several files, so every later error points into
/// the file and line it is about.
/// </summary>
internal sealed class ImportResolver
{
    private readonly StringBuilder _text = new();
    private readonly List<(int Start, string Name)> _parts = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<ProgramNode> _imported = [];
    // Problems found, at positions in the combined text; given the combined source once it is complete.
    private readonly DiagnosticBag _problems;

    private ImportResolver(SourceText root)
    {
        _problems = new DiagnosticBag(root);
        _text.Append(root.Text).Append('\n');
        _parts.Add((0, root.Name));
    }

    /// <summary>
    /// The tree with its imports merged in and its source extended by theirs; the same tree when it imports nothing.
    /// Problems (a file not found, a syntax error in an imported file...) are added to <paramref name="diagnostics"/>.
    /// </summary>
    public static SyntaxTree Resolve(SyntaxTree tree, List<Diagnostic> diagnostics)
    {
        if (tree.Root.Imports.Count == 0)
            return tree;
        var resolver = new ImportResolver(tree.Source);
        resolver.ImportAll(tree.Root.Imports, BaseDirectory(tree.Source.Name));
        var combined = new SourceText(resolver._text.ToString(), tree.Source.Name, resolver._parts);
        diagnostics.AddRange(resolver._problems.Items.Select(d => d with { Source = combined }));
        var root = tree.Root;
        var merged = root with
        {
            Preprocessor = [.. root.Preprocessor, .. resolver._imported.SelectMany(i => i.Preprocessor)],
            CDefinitions = [.. root.CDefinitions, .. resolver._imported.SelectMany(i => i.CDefinitions)],
            MapDeclarations = [.. root.MapDeclarations, .. resolver._imported.SelectMany(i => i.MapDeclarations)],
            Macros = [.. root.Macros, .. resolver._imported.SelectMany(i => i.Macros)],
            Probes = [.. resolver._imported.SelectMany(i => i.Probes), .. root.Probes],
            Imports = [],
        };
        return new SyntaxTree(combined, merged, tree.Diagnostics);
    }

    private static string BaseDirectory(string scriptName) =>
        scriptName == "stdin" ? Environment.CurrentDirectory : Path.GetDirectoryName(Path.GetFullPath(scriptName)) ?? Environment.CurrentDirectory;

    private void ImportAll(IEnumerable<ImportDirective> imports, string directory)
    {
        foreach (var import in imports)
            Import(import.Span, import.Path, Path.GetFullPath(Path.Combine(directory, import.Path)));
    }

    private void Import(TextSpan span, string name, string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            _problems.ReportImportNotFound(span, path);
            return;
        }
        if (!_seen.Add(path))
            return;
        if (IsWorldWritable(path) || IsWorldWritable(Path.GetDirectoryName(path) ?? "/"))
        {
            _problems.ReportImportWorldWritable(span, path);
            return;
        }
        if (Directory.Exists(path))
        {
            // Not recursive; files of other kinds are skipped, as bpftrace skips them.
            foreach (var entry in Directory.EnumerateFiles(path).Order(StringComparer.Ordinal))
                if (entry.EndsWith(".bt", StringComparison.Ordinal) || IsCImport(entry))
                    Import(span, name + "/" + Path.GetFileName(entry), entry);
            return;
        }
        if (path.EndsWith(".bt", StringComparison.Ordinal))
            ImportScript(span, name, path);
        else if (IsCImport(path))
            _problems.ReportUnsupported(span, $"Importing {Path.GetFileName(path)} (C headers, BPF C sources and objects need a C compiler)");
        else
            _problems.ReportUnknownImportType(span, Path.GetFileName(path));
    }

    private static bool IsCImport(string path) =>
        path.EndsWith(".h", StringComparison.Ordinal) || path.EndsWith(".bpf.c", StringComparison.Ordinal) || path.EndsWith(".bpf.o", StringComparison.Ordinal);

    private static bool IsWorldWritable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.OtherWrite) != 0;

    private void ImportScript(TextSpan span, string name, string path)
    {
        string text;
        try
        {
            text = Output.RawText.Decode(Kernel.RegularFiles.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _problems.ReportImportReadError(span, path, e.Message);
            return;
        }
        // Parsed at its place in the combined text (what comes before is blank), so its spans are the combined text's.
        var start = _text.Length;
        var tree = SyntaxTree.Parse(new SourceText(new string(' ', start) + text, name));
        _text.Append(text).Append('\n');
        _parts.Add((start, name));
        _problems.AddRange(tree.Diagnostics);
        if (tree.Root.Config is { } config)
            _problems.ReportConfigInImport(config.Span);
        _imported.Add(tree.Root);
        ImportAll(tree.Root.Imports, Path.GetDirectoryName(path) ?? "/");
    }
}
