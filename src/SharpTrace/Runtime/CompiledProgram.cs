using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>
/// One probe compiled to eBPF: its code is assembled, map references are resolved when it is loaded. A probe on
/// <c>syscalls</c> tracepoints of one direction also has <see cref="SyscallCode"/>, the raw tracepoint program the
/// session prefers where the kernel allows it (<see cref="Probes.SyscallDispatch"/>).
/// </summary>
internal sealed record CompiledProbe(BoundProbe Probe, BpfProgramType ProgramType, AssembledProgram Code, AssembledProgram? SyscallCode = null);

/// <summary>A script compiled to eBPF programs, with the maps they need and the actions user space carries out: what a <see cref="Session"/> runs.</summary>
internal sealed record CompiledProgram(BoundProgram Bound, ProgramMaps Maps, IReadOnlyList<CompiledProbe> Probes, Lowering.LoweredProgram Lowered);
