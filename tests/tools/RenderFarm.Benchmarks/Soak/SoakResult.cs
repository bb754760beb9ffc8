namespace RenderFarm.Benchmarks.Soak;

/// <summary>One memory reading of the server during the soak, after a forced full GC.</summary>
public sealed record MemoryReading(TimeSpan At, int Instances, double Heap, double Rss);

public sealed record SoakResult(
    SoakSettings Settings,
    long Reports,
    long FailedReports,
    int Churned,
    int SignedOff,
    double ExpiredTotal,
    double SignedOffTotal,
    int SeriesLeft,
    IReadOnlyList<MemoryReading> Memory)
{
    /// <summary>Readings from the first counted one on.</summary>
    public IReadOnlyList<MemoryReading> Counted => [.. Memory.Where(m => m.At >= Settings.MemoryFrom)];

    public double HeapDrift => Drift(Counted.Select(m => m.Heap));

    public double RssDrift => Drift(Counted.Select(m => m.Rss));

    public IEnumerable<string> Failures()
    {
        if (FailedReports > 0)
        {
            yield return $"{FailedReports} report(s) failed";
        }

        if (Counted.Count < 2)
        {
            yield return "fewer than two memory readings to compare";
        }
        else
        {
            if (HeapDrift > Settings.MemoryTolerance)
            {
                yield return $"managed heap moved {HeapDrift:P1} from its level in the first third of the run (limit {Settings.MemoryTolerance:P0})";
            }

            if (RssDrift > Settings.MemoryTolerance)
            {
                yield return $"resident memory moved {RssDrift:P1} from its level in the first third of the run (limit {Settings.MemoryTolerance:P0})";
            }
        }

        if (ExpiredTotal != Churned)
        {
            yield return $"{ExpiredTotal} instances expired, but {Churned} vanished without signing off";
        }

        if (SignedOffTotal != SignedOff)
        {
            yield return $"{SignedOffTotal} sign-offs counted, {SignedOff} sent";
        }

        if (SeriesLeft > 0)
        {
            yield return $"{SeriesLeft} per-instance series left on /metrics after every instance left";
        }
    }

    public string Summary() =>
        $"{Settings.Instances:N0} instances, {Settings.ChurnPerMinute:P0} churn per minute, {Settings.Duration.TotalSeconds:F0} s: " +
        $"{Reports:N0} reports ({FailedReports} failed); {Churned:N0} vanished and {ExpiredTotal:N0} expired; " +
        $"{SignedOff:N0} signed off at the end; {SeriesLeft} series left; " +
        $"heap {Mib(Counted.Min(m => m.Heap))}–{Mib(Counted.Max(m => m.Heap))} MiB (drift {HeapDrift:P1}), " +
        $"RSS {Mib(Counted.Min(m => m.Rss))}–{Mib(Counted.Max(m => m.Rss))} MiB (drift {RssDrift:P1}) over {Counted.Count} readings";

    private static string Mib(double bytes) => (bytes / 1048576).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The largest distance of any reading from the baseline, as a share of it. The baseline is
    /// the mean of the first third of the readings: one reading alone moves by a few percent.
    /// </summary>
    private static double Drift(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0)
        {
            return 0;
        }

        var baseline = list.Take(Math.Max(1, list.Count / 3)).Average();
        return list.Max(v => Math.Abs(v - baseline) / baseline);
    }
}
