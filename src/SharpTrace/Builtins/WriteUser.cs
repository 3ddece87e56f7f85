using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(WriteUser))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>write_user(dst, src, len)</c>: writes <c>len</c> bytes into the traced process's memory
/// (<c>bpf_probe_write_user</c>), with <c>--unsafe</c> only. Checked as the reference checks it, then refused: this
/// kernel does not load programs that call the helper.
/// </summary>
internal sealed class WriteUser : RefusedBuiltin
{
    public override string Name => "write_user";

    protected override (int Min, int Max) Arguments => (3, 3);

    protected override bool NeedsUnsafe => true;

    // bpftrace 0.17 has no write_user: the newest reference's words.
    protected override string UnsafeMessage => "write_user() is unsafe. To use you need the --unsafe flag";

    protected override string Refusal =>
        "write_user() is not available here: this kernel refuses programs that call bpf_probe_write_user";
}
