namespace Mrq.Storage;

/// <summary>A raw param with its score (sorted sets) or due time in unix seconds (timed sets); 0 for lists and sets.</summary>
/// <param name="Value">The raw params, as the raw queue's job factory reads them.</param>
/// <param name="Score">The sorted set's score or the timed set's due time (unix seconds); ignored by lists and sets.</param>
public readonly record struct RawItem(string Value, double Score = 0);
