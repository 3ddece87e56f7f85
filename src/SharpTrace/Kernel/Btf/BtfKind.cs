namespace SharpTrace.Kernel.Btf;

/// <summary>The kind of a BTF type record (BTF_KIND_* in linux/btf.h), bits 24-28 of its info word.</summary>
internal enum BtfKind
{
    Unknown = 0,
    Int = 1,
    Ptr = 2,
    Array = 3,
    Struct = 4,
    Union = 5,
    Enum = 6,
    Fwd = 7,
    Typedef = 8,
    Volatile = 9,
    Const = 10,
    Restrict = 11,
    Func = 12,
    FuncProto = 13,
    Var = 14,
    Datasec = 15,
    Float = 16,
    DeclTag = 17,
    TypeTag = 18,
    Enum64 = 19,
}

/// <summary>Layout constants of the BTF blob format (linux/btf.h), shared by the reader and the writer.</summary>
internal static class BtfFormat
{
    public const ushort Magic = 0xeB9F;
    public const byte Version = 1;
    public const int HeaderLength = 24;

    /// <summary>BTF_INT_SIGNED, in the encoding byte of an INT's extra word.</summary>
    public const int IntSigned = 1 << 0;
    /// <summary>BTF_INT_CHAR.</summary>
    public const int IntChar = 1 << 1;
    /// <summary>BTF_INT_BOOL.</summary>
    public const int IntBool = 1 << 2;

    /// <summary>Bytes of the record following the three common words, for a type of <paramref name="kind"/> with <paramref name="vlen"/> entries.</summary>
    public static int ExtraLength(BtfKind kind, int vlen) => kind switch
    {
        BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
        BtfKind.Array => 12,
        BtfKind.Struct or BtfKind.Union or BtfKind.Datasec or BtfKind.Enum64 => 12 * vlen,
        BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
        BtfKind.Ptr or BtfKind.Fwd or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
            or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
        _ => throw new InvalidDataException($"unknown BTF kind {(int)kind}"),
    };
}
