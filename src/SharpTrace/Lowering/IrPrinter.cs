using System.Text;
using SharpTrace.Bpf;

namespace SharpTrace.Lowering;

/// <summary>Prints the IR readably, as <c>sharptrace -d ir</c> shows it.</summary>
internal static class IrPrinter
{
    /// <summary>Introduces a <c>syscalls</c> tracepoint probe's variant for the raw syscall tracepoint, which runs where the kernel allows.</summary>
    public const string RawSyscallHeading = "# the same probe on the raw syscall tracepoint (run where the kernel allows):";

    public static string Print(LoweredProgram program)
    {
        var text = new StringBuilder();
        foreach (var probe in program.Probes)
        {
            if (probe.Body is { } body)
                Print(body, text);
            else
                text.Append(probe.Name).Append(":\n  ").Append("not supported yet: ").Append(probe.NotSupported).Append('\n');
            text.Append('\n');
            if (probe.SyscallBody is { } raw)
            {
                text.Append(RawSyscallHeading).Append('\n');
                Print(raw, text);
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    public static string Print(IrFunction function)
    {
        var text = new StringBuilder();
        Print(function, text);
        return text.ToString();
    }

    private static void Print(IrFunction function, StringBuilder text)
    {
        text.Append(function.Name).Append(":\n");
        if (function.Slots.Count > 0)
            text.Append("  slots ").AppendJoin(", ", function.Slots.Select(s => $"{s}[{s.Size}]")).Append('\n');
        foreach (var op in function.Ops)
        {
            text.Append(op is MarkOp ? "" : "  ").Append(Format(op)).Append('\n');
        }
        foreach (var callback in Callbacks(function))
        {
            text.Append("callback ");
            Print(callback.Body, text);
        }
    }

    /// <summary>The callbacks the function's operations name, each once, nested ones after their user.</summary>
    private static IEnumerable<IrCallback> Callbacks(IrFunction function) => function.Ops
        .Select(o => o switch { MapWalkOp w => w.Callback, LoopCallOp l => l.Callback, _ => null })
        .OfType<IrCallback>()
        .Distinct(ReferenceEqualityComparer.Instance)
        .Cast<IrCallback>();

    public static string Format(IrOp op) => op switch
    {
        MoveOp o => $"{o.Dst} = {o.Src}",
        BinaryOp o => $"{o.Dst} = {o.Left} {Symbol(o.Op)} {o.Right}",
        UnaryOp o => $"{o.Dst} = {Symbol(o.Op)}{o.Src}",
        LoadOp o => $"{o.Dst} = load.{o.Type} {o.From}",
        StoreOp o => $"store.u{o.Bytes * 8} {o.To}, {o.Value}",
        AddToOp o => $"add.u64 {o.To}, {o.Value}",
        FillOp o => o.Bytes.All(b => b == 0) ? $"zero {o.To}, {o.Bytes.Length}" : $"fill {o.To}, {Quote(o.Bytes)}",
        CopyOp o => $"copy {o.To}, {o.From}, {o.Size}",
        CallOp o => (o.Dst is null ? "" : $"{o.Dst} = ") + $"call {o.Callee}({string.Join(", ", o.Arguments)})",
        MapLookupOp o => $"{o.Dst} = lookup map[{o.Map.Ref.Name}], {o.Key}",
        MapUpdateOp o => $"update map[{o.Map.Ref.Name}], {o.Key}, {o.Value}{(o.Flags == 0 ? "" : ", flags " + o.Flags)}",
        MapDeleteOp o => $"delete map[{o.Map.Ref.Name}], {o.Key}",
        MapLookupPerCpuOp o => $"{o.Dst} = lookup.percpu map[{o.Map.Ref.Name}], {o.Key}, {o.Cpu}",
        NextCpuOp o => $"next.cpu {o.Cpu}: if ++{o.Cpu} < possible_cpus goto {o.Head}",
        DroppedUpdateOp o => $"dropped map[{o.Map.Ref.Name}]",
        MapWalkOp o => (o.Dst is null ? "" : $"{o.Dst} = ") + $"walk map[{o.Map.Ref.Name}], {o.Callback.Body.Name}({string.Join(", ", o.Callback.Parameters)}), {o.Context}",
        LoopCallOp o => $"loop {o.Count}, {o.Callback.Body.Name}({string.Join(", ", o.Callback.Parameters)}), {o.Context}",
        OutputOp o => $"output {o.Record.Kind} #{o.Record.Id}, {o.Data}, {o.Size}",
        OutputBufferOp o => $"output {o.Record.Kind} #{o.Record.Id}, {o.Data}, {o.Size}",
        ReserveOp o => $"{o.Dst} = reserve {o.Record.Kind} #{o.Record.Id}, {o.Size}",
        SubmitOp o => $"submit {o.Record}",
        ClaimPeriodOp o => $"claim.period {o.PeriodNanoseconds} ns, {o.State}, else goto {o.Skip}",
        GotoOp o => $"goto {o.Target}",
        BranchOp o => $"if {o.Left} {Symbol(o.Condition)} {o.Right} goto {o.Target}",
        MarkOp o => $"{o.Label}:",
        ReturnOp o => $"return {o.Value}",
        _ => op.ToString(),
    };

    private static string Symbol(IrBinaryOp op) => op switch
    {
        IrBinaryOp.Add => "+",
        IrBinaryOp.Sub => "-",
        IrBinaryOp.Mul => "*",
        IrBinaryOp.Div => "/",
        IrBinaryOp.Mod => "%",
        IrBinaryOp.And => "&",
        IrBinaryOp.Or => "|",
        IrBinaryOp.Xor => "^",
        IrBinaryOp.Shl => "<<",
        IrBinaryOp.Shr => ">>",
        _ => "s>>",
    };

    private static string Symbol(IrUnaryOp op) => op switch
    {
        IrUnaryOp.Neg => "-",
        IrUnaryOp.Not => "~",
        IrUnaryOp.Swap16 => "bswap16 ",
        IrUnaryOp.Swap32 => "bswap32 ",
        _ => "bswap64 ",
    };

    private static string Symbol(IrCondition condition) => condition switch
    {
        IrCondition.Eq => "==",
        IrCondition.Ne => "!=",
        IrCondition.Lt => "<",
        IrCondition.Le => "<=",
        IrCondition.Gt => ">",
        IrCondition.Ge => ">=",
        IrCondition.Slt => "s<",
        IrCondition.Sle => "s<=",
        IrCondition.Sgt => "s>",
        _ => "s>=",
    };

    private static string Quote(byte[] bytes)
    {
        var text = new StringBuilder("\"");
        foreach (var b in bytes)
            text.Append(b is >= 0x20 and < 0x7f and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:x2}");
        return text.Append('"').ToString();
    }
}
