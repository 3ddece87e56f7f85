using System.Globalization;
using SharpTrace.Kernel.Elf;
using SharpTrace.Syntax;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Tests.Syntax;
using static SharpTrace.Tests.ExternalTool;

namespace SharpTrace.Tests.Probes;

/// <summary>tests/programs/usdt_probes.c built as test.sh builds it, with what <c>readelf</c> says of it.</summary>
public sealed class UsdtProgram : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sharptrace-usdt-").FullName;

    public UsdtProgram()
    {
        Path = System.IO.Path.Combine(_directory, "usdt_probes");
        Run("gcc", "-O0", "-g", "-fno-omit-frame-pointer", "-o", Path, System.IO.Path.Combine(SourceTree.Root, "tests", "programs", "usdt_probes.c"));
        Notes = Run("readelf", "-n", Path);
        Sections = Run("readelf", "-SW", Path);
    }

    public string Path { get; }

    /// <summary><c>readelf -n</c>: every note, the stapsdt ones with Provider, Name, Location, Semaphore and Arguments lines.</summary>
    public string Notes { get; }

    /// <summary><c>readelf -SW</c>: one section a line.</summary>
    public string Sections { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>
/// usdt: the <c>.note.stapsdt</c> reader and the x86-64 argument specs, checked against <c>readelf -n</c>, and
/// attach points resolved as bpftrace 0.17 resolves them (its wordings checked with <c>bpftrace -e</c>).
/// </summary>
public sealed class UsdtProbeTests(UsdtProgram program) : IClassFixture<UsdtProgram>
{
    [Fact]
    public void NotesAreThoseReadelfPrints()
    {
        // readelf -n prints, per stapsdt note: "Provider: P", "Name: N", "Location: 0x.., Base: 0x.., Semaphore: 0x..",
        // "Arguments: ...". The file is not prelinked, so .stapsdt.base moves nothing.
        var expected = new List<string>();
        var lines = program.Notes.Split('\n').Select(l => l.Trim()).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!lines[i].StartsWith("Provider: ", StringComparison.Ordinal))
                continue;
            var addresses = lines[i + 2].Split(',').Select(part => ulong.Parse(part.Split("0x")[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToList();
            var arguments = lines[i + 3].StartsWith("Arguments: ", StringComparison.Ordinal) ? lines[i + 3]["Arguments: ".Length..] : "";
            expected.Add($"{lines[i]["Provider: ".Length..]}:{lines[i + 1]["Name: ".Length..]} {addresses[0]:x} {addresses[2]:x} {arguments}");
        }

        var notes = ElfFile.Read(program.Path).UsdtProbes;

        Assert.Equal(11, expected.Count);
        Assert.Equal(expected, notes.Select(n => $"{n.Provider}:{n.Name} {n.Address:x} {n.SemaphoreAddress:x} {n.ArgumentText}"));
    }

    [Fact]
    public void EveryArgumentOfTheProgramParsesBackToItsSpec()
    {
        foreach (var note in ElfFile.Read(program.Path).UsdtProbes)
            Assert.Equal(note.ArgumentText, string.Join(' ', note.Arguments().Select(a => a.ToString())));
    }

    [Theory]
    // pt_regs offsets: r15 0, rbp 32, rbx 40, r10 56, r9 64, r8 72, rax 80, rcx 88, rdx 96, rsi 104, rdi 112.
    [InlineData("-4@%eax", 4, true, "Register", 0L, "eax", 80, 0, null, 1)]
    [InlineData("8@%rax", 8, false, "Register", 0L, "rax", 80, 0, null, 1)]
    [InlineData("2@%cx", 2, false, "Register", 0L, "cx", 88, 0, null, 1)]
    [InlineData("-1@%dl", 1, true, "Register", 0L, "dl", 96, 0, null, 1)]
    [InlineData("1@%ah", 1, false, "Register", 0L, "ah", 80, 1, null, 1)]
    [InlineData("1@%sil", 1, false, "Register", 0L, "sil", 104, 0, null, 1)]
    [InlineData("4@%r8d", 4, false, "Register", 0L, "r8d", 72, 0, null, 1)]
    [InlineData("-8@%r9", 8, true, "Register", 0L, "r9", 64, 0, null, 1)]
    [InlineData("2@%r10w", 2, false, "Register", 0L, "r10w", 56, 0, null, 1)]
    [InlineData("8@-16(%rbp)", 8, false, "Memory", -16L, "rbp", 32, 0, null, 1)]
    [InlineData("-4@8(%rbx)", 4, true, "Memory", 8L, "rbx", 40, 0, null, 1)]
    [InlineData("8@(%rax,%rdx,8)", 8, false, "Memory", 0L, "rax", 80, 0, "rdx", 8)]
    [InlineData("-4@(%rdi,%rsi,4)", 4, true, "Memory", 0L, "rdi", 112, 0, "rsi", 4)]
    [InlineData("4@0x10(%r15,%rcx)", 4, false, "Memory", 16L, "r15", 0, 0, "rcx", 1)]
    [InlineData("-4@$5", 4, true, "Constant", 5L, null, 0, 0, null, 1)]
    [InlineData("-4@$-3", 4, true, "Constant", -3L, null, 0, 0, null, 1)]
    [InlineData("1@$-1", 1, false, "Constant", 255L, null, 0, 0, null, 1)]
    [InlineData("-2@$65535", 2, true, "Constant", -1L, null, 0, 0, null, 1)]
    [InlineData("4@$0xffffffff", 4, false, "Constant", 4294967295L, null, 0, 0, null, 1)]
    public void ArgumentSpecsAreDecoded(string text, int size, bool signed, string kind, long value, string? baseName, int baseOffset,
        int byteOffset, string? index, int scale)
    {
        var argument = UsdtArgument.Parse(text);

        Assert.Equal((size, signed, kind, value), (argument.Size, argument.IsSigned, argument.Kind.ToString(), argument.Value));
        Assert.Equal(baseName, argument.Base?.Name);
        if (argument.Base is { } register)
            Assert.Equal((baseOffset, byteOffset), (register.PtRegsOffset, register.ByteOffset));
        Assert.Equal((index, scale), (argument.Index?.Name, argument.Scale));
    }

    [Theory]
    // gcc at -O1 on globals: -4@usdt_probes_counter(%rip) 8@8+usdt_probes_pair(%rip).
    [InlineData("-4@usdt_probes_counter(%rip)", 4, true, "usdt_probes_counter", 0L)]
    [InlineData("8@8+usdt_probes_pair(%rip)", 8, false, "usdt_probes_pair", 8L)]
    [InlineData("2@table.1-4(%rip)", 2, false, "table.1", -4L)]
    public void ArgumentsRelativeToTheInstructionPointerNameTheirSymbol(string text, int size, bool signed, string symbol, long displacement)
    {
        var argument = UsdtArgument.Parse(text);

        Assert.Equal((size, signed, UsdtOperandKind.Symbol, symbol, displacement), (argument.Size, argument.IsSigned, argument.Kind, argument.Symbol, argument.Value));
        Assert.Equal(text.Replace("table.1-4", "-4+table.1", StringComparison.Ordinal), argument.ToString());
    }

    [Theory]
    [InlineData("3@%eax", "USDT argument '3@%eax' cannot be read: its size is not 1, 2, 4 or 8 bytes")]
    [InlineData("8@%xmm0", "USDT argument '8@%xmm0' cannot be read: '%xmm0' is not an x86-64 register")]
    [InlineData("-4@counter(%rbp)", "USDT argument '-4@counter(%rbp)' cannot be read: its displacement is a symbol, but not relative to %rip")]
    [InlineData("-4@16(%rip)", "USDT argument '-4@16(%rip)' cannot be read: it is relative to the instruction pointer without naming a symbol")]
    [InlineData("-4@a+b(%rip)", "USDT argument '-4@a+b(%rip)' cannot be read: its displacement is neither a number nor a symbol")]
    [InlineData("4@$abc", "USDT argument '4@$abc' cannot be read: its constant is not a number")]
    [InlineData("8@(%rax,%rdx,3)", "USDT argument '8@(%rax,%rdx,3)' cannot be read: its scale is not 1, 2, 4 or 8")]
    public void UnreadableSpecsAreNamed(string text, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => UsdtArgument.Parse(text)).Message);

    [Fact]
    public void ProbeWithTwoLocationsIsTwoAttachPointsAtTheirOwnOffsets()
    {
        var specs = ProbeSpecResolverTests.Resolve($"usdt:{program.Path}:usdt_probes:twice");

        Assert.Equal(2, specs.Count);
        Assert.All(specs, s => Assert.Equal($"usdt:{program.Path}:usdt_probes:twice", s.ToString()));
        Assert.Equal(["-4@$1", "-4@$2"], specs.Select(s => s.Usdt!.ArgumentText));
        Assert.NotEqual(specs[0].FileOffset, specs[1].FileOffset);
        // Different argument specs: one program per location.
        Assert.True(specs[0].Kind.NeedsProgramPerAttachPoint(specs));
    }

    [Theory]
    [InlineData("usdt:{0}:*:twice", new[] { "other:twice", "usdt_probes:twice", "usdt_probes:twice" })]
    [InlineData("U:{0}::twice", new[] { "other:twice", "usdt_probes:twice", "usdt_probes:twice" })]
    [InlineData("usdt:{0}:usdt_probes:s*", new[] { "usdt_probes:sizes", "usdt_probes:string" })]
    [InlineData("usdt:{0}:constants", new[] { "usdt_probes:constants" })]
    [InlineData("usdt:{0}:oth*:*", new[] { "other:twice" })]
    public void WildcardsAndMissingProvidersMatchTheNotes(string point, string[] names)
    {
        var specs = ProbeSpecResolverTests.Resolve(string.Format(CultureInfo.InvariantCulture, point, program.Path));

        Assert.Equal(names, specs.Select(s => s.Name));
    }

    [Fact]
    public void SemaphoreIsPlacedAtItsFileOffset()
    {
        // .probes holds the semaphore: its file offset is its address less the section's address plus the section's offset.
        var probes = program.Sections.Split('\n').Single(l => l.Contains(" .probes ", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (address, offset) = (ulong.Parse(probes[^8], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ulong.Parse(probes[^7], NumberStyles.HexNumber, CultureInfo.InvariantCulture));

        var guarded = Assert.Single(ProbeSpecResolverTests.Resolve($"usdt:{program.Path}:usdt_probes:guarded"));
        var unguarded = Assert.Single(ProbeSpecResolverTests.Resolve($"usdt:{program.Path}:usdt_probes:constants"));

        Assert.Equal(guarded.Usdt!.SemaphoreAddress - address + offset, guarded.SemaphoreFileOffset);
        Assert.NotEqual(0UL, guarded.SemaphoreFileOffset);
        Assert.Equal(0UL, unguarded.SemaphoreFileOffset);
    }

    [Fact]
    public void WildcardBinaryWithoutAProcessNamesTheFilesItsGlobFinds()
    {
        // As the newest bpftrace's resolve_binary_path: the pattern is a glob (its PATH lookup only for a bare name).
        var pattern = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(program.Path)!, "usdt_prob*");

        var specs = ProbeSpecResolverTests.Resolve($"usdt:{pattern}:usdt_probes:twice");

        Assert.Equal([$"usdt:{program.Path}:usdt_probes:twice", $"usdt:{program.Path}:usdt_probes:twice"], specs.Select(s => s.ToString()));
        Assert.All(specs, s => Assert.Null(s.Pid));
    }

    [Fact]
    public void OnlyFilesWithUsdtNotesAreLookedInto()
    {
        Assert.Equal(3, UsdtNotes.TypeOfFileWithNotes(program.Path)); // a PIE
        Assert.Null(UsdtNotes.TypeOfFileWithNotes("/bin/sh"));
        Assert.Null(UsdtNotes.TypeOfFileWithNotes("/etc/passwd"));
        Assert.Null(UsdtNotes.TypeOfFileWithNotes("/nonexistent"));
        Assert.Equal([program.Path], UsdtEverywhere.Files(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(program.Path)!, "*")));
    }

    [Fact]
    public void GlobMatchesEachPartAndSkipsHiddenNames()
    {
        var directory = Directory.CreateTempSubdirectory("sharptrace-glob-").FullName;
        try
        {
            Directory.CreateDirectory(System.IO.Path.Combine(directory, "a1"));
            Directory.CreateDirectory(System.IO.Path.Combine(directory, "b1"));
            File.WriteAllText(System.IO.Path.Combine(directory, "a1", "x.so"), "");
            File.WriteAllText(System.IO.Path.Combine(directory, "b1", "x.so"), "");
            File.WriteAllText(System.IO.Path.Combine(directory, "b1", ".hidden.so"), "");

            Assert.Equal([$"{directory}/a1/x.so", $"{directory}/b1/x.so"], BinaryGlob.Glob($"{directory}/*1/*.so"));
            Assert.Equal([$"{directory}/b1/.hidden.so"], BinaryGlob.Glob($"{directory}/b1/.*.so"));
            Assert.Empty(BinaryGlob.Glob($"{directory}/c*/x.so"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void MissingProbeFailsWhenTheRunStarts()
    {
        var spec = Assert.Single(ProbeSpecResolverTests.Resolve($"usdt:{program.Path}:nosuch"));

        Assert.Equal($"Could not find usdt probe {program.Path}::nosuch", spec.Unresolved);
    }

    [Theory]
    // bpftrace 0.17's wordings (checked with `bpftrace -e`), except the last two: it prints "No probes to attach".
    [InlineData("⟦usdt:{0}⟧", "usdt probe type requires 2 or 3 arguments")]
    [InlineData("⟦usdt:/nonexistent/binary:p:n⟧", "usdt target file '/nonexistent/binary' does not exist or is not executable")]
    [InlineData("⟦usdt:{0}:twice⟧", "namespace for usdt:{0}:twice not specified, matched 2 probes: please specify a unique namespace or use '*' to attach to all matched probes")]
    [InlineData("⟦usdt:{0}:nosuch*⟧", "No matches for usdt {0}:nosuch*.")]
    // The newest bpftrace's (attachpoint_passes.cpp): no binary and no -p.
    [InlineData("⟦usdt::usdt_probes:twice⟧", "usdt probe must specify at least path or pid to probe. To target all paths/pids set the path to '*'.")]
    public void BadAttachPointsGetOneErrorOverThem(string annotated, string message)
    {
        var text = AnnotatedText.Parse(string.Format(CultureInfo.InvariantCulture, annotated, program.Path));
        var (specs, diagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics(text.Text);

        Assert.Empty(specs);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal((string.Format(CultureInfo.InvariantCulture, message, program.Path), text.Spans[0]), (diagnostic.Message, diagnostic.Span));
    }

    [Theory]
    // bpftrace 0.17: "couldn't get argument 3 for ./usdt_probes:usdt_probes:twice", and for a probe the binary lacks
    // "couldn't get argument 0 for ./usdt_probes::nosuch".
    [InlineData("usdt:{0}:usdt_probes:twice {{ @ = ⟦arg3⟧; }}", "couldn't get argument 3 for {0}:usdt_probes:twice")]
    [InlineData("usdt:{0}:nosuch {{ @ = ⟦arg0⟧; }}", "couldn't get argument 0 for {0}::nosuch")]
    [InlineData("usdt:{0}:usdt_probes:constants {{ @ = arg2 + ⟦arg3⟧; }}", "couldn't get argument 3 for {0}:usdt_probes:constants")]
    public void ArgumentTheProbeLacksIsAnError(string annotated, string message)
    {
        var text = AnnotatedText.Parse(string.Format(CultureInfo.InvariantCulture, annotated, program.Path));
        var (bound, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(text.Text), new FakeTracepoints());

        Assert.Null(bound);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal((string.Format(CultureInfo.InvariantCulture, message, program.Path), text.Spans[0]), (diagnostic.Message, diagnostic.Span));
    }

    [Fact]
    public void LocationsWithDifferentArgumentsGetAProgramEach()
    {
        var (bound, diagnostics) = Binder.Bind(StandardBuiltins.Catalog,
            SyntaxTree.Parse($"usdt:{program.Path}:*:twice {{ @[arg0] = count(); }}"), new FakeTracepoints());

        Assert.Empty(diagnostics);
        Assert.Equal(["-4@$3", "-4@$1", "-4@$2"], bound!.Probes.Select(p => Assert.Single(p.AttachPoints).Usdt!.ArgumentText));
    }

    [Fact]
    public void ListingShowsEachProbeOnceSortedWithThePathAsWritten()
    {
        var elf = ElfFile.Read(program.Path);
        var listing = new ProbeListing(new FakeTracepoints(), _ => null,
            _ => new UprobeBinary(program.Path, []) { UsdtProbes = elf.UsdtProbes });

        // As bpftrace 0.17 lists tests/programs/usdt_probes (`bpftrace -l 'usdt:./usdt_probes:*'`, '*twice').
        Assert.Equal(
            ["other:twice", "usdt_probes:constants", "usdt_probes:globals", "usdt_probes:guarded", "usdt_probes:indexed", "usdt_probes:memory",
             "usdt_probes:registers", "usdt_probes:sizes", "usdt_probes:string", "usdt_probes:twice"],
            listing.List($"usdt:{program.Path}:*", _ => { }).Select(p => p[$"usdt:{program.Path}:".Length..]));
        Assert.Equal(["usdt:./usdt_probes:other:twice", "usdt:./usdt_probes:usdt_probes:twice"], listing.List("usdt:./usdt_probes:*twice", _ => { }));
        Assert.Equal(["usdt:./usdt_probes:usdt_probes:twice"], listing.List("U:./usdt_probes:usdt_probes:tw*", _ => { }));
    }

    [Fact]
    public void ListingABareNameSeveralFilesAnswerToListsEachByItsPath()
    {
        // As the newest bpftrace's probe matcher: the probes of every path resolve_binary_path gives for the name, each
        // named by its path, the lines sorted (PATH order here is /usr/bin, then /bin).
        var elf = ElfFile.Read(program.Path);
        var listing = new ProbeListing(new FakeTracepoints(), _ => null,
            target => target is "probes" or "/usr/bin/probes" or "/bin/probes"
                ? new UprobeBinary(target == "/bin/probes" ? "/bin/probes" : "/usr/bin/probes", []) { UsdtProbes = elf.UsdtProbes }
                : null,
            onPath: name => name == "probes" ? ["/usr/bin/probes", "/bin/probes"] : []);

        Assert.Equal(
            ["usdt:/bin/probes:other:twice", "usdt:/bin/probes:usdt_probes:twice", "usdt:/usr/bin/probes:other:twice", "usdt:/usr/bin/probes:usdt_probes:twice"],
            listing.List("usdt:probes:*twice", _ => { }));
    }
}
