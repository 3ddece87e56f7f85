using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Tests.Semantics;

/// <summary>A temporary include directory (what <c>-I</c> names) holding headers written by a test; deleted at dispose.</summary>
internal sealed class TempHeaders : IDisposable
{
    public TempHeaders(params (string Path, string Text)[] headers)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("sharptrace-headers-").FullName;
        foreach (var (path, text) in headers)
            Write(path, text);
    }

    public string Directory { get; }

    /// <summary>Searches only this directory, so the machine's own headers do not matter.</summary>
    public HeaderSearch Search => new([Directory]);

    public string Write(string path, string text)
    {
        var full = Path.Combine(Directory, path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
