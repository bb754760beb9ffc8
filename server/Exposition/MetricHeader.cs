using System.Text;

namespace RenderFarm.Server.Exposition;

internal static class MetricHeader
{
    /// <summary>The <c># HELP</c> and <c># TYPE</c> lines of a family, as UTF-8.</summary>
    public static byte[] Encode(string name, string type, string help) =>
        Encoding.UTF8.GetBytes($"# HELP {name} {help.Replace("\\", "\\\\").Replace("\n", "\\n")}\n# TYPE {name} {type}\n");
}
