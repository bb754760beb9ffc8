namespace RenderFarm.LoadGenerator;

/// <summary>What a measured load phase achieved.</summary>
public sealed record LoadResult(long Calls, long Errors, TimeSpan Elapsed, long[] SortedLatencyTicks, string? FirstError)
{
    public double CallsPerSecond => Calls / Elapsed.TotalSeconds;

    public TimeSpan P50 => Percentile(0.50);

    public TimeSpan P99 => Percentile(0.99);

    public TimeSpan Max => SortedLatencyTicks.Length == 0 ? TimeSpan.Zero : FromTicks(SortedLatencyTicks[^1]);

    public TimeSpan Percentile(double quantile)
    {
        if (SortedLatencyTicks.Length == 0)
        {
            return TimeSpan.Zero;
        }

        // Nearest rank: the smallest value with at least this share of samples at or below it.
        var rank = (int)Math.Ceiling(quantile * SortedLatencyTicks.Length);
        return FromTicks(SortedLatencyTicks[Math.Clamp(rank - 1, 0, SortedLatencyTicks.Length - 1)]);
    }

    public override string ToString() =>
        $"{Calls} calls in {Elapsed.TotalSeconds:F1} s: {CallsPerSecond:F0}/s, p50 {P50.TotalMilliseconds:F2} ms, " +
        $"p99 {P99.TotalMilliseconds:F2} ms, max {Max.TotalMilliseconds:F1} ms, {Errors} errors" +
        (FirstError is null ? "" : $" (first: {FirstError})");

    private static TimeSpan FromTicks(long stopwatchTicks) =>
        TimeSpan.FromSeconds(stopwatchTicks / (double)System.Diagnostics.Stopwatch.Frequency);
}
