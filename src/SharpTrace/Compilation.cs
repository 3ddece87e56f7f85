using SharpTrace.CodeGen;
using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace;

/// <summary>One probe compiled to eBPF: its code is assembled, map references are resolved when it is loaded.</summary>
internal sealed record CompiledProbe(BoundProbe Probe, BpfProgramType ProgramType, AssembledProgram Code);

/// <summary>A script compiled to eBPF programs, with the maps they need and the actions user space carries out.</summary>
internal sealed record CompiledProgram(BoundProgram Bound, ProgramMaps Maps, IReadOnlyList<CompiledProbe> Probes);

/// <summary>The result of compiling a script: diagnostics, and the program when there were no errors.</summary>
internal sealed record CompilationResult(SyntaxTree Tree, IReadOnlyList<Diagnostic> Diagnostics, BoundProgram? Bound, CompiledProgram? Program)
{
    public bool Success => Program is not null;
}

/// <summary>Compiles bpftrace-language scripts: parse, bind, generate eBPF.</summary>
internal static class Compilation
{
    /// <summary>
    /// Parses, binds and generates code. <paramref name="kernelTypes"/> are the kernel's C types (BTF), consulted only
    /// when the script names one; pass <see cref="Kernel.Btf.KernelTypes.Lazy"/> to open BTF on first use.
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
