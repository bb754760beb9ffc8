using System.Text;

namespace RenderFarm.Server.Exposition;

/// <summary>
/// One metric family's name, type and help, declared once: its <c># HELP</c>/<c># TYPE</c> header in each format
/// is made from them, and its samples are written under the same name.
/// </summary>
internal sealed class MetricFamily
{
    private MetricFamily(string name, string type, string help)
    {
        Name = Encoding.UTF8.GetBytes(name);
        TextHeader = Encoding.UTF8.GetBytes($"# HELP {name} {LabelText.EscapeHelp(help)}\n# TYPE {name} {type}\n");

        // OpenMetrics names a counter's family without the _total its samples carry, and escapes quotes in help too.
        var family = type == "counter" && name.EndsWith("_total", StringComparison.Ordinal) ? name[..^"_total".Length] : name;
        OpenMetricsHeader = Encoding.UTF8.GetBytes($"# TYPE {family} {type}\n# HELP {family} {LabelText.EscapeHelp(help).Replace("\"", "\\\"")}\n");
    }

    /// <summary>The name as UTF-8, as every sample line starts.</summary>
    public byte[] Name { get; }

    /// <summary>The <c># HELP</c> and <c># TYPE</c> lines of the classic text format, as UTF-8.</summary>
    public byte[] TextHeader { get; }

    /// <summary>The <c># TYPE</c> and <c># HELP</c> lines of OpenMetrics, as UTF-8.</summary>
    public byte[] OpenMetricsHeader { get; }

    public byte[] Header(ScrapeFormat format) => format == ScrapeFormat.OpenMetrics ? OpenMetricsHeader : TextHeader;

    public static MetricFamily Gauge(string name, string help) => new(name, "gauge", help);

    public static MetricFamily Counter(string name, string help) => new(name, "counter", help);

    public static MetricFamily Histogram(string name, string help) => new(name, "histogram", help);
}
