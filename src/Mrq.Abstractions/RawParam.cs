namespace Mrq;

/// <summary>
/// A raw param for a raw queue, with its score: the priority of a <c>_sorted_set</c> member (ascending), or the due time
/// of a <c>_timed_set</c> member in unix seconds. Lists and sets ignore the score.
/// </summary>
public readonly record struct RawParam(string Value, double Score = 0)
{
    /// <summary>A raw param without a score.</summary>
    public static implicit operator RawParam(string value) => new(value);

    /// <summary>A raw param without a score.</summary>
    public static RawParam FromString(string value) => new(value);

    /// <summary>A timed-set member due at <paramref name="due"/>.</summary>
    public static RawParam DueAt(string value, DateTime due) =>
        new(value, (due.Kind == DateTimeKind.Local ? due.ToUniversalTime() : due).Subtract(DateTime.UnixEpoch).TotalSeconds);
}
