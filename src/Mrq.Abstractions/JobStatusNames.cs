using System.Diagnostics.CodeAnalysis;

namespace Mrq;

/// <summary>Converts <see cref="JobStatus"/> to and from MRQ's lower-case status names (<c>queued</c>, <c>maxretries</c>, …).</summary>
public static class JobStatusNames
{
    private static readonly string[] s_names =
    [
        "queued", "started", "success", "failed", "retry", "maxretries", "abort", "cancel", "interrupt", "timeout", "maxconcurrency",
    ];

    /// <summary>Every status, in enum order.</summary>
    public static IReadOnlyList<JobStatus> All { get; } = Enumerable.Range(0, s_names.Length).Select(i => (JobStatus)i).ToArray();

    /// <summary>MRQ's name of <paramref name="status"/>.</summary>
    public static string ToName(this JobStatus status) => s_names[(int)status];

    /// <summary>Parses an MRQ status name (case-insensitive).</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out JobStatus? status)
    {
        for (var i = 0; i < s_names.Length; i++)
        {
            if (string.Equals(s_names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                status = (JobStatus)i;
                return true;
            }
        }

        status = null;
        return false;
    }

    /// <summary>Parses an MRQ status name, throwing a <see cref="FormatException"/> that lists the valid names.</summary>
    public static JobStatus Parse(string name) =>
        TryParse(name, out var status)
            ? status.Value
            : throw new FormatException($"'{name}' is not a job status; expected one of: {string.Join(", ", s_names)}.");
}
