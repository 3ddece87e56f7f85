using System.Globalization;
using SharpTrace.Kernel.Elf;
using SharpTrace.Probes;
using SharpTrace.Tests.Syntax;
using static SharpTrace.Tests.ExternalTool;

namespace SharpTrace.Tests.Probes;

/// <summary>A small program compiled with gcc for the tests, with the symbol addresses <c>nm</c> reports for it.</summary>
public sealed class CompiledProgram : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sharptrace-elf-").FullName;

    public CompiledProgram()
    {
        var source = System.IO.Path.Combine(_directory, "target.c");
        File.WriteAllText(source, """
            __attribute__((noinline)) int add3(int a, int b, int c) { return a + b + c; }
            __attribute__((noinline)) int negate(int x) { return -x; }
            __attribute__((noinline)) int nudge(int x) { return x + 1; }
            int main(void) { return add3(1, 2, 3) + negate(6) + nudge(-1); }
            """);
        Path = System.IO.Path.Combine(_directory, "target");
        Run("gcc", "-O0", "-fno-omit-frame-pointer", "-o", Path, source);
        // nm prints "ADDRESS TYPE NAME"; T and t are code.
        NmAddresses = Run("nm", Path).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 3 && parts[1] is "T" or "t")
            .ToDictionary(parts => parts[2], parts => ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    public string Path { get; }
    public IReadOnlyDictionary<string, ulong> NmAddresses { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>uprobe attach points: symbols from the ELF file, offsets, addresses, wildcards, library names.</summary>
public sealed class UprobeResolutionTests(CompiledProgram program) : IClassFixture<CompiledProgram>
{
    [Fact]
    public void ElfFunctionsHaveTheAddressesNmReports()
    {
        var elf = ElfFile.Read(program.Path);

        foreach (var name in new[] { "add3", "negate", "nudge", "main" })
            Assert.Equal(program.NmAddresses[name], elf.Functions.Single(f => f.Name == name).Address);
    }

    [Fact]
    public void FileOffsetPointsAtTheFunctionsFirstInstruction()
    {
        var elf = ElfFile.Read(program.Path);
        var bytes = File.ReadAllBytes(program.Path);

        foreach (var function in elf.Functions.Where(f => f.Name is "add3" or "negate" or "nudge"))
        {
            // -O0 with frame pointers: each function starts with push %rbp, unless the compiler adds endbr64 first.
            var offset = (int)elf.FileOffsetOf(function.Address)!.Value;
            Assert.True(bytes[offset] == 0x55 || bytes.AsSpan(offset, 4).SequenceEqual(new byte[] { 0xf3, 0x0f, 0x1e, 0xfa }),
                $"{function.Name} at file offset {offset:x} starts with {bytes[offset]:x2}");
        }
    }

    [Fact]
    public void FunctionResolvesToItsFileOffset()
    {
        var spec = Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:add3"));
        var elf = ElfFile.Read(program.Path);

        Assert.Equal(("uprobe", program.Path, "add3", 0UL), (spec.Kind.Name, spec.Target, spec.Name, spec.Offset));
        Assert.Equal(elf.FileOffsetOf(program.NmAddresses["add3"]), spec.FileOffset);
        Assert.Equal($"uprobe:{program.Path}:add3", spec.ToString());
    }

    [Fact]
    public void OffsetIsAddedToTheFunctionsFileOffset()
    {
        var plain = Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:add3"));
        var spec = Assert.Single(ProbeSpecResolverTests.Resolve($"u:{program.Path}:add3+0x4"));

        Assert.Equal((4UL, plain.FileOffset + 4), (spec.Offset, spec.FileOffset));
        Assert.Equal($"uprobe:{program.Path}:add3+4", spec.ToString());
    }

    [Fact]
    public void AddressResolvesThroughTheLoadSegments()
    {
        var address = program.NmAddresses["negate"];
        var plain = Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:negate"));
        var spec = Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:0x{address:x}"));

        Assert.Equal((address, plain.FileOffset, ""), (spec.Offset, spec.FileOffset, spec.Name));
        Assert.Equal($"uprobe:{program.Path}:0x{address:x}", spec.ToString());
    }

    [Fact]
    public void WildcardMatchesFunctionsInNameOrder()
    {
        var specs = ProbeSpecResolverTests.Resolve($"uretprobe:{program.Path}:n*");

        Assert.Equal(["negate", "nudge"], specs.Select(s => s.Name));
        Assert.All(specs, s => Assert.Equal("uretprobe", s.Kind.Name));
    }

    [Fact]
    public void LibraryNameIsFoundInTheLoadersDirectories()
    {
        var libc = UprobeTargets.Find("libc");

        Assert.NotNull(libc);
        Assert.StartsWith("libc.so.", Path.GetFileName(libc));
        Assert.Equal(libc, UprobeTargets.Find("c"));
        Assert.Contains(ElfFile.Read(libc).Functions, f => f.Name == "malloc");
        Assert.Equal("malloc", Assert.Single(ProbeSpecResolverTests.Resolve("uprobe:libc:malloc")).Name);
    }

    [Fact]
    public void ARelativeTargetIsNamedAsWritten()
    {
        // The newest bpftrace's resolve_binary_path keeps a target with a slash as written (runtime/builtin
        // probe_wildcard: uprobe:./testprogs/uprobe_test:uprobeFunction1); bpftrace 0.17 did too.
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, program.Path);
        foreach (var written in new[] { relative, "./" + relative })
        {
            var spec = Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{written}:add3"));
            var wildcard = ProbeSpecResolverTests.Resolve($"uretprobe:{written}:n*");

            Assert.Equal((written, $"uprobe:{written}:add3"), (spec.Target, spec.ToString()));
            Assert.Equal([$"uretprobe:{written}:negate", $"uretprobe:{written}:nudge"], wildcard.Select(s => s.ToString()));
            Assert.Equal(written, UprobeTargets.Find(written));
        }
    }

    [Fact]
    public void LibraryNameIsTheFileTheLoadersCacheNames()
    {
        // uprobe:libc:malloc is named by the file ld.so.cache gives for libc (bcc's which_so, as the newest bpftrace).
        var cached = global::SharpTrace.Kernel.LoaderCache.Load()?.Find("c");

        Assert.NotNull(cached);
        Assert.Equal(cached, UprobeTargets.Find("libc"));
        Assert.Equal($"uprobe:{cached}:malloc", Assert.Single(ProbeSpecResolverTests.Resolve("uprobe:libc:malloc")).ToString());
    }

    [Fact]
    public void ProgramNameIsFoundOnPath()
    {
        var gcc = UprobeTargets.Find("gcc");

        Assert.NotNull(gcc);
        Assert.Equal("gcc", Path.GetFileName(gcc));
        Assert.True(Path.IsPathRooted(gcc) && File.Exists(gcc));
    }

    [Fact]
    public void FunctionOfSizeZeroNamedExactlyNeedsUnsafe()
    {
        // gcc's _init is hand-written assembly without a size. The newest bpftrace's words (attached_probe.cpp); 0.17
        // said "Offset outside the function bounds ('_init' size is 0)", for wildcards too.
        var spec = Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:_init"));
        var unsafeSpec = Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:_init", new SharpTrace.Semantics.ProgramConfig { Unsafe = true }));
        var wildcard = Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:_ini*"));

        Assert.Equal("Could not determine boundary for _init (symbol has size 0).\nUse --unsafe to force attachment. "
            + "WARNING: This option could lead to data corruption in the target process.", spec.Unresolved);
        Assert.Equal(0UL, ElfFile.Read(program.Path).Functions.Single(f => f.Name == "_init").Size);
        Assert.Null(unsafeSpec.Unresolved);
        Assert.Equal(("_init", null), (wildcard.Name, wildcard.Unresolved));
        Assert.Null(Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:add3")).Unresolved);
    }

    [Fact]
    public void UnknownFunctionResolvesToAProbeThatCannotAttach()
    {
        // As in bpftrace, a function the binary lacks is found out at attach, so the script still type-checks.
        var spec = Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:nosuch"));

        Assert.Equal(("nosuch", $"Could not resolve symbol: {program.Path}:nosuch"), (spec.Name, spec.Unresolved));
        Assert.Null(Assert.Single(ProbeSpecResolverTests.Resolve($"uprobe:{program.Path}:add3")).Unresolved);
    }

    [Fact]
    public void UnmatchedWildcardsOffsetsAndReturnProbeOffsetsAreErrors()
    {
        AssertError($"⟦uprobe:{program.Path}:zz*⟧", $"No matches for uprobe {program.Path}:zz*.");
        AssertError($"⟦uretprobe:{program.Path}:add3+4⟧", "Offset not allowed");
        AssertError($"⟦uprobe:{program.Path}:0x1⟧", $"Could not resolve address: {program.Path}:0x1");
        var size = ElfFile.Read(program.Path).Functions.Single(f => f.Name == "add3").Size;
        AssertError($"⟦uprobe:{program.Path}:add3+{size}⟧", $"Offset outside the function bounds ('add3' size is {size})");
        AssertError("⟦uprobe:/etc/hostname:main⟧", "uprobe target file '/etc/hostname' cannot be read: /etc/hostname is not an ELF file");
    }

    private static void AssertError(string annotated, string message)
    {
        var text = AnnotatedText.Parse(annotated);
        var (specs, diagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics(text.Text);
        Assert.Empty(specs);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal((message, text.Spans[0]), (diagnostic.Message, diagnostic.Span));
    }
}
