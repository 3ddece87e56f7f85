using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>Turns bytes written by the BPF programs (records, map keys, map values) into typed runtime values.</summary>
internal static class ValueDecoder
{
    /// <summary>
    /// Decodes one value: stacks and symbols are named by the context's symbolizer; a string that fills its whole
    /// buffer (no NUL in it), alone or inside a tuple, record, struct or array, ends with the context's trailer.
    /// </summary>
    public static RuntimeValue Decode(BpfType type, ReadOnlySpan<byte> bytes, DecodingContext context) => type switch
    {
        StackType or KernelSymbolType or UserSymbolType => DecodeSymbolic(type, bytes, context.Symbols),
        IntegerType { Enum: { } e } i => CValues.Enumerator(e, ReadUnsigned(bytes, i.Bytes)),
        IntegerType { IsSigned: true } i => new IntegerValue(ReadSigned(bytes, i.Bytes)),
        IntegerType i => new IntegerValue(unchecked((long)ReadUnsigned(bytes, i.Bytes)), IsSigned: false),
        PointerType => SymbolicValue.Address(ReadUnsigned(bytes, 8)),
        StringType s => new StringValue(CValues.String(bytes[..Math.Min(s.Capacity, bytes.Length)], context.TruncationTrailer)),
        TupleType t => DecodeTuple(t, bytes, context),
        SelfDecodingType t => t.Decode(bytes),
        CValueType c => c.Decode(bytes, context.TruncationTrailer),
        InetType => new StringValue(InetAddress.Format((long)ReadUnsigned(bytes, 8), bytes.Slice(InetType.AddressOffset, 16))),
        BufferType b => new BufferValue(bytes.Slice(BufferType.DataOffset, (int)Math.Min(ReadUnsigned(bytes, 8), (ulong)b.Capacity)).ToArray()),
        _ => throw new InvalidOperationException($"cannot decode a value of type {type}"),
    };

    private static RuntimeValue DecodeTuple(TupleType type, ReadOnlySpan<byte> bytes, DecodingContext context)
    {
        var elements = new List<RuntimeValue>(type.Elements.Count);
        for (var i = 0; i < type.Elements.Count; i++)
            elements.Add(Decode(type.Elements[i], bytes.Slice(type.OffsetOf(i), type.Elements[i].Size), context));
        // A record prints as bpftrace prints a struct: { .a = 1, .b = x }.
        if (type.Names is { } names)
            return new RecordValue(elements.Select((e, i) => new RecordMember(names[i], e)).ToList());
        return new TupleValue(elements);
    }

    private static RuntimeValue DecodeSymbolic(BpfType type, ReadOnlySpan<byte> bytes, Symbolizer symbols)
    {
        var value = ReadUnsigned(bytes, 8);
        if (type is StackType { IsDwarf: true } unwound)
            return symbols.UnwoundStack(unwound, new UInt128(ReadUnsigned(bytes[8..], 8), value));
        return type switch
        {
            StackType stack => symbols.Stack(stack, value),
            KernelSymbolType => new StringValue(symbols.KernelSymbol(value)),
            _ => new StringValue(symbols.FunctionName((int)ReadUnsigned(bytes[12..], 4)) ?? symbols.UserSymbol(value, (int)ReadUnsigned(bytes[8..], 4))),
        };
    }

    private static long ReadSigned(ReadOnlySpan<byte> bytes, int size) => CValues.ReadSigned(bytes, size);

    private static ulong ReadUnsigned(ReadOnlySpan<byte> bytes, int size) => CValues.ReadUnsigned(bytes, size);
}
