namespace RenderFarm.Server.Cli;

/// <summary>Exit codes of the monitoring-plugin convention (Nagios, Icinga, Naemon, Sensu).</summary>
public enum CheckStatus
{
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3,
}

/// <summary>What the check says: its status, one line for people, and performance data for graphs.</summary>
public sealed record CheckResult(CheckStatus Status, string Message, string PerformanceData = "")
{
    /// <summary>The plugin output line: <c>RENDERFARM OK - message | perfdata</c>.</summary>
    public string Line
    {
        get
        {
            var status = Status switch
            {
                CheckStatus.Ok => "OK",
                CheckStatus.Warning => "WARNING",
                CheckStatus.Critical => "CRITICAL",
                _ => "UNKNOWN",
            };
            // '|' starts the performance data, so it must not appear in the message; nothing the
            // server sent may act on a terminal or turn the line around.
            var message = PluginText.Escape(Message.Replace('|', '/').ReplaceLineEndings(" "));
            return PerformanceData.Length == 0
                ? $"RENDERFARM {status} - {message}"
                : $"RENDERFARM {status} - {message} | {PluginText.Escape(PerformanceData)}";
        }
    }

    public static CheckResult Unknown(string message) => new(CheckStatus.Unknown, message);
}
