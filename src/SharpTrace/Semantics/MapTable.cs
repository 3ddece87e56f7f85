using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// The program's maps by name, with their key and value types inferred across all probes. The binder runs over the
/// whole program until no map's types change (<see cref="TypesChanged"/>), so a probe that reads a map before the
/// probe that assigns it still sees its type.
/// </summary>
internal sealed class MapTable
{
    private static readonly Dictionary<string, MapKind> Kinds = new(StringComparer.Ordinal)
    {
        ["hash"] = MapKind.Hash,
        ["lruhash"] = MapKind.LruHash,
        ["percpuhash"] = MapKind.PerCpuHash,
        ["percpulruhash"] = MapKind.PerCpuLruHash,
        ["percpuarray"] = MapKind.PerCpuArray,
    };

    private readonly Dictionary<string, MapSymbol> _maps = new(StringComparer.Ordinal);
    /// <summary>Where each map was first read, for "Undefined map" (a map read but never assigned).</summary>
    private readonly Dictionary<MapSymbol, TextSpan> _firstUse = [];
    /// <summary>Where each map was first named, read or written (a too large map's error points there).</summary>
    private readonly Dictionary<MapSymbol, TextSpan> _firstMention = [];
    private readonly Dictionary<MapSymbol, MapDeclaration> _declarations = [];
    // Maps assigned only values whose type was not known yet in this pass, such as @i in `@i = @i + 1`.
    private readonly HashSet<MapSymbol> _assignedUntyped = [];

    /// <summary>Whether a map got a key or value type in the current pass: the program must be bound again.</summary>
    public bool TypesChanged { get; private set; }

    /// <summary>Every map, in the order the program first named them.</summary>
    public IReadOnlyList<MapSymbol> All => _maps.Values.OrderBy(m => m.Index).ToList();

    /// <summary>The map named <paramref name="name"/>, created at its first mention; <paramref name="use"/> marks a read.</summary>
    public MapSymbol Get(string name, TextSpan? use = null) => Get(name, use, use);

    /// <summary>The map named <paramref name="name"/>, written at <paramref name="mention"/>.</summary>
    public MapSymbol Written(string name, TextSpan mention) => Get(name, null, mention);

    private MapSymbol Get(string name, TextSpan? use, TextSpan? mention)
    {
        if (!_maps.TryGetValue(name, out var map))
            _maps[name] = map = new MapSymbol(name, _maps.Count);
        if (use is { } span)
            _firstUse.TryAdd(map, span);
        if (mention is { } at)
            _firstMention.TryAdd(map, at);
        return map;
    }

    /// <summary>The map if the program has named it already, without creating it.</summary>
    public MapSymbol? Find(string name) => _maps.GetValueOrDefault(name);

    // Where a key mismatch was reported in this pass: `@m[k] += 1` binds its key twice, the mismatch is said once.
    private readonly HashSet<TextSpan> _keyMismatches = [];

    public void BeginPass()
    {
        TypesChanged = false;
        _keyMismatches.Clear();
        _atPassStart = _maps.Values.ToDictionary(m => m, m => (m.ValueType, m.KeyTypes));
    }

    // Each map's types when the pass began, and the types comptime expressions locked (kept from pass to pass).
    private Dictionary<MapSymbol, (BpfType? Value, IReadOnlyList<BpfType>? Keys)> _atPassStart = [];
    private readonly Dictionary<MapSymbol, (BpfType? Value, IReadOnlyList<BpfType>? Keys)> _locked = [];

    /// <summary>
    /// A comptime expression read <paramref name="map"/>'s type: locked when the pass began with that type already (a
    /// type still being found in the pass is not one the program could have decided on).
    /// </summary>
    public void Lock(MapSymbol map)
    {
        if (_atPassStart.TryGetValue(map, out var start) && start.Value is not null && Equals(start.Value, map.ValueType)
            && (start.Keys ?? []).SequenceEqual(map.KeyTypes ?? []))
            _locked.TryAdd(map, (map.ValueType, map.KeyTypes));
    }

