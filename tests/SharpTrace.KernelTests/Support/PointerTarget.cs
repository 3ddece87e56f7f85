namespace SharpTrace.KernelTests.Support;

/// <summary>
/// Scripts on tests/programs/pointer_target's <c>visit(&amp;first, values, &amp;link)</c>, with the program's structs
/// declared, and one traced run of the program.
/// </summary>
public static class PointerTarget
{
    private const string Structs = """
        struct point { int x; int y; }
        struct node { long id; struct point pos; int values[4]; struct node *next; }

        """;

    /// <summary>A script with the program's structs and a uprobe on <c>visit</c> running <paramref name="body"/>, then <c>exit()</c>.</summary>
    public static string Visit(string body) =>
        Structs + $"uprobe:{TestPrograms.PathOf("pointer_target")}:visit {{\n" + body + "\n  exit();\n}\n";

    /// <summary>Waits for <paramref name="tool"/> to attach, runs the program once and returns the tool's result.</summary>
    public static async Task<RunResult> TraceVisitAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(TracerProcess.DefaultTimeout);
            await TestPrograms.RunAsync("pointer_target");
            return await tool.WaitForExitAsync(TracerProcess.DefaultTimeout);
        }
    }
}
