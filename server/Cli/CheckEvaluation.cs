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
    /// <summary>At most this many of a host's instances are named when the one asked for is missing.</summary>
    public const int MaxNamed = 10;

    /// <param name="host">
    /// The server's answer for the host (or, with --instance, for that instance); null when it knows none. It may hold
    /// only a page of the host's instances: the counts and the oldest report's age are the whole host's.
    /// </param>
    /// <param name="ttl">The server's instance TTL, for the message when nothing reports.</param>
    /// <param name="others">With --instance, when that instance does not report: the host's answer, to name the ones that do.</param>
    public static CheckResult Evaluate(CheckArguments args, HostStatus? host, TimeSpan? ttl = null, HostStatus? others = null)
    {
        var target = args.Instance is null ? args.Host : $"{args.Host}/{args.Instance}";
        var tally = host is null ? null : Tally.Of(args, host);
        if (tally is null)
        {
            var within = ttl is { } t ? $" within the instance TTL ({Seconds(t.TotalSeconds)})" : "";
            // An older server ignores the instance filter and answers with the whole host, which then names them itself.
            others ??= host;
            var named = others is { Instances.Count: > 0 } ? $"; {args.Host} has instance(s) {Named(others)}" : "";
            return new CheckResult(CheckStatus.Critical, $"{target}: no report{within}{named}", "instances=0;;;0");
        }

        var description = Describe(tally);
        var performance = PerformanceData(args, tally);
        var stateMismatch = args.Expect switch
        {
            CheckExpectation.Rendering when tally.Rendering == 0 =>
                tally.Instances == 1 ? "idle, expected rendering" : "no instance rendering, expected rendering",
            CheckExpectation.Idle when tally.Rendering > 0 =>
                tally.Instances == 1 ? "rendering, expected idle" : $"{tally.Rendering} instance(s) rendering, expected idle",
            _ => null,
        };
        if (stateMismatch is not null)
        {
            return new CheckResult(CheckStatus.Critical, $"{target} {stateMismatch}; {description}", performance);
        }

        if (args.MaxAge is { } maxAge && tally.OldestAgeSeconds > maxAge.TotalSeconds)
        {
            return new CheckResult(CheckStatus.Warning,
                $"{target}: last report {Seconds(tally.OldestAgeSeconds)} ago (more than {Seconds(maxAge.TotalSeconds)}); {description}",
                performance);
        }

        return new CheckResult(CheckStatus.Ok, $"{target} {description}", performance);
    }

    private static string Named(HostStatus others)
    {
        var names = string.Join(", ", others.Instances.Take(MaxNamed).Select(i => i.Instance));
        var more = Math.Max(others.Summary.Instances, others.Instances.Count) - Math.Min(others.Instances.Count, MaxNamed);
        return more > 0 ? $"{names} and {more} more" : names;
    }

    private static string Describe(Tally tally)
    {
        if (tally.One is { } one)
        {
            var state = one.State.Name();
            var job = one.Job is { Progress: { } progress }
                ? string.Create(CultureInfo.InvariantCulture, $" of {one.Job.FrameStart}-{one.Job.FrameEnd} ({progress * 100:F0}%)")
                : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"{state}, frame {one.CurrentFrame}{job}, last seen {Seconds(one.AgeSeconds)} ago");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{tally.Instances} instances ({tally.Rendering} rendering, {tally.Instances - tally.Rendering} idle), oldest report {Seconds(tally.OldestAgeSeconds)} ago");
    }

    // Monitoring-plugin performance data: 'label'=value[UOM];[warn];[crit];[min];[max]
    private static string PerformanceData(CheckArguments args, Tally tally)
    {
        var warn = args.MaxAge is { } maxAge ? Number(maxAge.TotalSeconds) : "";
        var data = string.Create(CultureInfo.InvariantCulture,
            $"age={Number(tally.OldestAgeSeconds)}s;{warn};;0 instances={tally.Instances};;;0 rendering={tally.Rendering};;;0");
        if (tally.One is { } one)
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

    /// <summary>What the check judges: how many instances, how many render, the oldest report, and the one instance when there is one.</summary>
    private sealed record Tally(int Instances, int Rendering, double OldestAgeSeconds, InstanceView? One)
    {
        /// <returns>Null when no instance asked about reports.</returns>
        public static Tally? Of(CheckArguments args, HostStatus host)
        {
            if (args.Instance is not null)
            {
                // The server filtered (one instance, a page of one) or, an older one, listed the whole host: either way, look.
                var asked = host.Instances.FirstOrDefault(i => string.Equals(i.Instance, args.Instance, StringComparison.Ordinal));
                return asked is null ? null : new Tally(1, asked.State.Renders() ? 1 : 0, asked.AgeSeconds, asked);
            }

            if (host.Instances.Count == 0 || host.Summary.Instances == 0)
            {
                return null;
            }

            // The host's counts cover every page; an older server, without them, listed every instance.
            var oldest = host.OldestReportAgeSeconds ?? host.Instances.Max(i => i.AgeSeconds);
            return new Tally(host.Summary.Instances, host.Summary.Rendering, oldest,
                host.Summary.Instances == 1 ? host.Instances[0] : null);
        }
    }
}
