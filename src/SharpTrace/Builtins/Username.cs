using System.Buffers.Binary;
using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Username))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>username</c>: the name of the current task's user. The probe sends the user id; user space names it from
/// /etc/passwd when it prints it, as bpftrace does (an id /etc/passwd does not list prints as nothing).
/// </summary>
internal sealed class Username : BuiltinVariable
{
    public override string Name => "username";
    public override BpfType Type => UsernameType.Instance;

    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        var uid = lowering.Ir.Binary(IrBinaryOp.And, lowering.Ir.Call(HelperFunction.GetCurrentUidGid), new Imm(0xffffffff));
        lowering.Ir.Store(new SlotAddress(slot, offset), 8, uid);
        return true;
    }
}

/// <summary>bpftrace's <c>username</c> type: a user id in 8 bytes, printed as the user's name in /etc/passwd.</summary>
internal sealed record UsernameType : SelfDecodingType
{
    public static readonly UsernameType Instance = new();

    public override int Size => 8;
    public override string ToString() => "username_t";

    public override RuntimeValue Decode(ReadOnlySpan<byte> bytes) =>
        new StringValue(NameOf(BinaryPrimitives.ReadUInt64LittleEndian(bytes), "/etc/passwd"));

    /// <summary>The first name a passwd file gives <paramref name="uid"/>; empty when none does or the file is unreadable.</summary>
    internal static string NameOf(ulong uid, string passwd)
    {
        var id = uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            foreach (var line in File.ReadLines(passwd))
            {
                var fields = line.Split(':');
                if (fields.Length >= 3 && fields[2] == id)
                    return fields[0];
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return "";
    }
}
