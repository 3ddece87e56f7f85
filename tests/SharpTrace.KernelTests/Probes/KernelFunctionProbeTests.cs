using SharpTrace.Kernel;
using SharpTrace.KernelTests.Support;
using SharpTrace.Probes;
using SharpTrace.Syntax;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// kprobe, kretprobe, fentry and fexit on this kernel, which has none of them (no CONFIG_KPROBES, trampolines refused):
/// scripts compile, and the run fails before anything loads, with one line naming the probe and the reason.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class KernelFunctionProbeTests : KernelTest
{
    [Theory]
    [InlineData("kprobe:vfs_read { @[comm] = count(); }", "kprobe:vfs_read: kprobes are not available: this kernel is built without CONFIG_KPROBES")]
    [InlineData("kr:vfs_read { @ = hist(retval); }", "kretprobe:vfs_read: kretprobes are not available: this kernel is built without CONFIG_KPROBES")]
    [InlineData("kprobe:vfs_* { @[func] = count(); }", "kprobe:vfs_*: kprobes are not available: this kernel is built without CONFIG_KPROBES")]
    // Wildcards expand over available_filter_functions, which this kernel keeps unreadable (EPERM): the point stays
    // as written, and the run names the missing CONFIG_KPROBES rather than a list it could not read.
    [InlineData("kprobe:ext4:* { @[func] = count(); }", "kprobe:ext4:*: kprobes are not available: this kernel is built without CONFIG_KPROBES")]
    [InlineData("kretprobe:*:vfs_read { @ = count(); }", "kretprobe:*:vfs_read: kretprobes are not available: this kernel is built without CONFIG_KPROBES")]
    [InlineData("kprobe:vmlinux:vfs_read, kprobe:vfs_w* { @ = count(); }", "kprobe:vmlinux:vfs_read: kprobes are not available: this kernel is built without CONFIG_KPROBES")]
    [InlineData("fentry:vfs_read { @ = count(); }", "fentry:vfs_read: fentry probes are not available: this kernel refuses BPF trampolines (EPERM)")]
    [InlineData("kretfunc:vfs_read { @ = count(); }", "fexit:vfs_read: fexit probes are not available: this kernel refuses BPF trampolines (EPERM)")]
    public async Task ProbeTheKernelLacksFailsAtAttachWithOneLine(string script, string message)
    {
        // BEGIN would print if anything ran before the check.
        var result = await SharpTraceRun.RunAsync(["-e", "BEGIN { printf(\"begun\\n\"); } " + script]);

        Assert.Equal((1, "", $"ERROR: {message}\n"), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task KprobeScriptTypeChecks()
    {
        var result = await SharpTraceRun.RunAsync(["-d", "types", "-e", "kprobe:do_sys_openat2 { @[func, str(arg1)] = count(); }"]);

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        Assert.Contains("Probe kprobe:do_sys_openat2\n", result.Stdout);
        Assert.Contains("String \"do_sys_openat2\" :: string[15]\n", result.Stdout); // func, a constant: its length and the NUL
        Assert.Contains("Str user or kernel :: string[1024]\n", result.Stdout); // arg1 is an integer: read as bpftrace 0.17 reads it; max_strlen
    }

    [Fact]
    public async Task FentryArgsAreTypedFromTheFunctionsPrototypeInBtf()
    {
        // vfs_read(struct file *file, char *buf, size_t count, loff_t *pos)
        var result = await SharpTraceRun.RunAsync(["-d", "types", "-e", "fentry:vfs_read { @[args.count] = count(); @n[str(args.file->f_path.dentry->d_name.name)] = count(); }"]);

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        Assert.Contains("ContextArgument :: uint64\n", result.Stdout); // size_t count
        Assert.Contains("ContextArgument :: struct file *\n", result.Stdout);
    }

    [Theory]
    [InlineData("fexit:vfs_read { @ = hist(retval); }", "ContextArgument :: int64\n", "")] // ssize_t
    // The kernel's BTF encodes char without BTF_INT_SIGNED, so the newest bpftrace (btf.cpp) types it uint8.
    [InlineData("fexit:d_path { @[str(retval)] = count(); }", "ContextArgument :: uint8 *\n", "")]
    [InlineData("fexit:free_task { @ = retval; }", "", "stdin:1:23-29: ERROR: fexit:free_task returns void: it has no retval\n")]
    public async Task FexitRetvalIsTypedAsTheFunctionReturns(string script, string typed, string error)
    {
        var result = await SharpTraceRun.RunAsync(["-d", "types", "-e", script]);

        Assert.Equal(error.Length == 0 ? 0 : 1, result.ExitCode);
        Assert.Contains(typed, result.Stdout);
        Assert.StartsWith(error, result.Stderr);
    }

    [Fact]
    public void KprobeProgramsPassTheVerifier()
    {
        // The kernel cannot attach them, but it can load kprobe programs (uprobes use the same type): arguments from
        // registers and the stack, retval, func of a wildcard, stacks and strings must all be code the verifier takes.
        const string Script = """
            kprobe:vfs_* { @calls[func, kstack] = count(); @args[arg0, arg6, arg7] = sum(arg2); printf("%s\n", str(arg1)); }
            kretprobe:vfs_read { @ret = hist(retval); @name[func] = count(); }
            """;
        var result = Compilation.Compile(new SourceText(Script), new TracefsCatalog(), kernelTypes: SharpTrace.Semantics.CTypes.KernelTypes.Lazy());
        Assert.Empty(result.Diagnostics);
        var compiled = result.Program!;

        var owned = new List<IDisposable>();
        try
        {
            var fds = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
            foreach (var map in compiled.Maps.All)
            {
                var created = BpfMap.Create(map.Type, map.KeySize, map.ValueSize, map.MaxEntries, map.Ref.Name);
                owned.Add(created);
                fds[map.Ref] = created.Fd;
            }
            foreach (var probe in compiled.Probes)
            {
                Assert.Equal(BpfProgramType.Kprobe, probe.ProgramType);
                owned.Add(BpfProgram.Load(probe.ProgramType, probe.Code.Link(r => fds[r]), probe.Probe.Name));
            }
            Assert.Equal(2, compiled.Probes.Count);
        }
        finally
        {
            foreach (var disposable in owned)
                disposable.Dispose();
        }
    }
}
