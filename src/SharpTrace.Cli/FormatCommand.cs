namespace SharpTrace.Cli;

// --fmt (--mode format): parse only, no kernel and no root, as the newest bpftrace.
internal static partial class Program
{
    /// <summary>
    /// Prints the script formatted, or writes it to <c>-o FILE</c> through a temporary file beside it renamed over it,
    /// so a failure never leaves FILE half written (formatting a script in place is safe). A script with syntax errors
    /// gets its diagnostics and exit 1.
    /// </summary>
    private static int Format(CliOptions options)
    {
        var source = LoadSource(options);
        if (source is null)
            return Fail("give a program with -e 'program' or a script file (see --help)");
        var parsed = TraceScript.Parse(source.Text, source.FileName);
        if (ReportDiagnostics(parsed.Diagnostics, Console.Error, options))
            return 1;
        var formatted = parsed.Format();
        if (options.OutputFile is not { } path)
            return Print(formatted, newline: false);
        if (path.Length == 0)
            return Fail("-o: the output file name is empty");
        string temporary;
        FileStream stream;
        try
        {
            (temporary, stream) = CreateBeside(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"unable to create temporary file: {e.Message}");
        }
        try
        {
            using (stream)
            using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false)))
                writer.Write(formatted);
            File.Move(temporary, path, overwrite: true);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            return Fail($"{path}: {e.Message}");
        }
    }

    /// <summary>A new file named FILE.XXXXXX in FILE's directory, as bpftrace's mkstemp.</summary>
    private static (string Path, FileStream Stream) CreateBeside(string path)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (var attempt = 0; ; attempt++)
        {
            var candidate = path + "." + string.Concat(Enumerable.Range(0, 6).Select(_ => letters[Random.Shared.Next(letters.Length)]));
            try
            {
                return (candidate, new FileStream(candidate, FileMode.CreateNew, FileAccess.Write, FileShare.None));
            }
            catch (IOException) when (attempt < 100 && File.Exists(candidate))
            {
            }
        }
    }
}
