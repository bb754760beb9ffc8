using System.Text;

namespace RenderFarm.Server.Exposition;

/// <summary>
/// One metric family's name, type and help, declared once: its <c># HELP</c>/<c># TYPE</c> header
/// is made from them, and its samples are written under the same name.
/// </summary>
internal sealed class MetricFamily
{
    private MetricFamily(string name, string type, string help)
    {
        Name = Encoding.UTF8.GetBytes(name);
        Header = Encoding.UTF8.GetBytes($"# HELP {name} {LabelText.EscapeHelp(help)}\n# TYPE {name} {type}\n");
    }

    /// <summary>The name as UTF-8, as every sample line starts.</summary>
    public byte[] Name { get; }

    /// <summary>The <c># HELP</c> and <c># TYPE</c> lines as UTF-8.</summary>
    public byte[] Header { get; }

    public static MetricFamily Gauge(string name, string help) => new(name, "gauge", help);

    public static MetricFamily Counter(string name, string help) => new(name, "counter", help);
}
