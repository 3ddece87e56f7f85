using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Semantics;

/// <summary>Types as bpftrace names them in its messages, so every diagnostic words a type the same way.</summary>
internal static class TypeNames
{
    /// <summary>A type as bpftrace names it in messages: <c>int64</c>, <c>uint32</c>, <c>string[16]</c>, <c>struct task_struct *</c>.</summary>
    public static string Of(BpfType type) => type switch
    {
        IntegerType { Enum: { } e } => e.Name,
        IntegerType i => (i.IsSigned ? "int" : "uint") + (i.Bytes * 8),
        StringType s => $"string[{s.Capacity}]",
        TupleType { Names: { } names } r => "record { " + string.Join(", ", r.Elements.Select((e, i) => "." + names[i] + " = " + Of(e))) + " }",
        TupleType t => "(" + string.Join(",", t.Elements.Select(Of)) + ")",
        // The newest bpftrace's buffer size counts the 4-byte length in front of the bytes.
        BufferType b => $"buffer[{b.Capacity + 4}]",
        AggregationType a => a.TypeName,
        _ => type.ToString() ?? "?",
    };

    /// <summary>The newest bpftrace's word for a kind of type ("(int provided)", "(string provided)"; 0.17 said "integer").</summary>
    public static string KindOf(BpfType type) => type switch
    {
        StringType => "string",
        PointerType => "pointer",
        IntegerType or ErrorType => "int",
        BoolType => "bool",
        StackType stack => stack.Kind,
        InetType => "inet",
        BufferType => "buffer",
        CValueType { CType.Resolved: CStructType s } => s.IsUnion ? "union" : "struct",
        CValueType => "array",
        TupleType { Names: not null } => "record",
        TupleType => "tuple",
        AggregationType a => a.ToString(),
        VoidType => "none",
        _ => type.ToString() ?? "?",
    };
}
