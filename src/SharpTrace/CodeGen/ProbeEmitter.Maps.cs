using SharpTrace.Bpf;
using SharpTrace.Semantics;

namespace SharpTrace.CodeGen;

/// <summary>Map functions' code: references for builtins, the shared "continue" callback, dropped-update counting.</summary>
internal sealed partial class ProbeEmitter
{
    private const int EExist = 17;
    private Label? _continueCallback;

    /// <summary>The kernel map behind a script map, for builtins that pass it to a helper.</summary>
    internal MapRef MapRef(MapSymbol map) => _maps.For(map);

    /// <summary>The array holding the program's start time, for <c>elapsed</c>.</summary>
    internal MapRef StartTimeMap => _maps.StartTime;

    /// <summary>
    /// Walks the map with bpf_for_each_map_elem: the callback gets (map, key, value, context), the context being what
    /// <paramref name="loadContext"/> puts in r3 (0 when not given); r0 = the number of entries visited.
    /// </summary>
    internal void EmitMapWalk(MapSymbol map, Label callback, Action? loadContext = null)
    {
        Asm.LoadMapFd(Reg.R1, _maps.For(map));
        Asm.LoadFunctionAddress(Reg.R2, callback);
        if (loadContext is null)
            Asm.Mov(Reg.R3, 0);
        else
            loadContext();
        Asm.Mov(Reg.R4, 0);
        Asm.Call(HelperFunction.ForEachMapElem);
    }

    /// <summary>A bpf_for_each_map_elem callback that visits every element and does nothing (len() counts them).</summary>
    internal Label ContinueCallback
    {
        get
        {
            if (_continueCallback is null)
            {
                _continueCallback = Asm.NewLabel("continue_callback");
                _subprograms.Add((_continueCallback, () =>
                {
                    Asm.Mov(Reg.R0, 0);
                    Asm.Exit();
                }));
            }
            return _continueCallback;
        }
    }

    /// <summary>
    /// After bpf_map_update_elem (result in r0): an update refused because the map is full is counted in the map's
    /// slot of the per-CPU dropped-updates array, so user space can name the map and say how many were lost.
    /// -EEXIST is not a loss: it is a BPF_NOEXIST create that another CPU won.
    /// </summary>
    private void CountDroppedUpdate(MapSymbol map)
    {
        var done = Asm.NewLabel("update_ok");
        Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, done);
        Asm.JumpIf(JumpOp.Eq, Reg.R0, -EExist, done);
        Scoped(() =>
        {
            var key = Allocate(4);
            Asm.StoreImm(Size.U32, Reg.R10, (short)key, map.Index);
            Asm.LoadMapFd(Reg.R1, _maps.DroppedUpdates);
            FramePointer(Reg.R2, key);
            Asm.Call(HelperFunction.MapLookupElem);
            Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, done);
            Asm.Load(Size.U64, Reg.R1, Reg.R0, 0);
            Asm.Alu(AluOp.Add, Reg.R1, 1);
            Asm.Store(Size.U64, Reg.R0, 0, Reg.R1);
        });
        Asm.Mark(done);
    }
}
