using System.Text.RegularExpressions;
using SharpTrace.Bpf;
using SharpTrace.Kernel.Elf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Uaddr))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>uaddr("sym")</c>: the address of a symbol of the probed binary (uprobes, uretprobes, usdt), looked up in its
/// ELF symbols when the script is compiled, as a pointer into user memory whose pointee's width is the symbol's size
/// when that is 1, 2 or 4 bytes (8 otherwise), signed as bpftrace 0.17 and the newest type it. A fixed-address
/// executable's symbol address is the run-time one; a position-independent binary's is moved by its load address,
/// as the newest bpftrace does: here the probe computes it as the probed instruction's run-time address
/// (<c>bpf_get_func_ip</c>) minus its address in the file, which needs one attach point (the newest walks the task's
/// mappings with kfuncs instead).
/// </summary>
internal sealed partial class Uaddr : BuiltinFunction
{
    private static readonly string[] AllowedProbeTypes = ["uprobe", "uretprobe", "usdt"];

    public override string Name => "uaddr";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax);

    // The messages are bpftrace 0.17's for the same calls.
    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        if (!AllowedProbeTypes.Contains(context.ProbeKind.Name))
        {
            // The newest's words name the probe kind as its provider: "begin" however the probe is written (0.17: "BEGIN").
            var kind = context.ProbeKind.Name;
            context.Diagnostics.ReportNotAllowedInProbe(call.Span, Name, kind);
            return context.Error(call.Span);
        }
        if (call.Arguments[0] is not StringLiteral literal)
        {
            var type = context.Bind(call.Arguments[0]).Type;
            if (type is not ErrorType)
                context.Diagnostics.Error(call.Span, $"{Name}() expects a string literal ({KindName(type)} provided)");
            return context.Error(call.Span);
        }
        var name = literal.Value;
        if (!SymbolName().IsMatch(name))
        {
            context.Diagnostics.Error(call.Span, $"{Name}() expects a string that is a valid symbol (^[a-zA-Z0-9./_-]+$) as input (\"{name}\" provided)");
            return context.Error(call.Span);
        }

        ElfAnySymbol? found = null;
        var isFixed = true;
        var probedAddresses = new List<ulong?>();
        foreach (var binary in context.AttachPoints.GroupBy(p => p.Target, StringComparer.Ordinal))
        {
            (ElfAnySymbol? Symbol, bool IsFixedAddress, ulong?[] CodeAddresses) lookup;
            try
            {
                lookup = ElfFile.FindSymbol(binary.Key, name, binary.Select(p => p.FileOffset).ToList());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                lookup = (null, true, []);
            }
            if (lookup.Symbol is not { } symbol)
            {
                context.Diagnostics.Error(call.Span, $"Could not resolve symbol: {binary.Key}:{name}");
                return context.Error(call.Span);
            }
            if (found is not null && (found.Size != symbol.Size || found.Address != symbol.Address))
            {
                context.Diagnostics.Error(call.Span, found.Size != symbol.Size
                    ? $"Symbol size mismatch between probes. Symbol \"{name}\" has size {found.Size} for probe \"{context.ProbeKind.Name}:{context.AttachPoints[0].Target}\" but size {symbol.Size} for probe \"{context.ProbeKind.Name}:{binary.Key}\""
                    : $"{Name}(\"{name}\") has different addresses in the probe's binaries: give each binary a probe of its own");
                return context.Error(call.Span);
            }
            found = symbol;
            isFixed &= lookup.IsFixedAddress;
            probedAddresses.AddRange(lookup.CodeAddresses);
        }

        ulong? probedAddress = null;
        if (!isFixed)
        {
            if (context.AttachPoints.Count != 1)
            {
                context.Diagnostics.Error(call.Span,
                    $"{Name}() in a position-independent binary needs a probe with one attach point, to find the binary's load address ({context.AttachPoints.Count} attach points here)");
                return context.Error(call.Span);
            }
            probedAddress = probedAddresses[0] ?? 0;
        }
        var bits = found!.Size is 1 or 2 or 4 ? (int)found.Size * 8 : 64;
        var pointer = new PointerType(new CIntegerType($"int{bits}", bits / 8, IsSigned: true), IsUserSpace: true);
        return new BoundUaddr(call.Span, name, found.Address, probedAddress, pointer);
    }

    [GeneratedRegex("^[a-zA-Z0-9./_-]+$")]
    private static partial Regex SymbolName();
}

/// <summary>
/// A bound <c>uaddr("sym")</c>: the symbol's address in the file, and for a position-independent binary the probed
/// instruction's address in the file, so the probe adds the load address it finds at run time.
/// </summary>
internal sealed record BoundUaddr(TextSpan Span, string Symbol, ulong Address, ulong? ProbedAddress, PointerType Pointer)
    : BoundBuiltinCall(Span, Pointer)
{
    public override string Description => $"Call uaddr \"{Symbol}\"";

    internal override Operand? Lower(ProbeLowerer lowering)
    {
        var address = new Imm(unchecked((long)Address));
        if (ProbedAddress is not { } probed)
            return address;
        var ir = lowering.Ir;
        var loadAddress = ir.Binary(IrBinaryOp.Sub, ir.Call(HelperFunction.GetFuncIp, ir.Context), new Imm(unchecked((long)probed)));
        return ir.Binary(IrBinaryOp.Add, loadAddress, address);
    }
}
