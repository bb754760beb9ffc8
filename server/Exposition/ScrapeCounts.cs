namespace RenderFarm.Server.Exposition;

/// <summary>
/// Scrapes of /metrics by the format and encoding they were answered in: shows an operator what their Prometheus
/// negotiates (OpenMetrics and gzip, by default), and a scraper that never compresses.
/// </summary>
internal static class ScrapeCounts
{
    private static readonly MetricFamily Family = MetricFamily.Counter("renderfarm_scrapes_total",
        "Scrapes of /metrics since the server started, by the format and encoding they were answered in.");

    private static readonly (ScrapeChoice Choice, byte[] Labels)[] Kinds =
    [
        .. from format in new[] { ScrapeFormat.Text, ScrapeFormat.OpenMetrics }
           from gzip in new[] { false, true }
           select (new ScrapeChoice(format, gzip), LabelText.Encode(
               ("format", format == ScrapeFormat.OpenMetrics ? "openmetrics" : "text"), ("encoding", gzip ? "gzip" : "identity"))),
    ];

    private static readonly long[] Counts = new long[Kinds.Length];

    public static void Count(ScrapeChoice choice) => Interlocked.Increment(ref Counts[Array.FindIndex(Kinds, k => k.Choice == choice)]);

    public static void Write(ExpositionBuffer buffer)
    {
        buffer.Header(Family);
        for (var k = 0; k < Kinds.Length; k++)
        {
            buffer.Sample(Family.Name, Kinds[k].Labels, Interlocked.Read(ref Counts[k]));
        }
    }
}
