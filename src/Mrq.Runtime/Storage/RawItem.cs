namespace Mrq.Storage;

/// <summary>A raw param with its score (sorted sets) or due time in unix seconds (timed sets); 0 for lists and sets.</summary>
internal readonly record struct RawItem(string Value, double Score = 0);
