using SharpTrace.Kernel;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// Turns a syntax tree into a bound, typed program. Map types are inferred to a fixpoint over the whole program,
/// so a map read in one probe before the probe that assigns it still gets its type. Each probe's attach points are
/// expanded by <see cref="ProbeExpander"/>, its body bound by <see cref="StatementBinder"/> and
/// <see cref="ExpressionBinder"/>; maps live in the <see cref="MapTable"/>, the config block in <see cref="ConfigBinder"/>.
/// </summary>
internal sealed class Binder
{
    private const int MaxPasses = 4;

    private readonly SyntaxTree _tree;
    private readonly ITracepointCatalog _tracepoints;
    private readonly IKernelTypes? _kernel;
    private readonly DiagnosticBag _declarationDiagnostics;
    private readonly CDeclarations? _declarations;
    private CTypeTable? _types;
    private readonly MapTable _maps = new();
    private readonly VariableTypeHints _variableTypes = new();
    private readonly ProbeExpander _probeExpander;
    private Kallsyms? _kallsyms;
    private readonly Func<Kallsyms> _loadKallsyms;
    private readonly TimestampFormats _timestampFormats = new();
    private readonly BuiltinCatalog _builtins;
    private DiagnosticBag _diagnostics;
    private ProgramConfig _config;

    private Binder(BuiltinCatalog builtins, SyntaxTree tree, ITracepointCatalog tracepoints, ProgramConfig config, IKernelTypes? kernel, ProbeKinds probeKinds,
        Func<Kallsyms> loadKallsyms)
    {
        _loadKallsyms = loadKallsyms;
        _builtins = builtins;
        _tree = tree;
        _tracepoints = tracepoints;
        _probeExpander = new ProbeExpander(tracepoints, probeKinds, config.DebugFileLocator());
        _config = config;
        _kernel = kernel;
        _diagnostics = new DiagnosticBag(tree.Source);
        _declarationDiagnostics = new DiagnosticBag(tree.Source);
        _declarations = ReadDeclarations(tree, _declarationDiagnostics, kernel, config);
    }

    /// <summary>The C types the script can name: its own definitions, then the kernel's.</summary>
    private CTypeTable Types => _types ??= _declarations?.Types ?? new CTypeTable(_kernel);

    /// <summary>
    /// Binds a parsed program. Diagnostics include the syntax tree's own. <paramref name="builtins"/> are the builtins
    /// the composition root registered. <paramref name="kernelTypes"/> are the kernel's C types (BTF), asked only when
    /// the script names a type; null when the kernel has none.
    /// </summary>
    public static (BoundProgram? Program, IReadOnlyList<Diagnostic> Diagnostics) Bind(
        BuiltinCatalog builtins, SyntaxTree tree, ITracepointCatalog tracepoints, ProgramConfig? config = null, IKernelTypes? kernelTypes = null,
        Func<Kallsyms>? kallsyms = null)
    {
        if (tree.Diagnostics.Any(d => d.IsError))
            return (null, tree.Diagnostics);
        var imported = new List<Diagnostic>();
        tree = Imports.ImportResolver.Resolve(tree, imported);
        var expansion = new DiagnosticBag(tree.Source);
        expansion.AddRange(imported);
        tree = tree with { Root = Macros.MacroExpansion.Expand(tree.Root, expansion, name => builtins.TryGetVariable(name, out _)) };
        if (expansion.Items.Count > 0)
            return (null, [.. tree.Diagnostics, .. expansion.Items]);
        var binder = new Binder(builtins, tree, tracepoints, config ?? new ProgramConfig(), kernelTypes, builtins.ProbeKinds, kallsyms ?? (() => Kallsyms.Load()));
        var program = binder.BindToFixpoint();
        var unreachable = new DiagnosticBag(tree.Source);
        UnreachableCode.Report(tree.Root, unreachable);
        var diagnostics = tree.Diagnostics.Concat(binder._declarationDiagnostics.Items).Concat(unreachable.Items).Concat(binder._diagnostics.Items).ToList();
        return (diagnostics.Any(d => d.IsError) ? null : program, diagnostics);
    }

    private BoundProgram BindToFixpoint()
    {
        BoundProgram program;
        var pass = 0;
        do
        {
            _diagnostics = new DiagnosticBag(_tree.Source);
            _maps.BeginPass();
            _variableTypes.BeginPass();
            program = BindProgram(_tree.Root);
            pass++;
            _maps.EndPass();
        } while ((_maps.TypesChanged || _variableTypes.Changed) && pass < MaxPasses);

        _maps.ReportUndefined(_diagnostics);
        program = program with { Maps = _maps.All };
        ProbeExpander.CheckProbeCount(program.Probes, _config, _diagnostics);
        _maps.CheckDeclaredKinds(_diagnostics, _config.MaxStrlen);
        _maps.CheckSizes(_diagnostics, _config.MaxMapKeys, BpfMap.PossibleCpuCount);
        return program;
    }

