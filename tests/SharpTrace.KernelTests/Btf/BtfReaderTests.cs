using SharpTrace.Kernel.Btf;
using SharpTrace.KernelTests.Support;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.KernelTests.Btf;

/// <summary>Our BTF reader against the running kernel's /sys/kernel/btf/vmlinux, cross-checked with bpftool.</summary>
[Trait("Category", "Kernel")]
public class BtfReaderTests : KernelTest
{
    private static readonly Lazy<BtfTypes> Kernel = new(() => new BtfTypes(BtfFile.Load()));

    [Fact]
    public void EveryTypeReadsAsBpftoolDumpsIt()
    {
        var file = Kernel.Value.File;
        var ours = new List<string>();
        for (var id = 1; id <= file.TypeCount; id++)
            ours.AddRange(BpftoolRaw.Render(file, file[id]));
        var theirs = BpftoolRaw.Vmlinux;
        // Compare line by line so a failure names the first type that differs rather than printing megabytes.
        for (var i = 0; i < Math.Min(ours.Count, theirs.Length); i++)
            Assert.True(ours[i] == theirs[i], $"line {i + 1}: bpftool has\n{theirs[i]}\nwe have\n{ours[i]}");
        Assert.Equal(theirs.Length, ours.Count);
    }

    [Fact]
    public void EveryKindIsPresentAndBuildsACType()
    {
        var types = Kernel.Value;
        var seen = new HashSet<BtfKind>();
        for (var id = 1; id <= types.File.TypeCount; id++)
        {
            var kind = types.File[id].Kind;
            if (seen.Add(kind))
                Assert.NotNull(types.GetCType(id).Name);
        }
        // Every kind but UNKN occurs in a current x86-64 vmlinux, so the test covers each of them.
        Assert.Equal(Enum.GetValues<BtfKind>().Where(k => k != BtfKind.Unknown).Order(), seen.Order());
    }

    [Fact]
    public void TaskStructMembersHaveBpftoolsOffsets()
    {
        var task = Assert.IsType<CStructType>(Kernel.Value.FindTagged("struct", "task_struct"));
        var reference = BpftoolRaw.StructMembers("task_struct");
        foreach (var name in new[] { "comm", "pid", "tgid", "parent", "real_parent", "flags", "mm" })
        {
            var member = task.FindMember(name);
            Assert.NotNull(member);
            Assert.Equal(reference[name].BitOffset, member.BitOffset);
        }
        Assert.Equal("char[16]", task.FindMember("comm")!.Type.Name);
        Assert.Equal(CBaseTypes.Int, task.FindMember("pid")!.Type.Resolved);
        Assert.Equal("pid_t", task.FindMember("pid")!.Type.Name);
        Assert.Same(task, ((CPointerType)task.FindMember("parent")!.Type).Target);
        Assert.Same(task, ((CPointerType)task.FindMember("real_parent")!.Type).Target);
        Assert.Equal(int.Parse(BpftoolRaw.Vmlinux.First(l => l.Contains("] STRUCT 'task_struct' ")).Split(' ')[3]["size=".Length..]), task.Size);
    }

    [Fact]
    public void EveryTaskStructMemberMatchesBpftool()
    {
        var task = (CStructType)Kernel.Value.FindTagged("struct", "task_struct")!;
        var reference = BpftoolRaw.StructMembers("task_struct");
        var named = task.Members.Where(m => !m.IsAnonymous).ToList();
        Assert.Equal(reference.Keys.Where(k => k != "(anon)").Order(), named.Select(m => m.Name).Order());
        foreach (var member in named)
        {
            Assert.Equal(reference[member.Name].BitOffset, member.BitOffset);
            Assert.Equal(Kernel.Value.GetCType(reference[member.Name].TypeId), member.Type);
        }
    }

    [Fact]
    public void NamesResolveThroughTheTypeTable()
    {
        var table = new CTypeTable(Kernel.Value);
        var task = table.FindType("struct task_struct");
        Assert.NotNull(task);
        Assert.Same(task, table.FindType("task_struct"));
        Assert.Equal("pid_t", table.FindType("pid_t")!.Name);
        Assert.Equal(CBaseTypes.UnsignedLongLong, table.FindType("u64")!.Resolved);
        Assert.Equal(CBaseTypes.UnsignedLong, table.FindType("unsigned long"));
        Assert.IsType<CEnumType>(table.FindType("enum pid_type"));
        Assert.True(((CStructType)table.FindType("union bpf_attr")!).IsUnion);
        Assert.Null(table.FindType("struct no_such_kernel_struct"));
        Assert.Equal(16, table.FindEnumerator("TASK_COMM_LEN")!.Value.Value);
    }

