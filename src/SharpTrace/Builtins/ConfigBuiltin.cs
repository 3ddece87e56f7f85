using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(ConfigBuiltin))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>config.NAME</c>: the value of a config variable as the script was compiled with it (its <c>config</c> block, the
/// environment, the defaults), a compile-time constant: a bool, an integer or a string, typed and named as the newest
/// bpftrace's record of the configuration has them. The binder hands <c>config.NAME</c> over as <c>config(NAME)</c>;
/// bare <c>config</c> is the whole record of those constants, fields in the reference's order.
/// </summary>
internal sealed class ConfigBuiltin : BuiltinFunction
{
    public override string Name => "config";
    public override bool IsVariable => true;

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Syntax);

    /// <summary>The reference's record fields with their kinds and defaults; the ones this build sets have properties in <see cref="ProgramConfig"/>.</summary>
    private static readonly (string Name, char Kind, string Default)[] Fields =
    [
        ("cpp_demangle", 'b', "true"), ("lazy_symbolication", 'b', "true"), ("print_maps_on_exit", 'b', "true"),
        ("use_blazesym", 'b', "false"), ("show_debug_info", 'b', "false"),
        ("log_size", 'i', "1000000"), ("max_bpf_progs", 'i', "1024"), ("max_cat_bytes", 'i', "10240"),
        ("max_map_keys", 'i', "4096"), ("max_probes", 'i', "1024"), ("max_strlen", 'i', "64"),
        ("on_stack_limit", 'i', "32"), ("perf_rb_pages", 'i', "0"),
        ("str_trunc_trailer", 's', ".."),
        ("unstable_import_statement", 'u', "error"), ("unstable_tseries", 'u', "warn"),
        ("unstable_typeinfo", 'u', "error"), ("unstable_dw_ustack", 'u', "warn"),
        ("missing_probes", 's', "error"), ("stack_mode", 's', "bpftrace"), ("license", 's', "GPL"),
    ];

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        // Bare `config` is the whole record, every field in the reference's order (print(config) prints it as a record).
        if (call.Arguments.Count == 0)
        {
            var fields = Fields.Select(f => FieldValue(call, f, context.Config)).ToList();
            return new BoundTuple(call.Span, fields, new TupleType(fields.Select(f => f.Type).ToList()) { Names = Fields.Select(f => f.Name).ToList() });
        }
        if (call.Arguments[0] is not Identifier name)
        {
            context.Diagnostics.Error(call.Span, "config is a record of the config variables: read one of them as config.NAME");
            return context.Error(call.Span);
        }
        var field = Fields.FirstOrDefault(f => f.Name == name.Name);
        if (field.Name is null)
        {
            context.Diagnostics.Error(call.Span, $"config has no field named '{name.Name}'");
            return context.Error(call.Span);
        }
        return FieldValue(call, field, context.Config);
    }

    private static BoundExpression FieldValue(CallExpression call, (string Name, char Kind, string Default) field, ProgramConfig config)
    {
        var text = Value(config, field.Name) ?? config.Settings.GetValueOrDefault(field.Name) ?? field.Default;
        return field.Kind switch
        {
            'b' => new BoundIntegerLiteral(call.Span, text is "true" or "1" ? 1 : 0, BoolType.Instance),
            'i' => new BoundIntegerLiteral(call.Span, long.Parse(text, System.Globalization.CultureInfo.InvariantCulture), BpfType.UInt64),
            'u' => new BoundStringLiteral(call.Span, text.ToLowerInvariant() switch { "true" or "1" => "enable", "false" or "0" => "error", var t => t }),
            _ => new BoundStringLiteral(call.Span, text),
        };
    }

    // The settings this build acts on, as it holds them.
    private static string? Value(ProgramConfig config, string name) => name switch
    {
        "print_maps_on_exit" => config.PrintMapsOnExit ? "true" : "false",
        "max_cat_bytes" => Text(config.MaxCatBytes),
        "max_map_keys" => Text(config.MaxMapKeys),
        "max_probes" => Text(config.MaxProbes),
        "max_strlen" => Text(config.MaxStrlen),
        "perf_rb_pages" => config.PerfRbPages is { } pages ? Text(pages) : null,
        "stack_mode" => config.StackMode,
        "show_debug_info" => config.ShowDebugInfo ? "true" : "false",
        "license" => config.License,
        "str_trunc_trailer" => config.StrTruncTrailer,
        _ => null,
    };

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
