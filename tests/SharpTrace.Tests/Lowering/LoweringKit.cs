using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Lowering;

/// <summary>Compiles scripts against the test kernel, and builds IR functions by hand, for Lowering and CodeGen tests.</summary>
internal static class LoweringKit
{
    /// <summary>The program's IR, as <c>sharptrace -d ir</c> prints it.</summary>
    public static string Ir(string script) => IrPrinter.Print(Compile(script).Lowered);

    /// <summary>The lowered program and each probe's code as generated (through the IR, or the previous emitter).</summary>
    public static (LoweredProgram Lowered, IReadOnlyList<AssembledProgram> Code) Compile(string script)
    {
        var result = Compilation.Compile(new SourceText(script, "test.bt"), SemanticKit.Tracepoints, null, SemanticKit.Kernel);
        Assert.True(result.Program is not null, string.Join('\n', result.Diagnostics));
        return (result.Program.Lowered, result.Program.Probes.Select(p => p.Code).ToList());
    }

    public static readonly LoweredMap Map = new(new MapRef("@m"), LoweredMapRole.Script, 8, 8);

    /// <summary>A program table with the ring buffer and counters CodeGen needs, and one script map.</summary>
    public static LoweredProgram Program(params IrFunction[] functions) => new(
        functions.Select(f => new LoweredProbe(f.Name, f, null)).ToList(),
        [
            new LoweredMap(new MapRef("ringbuf"), LoweredMapRole.RingBuffer, 0, 0),
            new LoweredMap(new MapRef("lost_events"), LoweredMapRole.LostEvents, 4, 8),
            new LoweredMap(new MapRef("dropped_updates"), LoweredMapRole.DroppedUpdates, 4, 8),
            Map,
        ],
        [new LoweredRecord(0, "exit", SharpTrace.Records.RecordLayout.IdOnly)]);
}