    /// <summary>
    /// The reference's error when a value or key of type <paramref name="type"/> would widen a locked map's type
    /// <paramref name="locked"/>; false (nothing reported) when it fits.
    /// </summary>
    private static bool ReportLocked(MapSymbol map, BpfType locked, BpfType type, TextSpan at, DiagnosticBag diagnostics)
    {
        if (locked is not IntegerType || type is not IntegerType
            || IntegerPromotion.Promote(locked, false, type, Flexible(type)) is IntegerType promoted && promoted == (IntegerType)locked)
            return false;
        diagnostics.Error(at, $"Type mismatch for {map.Name}: this type has been locked because it was used in another part of the type graph that was already resolved (e.g. `sizeof`, `typeinfo`, etc.). The new type '{type}' doesn't fit into the locked type '{locked}'");
        return true;
    }

    /// <summary>A value of type <paramref name="value"/> assigned to a map whose type is locked: the reference's error when it does not fit.</summary>
    public bool ReportLockedValue(MapSymbol map, BpfType value, TextSpan at, DiagnosticBag diagnostics) =>
        _locked.TryGetValue(map, out var locked) && locked.Value is { } type && ReportLocked(map, type, value, at, diagnostics);

    /// <summary>
    /// Ends a pass over the program. When nothing changed, a map whose only assignments read the map itself gets
    /// bpftrace's default type, an integer, and the program must be bound again with it.
    /// </summary>
    public void EndPass()
    {
        if (!TypesChanged)
        {
            foreach (var map in _assignedUntyped.Where(m => m.ValueType is null))
                SetValueType(map, BpfType.Int64);
        }
        _assignedUntyped.Clear();
    }

    public void SetValueType(MapSymbol map, BpfType type)
    {
        map.ValueType = type;
        TypesChanged = true;
    }

    /// <summary>
    /// A value of type <paramref name="value"/> is assigned to <paramref name="map"/>, which already holds values: as the
    /// newest bpftrace types a map from all its assignments, integers (and the integers of tuples) widen to hold every
    /// value (<see cref="IntegerPromotion"/>), strings (alone or in tuples and records) to the longest: <c>@m = "abc";
    /// @m = "abcdef"</c> is a <c>string[7]</c> map, and one <c>str()</c> value makes it max_strlen. False when the two don't meet.
    /// </summary>
    public bool PromoteValue(MapSymbol map, BpfType value)
    {
        var current = map.ValueType!;
        if (current is not (IntegerType or TupleType or StringType) || current is PointerType || value is PointerType or BoolType
            || IntegerPromotion.Promote(current, Flexible(current), value, Flexible(value)) is not { } promoted)
            return false;
        if (promoted is IntegerType integer)
            promoted = integer with { IsSignFlexible = Flexible(current) && Flexible(value) };
        if (promoted != current || Flexible(promoted) != Flexible(current))
            SetValueType(map, promoted);
        return true;
    }

    private static bool Flexible(BpfType type) => type is IntegerType { IsSignFlexible: true };

    /// <summary>A value of a type not known yet was assigned to <paramref name="map"/> (known after another pass, or a default then).</summary>
    public void AssignedUntyped(MapSymbol map) => _assignedUntyped.Add(map);

    /// <summary>
    /// The first access decides a map's key types; later ones must agree (integers of any width agree). False, with
    /// bpftrace's message, when they do not.
    /// </summary>
    public bool UnifyKeys(MapSymbol map, IReadOnlyList<BpfType> keyTypes, TextSpan access, DiagnosticBag diagnostics)
    {
        if (map.KeyTypes is null)
        {
            map.KeyTypes = keyTypes;
            TypesChanged = true;
            return true;
        }
        if (map.KeyTypes.SequenceEqual(keyTypes, KeyTypeComparer.Instance))
        {
            if (_locked.TryGetValue(map, out var locked) && locked.Keys is { } lockedKeys && lockedKeys.Count == keyTypes.Count
                && lockedKeys.Zip(keyTypes).Any(p => ReportLocked(map, p.First, p.Second, access, diagnostics)))
                return false;
            // The key widens to hold every use, as the newest bpftrace promotes key types: strings the longer,
            // integers (in tuples too) as a variable's values (@m[(uint8)1] and @m[(int8)-1] make an int16 key).
            var widened = map.KeyTypes.Zip(keyTypes).Select(p => WidenedKey(p.First, p.Second)).ToList();
            if (!widened.SequenceEqual(map.KeyTypes) || widened.Zip(map.KeyTypes).Any(p => Flexible(p.First) != Flexible(p.Second)))
            {
                map.KeyTypes = widened;
                TypesChanged = true;
            }
            return true;
        }
        if (!_keyMismatches.Add(access))
            return false;
        if (keyTypes.Count == 0)
            diagnostics.Error(access, $"{map.Name} used as a map without an explicit key (scalar map), previously used with an explicit key (non-scalar map)");
        else if (map.KeyTypes.Count == 0)
            diagnostics.Error(access, $"{map.Name} used as a map with an explicit key (non-scalar map), previously used without an explicit key (scalar map)");
        else
            diagnostics.Error(access, $"Argument mismatch for {map.Name}: trying to access with arguments: '{KeyName(keyTypes)}' when map expects arguments: '{KeyName(map.KeyTypes)}'");
        return false;
    }

