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
    /// </summary>
    public static CompilationResult Compile(SourceText source, ITracepointCatalog tracepoints, ProgramConfig? config = null,
        Semantics.CTypes.IKernelTypes? kernelTypes = null)
    {
        var tree = SyntaxTree.Parse(source);
        var (bound, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, tree, tracepoints, config, kernelTypes);
        if (bound is null)
            return new CompilationResult(tree, diagnostics, null, null);
        var maps = new ProgramMaps(bound);
        var lowered = LoweringInputs.Lower(bound, maps);
        var probes = new List<CompiledProbe>();
        var loweredProbes = new List<LoweredProbe>();
        for (var i = 0; i < bound.Probes.Count; i++)
        {
            AssembledProgram code;
            LoweredProbe loweredProbe;
            try
            {
                (code, loweredProbe) = Generate(bound.Probes[i], lowered.Probes[i], lowered, maps);
            }
            catch (CompileException e)
            {
                // A sound probe the code generator cannot fit in BPF's limits (512 bytes of stack): an error at the probe.
                Diagnostic[] all = [.. diagnostics, new Diagnostic(DiagnosticSeverity.Error, source, bound.Probes[i].Span, e.Message)];
                return new CompilationResult(tree, all, null, null);
            }
            probes.Add(new CompiledProbe(bound.Probes[i], bound.Probes[i].Kind.ProgramType, code));
            loweredProbes.Add(loweredProbe);
        }
        lowered = lowered with { Probes = loweredProbes };
        return new CompilationResult(tree, diagnostics, bound, new CompiledProgram(bound, maps, probes, lowered));
    }

    /// <summary>
    /// A probe's code: translated from its IR when Lowering and CodeGen cover everything in it, otherwise emitted from
    /// the bound tree by the previous emitter (and the lowered probe says what was not supported).
    /// </summary>
    private static (AssembledProgram Code, LoweredProbe Lowered) Generate(BoundProbe probe, LoweredProbe lowered, LoweredProgram program, ProgramMaps maps)
    {
        if (lowered.Body is { } body)
        {
            try
            {
                return (IrTranslator.Translate(body, program), lowered);
            }
            catch (LoweringNotSupportedException e)
            {
                lowered = lowered with { Body = null, NotSupported = e.Construct };
            }
        }
        return (ProbeEmitter.Emit(probe, maps), lowered);
    }
}
