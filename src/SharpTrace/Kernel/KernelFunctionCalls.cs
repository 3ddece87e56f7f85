using SharpTrace.Kernel.Btf;

namespace SharpTrace.Kernel;

/// <summary>
/// Whether a BPF program of a given type may call a kernel function (a kfunc), asked as the newest bpftrace asks for
/// its <c>kfunc_allowed</c>: load a program that calls the function and exits, and look for the verifier's
/// <c>calling kernel function NAME is not allowed</c>. A load refused for another reason (the call's arguments, a
/// reference not released, missing privileges) still counts as allowed, as there.
/// </summary>
internal static class KernelFunctionCalls
{
    /// <summary>The kernel's BTF id of the function <paramref name="name"/>, 0 when its BTF has none.</summary>
    public static uint FunctionId(string name)
    {
        if (!File.Exists(BtfFile.VmlinuxPath))
            return 0;
        var btf = BtfFile.Load();
        for (var id = 1; id <= btf.TypeCount; id++)
        {
            var type = btf[id];
            if (type.Kind == BtfKind.Func && type.Name == name)
                return (uint)id;
        }
        return 0;
    }

    /// <summary>Whether a program of type <paramref name="type"/> may call <paramref name="function"/>; false when BTF has no such function.</summary>
    public static bool IsAllowed(string function, BpfProgramType type)
    {
        var id = FunctionId(function);
        if (id == 0)
            return false;
        // call with src_reg BPF_PSEUDO_KFUNC_CALL (2) and the function's BTF id as the immediate; then exit.
        ReadOnlySpan<ulong> program = [0x85UL | (2UL << 12) | ((ulong)id << 32), 0x95UL];
        try
        {
            using var loaded = BpfProgram.Load(type, program, "kfunc_allowed");
            return true;
        }
        catch (BpfLoadException e)
        {
            return !e.VerifierLog.Contains($"calling kernel function {function} is not allowed", StringComparison.Ordinal);
        }
        catch (KernelException)
        {
            return true;
        }
    }
}
