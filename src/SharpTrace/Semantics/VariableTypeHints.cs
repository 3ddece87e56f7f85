namespace SharpTrace.Semantics;

/// <summary>
/// The types scratch variables reached in the binder's last pass, so the next pass starts each variable at the type
/// every assignment of it needs: the newest bpftrace types a variable from all its assignments at once
/// (<c>$a = 1; $a = (uint64)2;</c> makes <c>$a</c> a uint64 from the first), where one pass only knows the ones so far.
/// </summary>
internal sealed class VariableTypeHints
{
    private readonly Dictionary<(int Origin, string Name), BpfType> _types = [];

    /// <summary>A variable's type grew in this pass: another pass is needed.</summary>
    public bool Changed { get; private set; }

    public void BeginPass() => Changed = false;

    /// <summary>
    /// The type the variable that came to be at <paramref name="origin"/> (its let or first assignment) ended the last
    /// pass with, if any: sibling blocks' variables of one name are different variables.
    /// </summary>
    public BpfType? Find(int origin, string name) => _types.GetValueOrDefault((origin, name));

    /// <summary>Keeps the type <paramref name="name"/> has now; a change asks for another pass.</summary>
    public void Record(int origin, string name, BpfType type)
    {
        if (_types.TryGetValue((origin, name), out var known) && known == type
            && (known as IntegerType)?.IsSignFlexible == (type as IntegerType)?.IsSignFlexible)
            return;
        _types[(origin, name)] = type;
        Changed = true;
    }
}