    private BoundProgram BindProgram(ProgramNode root)
    {
        if (root.Config is { } config)
            _config = ConfigBinder.Bind(config, _config, _diagnostics);
        var context = new BindingContext(_tree, _tracepoints, _kernel, () => Types, _declarations, _maps, _config, _diagnostics,
            () => _kallsyms ??= _loadKallsyms(), _timestampFormats, _builtins)
        {
            VariableTypes = _variableTypes,
        };
        _maps.Declare(root.MapDeclarations, _diagnostics);
        var probes = new List<BoundProbe>();
        foreach (var probe in root.Probes)
            probes.AddRange(BindProbe(probe, context));
        return new BoundProgram(probes, _maps.All, context.Actions.ToList(), _config)
        {
            NamedArguments = context.NamedArguments.All,
            StacksCarryDepth = context.StacksCarryDepth,
        };
    }

    private IEnumerable<BoundProbe> BindProbe(Probe probe, BindingContext context)
    {
        var specs = _probeExpander.Expand(probe, _diagnostics, _config);
        if (specs.Count == 0)
            return [];

        var (diagnosticCount, actionCount) = (_diagnostics.Items.Count, context.Actions.Count);
        var (bound, needsProgramPerAttachPoint) = BindProbeAt(probe, specs, context);
        if (!needsProgramPerAttachPoint && !bound.Kind.NeedsProgramPerAttachPoint(specs))
            return [bound];

        // The body names `probe`, or tracepoint args that lie at different offsets, or the kind's attach points
        // differ (usdt arguments): one program per attach point, as bpftrace compiles them. Errors in the body are reported once, from the first attach point.
        _diagnostics.TruncateTo(diagnosticCount);
        context.TruncateActions(actionCount);
        var probes = new List<BoundProbe>();
        foreach (var spec in specs)
        {
            var errors = _diagnostics.ErrorCount;
            probes.Add(BindProbeAt(probe, [spec], context).Probe);
            if (_diagnostics.ErrorCount > errors)
                break;
        }
        return probes;
    }

    private (BoundProbe Probe, bool NeedsProgramPerAttachPoint) BindProbeAt(Probe probe, IReadOnlyList<ProbeSpec> specs, BindingContext context)
    {
        var kind = specs[0].Kind;
        var scope = new ProbeScope(specs, kind.Context.Args == ArgsSource.TracepointFormat ? _tracepoints.Format(specs[0].Target, specs[0].Name) : null)
        {
            ProbeStart = probe.Span.Start,
        };
        var statements = new StatementBinder(context, scope);

        var predicate = probe.Predicate is null ? null : statements.BindPredicate(probe.Predicate);
        if (_config.TargetPid is { } targetPid && kind.FiltersTargetPid)
            predicate = OnlyForProcess(targetPid, probe.Span, predicate);
        var body = statements.BindBlock(probe.Body);
        var bound = new BoundProbe(probe.Span, kind, specs, predicate, body, statements.ProbeVariables()) { CannotRun = scope.CannotRun, CompileError = scope.CompileError };
        return (bound, scope.NeedsProgramPerAttachPoint);
    }

    /// <summary>-p PID: the probe acts as if its predicate began with <c>pid == PID &amp;&amp;</c>.</summary>
    private BoundExpression OnlyForProcess(int targetPid, TextSpan span, BoundExpression? predicate)
    {
        var pid = _builtins.Variable("pid");
        BoundExpression filter = new BoundBinary(span, BoundBinaryOperatorKind.Equal,
            new BoundBuiltinVariable(span, pid, pid.Type), new BoundIntegerLiteral(span, targetPid, BpfType.Int64), BpfType.Int64);
        return predicate is null ? filter : new BoundBinary(span, BoundBinaryOperatorKind.LogicalAnd, filter, predicate, BpfType.Int64);
    }

    /// <summary>
    /// The script's C definitions and the macros of the headers it includes; kernel types behind them are read only
    /// when a name needs them.
    /// </summary>
    private static CDeclarations? ReadDeclarations(SyntaxTree tree, DiagnosticBag diagnostics, IKernelTypes? kernel, ProgramConfig config) =>
        tree.Root.CDefinitions.Count == 0 && tree.Root.Preprocessor.Count == 0 && config.IncludeFiles.Count == 0
            ? null
            : CDeclarations.Read(tree.Root, diagnostics, kernel,
                HeaderSearch.WithSystemDirectories(config.IncludeDirectories), config.IncludeFiles);
}
