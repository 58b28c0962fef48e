using System.ComponentModel;

namespace Mrq.Infrastructure;

/// <summary>Turns one raw param into the job to run: the generated wrapper of a <see cref="MrqRawQueueAttribute"/> method.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate JobRequest RawJobFactory(string rawParam);
