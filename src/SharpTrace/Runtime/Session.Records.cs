using System.Buffers.Binary;
using SharpTrace.Output;
using SharpTrace.Records;
using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>
/// Records from the ring buffer go to the handler of their action, by id: each action (printf, print, exit, join,
/// time, cat, system…) brings its own handler, which decodes and prints its records through this session.
/// </summary>
internal sealed partial class Session : IRecordContext
{
    private IRecordHandler[] CreateRecordHandlers() => _program.Bound.Actions.Select(a => a.CreateHandler(this)).ToArray();

    private void HandleRecord(ReadOnlySpan<byte> record)
    {
        var id = record.Length < RecordLayout.IdSize ? -1 : (long)BinaryPrimitives.ReadUInt64LittleEndian(record);
        if (id < 0 || id >= _handlers.Length)
        {
            _warning($"ignored an output record the program does not describe ({record.Length} bytes)");
            return;
        }
        if (_discardingAfterExit && !_handlers[id].HandlesAfterExit)
            return;
        _unflushed = true;
        _handlers[id].Handle(record);
    }

    IOutputWriter IRecordContext.Output => _output;

    void IRecordContext.Warning(string message) => _warning(message);

    void IRecordContext.Exit(int code)
    {
        // The first exit() decides the code: later records are discarded.
        if (!_discardingAfterExit)
            _exitCode = code;
        // As in bpftrace, what the probes sent after exit() (other CPUs, events already queued, the rest of the
        // probe) is not printed.
        _exitRequested = true;
        _discardingAfterExit = true;
    }

    RuntimeValue IRecordContext.Decode(IRecordValueType type, ReadOnlySpan<byte> bytes) => ValueDecoder.Decode((BpfType)type, bytes, _decoding);

    IMapDecoder IRecordContext.Map(string name) => _readers.First(r => r.Name == name);

    void IRecordContext.AddUserStack(UserStackSample sample)
    {
        _decoding.Symbols.AddUserStack(sample);
        _live?.AddUserStack(sample);
    }

    void IRecordContext.NameUserFunction(int tag, string name)
    {
        _decoding.Symbols.NameFunction(tag, name);
        _live?.NameFunction(tag, name);
    }

    void IRecordContext.AddUserProcess(int pid)
    {
        _decoding.Symbols.AddProcess(pid);
        _live?.AddProcess(pid);
    }
}
