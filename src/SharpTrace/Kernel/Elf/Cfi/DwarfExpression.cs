namespace SharpTrace.Kernel.Elf.Cfi;

/// <summary>
/// Evaluates the DWARF expressions (<c>DW_OP_*</c>) call frame information uses on x86-64: register plus offset,
/// constants, arithmetic, comparisons and memory reads (the CFA of PLT entries, signal frames). Operations outside
/// that set (pieces, type conversions, calls) make the value unknown.
/// </summary>
internal static class DwarfExpression
{
    /// <summary>
    /// The expression's value, with <paramref name="initial"/> pushed first when given (register rules start with
    /// the CFA); null when a register or memory it needs is unknown, or it uses an unsupported operation.
    /// </summary>
    public static ulong? Evaluate(byte[] expression, Func<int, ulong?> register, Func<ulong, ulong?> memory, ulong? initial = null)
    {
        var stack = new Stack<ulong>();
        if (initial is { } first)
            stack.Push(first);
        var reader = new DwarfReader(expression, 0, expression.Length);
        try
        {
            while (!reader.AtEnd)
            {
                var op = reader.U8();
                if (op is >= 0x30 and <= 0x4f) // DW_OP_lit0..31
                {
                    stack.Push((ulong)(op - 0x30));
                    continue;
                }
                if (op is >= 0x70 and <= 0x8f) // DW_OP_breg0..31
                {
                    var offset = reader.Sleb();
                    if (register(op - 0x70) is not { } value)
                        return null;
                    stack.Push(value + (ulong)offset);
                    continue;
                }
                switch (op)
                {
                    case 0x06: // DW_OP_deref
                        if (memory(stack.Pop()) is not { } loaded)
                            return null;
                        stack.Push(loaded);
                        break;
                    case 0x08: stack.Push(reader.U8()); break; // const1u
                    case 0x09: stack.Push((ulong)(sbyte)reader.U8()); break; // const1s
                    case 0x0a: stack.Push(reader.U16()); break; // const2u
                    case 0x0b: stack.Push((ulong)(short)reader.U16()); break; // const2s
                    case 0x0c: stack.Push(reader.U32()); break; // const4u
                    case 0x0d: stack.Push((ulong)(int)reader.U32()); break; // const4s
                    case 0x0e: case 0x0f: stack.Push(reader.U64()); break; // const8u, const8s
                    case 0x10: stack.Push(reader.Uleb()); break; // constu
                    case 0x11: stack.Push((ulong)reader.Sleb()); break; // consts
                    case 0x12: stack.Push(stack.Peek()); break; // dup
                    case 0x13: stack.Pop(); break; // drop
                    case 0x14: stack.Push(stack.ElementAt(1)); break; // over
                    case 0x16: // swap
                        var top = stack.Pop();
                        var second = stack.Pop();
                        stack.Push(top);
                        stack.Push(second);
                        break;
                    case 0x1a: Binary(stack, (a, b) => a & b); break; // and
                    case 0x1c: Binary(stack, (a, b) => a - b); break; // minus
                    case 0x1e: Binary(stack, (a, b) => a * b); break; // mul
                    case 0x1f: stack.Push((ulong)-(long)stack.Pop()); break; // neg
                    case 0x20: stack.Push(~stack.Pop()); break; // not
                    case 0x21: Binary(stack, (a, b) => a | b); break; // or
                    case 0x22: Binary(stack, (a, b) => a + b); break; // plus
                    case 0x23: stack.Push(stack.Pop() + reader.Uleb()); break; // plus_uconst
                    case 0x24: Binary(stack, (a, b) => b >= 64 ? 0 : a << (int)b); break; // shl
                    case 0x25: Binary(stack, (a, b) => b >= 64 ? 0 : a >> (int)b); break; // shr
                    case 0x26: Binary(stack, (a, b) => b >= 64 ? (ulong)((long)a >> 63) : (ulong)((long)a >> (int)b)); break; // shra
                    case 0x27: Binary(stack, (a, b) => a ^ b); break; // xor
                    case 0x29: Binary(stack, (a, b) => a == b ? 1UL : 0); break; // eq
                    case 0x2a: Binary(stack, (a, b) => (long)a >= (long)b ? 1UL : 0); break; // ge
                    case 0x2b: Binary(stack, (a, b) => (long)a > (long)b ? 1UL : 0); break; // gt
                    case 0x2c: Binary(stack, (a, b) => (long)a <= (long)b ? 1UL : 0); break; // le
                    case 0x2d: Binary(stack, (a, b) => (long)a < (long)b ? 1UL : 0); break; // lt
                    case 0x2e: Binary(stack, (a, b) => a != b ? 1UL : 0); break; // ne
                    case 0x92: // bregx
                        var number = (int)reader.Uleb();
                        var delta = reader.Sleb();
                        if (register(number) is not { } registerValue)
                            return null;
                        stack.Push(registerValue + (ulong)delta);
                        break;
                    case 0x96: break; // nop
                    default:
                        return null;
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException or InvalidDataException)
        {
            return null; // an empty stack or a truncated operand: a malformed expression
        }
        return stack.Count > 0 ? stack.Peek() : null;
    }

    private static void Binary(Stack<ulong> stack, Func<ulong, ulong, ulong> operation)
    {
        var b = stack.Pop();
        var a = stack.Pop();
        stack.Push(operation(a, b));
    }
}