    /// <summary>
    /// The newest bpftrace's name of a map's key in its messages: one key's type (<c>int8</c>), several keys as a tuple
    /// without spaces (<c>(int8,string[3])</c>); integers as <c>uint32</c>.
    /// </summary>
    internal static string KeyName(IReadOnlyList<BpfType> keyTypes) =>
        keyTypes.Count == 1 ? KeyTypeName(keyTypes[0]) : "(" + string.Join(",", keyTypes.Select(KeyTypeName)) + ")";

    private static string KeyTypeName(BpfType type) => type switch
    {
        IntegerType { Enum: null } i => (i.IsSigned ? "int" : "uint") + (i.Bytes * 8),
        TupleType { Names: null } t => KeyName(t.Elements),
        _ => TypeNames.Of(type),
    };

    private static BpfType WidenedKey(BpfType known, BpfType used)
    {
        if (known is StringType k && used is StringType u)
            return u.Capacity > k.Capacity ? used : known;
        if (known is PointerType or BoolType || used is PointerType or BoolType || known is not (IntegerType or TupleType))
            return known;
        if (IntegerPromotion.Promote(known, Flexible(known), used, Flexible(used)) is not { } promoted)
            return known;
        return promoted is IntegerType integer ? integer with { IsSignFlexible = Flexible(known) && Flexible(used) } : promoted;
    }

    // Maps whose only value was refused with an error of its own (an aggregation's value assigned to a new map).
    private readonly HashSet<MapSymbol> _refused = [];

    /// <summary>A value assigned to <paramref name="map"/> was refused with its own error: no "Undefined map" after it.</summary>
    public void Refused(MapSymbol map) => _refused.Add(map);

    /// <summary>
    /// Every map read but never given a value: bpftrace's "Undefined map". A map declared (<c>let @m = hash(8);</c>)
    /// that no probe names is only warned of, as the newest bpftrace does ("Unused map"), and dropped from the program;
    /// the maps left are numbered again from 0, in order.
    /// </summary>
    public void ReportUndefined(DiagnosticBag diagnostics)
    {
        foreach (var map in _maps.Values.Where(m => m.ValueType is null && !_refused.Contains(m)).ToList())
        {
            if (_declarations.TryGetValue(map, out var declaration) && !_firstUse.ContainsKey(map) && !_firstMention.ContainsKey(map))
            {
                diagnostics.Warning(declaration.Span, $"Unused map: {map.Name}");
                _declarations.Remove(map);
                _maps.Remove(map.Name);
                continue;
            }
            diagnostics.Error(_firstUse.GetValueOrDefault(map), $"Undefined map: {map.Name}");
        }
        var index = 0;
        foreach (var map in All)
            map.Index = index++;
    }

