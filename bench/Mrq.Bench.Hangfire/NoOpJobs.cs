namespace Mrq.Bench.Hangfire;

/// <summary>The tutorial's no-op job, as Hangfire calls it: a public static method.</summary>
public static class NoOpJobs
{
    /// <summary>Squares an integer.</summary>
    public static int Square(int n) => n * n;
}
