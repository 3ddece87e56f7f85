using System.Diagnostics;
using System.Text;
using SharpTrace.Kernel.Btf;

namespace SharpTrace.KernelTests.Btf;

/// <summary>
/// <c>bpftool btf dump file ... format raw</c>, the reference our reader is checked against, and the same listing
/// rendered from our own records.
/// </summary>
internal static class BpftoolRaw
{
    private static readonly Lazy<string[]> VmlinuxLines = new(() => Dump(BtfFile.VmlinuxPath));

    /// <summary>bpftool's raw dump of the running kernel's BTF, one line per array element (computed once per test run).</summary>
    public static string[] Vmlinux => VmlinuxLines.Value;

    private static string[] Dump(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("bpftool", ["btf", "dump", "file", path, "format", "raw"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "bpftool did not finish within a minute");
        Assert.True(process.ExitCode == 0, "bpftool failed: " + error.Result);
        return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Type <paramref name="type"/> in bpftool's raw format: the header line, then one line per member, enumerator, parameter or section entry.</summary>
    public static IEnumerable<string> Render(BtfFile file, BtfType type)
    {
        var name = type.NameOffset == 0 ? "(anon)" : type.Name;
        var head = $"[{type.Id}] {KindName(type.Kind)} '{name}'";
        switch (type.Kind)
        {
            case BtfKind.Int:
                var encoding = type.IntEncoding switch
                {
                    BtfFormat.IntSigned => "SIGNED", BtfFormat.IntChar => "CHAR", BtfFormat.IntBool => "BOOL", 0 => "(none)", var e => e.ToString(),
                };
                yield return $"{head} size={type.Size} bits_offset={type.IntBitOffset} nr_bits={type.IntBits} encoding={encoding}";
                break;
            case BtfKind.Ptr or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag:
                yield return $"{head} type_id={type.TypeId}";
                break;
            case BtfKind.Array:
                yield return $"{head} type_id={type.Array.ElementTypeId} index_type_id={type.Array.IndexTypeId} nr_elems={type.Array.Count}";
                break;
            case BtfKind.Struct or BtfKind.Union:
                yield return $"{head} size={type.Size} vlen={type.Vlen}";
                for (var i = 0; i < type.Vlen; i++)
                {
                    var member = type.Member(i);
                    var memberName = member.NameOffset == 0 ? "(anon)" : member.Name;
                    yield return $"\t'{memberName}' type_id={member.TypeId} bits_offset={member.BitOffset}"
                                 + (member.BitfieldSize > 0 ? $" bitfield_size={member.BitfieldSize}" : "");
                }
                break;
            case BtfKind.Enum or BtfKind.Enum64:
                yield return $"{head} encoding={(type.KindFlag ? "SIGNED" : "UNSIGNED")} size={type.Size} vlen={type.Vlen}";
                for (var i = 0; i < type.Vlen; i++)
                {
                    var (enumerator, value) = type.Enumerator(i);
                    var text = type.Kind == BtfKind.Enum
                        ? (type.KindFlag ? value.ToString() : ((uint)value).ToString())
                        : (type.KindFlag ? value + "LL" : (ulong)value + "ULL");
                    yield return $"\t'{enumerator}' val={text}";
                }
                break;
            case BtfKind.Fwd:
                yield return $"{head} fwd_kind={(type.KindFlag ? "union" : "struct")}";
                break;
            case BtfKind.Func:
                yield return $"{head} type_id={type.TypeId} linkage={LinkageName(type.Linkage)}";
                break;
            case BtfKind.FuncProto:
                yield return $"{head} ret_type_id={type.TypeId} vlen={type.Vlen}";
                for (var i = 0; i < type.Vlen; i++)
                {
                    var (parameter, typeId) = type.Parameter(i);
                    yield return $"\t'{(parameter.Length == 0 ? "(anon)" : parameter)}' type_id={typeId}";
                }
                break;
            case BtfKind.Var:
                yield return $"{head} type_id={type.TypeId}, linkage={LinkageName(type.Linkage)}";
                break;
            case BtfKind.Datasec:
                yield return $"{head} size={type.Size} vlen={type.Vlen}";
                for (var i = 0; i < type.Vlen; i++)
                {
                    var (typeId, offset, size) = type.SectionEntry(i);
                    var variable = file[typeId];
                    yield return $"\ttype_id={typeId} offset={offset} size={size} ({KindName(variable.Kind)} '{variable.Name}')";
                }
                break;
            case BtfKind.Float:
                yield return $"{head} size={type.Size}";
                break;
            case BtfKind.DeclTag:
                yield return $"{head} type_id={type.TypeId} component_idx={type.ComponentIndex}";
                break;
            default:
                throw new InvalidOperationException($"unexpected kind in {type}");
        }
    }

    private static string KindName(BtfKind kind) => kind switch
    {
        BtfKind.FuncProto => "FUNC_PROTO",
        BtfKind.DeclTag => "DECL_TAG",
        BtfKind.TypeTag => "TYPE_TAG",
        _ => kind.ToString().ToUpperInvariant(),
    };

    private static string LinkageName(int linkage) => linkage switch { 0 => "static", 1 => "global", 2 => "extern", _ => "(unknown)" };

    /// <summary>The member lines of the struct called <paramref name="name"/> in bpftool's dump: name → (type id, bit offset).</summary>
    public static Dictionary<string, (int TypeId, int BitOffset)> StructMembers(string name)
    {
        var lines = Vmlinux;
        var start = Array.FindIndex(lines, l => l.Contains($"] STRUCT '{name}' ", StringComparison.Ordinal));
        Assert.True(start >= 0, $"bpftool shows no struct {name}");
        var members = new Dictionary<string, (int, int)>();
        for (var i = start + 1; i < lines.Length && lines[i].StartsWith('\t'); i++)
        {
            var parts = lines[i].Trim().Split(' ');
            var memberName = parts[0].Trim('\'');
            members.TryAdd(memberName, (int.Parse(parts[1]["type_id=".Length..]), int.Parse(parts[2]["bits_offset=".Length..])));
        }
        return members;
    }

    public static string Join(IEnumerable<string> lines) => new StringBuilder().AppendJoin('\n', lines).ToString();
}
