using System.Text;
using SharpTrace.Bpf;
using SharpTrace.Kernel.Btf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(PercpuKaddr))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>percpu_kaddr("name")</c>, <c>percpu_kaddr("name", cpu)</c>: the address of the per-CPU kernel variable
/// <c>name</c> on the current CPU (<c>bpf_this_cpu_ptr</c>) or on CPU <c>cpu</c> (<c>bpf_per_cpu_ptr</c>, 0 past the
/// last CPU), as the newest bpftrace defines it. The variable is found in the kernel's BTF when the script is compiled
/// (its <c>VAR</c> in the <c>.data..percpu</c> section; kallsyms lists per-CPU variables only with
/// CONFIG_KALLSYMS_ALL) and the kernel resolves its address when it loads the program (BPF_PSEUDO_BTF_ID), by name in
/// kallsyms: where kallsyms lacks it (this kernel lists no data symbols), the script type-checks and its probe cannot
/// run, as for <c>kaddr</c>. Typed as the reference's signature writes it, <c>uint64 *</c> into kernel memory.
/// </summary>
internal sealed class PercpuKaddr : BuiltinFunction
{
    private const string PerCpuSection = ".data..percpu";

    public override string Name => "percpu_kaddr";

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Syntax, ParameterKind.Integer);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        if (call.Arguments[0] is not StringLiteral symbol)
        {
            var type = context.Bind(call.Arguments[0]).Type;
            if (type is not ErrorType)
                context.Diagnostics.Error(call.Span, $"{Name}() expects a string literal ({KindName(type)} provided)");
            return context.Error(call.Span);
        }
        switch (FindPerCpuVariable(symbol.Value))
        {
            case null:
                // The newest bpftrace's words.
                context.Diagnostics.Error(call.Span, $"Could not resolve variable \"{symbol.Value}\" from BTF");
                return context.Error(call.Span);
            case (_, false):
                context.Diagnostics.Error(call.Span, $"{Name}(): \"{symbol.Value}\" is not a per-CPU variable (it is not in the kernel's {PerCpuSection} section)");
                return context.Error(call.Span);
            case (var id, true):
                // The kernel finds a BTF variable's address by name in kallsyms when it loads the program.
                if (context.Kallsyms().AddressOf(symbol.Value) is null)
                    context.CannotRun($"{Name}(\"{symbol.Value}\") cannot run here: the kernel finds the variable's address through kallsyms, and /proc/kallsyms does not list {symbol.Value} (data symbols need CONFIG_KALLSYMS_ALL)");
                var pointer = new PointerType(new CIntegerType("uint64", 8, IsSigned: false), IsUserSpace: false);
                return new BoundPercpuKaddr(call.Span, symbol.Value, id, arguments.Count > 1 ? arguments[1] : null, pointer);
        }
    }

    /// <summary>The BTF id of the kernel variable <paramref name="name"/> and whether it is per-CPU; null when the kernel's BTF has no such variable (or there is no BTF).</summary>
    private static (int Id, bool IsPerCpu)? FindPerCpuVariable(string name)
    {
        if (!File.Exists(BtfFile.VmlinuxPath))
            return null;
        var btf = BtfFile.Load();
        var wanted = Encoding.UTF8.GetBytes(name);
        int? id = null;
        for (var i = 1; i <= btf.TypeCount && id is null; i++)
        {
            var type = btf[i];
            if (type.Kind == BtfKind.Var && btf.GetStringBytes(type.NameOffset).SequenceEqual(wanted))
                id = i;
        }
        if (id is not { } found)
            return null;
        for (var i = 1; i <= btf.TypeCount; i++)
        {
            var type = btf[i];
            if (type.Kind != BtfKind.Datasec || type.Name != PerCpuSection)
                continue;
            for (var entry = 0; entry < type.Vlen; entry++)
            {
                if (type.SectionEntry(entry).TypeId == found)
                    return (found, true);
            }
        }
        return (found, false);
    }
}

/// <summary>A bound <c>percpu_kaddr</c>: the variable's BTF id, and the CPU when one is given.</summary>
internal sealed record BoundPercpuKaddr(TextSpan Span, string Symbol, int BtfId, BoundExpression? Cpu, PointerType Pointer)
    : BoundBuiltinCall(Span, Pointer)
{
    public override string Description => $"Call percpu_kaddr \"{Symbol}\"";

    public override IReadOnlyList<BoundExpression> Operands => Cpu is null ? [] : [Cpu];

    internal override Operand? Lower(ProbeLowerer lowering)
    {
        var variable = new KernelVariableAddress(Symbol, BtfId);
        return Cpu is null
            ? lowering.Ir.Call(HelperFunction.ThisCpuPtr, variable)
            : lowering.Ir.Call(HelperFunction.PerCpuPtr, variable, lowering.LowerScalar(Cpu));
    }
}
