namespace SharpTrace.Kernel.Elf.Cfi;

/// <summary>
/// Runs the call frame instructions (<c>DW_CFA_*</c>) of a CIE and an FDE up to a code address, giving the row of
/// the call frame table that holds there.
/// </summary>
internal static class CfiProgram
{
    /// <summary>The row in effect at <paramref name="pc"/> (an address inside the FDE's range).</summary>
    public static CfiRow RowAt(FrameDescription fde, ulong pc)
    {
        var cie = fde.Cie;
        var initial = new CfiRow(new CfaRule(X64Registers.Rsp, 0), []);
        Run(cie, cie.Instructions, initial, null, fde.PcBegin, ulong.MaxValue);
        return Run(cie, fde.Instructions, initial.Clone(), initial, fde.PcBegin, pc);
    }

    private static CfiRow Run(CommonInformation cie, ArraySegment<byte> instructions, CfiRow row, CfiRow? initial, ulong location, ulong pc)
    {
        var reader = new DwarfReader(instructions.Array!, instructions.Offset, instructions.Offset + instructions.Count);
        var remembered = new Stack<CfiRow>();
        while (!reader.AtEnd)
        {
            var op = reader.U8();
            var low = op & 0x3f;
            switch (op >> 6)
            {
                case 1: // DW_CFA_advance_loc
                    if (!Advance(ref location, (ulong)low * cie.CodeAlignment, pc))
                        return row;
                    continue;
                case 2: // DW_CFA_offset
                    row.Registers[low] = new RegisterRule(RegisterRuleKind.Offset, (long)reader.Uleb() * cie.DataAlignment);
                    continue;
                case 3: // DW_CFA_restore
                    Restore(row, initial, low);
                    continue;
            }
            switch (op)
            {
                case 0x00: // DW_CFA_nop
                    break;
                case 0x01: // DW_CFA_set_loc
                    var target = reader.Pointer(cie.PointerEncoding, 0);
                    if (target > pc)
                        return row;
                    location = target;
                    break;
                case 0x02: // DW_CFA_advance_loc1
                    if (!Advance(ref location, reader.U8() * cie.CodeAlignment, pc))
                        return row;
                    break;
                case 0x03: // DW_CFA_advance_loc2
                    if (!Advance(ref location, reader.U16() * cie.CodeAlignment, pc))
                        return row;
                    break;
                case 0x04: // DW_CFA_advance_loc4
                    if (!Advance(ref location, reader.U32() * cie.CodeAlignment, pc))
                        return row;
                    break;
                case 0x05: // DW_CFA_offset_extended
                    row.Registers[(int)reader.Uleb()] = new RegisterRule(RegisterRuleKind.Offset, (long)reader.Uleb() * cie.DataAlignment);
                    break;
                case 0x06: // DW_CFA_restore_extended
                    Restore(row, initial, (int)reader.Uleb());
                    break;
                case 0x07: // DW_CFA_undefined
                    row.Registers[(int)reader.Uleb()] = new RegisterRule(RegisterRuleKind.Undefined);
                    break;
                case 0x08: // DW_CFA_same_value
                    row.Registers[(int)reader.Uleb()] = new RegisterRule(RegisterRuleKind.SameValue);
                    break;
                case 0x09: // DW_CFA_register
                    var register = (int)reader.Uleb();
                    row.Registers[register] = new RegisterRule(RegisterRuleKind.Register, Register: (int)reader.Uleb());
                    break;
                case 0x0a: // DW_CFA_remember_state
                    remembered.Push(row.Clone());
                    break;
                case 0x0b: // DW_CFA_restore_state: the whole row, the CFA rule included (as GCC's unwinder does)
                    if (remembered.Count > 0)
                    {
                        var saved = remembered.Pop();
                        row.Cfa = saved.Cfa;
                        row.Registers.Clear();
                        foreach (var (r, rule) in saved.Registers)
                            row.Registers[r] = rule;
                    }
                    break;
                case 0x0c: // DW_CFA_def_cfa
                    row.Cfa = new CfaRule((int)reader.Uleb(), (long)reader.Uleb());
                    break;
                case 0x0d: // DW_CFA_def_cfa_register
                    row.Cfa = new CfaRule((int)reader.Uleb(), row.Cfa.IsExpression ? 0 : row.Cfa.Offset);
                    break;
                case 0x0e: // DW_CFA_def_cfa_offset
                    row.Cfa = row.Cfa with { Offset = (long)reader.Uleb() };
                    break;
                case 0x0f: // DW_CFA_def_cfa_expression
                    row.Cfa = new CfaRule(0, 0, Block(reader));
                    break;
                case 0x10: // DW_CFA_expression
                    register = (int)reader.Uleb();
                    row.Registers[register] = new RegisterRule(RegisterRuleKind.Expression, Expression: Block(reader));
                    break;
                case 0x11: // DW_CFA_offset_extended_sf
                    row.Registers[(int)reader.Uleb()] = new RegisterRule(RegisterRuleKind.Offset, reader.Sleb() * cie.DataAlignment);
                    break;
                case 0x12: // DW_CFA_def_cfa_sf
                    row.Cfa = new CfaRule((int)reader.Uleb(), reader.Sleb() * cie.DataAlignment);
                    break;
                case 0x13: // DW_CFA_def_cfa_offset_sf
                    row.Cfa = row.Cfa with { Offset = reader.Sleb() * cie.DataAlignment };
                    break;
                case 0x14: // DW_CFA_val_offset
                    row.Registers[(int)reader.Uleb()] = new RegisterRule(RegisterRuleKind.ValueOffset, (long)reader.Uleb() * cie.DataAlignment);
                    break;
                case 0x15: // DW_CFA_val_offset_sf
                    row.Registers[(int)reader.Uleb()] = new RegisterRule(RegisterRuleKind.ValueOffset, reader.Sleb() * cie.DataAlignment);
                    break;
                case 0x16: // DW_CFA_val_expression
                    register = (int)reader.Uleb();
                    row.Registers[register] = new RegisterRule(RegisterRuleKind.ValueExpression, Expression: Block(reader));
                    break;
                case 0x2e: // DW_CFA_GNU_args_size: only matters for exception handling
                    reader.Uleb();
                    break;
                case 0x2f: // DW_CFA_GNU_negative_offset_extended
                    row.Registers[(int)reader.Uleb()] = new RegisterRule(RegisterRuleKind.Offset, -(long)reader.Uleb() * cie.DataAlignment);
                    break;
                default:
                    throw new InvalidDataException($"unknown call frame instruction 0x{op:x2}");
            }
        }
        return row;
    }

    /// <summary>Moves the location on; false when that passes <paramref name="pc"/>, so the row so far is the answer.</summary>
    private static bool Advance(ref ulong location, ulong delta, ulong pc)
    {
        if (location + delta > pc)
            return false;
        location += delta;
        return true;
    }

    private static void Restore(CfiRow row, CfiRow? initial, int register)
    {
        if (initial is not null && initial.Registers.TryGetValue(register, out var rule))
            row.Registers[register] = rule;
        else
            row.Registers.Remove(register);
    }

    private static byte[] Block(DwarfReader reader)
    {
        var length = (int)reader.Uleb();
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
            bytes[i] = reader.U8();
        return bytes;
    }
}
