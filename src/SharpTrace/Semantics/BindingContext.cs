using SharpTrace.Kernel;
using SharpTrace.Records;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;

namespace SharpTrace.Semantics;

/// <summary>
/// What statement and expression binding share over one pass of the binder over the program: the source, the kernel's
/// catalogs, the map table, the configuration, the diagnostics and the table of actions user space carries out.
/// </summary>
internal sealed class BindingContext(
    SyntaxTree tree,
    ITracepointCatalog tracepoints,
    IKernelTypes? kernel,
    Func<CTypeTable> types,
    CDeclarations? declarations,
    MapTable maps,
    ProgramConfig config,
    DiagnosticBag diagnostics,
    Func<Kallsyms> kallsyms,
    TimestampFormats timestampFormats,
    BuiltinCatalog builtins)
{
    private readonly List<AsyncAction> _actions = [];

    public SyntaxTree Tree { get; } = tree;
    public ITracepointCatalog Tracepoints { get; } = tracepoints;
    /// <summary>The kernel's C types (BTF); null when the kernel has none.</summary>
    public IKernelTypes? Kernel { get; } = kernel;
    /// <summary>The C types the script can name: its own definitions, then the kernel's.</summary>
    public CTypeTable Types => types();
    /// <summary>The script's C definitions and macros; null when it has none.</summary>
    public CDeclarations? Declarations { get; } = declarations;
    public MapTable Maps { get; } = maps;
    public ProgramConfig Config { get; } = config;
    public DiagnosticBag Diagnostics { get; } = diagnostics;
    /// <summary>The kernel's symbols, read at the first builtin that needs them.</summary>
    public Func<Kallsyms> Kallsyms { get; } = kallsyms;
    public TimestampFormats TimestampFormats { get; } = timestampFormats;
    /// <summary>The builtins the composition root registered.</summary>
    public BuiltinCatalog Builtins { get; } = builtins;

    /// <summary>
    /// Struct names resolved from a uprobe binary's DWARF, by tag: the first binary to define a name gives it its type
    /// for the whole script, as the newest bpftrace keeps one struct table per script.
    /// </summary>
    public Dictionary<string, CStructType> UserStructs { get; } = new(StringComparer.Ordinal);

    /// <summary>The types variables reached in the last pass (the binder's, kept across passes).</summary>
    public VariableTypeHints VariableTypes { get; init; } = new();

    /// <summary>Whether the program's stacks carry their number of frames (<see cref="BoundProgram.StacksCarryDepth"/>).</summary>
    public bool StacksCarryDepth { get; private set; }

    /// <summary><c>len()</c> of a stack value: every stack the program takes carries its number of frames.</summary>
    public void CarryStackDepths() => StacksCarryDepth = true;

    /// <summary>The named arguments the program's <c>getopt</c> calls define.</summary>
    public NamedArguments NamedArguments { get; } = new();

    /// <summary>The actions user space carries out for the program's records (printf, print, exit...), by id.</summary>
    public IReadOnlyList<AsyncAction> Actions => _actions;

    /// <summary>Adds an action; <paramref name="create"/> receives its id.</summary>
    public int AddAction(Func<int, AsyncAction> create)
    {
        var action = create(_actions.Count);
        _actions.Add(action);
        return action.Id;
    }

    /// <summary>Forgets the actions added since there were <paramref name="count"/>: the probe is bound again.</summary>
    public void TruncateActions(int count) => _actions.RemoveRange(count, _actions.Count - count);

    /// <summary>The program's one exit action, added at the first <c>exit()</c>.</summary>
    public void AddExitAction()
    {
        if (!_actions.OfType<ExitAction>().Any(a => !a.HasCode))
            AddAction(id => new ExitAction(id));
    }

    /// <summary>The action of <c>exit(code)</c>, whose record carries the code: one per program, made on first use.</summary>
    public int AddExitCodeAction() =>
        _actions.OfType<ExitAction>().FirstOrDefault(a => a.HasCode)?.Id ?? AddAction(id => new ExitAction(id, HasCode: true));

    /// <summary>
    /// How a value of this type is kept in a map or a variable: integers as 8 bytes, strings at max_strlen, pointers
    /// with their type and address space (as the newest bpftrace keeps them), a struct or array as a copy of its bytes
    /// (wherever it was read from).
    /// </summary>
    public BpfType StorageType(BpfType type) => type switch
    {
        IntegerType i => i with { Bytes = 8 },
        StringType => new StringType(Config.MaxStrlen),
        TupleType t => t.WithElements(t.Elements.Select(StorageType).ToList()),
        CValueType c => c with { IsUserSpace = false },
        _ => type,
    };

    /// <summary>
    /// How a map or a variable holds a value or key of type <paramref name="type"/>, as the newest bpftrace: integers
    /// keep their width and sign (a map of <c>(int8)-1</c> is an int8 map), strings their size (<c>"abc"</c> a
    /// <c>string[4]</c>, <c>str(x)</c> max_strlen), in tuples too; the map or variable then widens to hold every value.
    /// </summary>
    public BpfType MapStorageType(BpfType type) => type switch
    {
        IntegerType or StringType => type,
        TupleType t => t.WithElements(t.Elements.Select(MapStorageType).ToList()),
        CValueType c => c with { IsUserSpace = false },
        _ => type,
    };

    /// <summary>The span of <paramref name="token"/> in the source between two positions, e.g. an operator between its operands.</summary>
    public TextSpan? TokenSpan(int start, int end, string token)
    {
        if (start < 0 || end > Tree.Source.Text.Length || start > end)
            return null;
        var index = Tree.Source.Text.IndexOf(token, start, end - start, StringComparison.Ordinal);
        return index < 0 ? null : new TextSpan(index, token.Length);
    }
}