    /// <summary><c>let @m = lruhash(100);</c>: the kernel map kind and its size, checked once types are known.</summary>
    public void Declare(IReadOnlyList<MapDeclaration> declarations, DiagnosticBag diagnostics)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var declaration in declarations)
        {
            if (!seen.Add(declaration.MapName))
            {
                diagnostics.Error(declaration.Span, $"{declaration.MapName} is declared more than once");
                continue;
            }
            if (!Kinds.TryGetValue(declaration.Kind, out var kind))
            {
                diagnostics.Error(declaration.Span,
                    $"Invalid map kind: {declaration.Kind} (expected one of {string.Join(", ", Kinds.Keys)})");
                continue;
            }
            if (declaration.MaxEntries is not IntegerLiteral { Value: > 0 and <= int.MaxValue } size)
            {
                diagnostics.Error(declaration.MaxEntries?.Span ?? declaration.Span,
                    $"{declaration.Kind}() requires one argument: the maximum number of entries, a positive integer");
                continue;
            }
            var map = Get(declaration.MapName);
            map.DeclaredKind = kind;
            map.DeclaredMaxEntries = (int)size.Value;
            _declarations[map] = declaration;
        }
    }

    /// <summary>Per-CPU kinds only make sense for aggregations, whose per-CPU values user space combines.</summary>
    public void CheckDeclaredKinds(DiagnosticBag diagnostics, int maxStrlen)
    {
        foreach (var (map, declaration) in _declarations)
        {
            if (map.DeclaredKind is MapKind.PerCpuHash or MapKind.PerCpuLruHash or MapKind.PerCpuArray && map.ValueType is not null && !map.IsAggregation)
                diagnostics.Error(declaration.Span,
                    $"{map.Name} is declared {declaration.Kind} but holds a {TypeNames.Of(map.ValueType)}: per-CPU maps can only hold aggregations such as count() or sum()");
            if (map.IsPerCpuArray)
                CheckPerCpuArray(map, declaration, diagnostics, maxStrlen);
            if (map.IsScalar && map.DeclaredMaxEntries != 1)
                diagnostics.Warning(declaration.Span, $"{map.Name} has no keys: it holds one entry whatever size is declared");
        }
    }

    /// <summary>
    /// Every keyed map's size (declared, or max_map_keys) against <see cref="MapLimits"/>: one error at its declaration
    /// or first mention rather than minutes of kernel work creating it.
    /// </summary>
    public void CheckSizes(DiagnosticBag diagnostics, int maxMapKeys, int possibleCpus)
    {
        foreach (var map in All.Where(m => m.ValueType is not null && !m.IsScalar))
        {
            if (MapLimits.Problem(map, map.DeclaredMaxEntries ?? maxMapKeys, possibleCpus) is not { } problem)
                continue;
            var span = _declarations.TryGetValue(map, out var declaration) ? declaration.Span
                : _firstMention.TryGetValue(map, out var mention) ? mention : _firstUse.GetValueOrDefault(map);
            diagnostics.Error(span, problem);
        }
    }

    /// <summary>
    /// A percpuarray is indexed by one integer, 0..N-1 (a scalar map is index 0), and holds count, sum, min, max, avg
    /// or stats: hist and lhist keep one entry per bucket, which an array indexed by the script's key has no room for.
    /// </summary>
    private static void CheckPerCpuArray(MapSymbol map, MapDeclaration declaration, DiagnosticBag diagnostics, int maxStrlen)
    {
        if (map.KeyTypes is { Count: > 0 } keys && (keys.Count != 1 || !keys[0].IsInteger))
            diagnostics.Error(declaration.Span,
                $"{map.Name} is declared percpuarray but has keys [{string.Join(", ", keys.Select(k => TypeNames.Of(k is StringType ? new StringType(maxStrlen) : k)))}]: an array is indexed by one integer, 0 to {map.DeclaredMaxEntries - 1}");
        if (map.ValueType is AggregationType { HasBucketKey: true } histogram)
            diagnostics.Error(declaration.Span,
                $"{map.Name} is declared percpuarray but holds a {histogram}: an array holds count(), sum(), min(), max(), avg() or stats(); declare it percpuhash for {histogram}()");
    }

    /// <summary>
    /// Integer keys of any width and signedness fit one map, and strings of any size (bpftrace 0.17 accepts <c>@m[1]</c>
    /// and <c>@m[(uint64)x]</c> together): the key's type is promoted to hold them all (<see cref="WidenedKey"/>).
    /// </summary>
    private sealed class KeyTypeComparer : IEqualityComparer<BpfType>
    {
        public static readonly KeyTypeComparer Instance = new();

        public bool Equals(BpfType? x, BpfType? y) =>
            (x?.IsInteger == true && y?.IsInteger == true && x is BoolType == y is BoolType) || (x is StringType && y is StringType) || object.Equals(x, y)
            || (x is TupleType known && y is TupleType used && (known.Holds(used) || IntegerPromotion.Promote(known, false, used, false) is not null));

        public int GetHashCode(BpfType type) => type.IsInteger ? 0 : type is StringType ? 1 : type is TupleType t ? 2 + t.Elements.Count : type.GetHashCode();
    }
}
