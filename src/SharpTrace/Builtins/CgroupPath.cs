using System.Buffers.Binary;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(CgroupPath))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>cgroup_path(id[, filter])</c>: the path of the cgroup with that id, found when the value is printed, as bpftrace
/// does: the probe sends the id, user space looks for a directory entry of that inode in each mounted cgroup hierarchy
/// (<c>/proc/mounts</c>), the v2 one named <c>unified</c>, the v1 ones by their mount directory's name, and prints
/// <c>name:path</c> for each hierarchy that has it, v2 first, then v1 in name order, joined by commas
/// (<c>unified:/user.slice</c>). The filter, a wildcard over those names, picks the hierarchies; a filter that is not a
/// literal matches every one, as the newest bpftrace does. The value is only for printing.
/// </summary>
internal sealed class CgroupPath : BuiltinFunction
{
    public override string Name => "cgroup_path";

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Integer, ParameterKind.Any);

    // The message is bpftrace 0.17's for the same call.
    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var filter = "*";
        if (arguments.Count == 2)
        {
            if (arguments[1]!.Type is not StringType)
            {
                context.Diagnostics.Error(call.Span, $"{Name}() only supports string arguments ({KindName(arguments[1]!.Type)} provided)");
                return context.Error(call.Span);
            }
            if (call.Arguments[1] is StringLiteral literal)
                filter = literal.Value;
        }
        return new BoundNumberToName(call.Span, arguments[0]!, new CgroupPathType(filter));
    }
}

/// <summary>bpftrace's <c>cgroup_path</c> type: the cgroup id in 8 bytes, printed as the cgroup's paths in the hierarchies the filter picks.</summary>
internal sealed record CgroupPathType(string Filter) : SelfDecodingType
{
    public override int Size => 8;
    public override int Alignment => 1;
    public override string ToString() => "cgroup_path_t";

    public override RuntimeValue Decode(ReadOnlySpan<byte> bytes) =>
        new StringValue(Resolve(BinaryPrimitives.ReadUInt64LittleEndian(bytes), Filter));

    /// <summary>The paths of cgroup <paramref name="id"/> as bpftrace prints them, in the hierarchies mounted now.</summary>
    public static string Resolve(ulong id, string filter)
    {
        var paths = from root in Hierarchies()
                    where Wildcard.Matches(filter, root.Name)
                    let path = PathIn(root.Mount, id)
                    where path.Length > 0
                    select $"{root.Name}:{path}";
        return string.Join(',', paths);
    }

    // From /proc/mounts: the v2 hierarchy (or hierarchies) named "unified", then the v1 ones by name and mount point.
    private static IEnumerable<(string Name, string Mount)> Hierarchies()
    {
        var v1 = new List<(string Name, string Mount)>();
        var v2 = new List<(string Name, string Mount)>();
        foreach (var line in File.ReadLines("/proc/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length < 3 || fields[0] is not ("cgroup" or "cgroup2") || !Directory.Exists(fields[1]))
                continue;
            if (fields[0] == "cgroup2")
                v2.Add(("unified", fields[1]));
            else
                v1.Add((Path.GetFileName(fields[1].TrimEnd('/')), fields[1]));
        }
        return v2.Concat(v1.OrderBy(h => h.Name, StringComparer.Ordinal).ThenBy(h => h.Mount, StringComparer.Ordinal));
    }

    // The entry under the mount whose inode is the id, as a path from the mount ("/" for the mount itself); "" if none.
    private static string PathIn(string mount, ulong id)
    {
        if (FileIdentity.Of(mount) is { Inode: var rootInode } && rootInode == id)
            return "/";
        try
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
            foreach (var entry in Directory.EnumerateFileSystemEntries(mount, "*", options))
            {
                if (FileIdentity.Of(entry) is { Inode: var inode } && inode == id)
                    return entry[mount.TrimEnd('/').Length..];
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return "";
    }
}
