using System.Globalization;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Cli;

/// <summary>The command line of <c>RenderFarm.Server check</c>.</summary>
public sealed record CheckArguments
{
    public const string Usage = """
        Usage: RenderFarm.Server check --host NAME [options]

        Asks a RenderFarm server whether a render node's Blender instances report, and
        what they do. Follows the monitoring-plugin conventions (Nagios, Icinga, Naemon):
        prints one status line with performance data and exits
          0 OK        the host (or instance) reports as expected
          1 WARNING   it reports as expected, but its last report is older than --max-age
          2 CRITICAL  it does not report (none within the server's instance TTL),
                      or it is not in the expected state
          3 UNKNOWN   bad arguments, server unreachable or too slow, or an answer that
                      is not the RenderFarm status API

        Options:
          --server URL         the server's HTTP address (default http://localhost:8000)
          --host NAME          the render node, as its Blender instances report it (required)
          --instance ID        one Blender instance of the host; default: all of them
          --expect STATE       alive (default), rendering or idle. For a whole host,
                               rendering means at least one instance renders and idle
                               means none does
          --max-age DURATION   WARNING when the last report is older than this,
                               e.g. 10s, 2m, 00:00:30 (default: no limit but the TTL)
          --timeout DURATION   give up on the server after this long (default 10s)
          -h, --help           show this text (exits 3, as monitoring plugins do)

        Example:
          RenderFarm.Server check --server http://farm:8000 --host node17 --instance 0 \
              --expect rendering --max-age 60s
        """;

    public static readonly Uri DefaultServer = new("http://localhost:8000/");

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    public Uri Server { get; init; } = DefaultServer;

    public required string Host { get; init; }

    public string? Instance { get; init; }

    public CheckExpectation Expect { get; init; } = CheckExpectation.Alive;

    public TimeSpan? MaxAge { get; init; }

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Parses <paramref name="args"/> (after the word <c>check</c>).</summary>
    /// <returns>The arguments, or null with <paramref name="error"/> naming the option at fault.</returns>
    public static CheckArguments? Parse(IReadOnlyList<string> args, out string? error, out bool help)
    {
        help = false;
        error = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                help = true;
                return null;
            }

            var (name, value) = arg.IndexOf('=') is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            if (name is not ("--server" or "--host" or "--instance" or "--expect" or "--max-age" or "--timeout"))
            {
                error = $"{arg}: unknown option (see --help)";
                return null;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    error = $"{name}: needs a value";
                    return null;
                }

                value = args[++i];
            }

            if (!values.TryAdd(name, value))
            {
                error = $"{name}: given twice";
                return null;
            }
        }

        error = Build(values, out var parsed);
        return parsed;
    }

    /// <summary>Reads durations as monitoring users write them: 500ms, 10s, 2m, 1h, a number of seconds, or 00:00:30.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            // NaN, Infinity and 1e26 parse too; TimeSpan.FromSeconds would throw on them.
            var seconds = value * scale;
            if (!(seconds > 0 && seconds <= MaxDuration.TotalSeconds))
            {
                return false;
            }

            duration = TimeSpan.FromSeconds(seconds);
        }
        else if (!TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out duration))
        {
            return false;
        }

        return duration > TimeSpan.Zero && duration <= MaxDuration;
    }

    private static string? Build(Dictionary<string, string> values, out CheckArguments? parsed)
    {
        parsed = null;
        if (!values.TryGetValue("--host", out var host))
        {
            return "--host: required (the render node to check)";
        }

        if (IdentityRules.Error("--host", host) is { } hostError)
        {
            return hostError;
        }

        var instance = values.GetValueOrDefault("--instance");
        if (instance is not null && IdentityRules.Error("--instance", instance) is { } instanceError)
        {
            return instanceError;
        }

        var server = DefaultServer;
        if (values.TryGetValue("--server", out var serverText)
            && (!Uri.TryCreate(serverText, UriKind.Absolute, out server) || server.Scheme is not ("http" or "https")))
        {
            return $"--server: '{serverText}' is not an http:// or https:// address";
        }

        var expect = CheckExpectation.Alive;
        if (values.TryGetValue("--expect", out var expectText)
            && !(Enum.TryParse(expectText, ignoreCase: true, out expect) && Enum.IsDefined(expect) && !int.TryParse(expectText, out _)))
        {
            return $"--expect: must be alive, rendering or idle, was '{expectText}'";
        }

        TimeSpan? maxAge = null;
        if (values.TryGetValue("--max-age", out var maxAgeText))
        {
            if (!TryParseDuration(maxAgeText, out var age))
            {
                return $"--max-age: '{maxAgeText}' is not a duration between 0 and 1 day (e.g. 60s, 5m, 00:01:00)";
            }

            maxAge = age;
        }

        var timeout = DefaultTimeout;
        if (values.TryGetValue("--timeout", out var timeoutText) && !TryParseDuration(timeoutText, out timeout))
        {
            return $"--timeout: '{timeoutText}' is not a duration between 0 and 1 day (e.g. 10s)";
        }

        parsed = new CheckArguments
        {
            // A trailing slash makes the API path relative to a server behind a path prefix.
            Server = server!.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/"),
            Host = host,
            Instance = instance,
            Expect = expect,
            MaxAge = maxAge,
            Timeout = timeout,
        };
        return null;
    }
}
