using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Skboutput))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>skboutput(path, skb, length, offset)</c>: writes a packet's data to a pcap file (<c>bpf_skb_output</c>, through
/// a perf event array). The helper takes the <c>struct sk_buff</c> of an fentry/fexit program (the kernel allows it
/// in BTF-typed tracing programs only), which this kernel refuses, so the call is refused once its arguments check.
/// </summary>
internal sealed class Skboutput : RefusedBuiltin
{
    public override string Name => "skboutput";

    protected override (int Min, int Max) Arguments => (4, 4);

    protected override string Refusal =>
        "skboutput() is not available here: bpf_skb_output needs the sk_buff of an fentry or fexit program, which this kernel refuses (BPF trampolines are refused)";
}
