using System.Globalization;
using RenderFarm.Server.Queries;
using RenderFarm.Server.StatusApi;

namespace RenderFarm.Server.Cli;

/// <summary>
/// Turns a host's status into a check result. CRITICAL answers the question asked with
/// "no" (not reporting, or not in the expected state); WARNING is "yes, but its last
/// report is getting old": it may be about to drop out.
/// </summary>
public static class CheckEvaluation
{
    /// <param name="host">The server's answer for the host; null when it knows no instance of it.</param>
    /// <param name="ttl">The server's instance TTL, for the message when nothing reports.</param>
    public static CheckResult Evaluate(CheckArguments args, HostStatus? host, TimeSpan? ttl = null)
    {
        var target = args.Instance is null ? args.Host : $"{args.Host}/{args.Instance}";
        var instances = host?.Instances
            .Where(i => args.Instance is null || string.Equals(i.Instance, args.Instance, StringComparison.Ordinal))
            .ToList() ?? [];
        if (instances.Count == 0)
        {
            var within = ttl is { } t ? $" within the instance TTL ({Seconds(t.TotalSeconds)})" : "";
            var others = host is { Instances.Count: > 0 }
                ? $"; {args.Host} has instance(s) {string.Join(", ", host.Instances.Select(i => i.Instance))}"
                : "";
            return new CheckResult(CheckStatus.Critical, $"{target}: no report{within}{others}", "instances=0;;;0");
        }

        var rendering = instances.Count(i => i.State == InstanceState.Rendering);
        var oldest = instances.MaxBy(i => i.AgeSeconds)!;
        var description = Describe(instances, rendering, oldest);
        var performance = PerformanceData(args, instances, rendering, oldest);

        var stateMismatch = args.Expect switch
        {
            CheckExpectation.Rendering when rendering == 0 =>
                instances.Count == 1 ? "idle, expected rendering" : "no instance rendering, expected rendering",
            CheckExpectation.Idle when rendering > 0 =>
                instances.Count == 1 ? "rendering, expected idle" : $"{rendering} instance(s) rendering, expected idle",
            _ => null,
        };
        if (stateMismatch is not null)
        {
            return new CheckResult(CheckStatus.Critical, $"{target} {stateMismatch}; {description}", performance);
        }

        if (args.MaxAge is { } maxAge && oldest.AgeSeconds > maxAge.TotalSeconds)
        {
            return new CheckResult(CheckStatus.Warning,
                $"{target}: last report {Seconds(oldest.AgeSeconds)} ago (more than {Seconds(maxAge.TotalSeconds)}); {description}", performance);
        }

        return new CheckResult(CheckStatus.Ok, $"{target} {description}", performance);
    }

    private static string Describe(List<InstanceView> instances, int rendering, InstanceView oldest)
    {
        if (instances.Count == 1)
        {
            var one = instances[0];
            var state = one.State == InstanceState.Rendering ? "rendering" : "idle";
            var job = one.Job is { Progress: { } progress }
                ? string.Create(CultureInfo.InvariantCulture, $" of {one.Job.FrameStart}-{one.Job.FrameEnd} ({progress * 100:F0}%)")
                : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"{state}, frame {one.CurrentFrame}{job}, last seen {Seconds(one.AgeSeconds)} ago");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{instances.Count} instances ({rendering} rendering, {instances.Count - rendering} idle), oldest report {Seconds(oldest.AgeSeconds)} ago");
    }

    // Monitoring-plugin performance data: 'label'=value[UOM];[warn];[crit];[min];[max]
    private static string PerformanceData(CheckArguments args, List<InstanceView> instances, int rendering, InstanceView oldest)
    {
        var warn = args.MaxAge is { } maxAge ? Number(maxAge.TotalSeconds) : "";
        var data = string.Create(CultureInfo.InvariantCulture,
            $"age={Number(oldest.AgeSeconds)}s;{warn};;0 instances={instances.Count};;;0 rendering={rendering};;;0");
        if (instances is [{ } one])
        {
            data += string.Create(CultureInfo.InvariantCulture, $" frame={one.CurrentFrame}");
            if (one.Job?.Progress is { } progress)
            {
                data += string.Create(CultureInfo.InvariantCulture, $" progress={Number(progress * 100)}%;;;0;100");
            }
        }

        return data;
    }

    private static string Seconds(double seconds) => Number(seconds) + " s";

    private static string Number(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
