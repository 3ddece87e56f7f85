namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// C's arithmetic types, named as gcc names them in DWARF and BTF (<c>long unsigned int</c>), so a script's
/// <c>unsigned long</c> and the kernel's are the same type.
/// </summary>
internal static class CBaseTypes
{
    public static readonly CIntegerType Char = new("char", 1, true);
    public static readonly CIntegerType SignedChar = new("signed char", 1, true);
    public static readonly CIntegerType UnsignedChar = new("unsigned char", 1, false);
    public static readonly CIntegerType Short = new("short int", 2, true);
    public static readonly CIntegerType UnsignedShort = new("short unsigned int", 2, false);
    public static readonly CIntegerType Int = new("int", 4, true);
    public static readonly CIntegerType UnsignedInt = new("unsigned int", 4, false);
    public static readonly CIntegerType Long = new("long int", 8, true);
    public static readonly CIntegerType UnsignedLong = new("long unsigned int", 8, false);
    public static readonly CIntegerType LongLong = new("long long int", 8, true);
    public static readonly CIntegerType UnsignedLongLong = new("long long unsigned int", 8, false);
    public static readonly CIntegerType Int128 = new("__int128", 16, true);
    public static readonly CIntegerType UnsignedInt128 = new("__int128 unsigned", 16, false);
    public static readonly CFloatType Float = new("float", 4);
    public static readonly CFloatType Double = new("double", 8);
    public static readonly CFloatType LongDouble = new("long double", 16);

    /// <summary>Words that can make up a base type specifier (qualifiers excluded).</summary>
    public static bool IsSpecifierWord(string word) => word is
        "void" or "char" or "short" or "int" or "long" or "signed" or "unsigned" or "_Bool" or "float" or "double" or "__int128";

    /// <summary>The type named by a combination of specifier words (<c>unsigned long long</c>, <c>short int</c>); null if invalid.</summary>
    public static CType? FromWords(IReadOnlyCollection<string> words)
    {
        int longs = 0, shorts = 0, signs = 0, unsigneds = 0, ints = 0;
        string? main = null;
        foreach (var word in words)
        {
            switch (word)
            {
                case "long": longs++; break;
                case "short": shorts++; break;
                case "signed": signs++; break;
                case "unsigned": unsigneds++; break;
                case "int": ints++; break;
                case "void" or "char" or "_Bool" or "float" or "double" or "__int128":
                    if (main is not null)
                        return null;
                    main = word;
                    break;
                default:
                    return null;
            }
        }
        if (ints > 1 || signs + unsigneds > 1 || longs > 2 || shorts > 1 || (shorts > 0 && longs > 0))
            return null;
        var unsigned = unsigneds > 0;
        switch (main)
        {
            case "void" or "_Bool" or "float":
                if (longs + shorts + signs + unsigneds + ints > 0)
                    return null;
                return main switch { "void" => CVoidType.Instance, "_Bool" => CBoolType.Instance, _ => Float };
            case "double":
                return shorts + signs + unsigneds + ints > 0 || longs > 1 ? null : longs == 1 ? LongDouble : Double;
            case "char":
                return longs + shorts + ints > 0 ? null : signs > 0 ? SignedChar : unsigned ? UnsignedChar : Char;
            case "__int128":
                return longs + shorts + ints > 0 ? null : unsigned ? UnsignedInt128 : Int128;
        }
        if (longs + shorts + signs + unsigneds + ints == 0)
            return null;
        return (shorts, longs) switch
        {
            (1, _) => unsigned ? UnsignedShort : Short,
            (_, 1) => unsigned ? UnsignedLong : Long,
            (_, 2) => unsigned ? UnsignedLongLong : LongLong,
            _ => unsigned ? UnsignedInt : Int,
        };
    }
}
