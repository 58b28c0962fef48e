using System.Buffers;
using System.ComponentModel;

namespace Mrq.Infrastructure;

/// <summary>
/// Runs one job of a task: reads its params from <paramref name="parameters"/> (a MessagePack map), constructs the task,
/// runs it and writes its MessagePack-serialized result (nothing for tasks that return nothing) to <paramref name="result"/>.
/// Generated per task; not for hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate ValueTask TaskInvoker(JobContext context, ReadOnlyMemory<byte> parameters, IBufferWriter<byte> result);
