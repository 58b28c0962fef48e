namespace Mrq.Generators;

/// <summary>Hash combining for netstandard2.0, which has no <c>System.HashCode</c>.</summary>
internal static class HashCodes
{
    public const int Seed = 17;

    public static int Combine(int hash, int value) => unchecked((hash * 31) + value);
}
