using SharpTrace.Kernel.Btf;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// The running kernel's types, with <c>/sys/kernel/btf/vmlinux</c> opened on the first question: a script that names
/// no kernel type never pays for reading BTF.
/// </summary>
internal sealed class KernelTypes : IKernelTypes
{
    private readonly Lazy<IKernelTypes?> _types;

    private KernelTypes(Func<IKernelTypes?> load) => _types = new Lazy<IKernelTypes?>(load);

    /// <summary>The running kernel's BTF, read on first use; null when the kernel publishes none.</summary>
    public static IKernelTypes? Lazy() =>
        File.Exists(BtfFile.VmlinuxPath) ? new KernelTypes(BtfTypes.LoadVmlinux) : null;

    /// <summary>Whether BTF has been read (for tests of the laziness).</summary>
    public bool IsLoaded => _types.IsValueCreated;

    public CType? FindTagged(string keyword, string tag) => _types.Value?.FindTagged(keyword, tag);
    public CType? FindNamed(string name) => _types.Value?.FindNamed(name);
    public (CEnumType Type, long Value)? FindEnumerator(string name) => _types.Value?.FindEnumerator(name);
    public IReadOnlyList<CParameter>? FindTracepointArguments(string name) => _types.Value?.FindTracepointArguments(name);
    public CFunctionType? FindFunctionPrototype(string name) => _types.Value?.FindFunctionPrototype(name);
}