    [Fact]
    public void AnonymousUnionMembersAreFound()
    {
        // struct page keeps most of its fields inside anonymous unions of anonymous structs.
        var page = (CStructType)Kernel.Value.FindTagged("struct", "page")!;
        Assert.Contains(page.Members, m => m.IsAnonymous);
        var flags = page.FindMember("flags")!;
        Assert.Equal(0, flags.Offset);
        Assert.NotNull(page.FindMember("mapping"));
    }

    [Fact]
    public void TracepointArgumentsComeWithNamesAndTypes()
    {
        var arguments = Kernel.Value.FindTracepointArguments("sched_switch");
        Assert.NotNull(arguments);
        Assert.Equal(["preempt", "prev", "next", "prev_state"], arguments.Select(a => a.Name));
        Assert.Equal("struct task_struct *", arguments[1].Type.Name);
        Assert.Equal(CBoolType.Instance, arguments[0].Type.Resolved);
        Assert.Null(Kernel.Value.FindTracepointArguments("no_such_tracepoint"));
    }

    [Fact]
    public void UserPointersAreMarked()
    {
        // sys_enter tracepoints are not BTF-typed, but struct iovec's base is a __user pointer in every kernel.
        var iovec = (CStructType)Kernel.Value.FindTagged("struct", "iovec")!;
        var hasTypeTags = Enumerable.Range(1, Kernel.Value.File.TypeCount)
            .Any(id => Kernel.Value.File[id] is { Kind: BtfKind.TypeTag } t && t.Name == "user");
        Assert.Equal(hasTypeTags, ((CPointerType)iovec.FindMember("iov_base")!.Type).IsUser);
    }

    [Fact]
    public void AScriptStructUsesKernelTypes()
    {
        // runqlen.bt's fallback definition, read as if the kernel had no header for it.
        var source = new SharpTrace.Syntax.SourceText("""
            #include <linux/sched.h>
            struct cfs_rq_partial { struct load_weight load; unsigned long runnable_weight; unsigned int nr_running; };
            BEGIN { }
            """);
        var tree = SharpTrace.Syntax.SyntaxTree.Parse(source);
        var diagnostics = new SharpTrace.Syntax.DiagnosticBag(source);
        var declarations = CDeclarations.Read(tree.Root, diagnostics, Kernel.Value, HeaderSearch.None);
        Assert.Empty(diagnostics.Items);
        var rq = (CStructType)declarations.Types.FindType("struct cfs_rq_partial")!;
        var loadWeight = Kernel.Value.FindTagged("struct", "load_weight")!;
        Assert.Same(loadWeight, rq.Members[0].Type);
        Assert.Equal(loadWeight.Size, rq.FindMember("runnable_weight")!.Offset);
    }

    [Fact]
    public void OnePassMemberLookupFindsBpftoolsOffsets()
    {
        // The syscall dispatcher's lookup (thread_info.status, for TS_COMPAT) reads the blob without indexing it.
        var blob = File.ReadAllBytes(BtfFile.VmlinuxPath);
        foreach (var (structName, memberName) in new[] { ("task_struct", "thread_info"), ("task_struct", "pid"), ("task_struct", "comm"), ("thread_info", "status"), ("thread_info", "flags") })
        {
            var reference = BpftoolRaw.StructMembers(structName)[memberName];
            Assert.Equal(reference.BitOffset / 8, BtfFile.FindMemberOffset(blob, System.Text.Encoding.ASCII.GetBytes(structName), System.Text.Encoding.ASCII.GetBytes(memberName)));
        }
        Assert.Null(BtfFile.FindMemberOffset(blob, "thread_info"u8, "no_such_member"u8));
        Assert.Null(BtfFile.FindMemberOffset(blob, "no_such_struct"u8, "status"u8));
    }
}
