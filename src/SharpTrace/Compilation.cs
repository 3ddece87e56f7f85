using SharpTrace.Bpf;
using SharpTrace.CodeGen;
using SharpTrace.Lowering;
using SharpTrace.Runtime;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace;

/// <summary>The result of compiling a script: diagnostics, and the program when there were no errors.</summary>
internal sealed record CompilationResult(SyntaxTree Tree, IReadOnlyList<Diagnostic> Diagnostics, BoundProgram? Bound, CompiledProgram? Program)
{
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Program))]
    public bool Success => Program is not null;
}

/// <summary>Compiles bpftrace-language scripts: parse, bind, lower to IR, generate eBPF.</summary>
internal static class Compilation
{
    /// <summary>
    /// Parses, binds and generates code. <paramref name="kernelTypes"/> are the kernel's C types (BTF), consulted only
    /// when the script names one; pass <see cref="Semantics.CTypes.KernelTypes.Lazy"/> to open BTF on first use.
    /// <paramref name="kallsyms"/> reads the kernel's symbols when a script needs them (<c>kaddr</c>); by default
    /// /proc/kallsyms, read again by each compilation.
    /// </summary>
    public static CompilationResult Compile(SourceText source, ITracepointCatalog tracepoints, ProgramConfig? config = null,
        Semantics.CTypes.IKernelTypes? kernelTypes = null, Func<Kernel.Kallsyms>? kallsyms = null)
    {
        var tree = SyntaxTree.Parse(source);
        var (bound, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, tree, tracepoints, config, kernelTypes, kallsyms);
        if (bound is null)
            return new CompilationResult(tree, diagnostics, null, null);
        var maps = new ProgramMaps(bound);
        var lowered = LoweringInputs.Lower(bound, maps);
        var probes = new List<CompiledProbe>();
        var scratch = new ScratchSpace();
        for (var i = 0; i < bound.Probes.Count; i++)
        {
            AssembledProgram code;
            try
            {
                code = Generate(lowered.Probes[i], lowered, scratch);
            }
            catch (CompileException e)
            {
                // A sound probe the code generator cannot fit in BPF's limits (512 bytes of stack): an error at the probe.
                Diagnostic[] all = [.. diagnostics, new Diagnostic(DiagnosticSeverity.Error, source, bound.Probes[i].Span, e.Message)];
                return new CompilationResult(tree, all, null, null);
            }
            probes.Add(new CompiledProbe(bound.Probes[i], bound.Probes[i].Kind.ProgramType, code, GenerateSyscallVariant(lowered.Probes[i], lowered, scratch)));
        }
        if (scratch.Entries > 0)
            maps.AddScratch(scratch.Ref, scratch.ValueSize, scratch.Entries);
        return new CompilationResult(tree, diagnostics, bound, new CompiledProgram(bound, maps, probes, lowered));
    }

    /// <summary>The raw syscall tracepoint variant of a probe, or null when it has none or it does not fit BPF's limits.</summary>
    private static AssembledProgram? GenerateSyscallVariant(LoweredProbe lowered, LoweredProgram program, ScratchSpace scratch)
    {
        if (lowered.SyscallBody is not { } body)
            return null;
        try
        {
            return IrTranslator.Translate(body, program, scratch);
        }
        catch (Exception e) when (e is CompileException or LoweringNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// A probe's code, translated from its IR. Lowering covers the whole language; a construct it does not (a
    /// <see cref="LoweringNotSupportedException"/>) is reported as an error at the probe, never run half-compiled.
    /// </summary>
    private static AssembledProgram Generate(LoweredProbe lowered, LoweredProgram program, ScratchSpace scratch)
    {
        if (lowered.Body is not { } body)
            throw new CompileException($"{lowered.Name}: cannot generate code for {lowered.NotSupported}");
        try
        {
            return IrTranslator.Translate(body, program, scratch);
        }
        catch (LoweringNotSupportedException e)
        {
            throw new CompileException($"{lowered.Name}: cannot generate code for {e.Construct}");
        }
        catch (AssemblerException e)
        {
            // Past BPF's limits (a jump beyond 32767 instructions): an error at the probe, not a crash.
            throw new CompileException($"{lowered.Name}: the program is too large for BPF ({e.Message})");
        }
    }
}
