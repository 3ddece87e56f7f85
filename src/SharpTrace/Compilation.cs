using SharpTrace.CodeGen;
using SharpTrace.Probes;
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

/// <summary>Compiles bpftrace-language scripts: parse, bind, generate eBPF.</summary>
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
        var (bound, diagnostics) = Binder.Bind(tree, tracepoints, config, kernelTypes);
        if (bound is null)
            return new CompilationResult(tree, diagnostics, null, null);
        var maps = new ProgramMaps(bound);
        var probes = bound.Probes
            .Select(p => new CompiledProbe(p, ProbeSpec.ProgramTypeOf(p.Kind), ProbeEmitter.Emit(p, maps)))
            .ToList();
        return new CompilationResult(tree, diagnostics, bound, new CompiledProgram(bound, maps, probes));
    }
}
