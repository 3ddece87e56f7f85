namespace SharpTrace.Bpf;

/// <summary>Names of the kernel's helper functions; the table is generated from linux/bpf.h.</summary>
internal static partial class HelperFunctions
{
    /// <summary>The kernel's name of a helper (<c>bpf_map_lookup_elem</c>), as the verifier log prints it.</summary>
    public static string KernelName(this HelperFunction helper) => NameOf((int)helper) ?? $"helper#{(int)helper}";

    /// <summary>The kernel's name of the helper with this id, or null if linux/bpf.h did not know it.</summary>
    public static string? NameOf(int id) => id >= 0 && id < Names.Length ? Names[id] : null;
}
